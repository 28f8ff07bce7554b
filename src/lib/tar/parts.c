/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parts.c - a bundle cut into numbered parts NAME.001, NAME.002, ... */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/testhook.h"
#include "tar/parts.h"

struct mule_split {
	char *path;
	int dirfd;		/* AT_FDCWD, or the directory held open */
	size_t skip;		/* in path: where the name below dirfd starts */
	uint64_t part_size;
	int force;
	struct mule_output *parts[MULE_PARTS_MAX];
	size_t nparts;
	uint64_t in_part;	/* bytes in the last part */
};

/* The number N if NAME is BASE.NNN (three or more digits), else 0. */
static unsigned
part_number(const char *name, const char *base, size_t blen)
{
	const char *p;
	unsigned long n;
	char *end;

	if (strncmp(name, base, blen) || name[blen] != '.')
		return 0;
	p = name + blen + 1;
	if (strlen(p) != 3 || p[0] < '0' || p[0] > '9')
		return 0;
	n = strtoul(p, &end, 10);
	return *end || n > MULE_PARTS_MAX ? 0 : (unsigned)n;
}

/* Split PATH into its directory (malloc'ed, "." if none) and base. */
static char *
split_path(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!slash)
		return strdup(".");
	return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* The part numbers present for BASE in DIR (held open as DIRFD, unless
 * AT_FDCWD), as a bit set. */
static gpg_error_t
parts_present(int dirfd, const char *dir, const char *base,
    unsigned char *present, unsigned *highest)
{
	struct dirent *de;
	size_t blen = strlen(base);
	unsigned n;
	int fd;
	DIR *d;

	if (dirfd == AT_FDCWD)
		d = opendir(dir);
	else {
		fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd < 0 ? NULL : fdopendir(fd);
		if (fd >= 0 && !d)
			close(fd);
	}
	*highest = 0;
	if (!d)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    dir, strerror(errno));
	while ((de = readdir(d))) {
		n = part_number(de->d_name, base, blen);
		if (n) {
			present[n] = 1;
			if (n > *highest)
				*highest = n;
		}
	}
	closedir(d);
	return 0;
}

static gpg_error_t
split_open(struct mule_split **out, int dirfd, const char *path, size_t skip,
    uint64_t size, int force)
{
	unsigned char present[MULE_PARTS_MAX + 1] = { 0 };
	struct mule_split *sp;
	const char *base;
	char *dir;
	unsigned highest;
	gpg_error_t err;

	*out = NULL;
	dir = split_path(path, &base);
	if (!dir)
		return gpg_error_from_syserror();
	err = parts_present(dirfd, dir, base, present, &highest);
	free(dir);
	if (err)
		return err;
	if (highest && !force)
		return mule_error_set(mule_fail_code(GPG_ERR_EEXIST),
		    "use --force to replace them", "%s.%03u exists", path,
		    highest);
	sp = calloc(1, sizeof *sp);
	if (!sp || !(sp->path = strdup(path))) {
		free(sp);
		return gpg_error_from_syserror();
	}
	sp->dirfd = AT_FDCWD;
	if (dirfd != AT_FDCWD
	    && (sp->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3)) < 0) {
		err = gpg_error_from_syserror();
		free(sp->path);
		free(sp);
		return err;
	}
	sp->skip = skip;
	sp->part_size = size;
	sp->force = force;
	*out = sp;
	return 0;
}

gpg_error_t
mule_split_open(struct mule_split **out, const char *path, uint64_t size,
    int force)
{
	return split_open(out, AT_FDCWD, path, 0, size, force);
}

gpg_error_t
mule_split_open_at(struct mule_split **out, int dirfd, const char *dir,
    const char *name, uint64_t size, int force)
{
	gpg_error_t err;
	char *path;

	if ((err = mule_path_join(dir, name, &path)))
		return err;
	err = split_open(out, dirfd, path, strlen(dir) + 1, size, force);
	free(path);
	return err;
}

static gpg_error_t
next_part(struct mule_split *sp)
{
	char *name;
	gpg_error_t err;

	if (sp->nparts == MULE_PARTS_MAX)
		return mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
		    "use a larger --split size", "more than %d parts",
		    MULE_PARTS_MAX);
	if (asprintf(&name, "%s.%03zu", sp->path, sp->nparts + 1) < 0)
		return gpg_error_from_syserror();
	if (sp->dirfd == AT_FDCWD)
		err = mule_output_open(&sp->parts[sp->nparts], name,
		    MULE_OUTPUT_FORCE);
	else {
		name[sp->skip - 1] = '\0';
		err = mule_output_open_at(&sp->parts[sp->nparts], sp->dirfd,
		    name, name + sp->skip, MULE_OUTPUT_FORCE
		    | MULE_OUTPUT_LEND_DIR);
	}
	free(name);
	if (err)
		return err;
	sp->nparts++;
	sp->in_part = 0;
	return 0;
}

gpg_error_t
mule_split_write(void *arg, const void *buf, size_t n)
{
	struct mule_split *sp = arg;
	const unsigned char *p = buf;
	gpg_error_t err;
	size_t k;

	while (n) {
		if (!sp->nparts || sp->in_part == sp->part_size) {
			err = next_part(sp);
			if (err)
				return err;
		}
		k = sp->part_size - sp->in_part < n
		    ? (size_t)(sp->part_size - sp->in_part) : n;
		err = mule_output_write(sp->parts[sp->nparts - 1], p, k);
		if (err)
			return err;
		sp->in_part += k;
		p += k;
		n -= k;
	}
	return 0;
}

gpg_error_t
mule_split_commit(struct mule_split *sp)
{
	unsigned char present[MULE_PARTS_MAX + 1] = { 0 };
	const char *base;
	unsigned highest, i;
	gpg_error_t err = 0;
	char *dir, *name;
	size_t k;

	/* The first part last: whoever looks for NAME.001 finds a bundle
	 * only once every part of it is in place. */
	for (k = sp->nparts; !err && k-- > 0;)
		err = mule_output_commit(sp->parts[k]);
	if (err) {
		/* No tail of parts without the rest: those in place go. */
		for (k = 0; k < sp->nparts; k++)
			mule_output_uncommit(sp->parts[k]);
		return err;
	}
	if (!sp->force)
		return 0;
	/* --force: the tail of an earlier, longer bundle must not be taken
	 * for parts of this one. */
	dir = split_path(sp->path, &base);
	if (!dir || parts_present(sp->dirfd, dir, base, present, &highest)) {
		free(dir);
		return 0;
	}
	for (i = (unsigned)sp->nparts + 1; i <= highest; i++)
		if (present[i] && asprintf(&name, "%s.%03u", sp->path, i) >= 0) {
			unlinkat(sp->dirfd, name + sp->skip, 0);
			free(name);
		}
	free(dir);
	return 0;
}

gpg_error_t
mule_split_retarget(struct mule_split *sp, const char *name)
{
	char *part, *path;
	const char *slash = strrchr(sp->path, '/');
	gpg_error_t err = 0;
	size_t k;

	if (asprintf(&path, "%.*s%s", slash ? (int)(slash - sp->path + 1) : 0,
	    sp->path, name) < 0)
		return gpg_error_from_syserror();
	for (k = 0; !err && k < sp->nparts; k++) {
		if (asprintf(&part, "%s.%03zu", name, k + 1) < 0)
			err = gpg_error_from_syserror();
		else {
			err = mule_output_retarget(sp->parts[k], part);
			free(part);
		}
	}
	free(sp->path);
	sp->path = path;
	return err;
}

const char *
mule_split_first_temp(const struct mule_split *sp)
{
	return sp->nparts ? mule_output_temp_name(sp->parts[0]) : NULL;
}

void
mule_split_keep_first_on_signal(struct mule_split *sp)
{
	if (sp->nparts)
		mule_output_keep_on_signal(sp->parts[0]);
}

size_t
mule_split_count(const struct mule_split *sp)
{
	return sp->nparts;
}

void
mule_split_free(struct mule_split *sp)
{
	size_t k;

	if (!sp)
		return;
	for (k = 0; k < sp->nparts; k++)
		mule_output_free(sp->parts[k]);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp->path);
	free(sp);
}

struct mule_parts {
	char **paths;		/* NULL entries: standard input */
	int dirfd;		/* AT_FDCWD, or the directory held open */
	size_t skip;		/* in paths: where the name below dirfd starts */
	size_t n, cur;
	int fd;
	uint64_t first_size;
	int untrusted;		/* on a stick: no symlinks, no FIFOs */
	gcry_md_hd_t md;	/* the SHA-256 of all that was read */
	int stop_fd;		/* readable: stop reading (-1: none) */
	int *stopped;		/* set when reading stopped so */
};

static gpg_error_t parts_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A part missing, out of order or of the wrong size: the bundle as given
 * cannot be complete. */
static gpg_error_t
parts_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mule_reject(GPG_ERR_MISSING_VALUE,
	    "give the first part (its name ends in .001), or every "
	    "part in order", "%s",
	    msg);
}

/* Every part of the bundle whose first part is FIRST, in order. */
static gpg_error_t
find_parts(struct mule_parts *pp, const char *first, char *const *given,
    size_t ngiven)
{
	unsigned char present[MULE_PARTS_MAX + 1] = { 0 };
	const char *base;
	unsigned highest, i;
	size_t blen;
	char *dir, *stem;
	gpg_error_t err;

	dir = split_path(first, &base);
	stem = strndup(first, strlen(first) - 4);	/* without ".NNN" */
	if (!dir || !stem) {
		free(dir);
		free(stem);
		return gpg_error_from_syserror();
	}
	blen = strlen(base) - 4;
	{
		char *b = strndup(base, blen);

		err = b ? parts_present(pp->dirfd, dir, b, present, &highest)
		    : gpg_error_from_syserror();
		free(b);
	}
	free(dir);
	/* No part at all: the input named is not there, as for any file
	 * (not an empty bundle, which would be a rejection). */
	if (!err && !highest)
		err = mule_error_set(gpg_error(GPG_ERR_ENOENT), NULL, "%s: %s",
		    first, strerror(ENOENT));
	for (i = 1; !err && i <= highest; i++)
		if (!present[i])
			err = parts_error("%s.%03u is missing", stem, i);
	if (!err && ngiven > 1 && ngiven != highest)
		err = parts_error("%s has %u parts; give all of them, or the "
		    "first only", stem, highest);
	for (i = 0; !err && ngiven > 1 && i < ngiven; i++) {
		char want[16];

		snprintf(want, sizeof want, ".%03u", i + 1);
		if (strlen(given[i]) != strlen(first) || strncmp(given[i], stem,
		    strlen(stem)) || strcmp(given[i] + strlen(stem), want))
			err = parts_error("%s: part %u is out of order",
			    given[i], i + 1);
	}
	pp->paths = err ? NULL : calloc(highest, sizeof *pp->paths);
	if (!err && !pp->paths)
		err = gpg_error_from_syserror();
	for (i = 0; !err && i < highest; i++)
		if (asprintf(&pp->paths[i], "%s.%03u", stem, i + 1) < 0)
			err = gpg_error_from_syserror();
		else
			pp->n++;
	free(stem);
	return err;
}

static gpg_error_t
parts_open(struct mule_parts **out, char *const *args, size_t nargs,
    int dirfd, size_t skip)
{
	struct mule_parts *pp;
	const char *first = nargs ? args[0] : NULL;
	const char *dot;
	gpg_error_t err = 0;

	*out = NULL;
	pp = calloc(1, sizeof *pp);
	if (!pp)
		return gpg_error_from_syserror();
	pp->fd = pp->stop_fd = -1;
	pp->dirfd = AT_FDCWD;
	pp->skip = skip;
	if (dirfd != AT_FDCWD
	    && (pp->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3)) < 0) {
		free(pp);
		return gpg_error_from_syserror();
	}
	dot = first ? strrchr(first, '.') : NULL;
	if (dot && strlen(dot) == 4 && dot[1] >= '0' && dot[1] <= '9'
	    && dot[2] >= '0' && dot[2] <= '9' && dot[3] >= '0'
	    && dot[3] <= '9' && !strchr(dot, '/')) {
		if (strcmp(dot, ".001"))
			err = parts_error("%s is not the first part (.001)",
			    first);
		else
			err = find_parts(pp, first, args, nargs);
	} else if (nargs > 1)
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_ARG), NULL,
		    "one bundle at a time (or its parts, .001 first)");
	else {
		pp->paths = calloc(1, sizeof *pp->paths);
		if (!pp->paths)
			err = gpg_error_from_syserror();
		else {
			pp->n = 1;	/* standard input, or FIRST */
			if (first && strcmp(first, "-")
			    && !(pp->paths[0] = strdup(first)))
				err = gpg_error_from_syserror();
		}
	}
	if (err) {
		mule_parts_free(pp);
		return err;
	}
	*out = pp;
	return 0;
}

gpg_error_t
mule_parts_open(struct mule_parts **out, char *const *args, size_t nargs)
{
	return parts_open(out, args, nargs, AT_FDCWD, 0);
}

gpg_error_t
mule_parts_open_at(struct mule_parts **out, int dirfd, const char *dir,
    const char *name)
{
	gpg_error_t err;
	char *path;

	if ((err = mule_path_join(dir, name, &path)))
		return err;
	err = parts_open(out, &path, 1, dirfd, strlen(dir) + 1);
	if (!err)
		err = mule_parts_untrusted(*out);
	free(path);
	return err;
}

static gpg_error_t
open_part(struct mule_parts *pp)
{
	const char *path = pp->paths[pp->cur];
	struct stat st;
	gpg_error_t err;

	if (pp->untrusted || pp->n > 1) {
		/* Parts found on disk: never block on a FIFO among them. */
		pp->fd = openat(pp->dirfd, path + pp->skip, O_RDONLY
		    | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (pp->untrusted
		    ? O_NOFOLLOW : 0));
		/* A symlink is the part's fault; a part that cannot be
		 * opened (gone since it was found, an I/O error, a stick
		 * pulled) is not. */
		if ((pp->fd < 0 && errno != ELOOP)
		    || (pp->fd >= 0 && fstat(pp->fd, &st) < 0))
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s: %s", path, strerror(errno));
		if (pp->fd < 0 || !S_ISREG(st.st_mode))
			return parts_error("%s is not a regular file", path);
	} else {
		err = mule_input_open(&pp->fd, path);
		if (err)
			return err;
	}
	if (pp->n == 1)
		return 0;
	if (fstat(pp->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return parts_error("%s is not a regular file", path);
	if (!pp->cur)
		pp->first_size = (uint64_t)st.st_size;
	else if (pp->cur + 1 < pp->n ? (uint64_t)st.st_size != pp->first_size
	    : (uint64_t)st.st_size > pp->first_size)
		return parts_error("%s has not the size of the first part "
		    "(part %u): damaged, or from another bundle", path,
		    (unsigned)pp->cur + 1);
	return 0;
}

/* 1 once the part can be read, 0 if STOP_FD says to stop first. */
static int
may_read(struct mule_parts *pp)
{
	struct pollfd p[2];

	p[0].fd = pp->stop_fd;
	p[0].events = POLLIN;
	p[1].fd = pp->fd;
	p[1].events = POLLIN;
	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			return 1;	/* read, and see */
	if (p[0].revents) {
		if (pp->stopped)
			*pp->stopped = 1;
		return 0;
	}
	return 1;
}

void
mule_parts_stop_on(struct mule_parts *pp, int fd, int *stopped)
{
	pp->stop_fd = fd;
	pp->stopped = stopped;
}

gpg_error_t
mule_parts_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_parts *pp = arg;
	gpg_error_t err;
	ssize_t r;

	*got = 0;
	while (pp->cur < pp->n) {
		if (pp->fd < 0) {
			err = open_part(pp);
			if (err)
				return err;
			mule_test_pause("parts-after-open");
		}
		if (pp->stop_fd >= 0 && !may_read(pp))
			return gpg_error(GPG_ERR_CANCELED);
		do
			r = read(pp->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "reading %s: %s", pp->paths[pp->cur]
			    ? pp->paths[pp->cur] : "standard input",
			    strerror(errno));
		if (r > 0) {
			*got = (size_t)r;
			if (pp->md)
				gcry_md_write(pp->md, buf, (size_t)r);
			return 0;
		}
		if (pp->fd > 0)
			close(pp->fd);
		pp->fd = -1;
		pp->cur++;
	}
	return 0;
}

gpg_error_t
mule_parts_untrusted(struct mule_parts *pp)
{
	pp->untrusted = 1;
	return pp->md ? 0 : gcry_md_open(&pp->md, GCRY_MD_SHA256, 0);
}

gpg_error_t
mule_parts_digest(struct mule_parts *pp, unsigned char digest[32])
{
	unsigned char buf[16384];
	gpg_error_t err = 0;
	size_t got = 1;

	while (!err && got)	/* what the reader left unread counts too */
		err = mule_parts_read(pp, buf, sizeof buf, &got);
	if (!err)
		memcpy(digest, gcry_md_read(pp->md, GCRY_MD_SHA256), 32);
	return err;
}

size_t
mule_parts_count(const struct mule_parts *pp)
{
	return pp->n;
}

void
mule_parts_free(struct mule_parts *pp)
{
	size_t i;

	if (!pp)
		return;
	if (pp->fd > 0)
		close(pp->fd);
	if (pp->dirfd >= 0)
		close(pp->dirfd);
	gcry_md_close(pp->md);
	for (i = 0; i < pp->n; i++)
		free(pp->paths[i]);
	free(pp->paths);
	free(pp);
}
