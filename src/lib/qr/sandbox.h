/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sandbox.h - confine the process that parses pixels.
 *
 * What reads camera frames and image files (libpng, libjpeg, zbar) is
 * the attack surface of the offline machine.  It runs in a child that
 * enters this sandbox once its descriptors are open: resource limits
 * (memory, processor time, no new files or processes), no new
 * privileges, and a seccomp allowlist.  Any other system call kills it
 * (SIGSYS): it cannot open a file, make a socket, run a program or
 * start a process; it reads and writes only the descriptors it was
 * given, and maps no executable memory.
 */
#ifndef MULE_QR_SANDBOX_H
#define MULE_QR_SANDBOX_H

#include <gpg-error.h>

struct mule_sandbox {
	int in_fd;		/* read: the image or frame stream (-1: none) */
	int out_fd;		/* write: the answers */
	int camera_fd;		/* ioctl, read and poll: a camera (-1: none) */
	unsigned cpu_seconds;	/* processor time at most (0: no limit) */
	unsigned long memory;	/* data (heap, private maps) at most, bytes
				 * (0: no limit) */
};

/* Enter the sandbox S describes, for good.  An error (exit 2) if the
 * kernel refuses any part of it: the caller must not go on then. */
gpg_error_t mule_sandbox_enter(const struct mule_sandbox *s);

#endif
