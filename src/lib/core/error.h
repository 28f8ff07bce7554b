/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error.h - diagnostics and the exit-status contract shared by every tool.
 *
 * The library never prints and never exits: it returns a gpg_error_t and may
 * record a one-line message and a hint with mule_error_set().  Only mains
 * (through mule_fail and friends) print and exit.
 *
 * Exit status, the same for every tool:
 *   0  success
 *   1  input rejected: a security check failed (made with mule_reject)
 *   2  usage or operational error (everything else)
 */
#ifndef MULE_ERROR_H
#define MULE_ERROR_H

#include <gpg-error.h>

#define MULE_EXIT_OK       0
#define MULE_EXIT_REJECTED 1
#define MULE_EXIT_FAILURE  2

/* Errors made from this source mean "the input was rejected" (exit 1). */
#define MULE_SOURCE_REJECT GPG_ERR_SOURCE_USER_1
/* Errors from this source are operational ones raised by mule itself. */
#define MULE_SOURCE_MULE   GPG_ERR_SOURCE_USER_2

static inline gpg_error_t
mule_reject_code(gpg_err_code_t code)
{
	return gpg_err_make(MULE_SOURCE_REJECT, code);
}

static inline gpg_error_t
mule_fail_code(gpg_err_code_t code)
{
	return gpg_err_make(MULE_SOURCE_MULE, code);
}

/* Record MESSAGE (and HINT, which may be NULL) as the explanation of ERR
 * and return ERR unchanged.  The first message recorded stays until
 * mule_error_clear: the first cause is the one the user needs. */
gpg_error_t mule_error_set(gpg_error_t err, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like mule_error_set, but also marks ERR as a rejection of the input. */
gpg_error_t mule_reject(gpg_err_code_t code, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Forget any recorded message. */
void mule_error_clear(void);

/* The recorded message is per thread; a thread's is carried to another
 * with these. */
struct mule_error_record {
	gpg_error_t err;
	char msg[1024];
	char hint[512];
};
void mule_error_save(struct mule_error_record *r);
void mule_error_restore(const struct mule_error_record *r);

/* The exit status for ERR: 0, 1 or 2. */
int mule_exit_status(gpg_error_t err);

/* Set the program name used as the prefix of every diagnostic. */
void mule_set_progname(const char *argv0);
const char *mule_progname(void);

/* Quiet mode suppresses mule_note (warnings and errors still print). */
void mule_set_quiet(int quiet);

/* "PROG: MESSAGE" on stderr, unless quiet. */
void mule_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: warning: MESSAGE" on stderr. */
void mule_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: error: WHAT: DETAIL" (the recorded message if there is one
 * for ERR, else gpg_strerror) plus a recorded hint, run the registered
 * cleanups and exit with mule_exit_status(ERR). */
__attribute__((noreturn)) void mule_fail(gpg_error_t err, const char *what);

/* Usage error: print the message and a hint to --help, exit 2. */
__attribute__((noreturn, format(printf, 1, 2)))
void mule_usage_error(const char *fmt, ...);

#endif
