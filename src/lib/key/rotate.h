/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rotate.h - a new encryption subkey for the user's key, at half-life.
 *
 * The encryption subkey lives for --subkey-days (60 by default) and is
 * replaced when half of that has passed, the rotation period: peers
 * then have a valid subkey of ours for another rotation period while
 * the new certificate travels to them, and gpg seals to the newest
 * valid encryption subkey as soon as they have it.  The subkey replaced
 * keeps its secret until mule-key prune (key/prune.h) destroys it.
 */
#ifndef MULE_ROTATE_H
#define MULE_ROTATE_H

#include <time.h>
#include <gpgme.h>

struct mule_gpg_opts;

struct mule_rotate_opts {
	const char *mine;		/* -u: the user's key, or NULL */
	unsigned long subkey_days;	/* the new subkey's lifetime */
	int force;			/* rotate before half-life too */
	time_t now;
};

enum mule_rotate_why {
	MULE_ROTATE_NOT_DUE,	/* nothing done: before half-life */
	MULE_ROTATE_DUE,	/* the current subkey is past half-life */
	MULE_ROTATE_FORCED,	/* before half-life, with --force */
	MULE_ROTATE_NO_EXPIRY,	/* the current subkey never expires */
	MULE_ROTATE_NONE	/* no valid encryption subkey at all */
};

struct mule_rotate_report {
	char key[41];			/* the user's key */
	enum mule_rotate_why why;
	char old[41];			/* the current subkey before, or "" */
	long old_created, old_expires;	/* (expires 0: never) */
	long due;			/* its half-life (0: none) */
	char new_fpr[41];		/* the new subkey, or "" */
	long new_expires;
	int no_passphrase;		/* neither has it, nor the key */
};

/* The rotation period of a subkey living DAYS days: half of it, at
 * least one day. */
unsigned long mule_rotation_days(unsigned long days);

/* Add a Curve25519 encryption subkey of O->subkey_days days to the
 * user's key in GOPTS's keyring, under the keyring lock, if it is due
 * (or O->force); say in R what was done and why.  The key's passphrase
 * comes from GOPTS or the agent's pinentry; without it nothing changes
 * (exit 2, saying how to give it).  The new subkey has a passphrase (the
 * same) if the primary key has one.  GPGME must have been initialised
 * with MULE_GPG_AGENT (pgp/gpg.h). */
gpg_error_t mule_key_rotate(const struct mule_gpg_opts *gopts,
    const struct mule_rotate_opts *o, struct mule_rotate_report *r);

#endif
