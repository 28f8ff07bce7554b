/* SPDX-License-Identifier: GPL-3.0-or-later */
/* secret.h - libgcrypt set-up, secure memory and passphrases.
 *
 * Passphrases are read once, into libgcrypt's locked secure memory, and
 * wiped by mule_passphrase_free on every path.
 */
#ifndef MULE_SECRET_H
#define MULE_SECRET_H

#include <stddef.h>
#include <gpg-error.h>

/* Initialise libgcrypt with a secure memory pool.  Call once, early. */
gpg_error_t mule_secret_init(void);

/* N random bytes (a nonce: unpredictable, not a key; N at most 32) as 2N
 * hex digits and a NUL in OUT, for names no other process can guess. */
void mule_random_hex(char *out, size_t n);

/* Overwrite N bytes at P in a way the compiler cannot drop. */
void mule_wipe(void *p, size_t n);

struct mule_passphrase;

/* Read a passphrase: the first line of FILE, or of file descriptor FD when
 * FILE is NULL.  The trailing newline is removed.  On success *PASS owns
 * secure memory; free it with mule_passphrase_free. */
gpg_error_t mule_passphrase_read(struct mule_passphrase **pass,
    const char *file, int fd);

/* The passphrase itself (NUL-terminated, in secure memory). */
const char *mule_passphrase_get(const struct mule_passphrase *pass);

/* Wipe and free PASS.  NULL is fine. */
void mule_passphrase_free(struct mule_passphrase *pass);

#endif
