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

/* Erase the line and free P. */
void mule_progress_done(struct mule_progress *p);

#endif
