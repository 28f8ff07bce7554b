/* SPDX-License-Identifier: GPL-3.0-or-later */
/* export.h - a certificate to carry across the gap. */
#ifndef MULE_EXPORT_H
#define MULE_EXPORT_H

#include <gpgme.h>

#include "core/stream.h"

struct mule_gpg_opts;

/* FLAGS of mule_key_export: NAME is a full fingerprint checked already
 * (mule-stick's signer): it is exported as it is, without the two key
 * listings that find and check a name; the caller checks what comes. */
#define MULE_EXPORT_FPR 1

/* Write the minimal certificate (primary key, user IDs with their
 * newest self-signatures, subkeys with their bindings: no third-party
 * signatures) of the key NAME (NULL: the user's own) to WRITE(ARG),
 * armoured when GOPTS says so. */
gpg_error_t mule_key_export(const struct mule_gpg_opts *gopts,
    const char *name, unsigned flags, mule_write_fn write, void *arg);

#endif
