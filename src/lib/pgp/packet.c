/* SPDX-License-Identifier: GPL-3.0-or-later */
/* packet.c - a first look at a binary OpenPGP packet stream. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/error.h"
#include "pgp/packet.h"

#define TAG_MARKER 10

/* Parse the packet header at BUF: its tag, header and body length.
 * *DEFINITE is 0 when the length is partial, indeterminate or cut short
 * (then *BODY is not known).  -1 without a tag byte and one more. */
static int
parse_header(const unsigned char *buf, size_t len, size_t *hlen, size_t *body,
    int *definite)
{
	static const size_t old_lenlen[] = { 1, 2, 4, 0 };
	size_t n, i;
	int tag;

	*definite = 0;
	*hlen = *body = 0;
	if (len < 2 || !(buf[0] & 0x80))
		return -1;
	if (buf[0] & 0x40) {
		tag = buf[0] & 0x3f;
		if (buf[1] < 192) {
			*hlen = 2, *body = buf[1];
		} else if (buf[1] < 224) {
			if (len < 3)
				return tag;
			*hlen = 3;
			*body = ((size_t)(buf[1] - 192) << 8) + buf[2] + 192;
		} else if (buf[1] == 255) {
			if (len < 6)
				return tag;
			*hlen = 6;
			*body = (size_t)buf[2] << 24 | (size_t)buf[3] << 16
			    | (size_t)buf[4] << 8 | buf[5];
		} else {
			return tag;		/* partial */
		}
	} else {
		tag = (buf[0] >> 2) & 0x0f;
		n = old_lenlen[buf[0] & 3];
		if (!n || len < 1 + n)
			return tag;		/* indeterminate, or cut short */
		*hlen = 1 + n;
		for (i = 0; i < n; i++)
			*body = *body << 8 | buf[1 + i];
	}
	*definite = 1;
	return tag;
}

int
mule_packet_count_signatures(const unsigned char *buf, size_t len)
{
	size_t off = 0, hlen, body;
	int n = 0, definite;

	while (off < len) {
		if (parse_header(buf + off, len - off, &hlen, &body,
		    &definite) != 2 || !definite || body > len - off - hlen)
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
	int tag, definite;

	while (off < len) {
		tag = parse_header(buf + off, len - off, &hlen, &body, &definite);
		if (tag == 5 || tag == 7)
			return 1;
		if (tag < 0 || !definite || body > len - off - hlen)
			return 0;
		off += hlen + body;
	}
	return 0;
}

int
mule_packet_public_keys(const unsigned char *buf, size_t len,
    const unsigned char **first, size_t *first_len)
{
	size_t off = 0, hlen, body;
	int tag, definite, n = 0;

	*first = NULL;
	*first_len = 0;
	if (!len)
		return -1;
	while (off < len) {
		tag = parse_header(buf + off, len - off, &hlen, &body, &definite);
		if (tag < 0 || !definite || body > len - off - hlen)
			return -1;
		if (tag == 6 && n++ == 0) {
			*first = buf + off + hlen;
			*first_len = body;
		}
		off += hlen + body;
	}
	return n;
}

gpg_error_t
mule_packet_v4_fpr(const unsigned char *body, size_t len,
    unsigned char fpr[20])
{
	unsigned char prefix[3];
	gcry_md_hd_t md;
	gpg_error_t err;

	/* The v4 fingerprint hashes the length in two bytes. */
	if (len > 0xffff)
		return gpg_error(GPG_ERR_TOO_LARGE);
	prefix[0] = 0x99;
	prefix[1] = (unsigned char)(len >> 8);
	prefix[2] = (unsigned char)len;
	if ((err = gcry_md_open(&md, GCRY_MD_SHA1, 0)))
		return err;
	gcry_md_write(md, prefix, sizeof prefix);
	gcry_md_write(md, body, len);
	memcpy(fpr, gcry_md_read(md, GCRY_MD_SHA1), 20);
	gcry_md_close(md);
	return 0;
}

int
mule_packet_first_tag(const unsigned char *buf, size_t len)
{
	size_t hlen, body;
	int definite;

	return parse_header(buf, len, &hlen, &body, &definite);
}

enum mule_packet_start
mule_packet_start(const unsigned char *buf, size_t len)
{
	size_t off = 0, hlen, body;
	int tag, definite, markers = 0;

	for (;;) {
		tag = parse_header(buf + off, len - off, &hlen, &body, &definite);
		if (tag != TAG_MARKER)
			break;
		/* Marker packets ("PGP") are to be ignored; a few at most. */
		if (!definite || ++markers > 4 || off + hlen + body >= len)
			return MULE_PACKET_INVALID;
		off += hlen + body;
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

void
mule_packet_header_init(struct mule_packet_header *h)
{
	memset(h, 0, sizeof *h);
	h->tag = -1;
}

void
mule_packet_header_next(struct mule_packet_header *h)
{
	h->nlen = 0;
}

enum mule_packet_header_state
mule_packet_header_add(struct mule_packet_header *h, unsigned char b)
{
	static const size_t old_lenlen[] = { 1, 2, 4, 0 };
	size_t i;

	if (h->tag < 0) {			/* the tag byte */
		if (!(b & 0x80))
			return MULE_HEADER_INVALID;
		h->newfmt = (b & 0x40) != 0;
		h->tag = h->newfmt ? b & 0x3f : (b >> 2) & 0x0f;
		h->oldlen = h->newfmt ? 0 : old_lenlen[b & 3];
		h->nlen = 0;
		return !h->newfmt && !h->oldlen ? MULE_HEADER_INDETERMINATE
		    : MULE_HEADER_MORE;
	}
	h->len[h->nlen++] = b;
	b = h->len[0];
	h->partial = 0;
	if (h->oldlen) {
		if (h->nlen < h->oldlen)
			return MULE_HEADER_MORE;
		for (h->body = 0, i = 0; i < h->oldlen; i++)
			h->body = h->body << 8 | h->len[i];
		h->oldlen = 0;
	} else if (b < 192) {
		h->body = b;
	} else if (b < 224) {
		if (h->nlen < 2)
			return MULE_HEADER_MORE;
		h->body = ((uint64_t)(b - 192) << 8) + h->len[1] + 192;
	} else if (b < 255) {
		h->body = (uint64_t)1 << (b & 0x1f);
		h->partial = 1;
	} else {
		if (h->nlen < 5)
			return MULE_HEADER_MORE;
		h->body = (uint64_t)h->len[1] << 24 | (uint64_t)h->len[2] << 16
		    | (uint64_t)h->len[3] << 8 | h->len[4];
	}
	return MULE_HEADER_BODY;
}

struct mule_frame {
	struct mule_source *src;
	struct mule_packet_header h;
	uint64_t body;		/* bytes left of the current chunk */
	int in_body;
	int ended;		/* the encrypted data packet is complete */
	int untracked;		/* indeterminate length: framing ends */
};

gpg_error_t
mule_frame_new(struct mule_frame **f, struct mule_source *src)
{
	*f = calloc(1, sizeof **f);
	if (!*f)
		return gpg_error_from_syserror();
	(*f)->src = src;
	mule_packet_header_init(&(*f)->h);
	return 0;
}

static int
is_data_packet(int tag)
{
	return tag == 9 || tag == 18 || tag == 20;
}

static gpg_error_t
frame_scan(struct mule_frame *f, const unsigned char *p, size_t n)
{
	size_t take;

	while (n && !f->untracked) {
		if (f->ended)
			return mule_reject(GPG_ERR_BAD_DATA,
			    "give one message at a time",
			    "data after the end of the encrypted message "
			    "(another message appended?)");
		if (f->in_body) {
			take = f->body < n ? (size_t)f->body : n;
			f->body -= take;
			p += take;
			n -= take;
			if (f->body)
				continue;
			f->in_body = 0;
			if (f->h.partial) {	/* another length follows */
				mule_packet_header_next(&f->h);
				continue;
			}
			if (is_data_packet(f->h.tag))
				f->ended = 1;
			mule_packet_header_init(&f->h);
			continue;
		}
		switch (mule_packet_header_add(&f->h, *p++)) {
		case MULE_HEADER_MORE:
			break;
		case MULE_HEADER_BODY:
			f->body = f->h.body;
			f->in_body = 1;
			break;
		default:	/* not OpenPGP (gpg will say), or indeterminate */
			f->untracked = 1;
			break;
		}
		n--;
	}
	return 0;
}

gpg_error_t
mule_frame_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_frame *f = arg;
	gpg_error_t err;

	err = mule_source_read(f->src, buf, n, got);
	if (!err && *got)
		err = frame_scan(f, buf, *got);
	return err;
}

void
mule_frame_free(struct mule_frame *f)
{
	free(f);
}

int
mule_packet_has_skesk(const unsigned char *buf, size_t len)
{
	size_t off = 0, hlen, body;
	int tag, definite;

	/* The session key packets lead the message: look at them all. */
	while (off < len) {
		tag = parse_header(buf + off, len - off, &hlen, &body,
		    &definite);
		if (tag == 3)
			return 1;
		if (tag != 1 || !definite || body > len - off - hlen)
			return 0;
		off += hlen + body;
	}
	return 0;
}
