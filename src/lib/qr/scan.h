/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan.h - the QR codes in an image, found by zbar.
 *
 * zbar runs with ZBAR_CFG_BINARY, so that a symbol's bytes come back as
 * they were encoded, never re-encoded as UTF-8.  Only QR codes are
 * looked for.
 */
#ifndef MULE_QR_SCAN_H
#define MULE_QR_SCAN_H

#include <stddef.h>
#include <gpg-error.h>

#include "qr/png.h"

/* Called with the bytes of each QR code found; an error stops the scan
 * and is returned. */
typedef gpg_error_t (*mule_qr_symbol_fn)(void *arg,
    const unsigned char *data, size_t n);

/* Scan IMG and call FN(ARG) for every QR code in it, in zbar's order.
 * *R_COUNT (may be NULL) is the number found.  GPG_ERR_ENOMEM, or what
 * FN returns. */
gpg_error_t mule_qr_scan(const struct mule_qr_image *img,
    mule_qr_symbol_fn fn, void *arg, size_t *r_count);

#endif
