/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-status.c - libFuzzer harness for gpg's status lines as mule reads
 * them (src/lib/pgp/status.c) and the verdict mule draws from them.
 *
 * The input is a sequence of "KEYWORD ARGS\n" lines, as gpg writes them
 * after "[GNUPG:] ".  Each goes to mule_verify_status_line as GPGME's
 * engine hands it to the status callback (keyword up to the first space,
 * the rest after it; lines not starting with A-Z and PROGRESS skipped; a
 * CR before the LF dropped; the run stopped by an error; "" "" at the
 * end).  The same lines build a stand-in for GPGME's verify result
 * (simplified from GPGME's verify.c), and mule_policy_check judges it
 * with the status mule collected: every acceptance must keep the
 * promises of policy.h.  Lines starting with '#' set the run instead:
 * #verify-only, #no-skesk (no passphrase packet), #text (text signatures
 * accepted), #allow-unsigned, #pin FPR.  See README for how to run it. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/error.h"
#include "core/text.h"
#include "pgp/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PINS 4

/* The run: the policy and how the status was attached. */
struct run {
	struct mule_policy policy;
	char pins[MAX_PINS][41];
	char *pinned[MAX_PINS];
	int verify_only;	/* mule_verify_status_attach_verify_only */
	int no_skesk;		/* st.forbid_symmetric */
};

/* What GPGME would make of the lines: its signature list. */
struct mock {
	struct _gpgme_op_verify_result res;
	gpgme_signature_t cur;
	int only_newsig;	/* cur has seen NEWSIG and nothing else */
	int prepared;		/* NEWSIG made cur for the next GOODSIG... */
	int failed;		/* GPGME would have failed the run */
};

static void
directive(struct run *r, const char *line)
{
	if (!strcmp(line, "#verify-only"))
		r->verify_only = 1;
	else if (!strcmp(line, "#no-skesk"))
		r->no_skesk = 1;
	else if (!strcmp(line, "#text"))
		r->policy.text_ok = 1;
	else if (!strcmp(line, "#allow-unsigned"))
		r->policy.allow_unsigned = 1;
	else if (!strncmp(line, "#pin ", 5) && r->policy.npinned < MAX_PINS
	    && mule_fpr_parse(line + 5, r->pins[r->policy.npinned]))
		r->policy.npinned++;
}

/* Field I (from 0) of ARGS, split at spaces, into BUF; "" if absent. */
static const char *
field(const char *args, int i, char *buf, size_t cap)
{
	size_t n;

	for (;;) {
		while (*args == ' ')
			args++;
		n = strcspn(args, " ");
		if (!i--)
			break;
		args += n;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, args, n);
	buf[n] = '\0';
	return buf;
}

static long
num(const char *args, int i, int base)
{
	char buf[32];

	return strtol(field(args, i, buf, sizeof buf), NULL, base);
}

static gpgme_signature_t
mock_append(struct mock *m)
{
	gpgme_signature_t s = calloc(1, sizeof *s), *p;

	if (!s)
		abort();
	for (p = &m->res.signatures; *p; p = &(*p)->next)
		;
	*p = s;
	m->cur = s;
	return s;
}

static void
mock_set_fpr(gpgme_signature_t s, const char *fpr)
{
	free(s->fpr);
	s->fpr = *fpr ? strdup(fpr) : NULL;
}

/* The start of a signature's verdict line (GOODSIG, BADSIG, ERRSIG...). */
static void
mock_new_sig(struct mock *m, const char *keyword, const char *args)
{
	gpgme_signature_t s = m->prepared ? m->cur : mock_append(m);
	char buf[128];

	m->prepared = m->only_newsig = 0;
	mock_set_fpr(s, field(args, 0, buf, sizeof buf));
	if (!strcmp(keyword, "GOODSIG"))
		s->status = 0;
	else if (!strcmp(keyword, "EXPSIG"))
		s->status = gpg_error(GPG_ERR_SIG_EXPIRED);
	else if (!strcmp(keyword, "EXPKEYSIG"))
		s->status = gpg_error(GPG_ERR_KEY_EXPIRED);
	else if (!strcmp(keyword, "REVKEYSIG"))
		s->status = gpg_error(GPG_ERR_CERT_REVOKED);
	else if (!strcmp(keyword, "BADSIG"))
		s->status = gpg_error(GPG_ERR_BAD_SIGNATURE);
	else {	/* ERRSIG KEYID PKALGO HASHALGO CLASS TIME RC [FPR] */
		s->hash_algo = (gpgme_hash_algo_t)num(args, 2, 10);
		s->timestamp = (unsigned long)num(args, 4, 10);
		s->status = gpg_error(num(args, 5, 10) == 9
		    ? GPG_ERR_NO_PUBKEY : GPG_ERR_GENERAL);
		if (*field(args, 6, buf, sizeof buf))
			mock_set_fpr(s, buf);
	}
}

static void
mock_line(struct mock *m, const char *keyword, const char *args)
{
	gpgme_signature_t s = m->cur;
	char buf[128];

	if (!strcmp(keyword, "NEWSIG")) {
		/* GPGME reuses a signature that saw nothing but NEWSIG. */
		if (m->only_newsig && s) {
			gpgme_signature_t next = s->next;

			free(s->fpr);
			memset(s, 0, sizeof *s);
			s->next = next;
		} else {
			mock_append(m);
		}
		m->prepared = m->only_newsig = 1;
		return;
	}
	if (!strcmp(keyword, "GOODSIG") || !strcmp(keyword, "EXPSIG")
	    || !strcmp(keyword, "EXPKEYSIG") || !strcmp(keyword, "REVKEYSIG")
	    || !strcmp(keyword, "BADSIG") || !strcmp(keyword, "ERRSIG")) {
		mock_new_sig(m, keyword, args);
		return;
	}
	if (strncmp(keyword, "TRUST_", 6) && strcmp(keyword, "VALIDSIG")
	    && strcmp(keyword, "NODATA"))
		return;
	m->only_newsig = 0;
	if (!s) {			/* GPGME: an engine error */
		m->failed = 1;
		return;
	}
	if (!strcmp(keyword, "VALIDSIG")) {
		/* FPR DATE TIMESTAMP EXPIRE VERSION RESERVED PKALGO HASHALGO
		 * CLASS PRIMARY */
		mock_set_fpr(s, field(args, 0, buf, sizeof buf));
		s->timestamp = (unsigned long)num(args, 2, 10);
		s->pubkey_algo = (gpgme_pubkey_algo_t)num(args, 6, 10);
		s->hash_algo = (gpgme_hash_algo_t)num(args, 7, 10);
	} else if (!strcmp(keyword, "NODATA")) {
		s->status = gpg_error(GPG_ERR_NO_DATA);
	} else if (!strcmp(keyword, "TRUST_ULTIMATE")) {
		s->validity = GPGME_VALIDITY_ULTIMATE;
	} else if (!strcmp(keyword, "TRUST_FULLY")) {
		s->validity = GPGME_VALIDITY_FULL;
	} else if (!strcmp(keyword, "TRUST_MARGINAL")) {
		s->validity = GPGME_VALIDITY_MARGINAL;
	} else if (!strcmp(keyword, "TRUST_NEVER")) {
		s->validity = GPGME_VALIDITY_NEVER;
	} else {
		s->validity = GPGME_VALIDITY_UNKNOWN;
	}
}

/* At the end, GPGME drops a signature that saw only NEWSIG. */
static void
mock_end(struct mock *m)
{
	gpgme_signature_t *p;

	if (!m->only_newsig || !m->cur)
		return;
	for (p = &m->res.signatures; *p != m->cur; p = &(*p)->next)
		;
	*p = m->cur->next;
	free(m->cur->fpr);
	free(m->cur);
	m->cur = NULL;
}

static void
mock_release(struct mock *m)
{
	gpgme_signature_t s, next;

	for (s = m->res.signatures; s; s = next) {
		next = s->next;
		free(s->fpr);
		free(s);
	}
}

/* A fingerprint mule keeps: none, or 40 upper-case hex digits. */
static int
fpr_ok(const char *f)
{
	return memchr(f, '\0', 41) && (!*f || (strlen(f) == 40
	    && mule_is_hex(f, 40, 1)));
}

static int
is_pinned(const struct mule_policy *p, const char *fpr)
{
	size_t i;

	for (i = 0; i < p->npinned; i++)
		if (!strcasecmp(p->pinned[i], fpr))
			return 1;
	return 0;
}

/* The status as collected: what the tools' verdicts rely on. */
static void
check_status(const struct run *r, const struct mule_verify_status *st)
{
	size_t i;

	for (i = 0; i < st->nsigs; i++)
		if (!fpr_ok(st->sigs[i].fpr) || !fpr_ok(st->sigs[i].primary))
			abort();
	if (!fpr_ok(st->considered) || !fpr_ok(st->key_fpr))
		abort();
	if (st->saw_decryption && !r->verify_only)
		abort();
	if (!mule_verify_status_refusal(st) != !st->saw_decryption)
		abort();
	if (st->saw_symmetric && !r->no_skesk && !st->decrypting)
		abort();
	if (!mule_verify_status_one_literal(st) != (st->plaintexts == 1))
		abort();
}

/* An accepted signature keeps every promise of policy.h. */
static void
check_signer(const struct mule_policy *p, const struct mule_verify_status *st,
    gpgme_signature_t sig, size_t i, const struct mule_signer *signer)
{
	const struct mule_sigstatus *ss;
	const char *primary;
	const unsigned char *u;

	if (i >= st->nsigs || !sig->fpr)
		abort();
	ss = &st->sigs[i];
	primary = ss->primary[0] ? ss->primary : ss->fpr;
	if (!ss->fpr[0] || strcasecmp(ss->fpr, sig->fpr) || sig->status
	    || sig->wrong_key_usage || sig->hash_algo == GPGME_MD_MD5
	    || sig->hash_algo == GPGME_MD_SHA1
	    || sig->hash_algo == GPGME_MD_RMD160
	    || (long long)sig->timestamp > (long long)time(NULL)
	    + MULE_CLOCK_SKEW)
		abort();
	if (ss->sigclass == 0x00 ? st->plaintexts && st->literal_format != 'b'
	    : ss->sigclass != 0x01 || !p->text_ok)
		abort();
	if (p->npinned ? !is_pinned(p, primary) && !is_pinned(p, ss->fpr)
	    : sig->validity < GPGME_VALIDITY_FULL)
		abort();
	if (strcmp(signer->fpr, primary) || strcmp(signer->sigfpr, ss->fpr)
	    || !signer->uid)
		abort();
	for (u = (const unsigned char *)signer->uid; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			abort();
}

static void
check_verdict(const struct mule_policy *p,
    const struct mule_verify_status *st, gpgme_verify_result_t res)
{
	struct mule_verdict v;
	gpgme_signature_t sig;
	gpg_error_t err;
	size_t i;

	err = mule_policy_check(p, res, st, NULL, &v);
	if (err) {
		/* A refusal, never an operational error. */
		if (mule_exit_status(err) != MULE_EXIT_REJECTED
		    || v.nsigners || v.signers)
			abort();
		return;
	}
	if (v.was_unsigned) {
		if (!p->allow_unsigned || res->signatures || v.nsigners)
			abort();
		return;
	}
	for (sig = res->signatures, i = 0; sig; sig = sig->next, i++)
		if (i >= v.nsigners)
			abort();
		else
			check_signer(p, st, sig, i, &v.signers[i]);
	if (!i || i != v.nsigners)
		abort();
	mule_verdict_release(&v);
}

/* One line (without its LF) to mule and to the stand-in, as GPGME would
 * pass it; nonzero when the run stops. */
static int
feed(struct mule_verify_status *st, struct mock *m, char *line)
{
	char *rest = strchr(line, ' ');
	size_t len = strlen(line);

	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	if (line[0] < 'A' || line[0] > 'Z')
		return 0;
	if (rest)
		*rest++ = '\0';
	else
		rest = line + strlen(line);
	if (!strcmp(line, "PROGRESS"))
		return 0;
	if (mule_verify_status_line(st, line, rest))
		return 1;
	mock_line(m, line, rest);
	return m->failed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_verify_status st;
	struct mock m;
	struct run r;
	const uint8_t *p = data, *nl, *end = data + size;
	char *line;
	size_t i, n;
	int stopped = 0;

	memset(&r, 0, sizeof r);
	memset(&m, 0, sizeof m);
	memset(&st, 0, sizeof st);
	for (i = 0; i < MAX_PINS; i++)
		r.pinned[i] = r.pins[i];
	r.policy.pinned = r.pinned;
	for (; !stopped && p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
	    p = nl + 1) {
		/* A C string, as GPGME's buffer is: cut at a NUL. */
		n = (size_t)(nl - p);
		if (!(line = malloc(n + 1)))
			abort();
		memcpy(line, p, n);
		line[n] = '\0';
		if (line[0] == '#') {
			directive(&r, line);
			st.forbid_decryption = r.verify_only;
			st.forbid_symmetric = r.no_skesk;
		} else {
			stopped = feed(&st, &m, line);
		}
		free(line);
	}
	if (!stopped)
		stopped = mule_verify_status_line(&st, "", "") != 0;
	check_status(&r, &st);
	/* A stopped run fails: the tools explain it without the policy. */
	if (!stopped) {
		mock_end(&m);
		check_verdict(&r.policy, &st, &m.res);
	}
	mule_verify_status_release(&st);
	mock_release(&m);
	mule_error_clear();
	return 0;
}
