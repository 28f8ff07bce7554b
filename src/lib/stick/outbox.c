/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.c - the outbox: its folder, its records, the states of an item. */
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
#include "core/output.h"
#include "core/state.h"
#include "core/testhook.h"
#include "core/text.h"
#include "stick/folder.h"
#include "stick/outbox.h"
#include "tar/parts.h"

#define FORMAT_LINE "mule-outbox: 1\n"
#define NAME_MAX_BYTES 16384
/* The repeated keys, by their place in the record. */
#define RECIPIENT 4
#define FOLDER 5

/* --- the record ---------------------------------------------------------- */

gpg_error_t
mule_outbox_format(const struct mule_outbox_item *it, char **text,
    size_t *len)
{
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return gpg_error_from_syserror();
	fprintf(f, FORMAT_LINE "id: %s\ncid: %s\nkind: %s\nsender: %s\n", it->id,
	    it->cid, it->kind, it->sender);
	for (i = 0; i < it->nrecipients; i++)
		fprintf(f, "recipient: %s\n", it->recipients[i]);
	for (i = 0; i < it->nfolders; i++)
		fprintf(f, "folder: %s\n", it->folders[i]);
	fputs("name: ", f);
	for (i = 0; it->name[i]; i++)
		fprintf(f, "%02x", (unsigned char)it->name[i]);
	fprintf(f, "\nsize: %" PRIu64 "\ncreated: %" PRId64 "\nsplit: %"
	    PRIu64 "\n", it->size, it->created, it->split);
	if (fclose(f) != 0) {
		free(buf);
		return gpg_error_from_syserror();
	}
	*text = buf;
	*len = size;
	return 0;
}

/* A decimal number without a sign or leading zeros, at most MAX. */
static int
number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i, n = strlen(s);

	if (!n || n > 20 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/* A name as hex, decoded: bytes, none of them NUL.  NULL if S is not
 * that (or out of memory: errno says). */
static char *
hex_name(const char *s)
{
	size_t n = strlen(s), i;
	char *out;
	int hi, lo;

	errno = 0;
	if (!n || n % 2 || n > 2 * NAME_MAX_BYTES || !mule_is_hex(s, n, 0))
		return NULL;
	if (!(out = malloc(n / 2 + 1)))
		return NULL;
	for (i = 0; i < n / 2; i++) {
		hi = mule_hexval(s[2 * i]);
		lo = mule_hexval(s[2 * i + 1]);
		if (!(out[i] = (char)(hi << 4 | lo))) {
			free(out);
			return NULL;
		}
	}
	out[n / 2] = '\0';
	return out;
}

/* The field of ITEM that KEY names, checked; 0 if VALUE is not one. */
static int
field(struct mule_outbox_item *it, const char *key, const char *v)
{
	uint64_t u;
	size_t i;

	if (!strcmp(key, "id") && mule_hex_field(v, 32, 0))
		memcpy(it->id, v, 33);
	else if (!strcmp(key, "cid") && mule_hex_field(v, 64, 0))
		memcpy(it->cid, v, 65);
	else if (!strcmp(key, "kind") && (!strcmp(v, "files")
	    || !strcmp(v, "message")))
		snprintf(it->kind, sizeof it->kind, "%s", v);
	else if (!strcmp(key, "sender") && mule_is_fpr(v))
		memcpy(it->sender, v, 41);
	else if (!strcmp(key, "recipient") && mule_is_fpr(v)
	    && it->nrecipients < MULE_OUTBOX_MAX_RECIPIENTS) {
		for (i = 0; i < it->nrecipients; i++)
			if (!strcmp(it->recipients[i], v))
				return 0;
		memcpy(it->recipients[it->nrecipients++], v, 41);
	} else if (!strcmp(key, "folder") && it->nfolders
	    < MULE_OUTBOX_MAX_RECIPIENTS && (mule_is_fpr(v)
	    || !strcmp(v, MULE_STICK_ANYONE)))
		snprintf(it->folders[it->nfolders++], 41, "%s", v);
	else if (!strcmp(key, "name"))
		return (it->name = hex_name(v)) != NULL;
	else if (!strcmp(key, "size") && number(v, UINT64_MAX, &u) && u)
		it->size = u;
	else if (!strcmp(key, "created") && number(v, INT64_MAX, &u))
		it->created = (int64_t)u;
	else if (!strcmp(key, "split") && number(v, UINT64_MAX, &u)
	    && (!u || u >= MULE_PARTS_MIN_SIZE))
		it->split = u;
	else
		return 0;
	return 1;
}

/* The folders are the recipients', in order, or the shared one alone;
 * a split item has parts enough. */
static int
consistent(const struct mule_outbox_item *it)
{
	size_t i;

	if (it->split && (it->size - 1) / it->split + 1 > MULE_PARTS_MAX)
		return 0;
	if (it->nfolders == 1 && !strcmp(it->folders[0], MULE_STICK_ANYONE))
		return 1;
	if (it->nfolders != it->nrecipients)
		return 0;
	for (i = 0; i < it->nfolders; i++)
		if (strcmp(it->folders[i], it->recipients[i]))
			return 0;
	return 1;
}

gpg_error_t
mule_outbox_parse(const char *name, const char *text, size_t len,
    struct mule_outbox_item *it)
{
	static const char *const order[] = { "id", "cid", "kind", "sender",
	    "recipient", "folder", "name", "size", "created", "split" };
	const size_t norder = sizeof order / sizeof order[0];
	const char *p = text, *end = text + len, *nl, *colon;
	char line[2 * NAME_MAX_BYTES + 64];
	size_t k = 0, lineno = 1;
	int ok = len >= strlen(FORMAT_LINE) && !memchr(text, '\0', len)
	    && !memcmp(text, FORMAT_LINE, strlen(FORMAT_LINE));

	memset(it, 0, sizeof *it);
	if (ok)
		p += strlen(FORMAT_LINE);
	while (ok && p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		ok = nl && (size_t)(nl - p) < sizeof line;
		if (!ok)
			break;
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		p = nl + 1;
		colon = strchr(line, ':');
		ok = colon && colon[1] == ' ';
		if (!ok)
			break;
		line[colon - line] = '\0';
		/* Each key once, in order; recipient and folder repeat. */
		while (k < norder && strcmp(line, order[k])
		    && ((k == RECIPIENT && it->nrecipients)
		    || (k == FOLDER && it->nfolders)))
			k++;
		ok = k < norder && !strcmp(line, order[k])
		    && field(it, line, colon + 2);
		if (ok && k != RECIPIENT && k != FOLDER)
			k++;
	}
	if (ok)
		ok = k == norder && it->nrecipients && it->nfolders
		    && consistent(it);
	if (!ok) {
		mule_outbox_item_release(it);
		return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    "move it out of the outbox, and queue the item again",
		    "%s: not an outbox record (line %zu)", name, lineno);
	}
	return 0;
}

void
mule_outbox_item_release(struct mule_outbox_item *it)
{
	free(it->name);
	free(it->bad);
	it->name = NULL;
	it->bad = NULL;
}

/* --- the folder ---------------------------------------------------------- */

gpg_error_t
mule_outbox_open(struct mule_outbox *ob, const char *state_dir, int create)
{
	char *dir = NULL;
	struct stat st;
	gpg_error_t err = 0;

	memset(ob, 0, sizeof *ob);
	ob->fd = ob->lock = -1;
	if (!state_dir && (err = mule_state_dir(&dir)))
		return err;
	if (asprintf(&ob->path, "%s/outbox", state_dir ? state_dir : dir) < 0) {
		ob->path = NULL;
		free(dir);
		return gpg_error_from_syserror();
	}
	free(dir);
	if (create && mkdir(ob->path, 0700) < 0 && errno != EEXIST)
		goto fail;
	ob->fd = open(ob->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (ob->fd < 0 && errno == ENOENT && !create)
		return 0;
	if (ob->fd < 0 || fstat(ob->fd, &st) < 0)
		goto fail;
	/* Private: what waits there is sealed, but whom it is for and
	 * when are nobody else's business. */
	if (st.st_uid != geteuid()) {
		err = mule_error_set(mule_fail_code(GPG_ERR_EPERM),
		    "it must be yours alone: move it away",
		    "%s: belongs to another user", ob->path);
		mule_outbox_close(ob);
		return err;
	}
	if ((st.st_mode & 077) && fchmod(ob->fd, 0700) < 0)
		goto fail;
	return 0;
fail:
	err = gpg_error_from_syserror();
	mule_error_set(err, errno == ELOOP || errno == ENOTDIR
	    ? "it must be a directory: move it away" : NULL, "%s: %s",
	    ob->path, strerror(errno));
	mule_outbox_close(ob);
	return err;
}

gpg_error_t
mule_outbox_lock(struct mule_outbox *ob, int exclusive)
{
	char *path = NULL;
	gpg_error_t err = 0;
	size_t n;

	/* STATE/outbox.lock: beside the folder, as sequence.lock is. */
	n = strlen(ob->path) - strlen("/outbox");
	if (asprintf(&path, "%.*s/outbox.lock", (int)n, ob->path) < 0)
		return gpg_error_from_syserror();
	ob->lock = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	while (ob->lock >= 0 && flock(ob->lock, exclusive ? LOCK_EX : LOCK_SH)
	    < 0) {
		if (errno != EINTR) {
			close(ob->lock);
			ob->lock = -1;
		}
	}
	if (ob->lock < 0)
		err = mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    path, strerror(errno));
	free(path);
	return err;
}

void
mule_outbox_unlock(struct mule_outbox *ob)
{
	if (ob->lock >= 0)
		close(ob->lock);
	ob->lock = -1;
}

void
mule_outbox_close(struct mule_outbox *ob)
{
	if (ob->fd >= 0)
		close(ob->fd);
	if (ob->lock >= 0)
		close(ob->lock);	/* and the lock with it */
	free(ob->path);
	memset(ob, 0, sizeof *ob);
	ob->fd = ob->lock = -1;
}

/* The record NAME (CID.to or CID.done) of the outbox, read and parsed. */
static gpg_error_t
read_record(const struct mule_outbox *ob, const char *name,
    struct mule_outbox_item *it)
{
	char buf[MULE_OUTBOX_RECORD_MAX + 1], *shown = NULL;
	struct stat st;
	gpg_error_t err;
	size_t len = 0;
	ssize_t got = 1;
	int fd;

	memset(it, 0, sizeof *it);
	if (mule_path_join(ob->path, name, &shown))
		return gpg_error_from_syserror();
	fd = openat(ob->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
	    | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    "move it out of the outbox, and queue the item again",
		    "%s: %s", shown, fd < 0 ? strerror(errno)
		    : "not a regular file");
		goto leave;
	}
	while (got > 0 && len < sizeof buf) {
		got = read(fd, buf + len, sizeof buf - len);
		if (got < 0 && errno == EINTR)
			got = 1;
		else if (got > 0)
			len += (size_t)got;
	}
	if (got < 0)
		err = mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    shown, strerror(errno));
	else if (len > MULE_OUTBOX_RECORD_MAX)
		err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
		    "move it out of the outbox, and queue the item again",
		    "%s: too large for an outbox record", shown);
	else
		err = mule_outbox_parse(shown, buf, len, it);
leave:
	if (fd >= 0)
		close(fd);
	free(shown);
	return err;
}

/* Is NAME "CID" and SUFFIX? CID in CID. */
static int
named(const char *name, const char *suffix, char cid[65])
{
	size_t n = strlen(name);

	if (n != 64 + strlen(suffix) || !mule_is_hex(name, 64, 0)
	    || strcmp(name + 64, suffix))
		return 0;
	memcpy(cid, name, 64);
	cid[64] = '\0';
	return 1;
}

static int
cmp_items(const void *a, const void *b)
{
	const struct mule_outbox_item *x = a, *y = b;

	/* Oldest first, and in the order queued: "created" counts seconds,
	 * and a script queues several items in one. */
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	if (x->queued.tv_sec != y->queued.tv_sec)
		return x->queued.tv_sec < y->queued.tv_sec ? -1 : 1;
	if (x->queued.tv_nsec != y->queued.tv_nsec)
		return x->queued.tv_nsec < y->queued.tv_nsec ? -1 : 1;
	return strcmp(x->cid, y->cid);
}

static int
cmp_cids(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Add the record NAME of CID to LIST (a damaged one with its reason). */
static gpg_error_t
add_item(const struct mule_outbox *ob, const char *name, const char *cid,
    int on_stick, struct mule_outbox_item **list, size_t *n)
{
	struct mule_outbox_item it, *tmp;
	struct mule_error_record why;
	struct stat st;
	gpg_error_t err;

	mule_error_clear();
	err = read_record(ob, name, &it);
	if (!err && strcmp(it.cid, cid))
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    "move it out of the outbox, and queue the item again",
		    "%s/%s: the record of another item", ob->path, name);
	if (err) {
		mule_error_save(&why);
		mule_error_clear();
		mule_outbox_item_release(&it);
		memset(&it, 0, sizeof it);
		if (!(it.bad = strdup(why.msg[0] ? why.msg
		    : gpg_strerror(err))))
			return gpg_error_from_syserror();
		memcpy(it.cid, cid, 65);
	}
	it.on_stick = on_stick;
	if (fstatat(ob->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		it.queued = st.st_mtim;
	tmp = realloc(*list, (*n + 1) * sizeof *tmp);
	if (!tmp) {
		mule_outbox_item_release(&it);
		return gpg_error_from_syserror();
	}
	*list = tmp;
	tmp[(*n)++] = it;
	return 0;
}

/* An item with both records (never made so, but a hand may) is on a
 * stick: the record that says queued must not get it copied again. */
static void
drop_queued_twins(struct mule_outbox_item *list, size_t *n)
{
	size_t i, k;

	for (i = 0; i < *n; i++) {
		if (list[i].on_stick)
			continue;
		for (k = 0; k < *n; k++)
			if (list[k].on_stick && !strcmp(list[k].cid,
			    list[i].cid))
				break;
		if (k == *n)
			continue;
		mule_outbox_item_release(&list[i]);
		list[i--] = list[--*n];
	}
}

gpg_error_t
mule_outbox_list(const struct mule_outbox *ob, struct mule_outbox_item **items,
    size_t *n, char (**orphans)[65], size_t *norphans)
{
	struct mule_outbox_item *list = NULL;
	char (*gpgs)[65] = NULL, (*tmp)[65], cid[65];
	struct dirent *de;
	struct stat st;
	size_t count = 0, ngpgs = 0, i, k;
	gpg_error_t err = 0;
	int dfd;
	DIR *d;

	*items = NULL;
	*orphans = NULL;
	*n = *norphans = 0;
	dfd = openat(ob->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		err = mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    ob->path, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return err;
	}
	while (!err && (de = readdir(d))) {
		if (named(de->d_name, ".to", cid))
			err = add_item(ob, de->d_name, cid, 0, &list, &count);
		else if (named(de->d_name, ".done", cid))
			err = add_item(ob, de->d_name, cid, 1, &list, &count);
		else if (named(de->d_name, ".gpg", cid)
		    && fstatat(ob->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)
		    == 0 && S_ISREG(st.st_mode)) {
			tmp = realloc(gpgs, (ngpgs + 1) * sizeof *gpgs);
			if (!tmp)
				err = gpg_error_from_syserror();
			else
				memcpy((gpgs = tmp)[ngpgs++], cid, 65);
		}
		/* Anything else (temporaries, a stranger's file) is left. */
	}
	closedir(d);
	drop_queued_twins(list, &count);
	if (count)
		qsort(list, count, sizeof *list, cmp_items);
	/* The files of a queue killed before the record was written. */
	for (i = 0; !err && i < ngpgs; i++) {
		for (k = 0; k < count && strcmp(list[k].cid, gpgs[i]); k++)
			;
		if (k == count)
			memcpy(gpgs[(*norphans)++], gpgs[i], 65);
	}
	if (*norphans)
		qsort(gpgs, *norphans, sizeof *gpgs, cmp_cids);
	*items = list;
	*n = count;
	*orphans = gpgs;
	return err;
}

/* --- the states of an item ------------------------------------------------ */

static gpg_error_t
sync_outbox(const struct mule_outbox *ob)
{
	if (mule_sync_dirfd(ob->fd) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    ob->path, strerror(errno));
	return 0;
}

gpg_error_t
mule_outbox_add(const struct mule_outbox *ob, const struct mule_outbox_item *it)
{
	struct mule_outbox_item check;
	struct mule_output *out = NULL;
	char name[80], *text = NULL;
	size_t len;
	gpg_error_t err;

	snprintf(name, sizeof name, "%s.to", it->cid);
	err = mule_outbox_format(it, &text, &len);
	/* What is queued, sync must be able to read: a name too long for
	 * a record is refused now, not found unreadable later. */
	if (!err && (len > MULE_OUTBOX_RECORD_MAX
	    || mule_outbox_parse(name, text, len, &check))) {
		mule_error_clear();
		err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE), NULL,
		    "a name of %zu bytes is too long for the outbox",
		    strlen(it->name));
	} else if (!err)
		mule_outbox_item_release(&check);
	if (!err)
		err = mule_output_open_at(&out, ob->fd, ob->path, name,
		    MULE_OUTPUT_BATCH);
	if (!err)
		err = mule_output_write(out, text, len);
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	free(text);
	return err;
}

gpg_error_t
mule_outbox_record(const struct mule_outbox *ob, const char *cid)
{
	char to[80], done[80];

	snprintf(to, sizeof to, "%s.to", cid);
	snprintf(done, sizeof done, "%s.done", cid);
	if (renameat(ob->fd, to, ob->fd, done) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "%s/%s: %s", ob->path, to, strerror(errno));
	return sync_outbox(ob);
}

/* Remove NAME from the outbox (gone already: fine) and flush it. */
static gpg_error_t
remove_one(const struct mule_outbox *ob, const char *name)
{
	if (unlinkat(ob->fd, name, 0) < 0)
		return errno == ENOENT ? 0 : mule_error_set(
		    gpg_error_from_syserror(), NULL, "%s/%s: %s", ob->path,
		    name, strerror(errno));
	return sync_outbox(ob);
}

gpg_error_t
mule_outbox_remove(const struct mule_outbox *ob, const char *cid)
{
	char name[80];
	gpg_error_t err;

	/* The item first: a record without it is done with, an item
	 * without a record would be an orphan to tidy.  The record that
	 * says done goes last: until then, nothing copies the item. */
	snprintf(name, sizeof name, "%s.gpg", cid);
	err = remove_one(ob, name);
	mule_test_pause("outbox-after-remove-item");
	snprintf(name, sizeof name, "%s.to", cid);
	if (!err)
		err = remove_one(ob, name);
	snprintf(name, sizeof name, "%s.done", cid);
	if (!err)
		err = remove_one(ob, name);
	return err;
}

gpg_error_t
mule_outbox_probe(void *arg, struct mule_sequence_item *item)
{
	const struct mule_outbox *ob = arg;
	struct stat st;
	char name[80];
	size_t k;
	int there = 0;

	if (mule_hex_field(item->cid, 64, 0)) {
		snprintf(name, sizeof name, "%s.to", item->cid);
		there = fstatat(ob->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		snprintf(name, sizeof name, "%s.done", item->cid);
		there = there || fstatat(ob->fd, name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0;
	}
	for (k = 0; k < item->n; k++)
		item->copies[k].fate = there ? MULE_SEQUENCE_THERE
		    : MULE_SEQUENCE_NEVER;
	return 0;
}

int
mule_outbox_holds(const char *state_dir, const char *cid)
{
	struct mule_outbox ob;
	struct stat st;
	char name[80];
	int held = 0;

	if (!mule_hex_field(cid, 64, 0)
	    || mule_outbox_open(&ob, state_dir, 0)) {
		mule_error_clear();
		return 0;
	}
	if (ob.fd >= 0) {
		snprintf(name, sizeof name, "%s.to", cid);
		held = fstatat(ob.fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		snprintf(name, sizeof name, "%s.done", cid);
		held = held || fstatat(ob.fd, name, &st, AT_SYMLINK_NOFOLLOW)
		    == 0;
	}
	mule_outbox_close(&ob);
	return held;
}
