/* SPDX-License-Identifier: GPL-3.0-or-later */
/* write.c - write files and directories as a pax tar stream. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gcrypt.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/text.h"
#include "pgp/manifest.h"
#include "tar/tar.h"
#include "tar/write.h"

#define READ_SIZE (256 * 1024)
#define BLOCK 512

struct tarout {
	const struct mule_tarout_opts *o;
	struct archive *a;
	struct archive_entry *entry;
	int fd;
	uint64_t written;		/* archive bytes so far */
	int refuse;			/* failed: write nothing more */
	gpg_error_t write_err;
	gcry_md_hd_t md;
	unsigned char *buf;
	struct mule_membuf manifest;
	struct mule_progress *progress;
	struct { dev_t dev; ino_t ino; } ancestors[PATH_MAX / 2];
	size_t depth;
	int counting;			/* the first pass, for the totals */
	uint64_t count_bytes, count_files;
};

uint64_t
mule_padme(uint64_t len)
{
	unsigned e = 0, s = 0, bits;
	uint64_t mask;

	if (len < 2)
		return len;
	while ((len >> e) > 1)
		e++;			/* floor(log2 len) */
	while ((e >> s) > 0)
		s++;			/* floor(log2 e) + 1 */
	bits = e - s;
	mask = ((uint64_t)1 << bits) - 1;
	return (len + mask) & ~mask;
}

/* An error about NAME (raw bytes), escaped for the terminal. */
static gpg_error_t
name_error(gpg_error_t err, const char *name, const char *what)
{
	char *shown = mule_escape(name, strlen(name));

	err = mule_error_set(err, NULL, "%s: %s", shown ? shown : "?", what);
	free(shown);
	return err;
}

/* The name PATH is stored under: its last component, or PATH itself
 * (normalised) under -C.  NULL with *ERR set if it cannot be stored. */
static char *
stored_name(const struct mule_tarout_opts *o, const char *path,
    gpg_error_t *err)
{
	char *copy = strdup(path), *name, *p, *real = NULL;
	size_t len;

	*err = 0;
	if (!copy) {
		*err = gpg_error_from_syserror();
		return NULL;
	}
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	if (o->base_dir) {
		/* Stored as given: relative, without "." or ".." parts. */
		const char *c = copy;
		char *out = copy;

		if (*c == '/')
			goto unsafe;
		while (*c) {
			const char *slash = strchr(c, '/');
			size_t n = slash ? (size_t)(slash - c) : strlen(c);

			if (n == 2 && c[0] == '.' && c[1] == '.')
				goto unsafe;
			if (n && !(n == 1 && c[0] == '.')) {
				if (out != copy)
					*out++ = '/';
				memmove(out, c, n);
				out += n;
			}
			c += n;
			while (*c == '/')
				c++;
		}
		*out = '\0';
		if (!*copy)
			goto unsafe;
		return copy;
	}
	p = strrchr(copy, '/');
	name = p ? p + 1 : copy;
	if (!strcmp(name, ".") || !strcmp(name, "..") || !*name
	    || !strcmp(copy, "/")) {
		/* "." is stored under the directory's own name. */
		real = realpath(copy, NULL);
		p = real ? strrchr(real, '/') : NULL;
		if (!p || !p[1]) {
			free(real);
			free(copy);
			*err = mule_error_set(mule_fail_code(GPG_ERR_INV_NAME),
			    "name what is inside it, or use -C",
			    "%s: cannot store the root directory", path);
			return NULL;
		}
		name = p + 1;
	}
	name = strdup(name);
	free(real);
	free(copy);
	if (!name)
		*err = gpg_error_from_syserror();
	return name;
unsafe:
	free(copy);
	*err = mule_error_set(mule_fail_code(GPG_ERR_INV_NAME),
	    "with -C, name paths inside that directory, without \"..\"",
	    "%s: not a relative path inside the -C directory", path);
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_extra(const struct mule_tarout_opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nextras; i++)
		if (!strcmp(o->extras[i].name, name))
			return 1;
	return 0;
}

gpg_error_t
mule_tarout_check(const struct mule_tarout_opts *o)
{
	char **names;
	struct stat st;
	gpg_error_t err = 0;
	size_t i, n = 0;
	int base = AT_FDCWD;

	if (o->base_dir) {
		base = open(o->base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (base < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "-C %s: %s", o->base_dir, strerror(errno));
	}
	names = calloc(o->npaths + 1, sizeof *names);
	if (!names)
		err = gpg_error_from_syserror();
	for (i = 0; !err && i < o->npaths; i++) {
		if (fstatat(base, o->paths[i], &st, o->dereference ? 0
		    : AT_SYMLINK_NOFOLLOW) < 0) {
			err = name_error(gpg_error_from_syserror(), o->paths[i],
			    strerror(errno));
			break;
		}
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)
		    && !S_ISLNK(st.st_mode)) {
			err = name_error(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
			    o->paths[i], "not a file, directory or symlink");
			break;
		}
		names[n] = stored_name(o, o->paths[i], &err);
		if (!names[n])
			break;
		if (!strcmp(names[n], MULE_TAR_MANIFEST)
		    || !strncmp(names[n], ".mule-", 6) || is_extra(o, names[n]))
			err = name_error(mule_fail_code(GPG_ERR_INV_NAME),
			    names[n], "mule reserves this name; rename it");
		n++;
	}
	if (!err && n) {
		qsort(names, n, sizeof *names, cmp_str);
		for (i = 1; !err && i < n; i++) {
			size_t l = strlen(names[i - 1]);

			if (!strcmp(names[i - 1], names[i]))
				err = name_error(mule_fail_code(GPG_ERR_DUP_NAME),
				    names[i], "two paths would be stored under "
				    "this name");
			else if (!strncmp(names[i - 1], names[i], l)
			    && names[i][l] == '/')
				err = name_error(mule_fail_code(GPG_ERR_DUP_NAME),
				    names[i], "lies inside another path given");
		}
	}
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	if (base >= 0)
		close(base);
	return err;
}

static la_ssize_t
write_cb(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct tarout *w = arg;
	gpg_error_t err;

	(void)a;
	/* A failure is never told to libarchive (it would then leak its
	 * block buffer): the data is dropped, and every call checks
	 * write_err. */
	if (w->refuse || w->write_err)
		return (la_ssize_t)n;
	err = mule_write_all(w->fd, buf, n);
	if (err) {
		w->write_err = err;
		return (la_ssize_t)n;
	}
	w->written += n;
	return (la_ssize_t)n;
}

/* The error of a failed libarchive call: ours from the pipe if there was
 * one (the reader went away), else libarchive's. */
static gpg_error_t
archive_failed(struct tarout *w, const char *name)
{
	if (w->write_err)
		return w->write_err;
	return name_error(mule_fail_code(GPG_ERR_GENERAL), name,
	    archive_error_string(w->a) ? archive_error_string(w->a)
	    : "cannot write the archive");
}

static gpg_error_t
put_header(struct tarout *w, const char *name, const struct stat *st,
    mode_t type, int64_t size, const char *target)
{
	struct archive_entry *e = archive_entry_clear(w->entry);
	int r;

	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, st->st_mode & 07777);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	/* Who owned it here means nothing there, and tells too much. */
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, size);
	if (target)
		archive_entry_copy_symlink(e, target);
	r = archive_write_header(w->a, e);
	if (r < ARCHIVE_WARN || w->write_err)
		return archive_failed(w, name);
	return 0;
}

static gpg_error_t
put_data(struct tarout *w, const char *name, const void *buf, size_t n)
{
	if (archive_write_data(w->a, buf, n) != (ssize_t)n || w->write_err)
		return archive_failed(w, name);
	return 0;
}

static gpg_error_t add(struct tarout *w, int dirfd, const char *open_name,
    const char *name);

/* A regular file: opened without following links, checked to be the file
 * that was looked at, read once into the archive and the digest. */
static gpg_error_t
add_file(struct tarout *w, int dirfd, const char *open_name,
    const char *name, const struct stat *seen)
{
	struct stat st;
	uint64_t left;
	gpg_error_t err;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO swapped in after the look must not hang us. */
	fd = openat(dirfd, open_name, O_RDONLY | O_NOCTTY | O_NONBLOCK
	    | O_CLOEXEC | (w->o->dereference ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return name_error(gpg_error_from_syserror(), name,
		    strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_dev != seen->st_dev
	    || st.st_ino != seen->st_ino || !S_ISREG(st.st_mode)) {
		close(fd);
		return name_error(mule_fail_code(GPG_ERR_EAGAIN), name,
		    "changed while it was being stored");
	}
	err = put_header(w, name, &st, AE_IFREG, st.st_size, NULL);
	gcry_md_reset(w->md);
	for (left = (uint64_t)st.st_size; !err && left; left -= (uint64_t)n) {
		n = read(fd, w->buf, left < READ_SIZE ? (size_t)left : READ_SIZE);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0)
			err = name_error(gpg_error_from_syserror(), name,
			    strerror(errno));
		else if (n == 0)
			err = name_error(mule_fail_code(GPG_ERR_EAGAIN), name,
			    "shrank while it was being stored");
		else {
			gcry_md_write(w->md, w->buf, (size_t)n);
			err = put_data(w, name, w->buf, (size_t)n);
			mule_progress_add(w->progress, (uint64_t)n, 0);
		}
	}
	if (!err && read(fd, w->buf, 1) > 0)
		err = name_error(mule_fail_code(GPG_ERR_EAGAIN), name,
		    "grew while it was being stored");
	close(fd);
	if (!err)
		err = mule_manifest_write_line(mule_membuf_write, &w->manifest,
		    gcry_md_read(w->md, GCRY_MD_SHA256), name);
	mule_progress_add(w->progress, 0, 1);
	return err;
}

static gpg_error_t
add_dir(struct tarout *w, int parentfd, const char *open_name,
    const char *name, const struct stat *st)
{
	struct dirent *de;
	char **names = NULL, **tmp, *child;
	size_t n = 0, i;
	gpg_error_t err = 0;
	DIR *d;
	int fd;

	for (i = 0; i < w->depth; i++)
		if (w->ancestors[i].dev == st->st_dev
		    && w->ancestors[i].ino == st->st_ino) {
			char *shown = mule_escape(name, strlen(name));

			if (!w->counting)
				mule_warn("%s: skipped: a symlink loop",
				    shown ? shown : "?");
			free(shown);
			return 0;
		}
	if (w->depth >= sizeof w->ancestors / sizeof w->ancestors[0])
		return name_error(mule_fail_code(GPG_ERR_TOO_LARGE), name,
		    "too deeply nested");
	if (!w->counting)
		err = put_header(w, name, st, AE_IFDIR, 0, NULL);
	if (err)
		return err;
	fd = openat(parentfd, open_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC
	    | (w->o->dereference ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return name_error(gpg_error_from_syserror(), name,
		    errno == EMFILE ? "too deeply nested" : strerror(errno));
	d = fdopendir(dup(fd));
	if (!d) {
		close(fd);
		return name_error(gpg_error_from_syserror(), name,
		    strerror(errno));
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		tmp = realloc(names, (n + 1) * sizeof *names);
		if (!tmp || !(tmp[n] = strdup(de->d_name))) {
			names = tmp ? tmp : names;
			err = gpg_error_from_syserror();
			break;
		}
		names = tmp;
		n++;
	}
	closedir(d);
	if (!err && n)
		qsort(names, n, sizeof *names, cmp_str);	/* reproducible */
	w->ancestors[w->depth].dev = st->st_dev;
	w->ancestors[w->depth].ino = st->st_ino;
	w->depth++;
	for (i = 0; !err && i < n; i++) {
		if (asprintf(&child, "%s/%s", name, names[i]) < 0)
			err = gpg_error_from_syserror();
		else {
			err = add(w, fd, names[i], child);
			free(child);
		}
	}
	w->depth--;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(fd);
	return err;
}

static gpg_error_t
add_symlink(struct tarout *w, int dirfd, const char *open_name,
    const char *name, const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n;

	n = readlinkat(dirfd, open_name, target, sizeof target - 1);
	if (n < 0)
		return name_error(gpg_error_from_syserror(), name,
		    strerror(errno));
	target[n] = '\0';
	/* Store nothing that extracting would refuse. */
	if (mule_tar_check_symlink(name, target)) {
		mule_error_clear();
		char *shown = mule_escape(name, strlen(name));
		gpg_error_t err = mule_error_set(mule_fail_code(
		    GPG_ERR_INV_NAME), "-L stores what the links point to "
		    "instead", "%s: a symlink to a path outside what is "
		    "bundled, which mule-bundle -x would refuse",
		    shown ? shown : "?");

		free(shown);
		return err;
	}
	return put_header(w, name, st, AE_IFLNK, 0, target);
}

/* One of this process's own temporaries (the output, when it is written
 * inside what is bundled)? */
static int
own_temporary(const char *open_name)
{
	const char *base = strrchr(open_name, '/');
	char prefix[32];

	snprintf(prefix, sizeof prefix, ".mule-%ld-", (long)getpid());
	return !strncmp(base ? base + 1 : open_name, prefix, strlen(prefix));
}

static gpg_error_t
add(struct tarout *w, int dirfd, const char *open_name, const char *name)
{
	struct stat st;
	const char *p;
	char *shown;
	int depth = 1;

	if (own_temporary(open_name))
		return 0;
	for (p = name; *p; p++)
		depth += *p == '/';
	if (strlen(name) > MULE_TAR_PATH_LIMIT || depth > MULE_TAR_MAX_DEPTH)
		return name_error(mule_fail_code(GPG_ERR_TOO_LARGE), name,
		    "nested deeper than 256 levels or 4095 bytes, which "
		    "mule-bundle -x would refuse");

	if (fstatat(dirfd, open_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return name_error(gpg_error_from_syserror(), name,
		    strerror(errno));
	if (S_ISLNK(st.st_mode) && w->o->dereference) {
		struct stat target;

		if (fstatat(dirfd, open_name, &target, 0) == 0)
			st = target;
		else if (!w->counting) {
			shown = mule_escape(name, strlen(name));
			mule_warn("%s: a dangling symlink, stored as a symlink",
			    shown ? shown : "?");
			free(shown);
		}
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(w, dirfd, open_name, name, &st);
	if (S_ISREG(st.st_mode)) {
		if (w->counting) {
			w->count_bytes += (uint64_t)st.st_size;
			w->count_files++;
			return 0;
		}
		return add_file(w, dirfd, open_name, name, &st);
	}
	if (S_ISLNK(st.st_mode))
		return w->counting ? 0 : add_symlink(w, dirfd, open_name, name,
		    &st);
	if (!w->counting) {
		shown = mule_escape(name, strlen(name));
		mule_warn("%s: skipped: not a file, directory or symlink",
		    shown ? shown : "?");
		free(shown);
	}
	return 0;
}

/* An entry from data: its declared size must be what READ gives. */
static gpg_error_t
add_extra(struct tarout *w, const struct mule_tar_extra *x)
{
	struct stat st;
	uint64_t left = x->size;
	gpg_error_t err;
	size_t got;

	memset(&st, 0, sizeof st);
	st.st_mode = 0644;
	st.st_mtim.tv_sec = time(NULL);
	err = put_header(w, x->name, &st, AE_IFREG, (int64_t)x->size, NULL);
	gcry_md_reset(w->md);
	while (!err && left) {
		err = x->read(x->arg, w->buf, left < READ_SIZE ? (size_t)left
		    : READ_SIZE, &got);
		if (!err && !got)
			err = name_error(mule_fail_code(GPG_ERR_EAGAIN), x->name,
			    "shorter than announced");
		if (!err) {
			gcry_md_write(w->md, w->buf, got);
			err = put_data(w, x->name, w->buf, got);
			left -= got;
		}
	}
	if (!err)
		err = mule_manifest_write_line(mule_membuf_write, &w->manifest,
		    gcry_md_read(w->md, GCRY_MD_SHA256), x->name);
	return err;
}

/* Every path given, in order. */
static gpg_error_t
add_all(struct tarout *w, int base)
{
	gpg_error_t err = 0;
	char *name;
	size_t i;

	for (i = 0; !err && i < w->o->npaths; i++) {
		name = stored_name(w->o, w->o->paths[i], &err);
		if (name)
			err = add(w, base, w->o->paths[i], name);
		free(name);
	}
	return err;
}

static gpg_error_t
put_manifest(struct tarout *w)
{
	struct stat st;
	gpg_error_t err;

	memset(&st, 0, sizeof st);
	st.st_mode = 0644;
	st.st_mtim.tv_sec = time(NULL);
	err = put_header(w, MULE_TAR_MANIFEST, &st, AE_IFREG,
	    (int64_t)w->manifest.len, NULL);
	if (!err && w->manifest.len)
		err = put_data(w, MULE_TAR_MANIFEST, w->manifest.p,
		    w->manifest.len);
	return err;
}

/* Zero blocks after the end of the archive, up to the Padme size. */
static gpg_error_t
pad(struct tarout *w)
{
	uint64_t target = mule_padme(w->written);
	gpg_error_t err = 0;
	size_t n;

	target = (target + BLOCK - 1) / BLOCK * BLOCK;
	memset(w->buf, 0, READ_SIZE);
	while (!err && w->written < target) {
		n = target - w->written < READ_SIZE ? (size_t)(target
		    - w->written) : READ_SIZE;
		err = mule_write_all(w->fd, w->buf, n);
		w->written += n;
	}
	return err;
}

gpg_error_t
mule_tarout_count(const struct mule_tarout_opts *o, uint64_t *bytes,
    uint64_t *files)
{
	struct tarout w;
	gpg_error_t err;
	int base = AT_FDCWD;

	memset(&w, 0, sizeof w);
	w.o = o;
	w.fd = -1;
	w.counting = 1;
	if (o->base_dir) {
		base = open(o->base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (base < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "-C %s: %s", o->base_dir, strerror(errno));
	}
	err = add_all(&w, base);
	if (base != AT_FDCWD)
		close(base);
	*bytes = w.count_bytes;
	*files = w.count_files;
	return err;
}

gpg_error_t
mule_tarout_produce(void *arg, int fd)
{
	const struct mule_tarout_opts *o = arg;
	struct tarout w;
	gpg_error_t err = 0;
	int base = AT_FDCWD;

	memset(&w, 0, sizeof w);
	w.o = o;
	w.fd = fd;
	if (o->base_dir) {
		base = open(o->base_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (base < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "-C %s: %s", o->base_dir, strerror(errno));
	}
	w.buf = malloc(READ_SIZE);
	w.a = archive_write_new();
	w.entry = archive_entry_new();
	if (!w.buf || !w.a || !w.entry) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	err = gcry_md_open(&w.md, GCRY_MD_SHA256, 0);
	if (err)
		goto leave;
	if (!o->quiet && isatty(STDERR_FILENO)) {
		w.counting = 1;
		err = add_all(&w, base);
		w.counting = 0;
		w.progress = mule_progress_new("bundling", o->quiet,
		    w.count_bytes, w.count_files);
		if (err)
			goto leave;
	}
	if (archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK
	    || archive_write_add_filter_none(w.a) != ARCHIVE_OK
	    || archive_write_open2(w.a, &w, NULL, write_cb, NULL, NULL) != ARCHIVE_OK) {
		err = archive_failed(&w, "archive");
		goto leave;
	}
	for (size_t i = 0; !err && i < o->nextras; i++)
		err = add_extra(&w, &o->extras[i]);
	if (!err)
		err = add_all(&w, base);
	if (!err)
		err = put_manifest(&w);
	if (!err && (archive_write_close(w.a) != ARCHIVE_OK || w.write_err))
		err = archive_failed(&w, "archive");
	if (!err && o->pad)
		err = pad(&w);
leave:
	mule_progress_done(w.progress);
	/* After a failure, no end-of-archive blocks may follow what was
	 * written: the write callback refuses everything from now on.
	 * (archive_write_fail would leak libarchive's block buffer.) */
	if (err)
		w.refuse = 1;
	if (w.a)
		archive_write_free(w.a);
	archive_entry_free(w.entry);
	gcry_md_close(w.md);
	mule_membuf_release(&w.manifest);
	free(w.buf);
	if (base >= 0)
		close(base);
	return err;
}
