/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-envelope.c - the versions of the mule-stick envelope
 * (stick/envelope): version 1 still read, version 2 with its cert line
 * written and read, a newer one refused as such. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "stick/envelope.h"
#include "tap.h"

#define HEAD "id: d27ca4e455131e491a93a3b7a2d99c27\nkind: files\n" \
	"sender: F8C5A2894E99E7858663083F8FF72264249A0B65\n"
#define TAIL "recipient: 320D1F831E7BF7BB22C9FD07F3D8715F63676F75 7\n" \
	"created: 1796506193\n"

/* Parse TEXT; 0 if accepted, else the error's code, with the message
 * recorded in MSG. */
static gpg_err_code_t
parse(const char *text, struct mule_envelope *env, char msg[1024])
{
	struct mule_error_record rec;
	gpg_error_t err;

	mule_error_clear();
	err = mule_envelope_parse(text, strlen(text), env);
	mule_error_save(&rec);
	snprintf(msg, 1024, "%s", rec.msg);
	mule_error_clear();
	if (err && gpg_err_source(err) != MULE_SOURCE_REJECT)
		return GPG_ERR_BUG;	/* every refusal is a rejection */
	return gpg_err_code(err);
}

/* ENV formatted is TEXT exactly, and parses back to ENV. */
static int
round_trip(const struct mule_envelope *env, const char *text)
{
	struct mule_envelope again;
	char *s = NULL;
	size_t len;
	int ok;

	if (mule_envelope_format(env, &s, &len))
		return 0;
	ok = len == strlen(text) && !memcmp(s, text, len)
	    && !mule_envelope_parse(s, len, &again)
	    && !memcmp(env, &again, sizeof again);
	free(s);
	return ok;
}

int
main(void)
{
	static const char v1[] = "mule-envelope: 1\n" HEAD TAIL;
	static const char v2[] = "mule-envelope: 2\n" HEAD
	    "cert: MULE-CERT.pgp\n" TAIL;
	struct mule_envelope env;
	char msg[1024];

	TAP_OK(!parse(v1, &env, msg) && env.version == 1
	    && env.nrecipients == 1 && env.recipients[0].seq == 7,
	    "version 1 is still read");
	TAP_OK(round_trip(&env, v1), "... and written as it was, without a "
	    "cert line");
	TAP_OK(!parse(v2, &env, msg) && env.version == 2,
	    "version 2 with its cert line is read");
	TAP_OK(round_trip(&env, v2), "... and written as it was");
	TAP_OK(MULE_ENVELOPE_VERSION == 2, "writers write version 2");

	TAP_OK(parse("mule-envelope: 2\n" HEAD TAIL, &env, msg)
	    == GPG_ERR_INV_DATA && strstr(msg, "missing"),
	    "version 2 without a cert line: refused (%s)", msg);
	TAP_OK(parse("mule-envelope: 1\n" HEAD "cert: MULE-CERT.pgp\n" TAIL,
	    &env, msg) == GPG_ERR_INV_DATA && strstr(msg, "unknown field"),
	    "a cert line in version 1: an unknown field, as version 1 "
	    "readers say (%s)", msg);
	TAP_OK(parse("mule-envelope: 2\n" HEAD "cert: other.pgp\n" TAIL, &env,
	    msg) == GPG_ERR_INV_DATA, "a cert line naming another entry: "
	    "refused (%s)", msg);
	TAP_OK(parse("mule-envelope: 2\n" HEAD "cert: MULE-CERT.pgp\n"
	    "cert: MULE-CERT.pgp\n" TAIL, &env, msg) == GPG_ERR_INV_DATA,
	    "two cert lines: refused (%s)", msg);

	/* What a reader that knows versions up to N does with N + 1 is
	 * what version 1 readers do with version 2 (they compare the first
	 * line with "mule-envelope: 1"): refuse the item, whole. */
	TAP_OK(parse("mule-envelope: 3\n" HEAD "cert: MULE-CERT.pgp\n" TAIL,
	    &env, msg) == GPG_ERR_UNKNOWN_VERSION
	    && strstr(msg, "newer envelope format (version 3"),
	    "version 3: refused as a newer format (%s)", msg);
	TAP_OK(parse("mule-envelope: 999999999999999999\n" HEAD TAIL, &env,
	    msg) == GPG_ERR_UNKNOWN_VERSION, "a huge version: a newer format");
	TAP_OK(parse("mule-envelope: 0\n" HEAD TAIL, &env, msg)
	    == GPG_ERR_INV_DATA, "version 0: malformed (%s)", msg);
	TAP_OK(parse("mule-envelope: 02\n" HEAD TAIL, &env, msg)
	    == GPG_ERR_INV_DATA, "a leading zero: malformed");
	TAP_OK(parse("mule-envelope: 1x\n" HEAD TAIL, &env, msg)
	    == GPG_ERR_INV_DATA, "a version that is no number: malformed");
	TAP_OK(parse("mule-envelope: 2", &env, msg) == GPG_ERR_INV_DATA,
	    "a version line without its newline: malformed");
	TAP_OK(parse(HEAD "mule-envelope: 2\n" TAIL, &env, msg)
	    == GPG_ERR_INV_DATA, "the version not on the first line: "
	    "malformed (%s)", msg);
	return tap_done();
}
