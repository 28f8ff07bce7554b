/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tar.c - what reading and writing tar streams share. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "tar/tar.h"

#define SHOWN_LIMIT 200		/* bytes of a name shown in a message */

gpg_error_t
mule_tar_refuse(gpg_err_code_t code, const char *name, const char *why)
{
	size_t len = strlen(name);
	char *shown = mule_escape(name, len > SHOWN_LIMIT ? SHOWN_LIMIT : len);
	gpg_error_t err;

	err = mule_reject(code, NULL, "entry '%s%s': %s", shown ? shown : "?",
	    len > SHOWN_LIMIT ? "..." : "", why);
	free(shown);
	return err;
}

/* A symlink must point inside the tree.  ".." may only lead the target:
 * those climb the link's own directories, which are real (nothing lies
 * below a symlink of the archive), and must not climb above the top; a
 * ".." after a name could climb out of another symlink ("d/x/.." with
 * d/x -> ..). */
gpg_error_t
mule_tar_check_symlink(const char *name, const char *target)
{
	const char *c = target, *p;
	long depth = 0;
	int named = 0;

	if (!target || !*target)
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a symlink without a target");
	if (*target == '/')
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a symlink to an absolute path");
	if (strlen(target) > MULE_TAR_PATH_LIMIT)
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a symlink target longer than 4095 bytes");
	for (p = name; *p; p++)
		depth += *p == '/';
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (named)
				return mule_tar_refuse(GPG_ERR_INV_NAME, name,
				    "a symlink with \"..\" after a name in "
				    "its target");
			if (--depth < 0)
				return mule_tar_refuse(GPG_ERR_INV_NAME, name,
				    "a symlink that points outside the "
				    "extraction directory");
		} else if (n && !(n == 1 && c[0] == '.'))
			named = 1;
		c += n;
		while (*c == '/')
			c++;
	}
	return 0;
}
