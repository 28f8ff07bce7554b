/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.h - what mule-key shows about keys: a fingerprint to compare, and
 * the user's key and peers at a glance. */
#ifndef MULE_LIST_H
#define MULE_LIST_H

#include <stdio.h>
#include <time.h>
#include <gpg-error.h>

struct mule_gpg_opts;

/* A peer's encryption subkey that expires within this is flagged. */
#define MULE_EXPIRES_SOON (14 * 86400L)

/* Print to F what a person compares: the user IDs, the fingerprint in
 * ten groups of four, its words, and its OPENPGP4FPR: URI.  WHAT is a
 * key file (KEYFILE, or "-" for standard input: the fingerprint computed
 * from its key packet), or the name of a key in the keyring, or NULL
 * for the user's own. */
gpg_error_t mule_key_fingerprint(const struct mule_gpg_opts *gopts,
    const char *what, size_t max, FILE *f);

/* The fingerprint card of FPR for user IDS (NUIDS of them, escaped). */
void mule_key_print_card(FILE *f, const char *fpr, char *const *uids,
    size_t nuids);

/* WHEN (seconds since 1970) as a day, YYYY-MM-DD in UTC ("?" if it
 * cannot be said), in OUT. */
#define MULE_KEY_DAY_SIZE 11
void mule_key_day(char out[MULE_KEY_DAY_SIZE], long when);

/* One line per key of the keyring to F (or, with JSON, one array), as of
 * NOW. */
gpg_error_t mule_key_list(const struct mule_gpg_opts *gopts, int json,
    time_t now, FILE *f);

#endif
