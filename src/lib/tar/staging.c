/* SPDX-License-Identifier: GPL-3.0-or-later */
/* staging.c - extract into a private directory, then move into place. */
#include <config.h>

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>


#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/nameset.h"
#include "core/secret.h"
#include "core/tempname.h"
#include "core/testhook.h"
#include "core/text.h"
#include "tar/staging.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Bytes written before their writeback is started. */
#define WRITEBACK_STEP ((uint64_t)8 << 20)

/* fusefat loses the contents of a directory that is renamed. */
#define FUSE_SUPER_MAGIC 0x65735546

/* Directories held open during a commit at most: beyond, one is found
 * again (no symlink followed) and used only if it is the same. */
#define MAX_HELD 256

struct dir_meta {
	char *name;
	mode_t mode;
	int64_t mtime;		/* -1: made for the names below it */
	long mtime_nsec;
	dev_t dev;		/* the directory that goes into DIR */
	ino_t ino;
	int deferred;		/* its mode is set last */
	int late;		/* and its time: made in DIR (FUSE) */
	int fd;			/* held open for those, or -1 */
};

enum move_kind { MOVED, EXCHANGED, REPLACED, MADE_DIR };

struct move {
	char *name;		/* the same relative path in both places */
	enum move_kind kind;
	char backup[24];	/* REPLACED: the old one's name in staging */
	size_t pair;		/* the directories it was made between */
	dev_t dev;		/* what went into DIR (MADE_DIR: was made) */
	ino_t ino;
	dev_t odev;		/* EXCHANGED, REPLACED: the old one, now in */
	ino_t oino;		/* staging */
};

/* A directory in staging and the one in DIR its entries go into. */
struct pair {
	char *name;		/* below both roots; "" for the roots */
	int sfd, dfd;		/* -1 once closed */
	int held;		/* open until the commit ends */
	dev_t sdev, ddev;
	ino_t sino, dino;
};

struct mule_staging {
	char *dir;		/* DIR, for messages */
	int dirfd;
	char stage[64];		/* its name in DIR */
	int stagefd;
	dev_t stagedev;
	ino_t stageino;
	int rootfd;		/* where the commit goes: DIR, or the leaf */
	int slot;
	int overwrite;
	int no_dir_rename;	/* FUSE: move files one by one */
	mode_t umask;
	struct mule_nameset made;	/* directories made: index in dirs */
	struct dir_meta *dirs;
	size_t ndirs, capdirs;
	struct mule_nameset topset;	/* top-level names */
	char **tops;
	size_t ntops;
	char *parent;		/* the directory PARENTFD is open on */
	int parentfd;
	int fd;			/* the file being written */
	const char *cur;	/* its name */
	uint64_t pos;
	uint64_t kicked;	/* written back from here on */
	struct move *moves;	/* done by the commit, undone on failure */
	size_t nmoves;
	char *next_name;	/* of the move about to be made (log_reserve) */
	struct mule_nameset moved;	/* their names */
	struct pair *pairs;
	size_t npairs;
	int nheld;		/* descriptors held by pairs and dirs */
};

/* DIR cannot take NAME: an operational error. */
static gpg_error_t
target_failed(struct mule_staging *s, const char *name, int errnum)
{
	char *shown = mule_escape(name, strlen(name));
	gpg_error_t err;

	err = mule_error_set(gpg_error_from_errno(errnum), errnum == ENOSPC
	    || errnum == EDQUOT ? "free some space, or extract elsewhere with -C"
	    : NULL, "%s: %s: %s", s->dir, shown ? shown : "?",
	    strerror(errnum));
	free(shown);
	return err;
}

/* A failure to create NAME: the file system cannot hold what the archive
 * says (a rejection), or DIR cannot take it (an operational error). */
static gpg_error_t
create_failed(struct mule_staging *s, const char *name, int errnum)
{
	switch (errnum) {
	case EEXIST:
		return mule_tar_refuse(GPG_ERR_DUP_NAME, name, "collides with "
		    "another entry (the file system ignores case?)");
	case ELOOP:
	case ENOTDIR:
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "lies below a symlink or a file");
	case EINVAL:
	case EILSEQ:
	case ENAMETOOLONG:
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a name the file system of the target cannot hold");
	default:
		return target_failed(s, name, errnum);
	}
}

/* Can an entry of TYPE (a symlink to TARGET, a hard link to TARGET),
 * named by LEN safe characters (24 at least), be made in directory PFD?
 * It is removed at once; one left by a kill goes with the staging
 * directory, which PFD is in. */
static int
probe(struct mule_staging *s, int pfd, size_t len, enum mule_tar_type type,
    const char *target)
{
	char name[256];
	size_t n;
	int fd, rc;

	n = (size_t)snprintf(name, sizeof name, ".mule-probe-");
	mule_random_hex(name + n, 6);
	n += 12;
	while (n < len && n < sizeof name - 1)
		name[n++] = 'x';
	name[n] = '\0';
	switch (type) {
	case MULE_TAR_DIR:
		rc = mkdirat(pfd, name, 0700);
		return rc == 0 && unlinkat(pfd, name, AT_REMOVEDIR) == 0;
	case MULE_TAR_SYMLINK:
		rc = symlinkat(target, pfd, name);
		break;
	case MULE_TAR_HARDLINK:
		rc = linkat(s->stagefd, target, pfd, name, 0);
		break;
	default:
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0600);
		if (fd < 0)
			return 0;
		close(fd);
		return unlinkat(pfd, name, 0) == 0;
	}
	return rc == 0 && unlinkat(pfd, name, 0) == 0;
}

/* Making the entry NAME failed with ERRNUM: its last component, BASELEN
 * bytes, as TYPE (TARGET for a link) in directory PFD.  EPERM, EINVAL and
 * EACCES do not tell whose fault that is: fusefat refuses "a:b" with
 * EPERM, and a full disk too.  When the same kind of entry, named by as
 * many safe characters, can be made in the same place, the file system
 * refuses the name that the archive asked for: a rejection.  Else DIR
 * is at fault: an operational error. */
static gpg_error_t
entry_failed(struct mule_staging *s, int pfd, const char *name,
    size_t baselen, enum mule_tar_type type, const char *target, int errnum)
{
	if (errnum != EPERM && errnum != EINVAL && errnum != EACCES)
		return create_failed(s, name, errnum);
	if (probe(s, pfd, baselen, type, target))
		return mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a name the file system of the target refuses");
	return target_failed(s, name, errnum);
}

static gpg_error_t
add_dir_meta(struct mule_staging *s, const char *name, size_t len)
{
	struct dir_meta *tmp;
	gpg_error_t err;

	if (s->ndirs == s->capdirs) {
		size_t cap = s->capdirs ? s->capdirs * 2 : 64;

		tmp = realloc(s->dirs, cap * sizeof *tmp);
		if (!tmp)
			return gpg_error_from_syserror();
		s->dirs = tmp;
		s->capdirs = cap;
	}
	s->dirs[s->ndirs].name = strndup(name, len);
	if (!s->dirs[s->ndirs].name)
		return gpg_error_from_syserror();
	s->dirs[s->ndirs].mode = 0777;
	s->dirs[s->ndirs].mtime = -1;
	s->dirs[s->ndirs].deferred = s->dirs[s->ndirs].late = 0;
	s->dirs[s->ndirs].fd = -1;
	err = mule_nameset_put(&s->made, name, len, (int)s->ndirs);
	if (err) {
		free(s->dirs[s->ndirs].name);
		return err;
	}
	s->ndirs++;
	return 0;
}

static gpg_error_t
note_top(struct mule_staging *s, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : strlen(name);
	char **tmp;
	gpg_error_t err;

	if (mule_nameset_get(&s->topset, name, len) >= 0)
		return 0;
	tmp = realloc(s->tops, (s->ntops + 1) * sizeof *tmp);
	if (!tmp)
		return gpg_error_from_syserror();
	s->tops = tmp;
	s->tops[s->ntops] = strndup(name, len);
	if (!s->tops[s->ntops])
		return gpg_error_from_syserror();
	s->ntops++;
	err = mule_nameset_put(&s->topset, name, len, 1);
	return err;
}

/* A file system without permissions (FAT) refuses chmod: no loss. */
static int
chmod_failed(int rc)
{
	return rc < 0 && errno != ENOSYS && errno != EOPNOTSUPP
	    && errno != EPERM;
}

/* Make directory NAME (LEN bytes) below FD as component C, unless we
 * made it already; EEXIST from the file system means another name of the
 * archive that differs only by case. */
static gpg_error_t
make_dir(struct mule_staging *s, int fd, const char *c, const char *name,
    size_t len)
{
	if (mule_nameset_get(&s->made, name, len) >= 0)
		return 0;
	if (mkdirat(fd, c, 0700) < 0) {
		int errnum = errno;
		char *shown = strndup(name, len);
		gpg_error_t err = entry_failed(s, fd, shown ? shown : "?",
		    strlen(c), MULE_TAR_DIR, NULL, errnum);

		free(shown);
		return err;
	}
	return add_dir_meta(s, name, len);
}

/* Open the directory that holds NAME, making the missing ones. */
static gpg_error_t
parent_of(struct mule_staging *s, const char *name, int *out)
{
	const char *slash = strrchr(name, '/'), *c, *next;
	size_t plen = slash ? (size_t)(slash - name) : 0;
	gpg_error_t err;
	char comp[256];
	int fd, nfd;

	if (!slash) {
		*out = s->stagefd;
		return 0;
	}
	if (s->parent && strlen(s->parent) == plen
	    && !memcmp(s->parent, name, plen)) {
		*out = s->parentfd;
		return 0;
	}
	free(s->parent);
	s->parent = NULL;
	if (s->parentfd >= 0)
		close(s->parentfd);
	s->parentfd = -1;
	fd = s->stagefd;
	for (c = name; c < name + plen; c = next + 1) {
		next = memchr(c, '/', (size_t)(name + plen - c));
		if (!next)
			next = name + plen;
		memcpy(comp, c, (size_t)(next - c));	/* <= 255: tarin */
		comp[next - c] = '\0';
		err = make_dir(s, fd, comp, name, (size_t)(next - name));
		if (!err) {
			nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY
			    | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0)
				err = create_failed(s, name, errno);
		}
		if (fd != s->stagefd)
			close(fd);
		if (err)
			return err;
		fd = nfd;
	}
	s->parent = strndup(name, plen);
	if (!s->parent) {
		close(fd);
		return gpg_error_from_syserror();
	}
	s->parentfd = fd;
	*out = fd;
	return 0;
}

static const char *
base_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? slash + 1 : name;
}

static gpg_error_t
stage_begin(void *arg, const struct mule_tar_entry *e)
{
	struct mule_staging *s = arg;
	const char *base = base_of(e->name);
	gpg_error_t err;
	int pfd, idx;

	s->cur = e->name;
	err = note_top(s, e->name);
	if (!err)
		err = parent_of(s, e->name, &pfd);
	if (err)
		return err;
	switch (e->type) {
	case MULE_TAR_FILE:
		s->fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL
		    | O_NOFOLLOW | O_CLOEXEC, 0600);
		s->pos = s->kicked = 0;
		if (s->fd < 0)
			return entry_failed(s, pfd, e->name, strlen(base),
			    MULE_TAR_FILE, NULL, errno);
		return 0;
	case MULE_TAR_DIR:
		err = make_dir(s, pfd, base, e->name, strlen(e->name));
		if (err)
			return err;
		idx = mule_nameset_get(&s->made, e->name, strlen(e->name));
		s->dirs[idx].mode = e->mode;
		s->dirs[idx].mtime = e->mtime;
		s->dirs[idx].mtime_nsec = e->mtime_nsec;
		return 0;
	case MULE_TAR_SYMLINK:
		if (symlinkat(e->target, pfd, base) < 0) {
			if (errno == EPERM || errno == EOPNOTSUPP
			    || errno == ENOSYS)
				return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED,
				    e->name, "a symlink, and the file system "
				    "of the target cannot hold symlinks");
			return entry_failed(s, pfd, e->name, strlen(base),
			    MULE_TAR_SYMLINK, e->target, errno);
		}
		return 0;
	case MULE_TAR_HARDLINK:
		if (linkat(s->stagefd, e->target, pfd, base, 0) < 0) {
			if (errno == ENOENT)	/* a target never written */
				return mule_tar_refuse(GPG_ERR_INV_NAME,
				    e->name, "a hard link to a file that was "
				    "not extracted");
			if (errno == EPERM || errno == EOPNOTSUPP
			    || errno == ENOSYS || errno == EMLINK)
				return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED,
				    e->name, "a hard link, and the file system "
				    "of the target cannot hold it");
			return entry_failed(s, pfd, e->name, strlen(base),
			    MULE_TAR_HARDLINK, e->target, errno);
		}
		return 0;
	}
	return 0;
}

static gpg_error_t
stage_data(void *arg, const void *buf, size_t n, uint64_t offset)
{
	struct mule_staging *s = arg;
	gpg_error_t err;

	if (offset != s->pos && lseek(s->fd, (off_t)offset, SEEK_SET) < 0)
		return create_failed(s, s->cur, errno);
	err = mule_write_all(s->fd, buf, n);
	if (err)
		return create_failed(s, s->cur, gpg_err_code_to_errno(
		    gpg_err_code(err)));
	s->pos = offset + n;
#ifdef SYNC_FILE_RANGE_WRITE
	/* Start writing back as we go: the flush before the commit then
	 * finds little left to wait for. */
	if (s->pos - s->kicked >= WRITEBACK_STEP) {
		sync_file_range(s->fd, (off_t)s->kicked,
		    (off_t)(s->pos - s->kicked), SYNC_FILE_RANGE_WRITE);
		s->kicked = s->pos;
	}
#endif
	return 0;
}

static gpg_error_t
stage_end(void *arg, const struct mule_tar_entry *e,
    const unsigned char *digest)
{
	struct mule_staging *s = arg;
	struct timespec ts[2];
	int fd = s->fd;

	(void)digest;
	/* Both times: fusefat ignores an mtime given alone. */
	ts[1].tv_sec = (time_t)e->mtime;
	ts[1].tv_nsec = e->mtime_nsec;
	ts[0] = ts[1];
	if (e->type != MULE_TAR_FILE) {
		if (e->type == MULE_TAR_SYMLINK) {
			int pfd;

			if (!parent_of(s, e->name, &pfd))
				utimensat(pfd, base_of(e->name), ts,
				    AT_SYMLINK_NOFOLLOW);
		}
		return 0;
	}
	s->fd = -1;
	if ((s->pos < e->size && ftruncate(fd, (off_t)e->size) < 0)
	    || chmod_failed(fchmod(fd, e->mode & ~s->umask))) {
		int errnum = errno;

		close(fd);
		return create_failed(s, e->name, errnum);
	}
	futimens(fd, ts);
	if (close(fd) < 0)
		return create_failed(s, e->name, errno);
	return 0;
}

void
mule_staging_handler(struct mule_staging *s, struct mule_tarin_handler *h)
{
	h->begin = stage_begin;
	h->data = stage_data;
	h->end = stage_end;
	h->arg = s;
}

/* The umask can only be read by setting it: once, before threads. */
static mode_t umask_value;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void
read_umask(void)
{
	umask_value = umask(077);
	umask(umask_value);
}

static mode_t
process_umask(void)
{
	pthread_once(&umask_once, read_umask);
	return umask_value;
}

/* Is directory FD the one we made (1), not one that another user put in
 * its place (0)?  A file made in it has the owner that the directory
 * has, whatever the file system maps our user to.  -1: cannot tell
 * (errno set). */
static int
made_by_us(int fd)
{
	static const char probe[] = ".mule-owner";
	struct stat st, pst;
	int pfd, ok;

	if (fstat(fd, &st) < 0)
		return -1;
	pfd = openat(fd, probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
	    | O_CLOEXEC, 0600);
	if (pfd < 0)
		return errno == EEXIST ? 0 : -1;
	ok = fstat(pfd, &pst) == 0 && pst.st_uid == st.st_uid;
	close(pfd);
	unlinkat(fd, probe, 0);
	return ok;
}

gpg_error_t
mule_staging_new(struct mule_staging **out, const char *dir, int overwrite)
{
	struct mule_staging *s;
	struct stat st;
	char *path = NULL;
	int ours;

	s = calloc(1, sizeof *s);
	if (!s)
		return gpg_error_from_syserror();
	s->stagefd = s->parentfd = s->fd = s->slot = s->rootfd = -1;
	s->overwrite = overwrite;
	s->umask = process_umask();
	s->dir = strdup(dir);
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!s->dir || s->dirfd < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		mule_staging_free(s);
		return mule_error_set(err, NULL, "-C %s: %s", dir,
		    gpg_strerror(err));
	}
	{
		struct statfs fs;

		s->no_dir_rename = fstatfs(s->dirfd, &fs) == 0
		    && fs.f_type == FUSE_SUPER_MAGIC;
	}
	mule_temp_name(s->stage, ".stage");
	if (mkdirat(s->dirfd, s->stage, 0700) < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		s->stage[0] = '\0';	/* not ours to remove */
		mule_staging_free(s);
		return mule_error_set(err, NULL,
		    "cannot make a staging directory in %s: %s", dir,
		    gpg_strerror(err));
	}
	if (asprintf(&path, "%s/%s", dir, s->stage) >= 0) {
		s->slot = mule_cleanup_add(path, MULE_CLEANUP_TREE);
		free(path);
	}
	mule_test_pause("staging-new-after-mkdir");
	s->stagefd = openat(s->dirfd, s->stage, O_RDONLY | O_DIRECTORY
	    | O_NOFOLLOW | O_CLOEXEC);
	if (s->stagefd >= 0 && fstat(s->stagefd, &st) == 0) {
		s->stagedev = st.st_dev;
		s->stageino = st.st_ino;
	}
	ours = s->stagefd < 0 ? -1 : made_by_us(s->stagefd);
	if (ours == 0) {
		/* Somebody else's directory, put there between mkdirat and
		 * openat: not ours to fill, nor to empty. */
		close(s->stagefd);
		s->stagefd = -1;
		s->stage[0] = '\0';
		mule_staging_free(s);
		return mule_error_set(mule_fail_code(GPG_ERR_EEXIST), NULL,
		    "cannot make a staging directory in %s: another "
		    "directory took its place", dir);
	}
	if (s->stagefd < 0 || ours < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		mule_staging_free(s);
		return mule_error_set(err, NULL, "%s: %s", dir,
		    gpg_strerror(err));
	}
	*out = s;
	return 0;
}

/* Open directory PATH ("" for FD itself) below FD, one component at a
 * time and never following a symlink: -1 with errno set. */
static int
open_below(int fd, const char *path)
{
	const char *c = path, *next;
	char comp[256];
	int cur = fd, nfd, errnum;
	size_t len;

	if (!*path)
		return fcntl(fd, F_DUPFD_CLOEXEC, 0);
	for (;;) {
		next = strchr(c, '/');
		len = next ? (size_t)(next - c) : strlen(c);
		if (len == 0 || len >= sizeof comp) {
			nfd = -1;
			errno = EINVAL;
		} else {
			memcpy(comp, c, len);
			comp[len] = '\0';
			nfd = openat(cur, comp, O_RDONLY | O_DIRECTORY
			    | O_NOFOLLOW | O_CLOEXEC);
		}
		errnum = errno;
		if (cur != fd)
			close(cur);
		if (nfd < 0 || !next) {
			errno = errnum;
			return nfd;
		}
		cur = nfd;
		c = next + 1;
	}
}

/* PATH below FD, if it is still the directory DEV/INO; else -1. */
static int
open_same(int fd, const char *path, dev_t dev, ino_t ino)
{
	struct stat st;
	int nfd = open_below(fd, path);

	if (nfd >= 0 && (fstat(nfd, &st) < 0 || st.st_dev != dev
	    || st.st_ino != ino)) {
		close(nfd);
		errno = ESTALE;
		return -1;
	}
	return nfd;
}

/* Is NAME in directory FD the entry DEV/INO? */
static int
same_entry(int fd, const char *name, dev_t dev, ino_t ino)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && st.st_dev == dev && st.st_ino == ino;
}

static mode_t
final_mode(const struct mule_staging *s, const struct dir_meta *d)
{
	return d->mode & ~s->umask;
}

static void
set_dir_time(int fd, const struct dir_meta *d)
{
	struct timespec ts[2];

	if (d->mtime < 0)
		return;
	/* Both times: fusefat ignores an mtime given alone. */
	ts[1].tv_sec = (time_t)d->mtime;
	ts[1].tv_nsec = d->mtime_nsec;
	ts[0] = ts[1];
	futimens(fd, ts);
}

/* Give directory FD, which is to be D in DIR, the archive's time and
 * mode.  A mode that takes rights away from the owner would stop entries
 * being moved out of it or into it: until the end, FD keeps them, and D
 * is marked to get its mode last.  LATE: the time too (fusefat forgets
 * the time of a directory whose parent gets more entries).  D is held
 * open for that if few are.  An errno, or 0. */
static int
set_dir_meta(struct mule_staging *s, int fd, struct dir_meta *d, int late)
{
	struct stat st;
	mode_t mode = final_mode(s, d);

	if (fstat(fd, &st) < 0)
		return errno;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->deferred = (mode | S_IRWXU) != mode;
	d->late = late;
	if (chmod_failed(fchmod(fd, mode | S_IRWXU)))
		return errno;
	if (!late)
		set_dir_time(fd, d);
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
		s->nheld--;
	}
	if ((d->deferred || d->late) && s->nheld < MAX_HELD) {
		d->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (d->fd >= 0)
			s->nheld++;
	}
	return 0;
}

/* Before anything moves, every directory's time and mode, set in
 * staging: nothing in DIR is looked up by path for them afterwards.
 * Renaming a directory leaves its time alone. */
static gpg_error_t
prepare_dirs(struct mule_staging *s)
{
	size_t i;
	int fd, errnum;

	for (i = 0; i < s->ndirs; i++) {
		fd = open_below(s->stagefd, s->dirs[i].name);
		if (fd < 0)
			return target_failed(s, s->dirs[i].name, errno);
		errnum = set_dir_meta(s, fd, &s->dirs[i], 0);
		close(fd);
		if (errnum)
			return target_failed(s, s->dirs[i].name, errnum);
	}
	return 0;
}

static int moved_in(const struct mule_staging *s, const char *name);

/* The modes that take rights away from the owner, and the times of the
 * directories made in DIR, last and children before parents: on the
 * directories held open, else on those found again below ROOTFD that are
 * still the same directories.  With ONLY_MOVED,
 * only those the commit brought into DIR (one merged into keeps its
 * own).  Too late to refuse anything: failures are ignored. */
static void
finish_deferred(struct mule_staging *s, int rootfd, int only_moved)
{
	size_t i;
	int fd;

	for (i = s->ndirs; i-- > 0;) {
		struct dir_meta *d = &s->dirs[i];

		if ((!d->deferred && !d->late)
		    || (only_moved && !moved_in(s, d->name)))
			continue;
		fd = d->fd >= 0 ? d->fd : open_same(rootfd, d->name, d->dev,
		    d->ino);
		if (fd < 0)
			continue;
		if (d->late)
			set_dir_time(fd, d);
		if (d->deferred && fchmod(fd, final_mode(s, d)) < 0)
			errno = 0;	/* FAT has no modes */
		if (fd != d->fd)
			close(fd);
	}
}

/* A directory in staging and the one in DIR its entries go into, named
 * NAME below both roots.  HELD: kept open until the commit ends; else
 * closed when done with (fd -1) and, for an undo, found again below the
 * roots and used only if still the same directory. */
static gpg_error_t
add_pair(struct mule_staging *s, int sfd, int dfd, const char *name,
    int held, size_t *out)
{
	struct stat sst, dst;
	struct pair *tmp, *p;

	if (fstat(sfd, &sst) < 0 || fstat(dfd, &dst) < 0)
		return target_failed(s, *name ? name : ".", errno);
	tmp = realloc(s->pairs, (s->npairs + 1) * sizeof *tmp);
	if (!tmp)
		return gpg_error_from_syserror();
	s->pairs = tmp;
	p = &tmp[s->npairs];
	p->name = strdup(name);
	if (!p->name)
		return gpg_error_from_syserror();
	p->sfd = sfd;
	p->dfd = dfd;
	p->held = held;
	p->sdev = sst.st_dev;
	p->sino = sst.st_ino;
	p->ddev = dst.st_dev;
	p->dino = dst.st_ino;
	*out = s->npairs++;
	return 0;
}

/* A merge is done with pair I: close it unless it is held. */
static void
pair_done(struct mule_staging *s, size_t i)
{
	struct pair *p = &s->pairs[i];

	if (p->held)
		return;
	close(p->sfd);
	close(p->dfd);
	p->sfd = p->dfd = -1;
}

static void
release_pairs(struct mule_staging *s)
{
	while (s->npairs) {
		struct pair *p = &s->pairs[--s->npairs];

		if (p->held && p->sfd >= 0) {
			close(p->sfd);
			close(p->dfd);
			s->nheld -= 2;
		}
		free(p->name);
	}
}

/* Room in the log for the next move, and its name, taken before the
 * move: a move once made is always logged, so that it can be undone. */
static gpg_error_t
log_reserve(struct mule_staging *s, const char *name)
{
	struct move *tmp = realloc(s->moves, (s->nmoves + 1) * sizeof *tmp);

	if (!tmp)
		return gpg_error_from_syserror();
	s->moves = tmp;
	free(s->next_name);
	s->next_name = strdup(name);
	return s->next_name ? 0 : gpg_error_from_syserror();
}

/* Log the move of NAME, for which log_reserve made room. */
static gpg_error_t
log_move(struct mule_staging *s, size_t pair, const char *name,
    enum move_kind kind, const struct stat *item, const struct stat *old,
    const char *backup)
{
	struct move *tmp = s->moves;

	memset(&tmp[s->nmoves], 0, sizeof *tmp);
	tmp[s->nmoves].name = s->next_name;
	s->next_name = NULL;
	if (backup)
		snprintf(tmp[s->nmoves].backup, sizeof tmp->backup, "%s",
		    backup);
	tmp[s->nmoves].pair = pair;
	tmp[s->nmoves].dev = item->st_dev;
	tmp[s->nmoves].ino = item->st_ino;
	if (old) {
		tmp[s->nmoves].odev = old->st_dev;
		tmp[s->nmoves].oino = old->st_ino;
	}
	tmp[s->nmoves++].kind = kind;
	return mule_nameset_put(&s->moved, name, strlen(name), 1);
}

/* Was NAME brought into DIR by the commit (itself or a directory above
 * it)?  Only those get the archive's modes: a directory that was there
 * and merged into keeps its own. */
static int
moved_in(const struct mule_staging *s, const char *name)
{
	const char *p;

	for (p = strchr(name, '/'); p; p = strchr(p + 1, '/'))
		if (mule_nameset_get(&s->moved, name, (size_t)(p - name)) >= 0)
			return 1;
	return mule_nameset_get(&s->moved, name, strlen(name)) >= 0;
}

static int
rename2(int from, const char *name, int to, const char *newname,
    unsigned flags)
{
#ifdef HAVE_RENAMEAT2
	return renameat2(from, name, to, newname, flags);
#else
	(void)from; (void)name; (void)to; (void)newname; (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int
rename_flags(int from, const char *name, int to, unsigned flags)
{
	return rename2(from, name, to, name, flags);
}

static gpg_error_t
conflict(struct mule_staging *s, const char *name, const char *why)
{
	char *shown = mule_escape(name, strlen(name));
	gpg_error_t err;

	err = mule_error_set(mule_fail_code(GPG_ERR_EEXIST), s->overwrite
	    ? NULL : "use --overwrite, or extract elsewhere with -C",
	    "%s/%s: %s", s->dir, shown ? shown : "?", why);
	free(shown);
	return err;
}

static gpg_error_t place(struct mule_staging *s, size_t pair,
    const char *name, const char *path);

/* The names in directory FD, read before any is moved away. */
static gpg_error_t
list_names(int fd, char ***names, size_t *n)
{
	struct dirent *de;
	char **list = NULL, **tmp;
	size_t count = 0;
	DIR *d = fdopendir(dup(fd));

	*names = NULL;
	*n = 0;
	if (!d)
		return gpg_error_from_syserror();
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		tmp = realloc(list, (count + 1) * sizeof *list);
		if (!tmp || !(tmp[count] = strdup(de->d_name))) {
			list = tmp ? tmp : list;
			while (count)
				free(list[--count]);
			free(list);
			closedir(d);
			return gpg_error_from_syserror();
		}
		list = tmp;
		count++;
	}
	closedir(d);
	*names = list;
	*n = count;
	return 0;
}

static void
free_names(char **names, size_t n)
{
	while (n)
		free(names[--n]);
	free(names);
}

/* Directory PATH was made in DIR (TO) and filled: it gets the archive's
 * mode, and its time at the end, as one moved in whole got them in
 * staging. */
static void
made_dir_meta(struct mule_staging *s, int to, const char *path)
{
	int idx = mule_nameset_get(&s->made, path, strlen(path));

	if (idx >= 0)
		set_dir_meta(s, to, &s->dirs[idx], 1);
}

/* Place what is inside directory NAME of pair PAIR into the directory of
 * the same name in DIR: with --overwrite when both are directories, or
 * (MADE) into one just made where directories cannot be renamed.  Both
 * are held open, so the undo and nothing else works on them. */
static gpg_error_t
merge(struct mule_staging *s, size_t pair, const char *name,
    const char *path, int made)
{
	int sfd = s->pairs[pair].sfd, dfd = s->pairs[pair].dfd, from, to;
	gpg_error_t err = 0;
	char **names = NULL, *child;
	size_t n = 0, i, level;
	struct stat st;

	from = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	to = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (from < 0 || to < 0) {
		err = conflict(s, path, to < 0 && errno == ELOOP
		    ? "a symlink, not followed" : strerror(errno));
		if (from >= 0)
			close(from);
		if (to >= 0)
			close(to);
		return err;
	}
	if (made && fstat(to, &st) == 0)
		err = log_move(s, pair, path, MADE_DIR, &st, NULL, NULL);
	else if (made)
		err = target_failed(s, path, errno);
	if (!err)
		err = add_pair(s, from, to, path, s->nheld + 2 <= MAX_HELD,
		    &level);
	if (err) {
		close(from);
		close(to);
		return err;
	}
	if (s->pairs[level].held)
		s->nheld += 2;
	err = list_names(from, &names, &n);
	for (i = 0; !err && i < n; i++) {
		if (asprintf(&child, "%s/%s", path, names[i]) < 0)
			err = gpg_error_from_syserror();
		else {
			err = place(s, level, names[i], child);
			free(child);
		}
	}
	if (!err && fsync(to) < 0 && errno != EINVAL)
		err = create_failed(s, path, errno);
	if (!err && made)
		made_dir_meta(s, to, path);
	free_names(names, n);
	pair_done(s, level);
	return err;
}

/* RENAME_EXCHANGE put our file in place and took the old one into
 * staging, which is removed with all it holds: a directory swapped in
 * since it was looked at goes back. */
static gpg_error_t
exchanged(struct mule_staging *s, size_t pair, const char *name,
    const char *path, const struct stat *sst)
{
	int sfd = s->pairs[pair].sfd, dfd = s->pairs[pair].dfd;
	struct stat old;

	if (fstatat(sfd, name, &old, AT_SYMLINK_NOFOLLOW) < 0
	    || S_ISDIR(old.st_mode)) {
		rename_flags(dfd, name, sfd, RENAME_EXCHANGE);
		return conflict(s, path,
		    "a directory, which a file never replaces");
	}
	return log_move(s, pair, path, EXCHANGED, sst, &old, NULL);
}

/* Replace NAME with the staged one where files cannot be exchanged in one
 * step (FUSE): the old one is first moved into staging, so that the
 * replacement can be undone. */
static gpg_error_t
replace(struct mule_staging *s, size_t pair, const char *name,
    const char *path, const struct stat *sst)
{
	int sfd = s->pairs[pair].sfd, dfd = s->pairs[pair].dfd;
	char backup[48];
	struct stat st;
	int k;

	for (k = 0; k < 1000; k++) {
		snprintf(backup, sizeof backup, ".mule-old-%d", k);
		if (fstatat(sfd, backup, &st, AT_SYMLINK_NOFOLLOW) < 0
		    && errno == ENOENT)
			break;
	}
	if (renameat(dfd, name, sfd, backup) < 0)
		return create_failed(s, path, errno);
	if (fstatat(sfd, backup, &st, AT_SYMLINK_NOFOLLOW) < 0
	    || S_ISDIR(st.st_mode)) {
		renameat(sfd, backup, dfd, name);
		return conflict(s, path,
		    "a directory, which a file never replaces");
	}
	if (renameat(sfd, name, dfd, name) < 0) {
		int errnum = errno;

		renameat(sfd, backup, dfd, name);
		return create_failed(s, path, errnum);
	}
	return log_move(s, pair, path, REPLACED, sst, &st, backup);
}

/* Move NAME (PATH from the top) from the staging directory of PAIR into
 * its directory in DIR, replacing nothing unless --overwrite. */
static gpg_error_t
place(struct mule_staging *s, size_t pair, const char *name,
    const char *path)
{
	int sfd = s->pairs[pair].sfd, dfd = s->pairs[pair].dfd;
	struct stat sst, dst;
	gpg_error_t err;

	if (fstatat(sfd, name, &sst, AT_SYMLINK_NOFOLLOW) < 0)
		return target_failed(s, path, errno);
	if ((err = log_reserve(s, path)))
		return err;
	if (s->no_dir_rename && S_ISDIR(sst.st_mode)) {
		if (mkdirat(dfd, name, 0700) == 0)
			return merge(s, pair, name, path, 1);
		if (errno != EEXIST)
			return create_failed(s, path, errno);
	} else if (mule_rename_noreplace(sfd, name, dfd, name) == 0)
		return log_move(s, pair, path, MOVED, &sst, NULL, NULL);
	else if (errno != EEXIST)
		return create_failed(s, path, errno);
	if (!s->overwrite)
		return conflict(s, path, "exists");
	if (fstatat(dfd, name, &dst, AT_SYMLINK_NOFOLLOW) < 0)
		return conflict(s, path, strerror(errno));
	if (S_ISDIR(sst.st_mode) && S_ISDIR(dst.st_mode))
		return merge(s, pair, name, path, 0);
	if (S_ISDIR(sst.st_mode) || S_ISDIR(dst.st_mode))
		return conflict(s, path, S_ISDIR(dst.st_mode)
		    ? "a directory, which a file never replaces"
		    : "a file, which a directory never replaces");
	if (rename_flags(sfd, name, dfd, RENAME_EXCHANGE) == 0)
		return exchanged(s, pair, name, path, &sst);
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return create_failed(s, path, errno);
	return replace(s, pair, name, path, &sst);
}

/* Undo the moves made so far, the last first: each in the directories
 * it was made in (held open, or found again and still the same), and
 * only on the entry it moved.  Whatever took that entry's place is left
 * alone, wherever it came from: nothing else is ever brought into
 * staging, which is removed. */
static void
undo_moves(struct mule_staging *s)
{
	while (s->nmoves) {
		struct move *m = &s->moves[--s->nmoves];
		const struct pair *p = &s->pairs[m->pair];
		const char *base = base_of(m->name);
		int sfd = p->sfd, dfd = p->dfd;

		if (sfd < 0)
			sfd = open_same(s->stagefd, p->name, p->sdev, p->sino);
		if (dfd < 0)
			dfd = open_same(s->rootfd, p->name, p->ddev, p->dino);
		if (sfd >= 0 && dfd >= 0 && same_entry(dfd, base, m->dev,
		    m->ino)) {
			switch (m->kind) {
			case MADE_DIR:
				unlinkat(dfd, base, AT_REMOVEDIR);
				break;
			case MOVED:
				mule_rename_noreplace(dfd, base, sfd, base);
				break;
			case EXCHANGED:
				if (same_entry(sfd, base, m->odev, m->oino))
					rename_flags(dfd, base, sfd,
					    RENAME_EXCHANGE);
				break;
			case REPLACED:
				if (same_entry(sfd, m->backup, m->odev, m->oino)
				    && renameat(dfd, base, sfd, base) == 0)
					renameat(sfd, m->backup, dfd, base);
				break;
			}
		}
		if (sfd >= 0 && sfd != p->sfd)
			close(sfd);
		if (dfd >= 0 && dfd != p->dfd)
			close(dfd);
		free(m->name);
	}
}

/* The end of staging, before anything moves: the directories' modes
 * made ready, and everything staged on the disk (syncfs reports what
 * failed; sync() only where there is no syncfs). */
static gpg_error_t
staged_to_disk(struct mule_staging *s)
{
	gpg_error_t err;

	if (s->parentfd >= 0)
		close(s->parentfd);
	s->parentfd = -1;
	err = prepare_dirs(s);
	if (err)
		return err;
	if (syncfs(s->stagefd) < 0) {
		if (errno != ENOSYS)
			return create_failed(s, ".", errno);
		sync();
	}
	return 0;
}

gpg_error_t
mule_staging_commit(struct mule_staging *s)
{
	struct stat st;
	gpg_error_t err;
	size_t i, top;

	err = staged_to_disk(s);
	if (err)
		return err;
	for (i = 0; !s->overwrite && i < s->ntops; i++)
		if (fstatat(s->dirfd, s->tops[i], &st, AT_SYMLINK_NOFOLLOW)
		    == 0)
			return conflict(s, s->tops[i], "exists");
	s->rootfd = s->dirfd;
	err = add_pair(s, s->stagefd, s->dirfd, "", 0, &top);
	for (i = 0; !err && i < s->ntops; i++) {
		err = place(s, top, s->tops[i], s->tops[i]);
		if (i == 0)
			mule_test_pause("staging-commit-after-first-move");
	}
	/* The new names on the disk, or none of them: exit 2 means nothing
	 * was extracted. */
	if (!err && fsync(s->dirfd) < 0 && errno != EINVAL)
		err = create_failed(s, ".", errno);
	if (err) {
		undo_moves(s);
		release_pairs(s);
		return err;
	}
	release_pairs(s);
	mule_test_pause("staging-before-meta");
	finish_deferred(s, s->dirfd, 1);
	return 0;
}

/* Where a directory cannot be renamed (fusefat loses what is inside), the
 * leaf is made and filled file by file, replacing what a killed run left
 * there: running it again completes it. */
static gpg_error_t
fill_leaf(struct mule_staging *s, int pfd, const char *leaf)
{
	gpg_error_t err = 0;
	char **names = NULL;
	size_t n = 0, i, top;
	int lfd;

	if (mkdirat(pfd, leaf, 0777) < 0 && errno != EEXIST)
		return create_failed(s, leaf, errno);
	lfd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (lfd < 0)
		return create_failed(s, leaf, errno);
	err = list_names(s->stagefd, &names, &n);
	s->overwrite = 1;
	s->rootfd = lfd;
	if (!err)
		err = add_pair(s, s->stagefd, lfd, "", 0, &top);
	for (i = 0; !err && i < n; i++)
		err = place(s, top, names[i], names[i]);
	free_names(names, n);
	release_pairs(s);
	if (!err)
		finish_deferred(s, lfd, 1);
	if (!err && fsync(lfd) < 0 && errno != EINVAL)
		err = create_failed(s, leaf, errno);
	close(lfd);
	if (!err && fsync(pfd) < 0 && errno != EINVAL)
		err = create_failed(s, leaf, errno);
	return err;
}

gpg_error_t
mule_staging_commit_as(struct mule_staging *s, const char *parent,
    const char *leaf)
{
	gpg_error_t err;
	int pfd, errnum;

	err = staged_to_disk(s);
	if (err)
		return err;
	if (mkdirat(s->dirfd, parent, 0777) < 0 && errno != EEXIST)
		return create_failed(s, parent, errno);
	pfd = openat(s->dirfd, parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (pfd < 0)
		return create_failed(s, parent, errno);
	if (s->no_dir_rename) {
		err = fill_leaf(s, pfd, leaf);
		close(pfd);
		return err;
	}
	/* Our staging directory, not one put in its place. */
	if (!same_entry(s->dirfd, s->stage, s->stagedev, s->stageino))
		errnum = ESTALE;
	else if (mule_rename_noreplace(s->dirfd, s->stage, pfd, leaf) < 0)
		errnum = errno;
	else
		errnum = 0;
	if (errnum) {
		close(pfd);
		if (errnum == EEXIST)
			return gpg_error(GPG_ERR_EEXIST);
		return create_failed(s, leaf, errnum);
	}
	/* It is in place: no longer ours to remove. */
	s->stage[0] = '\0';
	mule_cleanup_forget(s->slot);
	s->slot = -1;
	finish_deferred(s, s->stagefd, 0);
	if (chmod_failed(fchmod(s->stagefd, 0777 & ~s->umask))
	    || fsync(pfd) < 0) {
		err = create_failed(s, leaf, errno);
		close(pfd);
		return err;
	}
	close(pfd);
	/* Only the staging name's going from DIR: nothing to fail for. */
	(void)fsync(s->dirfd);
	return 0;
}

void
mule_staging_free(struct mule_staging *s)
{
	size_t i;

	if (!s)
		return;
	release_pairs(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->parentfd >= 0)
		close(s->parentfd);
	for (i = 0; i < s->ndirs; i++)
		if (s->dirs[i].fd >= 0)
			close(s->dirs[i].fd);
	if (s->stage[0] && s->dirfd >= 0) {
		/* What it holds through the descriptor, then the name only
		 * if it is still our directory. */
		if (s->stagefd >= 0) {
			mule_remove_tree_at(s->stagefd, ".");
			if (same_entry(s->dirfd, s->stage, s->stagedev,
			    s->stageino))
				unlinkat(s->dirfd, s->stage, AT_REMOVEDIR);
		} else
			mule_remove_tree_at(s->dirfd, s->stage);
	}
	if (s->stagefd >= 0)
		close(s->stagefd);
	mule_cleanup_forget(s->slot);
	if (s->dirfd >= 0)
		close(s->dirfd);
	for (i = 0; i < s->ndirs; i++)
		free(s->dirs[i].name);
	free(s->dirs);
	for (i = 0; i < s->ntops; i++)
		free(s->tops[i]);
	free(s->tops);
	free(s->next_name);
	for (i = 0; i < s->nmoves; i++)
		free(s->moves[i].name);
	free(s->moves);
	free(s->pairs);
	mule_nameset_release(&s->moved);
	mule_nameset_release(&s->made);
	mule_nameset_release(&s->topset);
	free(s->parent);
	free(s->dir);
	free(s);
}
