/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpg.h - GPGME set-up: one place decides how we talk to gpg. */
#ifndef MULE_GPG_H
#define MULE_GPG_H

#include <gpgme.h>

struct mule_passphrase;

struct mule_progress;

struct mule_gpg_opts {
	const char *homedir;			/* NULL: GNUPGHOME or ~/.gnupg */
	struct mule_passphrase *pass;	/* non-NULL: loopback pinentry */
	int armor;
	struct mule_progress *progress;	/* counts the input read; or NULL */
};

/* FLAGS of mule_gpg_init: the tool talks to gpg-agent itself (key/agent.h).
 * GPGME knows its Assuan engine only from gpgconf, which costs two more
 * processes a run and is otherwise left out. */
#define MULE_GPG_AGENT 1

/* Initialise GPGME once: no gpgconf (unless FLAGS has MULE_GPG_AGENT) or
 * dirmngr, OpenPGP engine >= 2.2.  HOMEDIR (--homedir, or NULL) becomes
 * the home of the whole process, as GNUPGHOME: contexts with that home
 * then cost no gpg --version run each. */
gpg_error_t mule_gpg_init(unsigned flags, const char *homedir);

/* Create a context for OpenPGP with the options in O (which must outlive
 * the context: the passphrase is read from it on demand).  Offline, no
 * key retrieval, no passphrase caching of symmetric keys. */
gpg_error_t mule_gpg_ctx_new(gpgme_ctx_t *ctx, const struct mule_gpg_opts *o);

#endif
