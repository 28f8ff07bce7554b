/* SPDX-License-Identifier: GPL-3.0-or-later */
/* assuan.h - one command to gpg-agent over its socket, async-signal-safe.
 *
 * A connection per command: connect, read the greeting, send the line,
 * read the answer up to OK or ERR, close.  Nothing but socket, connect,
 * poll, read, send, close and clock_gettime, no allocation: a signal
 * handler may use it (key/forget.h).  Not GPGME's Assuan engine: GPGME
 * finds that only through gpgconf, which mule leaves out (pgp/gpg.h).
 * The socket is found as key/agent.h says.
 */
#ifndef MULE_ASSUAN_H
#define MULE_ASSUAN_H

#include <sys/un.h>

enum mule_assuan_rc {
	MULE_ASSUAN_OK = 0,
	MULE_ASSUAN_NO_AGENT,	/* no socket there, or nobody listens */
	MULE_ASSUAN_ERR,	/* the agent said ERR: *CODE is its error */
	MULE_ASSUAN_TIMEOUT,	/* no whole answer in time */
	MULE_ASSUAN_IO,		/* a system call failed: *CODE is errno */
	MULE_ASSUAN_PROTOCOL	/* an answer we do not read (INQUIRE, a
				 * line too long), or the agent hung up */
};

/* Set *ADDR to the Unix socket PATH.  Returns -1 if PATH does not fit. */
int mule_assuan_addr(struct sockaddr_un *addr, const char *path);

/* Each status line of an answer, without its "S ", NUL-terminated. */
typedef void (*mule_assuan_status_fn)(void *arg, const char *line);

/* Send the command LINE (no newline; at most 1000 bytes) to the agent at
 * ADDR and read its answer, handing status lines to STATUS(ARG) (may be
 * NULL); the whole exchange within TIMEOUT_MS.  Returns a
 * mule_assuan_rc; *CODE as it says, else 0. */
int mule_assuan_command(const struct sockaddr_un *addr, const char *line,
    int timeout_ms, mule_assuan_status_fn status, void *arg,
    unsigned *code);

#endif
