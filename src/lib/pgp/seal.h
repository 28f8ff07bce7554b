/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seal.h - sign and encrypt (mule-seal, and the tools built on it). */
#ifndef MULE_SEAL_H
#define MULE_SEAL_H

#include <stddef.h>
#include <gpgme.h>

#include "pgp/data.h"

struct mule_gpg_opts;
struct mule_keyfile;

struct mule_seal_opts {
	const char *const *recipients;	/* -r: fingerprint, key ID or user ID */
	size_t nrecipients;
	const char *const *recipient_files;	/* -R: key files */
	size_t nrecipient_files;
	struct mule_keyfile *const *keyfiles;	/* key files read already
					 * (pgp/keyfile.h), beside those */
	size_t nkeyfiles;
	const char *signer;		/* -u, NULL: gpg's default key
					 * (pgp/defkey.h) */
	int no_sign;
	int symmetric;
	int hide_recipients;
	int compress;			/* -1: decide from a sample, 0, 1 */
	int offers_no_sign;		/* the tool has --no-sign (hints) */
	int offers_symmetric;		/* ... and -c */
	gpgme_ctx_t ctx;		/* reuse this context (its signer set
					 * already), or NULL: a new one */
};

/* Seal what is read from IN_FD, writing the message to WRITE(ARG) (an
 * output is committed by the caller).  Every key problem is an
 * operational error (exit 2). */
gpg_error_t mule_seal(const struct mule_gpg_opts *gopts,
    const struct mule_seal_opts *opts, int in_fd, mule_write_fn write,
    void *arg);

#endif
