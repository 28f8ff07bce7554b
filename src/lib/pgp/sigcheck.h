/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sigcheck.h - verify signed data (mule-verify), with the one policy. */
#ifndef MULE_SIGCHECK_H
#define MULE_SIGCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <gpgme.h>

#include "pgp/manifest.h"
#include "pgp/policy.h"

struct mule_gpg_opts;
struct mule_output;

struct mule_check_opts {
	struct mule_signer_opts accept;	/* who counts as a signer */
	int text_ok;		/* --text: accept text-mode signatures on files */
	uint64_t max_size;	/* signed content larger than this is refused */
};

/* A clear-signed or inline-signed message from IN_FD: verify, then write
 * the signed content to OUT and commit it only if accepted. */
gpg_error_t mule_check_signed(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *opts, int in_fd, struct mule_output *out,
    struct mule_verdict *v);

/* A detached signature read from SIG_FD over the data read from DATA_FD. */
gpg_error_t mule_check_detached(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *opts, int sig_fd, int data_fd,
    struct mule_verdict *v);

/* The clear-signed manifest read from MANIFEST_FD, then every file it
 * lists under DIR (leaving out EX when listing unlisted files).  Files
 * that do not match are in REPORT; the caller decides what fails. */
gpg_error_t mule_check_manifest(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *opts, int manifest_fd, const char *dir,
    const struct mule_manifest_exclude *ex, struct mule_verdict *v,
    struct mule_manifest_report *report);

#endif
