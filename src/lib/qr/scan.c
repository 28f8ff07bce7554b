/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan.c - zbar over a grey image. */
#include <config.h>

#include <zbar.h>

#include "core/error.h"
#include "qr/scan.h"

gpg_error_t
mule_qr_scan(const struct mule_qr_image *img, mule_qr_symbol_fn fn,
    void *arg, size_t *r_count)
{
	zbar_image_scanner_t *scanner;
	zbar_image_t *zimg = NULL;
	const zbar_symbol_t *sym;
	gpg_error_t err = 0;
	size_t count = 0;

	if (r_count)
		*r_count = 0;
	if (img->width > 0xffffffffu || img->height > 0xffffffffu)
		return gpg_error(GPG_ERR_INV_ARG);
	scanner = zbar_image_scanner_create();
	if (scanner)
		zimg = zbar_image_create();
	if (!scanner || !zimg) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(zimg, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zimg, (unsigned)img->width, (unsigned)img->height);
	/* No cleanup handler: the pixels stay IMG's. */
	zbar_image_set_data(zimg, img->pix, img->width * img->height, NULL);
	if (zbar_scan_image(scanner, zimg) < 0) {
		err = mule_error_set(gpg_error(GPG_ERR_GENERAL), NULL,
		    "zbar could not scan the image");
		goto leave;
	}
	for (sym = zbar_image_first_symbol(zimg); sym;
	    sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		count++;
		err = fn(arg, (const unsigned char *)zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym));
		if (err)
			break;
	}
leave:
	if (zimg)
		zbar_image_destroy(zimg);
	if (scanner)
		zbar_image_scanner_destroy(scanner);
	if (r_count)
		*r_count = count;
	return err;
}
