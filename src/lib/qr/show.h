/* SPDX-License-Identifier: GPL-3.0-or-later */
/* show.h - a payload as QR codes animated in the terminal.
 *
 * The fragment length is chosen once, before the first code, so that
 * every code fits the terminal with a status line below it: the
 * requested length, or a shorter one on a small terminal.  The plain
 * parts come first, then fountain parts without end, until the user
 * stops it (q, Ctrl-C) or COUNT codes were shown.
 *
 * On a terminal the display uses the alternate screen, hides the
 * cursor and stops the echo of keys; all three are restored on every
 * way out: the end, an error, Ctrl-C, a fatal signal (restored, then
 * the signal is raised again), and Ctrl-Z (restored while stopped).  A
 * terminal made too small meanwhile shows the size it needs instead of
 * a code.  Elsewhere (a file, a pipe) the codes are written one after
 * another, each followed by an empty line, sized for $COLUMNS x $LINES
 * when they are set.
 */
#ifndef MULE_QR_SHOW_H
#define MULE_QR_SHOW_H

#include <stddef.h>
#include <gpg-error.h>

#include "qr/encode.h"

#define MULE_QR_FPS_DEFAULT 5
#define MULE_QR_FPS_MAX 30

struct mule_qr_show_opts {
	/* fragment: the longest wanted; level; max_version: the largest
	 * version used even on a large terminal */
	struct mule_qr_encode_opts enc;
	int fragment_given;	/* the fragment must fit, or an error */
	unsigned fps;		/* 1 to MULE_QR_FPS_MAX */
	unsigned long count;	/* codes to show; 0: until stopped */
	int quiet;		/* no status line */
};

/* What a run showed: codes, how many carry the payload (LEN), the
 * largest version among them, and whether the user stopped it (q or
 * Ctrl-C). */
struct mule_qr_shown {
	unsigned long count;
	size_t len;
	int version, stopped;
};

/* Show the N bytes at PAYLOAD on FD as O says; a fingerprint URI
 * (mule_qr_is_fingerprint_uri) as it is, in upper case, in one code.
 * *R (may be NULL) says what was shown.  GPG_ERR_TOO_LARGE (with the size of terminal needed) when the
 * codes do not fit; the errors of mule_qr_stream_new and of writing to
 * FD; GPG_ERR_INV_ARG for options out of range.  A fatal signal does not
 * return. */
gpg_error_t mule_qr_show(const void *payload, size_t n,
    const struct mule_qr_show_opts *o, int fd, struct mule_qr_shown *r);

/* Whether the N bytes at P are a fingerprint URI ("OPENPGP4FPR:" and
 * 40 hex digits, any case, a line end allowed), shown as it is. */
int mule_qr_is_fingerprint_uri(const void *p, size_t n);

#endif
