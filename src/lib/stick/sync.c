/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sync.c - mule-stick sync: the outbox's items onto a stick. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/tempname.h"
#include "core/testhook.h"
#include "core/text.h"
#include "stick/folder.h"
#include "stick/outbox.h"
#include "stick/queued.h"
#include "stick/report.h"
#include "stick/sent.h"
#include "stick/space.h"
#include "tar/parts.h"

#define FULL_HINT "make room on the stick (get --remove on the other side), " \
	"then sync again"

struct run {
	const struct mule_outbox_sync_opts *o;
	struct mule_outbox ob;
	struct mule_stick stick;
	struct mule_reporter *rep;
	size_t nkept, nfull;
	struct mule_error_record first;	/* why the first item stays */
};

/* One item's folders on the stick, held open. */
struct folders {
	int fd[MULE_OUTBOX_MAX_RECIPIENTS];
	char *path[MULE_OUTBOX_MAX_RECIPIENTS];
	size_t n;
	int touched;		/* a copy of ours may be in one */
};

/* The stick has no room for SIZE bytes: FREE are left. */
static gpg_error_t
full(const struct run *r, uint64_t free_bytes, uint64_t size)
{
	char have[MULE_SIZE_TEXT], want[MULE_SIZE_TEXT];

	mule_size_text(free_bytes, have);
	mule_size_text(size, want);
	return mule_error_set(mule_fail_code(GPG_ERR_ENOSPC), FULL_HINT,
	    "%s: the stick is full: %s free, about %s needed", r->stick.root,
	    have, want);
}

/* ERR, a failure to write on the stick, said for a person: "the stick
 * is full" whatever its driver said (stick/space.h). */
static gpg_error_t
explain(const struct run *r, gpg_error_t err)
{
	return mule_stick_space_explain(&r->stick, err);
}

/* The name of part K (0: the whole file) of IT. */
static void
part_name(const struct mule_outbox_item *it, size_t k, char name[80])
{
	if (k)
		snprintf(name, 80, "%.64s.gpg.%03u", it->cid, (unsigned)k % 1000);
	else
		snprintf(name, 80, "%.64s.gpg", it->cid);
}

static size_t
nparts_of(const struct mule_outbox_item *it)
{
	return it->split ? (size_t)((it->size - 1) / it->split + 1) : 0;
}

/* Is IT whole in folder FD already: every file there, a regular one of
 * the right size, and its bytes those of the content ID?  A sync killed
 * after the copy and before the record left it so. */
static int
in_place(int fd, const struct mule_outbox_item *it)
{
	unsigned char buf[65536], digest[32];
	size_t n = nparts_of(it), k;
	uint64_t want, left = it->size;
	gcry_md_hd_t md;
	struct stat st;
	char name[80], cid[65];
	ssize_t got = 0;
	int pfd, ok = 1;

	if (gcry_md_open(&md, GCRY_MD_SHA256, 0))
		return 0;
	for (k = n ? 1 : 0; ok && k <= n; k++) {
		part_name(it, k, name);
		want = n && left > it->split ? it->split : left;
		/* Looked at before it is opened: a device planted there
		 * must not even be opened. */
		pfd = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
		    && S_ISREG(st.st_mode) ? openat(fd, name, O_RDONLY
		    | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
		ok = pfd >= 0 && fstat(pfd, &st) == 0 && S_ISREG(st.st_mode)
		    && (uint64_t)st.st_size == want;
		while (ok && (got = read(pfd, buf, sizeof buf)) != 0) {
			if (got < 0 && errno == EINTR)
				continue;
			ok = got > 0;
			if (ok)
				gcry_md_write(md, buf, (size_t)got);
		}
		if (pfd >= 0)
			close(pfd);
		left -= want;
	}
	if (ok) {
		memcpy(digest, gcry_md_read(md, GCRY_MD_SHA256), 32);
		mule_hex_encode(cid, digest, 32);
		ok = !strcmp(cid, it->cid);
	}
	gcry_md_close(md);
	return ok;
}

/* Open the outbox's CID.gpg of IT, of the size its record says. */
static gpg_error_t
open_item(const struct run *r, const struct mule_outbox_item *it, int *fd)
{
	struct stat st;
	char name[80];

	part_name(it, 0, name);
	*fd = openat(r->ob.fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK
	    | O_CLOEXEC);
	if (*fd >= 0 && fstat(*fd, &st) == 0 && S_ISREG(st.st_mode)
	    && (uint64_t)st.st_size == it->size)
		return 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
	    "move its record out of the outbox, and queue the item again",
	    "%s/%s: missing, or not the size its record says", r->ob.path,
	    name);
}

/* Is there room for SIZE bytes in folder FD, where the file system
 * says how much is free (*FREE_BYTES)? */
static int
room_for(int fd, uint64_t size, uint64_t *free_bytes)
{
	struct statvfs vfs;

	if (mule_test_switch("sync-ignores-free-space"))
		return 1;
	if (fstatvfs(fd, &vfs) < 0 || !vfs.f_blocks || !vfs.f_frsize
	    || (vfs.f_flag & ST_RDONLY))
		return 1;	/* not said: try */
	*free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return (uint64_t)vfs.f_bavail >= size / vfs.f_frsize + 1;
}

/* Copy IT from the outbox into folder FD (PATH) on the stick: written
 * under a temporary name, flushed, checked against its content ID, and
 * renamed into place (the first part last), the folder flushed. */
static gpg_error_t
copy_into(const struct run *r, const struct mule_outbox_item *it, int fd,
    const char *path)
{
	unsigned char buf[65536];
	struct mule_output *out = NULL;
	struct mule_split *split = NULL;
	gcry_md_hd_t md = NULL;
	char name[80], cid[65];
	uint64_t free_bytes = 0;
	gpg_error_t err;
	ssize_t got;
	int in = -1;

	if (!room_for(fd, it->size, &free_bytes))
		return full(r, free_bytes, it->size);
	part_name(it, 0, name);
	err = open_item(r, it, &in);
	if (!err)
		err = gcry_md_open(&md, GCRY_MD_SHA256, 0);
	if (!err)
		err = it->split ? mule_split_open_at(&split, fd, path, name,
		    it->split, 1) : mule_output_open_at(&out, fd, path, name,
		    MULE_OUTPUT_FORCE);
	if (err) {
		err = explain(r, err);
		goto leave;
	}
	while (!err && (got = read(in, buf, sizeof buf)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s/%s: %s", r->ob.path, name, strerror(errno));
			break;
		}
		gcry_md_write(md, buf, (size_t)got);
		err = explain(r, split ? mule_split_write(split, buf,
		    (size_t)got) : mule_output_write(out, buf, (size_t)got));
		mule_test_pause("outbox-sync-in-copy");
	}
	mule_hex_encode(cid, gcry_md_read(md, GCRY_MD_SHA256), 32);
	if (!err && strcmp(cid, it->cid))
		err = mule_error_set(mule_fail_code(GPG_ERR_CHECKSUM),
		    "move its record out of the outbox, and queue the item again",
		    "%s/%s: damaged (its bytes are not those of its name)",
		    r->ob.path, name);
	if (!err)
		err = explain(r, split ? mule_split_commit(split)
		    : mule_output_commit(out));
leave:
	mule_split_free(split);
	mule_output_free(out);
	gcry_md_close(md);
	if (in >= 0)
		close(in);
	return err;
}

static void
folders_close(struct folders *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->fd[i] >= 0)
			close(f->fd[i]);
		free(f->path[i]);
	}
	f->n = 0;
}

/* Take IT back from every folder of F: an item is on the stick in every
 * folder or in none. */
static void
undo(struct folders *f, const struct mule_outbox_item *it)
{
	struct mule_error_record why;	/* the failure's, kept */
	struct mule_stick_item item;
	size_t i;

	if (!f->touched)
		return;
	mule_error_save(&why);
	memset(&item, 0, sizeof item);
	memcpy(item.cid, it->cid, 65);
	item.nparts = (unsigned)nparts_of(it);
	for (i = 0; i < f->n; i++)
		(void)mule_stick_item_remove(f->fd[i], f->path[i], &item);
	mule_error_restore(&why);
}

/* Put IT in every one of its folders on the stick (*COPIED: this run
 * wrote it somewhere), flushed; a copy found whole is left as it is. */
static gpg_error_t
to_stick(struct run *r, const struct mule_outbox_item *it, struct folders *f,
    int *copied)
{
	char rel[64];
	gpg_error_t err = 0;
	size_t i;

	/* Every folder opened first: one that is planted (a symlink, a
	 * file) stops the item before anything is written. */
	for (i = 0; !err && i < it->nfolders; i++) {
		snprintf(rel, sizeof rel, "to/%s", it->folders[i]);
		err = mule_stick_folder(&r->stick, rel, 1, &f->fd[i],
		    &f->path[i]);
		f->n++;
		/* What killed runs left there (their copies' temporaries). */
		if (!err)
			mule_output_clean_stale_at(f->fd[i]);
	}
	mule_test_pause("outbox-sync-after-open");
	for (i = 0; !err && i < f->n; i++) {
		if (in_place(f->fd[i], it)) {
			f->touched = 1;
			continue;
		}
		f->touched = *copied = 1;
		err = copy_into(r, it, f->fd[i], f->path[i]);
		mule_test_pause("outbox-sync-after-copy");
	}
	/* On the stick for good before the record says so. */
	for (i = 0; !err && i < f->n; i++)
		if (mule_sync_dirfd(f->fd[i]) < 0)
			err = explain(r, mule_error_set(
			    gpg_error_from_syserror(), NULL, "%s: %s",
			    f->path[i], strerror(errno)));
	return err;
}

/* IT stays queued, for ERR (its message recorded): reported. */
static gpg_error_t
kept(struct run *r, const struct mule_outbox_item *it, gpg_error_t err)
{
	struct mule_error_record why;
	const char *reason = it->bad;

	mule_error_save(&why);
	if (!reason)
		reason = why.msg[0] ? why.msg : gpg_strerror(err);
	if (!r->nkept++) {
		r->first = why;
		if (!why.msg[0])
			snprintf(r->first.msg, sizeof r->first.msg, "%s",
			    reason);
		r->first.err = err;
	}
	if (gpg_err_code(err) == GPG_ERR_ENOSPC)
		r->nfull++;
	mule_error_clear();
	return mule_queued_report(r->rep, MULE_REPORT_KEPT, it, reason, 0, 0);
}

/* The sent record learns that IT is on a stick ("put" supersedes its
 * "queued" lines; a line said again changes nothing, so an item
 * recorded by an interrupted run is said again). */
static gpg_error_t
record_sent(const struct run *r, const struct mule_outbox_item *it)
{
	struct mule_sent_item rec[MULE_OUTBOX_MAX_RECIPIENTS];
	int64_t now = (int64_t)time(NULL);
	size_t k;

	memset(rec, 0, sizeof rec);
	for (k = 0; k < it->nrecipients; k++) {
		memcpy(rec[k].sender, it->sender, 41);
		memcpy(rec[k].recipient, it->recipients[k], 41);
		memcpy(rec[k].id, it->id, 33);
		memcpy(rec[k].cid, it->cid, 65);
		snprintf(rec[k].kind, sizeof rec[k].kind, "%s", it->kind);
		rec[k].size = it->size;
		rec[k].name = it->name;
		rec[k].state = MULE_SENT_PUT;
		rec[k].queued = it->created;
		rec[k].put = now;
	}
	return mule_sent_record(r->o->state_dir, rec, it->nrecipients);
}

/* One item of the outbox: onto the stick, recorded (*RECORDED), removed.
 * A record that says it is on a stick already only goes. */
static gpg_error_t
sync_one(struct run *r, const struct mule_outbox_item *it, int *recorded)
{
	struct folders f;
	struct stat st;
	char to[80];
	gpg_error_t err = 0;
	int copied = 0, before = it->on_stick;

	memset(&f, 0, sizeof f);
	*recorded = 0;
	if (it->bad)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    "repair or remove it (and the item beside it), and queue "
		    "the item again", "%s", it->bad);
	/* Recorded as on a stick: never copied again, whatever this
	 * stick holds (a copy that came back would be a replay). */
	if (!before) {
		err = to_stick(r, it, &f, &copied);
		mule_test_pause("outbox-sync-before-record");
		if (!err)
			err = mule_outbox_record(&r->ob, it->cid);
		/* Not recorded: not on the stick either.  (Recorded but not
		 * flushed, it stays: a rerun finds it whole in place.) */
		snprintf(to, sizeof to, "%s.to", it->cid);
		*recorded = fstatat(r->ob.fd, to, &st, AT_SYMLINK_NOFOLLOW) < 0
		    && errno == ENOENT;
		if (err && !*recorded)
			undo(&f, it);
		folders_close(&f);
		if (err)
			return err;
		mule_test_pause("outbox-sync-after-record");
	}
	*recorded = 1;
	err = record_sent(r, it);
	if (!err)
		err = mule_queued_report(r->rep, MULE_REPORT_SYNCED, it, NULL,
		    copied, before);
	if (!err)
		err = mule_outbox_remove(&r->ob, it->cid);
	mule_test_pause("outbox-sync-after-remove");
	return err;
}

/* The error of a run that left N items queued. */
static gpg_error_t
stays(struct run *r)
{
	gpg_error_t err;

	if (r->nfull) {
		err = mule_error_set(mule_fail_code(GPG_ERR_ENOSPC), FULL_HINT,
		    "%s: the stick is full: %zu item%s stay%s queued",
		    r->stick.root, r->nkept, r->nkept == 1 ? "" : "s",
		    r->nkept == 1 ? "s" : "");
		return err;
	}
	err = mule_fail_code(gpg_err_code(r->first.err));
	if (r->nkept == 1)
		return mule_error_set(err, r->first.hint[0] ? r->first.hint
		    : NULL, "%s", r->first.msg);
	return mule_error_set(err, r->first.hint[0] ? r->first.hint : NULL,
	    "%zu items stay queued; the first: %s", r->nkept, r->first.msg);
}

/* Remove what killed queues left: files without a record, temporaries
 * of processes that are gone (under the lock: no queue is between its
 * two renames).  Nothing queued is touched: this needs no stick. */
static void
tidy(const struct run *r, char (*orphans)[65], size_t n)
{
	char name[80];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s.gpg", orphans[i]);
		unlinkat(r->ob.fd, name, 0);
	}
	mule_output_clean_stale_at(r->ob.fd);
	if (n)
		(void)mule_sync_dirfd(r->ob.fd);
}

gpg_error_t
mule_outbox_sync(const struct mule_gpg_opts *gopts, const char *stick,
    const struct mule_outbox_sync_opts *o)
{
	struct mule_outbox_item *items = NULL;
	char (*orphans)[65] = NULL;
	struct run r;
	gpg_error_t err;
	size_t n = 0, norphans = 0, i;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.stick.fd = -1;
	r.ob.fd = r.ob.lock = -1;
	/* First: a signal from here on still prints a whole JSON array. */
	err = mule_reporter_new(&r.rep, gopts, o->json, o->quiet);
	if (!err)
		err = mule_outbox_open(&r.ob, o->state_dir, 0);
	/* One sync at a time, and none while a queue puts items in. */
	if (!err && r.ob.fd >= 0 && !(err = mule_outbox_lock(&r.ob, 1))) {
		mule_test_pause("outbox-sync-locked");
		/* The numbers of what killed queues left are settled before
		 * anything is removed: an item's record is the proof that it
		 * was queued (mule_outbox_probe). */
		err = mule_sequence_reconcile(o->state_dir,
		    MULE_OUTBOX_LOCATION, mule_outbox_probe, &r.ob);
		if (!err)
			err = mule_outbox_list(&r.ob, &items, &n, &orphans,
			    &norphans);
	}
	if (!err && r.ob.fd >= 0)
		tidy(&r, orphans, norphans);
	/* Nothing queued: nothing to do, stick or no stick.  Else a stick
	 * that is not there leaves the outbox as it is. */
	if (!err && n)
		err = mule_stick_open(&r.stick, stick);
	if (!err && n)
		mule_reporter_progress(r.rep, "syncing", o->quiet, n);
	for (i = 0; !err && i < n; i++) {
		int recorded;
		gpg_error_t e = sync_one(&r, &items[i], &recorded);

		if (e && recorded)
			err = e;	/* on the stick, but still here */
		else if (e)
			err = kept(&r, &items[i], e);
	}
	if (!err && r.nkept)
		err = stays(&r);
	/* The JSON array, also when the run stops with an error. */
	if (r.rep) {
		gpg_error_t ferr = mule_reporter_finish(r.rep);

		err = err ? err : ferr;
	}
	for (i = 0; i < n; i++)
		mule_outbox_item_release(&items[i]);
	free(items);
	free(orphans);
	mule_reporter_free(r.rep);
	mule_stick_close(&r.stick);
	mule_outbox_close(&r.ob);
	return err;
}
