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

#include <gcrypt.h>

#include "cleanup.h"
#include "error.h"
#include "io.h"
#include "nameset.h"
#include "staging.h"
#include "text.h"

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

struct dir_meta {
	char *name;
	mode_t mode;
	int64_t mtime;		/* -1: made for the names below it */
	long mtime_nsec;
};

enum move_kind { MOVED, EXCHANGED, REPLACED, MADE_DIR };

struct move {
	char *name;		/* the same relative path in both places */
	enum move_kind kind;
	char *backup;		/* REPLACED: the old one's name in staging */
};

struct mule_staging {
	char *dir;		/* DIR, for messages */
	int dirfd;
	char stage[64];		/* its name in DIR */
	int stagefd;
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
	struct mule_nameset moved;	/* their names */
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
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[6];
	char name[256];
	size_t n;
	int i, fd, rc;

	n = (size_t)snprintf(name, sizeof name, ".mule-probe-");
	gcry_create_nonce(rnd, sizeof rnd);
	for (i = 0; i < 6; i++) {
		name[n++] = hex[rnd[i] >> 4];
		name[n++] = hex[rnd[i] & 15];
	}
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
	err = mule_nameset_put(&s->made, name, len, (int)s->ndirs);
	if (!err)
		s->ndirs++;
	return err;
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
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = (time_t)e->mtime;
	ts[1].tv_nsec = e->mtime_nsec;
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

gpg_error_t
mule_staging_new(struct mule_staging **out, const char *dir, int overwrite)
{
	static const char hex[] = "0123456789abcdef";
	struct mule_staging *s;
	unsigned char rnd[6];
	char *path = NULL;
	size_t len;
	int i;

	s = calloc(1, sizeof *s);
	if (!s)
		return gpg_error_from_syserror();
	s->stagefd = s->parentfd = s->fd = s->slot = -1;
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
	gcry_create_nonce(rnd, sizeof rnd);
	len = (size_t)snprintf(s->stage, sizeof s->stage, ".mule-%ld-",
	    (long)getpid());
	for (i = 0; i < 6; i++) {
		s->stage[len++] = hex[rnd[i] >> 4];
		s->stage[len++] = hex[rnd[i] & 15];
	}
	memcpy(s->stage + len, ".stage", sizeof ".stage");
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
	s->stagefd = openat(s->dirfd, s->stage, O_RDONLY | O_DIRECTORY
	    | O_NOFOLLOW | O_CLOEXEC);
	if (s->stagefd < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		mule_staging_free(s);
		return mule_error_set(err, NULL, "%s: %s", dir,
		    gpg_strerror(err));
	}
	*out = s;
	return 0;
}

/* Open directory NAME (a relative path of real directories) below FD. */
static int
open_path(int fd, const char *name)
{
	return openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int moved_in(const struct mule_staging *s, const char *name);

/* The archive's mode and time for directory D, found below ROOTFD
 * without following a symlink; an errno, or 0. */
static int
apply_dir_meta(const struct mule_staging *s, int rootfd,
    const struct dir_meta *d)
{
	struct timespec ts[2];
	int fd, errnum = 0;

	fd = openat(rootfd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (chmod_failed(fchmod(fd, d->mode & ~s->umask)))
		errnum = errno;
	if (d->mtime >= 0) {
		ts[0].tv_sec = 0;
		ts[0].tv_nsec = UTIME_OMIT;
		ts[1].tv_sec = (time_t)d->mtime;
		ts[1].tv_nsec = d->mtime_nsec;
		futimens(fd, ts);
	}
	close(fd);
	return errnum;
}

/* The directories' modes and times below ROOTFD, children before parents
 * (a directory without write or search permission is made so after what
 * is inside it); with ONLY_MOVED, only those the commit brought into DIR
 * (one merged into keeps its own).  The first failure is returned. */
static int
finish_dirs(struct mule_staging *s, int rootfd, int only_moved,
    const char **failed)
{
	size_t i;
	int errnum, first = 0;

	for (i = s->ndirs; i-- > 0;) {
		if (only_moved && !moved_in(s, s->dirs[i].name))
			continue;
		errnum = apply_dir_meta(s, rootfd, &s->dirs[i]);
		if (errnum && !first) {
			first = errnum;
			*failed = s->dirs[i].name;
		}
	}
	return first;
}

static gpg_error_t
log_move(struct mule_staging *s, const char *name, enum move_kind kind,
    const char *backup)
{
	struct move *tmp = realloc(s->moves, (s->nmoves + 1) * sizeof *tmp);

	if (!tmp)
		return gpg_error_from_syserror();
	s->moves = tmp;
	memset(&tmp[s->nmoves], 0, sizeof *tmp);
	tmp[s->nmoves].name = strdup(name);
	tmp[s->nmoves].backup = backup ? strdup(backup) : NULL;
	if (!tmp[s->nmoves].name || (backup && !tmp[s->nmoves].backup)) {
		free(tmp[s->nmoves].name);
		free(tmp[s->nmoves].backup);
		return gpg_error_from_syserror();
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

static gpg_error_t place(struct mule_staging *s, int sfd, int dfd,
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

/* --overwrite and both are directories: place what is inside. */
static gpg_error_t
merge(struct mule_staging *s, int sfd, int dfd, const char *name,
    const char *path)
{
	gpg_error_t err = 0;
	char **names = NULL, *child;
	size_t n = 0, i;
	int from, to;

	from = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	to = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (from < 0 || to < 0) {
		err = conflict(s, path, to < 0 && errno == ELOOP
		    ? "a symlink, not followed" : strerror(errno));
		goto leave;
	}
	err = list_names(from, &names, &n);
	for (i = 0; !err && i < n; i++) {
		if (asprintf(&child, "%s/%s", path, names[i]) < 0)
			err = gpg_error_from_syserror();
		else {
			err = place(s, from, to, names[i], child);
			free(child);
		}
	}
	if (!err && fsync(to) < 0 && errno != EINVAL)
		err = create_failed(s, path, errno);
leave:
	free_names(names, n);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return err;
}

/* Replace DFD/NAME with SFD/NAME where files cannot be exchanged in one
 * step (FUSE): the old one is first moved into staging, so that the
 * replacement can be undone. */
static gpg_error_t
replace(struct mule_staging *s, int sfd, int dfd, const char *name,
    const char *path)
{
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
	if (renameat(sfd, name, dfd, name) < 0) {
		int errnum = errno;

		renameat(sfd, backup, dfd, name);
		return create_failed(s, path, errnum);
	}
	return log_move(s, path, REPLACED, backup);
}

/* Move NAME (PATH from the top) from the staging directory SFD into DFD,
 * replacing nothing unless --overwrite. */
static gpg_error_t
place(struct mule_staging *s, int sfd, int dfd, const char *name,
    const char *path)
{
	struct stat sst, dst;
	gpg_error_t err;

	if (s->no_dir_rename && fstatat(sfd, name, &sst, AT_SYMLINK_NOFOLLOW)
	    == 0 && S_ISDIR(sst.st_mode)) {
		if (mkdirat(dfd, name, 0700) == 0) {
			err = log_move(s, path, MADE_DIR, NULL);
			return err ? err : merge(s, sfd, dfd, name, path);
		}
		if (errno != EEXIST)
			return create_failed(s, path, errno);
	} else if (rename_flags(sfd, name, dfd, RENAME_NOREPLACE) == 0)
		return log_move(s, path, MOVED, NULL);
	if (errno != EEXIST && errno != EINVAL && errno != ENOSYS
	    && errno != ENOTSUP)
		return create_failed(s, path, errno);
	if (fstatat(dfd, name, &dst, AT_SYMLINK_NOFOLLOW) < 0) {
		/* No flags here (FUSE); nothing in the way. */
		if (renameat(sfd, name, dfd, name) < 0)
			return create_failed(s, path, errno);
		return log_move(s, path, MOVED, NULL);
	}
	if (!s->overwrite)
		return conflict(s, path, "exists");
	if (fstatat(sfd, name, &sst, AT_SYMLINK_NOFOLLOW) < 0)
		return create_failed(s, path, errno);
	if (S_ISDIR(sst.st_mode) && S_ISDIR(dst.st_mode))
		return merge(s, sfd, dfd, name, path);
	if (S_ISDIR(sst.st_mode) || S_ISDIR(dst.st_mode))
		return conflict(s, path, S_ISDIR(dst.st_mode)
		    ? "a directory, which a file never replaces"
		    : "a file, which a directory never replaces");
	if (rename_flags(sfd, name, dfd, RENAME_EXCHANGE) == 0)
		return log_move(s, path, EXCHANGED, NULL);	/* the old
								 * one is
								 * staged */
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return create_failed(s, path, errno);
	return replace(s, sfd, dfd, name, path);
}

/* Undo the moves made so far, the last first. */
static void
undo_moves(struct mule_staging *s)
{
	const char *slash;
	char *parent;
	int sfd, dfd;

	while (s->nmoves) {
		struct move *m = &s->moves[--s->nmoves];

		slash = strrchr(m->name, '/');
		parent = slash ? strndup(m->name, (size_t)(slash - m->name))
		    : NULL;
		if (slash && !parent) {
			free(m->name);
			free(m->backup);
			continue;	/* no memory: leave it, never guess */
		}
		sfd = parent ? open_path(s->stagefd, parent) : dup(s->stagefd);
		dfd = parent ? open_path(s->dirfd, parent) : dup(s->dirfd);
		if (sfd >= 0 && dfd >= 0) {
			const char *base = base_of(m->name);

			if (m->kind == MADE_DIR)
				unlinkat(dfd, base, AT_REMOVEDIR);
			else if (m->kind == REPLACED) {
				if (renameat(dfd, base, sfd, base) == 0)
					renameat(sfd, m->backup, dfd, base);
			} else if (m->kind == EXCHANGED)
				rename_flags(dfd, base, sfd, RENAME_EXCHANGE);
			else if (rename_flags(dfd, base, sfd, RENAME_NOREPLACE)
			    < 0)
				renameat(dfd, base, sfd, base);
		}
		if (sfd >= 0)
			close(sfd);
		if (dfd >= 0)
			close(dfd);
		free(parent);
		free(m->name);
		free(m->backup);
	}
}


gpg_error_t
mule_staging_commit(struct mule_staging *s)
{
	const char *failed = NULL;
	struct stat st;
	gpg_error_t err = 0;
	size_t i;

	if (s->parentfd >= 0)
		close(s->parentfd);
	s->parentfd = -1;
	/* Everything on the disk before anything is in place. */
	if (syncfs(s->stagefd) < 0)
		sync();
	for (i = 0; !s->overwrite && i < s->ntops; i++)
		if (fstatat(s->dirfd, s->tops[i], &st, AT_SYMLINK_NOFOLLOW)
		    == 0)
			return conflict(s, s->tops[i], "exists");
	for (i = 0; !err && i < s->ntops; i++)
		err = place(s, s->stagefd, s->dirfd, s->tops[i], s->tops[i]);
	if (err) {
		undo_moves(s);
		return err;
	}
	/* Too late to refuse anything: a failure here is not one. */
	finish_dirs(s, s->dirfd, 1, &failed);
	if (fsync(s->dirfd) < 0 && errno != EINVAL)
		return create_failed(s, ".", errno);
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
	size_t n = 0, i;
	int lfd;

	if (mkdirat(pfd, leaf, 0777) < 0 && errno != EEXIST)
		return create_failed(s, leaf, errno);
	lfd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (lfd < 0)
		return create_failed(s, leaf, errno);
	err = list_names(s->stagefd, &names, &n);
	s->overwrite = 1;
	for (i = 0; !err && i < n; i++)
		err = place(s, s->stagefd, lfd, names[i], names[i]);
	free_names(names, n);
	if (!err && fsync(lfd) < 0 && errno != EINVAL)
		err = create_failed(s, leaf, errno);
	close(lfd);
	fsync(pfd);
	return err;
}

gpg_error_t
mule_staging_commit_as(struct mule_staging *s, const char *parent,
    const char *leaf)
{
	const char *failed = NULL;
	gpg_error_t err;
	int pfd, errnum;

	if (s->parentfd >= 0)
		close(s->parentfd);
	s->parentfd = -1;
	errnum = finish_dirs(s, s->stagefd, 0, &failed);
	if (errnum)
		return create_failed(s, failed, errnum);
	if (syncfs(s->stagefd) < 0)
		sync();
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
	if (rename2(s->dirfd, s->stage, pfd, leaf, RENAME_NOREPLACE) < 0) {
		struct stat st;

		errnum = errno;
		if (errnum == EINVAL || errnum == ENOSYS || errnum == ENOTSUP) {
			errnum = fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW)
			    == 0 ? EEXIST : 0;
			if (!errnum && renameat(s->dirfd, s->stage, pfd, leaf)
			    < 0)
				errnum = errno;
		}
		if (errnum) {
			close(pfd);
			if (errnum == EEXIST)
				return gpg_error(GPG_ERR_EEXIST);
			return create_failed(s, leaf, errnum);
		}
	}
	/* It is in place: no longer ours to remove. */
	s->stage[0] = '\0';
	mule_cleanup_forget(s->slot);
	s->slot = -1;
	if (chmod_failed(fchmodat(pfd, leaf, 0777 & ~s->umask, 0))
	    || fsync(pfd) < 0) {
		err = create_failed(s, leaf, errno);
		close(pfd);
		return err;
	}
	close(pfd);
	fsync(s->dirfd);
	return 0;
}

void
mule_staging_free(struct mule_staging *s)
{
	size_t i;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->parentfd >= 0)
		close(s->parentfd);
	if (s->stagefd >= 0)
		close(s->stagefd);
	if (s->stage[0] && s->dirfd >= 0)
		mule_remove_tree_at(s->dirfd, s->stage);
	mule_cleanup_forget(s->slot);
	if (s->dirfd >= 0)
		close(s->dirfd);
	for (i = 0; i < s->ndirs; i++)
		free(s->dirs[i].name);
	free(s->dirs);
	for (i = 0; i < s->ntops; i++)
		free(s->tops[i]);
	free(s->tops);
	for (i = 0; i < s->nmoves; i++) {
		free(s->moves[i].name);
		free(s->moves[i].backup);
	}
	free(s->moves);
	mule_nameset_release(&s->moved);
	mule_nameset_release(&s->made);
	mule_nameset_release(&s->topset);
	free(s->parent);
	free(s->dir);
	free(s);
}
