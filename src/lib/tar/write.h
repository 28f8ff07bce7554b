/* SPDX-License-Identifier: GPL-3.0-or-later */
/* write.h - write files and directories as a pax tar stream.
 *
 * Each file is read once: its data goes into the archive and into a
 * SHA-256 digest, and the digests go into a last entry, MULE_TAR_MANIFEST,
 * in the manifest format of manifest.h (archive order, not sorted).
 */
#ifndef MULE_TAR_WRITE_H
#define MULE_TAR_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "core/stream.h"
#include "tar/tar.h"

/* An entry made from data rather than a file (mule-stick's envelope, a
 * message read from standard input), written before the paths. */
struct mule_tar_extra {
	const char *name;
	uint64_t size;
	mule_read_fn read;
	void *arg;
};

struct mule_tarout_opts {
	const struct mule_tar_extra *extras;
	size_t nextras;
	const char *const *paths;	/* what to store */
	size_t npaths;
	const char *base_dir;		/* -C: paths are relative to it and
					 * stored as given; NULL: each is
					 * stored under its last component */
	int dereference;		/* -L: follow symlinks */
	int pad;			/* --pad: to the next Padme size */
	int quiet;
};

/* Check the paths and work out the names they get, before anything is
 * written: a missing path, two paths stored under the same name, a name
 * that mule reserves.  Errors are usage errors (exit 2). */
gpg_error_t mule_tarout_check(const struct mule_tarout_opts *opts);

/* What the archive of OPTS would hold, walked as mule_tarout_produce
 * walks it: the bytes of its regular files and their number (the extras
 * not counted). */
gpg_error_t mule_tarout_count(const struct mule_tarout_opts *opts,
    uint64_t *bytes, uint64_t *files);

/* Write the archive to FD.  A mule_produce_fn: ARG is the options. */
gpg_error_t mule_tarout_produce(void *opts, int fd);

/* The Padme size for LEN: at most about 12% more, leaking O(log log LEN)
 * bits of the length. */
uint64_t mule_padme(uint64_t len);

#endif
