/* SPDX-License-Identifier: GPL-3.0-or-later */
/* usage.h - which of the user's encryption subkeys each peer seals to:
 * noted by mule-stick get for every item it delivers, read by mule-key
 * prune before it destroys a retired subkey's secret.
 *
 * The file STATE_DIR/subkeys-used (core/state.h) holds one line a pair:
 *
 *     PEER SUBKEY WHEN
 *
 * PEER the fingerprint of the primary key of the item's signer, SUBKEY
 * that of the user's subkey the item was sealed to (the one that
 * decrypted it), WHEN the last time such an item arrived, in seconds
 * since 1970-01-01 UTC.  It is rewritten whole (a temporary file,
 * fsync, rename) under a lock on subkeys-used.lock beside it.
 */
#ifndef MULE_USAGE_H
#define MULE_USAGE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_usage {
	char peer[41];		/* upper-case hex */
	char subkey[41];
	uint64_t when;
};

/* Note that an item from PEER sealed to SUBKEY arrived at WHEN (kept if
 * later than what the file says).  DIR: the state directory.  Errors of
 * locking, reading and writing the file, with a message. */
gpg_error_t mule_usage_note(const char *dir, const char *peer,
    const char *subkey, uint64_t when);

/* Read the file in DIR into *R (free it), *N lines; a missing file is
 * none.  A line that is not of the form above is skipped. */
gpg_error_t mule_usage_load(const char *dir, struct mule_usage **r,
    size_t *n);

/* The newest WHEN for SUBKEY among the N at U, by any peer (0: never). */
uint64_t mule_usage_last(const struct mule_usage *u, size_t n,
    const char *subkey);

#endif
