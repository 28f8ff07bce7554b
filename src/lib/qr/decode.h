/* SPDX-License-Identifier: GPL-3.0-or-later */
/* decode.h - the receiving side of the QR transport: the QR codes of
 * images, or lines of UR text, fed to one UR decoder (ur.h) until the
 * message is complete.
 *
 * A code or line that is no UR at all (not "ur:...") is another
 * program's: skipped and counted.  A part of another message (another
 * checksum) is skipped and counted too.  Anything that claims to be a
 * part of ours and is not well-formed is a rejection, and so is a
 * complete message whose CRC-32 does not match.  Reading stops once the
 * message is complete.
 */
#ifndef MULE_QR_DECODE_H
#define MULE_QR_DECODE_H

#include <stddef.h>
#include <stdio.h>
#include <gpg-error.h>

#include "core/stream.h"

struct mule_qr_decoder;

/* What the decoder has seen. */
struct mule_qr_stats {
	size_t images;		/* image files or camera frames read */
	size_t codes;		/* QR codes or text lines */
	size_t foreign;		/* of them, not UR */
	size_t other;		/* parts of another message */
	size_t used;		/* parts of ours taken in */
	size_t known, len;	/* fragments recovered, of LEN (0: none yet) */
	size_t needed;		/* at least this many parts more (0 once
				 * done; LEN unknown: 0) */
};

/* A decoder for one payload of at most MAX_SIZE bytes (0: 1 MiB): a
 * part whose message is longer than such a payload needs is refused
 * before anything is sampled.  GPG_ERR_ENOMEM. */
gpg_error_t mule_qr_decoder_new(size_t max_size,
    struct mule_qr_decoder **r_dec);

/* Show a progress line on standard error while reading, if it is a
 * terminal and QUIET is 0 (core/progress.h): codes read, parts used,
 * fragments recovered of LEN, and at least how many parts more (struct
 * mule_qr_stats).  Erase it with mule_qr_decoder_progress_end (also
 * done by mule_qr_decoder_free) before anything else is printed. */
void mule_qr_decoder_progress_start(struct mule_qr_decoder *dec, int quiet);
void mule_qr_decoder_progress_end(struct mule_qr_decoder *dec);

/* Take in the N bytes at LINE: one code's content or one text line.
 * Rejects (exit 1) what mule_ur_decoder_receive rejects. */
gpg_error_t mule_qr_decoder_line(struct mule_qr_decoder *dec,
    const char *line, size_t n);

/* Read the image file PATH (PNG or JPEG) and take in its codes; a
 * directory: every *.png, *.jpg and *.jpeg file in it, in name order.
 * Nothing is read once the message is complete.  Rejects what
 * mule_qr_image_read and mule_qr_decoder_line reject; the message names
 * the file. */
gpg_error_t mule_qr_decoder_path(struct mule_qr_decoder *dec,
    const char *path);

/* Take in lines of UR text read from FD until its end or until the
 * message is complete; blank lines are ignored.  Rejects a line over
 * MULE_UR_LINE_MAX. */
gpg_error_t mule_qr_decoder_text(struct mule_qr_decoder *dec, int fd);

/* Take in the codes of camera frames until the message is complete:
 * frames from the V4L2 camera DEVICE, or (DEVICE NULL) from the frame
 * stream on FRAMES_FD (camera.h), read in a sandboxed child (reader.h).
 * Ctrl-C (or TERM, HUP, QUIT) ends the run from the signal handler, once
 * cleanup.h removed the temporaries: one line on standard error with
 * the frames, codes and fragments so far, with JSON (JSON set) the
 * object mule_qr_decoder_json prints, status "interrupted", on standard
 * output; then exit 2.  The camera switched off is no error: finish
 * tells whether the message is complete. */
gpg_error_t mule_qr_decoder_scan(struct mule_qr_decoder *dec,
    const char *device, int frames_fd, int json);

/* Whether the payload is complete and checked. */
int mule_qr_decoder_done(const struct mule_qr_decoder *dec);

/* The end of the input: 0 once done, else an operational error (exit
 * 2) saying how many fragments and parts were seen of how many, and how
 * many of another message were skipped. */
gpg_error_t mule_qr_decoder_finish(struct mule_qr_decoder *dec);

/* The payload once done (else NULL), *R_LEN bytes, owned by DEC. */
const unsigned char *mule_qr_decoder_payload(
    const struct mule_qr_decoder *dec, size_t *r_len);

void mule_qr_decoder_stats(const struct mule_qr_decoder *dec,
    struct mule_qr_stats *r);

/* Write the N bytes at P to WRITE(ARG) in ASCII armour: a "PGP PUBLIC
 * KEY BLOCK" if their first packet is a public key (tag 6), else a "PGP
 * MESSAGE".  Returns what WRITE returns, or GPG_ERR_ENOMEM. */
gpg_error_t mule_qr_payload_armor(const unsigned char *p, size_t n,
    mule_write_fn write, void *arg);

/* Print to F, as one JSON object and a newline, how decoding ended: ERR
 * is the error that ended it (0: the payload is complete and was
 * written), whose recorded message (core/error.h) becomes "error".
 * Keys: status ("complete", "incomplete": the input ended first,
 * "rejected": exit 1, "interrupted": a scan ended by a signal, "failed":
 * any other error), bytes (of the
 * payload; 0 unless complete), images, codes, foreign, other_message,
 * parts_used, fragments_known, fragments (LEN; 0 before the first
 * part), parts_needed (a lower bound; null before the first part),
 * and, unless complete, error and perhaps hint. */
void mule_qr_decoder_json(const struct mule_qr_decoder *dec, gpg_error_t err,
    FILE *f);

/* NULL-safe. */
void mule_qr_decoder_free(struct mule_qr_decoder *dec);

#endif
