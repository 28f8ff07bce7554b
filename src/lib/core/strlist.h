/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strlist.h - a growing list of malloc'ed strings (fingerprints, file
 * names).  Needs nothing but libc, so that the manifest code and its fuzz
 * harness build without GPGME. */
#ifndef MULE_STRLIST_H
#define MULE_STRLIST_H

#include <stddef.h>
#include <gpg-error.h>

/* Append a copy of S to the string list *LIST / *N. */
gpg_error_t mule_strlist_add(char ***list, size_t *n, const char *s);

/* Free the N strings of LIST and LIST itself (NULL and 0 are fine). */
void mule_strlist_free(char **list, size_t n);

#endif
