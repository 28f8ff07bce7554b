/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error.c - diagnostics and the exit-status contract. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/progress.h"

static const char *progname = "mule";
static int quiet;
/* Per thread: a worker thread (mule-bundle's archive writer or decryptor)
 * records its own first cause, handed over by mule_error_save/restore. */
static _Thread_local struct mule_error_record rec;

void
mule_set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

const char *
mule_progname(void)
{
	return progname;
}

void
mule_set_quiet(int q)
{
	quiet = q;
}

static gpg_error_t
record(gpg_error_t err, const char *hint, const char *fmt, va_list ap)
{
	/* The first cause is the one the user needs; later calls on the
	 * way up would only blur it. */
	if (rec.err)
		return err;
	rec.err = err;
	vsnprintf(rec.msg, sizeof rec.msg, fmt, ap);
	if (hint)
		snprintf(rec.hint, sizeof rec.hint, "%s", hint);
	else
		rec.hint[0] = '\0';
	return err;
}

gpg_error_t
mule_error_set(gpg_error_t err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(err, hint, fmt, ap);
	va_end(ap);
	return err;
}

gpg_error_t
mule_reject(gpg_err_code_t code, const char *hint, const char *fmt, ...)
{
	gpg_error_t err = mule_reject_code(code);
	va_list ap;

	va_start(ap, fmt);
	record(err, hint, fmt, ap);
	va_end(ap);
	return err;
}

void
mule_error_clear(void)
{
	rec.err = 0;
	rec.msg[0] = rec.hint[0] = '\0';
}

void
mule_error_save(struct mule_error_record *r)
{
	*r = rec;
}

void
mule_error_restore(const struct mule_error_record *r)
{
	rec = *r;
}

int
mule_exit_status(gpg_error_t err)
{
	if (!err)
		return MULE_EXIT_OK;
	if (gpg_err_source(err) == MULE_SOURCE_REJECT)
		return MULE_EXIT_REJECTED;
	return MULE_EXIT_FAILURE;
}

/* "PROG: KIND: MESSAGE\n" on stderr (KIND may be NULL). */
static void
vprint(const char *kind, const char *fmt, va_list ap)
{
	mule_progress_hide();
	fprintf(stderr, "%s: ", progname);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
mule_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprint(NULL, fmt, ap);
	va_end(ap);
}

void
mule_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("warning", fmt, ap);
	va_end(ap);
}

void
mule_fail(gpg_error_t err, const char *what)
{
	const char *detail = gpg_strerror(err);

	if (err && err == rec.err && rec.msg[0])
		detail = rec.msg;
	mule_progress_hide();
	if (what)
		fprintf(stderr, "%s: error: %s: %s\n", progname, what, detail);
	else
		fprintf(stderr, "%s: error: %s\n", progname, detail);
	if (err == rec.err && rec.hint[0])
		fprintf(stderr, "%s: hint: %s\n", progname, rec.hint);
	mule_cleanup_run();
	exit(err ? mule_exit_status(err) : MULE_EXIT_FAILURE);
}

void
mule_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("error", fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: hint: see '%s --help'\n", progname, progname);
	mule_cleanup_run();
	exit(MULE_EXIT_FAILURE);
}
