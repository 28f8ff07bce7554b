/* error.c - diagnostics and the exit-status contract. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "cleanup.h"

static const char *progname = "mule";
static int quiet;
static gpg_error_t recorded_err;
static char recorded_msg[1024];
static char recorded_hint[512];

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
	if (recorded_err)
		return err;
	recorded_err = err;
	vsnprintf(recorded_msg, sizeof recorded_msg, fmt, ap);
	if (hint)
		snprintf(recorded_hint, sizeof recorded_hint, "%s", hint);
	else
		recorded_hint[0] = '\0';
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
	recorded_err = 0;
	recorded_msg[0] = recorded_hint[0] = '\0';
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

	if (err && err == recorded_err && recorded_msg[0])
		detail = recorded_msg;
	if (what)
		fprintf(stderr, "%s: error: %s: %s\n", progname, what, detail);
	else
		fprintf(stderr, "%s: error: %s\n", progname, detail);
	if (err == recorded_err && recorded_hint[0])
		fprintf(stderr, "%s: hint: %s\n", progname, recorded_hint);
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
