/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-receipt.c - libFuzzer harness for receipt.txt as the sender reads
 * it (src/lib/stick/receipt.c: mule_receipt_parse), the list of item IDs
 * a peer signed: an accepted list is whole lines of exactly 32
 * lower-case hex digits, at least one, none twice.  See README. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "stick/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t count, i, k;

	if (mule_receipt_parse(text, size, &count)) {
		if (count)
			abort();
		mule_error_clear();
		return 0;
	}
	if (!count || count * 33 != size || count > MULE_RECEIPT_MAX_IDS)
		abort();
	for (i = 0; i < count; i++) {
		if (text[i * 33 + 32] != '\n' || !mule_is_hex(text + i * 33, 32,
		    0))
			abort();
		for (k = 0; k < i && i < 512; k++)
			if (!memcmp(text + i * 33, text + k * 33, 32))
				abort();
	}
	return 0;
}
