/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data.h - GPGME data objects over our own readers and writers.
 *
 * Going through callbacks lets us see every byte: we count it (the
 * --max-size limit is enforced while gpg is still decrypting), we keep
 * the first error of our own side (so a full disk is not reported as a
 * bad message), and we serve a sample read ahead of time.
 */
#ifndef MULE_DATA_H
#define MULE_DATA_H

#include <gpgme.h>

#include "core/stream.h"

/* Wrap SRC or SINK (which must outlive the data object). */
gpg_error_t mule_data_from_source(gpgme_data_t *dh, struct mule_source *src);
gpg_error_t mule_data_to_sink(gpgme_data_t *dh, struct mule_sink *sink);

/* The error of our own side of an operation, if there was one (the
 * sink went over its limit, a read or write failed), else 0.  Check it
 * before explaining gpg's error: gpg only saw a broken pipe. */
gpg_error_t mule_data_own_error(const struct mule_source *src,
    const struct mule_sink *sink);

#endif
