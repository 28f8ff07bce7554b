/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sequence.c - libFuzzer harness for the sender's sequence numbers
 * (src/lib/stick/sequence.c): the file's lines are parsed strictly, by
 * length, a number held twice or above its pair's last one refused.  An
 * accepted file, written back as a rewrite writes it, must read again to
 * the same text, and every line of ours in it must fit in what mule
 * before issue 16 reads whole (254 bytes and the newline at most).  See
 * README. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "stick/sequence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is the line at P (LEN bytes, no newline) one of ours: a third field
 * that is a number or one of our words? */
static int
ours(const char *p, size_t len)
{
	static const char *const words[] = { "free ", "reserved ",
	    "pending " };
	size_t i;

	if (len < 83)
		return 1;
	if (p[82] >= '0' && p[82] <= '9')
		return 1;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (len - 82 >= strlen(words[i])
		    && !memcmp(p + 82, words[i], strlen(words[i])))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL, *p, *nl;
	size_t len = 0, len2 = 0;

	if (!mule_sequence_parse("fuzz", data, size, &out, &len)) {
		if (!out || strlen(out) != len)
			abort();
		for (p = out; (nl = memchr(p, '\n', len - (size_t)(p - out)));
		    p = nl + 1)
			if (ours(p, (size_t)(nl - p)) && nl - p > 254)
				abort();
		if (p != out + len)
			abort();	/* every line ends with a newline */
		if (mule_sequence_parse("fuzz", out, len, &again, &len2)
		    || len2 != len || memcmp(out, again, len))
			abort();
	}
	free(out);
	free(again);
	mule_error_clear();
	return 0;
}
