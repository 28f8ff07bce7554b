/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ur.c - UR part lines of type bytes, and the encoder and decoder over
 * the fountain code. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "qr/bytewords.h"
#include "qr/cbor.h"
#include "qr/crc32.h"
#include "qr/ur.h"

#define UR_PREFIX "UR:BYTES/"
/* "4294967295-10000/" */
#define SEQ_MAX_LEN 17

struct mule_ur_encoder {
	struct mule_fountain_encoder *fountain;
	unsigned char *cbor;	/* the message, then each part's CBOR */
	size_t cbor_len;
	char *line;
	int single;
};

struct mule_ur_decoder {
	struct mule_fountain_decoder *fountain;
	int failed;
	const unsigned char *payload;
	size_t payload_len;
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether the N bytes at S are PREFIX (lower case) in any case. */
static int
prefix_is(const char *s, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (i >= n || lower((unsigned char)s[i]) != prefix[i])
			return 0;
	return 1;
}

/* Read the decimal number of the N bytes at S (1 to 10 digits, no
 * leading zero) into *R; -1 if it is none or above 2^32 - 1. */
static int
number(const char *s, size_t n, uint32_t *r)
{
	uint64_t v = 0;
	size_t i;

	if (n < 1 || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*r = (uint32_t)v;
	return 0;
}

/* The path's "seq-len" (N bytes at S) into *SEQ and *LEN. */
static gpg_error_t
parse_seq(const char *s, size_t n, uint32_t *seq, uint32_t *len)
{
	const char *dash = memchr(s, '-', n);

	if (!dash || number(s, (size_t)(dash - s), seq) ||
	    number(dash + 1, n - (size_t)(dash - s) - 1, len))
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: the sequence is not two decimal numbers "
		    "(part-count)");
	if (*seq == 0)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: sequence number 0");
	return 0;
}

gpg_error_t
mule_ur_part_parse(const char *s, size_t n, struct mule_ur_part *r)
{
	gpg_error_t err = 0;
	const char *type, *slash, *body;
	uint32_t seq = 0, len = 0;

	memset(r, 0, sizeof *r);
	if (n > MULE_UR_LINE_MAX) {
		err = mule_reject(GPG_ERR_LINE_TOO_LONG, NULL,
		    "UR part: a line of %zu bytes, over %d", n,
		    MULE_UR_LINE_MAX);
		goto leave;
	}
	if (!prefix_is(s, n, "ur:")) {
		err = mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: does not start with ur:");
		goto leave;
	}
	type = s + 3;
	if (!prefix_is(type, n - 3, "bytes/")) {
		err = mule_reject(GPG_ERR_UNSUPPORTED_PROTOCOL, NULL,
		    "UR part: the type is not bytes");
		goto leave;
	}
	body = type + 6;
	if ((slash = memchr(body, '/', n - (size_t)(body - s))) != NULL) {
		if ((err = parse_seq(body, (size_t)(slash - body), &seq, &len)))
			goto leave;
		body = slash + 1;
	}
	if ((err = mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL, body,
	    n - (size_t)(body - s), &r->body, &r->body_len)))
		goto leave;
	if (!slash) {
		r->single = 1;
		r->part.seq = r->part.len = 1;
		if (r->body_len > UINT32_MAX) {
			err = mule_reject(GPG_ERR_TOO_LARGE, NULL,
			    "UR part: message too long");
			goto leave;
		}
		r->part.message_len = (uint32_t)r->body_len;
		r->part.checksum = mule_crc32(r->body, r->body_len);
		r->part.data = r->body;
		r->part.data_len = r->body_len;
		goto leave;
	}
	if ((err = mule_fountain_part_decode(r->body, r->body_len, &r->part)))
		goto leave;
	if (r->part.seq != seq || r->part.len != len)
		err = mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: the path says %lu-%lu, the part %lu-%lu",
		    (unsigned long)seq, (unsigned long)len,
		    (unsigned long)r->part.seq, (unsigned long)r->part.len);
leave:
	if (err)
		mule_ur_part_release(r);
	return err;
}

void
mule_ur_part_release(struct mule_ur_part *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof *r);
}

gpg_error_t
mule_ur_encoder_new(const void *payload, size_t n, size_t max_fragment,
    struct mule_ur_encoder **r_enc)
{
	gpg_error_t err = 0;
	struct mule_ur_encoder *enc = NULL;
	struct mule_fountain_part most;
	size_t head = mule_cbor_head_len(n), line;

	*r_enc = NULL;
	if (max_fragment < MULE_FOUNTAIN_MIN_FRAGMENT ||
	    max_fragment > MULE_UR_MAX_FRAGMENT || n > UINT32_MAX - 9) {
		err = gpg_error(GPG_ERR_INV_ARG);
		goto leave;
	}
	if ((enc = calloc(1, sizeof *enc)) == NULL ||
	    (enc->cbor = malloc(head + n)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	enc->cbor_len = mule_cbor_put_head(enc->cbor, MULE_CBOR_BYTES, n);
	if (n)
		memcpy(enc->cbor + enc->cbor_len, payload, n);
	enc->cbor_len += n;
	if ((err = mule_fountain_encoder_new(enc->cbor, enc->cbor_len,
	    max_fragment, 0, &enc->fountain)))
		goto leave;
	enc->single = mule_fountain_encoder_len(enc->fountain) == 1;
	if (enc->single) {
		line = sizeof UR_PREFIX + mule_bytewords_encoded_len(
		    MULE_BYTEWORDS_MINIMAL, enc->cbor_len);
		if ((enc->line = malloc(line)) == NULL) {
			err = gpg_error_from_syserror();
			goto leave;
		}
		memcpy(enc->line, UR_PREFIX, sizeof UR_PREFIX - 1);
		mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, enc->cbor,
		    enc->cbor_len, 1, enc->line + sizeof UR_PREFIX - 1);
		goto leave;
	}
	/* The longest part: every number at its widest. */
	most.seq = most.len = most.message_len = most.checksum = UINT32_MAX;
	most.data_len = mule_fountain_fragment_len(enc->cbor_len,
	    MULE_FOUNTAIN_MIN_FRAGMENT, max_fragment);
	most.data = NULL;
	free(enc->cbor);
	enc->cbor_len = mule_fountain_part_cbor_len(&most);
	line = sizeof UR_PREFIX + SEQ_MAX_LEN +
	    mule_bytewords_encoded_len(MULE_BYTEWORDS_MINIMAL, enc->cbor_len);
	if ((enc->cbor = malloc(enc->cbor_len)) == NULL ||
	    (enc->line = malloc(line)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
leave:
	if (err)
		mule_ur_encoder_free(enc);
	else
		*r_enc = enc;
	return err;
}

size_t
mule_ur_encoder_len(const struct mule_ur_encoder *enc)
{
	return mule_fountain_encoder_len(enc->fountain);
}

gpg_error_t
mule_ur_encoder_next_part(struct mule_ur_encoder *enc, const char **r_part)
{
	gpg_error_t err;
	struct mule_fountain_part part;
	size_t n;
	int k;

	*r_part = NULL;
	if ((err = mule_fountain_encoder_next(enc->fountain, &part)))
		return err;
	if (enc->single) {
		*r_part = enc->line;
		return 0;
	}
	n = mule_fountain_part_encode(&part, enc->cbor);
	k = snprintf(enc->line, sizeof UR_PREFIX + SEQ_MAX_LEN, "%s%lu-%lu/",
	    UR_PREFIX, (unsigned long)part.seq, (unsigned long)part.len);
	mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, enc->cbor, n, 1,
	    enc->line + k);
	*r_part = enc->line;
	return 0;
}

void
mule_ur_encoder_free(struct mule_ur_encoder *enc)
{
	if (!enc)
		return;
	mule_fountain_encoder_free(enc->fountain);
	free(enc->cbor);
	free(enc->line);
	free(enc);
}

gpg_error_t
mule_ur_decoder_new(size_t max_message, struct mule_ur_decoder **r_dec)
{
	gpg_error_t err;
	struct mule_ur_decoder *dec;

	*r_dec = NULL;
	if ((dec = calloc(1, sizeof *dec)) == NULL)
		return gpg_error_from_syserror();
	if ((err = mule_fountain_decoder_new(max_message, &dec->fountain))) {
		free(dec);
		return err;
	}
	*r_dec = dec;
	return 0;
}

gpg_error_t
mule_ur_decoder_receive(struct mule_ur_decoder *dec, const char *line,
    size_t n, enum mule_fountain_outcome *r_outcome)
{
	gpg_error_t err;
	struct mule_ur_part part;
	enum mule_fountain_outcome outcome = MULE_FOUNTAIN_USED;
	const unsigned char *msg;
	size_t msg_len;

	memset(&part, 0, sizeof part);
	if (dec->failed) {
		err = mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "UR: the message was rejected already");
		goto leave;
	}
	if (n && line[n - 1] == '\n')
		n--;
	if (n && line[n - 1] == '\r')
		n--;
	if ((err = mule_ur_part_parse(line, n, &part)))
		goto leave;
	if (dec->payload) {
		outcome = MULE_FOUNTAIN_LATE;
		goto leave;
	}
	if ((err = mule_fountain_decoder_receive(dec->fountain, &part.part,
	    &outcome)))
		goto leave;
	if (outcome != MULE_FOUNTAIN_USED ||
	    !mule_fountain_decoder_done(dec->fountain))
		goto leave;
	msg = mule_fountain_decoder_message(dec->fountain, &msg_len);
	if ((err = mule_cbor_bytes_decode(msg, msg_len, &dec->payload,
	    &dec->payload_len))) {
		dec->failed = 1;
		goto leave;
	}
leave:
	mule_ur_part_release(&part);
	if (r_outcome)
		*r_outcome = outcome;
	return err;
}

int
mule_ur_decoder_done(const struct mule_ur_decoder *dec)
{
	return dec->payload != NULL;
}

const unsigned char *
mule_ur_decoder_message(const struct mule_ur_decoder *dec, size_t *r_len)
{
	*r_len = dec->payload ? dec->payload_len : 0;
	return dec->payload;
}

void
mule_ur_decoder_progress(const struct mule_ur_decoder *dec,
    struct mule_fountain_progress *r)
{
	mule_fountain_decoder_progress(dec->fountain, r);
}

void
mule_ur_decoder_free(struct mule_ur_decoder *dec)
{
	if (!dec)
		return;
	mule_fountain_decoder_free(dec->fountain);
	free(dec);
}
