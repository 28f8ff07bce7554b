/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd.c - plain descriptor helpers: whole writes, inputs, directory
 * fsync, moves that never replace. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/testhook.h"

gpg_error_t
mule_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return gpg_error_from_syserror();
		p += w;
		n -= w;
	}
	return 0;
}

gpg_error_t
mule_fd_read_whole(int fd, off_t max, char **buf, size_t *len)
{
	struct stat st;
	gpg_error_t err;
	ssize_t got;
	size_t n;
	char *b;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0)
		return gpg_error_from_syserror();
	if (!S_ISREG(st.st_mode))
		return gpg_error(GPG_ERR_EFTYPE);
	if (st.st_size > max)
		return gpg_error(GPG_ERR_TOO_LARGE);
	if (!(b = malloc((size_t)st.st_size + 1)))
		return gpg_error_from_syserror();
	for (n = 0; n < (size_t)st.st_size; n += (size_t)got) {
		got = pread(fd, b + n, (size_t)st.st_size - n, (off_t)n);
		if (got < 0 && errno == EINTR)
			got = 0;
		else if (got <= 0) {
			err = got < 0 ? gpg_error_from_syserror()
			    : gpg_error(GPG_ERR_TRUNCATED);
			free(b);
			return err;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

gpg_error_t
mule_fd_write(void *arg, const void *buf, size_t n)
{
	return mule_write_all(*(int *)arg, buf, n);
}

void
mule_input_tty_note(int fd)
{
	static int said;

	if (fd != STDIN_FILENO || said || !isatty(fd))
		return;
	said = 1;
	mule_note("reading from the terminal; end with Ctrl-D");
}

gpg_error_t
mule_input_open(int *fd, const char *path)
{
	struct stat st;
	gpg_error_t err;

	*fd = -1;
	if (!path || !strcmp(path, "-")) {
		*fd = 0;
		mule_input_tty_note(0);
		return 0;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		err = gpg_error_from_syserror();
		return mule_error_set(err, NULL, "%s: %s", path, strerror(errno));
	}
	if (fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(*fd);
		*fd = -1;
		return mule_error_set(gpg_error(GPG_ERR_EISDIR), NULL,
		    "%s: is a directory", path);
	}
	return 0;
}

gpg_error_t
mule_path_join(const char *dir, const char *name, char **path)
{
	*path = NULL;
	if (!*name || strchr(name, '/'))
		return gpg_error(GPG_ERR_INV_ARG);
	if (asprintf(path, "%s/%s", dir, name) < 0) {
		*path = NULL;
		return gpg_error_from_syserror();
	}
	return 0;
}

/* Is NAME in DIRFD still the empty placeholder PH that we made? */
static int
is_placeholder(int dirfd, const char *name, const struct stat *ph)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode) && st.st_size == 0
	    && st.st_dev == ph->st_dev && st.st_ino == ph->st_ino;
}

int
mule_rename_noreplace(int fromfd, const char *from, int tofd, const char *to)
{
	struct stat st, ph;
	int fd, errnum;

#ifdef HAVE_RENAMEAT2
	if (renameat2(fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	if (fstatat(fromfd, from, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		/* rename(2) replaces a directory only by another over an
		 * empty one: the one made here, unless it was filled. */
		if (mkdirat(tofd, to, 0700) < 0)
			return -1;
		if (renameat(fromfd, from, tofd, to) == 0)
			return 0;
		errnum = errno;
		unlinkat(tofd, to, AT_REMOVEDIR);	/* only if empty */
		errno = errnum == ENOTEMPTY ? EEXIST : errnum;
		return -1;
	}
	/* A new name for the same file fails if TO exists. */
	if (linkat(fromfd, from, tofd, to, 0) == 0) {
		if (unlinkat(fromfd, from, 0) == 0)
			return 0;
		errnum = errno;
		unlinkat(tofd, to, 0);
		errno = errnum;
		return -1;
	}
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP
	    && errno != ENOSYS && errno != EMLINK)
		return -1;
	/* No hard links either (FAT): reserve the name with an exclusive
	 * create, and rename over the reservation only while it is still
	 * ours and empty.  Closed first: FUSE keeps a replaced open file as
	 * .fuse_hidden*. */
	fd = openat(tofd, to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
	    | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &ph) < 0) {
		errnum = errno;
		close(fd);
		unlinkat(tofd, to, 0);
		errno = errnum;
		return -1;
	}
	close(fd);
	mule_test_pause("noreplace-after-check");
	if (!is_placeholder(tofd, to, &ph)) {
		errno = EEXIST;	/* somebody else's now: leave it */
		return -1;
	}
	if (renameat(fromfd, from, tofd, to) == 0)
		return 0;
	errnum = errno;
	if (is_placeholder(tofd, to, &ph))
		unlinkat(tofd, to, 0);
	errno = errnum;
	return -1;
}

int
mule_sync_dirfd(int fd)
{
	return fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
}

int
mule_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;

	if (fd >= 0) {
		rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
		close(fd);
	}
	return rc;
}
