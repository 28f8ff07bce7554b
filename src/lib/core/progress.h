/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.h - a progress line on stderr, only when it is a terminal.
 *
 * Counted work (mule_progress_add) is drawn only once it has lasted
 * MULE_PROGRESS_DELAY_MS, so that short runs print nothing, then a few
 * times a second: the bytes done, the total and the percentage when it
 * is known, the items done (of their total), the rate, and the time left
 * when the total is known. With test hooks, MULE_TEST_SWITCH=progress-now
 * draws at every count.  One line is active at a time; diagnostics
 * (core/error.h) and output to a terminal erase it first
 * (mule_progress_hide), and it comes back at the next redraw. */
#ifndef MULE_PROGRESS_H
#define MULE_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#define MULE_PROGRESS_DELAY_MS 1000

struct mule_progress;

/* A progress line labelled WHAT with totals (0: unknown), or NULL when
 * stderr is not a terminal or QUIET is set: every function takes NULL.
 * The items it counts are files; mule_progress_unit names others. */
struct mule_progress *mule_progress_new(const char *what, int quiet,
    uint64_t total_bytes, uint64_t total_files);

/* Call the items ONE and MANY ("item", "items") instead of files. */
void mule_progress_unit(struct mule_progress *p, const char *one,
    const char *many);

/* Count BYTES and FILES more done; redraws a few times a second. */
void mule_progress_add(struct mule_progress *p, uint64_t bytes,
    uint64_t files);

/* Show "WHAT: " and the text of FMT in place of the line drawn last
 * (cut to the terminal's width): the first time, then a few times a
 * second, and always with FORCE (say, before waiting for input).
 * Returns whether it was drawn. */
int mule_progress_printf(struct mule_progress *p, int force,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Erase the active line if one is drawn (it is drawn again at the next
 * redraw): before anything else is written to the terminal. */
void mule_progress_hide(void);

/* Erase the line and free P. */
void mule_progress_done(struct mule_progress *p);

/* N bytes in IEC units into BUF: "312 B", "1.5 KiB", "48 MiB". */
void mule_progress_size(char *buf, size_t size, uint64_t n);

#endif
