/* SPDX-License-Identifier: GPL-3.0-or-later */
/* textout.h - the text a text-mode signature releases.
 *
 * A text-mode signature (class 0x01) covers text whatever its line ends,
 * so what is released is the text with CR LF turned into LF.  gpg drops
 * every CR of a literal marked 't' or 'u' itself, but gives a literal
 * marked 'b', and clear-signed text, with their CRs: this writer turns
 * CR LF (and a CR at the very end) into LF on the way out.
 */
#ifndef MULE_TEXTOUT_H
#define MULE_TEXTOUT_H

#include <gpg-error.h>

#include "core/stream.h"

struct mule_grammar;
struct mule_verdict;

struct mule_textout {
	mule_write_fn write;	/* where the released bytes go */
	void *arg;
	/* The signed message's checker: its signature class and literal
	 * format decide, once the first byte comes, whether to turn line
	 * ends; NULL: always (clear-signed text). */
	const struct mule_grammar *grammar;
	int decided, text;
	int cr;			/* a CR is pending */
};

/* A mule_write_fn over a struct mule_textout. */
gpg_error_t mule_textout_write(void *t, const void *buf, size_t n);

/* After verifying: a text signature in V over what GRAMMAR saw.  The
 * class gpg reports must be the one the checker read; and since the
 * text is released with LF line ends, a CR that ends no line (gpg
 * drops it from a 't' literal, though it was signed) or a NUL (not
 * text) is a rejection.  0 when GRAMMAR is NULL. */
gpg_error_t mule_textout_check(const struct mule_grammar *grammar,
    const struct mule_verdict *v);

#endif
