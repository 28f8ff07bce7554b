/* SPDX-License-Identifier: GPL-3.0-or-later */
/* update.h - the sender's certificate, which rides every item (envelope
 * version 2): put adds it, get checks it and merges it into the
 * keyring, so that a new encryption subkey reaches peers without anyone
 * carrying a key file.
 *
 * The certificate is the entry MULE-CERT.pgp, right after the envelope:
 * the binary minimal export of the signing key (mule-key export
 * --binary), inside the signature and the encryption.  It is merged
 * only into a key the user accepted before, whose primary key signed
 * the item: never as a new key, never certified (get has nobody to ask
 * for the passphrase), and gpg's merge only adds, so that an old
 * certificate replayed takes nothing away.
 */
#ifndef MULE_STICK_UPDATE_H
#define MULE_STICK_UPDATE_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

struct mule_gpg_opts;

/* The largest certificate an item may carry.  Old subkeys stay in it
 * after each rotation; a key as mule-key makes it (Ed25519, Curve25519
 * subkeys) grows by about 190 bytes a subkey (300 once revoked), so
 * 64 KiB holds more than the 100 subkeys key/cert accepts at all (over
 * 16 years of rotations every 60 days), RSA-3072 subkeys too; and what
 * every item carries stays small. */
#define MULE_STICK_CERT_MAX (64 * 1024)

/* The minimal certificate of the key SENDER (a primary fingerprint) in
 * GOPTS's keyring, binary, into *CERT (release it), checked as get
 * checks it: a certificate that readers would refuse is an operational
 * error here (exit 2), so that no item is put that its recipient must
 * reject. */
gpg_error_t mule_stick_cert_export(const struct mule_gpg_opts *gopts,
    const char *sender, struct mule_membuf *cert);

/* Read the LEN bytes at CERT, from an item whose signature by the key
 * SENDER (a primary fingerprint) was accepted: one certificate, read by
 * key/cert's strict parser, as strong as mule-key import requires, no
 * photo ID, its primary key SENDER, and each of its subkeys bound by
 * that primary key alone.  A rejection (exit 1) otherwise. */
gpg_error_t mule_stick_cert_check(const void *cert, size_t len,
    const char *sender);

/* The certificates merged in one run of get. */
struct mule_stick_updates;

gpg_error_t mule_stick_updates_new(struct mule_stick_updates **u,
    const struct mule_gpg_opts *gopts);
void mule_stick_updates_free(struct mule_stick_updates *u);

/* NAMES learns the user ID of every sender U lists (under
 * mule_parallel_lock, as the report reads NAMES). */
struct mule_stick_names;
void mule_stick_updates_names(struct mule_stick_updates *u,
    struct mule_stick_names *names);

struct mule_stick_update_result {
	int merged;		/* gpg imported it (it may have been
				 * unchanged) */
	int new_subkeys, new_uids;
	int revoked;		/* the key is revoked now */
};

/* Merge CERT (LEN bytes, checked with mule_stick_cert_check) from SENDER
 * into the keyring, by the update rules of mule-key (key/accept), when
 * the keyring holds SENDER's key accepted, and the certificate may
 * bring something new: not when it is the keyring's own minimal export
 * of the key, or one merged before in this run.  Safe to call from the
 * jobs of mule_parallel_run (one merge at a time).  A rejection (exit 1)
 * when gpg drops a part of it (a binding that does not verify) or the
 * update rules refuse it (a new user ID that names another accepted
 * key's person, a subkey of another key); other errors are operational. */
gpg_error_t mule_stick_update(struct mule_stick_updates *u, const char *sender,
    const void *cert, size_t len, struct mule_stick_update_result *res);

#endif
