/* SPDX-License-Identifier: GPL-3.0-or-later */
/* retry.c - mule-stick retry: rejected items back for the next get. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/testhook.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "stick/folder.h"
#include "stick/journal.h"
#include "stick/names.h"
#include "stick/retry.h"

/* An item to move back, and where to. */
struct candidate {
	struct mule_stick_item item;
	char folder[41];	/* to/FOLDER: the journal's */
};

struct retry {
	const struct mule_stick *stick;
	struct mule_journal *journal;
	struct mule_stick_names *names;
	char (*mine)[41];	/* my secret keys' primary fingerprints */
	size_t nmine;
	int rejfd;		/* MULE/rejected, or -1 */
	char *rejpath;
	struct mule_stick_item *items;	/* what is in it */
	size_t nitems;
	struct candidate *cands;
	size_t ncands;
	char **refusals;	/* why items cannot go back */
	size_t nrefusals;
	int oom;
};

/* The primary fingerprints of my secret keys, into R. */
static gpg_error_t
my_keys(const struct mule_gpg_opts *gopts, struct retry *r)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key;
	gpg_error_t err, aerr = 0;
	char (*tmp)[41];

	err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = gpgme_op_keylist_start(ctx, NULL, 1);
	/* To the end of the listing: GPGME leaks a key it has queued when
	 * a listing is ended early. */
	while (!err && !(err = gpgme_op_keylist_next(ctx, &key))) {
		if (!aerr && key->fpr && mule_is_fpr(key->fpr)) {
			tmp = realloc(r->mine, (r->nmine + 1) * sizeof *tmp);
			if (tmp) {
				r->mine = tmp;
				memcpy(tmp[r->nmine++], key->fpr, 41);
			} else
				aerr = gpg_error_from_syserror();
		}
		gpgme_key_unref(key);
	}
	if (ctx)
		gpgme_op_keylist_end(ctx);
	gpgme_release(ctx);
	if (gpg_err_code(err) != GPG_ERR_EOF)
		return mule_error_set(err, NULL, "listing secret keys: %s",
		    gpg_strerror(err));
	if (!aerr && !r->nmine)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
		    "gpg -K lists your secret keys; is gpg-agent running?",
		    "no secret key: no folder on the stick is yours");
	return aerr;
}

static int
is_mine(const struct retry *r, const char *fpr)
{
	size_t i;

	for (i = 0; i < r->nmine; i++)
		if (!strcmp(r->mine[i], fpr))
			return 1;
	return 0;
}

/* Note why WHAT (an item, or an argument) cannot go back. */
static void
refuse(struct retry *r, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
refuse(struct retry *r, const char *what, const char *fmt, ...)
{
	char why[768], **tmp;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	tmp = realloc(r->refusals, (r->nrefusals + 1) * sizeof *tmp);
	if (!tmp || asprintf(&tmp[r->nrefusals], "%s: %s", what, why) < 0) {
		r->refusals = tmp ? tmp : r->refusals;
		r->oom = 1;
		return;
	}
	r->refusals = tmp;
	r->nrefusals++;
}

/* The file names of item IT, part 1 (or the one file) last. */
static void
file_name(const struct mule_stick_item *it, unsigned k, char name[80])
{
	if (!it->nparts)
		snprintf(name, 80, "%s.gpg", it->cid);
	else
		snprintf(name, 80, "%s.gpg.%03u", it->cid, it->nparts - k);
}

static unsigned
file_count(const struct mule_stick_item *it)
{
	return it->nparts ? it->nparts : 1;
}

/* Whether C, the item IT in rejected/, may go back, and where. */
static gpg_error_t
check(struct retry *r, struct candidate *c)
{
	const struct mule_journal_rejection *x;
	const struct mule_stick_item *it = &c->item;
	char rel[64], name[80];
	struct stat st;
	gpg_error_t err;
	unsigned k;
	int fd;

	x = mule_journal_rejection(r->journal, it->cid);
	if (!x || x->retried) {
		refuse(r, it->cid, "this machine did not reject it (rejected "
		    "elsewhere, or put there by hand): only what this "
		    "machine's journal recorded goes back");
		return 0;
	}
	if (!strcmp(x->folder, MULE_STICK_ANYONE)) {
		refuse(r, it->cid, "it was rejected from to/anyone (damaged, "
		    "or a replay): only items from the folders of your keys "
		    "go back");
		return 0;
	}
	if (!is_mine(r, x->folder)) {
		refuse(r, it->cid, "it was rejected from to/%s, the folder of "
		    "a key that is not one of your secret keys", x->folder);
		return 0;
	}
	if (mule_journal_find_cid(r->journal, it->cid)) {
		refuse(r, it->cid, "it was delivered before: get would "
		    "reject it again as a replay");
		return 0;
	}
	if (!it->complete) {
		refuse(r, it->cid, "part %03u is missing: get would reject it "
		    "again", it->missing);
		return 0;
	}
	memcpy(c->folder, x->folder, 41);
	snprintf(rel, sizeof rel, "to/%s", c->folder);
	err = mule_stick_folder(r->stick, rel, 0, &fd, NULL);
	if (err || fd < 0)
		return err;
	for (k = 0; !err && k < file_count(it); k++) {
		file_name(it, k, name);
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			refuse(r, it->cid, "%s/%s is there already", rel, name);
			break;
		}
		if (errno != ENOENT)
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s/%s: %s", rel, name, strerror(errno));
	}
	close(fd);
	return err;
}

static gpg_error_t
add_candidate(struct retry *r, const struct mule_stick_item *it)
{
	struct candidate *tmp;
	size_t i;

	for (i = 0; i < r->ncands; i++)
		if (!strcmp(r->cands[i].item.cid, it->cid))
			return 0;	/* named twice */
	tmp = realloc(r->cands, (r->ncands + 1) * sizeof *tmp);
	if (!tmp)
		return gpg_error_from_syserror();
	r->cands = tmp;
	memset(&tmp[r->ncands], 0, sizeof *tmp);
	tmp[r->ncands++].item = *it;
	return 0;
}

/* The item in rejected/ that ID names: a whole content ID, or a prefix
 * of at least MULE_STICK_RETRY_PREFIX hex digits that only one has. */
static gpg_error_t
resolve(struct retry *r, const char *id)
{
	const struct mule_stick_item *found = NULL;
	char want[65], *shown;
	size_t len = strlen(id), i, matches = 0;

	for (i = 0; i < len && i < 64 && mule_hexval(id[i]) >= 0; i++)
		want[i] = "0123456789abcdef"[mule_hexval(id[i])];
	want[i] = '\0';
	if (i != len || len < MULE_STICK_RETRY_PREFIX) {
		shown = mule_escape(id, len);
		refuse(r, shown ? shown : "?", "not a content ID: %d to 64 "
		    "hexadecimal digits", MULE_STICK_RETRY_PREFIX);
		free(shown);
		return 0;
	}
	for (i = 0; i < r->nitems; i++)
		if (!memcmp(r->items[i].cid, want, len)) {
			found = &r->items[i];
			matches++;
		}
	if (!matches)
		refuse(r, want, "no item in rejected/ has this content ID");
	else if (matches > 1)
		refuse(r, want, "%zu items in rejected/ have content IDs that "
		    "start so: give more digits", matches);
	else
		return add_candidate(r, found);
	return 0;
}

/* Without IDs: every item this machine rejected from a folder of one of
 * its keys and that is still there; the others are left with a note. */
static gpg_error_t
implied(struct retry *r)
{
	const struct mule_journal_rejection *x;
	gpg_error_t err = 0;
	size_t i;

	for (i = 0; !err && i < r->nitems; i++) {
		x = mule_journal_rejection(r->journal, r->items[i].cid);
		if (!x || x->retried)
			continue;
		if (!strcmp(x->folder, MULE_STICK_ANYONE))
			mule_note("%s: rejected from to/anyone, left in "
			    "rejected/", r->items[i].cid);
		else if (!is_mine(r, x->folder))
			mule_note("%s: rejected from to/%s, not a folder of "
			    "yours, left in rejected/", r->items[i].cid,
			    x->folder);
		else
			err = add_candidate(r, &r->items[i]);
	}
	return err;
}

/* Move NAME from folder FROMFD to folder TOFD without replacing a file
 * there: by RENAME_NOREPLACE where the file system has it, else after a
 * look (a FUSE FAT driver leaves debris when a file from another folder
 * is renamed over the placeholder of mule_rename_noreplace).  0, or -1
 * with errno set (EEXIST: something has the name). */
static int
move_file(int fromfd, int tofd, const char *name)
{
	struct stat st;

#ifdef HAVE_RENAMEAT2
	if (renameat2(fromfd, name, tofd, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	if (fstatat(tofd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	return renameat(fromfd, name, tofd, name);
}

/* Move the files of C from rejected/ into folder DFD (DPATH), part 1
 * last, never over a file; what was moved goes back on failure. */
static gpg_error_t
move_back(struct retry *r, const struct candidate *c, int dfd,
    const char *dpath)
{
	char name[80];
	unsigned k, n = file_count(&c->item);
	gpg_error_t err = 0;
	int e;

	for (k = 0; k < n; k++) {
		file_name(&c->item, k, name);
		if (k + 1 == n)
			mule_test_pause("stick-retry-before-last");
		if (move_file(r->rejfd, dfd, name) < 0)
			break;
	}
	if (k < n) {
		e = errno;
		err = mule_error_set(gpg_error_from_errno(e), NULL, "%s/%s: %s",
		    dpath, name, e == EEXIST ? "there already" : strerror(e));
		while (k-- > 0) {
			file_name(&c->item, k, name);
			move_file(dfd, r->rejfd, name);
		}
	}
	/* In the folder, and gone from rejected/, for good. */
	if (mule_sync_dirfd(dfd) < 0 || mule_sync_dirfd(r->rejfd) < 0) {
		e = errno;
		if (!err)
			err = mule_error_set(gpg_error_from_errno(e), NULL,
			    "%s: %s", dpath, strerror(e));
	}
	return err;
}

static gpg_error_t
retry_one(struct retry *r, const struct candidate *c)
{
	char rel[64], *dpath = NULL, *who;
	gpg_error_t err;
	int dfd;

	snprintf(rel, sizeof rel, "to/%s", c->folder);
	err = mule_stick_folder(r->stick, rel, 1, &dfd, &dpath);
	if (err)
		return err;
	err = move_back(r, c, dfd, dpath);
	close(dfd);
	free(dpath);
	if (!err)
		err = mule_journal_add_rejection(r->journal, c->item.cid,
		    c->folder, (int64_t)time(NULL), NULL);
	if (err)
		return err;
	who = mule_stick_person(r->names, c->folder);
	if (!who)
		return gpg_error_from_syserror();
	printf("retried %s: back in the folder for %s\n", c->item.cid, who);
	fflush(stdout);
	free(who);
	return 0;
}

/* The refusals, as one error (a warning for each when there are
 * several of the COUNT items asked for): nothing was moved. */
static gpg_error_t
refused(const struct retry *r, size_t count)
{
	const char *hint = "mule-stick list shows what is in rejected/ and "
	    "why";
	size_t i;

	if (r->oom)
		return gpg_error(GPG_ERR_ENOMEM);
	if (r->nrefusals == 1 && count == 1)
		return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
		    hint, "%s; nothing was moved", r->refusals[0]);
	for (i = 0; i < r->nrefusals; i++)
		mule_warn("%s", r->refusals[i]);
	return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED), hint,
	    "%zu of the %zu items cannot be retried: nothing was moved",
	    r->nrefusals, count);
}

gpg_error_t
mule_stick_retry(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_retry_opts *o)
{
	struct retry r;
	char *journal = NULL;
	gpg_error_t err;
	size_t i;

	memset(&r, 0, sizeof r);
	r.stick = s;
	r.rejfd = -1;
	err = my_keys(gopts, &r);
	if (!err)
		err = mule_stick_names_new(&r.names, gopts);
	if (!err)
		err = mule_journal_path(o->journal, o->state_dir, &journal);
	/* Locked: no get runs meanwhile with this journal. */
	if (!err)
		err = mule_journal_open(&r.journal, journal);
	if (!err)
		err = mule_stick_folder(s, "rejected", 0, &r.rejfd, &r.rejpath);
	if (!err && r.rejfd >= 0)
		err = mule_stick_items(r.rejfd, r.rejpath, &r.items, &r.nitems);
	for (i = 0; !err && i < o->nids; i++)
		err = resolve(&r, o->ids[i]);
	if (!err && !o->nids)
		err = implied(&r);
	for (i = 0; !err && i < r.ncands; i++)
		err = check(&r, &r.cands[i]);
	if (!err && (r.nrefusals || r.oom))
		err = refused(&r, o->nids ? o->nids : r.ncands);
	if (!err && !r.ncands && !o->nids)
		mule_note("nothing to retry: no item that this machine "
		    "rejected from a folder of yours is in rejected/");
	for (i = 0; !err && i < r.ncands; i++)
		err = retry_one(&r, &r.cands[i]);
	if (!err && (fflush(stdout) == EOF || ferror(stdout)))
		err = mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "writing to standard output failed");
	if (r.rejfd >= 0)
		close(r.rejfd);
	free(r.rejpath);
	free(r.items);
	free(r.cands);
	for (i = 0; i < r.nrefusals; i++)
		free(r.refusals[i]);
	free(r.refusals);
	free(r.mine);
	free(journal);
	mule_stick_names_free(r.names);
	mule_journal_close(r.journal);
	return err;
}
