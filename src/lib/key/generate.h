/* SPDX-License-Identifier: GPL-3.0-or-later */
/* generate.h - the user's own key: an Ed25519 primary key that signs and
 * certifies, and a Curve25519 subkey that encrypts and expires soon (so
 * that it can be replaced while the primary key stays). */
#ifndef MULE_GENERATE_H
#define MULE_GENERATE_H

#include <gpgme.h>

struct mule_gpg_opts;

#define MULE_SUBKEY_DAYS_DEFAULT 60

struct mule_generate_opts {
	const char *userid;		/* "Name <email>" */
	unsigned long expire_days;	/* the primary key's; 0: never */
	unsigned long subkey_days;	/* the encryption subkey's */
	int no_passphrase;		/* GPGME_CREATE_NOPASSWD */
	int force;			/* even if a key has USERID */
};

/* Refuse (a usage error, naming OPTION) DAYS from now if that is past
 * 2106, which gpg 2.2 cannot say: its expiry would wrap to the past. */
gpg_error_t mule_key_check_days(const char *option, unsigned long days);

/* Make the key in GOPTS's keyring; *KEY is the new key (unref it).  If
 * the subkey cannot be made, the primary key is deleted again.  A user
 * ID another key has already is a usage error unless O->force. */
gpg_error_t mule_key_generate(const struct mule_gpg_opts *gopts,
    const struct mule_generate_opts *o, gpgme_key_t *key);

#endif
