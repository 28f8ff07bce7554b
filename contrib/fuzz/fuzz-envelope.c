/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-envelope.c - libFuzzer harness for the mule-stick envelope
 * (src/lib/stick/envelope.c): the strict parser, then what mule-stick get does
 * with an envelope it accepted: which of my keys it is for, and the
 * directory name it is delivered under.  An accepted envelope must also
 * survive being written out and read again unchanged.  See README. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "stick/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The leaf becomes a directory name: digits, a dash, hex; nothing that
 * could climb or nest. */
static void
check_leaf(const struct mule_envelope *env)
{
	char leaf[MULE_ENVELOPE_LEAF_MAX];
	size_t len;

	mule_envelope_leaf(env, leaf);
	len = strlen(leaf);
	if (len < 34 || len >= sizeof leaf - 1
	    || strspn(leaf, "0123456789") != len - 33 || leaf[len - 33] != '-'
	    || !mule_is_hex(leaf + len - 32, 32, 0))
		abort();
	if (strlen(env->sender) != 40 || !mule_is_hex(env->sender, 40, 1))
		abort();
}

/* Every recipient has its own sequence number, from 1. */
static void
check_recipients(const struct mule_envelope *env)
{
	size_t i;

	for (i = 0; i < env->nrecipients; i++)
		if (!env->recipients[i].seq || mule_envelope_seq_for(env,
		    env->recipients[i].fpr) != env->recipients[i].seq)
			abort();
}

/* In a key's folder the envelope must name that key; in the
 * hidden-recipient folder, any one of mine that it names. */
static void
check_addressee(const struct mule_envelope *env)
{
	static const char other[] = "0123456789ABCDEF0123456789ABCDEF01234567";
	char mine[2][41];
	const char *me;

	memcpy(mine[0], other, 41);
	memcpy(mine[1], env->recipients[env->nrecipients - 1].fpr, 41);
	me = mule_envelope_addressee(env, mine[1], mine, 2);
	if (me != mine[1])
		abort();
	me = mule_envelope_addressee(env, NULL, mine, 2);
	if (!me || !mule_envelope_seq_for(env, me))
		abort();
	me = mule_envelope_addressee(env, other, mine, 0);
	if (me && (me != other || !mule_envelope_seq_for(env, other)))
		abort();
}

/* Written out and parsed again, the envelope is the same. */
static void
check_round_trip(const struct mule_envelope *env)
{
	struct mule_envelope again;
	char *text = NULL;
	size_t len;

	if (mule_envelope_format(env, &text, &len))
		abort();
	if (mule_envelope_parse(text, len, &again)
	    || memcmp(env, &again, sizeof again))
		abort();
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_envelope env;

	if (!mule_envelope_parse((const char *)data, size, &env)) {
		(void)mule_item_kind_name(env.kind);
		check_leaf(&env);
		check_recipients(&env);
		check_addressee(&env);
		check_round_trip(&env);
	}
	mule_error_clear();
	return 0;
}
