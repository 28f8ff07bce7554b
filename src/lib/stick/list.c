/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.c - mule-stick list: what waits on the stick, and what was
 * rejected and why. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/jsonlog.h"
#include "core/text.h"
#include "stick/folder.h"
#include "stick/journal.h"
#include "stick/list.h"
#include "stick/names.h"

struct listing {
	const struct mule_stick *stick;
	struct mule_stick_names *names;
	struct mule_journal *journal;
	int64_t now;
	int json;
	struct mule_jsonlog *log;	/* --json: the array */
};

/* NOW - T in seconds, INT64_MAX where that overflows: a time from the
 * stick can be any 64-bit number (btrfs keeps 64-bit seconds). */
static int64_t
age_of(int64_t now, int64_t t)
{
	return t < 0 && now > INT64_MAX + t ? INT64_MAX : now - t;
}

/* How long ago T was, for a person: "45 s ago", "12 min ago", "5 h
 * ago", "3 days ago"; "in the future" for a clock that is behind. */
static void
age_text(int64_t now, int64_t t, char out[32])
{
	int64_t age = age_of(now, t);

	if (age < 0)
		snprintf(out, 32, "in the future");
	else if (age < 60)
		snprintf(out, 32, "%" PRId64 " s ago", age);
	else if (age < 3600)
		snprintf(out, 32, "%" PRId64 " min ago", age / 60);
	else if (age < 2 * 86400)
		snprintf(out, 32, "%" PRId64 " h ago", age / 3600);
	else
		snprintf(out, 32, "%" PRId64 " days ago", age / 86400);
}

/* "SIZE, written TIME (AGE)" and what is odd about the parts. */
static void
print_item(const struct listing *l, const struct mule_stick_item *it)
{
	char size[MULE_SIZE_TEXT], when[MULE_TIME_TEXT], age[32];

	mule_size_text(it->size, size);
	mule_time_text((int64_t)it->mtime, when);
	age_text(l->now, (int64_t)it->mtime, age);
	printf("  %s  %s", it->cid, size);
	if (it->nparts)
		printf(" in %u parts", it->nparts);
	if (!it->complete)
		printf(", part %03u missing: incomplete", it->missing);
	printf(", written %s (%s)\n", when, age);
}

/* The members every item object has, to F: its status ("waiting" in a
 * recipient's folder, or "rejected"), FOLDER, ... */
static void
json_item(FILE *f, const struct listing *l, const char *status,
    const char *folder, const struct mule_stick_item *it)
{
	char size[MULE_SIZE_TEXT], when[MULE_TIME_TEXT];

	mule_size_text(it->size, size);
	mule_time_text((int64_t)it->mtime, when);
	fprintf(f, "{\"status\": \"%s\", \"folder\": \"%s\", \"cid\": \"%s\", "
	    "\"size\": %" PRIu64 ", \"size_text\": \"%s\", \"parts\": %u, "
	    "\"complete\": %s", status, folder, it->cid, it->size, size,
	    it->nparts, it->complete ? "true" : "false");
	if (it->complete)
		fputs(", \"missing_part\": null", f);
	else
		fprintf(f, ", \"missing_part\": %u", it->missing);
	fprintf(f, ", \"written\": \"%s\", \"age_seconds\": %" PRId64, when,
	    age_of(l->now, (int64_t)it->mtime));
}

/* An object being written, and the log it goes to once whole. */
static FILE *
json_open(char **text, size_t *len)
{
	*text = NULL;
	return open_memstream(text, len);
}

static gpg_error_t
json_close(struct listing *l, FILE *f, char **text)
{
	/* The text is where fclose leaves it. */
	if (fclose(f) == EOF) {
		free(*text);
		return gpg_error_from_syserror();
	}
	return mule_jsonlog_add(l->log, *text);
}

/* The folder's name for a person: "Alice ..." (FPR), or FPR. */
static gpg_error_t
print_header(struct listing *l, const char *what, const char *fpr,
    const struct mule_stick_item *items, size_t n)
{
	char size[MULE_SIZE_TEXT], *who = NULL;
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < n; i++)
		total += items[i].size;
	mule_size_text(total, size);
	if (fpr && !(who = mule_stick_person(l->names, fpr)))
		return gpg_error_from_syserror();
	printf("%s%s: %zu item%s, %s\n", what, who ? who : "", n,
	    n == 1 ? "" : "s", size);
	free(who);
	return 0;
}

/* The items of folder FD, or an error; a folder that is not one (a
 * symlink planted there) is skipped with a warning, as get skips it. */
static gpg_error_t
folder_items(const struct listing *l, const char *rel,
    struct mule_stick_item **items, size_t *n)
{
	char *path = NULL;
	gpg_error_t err;
	int fd;

	*items = NULL;
	*n = 0;
	err = mule_stick_folder(l->stick, rel, 0, &fd, &path);
	if (gpg_err_code(err) == GPG_ERR_ENOTDIR) {
		struct mule_error_record rec;

		mule_error_save(&rec);
		mule_warn("%s", rec.msg[0] ? rec.msg : gpg_strerror(err));
		mule_error_clear();
		return 0;
	}
	if (err || fd < 0)
		return err;
	err = mule_stick_items(fd, path, items, n);
	close(fd);
	free(path);
	return err;
}

/* The items waiting in to/NAME. */
static gpg_error_t
list_folder(struct listing *l, const char *name)
{
	struct mule_stick_item *items;
	char rel[64];
	int anyone = !strcmp(name, MULE_STICK_ANYONE);
	gpg_error_t err;
	size_t n, i;

	snprintf(rel, sizeof rel, "to/%s", name);
	err = folder_items(l, rel, &items, &n);
	if (!err && n && !l->json)
		err = print_header(l, "for ", name, items, n);
	for (i = 0; !err && i < n; i++) {
		char *text;
		size_t len;
		FILE *f;

		if (!l->json) {
			print_item(l, &items[i]);
			continue;
		}
		if (!(f = json_open(&text, &len))) {
			err = gpg_error_from_syserror();
			break;
		}
		json_item(f, l, "waiting", name, &items[i]);
		if (anyone)
			fputs(", \"recipient\": null, \"recipient_name\": null",
			    f);
		else
			mule_stick_json_person(f, l->names, "recipient", name);
		fputs("}", f);
		err = json_close(l, f, &text);
	}
	free(items);
	return err;
}

/* What this machine's journal says of the rejected item IT. */
static gpg_error_t
print_why(struct listing *l, const struct mule_stick_item *it, FILE *f)
{
	const struct mule_journal_rejection *x;
	char when[MULE_TIME_TEXT], age[32], *who, *reason;

	x = mule_journal_rejection(l->journal, it->cid);
	if (!x || x->retried) {
		if (l->json)
			fputs(", \"recorded\": false, \"rejected_at\": null, "
			    "\"rejected_from\": null, \"rejected_from_name\": "
			    "null, \"reason\": null}", f);
		else
			printf("    no record on this machine: rejected "
			    "elsewhere, or put there by hand\n");
		return 0;
	}
	mule_time_text(x->time, when);
	reason = mule_escape(x->reason, strlen(x->reason));
	if (!reason)
		return gpg_error_from_syserror();
	if (l->json) {
		fprintf(f, ", \"recorded\": true, \"rejected_at\": \"%s\"",
		    when);
		if (!strcmp(x->folder, MULE_STICK_ANYONE))
			fputs(", \"rejected_from\": \"anyone\", "
			    "\"rejected_from_name\": null", f);
		else
			mule_stick_json_person(f, l->names, "rejected_from",
			    x->folder);
		fputs(", \"reason\": ", f);
		mule_json_string(f, reason, strlen(reason));
		fputs("}", f);
		free(reason);
		return 0;
	}
	who = mule_stick_person(l->names, x->folder);
	age_text(l->now, x->time, age);
	if (who)
		printf("    rejected here %s (%s), from the folder for %s: %s\n",
		    when, age, who, reason);
	free(reason);
	free(who);
	return who ? 0 : gpg_error_from_syserror();
}

/* The items in rejected/, and why. */
static gpg_error_t
list_rejected(struct listing *l)
{
	struct mule_stick_item *items;
	gpg_error_t err;
	size_t n, i;

	err = folder_items(l, "rejected", &items, &n);
	if (!err && n && !l->json)
		err = print_header(l, "rejected", NULL, items, n);
	for (i = 0; !err && i < n; i++) {
		char *text = NULL;
		size_t len;
		FILE *f = NULL;

		if (l->json && !(f = json_open(&text, &len))) {
			err = gpg_error_from_syserror();
			break;
		}
		if (l->json)
			json_item(f, l, "rejected", "rejected", &items[i]);
		else
			print_item(l, &items[i]);
		err = print_why(l, &items[i], f);
		if (f) {
			gpg_error_t cerr = json_close(l, f, &text);

			err = err ? err : cerr;
		}
	}
	free(items);
	return err;
}

gpg_error_t
mule_stick_list(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_list_opts *o)
{
	struct listing l;
	char **names = NULL, *journal = NULL;
	gpg_error_t err;
	size_t n = 0, i;

	memset(&l, 0, sizeof l);
	l.stick = s;
	l.json = o->json;
	l.now = (int64_t)time(NULL);
	err = mule_journal_path(o->journal, o->state_dir, &journal);
	if (!err)
		err = mule_journal_open_read(&l.journal, journal);
	if (!err)
		err = mule_stick_names_new(&l.names, gopts);
	if (!err)
		err = mule_stick_recipients(s, &names, &n);
	if (!err && l.json)
		err = mule_jsonlog_new(&l.log, STDOUT_FILENO);
	if (err)
		goto leave;
	for (i = 0; !err && i < n; i++)
		err = list_folder(&l, names[i]);
	if (!err)
		err = list_rejected(&l);
	/* A whole document, even after an error. */
	if (l.log) {
		gpg_error_t ferr = mule_jsonlog_finish(l.log);

		err = err ? err : ferr;
	}
	if (!err && (fflush(stdout) == EOF || ferror(stdout)))
		err = mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "writing the listing to standard output failed");
leave:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(journal);
	mule_stick_names_free(l.names);
	mule_journal_close(l.journal);
	mule_jsonlog_free(l.log);
	return err;
}
