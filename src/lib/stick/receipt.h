/* SPDX-License-Identifier: GPL-3.0-or-later */
/* receipt.h - what a receipt says, and what its recipient learns.
 *
 * A receipt is an item of kind receipt (stick/envelope.h) that get
 * --receipts puts for each sender whose items it took in.  Its file
 * receipt.txt lists their IDs, one a line: exactly 32 lower-case hex
 * digits and a newline each, none twice, at least one and at most
 * MULE_RECEIPT_MAX_IDS.  Anything else is malformed, and a malformed
 * receipt acknowledges nothing.
 *
 * Taken in by get, a receipt from R addressed to my key K marks each ID
 * it lists as acknowledged in my sent record (stick/sent.h), only where
 * that record has the ID sent by K to R: an ID I never sent to R (a
 * receipt from someone who never had the item) is ignored and counted.
 */
#ifndef MULE_STICK_RECEIPT_H
#define MULE_STICK_RECEIPT_H

#include <stddef.h>
#include <gpg-error.h>

#define MULE_RECEIPT_NAME "receipt.txt"
#define MULE_RECEIPT_MAX_IDS 1000000

struct mule_envelope;

/* Check the LEN bytes at TEXT as receipt.txt; *COUNT gets the number of
 * IDs (ID K is at TEXT + 33 K).  A rejection (MULE_SOURCE_REJECT) whose
 * message says what is wrong, naming the line, for anything else. */
gpg_error_t mule_receipt_parse(const char *text, size_t len, size_t *count);

/* What taking in a receipt did. */
struct mule_receipt_result {
	size_t listed;		/* IDs in receipt.txt (0: malformed) */
	size_t acked;		/* newly acknowledged */
	size_t already;		/* acknowledged before */
	size_t unknown;		/* never sent by me to the receipt's signer */
	int malformed;		/* receipt.txt missing or malformed */
};

/* Take in the receipt ENV (checked: signed by its sender, addressed to
 * my key ME), just delivered into DIR/ENV->sender/LEAF: read its
 * receipt.txt there (by descriptor, following no symlink) and record in
 * the sent record of STATE_DIR (NULL: the default) what it
 * acknowledges (RES, if not NULL, says what).  A malformed receipt, or
 * IDs never sent to its signer, give a warning, not an error: the
 * receipt itself is authentic.  The warnings name the signer and ME as
 * SIGNER_SHOWN and ME_SHOWN (stick/names.h: mule_stick_person), or by
 * fingerprint where these are NULL.  Returns an operational error (the
 * sent record could not be read or written) or 0. */
gpg_error_t mule_receipt_take(const char *state_dir, const char *me,
    const struct mule_envelope *env, const char *dir, const char *leaf,
    const char *signer_shown, const char *me_shown,
    struct mule_receipt_result *res);

#endif
