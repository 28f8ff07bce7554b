/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state.c - mule's state directory. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/state.h"

static gpg_error_t
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			gpg_error_t err = gpg_error_from_syserror();

			*p = '/';
			return err;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return gpg_error_from_syserror();
	return 0;
}

gpg_error_t
mule_state_dir(char **dir)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	gpg_error_t err;
	int rc;

	if (state && *state == '/')
		rc = asprintf(dir, "%s/mule", state);
	else if (home && *home == '/')
		rc = asprintf(dir, "%s/.local/state/mule", home);
	else
		return mule_error_set(mule_fail_code(GPG_ERR_ENOENT),
		    "set XDG_STATE_HOME or HOME",
		    "no state directory: neither XDG_STATE_HOME nor HOME is set");
	if (rc < 0)
		return gpg_error_from_syserror();
	err = make_dirs(*dir);
	if (err) {
		mule_error_set(err, NULL, "%s: %s", *dir, gpg_strerror(err));
		free(*dir);
		*dir = NULL;
	}
	return err;
}
