/* SPDX-License-Identifier: GPL-3.0-or-later */
/* folder.c - the MULE folder on a stick, which nobody vouches for. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/secret.h"
#include "core/testhook.h"
#include "core/text.h"
#include "stick/folder.h"

#define VERSION_TEXT "mule-stick 1\n"

static const char readme[] =
"This folder was written by mule-stick, a tool that carries sealed\n"
"(encrypted and signed) messages and files between computers that are\n"
"not connected to each other.\n"
"\n"
"Nothing in it can be read without the secret key of the person it is\n"
"for.  If you found this stick, please give it back to its owner.\n"
"\n"
"  to/FINGERPRINT/   items for the OpenPGP key with that fingerprint\n"
"  to/anyone/        items that do not say whom they are for\n"
"  rejected/         items a reader refused (damaged or forged)\n"
"\n"
"Each item is an OpenPGP message holding a tar archive; without mule,\n"
"the recipient opens one with:  gpg -d ITEM | tar -x\n"
"(gpg -d reads the parts of a split item joined: cat ITEM.* | gpg -d)\n";



int
mule_is_fpr(const char *s)
{
	return strlen(s) == 40 && mule_is_hex(s, 40, 1);
}

static int
is_cid(const char *s, size_t n)
{
	return n == 64 && mule_is_hex(s, 64, 0);
}

static gpg_error_t
not_a_dir(const char *shown)
{
	return mule_error_set(mule_fail_code(GPG_ERR_ENOTDIR),
	    "a symlink or a file is planted there: have a look",
	    "%s: not a directory", shown);
}

/* Open NAME below directory DIRFD, which must be a real directory, never
 * a symlink (one planted there would lead outside the stick), made if
 * CREATE; *FD is -1 (no error) if it is missing and !CREATE.  SHOWN is
 * its path, for messages. */
static gpg_error_t
sub_dir(int dirfd, const char *shown, const char *name, int create, int *fd)
{
	*fd = -1;
	if (create && mkdirat(dirfd, name, 0777) == 0) {
		/* The new folder's name lasts too. */
		if (mule_sync_dirfd(dirfd) < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s: %s", shown, strerror(errno));
	} else if (create && errno != EEXIST)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    shown, strerror(errno));
	*fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_NONBLOCK | O_CLOEXEC);
	if (*fd >= 0 || (errno == ENOENT && !create))
		return 0;
	if (errno == ELOOP || errno == ENOTDIR)
		return not_a_dir(shown);
	return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s", shown,
	    strerror(errno));
}

/* Write NAME in directory FD (DIR) with TEXT unless it is there. */
static gpg_error_t
put_file(int fd, const char *dir, const char *name, const char *text)
{
	struct mule_output *out = NULL;
	struct stat st;
	gpg_error_t err;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	err = mule_output_open_at(&out, fd, dir, name, 0);
	if (!err)
		err = mule_output_write(out, text, strlen(text));
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	return err;
}

/* A fresh ID with its newline. */
static void
new_id(char text[MULE_STICK_ID_LEN + 2])
{
	mule_random_hex(text, MULE_STICK_ID_LEN / 2);
	text[MULE_STICK_ID_LEN] = '\n';
	text[MULE_STICK_ID_LEN + 1] = '\0';
}

gpg_error_t
mule_stick_init(const char *path)
{
	static const char *const folders[] = { "to", "to/anyone", "rejected" };
	struct mule_stick s;
	gpg_error_t err;
	size_t i;
	int root, fd;

	memset(&s, 0, sizeof s);
	s.fd = -1;
	/* The stick's own directory is the user's word, but not a symlink,
	 * as before; everything below it is reached from it. */
	root = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return errno == ELOOP || errno == ENOTDIR ? not_a_dir(path)
		    : mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	if (asprintf(&s.mule, "%s/MULE", path) < 0) {
		close(root);
		return gpg_error_from_syserror();
	}
	err = sub_dir(root, s.mule, "MULE", 1, &s.fd);
	close(root);
	mule_test_pause("stick-init-after-open");
	for (i = 0; !err && i < sizeof folders / sizeof folders[0]; i++) {
		err = mule_stick_folder(&s, folders[i], 1, &fd, NULL);
		if (fd >= 0)
			close(fd);
	}
	if (!err)
		err = put_file(s.fd, s.mule, "README.txt", readme);
	if (!err)
		err = put_file(s.fd, s.mule, "VERSION", VERSION_TEXT);
	if (!err) {
		char id[MULE_STICK_ID_LEN + 2];

		new_id(id);
		err = put_file(s.fd, s.mule, "ID", id);
	}
	mule_stick_close(&s);
	return err;
}

gpg_error_t
mule_stick_open(struct mule_stick *s, const char *path)
{
	char buf[64], hint[512];
	struct stat st;
	gpg_error_t err = 0;
	ssize_t n;
	int fd, root;

	memset(s, 0, sizeof s[0]);
	s->fd = -1;
	s->root = strdup(path);
	if (!s->root || asprintf(&s->mule, "%s/MULE", path) < 0) {
		s->mule = NULL;
		return gpg_error_from_syserror();
	}
	/* MULE is opened once, and everything is reached from it: whatever
	 * is renamed or planted on the stick later, no path is looked up
	 * again from the top. */
	root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 && errno == ENOENT)
		return mule_error_set(mule_fail_code(GPG_ERR_ENOENT), NULL,
		    "%s not found (is the stick mounted?)", path);
	if (root < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	err = sub_dir(root, s->mule, "MULE", 0, &s->fd);
	close(root);
	/* The hint for a folder that is no stick (yet), its path in full
	 * unless that is too long for a line. */
	if (strlen(path) < 400)
		snprintf(hint, sizeof hint, "lay it out with: mule-stick init "
		    "%s", path);
	else
		snprintf(hint, sizeof hint, "lay it out with mule-stick init");
	if (err || s->fd < 0) {
		mule_error_clear();
		return mule_error_set(mule_fail_code(GPG_ERR_ENOENT), hint,
		    "%s: no MULE folder (not a mule stick?)", path);
	}
	/* Looked at before it is opened: a device planted there must not
	 * even be opened. */
	fd = fstatat(s->fd, "VERSION", &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode) ? openat(s->fd, "VERSION", O_RDONLY
	    | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)strlen(VERSION_TEXT) || memcmp(buf, VERSION_TEXT, (size_t)n))
		return mule_error_set(mule_fail_code(GPG_ERR_UNSUPPORTED_PROTOCOL),
		    hint, "%s: MULE/VERSION is missing or not \"mule-stick 1\"",
		    path);
	return 0;
}

/* MULE/ID of S in ID: 0, or -1 with errno (ENOENT: not there). */
static int
read_id(const struct mule_stick *s, char id[MULE_STICK_ID_LEN + 1])
{
	char buf[MULE_STICK_ID_LEN + 2];
	struct stat st;
	ssize_t n;
	int fd;

	/* Looked at before it is opened, as VERSION is. */
	if (fstatat(s->fd, "ID", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(s->fd, "ID", O_RDONLY | O_NOFOLLOW | O_NONBLOCK
	    | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return -1;
	if (n != MULE_STICK_ID_LEN + 1 || buf[MULE_STICK_ID_LEN] != '\n'
	    || !mule_is_hex(buf, MULE_STICK_ID_LEN, 0)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(id, buf, MULE_STICK_ID_LEN);
	id[MULE_STICK_ID_LEN] = '\0';
	return 0;
}

gpg_error_t
mule_stick_id(const struct mule_stick *s, int create,
    char id[MULE_STICK_ID_LEN + 1])
{
	char text[MULE_STICK_ID_LEN + 2];
	gpg_error_t err;

	if (read_id(s, id) == 0)
		return 0;
	if (errno == ENOENT && create) {
		/* Two puts at once: the one that comes second reads the
		 * first one's. */
		new_id(text);
		err = put_file(s->fd, s->mule, "ID", text);
		if (gpg_err_code(err) == GPG_ERR_EEXIST)
			mule_error_clear();
		else if (err)
			return err;
		if (read_id(s, id) == 0)
			return 0;
	}
	if (errno == EINVAL)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    "remove it: the next put makes a new one",
		    "%s/ID: not a stick ID", s->mule);
	return mule_error_set(gpg_error_from_syserror(), NULL, "%s/ID: %s",
	    s->mule, strerror(errno));
}

void
mule_stick_close(struct mule_stick *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->root);
	free(s->mule);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

gpg_error_t
mule_stick_folder(const struct mule_stick *s, const char *rel, int create,
    int *fd, char **path)
{
	gpg_error_t err = 0;
	char *p, *name, *slash;
	size_t base;
	int cur = s->fd, next;

	*fd = -1;
	if (path)
		*path = NULL;
	if (asprintf(&p, "%s/%s", s->mule, rel) < 0)
		return gpg_error_from_syserror();
	/* Component by component from the MULE folder held open: a symlink
	 * planted as MULE/to would lead outside the stick. */
	base = strlen(s->mule) + 1;
	for (name = p + base; !err; name = slash + 1) {
		slash = strchr(name, '/');
		if (slash)
			*slash = '\0';
		err = sub_dir(cur, p, name, create, &next);
		if (cur != s->fd)
			close(cur);
		cur = next;
		if (err || cur < 0 || !slash)
			break;
		*slash = '/';
	}
	if (err || cur < 0) {
		free(p);
		return err;
	}
	*fd = cur;
	if (path)
		*path = p;
	else
		free(p);
	return 0;
}

static void
warn_skip(const char *folder, const char *name, const char *why)
{
	char *f = mule_escape(folder, strlen(folder));
	char *n = mule_escape(name, strlen(name));

	mule_warn("%s/%s: %s, skipped", f ? f : "?", n ? n : "?", why);
	free(f);
	free(n);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

gpg_error_t
mule_stick_recipients(const struct mule_stick *s, char ***names, size_t *n)
{
	struct dirent *de;
	struct stat st;
	char *to, **list = NULL, **tmp;
	size_t count = 0;
	gpg_error_t err = 0;
	int fd;
	DIR *d;

	*names = NULL;
	*n = 0;
	err = mule_stick_folder(s, "to", 0, &fd, &to);
	if (err || fd < 0)
		return err;
	d = fdopendir(fd);
	if (!d) {
		err = mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    to, strerror(errno));
		close(fd);
		free(to);
		return err;
	}
	while (!err && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!mule_is_fpr(de->d_name) && strcmp(de->d_name,
		    MULE_STICK_ANYONE)) {
			warn_skip(to, de->d_name, "not a recipient folder");
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISDIR(st.st_mode)) {
			warn_skip(to, de->d_name, "not a directory");
			continue;
		}
		tmp = realloc(list, (count + 1) * sizeof *list);
		if (!tmp || !(tmp[count] = strdup(de->d_name))) {
			list = tmp ? tmp : list;
			err = gpg_error_from_syserror();
			break;
		}
		list = tmp;
		count++;
	}
	closedir(d);
	free(to);
	if (count)
		qsort(list, count, sizeof *list, cmp_str);
	*names = list;
	*n = count;
	return err;
}

static int
cmp_items(const void *a, const void *b)
{
	const struct mule_stick_item *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->cid, y->cid);
}

/* The item with CID in ITEMS, added if new. */
static struct mule_stick_item *
item_for(struct mule_stick_item **items, size_t *n, const char *cid)
{
	struct mule_stick_item *tmp;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!memcmp((*items)[i].cid, cid, 64))
			return &(*items)[i];
	tmp = realloc(*items, (*n + 1) * sizeof *tmp);
	if (!tmp)
		return NULL;
	*items = tmp;
	memset(&tmp[*n], 0, sizeof *tmp);
	memcpy(tmp[*n].cid, cid, 64);
	return &tmp[(*n)++];
}

/* A split item is complete when parts 001..N are all there: which is
 * the first missing, and the size of those that are.  -1 if out of
 * memory. */
static void
check_parts(int fd, struct mule_stick_item *it)
{
	struct stat st;
	unsigned part;
	char f[80];

	it->complete = 1;
	it->missing = 0;
	it->size = 0;
	for (part = 1; part <= it->nparts; part++) {
		snprintf(f, sizeof f, "%s.gpg.%03u", it->cid, part);
		if (fstatat(fd, f, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISREG(st.st_mode)) {
			it->complete = 0;
			if (!it->missing)
				it->missing = part;
		} else
			it->size += (uint64_t)st.st_size;
	}
}

void
mule_stick_item_refresh(int fd, struct mule_stick_item *it)
{
	if (it->nparts)
		check_parts(fd, it);
}

gpg_error_t
mule_stick_items(int fd, const char *path, struct mule_stick_item **items,
    size_t *n)
{
	struct mule_stick_item *list = NULL, *it;
	struct dirent *de;
	struct stat st;
	size_t count = 0, i, len;
	unsigned part;
	int dfd;
	DIR *d;

	*items = NULL;
	*n = 0;
	/* A stream of its own over the folder held open. */
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		int e = errno;

		if (dfd >= 0)
			close(dfd);
		return mule_error_set(gpg_error_from_errno(e), NULL, "%s: %s",
		    path, strerror(e));
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;

		len = strlen(name);
		if (!strcmp(name, ".") || !strcmp(name, "..")
		    || !strncmp(name, ".mule-", 6))
			continue;	/* ours, in progress or stale */
		part = 0;
		if (len == 68 && is_cid(name, 64) && !strcmp(name + 64, ".gpg"))
			part = 0;
		else if (len == 72 && is_cid(name, 64)
		    && !strncmp(name + 64, ".gpg.", 5) && name[69] >= '0'
		    && name[69] <= '9' && name[70] >= '0' && name[70] <= '9'
		    && name[71] >= '0' && name[71] <= '9')
			part = (unsigned)atoi(name + 69);
		else {
			warn_skip(path, name, "not an item");
			continue;
		}
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISREG(st.st_mode)) {
			warn_skip(path, name, "not a regular file");
			continue;
		}
		if (len == 72 && !part) {
			warn_skip(path, name, "not an item");
			continue;
		}
		it = item_for(&list, &count, name);
		if (!it) {
			closedir(d);
			free(list);
			return gpg_error_from_syserror();
		}
		if (!part) {
			it->complete = 1;
			it->size = (uint64_t)st.st_size;
		} else {
			if (part > it->nparts)
				it->nparts = part;
			it->size += (uint64_t)st.st_size;
		}
		if (!it->mtime || st.st_mtime < it->mtime)
			it->mtime = st.st_mtime;
	}
	closedir(d);
	for (i = 0; i < count; i++)
		if (list[i].nparts)
			check_parts(fd, &list[i]);
	if (count)
		qsort(list, count, sizeof *list, cmp_items);
	*items = list;
	*n = count;
	return 0;
}

void
mule_stick_item_name(const struct mule_stick_item *it, char name[80])
{
	snprintf(name, 80, it->nparts ? "%s.gpg.001" : "%s.gpg", it->cid);
}

/* Remove NAME from FD, or move it to DEST (>= 0), if it is a regular
 * file: what is planted under the name of a missing part (a directory, a
 * symlink) is never renamed or removed.  Both are directories held open:
 * nothing is looked up by path. */
static int
regular_op(int fd, const char *name, int dest)
{
	struct stat st;
	int rc;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	rc = dest >= 0 ? renameat(fd, name, dest, name) : unlinkat(fd, name, 0);
	return rc < 0 && errno != ENOENT ? -1 : 0;
}

/* Remove every file of ITEM from folder FD (PATH, for messages), or move
 * them to folder DEST.  Removing, the first part goes first (the item is
 * gone for readers at once); moving, it goes last (it appears complete
 * at the destination only at the end). */
static gpg_error_t
each_file(int fd, const char *path, const struct mule_stick_item *it,
    int dest)
{
	char name[80];
	unsigned i, part;
	int rc = 0;

	if (!it->nparts) {
		snprintf(name, sizeof name, "%s.gpg", it->cid);
		rc = regular_op(fd, name, dest);
	}
	for (i = 0; !rc && i < it->nparts; i++) {
		part = dest >= 0 ? it->nparts - i : i + 1;
		snprintf(name, sizeof name, "%s.gpg.%03u", it->cid, part);
		rc = regular_op(fd, name, dest);
	}
	/* Gone (or moved) for good before we say so. */
	if (!rc)
		rc = mule_sync_dirfd(fd);
	if (!rc && dest >= 0)
		rc = mule_sync_dirfd(dest);
	if (rc)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	return 0;
}

gpg_error_t
mule_stick_item_remove(int fd, const char *path,
    const struct mule_stick_item *it)
{
	return each_file(fd, path, it, -1);
}

gpg_error_t
mule_stick_item_reject(const struct mule_stick *s, int fd, const char *path,
    const struct mule_stick_item *it)
{
	gpg_error_t err;
	int rejected;

	err = mule_stick_folder(s, "rejected", 1, &rejected, NULL);
	if (err)
		return err;
	mule_test_pause("stick-reject-after-open");
	err = each_file(fd, path, it, rejected);
	close(rejected);
	return err;
}
