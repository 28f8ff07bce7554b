/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parts.h - a bundle cut into numbered parts NAME.001, NAME.002, ...
 *
 * The parts are plain byte ranges of the message, so "cat NAME.* | gpg
 * -d" joins them.  Writing, every part is an atomic output (output.h) and
 * all are committed, in order, only at the end.  Reading, the parts are
 * found from the first one (or all are named in order), and a missing or
 * out-of-order part is refused.
 */
#ifndef MULE_PARTS_H
#define MULE_PARTS_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#define MULE_PARTS_MAX 999
#define MULE_PARTS_MIN_SIZE 1024

struct mule_split;

/* Prepare parts of PART_SIZE bytes named PATH.001...; fails if one
 * exists (unless FORCE: then parts of an earlier, longer bundle under
 * that name are removed at the commit). */
gpg_error_t mule_split_open(struct mule_split **sp, const char *path,
    uint64_t part_size, int force);

/* The same for parts NAME.001... in directory DIRFD (duplicated and
 * held: every part is made and renamed there); DIR is its path, for
 * messages. */
gpg_error_t mule_split_open_at(struct mule_split **sp, int dirfd,
    const char *dir, const char *name, uint64_t part_size, int force);

/* A mule_write_fn. */
gpg_error_t mule_split_write(void *sp, const void *buf, size_t n);

/* Name the parts NAME.001... (same directory) before the commit. */
gpg_error_t mule_split_retarget(struct mule_split *sp, const char *name);

/* How many parts were written so far. */
size_t mule_split_count(const struct mule_split *sp);

/* The name of the first part's temporary in its directory, until it is
 * committed (NULL before the first byte). */
const char *mule_split_first_temp(const struct mule_split *sp);

/* Leave the first part's temporary in place if a signal ends the
 * process (mule_output_keep_on_signal). */
void mule_split_keep_first_on_signal(struct mule_split *sp);

/* Make every part final and durable, the first one last. */
gpg_error_t mule_split_commit(struct mule_split *sp);

void mule_split_free(struct mule_split *sp);

struct mule_parts;

/* The inputs named on the command line (none, or "-": standard input; a
 * file; a first part NAME.001; or all the parts in order). */
gpg_error_t mule_parts_open(struct mule_parts **pp, char *const *args,
    size_t nargs);

/* The item NAME (a file, or a first part NAME.001 and the others) in
 * directory DIRFD, duplicated and held, and untrusted (as
 * mule_parts_untrusted); DIR is its path, for messages. */
gpg_error_t mule_parts_open_at(struct mule_parts **pp, int dirfd,
    const char *dir, const char *name);

/* A mule_read_fn over the parts, one after the other. */
gpg_error_t mule_parts_read(void *pp, void *buf, size_t n, size_t *got);

/* Reading stops with GPG_ERR_CANCELED, rather than wait for input that
 * may never come, once FD (the read end of a pipe, the caller's) becomes
 * readable; *STOPPED (the caller's, or NULL) is then set to 1.  FD -1:
 * never.  Set it before the first read. */
void mule_parts_stop_on(struct mule_parts *pp, int fd, int *stopped);

/* Files on a stick: opened without following symlinks or blocking on a
 * FIFO, and hashed as they are read. */
gpg_error_t mule_parts_untrusted(struct mule_parts *pp);

/* The SHA-256 of every byte of every part (reads what is left). */
gpg_error_t mule_parts_digest(struct mule_parts *pp, unsigned char digest[32]);

/* How many parts (1 for a single file or standard input). */
size_t mule_parts_count(const struct mule_parts *pp);

void mule_parts_free(struct mule_parts *pp);

#endif
