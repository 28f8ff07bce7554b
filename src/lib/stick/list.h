/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.h - mule-stick list: what waits on the stick, and what was
 * rejected and why (this machine's journal says why, never the stick). */
#ifndef MULE_STICK_LIST_H
#define MULE_STICK_LIST_H

#include <stddef.h>
#include <gpg-error.h>

struct mule_gpg_opts;
struct mule_stick;

struct mule_stick_list_opts {
	const char *journal;	/* NULL: in the state directory */
	const char *state_dir;	/* NULL: the default */
	int json;
};

/* Print what waits in each folder of the stick, its recipient named
 * from the keyring where the key is known, then what is in rejected/,
 * each item with the reason and time this machine's journal recorded
 * for it, or none.  Nothing is decrypted; no secret key is needed. */
gpg_error_t mule_stick_list(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_list_opts *o);

#endif
