/* SPDX-License-Identifier: GPL-3.0-or-later */
/* crc32.h - the CRC-32 of UR (BCR-2020-005): ISO-HDLC, the one of zlib
 * and PNG (reflected polynomial 0xEDB88320, initial and final value
 * 0xFFFFFFFF).  "123456789" gives 0xCBF43926. */
#ifndef MULE_QR_CRC32_H
#define MULE_QR_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32 of the N bytes at P (P may be NULL when N is 0). */
uint32_t mule_crc32(const void *p, size_t n);

/* Store V big-endian in the four bytes at OUT, and read it back. */
void mule_put_be32(unsigned char *out, uint32_t v);
uint32_t mule_get_be32(const unsigned char *p);

#endif
