/* SPDX-License-Identifier: GPL-3.0-or-later */
/* read.h - read a tar stream, refusing every entry that could write
 * outside the target or surprise the reader.
 *
 * The checks that depend only on the archive live here, so that listing
 * and extracting refuse the same bundles: unsafe names, links that leave
 * the tree, entries below a symlink or a file, duplicates, types other
 * than files, directories and links, limits, and the digests of the
 * trailing manifest entry.  Checks that depend on the file system (case
 * folding, symlink support, existing files) are the extractor's.
 */
#ifndef MULE_TAR_READ_H
#define MULE_TAR_READ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <gpg-error.h>

#include "tar/tar.h"

enum mule_tar_type {
	MULE_TAR_FILE,
	MULE_TAR_DIR,
	MULE_TAR_SYMLINK,
	MULE_TAR_HARDLINK
};

struct mule_tar_entry {
	const char *name;	/* normalised: relative, no ".", "..", "//" */
	enum mule_tar_type type;
	mode_t mode;		/* permission bits only */
	uint64_t size;		/* files: the full size, holes included */
	int64_t mtime;
	long mtime_nsec;
	const char *target;	/* symlink: as stored; hardlink: normalised */
};

/* What is done with the entries (extracting, or listing).  DATA may get
 * offsets that skip a hole; END gets the file's SHA-256 (files and
 * hardlinks; NULL for the others). */
struct mule_tarin_handler {
	gpg_error_t (*begin)(void *arg, const struct mule_tar_entry *e);
	gpg_error_t (*data)(void *arg, const void *buf, size_t n,
	    uint64_t offset);
	gpg_error_t (*end)(void *arg, const struct mule_tar_entry *e,
	    const unsigned char *digest);
	void *arg;
};

struct mule_progress;

struct mule_tarin_opts {
	uint64_t max_size;	/* file data, declared sizes; 0: none */
	uint64_t max_files;	/* entries; 0: none */
	struct mule_progress *progress;	/* may be NULL */
};

struct mule_tarin_result {
	uint64_t files, entries, bytes;
	int had_manifest;
	uint64_t dropped;	/* entries whose setuid, setgid or sticky bit
				 * was dropped: said only once verified */
	char *first_dropped;	/* the first one, escaped */
};

void mule_tarin_result_release(struct mule_tarin_result *res);

/* Read the tar stream from FD to its end (draining what follows the
 * archive, which must be zeros).  A refused entry is a rejection (exit
 * 1) naming the entry. */
gpg_error_t mule_tarin_read(const struct mule_tarin_opts *opts, int fd,
    const struct mule_tarin_handler *h, struct mule_tarin_result *res);

#endif
