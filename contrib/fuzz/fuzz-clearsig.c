/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-clearsig.c - libFuzzer harness for the structure check of a
 * clear-signed message (src/lib/pgp/clearsig.c), which mule-verify passes
 * untrusted text through before gpg sees it.  See README for how to run
 * it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunked.h"
#include "core/error.h"
#include "pgp/clearsig.h"

/* What mule-verify reads ahead to tell the kind of input (sigcheck.c). */
#define PEEK 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The structure check on the whole input, read in chunks of 1 to PERIOD
 * bytes (after PEEK bytes read ahead, if PEEK), the caller asking for
 * odd amounts too; 0 if the input is one clear-signed block. */
static gpg_error_t
check_all(const uint8_t *data, size_t size, size_t period, size_t peek)
{
	struct mule_source src;
	struct chunked c;
	struct mule_clearsig *cs = NULL;
	unsigned char buf[128];
	const char *hash;
	size_t got, want, n = 0;
	gpg_error_t err;

	chunked_source(&src, &c, data, size, period);
	err = peek ? mule_source_peek(&src, peek) : 0;
	if (!err)
		err = mule_clearsig_new(&cs, &src);
	do {
		want = 1 + n++ % sizeof buf;
		if (!err)
			err = mule_clearsig_read(cs, buf, want, &got);
	} while (!err && got);
	if (!err) {
		/* Accepted: one Hash: header at most, and short. */
		hash = mule_clearsig_hash(cs);
		if (strlen(hash) >= 24 || strchr(hash, ','))
			abort();
	}
	mule_clearsig_free(cs);
	mule_source_release(&src);
	mule_error_clear();
	return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int detected = mule_clearsig_detect(data, size);
	gpg_error_t err;

	err = check_all(data, size, 61, PEEK);
	/* Only what the detector took for a clear-signed message can pass:
	 * blank lines, then the BEGIN line. */
	if (!err && !detected)
		abort();
	/* Line by line, however the lines are cut into reads. */
	if (!err != !check_all(data, size, 1, 0))
		abort();
	return 0;
}
