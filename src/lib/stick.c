/* stick.c - the MULE folder on a stick, which nobody vouches for. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "io.h"
#include "stick.h"
#include "text.h"

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

/* Make directory PATH if missing; it must be a real directory. */
static gpg_error_t
real_dir(const char *path, int create)
{
	struct stat st;

	if (create && mkdir(path, 0777) == 0) {
		/* The new folder's name is durable too. */
		char *parent = strdup(path), *slash;

		slash = parent ? strrchr(parent, '/') : NULL;
		if (slash) {
			*slash = '\0';
			mule_sync_dir(parent);
		}
		free(parent);
	} else if (create && errno != EEXIST)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	if (lstat(path, &st) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return mule_error_set(mule_fail_code(GPG_ERR_ENOTDIR),
		    "a symlink or a file is planted there: have a look",
		    "%s: not a directory", path);
	return 0;
}

/* Write NAME in DIR with TEXT unless it is there. */
static gpg_error_t
put_file(const char *dir, const char *name, const char *text)
{
	struct mule_output *out = NULL;
	struct stat st;
	gpg_error_t err;
	char *path;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return gpg_error_from_syserror();
	if (lstat(path, &st) == 0) {
		free(path);
		return 0;
	}
	err = mule_output_open(&out, path, 0);
	if (!err)
		err = mule_output_write(out, text, strlen(text));
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	free(path);
	return err;
}

gpg_error_t
mule_stick_init(const char *path)
{
	static const char *const folders[] = { "to", "to/anyone", "rejected" };
	struct mule_stick s;
	gpg_error_t err;
	char *sub;
	size_t i;

	memset(&s, 0, sizeof s);
	err = real_dir(path, 0);
	if (err)
		return err;
	if (asprintf(&s.mule, "%s/MULE", path) < 0)
		return gpg_error_from_syserror();
	err = real_dir(s.mule, 1);
	for (i = 0; !err && i < sizeof folders / sizeof folders[0]; i++) {
		if (asprintf(&sub, "%s/%s", s.mule, folders[i]) < 0)
			err = gpg_error_from_syserror();
		else {
			err = real_dir(sub, 1);
			free(sub);
		}
	}
	if (!err)
		err = put_file(s.mule, "README.txt", readme);
	if (!err)
		err = put_file(s.mule, "VERSION", VERSION_TEXT);
	free(s.mule);
	return err;
}

gpg_error_t
mule_stick_open(struct mule_stick *s, const char *path)
{
	char buf[64];
	char *version;
	struct stat st;
	gpg_error_t err;
	ssize_t n;
	int fd;

	memset(s, 0, sizeof s[0]);
	s->root = strdup(path);
	if (!s->root || asprintf(&s->mule, "%s/MULE", path) < 0) {
		s->mule = NULL;
		return gpg_error_from_syserror();
	}
	err = real_dir(s->mule, 0);
	if (err) {
		mule_error_clear();
		return mule_error_set(mule_fail_code(GPG_ERR_ENOENT),
		    "lay it out with: mule-stick init STICK",
		    "%s: no MULE folder (not a mule stick?)", path);
	}
	if (asprintf(&version, "%s/VERSION", s->mule) < 0)
		return gpg_error_from_syserror();
	/* Looked at before it is opened: a device planted there must not
	 * even be opened. */
	fd = lstat(version, &st) == 0 && S_ISREG(st.st_mode) ? open(version,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	free(version);
	n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)strlen(VERSION_TEXT) || memcmp(buf, VERSION_TEXT, (size_t)n))
		return mule_error_set(mule_fail_code(GPG_ERR_UNSUPPORTED_PROTOCOL),
		    "lay it out with: mule-stick init STICK",
		    "%s: MULE/VERSION is missing or not \"mule-stick 1\"", path);
	return 0;
}

void
mule_stick_close(struct mule_stick *s)
{
	free(s->root);
	free(s->mule);
	memset(s, 0, sizeof *s);
}

gpg_error_t
mule_stick_folder(const struct mule_stick *s, const char *rel, int create,
    char **path)
{
	gpg_error_t err = 0;
	struct stat st;
	char *p, *slash;

	*path = NULL;
	if (asprintf(&p, "%s/%s", s->mule, rel) < 0)
		return gpg_error_from_syserror();
	/* Every component below MULE must be a real directory: a symlink
	 * planted as MULE/to would lead outside the stick. */
	for (slash = p + strlen(s->mule) + 1; !err; slash++) {
		slash = strchr(slash, '/');
		if (slash)
			*slash = '\0';
		if (!create && lstat(p, &st) < 0 && errno == ENOENT) {
			free(p);
			return 0;
		}
		err = real_dir(p, create);
		if (!slash)
			break;
		*slash = '/';
	}
	if (err) {
		free(p);
		return err;
	}
	*path = p;
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
	DIR *d;

	*names = NULL;
	*n = 0;
	err = mule_stick_folder(s, "to", 0, &to);
	if (err || !to)
		return err;
	d = opendir(to);
	if (!d) {
		err = mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    to, strerror(errno));
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
static int
check_parts(const char *path, struct mule_stick_item *it)
{
	struct stat st;
	unsigned part;
	char *f;

	it->complete = 1;
	it->missing = 0;
	it->size = 0;
	for (part = 1; part <= it->nparts; part++) {
		if (asprintf(&f, "%s/%s.gpg.%03u", path, it->cid, part) < 0)
			return -1;
		if (lstat(f, &st) < 0 || !S_ISREG(st.st_mode)) {
			it->complete = 0;
			if (!it->missing)
				it->missing = part;
		} else
			it->size += (uint64_t)st.st_size;
		free(f);
	}
	return 0;
}

gpg_error_t
mule_stick_item_refresh(const char *folder, struct mule_stick_item *it)
{
	if (it->nparts && check_parts(folder, it))
		return gpg_error_from_syserror();
	return 0;
}

gpg_error_t
mule_stick_items(const char *path, struct mule_stick_item **items,
    size_t *n)
{
	struct mule_stick_item *list = NULL, *it;
	struct dirent *de;
	struct stat st;
	size_t count = 0, i, len;
	unsigned part;
	DIR *d;

	*items = NULL;
	*n = 0;
	d = opendir(path);
	if (!d)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
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
		if (list[i].nparts && check_parts(path, &list[i])) {
			free(list);
			return gpg_error_from_syserror();
		}
	if (count)
		qsort(list, count, sizeof *list, cmp_items);
	*items = list;
	*n = count;
	return 0;
}

char *
mule_stick_item_file(const char *folder, const struct mule_stick_item *it)
{
	char *f;

	if (asprintf(&f, it->nparts ? "%s/%s.gpg.001" : "%s/%s.gpg", folder,
	    it->cid) < 0)
		return NULL;
	return f;
}

/* OP on FROM if it is a regular file: what is planted under the name of
 * a missing part (a directory, a symlink) is never renamed or removed. */
static int
regular_op(int (*op)(const char *from, const char *to), const char *from,
    const char *to)
{
	struct stat st;

	if (lstat(from, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return S_ISREG(st.st_mode) ? op(from, to) : 0;
}

/* Apply OP to every file of ITEM.  Removing, the first part goes first
 * (the item is gone for readers at once); moving, it goes last (it
 * appears complete at the destination only at the end). */
static gpg_error_t
each_file(const char *folder, const struct mule_stick_item *it,
    int (*op)(const char *from, const char *to), const char *dest)
{
	char *from = NULL, *to = NULL;
	unsigned i, part;
	int rc = 0;

	if (!it->nparts) {
		if (asprintf(&from, "%s/%s.gpg", folder, it->cid) < 0
		    || (dest && asprintf(&to, "%s/%s.gpg", dest, it->cid) < 0))
			return gpg_error_from_syserror();
		rc = regular_op(op, from, to);
	}
	for (i = 0; !rc && i < it->nparts; i++) {
		part = dest ? it->nparts - i : i + 1;
		free(from);
		free(to);
		to = NULL;
		if (asprintf(&from, "%s/%s.gpg.%03u", folder, it->cid, part) < 0
		    || (dest && asprintf(&to, "%s/%s.gpg.%03u", dest, it->cid,
		    part) < 0))
			return gpg_error_from_syserror();
		rc = regular_op(op, from, to);
	}
	free(from);
	free(to);
	if (rc)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    folder, strerror(errno));
	mule_sync_dir(folder);
	if (dest)
		mule_sync_dir(dest);
	return 0;
}

static int
remove_op(const char *from, const char *to)
{
	(void)to;
	return unlink(from) < 0 && errno != ENOENT ? -1 : 0;
}

static int
move_op(const char *from, const char *to)
{
	return rename(from, to) < 0 && errno != ENOENT ? -1 : 0;
}

gpg_error_t
mule_stick_item_remove(const char *folder, const struct mule_stick_item *it)
{
	return each_file(folder, it, remove_op, NULL);
}

gpg_error_t
mule_stick_item_reject(const struct mule_stick *s, const char *folder,
    const struct mule_stick_item *it)
{
	char *rejected;
	gpg_error_t err;

	err = mule_stick_folder(s, "rejected", 1, &rejected);
	if (err)
		return err;
	err = each_file(folder, it, move_op, rejected);
	free(rejected);
	return err;
}
