/* SPDX-License-Identifier: GPL-3.0-or-later */
/* readchild.h - the sandboxed side of the image reader (reader.h).
 *
 * The child answers on one descriptor, one line each, and nothing
 * else crosses back:
 *   X<hex>   the bytes of a QR code (the first MULE_UR_LINE_MAX + 1:
 *            enough to refuse a longer one as a UR part would be)
 *   R<hex>   the image is refused (exit 1), with the reason
 *   O<hex>   the reader failed (exit 2), with the reason
 *   .        the end of one image or frame
 *   E        the camera stopped
 * Hex keeps every line plain ASCII, whatever a code holds; the parent
 * checks each line and takes in nothing it does not expect.
 */
#ifndef MULE_QR_READCHILD_H
#define MULE_QR_READCHILD_H

#include "qr/ur.h"

/* The longest line, its newline included. */
#define MULE_QR_ANSWER_MAX (1 + 2 * (MULE_UR_LINE_MAX + 1) + 1)

/* The wait for one image or frame: a crafted image keeps zbar busy for
 * minutes, a real one of 64 megapixels for a few seconds. */
#define MULE_QR_FRAME_SECONDS 20
/* The child's processor time and memory in all. */
#define MULE_QR_READER_CPU_SECONDS 3600
#define MULE_QR_READER_MEMORY ((unsigned long)1 << 30)

/* Read frames from the camera DEVICE, or (DEVICE NULL) from the frame
 * stream on FRAMES_FD (camera.h: image files, as mule-qr decode sends
 * them), answer each on OUT_FD, until the camera stops or the parent
 * ends the child.  Never returns. */
__attribute__((noreturn)) void mule_qr_child_camera(const char *device,
    int frames_fd, int out_fd);

#endif
