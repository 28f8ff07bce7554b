/* SPDX-License-Identifier: GPL-3.0-or-later */
/* space.c - room on the stick: checked before a put, and one message
 * for a full stick. */
#include <config.h>

#include <string.h>
#include <sys/statvfs.h>

#include "core/error.h"
#include "core/text.h"
#include "stick/folder.h"
#include "stick/space.h"
#include "tar/write.h"

/* What an item holds beside its files: the envelope and its archive
 * entries, the archive's manifest and end, gpg's session key packets,
 * signature and packet headers. */
#define ITEM_OVERHEAD ((uint64_t)8192)
/* A file's archive header, padding and manifest line. */
#define FILE_OVERHEAD ((uint64_t)1024)

#define FULL_HINT "make room on the stick, or put fewer items at a time"

/* The free bytes of S's file system in *FREE and its block in *BLOCK; 0
 * if it reports no size or is read-only (nothing to say about room). */
static int
room(const struct mule_stick *s, uint64_t *free_bytes, uint64_t *block)
{
	struct statvfs sv;

	if (fstatvfs(s->fd, &sv) < 0 || !sv.f_blocks || !sv.f_frsize
	    || (sv.f_flag & ST_RDONLY))
		return 0;
	*free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
	*block = sv.f_bsize > sv.f_frsize ? sv.f_bsize : sv.f_frsize;
	return 1;
}

/* The size of ITEM in its archive, without the overhead ("-": 0). */
static uint64_t
item_size(const char *item)
{
	struct mule_tarout_opts tar;
	const char *paths[1] = { item };
	uint64_t bytes = 0, files = 0;

	if (!strcmp(item, "-"))
		return 0;
	memset(&tar, 0, sizeof tar);
	tar.paths = paths;
	tar.npaths = 1;
	tar.quiet = 1;
	/* What cannot be walked is the put's to report, not ours. */
	if (mule_tarout_count(&tar, &bytes, &files)) {
		mule_error_clear();
		return 0;
	}
	return bytes + files * FILE_OVERHEAD;
}

gpg_error_t
mule_stick_space_check(const struct mule_stick *s,
    const char *const *items, size_t nitems, size_t ncopies,
    uint64_t carried)
{
	char have[MULE_SIZE_TEXT], want[MULE_SIZE_TEXT];
	uint64_t free_bytes, block, one, need = 0;
	size_t i;

	if (!room(s, &free_bytes, &block))
		return 0;
	for (i = 0; i < nitems; i++) {
		one = item_size(items[i]) + ITEM_OVERHEAD + carried;
		one = (one + block - 1) / block * block;
		need += one * ncopies;
	}
	if (need <= free_bytes)
		return 0;
	mule_size_text(free_bytes, have);
	mule_size_text(need, want);
	return mule_error_set(mule_fail_code(GPG_ERR_ENOSPC), FULL_HINT,
	    "the stick is full: %s free, about %s needed", have, want);
}

gpg_error_t
mule_stick_space_explain(const struct mule_stick *s, gpg_error_t err)
{
	char have[MULE_SIZE_TEXT];
	uint64_t free_bytes = 0, block = 0;
	int known;

	/* Ours are explained already (the stick full, for one). */
	if (!err || gpg_err_source(err) == MULE_SOURCE_MULE
	    || gpg_err_source(err) == MULE_SOURCE_REJECT)
		return err;
	switch (gpg_err_code(err)) {
	case GPG_ERR_EFBIG:
		mule_error_clear();
		return mule_error_set(mule_fail_code(GPG_ERR_EFBIG),
		    "store it in parts: --split 4000M (FAT holds files under "
		    "4 GiB)", "the stick cannot hold a file this large");
	case GPG_ERR_ENOSPC:
	case GPG_ERR_EDQUOT:
	case GPG_ERR_EPERM:
		break;
	default:
		return err;
	}
	known = room(s, &free_bytes, &block);
	/* fusefat says EPERM when a FAT is full; any other EPERM keeps its
	 * words.  "No room": less than a few blocks, or 1 MiB, is left (a
	 * write that failed for room leaves less than a block; other items
	 * put side by side may have given some back since). */
	if (gpg_err_code(err) == GPG_ERR_EPERM && (!known
	    || free_bytes >= (4 * block > (1 << 20) ? 4 * block : (1 << 20))))
		return err;
	mule_error_clear();
	if (!known)
		return mule_error_set(mule_fail_code(GPG_ERR_ENOSPC), FULL_HINT,
		    "the stick is full");
	mule_size_text(free_bytes, have);
	return mule_error_set(mule_fail_code(GPG_ERR_ENOSPC), FULL_HINT,
	    "the stick is full: %s free", have);
}
