/* SPDX-License-Identifier: GPL-3.0-or-later */
/* camera.c - frames from zbar's video interface, or from a stream. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zbar.h>

#include "core/error.h"
#include "core/stream.h"
#include "core/text.h"
#include "qr/camera.h"

struct mule_qr_camera {
	zbar_video_t *video;	/* NULL: the stream */
	int frames_fd;
};

static gpg_error_t
video_failed(struct mule_qr_camera *cam, const char *device, const char *what)
{
	const char *why = zbar_video_error_string(cam->video, 0);
	char *esc = mule_escape(device, strlen(device));
	gpg_error_t err;

	err = mule_error_set(mule_fail_code(GPG_ERR_ENODEV),
	    "name the camera with --device (ls /dev/video*)",
	    "cannot %s the camera %s%s%s", what, esc ? esc : "",
	    why ? ": " : "", why ? why : "");
	free(esc);
	return err;
}

gpg_error_t
mule_qr_camera_open(const char *device, int frames_fd,
    struct mule_qr_camera **r_cam, int *r_fd)
{
	struct mule_qr_camera *cam;
	gpg_error_t err = 0;

	*r_cam = NULL;
	*r_fd = -1;
	if (!(cam = calloc(1, sizeof *cam)))
		return gpg_error_from_syserror();
	cam->frames_fd = frames_fd;
	if (device) {
		/* zbar prints nothing unless asked. */
		zbar_set_verbosity(0);
		if (!(cam->video = zbar_video_create()))
			err = gpg_error(GPG_ERR_ENOMEM);
		else if (zbar_video_open(cam->video, device))
			err = video_failed(cam, device, "open");
		/* No window: a format zbar scans, converted if need be. */
		else if (zbar_negotiate_format(cam->video, NULL))
			err = video_failed(cam, device, "set up");
		else if (zbar_video_enable(cam->video, 1))
			err = video_failed(cam, device, "start");
		else
			*r_fd = zbar_video_get_fd(cam->video);
	} else
		*r_fd = frames_fd;
	if (err) {
		mule_qr_camera_close(cam);
		return err;
	}
	*r_cam = cam;
	return 0;
}

/* A grey copy of the video frame IMG in *OUT. */
static gpg_error_t
grey_copy(zbar_image_t *img, struct mule_qr_image *out)
{
	zbar_image_t *grey;
	size_t w, h;

	grey = zbar_image_convert(img, zbar_fourcc('Y', '8', '0', '0'));
	if (!grey)
		return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
		    NULL, "the camera's frames cannot be made grey");
	w = zbar_image_get_width(grey);
	h = zbar_image_get_height(grey);
	if (!w || !h || w > MULE_QR_MAX_PIXELS / h
	    || zbar_image_get_data_length(grey) < w * h
	    || !(out->pix = malloc(w * h))) {
		zbar_image_destroy(grey);
		return mule_error_set(mule_fail_code(GPG_ERR_ENOMEM), NULL,
		    "a camera frame of %zux%zu pixels", w, h);
	}
	memcpy(out->pix, zbar_image_get_data(grey), w * h);
	out->width = w;
	out->height = h;
	zbar_image_destroy(grey);
	return 0;
}

static gpg_error_t
video_next(struct mule_qr_camera *cam, struct mule_qr_image *img, int *r_end)
{
	zbar_image_t *frame = zbar_video_next_image(cam->video);
	gpg_error_t err;

	if (!frame) {
		*r_end = 1;
		return mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "the camera gave no frame: %s",
		    zbar_video_error_string(cam->video, 0));
	}
	err = grey_copy(frame, img);
	zbar_image_destroy(frame);
	return err;
}

/* Exactly N bytes into BUF; *R_EOF set at a clean end before the first
 * byte. */
static gpg_error_t
read_exact(int fd, void *buf, size_t n, int *r_eof)
{
	size_t done = 0;
	ssize_t r;

	*r_eof = 0;
	while (done < n) {
		r = read(fd, (char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return gpg_error_from_syserror();
		if (r == 0) {
			if (done)
				return mule_reject(GPG_ERR_TRUNCATED, NULL,
				    "a frame cut short");
			*r_eof = 1;
			return 0;
		}
		done += (size_t)r;
	}
	return 0;
}

static gpg_error_t
stream_next(struct mule_qr_camera *cam, struct mule_qr_image *img,
    int *r_end)
{
	unsigned char head[4], *buf;
	uint32_t len;
	gpg_error_t err;
	int eof;

	err = read_exact(cam->frames_fd, head, 4, &eof);
	if (err || eof) {
		*r_end = eof;
		return err;
	}
	len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16
	    | (uint32_t)head[2] << 8 | head[3];
	if (!len) {
		*r_end = 1;
		return 0;
	}
	if (len > MULE_QR_MAX_IMAGE_FILE)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL,
		    "a frame of over %zu bytes", MULE_QR_MAX_IMAGE_FILE);
	if (!(buf = malloc(len)))
		return gpg_error_from_syserror();
	err = read_exact(cam->frames_fd, buf, len, &eof);
	if (!err && eof)
		err = mule_reject(GPG_ERR_TRUNCATED, NULL,
		    "a frame cut short");
	if (!err)
		err = mule_qr_image_read(buf, len, img);
	free(buf);
	return err;
}

gpg_error_t
mule_qr_camera_next(struct mule_qr_camera *cam, struct mule_qr_image *img,
    int *r_end)
{
	memset(img, 0, sizeof *img);
	*r_end = 0;
	if (cam->video)
		return video_next(cam, img, r_end);
	return stream_next(cam, img, r_end);
}

void
mule_qr_camera_close(struct mule_qr_camera *cam)
{
	if (!cam)
		return;
	if (cam->video) {
		zbar_video_enable(cam->video, 0);
		zbar_video_destroy(cam->video);
	}
	free(cam);
}
