/* SPDX-License-Identifier: GPL-3.0-or-later */
/* manifest.c - signed lists of files and their SHA-256 digests. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/strlist.h"
#include "core/text.h"
#include "pgp/manifest.h"

#define HASH_LEN MULE_MANIFEST_HASH_LEN
#define READ_SIZE (128 * 1024)


struct list {
	char **names;
	size_t n;
};

static int
is_temporary(const char *base)
{
	size_t len = strlen(base);

	return !strncmp(base, ".mule-", 6) && len > 10
	    && !strcmp(base + len - 4, ".tmp");
}

static int
excluded(const char *name, const struct stat *st,
    const struct mule_manifest_exclude *ex)
{
	size_t i;

	if (st && ex->have_inode && st->st_dev == ex->dev
	    && st->st_ino == ex->ino)
		return 1;
	for (i = 0; i < ex->n; i++)
		if (!strcmp(name, ex->names[i]))
			return 1;
	return 0;
}

/* Whether the directory open at FD is a mailbox: it holds a regular
 * file VERSION (a symlink is no mailbox's). */
static int
is_mailbox(int fd)
{
	struct stat st;

	return fstatat(fd, "VERSION", &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode);
}

static gpg_error_t walk(int fd, const char *prefix, struct list *files,
    const struct mule_manifest_exclude *ex,
    struct mule_manifest_skips *skips);

/* The directory NAME open at SUB, below the top (PREFIX "") as D_NAME:
 * walked, or for a mailbox left out (EX->mailbox), MULE/VERSION alone. */
static gpg_error_t
walk_dir(int sub, const char *prefix, const char *d_name, const char *name,
    struct list *files, const struct mule_manifest_exclude *ex,
    struct mule_manifest_skips *skips)
{
	gpg_error_t err = 0;

	if (!ex->mailbox || *prefix || strcmp(d_name, MULE_MANIFEST_MAILBOX)
	    || !is_mailbox(sub))
		return walk(sub, name, files, ex, skips);
	if (!excluded(MULE_MANIFEST_MAILBOX_VERSION, NULL, ex))
		err = mule_strlist_add(&files->names, &files->n,
		    MULE_MANIFEST_MAILBOX_VERSION);
	close(sub);
	return err;
}

/* Collect the regular files below the directory open at FD. */
static gpg_error_t
walk(int fd, const char *prefix, struct list *files,
    const struct mule_manifest_exclude *ex, struct mule_manifest_skips *skips)
{
	struct dirent *de;
	struct stat st;
	gpg_error_t err = 0;
	char *name;
	DIR *d;
	int sub;

	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "reading directory %s: %s", *prefix ? prefix : ".",
		    strerror(errno));
	}
	while (!err && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&name, "%s%s%s", prefix, *prefix ? "/" : "",
		    de->d_name) < 0) {
			err = gpg_error_from_syserror();
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s: %s", name, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY
			    | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				err = mule_error_set(gpg_error_from_syserror(),
				    NULL, "%s: %s", name, strerror(errno));
			else
				err = walk_dir(sub, prefix, de->d_name, name,
				    files, ex, skips);
		} else if (!S_ISREG(st.st_mode)) {
			if (skips)
				err = mule_strlist_add(&skips->names, &skips->n,
				    name);
		} else if ((ex->keep_temporaries || !is_temporary(de->d_name))
		    && !excluded(name, &st, ex)) {
			err = mule_strlist_add(&files->names, &files->n, name);
		}
		free(name);
	}
	if (!err && errno)
		err = gpg_error_from_syserror();
	closedir(d);
	return err;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static gpg_error_t
list_files(int rootfd, struct list *files,
    const struct mule_manifest_exclude *ex, struct mule_manifest_skips *skips)
{
	int fd = dup(rootfd);
	gpg_error_t err;

	memset(files, 0, sizeof *files);
	if (fd < 0)
		return gpg_error_from_syserror();
	err = walk(fd, "", files, ex, skips);
	/* An empty directory leaves the list NULL, which qsort must not get. */
	if (!err && files->n)
		qsort(files->names, files->n, sizeof *files->names, cmp_names);
	return err;
}

/* Open NAME below ROOTFD without following any symlink on the way, so a
 * listed name can never lead outside the directory.  -1 with errno, or
 * ELOOP / EISDIR etc. for what is not a regular file. */
static int
open_beneath(int rootfd, const char *name)
{
	char *copy = strdup(name), *part, *next;
	int fd = rootfd, nfd;
	struct stat st;

	if (!copy)
		return -1;
	for (part = copy; (next = strchr(part, '/')); part = next + 1) {
		*next = '\0';
		nfd = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		    | O_CLOEXEC);
		if (fd != rootfd)
			close(fd);
		if (nfd < 0) {
			free(copy);
			return -1;
		}
		fd = nfd;
	}
	nfd = openat(fd, part, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd != rootfd)
		close(fd);
	free(copy);
	if (nfd >= 0 && (fstat(nfd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(nfd);
		errno = EINVAL;
		return -1;
	}
	return nfd;
}

static gpg_error_t
hash_fd(int fd, unsigned char digest[HASH_LEN], unsigned char *buf)
{
	gcry_md_hd_t md;
	gpg_error_t err;
	ssize_t n;

	err = gcry_md_open(&md, GCRY_MD_SHA256, 0);
	if (err)
		return err;
	for (;;) {
		n = read(fd, buf, READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = gpg_error_from_syserror();
			break;
		}
		if (!n)
			break;
		gcry_md_write(md, buf, (size_t)n);
	}
	if (!err)
		memcpy(digest, gcry_md_read(md, GCRY_MD_SHA256), HASH_LEN);
	gcry_md_close(md);
	return err;
}

char *
mule_manifest_escape(const char *name, int *escaped)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), keep = n, i = 0, len;
	char *out = malloc(n * 4 + 1), *p = out;

	*escaped = 0;
	if (!out)
		return NULL;
	/* Clear signatures do not cover trailing blanks. */
	while (keep && (s[keep - 1] == ' ' || s[keep - 1] == '\t'))
		keep--;
	while (i < n) {
		len = i < keep && s[i] != '\\' ? mule_utf8_printable(s + i, n - i)
		    : 0;
		if (len) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
			continue;
		}
		*escaped = 1;
		if (s[i] == '\\')
			p += sprintf(p, "\\\\");
		else if (s[i] == '\n')
			p += sprintf(p, "\\n");
		else if (s[i] == '\r')
			p += sprintf(p, "\\r");
		else
			p += sprintf(p, "\\x%02x", s[i]);
		i++;
	}
	*p = '\0';
	return out;
}

char *
mule_manifest_unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *p = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*p++ = s[i];
			continue;
		}
		if (++i == len)
			goto bad;
		if (s[i] == '\\')
			*p++ = '\\';
		else if (s[i] == 'n')
			*p++ = '\n';
		else if (s[i] == 'r')
			*p++ = '\r';
		else if (s[i] == 'x' && i + 2 < len && mule_hexval(s[i + 1]) >= 0
		    && mule_hexval(s[i + 2]) >= 0 && (mule_hexval(s[i + 1]) | mule_hexval(s[i + 2])))
			*p++ = (char)(mule_hexval(s[i + 1]) * 16 + mule_hexval(s[i + 2])), i += 2;
		else
			goto bad;
	}
	*p = '\0';
	return out;
bad:
	free(out);
	errno = EINVAL;		/* not ENOMEM: the caller tells them apart */
	return NULL;
}

gpg_error_t
mule_manifest_write_line(mule_write_fn write, void *arg,
    const unsigned char digest[HASH_LEN], const char *name)
{
	char head[1 + 2 * HASH_LEN + 3];
	char *esc;
	int escaped, off;
	gpg_error_t err;

	esc = mule_manifest_escape(name, &escaped);
	if (!esc)
		return gpg_error_from_syserror();
	off = 0;
	if (escaped)
		head[off++] = '\\';
	mule_hex_encode(head + off, digest, HASH_LEN);
	off += 2 * HASH_LEN;
	head[off++] = ' ';
	head[off++] = ' ';
	err = write(arg, head, (size_t)off);
	if (!err)
		err = write(arg, esc, strlen(esc));
	if (!err)
		err = write(arg, "\n", 1);
	free(esc);
	return err;
}

static gpg_error_t
open_root(const char *dir, int *fd)
{
	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "%s: %s", dir, strerror(errno));
	return 0;
}

gpg_error_t
mule_manifest_build(const char *dir, const struct mule_manifest_exclude *ex,
    mule_write_fn write, void *arg, struct mule_manifest_skips *skips)
{
	struct list files = { NULL, 0 };
	unsigned char digest[HASH_LEN], *buf = NULL;
	gpg_error_t err;
	size_t i;
	int root = -1, fd;

	memset(skips, 0, sizeof *skips);
	err = open_root(dir, &root);
	if (!err)
		err = list_files(root, &files, ex, skips);
	if (!err && !(buf = malloc(READ_SIZE)))
		err = gpg_error_from_syserror();
	for (i = 0; !err && i < files.n; i++) {
		fd = open_beneath(root, files.names[i]);
		if (fd < 0) {
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s/%s: %s", dir, files.names[i], strerror(errno));
			break;
		}
		err = hash_fd(fd, digest, buf);
		close(fd);
		if (!err)
			err = mule_manifest_write_line(write, arg, digest,
			    files.names[i]);
	}
	free(buf);
	mule_strlist_free(files.names, files.n);
	if (root >= 0)
		close(root);
	return err;
}

char *
mule_manifest_relative(const char *dir, const char *output)
{
	char rdir[PATH_MAX], rparent[PATH_MAX], *parent, *rel = NULL;
	const char *slash = strrchr(output, '/'), *base;
	size_t len;

	if (!realpath(dir, rdir))
		return NULL;
	parent = slash ? strndup(output, slash == output ? 1
	    : (size_t)(slash - output)) : strdup(".");
	base = slash ? slash + 1 : output;
	if (parent && realpath(parent, rparent)) {
		len = strlen(rdir);
		if (!strcmp(rparent, rdir))
			rel = strdup(base);
		else if (!strncmp(rparent, rdir, len) && rparent[len] == '/'
		    && asprintf(&rel, "%s/%s", rparent + len + 1, base) < 0)
			rel = NULL;
	}
	free(parent);
	return rel;
}

void
mule_manifest_skips_release(struct mule_manifest_skips *skips)
{
	mule_strlist_free(skips->names, skips->n);
	memset(skips, 0, sizeof *skips);
}

/* A name from a manifest: relative, no empty, "." or ".." components. */
static int
safe_name(const char *name)
{
	const char *p = name, *slash;
	size_t len;

	if (!*name || *name == '/')
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (!len || (len == 1 && p[0] == '.')
		    || (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

static gpg_error_t
parse_line(const char *line, size_t len, size_t lineno,
    struct mule_manifest_entry *e)
{
	size_t i, off = 0;
	int escaped = len && line[0] == '\\';

	if (escaped)
		off = 1;
	/* No name holds a NUL; an escaped name would be cut short at one. */
	if (len < off + 2 * HASH_LEN + 3 || memchr(line, '\0', len))
		goto bad;
	for (i = 0; i < HASH_LEN; i++) {
		int hi = mule_hexval(line[off + 2 * i]), lo = mule_hexval(line[off + 2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		e->digest[i] = (unsigned char)(hi * 16 + lo);
	}
	off += 2 * HASH_LEN;
	if (line[off] != ' ' || (line[off + 1] != ' ' && line[off + 1] != '*'))
		goto bad;
	off += 2;
	e->name = escaped ? mule_manifest_unescape(line + off, len - off)
	    : strndup(line + off, len - off);
	if (!e->name && errno == ENOMEM)
		return gpg_error_from_syserror();
	if (!e->name)
		goto bad;
	if (!safe_name(e->name)) {
		char *shown = mule_escape(e->name, strlen(e->name));
		gpg_error_t err = mule_reject(GPG_ERR_INV_NAME, NULL,
		    "manifest line %zu: unsafe name '%s'", lineno,
		    shown ? shown : "?");

		free(shown);
		return err;
	}
	return 0;
bad:
	return mule_reject(GPG_ERR_INV_DATA, NULL,
	    "manifest line %zu is malformed", lineno);
}

void
mule_manifest_entries_free(struct mule_manifest_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct mule_manifest_entry *)a)->name,
	    ((const struct mule_manifest_entry *)b)->name);
}

gpg_error_t
mule_manifest_parse(const char *text, size_t len,
    struct mule_manifest_entry **entries, size_t *n)
{
	const char *line = text, *nl, *end;
	struct mule_manifest_entry *e = NULL, *tmp;
	size_t lineno = 0, count = 0, l, i;
	gpg_error_t err = 0;

	/* An empty manifest lists nothing; its text may be NULL (an empty
	 * membuf's, as mule-bundle keeps the manifest entry of an empty
	 * tree), and NULL + 0 is undefined. */
	if (!len) {
		*entries = NULL;
		*n = 0;
		return 0;
	}
	end = text + len;
	while (!err && line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		l = nl ? (size_t)(nl - line) : (size_t)(end - line);
		lineno++;
		if (l && line[l - 1] == '\r')
			l--;
		if (!l && (!nl || nl + 1 == end))
			break;		/* the final newline */
		tmp = realloc(e, (count + 1) * sizeof *e);
		if (!tmp) {
			err = gpg_error_from_syserror();
			break;
		}
		e = tmp;
		memset(&e[count], 0, sizeof *e);
		err = parse_line(line, l, lineno, &e[count]);
		count++;
		line = nl ? nl + 1 : end;
	}
	if (!err && count)
		qsort(e, count, sizeof *e, cmp_entries);
	for (i = 1; !err && i < count; i++) {
		if (!strcmp(e[i - 1].name, e[i].name)) {
			char *shown = mule_escape(e[i].name, strlen(e[i].name));

			err = mule_reject(GPG_ERR_DUP_VALUE, NULL,
			    "the manifest lists '%s' twice", shown ? shown : "?");
			free(shown);
		}
	}
	if (err) {
		mule_manifest_entries_free(e, count);
		return err;
	}
	*entries = e;
	*n = count;
	return 0;
}

enum mule_manifest_state
mule_manifest_compare(const struct mule_manifest_entry *have, size_t nhave,
    const struct mule_manifest_entry *listed, size_t nlisted,
    const char **name)
{
	size_t i = 0, j = 0;
	int c;

	*name = NULL;
	/* Both sorted: one merge finds the first difference. */
	while (i < nhave || j < nlisted) {
		c = i == nhave ? 1 : j == nlisted ? -1
		    : strcmp(have[i].name, listed[j].name);
		if (c < 0) {
			*name = have[i].name;
			return MULE_MANIFEST_UNLISTED;
		}
		if (c > 0) {
			*name = listed[j].name;
			return MULE_MANIFEST_MISSING;
		}
		if (memcmp(have[i].digest, listed[j].digest, HASH_LEN)) {
			*name = have[i].name;
			return MULE_MANIFEST_CHANGED;
		}
		i++;
		j++;
	}
	return MULE_MANIFEST_OK;
}

static gpg_error_t
report_add(struct mule_manifest_report *r, const char *name,
    enum mule_manifest_state state)
{
	struct mule_manifest_item *items;

	items = realloc(r->items, (r->n + 1) * sizeof *items);
	if (!items)
		return gpg_error_from_syserror();
	r->items = items;
	items[r->n].name = strdup(name);
	if (!items[r->n].name)
		return gpg_error_from_syserror();
	items[r->n++].state = state;
	return 0;
}

/* Whether the manifest ENTRIES (N) left a mailbox out: MULE/VERSION is
 * the one name it lists below MULE/. */
static int
mailbox_left_out(const struct mule_manifest_entry *e, size_t n)
{
	size_t i, below = 0, version = 0, len = strlen(MULE_MANIFEST_MAILBOX);

	for (i = 0; i < n; i++) {
		if (strncmp(e[i].name, MULE_MANIFEST_MAILBOX, len)
		    || e[i].name[len] != '/')
			continue;
		below++;
		version += !strcmp(e[i].name, MULE_MANIFEST_MAILBOX_VERSION);
	}
	return below == 1 && version == 1;
}

gpg_error_t
mule_manifest_check(const char *dir, const char *text, size_t len,
    const struct mule_manifest_exclude *ex, struct mule_manifest_report *r)
{
	struct mule_manifest_entry *entries = NULL, key;
	struct mule_manifest_exclude unlisted = *ex;
	struct list present = { NULL, 0 };
	struct mule_manifest_skips others = { NULL, 0 };
	unsigned char digest[HASH_LEN], *buf = NULL;
	size_t n = 0, i;
	gpg_error_t err;
	int root = -1, fd;

	memset(r, 0, sizeof *r);
	err = mule_manifest_parse(text, len, &entries, &n);
	if (!err)
		r->mailbox_left_out = unlisted.mailbox = mailbox_left_out(
		    entries, n);
	if (!err)
		err = open_root(dir, &root);
	if (!err && !(buf = malloc(READ_SIZE)))
		err = gpg_error_from_syserror();
	for (i = 0; !err && i < n; i++) {
		fd = open_beneath(root, entries[i].name);
		if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EIO)) {
			char *shown = mule_escape(entries[i].name,
			    strlen(entries[i].name));

			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "cannot read %s: %s", shown ? shown : "?",
			    strerror(errno));
			free(shown);
			continue;
		}
		if (fd < 0) {
			/* ENOENT, or a symlink, directory, device on the way */
			err = report_add(r, entries[i].name, errno == ENOENT
			    ? MULE_MANIFEST_MISSING : MULE_MANIFEST_NOT_FILE);
			continue;
		}
		err = hash_fd(fd, digest, buf);
		close(fd);
		if (err) {
			char *shown = mule_escape(entries[i].name,
			    strlen(entries[i].name));

			mule_error_set(err, NULL, "reading %s: %s",
			    shown ? shown : "?", gpg_strerror(err));
			free(shown);
		}
		else if (memcmp(digest, entries[i].digest, HASH_LEN))
			err = report_add(r, entries[i].name,
			    MULE_MANIFEST_CHANGED);
		else
			r->checked++;
	}
	/* What is present but not listed; a symlink or FIFO planted in the
	 * directory counts too (it is in no manifest). */
	if (!err)
		err = list_files(root, &present, &unlisted, &others);
	for (i = 0; !err && i < others.n; i++)
		err = mule_strlist_add(&present.names, &present.n,
		    others.names[i]);
	for (i = 0; !err && i < present.n; i++) {
		key.name = present.names[i];
		/* An empty manifest has no entries to search (NULL). */
		if (!n || !bsearch(&key, entries, n, sizeof *entries,
		    cmp_entries))
			err = report_add(r, present.names[i],
			    MULE_MANIFEST_UNLISTED);
	}
	mule_manifest_skips_release(&others);
	free(buf);
	mule_strlist_free(present.names, present.n);
	mule_manifest_entries_free(entries, n);
	if (root >= 0)
		close(root);
	if (err)
		mule_manifest_report_release(r);
	return err;
}

void
mule_manifest_report_release(struct mule_manifest_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->items[i].name);
	free(r->items);
	memset(r, 0, sizeof *r);
}
