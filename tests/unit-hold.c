/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-hold.c - the held-back plaintext: memory, encrypted spool, and
 * detection of a spool modified behind our back. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/hold.h"
#include "core/secret.h"
#include "tap.h"

/* Write N pseudo-random bytes in uneven pieces, read them back, compare. */
static int
round_trip(size_t n, int *spooled)
{
	struct mule_hold *h = NULL;
	unsigned char *in = malloc(n + 1), *back = malloc(n + 1);
	size_t off = 0, step = 1, got;
	int same = 0;

	gcry_create_nonce(in, n + 1);
	if (mule_hold_new(&h))
		goto leave;
	while (off < n) {
		size_t take = step < n - off ? step : n - off;

		if (mule_hold_write(h, in + off, take))
			goto leave;
		off += take;
		step = step * 3 + 1;
		if (step > 200000)
			step = 7;
	}
	*spooled = mule_hold_spooled(h);
	if (mule_hold_rewind(h))
		goto leave;
	off = 0;
	for (;;) {
		if (mule_hold_read(h, back + off, 5000 < n + 1 - off ? 5000
		    : n + 1 - off, &got))
			goto leave;
		if (!got)
			break;
		off += got;
	}
	same = off == n && !memcmp(in, back, n) && mule_hold_size(h) == n;
leave:
	mule_hold_free(h);
	free(in);
	free(back);
	return same;
}

int
main(void)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 65535, 65536,
	    65537, 1048576, 1048577, 3 * 1048576 + 17 };
	size_t i;
	int spooled;

	mule_secret_init();
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		TAP_OK(round_trip(sizes[i], &spooled), "round trip of %zu bytes",
		    sizes[i]);
		TAP_OK(spooled == (sizes[i] > mule_hold_threshold()),
		    "%zu bytes %s", sizes[i], spooled ? "spooled" : "in memory");
	}
	setenv("MULE_TEST_HOLD_THRESHOLD", "100", 1);
	TAP_OK(mule_hold_threshold() == 100, "test threshold honoured");
	TAP_OK(round_trip(1000, &spooled) && spooled,
	    "small threshold reaches the spool");
	{
		/* The very first write is already beyond the threshold. */
		struct mule_hold *h = NULL;
		unsigned char big[5000], back[5000];
		size_t got, off = 0;

		memset(big, 'x', sizeof big);
		TAP_OK(!mule_hold_new(&h) && !mule_hold_write(h, big, sizeof big)
		    && mule_hold_spooled(h) && !mule_hold_rewind(h),
		    "first write beyond the threshold goes to the spool");
		while (!mule_hold_read(h, back + off, sizeof back - off, &got)
		    && got)
			off += got;
		TAP_OK(off == sizeof big && !memcmp(big, back, off),
		    "... and reads back");
		mule_hold_free(h);
	}
	setenv("MULE_TEST_HOLD_THRESHOLD", "999999999999", 1);
	TAP_OK(mule_hold_threshold() == 1024 * 1024,
	    "threshold cannot be raised");
	return tap_done();
}
