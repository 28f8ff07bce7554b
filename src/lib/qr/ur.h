/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ur.h - Uniform Resources (BCR-2020-005) of type "bytes": binary data as
 * a sequence of text parts for animated QR codes.
 *
 * The UR message is the payload as a CBOR byte string.  A message that
 * fits one fragment is one part, "UR:BYTES/<bytewords>"; a longer one is
 * "UR:BYTES/<seq>-<len>/<bytewords>", whose bytewords hold the CBOR
 * [seq, len, messageLen, CRC-32 of the message, fragment] (fountain.h).
 * Every part ends with the CRC-32 of its own bytes (bytewords.h).  We
 * write upper case (QR alphanumeric mode) and read any case.
 */
#ifndef MULE_QR_UR_H
#define MULE_QR_UR_H

#include <stddef.h>
#include <gpg-error.h>

#include "qr/fountain.h"

/* A part line longer than this is refused unread. */
#define MULE_UR_LINE_MAX 16384
/* The largest fragment the encoder makes: its part stays within
 * MULE_UR_LINE_MAX. */
#define MULE_UR_MAX_FRAGMENT 8000

/* One part line, read. */
struct mule_ur_part {
	int single;		/* "UR:BYTES/<bytewords>": whole message */
	/* The header and fragment; a single part reads as part 1 of 1,
	 * its fragment the whole message.  data points into body. */
	struct mule_fountain_part part;
	unsigned char *body;	/* the bytewords' bytes, owned */
	size_t body_len;
};

/* Read the N characters at S (no line end) as a part of a UR of type
 * bytes into *R (release it with mule_ur_part_release, also after an
 * error).  Rejects (exit 1) a line over MULE_UR_LINE_MAX, another scheme
 * or type than "ur:bytes", a malformed or zero sequence ("seq-len",
 * decimal without leading zeros), a bad byteword or checksum, a part
 * that is not canonical CBOR, and a part whose CBOR seq or len is not
 * that of its path. */
gpg_error_t mule_ur_part_parse(const char *s, size_t n, struct mule_ur_part *r);

/* Free what *R holds (NULL-safe) and clear it. */
void mule_ur_part_release(struct mule_ur_part *r);

struct mule_ur_encoder;

/* An encoder of the N bytes at PAYLOAD (copied; N may be 0) in fragments
 * of at most MAX_FRAGMENT bytes (10 to MULE_UR_MAX_FRAGMENT).
 * GPG_ERR_INV_ARG for a MAX_FRAGMENT out of range, GPG_ERR_TOO_LARGE when
 * that makes more than MULE_FOUNTAIN_MAX_LEN parts, GPG_ERR_ENOMEM. */
gpg_error_t mule_ur_encoder_new(const void *payload, size_t n,
    size_t max_fragment, struct mule_ur_encoder **r_enc);

/* How many parts carry the message without loss: len (1 for a single
 * part). */
size_t mule_ur_encoder_len(const struct mule_ur_encoder *enc);

/* Set *R_PART to the next part, NUL-terminated, upper case, owned by
 * ENC and valid until the next call.  Parts 1 to len are the fragments,
 * those after them fountain mixes, without end; a single-part message
 * gives its one part each time.  GPG_ERR_EOF after part 2^32 - 1. */
gpg_error_t mule_ur_encoder_next_part(struct mule_ur_encoder *enc,
    const char **r_part);

/* NULL-safe. */
void mule_ur_encoder_free(struct mule_ur_encoder *enc);

struct mule_ur_decoder;

/* A decoder for one message of at most MAX_MESSAGE bytes of CBOR (0: the
 * default, 1 MiB).  GPG_ERR_ENOMEM. */
gpg_error_t mule_ur_decoder_new(size_t max_message,
    struct mule_ur_decoder **r_dec);

/* Take in the part LINE (N bytes; a trailing CR and LF are ignored).
 * *R_OUTCOME (R_OUTCOME may be NULL) says whether it was used, another
 * message's, or late.  Rejects (exit 1) what mule_ur_part_parse and
 * mule_fountain_decoder_receive reject, and a complete message that is
 * not one canonical CBOR byte string; after a rejection of the whole
 * message (CRC-32, CBOR) every further part is refused too. */
gpg_error_t mule_ur_decoder_receive(struct mule_ur_decoder *dec,
    const char *line, size_t n, enum mule_fountain_outcome *r_outcome);

/* Whether the payload is complete and checked. */
int mule_ur_decoder_done(const struct mule_ur_decoder *dec);

/* The payload once done (else NULL), *R_LEN bytes, owned by DEC. */
const unsigned char *mule_ur_decoder_message(const struct mule_ur_decoder *dec,
    size_t *r_len);

/* How far the decoder is (fountain.h). */
void mule_ur_decoder_progress(const struct mule_ur_decoder *dec,
    struct mule_fountain_progress *r);

/* NULL-safe. */
void mule_ur_decoder_free(struct mule_ur_decoder *dec);

#endif
