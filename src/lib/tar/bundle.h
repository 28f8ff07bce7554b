/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bundle.h - mule-bundle: files sealed as one OpenPGP message whose
 * plaintext is a pax tar stream; listed or extracted only once verified.
 */
#ifndef MULE_BUNDLE_H
#define MULE_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "pgp/open.h"
#include "pgp/seal.h"
#include "tar/read.h"
#include "tar/write.h"

struct mule_gpg_opts;

/* The documented default of --max-files. */
#define MULE_DEFAULT_MAX_FILES 1000000

struct mule_bundle_create_opts {
	struct mule_seal_opts seal;
	struct mule_tarout_opts tar;
	const char *output;	/* NULL: standard output */
	int force;
	int binary;
	uint64_t split;		/* part size, 0: one file */
};

/* Archive TAR and seal it to WRITE(ARG) (nothing is committed). */
gpg_error_t mule_bundle_seal(const struct mule_gpg_opts *gopts,
    const struct mule_seal_opts *seal, struct mule_tarout_opts *tar,
    mule_write_fn write, void *arg);

/* Archive, seal and write the bundle; the output (every part of it) is
 * made final only if everything succeeded. */
gpg_error_t mule_bundle_create(const struct mule_gpg_opts *gopts,
    struct mule_bundle_create_opts *opts);

struct mule_bundle_read_opts {
	struct mule_open_opts open;
	struct mule_tarin_opts tar;
	char *const *inputs;	/* a bundle, or its parts; none: stdin */
	size_t ninputs;
	int extract;		/* -x, else -t */
	const char *dir;	/* -x: where to */
	int overwrite;
	int verbose;		/* -tv */
	int quiet;
	const char *output;	/* -t: the listing, NULL: standard output */
	int force;
};

struct mule_bundle_result {
	struct mule_verdict verdict;
	struct mule_tarin_result tar;
};

struct mule_parts;

/* Decrypt and verify the bundle read from PARTS, handing its entries to H
 * as they come (H must keep them unreleased: only a 0 return says the
 * bundle was verified). */
gpg_error_t mule_bundle_stream(const struct mule_gpg_opts *gopts,
    const struct mule_open_opts *open, struct mule_parts *parts,
    const struct mule_tarin_opts *tar, const struct mule_tarin_handler *h,
    struct mule_verdict *v, struct mule_tarin_result *res);

/* Decrypt, verify and list or extract.  Nothing is printed (-t) and
 * nothing appears in DIR (-x) unless everything checked out. */
gpg_error_t mule_bundle_read(const struct mule_gpg_opts *gopts,
    const struct mule_bundle_read_opts *opts, struct mule_bundle_result *res);

#endif
