/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prune.h - destroy the secrets of the user's retired encryption
 * subkeys, once nothing that may still arrive needs them.
 *
 * Retired: an encryption subkey of the user's key other than the
 * current one (the newest valid one, which gpg seals to): superseded,
 * expired or revoked.  Never the primary key, never a subkey that can
 * sign, certify or authenticate, never the current subkey, never key
 * material (a keygrip) that a key or subkey kept also has, never a
 * subkey on a smartcard.  Only the secret part goes: the public subkey
 * stays, so that old signatures and peers' copies still check.
 *
 * Each retired subkey is judged alone:
 *   - it waits (kept, said, not an error) for the grace period after it
 *     stopped being the current subkey (when the next one was made, or
 *     it expired): peers without the update seal to it meanwhile, and
 *     what they seal takes time to arrive;
 *   - after that, it is held (kept, exit 2) while a message sealed to it
 *     arrived within the grace period (key/usage.h: mule-stick get notes
 *     every item), or while a peer of that record has, as the newest of
 *     the user's subkeys it sealed to, this one: that peer has sent
 *     nothing sealed to a newer subkey yet, and may not have the update;
 *   - the others are destroyed.
 * Waiting is the steady state (each rotation starts one), so it is no
 * error for a prune run from cron; a hold is news.  --force destroys the
 * waiting and held ones too.
 */
#ifndef MULE_PRUNE_H
#define MULE_PRUNE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <gpgme.h>

struct mule_gpg_opts;

struct mule_prune_opts {
	const char *mine;	/* -u: the user's key, or NULL */
	long grace_days;	/* -1: one rotation period of the current
				 * subkey (key/rotate.h) */
	int force;		/* destroy the held ones too */
	const char *state_dir;	/* where subkeys-used is */
	time_t now;
};

enum mule_prune_hold {
	MULE_HOLD_NONE,
	MULE_HOLD_CURRENT,	/* waits: it was the current subkey lately */
	MULE_HOLD_ARRIVED,	/* held: a message sealed to it arrived lately */
	MULE_HOLD_PEER,		/* held: a peer still seals to it */
	MULE_HOLD_SHARED	/* kept: its key material is also a kept
				 * key's (even --force keeps it) */
};

struct mule_prune_subkey {
	char fpr[41];
	char grip[41];
	long created, expires;	/* expires 0: never */
	int expired, revoked;
	enum mule_prune_hold hold;	/* (with --force: what it overrode) */
	uint64_t when;		/* ARRIVED, CURRENT: until when it was used */
	char peer[41];		/* PEER: the peer's fingerprint */
	char *peer_uid;		/* and its user ID, escaped, or NULL */
	int destroyed;
	int kept;		/* it waits or was held (not --force), or
				 * SHARED */
};

struct mule_prune_report {
	char key[41];		/* the user's key */
	char current[41];	/* its current encryption subkey */
	unsigned long grace_days;
	struct mule_prune_subkey *subkeys;	/* retired, secret here */
	size_t n;
	size_t ndestroyed;
	size_t nheld;		/* kept, ARRIVED or PEER: the error */
	int held_error;		/* the error names the first of those */
	char *socket;		/* the agent spoken to, or NULL */
	int old_secring;	/* the home has a GnuPG 1 secring.gpg */
};

/* Destroy, in the keyring of GOPTS, the secrets of the retired
 * encryption subkeys of the user's key that the rules above let go (all
 * but SHARED ones with O->force), and say in R which ones, and why the
 * others stay.  Then check with gpg that exactly those secrets are gone.
 * An error (exit 2) when one was held (its message names the first,
 * after the free ones were destroyed), when there is no current subkey
 * to keep (nothing is destroyed then), or when the agent failed.  GPGME
 * must have been initialised with MULE_GPG_AGENT (pgp/gpg.h).  Free R
 * with mule_prune_report_release. */
gpg_error_t mule_key_prune(const struct mule_gpg_opts *gopts,
    const struct mule_prune_opts *o, struct mule_prune_report *r);

/* Why S stays (or stayed, but for --force), in words, in BUF of N
 * bytes, for a grace period of GRACE days. */
void mule_prune_reason(const struct mule_prune_subkey *s,
    unsigned long grace, char *buf, size_t n);

void mule_prune_report_release(struct mule_prune_report *r);

#endif
