/* SPDX-License-Identifier: GPL-3.0-or-later */
/* assuan.c - one command to gpg-agent, async-signal-safe. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "key/assuan.h"

struct conn {
	int fd;
	struct timespec end;	/* CLOCK_MONOTONIC */
	char buf[2048];		/* Assuan's lines are 1000 bytes at most */
	size_t len;		/* bytes in BUF */
	size_t used;		/* of them, those of lines handed out */
};

int
mule_assuan_addr(struct sockaddr_un *addr, const char *path)
{
	size_t n = strlen(path);

	memset(addr, 0, sizeof *addr);
	if (n >= sizeof addr->sun_path)
		return -1;
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	return 0;
}

static int
remaining_ms(const struct timespec *end)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(end->tv_sec - now.tv_sec) * 1000
	    + (end->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* The next line from C in *LINE, its newline replaced by a NUL. */
static int
next_line(struct conn *c, char **line, unsigned *code)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	char *nl;
	ssize_t n;
	int ready;

	for (;;) {
		nl = memchr(c->buf + c->used, '\n', c->len - c->used);
		if (nl) {
			*nl = '\0';
			*line = c->buf + c->used;
			c->used = (size_t)(nl + 1 - c->buf);
			return MULE_ASSUAN_OK;
		}
		memmove(c->buf, c->buf + c->used, c->len - c->used);
		c->len -= c->used;
		c->used = 0;
		if (c->len == sizeof c->buf)
			return MULE_ASSUAN_PROTOCOL;
		ready = poll(&p, 1, remaining_ms(&c->end));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			*code = (unsigned)errno;
			return MULE_ASSUAN_IO;
		}
		if (ready == 0)
			return MULE_ASSUAN_TIMEOUT;
		n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			*code = (unsigned)errno;
			return MULE_ASSUAN_IO;
		}
		if (n == 0)
			return MULE_ASSUAN_PROTOCOL;
		c->len += (size_t)n;
	}
}

/* ERR's code: the decimal number after "ERR " (strtoul is not on the
 * list of async-signal-safe functions). */
static unsigned
err_code(const char *s)
{
	unsigned v = 0;

	for (; *s >= '0' && *s <= '9' && v < UINT_MAX / 10; s++)
		v = v * 10 + (unsigned)(*s - '0');
	return v;
}

/* Read an answer up to its OK or ERR: status lines to STATUS(ARG),
 * comments and data lines passed over. */
static int
answer(struct conn *c, mule_assuan_status_fn status, void *arg,
    unsigned *code)
{
	char *line;
	int rc;

	for (;;) {
		if ((rc = next_line(c, &line, code)))
			return rc;
		if (!strcmp(line, "OK") || !strncmp(line, "OK ", 3))
			return MULE_ASSUAN_OK;
		if (!strncmp(line, "ERR ", 4)) {
			*code = err_code(line + 4);
			return MULE_ASSUAN_ERR;
		}
		if (!strncmp(line, "S ", 2)) {
			if (status)
				status(arg, line + 2);
		} else if (line[0] != '#' && strncmp(line, "D ", 2))
			return MULE_ASSUAN_PROTOCOL;
	}
}

/* LINE and a newline to FD, in one send (a command is short). */
static int
send_line(int fd, const char *line, unsigned *code)
{
	char buf[1002];
	size_t n = strlen(line), off = 0;
	ssize_t w;

	if (n > 1000 || memchr(line, '\n', n))
		return MULE_ASSUAN_PROTOCOL;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	while (off < n) {
		w = send(fd, buf + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*code = (unsigned)errno;
			return MULE_ASSUAN_IO;
		}
		off += (size_t)w;
	}
	return MULE_ASSUAN_OK;
}

int
mule_assuan_command(const struct sockaddr_un *addr, const char *line,
    int timeout_ms, mule_assuan_status_fn status, void *arg,
    unsigned *code)
{
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path)
	    + strlen(addr->sun_path) + 1);
	struct conn c;
	int rc;

	*code = 0;
	c.len = c.used = 0;
	if ((c.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		*code = (unsigned)errno;
		return MULE_ASSUAN_IO;
	}
	if (connect(c.fd, (const struct sockaddr *)addr, len) < 0) {
		*code = (unsigned)errno;
		close(c.fd);
		if (*code == ENOENT || *code == ECONNREFUSED) {
			*code = 0;
			return MULE_ASSUAN_NO_AGENT;
		}
		return MULE_ASSUAN_IO;
	}
	clock_gettime(CLOCK_MONOTONIC, &c.end);
	c.end.tv_sec += timeout_ms / 1000;
	c.end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (c.end.tv_nsec >= 1000000000L) {
		c.end.tv_sec++;
		c.end.tv_nsec -= 1000000000L;
	}
	rc = answer(&c, NULL, NULL, code);	/* the greeting */
	if (!rc)
		rc = send_line(c.fd, line, code);
	if (!rc)
		rc = answer(&c, status, arg, code);
	close(c.fd);
	return rc;
}
