/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state.h - where mule keeps what it must remember between runs: the
 * stick journal and sequence numbers, and which subkeys peers seal to. */
#ifndef MULE_STATE_H
#define MULE_STATE_H

#include <gpg-error.h>

/* The directory of mule's state ($XDG_STATE_HOME/mule, or
 * ~/.local/state/mule), made if missing (mode 0700); *DIR is malloced. */
gpg_error_t mule_state_dir(char **dir);

#endif
