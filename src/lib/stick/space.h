/* SPDX-License-Identifier: GPL-3.0-or-later */
/* space.h - room on the stick: checked before a put, and one message for
 * a full stick, whatever errno its driver chose (fusefat says EPERM, a
 * kernel driver ENOSPC, a quota EDQUOT).
 */
#ifndef MULE_STICK_SPACE_H
#define MULE_STICK_SPACE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_stick;

/* Before anything is sealed: whether ITEMS (NITEMS files, directories, or
 * "-" for standard input, whose size is not known and counts as
 * nothing), each stored NCOPIES times and carrying CARRIED bytes beside
 * its content (the sender's certificate), fit in the free space the file
 * system of S reports.  An estimate: the inputs as they are (compression
 * is not counted on), plus the archive's and OpenPGP's overhead, each
 * file rounded up to the file system's block.  0 if they fit or if the
 * file system reports no size or is read-only (writing then says why);
 * else "the stick is full: 1.2 MiB free, about 3.0 MiB needed" (exit 2). */
gpg_error_t mule_stick_space_check(const struct mule_stick *s,
    const char *const *items, size_t nitems, size_t ncopies,
    uint64_t carried);

/* ERR, the failure of a write to S, said for a person: "the stick is
 * full" for ENOSPC and EDQUOT, and for EPERM when S has (next to) no
 * room left (a real EPERM, or EROFS, keeps its own words); EFBIG as a
 * file too large for the stick, with a hint to --split 4000M.  Any
 * other error, and one already explained, comes back as it is. */
gpg_error_t mule_stick_space_explain(const struct mule_stick *s,
    gpg_error_t err);

#endif
