/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.h - atomic output and held-back output.
 *
 * An output is one of:
 *  - a file: written to a private temporary ".mule-PID-XXXXXX.tmp" (mode
 *    0600, O_EXCL) in the target directory, then fsync'ed and renamed into
 *    place by mule_output_commit, the directory fsync'ed too.  Freed
 *    without a commit, the temporary is removed.
 *  - standard output, streamed (MULE_OUTPUT_HOLD unset), or
 *  - standard output, held back (MULE_OUTPUT_HOLD): nothing is written
 *    until mule_output_commit; freed without a commit, nothing ever is.
 *  - an existing character device or FIFO named as the output (such as
 *    /dev/null): written like standard output, never replaced.
 */
#ifndef MULE_OUTPUT_H
#define MULE_OUTPUT_H

#include <stddef.h>
#include <gpg-error.h>

#define MULE_OUTPUT_FORCE  1	/* replace an existing file */
#define MULE_OUTPUT_HOLD   2	/* stdout: hold everything until commit, so
				 * that a failure writes nothing at all */
#define MULE_OUTPUT_BINARY 4	/* refuse to write to a terminal */
#define MULE_OUTPUT_BATCH 16	/* one of many outputs in one directory:
				 * the caller has removed stale temporaries
				 * there once, and fsyncs it once */
#define MULE_OUTPUT_LEND_DIR 32	/* mule_output_open_at: DIRFD is lent, not
				 * duplicated; the caller keeps it open
				 * until mule_output_free */

struct mule_output;

/* Prepare an output to PATH (NULL or "-": standard output).  Fails before
 * any work is done if PATH exists (without MULE_OUTPUT_FORCE) or is a
 * directory.  Removes stale temporaries of earlier killed runs there. */
gpg_error_t mule_output_open(struct mule_output **out, const char *path,
    int flags);

/* As mule_output_open, for NAME (no '/') in directory DIRFD, which is
 * duplicated and held (or lent, MULE_OUTPUT_LEND_DIR): the temporary is
 * made, renamed and removed there whatever becomes of the path
 * meanwhile, and a symlink named NAME is replaced (FORCE) or refused,
 * never followed.  DIR is the directory's path, for messages only.  No
 * device or FIFO output. */
gpg_error_t mule_output_open_at(struct mule_output **out, int dirfd,
    const char *dir, const char *name, int flags);

/* Give a file output the final name NAME (in the same directory) before
 * the commit: for names known only once the content is written. */
gpg_error_t mule_output_retarget(struct mule_output *out, const char *name);

/* Write N bytes.  Suitable as a mule_sink function. */
gpg_error_t mule_output_write(void *out, const void *buf, size_t n);

/* Make the output final and durable (or release held data). */
gpg_error_t mule_output_commit(struct mule_output *out);

/* Take back a committed file (remove it), when what it belongs to failed
 * after it was committed: the parts of a split bundle. */
void mule_output_uncommit(struct mule_output *out);

/* Free OUT; without a commit the output is discarded.  NULL is fine. */
void mule_output_free(struct mule_output *out);

/* The name of a file output's temporary in its directory, until it is
 * committed; NULL for any other output. */
const char *mule_output_temp_name(const struct mule_output *out);

/* Leave a file output's temporary in place if a signal ends the process
 * (freed without a commit, it is still removed): its name is recorded
 * elsewhere as the proof that the output never got its own, and a later
 * run removes it as stale (tempname.h). */
void mule_output_keep_on_signal(struct mule_output *out);

/* The name to use in messages ("standard output" or the path). */
const char *mule_output_name(const struct mule_output *out);

#endif
