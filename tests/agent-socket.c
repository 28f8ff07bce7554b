/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agent-socket - print the gpg-agent socket mule finds for a GnuPG home
 * (key/agent.h), for t-key-rotate.sh to compare with gpgconf.
 *
 *   agent-socket [HOMEDIR]      (none: $GNUPGHOME or ~/.gnupg)
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/secret.h"
#include "key/agent.h"

int
main(int argc, char **argv)
{
	char *path = NULL;
	gpg_error_t err;

	mule_set_progname(argv[0]);
	if (argc > 2) {
		fputs("usage: agent-socket [HOMEDIR]\n", stderr);
		return 2;
	}
	err = mule_secret_init();
	if (!err)
		err = mule_agent_socket(argc > 1 ? argv[1] : NULL, &path);
	if (err)
		mule_fail(err, NULL);
	puts(path);
	free(path);
	return 0;
}
