/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reader.c - start the sandboxed child, and check what it answers. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/testhook.h"
#include "core/text.h"
#include "qr/readchild.h"
#include "qr/reader.h"

/* The longest reason taken from the child. */
#define REASON_MAX 300

struct mule_qr_reader {
	pid_t pid;
	int fd;			/* the child's answers */
	int frames;		/* the images we send it (-1: a camera) */
	unsigned seconds;	/* the wait for one image or frame */
	char *line;		/* MULE_QR_ANSWER_MAX bytes */
	size_t len;		/* in LINE, read and not yet taken */
	int eof;
};

static unsigned
wait_seconds(unsigned seconds)
{
	/* The tests' hung child is found in a second, not twenty. */
	return mule_test_switch("reader-quick") ? 1 : seconds;
}

/* The child's side of the fork: signals as a plain process has them
 * (never the parent's handlers, which remove its temporaries), then the
 * work, which never returns. */
__attribute__((noreturn)) static void
child(int answer_fd, const char *device, int frames_fd)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	mule_qr_child_camera(device, frames_fd, answer_fd);
}

/* A child reading DEVICE, or the stream on FRAMES_FD; or (FRAMES_FD -1
 * too) a stream that RD->frames sends it. */
static gpg_error_t
spawn(const char *device, int frames_fd, struct mule_qr_reader **r_rd)
{
	struct mule_qr_reader *rd;
	gpg_error_t err;
	int p[2] = { -1, -1 }, sv[2] = { -1, -1 };

	*r_rd = NULL;
	if (!(rd = calloc(1, sizeof *rd)) ||
	    !(rd->line = malloc(MULE_QR_ANSWER_MAX))) {
		err = gpg_error_from_syserror();
		free(rd);
		return err;
	}
	rd->fd = rd->frames = -1;
	rd->seconds = wait_seconds(MULE_QR_FRAME_SECONDS);
	if (pipe(p) || (!device && frames_fd < 0
	    && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
	    || (rd->pid = fork()) < 0) {
		err = gpg_error_from_syserror();
		mule_error_set(err, NULL, "cannot start the image reader: %s",
		    gpg_strerror(err));
		rd->pid = 0;
		goto leave;
	}
	if (!rd->pid) {
		close(p[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		child(p[1], device, sv[1] >= 0 ? sv[1] : frames_fd);
	}
	rd->fd = p[0];
	rd->frames = sv[0];
	p[0] = sv[0] = -1;
	err = 0;
leave:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (err)
		mule_qr_reader_free(rd);
	else
		*r_rd = rd;
	return err;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the child, whose answers have ended; 0 if it exited 0,
 * else an error that says what happened to it. */
static gpg_error_t
reap(struct mule_qr_reader *rd)
{
	int status = 0;
	pid_t pid = rd->pid;

	rd->pid = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		return mule_error_set(mule_fail_code(GPG_ERR_BAD_DATA),
		    "an image may be built to attack the reader: nothing it "
		    "read is used", "the image reader made a forbidden system "
		    "call and was killed by its sandbox");
	if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU
	    || WTERMSIG(status) == SIGKILL))
		return mule_error_set(mule_fail_code(GPG_ERR_TIMEOUT),
		    "a crafted image can keep zbar busy for minutes",
		    "the image reader used up its processor time");
	if (WIFSIGNALED(status))
		return mule_error_set(mule_fail_code(GPG_ERR_BAD_DATA),
		    "an image may be built to attack the reader: nothing it "
		    "read is used", "the image reader crashed (SIG%s)",
		    sigabbrev_np(WTERMSIG(status)) ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	return mule_error_set(mule_fail_code(GPG_ERR_BAD_DATA), NULL,
	    "the image reader stopped without an answer");
}

static gpg_error_t
garbage(void)
{
	return mule_error_set(mule_fail_code(GPG_ERR_BAD_DATA), NULL,
	    "the image reader answered something it may not");
}

/* The next line from the child in *R_N bytes at RD->line, its newline
 * dropped, within DEADLINE (CLOCK_MONOTONIC, in ms).  At the end of the
 * answers: how the child ended, or GPG_ERR_EOF (no message) if it exited
 * 0. */
static gpg_error_t
next_line(struct mule_qr_reader *rd, long long deadline, size_t *r_n)
{
	struct pollfd pfd = { .fd = rd->fd, .events = POLLIN };
	gpg_error_t err;
	char *nl;
	ssize_t got;
	long long left;
	int rc;

	for (;;) {
		if ((nl = memchr(rd->line, '\n', rd->len))) {
			*r_n = (size_t)(nl - rd->line);
			return 0;
		}
		if (rd->len == MULE_QR_ANSWER_MAX)
			return garbage();
		if (rd->eof && rd->len)
			return garbage();
		if (rd->eof)
			return (err = reap(rd)) ? err : gpg_error(GPG_ERR_EOF);
		if ((left = deadline - now_ms()) <= 0)
			return mule_error_set(mule_fail_code(GPG_ERR_TIMEOUT),
			    "a crafted image can keep zbar busy for minutes",
			    "the image reader gave no answer in %u s",
			    rd->seconds);
		rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return gpg_error_from_syserror();
		if (rc <= 0)
			continue;
		got = read(rd->fd, rd->line + rd->len,
		    MULE_QR_ANSWER_MAX - rd->len);
		if (got < 0 && errno != EINTR && errno != EAGAIN)
			return gpg_error_from_syserror();
		if (got == 0)
			rd->eof = 1;
		if (got > 0)
			rd->len += (size_t)got;
	}
}

/* Drop the first N bytes and the newline from RD->line. */
static void
take(struct mule_qr_reader *rd, size_t n)
{
	memmove(rd->line, rd->line + n + 1, rd->len - n - 1);
	rd->len -= n + 1;
}

/* The hex after the kind in RD->line's first N bytes, decoded in place
 * at RD->line; *R_N its length.  Zero if it is not lower-case hex. */
static int
unhex(struct mule_qr_reader *rd, size_t n, size_t *r_n)
{
	unsigned char *out = (unsigned char *)rd->line;
	const char *in = rd->line + 1;
	size_t i;

	n--;
	if (n % 2 || !mule_is_hex(in, n, 0))
		return 0;
	for (i = 0; i < n / 2; i++)
		out[i] = (unsigned char)(mule_hexval(in[2 * i]) << 4
		    | mule_hexval(in[2 * i + 1]));
	*r_n = n / 2;
	return 1;
}

/* The child's reason for KIND ('R' or 'O'), escaped and cut short. */
static gpg_error_t
reason(struct mule_qr_reader *rd, char kind, size_t n)
{
	char *esc;
	gpg_error_t err;

	if (n > REASON_MAX)
		n = REASON_MAX;
	esc = mule_escape(rd->line, n);
	if (kind == 'R')
		err = mule_reject(GPG_ERR_BAD_DATA, NULL, "%s",
		    esc ? esc : "refused");
	else
		err = mule_error_set(mule_fail_code(GPG_ERR_GENERAL), NULL,
		    "%s", esc ? esc : "failed");
	free(esc);
	return err;
}

/* Take the child's lines up to the end of one image or frame, by
 * DEADLINE, calling FN(ARG) for each code; *R_END set on an E line (R_END NULL: none is
 * expected). */
static gpg_error_t
one_frame(struct mule_qr_reader *rd, long long deadline,
    mule_qr_symbol_fn fn, void *arg, int *r_end)
{
	gpg_error_t err;
	size_t n, len;
	char kind;

	for (;;) {
		err = next_line(rd, deadline, &n);
		if (gpg_err_code(err) == GPG_ERR_EOF)
			return mule_error_set(mule_fail_code(GPG_ERR_BAD_DATA),
			    NULL, "the image reader stopped without an answer");
		if (err)
			return err;
		kind = n ? rd->line[0] : 0;
		if ((kind == '.' || kind == 'E') && n == 1) {
			take(rd, n);
			if (kind == '.')
				return 0;
			if (!r_end)
				return garbage();
			*r_end = 1;
			return 0;
		}
		if ((kind != 'X' && kind != 'R' && kind != 'O')
		    || !unhex(rd, n, &len) || len > MULE_UR_LINE_MAX + 1)
			return garbage();
		if (kind != 'X')
			return reason(rd, kind, len);
		err = fn(arg, (const unsigned char *)rd->line, len);
		take(rd, n);
		if (err)
			return err;
	}
}

/* After an image's answers: nothing more, and the child exits 0. */
static gpg_error_t
clean_exit(struct mule_qr_reader *rd)
{
	gpg_error_t err;
	size_t n;

	err = next_line(rd, now_ms() + 1000LL * rd->seconds, &n);
	if (!err)
		return garbage();
	return gpg_err_code(err) == GPG_ERR_EOF ? 0 : err;
}

gpg_error_t
mule_qr_reader_images(struct mule_qr_reader **r_rd)
{
	return spawn(NULL, -1, r_rd);
}

/* Send the N bytes at P to the child by DEADLINE, never raising
 * SIGPIPE: a child gone is told by its answers. */
static gpg_error_t
send_frame(struct mule_qr_reader *rd, const void *p, size_t n,
    long long deadline)
{
	struct pollfd pfd = { .fd = rd->frames, .events = POLLOUT };
	long long left;
	ssize_t r;
	int rc;

	while (n) {
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return gpg_error_from_syserror();
		if (rc <= 0)
			continue;
		r = send(rd->frames, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return 0;
		p = (const char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

gpg_error_t
mule_qr_reader_image(struct mule_qr_reader *rd, const void *image, size_t n,
    mule_qr_symbol_fn fn, void *arg)
{
	long long deadline = now_ms() + 1000LL * rd->seconds;
	unsigned char head[4];
	gpg_error_t err;

	if (rd->frames < 0 || !n || n > UINT32_MAX)
		return gpg_error(GPG_ERR_INV_ARG);
	head[0] = (unsigned char)(n >> 24);
	head[1] = (unsigned char)(n >> 16);
	head[2] = (unsigned char)(n >> 8);
	head[3] = (unsigned char)n;
	/* A child that died meanwhile, or stopped reading, is found by its
	 * answers (one_frame), which say what happened to it. */
	err = send_frame(rd, head, 4, deadline);
	if (!err)
		err = send_frame(rd, image, n, deadline);
	if (!err)
		err = one_frame(rd, deadline, fn, arg, NULL);
	return err;
}

gpg_error_t
mule_qr_reader_camera(const char *device, int frames_fd,
    struct mule_qr_reader **r_rd)
{
	if (!device && frames_fd < 0)
		return gpg_error(GPG_ERR_INV_ARG);
	return spawn(device, frames_fd, r_rd);
}

gpg_error_t
mule_qr_reader_frame(struct mule_qr_reader *rd, mule_qr_symbol_fn fn,
    void *arg, int *r_end)
{
	gpg_error_t err;

	*r_end = 0;
	err = one_frame(rd, now_ms() + 1000LL * rd->seconds, fn, arg, r_end);
	if (!err && *r_end)
		err = clean_exit(rd);
	return err;
}

pid_t
mule_qr_reader_pid(const struct mule_qr_reader *rd)
{
	return rd ? rd->pid : 0;
}

void
mule_qr_reader_free(struct mule_qr_reader *rd)
{
	if (!rd)
		return;
	if (rd->pid > 0) {
		kill(rd->pid, SIGKILL);
		while (waitpid(rd->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (rd->fd >= 0)
		close(rd->fd);
	if (rd->frames >= 0)
		close(rd->frames);
	free(rd->line);
	free(rd);
}
