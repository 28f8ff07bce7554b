/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fountain.h - the fountain code of UR (BCR-2020-005), a Luby transform
 * as the reference (BlockchainCommons/bc-ur) makes it.
 *
 * A message is cut into LEN fragments of one length, the last padded
 * with zeros.  Part SEQ (1, 2, ...) carries fragment SEQ - 1 while SEQ <=
 * LEN and, beyond, the XOR of fragments chosen pseudo-randomly from SEQ
 * and the message's CRC-32: any LEN or a few more parts, in any order
 * and with any of them lost, give the message back.
 */
#ifndef MULE_QR_FOUNTAIN_H
#define MULE_QR_FOUNTAIN_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "qr/xoshiro.h"

/* At most this many fragments (LEN); a part saying more is refused. */
#define MULE_FOUNTAIN_MAX_LEN 10000
/* The shortest fragment the encoder makes (the reference's default). */
#define MULE_FOUNTAIN_MIN_FRAGMENT 10
/* Messages longer than this are refused unless the decoder is given a
 * larger limit. */
#define MULE_FOUNTAIN_DEFAULT_MAX_MESSAGE ((size_t)1 << 20)

/* One part: the header of every part and its fragment (or mix). */
struct mule_fountain_part {
	uint32_t seq;		/* 1, 2, ... */
	uint32_t len;		/* fragments of the message */
	uint32_t message_len;	/* bytes of the message */
	uint32_t checksum;	/* CRC-32 of the message */
	const unsigned char *data;
	size_t data_len;	/* the fragment length */
};

/* The reference's find_nominal_fragment_length: for the smallest count
 * of fragments (at most MESSAGE_LEN / MIN_LEN, and at least 1) whose
 * length ceil(MESSAGE_LEN / count) is at most MAX_LEN, that length; else
 * the length for the largest count.  MESSAGE_LEN >= 1. */
size_t mule_fountain_fragment_len(size_t message_len, size_t min_len,
    size_t max_len);

/* The CBOR [seq, len, messageLen, checksum, data] of PART: its length,
 * and writing it to OUT (that many bytes). */
size_t mule_fountain_part_cbor_len(const struct mule_fountain_part *part);
size_t mule_fountain_part_encode(const struct mule_fountain_part *part,
    unsigned char *out);

/* Read the N bytes at P as exactly one canonical part array; PART->data
 * points into P.  Rejects (exit 1) anything else: another shape, a
 * non-canonical head, a number above 2^32 - 1, trailing bytes. */
gpg_error_t mule_fountain_part_decode(const unsigned char *p, size_t n,
    struct mule_fountain_part *part);

/* Which fragments a part of a message of LEN fragments mixes: the degree
 * sampler (built once per message) and a work list. */
struct mule_fountain_chooser;

/* For LEN fragments (1 to MULE_FOUNTAIN_MAX_LEN).  GPG_ERR_INV_ARG,
 * GPG_ERR_ENOMEM. */
gpg_error_t mule_fountain_chooser_new(uint32_t len,
    struct mule_fountain_chooser **r_c);

/* The reference's choose_degree: 1 to LEN, drawn with X. */
size_t mule_fountain_choose_degree(const struct mule_fountain_chooser *c,
    struct mule_xoshiro *x);

/* The reference's choose_fragments for part SEQ (>= 1) of the message
 * with CHECKSUM: writes the indices, in increasing order, to OUT (room
 * for LEN) and returns their count. */
size_t mule_fountain_choose(struct mule_fountain_chooser *c, uint32_t seq,
    uint32_t checksum, uint32_t *out);

/* NULL-safe. */
void mule_fountain_chooser_free(struct mule_fountain_chooser *c);

struct mule_fountain_encoder;

/* An encoder for the N bytes at MESSAGE (copied; 1 to 2^32 - 1 bytes)
 * with fragments of at most MAX_FRAGMENT bytes (>= the minimum, 10); its
 * first part will be FIRST_SEQ + 1 (0 for the standard sequence).
 * GPG_ERR_INV_ARG for an empty message, a MAX_FRAGMENT below 10, or more
 * than MULE_FOUNTAIN_MAX_LEN fragments; GPG_ERR_ENOMEM. */
gpg_error_t mule_fountain_encoder_new(const void *message, size_t n,
    size_t max_fragment, uint32_t first_seq,
    struct mule_fountain_encoder **r_enc);

/* The number of fragments, LEN. */
uint32_t mule_fountain_encoder_len(const struct mule_fountain_encoder *enc);

/* Fill PART with the next part; PART->data is the encoder's and valid
 * until the next call.  GPG_ERR_EOF after part 2^32 - 1. */
gpg_error_t mule_fountain_encoder_next(struct mule_fountain_encoder *enc,
    struct mule_fountain_part *part);

/* NULL-safe. */
void mule_fountain_encoder_free(struct mule_fountain_encoder *enc);

struct mule_fountain_decoder;

/* What became of a part given to the decoder. */
enum mule_fountain_outcome {
	MULE_FOUNTAIN_USED,	/* taken in (perhaps redundant) */
	MULE_FOUNTAIN_FOREIGN,	/* another message's (another checksum) */
	MULE_FOUNTAIN_LATE,	/* the message was complete already */
	MULE_FOUNTAIN_DROPPED	/* a mix kept no room for (memory bound) */
};

/* A decoder for one message of at most MAX_MESSAGE bytes (0: the
 * default, 1 MiB).  GPG_ERR_ENOMEM. */
gpg_error_t mule_fountain_decoder_new(size_t max_message,
    struct mule_fountain_decoder **r_dec);

/* Take in PART.  The first valid part fixes the message (len, length,
 * checksum); a part with another checksum is another message's and is
 * skipped (*R_OUTCOME MULE_FOUNTAIN_FOREIGN, no error).  Rejects (exit
 * 1): seq or len 0, len above MULE_FOUNTAIN_MAX_LEN, a message length of
 * 0 or above the limit, a fragment length other than ceil(message length
 * / len) or that does not give len fragments (the encoder's is always
 * both), a part of this message's checksum
 * with another len, length or fragment length, and, when the last
 * fragment comes in, a message whose CRC-32 is not the checksum (the
 * decoder then stays failed and refuses every part).  Memory stays
 * within a few times the message length. */
gpg_error_t mule_fountain_decoder_receive(struct mule_fountain_decoder *dec,
    const struct mule_fountain_part *part,
    enum mule_fountain_outcome *r_outcome);

/* Whether the message is complete (and its CRC-32 checked). */
int mule_fountain_decoder_done(const struct mule_fountain_decoder *dec);

/* The message once done (else NULL), *R_LEN bytes, owned by DEC. */
const unsigned char *mule_fountain_decoder_message(
    const struct mule_fountain_decoder *dec, size_t *r_len);

/* How far: fragments known, LEN (0 before the first part), parts
 * taken in, parts of other messages skipped, mixed parts dropped for
 * want of room, and mixed parts held (not yet reduced to a fragment). */
struct mule_fountain_progress {
	size_t known, len, used, foreign, dropped, mixed;
};
void mule_fountain_decoder_progress(const struct mule_fountain_decoder *dec,
    struct mule_fountain_progress *r);

/* NULL-safe. */
void mule_fountain_decoder_free(struct mule_fountain_decoder *dec);

#endif
