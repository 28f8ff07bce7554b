/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect.h - a certificate from across the gap, looked at before any of
 * it reaches the user's keyring.
 *
 * We read the file ourselves (key/cert: one certificate, version 4, no
 * secret parts, no weak algorithms or self-signature hashes), then let gpg
 * import it into a throwaway home and compare: gpg silently drops a user
 * ID or subkey whose self-signature does not verify, and a file that
 * carries such a part was changed by someone other than the key's owner.
 */
#ifndef MULE_INSPECT_H
#define MULE_INSPECT_H

#include <stddef.h>
#include <gpgme.h>

#include "core/stream.h"

struct mule_cert;
struct mule_keyhome;

/* The largest certificate file read by default (--max-size). */
#define MULE_CERT_MAX_DEFAULT (1024 * 1024)

/* Read the certificate file on FD (NAME for messages), at most MAX bytes,
 * into *BIN as binary packets: armour ("PGP PUBLIC KEY BLOCK", alone in
 * the file) is decoded, binary packets are taken as they are.  Parse it
 * into *CERT and refuse weak cryptography and photo IDs.  Rejections
 * (exit 1) for everything the file may be instead. */
gpg_error_t mule_certfile_read(int fd, const char *name, size_t max,
    struct mule_membuf *bin, struct mule_cert **cert);

struct mule_candidate {
	struct mule_cert *cert;		/* our reading of the file */
	struct mule_keyhome *home;	/* where gpg read it */
	gpgme_key_t key;		/* what gpg made of it there */
	gpgme_data_t minimal;		/* its minimal export from there */
	const char *name;		/* the file, for messages */
};

/* Read the certificate on FD (see mule_certfile_read) and inspect it in
 * a throwaway home.  Rejections (exit 1) for a file where gpg dropped a
 * part. */
gpg_error_t mule_candidate_new(struct mule_candidate **c, int fd,
    const char *name, size_t max);

/* The same for the LEN bytes at BUF, a binary certificate (NAME: where
 * it came from, for messages; kept in *C), already read into memory. */
gpg_error_t mule_candidate_new_mem(struct mule_candidate **c,
    const void *buf, size_t len, const char *name);

void mule_candidate_free(struct mule_candidate *c);

#endif
