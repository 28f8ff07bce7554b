/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nameset.h - a set of names (raw bytes) with a small value each, for
 * the entries of an archive: duplicate checks in constant time. */
#ifndef MULE_NAMESET_H
#define MULE_NAMESET_H

#include <stddef.h>
#include <gpg-error.h>

struct mule_nameset {
	struct mule_name_slot *slots;
	size_t cap, n;
};

/* The value of NAME, or -1 if it is not in the set. */
int mule_nameset_get(const struct mule_nameset *set, const char *name,
    size_t len);

/* Add NAME (LEN bytes) with VALUE >= 0, or change its value. */
gpg_error_t mule_nameset_put(struct mule_nameset *set, const char *name,
    size_t len, int value);

void mule_nameset_release(struct mule_nameset *set);

#endif
