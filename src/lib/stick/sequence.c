/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sequence.c - the sender's sequence numbers: taken, pending, given back. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/nameset.h"
#include "core/record.h"
#include "core/secret.h"
#include "core/state.h"
#include "core/text.h"
#include "stick/sequence.h"

#define FILE_MAX ((off_t)16 << 20)
#define RUN_LEN 16
/* The longest line we write; mule before 16 reads 255 bytes at a time. */
#define LINE_MAX_LEN 254
#define HINT_CORRUPT "repair it (mule(7) describes its lines) or move it " \
	"away; no number is taken while it cannot be read"

enum kind { K_LAST, K_FREE, K_RESERVED, K_PENDING, K_OTHER };

struct entry {
	enum kind kind;
	int dead;		/* not written back */
	size_t line;		/* where it was read, for messages */
	char sender[41];
	char recipient[41];
	uint64_t seq;		/* K_LAST: the last number handed out */
	char run[RUN_LEN + 1];
	char cid[65];
	char location[MULE_SEQUENCE_LOCATION_MAX + 1];
	char mark[MULE_SEQUENCE_MARK_MAX + 1];	/* "": none */
	char *text;		/* K_OTHER: the line as it was */
};

struct table {
	const char *name;	/* for messages */
	struct entry *v;
	size_t n, cap;
	struct mule_nameset pairs;	/* "SENDER RECIPIENT" -> its K_LAST */
	struct mule_nameset nums;	/* "SENDER RECIPIENT N" -> its entry */
	int changed;
};

struct mule_sequence {
	char *dir;
	char run[RUN_LEN + 1];
	char *lock;		/* DIR/sequence.RUN.lock */
	int fd;			/* it, locked while the run lives */
};

static const char *const words[] = { "", "free", "reserved", "pending" };

static void
table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	mule_nameset_release(&t->pairs);
	mule_nameset_release(&t->nums);
	memset(t, 0, sizeof *t);
}

/* S is made of letters, digits and the characters of EXTRA, 1 to MAX
 * of them, and is not "." or "..". */
static int
is_token(const char *s, size_t max, const char *extra)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A'
		    && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')
		    || strchr(extra, s[i])))
			return 0;
	return 1;
}

static int
is_location(const char *s)
{
	return is_token(s, MULE_SEQUENCE_LOCATION_MAX, ".:_-");
}

static int
is_mark(const char *s)
{
	return is_token(s, MULE_SEQUENCE_MARK_MAX, "._-");
}

/* A number of 1 to 18 digits. */
static int
number(const char *s, uint64_t *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
		return 0;
	*out = strtoull(s, NULL, 10);
	return 1;
}

/* A newer mule's line: "SENDER RECIPIENT WORD" and more, printable,
 * WORD lower-case letters and none of ours. */
static int
other_line(const char *line)
{
	const char *w = line + 82;
	size_t i, n;

	if (strlen(line) < 83 || line[40] != ' ' || line[81] != ' '
	    || !mule_is_hex(line, 40, 1) || !mule_is_hex(line + 41, 40, 1))
		return 0;
	n = strspn(w, "abcdefghijklmnopqrstuvwxyz");
	if (n == 0 || (w[n] != '\0' && w[n] != ' '))
		return 0;
	for (i = 1; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return 0;
	for (i = 0; line[i]; i++)
		if (line[i] < 0x20 || line[i] > 0x7e)
			return 0;
	return 1;
}

/* The record of LINE (NUL-terminated, no newline) in E; 0 if it is not
 * one. */
static int
parse_line(char *line, struct entry *e)
{
	char *f[8];
	size_t n;

	memset(e, 0, sizeof *e);
	if (other_line(line)) {
		e->kind = K_OTHER;
		return 1;
	}
	n = mule_record_fields(line, strlen(line), f, 8);
	if (n < 3 || !mule_hex_field(f[0], 40, 1)
	    || !mule_hex_field(f[1], 40, 1))
		return 0;
	memcpy(e->sender, f[0], 41);
	memcpy(e->recipient, f[1], 41);
	if (n == 3) {
		e->kind = K_LAST;
		return number(f[2], &e->seq);
	}
	if (!number(f[3], &e->seq) || e->seq == 0)
		return 0;
	if (n == 4 && !strcmp(f[2], words[K_FREE])) {
		e->kind = K_FREE;
		return 1;
	}
	if (n < 5 || !mule_hex_field(f[4], RUN_LEN, 0))
		return 0;
	memcpy(e->run, f[4], RUN_LEN + 1);
	if (n == 5 && !strcmp(f[2], words[K_RESERVED])) {
		e->kind = K_RESERVED;
		return 1;
	}
	if (n != 8 || strcmp(f[2], words[K_PENDING])
	    || !mule_hex_field(f[5], 64, 0) || !is_location(f[6])
	    || (strcmp(f[7], "-") && !is_mark(f[7])))
		return 0;
	e->kind = K_PENDING;
	memcpy(e->cid, f[5], 65);
	memcpy(e->location, f[6], strlen(f[6]) + 1);
	if (strcmp(f[7], "-"))
		memcpy(e->mark, f[7], strlen(f[7]) + 1);
	return 1;
}

static gpg_error_t
bad(const struct table *t, size_t line, const char *what)
{
	return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA), HINT_CORRUPT,
	    "sequence numbers in %s: line %zu %s", t->name, line, what);
}

static void
pair_key(char key[96], const char *sender, const char *recipient)
{
	snprintf(key, 96, "%s %s", sender, recipient);
}

static void
num_key(char key[128], const char *sender, const char *recipient,
    uint64_t seq)
{
	snprintf(key, 128, "%s %s %" PRIu64, sender, recipient, seq);
}

/* The live entry holding number SEQ of the pair, or -1. */
static int
find_num(const struct table *t, const char *sender, const char *recipient,
    uint64_t seq)
{
	char key[128];
	int i;

	num_key(key, sender, recipient, seq);
	i = mule_nameset_get(&t->nums, key, strlen(key));
	return i >= 0 && !t->v[i].dead ? i : -1;
}

/* The pair's K_LAST entry, or -1. */
static int
find_pair(const struct table *t, const char *sender, const char *recipient)
{
	char key[96];

	pair_key(key, sender, recipient);
	return mule_nameset_get(&t->pairs, key, strlen(key));
}

/* Append E to T and index it; its text (K_OTHER) is T's from now on,
 * also on an error. */
static gpg_error_t
push(struct table *t, const struct entry *e)
{
	char key[128];
	gpg_error_t err = 0;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct entry *v;

		v = cap > INT32_MAX ? NULL : realloc(t->v, cap * sizeof *v);
		if (!v) {
			free(e->text);
			return gpg_error_from_syserror();
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = *e;
	if (e->kind == K_LAST) {
		pair_key(key, e->sender, e->recipient);
		err = mule_nameset_put(&t->pairs, key, strlen(key), (int)t->n);
	} else if (e->kind != K_OTHER) {
		num_key(key, e->sender, e->recipient, e->seq);
		err = mule_nameset_put(&t->nums, key, strlen(key), (int)t->n);
	}
	t->n++;
	return err;
}

/* Add the record E read from line LINE: a second LAST of a pair counts
 * as its highest, a pending record follows the reserved (or pending)
 * one of its number, of the same run and item. */
static gpg_error_t
add(struct table *t, struct entry *e)
{
	struct entry *o;
	int i;

	if (e->kind == K_LAST && (i = find_pair(t, e->sender,
	    e->recipient)) >= 0) {
		if (t->v[i].seq < e->seq)
			t->v[i].seq = e->seq;
		t->changed = 1;
		return 0;
	}
	if (e->kind == K_LAST || e->kind == K_OTHER
	    || (i = find_num(t, e->sender, e->recipient, e->seq)) < 0)
		return push(t, e);
	o = &t->v[i];
	if (e->kind != K_PENDING || strcmp(o->run, e->run)
	    || (o->kind != K_RESERVED && o->kind != K_PENDING)
	    || (o->kind == K_PENDING && (strcmp(o->cid, e->cid)
	    || strcmp(o->location, e->location))))
		return bad(t, e->line, "gives a number that an earlier line "
		    "holds");
	o->kind = K_PENDING;
	memcpy(o->cid, e->cid, sizeof o->cid);
	memcpy(o->location, e->location, sizeof o->location);
	memcpy(o->mark, e->mark, sizeof o->mark);
	return 0;
}

/* Every number held is one of its pair's, 1 to LAST. */
static gpg_error_t
check(const struct table *t)
{
	const struct entry *e;
	size_t k;
	int i;

	for (k = 0; k < t->n; k++) {
		e = &t->v[k];
		if (e->dead || e->kind == K_LAST || e->kind == K_OTHER)
			continue;
		i = find_pair(t, e->sender, e->recipient);
		if (i < 0 || t->v[i].seq < e->seq)
			return bad(t, e->line, "holds a number above the last "
			    "one handed out");
	}
	return 0;
}

/* The records of the LEN bytes at BUF (followed by one writable byte);
 * a last line without a newline was cut short by a crash: dropped. */
static gpg_error_t
load_text(struct table *t, char *buf, size_t len)
{
	struct entry e;
	char *line, *nl, *end;
	size_t lineno = 0;
	gpg_error_t err = 0;

	end = buf + len;
	for (line = buf; !err && line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			break;
		lineno++;
		*nl = '\0';
		if (memchr(line, '\0', (size_t)(nl - line))
		    || !parse_line(line, &e))
			return bad(t, lineno, "is not a sequence record");
		e.line = lineno;
		if (e.kind == K_OTHER && !(e.text = strdup(line)))
			return gpg_error_from_syserror();
		err = add(t, &e);
	}
	return err ? err : check(t);
}

static gpg_error_t
load_file(struct table *t, const char *path)
{
	gpg_err_code_t code;
	gpg_error_t err;
	size_t len;
	char *buf;
	int fd;

	t->name = path;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return mule_error_set(gpg_error_from_syserror(), HINT_CORRUPT,
		    "sequence numbers in %s: %s", path, strerror(errno));
	err = mule_fd_read_whole(fd, FILE_MAX, &buf, &len);
	close(fd);
	code = gpg_err_code(err);
	if (code == GPG_ERR_EFTYPE || code == GPG_ERR_TOO_LARGE)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    HINT_CORRUPT, "sequence numbers in %s: %s", path,
		    code == GPG_ERR_TOO_LARGE ? "too large"
		    : "not a regular file");
	if (err)
		return mule_error_set(err, NULL, "sequence numbers in %s: %s",
		    path, gpg_strerror(err));
	err = load_text(t, buf, len);
	free(buf);
	return err;
}

/* One record as a line (with its newline) in LINE; its length. */
static int
format_entry(const struct entry *e, char line[LINE_MAX_LEN + 2])
{
	switch (e->kind) {
	case K_LAST:
		return snprintf(line, LINE_MAX_LEN + 2, "%s %s %" PRIu64 "\n",
		    e->sender, e->recipient, e->seq);
	case K_FREE:
		return snprintf(line, LINE_MAX_LEN + 2, "%s %s free %" PRIu64
		    "\n", e->sender, e->recipient, e->seq);
	case K_RESERVED:
		return snprintf(line, LINE_MAX_LEN + 2, "%s %s reserved %"
		    PRIu64 " %s\n", e->sender, e->recipient, e->seq, e->run);
	case K_PENDING:
		return snprintf(line, LINE_MAX_LEN + 2, "%s %s pending %"
		    PRIu64 " %s %s %s %s\n", e->sender, e->recipient, e->seq,
		    e->run, e->cid, e->location, e->mark[0] ? e->mark : "-");
	default:
		return -1;
	}
}

/* The numbers given back at the top of a pair are not handed out at
 * all: LAST goes down instead, as if they had never been taken. */
static void
compact(struct table *t)
{
	size_t k;
	int i;

	for (k = 0; k < t->n; k++) {
		struct entry *e = &t->v[k];

		if (e->kind != K_LAST || e->dead)
			continue;
		while (e->seq > 0 && (i = find_num(t, e->sender, e->recipient,
		    e->seq)) >= 0 && t->v[i].kind == K_FREE) {
			t->v[i].dead = 1;
			e->seq--;
			t->changed = 1;
		}
	}
}

/* T as the text of the file, malloc'ed (and NUL-terminated). */
static gpg_error_t
format_table(const struct table *t, char **out, size_t *outlen)
{
	char line[LINE_MAX_LEN + 2], *buf = NULL;
	size_t k, len = 0, cap = 0, n;
	const struct entry *e;
	int m;

	for (k = 0; k < t->n; k++) {
		e = &t->v[k];
		if (e->dead || (e->kind == K_LAST && e->seq == 0))
			continue;
		if (e->kind == K_OTHER) {
			n = strlen(e->text) + 1;
		} else {
			m = format_entry(e, line);
			if (m < 0 || m > LINE_MAX_LEN + 1) {
				free(buf);
				return gpg_error(GPG_ERR_INTERNAL);
			}
			n = (size_t)m;
		}
		if (len + n + 1 > cap) {
			char *tmp;

			cap = (len + n + 1) * 2;
			if (!(tmp = realloc(buf, cap))) {
				free(buf);
				return gpg_error_from_syserror();
			}
			buf = tmp;
		}
		if (e->kind == K_OTHER)
			snprintf(buf + len, cap - len, "%s\n", e->text);
		else
			memcpy(buf + len, line, n);
		len += n;
		buf[len] = '\0';
	}
	*out = buf ? buf : strdup("");
	*outlen = len;
	return *out ? 0 : gpg_error_from_syserror();
}

/* Write T to PATH: a temporary beside it (".sequence.PID", as mule
 * before 16 named it), fsync'ed, renamed over it, the directory
 * fsync'ed.  The file is replaced whole or not at all, and never taken
 * back once it is: it is the only record of the numbers. */
static gpg_error_t
store(const struct table *t, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *text = NULL, *tmp = NULL, *dir = NULL;
	gpg_error_t err;
	size_t len;
	int fd = -1;

	err = format_table(t, &text, &len);
	if (!err && (!slash || asprintf(&tmp, "%.*s/.sequence.%ld",
	    (int)(slash - path), path, (long)getpid()) < 0
	    || !(dir = strndup(path, (size_t)(slash - path)))))
		err = gpg_error_from_syserror();
	if (!err) {
		unlink(tmp);	/* a run killed before its rename */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0600);
		if (fd < 0)
			err = gpg_error_from_syserror();
	}
	if (!err)
		err = mule_write_all(fd, text, len);
	if (!err && fsync(fd) < 0)
		err = gpg_error_from_syserror();
	if (fd >= 0 && close(fd) < 0 && !err)
		err = gpg_error_from_syserror();
	if (!err && rename(tmp, path) < 0)
		err = gpg_error_from_syserror();
	if (!err && mule_sync_dir(dir) < 0)
		err = gpg_error_from_syserror();
	if (tmp)
		unlink(tmp);	/* after a rename, nothing is there */
	if (err)
		mule_error_set(err, NULL, "sequence numbers in %s: %s", path,
		    gpg_strerror(err));
	free(text);
	free(tmp);
	free(dir);
	return err;
}

/* Lock the sequence numbers in DIR for this process: *FD, closed to
 * unlock; *PATH gets the sequence file's path. */
static gpg_error_t
lock_dir(const char *dir, int *fd, char **path)
{
	char *lock = NULL;
	gpg_error_t err = 0;
	int rc = 0;

	*fd = -1;
	if (asprintf(&lock, "%s/sequence.lock", dir) < 0
	    || asprintf(path, "%s/sequence", dir) < 0) {
		free(lock);
		return gpg_error_from_syserror();
	}
	*fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd >= 0)
		while ((rc = flock(*fd, LOCK_EX)) < 0 && errno == EINTR)
			;
	if (*fd < 0 || rc < 0) {
		err = mule_error_set(gpg_error_from_syserror(), NULL,
		    "sequence numbers: %s: %s", lock, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		free(*path);
		*path = NULL;
	}
	free(lock);
	return err;
}

/* Lock DIR's sequence numbers and read them into T. */
static gpg_error_t
begin(const char *dir, struct table *t, int *fd, char **path)
{
	gpg_error_t err;

	memset(t, 0, sizeof *t);
	err = lock_dir(dir, fd, path);
	if (!err && (err = load_file(t, *path))) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

/* Write T back if WRITE, unlock, and release it all. */
static gpg_error_t
end(struct table *t, int fd, char *path, int write, gpg_error_t err)
{
	if (!err && write)
		err = store(t, path);
	if (fd >= 0)
		close(fd);
	table_release(t);
	free(path);
	return err;
}

gpg_error_t
mule_sequence_open(struct mule_sequence **out, const char *dir)
{
	struct mule_sequence *q;
	gpg_error_t err = 0;
	unsigned char rnd[RUN_LEN / 2];
	char *path = NULL;
	int lfd = -1;

	*out = NULL;
	q = calloc(1, sizeof *q);
	if (!q)
		return gpg_error_from_syserror();
	q->fd = -1;
	if (dir)
		q->dir = strdup(dir);
	else
		err = mule_state_dir(&q->dir);
	if (!err && !q->dir)
		err = gpg_error_from_syserror();
	if (!err) {
		mule_random_hex(q->run, sizeof rnd);
		if (asprintf(&q->lock, "%s/sequence.%s.lock", q->dir, q->run)
		    < 0) {
			q->lock = NULL;
			err = gpg_error_from_syserror();
		}
	}
	/* Made and locked under the sequence lock: a reconcile never sees
	 * it before it is locked, which would make the run look dead. */
	if (!err)
		err = lock_dir(q->dir, &lfd, &path);
	if (!err) {
		q->fd = open(q->lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0600);
		if (q->fd < 0 || flock(q->fd, LOCK_EX | LOCK_NB) < 0)
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "sequence numbers: %s: %s", q->lock,
			    strerror(errno));
	}
	if (lfd >= 0)
		close(lfd);
	free(path);
	if (err) {
		if (q->fd >= 0)
			unlink(q->lock);
		mule_sequence_close(q);
		return err;
	}
	*out = q;
	return 0;
}

void
mule_sequence_close(struct mule_sequence *q)
{
	if (!q)
		return;
	if (q->fd >= 0) {
		unlink(q->lock);	/* while it is still held */
		close(q->fd);
	}
	free(q->lock);
	free(q->dir);
	free(q);
}

struct free_num {
	uint64_t seq;
	size_t idx;
};

static int
cmp_free(const void *a, const void *b)
{
	const struct free_num *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The pair's K_LAST entry, made if it is new. */
static gpg_error_t
pair_of(struct table *t, const char *sender, const char *recipient, size_t *at)
{
	struct entry e;
	int i = find_pair(t, sender, recipient);

	if (i >= 0) {
		*at = (size_t)i;
		return 0;
	}
	memset(&e, 0, sizeof e);
	e.kind = K_LAST;
	memcpy(e.sender, sender, 41);
	memcpy(e.recipient, recipient, 41);
	*at = t->n;
	return push(t, &e);
}

/* Take COUNT numbers of one pair for RUN: SEQS[I * STRIDE]. */
static gpg_error_t
take_pair(struct table *t, const char *run, const char *sender,
    const char *recipient, size_t count, uint64_t *seqs, size_t stride)
{
	struct free_num *fr = NULL;
	struct entry e;
	size_t k, nfree = 0, at, i;
	gpg_error_t err;

	err = pair_of(t, sender, recipient, &at);
	for (k = 0; !err && k < t->n; k++) {
		if (t->v[k].dead || t->v[k].kind != K_FREE
		    || strcmp(t->v[k].sender, sender)
		    || strcmp(t->v[k].recipient, recipient))
			continue;
		if (!(nfree % 64)) {
			struct free_num *tmp = realloc(fr, (nfree + 64)
			    * sizeof *fr);

			if (!tmp) {
				err = gpg_error_from_syserror();
				break;
			}
			fr = tmp;
		}
		fr[nfree].seq = t->v[k].seq;
		fr[nfree++].idx = k;
	}
	if (nfree)
		qsort(fr, nfree, sizeof *fr, cmp_free);
	for (i = 0; !err && i < count; i++) {
		if (i < nfree) {
			t->v[fr[i].idx].kind = K_RESERVED;
			memcpy(t->v[fr[i].idx].run, run, RUN_LEN + 1);
			seqs[i * stride] = fr[i].seq;
			continue;
		}
		if (t->v[at].seq >= MULE_SEQUENCE_MAX) {
			err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
			    NULL, "sequence numbers in %s: every number for "
			    "%s is used", t->name, recipient);
			break;
		}
		memset(&e, 0, sizeof e);
		e.kind = K_RESERVED;
		memcpy(e.sender, sender, 41);
		memcpy(e.recipient, recipient, 41);
		memcpy(e.run, run, RUN_LEN + 1);
		e.seq = ++t->v[at].seq;
		seqs[i * stride] = e.seq;
		err = push(t, &e);
	}
	free(fr);
	return err;
}

gpg_error_t
mule_sequence_take(struct mule_sequence *q, const char *sender,
    char (*recipients)[41], size_t n, size_t count, uint64_t *seqs)
{
	struct table t;
	char *path = NULL;
	gpg_error_t err;
	size_t r;
	int fd;

	err = begin(q->dir, &t, &fd, &path);
	for (r = 0; !err && r < n; r++)
		err = take_pair(&t, q->run, sender, recipients[r], count,
		    seqs + r, n);
	return end(&t, fd, path, 1, err);
}

/* Append the LEN bytes at TEXT to the file PATH (under the lock) and
 * fsync it; a last line cut short by a crash goes first. */
/* Drop from FD (ST) a last line cut short by a crash. */
static gpg_error_t
drop_cut_line(int fd, const struct stat *st)
{
	char tail[512], *nl;
	size_t n = st->st_size > (off_t)sizeof tail ? sizeof tail
	    : (size_t)st->st_size;

	if (!n)
		return 0;
	if (pread(fd, tail, n, st->st_size - (off_t)n) != (ssize_t)n)
		return gpg_error_from_syserror();
	if (tail[n - 1] == '\n')
		return 0;
	/* Lines are short: a longer one is no line of ours. */
	nl = memrchr(tail, '\n', n);
	if (!nl && (size_t)st->st_size > n)
		return gpg_error(GPG_ERR_INV_DATA);
	if (ftruncate(fd, st->st_size - (off_t)n + (nl ? nl + 1 - tail : 0))
	    < 0)
		return gpg_error_from_syserror();
	return 0;
}

/* Append the LEN bytes at TEXT to the file PATH under the lock LFD,
 * closed once they are written; then fsync them.  The fsync needs no
 * lock: a rewrite that comes in between has read the line, and fsyncs
 * its own file before its rename; so runs side by side share their
 * waits for the disk. */
static gpg_error_t
append(const char *path, int lfd, const char *text, size_t len)
{
	struct stat st;
	gpg_error_t err = 0;
	int fd;

	fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		err = gpg_error_from_syserror();
	else if (!S_ISREG(st.st_mode))
		err = gpg_error(GPG_ERR_EINVAL);
	if (!err)
		err = drop_cut_line(fd, &st);
	if (!err)
		err = mule_write_all(fd, text, len);
	close(lfd);
	if (!err && fsync(fd) < 0)
		err = gpg_error_from_syserror();
	if (fd >= 0)
		close(fd);
	if (err)
		return mule_error_set(err, NULL, "sequence numbers in %s: %s",
		    path, gpg_strerror(err));
	return 0;
}

gpg_error_t
mule_sequence_pending(struct mule_sequence *q, const char *sender,
    const char *cid, const char *location, char (*recipients)[41],
    const uint64_t *seqs, const char *const *marks, size_t n)
{
	struct entry e;
	char *text, *path = NULL;
	gpg_error_t err;
	size_t r, len = 0;
	int m, fd;

	if (!is_location(location) || strlen(cid) != 64)
		return gpg_error(GPG_ERR_INV_ARG);
	text = malloc(n * (LINE_MAX_LEN + 1) + 1);
	if (!text)
		return gpg_error_from_syserror();
	for (r = 0; r < n; r++) {
		memset(&e, 0, sizeof e);
		e.kind = K_PENDING;
		memcpy(e.sender, sender, 41);
		memcpy(e.recipient, recipients[r], 41);
		e.seq = seqs[r];
		memcpy(e.run, q->run, RUN_LEN + 1);
		memcpy(e.cid, cid, 65);
		memcpy(e.location, location, strlen(location) + 1);
		if (marks && marks[r]) {
			if (!is_mark(marks[r])) {
				free(text);
				return gpg_error(GPG_ERR_INV_ARG);
			}
			memcpy(e.mark, marks[r], strlen(marks[r]) + 1);
		}
		m = format_entry(&e, text + len);
		len += (size_t)m;
	}
	err = lock_dir(q->dir, &fd, &path);
	if (!err)
		err = append(path, fd, text, len);
	free(path);
	free(text);
	return err;
}

gpg_error_t
mule_sequence_settle(struct mule_sequence *q, const char *sender,
    char (*recipients)[41], size_t n, const uint64_t *seqs,
    const enum mule_sequence_end *ends, size_t count)
{
	struct table t;
	char *path = NULL;
	gpg_error_t err;
	size_t i, r;
	int fd, k;

	for (i = 0; i < count && ends[i] == MULE_SEQUENCE_LEAVE; i++)
		;
	if (i == count)
		return 0;
	err = begin(q->dir, &t, &fd, &path);
	for (i = 0; !err && i < count; i++) {
		if (ends[i] == MULE_SEQUENCE_LEAVE)
			continue;
		for (r = 0; r < n; r++) {
			k = find_num(&t, sender, recipients[r], seqs[i * n + r]);
			if (k < 0 || strcmp(t.v[k].run, q->run))
				continue;	/* not ours (any more) */
			if (ends[i] == MULE_SEQUENCE_KEEP) {
				t.v[k].dead = 1;
				continue;
			}
			t.v[k].kind = K_FREE;
			t.v[k].run[0] = '\0';
		}
	}
	if (!err)
		compact(&t);
	return end(&t, fd, path, 1, err);
}

/* Is the run RUN (of DIR) alive: does a process hold the lock of its
 * file?  A dead run's file is removed (under the sequence lock). */
static int
run_alive(const char *dir, const char *run)
{
	char *path;
	int fd, alive = 1;

	if (asprintf(&path, "%s/sequence.%s.lock", dir, run) < 0)
		return 1;
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		alive = errno != ENOENT;
	else if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		unlink(path);
		alive = 0;
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return alive;
}

/* Remove the lock files of dead runs that hold no record. */
static void
clean_runs(const char *dir)
{
	struct dirent *d;
	char run[RUN_LEN + 1];
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp))) {
		if (strlen(d->d_name) != 9 + RUN_LEN + 5
		    || strncmp(d->d_name, "sequence.", 9)
		    || strcmp(d->d_name + 9 + RUN_LEN, ".lock")
		    || !mule_is_hex(d->d_name + 9, RUN_LEN, 0))
			continue;
		memcpy(run, d->d_name + 9, RUN_LEN);
		run[RUN_LEN] = '\0';
		(void)run_alive(dir, run);
	}
	if (dp)
		closedir(dp);
}

/* Is the run of entry K alive?  Asked once per run (RUNS: run -> 0/1). */
static gpg_error_t
alive_of(struct table *t, struct mule_nameset *runs, const char *dir,
    size_t k, int *alive)
{
	int v = mule_nameset_get(runs, t->v[k].run, RUN_LEN);

	if (v >= 0) {
		*alive = v;
		return 0;
	}
	*alive = run_alive(dir, t->v[k].run);
	return mule_nameset_put(runs, t->v[k].run, RUN_LEN, *alive);
}

/* The pending items of dead runs at LOCATION: *GROUPS (entry indexes,
 * each item's together, -1 ending each), *NGROUPS items. */
struct group {
	size_t *idx;
	size_t n;
};

static gpg_error_t
group_pending(struct table *t, struct mule_nameset *runs, const char *dir,
    const char *location, struct group **groups, size_t *ngroups)
{
	struct mule_nameset by_item;
	char key[128];
	gpg_error_t err = 0;
	size_t k;
	int alive, g;

	memset(&by_item, 0, sizeof by_item);
	*groups = NULL;
	*ngroups = 0;
	for (k = 0; !err && k < t->n; k++) {
		struct entry *e = &t->v[k];
		struct group *tmp;
		size_t *idx;

		if (e->dead || e->kind != K_PENDING
		    || strcmp(e->location, location))
			continue;
		if ((err = alive_of(t, runs, dir, k, &alive)) || alive)
			continue;
		snprintf(key, sizeof key, "%s %s %s", e->run, e->sender,
		    e->cid);
		g = mule_nameset_get(&by_item, key, strlen(key));
		if (g < 0) {
			tmp = realloc(*groups, (*ngroups + 1) * sizeof *tmp);
			if (!tmp) {
				err = gpg_error_from_syserror();
				break;
			}
			*groups = tmp;
			g = (int)(*ngroups)++;
			memset(&tmp[g], 0, sizeof tmp[g]);
			err = mule_nameset_put(&by_item, key, strlen(key), g);
		}
		idx = err ? NULL : realloc((*groups)[g].idx, ((*groups)[g].n
		    + 1) * sizeof *idx);
		if (!err && !idx)
			err = gpg_error_from_syserror();
		if (!err) {
			(*groups)[g].idx = idx;
			idx[(*groups)[g].n++] = k;
		}
	}
	mule_nameset_release(&by_item);
	return err;
}

/* Ask PROBE about the item of group G and settle its numbers. */
static gpg_error_t
probe_item(struct table *t, const struct group *g,
    mule_sequence_probe_fn probe, void *arg)
{
	struct mule_sequence_item item;
	struct entry *e = &t->v[g->idx[0]];
	size_t k, never = 0, later = 0;
	gpg_error_t err;

	item.sender = e->sender;
	item.cid = e->cid;
	item.location = e->location;
	item.n = g->n;
	item.copies = calloc(g->n, sizeof *item.copies);
	if (!item.copies)
		return gpg_error_from_syserror();
	for (k = 0; k < g->n; k++) {
		e = &t->v[g->idx[k]];
		item.copies[k].recipient = e->recipient;
		item.copies[k].seq = e->seq;
		item.copies[k].mark = e->mark[0] ? e->mark : NULL;
		item.copies[k].fate = MULE_SEQUENCE_LATER;
	}
	err = probe(arg, &item);
	for (k = 0; !err && k < g->n; k++) {
		later += item.copies[k].fate == MULE_SEQUENCE_LATER;
		never += item.copies[k].fate == MULE_SEQUENCE_NEVER;
	}
	/* An item's numbers go together: all back if it was never in place
	 * for anyone, else all kept (it is there, or may have been taken). */
	for (k = 0; !err && !later && k < g->n; k++) {
		e = &t->v[g->idx[k]];
		if (never == g->n) {
			e->kind = K_FREE;
			e->run[0] = '\0';
		} else
			e->dead = 1;
		t->changed = 1;
	}
	free(item.copies);
	return err;
}

gpg_error_t
mule_sequence_reconcile(const char *dir, const char *location,
    mule_sequence_probe_fn probe, void *arg)
{
	struct mule_nameset runs;
	struct group *groups = NULL;
	struct table t;
	char *own = NULL, *path = NULL;
	gpg_error_t err;
	size_t k, ngroups = 0;
	int fd, alive;

	if (!is_location(location))
		return gpg_error(GPG_ERR_INV_ARG);
	if (!dir && (err = mule_state_dir(&own)))
		return err;
	dir = dir ? dir : own;
	memset(&runs, 0, sizeof runs);
	err = begin(dir, &t, &fd, &path);
	if (!err)
		clean_runs(dir);
	/* A dead run's reserved numbers: its item never started on its
	 * way (it would have been pending first). */
	for (k = 0; !err && k < t.n; k++) {
		if (t.v[k].dead || t.v[k].kind != K_RESERVED)
			continue;
		if (!(err = alive_of(&t, &runs, dir, k, &alive)) && !alive) {
			t.v[k].kind = K_FREE;
			t.v[k].run[0] = '\0';
			t.changed = 1;
		}
	}
	if (!err)
		err = group_pending(&t, &runs, dir, location, &groups,
		    &ngroups);
	for (k = 0; !err && k < ngroups; k++)
		err = probe_item(&t, &groups[k], probe, arg);
	for (k = 0; k < ngroups; k++)
		free(groups[k].idx);
	free(groups);
	mule_nameset_release(&runs);
	if (t.changed)
		compact(&t);
	/* What was settled before an error stays settled. */
	if (t.changed && fd >= 0) {
		gpg_error_t e = store(&t, path);

		err = err ? err : e;
	}
	free(own);
	return end(&t, fd, path, 0, err);
}

gpg_error_t
mule_sequence_parse(const char *name, const void *text, size_t len,
    char **out, size_t *outlen)
{
	struct table t;
	gpg_error_t err;
	char *buf;

	memset(&t, 0, sizeof t);
	t.name = name;
	buf = malloc(len + 1);
	if (!buf)
		return gpg_error_from_syserror();
	memcpy(buf, text, len);
	buf[len] = '\0';
	err = load_text(&t, buf, len);
	free(buf);
	if (!err)
		compact(&t);
	if (!err && out)
		err = format_table(&t, out, outlen);
	table_release(&t);
	return err;
}
