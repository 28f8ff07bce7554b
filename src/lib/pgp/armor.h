/* SPDX-License-Identifier: GPL-3.0-or-later */
/* armor.h - OpenPGP ASCII armour (RFC 4880, section 6) in our process.
 *
 * gpg's own armour stage runs at about 110 MB/s in the same process as
 * the cipher; doing it here puts it on the other core.  The decoder is a
 * parser of untrusted input: it is strict (one "PGP MESSAGE" block, valid
 * base64, a matching CRC-24 when present, nothing but blank lines after
 * the end line), bounded in line length, and fuzzed (contrib/fuzz).
 */
#ifndef MULE_ARMOR_H
#define MULE_ARMOR_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

/* The kinds of armour we write and decode. */
#define MULE_ARMOR_MESSAGE   "PGP MESSAGE"
#define MULE_ARMOR_SIGNATURE "PGP SIGNATURE"
#define MULE_ARMOR_PUBLIC_KEY "PGP PUBLIC KEY BLOCK"

/* --- encoding --- */
struct mule_armor;

/* Armour everything written to A as a "PGP MESSAGE" and pass it to
 * DOWN(DOWN_ARG). */
gpg_error_t mule_armor_new(struct mule_armor **a, mule_write_fn down,
    void *down_arg);
/* The same with the header and end lines of KIND (one of the
 * MULE_ARMOR_ names; GPG_ERR_INV_ARG for a name over 32 characters). */
gpg_error_t mule_armor_new_kind(struct mule_armor **a, const char *kind,
    mule_write_fn down, void *down_arg);
/* A mule_write_fn. */
gpg_error_t mule_armor_write(void *a, const void *buf, size_t n);
/* Write the last line, the checksum and the end line. */
gpg_error_t mule_armor_finish(struct mule_armor *a);
void mule_armor_free(struct mule_armor *a);

/* --- decoding --- */
struct mule_dearmor;

/* Whether the N bytes at BUF (the start of an input) begin, after blank
 * lines, with the armour header line of KIND. */
int mule_dearmor_detect_kind(const unsigned char *buf, size_t n,
    const char *kind);
/* The same for MULE_ARMOR_MESSAGE. */
int mule_dearmor_detect(const unsigned char *buf, size_t n);

/* Decode the armoured KIND read from SRC (which may hold bytes read
 * ahead).  Rejections (exit 1) for malformed armour. */
gpg_error_t mule_dearmor_new_kind(struct mule_dearmor **d,
    struct mule_source *src, const char *kind);
/* The same for MULE_ARMOR_MESSAGE. */
gpg_error_t mule_dearmor_new(struct mule_dearmor **d, struct mule_source *src);
/* A mule_read_fn. */
gpg_error_t mule_dearmor_read(void *d, void *buf, size_t n, size_t *got);
/* Decode the armoured KIND that is all of RAW into BIN (whose limit and
 * what are set). */
gpg_error_t mule_dearmor_whole(const struct mule_membuf *raw,
    const char *kind, struct mule_membuf *bin);
void mule_dearmor_free(struct mule_dearmor *d);

#endif
