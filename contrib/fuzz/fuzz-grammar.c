/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-grammar.c - libFuzzer harness for the signed-message grammar
 * (src/lib/pgp/grammar.c): packet framing, inflating, the literal's header,
 * on untrusted input before gpg sees it.  See README for how to run it. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "pgp/grammar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_grammar *g = NULL;
	size_t off = 0, n;
	gpg_error_t err;

	/* A small limit, so that a bomb is refused early, not slowly. */
	if (mule_grammar_new(&g, NULL, 1 << 20))
		return 0;
	/* Odd step sizes split headers and streams across calls. */
	for (err = 0; !err && off < size; off += n) {
		n = 1 + off % 61;
		if (n > size - off)
			n = size - off;
		err = mule_grammar_feed(g, data + off, n);
	}
	if (!err)
		(void)mule_grammar_end(g);
	(void)mule_grammar_literal(g);
	mule_grammar_free(g);
	mule_error_clear();
	return 0;
}
