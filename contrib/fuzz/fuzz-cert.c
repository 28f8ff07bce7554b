/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-cert.c - libFuzzer harness for our reading of an OpenPGP
 * certificate (src/lib/key/cert.c), which mule-key import runs on
 * hostile input before gpg sees it: mule_cert_parse, then
 * mule_cert_check_strength and mule_cert_check_bindings (mule-stick
 * get's check of the certificate an item carries) on what it accepts.
 * A refusal must be a
 * rejection with one line saying why; an acceptance must keep the
 * promises of cert.h; the input twice over must be refused (several
 * keys), and so must the input without its last byte (cut short).  See
 * README for how to run it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/secret.h"
#include "key/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ERR is a rejection (exit 1) with a message of one line. */
static int
explained(gpg_error_t err)
{
	struct mule_error_record r;

	mule_error_save(&r);
	mule_error_clear();
	return mule_exit_status(err) == MULE_EXIT_REJECTED && r.err == err &&
	    r.msg[0] && !strchr(r.msg, '\n');
}

static int
fpr_ok(const char *fpr)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!strchr("0123456789ABCDEF", fpr[i]) || !fpr[i])
			return 0;
	return fpr[40] == '\0';
}

static void
key_ok(const struct mule_cert_key *k)
{
	if (k->version != 4 || !fpr_ok(k->fpr) || (k->nsigs && !k->sigs))
		abort();
}

/* The promises of cert.h about an accepted certificate. */
static void
cert_ok(const struct mule_cert *c)
{
	size_t i, sigs = c->primary.nsigs, uids = 0;

	key_ok(&c->primary);
	if (c->nuids < 1 || c->nuids > MULE_CERT_MAX_UIDS ||
	    c->nsubkeys > MULE_CERT_MAX_SUBKEYS)
		abort();
	for (i = 0; i < c->nuids; i++) {
		const struct mule_cert_uid *u = &c->uids[i];

		if (!u->len || u->data[u->len] != '\0' || (!u->attribute &&
		    (u->len > MULE_CERT_MAX_UID_LEN ||
		    memchr(u->data, 0, u->len))) ||
		    u->len > MULE_CERT_MAX_ATTR_LEN)
			abort();
		uids += !u->attribute;
		sigs += u->nsigs;
	}
	for (i = 0; i < c->nsubkeys; i++) {
		key_ok(&c->subkeys[i]);
		sigs += c->subkeys[i].nsigs;
	}
	if (!uids || sigs > MULE_CERT_MAX_SIGS)
		abort();
}

/* Parse P (N bytes): whether it is accepted (a refusal must be
 * explained); the strength check runs on what is. */
static int
parse(const uint8_t *p, size_t n)
{
	struct mule_cert *c = (struct mule_cert *)1;
	gpg_error_t err;

	mule_error_clear();
	if ((err = mule_cert_parse(p, n, &c))) {
		if (c || !explained(err))
			abort();
		return 0;
	}
	cert_ok(c);
	if ((err = mule_cert_check_strength(c)) && !explained(err))
		abort();
	mule_error_clear();
	if ((err = mule_cert_check_bindings(c)) && !explained(err))
		abort();
	mule_error_clear();
	mule_cert_free(c);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t *more;

	if (!ready) {
		mule_secret_init();
		ready = 1;
	}
	if (!parse(data, size))
		return 0;
	/* Exactly one certificate: a second one after it is refused. */
	if ((more = malloc(2 * size)) == NULL)
		return 0;
	memcpy(more, data, size);
	memcpy(more + size, data, size);
	if (parse(more, 2 * size))
		abort();
	free(more);
	/* Every byte is in a packet: without the last, the last packet is
	 * cut short.  (A copy of exactly that length, for ASan.) */
	if ((more = malloc(size - 1 ? size - 1 : 1)) == NULL)
		return 0;
	memcpy(more, data, size - 1);
	if (parse(more, size - 1))
		abort();
	free(more);
	return 0;
}
