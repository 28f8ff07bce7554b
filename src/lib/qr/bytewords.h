/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bytewords.h - Bytewords (BCR-2020-012), the text of a UR.
 *
 * Each byte is one of 256 four-letter words, whose first and last letters
 * alone tell them apart; the "minimal" style, the one of UR, writes only
 * those two letters.  Encoding appends the big-endian CRC-32 of the bytes
 * (four more words); decoding checks and removes it.  Input is read in
 * any case; output is lower case unless asked for upper case (the QR
 * alphanumeric mode has only upper-case letters).
 */
#ifndef MULE_QR_BYTEWORDS_H
#define MULE_QR_BYTEWORDS_H

#include <stddef.h>
#include <gpg-error.h>

enum mule_bytewords_style {
	MULE_BYTEWORDS_STANDARD,	/* "able acid also" */
	MULE_BYTEWORDS_URI,		/* "able-acid-also" */
	MULE_BYTEWORDS_MINIMAL		/* "aeadao" */
};

/* The bytes of the encoding of N bytes in STYLE, checksum included, not
 * counting the terminating NUL. */
size_t mule_bytewords_encoded_len(enum mule_bytewords_style style, size_t n);

/* Write the encoding of the N bytes at P and their CRC-32 into OUT, which
 * holds mule_bytewords_encoded_len(STYLE, N) + 1 bytes, NUL-terminated;
 * letters are upper case if UPPER.  Returns the length written. */
size_t mule_bytewords_encode(enum mule_bytewords_style style, const void *p,
    size_t n, int upper, char *out);

/* Decode the SLEN characters at S (any case) in STYLE and check the
 * checksum.  On success *R_BUF is a new buffer (free) of *R_LEN bytes
 * without the checksum, and at least one byte long.  Rejects (exit 1)
 * anything that is not a byteword, a wrong separator, input shorter than
 * one byte and its checksum, and a checksum mismatch; *R_BUF is then
 * NULL.  GPG_ERR_ENOMEM on allocation failure. */
gpg_error_t mule_bytewords_decode(enum mule_bytewords_style style,
    const char *s, size_t slen, unsigned char **r_buf, size_t *r_len);

#endif
