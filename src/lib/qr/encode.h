/* SPDX-License-Identifier: GPL-3.0-or-later */
/* encode.h - a payload as QR codes: UR parts (ur.h) in upper case, each
 * one QR code made by libqrencode in alphanumeric mode.
 *
 * A payload whose single part fits one code of at most the largest
 * version allowed is that one code ("UR:BYTES/<bytewords>"); any other
 * is cut into fragments of at most the fragment length and sent as its
 * LEN plain parts followed by fountain parts, EXTRA percent of LEN more.
 */
#ifndef MULE_QR_ENCODE_H
#define MULE_QR_ENCODE_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

#define MULE_QR_FRAGMENT_DEFAULT 400
#define MULE_QR_EXTRA_DEFAULT 100
/* With 20 % of the frames lost, 100 % more of a few frames is often
 * not enough (7 to 15 % of sets of 3 to 21 frames failed): by default
 * at least this many fountain frames. */
#define MULE_QR_EXTRA_MIN_DEFAULT 30
#define MULE_QR_MAX_VERSION_DEFAULT 20

struct mule_qr_encode_opts {
	size_t fragment;	/* bytes per fragment, 10 to MULE_UR_MAX_FRAGMENT */
	unsigned extra;		/* fountain parts, in percent of LEN */
	char level;		/* error correction: 'L', 'M', 'Q' or 'H' */
	int max_version;	/* 1 to 40 */
	unsigned extra_min;	/* fountain parts at least (unless LEN is 1) */
};

/* One code: WIDTH x WIDTH modules, bit 0 set for dark. */
struct mule_qr_code {
	int version, width;
	const unsigned char *modules;
	const char *text;	/* the part it holds */
};

/* Called for code INDEX (0, 1, ...) of COUNT; CODE is valid during the
 * call only.  An error stops the encoding and is returned. */
typedef gpg_error_t (*mule_qr_code_fn)(void *arg, size_t index,
    size_t count, const struct mule_qr_code *code);

/* The codes of one payload, one after another without end. */
struct mule_qr_stream;

/* A stream of the N bytes at PAYLOAD (copied; N may be 0) as O says
 * (O->extra is not used).  GPG_ERR_INV_ARG for options out of range,
 * GPG_ERR_TOO_LARGE (with a message and hint) for a payload of too many
 * fragments, GPG_ERR_ENOMEM. */
gpg_error_t mule_qr_stream_new(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, struct mule_qr_stream **r_s);

/* A stream whose every code holds TEXT itself, not a UR (a fingerprint
 * URI that a phone's scanner reads).  Errors as mule_qr_stream_new. */
gpg_error_t mule_qr_stream_new_text(const char *text,
    const struct mule_qr_encode_opts *o, struct mule_qr_stream **r_s);

/* How many codes carry the payload without loss (1: a single part,
 * shown again and again). */
size_t mule_qr_stream_len(const struct mule_qr_stream *s);

/* The next code in *R_CODE, valid until the next call.
 * GPG_ERR_TOO_LARGE (with a message and hint) for a part that needs a
 * version above the largest allowed, GPG_ERR_EOF after part 2^32 - 1,
 * GPG_ERR_ENOMEM. */
gpg_error_t mule_qr_stream_next(struct mule_qr_stream *s,
    struct mule_qr_code *r_code);

/* NULL-safe. */
void mule_qr_stream_free(struct mule_qr_stream *s);

/* The largest fragment whose parts all fit a code of at most VERSION
 * at error correction LEVEL, at most MULE_UR_MAX_FRAGMENT; 0 if not even
 * the shortest (MULE_FOUNTAIN_MIN_FRAGMENT) does. */
size_t mule_qr_fragment_for(char level, int version);

/* Encode the N bytes at PAYLOAD (N may be 0) as O says and call FN(ARG)
 * for each code.  GPG_ERR_INV_ARG for options out of range,
 * GPG_ERR_TOO_LARGE (with a message and hint) for a payload of too many
 * fragments or a part that needs a version above O->max_version,
 * GPG_ERR_ENOMEM, or what FN returns. */
gpg_error_t mule_qr_encode(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, mule_qr_code_fn fn, void *arg);

/* What a run wrote: codes, and the largest version among them. */
struct mule_qr_encoded {
	size_t count;
	int version;
};

/* Encode the payload (as mule_qr_encode) as PNG frames DIR/0001.png,
 * DIR/0002.png, ... of SCALE pixels per module, each written atomically
 * (output.h).  DIR is made if missing; an existing DIR must be empty
 * unless FORCE, which first removes the frames (NNNN.png) and page of an
 * earlier run there.  HTML_FPS (0: none) adds DIR/index.html, the page
 * that plays them at that rate (html.h).  *R (may be NULL) says what was
 * written.  Errors as
 * mule_qr_encode, GPG_ERR_EEXIST for a DIR not empty, and those of
 * making files; after an error no frame of this run is left, nor DIR if
 * it was made. */
gpg_error_t mule_qr_write_frames(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, int scale, const char *dir,
    int force, unsigned html_fps, struct mule_qr_encoded *r);

/* The same as UR text, one part a line, to WRITE(ARG). */
gpg_error_t mule_qr_write_text(const void *payload, size_t n,
    const struct mule_qr_encode_opts *o, mule_write_fn write, void *arg,
    struct mule_qr_encoded *r);

/* The largest input encode and show read: more would make more than
 * MULE_FOUNTAIN_MAX_LEN parts of the largest fragment. */
#define MULE_QR_MAX_INPUT ((size_t)64 << 20)

/* mule_qr_payload_read of the file PATH (NULL or "-": standard input). */
gpg_error_t mule_qr_payload_load(const char *path, size_t limit,
    struct mule_membuf *out);

/* Read all of FD (at most LIMIT bytes; a rejection beyond) into *OUT
 * (empty, released by the caller): an OpenPGP message or public key
 * block in ASCII armour is de-armoured (its checksum checked; rejected
 * when malformed), anything else taken as it is. */
gpg_error_t mule_qr_payload_read(int fd, size_t limit,
    struct mule_membuf *out);

#endif
