/* SPDX-License-Identifier: GPL-3.0-or-later */
/* clearsig.h - the structure of a clear-signed message, checked strictly.
 *
 * gpg ignores text before and after a clear-signed block and says "good
 * signature"; a script that then uses the whole file uses unsigned text.
 * This reader passes the input through unchanged while checking that it
 * is exactly one clear-signed block: blank lines, the BEGIN line, "Hash:"
 * headers, the dash-escaped text, one signature block, blank lines.
 */
#ifndef MULE_CLEARSIG_H
#define MULE_CLEARSIG_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

struct mule_clearsig;

/* Whether the N bytes at BUF begin, after blank lines, with the BEGIN
 * line of a clear-signed message. */
int mule_clearsig_detect(const unsigned char *buf, size_t n);

gpg_error_t mule_clearsig_new(struct mule_clearsig **c, struct mule_source *src);

/* A mule_read_fn: the input, unchanged; a rejection where its structure
 * is wrong (also at the end, if the signature block is missing). */
gpg_error_t mule_clearsig_read(void *c, void *buf, size_t n, size_t *got);

/* The algorithm named in the one "Hash:" header ("" if there was none),
 * to be compared with the signature's: a header that misstates it is a
 * known way to mislead (CVE-2019-11841). */
const char *mule_clearsig_hash(const struct mule_clearsig *c);

void mule_clearsig_free(struct mule_clearsig *c);

#endif
