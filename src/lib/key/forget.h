/* SPDX-License-Identifier: GPL-3.0-or-later */
/* forget.h - --forget-passphrase: the passphrases a run leaves cached in
 * gpg-agent, cleared however the run ends.
 *
 * gpg-agent keeps a key's passphrase for default-cache-ttl (10 minutes)
 * after each use, and for any program of the user to use meanwhile.  With
 * --forget-passphrase a run clears from the agent exactly the keys it
 * unlocked: those whose passphrase the agent holds at the end of the run
 * and did not hold at its start (KEYINFO --list; its "cached" field), by
 * CLEAR_PASSPHRASE --mode=normal KEYGRIP.  A key the agent held before
 * stays held: another run put it there, and may count on it.
 *
 * Exit paths: mule_forget_finish on the tool's own way out (success,
 * rejection, operational error: cli.c), at exit() as a backstop, and from
 * the handler of a fatal signal (core/cleanup.h) with the same
 * async-signal-safe code (key/assuan.h), a connection of its own per
 * command, so that it never meets the main path in the middle of one.
 *
 * What it cannot do: a key another program unlocked during the run,
 * not held at its start, is cleared too (forgetting more, never less);
 * after a signal, a gpg still running may finish unlocking after the
 * handler cleared; SIGKILL runs nothing.
 */
#ifndef MULE_FORGET_H
#define MULE_FORGET_H

#include <gpg-error.h>

/* Note which passphrases the agent of HOMEDIR (NULL: $GNUPGHOME or
 * ~/.gnupg) holds now, and arm the exit paths.  No agent running is no
 * passphrase held.  Call once, before any key is used; errors (the
 * agent does not answer) have a message. */
gpg_error_t mule_forget_start(const char *homedir);

/* Clear what the run added, with the fatal signals held off meanwhile,
 * and disarm.  Nothing if not started.  Errors name the key and the
 * agent: a passphrase that is still held, an agent that did not answer. */
gpg_error_t mule_forget_finish(void);

#endif
