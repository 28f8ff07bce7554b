/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open.c - decrypt and verify, releasing nothing unverified. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/producer.h"
#include "core/strlist.h"
#include "core/text.h"
#include "pgp/armor.h"
#include "pgp/data.h"
#include "pgp/gpg.h"
#include "pgp/grammar.h"
#include "pgp/keyname.h"
#include "pgp/keys.h"
#include "pgp/open.h"
#include "pgp/packet.h"
#include "pgp/pump.h"
#include "pgp/textout.h"

/* Whether gpg-agent's failure to use our key came from its passphrase:
 * not given, wrong, or nobody to ask (no pinentry, no terminal). */
static int
is_passphrase_trouble(gpg_error_t e)
{
	if (gpg_err_source(e) == GPG_ERR_SOURCE_PINENTRY
	    || gpg_err_code_to_errno(gpg_err_code(e)))
		return 1;
	switch (gpg_err_code(e)) {
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
	case GPG_ERR_NO_PASSPHRASE:
	case GPG_ERR_TIMEOUT:
	case GPG_ERR_NOT_CONFIRMED:
		return 1;
	default:
		return 0;
	}
}

/* The message is for one of our keys, which we could not unlock: the
 * reader's trouble, not the message's (exit 2). */
static gpg_error_t
explain_key_passphrase(gpgme_ctx_t ctx, const struct mule_verify_status *st)
{
	const char *fpr = st->key_fpr[0] ? st->key_fpr : NULL;
	char *name = fpr ? mule_keyname(ctx, fpr, 1) : NULL;
	gpg_err_code_t code = gpg_err_code(st->key_error);
	gpg_error_t err;

	/* mule_keyname_locked tells a wrong passphrase and Cancel apart;
	 * every other trouble is that nobody could be asked. */
	if (code != GPG_ERR_BAD_PASSPHRASE && code != GPG_ERR_CANCELED
	    && code != GPG_ERR_FULLY_CANCELED)
		code = GPG_ERR_NO_PIN_ENTRY;
	err = mule_keyname_locked(code, fpr ? "the key"
	    : "the key for this message", name ? name : fpr);
	free(name);
	return err;
}

/* Whether KEYID is a subkey of one of our secret keys (in the home of
 * LIKE) whose own secret is not here, as after mule-key prune; its
 * fingerprint into FPR. */
static int
secret_gone(gpgme_ctx_t like, const char *keyid, char fpr[41])
{
	struct mule_error_record saved;
	gpgme_ctx_t ctx = NULL;
	gpgme_subkey_t s;
	gpgme_key_t k;
	int gone = 0;

	mule_error_save(&saved);
	if (!mule_keyname_ctx(like, &ctx)
	    && !gpgme_op_keylist_start(ctx, keyid, 1)) {
		while (!gone && !gpgme_op_keylist_next(ctx, &k)) {
			for (s = k->subkeys; k->secret && s; s = s->next)
				if (!s->secret && s->keyid && s->fpr
				    && !strcasecmp(s->keyid, keyid)) {
					snprintf(fpr, 41, "%s", s->fpr);
					gone = 1;
				}
			gpgme_key_unref(k);
		}
		gpgme_op_keylist_end(ctx);
	}
	gpgme_release(ctx);
	mule_error_restore(&saved);
	return gone;
}

/* The message is for our subkey KEYID, whose secret is gone. */
static gpg_error_t
explain_gone(gpgme_ctx_t ctx, gpgme_recipient_t r)
{
	char keyid[17], fpr[41];

	for (; r; r = r->next) {
		if (!r->keyid || strlen(r->keyid) != 16)
			continue;
		memcpy(keyid, r->keyid, 17);
		if (secret_gone(ctx, keyid, fpr))
			return mule_reject(GPG_ERR_NO_SECKEY, "retired subkeys "
			    "lose their secret for forward secrecy: what was "
			    "sealed to them stays unreadable; ask the sender "
			    "to seal it again", "no secret key for this "
			    "message: it was sealed to your subkey %s, whose "
			    "secret is not here (mule-key prune destroys "
			    "those of retired subkeys)", fpr);
	}
	return 0;
}

/* The message is sealed for the recipients R, none of them ours: name
 * those the keyring knows ("Alice <alice@example.org> (FPR)"), the key
 * ID of the others. */
static gpg_error_t
not_for_you(gpgme_ctx_t ctx, gpgme_recipient_t r)
{
	char *names = NULL, *one, *more;
	const char *sep;
	size_t n = 0, hidden = 0;
	gpg_error_t err;

	for (; r; r = r->next) {
		if (!r->keyid)
			continue;
		if (!strcmp(r->keyid, "0000000000000000")) {
			hidden++;
			continue;
		}
		one = mule_keyname(ctx, r->keyid, 0);
		sep = !n ? "" : r->next ? ", " : " and ";
		if (asprintf(&more, "%s%s%s%s", names ? names : "", sep,
		    one ? "" : "key ID ", one ? one : r->keyid) < 0)
			more = NULL;
		free(one);
		free(names);
		if (!(names = more))
			return gpg_error_from_syserror();
		n++;
	}
	if (hidden)
		err = mule_reject(GPG_ERR_NO_SECKEY, "the sender hid who it is "
		    "for, and none of your secret keys opens it",
		    "no secret key for this message: sealed for %s%s%zu hidden "
		    "recipient%s, not for you", n ? names : "", n ? " and " : "",
		    hidden, hidden == 1 ? "" : "s");
	else if (n)
		err = mule_reject(GPG_ERR_NO_SECKEY, "ask the sender to seal it "
		    "for your key", "no secret key for this message: sealed "
		    "for %s, not for you", names);
	else
		err = mule_reject(GPG_ERR_NO_SECKEY, NULL,
		    "no secret key for this message: it is not for you");
	free(names);
	return err;
}

gpg_error_t
mule_explain_decrypt_error(gpg_error_t err, gpgme_ctx_t ctx,
    const struct mule_verify_status *st)
{
	gpgme_decrypt_result_t dres = gpgme_op_decrypt_result(ctx);
	gpg_error_t gone;

	if (gpg_err_source(err) == MULE_SOURCE_REJECT)
		return err;
	if (st && st->key_error && is_passphrase_trouble(st->key_error))
		return explain_key_passphrase(ctx, st);
	/* gpg cannot tell a wrong passphrase from a message crafted to fail
	 * with any: it stays a rejection. */
	if (st && st->asked_symmetric)
		switch (gpg_err_code(err)) {
		case GPG_ERR_BAD_PASSPHRASE:
		case GPG_ERR_BAD_KEY:
		case GPG_ERR_DECRYPT_FAILED:
			return mule_reject(GPG_ERR_BAD_PASSPHRASE, NULL,
			    "wrong passphrase, or a damaged message");
		default:
			break;
		}
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_SECKEY:
		if (dres && (gone = explain_gone(ctx, dres->recipients)))
			return gone;
		return not_for_you(ctx, dres ? dres->recipients : NULL);
	case GPG_ERR_BAD_PASSPHRASE:
		return mule_reject(GPG_ERR_BAD_PASSPHRASE, NULL,
		    "wrong passphrase");
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		return mule_error_set(mule_fail_code(GPG_ERR_CANCELED), NULL,
		    "cancelled");
	case GPG_ERR_NO_DATA:
		if (st && st->nsigs)
			return mule_reject(GPG_ERR_NO_DATA,
			    "check signed-only input with mule-verify",
			    "the input is signed but not encrypted");
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "no valid OpenPGP message in the input (damaged, "
		    "truncated, or not OpenPGP)");
	case GPG_ERR_DECRYPT_FAILED:
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_INV_DATA:
	case GPG_ERR_INV_PACKET:
	case GPG_ERR_UNKNOWN_PACKET:
	case GPG_ERR_INV_ARMOR:
	case GPG_ERR_TRUNCATED:
	case GPG_ERR_EOF:
	case GPG_ERR_CHECKSUM:
	case GPG_ERR_BAD_SIGNATURE:
	case GPG_ERR_BAD_MPI:
	case GPG_ERR_INV_LENGTH:
	case GPG_ERR_UNEXPECTED:
	case GPG_ERR_UNSUPPORTED_ALGORITHM:
	case GPG_ERR_CIPHER_ALGO:
	case GPG_ERR_DIGEST_ALGO:
	case GPG_ERR_PUBKEY_ALGO:
	case GPG_ERR_WRONG_KEY_USAGE:
	case GPG_ERR_BAD_KEY:
	case GPG_ERR_INV_KEYLEN:
	case GPG_ERR_TOO_LARGE:
	case GPG_ERR_SYNTAX:
	case GPG_ERR_GENERAL:	/* gpg's answer to odd packet sequences */
	case GPG_ERR_COMPR_ALGO:
		return mule_reject(gpg_err_code(err), NULL,
		    "the input is damaged, truncated or forged: %s",
		    gpg_strerror(err));
	default:
		return mule_error_set(err, NULL, "gpg failed: %s",
		    gpg_strerror(err));
	}
}

/* The ciphertext as gpg gets it: armour is decoded on our side of the
 * pipe (faster, and strict); anything else goes to gpg as it is. */
struct cipher_input {
	struct mule_source *raw;	/* the caller's */
	struct mule_source decoded;
	struct mule_dearmor *dearmor;
	struct mule_source framed;	/* one message, nothing after it */
	struct mule_frame *frame;
	struct mule_source *src;	/* what to hand to GPGME */
	int has_skesk;			/* a passphrase may be asked for */
};

#define ARMOR_PEEK 4096
#define PACKET_PEEK 64
#define ESK_PEEK 2048		/* the session key packets, to see their kinds */

/* Input that is not armour must be binary OpenPGP (the first packet tag
 * has its high bit set); text is refused here rather than left to gpg,
 * which would skip anything before an armour header. */
static gpg_error_t
check_text(const unsigned char *buf, size_t len)
{
	static const char clearsig[] = "-----BEGIN PGP SIGNED MESSAGE-----";
	static const char other[] = "-----BEGIN PGP ";
	const unsigned char *end;

	if (!len)
		return mule_reject(GPG_ERR_NO_DATA, NULL, "the input is empty");
	if (buf[0] & 0x80)
		return 0;
	if (len >= sizeof clearsig - 1 && !memcmp(buf, clearsig,
	    sizeof clearsig - 1))
		return mule_reject(GPG_ERR_NO_DATA,
		    "check signed-only input with mule-verify",
		    "the input is signed but not encrypted");
	if (len >= sizeof other - 1 && !memcmp(buf, other, sizeof other - 1)) {
		/* Name the kind, escaped: it is the input's text. */
		char *kind;
		gpg_error_t err;

		end = memmem(buf + 15, len - 15, "-----", 5);
		kind = end && end - buf - 15 < 40 ? mule_escape((const char *)
		    buf + 15, (size_t)(end - buf - 15)) : strdup("...");
		err = mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the input is armoured as PGP %s, not as one PGP MESSAGE",
		    kind ? kind : "?");
		free(kind);
		return err;
	}
	if (memmem(buf, len, other, sizeof other - 1))
		return mule_reject(GPG_ERR_INV_ARMOR,
		    "remove what comes before the -----BEGIN line",
		    "text before the armoured message");
	return mule_reject(GPG_ERR_NO_DATA, NULL,
	    "the input is not an OpenPGP message");
}

/* The first packet of the binary stream must begin an encrypted
 * message; everything else is refused before gpg sees it. */
static gpg_error_t
check_start(const unsigned char *buf, size_t len)
{
	switch (mule_packet_start(buf, len)) {
	case MULE_PACKET_ENCRYPTED:
		return 0;
	case MULE_PACKET_BARE_DATA:
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "encrypted data without a session key packet "
		    "(damaged or crafted input)");
	case MULE_PACKET_UNENCRYPTED:
		return mule_reject(GPG_ERR_NO_DATA,
		    "if it is signed, check it with mule-verify",
		    "the input is not encrypted");
	case MULE_PACKET_KEY:
		return mule_reject(GPG_ERR_NO_DATA,
		    "import keys with gpg --import",
		    "the input is an OpenPGP key, not a message");
	default:
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "the input is not an OpenPGP message");
	}
}

/* Hand gpg the message through the framing check, so that a second
 * message appended to the first never reaches it. */
static gpg_error_t
frame(struct cipher_input *ci)
{
	gpg_error_t err = mule_frame_new(&ci->frame, ci->src);

	if (err)
		return err;
	ci->framed.fd = -1;
	ci->framed.read = mule_frame_read;
	ci->framed.arg = ci->frame;
	ci->src = &ci->framed;
	return 0;
}

static gpg_error_t refuse_skesk(const struct cipher_input *ci,
    int refuse_symmetric);

static gpg_error_t
cipher_input_init(struct cipher_input *ci, struct mule_source *raw,
    int refuse_symmetric)
{
	gpg_error_t err;

	memset(ci, 0, sizeof *ci);
	ci->raw = raw;
	ci->src = raw;
	err = mule_source_peek(raw, ARMOR_PEEK);
	if (err)
		return err;
	if (!mule_dearmor_detect(raw->pre, raw->pre_len)) {
		err = check_text(raw->pre, raw->pre_len);
		if (!err)
			err = check_start(raw->pre, raw->pre_len);
		ci->has_skesk = mule_packet_has_skesk(raw->pre, raw->pre_len);
		if (!err)
			err = refuse_skesk(ci, refuse_symmetric);
		return err ? err : frame(ci);
	}
	err = mule_dearmor_new(&ci->dearmor, raw);
	if (err)
		return err;
	ci->decoded.fd = -1;
	ci->decoded.read = mule_dearmor_read;
	ci->decoded.arg = ci->dearmor;
	ci->src = &ci->decoded;
	err = mule_source_peek(&ci->decoded, ESK_PEEK);
	if (!err)
		err = check_start(ci->decoded.pre, ci->decoded.pre_len);
	ci->has_skesk = mule_packet_has_skesk(ci->decoded.pre,
	    ci->decoded.pre_len);
	if (!err)
		err = refuse_skesk(ci, refuse_symmetric);
	return err ? err : frame(ci);
}

static void
cipher_input_release(struct cipher_input *ci)
{
	mule_frame_free(ci->frame);
	mule_dearmor_free(ci->dearmor);
	mule_source_release(&ci->decoded);
}

static gpg_error_t
refuse_skesk(const struct cipher_input *ci, int refuse_symmetric)
{
	if (refuse_symmetric && ci->has_skesk)
		return mule_reject(GPG_ERR_NOT_SUPPORTED, NULL, "sealed with a "
		    "passphrase, not only for a key: refused before gpg could "
		    "ask for one");
	return 0;
}

static gpg_error_t
symmetric_inside(void)
{
	return mule_reject(GPG_ERR_BAD_DATA, NULL, "encrypted data inside the "
	    "message asks for a passphrase (damaged or crafted input)");
}

/* Refuse what gpg decrypted but we do not accept. */
static gpg_error_t
check_decrypt_result(gpgme_ctx_t ctx)
{
	gpgme_decrypt_result_t dres = gpgme_op_decrypt_result(ctx);

	if (!dres)
		return mule_reject(GPG_ERR_NO_DATA, NULL,
		    "no encrypted OpenPGP message in the input");
	if (dres->legacy_cipher_nomdc)
		return mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "the message has no integrity protection (no MDC)");
	if (dres->unsupported_algorithm)
		return mule_reject(GPG_ERR_CIPHER_ALGO, NULL,
		    "unsupported cipher %s", dres->unsupported_algorithm);
	if (dres->wrong_key_usage)
		return mule_reject(GPG_ERR_WRONG_KEY_USAGE, NULL,
		    "the message was encrypted to a key not meant for encryption");
	return 0;
}

/* The decrypting half, in a worker thread: gpg removes the encryption
 * layer only (--unwrap), in the user's home, where the secret keys are,
 * and the signed message inside goes undecoded into the pipe FD.  gpg
 * does not look inside it in this run, so nothing crafted in there can
 * make it ask for a passphrase while a pinentry may be used for the
 * key. */
struct unwrapper {
	const struct mule_gpg_opts *gopts;
	struct cipher_input *in;
	int fd;
	char decrypted_by[41];	/* the subkey gpg decrypted with */
};

static gpg_error_t
unwrap(void *arg, int fd)
{
	struct mule_pump pump;
	struct unwrapper *u = arg;
	struct mule_sink sink = { mule_fd_write, &u->fd, 0, 0, 0, 0 };
	struct mule_verify_status st;
	gpgme_data_t cipher = NULL, inner = NULL;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err, own;

	u->fd = fd;
	memset(&st, 0, sizeof st);
	err = mule_gpg_ctx_new(&ctx, u->gopts);
	if (!err)
		err = mule_verify_status_attach(ctx, &st);
	st.forbid_symmetric = !u->in->has_skesk;
	if (!err)
		err = mule_data_from_source(&cipher, u->in->src);
	if (!err)
		err = mule_data_to_sink(&inner, &sink);
	if (err)
		goto leave;
	mule_pump_begin(&pump, ctx);
	err = mule_pump_run(&pump, gpgme_op_decrypt_ext_start(ctx,
	    GPGME_DECRYPT_UNWRAP, cipher, inner));
	own = mule_data_own_error(u->in->src, &sink);
	if (!own && st.saw_symmetric)
		own = symmetric_inside();
	if (err || own) {
		err = own ? own : mule_explain_decrypt_error(err, ctx, &st);
		goto leave;
	}
	err = check_decrypt_result(ctx);
	if (!err)
		memcpy(u->decrypted_by, st.decryption_key,
		    sizeof u->decrypted_by);
leave:
	gpgme_data_release(cipher);
	gpgme_data_release(inner);
	gpgme_release(ctx);
	mule_verify_status_release(&st);
	return err;
}

/* What verify_inner hands gpg: the decrypted stream through the packet
 * grammar, its first bytes checked before any is given on. */
struct inner_reader {
	struct mule_source *src;
	struct mule_grammar *grammar;
	int started;
};

/* A mule_read_fn.  The start is checked at gpg's first read, not
 * before gpg runs: a small message is whole only when the decrypting
 * gpg has finished, and waiting for it would put the two gpg runs one
 * after the other. */
static gpg_error_t
inner_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct inner_reader *r = arg;
	gpg_error_t err;

	if (!r->started) {
		r->started = 1;
		/* What was inside the encryption must be binary signed data
		 * (no armour, no clear-signed text, nothing encrypted
		 * again). */
		err = mule_source_peek(r->src, PACKET_PEEK);
		if (!err && r->src->pre_len && mule_packet_start(r->src->pre,
		    r->src->pre_len) != MULE_PACKET_UNENCRYPTED)
			err = mule_reject(GPG_ERR_BAD_DATA, NULL,
			    "the encrypted message holds no signed data");
		if (err)
			return err;
	}
	return mule_grammar_read(r->grammar, buf, n, got);
}

/* The verifying half, in the calling thread: the signed message from the
 * pipe FD passes the packet grammar (exactly one signed message, at
 * every depth) on its way to a gpg run that may not decrypt and cannot
 * ask anyone for anything (in the user's home, or in HOME with only the
 * signer files' keys: nothing is imported into the user's keyring).
 * The plaintext goes to SINK as gpg releases it. */
static gpg_error_t
verify_inner(const struct mule_gpg_opts *gopts, const struct mule_policy *p,
    struct mule_keyhome *home, int fd, struct mule_sink *sink,
    struct mule_verdict *v)
{
	struct mule_pump pump;
	struct mule_gpg_opts vopts = { .homedir = gopts->homedir };
	struct mule_source src, checked;
	struct mule_grammar *grammar = NULL;
	struct mule_textout text = { sink->write, sink->arg, NULL, 0, 0, 0 };
	struct mule_verify_status st;
	struct inner_reader reader = { &src, NULL, 0 };
	gpgme_data_t held = NULL, plain = NULL;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err, own;

	memset(&st, 0, sizeof st);
	mule_source_init_fd(&src, fd);
	mule_source_init_fd(&checked, -1);
	err = mule_grammar_new(&grammar, &src, sink->limit);
	if (err)
		goto leave;
	/* A literal alone passes: the policy says "not signed", with its
	 * hint, unless --allow-unsigned. */
	mule_grammar_allow_unsigned(grammar);
	mule_grammar_inside_encryption(grammar);
	reader.grammar = grammar;
	checked.read = inner_read;
	checked.arg = &reader;
	text.grammar = grammar;
	sink->write = mule_textout_write;
	sink->arg = &text;
	err = home ? mule_keyhome_ctx(home, &ctx)
	    : mule_gpg_ctx_new(&ctx, &vopts);
	if (!err && !home)
		err = gpgme_set_ctx_flag(ctx, "trust-model", "pgp");
	if (!err)
		err = mule_verify_status_attach_verify_only(ctx, &st);
	if (!err)
		err = mule_data_from_source(&held, &checked);
	if (!err)
		err = mule_data_to_sink(&plain, sink);
	if (err)
		goto leave;
	mule_pump_begin(&pump, ctx);
	err = mule_pump_run(&pump, gpgme_op_verify_start(ctx, held, NULL,
	    plain));
	own = mule_data_own_error(&checked, sink);
	if (!own)
		own = mule_verify_status_refusal(&st);
	/* What gpg left unread, and the verdict on the whole: gpg ignores
	 * data after a compressed packet. */
	if (!own)
		own = mule_grammar_finish(grammar);
	if (!own && gpg_err_code(err) == GPG_ERR_NO_DATA)
		own = mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "the encrypted message holds no signed data");
	if (err || own) {
		err = own ? own : mule_explain_decrypt_error(err, ctx, &st);
		goto leave;
	}
	err = mule_verify_status_one_literal(&st);
	if (!err)
		err = mule_policy_check(p, gpgme_op_verify_result(ctx), &st,
		    ctx, v);
	if (!err)
		err = mule_textout_check(grammar, v);
leave:
	gpgme_data_release(held);
	gpgme_data_release(plain);
	gpgme_release(ctx);
	mule_grammar_free(grammar);
	mule_source_release(&checked);
	mule_source_release(&src);
	mule_verify_status_release(&st);
	return err;
}

/* Two gpg runs joined by a pipe: one decrypts, the other verifies what
 * was inside.  Only when both succeeded is the plaintext verified. */
static gpg_error_t
open_verified(const struct mule_gpg_opts *gopts, const struct mule_policy *p,
    struct mule_keyhome *home, const struct mule_open_opts *o,
    struct mule_source *raw, mule_write_fn write, void *arg,
    struct mule_verdict *v)
{
	struct cipher_input in;
	struct unwrapper u = { gopts, &in, -1, "" };
	struct mule_sink sink = { write, arg, o->max_size, 0, 0, 0 };
	struct mule_producer *producer = NULL;
	gpg_error_t err;
	int fd = -1;

	err = cipher_input_init(&in, raw, o->refuse_symmetric);
	if (!err)
		err = mule_producer_start(&producer, unwrap, &u, &fd);
	if (!err) {
		err = verify_inner(gopts, p, home, fd, &sink, v);
		err = mule_producer_finish(producer, fd, err);
	}
	if (err)
		mule_verdict_release(v);
	else
		memcpy(v->decrypted_by, u.decrypted_by, sizeof v->decrypted_by);
	cipher_input_release(&in);
	return err;
}

gpg_error_t
mule_open_to(const struct mule_gpg_opts *gopts,
    const struct mule_open_opts *o, struct mule_source *in,
    mule_write_fn write, void *arg, struct mule_verdict *v)
{
	struct mule_policy policy;
	struct mule_keyhome *home = NULL;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err;

	memset(&policy, 0, sizeof policy);
	memset(v, 0, sizeof *v);
	err = mule_policy_build(gopts, &o->accept, &policy, &home);
	if (err)
		goto leave;
	policy.offers_allow_unsigned = 1;
	policy.offers_text = o->offers_text;
	policy.text_ok = o->text_ok;
	err = open_verified(gopts, &policy, home, o, in, write, arg, v);
leave:
	if (err)
		mule_verdict_release(v);
	gpgme_release(ctx);
	mule_keyhome_free(home);
	mule_policy_release(&policy);
	return err;
}

gpg_error_t
mule_open(const struct mule_gpg_opts *gopts, const struct mule_open_opts *o,
    int in_fd, struct mule_output *out, struct mule_verdict *v)
{
	struct mule_source in;
	gpg_error_t err;

	mule_source_init_fd(&in, in_fd);
	in.progress = gopts->progress;
	err = mule_open_to(gopts, o, &in, mule_output_write, out, v);
	if (!err)
		err = mule_output_commit(out);
	if (err)
		mule_verdict_release(v);
	mule_source_release(&in);
	return err;
}
