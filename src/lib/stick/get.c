/* SPDX-License-Identifier: GPL-3.0-or-later */
/* get.c - mule-stick get: take in every item addressed to me, each
 * exactly once, checking everything the item says. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/parallel.h"
#include "core/state.h"
#include "core/tempname.h"
#include "core/testhook.h"
#include "core/text.h"
#include "key/keyring.h"
#include "key/usage.h"
#include "pgp/data.h"
#include "pgp/gpg.h"
#include "stick/envelope.h"
#include "stick/folder.h"
#include "stick/get.h"
#include "stick/journal.h"
#include "stick/names.h"
#include "stick/put.h"
#include "stick/receipt.h"
#include "stick/report.h"
#include "stick/update.h"
#include "tar/bundle.h"
#include "tar/parts.h"
#include "tar/staging.h"

/* What one sender sent to one of my keys in this run. */
struct flow {
	char sender[41];
	char me[41];
	uint64_t before;	/* highest sequence number delivered earlier */
	uint64_t *seqs;
	size_t nseqs;
	char **ids;		/* for a receipt: items that are not receipts */
	size_t nids;
};

/* A subkey of one of my secret keys (MINE[KEY]). */
struct my_subkey {
	char fpr[41];
	size_t key;
	long timestamp;
};

/* The newest encryption subkey of one of my keys that can be used now
 * (what a peer who has my current certificate seals to), or "". */
struct my_newest {
	char fpr[41];
	long timestamp;
};

/* A peer found sealing to a retired subkey, said once a run. */
struct retired_seen {
	char peer[41];
	char subkey[41];
};

struct run {
	const struct mule_gpg_opts *gopts;
	const struct mule_stick *stick;
	const struct mule_stick_get_opts *o;
	struct mule_journal *journal;
	const char *state_dir;
	char (*mine)[41];
	size_t nmine;
	struct my_subkey *subs;
	size_t nsubs;
	struct my_newest *newest;	/* one per key in MINE */
	struct retired_seen *warned;
	size_t nwarned;
	struct mule_stick_updates *updates;
	struct mule_reporter *rep;
	struct flow *flows;
	size_t nflows;
	int *fds;		/* the folders taken in from, held open */
	size_t nfds;
	int rejected;
};

/* The envelope, and the certificate after a version 2 envelope, are
 * taken out of the stream; every other entry goes on to the staging
 * directory. */
struct envelope_catch {
	const struct mule_tarin_handler *next;
	struct mule_membuf text;	/* the envelope */
	struct mule_membuf cert;	/* the sender's certificate */
	struct mule_membuf *into;	/* where the entry read now goes,
					 * or NULL: on to NEXT */
	unsigned seen;			/* entries begun */
	int caught, cert_follows, cert_caught;
	/* What the item holds, for the report: its first name at the
	 * top, how many others, and the bytes of its files. */
	char *name;
	size_t more_names;
	uint64_t size;
};

/* Note entry E, which goes on to the staging directory, for the report:
 * a top-level name other than the last one seen is one more name
 * (archives keep a directory's entries together). */
static gpg_error_t
note_entry(struct envelope_catch *c, const struct mule_tar_entry *e)
{
	size_t top = strcspn(e->name, "/");

	if (e->type == MULE_TAR_FILE)
		c->size += e->size;
	if (c->name && strlen(c->name) == top && !memcmp(c->name, e->name,
	    top))
		return 0;
	if (c->name)
		c->more_names++;
	else if (!(c->name = strndup(e->name, top)))
		return gpg_error_from_syserror();
	return 0;
}

static gpg_error_t
catch_begin(void *arg, const struct mule_tar_entry *e)
{
	struct envelope_catch *c = arg;
	unsigned n = c->seen++;
	gpg_error_t err;

	if (!n && e->type == MULE_TAR_FILE
	    && !strcmp(e->name, MULE_ENVELOPE_NAME)) {
		c->into = &c->text;
		return 0;
	}
	/* Only where the envelope says so: in a version 1 item, an entry
	 * of that name is the user's. */
	if (n == 1 && c->cert_follows && e->type == MULE_TAR_FILE
	    && !strcmp(e->name, MULE_ENVELOPE_CERT_NAME)) {
		c->into = &c->cert;
		return 0;
	}
	/* Neither is written out: nothing may link to them. */
	if (e->type == MULE_TAR_HARDLINK && c->caught
	    && !strcmp(e->target, MULE_ENVELOPE_NAME))
		return mule_tar_refuse(GPG_ERR_INV_NAME, e->name,
		    "a hard link to the envelope");
	if (e->type == MULE_TAR_HARDLINK && c->cert_caught
	    && !strcmp(e->target, MULE_ENVELOPE_CERT_NAME))
		return mule_tar_refuse(GPG_ERR_INV_NAME, e->name,
		    "a hard link to the sender's certificate");
	err = note_entry(c, e);
	return err ? err : c->next->begin(c->next->arg, e);
}

static gpg_error_t
catch_data(void *arg, const void *buf, size_t n, uint64_t off)
{
	struct envelope_catch *c = arg;
	gpg_error_t err;

	if (!c->into)
		return c->next->data(c->next->arg, buf, n, off);
	err = off != c->into->len ? mule_reject_code(GPG_ERR_INV_DATA)
	    : mule_membuf_write(c->into, buf, n);
	/* Out of memory is not a malformed envelope. */
	if (err && gpg_err_source(err) != MULE_SOURCE_REJECT)
		return err;
	if (err && c->into == &c->cert) {
		char why[80];

		snprintf(why, sizeof why, "the sender's certificate is larger "
		    "than %d bytes", MULE_STICK_CERT_MAX);
		return mule_tar_refuse(GPG_ERR_TOO_LARGE,
		    MULE_ENVELOPE_CERT_NAME, why);
	}
	if (err)
		return mule_tar_refuse(GPG_ERR_TOO_LARGE, MULE_ENVELOPE_NAME,
		    "a malformed envelope");
	return 0;
}

static gpg_error_t
catch_end(void *arg, const struct mule_tar_entry *e, const unsigned char *d)
{
	struct envelope_catch *c = arg;
	struct mule_envelope env;
	struct mule_error_record saved;

	if (c->into == &c->text) {
		/* Its version says what the next entry is.  The verdict on
		 * it waits until the item is verified: its message too. */
		mule_error_save(&saved);
		c->cert_follows = !mule_envelope_parse((const char *)c->text.p,
		    c->text.len, &env) && env.version >= 2;
		mule_error_restore(&saved);
		c->caught = 1;
	} else if (c->into == &c->cert)
		c->cert_caught = 1;
	else
		return c->next->end(c->next->arg, e, d);
	c->into = NULL;
	return 0;
}

/* Report R (a rejection or a replay makes the exit status 1). */
static gpg_error_t
report(struct run *r, const struct mule_report *rp)
{
	if (rp->status == MULE_REPORT_REPLAY
	    || rp->status == MULE_REPORT_REJECTED)
		r->rejected = 1;
	return mule_report(r->rep, rp);
}

/* The report of an item that is not delivered: STATUS, and what is
 * known of it. */
static gpg_error_t
add_report(struct run *r, enum mule_report_status status, const char *sender,
    const char *id, const char *cid, const char *reason)
{
	struct mule_report rp;

	memset(&rp, 0, sizeof rp);
	rp.status = status;
	rp.sender = sender;
	rp.id = id;
	rp.cid = cid;
	rp.reason = reason;
	return report(r, &rp);
}

static struct flow *
flow_for(struct run *r, const char *sender, const char *me)
{
	struct flow *tmp;
	size_t i;

	for (i = 0; i < r->nflows; i++)
		if (!strcmp(r->flows[i].sender, sender)
		    && !strcmp(r->flows[i].me, me))
			return &r->flows[i];
	tmp = realloc(r->flows, (r->nflows + 1) * sizeof *tmp);
	if (!tmp)
		return NULL;
	r->flows = tmp;
	memset(&tmp[r->nflows], 0, sizeof *tmp);
	memcpy(tmp[r->nflows].sender, sender, 41);
	memcpy(tmp[r->nflows].me, me, 41);
	tmp[r->nflows].before = mule_journal_max_seq(r->journal, sender, me);
	return &tmp[r->nflows++];
}

static gpg_error_t
note_flow(struct flow *f, const struct mule_envelope *env, const char *me)
{
	uint64_t *seqs;
	char **ids;

	seqs = realloc(f->seqs, (f->nseqs + 1) * sizeof *seqs);
	if (!seqs)
		return gpg_error_from_syserror();
	f->seqs = seqs;
	f->seqs[f->nseqs++] = mule_envelope_seq_for(env, me);
	if (env->kind == MULE_ITEM_RECEIPT)
		return 0;	/* never a receipt for a receipt */
	ids = realloc(f->ids, (f->nids + 1) * sizeof *ids);
	if (!ids)
		return gpg_error_from_syserror();
	f->ids = ids;
	f->ids[f->nids] = strdup(env->id);
	return f->ids[f->nids++] ? 0 : gpg_error_from_syserror();
}

static int
signed_by(const struct mule_verdict *v, const char *fpr)
{
	size_t i;

	for (i = 0; i < v->nsigners; i++)
		if (!strcmp(v->signers[i].fpr, fpr))
			return 1;
	return 0;
}

/* The last recorded message, for a report line. */
static const char *
reason_of(gpg_error_t err, char *buf, size_t len)
{
	struct mule_error_record rec;

	mule_error_save(&rec);
	snprintf(buf, len, "%s", rec.err == err && rec.msg[0] ? rec.msg
	    : gpg_strerror(err));
	mule_error_clear();
	return buf;
}

/* Whether ERR, from moving an item aside, says that something was
 * planted in the way. */
static int
planted_in_the_way(gpg_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_ENOTDIR:
	case GPG_ERR_EISDIR:
	case GPG_ERR_ENOTEMPTY:
	case GPG_ERR_EEXIST:
	case GPG_ERR_ELOOP:
		return 1;
	default:
		return 0;
	}
}

/* Move a rejected item aside, so that it is not tried blindly again,
 * and record why in the journal (mule-stick list shows it, retry puts it
 * back); not one in the hidden-recipient folder, which may be for
 * others, unless SHARED_TOO says it is of no use to anyone (damaged, or
 * an item for me alone that came back).  Something planted in the way
 * (a rejected/ that is not a folder, a folder under the item's name)
 * leaves it in place with a warning; any other failure (the stick gone,
 * an I/O error) is an operational error: the item stays where it is,
 * and the run stops. */
static gpg_error_t
reject_aside(struct run *r, int fd, const char *folder,
    const char *folder_fpr, const struct mule_stick_item *it, int shared_too,
    const char *reason)
{
	gpg_error_t err;

	if (!folder_fpr && !shared_too)
		return 0;
	mule_test_pause("stick-get-before-reject");
	err = mule_stick_item_reject(r->stick, fd, folder, it);
	if (planted_in_the_way(err)) {
		mule_warn("%s: could not be moved to rejected/, left in place",
		    it->cid);
		mule_error_clear();
		return 0;
	}
	if (err)
		return err;
	return mule_journal_add_rejection(r->journal, it->cid, folder_fpr
	    ? folder_fpr : MULE_STICK_ANYONE, (int64_t)time(NULL), reason);
}

static gpg_error_t known(struct run *r, int fd, const char *folder,
    const char *folder_fpr, const struct mule_stick_item *it,
    const struct mule_journal_record *rec, int named);

/* What checking an item found, for recording it. */
struct checked {
	struct mule_staging *staging;	/* its files, staged */
	char cid[65];			/* the digest it is named by */
	const char *me;			/* my key it is addressed to */
	struct mule_membuf cert;	/* the sender's certificate (version
					 * 2), checked */
	char decrypted_by[41];		/* my subkey that opened it */
	char *name;			/* its first name, for the report */
	size_t more_names;
	uint64_t size;
};

/* Decrypt and verify an item into a staging directory, and check that
 * it is what its name and envelope say and that it is for me. */
static gpg_error_t
check_item(struct run *r, int fd, const char *folder, const char *folder_fpr,
    const struct mule_stick_item *it, int copy, int *replay, int *skip,
    struct mule_envelope *env, struct checked *ck)
{
	const struct mule_stick_get_opts *o = r->o;
	struct mule_tarin_handler stage_h, h;
	struct envelope_catch c;
	struct mule_parts *parts = NULL;
	struct mule_verdict v;
	struct mule_tarin_result res;
	unsigned char digest[32];
	char name[80];
	gpg_error_t err;

	memset(&c, 0, sizeof c);
	memset(&v, 0, sizeof v);
	memset(&res, 0, sizeof res);
	/* Read from the folder held open since it was listed. */
	mule_stick_item_name(it, name);
	err = mule_parts_open_at(&parts, fd, folder, name);
	if (!err)
		err = mule_staging_new(&ck->staging, o->dir, 0);
	if (err)
		goto leave;
	mule_staging_handler(ck->staging, &stage_h);
	c.next = &stage_h;
	c.text.limit = MULE_ENVELOPE_MAX_SIZE;
	c.text.what = "the envelope";
	c.cert.limit = MULE_STICK_CERT_MAX;
	c.cert.what = "the sender's certificate";
	h.begin = catch_begin;
	h.data = catch_data;
	h.end = catch_end;
	h.arg = &c;
	err = mule_bundle_stream(r->gopts, &o->open, parts, &o->tar, &h, &v,
	    &res);
	if (err) {
		if (!folder_fpr && gpg_err_code(err) == GPG_ERR_NO_SECKEY)
			*skip = 1;
		goto leave;
	}
	err = mule_parts_digest(parts, digest);
	if (err)
		goto leave;
	mule_hex_encode(ck->cid, digest, 32);
	if (strcmp(ck->cid, it->cid)) {
		err = mule_reject(GPG_ERR_CHECKSUM, NULL, "its content does "
		    "not match its name (changed or renamed on the stick)");
		goto leave;
	}
	if (!c.caught) {
		err = mule_reject(GPG_ERR_NO_DATA, NULL, "no envelope: not a "
		    "mule-stick item");
		goto leave;
	}
	err = mule_envelope_parse((const char *)c.text.p, c.text.len, env);
	if (err)
		goto leave;
	if (!signed_by(&v, env->sender)) {
		err = mule_reject(GPG_ERR_BAD_SIGNATURE, NULL, "the envelope "
		    "names sender %s, but %s signed the item", env->sender,
		    v.nsigners ? v.signers[0].fpr : "nobody");
		goto leave;
	}
	ck->me = mule_envelope_addressee(env, folder_fpr, r->mine, r->nmine);
	if (!ck->me && copy) {
		*replay = 1;
		err = mule_reject(GPG_ERR_DUP_VALUE, NULL, "it came back after "
		    "it was delivered and removed, in a folder it is not for");
	} else if (!ck->me)
		err = mule_reject(GPG_ERR_WRONG_PUBKEY_ALGO, NULL, "the envelope "
		    "does not name my key as a recipient (forwarded?)");
	if (!err && env->version >= 2)
		err = c.cert_caught ? mule_stick_cert_check(c.cert.p,
		    c.cert.len, env->sender) : mule_reject(GPG_ERR_NO_DATA,
		    NULL, "no certificate (%s) after the version %d envelope",
		    MULE_ENVELOPE_CERT_NAME, env->version);
	if (!err) {
		ck->cert = c.cert;
		memset(&c.cert, 0, sizeof c.cert);
		memcpy(ck->decrypted_by, v.decrypted_by,
		    sizeof ck->decrypted_by);
		ck->name = c.name;
		c.name = NULL;
		ck->more_names = c.more_names;
		ck->size = c.size;
	}
leave:
	mule_verdict_release(&v);
	mule_tarin_result_release(&res);
	mule_membuf_release(&c.text);
	mule_membuf_release(&c.cert);
	free(c.name);
	mule_parts_free(parts);
	return err;
}

/* The newer encryption subkey of mine that an item sealed to my subkey
 * SUB could have been sealed to (SUB is retired), or NULL. */
static const char *
newer_than(const struct run *r, const char *sub)
{
	const struct my_newest *n;
	size_t i;

	for (i = 0; i < r->nsubs; i++) {
		if (strcmp(r->subs[i].fpr, sub))
			continue;
		n = &r->newest[r->subs[i].key];
		if (n->fpr[0] && strcmp(n->fpr, sub)
		    && n->timestamp > r->subs[i].timestamp)
			return n->fpr;
	}
	return NULL;
}

/* Note which of my subkeys the peer sealed the item to (mule-key prune
 * reads it before it destroys one), and whether that one is retired:
 * the peer lacks my new certificate.  Said once a run for each pair;
 * *RETIRED gets the subkey for the report. */
static gpg_error_t
note_subkey(struct run *r, const struct mule_envelope *env,
    const struct checked *ck, char retired[41])
{
	const char *newer;
	char *peer;
	gpg_error_t err;
	size_t i;
	struct retired_seen *w;

	retired[0] = '\0';
	if (!ck->decrypted_by[0])
		return 0;
	err = mule_usage_note(r->state_dir, env->sender, ck->decrypted_by,
	    (uint64_t)time(NULL));
	if (err || !(newer = newer_than(r, ck->decrypted_by)))
		return err;
	memcpy(retired, ck->decrypted_by, 41);
	for (i = 0; i < r->nwarned; i++)
		if (!strcmp(r->warned[i].peer, env->sender)
		    && !strcmp(r->warned[i].subkey, retired))
			return 0;
	w = realloc(r->warned, (r->nwarned + 1) * sizeof *w);
	if (!w)
		return gpg_error_from_syserror();
	r->warned = w;
	memcpy(w[r->nwarned].peer, env->sender, 41);
	memcpy(w[r->nwarned++].subkey, retired, 41);
	peer = mule_stick_person(mule_reporter_names(r->rep), env->sender);
	mule_warn("%s still seals to your retired subkey %s: the next item "
	    "you put for it carries your new one, %s", peer ? peer
	    : env->sender, retired, newer);
	free(peer);
	return 0;
}

/* The receipt ENV to my key ME, delivered into LEAF, taken into my
 * sent record, its warnings naming people. */
static gpg_error_t
take_receipt(struct run *r, const struct mule_envelope *env, const char *me,
    const char *leaf)
{
	struct mule_stick_names *names = mule_reporter_names(r->rep);
	char *signer = mule_stick_person(names, env->sender);
	char *mine = mule_stick_person(names, me);
	gpg_error_t err;

	err = signer && mine ? mule_receipt_take(r->state_dir, me, env,
	    r->o->dir, leaf, signer, mine, NULL) : gpg_error_from_syserror();
	free(signer);
	free(mine);
	return err;
}

/* Deliver a checked item: one item at a time, the journal decides
 * whether it is new, a copy of one just delivered, or a replay. */
static gpg_error_t
record_item(struct run *r, int fd, const char *folder,
    const char *folder_fpr, const struct mule_stick_item *it,
    struct mule_envelope *env, struct checked *ck, int *replay)
{
	const struct mule_stick_get_opts *o = r->o;
	const struct mule_journal_record *seen;
	struct mule_journal_record rec;
	struct flow *flow;
	char leaf[MULE_ENVELOPE_LEAF_MAX], *dir = NULL, retired[41];
	gpg_error_t err;

	mule_parallel_lock();
	seen = mule_journal_find(r->journal, env->sender, env->id);
	if (seen && !strcmp(seen->cid, ck->cid)) {
		/* The same item in two of my folders, the other one just
		 * delivered. */
		err = known(r, fd, folder, folder_fpr, it, seen,
		    folder_fpr != NULL);
		goto leave;
	}
	if (seen) {
		*replay = 1;
		err = mule_reject(GPG_ERR_DUP_VALUE, NULL, "item %s was "
		    "delivered before with other content", env->id);
		goto leave;
	}
	/* Noted before the item is delivered: a subkey in use must never
	 * look unused to mule-key prune. */
	err = note_subkey(r, env, ck, retired);
	if (err)
		goto leave;
	/* Only checked forms make the path: hex, and digits. */
	mule_envelope_leaf(env, leaf);
	err = mule_staging_commit_as(ck->staging, env->sender, leaf);
	if (gpg_err_code(err) == GPG_ERR_EEXIST)
		err = 0;	/* delivered by a run that died before the
				 * journal said so */
	/* What a receipt acknowledges goes to my sent record before the
	 * journal has it: a run killed in between takes it in again. */
	if (!err && env->kind == MULE_ITEM_RECEIPT)
		err = take_receipt(r, env, ck->me, leaf);
	if (err)
		goto leave;
	memset(&rec, 0, sizeof rec);
	memcpy(rec.sender, env->sender, 41);
	memcpy(rec.id, env->id, 33);
	memcpy(rec.cid, ck->cid, 65);
	memcpy(rec.recipient, ck->me, 41);
	rec.seq = mule_envelope_seq_for(env, ck->me);
	/* What was delivered before this one, for the gap report. */
	flow = flow_for(r, env->sender, ck->me);
	err = flow ? mule_journal_add(r->journal, &rec)
	    : gpg_error_from_syserror();
	if (!err)
		err = note_flow(flow, env, ck->me);
	if (!err && asprintf(&dir, "%s/%s/%s", o->dir, env->sender, leaf) < 0) {
		dir = NULL;
		err = gpg_error_from_syserror();
	}
	if (!err) {
		struct mule_report rp;
		const char *me = ck->me;

		memset(&rp, 0, sizeof rp);
		rp.status = MULE_REPORT_DELIVERED;
		rp.sender = env->sender;
		rp.recipients = &me;
		rp.nrecipients = 1;
		rp.id = env->id;
		rp.cid = ck->cid;
		rp.kind = mule_item_kind_name(env->kind);
		rp.name = ck->name ? ck->name : "";
		rp.more_names = ck->more_names;
		rp.size = ck->size;
		rp.has_size = 1;
		rp.created = env->created;
		rp.seq = rec.seq;
		rp.dir = dir;
		rp.retired = retired[0] ? retired : NULL;
		err = report(r, &rp);
	}
	/* A hidden-recipient item for others too stays on the stick. */
	if (!err && o->remove && (folder_fpr || env->nrecipients == 1)) {
		mule_test_pause("stick-get-before-remove");
		err = mule_stick_item_remove(fd, folder, it);
		rec.removed = 1;
		snprintf(rec.folder, sizeof rec.folder, "%s", folder_fpr
		    ? folder_fpr : MULE_STICK_ANYONE);
		if (!err)
			err = mule_journal_add(r->journal, &rec);
	}
leave:
	mule_parallel_unlock();
	free(dir);
	return err;
}

/* Merge the sender's certificate that the checked item carries, before
 * the item is delivered: one that the update rules refuse rejects the
 * item. */
static gpg_error_t
take_update(struct run *r, const struct mule_envelope *env,
    const struct checked *ck)
{
	struct mule_stick_update_result res;
	gpg_error_t err;
	char *who;

	err = mule_stick_update(r->updates, env->sender, ck->cert.p,
	    ck->cert.len, &res);
	if (err || (!res.new_subkeys && !res.new_uids && !res.revoked))
		return err;
	mule_parallel_lock();
	who = mule_stick_person(mule_reporter_names(r->rep), env->sender);
	mule_parallel_unlock();
	if (res.new_subkeys || res.new_uids)
		mule_note("key %s updated from its item: %d new subkey%s, %d "
		    "new user ID%s%s", who ? who : env->sender,
		    res.new_subkeys, res.new_subkeys == 1 ? "" : "s",
		    res.new_uids, res.new_uids == 1 ? "" : "s", res.new_uids
		    ? " (not certified: mule-key import of its export does "
		    "that)" : "");
	if (res.revoked)
		mule_warn("key %s is revoked now, by its certificate in an "
		    "item: its items are refused from now on", who ? who
		    : env->sender);
	free(who);
	return 0;
}

/* Decrypt, verify, check and deliver one item.  A rejection comes back
 * as an error from MULE_SOURCE_REJECT with *REPLAY set for a replay;
 * *SKIP is set for a hidden-recipient item that is not for me.  COPY:
 * the journal knows the item as removed from another folder, and only
 * the envelope can tell a copy that was never removed from a replay. */
static gpg_error_t
deliver(struct run *r, int fd, const char *folder, const char *folder_fpr,
    const struct mule_stick_item *it, int copy, int *replay, int *skip,
    struct mule_envelope *env)
{
	struct checked ck;
	gpg_error_t err;

	memset(&ck, 0, sizeof ck);
	err = check_item(r, fd, folder, folder_fpr, it, copy, replay, skip,
	    env, &ck);
	if (!err && ck.cert.len)
		err = take_update(r, env, &ck);
	if (!err)
		err = record_item(r, fd, folder, folder_fpr, it, env, &ck,
		    replay);
	mule_staging_free(ck.staging);
	mule_membuf_release(&ck.cert);
	free(ck.name);
	return err;
}

/* Is the item in job folder FOLDER_FPR, which the journal knows, one that
 * a run before this one removed from another folder, where only its
 * envelope can tell whether it is a copy put there for that folder's key
 * (and never removed from it) or a replay? */
static int
copy_to_check(const struct run *r, const char *folder_fpr, const char *cid)
{
	return folder_fpr && mule_journal_removed_earlier(r->journal, cid)
	    && !mule_journal_removed_from(r->journal, cid, folder_fpr)
	    && !mule_journal_removed_from(r->journal, cid, MULE_STICK_ANYONE);
}

/* An item the journal knows by its content.  NAMED: its envelope was
 * checked to name the key of FOLDER_FPR. */
static gpg_error_t
known(struct run *r, int fd, const char *folder, const char *folder_fpr,
    const struct mule_stick_item *it, const struct mule_journal_record *rec,
    int named)
{
	struct mule_journal_record removed = *rec;
	const char *where = folder_fpr ? folder_fpr : MULE_STICK_ANYONE;
	gpg_error_t err;

	/* Removed from the stick before, and back: in the folder it was
	 * removed from, in another one, or in the shared one.  The only
	 * copy that is not a replay is the one put for another of my keys
	 * that a run killed midway left behind (a copy in another of my
	 * folders, in the same run, is just a copy).  It is nobody else's
	 * item: it is moved aside even from the shared folder. */
	if (mule_journal_removed_from(r->journal, it->cid, where)
	    || (mule_journal_removed_earlier(r->journal, it->cid) && (!named
	    || mule_journal_removed_from(r->journal, it->cid,
	    MULE_STICK_ANYONE)))) {
		const char *why = "it came back after it was delivered and "
		    "removed";

		err = add_report(r, MULE_REPORT_REPLAY, rec->sender, rec->id,
		    it->cid, why);
		return err ? err : reject_aside(r, fd, folder, folder_fpr, it,
		    1, why);
	}
	err = add_report(r, MULE_REPORT_ALREADY, rec->sender, rec->id, it->cid,
	    NULL);
	/* Hidden-recipient items may be for others too: they stay. */
	if (!err && r->o->remove && folder_fpr) {
		mule_test_pause("stick-get-before-remove");
		err = mule_stick_item_remove(fd, folder, it);
		removed.removed = 1;
		snprintf(removed.folder, sizeof removed.folder, "%s", where);
		if (!err)
			err = mule_journal_add(r->journal, &removed);
	}
	return err;
}

/* One item to take in, from one folder. */
struct job {
	int fd;			/* the folder, held open (in struct run) */
	char *folder;
	const char *folder_fpr;	/* NULL: the hidden-recipient folder */
	char rel[64];
	struct mule_stick_item item;
};

static gpg_error_t
collect(struct run *r, const char *rel, const char *folder_fpr,
    struct job **jobs, size_t *njobs)
{
	struct mule_stick_item *items = NULL;
	struct job *tmp;
	char *folder = NULL;
	gpg_error_t err;
	size_t n = 0, i;
	int fd, *fds;

	err = mule_stick_folder(r->stick, rel, 0, &fd, &folder);
	if (err && gpg_err_code(err) != GPG_ERR_ENOTDIR)
		return err;
	if (err) {
		/* Something planted in place of the folder: say so, go on. */
		struct mule_error_record rec;

		mule_error_save(&rec);
		mule_warn("%s: %s, skipped", rel, rec.msg[0] ? rec.msg
		    : gpg_strerror(err));
		mule_error_clear();
		return 0;
	}
	if (fd < 0)
		return 0;
	fds = realloc(r->fds, (r->nfds + 1) * sizeof *fds);
	if (!fds) {
		err = gpg_error_from_syserror();
		close(fd);
		free(folder);
		return err;
	}
	r->fds = fds;
	r->fds[r->nfds++] = fd;
	err = mule_stick_items(fd, folder, &items, &n);
	for (i = 0; !err && i < n; i++) {
		tmp = realloc(*jobs, (*njobs + 1) * sizeof *tmp);
		if (!tmp || !(tmp[*njobs].folder = strdup(folder))) {
			*jobs = tmp ? tmp : *jobs;
			err = gpg_error_from_syserror();
			break;
		}
		*jobs = tmp;
		tmp[*njobs].fd = fd;
		tmp[*njobs].folder_fpr = folder_fpr;
		snprintf(tmp[*njobs].rel, sizeof tmp[*njobs].rel, "%s", rel);
		tmp[*njobs].item = items[i];
		(*njobs)++;
	}
	free(items);
	free(folder);
	return err;
}

struct get_jobs {
	struct run *r;
	struct job *jobs;
};

/* An operational error while taking in an item names the item. */
static gpg_error_t
name_item(gpg_error_t err, const struct job *j)
{
	struct mule_error_record rec;
	char msg[sizeof rec.msg + 160];

	mule_error_save(&rec);
	snprintf(msg, sizeof msg, "%s/%s: %s", j->rel, j->item.cid,
	    rec.err == err && rec.msg[0] ? rec.msg : gpg_strerror(err));
	memcpy(rec.msg, msg, sizeof rec.msg - 1);
	rec.msg[sizeof rec.msg - 1] = '\0';
	rec.err = err;
	mule_error_restore(&rec);
	return err;
}

/* A split item whose parts are not all there.  The journal may know it:
 * what a killed --remove left (removed with --remove), or a replay.  Its
 * first part, renamed into place last, may still be being written by a
 * put at work in its folder (BUSY): it is left for a later run.  Else it
 * is damaged or tampered with, and moved aside with its parts, even from
 * the shared folder: it is of no use to anyone. */
static gpg_error_t
incomplete(struct run *r, const struct job *j, int busy)
{
	const struct mule_journal_record *found;
	struct mule_journal_record rec;
	char reason[200];
	gpg_error_t err;

	mule_parallel_lock();
	found = mule_journal_find_cid(r->journal, j->item.cid);
	if (found) {
		rec = *found;
		err = known(r, j->fd, j->folder, j->folder_fpr, &j->item, &rec,
		    0);
		mule_parallel_unlock();
		return err;
	}
	if (j->item.missing == 1 && busy) {
		mule_warn("%s/%s: an item still being written, skipped", j->rel,
		    j->item.cid);
		mule_parallel_unlock();
		return 0;
	}
	if (j->item.missing == 1)
		snprintf(reason, sizeof reason, "its first part is missing, and "
		    "no put is writing it (damaged, tampered with, or left by a "
		    "put that was killed)");
	else
		snprintf(reason, sizeof reason, "part %03u of the split item is "
		    "missing (damaged or tampered with)", j->item.missing);
	err = add_report(r, MULE_REPORT_REJECTED, NULL, NULL, j->item.cid,
	    reason);
	if (!err)
		err = reject_aside(r, j->fd, j->folder, j->folder_fpr,
		    &j->item, 1, reason);
	mule_parallel_unlock();
	return err;
}

/* Whether ERR is the reader's trouble, not the item's, even as a
 * rejection: the key could not be unlocked (a wrong passphrase, a
 * cancelled pinentry, none to ask, no agent), or the system failed (any
 * errno: a full disk, an I/O error, a stick that is gone).  Such an item
 * is never moved aside: the run stops with exit 2, and it stays. */
static int
readers_trouble(gpg_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		return 0;
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
	case GPG_ERR_NO_PIN:
	case GPG_ERR_NO_PASSPHRASE:
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_AGENT:
		return 1;
	default:
		return gpg_err_code_to_errno(gpg_err_code(err)) != 0;
	}
}

/* ERR as an operational error, with the message recorded for it. */
static gpg_error_t
as_operational(gpg_error_t err)
{
	struct mule_error_record rec;
	gpg_error_t op = gpg_err_source(err) == MULE_SOURCE_REJECT
	    ? mule_fail_code(gpg_err_code(err)) : err;

	mule_error_save(&rec);
	if (rec.err == err) {
		rec.err = op;
		mule_error_restore(&rec);
	}
	return op;
}

/* Take in one item; runs side by side with the others. */
static gpg_error_t
take_in(void *arg, size_t k)
{
	struct get_jobs *g = arg;
	struct run *r = g->r;
	struct job *j = &g->jobs[k];
	struct mule_journal_record rec;
	const struct mule_journal_record *found;
	struct mule_envelope env;
	char reason[1100];
	gpg_error_t err, rerr;
	int replay = 0, skip = 0, copy;

	mule_test_pause("stick-get-before-item");
	if (!j->item.complete) {
		/* Whether a put is at work is looked at before the parts are
		 * looked at again: one that ends in between leaves the item
		 * whole. */
		int busy = mule_output_busy_at(j->fd);

		mule_stick_item_refresh(j->fd, &j->item);
		if (!j->item.complete)
			return incomplete(r, j, busy);
	}
	if (r->o->open.max_size && j->item.size > r->o->open.max_size) {
		mule_warn("%s/%s: larger than --max-size, skipped", j->rel,
		    j->item.cid);
		return 0;
	}
	mule_parallel_lock();
	found = mule_journal_find_cid(r->journal, j->item.cid);
	copy = found && copy_to_check(r, j->folder_fpr, j->item.cid);
	if (found && !copy) {
		rec = *found;
		err = known(r, j->fd, j->folder, j->folder_fpr, &j->item, &rec,
		    0);
		mule_parallel_unlock();
		return err;
	}
	mule_parallel_unlock();
	memset(&env, 0, sizeof env);
	err = deliver(r, j->fd, j->folder, j->folder_fpr, &j->item, copy,
	    &replay, &skip, &env);
	rerr = err;
	if (skip) {
		mule_error_clear();
		return 0;
	}
	if (readers_trouble(err))
		err = as_operational(err);
	if (err && gpg_err_source(err) == MULE_SOURCE_REJECT) {
		reason_of(err, reason, sizeof reason);
		mule_parallel_lock();
		err = add_report(r, replay ? MULE_REPORT_REPLAY
		    : MULE_REPORT_REJECTED, replay ? env.sender : NULL,
		    replay ? env.id : NULL, j->item.cid, reason);
		/* Not for my key (a missing smartcard?), or for a newer
		 * mule: it stays. */
		if (!err && gpg_err_code(rerr) != GPG_ERR_NO_SECKEY
		    && gpg_err_code(rerr) != GPG_ERR_UNKNOWN_VERSION)
			err = reject_aside(r, j->fd, j->folder,
			    j->folder_fpr, &j->item, 0, reason);
		mule_parallel_unlock();
	}
	return err && gpg_err_source(err) != MULE_SOURCE_REJECT
	    ? name_item(err, j) : err;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Numbers missing between what was delivered before and the highest
 * delivered now. */
static gpg_error_t
report_gaps(struct run *r)
{
	char reason[128];
	gpg_error_t err = 0;
	size_t i, k;
	uint64_t expect;

	for (i = 0; !err && i < r->nflows; i++) {
		struct flow *f = &r->flows[i];

		qsort(f->seqs, f->nseqs, sizeof *f->seqs, cmp_u64);
		expect = f->before + 1;
		for (k = 0; !err && k < f->nseqs; k++) {
			if (f->seqs[k] < expect)
				continue;
			if (f->seqs[k] > expect) {
				struct mule_report rp;
				const char *me = f->me;

				if (f->seqs[k] - 1 == expect)
					snprintf(reason, sizeof reason,
					    "missing sequence %" PRIu64, expect);
				else
					snprintf(reason, sizeof reason,
					    "missing sequence %" PRIu64 "..%"
					    PRIu64, expect, f->seqs[k] - 1);
				memset(&rp, 0, sizeof rp);
				rp.status = MULE_REPORT_GAP;
				rp.sender = f->sender;
				rp.recipients = &me;
				rp.nrecipients = 1;
				rp.reason = reason;
				rp.gap_from = expect;
				rp.gap_to = f->seqs[k] - 1;
				err = report(r, &rp);
			}
			expect = f->seqs[k] + 1;
		}
	}
	return err;
}

static gpg_error_t
send_receipts(struct run *r)
{
	struct mule_stick_route route;
	char recipient[41], id[33], cid[65];
	gpg_error_t err = 0;
	char *text;
	size_t i, k, len;

	for (i = 0; !err && i < r->nflows; i++) {
		struct flow *f = &r->flows[i];

		if (!f->nids)
			continue;
		text = malloc(f->nids * 33 + 1);
		if (!text)
			return gpg_error_from_syserror();
		for (k = 0, len = 0; k < f->nids; k++, len += 33)
			snprintf(text + len, 34, "%s\n", f->ids[k]);
		memset(&route, 0, sizeof route);
		memcpy(route.sender, f->me, 41);
		memcpy(recipient, f->sender, 41);
		route.recipients = &recipient;
		route.nrecipients = 1;
		route.state_dir = r->o->state_dir;
		route.quiet = r->o->quiet;
		err = mule_stick_route_prepare(r->stick, &route);
		if (!err)
			err = mule_stick_put_receipt(r->gopts, r->stick, &route,
			    text, len, id, cid);
		if (!err)
			err = mule_stick_route_sync(r->stick, &route);
		free(text);
		/* "sender" is whom the receipt goes to: the items' sender. */
		if (!err) {
			struct mule_report rp;
			const char *me = f->me;

			memset(&rp, 0, sizeof rp);
			rp.status = MULE_REPORT_RECEIPT;
			rp.sender = f->sender;
			rp.recipients = &me;
			rp.nrecipients = 1;
			rp.id = id;
			rp.cid = cid;
			rp.kind = "receipt";
			rp.items = f->nids;
			err = report(r, &rp);
		}
	}
	return err;
}

/* Add KEY, one of my secret keys, to R: its primary fingerprint, its
 * subkeys, and its newest encryption subkey. */
static gpg_error_t
add_mine(struct run *r, gpgme_key_t key)
{
	char (*mine)[41];
	struct my_newest *newest;
	struct my_subkey *subs;
	gpgme_subkey_t sk, best;

	mine = realloc(r->mine, (r->nmine + 1) * sizeof *mine);
	if (mine)
		r->mine = mine;
	newest = realloc(r->newest, (r->nmine + 1) * sizeof *newest);
	if (newest)
		r->newest = newest;
	if (!mine || !newest)
		return gpg_error_from_syserror();
	memcpy(mine[r->nmine], key->fpr, 41);
	memset(&newest[r->nmine], 0, sizeof *newest);
	best = mule_key_encryption_subkey(key);
	if (best && best->fpr && strlen(best->fpr) == 40) {
		memcpy(newest[r->nmine].fpr, best->fpr, 41);
		newest[r->nmine].timestamp = best->timestamp;
	}
	for (sk = key->subkeys; sk; sk = sk->next) {
		if (!sk->fpr || strlen(sk->fpr) != 40)
			continue;
		subs = realloc(r->subs, (r->nsubs + 1) * sizeof *subs);
		if (!subs)
			return gpg_error_from_syserror();
		r->subs = subs;
		memcpy(subs[r->nsubs].fpr, sk->fpr, 41);
		subs[r->nsubs].key = r->nmine;
		subs[r->nsubs++].timestamp = sk->timestamp;
	}
	r->nmine++;
	return 0;
}

/* My secret keys, into R. */
static gpg_error_t
my_keys(gpgme_ctx_t ctx, struct run *r)
{
	gpgme_key_t key;
	gpg_error_t err, aerr = 0;

	/* To the end of the listing, even after an error: GPGME leaks a
	 * key it has queued when a listing is ended early. */
	err = gpgme_op_keylist_start(ctx, NULL, 1);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &key))) {
		if (!aerr && key->fpr && strlen(key->fpr) == 40)
			aerr = add_mine(r, key);
		gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) != GPG_ERR_EOF)
		return mule_error_set(err, NULL, "listing secret keys: %s",
		    gpg_strerror(err));
	/* gpg lists none when gpg-agent cannot be reached: never a quiet
	 * run that leaves every item where it is. */
	if (!aerr && !r->nmine)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
		    "gpg -K lists your secret keys; is gpg-agent running?",
		    "no secret key: nothing on the stick can be for you");
	return aerr;
}

gpg_error_t
mule_stick_get(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_get_opts *o, int *rejected)
{
	struct run r;
	struct get_jobs jobs = { NULL, NULL };
	gpgme_ctx_t ctx = NULL;
	char *journal = NULL, *state = NULL, rel[64];
	gpg_error_t err;
	size_t i, k, njobs = 0;

	memset(&r, 0, sizeof r);
	r.gopts = gopts;
	r.stick = s;
	r.o = o;
	{
		struct stat st;

		if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return mule_error_set(mule_fail_code(GPG_ERR_ENOTDIR),
			    NULL, "-C %s: not a directory", o->dir);
	}
	/* What a killed run left in DIR: staging directories. */
	mule_output_clean_stale(o->dir);
	err = mule_reporter_new(&r.rep, gopts, o->json, 0);
	if (!err)
		mule_reporter_progress(r.rep, "getting", o->quiet, 0);
	if (!err)
		err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = my_keys(ctx, &r);
	gpgme_release(ctx);
	if (!err)
		err = mule_stick_updates_new(&r.updates, gopts);
	if (!err)
		mule_stick_updates_names(r.updates, mule_reporter_names(r.rep));
	/* The journal's, and the record of the subkeys peers seal to. */
	if (!err)
		err = o->state_dir ? 0 : mule_state_dir(&state);
	r.state_dir = o->state_dir ? o->state_dir : state;
	if (!err && !o->journal && asprintf(&journal, "%s/journal",
	    r.state_dir) < 0) {
		journal = NULL;
		err = gpg_error_from_syserror();
	}
	if (!err)
		err = mule_journal_open(&r.journal, o->journal ? o->journal
		    : journal);
	for (i = 0; !err && i < r.nmine; i++) {
		snprintf(rel, sizeof rel, "to/%s", r.mine[i]);
		err = collect(&r, rel, r.mine[i], &jobs.jobs, &njobs);
	}
	if (!err)
		err = collect(&r, "to/" MULE_STICK_ANYONE, NULL, &jobs.jobs,
		    &njobs);
	jobs.r = &r;
	if (!err)
		err = mule_parallel_run(njobs, take_in, &jobs);
	if (!err)
		err = report_gaps(&r);
	if (!err && o->receipts)
		err = send_receipts(&r);
	/* The report is the result: if it could not be written, say so. */
	if (r.rep) {
		gpg_error_t ferr = mule_reporter_finish(r.rep);

		if (!err)
			err = ferr;
	}
	mule_reporter_free(r.rep);
	*rejected = r.rejected;
	for (i = 0; i < r.nflows; i++) {
		for (k = 0; k < r.flows[i].nids; k++)
			free(r.flows[i].ids[k]);
		free(r.flows[i].ids);
		free(r.flows[i].seqs);
	}
	free(r.flows);
	free(r.mine);
	free(r.newest);
	free(r.subs);
	free(r.warned);
	mule_stick_updates_free(r.updates);
	for (i = 0; i < njobs; i++)
		free(jobs.jobs[i].folder);
	free(jobs.jobs);
	for (i = 0; i < r.nfds; i++)
		close(r.fds[i]);
	free(r.fds);
	mule_journal_close(r.journal);
	free(journal);
	free(state);
	return err;
}
