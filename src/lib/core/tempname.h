/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tempname.h - the names of mule's temporaries, and those that earlier
 * runs left behind.
 *
 * A temporary is ".mule-PID-XXXXXXXXXXXX" and a suffix: ".tmp" for an
 * atomic output's file, ".stage" for mule-bundle -x's staging directory.
 * The PID tells a later run whether its maker is gone.
 */
#ifndef MULE_TEMPNAME_H
#define MULE_TEMPNAME_H

#define MULE_TEMP_NAME_MAX 64

/* A fresh name for this process with SUFFIX (short) in NAME. */
void mule_temp_name(char name[MULE_TEMP_NAME_MAX], const char *suffix);

/* Remove temporaries ".mule-PID-*.tmp" in directory DIR whose process is
 * gone (or that are older than a day).  Errors are ignored: it is tidying. */
void mule_output_clean_stale(const char *dir);
void mule_output_clean_stale_at(int dirfd);

/* Is an output still being written in directory DIR: does it hold a
 * temporary named exactly ".mule-PID-XXXXXXXXXXXX.tmp" (a regular file,
 * written less than a day ago) whose process, not this one, is a
 * mule-stick running on this computer?  A name or a process that is
 * anything else does not count. */
int mule_output_busy(const char *dir);
int mule_output_busy_at(int dirfd);

#endif
