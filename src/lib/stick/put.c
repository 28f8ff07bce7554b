/* SPDX-License-Identifier: GPL-3.0-or-later */
/* put.c - mule-stick put: seal items onto a stick. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/hold.h"
#include "core/output.h"
#include "core/tempname.h"
#include "core/testhook.h"
#include "core/text.h"
#include "pgp/data.h"
#include "pgp/defkey.h"
#include "pgp/gpg.h"
#include "pgp/keyfile.h"
#include "pgp/keys.h"
#include "stick/folder.h"
#include "stick/place.h"
#include "stick/names.h"
#include "stick/put.h"
#include "stick/report.h"
#include "stick/space.h"
#include "stick/sequence.h"
#include "stick/update.h"
#include "tar/bundle.h"
#include "tar/parts.h"

/* The primary fingerprint of the key FPR names, into OUT; NAMES learns
 * its user ID (the report names it without another gpg run). */
static gpg_error_t
primary_of(gpgme_ctx_t ctx, const char *fpr, struct mule_stick_names *names,
    char out[41])
{
	gpgme_key_t key = NULL;
	gpg_error_t err = mule_key_get(ctx, fpr, 0, &key);

	if (err || !key->fpr || strlen(key->fpr) != 40) {
		gpgme_key_unref(key);
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY), NULL,
		    "key %s: not in the keyring", fpr);
	}
	memcpy(out, key->fpr, 41);
	mule_stick_names_learn(names, key);
	gpgme_key_unref(key);
	return 0;
}

/* Add FPR (with the key file KF it came from, or NULL) to R's
 * recipients, once; a duplicate's KF is freed. */
static void
add_recipient(struct mule_stick_route *r, const char *fpr,
    struct mule_keyfile *kf)
{
	size_t i;

	for (i = 0; i < r->nrecipients; i++)
		if (!strcmp(r->recipients[i], fpr)) {
			mule_keyfile_free(kf);
			return;
		}
	memcpy(r->recipients[r->nrecipients], fpr, 41);
	r->keyfiles[r->nrecipients++] = kf;
}

gpg_error_t
mule_stick_route_resolve(gpgme_ctx_t ctx, const char *signer,
    const char *const *names, size_t nnames, const char *const *files,
    size_t nfiles, struct mule_stick_route *r)
{
	char *recp = NULL, *line, *save = NULL, fpr[41];
	struct mule_keyfile *kf;
	gpg_error_t err;
	size_t i;

	if (signer) {
		gpgme_key_t key;

		err = mule_signer_use(ctx, signer);
		key = err ? NULL : gpgme_signers_enum(ctx, 0);
		if (!err && (!key || !key->fpr || strlen(key->fpr) != 40))
			err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
			    NULL, "signing key %s: not found", signer);
		if (!err) {
			memcpy(r->sender, key->fpr, 41);
			mule_stick_names_learn(r->names, key);
		}
		gpgme_key_unref(key);
	} else
		err = mule_signer_default(ctx, "name the signing key with -u",
		    r->sender);
	if (!err)
		err = mule_recipients_resolve(ctx, names, nnames, NULL, 0, &recp);
	if (!err) {
		r->recipients = calloc(nnames + nfiles + 1,
		    sizeof *r->recipients);
		r->keyfiles = calloc(nnames + nfiles + 1, sizeof *r->keyfiles);
		if (!r->recipients || !r->keyfiles)
			err = gpg_error_from_syserror();
	}
	for (line = recp ? strtok_r(recp, "\n", &save) : NULL; !err && line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (!(err = primary_of(ctx, line, r->names, fpr)))
			add_recipient(r, fpr, NULL);
	}
	for (i = 0; !err && i < nfiles; i++)
		if (!(err = mule_keyfile_open(ctx, files[i], &kf)))
			add_recipient(r, mule_keyfile_fpr(kf), kf);
	free(recp);
	return err;
}

void
mule_stick_route_release(struct mule_stick_route *r)
{
	size_t i;

	for (i = 0; r->keyfiles && i < r->nrecipients; i++)
		mule_keyfile_free(r->keyfiles[i]);
	free(r->keyfiles);
	mule_sequence_close(r->seq);
	r->seq = NULL;
	free(r->recipients);
	r->keyfiles = NULL;
	r->recipients = NULL;
	r->nrecipients = 0;
}

/* The bytes of the item on their way to the stick, hashed for its name. */
struct hashing {
	mule_write_fn write;
	void *arg;
	gcry_md_hd_t md;
	uint64_t bytes;
	const struct mule_stick *stick;
	const char *folder;	/* where the item is written */
};

static gpg_error_t
hashing_write(void *arg, const void *buf, size_t n)
{
	struct hashing *h = arg;
	gpg_error_t err;

	gcry_md_write(h->md, buf, n);
	h->bytes += n;
	err = h->write(h->arg, buf, n);
	if (!err || gpg_err_source(err) == MULE_SOURCE_MULE)
		return err;
	/* The file's name is a temporary one, gone after the failure:
	 * the folder is named.  A full stick is said as such while the
	 * item is still there (a local folder, the outbox, has its own
	 * words). */
	mule_error_clear();
	mule_error_set(err, h->stick ? NULL : "free some space, and queue "
	    "it again", "writing into %s: %s", h->folder, gpg_strerror(err));
	return h->stick ? mule_stick_space_explain(h->stick, err) : err;
}

/* Record the numbers of the item CID (its envelope ENV) for recipients
 * FIRST to FIRST + N - 1 of R as pending at R's location, the first
 * MARKED of them with MARK, the others with none yet. */
static gpg_error_t
note_pending(const struct mule_stick_route *r,
    const struct mule_envelope *env, const char *cid, size_t first,
    size_t n, const char *mark, size_t marked)
{
	uint64_t seqs[MULE_ENVELOPE_MAX_RECIPIENTS];
	const char *marks[MULE_ENVELOPE_MAX_RECIPIENTS];
	size_t i;

	if (!r->seq || !r->location[0] || first + n > r->nrecipients
	    || n > MULE_ENVELOPE_MAX_RECIPIENTS)
		return gpg_error(GPG_ERR_INTERNAL);
	for (i = 0; i < n; i++) {
		seqs[i] = env->recipients[first + i].seq;
		marks[i] = i < marked ? mark : NULL;
	}
	return mule_sequence_pending(r->seq, r->sender, cid, r->location,
	    r->recipients + first, seqs, marks, n);
}

/* A copy for recipient K of R is about to be renamed into place. */
struct copy_note {
	const struct mule_stick_route *r;
	const struct mule_envelope *env;
	const char *cid;
	size_t k;
};

static gpg_error_t
before_copy(void *arg, const char *mark)
{
	struct copy_note *c = arg;
	gpg_error_t err;

	mule_test_pause("stick-put-copying");
	err = note_pending(c->r, c->env, c->cid, c->k, 1, mark, 1);
	mule_test_pause("stick-put-copy-after-pending");
	return err;
}

/* The other recipients' folders get a copy of what the first one got
 * (folder FD, FOLDER), each numbered as pending first; *DONE counts the
 * folders the item is in place in, the first one's among them. */
static gpg_error_t
copy_to_others(const struct mule_stick *s, const struct mule_stick_route *r,
    const struct mule_envelope *env, int fd, const char *folder,
    const char *cid, size_t nparts, size_t *done)
{
	struct copy_note note = { r, env, cid, 0 };
	char *other = NULL, rel[64];
	gpg_error_t err = 0;
	size_t i;
	int ofd = -1;

	for (i = 1; !err && i < r->nrecipients; i++) {
		snprintf(rel, sizeof rel, "to/%s", r->recipients[i]);
		note.k = i;
		err = mule_stick_folder(s, rel, 1, &ofd, &other);
		if (!err)
			err = mule_stick_copy_item(fd, folder, ofd, other, cid,
			    nparts, before_copy, &note);
		if (!err)
			(*done)++;
		if (ofd >= 0)
			close(ofd);
		ofd = -1;
		free(other);
		other = NULL;
	}
	return err;
}

/* Is the temporary MARK still in folder FD? */
static int
mark_there(int fd, const char *mark)
{
	struct stat st;

	return fstatat(fd, mark, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode);
}

/* Remove the first file of item CID from folder FD ourselves: 1 if we
 * did, 0 if it was not there (someone took it), -1 on an error. */
static int
remove_first(int fd, const char *cid, size_t nparts)
{
	char name[80];
	struct stat st;

	snprintf(name, sizeof name, nparts ? "%s.gpg.001" : "%s.gpg", cid);
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (unlinkat(fd, name, 0) < 0)
		return errno == ENOENT ? 0 : -1;
	return 1;
}

/* Take item CID back from every folder of R (best effort: a part
 * already gone is no error).  1 if it was in place in the first DONE
 * folders, each, until we took it: nobody took it meanwhile. */
static int
undo_item(const struct mule_stick *s, const struct mule_stick_route *r,
    const char *cid, size_t nparts, size_t done)
{
	struct mule_error_record why;	/* the failure's, kept */
	struct mule_stick_item item;
	char rel[64], *folder = NULL;
	size_t i;
	int fd, ours = 1;

	mule_error_save(&why);
	memset(&item, 0, sizeof item);
	memcpy(item.cid, cid, 65);
	item.nparts = (unsigned)nparts;
	for (i = 0; i < (r->hide_recipients ? 1 : r->nrecipients); i++) {
		snprintf(rel, sizeof rel, "to/%s", r->hide_recipients
		    ? MULE_STICK_ANYONE : r->recipients[i]);
		fd = -1;
		if (mule_stick_folder(s, rel, 0, &fd, &folder) == 0
		    && fd >= 0) {
			if (i < done && remove_first(fd, cid, nparts) != 1)
				ours = 0;
			if (mule_stick_item_remove(fd, folder, &item))
				ours = 0;
			close(fd);
		} else if (i < done)
			ours = 0;
		free(folder);
		folder = NULL;
	}
	mule_error_restore(&why);
	return ours;
}

/* Seal into folder FD (FOLDER) of stick S, or of no stick (NULL: a
 * local folder, the outbox, where the item is one file whatever R
 * says), and name the item by its digest: *CID, and *OUT or *SPLIT
 * (parts) to be committed. */
static gpg_error_t
seal_item(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_route *r, struct mule_tarout_opts *tar,
    const struct mule_envelope *env, int fd, const char *folder,
    struct mule_output **out, struct mule_split **split, char cid[65],
    uint64_t *size)
{
	struct mule_gpg_opts g = *gopts;
	struct mule_seal_opts seal;
	struct hashing h = { NULL, NULL, NULL, 0, s, folder };
	const char **recps = NULL;
	struct mule_keyfile **kfs = NULL;
	char name[80];
	gpg_error_t err;
	size_t i;

	memset(&seal, 0, sizeof seal);
	g.armor = 0;
	snprintf(name, sizeof name, "pending-%s.gpg", env->id);
	err = gcry_md_open(&h.md, GCRY_MD_SHA256, 0);
	if (!err && r->split && s) {
		err = mule_split_open_at(split, fd, folder, name, r->split, 0);
		h.write = mule_split_write;
		h.arg = *split;
	} else if (!err) {
		/* The folder is tidied once before and fsync'ed once after
		 * all items (mule_stick_route_prepare, _sync). */
		err = mule_output_open_at(out, fd, folder, name,
		    MULE_OUTPUT_BATCH);
		h.write = mule_output_write;
		h.arg = *out;
	}
	recps = calloc(r->nrecipients, sizeof *recps);
	kfs = calloc(r->nrecipients, sizeof *kfs);
	if (!err && (!recps || !kfs))
		err = gpg_error_from_syserror();
	if (err && s)
		err = mule_stick_space_explain(s, err);
	/* A key from a file (-R) is sealed to as read then, never looked
	 * up in the keyring. */
	for (i = 0; !err && i < r->nrecipients; i++) {
		if (r->keyfiles && r->keyfiles[i])
			kfs[seal.nkeyfiles++] = r->keyfiles[i];
		else
			recps[seal.nrecipients++] = r->recipients[i];
	}
	seal.recipients = recps;
	seal.keyfiles = kfs;
	seal.signer = r->sender;
	seal.hide_recipients = r->hide_recipients;
	seal.compress = -1;
	seal.ctx = r->ctx;
	if (!err)
		err = mule_bundle_seal(&g, &seal, tar, hashing_write, &h);
	if (!err) {
		mule_hex_encode(cid, gcry_md_read(h.md, GCRY_MD_SHA256), 32);
		snprintf(name, sizeof name, "%s.gpg", cid);
		err = *split ? mule_split_retarget(*split, name)
		    : mule_output_retarget(*out, name);
	}
	if (!err)
		*size = h.bytes;
	gcry_md_close(h.md);
	free(recps);
	free(kfs);
	return err;
}

static gpg_error_t
store(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_route *r, struct mule_tarout_opts *tar,
    const struct mule_envelope *env, struct mule_stick_stored *stored)
{
	struct mule_output *out = NULL;
	struct mule_split *split = NULL;
	char *folder = NULL, rel[64], cid[65];
	const char *mark;
	gpg_error_t err;
	size_t nparts = 0, done = 0;
	int fd = -1;

	stored->where = MULE_STICK_NOWHERE;
	snprintf(rel, sizeof rel, "to/%s", r->hide_recipients
	    ? MULE_STICK_ANYONE : r->recipients[0]);
	/* The folder is opened once: the item is written, renamed and
	 * copied from there, whatever becomes of its path meanwhile. */
	err = mule_stick_folder(s, rel, 1, &fd, &folder);
	mule_test_pause("stick-put-after-open");
	if (!err)
		err = seal_item(gopts, s, r, tar, env, fd, folder, &out, &split,
		    cid, &stored->size);
	if (split)
		nparts = mule_split_count(split);
	/* Numbers pending before the item's first rename, all at once:
	 * with hidden recipients, all marked by the one file; else the
	 * first recipient's, the others' with no mark until their copy. */
	mark = err ? NULL : split ? mule_split_first_temp(split)
	    : mule_output_temp_name(out);
	if (!err && !mark)
		err = gpg_error(GPG_ERR_INTERNAL);
	/* The temporary is the proof that the item never got its name:
	 * interrupted by a signal, the put leaves it for the next one. */
	if (!err && split)
		mule_split_keep_first_on_signal(split);
	else if (!err)
		mule_output_keep_on_signal(out);
	if (!err)
		err = note_pending(r, env, cid, 0, r->nrecipients, mark,
		    r->hide_recipients ? r->nrecipients : 1);
	mule_test_pause("stick-put-after-pending");
	if (!err) {
		err = split ? mule_split_commit(split) : mule_output_commit(out);
		err = mule_stick_space_explain(s, err);
		/* A rename that failed did not happen if its temporary is
		 * still there; else (the stick went away?) the next put
		 * there tells. */
		if (err && !mark_there(fd, mark))
			stored->where = MULE_STICK_UNSURE;
		else if (!err)
			done = 1;
	}
	mule_test_pause("stick-put-after-rename");
	if (!err && !r->hide_recipients) {
		err = copy_to_others(s, r, env, fd, folder, cid, nparts, &done);
		/* Said before the copies are taken back, which frees room. */
		err = mule_stick_space_explain(s, err);
	}
	if (err && done)	/* in every folder, or none */
		stored->where = undo_item(s, r, cid, nparts, done)
		    ? MULE_STICK_NOWHERE : MULE_STICK_UNSURE;
	if (!err) {
		memcpy(stored->cid, cid, 65);
		stored->nparts = nparts;
		stored->where = MULE_STICK_IN_PLACE;
	}
	mule_split_free(split);
	mule_output_free(out);
	if (fd >= 0)
		close(fd);
	free(folder);
	return err;
}

gpg_error_t
mule_stick_route_number(struct mule_stick_route *r, size_t n, uint64_t *seqs)
{
	gpg_error_t err = 0;

	if (r->nrecipients > MULE_ENVELOPE_MAX_RECIPIENTS)
		return mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE), NULL,
		    "at most %d recipients", MULE_ENVELOPE_MAX_RECIPIENTS);
	if (!r->seq)
		err = mule_sequence_open(&r->seq, r->state_dir);
	if (!err)
		err = mule_sequence_take(r->seq, r->sender, r->recipients,
		    r->nrecipients, n, seqs);
	if (!err)
		r->seqs = seqs;
	return err;
}

gpg_error_t
mule_stick_route_settle(const struct mule_stick_route *r,
    const struct mule_stick_stored *stored, size_t n)
{
	enum mule_sequence_end *ends;
	gpg_error_t err;
	size_t i;

	if (!r->seq || !r->seqs || !n)
		return 0;
	ends = calloc(n, sizeof *ends);
	if (!ends)
		return gpg_error_from_syserror();
	for (i = 0; i < n; i++)
		ends[i] = stored[i].where == MULE_STICK_IN_PLACE
		    ? MULE_SEQUENCE_KEEP : stored[i].where == MULE_STICK_NOWHERE
		    ? MULE_SEQUENCE_GIVE_BACK : MULE_SEQUENCE_LEAVE;
	err = mule_sequence_settle(r->seq, r->sender, r->recipients,
	    r->nrecipients, r->seqs, ends, n);
	free(ends);
	return err;
}

/* The envelope of item INDEX of R's numbered batch, as TEXT. */
static gpg_error_t
envelope_for(const struct mule_stick_route *r, size_t index,
    enum mule_item_kind kind, struct mule_envelope *env,
    struct mule_membuf *text)
{
	char *s;
	size_t i, len;
	gpg_error_t err;

	memset(env, 0, sizeof *env);
	if (!r->seqs || r->nrecipients > MULE_ENVELOPE_MAX_RECIPIENTS)
		return gpg_error(GPG_ERR_INTERNAL);
	mule_envelope_new_id(env->id);
	env->version = MULE_ENVELOPE_VERSION;
	env->kind = kind;
	memcpy(env->sender, r->sender, 41);
	for (i = 0; i < r->nrecipients; i++) {
		memcpy(env->recipients[i].fpr, r->recipients[i], 41);
		env->recipients[i].seq = r->seqs[index * r->nrecipients + i];
	}
	env->nrecipients = r->nrecipients;
	env->created = (int64_t)time(NULL);
	err = mule_envelope_format(env, &s, &len);
	if (err)
		return err;
	memset(text, 0, sizeof *text);
	text->p = (unsigned char *)s;
	text->len = len;
	return 0;
}

/* The archive's first entries: the envelope TEXT, then the sender's
 * certificate, R's or exported into OWN; CERT is this item's reader of
 * it (items go side by side: each reads from its own offset). */
static gpg_error_t
head_entries(const struct mule_gpg_opts *gopts,
    const struct mule_stick_route *r, struct mule_membuf *text,
    struct mule_membuf *own, struct mule_membuf *cert,
    struct mule_tar_extra extras[2])
{
	gpg_error_t err = 0;

	if (!r->cert)
		err = mule_stick_cert_export(gopts, r->sender, own);
	if (err)
		return err;
	*cert = r->cert ? *r->cert : *own;
	cert->off = 0;
	extras[0].name = MULE_ENVELOPE_NAME;
	extras[0].size = text->len;
	extras[0].read = mule_membuf_read;
	extras[0].arg = text;
	extras[1].name = MULE_ENVELOPE_CERT_NAME;
	extras[1].size = cert->len;
	extras[1].read = mule_membuf_read;
	extras[1].arg = cert;
	return 0;
}

/* Where put_item() puts an item: in the recipients' folders on STICK,
 * or, with STICK NULL, sealed into the local folder FD (FOLDER, for
 * messages) as CID.gpg, not committed: OUT, for the caller to commit. */
struct dest {
	const struct mule_stick *stick;
	int fd;
	const char *folder;
	struct mule_output *out;	/* out, without STICK */
};

/* Seal an item into D's local folder as one file, left uncommitted. */
static gpg_error_t
seal_local(const struct mule_gpg_opts *gopts, struct dest *d,
    const struct mule_stick_route *r, struct mule_tarout_opts *tar,
    const struct mule_envelope *env, struct mule_stick_stored *stored)
{
	struct mule_split *split = NULL;
	gpg_error_t err;

	stored->where = MULE_STICK_NOWHERE;
	err = seal_item(gopts, NULL, r, tar, env, d->fd, d->folder, &d->out,
	    &split, stored->cid, &stored->size);
	stored->nparts = 0;
	if (err) {
		mule_output_free(d->out);
		d->out = NULL;
	}
	return err;
}

/* Seal ITEM for R and store it at D; what was stored in *STORED, and
 * when it was made in *CREATED. */
static gpg_error_t
put_item(const struct mule_gpg_opts *gopts, struct dest *d,
    const struct mule_stick_route *r, const char *item, size_t index,
    struct mule_stick_stored *stored, int64_t *created)
{
	struct mule_tar_extra extras[3];
	struct mule_tarout_opts tar;
	struct mule_envelope env;
	struct mule_membuf text, own, cert;
	struct mule_hold *hold = NULL;
	const char *paths[1] = { item };
	int is_stdin = !strcmp(item, "-");
	char *shown = NULL;
	gpg_error_t err;

	memset(&tar, 0, sizeof tar);
	memset(&text, 0, sizeof text);
	memset(&own, 0, sizeof own);
	tar.quiet = 1;
	if (!is_stdin) {
		/* The item's own entries' names are not the user's to take:
		 * checked against them before anything is numbered. */
		struct mule_tar_extra own_names[2];

		memset(own_names, 0, sizeof own_names);
		own_names[0].name = MULE_ENVELOPE_NAME;
		own_names[1].name = MULE_ENVELOPE_CERT_NAME;
		tar.paths = paths;
		tar.npaths = 1;
		tar.extras = own_names;
		tar.nextras = 2;
		err = mule_tarout_check(&tar);
		tar.extras = NULL;
		tar.nextras = 0;
		if (err)
			return err;
	} else {
		/* A message: its size goes in the header before its bytes. */
		mule_input_tty_note(0);
		err = mule_hold_new(&hold);
		if (!err)
			err = mule_hold_from_fd(hold, 0);
		if (!err)
			err = mule_hold_rewind(hold);
		if (err) {
			mule_hold_free(hold);
			return err;
		}
	}
	err = envelope_for(r, index, is_stdin ? MULE_ITEM_MESSAGE
	    : MULE_ITEM_FILES, &env, &text);
	if (!err)
		err = head_entries(gopts, r, &text, &own, &cert, extras);
	if (!err) {
		tar.extras = extras;
		tar.nextras = 2;
		if (is_stdin) {
			extras[2].name = "message.txt";
			extras[2].size = mule_hold_size(hold);
			extras[2].read = mule_hold_read;
			extras[2].arg = hold;
			tar.nextras = 3;
		}
		shown = strdup(is_stdin ? "(standard input)" : item);
		err = !shown ? gpg_error_from_syserror() : d->stick
		    ? store(gopts, d->stick, r, &tar, &env, stored)
		    : seal_local(gopts, d, r, &tar, &env, stored);
	}
	if (!err) {
		memcpy(stored->id, env.id, 33);
		stored->kind = mule_item_kind_name(env.kind);
		stored->name = shown;
		*created = env.created;
	} else
		free(shown);
	mule_membuf_release(&text);
	mule_membuf_release(&own);
	mule_hold_free(hold);
	return err;
}

gpg_error_t
mule_stick_put(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_route *r, const char *item, size_t index,
    struct mule_stick_stored *stored)
{
	struct dest d;
	int64_t created;

	memset(&d, 0, sizeof d);
	d.stick = s;
	d.fd = -1;
	return put_item(gopts, &d, r, item, index, stored, &created);
}

gpg_error_t
mule_stick_seal(const struct mule_gpg_opts *gopts,
    const struct mule_stick_route *r, const char *item, size_t index,
    int fd, const char *folder, struct mule_stick_sealed *sealed)
{
	struct mule_stick_stored stored;
	struct dest d;
	gpg_error_t err;

	memset(&d, 0, sizeof d);
	memset(&stored, 0, sizeof stored);
	memset(sealed, 0, sizeof *sealed);
	d.fd = fd;
	d.folder = folder;
	err = put_item(gopts, &d, r, item, index, &stored, &sealed->created);
	if (err)
		return err;
	memcpy(sealed->id, stored.id, 33);
	memcpy(sealed->cid, stored.cid, 65);
	sealed->name = stored.name;
	sealed->kind = stored.kind;
	sealed->size = stored.size;
	sealed->out = d.out;
	return 0;
}

void
mule_stick_sealed_release(struct mule_stick_sealed *sealed)
{
	mule_output_free(sealed->out);
	free(sealed->name);
	memset(sealed, 0, sizeof *sealed);
}

gpg_error_t
mule_stick_put_receipt(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_route *r,
    const char *body, size_t len, char id[33], char cid[65])
{
	struct mule_tar_extra extras[3];
	struct mule_tarout_opts tar;
	struct mule_envelope env;
	struct mule_membuf text, receipt, own, cert;
	struct mule_stick_route one = *r;
	struct mule_stick_stored stored;
	uint64_t seqs[MULE_ENVELOPE_MAX_RECIPIENTS];
	gpg_error_t err, e;

	memset(&tar, 0, sizeof tar);
	memset(&text, 0, sizeof text);
	memset(&receipt, 0, sizeof receipt);
	memset(&own, 0, sizeof own);
	memset(&stored, 0, sizeof stored);
	tar.quiet = 1;
	/* A run of its own: its number is settled here. */
	one.seq = NULL;
	err = mule_stick_route_number(&one, 1, seqs);
	if (!err)
		err = envelope_for(&one, 0, MULE_ITEM_RECEIPT, &env, &text);
	receipt.p = (unsigned char *)(uintptr_t)body;
	receipt.len = len;
	if (!err)
		err = head_entries(gopts, &one, &text, &own, &cert, extras);
	extras[2].name = "receipt.txt";
	extras[2].size = len;
	extras[2].read = mule_membuf_read;
	extras[2].arg = &receipt;
	tar.extras = extras;
	tar.nextras = 3;
	if (!err)
		err = store(gopts, s, &one, &tar, &env, &stored);
	e = mule_stick_route_settle(&one, &stored, 1);
	if (e && !err) {
		mule_warn("sequence numbers not settled (%s): the next put "
		    "settles them", gpg_strerror(e));
		mule_error_clear();
	}
	mule_sequence_close(one.seq);
	memcpy(id, env.id, 33);
	memcpy(cid, stored.cid, 65);
	mule_membuf_release(&text);
	mule_membuf_release(&own);
	return err;
}

/* Apply ONE to the folder of every recipient of R (or the shared one). */
static gpg_error_t
each_folder(const struct mule_stick *s, const struct mule_stick_route *r,
    gpg_error_t (*one)(int fd, const char *folder))
{
	char rel[64], *folder = NULL;
	gpg_error_t err = 0;
	size_t i;
	int fd;

	for (i = 0; !err && i < (r->hide_recipients ? 1 : r->nrecipients);
	    i++) {
		snprintf(rel, sizeof rel, "to/%s", r->hide_recipients
		    ? MULE_STICK_ANYONE : r->recipients[i]);
		err = mule_stick_folder(s, rel, 1, &fd, &folder);
		if (!err) {
			err = one(fd, folder);
			close(fd);
		}
		free(folder);
		folder = NULL;
	}
	return mule_stick_space_explain(s, err);
}

static gpg_error_t
tidy(int fd, const char *folder)
{
	(void)folder;
	mule_output_clean_stale_at(fd);
	return 0;
}

static gpg_error_t
sync_folder(int fd, const char *folder)
{
	if (mule_sync_dirfd(fd) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    folder, strerror(errno));
	return 0;
}

gpg_error_t
mule_stick_route_prepare(const struct mule_stick *s,
    struct mule_stick_route *r)
{
	struct mule_stick_prober prober = { s, r->state_dir, NULL };
	gpg_error_t err;

	/* What killed puts left is looked at before it is tidied away:
	 * their temporaries tell which of their items never got here,
	 * unless the sent record says they did. */
	err = mule_stick_location(s, r->location);
	if (!err)
		err = mule_sequence_reconcile(r->state_dir, r->location,
		    mule_stick_probe_sent, &prober);
	mule_stick_prober_release(&prober);
	if (!err)
		err = each_folder(s, r, tidy);
	return err;
}

gpg_error_t
mule_stick_route_sync(const struct mule_stick *s,
    const struct mule_stick_route *r)
{
	return each_folder(s, r, sync_folder);
}

gpg_error_t
mule_stick_put_report(struct mule_reporter *rep,
    const struct mule_stick_route *r, const struct mule_stick_stored *stored)
{
	const char *recps[MULE_ENVELOPE_MAX_RECIPIENTS];
	struct mule_report rp;
	size_t i;

	for (i = 0; i < r->nrecipients && i < MULE_ENVELOPE_MAX_RECIPIENTS;
	    i++)
		recps[i] = r->recipients[i];
	memset(&rp, 0, sizeof rp);
	rp.status = MULE_REPORT_PUT;
	rp.sender = r->sender;
	rp.recipients = recps;
	rp.nrecipients = i;
	rp.hidden = r->hide_recipients;
	rp.id = stored->id;
	rp.cid = stored->cid;
	rp.kind = stored->kind;
	rp.name = stored->name;
	rp.size = stored->size;
	rp.has_size = 1;
	rp.nparts = stored->nparts;
	return mule_report(rep, &rp);
}

void
mule_stick_put_undo(const struct mule_stick *s,
    const struct mule_stick_route *r, struct mule_stick_stored *stored)
{
	if (stored->where == MULE_STICK_IN_PLACE)
		stored->where = undo_item(s, r, stored->cid, stored->nparts,
		    r->hide_recipients ? 1 : r->nrecipients)
		    ? MULE_STICK_NOWHERE : MULE_STICK_UNSURE;
}
