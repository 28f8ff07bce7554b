/* SPDX-License-Identifier: GPL-3.0-or-later */
/* packet.h - a first look at a binary OpenPGP packet stream.
 *
 * Before gpg sees an input, we read the tag of its first packet (after
 * marker packets): an encrypted message must start with a session key
 * packet.  Without this, gpg would, for instance, take bare encrypted data
 * for passphrase-encrypted data and start pinentry for hostile input.
 */
#ifndef MULE_PACKET_H
#define MULE_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "core/stream.h"

enum mule_packet_start {
	MULE_PACKET_ENCRYPTED,	/* public-key or symmetric session key */
	MULE_PACKET_BARE_DATA,	/* encrypted data with no session key */
	MULE_PACKET_UNENCRYPTED,	/* signature, one-pass, compressed, literal */
	MULE_PACKET_KEY,	/* a key or user ID: not a message */
	MULE_PACKET_INVALID	/* not OpenPGP, or cut short */
};

/* The tag of the first packet of the LEN bytes at BUF (old or new
 * format header), or -1 if they do not start with a packet header. */
int mule_packet_first_tag(const unsigned char *buf, size_t len);

/* Classify the stream whose first LEN bytes are at BUF. */
enum mule_packet_start mule_packet_start(const unsigned char *buf, size_t len);

/* The number of packets in the LEN bytes at BUF if they are all whole
 * signature packets with definite lengths (a detached signature file);
 * -1 otherwise. */
int mule_packet_count_signatures(const unsigned char *buf, size_t len);

/* The number of public-key packets (tag 6: one per key) in the binary
 * key file of LEN bytes at BUF, the first one's body in *FIRST and
 * *FIRST_LEN; -1 unless BUF is all whole packets of definite length. */
int mule_packet_public_keys(const unsigned char *buf, size_t len,
    const unsigned char **first, size_t *first_len);

/* The binary v4 fingerprint (SHA-1 of 0x99, the length in two bytes and
 * the body) of the public-key packet whose body is the LEN bytes at BODY;
 * GPG_ERR_TOO_LARGE if LEN does not fit in two bytes. */
gpg_error_t mule_packet_v4_fpr(const unsigned char *body, size_t len,
    unsigned char fpr[20]);

/* Whether the packets at BUF (as far as they parse) include a secret
 * key or secret subkey. */
int mule_packet_has_secret(const unsigned char *buf, size_t len);

/* Whether the session key packets at the start of BUF (binary OpenPGP)
 * include one for a passphrase (symmetric encryption): opening it would
 * ask for a passphrase. */
int mule_packet_has_skesk(const unsigned char *buf, size_t len);

/* Reading the framing of a packet stream a byte at a time, for readers
 * that pass a stream through (mule_frame, the signed-message grammar).
 * Start a packet with mule_packet_header_init, then add bytes until the
 * result is not MULE_HEADER_MORE.  After a partial chunk's body, call
 * mule_packet_header_next and add the next chunk's length bytes. */
struct mule_packet_header {
	int tag;		/* -1 until the tag byte is read */
	uint64_t body;		/* length of the body, or of this chunk */
	int partial;		/* another chunk follows this one */
	int newfmt;		/* a new-format header */
	/* private */
	unsigned char len[5];
	size_t nlen, oldlen;
};

enum mule_packet_header_state {
	MULE_HEADER_MORE,		/* more header bytes are needed */
	MULE_HEADER_BODY,		/* tag and body (chunk) length known */
	MULE_HEADER_INDETERMINATE,	/* the body runs to the end */
	MULE_HEADER_INVALID		/* not a packet tag (bit 7 clear) */
};

void mule_packet_header_init(struct mule_packet_header *h);
void mule_packet_header_next(struct mule_packet_header *h);
enum mule_packet_header_state mule_packet_header_add(
    struct mule_packet_header *h, unsigned char b);

/* A reader that passes an encrypted message through unchanged while
 * following its top-level packet framing, and refuses any byte after the
 * encrypted data packet ends: gpg would go on to decrypt a second message
 * appended to the first.  (The encrypted layer's lengths are always
 * known; a packet of indeterminate length ends the framing.) */
struct mule_frame;

gpg_error_t mule_frame_new(struct mule_frame **f, struct mule_source *src);
/* A mule_read_fn. */
gpg_error_t mule_frame_read(void *f, void *buf, size_t n, size_t *got);
void mule_frame_free(struct mule_frame *f);

#endif
