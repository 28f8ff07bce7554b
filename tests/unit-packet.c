/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-packet.c - classifying the first packet of an input. */
#include <config.h>

#include <string.h>

#include "core/error.h"
#include "pgp/packet.h"
#include "tap.h"

#define START(...) ({ static const unsigned char b_[] = { __VA_ARGS__ }; \
	mule_packet_start(b_, sizeof b_); })

struct feed {
	const unsigned char *p;
	size_t len, off;
};

/* One byte per read: every header is split across reads. */
static gpg_error_t
one_byte(void *arg, void *buf, size_t n, size_t *got)
{
	struct feed *f = arg;

	*got = f->off < f->len && n ? 1 : 0;
	if (*got)
		((unsigned char *)buf)[0] = f->p[f->off++];
	return 0;
}

/* Pass LEN bytes through the framing reader: 0, or its rejection. */
static gpg_error_t
frame_all(const unsigned char *p, size_t len)
{
	struct feed feed = { p, len, 0 };
	struct mule_source src;
	struct mule_frame *f = NULL;
	unsigned char buf[8];
	size_t got;
	gpg_error_t err;

	memset(&src, 0, sizeof src);
	src.fd = -1;
	src.read = one_byte;
	src.arg = &feed;
	err = mule_frame_new(&f, &src);
	while (!err && !(err = mule_frame_read(f, buf, sizeof buf, &got)) && got)
		;
	mule_frame_free(f);
	mule_error_clear();
	return err;
}

#define FRAMES(...) ({ static const unsigned char f_[] = { __VA_ARGS__ }; \
	frame_all(f_, sizeof f_); })

int
main(void)
{
	TAP_OK(START(0x84, 0x5e, 0x03) == MULE_PACKET_ENCRYPTED,
	    "old-format PKESK");
	TAP_OK(START(0xc1, 0x5e, 0x03) == MULE_PACKET_ENCRYPTED,
	    "new-format PKESK");
	TAP_OK(START(0xc3, 0x0d, 0x04) == MULE_PACKET_ENCRYPTED, "SKESK");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P', 0x84, 0x5e) ==
	    MULE_PACKET_ENCRYPTED, "marker packet, then PKESK");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P') == MULE_PACKET_INVALID,
	    "marker packet alone");
	TAP_OK(START(0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03, 'P', 'G', 'P',
	    0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03, 'P', 'G', 'P', 0xa8, 0x03,
	    'P', 'G', 'P', 0x84, 0x5e) == MULE_PACKET_INVALID,
	    "too many marker packets");
	TAP_OK(START(0xd2, 0xff) == MULE_PACKET_BARE_DATA, "bare SEIPD");
	TAP_OK(START(0xa4, 0x10) == MULE_PACKET_BARE_DATA, "bare SED");
	TAP_OK(START(0xa3, 0x01) == MULE_PACKET_UNENCRYPTED, "compressed");
	TAP_OK(START(0x90, 0x0d) == MULE_PACKET_UNENCRYPTED, "one-pass sig");
	TAP_OK(START(0xcb, 0x0d) == MULE_PACKET_UNENCRYPTED, "literal");
	TAP_OK(START(0x99, 0x01, 0x0d) == MULE_PACKET_KEY, "public key");
	TAP_OK(START(0xb4, 0x05) == MULE_PACKET_KEY, "user ID");
	TAP_OK(START(0x41, 0x42) == MULE_PACKET_INVALID, "text");
	TAP_OK(START(0x84) == MULE_PACKET_INVALID, "one byte");
	TAP_OK(mule_packet_start((const unsigned char *)"", 0)
	    == MULE_PACKET_INVALID, "nothing");
	TAP_OK(START(0xc0 | 60, 0x01) == MULE_PACKET_INVALID, "private tag 60");

#define COUNT(...) ({ static const unsigned char c_[] = { __VA_ARGS__ }; \
	mule_packet_count_signatures(c_, sizeof c_); })
	TAP_OK(COUNT(0x88, 0x02, 0x04, 0x00) == 1, "one old-format signature");
	TAP_OK(COUNT(0xc2, 0x02, 0x04, 0x00, 0x88, 0x01, 0x04) == 2,
	    "two signatures");
	TAP_OK(COUNT(0xc2, 0xff, 0, 0, 0, 1, 0x04) == 1, "5-byte length");
	TAP_OK(COUNT(0x88, 0x05, 0x04) == -1, "cut short");
	TAP_OK(COUNT(0x88, 0x01, 0x04, 0xcb, 0x01, 0x00) == -1,
	    "a literal packet after the signature");
	TAP_OK(COUNT(0x8b, 0x04) == -1, "indeterminate length");
	TAP_OK(COUNT(0xc2, 0xe1, 0x04) == -1, "partial length");
	TAP_OK(mule_packet_count_signatures((const unsigned char *)"", 0) == -1,
	    "nothing");

	/* PKESK (3 bytes), then SEIPD in partial chunks of 2 and 1 bytes
	 * and a last chunk of 3. */
	TAP_OK(!FRAMES(0xc1, 0x03, 1, 2, 3, 0xd2, 0xe1, 9, 9, 0xe0, 9, 0x03, 9,
	    9, 9), "one message with partial lengths passes");
	TAP_OK(FRAMES(0xc1, 0x03, 1, 2, 3, 0xd2, 0x01, 9, 0xc1, 0x01, 1) != 0,
	    "a second message after the data packet is refused");
	TAP_OK(FRAMES(0x84, 0x01, 1, 0xa4, 0x02, 9, 9, 0x0a) != 0,
	    "old format: a byte after the data packet is refused");
	TAP_OK(!FRAMES(0x85, 0x00, 0x01, 1, 0xd2, 0xff, 0, 0, 0, 2, 9, 9),
	    "two-byte old length, five-byte new length");
	TAP_OK(!FRAMES(0x84, 0x01, 1, 0xa7, 9, 9, 9),
	    "an indeterminate length ends the framing");
	TAP_OK(!FRAMES(0xc1, 0x03, 1), "a cut-short message is left to gpg");
	return tap_done();
}
