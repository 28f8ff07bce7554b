/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-parts.c - libFuzzer harness for split bundles (src/lib/tar/parts.c):
 * which names are parts NAME.001, NAME.002 ..., finding the rest from
 * the first, refusing gaps, parts out of order, parts of the wrong size
 * and (on a stick) symlinks and FIFOs; and splitting with --force over
 * the parts of an earlier bundle.
 *
 * The input is a byte of flags, then one entry a line, made in a fresh
 * scratch directory (fuzz-scratch.h):
 *   f S NAME    a regular file of S bytes (S: one byte, 0-255)
 *   d NAME      a directory
 *   l NAME      a symlink to the entry made before it
 *   p NAME      a FIFO (on a stick only: on the command line one blocks,
 *               as the user asked)
 *   a NAME      an argument, in order (the stick reads the first one)
 * Flags: 1 the stick's reader (mule_parts_open_at) instead of the
 * command line's (mule_parts_open); 2 then split 0-63 bytes (the next
 * byte) into parts of 4-32 bytes (bits 2-4) under the first argument's
 * name, with --force (bit 5), and read them back.  What was read must be
 * what the entries hold, in order.  See README. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "fuzz-scratch.h"
#include "tar/parts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ENTRIES 40
#define MAX_ARGS 16
#define MAX_READ 65536

enum kind { NONE, REG, DIRECTORY, SYMLINK, FIFO };

struct entry {
	char name[256];
	enum kind kind;
	size_t size;
	int target;		/* SYMLINK: the entry it points to, or -1 */
};

struct input {
	int stick, split, force;
	size_t split_len, part_size;
	struct entry e[MAX_ENTRIES];
	size_t n;
	char args[MAX_ARGS][256];
	size_t nargs;
};

/* What file entry I holds: its size, bytes of its index. */
static void
content(const struct entry *e, size_t i, unsigned char *out)
{
	memset(out, (int)('A' + i % 26), e->size);
}

static int
name_ok(const char *name)
{
	return *name && strcmp(name, ".") && strcmp(name, "..");
}

/* Read one line's NAME (up to a newline or the end) into OUT. */
static size_t
take_name(const uint8_t *p, size_t left, char out[256])
{
	size_t n = 0, used = 0;

	while (used < left && p[used] != '\n') {
		if (n < 255)
			out[n++] = (char)p[used];
		used++;
	}
	out[n] = '\0';
	if (memchr(out, '/', n) || strlen(out) != n)
		out[0] = '\0';	/* a path or a NUL: not one name */
	return used + (used < left);
}

static void
parse_input(const uint8_t *data, size_t size, struct input *in)
{
	size_t off = 1;

	memset(in, 0, sizeof *in);
	if (!size)
		return;
	in->stick = data[0] & 1;
	in->split = data[0] & 2;
	in->part_size = 4 + 4 * ((data[0] >> 2) & 7);
	in->force = (data[0] >> 5) & 1;
	if (in->split && off < size)
		in->split_len = data[off++] % 64;
	while (off < size) {
		uint8_t type = data[off++];
		size_t sz = 0;
		char name[256];

		if (type == 'f' && off < size)
			sz = data[off++];
		off += take_name(data + off, size - off, name);
		if (!name_ok(name))
			continue;
		if (type == 'a' && in->nargs < MAX_ARGS)
			memcpy(in->args[in->nargs++], name, 256);
		else if (strchr("fdlp", type) && type && in->n < MAX_ENTRIES) {
			struct entry *e = &in->e[in->n];

			memcpy(e->name, name, 256);
			e->kind = type == 'f' ? REG : type == 'd' ? DIRECTORY
			    : type == 'l' ? SYMLINK : FIFO;
			e->size = sz;
			e->target = (int)in->n - 1;
			in->n++;
		}
	}
}

static int
find_entry(const struct input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (in->e[i].kind != NONE && !strcmp(in->e[i].name, name))
			return (int)i;
	return -1;
}

/* Make the entries in directory FD; one that cannot be made (a name
 * made before) is dropped. */
static void
make_entries(int fd, struct input *in)
{
	unsigned char buf[256];
	size_t i;
	int ok, f;

	for (i = 0; i < in->n; i++) {
		struct entry *e = &in->e[i];

		if (find_entry(in, e->name) < (int)i) {
			e->kind = NONE;
			continue;
		}
		switch (e->kind) {
		case REG:
			f = openat(fd, e->name, O_WRONLY | O_CREAT | O_EXCL,
			    0600);
			content(e, i, buf);
			ok = f >= 0 && write(f, buf, e->size) == (ssize_t)e->size;
			if (f >= 0)
				close(f);
			break;
		case DIRECTORY:
			ok = mkdirat(fd, e->name, 0700) == 0;
			break;
		case SYMLINK:
			ok = symlinkat(e->target >= 0 ? in->e[e->target].name
			    : "nowhere", fd, e->name) == 0;
			break;
		case FIFO:
			ok = in->stick && mkfifoat(fd, e->name, 0600) == 0;
			break;
		default:
			ok = 0;
		}
		if (!ok)
			e->kind = NONE;
	}
}

/* The file entry NAME stands for (symlinks followed on the command
 * line only), or -1. */
static int
file_of(const struct input *in, const char *name)
{
	int i = find_entry(in, name), hops;

	for (hops = 0; i >= 0 && hops < 8; hops++) {
		if (in->e[i].kind == REG)
			return i;
		if (in->e[i].kind != SYMLINK || in->stick)
			return -1;
		i = find_entry(in, in->e[i].target >= 0
		    ? in->e[in->e[i].target].name : "nowhere");
	}
	return -1;
}

/* Is NAME "STEM.NNN" with NNN from 001 to 999?  Sets *NUM. */
static int
is_part(const char *name, const char *stem, unsigned *num)
{
	size_t l = strlen(stem);
	const char *d = name + l + 1;

	if (strncmp(name, stem, l) || name[l] != '.' || strlen(d) != 3
	    || strspn(d, "0123456789") != 3)
		return 0;
	*num = (unsigned)atoi(d);
	return *num > 0;
}

/* A read of the first NARGS arguments succeeded: GOT (LEN bytes) must be
 * what the entry the argument names holds, or all the parts of the
 * first, N of them, none missing, in order, of the first one's size. */
static void
check_read(const struct input *in, size_t nargs, const unsigned char *got,
    size_t len, size_t n)
{
	unsigned char want[MAX_READ], buf[256];
	const char *first = in->args[0];
	size_t wlen = 0, flen = strlen(first), i;
	char stem[256], name[300];
	unsigned num;
	int k;

	if (flen >= 4 && first[flen - 4] == '.'
	    && strspn(first + flen - 3, "0123456789") == 3) {
		/* A part: the first; then every part, none missing. */
		if (strcmp(first + flen - 4, ".001") || !n)
			abort();
		memcpy(stem, first, flen - 4);
		stem[flen - 4] = '\0';
		if (nargs > 1 && nargs != n)
			abort();
		for (i = 0; i < nargs; i++)
			if (!is_part(in->args[i], stem, &num) || num != i + 1)
				abort();
		for (i = 0; i < in->n; i++)
			if (in->e[i].kind != NONE
			    && is_part(in->e[i].name, stem, &num) && num > n)
				abort();	/* a part left out */
		for (i = 1; i <= n; i++) {
			snprintf(name, sizeof name, "%s.%03zu", stem, i);
			if ((k = file_of(in, name)) < 0)
				abort();
			if (i > 1 && (i < n ? in->e[k].size != in->e[file_of(in,
			    in->args[0])].size : in->e[k].size >
			    in->e[file_of(in, in->args[0])].size))
				abort();	/* a part of the wrong size */
			content(&in->e[k], (size_t)k, buf);
			memcpy(want + wlen, buf, in->e[k].size);
			wlen += in->e[k].size;
		}
	} else {
		if (nargs != 1 || n != 1 || (k = file_of(in, first)) < 0)
			abort();
		content(&in->e[k], (size_t)k, want);
		wlen = in->e[k].size;
	}
	if (wlen != len || memcmp(want, got, len))
		abort();
}

/* Read everything from PP into BUF; 0 on success. */
static gpg_error_t
read_all(struct mule_parts *pp, unsigned char *buf, size_t *len)
{
	gpg_error_t err = 0;
	size_t got = 1;

	*len = 0;
	while (!err && got && *len < MAX_READ) {
		err = mule_parts_read(pp, buf + *len, MAX_READ - *len, &got);
		*len += err ? 0 : got;
	}
	return err;
}

/* Open the arguments as the tool whose reader INPUT chose does, read
 * them, and check what came. */
static void
open_and_read(const struct input *in, const struct scratch *s, int fd)
{
	static unsigned char buf[MAX_READ];
	struct mule_parts *pp = NULL;
	char *paths[MAX_ARGS];
	unsigned char digest[32];
	size_t i, len = 0;
	gpg_error_t err;

	if (in->stick)
		err = mule_parts_open_at(&pp, fd, s->work, in->args[0]);
	else {
		for (i = 0; i < in->nargs; i++)
			if (asprintf(&paths[i], "%s/%s", s->work,
			    in->args[i]) < 0)
				abort();
		err = mule_parts_open(&pp, paths, in->nargs);
		for (i = 0; i < in->nargs; i++)
			free(paths[i]);
	}
	if (!err)
		err = read_all(pp, buf, &len);
	if (!err && in->stick)
		err = mule_parts_digest(pp, digest);
	if (!err) {
		/* The stick reads its one name. */
		check_read(in, in->stick ? 1 : in->nargs, buf, len,
		    mule_parts_count(pp));
		if (in->stick) {
			unsigned char want[32];

			gcry_md_hash_buffer(GCRY_MD_SHA256, want, buf, len);
			if (memcmp(want, digest, 32))
				abort();
		}
	}
	mule_parts_free(pp);
	mule_error_clear();
}

/* Split bytes into parts under the first argument's name (its stem, if
 * it names a part), over whatever is there, and read them back: with
 * --force, the parts of an earlier, longer bundle must not follow. */
static void
split_and_read(struct input *in, const struct scratch *s, int fd)
{
	static const unsigned char text[64] =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.";
	struct mule_split *sp = NULL;
	struct mule_parts *pp = NULL;
	static unsigned char buf[MAX_READ];
	char base[256], first[300];
	size_t blen = strlen(in->args[0]), len, i;
	unsigned num;
	gpg_error_t err;

	memcpy(base, in->args[0], blen + 1);
	if (blen >= 4 && base[blen - 4] == '.'
	    && strspn(base + blen - 3, "0123456789") == 3)
		base[blen - 4] = '\0';
	if (!*base)
		return;
	err = mule_split_open_at(&sp, fd, s->work, base, in->part_size,
	    in->force);
	if (!err)
		err = mule_split_write(sp, text, in->split_len);
	if (!err)
		err = mule_split_commit(sp);
	mule_split_free(sp);
	mule_error_clear();
	/* A directory in the way of a part: not ours to remove. */
	for (i = 0; i < in->n; i++)
		if (in->e[i].kind == DIRECTORY
		    && is_part(in->e[i].name, base, &num))
			return;
	if (err || !in->split_len)
		return;
	snprintf(first, sizeof first, "%s.001", base);
	err = mule_parts_open_at(&pp, fd, s->work, first);
	if (!err)
		err = read_all(pp, buf, &len);
	if (err || len != in->split_len || memcmp(buf, text, len))
		abort();
	mule_parts_free(pp);
	mule_error_clear();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	struct scratch s;
	int fd;

	parse_input(data, size, &in);
	if (!in.nargs)
		return 0;	/* none would be standard input */
	if (scratch_new(&s, "parts") < 0)
		abort();
	fd = open(s.work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	make_entries(fd, &in);
	open_and_read(&in, &s, fd);
	if (in.split)
		split_and_read(&in, &s, fd);
	close(fd);
	scratch_free(&s);
	return 0;
}
