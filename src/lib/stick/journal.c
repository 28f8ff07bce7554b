/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.c - what mule-stick has delivered. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nameset.h"
#include "core/record.h"
#include "core/text.h"
#include "stick/journal.h"

struct mule_journal {
	struct mule_record_file file;
	struct mule_journal_record *records;
	size_t n, cap;
	struct mule_nameset by_key;	/* "SENDER ID" -> index */
	struct mule_nameset by_cid;	/* CID -> index */
	struct mule_nameset seqs;	/* "SENDER RECIPIENT" -> index of the
					 * record with the highest SEQ */
	struct mule_nameset removed;	/* "CID FOLDER" */
	struct mule_nameset removed_earlier;	/* CID, removed by a run
						 * before this one */
	struct mule_journal_rejection *rejections;
	size_t nrej, caprej;
	struct mule_nameset by_rejected;	/* CID -> index of its last
						 * rejection or retry */
	int loading;		/* records read from the file, not added */
};

static gpg_error_t
index_record(struct mule_journal *j, size_t i)
{
	const struct mule_journal_record *r = &j->records[i];
	char key[128];
	int prev;
	gpg_error_t err;

	snprintf(key, sizeof key, "%s %s", r->sender, r->id);
	err = mule_nameset_put(&j->by_key, key, strlen(key), (int)i);
	if (!err)
		err = mule_nameset_put(&j->by_cid, r->cid, strlen(r->cid),
		    (int)i);
	if (err || r->removed)
		return err;
	snprintf(key, sizeof key, "%s %s", r->sender, r->recipient);
	prev = mule_nameset_get(&j->seqs, key, strlen(key));
	if (prev < 0 || j->records[prev].seq < r->seq)
		err = mule_nameset_put(&j->seqs, key, strlen(key), (int)i);
	return err;
}

static gpg_error_t
push(struct mule_journal *j, const struct mule_journal_record *r)
{
	const struct mule_journal_record *old;

	/* "removed" updates the record it follows. */
	if (r->removed) {
		char key[128];
		gpg_error_t err;

		snprintf(key, sizeof key, "%s %s", r->cid, r->folder);
		err = mule_nameset_put(&j->removed, key, strlen(key), 1);
		if (!err && j->loading)
			err = mule_nameset_put(&j->removed_earlier, r->cid,
			    strlen(r->cid), 1);
		if (err || (old = mule_journal_find(j, r->sender, r->id))) {
			if (!err)
				j->records[old - j->records].removed = 1;
			return err;
		}
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct mule_journal_record *tmp;

		if (cap > INT32_MAX)
			return gpg_error(GPG_ERR_TOO_LARGE);
		tmp = realloc(j->records, cap * sizeof *tmp);
		if (!tmp)
			return gpg_error_from_syserror();
		j->records = tmp;
		j->cap = cap;
	}
	j->records[j->n] = *r;
	return index_record(j, j->n++);
}

/* A time or a sequence number: decimal digits, no more than MAX. */
static int
parse_number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && *end == '\0' && *out <= max;
}

/* A record is exactly one of
 *   delivered SENDER ID CID RECIPIENT SEQ
 *   removed SENDER ID CID FOLDER
 * and anything else is not one. */
static int
parse_line(char *line, size_t len, struct mule_journal_record *r)
{
	char *f[6];
	size_t n;

	memset(r, 0, sizeof *r);
	n = mule_record_fields(line, len, f, 6);
	if (n < 5 || !mule_hex_field(f[1], 40, 1)
	    || !mule_hex_field(f[2], 32, 0) || !mule_hex_field(f[3], 64, 0))
		return 0;
	memcpy(r->sender, f[1], 41);
	memcpy(r->id, f[2], 33);
	memcpy(r->cid, f[3], 65);
	if (n == 5 && !strcmp(f[0], "removed") && (mule_hex_field(f[4], 40, 1)
	    || !strcmp(f[4], "anyone"))) {
		r->removed = 1;
		snprintf(r->folder, sizeof r->folder, "%s", f[4]);
		return 1;
	}
	if (n != 6 || strcmp(f[0], "delivered") || !mule_hex_field(f[4], 40, 1))
		return 0;
	memcpy(r->recipient, f[4], 41);
	return parse_number(f[5], UINT64_MAX, &r->seq);
}

static gpg_error_t
push_rejection(struct mule_journal *j, const struct mule_journal_rejection *x)
{
	gpg_error_t err;

	if (j->nrej == j->caprej) {
		size_t cap = j->caprej ? j->caprej * 2 : 16;
		struct mule_journal_rejection *tmp;

		if (cap > INT32_MAX)
			return gpg_error(GPG_ERR_TOO_LARGE);
		tmp = realloc(j->rejections, cap * sizeof *tmp);
		if (!tmp)
			return gpg_error_from_syserror();
		j->rejections = tmp;
		j->caprej = cap;
	}
	err = mule_nameset_put(&j->by_rejected, x->cid, strlen(x->cid),
	    (int)j->nrej);
	if (!err)
		j->rejections[j->nrej++] = *x;
	return err;
}

/* Whether byte C is written as it is in a reason: printable ASCII but
 * the space and the percent sign. */
static int
reason_plain(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '%';
}

/* REASON (a string), cut to MULE_JOURNAL_REASON_MAX bytes, as one field
 * (malloc'ed); NULL when out of memory. */
static char *
reason_encode(const char *reason)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strnlen(reason, MULE_JOURNAL_REASON_MAX), i;
	char *out = malloc(3 * n + 1), *q = out;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)reason[i];

		if (reason_plain(c))
			*q++ = (char)c;
		else {
			*q++ = '%';
			*q++ = hex[c >> 4];
			*q++ = hex[c & 15];
		}
	}
	*q = '\0';
	return out;
}

/* The value of upper-case hex digit C, or -1. */
static int
upper_hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F'
	    ? c - 'A' + 10 : -1;
}

/* FIELD decoded into *OUT (malloc'ed): 1, or 0 if it is not exactly
 * what reason_encode writes (every byte written as it is that may be,
 * every other as %XX, no NUL byte, at most MULE_JOURNAL_REASON_MAX), or
 * -1 when out of memory. */
static int
reason_decode(const char *field, char **res)
{
	size_t len = strlen(field), n = 0;
	char *out = malloc(len + 1);
	const unsigned char *p;
	int hi, lo;

	*res = NULL;
	if (!out)
		return -1;
	for (p = (const unsigned char *)field; *p; n++) {
		if (n == MULE_JOURNAL_REASON_MAX)
			goto bad;
		if (reason_plain(*p)) {
			out[n] = (char)*p++;
			continue;
		}
		if (*p != '%' || (hi = upper_hex(p[1])) < 0
		    || (lo = upper_hex(p[2])) < 0)
			goto bad;
		out[n] = (char)(hi << 4 | lo);
		if (!out[n] || reason_plain((unsigned char)out[n]))
			goto bad;
		p += 3;
	}
	out[n] = '\0';
	*res = out;
	return 1;
bad:
	free(out);
	return 0;
}

/* A record is exactly one of
 *   rejected CID FOLDER TIME REASON
 *   retried CID FOLDER TIME
 * (FOLDER: a fingerprint, or anyone); *REASON gets the decoded reason
 * of a rejection (malloc'ed).  -1 when out of memory. */
static int
parse_rejection(char *line, size_t len, struct mule_journal_rejection *x,
    char **reason)
{
	char *f[5];
	uint64_t t;
	size_t n;
	int ok;

	memset(x, 0, sizeof *x);
	*reason = NULL;
	n = mule_record_fields(line, len, f, 5);
	if (!(n == 5 && !strcmp(f[0], "rejected")) && !(n == 4
	    && !strcmp(f[0], "retried")))
		return 0;
	if (!mule_hex_field(f[1], 64, 0) || !(mule_hex_field(f[2], 40, 1)
	    || !strcmp(f[2], "anyone")) || !parse_number(f[3], INT64_MAX, &t))
		return 0;
	memcpy(x->cid, f[1], 65);
	snprintf(x->folder, sizeof x->folder, "%s", f[2]);
	x->time = (int64_t)t;
	x->retried = n == 4;
	if (x->retried)
		return 1;
	ok = reason_decode(f[4], reason);
	x->reason = *reason;
	return ok;
}

/* The record of the LEN bytes at LINE (followed by one writable byte)
 * for the journal ARG: *OK 1, 0 if it is not one, or an error. */
static gpg_error_t
load_line(void *arg, char *line, size_t len, int *ok)
{
	struct mule_journal *j = arg;
	struct mule_journal_rejection x;
	struct mule_journal_record r;
	char *reason;
	gpg_error_t err;

	*ok = 1;
	if (len > 9 && (!memcmp(line, "rejected ", 9)
	    || !memcmp(line, "retried ", 8))) {
		*ok = parse_rejection(line, len, &x, &reason);
		if (*ok < 0)
			return gpg_error_from_syserror();
		err = *ok ? push_rejection(j, &x) : 0;
		if (err || !*ok)
			free(reason);
		return err;
	}
	*ok = parse_line(line, len, &r);
	return *ok ? push(j, &r) : 0;
}

static const struct mule_record_kind journal_kind = {
	"journal", "journal record",
	"repair or move the journal, or use --journal", load_line
};

enum journal_by { BY_OPEN, BY_LOOK, BY_TEXT };

/* The journal at PATH, opened to add to (BY_OPEN) or read for a look
 * (BY_LOOK); or (BY_TEXT) the one in the LEN bytes at TEXT, named PATH. */
static gpg_error_t
journal_new(struct mule_journal **out, const char *path, enum journal_by by,
    const void *text, size_t len)
{
	struct mule_journal *j = calloc(1, sizeof *j);
	gpg_error_t err;

	*out = NULL;
	if (!j)
		return gpg_error_from_syserror();
	err = mule_record_init(&j->file, &journal_kind, path);
	j->loading = 1;
	if (!err)
		err = by == BY_OPEN ? mule_record_open(&j->file, j)
		    : by == BY_LOOK ? mule_record_look(&j->file, j)
		    : mule_record_parse(&j->file, j, text, len);
	j->loading = 0;
	if (err) {
		mule_journal_close(j);
		return err;
	}
	*out = j;
	return 0;
}

gpg_error_t
mule_journal_path(const char *given, const char *dir, char **path)
{
	char *state = NULL;
	gpg_error_t err = 0;

	*path = NULL;
	if (given)
		*path = strdup(given);
	else if (!dir && (err = mule_state_dir(&state)))
		return err;
	else if (asprintf(path, "%s/journal", dir ? dir : state) < 0)
		*path = NULL;
	free(state);
	return *path ? 0 : gpg_error_from_syserror();
}

gpg_error_t
mule_journal_open(struct mule_journal **out, const char *path)
{
	return journal_new(out, path, BY_OPEN, NULL, 0);
}

gpg_error_t
mule_journal_open_read(struct mule_journal **out, const char *path)
{
	return journal_new(out, path, BY_LOOK, NULL, 0);
}

gpg_error_t
mule_journal_parse(struct mule_journal **out, const char *name,
    const void *text, size_t len)
{
	return journal_new(out, name, BY_TEXT, text, len);
}

const struct mule_journal_record *
mule_journal_find(const struct mule_journal *j, const char *sender,
    const char *id)
{
	char key[128];
	int i;

	snprintf(key, sizeof key, "%s %s", sender, id);
	i = mule_nameset_get(&j->by_key, key, strlen(key));
	return i < 0 ? NULL : &j->records[i];
}

const struct mule_journal_record *
mule_journal_find_cid(const struct mule_journal *j, const char *cid)
{
	int i = mule_nameset_get(&j->by_cid, cid, strlen(cid));

	return i < 0 ? NULL : &j->records[i];
}

int
mule_journal_removed_from(const struct mule_journal *j, const char *cid,
    const char *folder)
{
	char key[128];

	snprintf(key, sizeof key, "%s %s", cid, folder);
	return mule_nameset_get(&j->removed, key, strlen(key)) >= 0;
}

int
mule_journal_removed_earlier(const struct mule_journal *j, const char *cid)
{
	return mule_nameset_get(&j->removed_earlier, cid, strlen(cid)) >= 0;
}

uint64_t
mule_journal_max_seq(const struct mule_journal *j, const char *sender,
    const char *recipient)
{
	char key[128];
	int i;

	snprintf(key, sizeof key, "%s %s", sender, recipient);
	i = mule_nameset_get(&j->seqs, key, strlen(key));
	return i < 0 ? 0 : j->records[i].seq;
}

gpg_error_t
mule_journal_add(struct mule_journal *j, const struct mule_journal_record *r)
{
	char line[256];
	int n;
	gpg_error_t err;

	if (r->removed)
		n = snprintf(line, sizeof line, "removed %s %s %s %s\n",
		    r->sender, r->id, r->cid, r->folder);
	else
		n = snprintf(line, sizeof line, "delivered %s %s %s %s %" PRIu64
		    "\n", r->sender, r->id, r->cid, r->recipient, r->seq);
	err = mule_record_append(&j->file, line, (size_t)n);
	return err ? err : push(j, r);
}

gpg_error_t
mule_journal_add_rejection(struct mule_journal *j, const char *cid,
    const char *folder, int64_t time, const char *reason)
{
	struct mule_journal_rejection x;
	char *enc = NULL, *line = NULL, *kept = NULL;
	gpg_error_t err = 0;
	int n, rc;

	/* Only what the parser reads back is written. */
	if (!mule_hex_field(cid, 64, 0) || !(mule_hex_field(folder, 40, 1)
	    || !strcmp(folder, "anyone")) || time < 0)
		return gpg_error(GPG_ERR_INV_ARG);
	memset(&x, 0, sizeof x);
	memcpy(x.cid, cid, 65);
	snprintf(x.folder, sizeof x.folder, "%s", folder);
	x.time = time;
	x.retried = !reason;
	if (reason) {
		enc = reason_encode(*reason ? reason : "(no reason given)");
		rc = enc ? reason_decode(enc, &kept) : -1;
		if (rc <= 0) {
			err = rc ? gpg_error_from_syserror()
			    : gpg_error(GPG_ERR_BUG);
			goto leave;
		}
		x.reason = kept;
		n = asprintf(&line, "rejected %s %s %" PRId64 " %s\n", cid,
		    folder, time, enc);
	} else
		n = asprintf(&line, "retried %s %s %" PRId64 "\n", cid,
		    folder, time);
	if (n < 0) {
		line = NULL;
		err = gpg_error_from_syserror();
		goto leave;
	}
	err = mule_record_append(&j->file, line, (size_t)n);
	if (!err)
		err = push_rejection(j, &x);
	if (!err)
		kept = NULL;	/* the journal's now */
leave:
	free(kept);
	free(enc);
	free(line);
	return err;
}

const struct mule_journal_rejection *
mule_journal_rejection(const struct mule_journal *j, const char *cid)
{
	int i = mule_nameset_get(&j->by_rejected, cid, strlen(cid));

	return i < 0 ? NULL : &j->rejections[i];
}

void
mule_journal_close(struct mule_journal *j)
{
	size_t i;

	if (!j)
		return;
	mule_record_release(&j->file);
	mule_nameset_release(&j->by_key);
	mule_nameset_release(&j->by_cid);
	mule_nameset_release(&j->seqs);
	mule_nameset_release(&j->removed);
	mule_nameset_release(&j->removed_earlier);
	mule_nameset_release(&j->by_rejected);
	for (i = 0; i < j->nrej; i++)
		free(j->rejections[i].reason);
	free(j->rejections);
	free(j->records);
	free(j);
}
