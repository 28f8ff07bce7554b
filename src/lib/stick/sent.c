/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sent.c - what I put, for whom, and which receipts came back. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/nameset.h"
#include "core/record.h"
#include "core/state.h"
#include "core/text.h"
#include "stick/sent.h"

struct mule_sent {
	struct mule_record_file file;
	struct mule_sent_item *items;
	size_t n, cap;
	struct mule_nameset by_key;	/* "SENDER RECIPIENT ID" -> index */
};

/* One line, parsed: an item (queued, put) or an ack. */
struct line {
	int is_ack;
	struct mule_sent_item item;	/* its name points into the line */
	struct mule_sent_ack ack;
};

/* A number in its one form: "0", or digits without a leading zero,
 * within MAX. */
static int
number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || (s[0] == '0'
	    && s[1]) || strlen(s) > 20)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return 0;
	*out = v;
	return 1;
}

static int
time_field(const char *s, int64_t *out)
{
	uint64_t v;

	if (!number(s, INT64_MAX, &v))
		return 0;
	*out = (int64_t)v;
	return 1;
}

static int
must_encode(unsigned char c)
{
	return c < '!' || c > '~' || c == '%';
}

/* Decode the NAME field in place: the canonical encoding only (every
 * byte that must be encoded is, and no other), not empty, no NUL, at
 * most MULE_SENT_NAME_MAX bytes. */
static int
decode_name(char *s)
{
	char *in = s, *out = s;
	int hi, lo;
	unsigned char c;

	while (*in) {
		c = (unsigned char)*in;
		if (c != '%') {
			if (must_encode(c))
				return 0;
			*out++ = *in++;
			continue;
		}
		hi = mule_hexval(in[1]);
		lo = hi < 0 ? -1 : mule_hexval(in[2]);
		if (lo < 0 || !mule_is_hex(in + 1, 2, 1))
			return 0;
		c = (unsigned char)(hi << 4 | lo);
		if (!c || !must_encode(c))
			return 0;
		*out++ = (char)c;
		in += 3;
	}
	*out = '\0';
	return out > s && out - s <= MULE_SENT_NAME_MAX;
}

static int
parse_ack(char *f[], struct mule_sent_ack *a)
{
	if (!time_field(f[4], &a->time) || !mule_hex_field(f[5], 32, 0)
	    || !time_field(f[6], &a->receipt_created))
		return 0;
	memcpy(a->sender, f[1], 41);
	memcpy(a->recipient, f[2], 41);
	memcpy(a->id, f[3], 33);
	memcpy(a->receipt, f[5], 33);
	return 1;
}

/* A record is exactly one of the three lines of sent.h. */
static int
parse_line(char *line, size_t len, struct line *l)
{
	struct mule_sent_item *it = &l->item;
	char *f[9];
	int64_t t;
	size_t n, k;

	memset(l, 0, sizeof *l);
	n = mule_record_fields(line, len, f, 9);
	if (n < 7 || !mule_hex_field(f[1], 40, 1)
	    || !mule_hex_field(f[2], 40, 1) || !mule_hex_field(f[3], 32, 0))
		return 0;
	if (n == 7 && !strcmp(f[0], "ack")) {
		l->is_ack = 1;
		return parse_ack(f, &l->ack);
	}
	if (n != 9 || (strcmp(f[0], "put") && strcmp(f[0], "queued"))
	    || !mule_hex_field(f[4], 64, 0))
		return 0;
	k = strlen(f[5]);
	if (!k || k >= sizeof it->kind || strspn(f[5],
	    "abcdefghijklmnopqrstuvwxyz") != k || !time_field(f[6], &t)
	    || !number(f[7], UINT64_MAX, &it->size) || !decode_name(f[8]))
		return 0;
	memcpy(it->sender, f[1], 41);
	memcpy(it->recipient, f[2], 41);
	memcpy(it->id, f[3], 33);
	memcpy(it->cid, f[4], 65);
	memcpy(it->kind, f[5], k + 1);
	it->state = !strcmp(f[0], "put") ? MULE_SENT_PUT : MULE_SENT_QUEUED;
	if (it->state == MULE_SENT_PUT)
		it->put = t;
	else
		it->queued = t;
	it->name = f[8];
	return 1;
}

static int
key_of(const char *sender, const char *recipient, const char *id,
    char key[128])
{
	return snprintf(key, 128, "%s %s %s", sender, recipient, id);
}

static gpg_error_t
push_item(struct mule_sent *s, const struct mule_sent_item *r)
{
	struct mule_sent_item *it;
	char key[128];
	int i, len = key_of(r->sender, r->recipient, r->id, key);

	i = mule_nameset_get(&s->by_key, key, (size_t)len);
	if (i >= 0) {
		/* On the stick now, after the outbox; a line again: no news. */
		it = &s->items[i];
		if (it->state == MULE_SENT_QUEUED
		    && r->state == MULE_SENT_PUT) {
			it->state = MULE_SENT_PUT;
			it->put = r->put;
		}
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		if (cap > INT32_MAX)
			return gpg_error(GPG_ERR_TOO_LARGE);
		it = realloc(s->items, cap * sizeof *it);
		if (!it)
			return gpg_error_from_syserror();
		s->items = it;
		s->cap = cap;
	}
	it = &s->items[s->n];
	*it = *r;
	it->acked = 0;
	if (!(it->name = strdup(r->name)))
		return gpg_error_from_syserror();
	s->n++;
	return mule_nameset_put(&s->by_key, key, (size_t)len, (int)(s->n - 1));
}

static void
push_ack(struct mule_sent *s, const struct mule_sent_ack *a)
{
	struct mule_sent_item *it;
	char key[128];
	int i, len = key_of(a->sender, a->recipient, a->id, key);

	/* An ack is only ever written for an item of the record. */
	i = mule_nameset_get(&s->by_key, key, (size_t)len);
	if (i < 0 || s->items[i].acked)
		return;
	it = &s->items[i];
	it->acked = 1;
	it->ack_time = a->time;
	it->receipt_created = a->receipt_created;
	memcpy(it->receipt, a->receipt, 33);
}

/* The record of the LEN bytes at LINE (followed by one writable byte)
 * for the sent record ARG: *OK 1, 0 if it is not one, or an error. */
static gpg_error_t
load_line(void *arg, char *line, size_t len, int *ok)
{
	struct mule_sent *s = arg;
	struct line l;

	*ok = parse_line(line, len, &l);
	if (!*ok)
		return 0;
	if (!l.is_ack)
		return push_item(s, &l.item);
	push_ack(s, &l.ack);
	return 0;
}

static const struct mule_record_kind sent_kind = {
	"sent record", "sent record",
	"repair or move the sent record (mule-stick(1), FILES)", load_line
};

/* The sent record at PATH, opened to add to; or, if IS_TEXT, the one
 * in the LEN bytes at TEXT, named PATH. */
static gpg_error_t
sent_new(struct mule_sent **out, const char *path, int is_text,
    const void *text, size_t len)
{
	struct mule_sent *s = calloc(1, sizeof *s);
	gpg_error_t err;

	*out = NULL;
	if (!s)
		return gpg_error_from_syserror();
	err = mule_record_init(&s->file, &sent_kind, path);
	if (!err)
		err = is_text ? mule_record_parse(&s->file, s, text, len)
		    : mule_record_open(&s->file, s);
	if (err) {
		mule_sent_close(s);
		return err;
	}
	*out = s;
	return 0;
}

gpg_error_t
mule_sent_path(const char *state_dir, char **path)
{
	char *dir = NULL;
	gpg_error_t err = 0;

	if (!state_dir && (err = mule_state_dir(&dir)))
		return err;
	if (asprintf(path, "%s/sent", state_dir ? state_dir : dir) < 0) {
		*path = NULL;
		err = gpg_error_from_syserror();
	}
	free(dir);
	return err;
}

gpg_error_t
mule_sent_open(struct mule_sent **out, const char *path)
{
	return sent_new(out, path, 0, NULL, 0);
}

gpg_error_t
mule_sent_parse(struct mule_sent **out, const char *name, const void *text,
    size_t len)
{
	return sent_new(out, name, 1, text, len);
}

void
mule_sent_close(struct mule_sent *s)
{
	size_t i;

	if (!s)
		return;
	mule_record_release(&s->file);
	for (i = 0; i < s->n; i++)
		free((void *)(uintptr_t)s->items[i].name);
	free(s->items);
	mule_nameset_release(&s->by_key);
	free(s);
}

size_t
mule_sent_count(const struct mule_sent *s)
{
	return s->n;
}

const struct mule_sent_item *
mule_sent_get(const struct mule_sent *s, size_t i)
{
	return i < s->n ? &s->items[i] : NULL;
}

const struct mule_sent_item *
mule_sent_find(const struct mule_sent *s, const char *sender,
    const char *recipient, const char *id)
{
	char key[128];
	int i, len = key_of(sender, recipient, id, key);

	i = mule_nameset_get(&s->by_key, key, (size_t)len);
	return i < 0 ? NULL : &s->items[i];
}

int
mule_sent_put_cid(const struct mule_sent *s, const char *sender,
    const char *cid)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->items[i].state == MULE_SENT_PUT
		    && !strcmp(s->items[i].cid, cid)
		    && !strcmp(s->items[i].sender, sender))
			return 1;
	return 0;
}

static int
valid_item(const struct mule_sent_item *it)
{
	size_t k = strlen(it->kind), len = it->name ? strlen(it->name) : 0;

	return mule_hex_field(it->sender, 40, 1)
	    && mule_hex_field(it->recipient, 40, 1)
	    && mule_hex_field(it->id, 32, 0) && mule_hex_field(it->cid, 64, 0)
	    && k && strspn(it->kind, "abcdefghijklmnopqrstuvwxyz") == k && len
	    && len <= MULE_SENT_NAME_MAX && (it->state == MULE_SENT_PUT
	    ? it->put : it->queued) >= 0;
}

static void
write_item(FILE *f, const struct mule_sent_item *it)
{
	const unsigned char *p;

	fprintf(f, "%s %s %s %s %s %s %" PRId64 " %" PRIu64 " ",
	    it->state == MULE_SENT_PUT ? "put" : "queued", it->sender,
	    it->recipient, it->id, it->cid, it->kind, it->state
	    == MULE_SENT_PUT ? it->put : it->queued, it->size);
	for (p = (const unsigned char *)it->name; *p; p++) {
		if (must_encode(*p))
			fprintf(f, "%%%02X", *p);
		else
			putc(*p, f);
	}
	putc('\n', f);
}

gpg_error_t
mule_sent_add(struct mule_sent *s, const struct mule_sent_item *items,
    size_t n)
{
	char *text = NULL;
	size_t len = 0, i;
	gpg_error_t err = 0;
	FILE *f;

	for (i = 0; i < n; i++)
		if (!valid_item(&items[i]))
			return mule_error_set(gpg_error(GPG_ERR_INV_ARG), NULL,
			    "sent record: item %zu is not one to record", i);
	if (!(f = open_memstream(&text, &len)))
		return gpg_error_from_syserror();
	for (i = 0; i < n; i++)
		write_item(f, &items[i]);
	if (fclose(f) == EOF) {
		free(text);
		return gpg_error_from_syserror();
	}
	err = n ? mule_record_append(&s->file, text, len) : 0;
	for (i = 0; !err && i < n; i++)
		err = push_item(s, &items[i]);
	free(text);
	return err;
}

gpg_error_t
mule_sent_add_acks(struct mule_sent *s, const struct mule_sent_ack *acks,
    size_t n)
{
	char *text = NULL;
	size_t len = 0, i;
	gpg_error_t err;
	FILE *f;

	for (i = 0; i < n; i++)
		if (!mule_hex_field(acks[i].sender, 40, 1)
		    || !mule_hex_field(acks[i].recipient, 40, 1)
		    || !mule_hex_field(acks[i].id, 32, 0)
		    || !mule_hex_field(acks[i].receipt, 32, 0)
		    || acks[i].time < 0 || acks[i].receipt_created < 0)
			return mule_error_set(gpg_error(GPG_ERR_INV_ARG), NULL,
			    "sent record: ack %zu is not one to record", i);
	if (!(f = open_memstream(&text, &len)))
		return gpg_error_from_syserror();
	for (i = 0; i < n; i++)
		fprintf(f, "ack %s %s %s %" PRId64 " %s %" PRId64 "\n",
		    acks[i].sender, acks[i].recipient, acks[i].id,
		    acks[i].time, acks[i].receipt, acks[i].receipt_created);
	if (fclose(f) == EOF) {
		free(text);
		return gpg_error_from_syserror();
	}
	err = n ? mule_record_append(&s->file, text, len) : 0;
	for (i = 0; !err && i < n; i++)
		push_ack(s, &acks[i]);
	free(text);
	return err;
}

gpg_error_t
mule_sent_record(const char *state_dir, const struct mule_sent_item *items,
    size_t n)
{
	struct mule_sent *s = NULL;
	char *path = NULL;
	gpg_error_t err;

	err = mule_sent_path(state_dir, &path);
	if (!err)
		err = mule_sent_open(&s, path);
	if (!err)
		err = mule_sent_add(s, items, n);
	mule_sent_close(s);
	free(path);
	return err;
}
