/* io.c - input, atomic output and held-back output. */
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

#include <gcrypt.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/hold.h"
#include "core/io.h"
#include "core/testhook.h"

#define STALE_AGE (24 * 60 * 60)
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
mule_fd_write(void *arg, const void *buf, size_t n)
{
	return mule_write_all(*(int *)arg, buf, n);
}

gpg_error_t
mule_input_open(int *fd, const char *path)
{
	struct stat st;
	gpg_error_t err;

	*fd = -1;
	if (!path || !strcmp(path, "-")) {
		*fd = 0;
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

/* A fresh DIR stream over directory DIRFD (its own file offset). */
static DIR *
dir_at(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (fd >= 0 && !d)
		close(fd);
	return d;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static long long
boot_time(void)
{
	char line[256];
	long long btime = -1;
	FILE *f = fopen("/proc/stat", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime;
}

/* Is the process that made a file last changed at MTIME gone?  Its PID
 * may name a zombie nobody reaps (containers), or a newer process that got
 * the number again: /proc tells both apart from the owner. */
static int
process_gone(long pid, time_t mtime)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	unsigned long long start = 0;
	long long btime;
	size_t n;
	int field;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	if (!p || !p[1] || !p[2])
		return 0;
	if (p[2] == 'Z' || p[2] == 'X')
		return 1;
	/* Field 22 is the start time in clock ticks after boot; the state
	 * after ')' is field 3. */
	for (field = 3, tok = strtok_r(p + 2, " ", &save); tok && field < 22;
	    field++)
		tok = strtok_r(NULL, " ", &save);
	btime = boot_time();
	if (!tok || btime < 0 || sysconf(_SC_CLK_TCK) <= 0)
		return 0;
	start = strtoull(tok, NULL, 10) / (unsigned long long)sysconf(_SC_CLK_TCK);
	return (long long)start + btime > (long long)mtime + 1;
}

/* Is this ".mule-PID-XXXXXX.tmp" (a file) or ".mule-PID-XXXXXX.stage" (a
 * staging directory of mule-bundle -x) from a dead or old run? */
static int
is_stale(int dirfd, const char *name, uid_t uid, time_t now)
{
	struct stat st;
	char *end;
	long pid;

	if (strncmp(name, ".mule-", 6))
		return 0;
	pid = strtol(name + 6, &end, 10);
	if (end == name + 6 || *end != '-' || pid <= 0)
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!(ends_with(name, ".tmp") && S_ISREG(st.st_mode))
	    && !(ends_with(name, ".stage") && S_ISDIR(st.st_mode)))
		return 0;
	if (st.st_uid != uid)
		return 0;
	if (now - st.st_mtime > STALE_AGE)
		return 1;
	if (pid == getpid())
		return 0;
	return process_gone(pid, st.st_mtime);
}

/* The PID in NAME if it is exactly ".mule-PID-XXXXXXXXXXXX.tmp", the
 * name open_temp makes (PID in decimal, twelve lower-case hex digits);
 * else 0. */
static long
temp_pid(const char *name)
{
	const char *p = name + 6;
	long pid = 0;
	int i;

	if (strncmp(name, ".mule-", 6) || *p < '1' || *p > '9')
		return 0;
	for (i = 0; *p >= '0' && *p <= '9'; p++, i++) {
		if (i == 9)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	if (*p++ != '-')
		return 0;
	for (i = 0; i < 12; i++, p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return strcmp(p, ".tmp") ? 0 : pid;
}

/* Is process PID a mule-stick running on this computer?  Where there is
 * no /proc, any running process is taken to be one. */
static int
runs_mule_stick(long pid)
{
	char path[64], buf[256], *open_paren, *close_paren;
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f) {
		if (access("/proc/self/stat", F_OK) == 0)
			return 0;
		return kill((pid_t)pid, 0) == 0 || errno == EPERM;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren
	    || !close_paren[1] || close_paren[2] == 'Z'
	    || close_paren[2] == 'X')
		return 0;
	*close_paren = '\0';
	return !strcmp(open_paren + 1, "mule-stick");
}

int
mule_output_busy(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), busy;

	if (fd < 0)
		return 0;
	busy = mule_output_busy_at(fd);
	close(fd);
	return busy;
}

int
mule_output_busy_at(int folder)
{
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	int busy = 0;
	long pid;
	DIR *d;

	d = dir_at(folder);
	if (!d)
		return 0;
	while (!busy && (de = readdir(d))) {
		pid = temp_pid(de->d_name);
		if (!pid || pid == (long)getpid()
		    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISREG(st.st_mode))
			continue;
		/* FAT keeps local time: a FUSE driver in another time zone
		 * than the writer shifts it by hours, either way. */
		if (now - st.st_mtime > STALE_AGE || st.st_mtime - now > STALE_AGE)
			continue;
		busy = runs_mule_stick(pid);
	}
	closedir(d);
	return busy;
}

void
mule_output_clean_stale(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		mule_output_clean_stale_at(fd);
		close(fd);
	}
}

void
mule_output_clean_stale_at(int folder)
{
	struct dirent *de;
	time_t now = time(NULL);
	DIR *d;

	d = dir_at(folder);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (is_stale(dirfd(d), de->d_name, geteuid(), now))
			mule_remove_tree_at(dirfd(d), de->d_name);
	closedir(d);
}

static gpg_error_t
open_temp(struct mule_output *o)
{
	unsigned char rnd[6];
	static const char hex[] = "0123456789abcdef";
	char name[64];
	size_t len;
	int tries, i;

	for (tries = 0; tries < 16; tries++) {
		gcry_create_nonce(rnd, sizeof rnd);
		len = (size_t)snprintf(name, sizeof name, ".mule-%ld-",
		    (long)getpid());
		for (i = 0; i < 6; i++) {
			name[len++] = hex[rnd[i] >> 4];
			name[len++] = hex[rnd[i] & 15];
		}
		memcpy(name + len, ".tmp", 5);
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
			    "redirect it, or use -o FILE",
			    "refusing to write binary data to a terminal");
			goto leave;
		}
		if (flags & MULE_OUTPUT_HOLD)
			err = mule_hold_new(&o->hold);
		goto leave;
	}
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			err = mule_error_set(gpg_error(S_ISDIR(st.st_mode)
			    ? GPG_ERR_EISDIR : GPG_ERR_EEXIST),
			    "name a regular file", "%s: is a %s", path,
			    S_ISDIR(st.st_mode) ? "directory" : "socket or other "
			    "special file");
			goto leave;
		}
		if (!(flags & MULE_OUTPUT_FORCE)) {
			err = mule_error_set(gpg_error(GPG_ERR_EEXIST),
			    "use --force to replace it", "%s: file exists", path);
			goto leave;
		}
	}
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
	if (err) {
		mule_output_free(o);
		return err;
	}
	*out = o;
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
	if (fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			err = mule_error_set(gpg_error(S_ISDIR(st.st_mode)
			    ? GPG_ERR_EISDIR : GPG_ERR_EEXIST),
			    "name a regular file", "%s: is a %s", o->path,
			    S_ISDIR(st.st_mode) ? "directory" : "special file");
			goto leave;
		}
		if (!(flags & MULE_OUTPUT_FORCE)) {
			err = mule_error_set(gpg_error(GPG_ERR_EEXIST),
			    "use --force to replace it", "%s: file exists",
			    o->path);
			goto leave;
		}
	}
	if (!(flags & MULE_OUTPUT_BATCH))
		mule_output_clean_stale_at(o->dirfd);
	err = open_temp(o);
leave:
	if (err) {
		mule_output_free(o);
		return err;
	}
	*out = o;
	return 0;
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
		return mule_error_set(err, gpg_err_code(err) == GPG_ERR_ENOSPC
		    ? "free some space, or write elsewhere with -o" : NULL,
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

gpg_error_t
mule_output_commit(struct mule_output *o)
{
	gpg_error_t err;

	if (o->committed)
		return 0;
	if (!o->path) {
		if (o->hold && isatty(o->fd)) {
			int binary;

			err = mule_hold_scan_binary(o->hold, &binary);
			if (!err && binary)
				return mule_error_set(mule_fail_code(GPG_ERR_INV_ARG),
				    "redirect it, or use -o FILE",
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
