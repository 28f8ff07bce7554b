/* SPDX-License-Identifier: GPL-3.0-or-later */
/* term.c - QR codes in a terminal, two modules a character cell. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "qr/term.h"

/* Light modules are the foreground, bright white; dark ones the
 * background, black. */
#define COLOURS "\033[97;40m"
#define END_OF_LINE "\033[0m\033[K\n"

static const char *const cells[4] = {
	"\xe2\x96\x88",		/* light above and below: full block */
	"\xe2\x96\x84",		/* dark above: lower half block */
	"\xe2\x96\x80",		/* dark below: upper half block */
	" ",			/* dark above and below */
};

static int
side(int version)
{
	return 17 + 4 * version + 2 * MULE_QR_TERM_MARGIN;
}

int
mule_qr_term_cols(int version)
{
	return side(version);
}

int
mule_qr_term_lines(int version)
{
	return (side(version) + 1) / 2;
}

int
mule_qr_term_fit(int cols, int lines, int reserved)
{
	int v;

	for (v = 40; v >= 1; v--)
		if (mule_qr_term_cols(v) <= cols
		    && mule_qr_term_lines(v) + reserved <= lines)
			return v;
	return 0;
}

/* A positive number from the environment variable NAME, else 0. */
static int
env_int(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	return *end || v <= 0 || v > 100000 ? 0 : (int)v;
}

gpg_error_t
mule_qr_term_size(int fd, int *r_cols, int *r_lines)
{
	struct winsize ws;

	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*r_cols = ws.ws_col;
		*r_lines = ws.ws_row;
		return 0;
	}
	*r_cols = env_int("COLUMNS");
	*r_lines = env_int("LINES");
	return *r_cols && *r_lines ? 0 : gpg_error(GPG_ERR_ENODEV);
}

/* Whether module (X, Y) of the code with its margin is dark. */
static int
dark(const unsigned char *modules, int width, int x, int y)
{
	x -= MULE_QR_TERM_MARGIN;
	y -= MULE_QR_TERM_MARGIN;
	if (x < 0 || y < 0 || x >= width || y >= width)
		return 0;
	return modules[(size_t)y * (size_t)width + (size_t)x] & 1;
}

gpg_error_t
mule_qr_term_draw(const unsigned char *modules, int width,
    mule_write_fn write, void *arg)
{
	int full = width + 2 * MULE_QR_TERM_MARGIN, x, y;
	size_t room = sizeof COLOURS + 3 * (size_t)full + sizeof END_OF_LINE;
	char *line, *p;
	gpg_error_t err = 0;

	if (width < 1 || width > 177)
		return gpg_error(GPG_ERR_INV_ARG);
	if (!(line = malloc(room)))
		return gpg_error_from_syserror();
	for (y = 0; !err && y < full; y += 2) {
		p = line;
		memcpy(p, COLOURS, sizeof COLOURS - 1);
		p += sizeof COLOURS - 1;
		for (x = 0; x < full; x++) {
			const char *c = cells[dark(modules, width, x, y)
			    | dark(modules, width, x, y + 1) << 1];
			size_t n = strlen(c);

			memcpy(p, c, n);
			p += n;
		}
		memcpy(p, END_OF_LINE, sizeof END_OF_LINE - 1);
		p += sizeof END_OF_LINE - 1;
		err = write(arg, line, (size_t)(p - line));
	}
	free(line);
	return err;
}
