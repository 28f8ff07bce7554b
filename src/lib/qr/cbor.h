/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cbor.h - the little CBOR (RFC 8949) that UR needs: unsigned integers,
 * byte strings and the head of an array, definite lengths only.  The
 * decoder takes canonical input only: every head in its shortest form,
 * so that one message has exactly one encoding. */
#ifndef MULE_QR_CBOR_H
#define MULE_QR_CBOR_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#define MULE_CBOR_UINT  0
#define MULE_CBOR_BYTES 2
#define MULE_CBOR_ARRAY 4

/* The length of the shortest head for the value V (1 to 9 bytes). */
size_t mule_cbor_head_len(uint64_t v);

/* Write the shortest head of major type MAJOR (0-7) with value V at OUT
 * (mule_cbor_head_len(V) bytes); returns its length. */
size_t mule_cbor_put_head(unsigned char *out, unsigned major, uint64_t v);

/* Read a head at *PP (before END) of major type MAJOR into *R_V and
 * advance *PP.  Rejects (exit 1) another major type, an indefinite
 * length, a reserved value, a head cut short and a head that is not in
 * its shortest form.  For a byte string, the bytes must follow before
 * END. */
gpg_error_t mule_cbor_get_head(const unsigned char **pp,
    const unsigned char *end, unsigned major, uint64_t *r_v);

/* The N bytes at P are exactly one canonical CBOR byte string: set
 * *R_DATA (into P) and *R_LEN to its content.  Rejects (exit 1)
 * anything else, trailing bytes included. */
gpg_error_t mule_cbor_bytes_decode(const unsigned char *p, size_t n,
    const unsigned char **r_data, size_t *r_len);

#endif
