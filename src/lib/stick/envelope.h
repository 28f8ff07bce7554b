/* SPDX-License-Identifier: GPL-3.0-or-later */
/* envelope.h - what a mule-stick item says about itself.
 *
 * The envelope is the first entry of the item's archive, inside the
 * signature and the encryption:
 *
 *   mule-envelope: 2              the version: 1 or 2 (writers: 2)
 *   id: <32 lower-case hex>
 *   kind: message|files|receipt
 *   sender: <40 upper-case hex: the signing key's primary fingerprint>
 *   cert: MULE-CERT.pgp           version 2 only, and there required:
 *                                 the second entry is the sender's
 *                                 certificate (stick/update.h)
 *   recipient: <FPR> <SEQ>        one line per recipient, never two
 *                                 for one key
 *   created: <seconds since 1970>
 *
 * A version above 2 is refused as a newer format: a reader that does
 * not know a version cannot tell its entries from the user's.
 *
 * No field is ever used as a path as it is: readers use the checked
 * forms (hex, digits) only.
 */
#ifndef MULE_ENVELOPE_H
#define MULE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#define MULE_ENVELOPE_NAME "MULE-ENVELOPE"
#define MULE_ENVELOPE_MAX_RECIPIENTS 64
#define MULE_ENVELOPE_MAX_SIZE 8192
/* The version writers write, and the highest readers read. */
#define MULE_ENVELOPE_VERSION 2
/* The entry that holds the sender's certificate (version 2). */
#define MULE_ENVELOPE_CERT_NAME "MULE-CERT.pgp"

enum mule_item_kind { MULE_ITEM_MESSAGE, MULE_ITEM_FILES, MULE_ITEM_RECEIPT };

struct mule_envelope {
	int version;		/* 1, or 2: the certificate follows */
	char id[33];
	enum mule_item_kind kind;
	char sender[41];
	struct {
		char fpr[41];
		uint64_t seq;
	} recipients[MULE_ENVELOPE_MAX_RECIPIENTS];
	size_t nrecipients;
	int64_t created;
};

const char *mule_item_kind_name(enum mule_item_kind kind);

/* A fresh random item ID. */
void mule_envelope_new_id(char id[33]);

/* The envelope as text (malloc'ed), of ENV->version (with the cert
 * line from version 2). */
gpg_error_t mule_envelope_format(const struct mule_envelope *env,
    char **text, size_t *len);

/* Parse TEXT strictly: every field once (recipients at least once), in
 * the forms above, the cert line in version 2 and only there; anything
 * else is a rejection, a version above MULE_ENVELOPE_VERSION one that
 * says so. */
gpg_error_t mule_envelope_parse(const char *text, size_t len,
    struct mule_envelope *env);

/* The sequence number ENV gives recipient FPR, or 0 if FPR is not one. */
uint64_t mule_envelope_seq_for(const struct mule_envelope *env,
    const char *fpr);

/* Which of my keys ENV names as a recipient: FOLDER_FPR for an item in
 * that key's folder, or, with FOLDER_FPR NULL (hidden recipients), the
 * first of the NMINE keys MINE that it names.  NULL if none: the item is
 * not for me.  The result points into FOLDER_FPR or MINE. */
const char *mule_envelope_addressee(const struct mule_envelope *env,
    const char *folder_fpr, char (*mine)[41], size_t nmine);

/* The name of the directory an item is delivered into, below the
 * sender's: CREATED-ID, made of checked digits and hex only. */
#define MULE_ENVELOPE_LEAF_MAX 64
void mule_envelope_leaf(const struct mule_envelope *env,
    char leaf[MULE_ENVELOPE_LEAF_MAX]);

#endif
