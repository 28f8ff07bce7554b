/* SPDX-License-Identifier: GPL-3.0-or-later */
/* png.h - the images of the QR transport: a QR code's modules written as
 * a PNG, and a PNG or JPEG read into 8-bit grey for the scanner.
 *
 * Images come from cameras and strangers: a reader refuses one of more
 * than MULE_QR_MAX_PIXELS before allocating its pixels.
 */
#ifndef MULE_QR_PNG_H
#define MULE_QR_PNG_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

/* The largest image file read. */
#define MULE_QR_MAX_IMAGE_FILE ((size_t)256 << 20)
/* The largest image read: 64 megapixels. */
#define MULE_QR_MAX_PIXELS ((size_t)64 * 1000 * 1000)
/* The quiet zone the QR standard asks for, in modules. */
#define MULE_QR_MARGIN 4

/* An 8-bit grey image, row after row, WIDTH bytes each. */
struct mule_qr_image {
	unsigned char *pix;	/* owned */
	size_t width, height;
};

/* Write the WIDTH x WIDTH modules at MODULES (bit 0 set: dark) as a
 * 1-bit grey PNG of SCALE (1 to 64) pixels per module with a margin of
 * MULE_QR_MARGIN modules, to WRITE(ARG).  GPG_ERR_INV_ARG,
 * GPG_ERR_ENOMEM, or what WRITE returns. */
gpg_error_t mule_qr_png_write(const unsigned char *modules, int width,
    int scale, mule_write_fn write, void *arg);

/* Read the N bytes at BUF, a PNG or a JPEG (told by their first bytes),
 * into *IMG (release it with mule_qr_image_release, also after an
 * error).  Rejects (exit 1) another format, a damaged image, one of no
 * pixels or more than MULE_QR_MAX_PIXELS.  GPG_ERR_ENOMEM. */
gpg_error_t mule_qr_image_read(const unsigned char *buf, size_t n,
    struct mule_qr_image *img);

/* Free IMG's pixels (NULL-safe) and clear it. */
void mule_qr_image_release(struct mule_qr_image *img);

#endif
