/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-tar.c - libFuzzer harness for the tar entry policy of
 * mule-bundle -x (src/lib/tar/read.c, staging.c): the decrypted tar stream,
 * here the fuzzer's bytes, read from a descriptor as the tool reads its
 * pipe, through exactly the checks -x applies (names, "..", absolute
 * paths, symlinks that climb, hard links, devices, duplicates, limits,
 * the digest manifest last, data after the end) into the staging
 * directory, then moved into DIR, a fresh scratch directory
 * (fuzz-scratch.h) with small --max-files and --max-size.
 *
 * Then what -x promises: nothing written beside DIR; after a refusal DIR
 * as it was; after success only files, directories and symlinks that
 * stay inside DIR, no setuid, setgid or sticky bit, no temporaries,
 * within the limits.  Every other input is extracted a second time over
 * the first with --overwrite: the tree must come out the same (or, if
 * refused, stay the same).  See README. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/tempname.h"
#include "fuzz-scratch.h"
#include "tar/read.h"
#include "tar/staging.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that a bomb is refused at once. */
#define MAX_FILES 64
#define MAX_SIZE ((uint64_t)64 << 10)

/* A listing of a tree: one line per entry (path, type, mode, size, link
 * target), sorted, to compare before and after. */
struct listing {
	char **lines;
	size_t n;
	uint64_t entries, bytes;	/* entries, and bytes of distinct files */
};

static void
listing_add(struct listing *l, char *line)
{
	char **tmp = realloc(l->lines, (l->n + 1) * sizeof *tmp);

	if (!tmp || !line)
		abort();
	l->lines = tmp;
	l->lines[l->n++] = line;
}

static void
listing_free(struct listing *l)
{
	while (l->n)
		free(l->lines[--l->n]);
	free(l->lines);
	memset(l, 0, sizeof *l);
}

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is LINE in L?  If not, it is added: hard links count once. */
static int
seen(struct listing *l, const char *line)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->lines[i], line))
			return 1;
	listing_add(l, strdup(line));
	return 0;
}

/* Does symlink REL (below DIR) -> TARGET stay inside DIR, read as plain
 * names, and, if it resolves, resolve inside DIR? */
static int
link_inside(const char *dir, const char *rel, const char *target)
{
	char path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
	const char *p;
	long depth = 0;

	if (*target == '/')
		return 0;
	for (p = rel; *p; p++)
		depth += *p == '/';
	for (p = target; *p; ) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (n && !(n == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return 0;
		p += n;
		p += strspn(p, "/");
	}
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (!realpath(dir, realdir))
		abort();
	if (!realpath(path, real))
		return 1;	/* dangling: the names above decide */
	return !strncmp(real, realdir, strlen(realdir))
	    && (real[strlen(realdir)] == '/' || !real[strlen(realdir)]);
}

/* Walk directory FD (REL below DIR) into L; abort() on anything -x must
 * never leave: a device or FIFO, a set-ID or sticky bit, a symlink out,
 * a temporary at the top. */
static void
walk(const char *dir, int fd, const char *rel, struct listing *l,
    struct listing *inodes)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d)
		abort();
	while ((de = readdir(d))) {
		char *sub, *line, target[PATH_MAX] = "", ino[64];
		struct stat st;
		ssize_t tl;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!*rel && !strncmp(de->d_name, ".mule-", 6)) {
			fprintf(stderr, "fuzz-tar: a temporary is left: %s\n",
			    de->d_name);
			abort();
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) < 0)
			abort();
		l->entries++;
		if (S_ISLNK(st.st_mode)) {
			tl = readlinkat(dirfd(d), de->d_name, target,
			    sizeof target - 1);
			if (tl < 0)
				abort();
			target[tl] = '\0';
			if (!link_inside(dir, sub, target)) {
				fprintf(stderr, "fuzz-tar: a symlink leaves "
				    "DIR: %s -> %s\n", sub, target);
				abort();
			}
		} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			abort();
		else if (st.st_mode & 07000)
			abort();
		if (S_ISREG(st.st_mode)) {
			snprintf(ino, sizeof ino, "%llu",
			    (unsigned long long)st.st_ino);
			if (!seen(inodes, ino))
				l->bytes += (uint64_t)st.st_size;
		}
		if (asprintf(&line, "%s %o %lld %s", sub, (unsigned)st.st_mode,
		    S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size,
		    target) < 0)
			abort();
		listing_add(l, line);
		if (S_ISDIR(st.st_mode)) {
			int nfd = openat(dirfd(d), de->d_name, O_RDONLY
			    | O_DIRECTORY | O_NOFOLLOW);

			if (nfd < 0)
				abort();
			walk(dir, nfd, sub, l, inodes);
		}
		free(sub);
	}
	closedir(d);
}

/* The listing of DIR, checked. */
static void
list_tree(const char *dir, struct listing *l)
{
	struct listing inodes = { NULL, 0, 0, 0 };
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	memset(l, 0, sizeof *l);
	if (fd < 0)
		abort();
	walk(dir, fd, "", l, &inodes);
	listing_free(&inodes);
	if (l->n)
		qsort(l->lines, l->n, sizeof *l->lines, cmp_lines);
}

static int
same_listing(const struct listing *a, const struct listing *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->lines[i], b->lines[i]))
			return 0;
	return 1;
}

/* mule-bundle -x -C DIR [--overwrite] on the tar stream in TARFD, as
 * mule_bundle_read does it once the stream is decrypted: stale
 * temporaries cleaned, staged, moved into place only if all was read. */
static gpg_error_t
extract(int tarfd, const char *dir, int overwrite)
{
	struct mule_tarin_opts o = { MAX_SIZE, MAX_FILES, NULL };
	struct mule_tarin_result res;
	struct mule_tarin_handler h;
	struct mule_staging *st = NULL;
	gpg_error_t err;

	memset(&res, 0, sizeof res);
	mule_output_clean_stale(dir);
	err = mule_staging_new(&st, dir, overwrite);
	if (!err) {
		mule_staging_handler(st, &h);
		err = mule_tarin_read(&o, tarfd, &h, &res);
	}
	if (!err)
		err = mule_staging_commit(st);
	mule_staging_free(st);
	mule_tarin_result_release(&res);
	mule_error_clear();
	return err;
}

/* The input in a descriptor, read as the tool reads its pipe, which
 * hands out what the writer wrote in pieces: here a socket of records,
 * one piece per read, so that the pieces are the same on every run.
 * Their sizes vary (at most 32 of them, all in the socket's buffer), so
 * that headers, data and the end of the archive fall across reads. */
static int
input_fd(const uint8_t *data, size_t size)
{
	size_t off = 0, n;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	while (off < size) {
		n = 1 + (size_t)((off * 2654435761u) >> 7) % 12288;
		if (n < size / 32)
			n = size / 32;
		if (n > size - off)
			n = size - off;
		if (send(sv[1], data + off, n, MSG_DONTWAIT) != (ssize_t)n) {
			perror("fuzz-tar: send");
			abort();
		}
		off += n;
	}
	if (shutdown(sv[1], SHUT_WR) < 0)
		abort();
	close(sv[1]);
	return sv[0];
}

/* Is LINE ("PATH MODE SIZE TARGET") in L: exactly, or (DIR_PATH_ONLY)
 * a directory of the same path, whatever its mode? */
static int
has_line(const struct listing *l, const char *line, int dir_path_only)
{
	size_t i, plen = strcspn(line, " ");

	for (i = 0; i < l->n; i++) {
		const char *m = l->lines[i] + plen + 1;

		if (!strcmp(l->lines[i], line))
			return 1;
		if (dir_path_only && !strncmp(l->lines[i], line, plen)
		    && l->lines[i][plen] == ' ' && strtoul(m, NULL, 8)
		    >> 12 == S_IFDIR >> 12)
			return 1;
	}
	return 0;
}

static int
is_dir_line(const char *line)
{
	return strtoul(line + strcspn(line, " ") + 1, NULL, 8) >> 12
	    == S_IFDIR >> 12;
}

/* After -x --overwrite of an archive that, alone, extracts to FRESH,
 * over FIRST: everything of FRESH is there (a directory merged into
 * keeps its mode), and nothing that is in neither. */
static void
check_merge(const struct listing *first, const struct listing *fresh,
    const struct listing *after)
{
	size_t i;

	for (i = 0; i < fresh->n; i++)
		if (!has_line(after, fresh->lines[i],
		    is_dir_line(fresh->lines[i]))) {
			fprintf(stderr, "fuzz-tar: --overwrite lost %s\n",
			    fresh->lines[i]);
			abort();
		}
	for (i = 0; i < after->n; i++)
		if (!has_line(fresh, after->lines[i],
		    is_dir_line(after->lines[i]))
		    && !has_line(first, after->lines[i], 0)) {
			fprintf(stderr, "fuzz-tar: --overwrite made %s\n",
			    after->lines[i]);
			abort();
		}
}

/* Extract the LEN bytes at TAR into the empty DIR and list it into L,
 * checked: a refusal leaves DIR empty, success stays within the limits.
 * 1 if -x succeeded. */
static int
extract_checked(const uint8_t *tar, size_t len, const char *dir,
    struct listing *l)
{
	int fd = input_fd(tar, len), ok;

	ok = !extract(fd, dir, 0);
	close(fd);
	list_tree(dir, l);
	if (!ok && l->n) {
		fprintf(stderr, "fuzz-tar: refused, but DIR is not empty\n");
		abort();
	}
	if (l->entries > MAX_FILES || l->bytes > MAX_SIZE)
		abort();
	return ok;
}

/* Separates two archives in one input: the second is extracted with
 * --overwrite over the first. */
static const char next_archive[] = "\nMULE-FUZZ-NEXT\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listing first, fresh, after;
	const uint8_t *second = NULL, *sep;
	size_t len1 = size, len2 = 0;
	struct scratch s;
	int fd, ok2, fresh_ok = 1;

	memset(&fresh, 0, sizeof fresh);
	sep = memmem(data, size, next_archive, sizeof next_archive - 1);
	if (sep) {
		len1 = (size_t)(sep - data);
		second = sep + sizeof next_archive - 1;
		len2 = size - len1 - (sizeof next_archive - 1);
		/* What it gives alone (one scratch directory at a time). */
		if (scratch_new(&s, "tar") < 0)
			abort();
		fresh_ok = extract_checked(second, len2, s.work, &fresh);
		scratch_free(&s);
	} else if (size && data[size / 2] & 1) {
		second = data;	/* the same again: nothing may change */
		len2 = size;
	}
	if (scratch_new(&s, "tar") < 0)
		abort();
	if (extract_checked(data, len1, s.work, &first) && second) {
		fd = input_fd(second, len2);
		ok2 = !extract(fd, s.work, 1);
		close(fd);
		if (ok2 && !fresh_ok) {
			fprintf(stderr, "fuzz-tar: --overwrite took an archive "
			    "that -x alone refuses\n");
			abort();
		}
		list_tree(s.work, &after);
		if (!ok2 || second == data) {
			/* Refused: DIR as it was.  The same: the same. */
			if (!same_listing(&first, &after)) {
				fprintf(stderr, "fuzz-tar: %s changed DIR\n",
				    ok2 ? "--overwrite with the same archive"
				    : "a refused --overwrite");
				abort();
			}
		} else
			check_merge(&first, &fresh, &after);
		listing_free(&after);
	}
	scratch_free(&s);
	listing_free(&first);
	listing_free(&fresh);
	return 0;
}
