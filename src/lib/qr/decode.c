/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decode.c - images and text lines into the UR decoder. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/text.h"
#include "pgp/armor.h"
#include "pgp/packet.h"
#include "qr/cbor.h"
#include "qr/decode.h"
#include "qr/png.h"
#include "qr/reader.h"
#include "qr/ur.h"

/* Where a part begins in text run together. */
#define PREFIX "UR:BYTES/"
#define PREFIX_LEN (sizeof PREFIX - 1)

struct mule_qr_decoder {
	struct mule_ur_decoder *ur;
	struct mule_qr_reader *reader;	/* for image files; NULL: none yet */
	size_t images, codes, foreign, late;
	struct mule_progress *progress;	/* NULL: none */
	size_t drawn;			/* codes when it was drawn */
	int incomplete;			/* finish found it short */
};

gpg_error_t
mule_qr_decoder_new(size_t max_size, struct mule_qr_decoder **r_dec)
{
	struct mule_qr_decoder *dec;
	gpg_error_t err;
	size_t limit;

	*r_dec = NULL;
	if (!max_size)
		max_size = MULE_FOUNTAIN_DEFAULT_MAX_MESSAGE;
	/* The UR message is the payload as a CBOR byte string: MAX_SIZE
	 * bytes and the head of their length.  Not a flat 9 more: a payload
	 * of up to 6 bytes over MAX_SIZE has a shorter head and would fit.
	 * A message length is at most 2^32 - 1 in any case. */
	if (max_size > UINT32_MAX - 9)
		limit = UINT32_MAX;
	else
		limit = max_size + mule_cbor_head_len(max_size);
	if (!(dec = calloc(1, sizeof *dec)))
		return gpg_error_from_syserror();
	err = mule_ur_decoder_new(limit, &dec->ur);
	if (err) {
		free(dec);
		return err;
	}
	*r_dec = dec;
	return 0;
}

/* ERR with HINT added to its recorded message. */
static gpg_error_t
with_hint(gpg_error_t err, const char *hint)
{
	struct mule_error_record r;

	mule_error_save(&r);
	if (r.err != err || r.hint[0])
		return err;
	mule_error_clear();
	return mule_error_set(err, hint, "%s", r.msg);
}

void
mule_qr_decoder_progress_start(struct mule_qr_decoder *dec, int quiet)
{
	if (!dec->progress)
		dec->progress = mule_progress_new("decoding", quiet, 0, 0);
}

void
mule_qr_decoder_progress_end(struct mule_qr_decoder *dec)
{
	mule_progress_done(dec->progress);
	dec->progress = NULL;
}

/* Redraw the progress line (a few times a second, or now with FORCE). */
static void
show(struct mule_qr_decoder *dec, int force)
{
	struct mule_qr_stats s;
	int drawn;

	/* Done: the line is about to be erased. */
	if (!dec->progress || mule_qr_decoder_done(dec))
		return;
	mule_qr_decoder_stats(dec, &s);
	if (!s.len)
		drawn = mule_progress_printf(dec->progress, force, "%zu code%s "
		    "read, no part yet", s.codes, s.codes == 1 ? "" : "s");
	else
		drawn = mule_progress_printf(dec->progress, force, "%zu code%s "
		    "read, %zu part%s used, %zu/%zu fragments, at least %zu "
		    "more part%s", s.codes, s.codes == 1 ? "" : "s", s.used,
		    s.used == 1 ? "" : "s", s.known, s.len, s.needed,
		    s.needed == 1 ? "" : "s");
	if (drawn)
		dec->drawn = s.codes;
}

gpg_error_t
mule_qr_decoder_line(struct mule_qr_decoder *dec, const char *line, size_t n)
{
	enum mule_fountain_outcome outcome;
	gpg_error_t err;

	dec->codes++;
	if (n < 3 || strncasecmp(line, "ur:", 3)) {
		dec->foreign++;
		show(dec, 0);
		return 0;
	}
	err = mule_ur_decoder_receive(dec->ur, line, n, &outcome);
	show(dec, 0);
	if (!err && outcome == MULE_FOUNTAIN_LATE)
		dec->late++;
	if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
		err = with_hint(err, "a larger --max-size takes a larger payload");
	return err;
}

/* Let the message recorded for ERR name PATH. */
static gpg_error_t
in_file(gpg_error_t err, const char *path)
{
	struct mule_error_record r;
	char *esc = mule_escape(path, strlen(path));

	mule_error_save(&r);
	mule_error_clear();
	if (r.err == err && r.msg[0])
		mule_error_set(err, r.hint[0] ? r.hint : NULL, "%s: %s",
		    esc ? esc : "(file)", r.msg);
	else
		mule_error_set(err, NULL, "%s: %s", esc ? esc : "(file)",
		    gpg_strerror(err));
	free(esc);
	return err;
}

static gpg_error_t
take_symbol(void *arg, const unsigned char *data, size_t n)
{
	struct mule_qr_decoder *dec = arg;

	if (mule_qr_decoder_done(dec))
		return 0;
	return mule_qr_decoder_line(dec, (const char *)data, n);
}

/* The N bytes of an image file at P through the sandboxed reader,
 * started at the first image and kept for the next ones. */
static gpg_error_t
scan_image(struct mule_qr_decoder *dec, const void *p, size_t n)
{
	gpg_error_t err = 0;

	if (!n)
		return mule_reject(GPG_ERR_NO_DATA, NULL, "an empty file");
	if (!dec->reader)
		err = mule_qr_reader_images(&dec->reader);
	if (!err)
		err = mule_qr_reader_image(dec->reader, p, n, take_symbol,
		    dec);
	/* A reader that failed once is not asked again; nor one no longer
	 * needed. */
	if (err || mule_qr_decoder_done(dec)) {
		mule_qr_reader_free(dec->reader);
		dec->reader = NULL;
	}
	return err;
}

static gpg_error_t
read_image(struct mule_qr_decoder *dec, const char *path)
{
	struct mule_membuf buf = { .limit = MULE_QR_MAX_IMAGE_FILE,
	    .what = "the image file" };
	gpg_error_t err;
	int fd = -1;

	/* Its message names PATH as it is; in_file names it escaped (a
	 * name read from a directory is anyone's). */
	if ((err = mule_input_open(&fd, path)))
		mule_error_clear();
	if (!err)
		err = mule_membuf_read_fd(&buf, fd);
	if (!err) {
		dec->images++;
		err = scan_image(dec, buf.p, buf.len);
	}
	mule_membuf_release(&buf);
	if (!err)
		show(dec, 0);
	if (fd > 0)
		close(fd);
	return err ? in_file(err, path ? path : "standard input") : 0;
}

static int
is_image_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return name[0] != '.' && dot && (!strcasecmp(dot, ".png")
	    || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static gpg_error_t
read_dir(struct mule_qr_decoder *dec, const char *path)
{
	DIR *dir;
	struct dirent *de;
	char **names = NULL, **more, *full;
	size_t n = 0, room = 0, i;
	gpg_error_t err = 0;

	if (!(dir = opendir(path)))
		return in_file(gpg_error_from_syserror(), path);
	while (!err && (errno = 0, de = readdir(dir))) {
		if (!is_image_name(de->d_name))
			continue;
		if (n == room) {
			room = room ? 2 * room : 64;
			more = realloc(names, room * sizeof *names);
			if (!more) {
				err = gpg_error_from_syserror();
				break;
			}
			names = more;
		}
		if (!(names[n] = strdup(de->d_name)))
			err = gpg_error_from_syserror();
		else
			n++;
	}
	if (!err && errno)
		err = in_file(gpg_error_from_syserror(), path);
	closedir(dir);
	if (names)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; !err && i < n && !mule_qr_decoder_done(dec); i++) {
		err = mule_path_join(path, names[i], &full);
		if (!err) {
			err = read_image(dec, full);
			free(full);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

gpg_error_t
mule_qr_decoder_path(struct mule_qr_decoder *dec, const char *path)
{
	struct stat st;

	if (mule_qr_decoder_done(dec))
		return 0;
	if (path && strcmp(path, "-") && !stat(path, &st)
	    && S_ISDIR(st.st_mode))
		return read_dir(dec, path);
	return read_image(dec, path);
}

/* Take in the N bytes at LINE (no LF) unless blank or the message is
 * done; refuse it if it is over MULE_UR_LINE_MAX without its CR. */
static gpg_error_t
text_part(struct mule_qr_decoder *dec, const char *line, size_t n)
{
	if (n && line[n - 1] == '\r')
		n--;
	if (n > MULE_UR_LINE_MAX)
		return mule_reject(GPG_ERR_LINE_TOO_LONG, NULL,
		    "a line over %d bytes", MULE_UR_LINE_MAX);
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (!n || mule_qr_decoder_done(dec))
		return 0;
	return mule_qr_decoder_line(dec, line, n);
}

/* Whether reading FD would not wait: the progress line is brought up to
 * date before a wait (a camera or a person feeding parts one by one). */
static int
input_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

gpg_error_t
mule_qr_decoder_text(struct mule_qr_decoder *dec, int fd)
{
	char chunk[4096], *line;
	size_t len = 0, i;
	ssize_t got;
	gpg_error_t err = 0;

	if (!(line = malloc(MULE_UR_LINE_MAX + 2)))
		return gpg_error_from_syserror();
	while (!err && !mule_qr_decoder_done(dec)) {
		if (dec->progress && dec->drawn != dec->codes &&
		    !input_ready(fd))
			show(dec, 1);
		got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = gpg_error_from_syserror();
			mule_error_set(err, NULL, "cannot read standard "
			    "input: %s", gpg_strerror(err));
			break;
		}
		if (got == 0)
			break;
		for (i = 0; !err && i < (size_t)got; i++) {
			if (chunk[i] == '\n') {
				err = text_part(dec, line, len);
				len = 0;
				continue;
			}
			/* Room for the limit and a CR: one more byte is
			 * a line over the limit, whatever follows. */
			if (len == MULE_UR_LINE_MAX + 1) {
				err = mule_reject(GPG_ERR_LINE_TOO_LONG, NULL,
				    "a line over %d bytes", MULE_UR_LINE_MAX);
				break;
			}
			line[len++] = chunk[i];
			/* zbarimg and zbarcam -Sbinary end no symbol with a
			 * newline: a part also ends where "ur:bytes/" begins
			 * the next (no part holds a colon after its scheme).
			 * Not at any "ur:": another program's "Hour: 9" is
			 * one code, skipped, not a UR of another type. */
			if (len > PREFIX_LEN && !strncasecmp(line + len -
			    PREFIX_LEN, PREFIX, PREFIX_LEN)) {
				err = text_part(dec, line, len - PREFIX_LEN);
				memcpy(line, PREFIX, PREFIX_LEN);
				len = PREFIX_LEN;
			}
		}
	}
	if (!err)
		err = text_part(dec, line, len);
	free(line);
	return err;
}

/* --- scan: frames from a camera -------------------------------------- */

/* What a signal handler prints when Ctrl-C ends a scan, rendered after
 * every frame into the buffer not in use, then made current with one
 * store: the handler only ever sees a whole text. */
static struct {
	char text[2][1200], json[2][2048];
	volatile sig_atomic_t cur;	/* -1: nothing yet */
	volatile pid_t child;
	int json_on, erase;
} last = { .cur = -1 };

/* The scan's last words (core/cleanup.h): the count so far, the JSON
 * report, and exit 2.  Async-signal-safe. */
static void
scan_interrupted(int sig)
{
	int cur = last.cur;

	(void)sig;
	if (last.child > 0)
		kill(last.child, SIGKILL);
	if (last.erase)
		(void)mule_write_all(STDERR_FILENO, "\r\033[K", 4);
	if (cur >= 0) {
		(void)mule_write_all(STDERR_FILENO, last.text[cur],
		    strlen(last.text[cur]));
		if (last.json_on)
			(void)mule_write_all(STDOUT_FILENO, last.json[cur],
			    strlen(last.json[cur]));
	}
	_exit(MULE_EXIT_FAILURE);
}

/* Render the last words for the frames read so far. */
static void
scan_render(struct mule_qr_decoder *dec)
{
	struct mule_error_record rec;
	struct mule_qr_stats s;
	int next = last.cur == 0 ? 1 : 0;
	gpg_error_t err;
	FILE *f;

	mule_qr_decoder_stats(dec, &s);
	err = mule_error_set(mule_fail_code(GPG_ERR_CANCELED), NULL,
	    "interrupted: %zu frame%s, %zu code%s read, %zu/%zu fragments "
	    "recovered", s.images, s.images == 1 ? "" : "s", s.codes,
	    s.codes == 1 ? "" : "s", s.known, s.len);
	mule_error_save(&rec);
	snprintf(last.text[next], sizeof last.text[next], "%s: error: %s\n",
	    mule_progname(), rec.msg);
	if (last.json_on && (f = fmemopen(last.json[next],
	    sizeof last.json[next], "w"))) {
		mule_qr_decoder_json(dec, err, f);
		fclose(f);
	}
	mule_error_clear();
	last.cur = next;
}

gpg_error_t
mule_qr_decoder_scan(struct mule_qr_decoder *dec, const char *device,
    int frames_fd, int json)
{
	struct mule_qr_reader *rd = NULL;
	gpg_error_t err;
	int end = 0;

	last.json_on = json;
	last.erase = dec->progress && isatty(STDERR_FILENO);
	err = mule_qr_reader_camera(device, frames_fd, &rd);
	if (!err) {
		last.child = mule_qr_reader_pid(rd);
		scan_render(dec);
		mule_cleanup_last_words(scan_interrupted);
	}
	while (!err && !end && !mule_qr_decoder_done(dec)) {
		if (dec->progress && dec->drawn != dec->codes)
			show(dec, 1);
		err = mule_qr_reader_frame(rd, take_symbol, dec, &end);
		if (!err && !end) {
			dec->images++;
			scan_render(dec);
			show(dec, 0);
		}
	}
	mule_cleanup_last_words(NULL);
	last.child = 0;
	mule_qr_reader_free(rd);
	return err;
}

int
mule_qr_decoder_done(const struct mule_qr_decoder *dec)
{
	return mule_ur_decoder_done(dec->ur);
}

gpg_error_t
mule_qr_decoder_finish(struct mule_qr_decoder *dec)
{
	struct mule_qr_stats s;
	char other[80] = "";

	if (mule_qr_decoder_done(dec))
		return 0;
	dec->incomplete = 1;
	mule_qr_decoder_stats(dec, &s);
	if (!s.len)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_DATA),
		    s.codes ? "are these frames of mule-qr encode?" : NULL,
		    "incomplete input: no part of a message in %zu code%s",
		    s.codes, s.codes == 1 ? "" : "s");
	if (s.other)
		snprintf(other, sizeof other, "; %zu part%s of another "
		    "message skipped", s.other, s.other == 1 ? "" : "s");
	return mule_error_set(mule_fail_code(GPG_ERR_NO_DATA), s.other
	    ? "the first part read chooses the message: frames of two "
	    "messages mixed?" : "scan more frames (mule-qr encode --extra "
	    "makes more)", "incomplete input: %zu parts seen of the %zu "
	    "needed without loss; %zu of the %zu fragments recovered%s",
	    s.used, s.len, s.known, s.len, other);
}

const unsigned char *
mule_qr_decoder_payload(const struct mule_qr_decoder *dec, size_t *r_len)
{
	return mule_ur_decoder_message(dec->ur, r_len);
}

void
mule_qr_decoder_stats(const struct mule_qr_decoder *dec,
    struct mule_qr_stats *r)
{
	struct mule_fountain_progress p;

	mule_ur_decoder_progress(dec->ur, &p);
	memset(r, 0, sizeof *r);
	r->images = dec->images;
	r->codes = dec->codes;
	r->foreign = dec->foreign;
	r->other = p.foreign;
	r->used = p.used;
	r->known = p.known;
	r->len = p.len;
	/* A lower bound: every part adds at most one equation over the
	 * fragments, so as many parts as fragments are unknown, less the
	 * mixed parts held (each may yet give one), and at least one while
	 * any is unknown.  Exact while plain parts come without loss; when
	 * frames were lost, fountain parts that only repeat what is known
	 * make the real count higher (about 1.2 LEN parts in all with 20 %
	 * lost). */
	if (p.len && p.known < p.len)
		r->needed = p.len - p.known > p.mixed ?
		    p.len - p.known - p.mixed : 1;
}

void
mule_qr_decoder_free(struct mule_qr_decoder *dec)
{
	if (!dec)
		return;
	mule_qr_decoder_progress_end(dec);
	mule_qr_reader_free(dec->reader);
	mule_ur_decoder_free(dec->ur);
	free(dec);
}

gpg_error_t
mule_qr_payload_armor(const unsigned char *p, size_t n, mule_write_fn write,
    void *arg)
{
	struct mule_armor *arm = NULL;
	gpg_error_t err;

	/* A key passed hand to hand (mule-key export) goes back into a
	 * block gpg --import and mule-key import take as a key. */
	err = mule_armor_new_kind(&arm, mule_packet_first_tag(p, n) == 6 ?
	    MULE_ARMOR_PUBLIC_KEY : MULE_ARMOR_MESSAGE, write, arg);
	if (!err)
		err = mule_armor_write(arm, p, n);
	if (!err)
		err = mule_armor_finish(arm);
	mule_armor_free(arm);
	return err;
}

void
mule_qr_decoder_json(const struct mule_qr_decoder *dec, gpg_error_t err,
    FILE *f)
{
	struct mule_error_record rec;
	struct mule_qr_stats s;
	const char *status, *msg;
	size_t bytes = 0;

	mule_qr_decoder_stats(dec, &s);
	if (!err) {
		status = "complete";
		mule_qr_decoder_payload(dec, &bytes);
	} else if (gpg_err_code(err) == GPG_ERR_CANCELED)
		status = "interrupted";
	else if (mule_exit_status(err) == MULE_EXIT_REJECTED)
		status = "rejected";
	else if (dec->incomplete)
		status = "incomplete";
	else
		status = "failed";
	fprintf(f, "{\"status\": \"%s\", \"bytes\": %zu, \"images\": %zu, "
	    "\"codes\": %zu, \"foreign\": %zu, \"other_message\": %zu, "
	    "\"parts_used\": %zu, \"fragments_known\": %zu, "
	    "\"fragments\": %zu, \"parts_needed\": ", status, bytes,
	    s.images, s.codes, s.foreign, s.other, s.used, s.known, s.len);
	if (s.len || !err)
		fprintf(f, "%zu", s.needed);
	else
		fputs("null", f);
	if (err) {
		mule_error_save(&rec);
		msg = rec.err == err && rec.msg[0] ? rec.msg :
		    gpg_strerror(err);
		fputs(", \"error\": ", f);
		mule_json_string(f, msg, strlen(msg));
		if (rec.err == err && rec.hint[0]) {
			fputs(", \"hint\": ", f);
			mule_json_string(f, rec.hint, strlen(rec.hint));
		}
	}
	fputs("}\n", f);
}
