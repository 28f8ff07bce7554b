/* SPDX-License-Identifier: GPL-3.0-or-later */
/* read.c - read a tar stream, refusing every entry that could write
 * outside the target or surprise the reader. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gcrypt.h>

#include "core/error.h"
#include "core/nameset.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/text.h"
#include "pgp/manifest.h"
#include "tar/read.h"

#define READ_SIZE (64 * 1024)
#define NAME_LIMIT 255		/* bytes in one component (NAME_MAX) */
#define NAMES_LIMIT ((uint64_t)64 << 20)	/* bytes of names held */
#define MANIFEST_LIMIT ((size_t)256 << 20)

/* The value of a name in the set: its type, or a directory that only
 * the names below it made, plus (files) the index of its digest. */
#define IMPLICIT_DIR 4
#define TYPE_OF(v) ((v) & 7)
#define INDEX_OF(v) ((v) >> 3)
#define MAX_INDEX ((1 << 27) - 1)

struct tarin {
	const struct mule_tarin_opts *o;
	const struct mule_tarin_handler *h;
	struct mule_tarin_result *res;
	struct archive *a;
	int fd;
	unsigned char *buf;
	uint64_t names_bytes;	/* held in NAMES: bounded too */
	uint64_t delivered;	/* bytes handed to libarchive */
	uint64_t last_nonzero;	/* 1 + offset of the last non-zero one */
	gpg_error_t read_err;
	struct mule_nameset names;
	struct mule_manifest_entry *digests;	/* the files, as listed */
	size_t ndigests, capdigests;
	gcry_md_hd_t md;
	struct mule_membuf manifest;
	int manifest_seen;
};

/* The archive is damaged or not a tar stream at all. */
static gpg_error_t
damaged(struct tarin *t, const char *name)
{
	const char *why = archive_error_string(t->a);

	if (t->read_err)
		return t->read_err;
	if (name)
		return mule_tar_refuse(GPG_ERR_INV_DATA, name, why ? why
		    : "damaged entry");
	if (!t->res->entries)
		return mule_reject(GPG_ERR_INV_DATA,
		    "open a message that is not a bundle with mule-open",
		    "not a tar archive, or a damaged one: %s", why ? why
		    : "unreadable");
	return mule_reject(GPG_ERR_INV_DATA, NULL, "a damaged archive: %s",
	    why ? why : "unreadable");
}

static la_ssize_t
read_cb(struct archive *a, void *arg, const void **buf)
{
	struct tarin *t = arg;
	ssize_t n, i;

	do
		n = read(t->fd, t->buf, READ_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		t->read_err = gpg_error_from_syserror();
		archive_set_error(a, errno, "reading the archive");
		return -1;
	}
	/* Where the last non-zero byte was, to tell padding after the end
	 * of the archive from data smuggled there (libarchive reads ahead). */
	for (i = n; i > 0; i--)
		if (t->buf[i - 1]) {
			t->last_nonzero = t->delivered + (uint64_t)i;
			break;
		}
	t->delivered += (uint64_t)n;
	*buf = t->buf;
	return n;
}

/* Make RAW relative and plain in *OUT ("" for the top directory
 * itself), refusing absolute paths, ".." and overlong names. */
static gpg_error_t
normalise(const char *raw, char **out)
{
	const char *c = raw;
	char *norm, *p;
	int depth = 0;

	if (!raw || !*raw)
		return mule_tar_refuse(GPG_ERR_INV_NAME, "", "an empty name");
	if (*raw == '/')
		return mule_tar_refuse(GPG_ERR_INV_NAME, raw, "an absolute path");
	if (strlen(raw) > MULE_TAR_PATH_LIMIT)
		return mule_tar_refuse(GPG_ERR_INV_NAME, raw,
		    "a path longer than 4095 bytes");
	norm = p = malloc(strlen(raw) + 1);
	if (!norm)
		return gpg_error_from_syserror();
	while (*c) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.') {
			free(norm);
			return mule_tar_refuse(GPG_ERR_INV_NAME, raw,
			    "a \"..\" component");
		}
		if (n > NAME_LIMIT) {
			free(norm);
			return mule_tar_refuse(GPG_ERR_INV_NAME, raw,
			    "a name longer than 255 bytes");
		}
		if (n && !(n == 1 && c[0] == '.') && ++depth > MULE_TAR_MAX_DEPTH) {
			free(norm);
			return mule_tar_refuse(GPG_ERR_INV_NAME, raw,
			    "more than 256 levels of directories");
		}
		if (n && !(n == 1 && c[0] == '.')) {
			if (p != norm)
				*p++ = '/';
			memcpy(p, c, n);
			p += n;
		}
		c += n;
		while (*c == '/')
			c++;
	}
	*p = '\0';
	*out = norm;
	return 0;
}

/* One more entry (LEN bytes of name held): within --max-files and the
 * bound on the names kept in memory. */
static gpg_error_t
count_entry(struct tarin *t, const char *name, size_t len)
{
	if (++t->res->entries > t->o->max_files && t->o->max_files)
		return mule_tar_refuse(GPG_ERR_TOO_LARGE, name,
		    "more entries than --max-files allows (directories "
		    "included)");
	t->names_bytes += len + 32;
	if (t->names_bytes > NAMES_LIMIT)
		return mule_tar_refuse(GPG_ERR_TOO_LARGE, name,
		    "more than 64 MiB of names");
	return 0;
}

/* Every directory above NAME must be one (explicit or implied), not a
 * symlink or a file; the implied ones are recorded. */
static gpg_error_t
check_parents(struct tarin *t, const char *name)
{
	const char *slash;
	gpg_error_t err;
	int v;

	for (slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t len = (size_t)(slash - name);

		v = mule_nameset_get(&t->names, name, len);
		if (v < 0) {
			/* A directory the names imply is an entry too: a
			 * small archive must not make countless of them. */
			err = count_entry(t, name, len);
			if (!err)
				err = mule_nameset_put(&t->names, name, len,
				    IMPLICIT_DIR);
			if (err)
				return err;
		} else if (TYPE_OF(v) == MULE_TAR_SYMLINK)
			return mule_tar_refuse(GPG_ERR_INV_NAME, name,
			    "lies below a symlink of the archive");
		else if (TYPE_OF(v) != MULE_TAR_DIR && TYPE_OF(v) != IMPLICIT_DIR)
			return mule_tar_refuse(GPG_ERR_INV_NAME, name,
			    "lies below a file of the archive");
	}
	return 0;
}

static gpg_error_t
check_unique(struct tarin *t, const char *name, enum mule_tar_type type)
{
	int v = mule_nameset_get(&t->names, name, strlen(name));
	int was_dir = v >= 0 && (TYPE_OF(v) == MULE_TAR_DIR
	    || TYPE_OF(v) == IMPLICIT_DIR);

	if (v < 0 || (TYPE_OF(v) == IMPLICIT_DIR && type == MULE_TAR_DIR))
		return 0;
	if (was_dir && type != MULE_TAR_DIR)
		return mule_tar_refuse(GPG_ERR_DUP_NAME, name,
		    "a file where the archive has a directory");
	if (!was_dir && type == MULE_TAR_DIR)
		return mule_tar_refuse(GPG_ERR_DUP_NAME, name,
		    "a directory where the archive has a file");
	return mule_tar_refuse(GPG_ERR_DUP_NAME, name, "a duplicate entry");
}

static gpg_error_t
entry_type(struct archive_entry *ae, const char *name,
    enum mule_tar_type *type)
{
	if (archive_entry_hardlink(ae)) {
		*type = MULE_TAR_HARDLINK;
		return 0;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG: *type = MULE_TAR_FILE; return 0;
	case AE_IFDIR: *type = MULE_TAR_DIR; return 0;
	case AE_IFLNK: *type = MULE_TAR_SYMLINK; return 0;
	case AE_IFCHR:
		return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED, name,
		    "a character device");
	case AE_IFBLK:
		return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED, name,
		    "a block device");
	case AE_IFIFO:
		return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED, name, "a FIFO");
	case AE_IFSOCK:
		return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED, name,
		    "a socket");
	default:
		return mule_tar_refuse(GPG_ERR_NOT_SUPPORTED, name,
		    "an entry of unknown type");
	}
}

static gpg_error_t
add_digest(struct tarin *t, const char *name, const unsigned char *sha256,
    size_t *index)
{
	struct mule_manifest_entry *tmp;

	if (t->ndigests == t->capdigests) {
		size_t cap = t->capdigests ? t->capdigests * 2 : 256;

		if (cap > MAX_INDEX)
			return mule_tar_refuse(GPG_ERR_TOO_LARGE, name,
			    "too many files");
		tmp = realloc(t->digests, cap * sizeof *tmp);
		if (!tmp)
			return gpg_error_from_syserror();
		t->digests = tmp;
		t->capdigests = cap;
	}
	t->digests[t->ndigests].name = strdup(name);
	if (!t->digests[t->ndigests].name)
		return gpg_error_from_syserror();
	memcpy(t->digests[t->ndigests].digest, sha256, MULE_MANIFEST_HASH_LEN);
	*index = t->ndigests++;
	return 0;
}

static void
hash_zeros(gcry_md_hd_t md, uint64_t n)
{
	static const unsigned char zeros[4096];

	while (n) {
		size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;

		gcry_md_write(md, zeros, k);
		n -= k;
	}
}

/* A file's data, holes included, to the handler and the digest. */
static gpg_error_t
read_file_data(struct tarin *t, const struct mule_tar_entry *e)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	uint64_t pos = 0;
	gpg_error_t err = 0;
	int r;

	gcry_md_reset(t->md);
	for (;;) {
		r = archive_read_data_block(t->a, &buf, &n, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return damaged(t, e->name);
		if (off < 0 || (uint64_t)off < pos || (uint64_t)off > e->size
		    || n > e->size - (uint64_t)off)
			return mule_tar_refuse(GPG_ERR_INV_DATA, e->name,
			    "data outside the file's declared size");
		hash_zeros(t->md, (uint64_t)off - pos);
		gcry_md_write(t->md, buf, n);
		if (n && t->h->data)
			err = t->h->data(t->h->arg, buf, n, (uint64_t)off);
		mule_progress_add(t->o->progress, n, 0);
		if (err)
			return err;
		pos = (uint64_t)off + n;
	}
	hash_zeros(t->md, e->size - pos);	/* a trailing hole */
	t->res->bytes += e->size;
	return 0;
}

static gpg_error_t
keep_manifest(struct tarin *t)
{
	const void *buf;
	gpg_error_t err;
	size_t n;
	la_int64_t off;
	int r;

	t->manifest.limit = MANIFEST_LIMIT;
	t->manifest.what = "the manifest";
	for (;;) {
		r = archive_read_data_block(t->a, &buf, &n, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return damaged(t, MULE_TAR_MANIFEST);
		if (off != (la_int64_t)t->manifest.len)
			return mule_tar_refuse(GPG_ERR_INV_DATA,
			    MULE_TAR_MANIFEST, "a manifest with holes");
		if ((err = mule_membuf_write(&t->manifest, buf, n)))
			return gpg_err_source(err) == MULE_SOURCE_REJECT
			    ? mule_tar_refuse(GPG_ERR_TOO_LARGE,
			    MULE_TAR_MANIFEST, "too large") : err;
	}
}

/* The checks of what only a file or a hard link holds: a file's size
 * within --max-size; a hard link's target, an earlier file whose place
 * in the digests goes to *INDEX (*TARGET is then owned by the caller). */
static gpg_error_t
check_file(struct tarin *t, struct archive_entry *ae,
    struct mule_tar_entry *e)
{
	e->size = archive_entry_size(ae) < 0 ? 0
	    : (uint64_t)archive_entry_size(ae);
	if (t->o->max_size && (e->size > t->o->max_size
	    || t->res->bytes + e->size > t->o->max_size))
		return mule_tar_refuse(GPG_ERR_TOO_LARGE, e->name,
		    "more data than --max-size allows");
	return 0;
}

static gpg_error_t
check_hardlink(struct tarin *t, struct archive_entry *ae,
    struct mule_tar_entry *e, char **target, size_t *index)
{
	gpg_error_t err;
	int v;

	err = normalise(archive_entry_hardlink(ae), target);
	if (err) {
		mule_error_clear();
		return mule_tar_refuse(GPG_ERR_INV_NAME, e->name,
		    "a hard link to an unsafe path");
	}
	v = mule_nameset_get(&t->names, *target, strlen(*target));
	if (v < 0 || (TYPE_OF(v) != MULE_TAR_FILE
	    && TYPE_OF(v) != MULE_TAR_HARDLINK))
		return mule_tar_refuse(GPG_ERR_INV_NAME, e->name,
		    "a hard link to something that is not an earlier file of "
		    "the archive");
	e->target = *target;
	*index = (size_t)INDEX_OF(v);
	return 0;
}

/* Hand a checked entry E to the handler with its data, and remember it:
 * its digest (a hard link has its target's, at INDEX), its name. */
static gpg_error_t
pass_on(struct tarin *t, struct mule_tar_entry *e, size_t index)
{
	gpg_error_t err = 0;
	int counted = e->type == MULE_TAR_FILE || e->type == MULE_TAR_HARDLINK;

	if (t->h->begin)
		err = t->h->begin(t->h->arg, e);
	if (!err && e->type == MULE_TAR_FILE) {
		err = read_file_data(t, e);
		if (!err)
			err = add_digest(t, e->name, gcry_md_read(t->md,
			    GCRY_MD_SHA256), &index);
	} else if (!err && e->type == MULE_TAR_HARDLINK) {
		unsigned char same[MULE_MANIFEST_HASH_LEN];

		memcpy(same, t->digests[index].digest, sizeof same);
		err = add_digest(t, e->name, same, &index);
	}
	if (!err)
		err = mule_nameset_put(&t->names, e->name, strlen(e->name),
		    (int)(e->type + 8 * index));
	if (!err && t->h->end)
		err = t->h->end(t->h->arg, e, counted
		    ? t->digests[t->ndigests - 1].digest : NULL);
	if (!err && counted) {
		t->res->files++;
		mule_progress_add(t->o->progress, 0, 1);
	}
	return err;
}

/* Check one entry of the archive, then pass it on. */
static gpg_error_t
one_entry(struct tarin *t, struct archive_entry *ae)
{
	struct mule_tar_entry e;
	char *name = NULL, *target = NULL;
	size_t index = 0;
	gpg_error_t err;
	mode_t perm;

	memset(&e, 0, sizeof e);
	if (t->manifest_seen)
		return mule_tar_refuse(GPG_ERR_INV_DATA, MULE_TAR_MANIFEST,
		    "the manifest is not the last entry");
	err = normalise(archive_entry_pathname(ae), &name);
	if (!err)
		err = entry_type(ae, name, &e.type);
	if (err || !*name)	/* "./" itself: DIR is not ours to change */
		goto leave;
	e.name = name;
	if (mule_nameset_get(&t->names, name, strlen(name)) != IMPLICIT_DIR
	    && (err = count_entry(t, name, strlen(name))))
		goto leave;
	if (!strncmp(name, ".mule-", 6)) {
		err = mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "a name mule reserves for its temporaries");
		goto leave;
	}
	if (e.type != MULE_TAR_FILE && !strcmp(name, MULE_TAR_MANIFEST)) {
		err = mule_tar_refuse(GPG_ERR_INV_NAME, name,
		    "the manifest's name, but not a regular file");
		goto leave;
	}
	if (e.type == MULE_TAR_FILE && !strcmp(name, MULE_TAR_MANIFEST)) {
		t->manifest_seen = 1;
		t->res->had_manifest = 1;
		err = keep_manifest(t);
		goto leave;
	}
	err = check_parents(t, name);
	if (!err)
		err = check_unique(t, name, e.type);
	if (err)
		goto leave;
	perm = archive_entry_perm(ae);
	if (perm & 07000 && e.type != MULE_TAR_SYMLINK
	    && !t->res->dropped++)
		t->res->first_dropped = mule_escape(name, strlen(name));
	e.mode = perm & 0777;
	e.mtime = archive_entry_mtime(ae);
	e.mtime_nsec = archive_entry_mtime_nsec(ae);
	switch (e.type) {
	case MULE_TAR_FILE:
		err = check_file(t, ae, &e);
		break;
	case MULE_TAR_SYMLINK:
		e.target = archive_entry_symlink(ae);
		err = mule_tar_check_symlink(name, e.target);
		break;
	case MULE_TAR_HARDLINK:
		err = check_hardlink(t, ae, &e, &target, &index);
		break;
	case MULE_TAR_DIR:
		break;
	}
	if (!err)
		err = pass_on(t, &e, index);
leave:
	free(name);
	free(target);
	return err;
}

static int
cmp_digests(const void *a, const void *b)
{
	return strcmp(((const struct mule_manifest_entry *)a)->name,
	    ((const struct mule_manifest_entry *)b)->name);
}

/* Every file of the archive listed once in the manifest, with its
 * digest; nothing else listed. */
static gpg_error_t
check_manifest(struct tarin *t)
{
	struct mule_manifest_entry *m = NULL;
	size_t nm = 0;
	const char *name;
	gpg_error_t err;

	err = mule_manifest_parse((const char *)t->manifest.p, t->manifest.len,
	    &m, &nm);
	/* Out of memory is not a malformed manifest. */
	if (err && gpg_err_source(err) != MULE_SOURCE_REJECT)
		return err;
	if (err) {
		mule_error_clear();
		return mule_tar_refuse(gpg_err_code(err), MULE_TAR_MANIFEST,
		    "a malformed manifest");
	}
	if (t->ndigests)
		qsort(t->digests, t->ndigests, sizeof *t->digests, cmp_digests);
	switch (mule_manifest_compare(t->digests, t->ndigests, m, nm, &name)) {
	case MULE_MANIFEST_OK:
		break;
	case MULE_MANIFEST_UNLISTED:
		err = mule_tar_refuse(GPG_ERR_CHECKSUM, name,
		    "not listed in the manifest");
		break;
	case MULE_MANIFEST_MISSING:
		err = mule_tar_refuse(GPG_ERR_CHECKSUM, name,
		    "listed in the manifest, missing from the archive");
		break;
	default:
		err = mule_tar_refuse(GPG_ERR_CHECKSUM, name,
		    "does not match its SHA-256 digest in the manifest");
		break;
	}
	mule_manifest_entries_free(m, nm);
	return err;
}

/* After the end of the archive: only zeros (padding), in what libarchive
 * read ahead and in the rest of the stream. */
static gpg_error_t
drain(struct tarin *t)
{
	ssize_t n, i;

	if (t->last_nonzero > (uint64_t)archive_filter_bytes(t->a, 0))
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "data after the end of the archive");
	for (;;) {
		n = read(t->fd, t->buf, READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gpg_error_from_syserror();
		if (!n)
			return 0;
		for (i = 0; i < n; i++)
			if (t->buf[i])
				return mule_reject(GPG_ERR_INV_DATA, NULL,
				    "data after the end of the archive");
	}
}

void
mule_tarin_result_release(struct mule_tarin_result *res)
{
	free(res->first_dropped);
	res->first_dropped = NULL;
}

gpg_error_t
mule_tarin_read(const struct mule_tarin_opts *o, int fd,
    const struct mule_tarin_handler *h, struct mule_tarin_result *res)
{
	struct archive_entry *ae;
	struct tarin t;
	gpg_error_t err = 0;
	size_t i;
	int r;

	memset(&t, 0, sizeof t);
	memset(res, 0, sizeof *res);
	t.o = o;
	t.h = h;
	t.res = res;
	t.fd = fd;
	t.buf = malloc(READ_SIZE);
	t.a = archive_read_new();
	if (!t.buf || !t.a) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	err = gcry_md_open(&t.md, GCRY_MD_SHA256, 0);
	if (err)
		goto leave;
	if (archive_read_support_format_tar(t.a) != ARCHIVE_OK
	    || archive_read_open(t.a, &t, NULL, read_cb, NULL) != ARCHIVE_OK) {
		err = damaged(&t, NULL);
		goto leave;
	}
	while (!err) {
		r = archive_read_next_header(t.a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			err = damaged(&t, NULL);
		else
			err = one_entry(&t, ae);
	}
	if (!err && t.manifest_seen)
		err = check_manifest(&t);
	if (!err)
		err = drain(&t);
leave:
	if (t.a)
		archive_read_free(t.a);
	gcry_md_close(t.md);
	mule_nameset_release(&t.names);
	for (i = 0; i < t.ndigests; i++)
		free(t.digests[i].name);
	free(t.digests);
	mule_membuf_release(&t.manifest);
	free(t.buf);
	return err;
}
