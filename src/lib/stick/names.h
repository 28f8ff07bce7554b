/* SPDX-License-Identifier: GPL-3.0-or-later */
/* names.h - the people behind the fingerprints in mule-stick's reports.
 *
 * A report names a key by its user ID beside its fingerprint:
 *
 *   "Alice <alice@example.org>" (7A46...262D)     in report lines
 *   "sender": "7A46...", "sender_name": "Alice <alice@example.org>"
 *                                                  in JSON (null: unknown)
 *
 * The user ID is the keyring's (of those neither revoked nor invalid,
 * the first of the highest validity), never one an item or the stick
 * claims, and it is untrusted text all the same: escaped for a terminal (core/text),
 * with a double quote as \x22 so that the quotes around it stay the
 * name's own.  The keyring is listed once, on the first name asked for.
 */
#ifndef MULE_STICK_NAMES_H
#define MULE_STICK_NAMES_H

#include <stdio.h>
#include <gpgme.h>

struct mule_gpg_opts;
struct mule_stick_names;

gpg_error_t mule_stick_names_new(struct mule_stick_names **n,
    const struct mule_gpg_opts *gopts);
void mule_stick_names_free(struct mule_stick_names *n);

/* Learn KEY's user ID from a key the caller has listed anyway (put's
 * recipients), so that naming it costs no gpg run. */
void mule_stick_names_learn(struct mule_stick_names *n, gpgme_key_t key);

/* The user ID of the key whose primary fingerprint is FPR, as raw bytes
 * from the keyring, or NULL when the keyring does not hold it (or could
 * not be listed: names are for people, never a reason to fail).  One
 * thread at a time (mule_parallel_lock in jobs). */
const char *mule_stick_name_of(struct mule_stick_names *n, const char *fpr);

/* FPR for a report line, malloc'ed: "\"USER ID\" (FPR)", or "FPR" alone
 * when the key is unknown; "anyone (hidden recipients)" for the shared
 * folder's name.  NULL only when out of memory. */
char *mule_stick_person(struct mule_stick_names *n, const char *fpr);

/* Write `, "KEY": "FPR", "KEY_name": "USER ID"` (null when unknown) to F:
 * the two JSON members that name a key. */
void mule_stick_json_person(FILE *f, struct mule_stick_names *n,
    const char *key, const char *fpr);

#endif
