/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-packet.c - libFuzzer harness for the OpenPGP packet framing of
 * src/lib/pgp/packet.c: the probes that look at the first bytes of an input
 * (the first packet's kind, a detached signature's count, a secret key,
 * a passphrase packet, the keys of a key file), and mule_frame, which mule-open passes every
 * ciphertext through to refuse what follows the message.  See README
 * for how to run it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunked.h"
#include "core/error.h"
#include "pgp/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* mule_packet_count_signatures again, with the incremental header reader
 * that mule_frame and the grammar use: packet.c's two readers of the
 * same headers must agree on every tag and length. */
static int
count_signatures_incrementally(const uint8_t *p, size_t len)
{
	struct mule_packet_header h;
	enum mule_packet_header_state st;
	size_t off = 0;
	int n = 0;

	while (off < len) {
		mule_packet_header_init(&h);
		do
			st = mule_packet_header_add(&h, p[off++]);
		while (st == MULE_HEADER_MORE && off < len);
		if (st != MULE_HEADER_BODY || h.tag != 2 || h.partial
		    || h.body > len - off)
			return -1;
		off += (size_t)h.body;
		n++;
	}
	return n ? n : -1;
}

/* The framing reader's verdict on the whole input, read in chunks of 1
 * to PERIOD bytes. */
static gpg_error_t
frame_all(const uint8_t *data, size_t size, size_t period)
{
	struct mule_source src;
	struct chunked c;
	struct mule_frame *f = NULL;
	unsigned char buf[256];
	size_t got;
	gpg_error_t err;

	chunked_source(&src, &c, data, size, period);
	err = mule_frame_new(&f, &src);
	while (!err && !(err = mule_frame_read(f, buf, sizeof buf, &got)) && got)
		;
	mule_frame_free(f);
	mule_error_clear();
	return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)mule_packet_start(data, size);
	(void)mule_packet_has_secret(data, size);
	(void)mule_packet_has_skesk(data, size);
	{
		/* The key file probe of -R: the first key lies inside. */
		const unsigned char *first;
		size_t first_len;
		int n = mule_packet_public_keys(data, size, &first, &first_len);

		if (n > 0 && (first < data || first_len > size
		    || (size_t)(first - data) > size - first_len))
			abort();
	}
	if (mule_packet_count_signatures(data, size)
	    != count_signatures_incrementally(data, size))
		abort();
	/* The framing follows a state machine, byte by byte: how the input
	 * is cut into reads must not change its verdict. */
	if (!frame_all(data, size, 1) != !frame_all(data, size, 61))
		abort();
	return 0;
}
