/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sandbox.c - rlimits, no_new_privs and a seccomp allowlist. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/error.h"
#include "qr/sandbox.h"

/* AddressSanitizer maps terabytes of shadow memory: no memory limit
 * under it (the suite still runs the sandbox itself). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

static gpg_error_t
failed(const char *what)
{
	gpg_error_t err = gpg_error_from_syserror();

	return mule_error_set(err, NULL, "cannot confine the image reader: "
	    "%s: %s", what, gpg_strerror(err));
}

static int
kept(const struct mule_sandbox *s, int fd)
{
	return fd == s->in_fd || fd == s->out_fd || fd == s->camera_fd;
}

/* Only the given descriptors stay open; 0, 1 and 2 become /dev/null
 * unless given (standard error stays under a sanitizer, for its
 * reports).  A descriptor we inherited, such as the temporary beside
 * -o FILE, is gone before the first pixel is read. */
/* Close descriptors LO to HI (nothing if HI < LO). */
static int
close_gap(int lo, int hi)
{
	if (hi < lo)
		return 0;
	return close_range((unsigned)lo, (unsigned)hi, 0);
}

static gpg_error_t
close_others(const struct mule_sandbox *s)
{
	int keep[3] = { s->in_fd, s->out_fd, s->camera_fd };
	int null, fd, lo, i;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return failed("/dev/null");
	for (fd = 0; fd <= 2; fd++)
		if (!kept(s, fd) && !(fd == 2 && UNDER_SANITIZER)
		    && dup2(null, fd) < 0)
			return failed("dup2");
	close(null);
	/* The gaps between the kept descriptors, in order. */
	for (lo = 3;; lo = fd + 1) {
		for (fd = -1, i = 0; i < 3; i++)
			if (keep[i] >= lo && (fd < 0 || keep[i] < fd))
				fd = keep[i];
		if (close_gap(lo, fd < 0 ? INT_MAX : fd - 1))
			return failed("close_range");
		if (fd < 0)
			break;
	}
	return 0;
}

static gpg_error_t
limit(int resource, rlim_t value, const char *what)
{
	struct rlimit rl = { value, value };

	if (setrlimit(resource, &rl))
		return failed(what);
	return 0;
}

static gpg_error_t
limits(const struct mule_sandbox *s)
{
	gpg_error_t err = 0;

	/* Processor time: SIGXCPU at the soft limit, SIGKILL a second
	 * later. */
	if (s->cpu_seconds) {
		struct rlimit rl = { s->cpu_seconds, s->cpu_seconds + 1 };

		if (setrlimit(RLIMIT_CPU, &rl))
			return failed("RLIMIT_CPU");
	}
	/* RLIMIT_DATA: the heap and private memory, what a decoder
	 * allocates; not the libraries and files the parent had mapped. */
	if (s->memory && !UNDER_SANITIZER)
		err = limit(RLIMIT_DATA, s->memory, "RLIMIT_DATA");
	if (!err)
		err = limit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE");
	if (!err)
		err = limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC");
	if (!err)
		err = limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
	return err;
}

#define ALLOW(call) \
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call), 0)
#define ALLOW_FD(call, fd) \
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call), 1, \
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)(fd)))
#define ALLOW_NO_EXEC(call) \
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call), 1, \
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))

/* The camera's ioctls while it streams, on its descriptor only: the
 * frame buffers and the format.  Not the others: a UVC camera's
 * extension units (UVCIOC_CTRL_QUERY) can rewrite some cameras'
 * firmware. */
static int
camera_ioctls(scmp_filter_ctx ctx, int fd)
{
	static const unsigned long requests[] = {
		VIDIOC_DQBUF, VIDIOC_QBUF, VIDIOC_QUERYBUF, VIDIOC_QUERYCAP,
		VIDIOC_G_FMT, VIDIOC_G_PARM, VIDIOC_STREAMON,
		VIDIOC_STREAMOFF, VIDIOC_REQBUFS
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof requests / sizeof requests[0]; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 2,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd),
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
		    (scmp_datum_t)requests[i]));
	return rc;
}

/* The allowlist: memory without PROT_EXEC, reading and writing the
 * given descriptors, the clock, and the way out.  clone, fork, execve,
 * open, socket and everything else kill the process. */
static int
add_rules(scmp_filter_ctx ctx, const struct mule_sandbox *s)
{
	int rc = 0;

	rc |= ALLOW_NO_EXEC(mmap);
	rc |= ALLOW_NO_EXEC(mprotect);
	rc |= ALLOW(munmap);
	rc |= ALLOW(mremap);
	rc |= ALLOW(brk);
	rc |= ALLOW(madvise);
	rc |= ALLOW(futex);
	rc |= ALLOW(sched_yield);
	/* glibc's qsort asks how much memory there is. */
	rc |= ALLOW(sysinfo);
	rc |= ALLOW(clock_gettime);
	rc |= ALLOW(gettimeofday);
	rc |= ALLOW(rt_sigreturn);
	rc |= ALLOW(rt_sigprocmask);
	rc |= ALLOW(exit);
	rc |= ALLOW(exit_group);
	rc |= ALLOW_FD(write, s->out_fd);
	rc |= ALLOW_FD(write, 2);
	/* AddressSanitizer asks where its signal stack is on a longjmp
	 * (libpng leaves its errors by one). */
	if (UNDER_SANITIZER)
		rc |= ALLOW(sigaltstack);
	if (s->in_fd >= 0)
		rc |= ALLOW_FD(read, s->in_fd);
	if (s->camera_fd >= 0) {
		/* libv4l2 waits for a frame and maps its buffers. */
		rc |= camera_ioctls(ctx, s->camera_fd);
		rc |= ALLOW_FD(read, s->camera_fd);
		rc |= ALLOW(poll);
		rc |= ALLOW(ppoll);
		rc |= ALLOW(select);
		rc |= ALLOW(pselect6);
		rc |= ALLOW(clock_nanosleep);
		rc |= ALLOW(nanosleep);
	}
	return rc;
}

gpg_error_t
mule_sandbox_enter(const struct mule_sandbox *s)
{
	scmp_filter_ctx ctx;
	gpg_error_t err;
	int rc;

	if ((err = close_others(s)) || (err = limits(s)))
		return err;
	/* Ctrl-C is the parent's: it reports, then ends the child. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* The child never outlives the parent, even after a SIGKILL. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || prctl(PR_SET_DUMPABLE, 0))
		return failed("prctl");
	if (getppid() == 1)
		_exit(2);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return failed("PR_SET_NO_NEW_PRIVS");
	if (!(ctx = seccomp_init(SCMP_ACT_KILL_PROCESS))) {
		errno = ENOMEM;
		return failed("seccomp_init");
	}
	rc = add_rules(ctx, s);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		errno = -rc > 0 ? -rc : EINVAL;
		return failed("seccomp");
	}
	return 0;
}
