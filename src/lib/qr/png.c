/* SPDX-License-Identifier: GPL-3.0-or-later */
/* png.c - QR codes to PNG (libpng), PNG and JPEG (libjpeg) to grey. */
#include <config.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "core/error.h"
#include "qr/png.h"

/* libpng's own handlers print "libpng error: ..." and warnings on
 * standard error: ours say nothing (the caller's message is the one
 * line) and leave by the jump buffer, as libpng's do. */
static void
png_quiet_error(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void
png_quiet_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* --- writing ----------------------------------------------------------- */

struct png_sink {
	mule_write_fn write;
	void *arg;
	gpg_error_t err;
};

static void
sink_write(png_structp png, png_bytep data, size_t n)
{
	struct png_sink *s = png_get_io_ptr(png);

	if (!s->err)
		s->err = s->write(s->arg, data, n);
	if (s->err)
		png_error(png, "write");
}

static void
sink_flush(png_structp png)
{
	(void)png;
}

/* Row Y of the image in 1-bit grey (1 white, 0 dark), packed. */
static void
make_row(const unsigned char *modules, int width, int scale, int y,
    unsigned char *row, size_t rowbytes)
{
	int mx, my, x, px;

	memset(row, 0xff, rowbytes);
	my = y / scale - MULE_QR_MARGIN;
	if (my < 0 || my >= width)
		return;
	for (mx = 0; mx < width; mx++) {
		if (!(modules[(size_t)my * width + mx] & 1))
			continue;
		for (x = 0; x < scale; x++) {
			px = (mx + MULE_QR_MARGIN) * scale + x;
			row[px >> 3] &= (unsigned char)~(0x80 >> (px & 7));
		}
	}
}

gpg_error_t
mule_qr_png_write(const unsigned char *modules, int width, int scale,
    mule_write_fn write, void *arg)
{
	png_structp png = NULL;
	png_infop info = NULL;
	struct png_sink sink = { write, arg, 0 };
	unsigned char *volatile row = NULL;
	volatile gpg_error_t err = 0;
	int side, y;
	size_t rowbytes;

	if (width < 1 || width > 177 || scale < 1 || scale > 64)
		return gpg_error(GPG_ERR_INV_ARG);
	side = (width + 2 * MULE_QR_MARGIN) * scale;
	rowbytes = ((size_t)side + 7) / 8;
	row = malloc(rowbytes);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
	    png_quiet_error, png_quiet_warning);
	if (png)
		info = png_create_info_struct(png);
	if (!row || !png || !info) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (setjmp(png_jmpbuf(png))) {
		err = sink.err ? sink.err : mule_error_set(
		    gpg_error(GPG_ERR_GENERAL), NULL, "cannot make a PNG");
		goto leave;
	}
	png_set_write_fn(png, &sink, sink_write, sink_flush);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		make_row(modules, width, scale, y, row, rowbytes);
		png_write_row(png, row);
	}
	png_write_end(png, info);
leave:
	png_destroy_write_struct(&png, &info);
	free(row);
	return err;
}

/* --- reading ------------------------------------------------------------ */

static gpg_error_t
too_large(size_t w, size_t h)
{
	return mule_reject(GPG_ERR_TOO_LARGE, NULL,
	    "image of %zux%zu pixels: more than the limit of %zu megapixels",
	    w, h, MULE_QR_MAX_PIXELS / 1000000);
}

static gpg_error_t
check_size(size_t w, size_t h)
{
	if (!w || !h)
		return mule_reject(GPG_ERR_INV_DATA, NULL, "image of no pixels");
	if (w > MULE_QR_MAX_PIXELS / h)
		return too_large(w, h);
	return 0;
}

struct png_src {
	const unsigned char *p;
	size_t n, off;
};

static void
src_read(png_structp png, png_bytep data, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->n - s->off)
		png_error(png, "truncated");
	memcpy(data, s->p + s->off, n);
	s->off += n;
}

static gpg_error_t
read_png(const unsigned char *buf, size_t n, struct mule_qr_image *img)
{
	png_structp png;
	png_infop info = NULL;
	struct png_src src = { buf, n, 0 };
	png_bytep *volatile rows = NULL;
	volatile gpg_error_t err = 0;
	png_uint_32 w, h, y;
	int depth, type;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
	    png_quiet_error, png_quiet_warning);
	if (png)
		info = png_create_info_struct(png);
	if (!png || !info) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (setjmp(png_jmpbuf(png))) {
		if (!err)
			err = mule_reject(GPG_ERR_INV_DATA, NULL,
			    "damaged PNG image");
		goto leave;
	}
	/* Our own limit comes first; libpng's default is a million. */
	png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
	png_set_read_fn(png, &src, src_read);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &type, NULL, NULL, NULL);
	if ((err = check_size(w, h)))
		goto leave;
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	if (type & PNG_COLOR_MASK_COLOR)
		png_set_rgb_to_gray_fixed(png, 1, -1, -1);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != w) {
		err = mule_reject(GPG_ERR_INV_DATA, NULL,
		    "unsupported PNG image");
		goto leave;
	}
	img->pix = malloc((size_t)w * h);
	rows = malloc(h * sizeof *rows);
	if (!img->pix || !rows) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	img->width = w;
	img->height = h;
	for (y = 0; y < h; y++)
		rows[y] = img->pix + (size_t)y * w;
	png_read_image(png, rows);
leave:
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	return err;
}

/* Each scan of a progressive JPEG goes over every block of the image: a
 * few bytes a scan would make hours of work of a 64-megapixel image (the
 * limit libjpeg-turbo advises).  Encoders write about ten scans. */
#define JPEG_MAX_SCANS 100

struct jpeg_err {
	struct jpeg_error_mgr pub;
	struct jpeg_progress_mgr progress;
	jmp_buf jmp;
	volatile int too_many_scans;
};

static void
jpeg_fail(j_common_ptr c)
{
	longjmp(((struct jpeg_err *)(void *)c->err)->jmp, 1);
}

static void
jpeg_quiet(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

static void
jpeg_progress(j_common_ptr c)
{
	struct jpeg_err *je = (struct jpeg_err *)(void *)c->err;

	if (c->is_decompressor && ((j_decompress_ptr)(void *)c)->
	    input_scan_number > JPEG_MAX_SCANS) {
		je->too_many_scans = 1;
		longjmp(je->jmp, 1);
	}
}

static gpg_error_t
read_jpeg(const unsigned char *buf, size_t n, struct mule_qr_image *img)
{
	struct jpeg_decompress_struct c;
	struct jpeg_err je;
	volatile gpg_error_t err = 0;
	JSAMPROW row;

	c.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jpeg_fail;
	je.pub.emit_message = jpeg_quiet;
	je.progress.progress_monitor = jpeg_progress;
	je.too_many_scans = 0;
	if (setjmp(je.jmp)) {
		if (!err && je.too_many_scans)
			err = mule_reject(GPG_ERR_TOO_LARGE, NULL,
			    "JPEG image of more than %d scans", JPEG_MAX_SCANS);
		else if (!err)
			err = mule_reject(GPG_ERR_INV_DATA, NULL,
			    "damaged JPEG image");
		goto leave;
	}
	jpeg_create_decompress(&c);
	c.progress = &je.progress;
	jpeg_mem_src(&c, buf, (unsigned long)n);
	jpeg_read_header(&c, TRUE);
	if ((err = check_size(c.image_width, c.image_height)))
		goto leave;
	c.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&c);
	if (c.output_components != 1) {
		err = mule_reject(GPG_ERR_INV_DATA, NULL,
		    "unsupported JPEG image");
		goto leave;
	}
	img->pix = malloc((size_t)c.output_width * c.output_height);
	if (!img->pix) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	img->width = c.output_width;
	img->height = c.output_height;
	while (c.output_scanline < c.output_height) {
		row = img->pix + (size_t)c.output_scanline * img->width;
		jpeg_read_scanlines(&c, &row, 1);
	}
	jpeg_finish_decompress(&c);
leave:
	jpeg_destroy_decompress(&c);
	return err;
}

gpg_error_t
mule_qr_image_read(const unsigned char *buf, size_t n,
    struct mule_qr_image *img)
{
	static const unsigned char png_magic[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	memset(img, 0, sizeof *img);
	if (n >= 8 && !memcmp(buf, png_magic, 8))
		return read_png(buf, n, img);
	if (n >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		return read_jpeg(buf, n, img);
	return mule_reject(GPG_ERR_INV_DATA, NULL,
	    "not a PNG or JPEG image");
}

void
mule_qr_image_release(struct mule_qr_image *img)
{
	if (!img)
		return;
	free(img->pix);
	memset(img, 0, sizeof *img);
}
