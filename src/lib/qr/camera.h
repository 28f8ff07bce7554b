/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camera.h - where mule-qr scan's frames come from, in the sandboxed
 * child (reader.h): a V4L2 camera through libzbar's video interface
 * (zbar_video_*: no window, no thread), or, for the tests, a stream of
 * image files that stands in for one.
 *
 * The stream is a sequence of frames, each a 4-byte big-endian length
 * and that many bytes of a PNG or JPEG file, read as mule-qr decode
 * reads a file; a length of 0 or the end of the stream is the camera
 * switched off.
 */
#ifndef MULE_QR_CAMERA_H
#define MULE_QR_CAMERA_H

#include <gpg-error.h>

#include "qr/png.h"

struct mule_qr_camera;

/* Open DEVICE and start it streaming, or (DEVICE NULL) read frames from
 * the stream on FRAMES_FD.  *R_FD is the descriptor the sandbox must let
 * the camera use.  Errors are operational (exit 2), with a message. */
gpg_error_t mule_qr_camera_open(const char *device, int frames_fd,
    struct mule_qr_camera **r_cam, int *r_fd);

/* The next frame in *IMG, 8-bit grey (release it with
 * mule_qr_image_release); *R_END set instead once the camera stopped.
 * A stream frame that is no image is rejected as mule_qr_image_read
 * rejects it. */
gpg_error_t mule_qr_camera_next(struct mule_qr_camera *cam,
    struct mule_qr_image *img, int *r_end);

/* NULL-safe. */
void mule_qr_camera_close(struct mule_qr_camera *cam);

#endif
