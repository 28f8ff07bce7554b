/* SPDX-License-Identifier: GPL-3.0-or-later */
/* usage.c - the subkeys peers seal to, remembered between runs. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.h"
#include "core/text.h"
#include "key/usage.h"

#define USAGE_FILE "subkeys-used"
/* Far more peers and subkeys than anyone has: a bound on a file that
 * anyone with the user's rights could have filled. */
#define USAGE_MAX 100000

/* Whether S is 40 upper-case hex digits. */
static int
is_fpr(const char *s)
{
	return mule_hex_field(s, 40, 1);
}

/* One line of the file into *U; 0 if it is not one. */
static int
parse_line(const char *line, struct mule_usage *u)
{
	char peer[64], subkey[64], end;
	unsigned long long when;

	if (sscanf(line, "%63s %63s %llu%c", peer, subkey, &when, &end) != 4
	    || end != '\n' || !is_fpr(peer) || !is_fpr(subkey))
		return 0;
	memcpy(u->peer, peer, 41);
	memcpy(u->subkey, subkey, 41);
	u->when = when;
	return 1;
}

static gpg_error_t
read_file(const char *path, struct mule_usage **r, size_t *n)
{
	struct mule_usage *all = NULL, *more, u;
	size_t cap = 0;
	char line[256];
	gpg_error_t err = 0;
	FILE *f;

	*r = NULL;
	*n = 0;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : gpg_error_from_syserror();
	while (!err && fgets(line, sizeof line, f)) {
		if (!parse_line(line, &u))
			continue;
		if (*n == USAGE_MAX)
			break;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if (!(more = realloc(all, cap * sizeof *all))) {
				err = gpg_error_from_syserror();
				break;
			}
			all = more;
		}
		all[(*n)++] = u;
	}
	if (!err && ferror(f))
		err = gpg_error_from_syserror();
	fclose(f);
	if (err) {
		free(all);
		*n = 0;
	} else
		*r = all;
	return err;
}

gpg_error_t
mule_usage_load(const char *dir, struct mule_usage **r, size_t *n)
{
	char *path = NULL;
	gpg_error_t err;

	if (asprintf(&path, "%s/" USAGE_FILE, dir) < 0)
		return gpg_error_from_syserror();
	err = read_file(path, r, n);
	if (err)
		mule_error_set(err, NULL, "%s: %s", path, gpg_strerror(err));
	free(path);
	return err;
}

uint64_t
mule_usage_last(const struct mule_usage *u, size_t n, const char *subkey)
{
	uint64_t last = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(u[i].subkey, subkey) && u[i].when > last)
			last = u[i].when;
	return last;
}

/* Write the N records at U to TMP, synced. */
static gpg_error_t
write_file(const char *tmp, const struct mule_usage *u, size_t n)
{
	gpg_error_t err = 0;
	size_t i;
	FILE *f;

	if (!(f = fopen(tmp, "wxe")))
		return gpg_error_from_syserror();
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s %" PRIu64 "\n", u[i].peer, u[i].subkey,
		    u[i].when);
	if (fflush(f) || fsync(fileno(f)) < 0)
		err = gpg_error_from_syserror();
	if (fclose(f) && !err)
		err = gpg_error_from_syserror();
	return err;
}

gpg_error_t
mule_usage_note(const char *dir, const char *peer, const char *subkey,
    uint64_t when)
{
	char *path = NULL, *lock = NULL, *tmp = NULL;
	struct mule_usage *u = NULL, *more;
	size_t n = 0, i;
	gpg_error_t err = 0;
	int lfd = -1;

	if (!is_fpr(peer) || !is_fpr(subkey))
		return gpg_error(GPG_ERR_INV_ARG);
	if (asprintf(&path, "%s/" USAGE_FILE, dir) < 0
	    || asprintf(&lock, "%s/" USAGE_FILE ".lock", dir) < 0
	    || asprintf(&tmp, "%s/." USAGE_FILE ".%ld", dir,
	    (long)getpid()) < 0) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	lfd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	if ((err = read_file(path, &u, &n)))
		goto leave;
	for (i = 0; i < n; i++)
		if (!strcmp(u[i].peer, peer) && !strcmp(u[i].subkey, subkey))
			break;
	if (i < n && u[i].when >= when)
		goto leave;		/* nothing new */
	if (i == n) {
		if (!(more = realloc(u, (n + 1) * sizeof *u))) {
			err = gpg_error_from_syserror();
			goto leave;
		}
		u = more;
		memcpy(u[n].peer, peer, 41);
		memcpy(u[n].subkey, subkey, 41);
		n++;
	}
	u[i].when = when;
	unlink(tmp);		/* a run killed before its rename */
	err = write_file(tmp, u, n);
	if (!err && rename(tmp, path) < 0)
		err = gpg_error_from_syserror();
leave:
	if (err)
		mule_error_set(err, NULL, "%s: %s", path ? path : dir,
		    gpg_strerror(err));
	if (tmp)
		unlink(tmp);	/* after a rename, nothing is there */
	if (lfd >= 0)
		close(lfd);
	free(u);
	free(path);
	free(lock);
	free(tmp);
	return err;
}
