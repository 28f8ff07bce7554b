/* SPDX-License-Identifier: GPL-3.0-or-later */
/* defkey.h - the default signing key, chosen once for every tool.
 *
 * Without -u, every mule tool signs with the key gpg calls its default:
 * of the default-key lines in gpg.conf, the last that names a secret key
 * able to sign (the first key the name finds), else the first secret key
 * in the keyring that can sign.  mule-seal, mule-sign and mule-bundle
 * leave the choice to gpg, which costs no key listing; mule-stick must
 * name the signer in an item's envelope before it signs, and chooses
 * here by gpg's rule (t-stick-small checks that it picks the key
 * mule-seal's gpg signs with, for each form of gpg.conf).
 */
#ifndef MULE_DEFKEY_H
#define MULE_DEFKEY_H

#include <gpgme.h>

/* Make the default signing key the one signer of CTX; its primary
 * fingerprint goes to FPR.  No such key is an operational error, with
 * HINT (what the tool offers instead). */
gpg_error_t mule_signer_default(gpgme_ctx_t ctx, const char *hint,
    char fpr[41]);

#endif
