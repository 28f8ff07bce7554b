/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyfile.h - a recipient's key file (-R), read once.
 *
 * The file is read into memory once and checked there: one public key
 * (not a secret key, not several keys, not something else), able to
 * encrypt.  gpg then reads a private copy of those very bytes, so that
 * the key sealed to is the key checked and named (the file may lie on a
 * stick that changes it between two reads).  Nothing is imported.
 */
#ifndef MULE_KEYFILE_H
#define MULE_KEYFILE_H

#include <stddef.h>
#include <gpgme.h>

struct mule_keyfile;

/* Read and check the key in FILE (with CTX, whose keyring is not
 * touched) into *KF.  Every refusal is an operational error (exit 2)
 * that names the file. */
gpg_error_t mule_keyfile_open(gpgme_ctx_t ctx, const char *file,
    struct mule_keyfile **kf);

/* The primary fingerprint of the key (40 upper-case hex digits). */
const char *mule_keyfile_fpr(const struct mule_keyfile *kf);

/* The file as the user named it, for messages. */
const char *mule_keyfile_name(const struct mule_keyfile *kf);

/* The private copy for GPGME's recipient string (a "--file" line): never
 * shown to the user. */
const char *mule_keyfile_copy(const struct mule_keyfile *kf);

/* Remove the copy and free KF.  NULL is fine. */
void mule_keyfile_free(struct mule_keyfile *kf);

/* Whether the LEN bytes at BUF hold a secret key, armoured or as secret
 * key packets (gpg-agent would write one to disk on an import). */
int mule_keyfile_holds_secret(const unsigned char *buf, size_t len);

#endif
