/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.c - a progress line on stderr, only when it is a terminal. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"

#define REDRAW_NS 250000000LL

struct mule_progress {
	const char *what;
	uint64_t total_bytes, total_files;
	uint64_t bytes, files;
	long long start, last;
	int drawn;
};

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
	p->total_bytes = total_bytes;
	p->total_files = total_files;
	p->start = p->last = now_ns();
	return p;
}

static double
mib(uint64_t n)
{
	return (double)n / (1024.0 * 1024.0);
}

static void
draw(struct mule_progress *p, long long t)
{
	double secs = (double)(t - p->start) / 1e9;
	char total[64] = "";

	if (p->total_bytes || p->total_files)
		snprintf(total, sizeof total, " / %.1f MiB", mib(p->total_bytes));
	fprintf(stderr, "\r%s: %.1f MiB%s, %llu", p->what, mib(p->bytes),
	    total, (unsigned long long)p->files);
	if (p->total_files)
		fprintf(stderr, " / %llu", (unsigned long long)p->total_files);
	fprintf(stderr, " files, %.1f MiB/s  ", secs > 0 ? mib(p->bytes)
	    / secs : 0.0);
	p->drawn = 1;
}

void
mule_progress_add(struct mule_progress *p, uint64_t bytes, uint64_t files)
{
	long long t;

	if (!p)
		return;
	p->bytes += bytes;
	p->files += files;
	t = now_ns();
	if (t - p->last >= REDRAW_NS) {
		p->last = t;
		draw(p, t);
	}
}

int
mule_progress_printf(struct mule_progress *p, int force, const char *fmt,
    ...)
{
	struct winsize ws;
	char text[256];
	va_list ap;
	long long t;
	int cols = 80, n;

	if (!p)
		return 0;
	t = now_ns();
	if (p->drawn && !force && t - p->last < REDRAW_NS)
		return 0;
	p->last = t;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		cols = ws.ws_col;
	/* Shorter than the terminal: a line that wrapped would not go
	 * back under the \r.  Then erase what a longer line left. */
	n = cols - 1 - (int)strlen(p->what) - 2;
	fprintf(stderr, "\r%s: %.*s\033[K", p->what, n > 0 ? n : 0, text);
	p->drawn = 1;
	return 1;
}

void
mule_progress_done(struct mule_progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		fputs("\r\033[K", stderr);
	free(p);
}
