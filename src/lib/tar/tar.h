/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tar.h - what reading and writing tar streams share: the manifest
 * entry's name, the limits both enforce, and how an entry is refused. */
#ifndef MULE_TAR_H
#define MULE_TAR_H

#include <gpg-error.h>

/* The last entry of a bundle: the SHA-256 of every file (manifest.h). */
#define MULE_TAR_MANIFEST "MULE-MANIFEST.sha256"

/* Deeper trees are refused (by mule-bundle -c too): removing one must
 * not need more descriptors than a process has. */
#define MULE_TAR_MAX_DEPTH 256

#define MULE_TAR_PATH_LIMIT 4095	/* bytes in a path (PATH_MAX - 1) */

/* Refuse symlink NAME -> TARGET unless it stays inside the tree: not
 * absolute, ".." only leading and never above the top. */
gpg_error_t mule_tar_check_symlink(const char *name, const char *target);

/* An error about entry NAME, escaped for the terminal. */
gpg_error_t mule_tar_refuse(gpg_err_code_t code, const char *name,
    const char *why);

#endif
