/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ask.h - asking the person at the terminal to type what the other
 * machine shows.
 *
 * The fingerprint of the key being imported is not shown before the
 * answer: a person shown the words would type them from this screen, and
 * the comparison would be a click-through.
 */
#ifndef MULE_ASK_H
#define MULE_ASK_H

#include <gpg-error.h>

struct mule_candidate;
struct mule_tty;

/* Open the controlling terminal when standard error is one: a person is
 * there.  *T is NULL (not an error) when there is none. */
gpg_error_t mule_tty_open(struct mule_tty **t);
void mule_tty_close(struct mule_tty *t);

/* A mule_ask_fn (key/accept.h); ARG is a struct mule_tty. */
gpg_error_t mule_ask_fingerprint(void *arg, const struct mule_candidate *c,
    int attempt, char **typed);

#endif
