/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hold.h - plaintext held back until it is verified.
 *
 * Data is kept in memory up to a threshold; beyond it, it goes to an
 * unlinked temporary file, encrypted and authenticated in chunks with
 * AES-256-GCM under a random key that exists only in this process's secure
 * memory.  So there is no size limit, memory stays flat, and no plaintext
 * reaches the disk in the clear.  The spool is gone when the hold is freed
 * or the process dies.
 */
#ifndef MULE_HOLD_H
#define MULE_HOLD_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_hold;

/* The in-memory threshold; the environment variable
 * MULE_TEST_HOLD_THRESHOLD (bytes) lowers it so tests reach the spool. */
size_t mule_hold_threshold(void);

gpg_error_t mule_hold_new(struct mule_hold **hold);

/* Append N bytes.  Suitable as a mule_sink function. */
gpg_error_t mule_hold_write(void *hold, const void *buf, size_t n);

/* Append everything read from FD (to its end). */
gpg_error_t mule_hold_from_fd(struct mule_hold *hold, int fd);

/* Switch from writing to reading, from the start. */
gpg_error_t mule_hold_rewind(struct mule_hold *hold);

/* Read up to N bytes into BUF; *GOT is 0 at the end.  Fails with
 * GPG_ERR_CHECKSUM if the spool was modified behind our back.  A
 * mule_read_fn. */
gpg_error_t mule_hold_read(void *hold, void *buf, size_t n, size_t *got);

/* Copy everything held to FD (rewinds first). */
gpg_error_t mule_hold_copy_to_fd(struct mule_hold *hold, int fd);

/* Set *BINARY if the data holds control bytes other than white space
 * (NUL, ESC, ...): not for a terminal.  Reads everything once. */
gpg_error_t mule_hold_scan_binary(struct mule_hold *hold, int *binary);

/* Total bytes written so far. */
uint64_t mule_hold_size(const struct mule_hold *hold);

/* Whether the data went beyond memory into the spool file. */
int mule_hold_spooled(const struct mule_hold *hold);

/* Wipe and free HOLD.  NULL is fine. */
void mule_hold_free(struct mule_hold *hold);

#endif
