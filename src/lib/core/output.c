/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c - atomic output and held-back output. */
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


#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/hold.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/tempname.h"
#include "core/testhook.h"

#define WRITEBACK_STEP ((uint64_t)8 << 20)

struct mule_output {
	int flags;
	int fd;			/* temporary file, standard output, a device */
	int own_fd;		/* fd is a device or FIFO we opened */
	char *path;		/* a regular file; NULL for a stream */
	char *stream_name;	/* "standard output", or the device's path */
	char *dir;		/* directory of path */
	char *tmp;		/* temporary file path */
	int dirfd;		/* AT_FDCWD, or dir held open (mule_output_open_at) */
	size_t skip;		/* in path and tmp, where the name below dirfd starts */
	int cleanup_slot;
	struct mule_hold *hold;	/* MULE_OUTPUT_HOLD on standard output */
	int committed;
	uint64_t written, kicked;	/* bytes, and written back from */
};

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	dir = strndup(path, slash - path);
	return dir;
}

static gpg_error_t
open_temp(struct mule_output *o)
{
	char name[MULE_TEMP_NAME_MAX];
	int tries;

	for (tries = 0; tries < 16; tries++) {
		mule_temp_name(name, ".tmp");
		free(o->tmp);
		if (asprintf(&o->tmp, "%s/%s", o->dir, name) < 0) {
			o->tmp = NULL;
			return gpg_error_from_syserror();
		}
		o->fd = openat(o->dirfd, o->tmp + o->skip, O_WRONLY | O_CREAT
		    | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (o->fd >= 0) {
			o->cleanup_slot = mule_cleanup_add_at(o->dirfd,
			    o->tmp + o->skip, MULE_CLEANUP_FILE);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	/* Not ours: mule_output_free must not remove it. */
	free(o->tmp);
	o->tmp = NULL;
	return mule_error_set(gpg_error_from_syserror(), NULL,
	    "cannot create a temporary file in %s: %s", o->dir,
	    strerror(errno));
}

/* Whether the existing PATH (ST) may be replaced: a regular file, or a
 * symlink (replaced, never followed), and only with MULE_OUTPUT_FORCE. */
static gpg_error_t
check_existing(const char *path, const struct stat *st, int flags)
{
	if (!S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode))
		return mule_error_set(gpg_error(S_ISDIR(st->st_mode)
		    ? GPG_ERR_EISDIR : GPG_ERR_EEXIST), "name a regular file",
		    "%s: is a %s", path, S_ISDIR(st->st_mode) ? "directory"
		    : "socket or other special file");
	if (!(flags & MULE_OUTPUT_FORCE))
		return mule_error_set(gpg_error(GPG_ERR_EEXIST),
		    "use --force to replace it", "%s: file exists", path);
	return 0;
}

/* The end of both opens: O in *OUT, or freed on ERR. */
static gpg_error_t
opened(struct mule_output *o, struct mule_output **out, gpg_error_t err)
{
	if (err) {
		mule_output_free(o);
		return err;
	}
	*out = o;
	return 0;
}

gpg_error_t
mule_output_open(struct mule_output **out, const char *path, int flags)
{
	struct mule_output *o;
	struct stat st;
	gpg_error_t err = 0;

	*out = NULL;
	o = calloc(1, sizeof *o);
	if (!o)
		return gpg_error_from_syserror();
	o->flags = flags;
	o->fd = -1;
	o->dirfd = AT_FDCWD;
	o->cleanup_slot = -1;
	if (path && strcmp(path, "-") && stat(path, &st) == 0
	    && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		/* A device or FIFO (-o /dev/null): nothing to replace and no
		 * place for a temporary; write to it as to standard output,
		 * held back until the commit. */
		o->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (o->fd < 0) {
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s: %s", path, strerror(errno));
			goto leave;
		}
		o->own_fd = 1;
		o->stream_name = strdup(path);
		if (!o->stream_name)
			err = gpg_error_from_syserror();
		else if (flags & MULE_OUTPUT_HOLD)
			err = mule_hold_new(&o->hold);
		goto leave;
	}
	if (!path || !strcmp(path, "-")) {
		o->fd = 1;
		if ((flags & MULE_OUTPUT_BINARY) && isatty(1)) {
			err = mule_error_set(mule_fail_code(GPG_ERR_INV_ARG),
			    "redirect it, or name a file with -o",
			    "refusing to write binary data to a terminal");
			goto leave;
		}
		if (flags & MULE_OUTPUT_HOLD)
			err = mule_hold_new(&o->hold);
		goto leave;
	}
	if (stat(path, &st) == 0 && (err = check_existing(path, &st, flags)))
		goto leave;
	o->path = strdup(path);
	o->dir = dir_of(path);
	if (!o->path || !o->dir) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	if (!(flags & MULE_OUTPUT_BATCH))
		mule_output_clean_stale(o->dir);
	err = open_temp(o);
leave:
	return opened(o, out, err);
}

gpg_error_t
mule_output_open_at(struct mule_output **out, int dirfd, const char *dir,
    const char *name, int flags)
{
	struct mule_output *o;
	struct stat st;
	gpg_error_t err = 0;

	*out = NULL;
	if (!*name || strchr(name, '/'))
		return gpg_error(GPG_ERR_INV_ARG);
	o = calloc(1, sizeof *o);
	if (!o)
		return gpg_error_from_syserror();
	o->flags = flags;
	o->fd = -1;
	o->cleanup_slot = -1;
	/* A split item's parts share the directory of the split: one
	 * descriptor, not one per part (up to 999 of them). */
	o->dirfd = flags & MULE_OUTPUT_LEND_DIR ? dirfd
	    : fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	o->dir = strdup(dir);
	if (o->dirfd < 0 || !o->dir) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	if ((err = mule_path_join(dir, name, &o->path)))
		goto leave;
	o->skip = strlen(dir) + 1;
	/* A symlink of that name is replaced, never followed. */
	if (fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && (err = check_existing(o->path, &st, flags)))
		goto leave;
	if (!(flags & MULE_OUTPUT_BATCH))
		mule_output_clean_stale_at(o->dirfd);
	err = open_temp(o);
leave:
	return opened(o, out, err);
}

gpg_error_t
mule_output_retarget(struct mule_output *o, const char *name)
{
	char *path;
	gpg_error_t err;

	if (!o->path)
		return gpg_error(GPG_ERR_INV_ARG);
	if ((err = mule_path_join(o->dir, name, &path)))
		return err;
	free(o->path);
	o->path = path;
	return 0;
}

const char *
mule_output_temp_name(const struct mule_output *o)
{
	return o->tmp && !o->committed ? o->tmp + o->skip : NULL;
}

void
mule_output_keep_on_signal(struct mule_output *o)
{
	mule_cleanup_forget(o->cleanup_slot);
	o->cleanup_slot = -1;
}

const char *
mule_output_name(const struct mule_output *o)
{
	if (o->path)
		return o->path;
	return o->stream_name ? o->stream_name : "standard output";
}

gpg_error_t
mule_output_write(void *arg, const void *buf, size_t n)
{
	struct mule_output *o = arg;
	gpg_error_t err;

	if (o->hold)
		return mule_hold_write(o->hold, buf, n);
	err = mule_write_all(o->fd, buf, n);
	if (err)
		/* Only the tools' -o outputs are opened by path. */
		return mule_error_set(err, gpg_err_code(err) != GPG_ERR_ENOSPC
		    ? NULL : o->dirfd == AT_FDCWD ? "free some space, or write "
		    "elsewhere with -o" : "free some space",
		    "writing %s: %s", mule_output_name(o), gpg_strerror(err));
	o->written += n;
#ifdef SYNC_FILE_RANGE_WRITE
	/* A file is fsync'ed before it is renamed into place: start its
	 * writeback as we go, so that the fsync finds little to wait for. */
	if (o->path && o->written - o->kicked >= WRITEBACK_STEP) {
		sync_file_range(o->fd, (off_t)o->kicked,
		    (off_t)(o->written - o->kicked), SYNC_FILE_RANGE_WRITE);
		o->kicked = o->written;
	}
#endif
	return 0;
}

/* Rename the temporary to the final name without replacing anything that
 * appeared meanwhile, unless --force. */
static int
rename_into_place(const struct mule_output *o)
{
	const char *tmp = o->tmp + o->skip, *path = o->path + o->skip;
	int fd = o->dirfd;

	if (o->flags & MULE_OUTPUT_FORCE)
		return renameat(fd, tmp, fd, path);
	return mule_rename_noreplace(fd, tmp, fd, path);
}

gpg_error_t
mule_output_commit(struct mule_output *o)
{
	gpg_error_t err;

	if (o->committed)
		return 0;
	if (!o->path) {
		if (o->hold && isatty(o->fd)) {
			int binary;

			mule_progress_hide();
			err = mule_hold_scan_binary(o->hold, &binary);
			if (!err && binary)
				return mule_error_set(mule_fail_code(GPG_ERR_INV_ARG),
				    "redirect it, or name a file with -o",
				    "refusing to print binary or control "
				    "characters to a terminal");
			if (err)
				return err;
		}
		err = o->hold ? mule_hold_copy_to_fd(o->hold, o->fd) : 0;
		if (err)
			return mule_error_set(err, NULL, "writing %s: %s",
			    mule_output_name(o), gpg_strerror(err));
		o->committed = 1;
		return 0;
	}
	if (fsync(o->fd) < 0 && errno != EINVAL) {
		err = gpg_error_from_syserror();
		return mule_error_set(err, NULL, "writing %s: %s", o->path,
		    strerror(errno));
	}
	if (close(o->fd) < 0) {
		o->fd = -1;
		err = gpg_error_from_syserror();
		return mule_error_set(err, NULL, "writing %s: %s", o->path,
		    strerror(errno));
	}
	o->fd = -1;
	if (rename_into_place(o) < 0) {
		err = gpg_error_from_syserror();
		return mule_error_set(err, errno == EEXIST
		    ? "use --force to replace it" : NULL,
		    "%s: %s", o->path, strerror(errno));
	}
	mule_cleanup_forget(o->cleanup_slot);
	o->cleanup_slot = -1;
	o->committed = 1;
	/* Until the directory is on the disk, so is not the name: a failure
	 * here takes the file back, so that exit 2 always means no output. */
	if (!(o->flags & MULE_OUTPUT_BATCH) && (o->dirfd == AT_FDCWD
	    ? mule_sync_dir(o->dir) : mule_sync_dirfd(o->dirfd)) < 0) {
		int e = errno;

		mule_output_uncommit(o);
		return mule_error_set(gpg_error_from_errno(e), NULL,
		    "writing %s: %s", o->path, strerror(e));
	}
	return 0;
}

void
mule_output_uncommit(struct mule_output *o)
{
	if (o->committed && o->path)
		unlinkat(o->dirfd, o->path + o->skip, 0);
	o->committed = 0;
}

void
mule_output_free(struct mule_output *o)
{
	if (!o)
		return;
	if ((o->path || o->own_fd) && o->fd >= 0)
		close(o->fd);
	if (o->tmp && !o->committed)
		unlinkat(o->dirfd, o->tmp + o->skip, 0);
	mule_cleanup_forget(o->cleanup_slot);
	if (o->dirfd >= 0 && !(o->flags & MULE_OUTPUT_LEND_DIR))
		close(o->dirfd);
	mule_hold_free(o->hold);
	free(o->path);
	free(o->stream_name);
	free(o->dir);
	free(o->tmp);
	free(o);
}
