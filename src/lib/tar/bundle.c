/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bundle.c - mule-bundle: create, list, extract. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/producer.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/tempname.h"
#include "core/text.h"
#include "tar/bundle.h"
#include "tar/parts.h"
#include "tar/staging.h"

gpg_error_t
mule_bundle_seal(const struct mule_gpg_opts *gopts,
    const struct mule_seal_opts *seal, struct mule_tarout_opts *tar,
    mule_write_fn write, void *arg)
{
	struct mule_producer *producer = NULL;
	gpg_error_t err;
	int fd = -1;

	err = mule_producer_start(&producer, mule_tarout_produce, tar,
	    &fd);
	if (err)
		return err;
	err = mule_seal(gopts, seal, fd, write, arg);
	return mule_producer_finish(producer, fd, err);
}

gpg_error_t
mule_bundle_create(const struct mule_gpg_opts *gopts,
    struct mule_bundle_create_opts *o)
{
	struct mule_output *out = NULL;
	struct mule_split *split = NULL;
	mule_write_fn write = mule_output_write;
	void *arg;
	gpg_error_t err;

	if (o->tar.pad)
		o->seal.compress = 0;	/* deflate would undo the padding */
	err = mule_tarout_check(&o->tar);
	if (err)
		return err;
	if (o->split) {
		err = mule_split_open(&split, o->output, o->split, o->force);
		write = mule_split_write;
		arg = split;
	} else {
		err = mule_output_open(&out, o->output, MULE_OUTPUT_HOLD
		    | (o->force ? MULE_OUTPUT_FORCE : 0)
		    | (o->binary ? MULE_OUTPUT_BINARY : 0));
		arg = out;
	}
	if (!err)
		err = mule_bundle_seal(gopts, &o->seal, &o->tar, write, arg);
	if (!err)
		err = split ? mule_split_commit(split) : mule_output_commit(out);
	mule_split_free(split);
	mule_output_free(out);
	return err;
}

/* The decrypting side of -t and -x, in the worker thread. */
struct decryptor {
	const struct mule_gpg_opts *gopts;
	const struct mule_open_opts *opts;
	struct mule_parts *parts;
	struct mule_verdict *verdict;
	int fd;
};

static gpg_error_t
decrypt(void *arg, int fd)
{
	struct decryptor *d = arg;
	struct mule_source in;
	gpg_error_t err;

	memset(&in, 0, sizeof in);
	in.fd = -1;
	in.read = mule_parts_read;
	in.arg = d->parts;
	d->fd = fd;
	err = mule_open_to(d->gopts, d->opts, &in, mule_fd_write, &d->fd,
	    d->verdict);
	mule_source_release(&in);
	if (err && mule_parts_count(d->parts) > 1
	    && gpg_err_source(err) == MULE_SOURCE_REJECT) {
		/* A missing last part looks like a truncated message. */
		struct mule_error_record r;

		mule_error_save(&r);
		if (r.err == err && !r.hint[0]) {
			snprintf(r.hint, sizeof r.hint,
			    "is a part missing at the end?");
			mule_error_restore(&r);
		}
	}
	return err;
}

/* -t: one line per entry, held back until everything is verified. */
struct lister {
	struct mule_output *out;
	int verbose;
};

static void
mode_string(const struct mule_tar_entry *e, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = e->type == MULE_TAR_DIR ? 'd' : e->type == MULE_TAR_SYMLINK
	    ? 'l' : e->type == MULE_TAR_HARDLINK ? 'h' : '-';
	for (i = 0; i < 9; i++)
		s[i + 1] = e->mode & (0400 >> i) ? rwx[i] : '-';
	s[10] = '\0';
}

static gpg_error_t
list_entry(void *arg, const struct mule_tar_entry *e,
    const unsigned char *digest)
{
	struct lister *l = arg;
	char *name, *target = NULL, *line = NULL;
	char mode[11], when[32] = "?", hex[65] = "-";
	time_t t = (time_t)e->mtime;
	struct tm tm;
	gpg_error_t err;
	int len;

	name = mule_escape(e->name, strlen(e->name));
	if (e->target)
		target = mule_escape(e->target, strlen(e->target));
	if (!name || (e->target && !target)) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	if (l->verbose) {
		mode_string(e, mode);
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		if (digest)
			mule_hex_encode(hex, digest, 32);
		len = asprintf(&line, "%s %12llu %s %s %s", mode,
		    (unsigned long long)e->size, when, hex, name);
	} else
		len = asprintf(&line, "%s", name);
	if (len < 0) {
		line = NULL;
		err = gpg_error_from_syserror();
		goto leave;
	}
	err = mule_output_write(l->out, line, (size_t)len);
	if (!err && e->type == MULE_TAR_DIR)
		err = mule_output_write(l->out, "/", 1);
	if (!err && e->target) {
		const char *arrow = e->type == MULE_TAR_SYMLINK ? " -> "
		    : " link to ";

		err = mule_output_write(l->out, arrow, strlen(arrow));
		if (!err)
			err = mule_output_write(l->out, target, strlen(target));
	}
	if (!err)
		err = mule_output_write(l->out, "\n", 1);
leave:
	free(line);
	free(name);
	free(target);
	return err;
}

/* Read the rest of the plaintext from FD and drop it. */
static void
drain(int fd)
{
	char buf[65536];
	ssize_t r;

	do
		r = read(fd, buf, sizeof buf);
	while (r > 0 || (r < 0 && errno == EINTR));
}

/* The reader failed with ERR while the worker may still be decrypting.
 * A rejection stands whatever follows: the worker's input is cut short,
 * so that an input that stalls (a FIFO whose writer stays open) is not
 * waited for.  Anything else may be the doing of a damaged or forged
 * input (a garbled size that fills the disk): the rest is read, so that
 * gpg gets to its verdict, and its rejection, not the EPIPE the worker
 * would have seen, explains the outcome. */
static void
stop_worker(gpg_error_t err, int fd, int stop_fd)
{
	if (gpg_err_source(err) != MULE_SOURCE_REJECT
	    || write(stop_fd, "", 1) != 1)
		drain(fd);
}

gpg_error_t
mule_bundle_stream(const struct mule_gpg_opts *gopts,
    const struct mule_open_opts *open, struct mule_parts *parts,
    const struct mule_tarin_opts *tar, const struct mule_tarin_handler *h,
    struct mule_verdict *v, struct mule_tarin_result *res)
{
	struct decryptor d = { gopts, open, parts, v, -1 };
	struct mule_producer *producer = NULL;
	gpg_error_t err;
	int fd = -1, stop[2], cut = 0;

	if (pipe2(stop, O_CLOEXEC) < 0) {
		err = gpg_error_from_syserror();
		return mule_error_set(err, NULL, "pipe: %s", gpg_strerror(err));
	}
	mule_parts_stop_on(parts, stop[0], &cut);
	err = mule_producer_start(&producer, decrypt, &d, &fd);
	if (!err) {
		err = mule_tarin_read(tar, fd, h, res);
		if (err)
			stop_worker(err, fd, stop[1]);
		err = mule_producer_finish_cut(producer, fd, err, &cut);
	}
	mule_parts_stop_on(parts, -1, NULL);
	close(stop[0]);
	close(stop[1]);
	if (err)
		mule_verdict_release(v);
	return err;
}

gpg_error_t
mule_bundle_read(const struct mule_gpg_opts *gopts,
    const struct mule_bundle_read_opts *o, struct mule_bundle_result *res)
{
	struct mule_tarin_handler h = { NULL, NULL, NULL, NULL };
	struct mule_staging *staging = NULL;
	struct mule_parts *parts = NULL;
	struct lister l = { NULL, o->verbose };
	struct mule_tarin_opts topts = o->tar;
	gpg_error_t err;

	memset(res, 0, sizeof *res);
	err = mule_parts_open(&parts, o->inputs, o->ninputs);
	if (!err && o->extract) {
		mule_output_clean_stale(o->dir);	/* a killed run's */
		err = mule_staging_new(&staging, o->dir, o->overwrite);
		if (!err)
			mule_staging_handler(staging, &h);
	} else if (!err) {
		err = mule_output_open(&l.out, o->output, MULE_OUTPUT_HOLD
		    | (o->force ? MULE_OUTPUT_FORCE : 0));
		h.end = list_entry;
		h.arg = &l;
	}
	if (err)
		goto leave;
	topts.progress = mule_progress_new(o->extract ? "extracting"
	    : "reading", o->quiet, 0, 0);
	err = mule_bundle_stream(gopts, &o->open, parts, &topts, &h,
	    &res->verdict, &res->tar);
	mule_progress_done(topts.progress);
	/* Verified: only now is anything shown or moved into place. */
	if (!err)
		err = staging ? mule_staging_commit(staging)
		    : mule_output_commit(l.out);
leave:
	if (err) {
		mule_verdict_release(&res->verdict);
		mule_tarin_result_release(&res->tar);
	}
	mule_staging_free(staging);
	mule_output_free(l.out);
	mule_parts_free(parts);
	return err;
}
