/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agent.h - gpg-agent, spoken to directly for what GPGME's OpenPGP
 * engine cannot do: destroy the secret part of one subkey, and tell
 * whether a secret key has a passphrase.
 *
 * GPGME 1.18 deletes whole keys (gpgme_op_delete_ext); gpg's --edit-key
 * delkey takes the public subkey too, and --delete-secret-keys FPR! is
 * not reachable through GPGME.  The agent's DELETE_KEY removes the one
 * file that holds a secret key.  Nor does GPGME say
 * whether a secret key has a passphrase: the agent's KEYINFO does.  GPGME reaches the agent
 * through its Assuan engine, which it knows only when gpgconf may tell it
 * where things are: a tool that needs it initialises GPGME with
 * MULE_GPG_AGENT (pgp/gpg.h).
 *
 * The socket is that of the agent of the GnuPG home in use, found as
 * GnuPG 2.2 finds it (common/homedir.c, _gnupg_socketdir_internal):
 *
 *   - the home: --homedir, else $GNUPGHOME, else ~/.gnupg; trailing
 *     slashes dropped, "~" and "~user" expanded, a relative name taken
 *     from the current directory (a final "/." dropped); symbolic links
 *     are not resolved, GnuPG compares these strings;
 *   - if /run/user/UID (else /var/run/user/UID) is a directory owned by
 *     the user, and its "gnupg" is a directory owned by the user with no
 *     rights for group and others, the sockets are there; for a home
 *     other than ~/.gnupg (compared as strings, both made absolute) in
 *     its subdirectory "d." + the z-base-32 form of the first 15 bytes of
 *     the SHA-1 of the home, which must pass the same checks;
 *   - otherwise in the home itself;
 *   - the socket is S.gpg-agent there.
 *
 * Where GnuPG would make a missing directory, we make none: the agent
 * made them when it started (listing secret keys starts it), and where
 * they are missing it fell back to the home.
 */
#ifndef MULE_AGENT_H
#define MULE_AGENT_H

#include <gpgme.h>

/* The absolute name of the GnuPG home HOMEDIR (NULL: $GNUPGHOME or
 * ~/.gnupg) as GnuPG makes it, in *HOME (malloc'ed); *NONDEFAULT says
 * whether it is other than ~/.gnupg. */
gpg_error_t mule_agent_home(const char *homedir, char **home,
    int *nondefault);

/* The socket of the gpg-agent of HOMEDIR, as above, in *PATH
 * (malloc'ed). */
gpg_error_t mule_agent_socket(const char *homedir, char **path);

/* An Assuan context of GPGME connected (at its first command) to SOCKET;
 * gpgme_release it. */
gpg_error_t mule_agent_ctx_new(gpgme_ctx_t *ctx, const char *socket);

/* Whether the secret key with keygrip GRIP in the agent of CTX (which
 * is at SOCKET) is protected by a passphrase: *PROTECTED 1 yes, 0 no (in
 * the clear), -1 the agent does not say.  GPG_ERR_NO_SECKEY (with a
 * message) when the agent has no such key. */
gpg_error_t mule_agent_key_protection(gpgme_ctx_t ctx, const char *socket,
    const char *grip, int *protected);

/* Destroy the secret key with keygrip GRIP (40 hex digits) in the agent
 * of CTX: DELETE_KEY --force.  The agent removes its file; where its
 * configuration forbids a silent deletion (no-allow-loopback-pinentry),
 * it asks through pinentry, and a refusal is an error.  Errors name
 * SOCKET. */
gpg_error_t mule_agent_delete_key(gpgme_ctx_t ctx, const char *socket,
    const char *grip);

#endif
