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

/* Parse a whole packet header: tag, header and body length.  -1 if it is
 * invalid, cut short, or of partial or indeterminate length. */
static int
full_header(const unsigned char *buf, size_t len, size_t *hlen, size_t *body)
{
	int tag;

	if (len < 2 || !(buf[0] & 0x80))
		return -1;
	if (buf[0] & 0x40) {
		tag = buf[0] & 0x3f;
		if (buf[1] < 192) {
			*hlen = 2, *body = buf[1];
		} else if (buf[1] < 224 && len >= 3) {
			*hlen = 3;
			*body = ((size_t)(buf[1] - 192) << 8) + buf[2] + 192;
		} else if (buf[1] == 255 && len >= 6) {
			*hlen = 6;
			*body = (size_t)buf[2] << 24 | (size_t)buf[3] << 16
			    | (size_t)buf[4] << 8 | buf[5];
		} else {
			return -1;
		}
	} else {
		static const size_t lenlen[] = { 1, 2, 4, 0 };
		size_t n = lenlen[buf[0] & 3], i;

		tag = (buf[0] >> 2) & 0x0f;
		if (!n || len < 1 + n)
			return -1;
		*hlen = 1 + n;
		*body = 0;
		for (i = 0; i < n; i++)
			*body = *body << 8 | buf[1 + i];
	}
	return tag;
}

int
mule_packet_count_signatures(const unsigned char *buf, size_t len)
{
	size_t off = 0, hlen, body;
	int n = 0;

	while (off < len) {
		if (full_header(buf + off, len - off, &hlen, &body) != 2
		    || body > len - off - hlen)
			return -1;
		off += hlen + body;
		n++;
	}
	return n ? n : -1;
}

int
mule_packet_has_secret(const unsigned char *buf, size_t len)
{
	size_t off = 0, hlen, body;
	int tag;

	while (off < len) {
		tag = full_header(buf + off, len - off, &hlen, &body);
		if (tag == 5 || tag == 7)
			return 1;
		if (tag < 0 || body > len - off - hlen)
			return 0;
		off += hlen + body;
	}
	return 0;
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
