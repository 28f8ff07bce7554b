/* SPDX-License-Identifier: GPL-3.0-or-later */
/* progress.h - a progress line on stderr, only when it is a terminal. */
#ifndef MULE_PROGRESS_H
#define MULE_PROGRESS_H

#include <stdint.h>

struct mule_progress;

/* A progress line labelled WHAT with totals (0: unknown), or NULL when
 * stderr is not a terminal or QUIET is set: every function takes NULL. */
struct mule_progress *mule_progress_new(const char *what, int quiet,
    uint64_t total_bytes, uint64_t total_files);

/* Count BYTES and FILES more done; redraws a few times a second. */
void mule_progress_add(struct mule_progress *p, uint64_t bytes,
    uint64_t files);

/* Show "WHAT: " and the text of FMT in place of the line drawn last
 * (cut to the terminal's width): the first time, then a few times a
 * second, and always with FORCE (say, before waiting for input).
 * Returns whether it was drawn. */
int mule_progress_printf(struct mule_progress *p, int force,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Erase the line and free P. */
void mule_progress_done(struct mule_progress *p);

#endif
