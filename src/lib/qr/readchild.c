/* SPDX-License-Identifier: GPL-3.0-or-later */
/* readchild.c - pixels into QR codes' bytes, inside the sandbox. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/uvcvideo.h>
#include <linux/videodev2.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/testhook.h"
#include "core/text.h"
#include "qr/camera.h"
#include "qr/png.h"
#include "qr/readchild.h"
#include "qr/sandbox.h"
#include "qr/scan.h"

static int answer_fd = -1;

/* The end of the child, without atexit handlers or a sanitizer's leak
 * check (which would start a thread: killed by the sandbox). */
__attribute__((noreturn)) static void
child_exit(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

/* Write all N bytes at P, or leave: the parent is gone. */
static void
send_all(const char *p, size_t n)
{
	if (mule_write_all(answer_fd, p, n))
		child_exit(2);
}

/* The line KIND followed by the N bytes at P in hex. */
static void
answer(char kind, const void *p, size_t n)
{
	char *line = malloc(2 * n + 3);

	if (!line)
		child_exit(2);
	line[0] = kind;
	mule_hex_encode(line + 1, p, n);
	line[2 * n + 1] = '\n';
	send_all(line, 2 * n + 2);
	free(line);
}

static gpg_error_t
answer_code(void *arg, const unsigned char *data, size_t n)
{
	(void)arg;
	answer('X', data, n > MULE_UR_LINE_MAX + 1 ? MULE_UR_LINE_MAX + 1 : n);
	return 0;
}

/* ERR as an R or an O line, with its one-line message. */
static void
answer_error(gpg_error_t err)
{
	struct mule_error_record rec;
	const char *msg;

	mule_error_save(&rec);
	msg = rec.err == err && rec.msg[0] ? rec.msg : gpg_strerror(err);
	if (gpg_err_code(err) == GPG_ERR_ENOMEM)
		msg = "the image reader ran out of memory (it may use 1 GiB)";
	answer(mule_exit_status(err) == MULE_EXIT_REJECTED ? 'R' : 'O', msg,
	    strlen(msg));
}

/* Leave, saying why first if ERR is one. */
__attribute__((noreturn)) static void
leave(gpg_error_t err)
{
	if (err)
		answer_error(err);
	child_exit(err ? 2 : 0);
}

#ifdef MULE_TEST_HOOKS
/* The tests' proof that the sandbox holds: the child tries what it must
 * not, and must be killed for it (tests/t-qr-sandbox.sh). */
static void
misbehave(int camera_fd)
{
	struct v4l2_capability cap;
	struct uvc_xu_control_query xu;

	static char *const argv[] = { "/bin/true", NULL };
	/* A write to read-only memory: SIGSEGV, which no sanitizer takes
	 * for a null pointer of its own to report. */
	static const char read_only[16] = "read only";
	volatile char *code = (volatile char *)(uintptr_t)read_only;
	char *p;

	memset(&xu, 0, sizeof xu);
	/* The camera's allowed ioctls pass (a file says ENOTTY); a UVC
	 * extension unit's is killed. */
	if (mule_test_switch("reader-ioctl-ok")
	    && ioctl(camera_fd, VIDIOC_QUERYCAP, &cap) == 0)
		child_exit(3);
	if (mule_test_switch("reader-ioctl-uvc"))
		(void)!ioctl(camera_fd, UVCIOC_CTRL_QUERY, &xu);
	if (mule_test_switch("reader-open"))
		(void)!open("/etc/hostname", O_RDONLY);
	if (mule_test_switch("reader-socket"))
		(void)!socket(AF_UNIX, SOCK_STREAM, 0);
	if (mule_test_switch("reader-exec"))
		execv(argv[0], argv);
	if (mule_test_switch("reader-fork"))
		(void)!fork();
	if (mule_test_switch("reader-write"))
		(void)!write(1, "escaped\n", 8);
	if (mule_test_switch("reader-hang"))
		for (;;)
			;
	if (mule_test_switch("reader-crash"))
		*code = 0;
	if (mule_test_switch("reader-garbage"))
		send_all("ur:bytes/not-hex\n", 17);
	/* Lines of the right kind, but wrong: upper-case hex, an odd
	 * digit, a code one byte over the cap, the camera's end in a
	 * decode. */
	if (mule_test_switch("reader-upper"))
		send_all("X4142\nXAB\n", 10);
	if (mule_test_switch("reader-odd"))
		send_all("X414\n", 5);
	if (mule_test_switch("reader-long")) {
		static const unsigned char a[MULE_UR_LINE_MAX + 2];

		answer('X', a, sizeof a);
	}
	if (mule_test_switch("reader-end"))
		send_all("E\n", 2);
	if (mule_test_switch("reader-silent"))
		child_exit(0);
	if (mule_test_switch("reader-alloc")) {
		/* Over the memory limit: refused, not granted. */
		if (!(p = malloc((size_t)3 << 29)))
			leave(gpg_error(GPG_ERR_ENOMEM));
		memset(p, 1, (size_t)3 << 29);
		free(p);
	}
}
#else
#define misbehave(fd) ((void)(fd))
#endif

/* zbar converts every QR code's text with iconv, even in binary mode,
 * from the character sets an ECI names: glibc loads their modules from
 * disk on first use and unloads them once unused.  Each is opened here
 * before the sandbox and kept open, so that it stays loaded. */
static void
pin_iconv(void)
{
	static const char *const sets[] = {
		"ISO8859-1", "ISO8859-2", "ISO8859-3", "ISO8859-4",
		"ISO8859-5", "ISO8859-6", "ISO8859-7", "ISO8859-8",
		"ISO8859-9", "ISO8859-10", "ISO8859-11", "ISO8859-13",
		"ISO8859-14", "ISO8859-15", "ISO8859-16", "SJIS", "UTF-8",
		"BIG-5", "CP437"
	};
	size_t i;

	for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
		(void)iconv_open("UTF-8", sets[i]);
}

/* What zbar and the error messages load on first use, loaded before the
 * sandbox: iconv modules, message catalogues, zbar's own state (a scan
 * of a blank image). */
static void
warm_up(void)
{
	struct mule_qr_image img = { NULL, 64, 64 };

	pin_iconv();
	(void)gpg_strerror(GPG_ERR_EIO);
	(void)strerror(EIO);

	if ((img.pix = malloc(64 * 64))) {
		memset(img.pix, 0xff, 64 * 64);
		mule_qr_scan(&img, answer_code, NULL, NULL);
		free(img.pix);
	}
}

void
mule_qr_child_camera(const char *device, int frames_fd, int out_fd)
{
	struct mule_sandbox box = { -1, out_fd, -1, MULE_QR_READER_CPU_SECONDS,
	    MULE_QR_READER_MEMORY };
	struct mule_qr_camera *cam = NULL;
	struct mule_qr_image img;
	gpg_error_t err;
	int fd, end = 0;

	answer_fd = out_fd;
	warm_up();
	err = mule_qr_camera_open(device, frames_fd, &cam, &fd);
	if (!err) {
		if (device)
			box.camera_fd = fd;
		else
			box.in_fd = fd;
		/* The tests' stream, taken for a camera by the sandbox. */
		if (!device && mule_test_switch("reader-as-camera"))
			box.camera_fd = fd;
		err = mule_sandbox_enter(&box);
	}
	if (!err)
		misbehave(box.camera_fd);
	while (!err && !end) {
		err = mule_qr_camera_next(cam, &img, &end);
		if (!err && !end)
			err = mule_qr_scan(&img, answer_code, NULL, NULL);
		mule_qr_image_release(&img);
		if (!err && !end)
			send_all(".\n", 2);
	}
	if (!err)
		send_all("E\n", 2);
	/* No camera_close: the parent's end of it all is this exit. */
	leave(err);
}
