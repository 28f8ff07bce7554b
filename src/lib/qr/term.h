/* SPDX-License-Identifier: GPL-3.0-or-later */
/* term.h - QR codes drawn in a terminal with UTF-8 half blocks, and the
 * largest code a terminal of a given size can show.
 *
 * Each character cell holds two modules, one above the other: a code of
 * W modules with its margin takes W columns and (W + 1) / 2 lines.  The
 * colours are set explicitly (light modules white, dark ones black), so
 * a code reads the same on a dark or a light terminal theme.
 */
#ifndef MULE_QR_TERM_H
#define MULE_QR_TERM_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

/* The quiet zone drawn around a code in a terminal, in modules: less
 * than the standard's four, which cameras do not need when the margin
 * is drawn light. */
#define MULE_QR_TERM_MARGIN 2

/* The columns and lines a code of VERSION takes in a terminal. */
int mule_qr_term_cols(int version);
int mule_qr_term_lines(int version);

/* The largest version (1 to 40) whose code fits COLS x LINES with
 * RESERVED lines left free, or 0 if none does. */
int mule_qr_term_fit(int cols, int lines, int reserved);

/* The size of the terminal on FD: from the terminal itself, else from
 * $COLUMNS and $LINES.  GPG_ERR_ENODEV when neither tells. */
gpg_error_t mule_qr_term_size(int fd, int *r_cols, int *r_lines);

/* Write the WIDTH x WIDTH modules at MODULES (bit 0 set: dark) with a
 * margin of MULE_QR_TERM_MARGIN, as lines of half blocks, each line
 * ending with the colours reset, an erase to its end and a newline.
 * What WRITE(ARG) returns. */
gpg_error_t mule_qr_term_draw(const unsigned char *modules, int width,
    mule_write_fn write, void *arg);

#endif
