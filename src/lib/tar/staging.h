/* SPDX-License-Identifier: GPL-3.0-or-later */
/* staging.h - extract into a private directory, then move into place.
 *
 * Entries are written below DIR/.mule-PID-RAND.stage (mode 0700), every
 * name opened relative to a directory we made, without following
 * symlinks and without replacing anything.  Only mule_staging_commit
 * touches DIR itself: it moves each top-level entry into place with one
 * no-replace rename, and undoes the moves already made if one fails.
 * Freed without a commit, the staging directory is removed; after a
 * SIGKILL, the next run in DIR removes it: callers run
 * mule_output_clean_stale on DIR once before they start.
 */
#ifndef MULE_STAGING_H
#define MULE_STAGING_H

#include <gpg-error.h>

#include "tar/read.h"

struct mule_staging;

/* Make the staging directory in DIR (which must exist).  OVERWRITE lets
 * the commit replace files in DIR and merge into its directories. */
gpg_error_t mule_staging_new(struct mule_staging **s, const char *dir,
    int overwrite);

/* The handler that writes entries into the staging directory. */
void mule_staging_handler(struct mule_staging *s,
    struct mule_tarin_handler *h);

/* Set the directories' modes and times, flush everything to the disk,
 * and move the top-level entries into DIR. */
gpg_error_t mule_staging_commit(struct mule_staging *s);

/* Instead: make the staging directory itself DIR/PARENT/LEAF (PARENT is
 * made if missing), with one no-replace rename.  GPG_ERR_EEXIST (and no
 * message) if LEAF is there already. */
gpg_error_t mule_staging_commit_as(struct mule_staging *s,
    const char *parent, const char *leaf);

/* Remove what is left of the staging directory and free S. */
void mule_staging_free(struct mule_staging *s);

#endif
