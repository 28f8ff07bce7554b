/* packet.c - a first look at a binary OpenPGP packet stream. */
#include <config.h>

#include "packet.h"

#define TAG_MARKER 10

/* Parse the packet header at BUF: its tag, and the offset of the next
 * packet in *NEXT (0 if the length is not a plain one).  -1 if invalid. */
static int
header(const unsigned char *buf, size_t len, size_t *next)
{
	size_t body, hlen;
	int tag;

	*next = 0;
	if (len < 2 || !(buf[0] & 0x80))
		return -1;
	if (buf[0] & 0x40) {			/* new format */
		tag = buf[0] & 0x3f;
		if (buf[1] < 192) {
			hlen = 2, body = buf[1];
		} else if (buf[1] < 224) {
			if (len < 3)
				return -1;
			hlen = 3, body = ((size_t)(buf[1] - 192) << 8) + buf[2] + 192;
		} else {
			return tag;		/* partial or 4-byte length */
		}
	} else {				/* old format */
		tag = (buf[0] >> 2) & 0x0f;
		if ((buf[0] & 3) != 0)
			return tag;
		hlen = 2, body = buf[1];
	}
	*next = hlen + body;
	return tag;
}

enum mule_packet_start
mule_packet_start(const unsigned char *buf, size_t len)
{
	size_t off = 0, next;
	int tag, markers = 0;

	for (;;) {
		tag = header(buf + off, len - off, &next);
		if (tag != TAG_MARKER)
			break;
		/* Marker packets ("PGP") are to be ignored; a few at most. */
		if (!next || ++markers > 4 || off + next >= len)
			return MULE_PACKET_INVALID;
		off += next;
	}
	switch (tag) {
	case 1:		/* public-key encrypted session key */
	case 3:		/* symmetric-key encrypted session key */
		return MULE_PACKET_ENCRYPTED;
	case 9:		/* symmetrically encrypted data */
	case 18:	/* symmetrically encrypted and integrity protected */
	case 20:	/* AEAD encrypted data */
		return MULE_PACKET_BARE_DATA;
	case 2:		/* signature */
	case 4:		/* one-pass signature */
	case 8:		/* compressed data */
	case 11:	/* literal data */
		return MULE_PACKET_UNENCRYPTED;
	case 5: case 6: case 7: case 13: case 14: case 17:
		return MULE_PACKET_KEY;
	default:
		return MULE_PACKET_INVALID;
	}
}
