/* SPDX-License-Identifier: GPL-3.0-or-later */
/* put.c - mule-stick put: seal items onto a stick. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "stick/journal.h"
#include "stick/put.h"
#include "stick/report.h"
#include "stick/space.h"
#include "stick/update.h"
#include "tar/bundle.h"
#include "tar/parts.h"

static gpg_error_t
primary_of(gpgme_ctx_t ctx, const char *fpr, int secret, char out[41])
{
	gpgme_key_t key = NULL;
	gpg_error_t err = gpgme_get_key(ctx, fpr, &key, secret);

	if (err || !key->fpr || strlen(key->fpr) != 40) {
		gpgme_key_unref(key);
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY), NULL,
		    "key %s: not in the keyring", fpr);
	}
	memcpy(out, key->fpr, 41);
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
		if (!err)
			memcpy(r->sender, key->fpr, 41);
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
		if (!(err = primary_of(ctx, line, 0, fpr)))
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
};

static gpg_error_t
hashing_write(void *arg, const void *buf, size_t n)
{
	struct hashing *h = arg;

	gcry_md_write(h->md, buf, n);
	h->bytes += n;
	/* A full stick is said as such while the item is still there (a
	 * local folder, the outbox, has its own words). */
	if (!h->stick)
		return h->write(h->arg, buf, n);
	return mule_stick_space_explain(h->stick, h->write(h->arg, buf, n));
}

/* Copy NAME from folder FROM (FROM_PATH) into a temporary for NAME in
 * folder TO (TO_PATH), to be committed by the caller.  Both folders are
 * held open: nothing is looked up by path. */
static gpg_error_t
copy_open(int from, const char *from_path, int to, const char *to_path,
    const char *name, struct mule_output **out)
{
	unsigned char buf[65536];
	gpg_error_t err;
	ssize_t n;
	int fd;

	*out = NULL;
	fd = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	err = fd < 0 ? mule_error_set(gpg_error_from_syserror(), NULL,
	    "%s/%s: %s", from_path, name, strerror(errno))
	    : mule_output_open_at(out, to, to_path, name, MULE_OUTPUT_FORCE
	    | MULE_OUTPUT_BATCH);
	while (!err && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		err = n < 0 ? gpg_error_from_syserror()
		    : mule_output_write(*out, buf, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		mule_output_free(*out);
		*out = NULL;
	}
	return err;
}

/* Copy part K of item CID (0: not split) from folder FROM into TO, as a
 * temporary; *OUT to be committed. */
static gpg_error_t
copy_part(int from, const char *from_path, int to, const char *to_path,
    const char *cid, size_t k, struct mule_output **out)
{
	char name[80];
	int len;

	if (k)
		len = snprintf(name, sizeof name, "%s.gpg.%03zu", cid, k);
	else
		len = snprintf(name, sizeof name, "%s.gpg", cid);
	if (len < 0 || (size_t)len >= sizeof name)
		return gpg_error(GPG_ERR_INV_NAME);
	return copy_open(from, from_path, to, to_path, name, out);
}

/* The other recipients' folders get a copy of what the first one got.
 * The first part is written first and renamed into place last, as put
 * itself does: until then a reader sees, beside the other parts, the
 * temporary of a running put, not an item with its first part missing. */
static gpg_error_t
copy_to_others(const struct mule_stick *s, const struct mule_stick_route *r,
    int fd, const char *folder, const char *cid, size_t nparts)
{
	struct mule_output *first = NULL, *out = NULL;
	char *other = NULL, rel[64];
	gpg_error_t err = 0;
	size_t i, k;
	int ofd = -1;

	for (i = 1; !err && i < r->nrecipients; i++) {
		snprintf(rel, sizeof rel, "to/%s", r->recipients[i]);
		err = mule_stick_folder(s, rel, 1, &ofd, &other);
		if (!err)
			err = copy_part(fd, folder, ofd, other, cid, nparts ? 1
			    : 0, &first);
		for (k = nparts; !err && k >= 2; k--) {
			err = copy_part(fd, folder, ofd, other, cid, k, &out);
			if (!err)
				err = mule_output_commit(out);
			mule_output_free(out);
			out = NULL;
		}
		if (!err)
			err = mule_output_commit(first);
		mule_output_free(first);
		first = NULL;
		if (ofd >= 0)
			close(ofd);
		ofd = -1;
		free(other);
		other = NULL;
	}
	return err;
}

/* Take ITEM back from every folder of R it may be in (best effort: a
 * part already gone is no error). */
static void
undo_item(const struct mule_stick *s, const struct mule_stick_route *r,
    const char *cid, size_t nparts)
{
	struct mule_error_record why;	/* the failure's, kept */
	struct mule_stick_item item;
	char rel[64], *folder = NULL;
	size_t i;
	int fd;

	mule_error_save(&why);
	memset(&item, 0, sizeof item);
	memcpy(item.cid, cid, 65);
	item.nparts = (unsigned)nparts;
	for (i = 0; i < (r->hide_recipients ? 1 : r->nrecipients); i++) {
		snprintf(rel, sizeof rel, "to/%s", r->hide_recipients
		    ? MULE_STICK_ANYONE : r->recipients[i]);
		if (mule_stick_folder(s, rel, 0, &fd, &folder) == 0
		    && fd >= 0) {
			(void)mule_stick_item_remove(fd, folder, &item);
			close(fd);
		}
		free(folder);
		folder = NULL;
	}
	mule_error_restore(&why);
}

/* Where store() puts an item: in the recipients' folders on STICK, or,
 * with STICK NULL, sealed into the local folder FD (FOLDER, for
 * messages) as CID.gpg, uncommitted: OUT, for the caller to commit. */
struct dest {
	const struct mule_stick *stick;
	int fd;
	const char *folder;
	struct mule_output *out;	/* out, without STICK */
};

/* Seal TAR for R into folder FD (FOLDER) of stick S (NULL: a local
 * folder), in parts of R->split if SPLIT_IT, under a temporary name that
 * becomes CID.gpg (CID.gpg.001 ...) at the commit, which is left to the
 * caller: *OUTP or *SPLITP. */
static gpg_error_t
seal_into(const struct mule_gpg_opts *gopts, const struct mule_stick *s,
    const struct mule_stick_route *r, struct mule_tarout_opts *tar,
    const struct mule_envelope *env, int fd, const char *folder,
    int split_it, struct mule_output **outp, struct mule_split **splitp,
    char cid[65], uint64_t *size)
{
	struct mule_gpg_opts g = *gopts;
	struct mule_seal_opts seal;
	struct mule_output *out = NULL;
	struct mule_split *split = NULL;
	struct hashing h = { NULL, NULL, NULL, 0, s };
	const char **recps = NULL;
	struct mule_keyfile **kfs = NULL;
	char name[80];
	gpg_error_t err;
	size_t i;

	memset(&seal, 0, sizeof seal);
	g.armor = 0;
	snprintf(name, sizeof name, "pending-%s.gpg", env->id);
	err = gcry_md_open(&h.md, GCRY_MD_SHA256, 0);
	if (!err && split_it) {
		err = mule_split_open_at(&split, fd, folder, name, r->split, 0);
		h.write = mule_split_write;
		h.arg = split;
	} else if (!err) {
		/* The folder is tidied once before and fsync'ed once after
		 * all items (mule_stick_route_prepare, _sync). */
		err = mule_output_open_at(&out, fd, folder, name,
		    MULE_OUTPUT_BATCH);
		h.write = mule_output_write;
		h.arg = out;
	}
	recps = calloc(r->nrecipients, sizeof *recps);
	kfs = calloc(r->nrecipients, sizeof *kfs);
	if (!err && (!recps || !kfs))
		err = gpg_error_from_syserror();
	if (err) {
		err = s ? mule_stick_space_explain(s, err) : err;
		goto leave;
	}
	/* A key from a file (-R) is sealed to as read then, never looked
	 * up in the keyring. */
	for (i = 0; i < r->nrecipients; i++) {
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
	err = mule_bundle_seal(&g, &seal, tar, hashing_write, &h);
	if (err)
		goto leave;
	mule_hex_encode(cid, gcry_md_read(h.md, GCRY_MD_SHA256), 32);
	snprintf(name, sizeof name, "%s.gpg", cid);
	err = split ? mule_split_retarget(split, name)
	    : mule_output_retarget(out, name);
	*size = h.bytes;
leave:
	gcry_md_close(h.md);
	free(recps);
	free(kfs);
	if (err) {
		mule_split_free(split);
		mule_output_free(out);
		split = NULL;
		out = NULL;
	}
	*outp = out;
	*splitp = split;
	return err;
}

static gpg_error_t
store(const struct mule_gpg_opts *gopts, struct dest *d,
    const struct mule_stick_route *r, struct mule_tarout_opts *tar,
    const struct mule_envelope *env, char out_cid[65], size_t *out_nparts,
    uint64_t *out_size)
{
	const struct mule_stick *s = d->stick;
	struct mule_output *out = NULL;
	struct mule_split *split = NULL;
	char *folder = NULL, rel[64], cid[65];
	uint64_t size = 0;
	gpg_error_t err;
	size_t nparts = 0;
	int fd = -1;

	if (!s) {
		/* A local folder (the outbox): one file, uncommitted. */
		err = seal_into(gopts, NULL, r, tar, env, d->fd, d->folder, 0,
		    &d->out, &split, cid, &size);
		if (!err) {
			memcpy(out_cid, cid, 65);
			*out_nparts = 0;
			*out_size = size;
		}
		return err;
	}
	snprintf(rel, sizeof rel, "to/%s", r->hide_recipients
	    ? MULE_STICK_ANYONE : r->recipients[0]);
	/* The folder is opened once: the item is written, renamed and
	 * copied from there, whatever becomes of its path meanwhile. */
	err = mule_stick_folder(s, rel, 1, &fd, &folder);
	mule_test_pause("stick-put-after-open");
	if (err)
		err = mule_stick_space_explain(s, err);
	else
		err = seal_into(gopts, s, r, tar, env, fd, folder,
		    r->split != 0, &out, &split, cid, &size);
	if (err)
		goto leave;
	if (split) {
		nparts = mule_split_count(split);
		err = mule_split_commit(split);
	} else
		err = mule_output_commit(out);
	err = mule_stick_space_explain(s, err);
	if (!err && !r->hide_recipients
	    && (err = copy_to_others(s, r, fd, folder, cid, nparts))) {
		/* Said before the copies are taken back, which frees room. */
		err = mule_stick_space_explain(s, err);
		undo_item(s, r, cid, nparts);	/* in every folder, or none */
	}
	if (!err) {
		memcpy(out_cid, cid, 65);
		*out_nparts = nparts;
		*out_size = size;
	}
leave:
	mule_split_free(split);
	mule_output_free(out);
	if (fd >= 0)
		close(fd);
	free(folder);
	return err;
}

/* Number the item for every recipient and write its envelope. */
gpg_error_t
mule_stick_route_number(struct mule_stick_route *r, size_t n, uint64_t *seqs)
{
	gpg_error_t err;
	char *dir = NULL;

	if (r->nrecipients > MULE_ENVELOPE_MAX_RECIPIENTS)
		return mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE), NULL,
		    "at most %d recipients", MULE_ENVELOPE_MAX_RECIPIENTS);
	if (!r->state_dir && (err = mule_state_dir(&dir)))
		return err;
	err = mule_sequence_next(r->state_dir ? r->state_dir : dir, r->sender,
	    r->recipients, r->nrecipients, seqs, n);
	free(dir);
	if (!err)
		r->seqs = seqs;
	return err;
}

static gpg_error_t
envelope_for(const struct mule_stick_route *r, size_t index,
    enum mule_item_kind kind, struct mule_envelope *env,
    struct mule_membuf *text)
{
	uint64_t seqs[MULE_ENVELOPE_MAX_RECIPIENTS];
	struct mule_stick_route one = *r;
	char *s;
	size_t i, len;
	gpg_error_t err;

	memset(env, 0, sizeof *env);
	if (!r->seqs) {
		err = mule_stick_route_number(&one, 1, seqs);
		if (err)
			return err;
		index = 0;
	}
	for (i = 0; i < r->nrecipients; i++)
		seqs[i] = (r->seqs ? r->seqs[i] : seqs[i]) + index;
	mule_envelope_new_id(env->id);
	env->version = MULE_ENVELOPE_VERSION;
	env->kind = kind;
	memcpy(env->sender, r->sender, 41);
	for (i = 0; i < r->nrecipients; i++) {
		memcpy(env->recipients[i].fpr, r->recipients[i], 41);
		env->recipients[i].seq = seqs[i];
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
		tar.paths = paths;
		tar.npaths = 1;
		err = mule_tarout_check(&tar);
		if (err)
			return err;
	} else {
		/* A message: its size goes in the header before its bytes. */
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
		err = shown ? store(gopts, d, r, &tar, &env, stored->cid,
		    &stored->nparts, &stored->size) : gpg_error_from_syserror();
	}
	if (!err) {
		memcpy(stored->id, env.id, 33);
		stored->kind = mule_item_kind_name(env.kind);
		stored->name = shown;
		stored->done = 1;
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
	struct dest d;
	gpg_error_t err;
	size_t nparts;
	uint64_t size;

	memset(&tar, 0, sizeof tar);
	memset(&receipt, 0, sizeof receipt);
	memset(&own, 0, sizeof own);
	tar.quiet = 1;
	err = envelope_for(r, 0, MULE_ITEM_RECEIPT, &env, &text);
	if (err)
		return err;
	receipt.p = (unsigned char *)(uintptr_t)body;
	receipt.len = len;
	err = head_entries(gopts, r, &text, &own, &cert, extras);
	extras[2].name = "receipt.txt";
	extras[2].size = len;
	extras[2].read = mule_membuf_read;
	extras[2].arg = &receipt;
	tar.extras = extras;
	tar.nextras = 3;
	memset(&d, 0, sizeof d);
	d.stick = s;
	d.fd = -1;
	if (!err)
		err = store(gopts, &d, r, &tar, &env, cid, &nparts, &size);
	memcpy(id, env.id, 33);
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
    const struct mule_stick_route *r)
{
	return each_folder(s, r, tidy);
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
	if (stored->done)
		undo_item(s, r, stored->cid, stored->nparts);
	stored->done = 0;
}
