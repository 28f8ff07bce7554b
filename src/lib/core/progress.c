/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.c - a progress line on stderr, only when it is a terminal. */
#include <config.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/testhook.h"

#define REDRAW_NS 250000000LL
#define DELAY_NS ((long long)MULE_PROGRESS_DELAY_MS * 1000000LL)

struct mule_progress {
	const char *what;
	const char *one, *many;		/* what the items are called */
	uint64_t total_bytes, total_files;
	uint64_t bytes, files;
	long long start, last;
	long long delay, redraw;	/* DELAY_NS, REDRAW_NS but in tests */
	int drawn;
};

/* The line on the terminal now: one at a time.  The lock keeps the
 * threads that count (a producer, parallel jobs) and those that print
 * diagnostics from drawing over each other. */
static struct mule_progress *active;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct mule_progress *
mule_progress_new(const char *what, int quiet, uint64_t total_bytes,
    uint64_t total_files)
{
	struct mule_progress *p;

	if (quiet || !isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;	/* no progress line is no failure */
	p->what = what;
	p->one = "file";
	p->many = "files";
	p->total_bytes = total_bytes;
	p->total_files = total_files;
	p->start = p->last = now_ns();
	/* The tests see every redraw, however short the run. */
	p->delay = mule_test_switch("progress-now") ? 0 : DELAY_NS;
	p->redraw = p->delay ? REDRAW_NS : 0;
	pthread_mutex_lock(&lock);
	active = p;
	pthread_mutex_unlock(&lock);
	return p;
}

void
mule_progress_unit(struct mule_progress *p, const char *one,
    const char *many)
{
	if (!p)
		return;
	p->one = one;
	p->many = many;
}

void
mule_progress_size(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return;
	}
	while (v >= 1024.0 && u < 5) {
		v /= 1024.0;
		u++;
	}
	/* Three figures at most: "1.5 KiB", "48 MiB", "312 MiB". */
	snprintf(buf, size, v < 9.95 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* "WHAT: TEXT" in place of the line, cut to the terminal's width. */
static void
show(struct mule_progress *p, const char *text)
{
	struct winsize ws;
	int cols = 80, n;

	if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		cols = ws.ws_col;
	/* Shorter than the terminal: a line that wrapped would not go
	 * back under the \r.  Then erase what a longer line left. */
	n = cols - 1 - (int)strlen(p->what) - 2;
	fprintf(stderr, "\r%s: %.*s\033[K", p->what, n > 0 ? n : 0, text);
	fflush(stderr);
	p->drawn = 1;
}

/* Append to TEXT (of SIZE, LEN used so far) what FMT makes. */
static size_t __attribute__((format(printf, 4, 5)))
append(char *text, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(text + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

/* "M:SS left" or "H:MM:SS left" after TEXT. */
static size_t
append_left(char *text, size_t size, size_t len, uint64_t left)
{
	if (left >= 3600)
		return append(text, size, len, ", %" PRIu64 ":%02d:%02d left",
		    left / 3600, (int)(left / 60 % 60), (int)(left % 60));
	return append(text, size, len, ", %d:%02d left", (int)(left / 60),
	    (int)(left % 60));
}

static void
draw(struct mule_progress *p, long long t)
{
	double secs = (double)(t - p->start) / 1e9;
	uint64_t rate = secs > 0 ? (uint64_t)((double)p->bytes / secs) : 0;
	int bytes = p->bytes || p->total_bytes;
	char text[256], a[32], b[32];
	size_t len = 0;

	if (bytes) {
		mule_progress_size(a, sizeof a, p->bytes);
		len = append(text, sizeof text, len, "%s", a);
	}
	if (p->total_bytes) {
		mule_progress_size(b, sizeof b, p->total_bytes);
		len = append(text, sizeof text, len, " of %s (%d%%)", b,
		    p->bytes >= p->total_bytes ? 100
		    : (int)(p->bytes * 100 / p->total_bytes));
	}
	if (p->total_files)
		len = append(text, sizeof text, len, "%s%" PRIu64 " of %"
		    PRIu64 " %s", bytes ? ", " : "", p->files,
		    p->total_files, p->total_files == 1 ? p->one : p->many);
	else if (p->files || !bytes)
		len = append(text, sizeof text, len, "%s%" PRIu64 " %s",
		    bytes ? ", " : "", p->files,
		    p->files == 1 ? p->one : p->many);
	if (bytes) {
		mule_progress_size(a, sizeof a, rate);
		len = append(text, sizeof text, len, ", %s/s", a);
	}
	/* The time left: by the bytes when their total is known, else by
	 * the items. */
	if (p->total_bytes && rate && p->bytes < p->total_bytes)
		append_left(text, sizeof text, len,
		    (p->total_bytes - p->bytes) / rate);
	else if (!p->total_bytes && p->total_files && p->files
	    && p->files < p->total_files)
		append_left(text, sizeof text, len, (uint64_t)(secs
		    / (double)p->files * (double)(p->total_files - p->files)));
	show(p, text);
}

void
mule_progress_add(struct mule_progress *p, uint64_t bytes, uint64_t files)
{
	long long t;

	if (!p)
		return;
	pthread_mutex_lock(&lock);
	p->bytes += bytes;
	p->files += files;
	t = now_ns();
	if (t - p->start >= p->delay && t - p->last >= p->redraw) {
		p->last = t;
		draw(p, t);
	}
	pthread_mutex_unlock(&lock);
}

int
mule_progress_printf(struct mule_progress *p, int force, const char *fmt,
    ...)
{
	char text[256];
	va_list ap;
	long long t;

	if (!p)
		return 0;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	t = now_ns();
	if (p->drawn && !force && t - p->last < p->redraw) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	p->last = t;
	show(p, text);
	pthread_mutex_unlock(&lock);
	return 1;
}

void
mule_progress_hide(void)
{
	pthread_mutex_lock(&lock);
	if (active && active->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		active->drawn = 0;
	}
	pthread_mutex_unlock(&lock);
}

void
mule_progress_done(struct mule_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (active == p)
		active = NULL;
	pthread_mutex_unlock(&lock);
	free(p);
}
