/* SPDX-License-Identifier: GPL-3.0-or-later */
/* accept.h - a peer's key into the user's keyring, after an active
 * comparison of its fingerprint.
 *
 * A key not accepted yet is taken only when the person typed the words
 * (or the fingerprint) that mule-key fingerprint shows on the machine the
 * key came from, or a script gave them with --fingerprint.  It is then
 * imported in its minimal form and certified locally by the user's key in
 * one step: never imported without the certification.  An update of a key
 * already accepted (new subkeys, expiry, user IDs, a revocation) needs no
 * comparison: every part of it is bound by a valid self-signature of that
 * key (key/inspect checked it), so only its owner could have made it.
 */
#ifndef MULE_ACCEPT_H
#define MULE_ACCEPT_H

#include <gpgme.h>

#include "key/inspect.h"

struct mule_gpg_opts;

/* Ask the person to type what the other machine shows for C; ATTEMPT
 * counts from 0 (after a malformed answer, 1 and up).  Store the answer
 * in *TYPED (malloc'ed).  An error stops the import. */
typedef gpg_error_t (*mule_ask_fn)(void *arg, const struct mule_candidate *c,
    int attempt, char **typed);

struct mule_accept_opts {
	const char *fingerprint;	/* --fingerprint WORDS|FPR, or NULL */
	const char *mine;		/* -u: the key that certifies, or NULL */
	mule_ask_fn ask;		/* NULL: nobody to ask */
	void *ask_arg;
};

struct mule_accept_report {
	char fpr[41];
	int update;		/* the key was accepted before */
	int new_uids;		/* user IDs, subkeys not there before */
	int new_subkeys;
	int revoked;		/* the key is revoked (now) */
	int newly_revoked;
	int mine_not_ultimate;	/* the certification makes nothing valid */
	char mine_fpr[41];	/* ... the key that certified */
	gpgme_subkey_t encrypt;	/* the encryption subkey, or NULL */
	gpgme_key_t key;	/* the key as the keyring has it now */
};

/* Accept C into GOPTS's keyring as O says; fill R (release it with
 * mule_accept_report_release).  A mismatch is a rejection (exit 1), and so
 * is a new user ID that is another key's; no way to confirm, or a
 * certification that fails (no passphrase), is exit 2.  On any error
 * nothing new is left in the keyring. */
gpg_error_t mule_accept(const struct mule_gpg_opts *gopts,
    const struct mule_accept_opts *o, struct mule_candidate *c,
    struct mule_accept_report *r);

/* Merge C into the key of the keyring with the same primary key, if
 * that key is accepted (else R->update stays 0 and nothing changes),
 * by the update rules of mule_accept, but without a comparison and
 * without asking anyone for anything: for a certificate that came
 * authenticated by the key itself (inside a mule-stick item it signed),
 * in a run that may have nobody to ask (cron).  New user IDs are merged
 * but not certified (that needs the user's passphrase): mule_accept of
 * the key's export certifies them.  Rejections as mule_accept's. */
gpg_error_t mule_accept_update(const struct mule_gpg_opts *gopts,
    struct mule_candidate *c, struct mule_accept_report *r);

void mule_accept_report_release(struct mule_accept_report *r);

#endif
