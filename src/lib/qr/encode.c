/* SPDX-License-Identifier: GPL-3.0-or-later */
/* encode.c - UR parts to QR codes with libqrencode. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qrencode.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/tempname.h"
#include "core/text.h"
#include "pgp/armor.h"
#include "qr/encode.h"
#include "qr/html.h"
#include "qr/png.h"
#include "qr/ur.h"

static QRecLevel
ec_level(char level)
{
	switch (level) {
	case 'M': return QR_ECLEVEL_M;
	case 'Q': return QR_ECLEVEL_Q;
	case 'H': return QR_ECLEVEL_H;
	default: return QR_ECLEVEL_L;
	}
}

/* The code for TEXT, in the smallest version that holds it, or NULL with
 * *ERR set. */
static QRcode *
make_code(const char *text, const struct mule_qr_encode_opts *o,
    gpg_error_t *err)
{
	QRcode *code;

	/* QR_MODE_8 is a hint: libqrencode splits the text into the modes
	 * that cost least, alphanumeric for all of an upper-case UR. */
	code = QRcode_encodeString(text, 0, ec_level(o->level), QR_MODE_8, 1);
	if (!code && errno != ERANGE) {
		*err = gpg_error_from_syserror();
		return NULL;
	}
	if (!code || code->version > o->max_version) {
		*err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
		    "use a smaller --fragment, a larger --max-version or a "
		    "lower --ec",
		    "a part of %zu characters does not fit a QR code of "
		    "version %d at level %c", strlen(text), o->max_version,
		    o->level);
		QRcode_free(code);
		return NULL;
	}
	return code;
}

/* Whether the payload goes as one code: its single part fits. */
static int
fits_one(const void *payload, size_t n, const struct mule_qr_encode_opts *o)
{
	struct mule_ur_encoder *enc = NULL;
	const char *part;
	gpg_error_t err;
	QRcode *code = NULL;
	int fits = 0;

	if (n > MULE_UR_MAX_FRAGMENT - 16)
		return 0;
	err = mule_ur_encoder_new(payload, n, MULE_UR_MAX_FRAGMENT, &enc);
	if (!err && mule_ur_encoder_len(enc) == 1)
		err = mule_ur_encoder_next_part(enc, &part);
	else
		err = gpg_error(GPG_ERR_TOO_LARGE);
	if (!err)
		code = QRcode_encodeString(part, 0, ec_level(o->level),
		    QR_MODE_8, 1);
	fits = code && code->version <= o->max_version;
	QRcode_free(code);
	mule_ur_encoder_free(enc);
	return fits;
}

struct mule_qr_stream {
	struct mule_qr_encode_opts o;
	struct mule_ur_encoder *enc;	/* NULL: TEXT, one code */
	char *text;
	QRcode *code;			/* the last one made */
};

static int
opts_valid(const struct mule_qr_encode_opts *o)
{
	return o->max_version >= 1 && o->max_version <= 40
	    && o->extra <= 10000 && o->level && strchr("LMQH", o->level);
}

gpg_error_t
mule_qr_stream_new(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, struct mule_qr_stream **r_s)
{
	struct mule_qr_stream *s;
	gpg_error_t err;

	*r_s = NULL;
	if (!opts_valid(o))
		return gpg_error(GPG_ERR_INV_ARG);
	if (!(s = calloc(1, sizeof *s)))
		return gpg_error_from_syserror();
	s->o = *o;
	if (fits_one(payload, n, o))
		err = mule_ur_encoder_new(payload, n, MULE_UR_MAX_FRAGMENT,
		    &s->enc);
	else
		err = mule_ur_encoder_new(payload, n, o->fragment, &s->enc);
	if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
		err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
		    "use a larger --fragment",
		    "%zu bytes make more than %d parts of %zu bytes", n,
		    MULE_FOUNTAIN_MAX_LEN, o->fragment);
	if (err)
		mule_qr_stream_free(s);
	else
		*r_s = s;
	return err;
}

gpg_error_t
mule_qr_stream_new_text(const char *text,
    const struct mule_qr_encode_opts *o, struct mule_qr_stream **r_s)
{
	struct mule_qr_stream *s;

	*r_s = NULL;
	if (!opts_valid(o))
		return gpg_error(GPG_ERR_INV_ARG);
	if (!(s = calloc(1, sizeof *s)))
		return gpg_error_from_syserror();
	s->o = *o;
	if (!(s->text = strdup(text))) {
		free(s);
		return gpg_error_from_syserror();
	}
	*r_s = s;
	return 0;
}

size_t
mule_qr_stream_len(const struct mule_qr_stream *s)
{
	return s->enc ? mule_ur_encoder_len(s->enc) : 1;
}

gpg_error_t
mule_qr_stream_next(struct mule_qr_stream *s, struct mule_qr_code *r_code)
{
	const char *text = s->text;
	gpg_error_t err = 0;

	QRcode_free(s->code);
	s->code = NULL;
	if (s->enc && (err = mule_ur_encoder_next_part(s->enc, &text)))
		return err;
	if (!(s->code = make_code(text, &s->o, &err)))
		return err;
	r_code->version = s->code->version;
	r_code->width = s->code->width;
	r_code->modules = s->code->data;
	r_code->text = text;
	return 0;
}

void
mule_qr_stream_free(struct mule_qr_stream *s)
{
	if (!s)
		return;
	QRcode_free(s->code);
	mule_ur_encoder_free(s->enc);
	free(s->text);
	free(s);
}

size_t
mule_qr_fragment_for(char level, int version)
{
	struct mule_qr_encode_opts o = { 0, 0, level, version, 0 };
	char *text;
	size_t lo = 0, hi = 7089, mid, fragment = 0;
	QRcode *code;

	if (!opts_valid(&o) || !(text = malloc(hi + 1)))
		return 0;
	/* The most alphanumeric characters a code of VERSION holds. */
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		memset(text, 'A', mid);
		text[mid] = 0;
		code = QRcode_encodeString(text, 0, ec_level(level),
		    QR_MODE_8, 1);
		if (code && code->version <= version)
			lo = mid;
		else
			hi = mid - 1;
		QRcode_free(code);
	}
	free(text);
	/* A part of a fragment of F bytes is at most 78 + 2 F characters:
	 * "UR:BYTES/" (9), seq (10 digits), "-", len (5), "/", and two
	 * letters a byte for the CBOR [seq, len, messageLen, checksum,
	 * fragment] (at most 22 + F bytes) and its CRC-32 (4). */
	if (lo >= 78 + 2 * MULE_FOUNTAIN_MIN_FRAGMENT)
		fragment = (lo - 78) / 2;
	return fragment > MULE_UR_MAX_FRAGMENT ? MULE_UR_MAX_FRAGMENT
	    : fragment;
}

gpg_error_t
mule_qr_encode(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, mule_qr_code_fn fn, void *arg)
{
	struct mule_qr_stream *s = NULL;
	struct mule_qr_code code;
	size_t len, extra, count, i;
	gpg_error_t err;

	err = mule_qr_stream_new(payload, n, o, &s);
	if (err)
		return err;
	len = mule_qr_stream_len(s);
	extra = (len * o->extra + 99) / 100;
	if (extra < o->extra_min)
		extra = o->extra_min;
	count = len == 1 ? 1 : len + extra;
	for (i = 0; !err && i < count; i++) {
		err = mule_qr_stream_next(s, &code);
		if (!err)
			err = fn(arg, i, count, &code);
	}
	mule_qr_stream_free(s);
	return err;
}

gpg_error_t
mule_qr_payload_read(int fd, size_t limit, struct mule_membuf *out)
{
	struct mule_membuf raw = { .limit = limit, .what = "the input" };
	const char *kind = NULL;
	gpg_error_t err;

	err = mule_membuf_read_fd(&raw, fd);
	if (err)
		goto leave;
	if (mule_dearmor_detect_kind(raw.p, raw.len, MULE_ARMOR_MESSAGE))
		kind = MULE_ARMOR_MESSAGE;
	else if (mule_dearmor_detect_kind(raw.p, raw.len,
	    MULE_ARMOR_PUBLIC_KEY))
		kind = MULE_ARMOR_PUBLIC_KEY;
	if (kind) {
		out->limit = limit;
		out->what = "the de-armoured input";
		err = mule_dearmor_whole(&raw, kind, out);
	} else {
		*out = raw;
		memset(&raw, 0, sizeof raw);
	}
leave:
	mule_membuf_release(&raw);
	return err;
}

gpg_error_t
mule_qr_payload_load(const char *path, size_t limit, struct mule_membuf *out)
{
	gpg_error_t err;
	int fd = -1;

	err = mule_input_open(&fd, path);
	if (!err)
		err = mule_qr_payload_read(fd, limit, out);
	if (fd > 0)
		close(fd);
	return err;
}

/* A frame's name: digits and ".png"; or the page of --html. */
static int
is_frame_name(const char *name)
{
	size_t i;

	if (!strcmp(name, MULE_QR_HTML_NAME))
		return 1;
	for (i = 0; name[i] >= '0' && name[i] <= '9'; i++)
		;
	return i >= 4 && !strcmp(name + i, ".png");
}

/* DIR made (*MADE set), or found empty, or (FORCE) emptied of earlier
 * frames. */
static gpg_error_t
frames_dir(const char *dir, int force, int *made)
{
	DIR *d;
	struct dirent *de;
	gpg_error_t err = 0;
	char *esc;
	int fd;

	*made = 0;
	if (!mkdir(dir, 0777)) {
		*made = 1;
		return 0;
	}
	if (errno != EEXIST || !(d = opendir(dir))) {
		err = gpg_error_from_syserror();
		esc = mule_escape(dir, strlen(dir));
		mule_error_set(err, NULL, "cannot make the directory %s: %s",
		    esc ? esc : "", gpg_strerror(err));
		free(esc);
		return err;
	}
	fd = dirfd(d);
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!force || !is_frame_name(de->d_name)) {
			if (force)
				continue;
			esc = mule_escape(dir, strlen(dir));
			err = mule_error_set(mule_fail_code(GPG_ERR_EEXIST),
			    "name a new directory, or use --force to replace "
			    "the frames there", "%s is not empty",
			    esc ? esc : "the directory");
			free(esc);
		} else if (unlinkat(fd, de->d_name, 0) && errno != ENOENT)
			err = gpg_error_from_syserror();
	}
	closedir(d);
	return err;
}

struct frames {
	const char *dir;
	int dirfd, scale, force;
	struct mule_qr_html *html;	/* NULL: no page */
	struct mule_qr_encoded *r;
};

/* The name of frame INDEX (0, 1, ...) in NAME (32 bytes). */
static void
frame_name(char *name, size_t index)
{
	snprintf(name, 32, "%04zu.png", index + 1);
}

static gpg_error_t
write_frame(void *arg, size_t index, size_t count,
    const struct mule_qr_code *code)
{
	struct frames *f = arg;
	struct mule_output *out = NULL;
	struct mule_membuf png = { NULL, 0, 0, 0, NULL };
	char name[32];
	gpg_error_t err;

	(void)count;
	frame_name(name, index);
	err = mule_output_open_at(&out, f->dirfd, f->dir, name,
	    MULE_OUTPUT_BATCH | MULE_OUTPUT_LEND_DIR
	    | (f->force ? MULE_OUTPUT_FORCE : 0));
	if (!err)
		err = mule_qr_png_write(code->modules, code->width, f->scale,
		    mule_membuf_write, &png);
	if (!err)
		err = mule_output_write(out, png.p, png.len);
	if (!err && f->html)
		err = mule_qr_html_frame(f->html, png.p, png.len);
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	mule_membuf_release(&png);
	if (!err) {
		f->r->count++;
		if (code->version > f->r->version)
			f->r->version = code->version;
	}
	return err;
}

gpg_error_t
mule_qr_write_frames(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, int scale, const char *dir,
    int force, unsigned html_fps, struct mule_qr_encoded *r)
{
	struct mule_qr_encoded dummy;
	struct frames f = { dir, -1, scale, force, NULL, r ? r : &dummy };
	gpg_error_t err;
	char name[32];
	size_t i;
	int made;

	memset(f.r, 0, sizeof *f.r);
	if (scale < 1 || scale > 64)
		return gpg_error(GPG_ERR_INV_ARG);
	err = frames_dir(dir, force, &made);
	if (err)
		return err;
	f.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f.dirfd < 0) {
		err = gpg_error_from_syserror();
		if (made)
			rmdir(dir);
		return err;
	}
	mule_output_clean_stale_at(f.dirfd);
	if (html_fps)
		err = mule_qr_html_new(f.dirfd, dir, html_fps, force, &f.html);
	if (!err)
		err = mule_qr_encode(payload, n, o, write_frame, &f);
	if (!err && f.html)
		err = mule_qr_html_commit(f.html);
	mule_qr_html_free(f.html);
	if (!err && mule_sync_dirfd(f.dirfd))
		err = gpg_error_from_syserror();
	/* A part that does not fit may come after many that did: exit 2
	 * leaves none of them, nor the directory made for them. */
	for (i = 0; err && i < f.r->count; i++) {
		frame_name(name, i);
		unlinkat(f.dirfd, name, 0);
	}
	if (err && html_fps)
		unlinkat(f.dirfd, MULE_QR_HTML_NAME, 0);
	close(f.dirfd);
	if (err && made)
		rmdir(dir);
	if (err)
		f.r->count = 0;
	return err;
}

struct text {
	mule_write_fn write;
	void *arg;
	struct mule_qr_encoded *r;
};

static gpg_error_t
write_line(void *arg, size_t index, size_t count,
    const struct mule_qr_code *code)
{
	struct text *t = arg;
	gpg_error_t err;

	(void)index;
	(void)count;
	err = t->write(t->arg, code->text, strlen(code->text));
	if (!err)
		err = t->write(t->arg, "\n", 1);
	if (!err) {
		t->r->count++;
		if (code->version > t->r->version)
			t->r->version = code->version;
	}
	return err;
}

gpg_error_t
mule_qr_write_text(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, mule_write_fn write, void *arg,
    struct mule_qr_encoded *r)
{
	struct mule_qr_encoded dummy;
	struct text t = { write, arg, r ? r : &dummy };

	memset(t.r, 0, sizeof *t.r);
	return mule_qr_encode(payload, n, o, write_line, &t);
}
