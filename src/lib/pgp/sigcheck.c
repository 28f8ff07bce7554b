/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sigcheck.c - verify signed data, with the one policy. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/hold.h"
#include "core/output.h"
#include "pgp/armor.h"
#include "pgp/clearsig.h"
#include "pgp/data.h"
#include "pgp/gpg.h"
#include "pgp/grammar.h"
#include "pgp/keys.h"
#include "pgp/open.h"
#include "pgp/packet.h"
#include "pgp/pump.h"
#include "pgp/sigcheck.h"
#include "pgp/textout.h"

#define PEEK 4096

/* A verification run: the policy, the home it runs in, its status. */
struct run {
	struct mule_policy policy;
	struct mule_keyhome *home;
	gpgme_ctx_t ctx;
	struct mule_verify_status st;
};

static gpg_error_t
run_start(struct run *r, const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *o)
{
	struct mule_gpg_opts vopts = *gopts;
	gpg_error_t err;

	memset(r, 0, sizeof *r);
	err = mule_policy_build(gopts, &o->accept, &r->policy, &r->home);
	if (err)
		return err;
	r->policy.text_ok = o->text_ok;
	r->policy.offers_text = 1;
	/* With signer files, verify where only those keys (and the pinned
	 * ones) exist: nothing is imported into the user's keyring. */
	err = r->home ? mule_keyhome_ctx(r->home, &r->ctx)
	    : mule_gpg_ctx_new(&r->ctx, &vopts);
	if (!err && !r->home)
		err = gpgme_set_ctx_flag(r->ctx, "trust-model", "pgp");
	if (!err)
		err = mule_verify_status_attach_verify_only(r->ctx, &r->st);
	return err;
}

static void
run_end(struct run *r)
{
	gpgme_release(r->ctx);
	mule_keyhome_free(r->home);
	mule_policy_release(&r->policy);
	mule_verify_status_release(&r->st);
}

/* The signed input, as gpg gets it: a clear-signed block passed through
 * the structure check, or armour decoded or binary and passed through
 * the packet grammar; anything encrypted, a key, or text around the
 * block is refused. */
struct signed_input {
	struct mule_source raw, filtered, checked;
	struct mule_clearsig *clear;
	struct mule_dearmor *dearmor;
	struct mule_grammar *grammar;
	struct mule_source *src;
};

static gpg_error_t
check_first_packet(const unsigned char *buf, size_t len)
{
	switch (mule_packet_start(buf, len)) {
	case MULE_PACKET_UNENCRYPTED:
		return 0;
	case MULE_PACKET_ENCRYPTED:
	case MULE_PACKET_BARE_DATA:
		return mule_reject(GPG_ERR_NO_DATA, "open it with mule-open",
		    "the input is encrypted");
	case MULE_PACKET_KEY:
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the input is an OpenPGP key, not a signed message");
	default:
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the input is not a signed OpenPGP message");
	}
}

/* Binary packets (dearmoured or not) pass the grammar on their way to
 * gpg: exactly one signed message, literal data of at most MAX_SIZE. */
static gpg_error_t
check_grammar(struct signed_input *si, uint64_t max_size)
{
	gpg_error_t err;

	err = mule_grammar_new(&si->grammar, si->src, max_size);
	if (err)
		return err;
	si->checked.fd = -1;
	si->checked.read = mule_grammar_read;
	si->checked.arg = si->grammar;
	si->src = &si->checked;
	return 0;
}

static gpg_error_t
signed_input_init(struct signed_input *si, int fd, uint64_t max_size,
    struct mule_progress *progress)
{
	gpg_error_t err;

	memset(si, 0, sizeof *si);
	mule_source_init_fd(&si->raw, fd);
	si->raw.progress = progress;
	si->src = &si->raw;
	err = mule_source_peek(&si->raw, PEEK);
	if (err)
		return err;
	if (!si->raw.pre_len)
		return mule_reject(GPG_ERR_NO_DATA, NULL, "the input is empty");
	si->filtered.fd = -1;
	if (mule_clearsig_detect(si->raw.pre, si->raw.pre_len)) {
		err = mule_clearsig_new(&si->clear, &si->raw);
		si->filtered.read = mule_clearsig_read;
		si->filtered.arg = si->clear;
		si->src = &si->filtered;
		return err;
	}
	if (mule_dearmor_detect(si->raw.pre, si->raw.pre_len)) {
		err = mule_dearmor_new(&si->dearmor, &si->raw);
		if (err)
			return err;
		si->filtered.read = mule_dearmor_read;
		si->filtered.arg = si->dearmor;
		si->src = &si->filtered;
		err = mule_source_peek(&si->filtered, 64);
		if (!err)
			err = check_first_packet(si->filtered.pre,
			    si->filtered.pre_len);
		return err ? err : check_grammar(si, max_size);
	}
	if (!(si->raw.pre[0] & 0x80)) {
		static const char detached[] = "-----BEGIN PGP SIGNATURE-----";

		if (si->raw.pre_len >= sizeof detached - 1
		    && !memcmp(si->raw.pre, detached, sizeof detached - 1))
			return mule_reject(GPG_ERR_NO_DATA,
			    "give the signed file too, after the signature",
			    "the input is a detached signature");
		if (!memcmp(si->raw.pre, "-----BEGIN PGP ", si->raw.pre_len < 15
		    ? si->raw.pre_len : 15))
			return mule_reject(GPG_ERR_NO_DATA, NULL,
			    "the input is armoured, but not as a signed message "
			    "(a key?)");
		return mule_reject(GPG_ERR_NO_DATA, NULL, memmem(si->raw.pre,
		    si->raw.pre_len, "-----BEGIN PGP", 14)
		    ? "text before the signed message"
		    : "the input is not a signed OpenPGP message");
	}
	err = check_first_packet(si->raw.pre, si->raw.pre_len);
	return err ? err : check_grammar(si, max_size);
}

/* The clear-signed header must name the hash the signatures used. */
static gpg_error_t
check_hash_header(const struct signed_input *in, gpgme_verify_result_t res)
{
	gpgme_signature_t sig;
	const char *named;

	if (!in->clear)
		return 0;
	named = mule_clearsig_hash(in->clear);
	for (sig = res ? res->signatures : NULL; sig; sig = sig->next) {
		const char *used = gpgme_hash_algo_name(sig->hash_algo);

		/* Unknown when gpg could not read the signature at all; the
		 * policy then says what is wrong with it. */
		if (!sig->hash_algo || !used)
			continue;
		if (strcasecmp(named, used))
			return mule_reject(GPG_ERR_DIGEST_ALGO, NULL,
			    "the Hash: header says %s but the signature uses %s",
			    *named ? named : "nothing", used ? used : "?");
	}
	return 0;
}

static void
signed_input_release(struct signed_input *si)
{
	mule_clearsig_free(si->clear);
	mule_dearmor_free(si->dearmor);
	mule_grammar_free(si->grammar);
	mule_source_release(&si->raw);
	mule_source_release(&si->filtered);
}

/* Verify the signed input IN in run R, the signed content going to SINK,
 * then apply the checks every signed message gets and the policy. */
static gpg_error_t
verify_signed(struct run *r, struct signed_input *in, struct mule_sink *sink,
    struct mule_verdict *v)
{
	struct mule_pump pump;
	gpgme_data_t sig = NULL, plain = NULL;
	gpgme_verify_result_t res;
	gpg_error_t err, own;

	err = mule_data_from_source(&sig, in->src);
	if (!err)
		err = mule_data_to_sink(&plain, sink);
	if (err)
		goto leave;
	mule_pump_begin(&pump, r->ctx);
	err = mule_pump_run(&pump, gpgme_op_verify_start(r->ctx, sig, NULL,
	    plain));
	own = mule_verify_status_refusal(&r->st);
	if (!own)
		own = mule_data_own_error(in->src, sink);
	/* What gpg left unread, and the verdict on the whole input: gpg
	 * ignores data after a compressed packet. */
	if (!own && in->grammar)
		own = mule_grammar_finish(in->grammar);
	if (err || own) {
		if (!own && in->clear && gpg_err_code(err) == GPG_ERR_GENERAL)
			own = mule_reject(GPG_ERR_DIGEST_ALGO, NULL,
			    "the Hash: header does not name the hash the "
			    "signature uses, or the message is damaged");
		err = own ? own : mule_explain_decrypt_error(err, r->ctx, &r->st);
		goto leave;
	}
	res = gpgme_op_verify_result(r->ctx);
	err = mule_verify_status_one_literal(&r->st);
	if (!err)
		err = check_hash_header(in, res);
	if (!err)
		err = mule_policy_check(&r->policy, res, &r->st, r->ctx, v);
leave:
	gpgme_data_release(sig);
	gpgme_data_release(plain);
	return err;
}

gpg_error_t
mule_check_signed(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *o, int in_fd, struct mule_output *out,
    struct mule_verdict *v)
{
	struct signed_input in;
	struct mule_textout text = { mule_output_write, out, NULL, 0, 0, 0 };
	struct mule_sink sink = { mule_textout_write, &text, o->max_size, 0, 0,
	    0 };
	struct run r;
	gpg_error_t err;

	memset(v, 0, sizeof *v);
	memset(&r, 0, sizeof r);
	/* Clear-signed text is released with LF line ends, without the
	 * trailing blanks gpg strips (the signature does not cover them);
	 * inline-signed data as its signature and literal say. */
	err = signed_input_init(&in, in_fd, o->max_size,
	    gopts->progress);
	text.grammar = in.grammar;
	if (!err)
		err = run_start(&r, gopts, o);
	/* Clear-signed text is signed as text. */
	if (!err && in.clear)
		r.policy.text_ok = 1;
	if (!err)
		err = verify_signed(&r, &in, &sink, v);
	if (!err)
		err = mule_textout_check(in.grammar, v);
	if (!err)
		err = mule_output_commit(out);
	if (err)
		mule_verdict_release(v);
	signed_input_release(&in);
	run_end(&r);
	return err;
}

/* A detached signature file is small: read it whole, decode its armour,
 * and count its signature packets, because gpg checks only the first of
 * several signatures of different kinds and says nothing. */
#define SIGFILE_MAX (1024 * 1024)

/* Read the signature file from FD into *BIN as binary packets, and count
 * them into *NSIGS. */
static gpg_error_t
read_sigfile(int fd, struct mule_membuf *bin, int *nsigs)
{
	struct mule_membuf raw = { NULL, 0, 0, SIGFILE_MAX,
	    "the signature file" };
	gpg_error_t err = 0;

	memset(bin, 0, sizeof *bin);
	bin->limit = SIGFILE_MAX;
	bin->what = "the signature file";
	err = mule_membuf_read_fd(&raw, fd);
	if (err)
		goto leave;
	if (!raw.len) {
		err = mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the signature file is empty");
	} else if (mule_dearmor_detect_kind(raw.p, raw.len,
	    MULE_ARMOR_SIGNATURE)) {
		err = mule_dearmor_whole(&raw, MULE_ARMOR_SIGNATURE, bin);
	} else if (raw.p[0] & 0x80) {
		*bin = raw;
		memset(&raw, 0, sizeof raw);
	} else {
		err = mule_reject(GPG_ERR_NO_DATA, mule_clearsig_detect(raw.p,
		    raw.len) || mule_dearmor_detect(raw.p, raw.len)
		    ? "a signed message goes alone, with no second file" : NULL,
		    "the first file is not a detached signature");
	}
	if (!err && (*nsigs = mule_packet_count_signatures(bin->p, bin->len)) < 0)
		err = mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the first file is not a detached signature (it holds "
		    "other packets, or is cut short)");
leave:
	mule_membuf_release(&raw);
	return err;
}

gpg_error_t
mule_check_detached(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *o, int sig_fd, int data_fd,
    struct mule_verdict *v)
{
	struct mule_pump pump;
	struct mule_source datasrc;
	struct mule_membuf bin = { NULL, 0, 0, 0, NULL };
	gpgme_data_t sig = NULL, data = NULL;
	gpgme_signature_t s;
	struct run r;
	gpg_error_t err;
	int nsigs = 0, checked = 0;

	memset(v, 0, sizeof *v);
	memset(&r, 0, sizeof r);
	mule_source_init_fd(&datasrc, data_fd);
	datasrc.progress = gopts->progress;
	err = read_sigfile(sig_fd, &bin, &nsigs);
	if (!err)
		err = run_start(&r, gopts, o);
	if (!err)
		err = gpgme_data_new_from_mem(&sig, (const char *)bin.p, bin.len, 0);
	if (!err)
		err = mule_data_from_source(&data, &datasrc);
	if (err)
		goto leave;
	mule_pump_begin(&pump, r.ctx);
	err = mule_pump_run(&pump, gpgme_op_verify_start(r.ctx, sig, data,
	    NULL));
	if (err || mule_verify_status_refusal(&r.st)) {
		gpg_error_t own = mule_verify_status_refusal(&r.st);

		if (!own)
			own = mule_data_own_error(&datasrc, NULL);

		err = own ? own : mule_explain_decrypt_error(err, r.ctx, &r.st);
		goto leave;
	}
	for (s = gpgme_op_verify_result(r.ctx)->signatures; s; s = s->next)
		checked++;
	if (checked != nsigs) {
		err = mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
		    "the signature file holds %d signatures, of which gpg "
		    "checked %d", nsigs, checked);
		goto leave;
	}
	err = mule_policy_check(&r.policy, gpgme_op_verify_result(r.ctx),
	    &r.st, r.ctx, v);
leave:
	if (err)
		mule_verdict_release(v);
	gpgme_data_release(sig);
	gpgme_data_release(data);
	mule_membuf_release(&bin);
	run_end(&r);
	return err;
}

#define MANIFEST_MAX (256 * 1024 * 1024)

gpg_error_t
mule_check_manifest(const struct mule_gpg_opts *gopts,
    const struct mule_check_opts *o, int manifest_fd, const char *dir,
    const struct mule_manifest_exclude *ex, struct mule_verdict *v,
    struct mule_manifest_report *report)
{
	struct mule_check_opts mo = *o;
	/* The verified manifest text, parsed as a whole (names and digests,
	 * no secrets). */
	struct mule_membuf text = { NULL, 0, 0, MANIFEST_MAX, "the manifest" };
	struct mule_sink sink = { mule_membuf_write, &text, 0, 0, 0, 0 };
	struct signed_input in;
	struct run r;
	gpg_error_t err;

	memset(v, 0, sizeof *v);
	memset(report, 0, sizeof *report);
	memset(&r, 0, sizeof r);
	mo.text_ok = 1;		/* a manifest is text */
	err = signed_input_init(&in, manifest_fd, 0, NULL);
	if (!err && !in.clear)
		err = mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the manifest is not a clear-signed text");
	if (!err)
		err = run_start(&r, gopts, &mo);
	if (!err)
		err = verify_signed(&r, &in, &sink, v);
	if (!err)
		err = mule_manifest_check(dir, text.p ? (char *)text.p : "", text.len,
		    ex, report);
	if (err)
		mule_verdict_release(v);
	signed_input_release(&in);
	run_end(&r);
	mule_membuf_release(&text);
	return err;
}
