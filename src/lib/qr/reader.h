/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reader.h - the image reader: pixels parsed in a sandboxed child.
 *
 * libpng, libjpeg and zbar parse what a stranger's camera or image file
 * holds.  They run in a child process (readchild.h) that is given its
 * descriptors, then confined (sandbox.h); it answers with the bytes of
 * each QR code, which the parent checks line by line before the UR
 * decoder sees them.  A child that dies (a crash, a forbidden call), is
 * silent too long, or answers anything else is an operational error
 * (exit 2), and its codes are dropped.
 */
#ifndef MULE_QR_READER_H
#define MULE_QR_READER_H

#include <stddef.h>
#include <sys/types.h>
#include <gpg-error.h>

#include "qr/scan.h"

struct mule_qr_reader;

/* Start a child for image files, sent one at a time with
 * mule_qr_reader_image. */
gpg_error_t mule_qr_reader_images(struct mule_qr_reader **r_rd);

/* Have RD's child read the image file (PNG or JPEG) of N bytes at IMAGE,
 * and call FN(ARG) with each QR code's bytes, in zbar's order.  Rejects
 * what mule_qr_image_read rejects; an error that FN returns stops it.
 * After any error RD is of no more use. */
gpg_error_t mule_qr_reader_image(struct mule_qr_reader *rd,
    const void *image, size_t n, mule_qr_symbol_fn fn, void *arg);

/* Start a child reading the camera DEVICE, or (DEVICE NULL) the frame
 * stream on FRAMES_FD (camera.h). */
gpg_error_t mule_qr_reader_camera(const char *device, int frames_fd,
    struct mule_qr_reader **r_rd);

/* Wait for the child's next frame and call FN(ARG) with each of its
 * codes; *R_END set instead once the camera stopped.  An error if no
 * frame comes within MULE_QR_FRAME_SECONDS (readchild.h). */
gpg_error_t mule_qr_reader_frame(struct mule_qr_reader *rd,
    mule_qr_symbol_fn fn, void *arg, int *r_end);

/* The child's process ID (0: none), for a signal handler to end it. */
pid_t mule_qr_reader_pid(const struct mule_qr_reader *rd);

/* End the child (SIGKILL) and free RD.  NULL-safe. */
void mule_qr_reader_free(struct mule_qr_reader *rd);

#endif
