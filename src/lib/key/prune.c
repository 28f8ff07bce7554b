/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prune.c - destroy the secrets of retired encryption subkeys. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/text.h"
#include "key/agent.h"
#include "key/generate.h"
#include "key/keyring.h"
#include "key/list.h"
#include "key/prune.h"
#include "key/rotate.h"
#include "key/usage.h"
#include "pgp/gpg.h"

#define DAY 86400L

/* Every secret key, with keygrips and each subkey's secret flag. */
static gpg_error_t
list_secret(gpgme_ctx_t ctx, gpgme_key_t **keys, size_t *n)
{
	gpg_error_t err;

	err = gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL
	    | GPGME_KEYLIST_MODE_WITH_KEYGRIP);
	if (err)
		return mule_error_set(err, NULL, "listing the keyring: %s",
		    gpg_strerror(err));
	return mule_keys_list(ctx, 1, keys, n);
}

static gpgme_key_t
key_of(gpgme_key_t *keys, const char *fpr)
{
	for (; keys && *keys; keys++)
		if ((*keys)->fpr && !strcmp((*keys)->fpr, fpr))
			return *keys;
	return NULL;
}

static gpgme_subkey_t
subkey_of(gpgme_key_t k, const char *fpr)
{
	gpgme_subkey_t s;

	for (s = k ? k->subkeys : NULL; s; s = s->next)
		if (s->fpr && !strcmp(s->fpr, fpr))
			return s;
	return NULL;
}

/* Whether S, a subkey of K, is retired and has its secret here. */
static int
retired(gpgme_key_t k, gpgme_subkey_t s, gpgme_subkey_t current)
{
	return s != k->subkeys && s != current && s->can_encrypt
	    && !s->can_sign && !s->can_certify && !s->can_authenticate
	    && s->secret && !s->is_cardkey && s->fpr && s->keygrip;
}

/* When S, a subkey of K, stopped being the one peers seal to: when the
 * next encryption subkey was made, or it expired, whichever came first.
 * A revoked one with neither counts from its creation (the time of the
 * revocation is not known); never later than NOW. */
static uint64_t
current_until(gpgme_key_t k, gpgme_subkey_t s, time_t now)
{
	gpgme_subkey_t t;
	long end = s->expires;

	for (t = k->subkeys->next; t; t = t->next)
		if (t->can_encrypt && t->timestamp > s->timestamp
		    && (!end || t->timestamp < end))
			end = t->timestamp;
	if (!end)
		end = s->revoked ? s->timestamp : (long)now;
	return (uint64_t)(end < (long)now ? end : (long)now);
}

/* Whether a key or subkey other than the retired ones of MINE has the
 * keygrip GRIP. */
static int
grip_kept(gpgme_key_t *keys, gpgme_key_t mine, gpgme_subkey_t current,
    const char *grip)
{
	gpgme_subkey_t t;

	for (; *keys; keys++)
		for (t = (*keys)->subkeys; t; t = t->next)
			if (t->keygrip && !strcmp(t->keygrip, grip)
			    && !(*keys == mine && retired(mine, t, current)))
				return 1;
	return 0;
}

/* The retired subkeys of K (CURRENT kept) into R. */
static gpg_error_t
collect(gpgme_key_t *keys, gpgme_key_t k, gpgme_subkey_t current,
    time_t now, struct mule_prune_report *r)
{
	struct mule_prune_subkey *p;
	gpgme_subkey_t s;
	size_t n = 0;

	for (s = k->subkeys; s; s = s->next)
		n += retired(k, s, current);
	if (!n)
		return 0;
	if (!(r->subkeys = calloc(n, sizeof *r->subkeys)))
		return gpg_error_from_syserror();
	for (s = k->subkeys; s; s = s->next) {
		if (!retired(k, s, current))
			continue;
		p = &r->subkeys[r->n++];
		snprintf(p->fpr, sizeof p->fpr, "%s", s->fpr);
		snprintf(p->grip, sizeof p->grip, "%s", s->keygrip);
		p->created = s->timestamp;
		p->expires = s->expires;
		p->expired = s->expired;
		p->revoked = s->revoked;
		p->when = current_until(k, s, now);
		if (grip_kept(keys, k, current, s->keygrip))
			p->hold = MULE_HOLD_SHARED;
	}
	return 0;
}

/* P waits for the grace period after it stopped being current; after
 * that, a message sealed to it that arrived within the grace period holds
 * it. */
static void
judge_use(const struct mule_usage *u, size_t nu, uint64_t grace,
    time_t now, struct mule_prune_subkey *p)
{
	uint64_t arrived = mule_usage_last(u, nu, p->fpr);

	if ((uint64_t)now < p->when + grace)
		p->hold = MULE_HOLD_CURRENT;
	else if (arrived && (uint64_t)now < arrived + grace) {
		p->hold = MULE_HOLD_ARRIVED;
		p->when = arrived;
	}
}

/* Rule 2: held while a peer's newest subkey of K it sealed to is it. */
static gpg_error_t
judge_peers(gpgme_ctx_t ctx, gpgme_key_t k, const struct mule_usage *u,
    size_t nu, struct mule_prune_report *r)
{
	gpgme_subkey_t s, newest;
	gpgme_key_t pk = NULL;
	size_t i, j;
	gpg_error_t err;

	for (i = 0; i < nu; i++) {
		for (j = 0; j < i && strcmp(u[j].peer, u[i].peer); j++)
			;
		if (j < i)
			continue;	/* that peer was judged */
		for (newest = NULL, j = i; j < nu; j++)
			if (!strcmp(u[j].peer, u[i].peer)
			    && (s = subkey_of(k, u[j].subkey)) && s != k->subkeys
			    && (!newest || s->timestamp > newest->timestamp))
				newest = s;
		for (j = 0; newest && j < r->n; j++) {
			if (strcmp(r->subkeys[j].fpr, newest->fpr)
			    || r->subkeys[j].hold != MULE_HOLD_NONE)
				continue;
			r->subkeys[j].hold = MULE_HOLD_PEER;
			memcpy(r->subkeys[j].peer, u[i].peer, 41);
			if ((err = mule_key_by_fpr(ctx, u[i].peer, &pk)))
				return err;
			if (pk && pk->uids && pk->uids->uid
			    && !(r->subkeys[j].peer_uid = mule_escape(
			    pk->uids->uid, strlen(pk->uids->uid)))) {
				gpgme_key_unref(pk);
				return gpg_error_from_syserror();
			}
			gpgme_key_unref(pk);
			pk = NULL;
		}
	}
	return 0;
}

/* The grace period by default: one rotation period of CURRENT. */
static unsigned long
default_grace(gpgme_subkey_t current)
{
	if (!current->expires)
		return mule_rotation_days(MULE_SUBKEY_DAYS_DEFAULT);
	return mule_rotation_days((unsigned long)((current->expires
	    - current->timestamp + DAY / 2) / DAY));
}

void
mule_prune_reason(const struct mule_prune_subkey *s, unsigned long grace,
    char *buf, size_t n)
{
	char day[MULE_KEY_DAY_SIZE];

	mule_key_day(day, (long)s->when);
	switch (s->hold) {
	case MULE_HOLD_PEER:
		snprintf(buf, n, "%s%s%s%s has sent nothing sealed to a "
		    "newer subkey of yours yet", s->peer_uid ? s->peer_uid
		    : "peer ", s->peer_uid ? " (" : "", s->peer,
		    s->peer_uid ? ")" : "");
		break;
	case MULE_HOLD_ARRIVED:
		snprintf(buf, n, "a message sealed to it arrived on %s, "
		    "within the grace period of %lu day%s", day, grace,
		    grace == 1 ? "" : "s");
		break;
	case MULE_HOLD_CURRENT:
		snprintf(buf, n, "it was your current encryption subkey "
		    "until %s (grace period: %lu day%s)", day, grace,
		    grace == 1 ? "" : "s");
		break;
	case MULE_HOLD_SHARED:
		snprintf(buf, n, "its key material is also that of a key "
		    "that stays");
		break;
	default:
		snprintf(buf, n, "nothing holds it");
	}
}

/* The error for the first subkey held in R. */
static gpg_error_t
held_error(const struct mule_prune_report *r)
{
	const struct mule_prune_subkey *s = r->subkeys;
	char why[512], hint[256], day[MULE_KEY_DAY_SIZE];

	while (!s->kept || (s->hold != MULE_HOLD_ARRIVED
	    && s->hold != MULE_HOLD_PEER))
		s++;
	mule_prune_reason(s, r->grace_days, why, sizeof why);
	mule_key_day(day, (long)(s->when + r->grace_days * DAY));
	if (s->hold == MULE_HOLD_PEER)
		snprintf(hint, sizeof hint, "carry your certificate to them "
		    "(mule-key export); --force destroys it anyway, and what "
		    "is still sealed to it becomes unreadable");
	else
		snprintf(hint, sizeof hint, "prune again after %s; --force "
		    "destroys it now, and what is still sealed to it becomes "
		    "unreadable", day);
	return mule_error_set(mule_fail_code(GPG_ERR_FORBIDDEN), hint,
	    "kept the secret of subkey %s%s: %s", s->fpr, r->nheld > 1
	    ? " (and others, above)" : "", why);
}

/* Destroy the secrets of the subkeys of R not held (all but shared ones
 * with FORCE). */
static gpg_error_t
destroy(const struct mule_gpg_opts *gopts, int force,
    struct mule_prune_report *r)
{
	struct mule_prune_subkey *p;
	gpgme_ctx_t agent = NULL;
	gpg_error_t err = 0;
	size_t i;

	for (i = 0; !err && i < r->n; i++) {
		p = &r->subkeys[i];
		if (p->hold == MULE_HOLD_SHARED
		    || (p->hold != MULE_HOLD_NONE && !force)) {
			p->kept = 1;
			r->nheld += p->hold == MULE_HOLD_ARRIVED
			    || p->hold == MULE_HOLD_PEER;
			continue;
		}
		if (!agent && !(err = mule_agent_socket(gopts->homedir,
		    &r->socket)))
			err = mule_agent_ctx_new(&agent, r->socket);
		if (!err)
			err = mule_agent_delete_key(agent, r->socket, p->grip);
		if (!err) {
			p->destroyed = 1;
			r->ndestroyed++;
		}
	}
	gpgme_release(agent);
	return err;
}

static const struct mule_prune_subkey *
entry_of(const struct mule_prune_report *r, const char *fpr)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->subkeys[i].fpr, fpr))
			return &r->subkeys[i];
	return NULL;
}

/* gpg, asked again, lists the key and subkeys of BEFORE (the user's key
 * as listed before) as they were, but for the secrets R destroyed. */
static gpg_error_t
verify(gpgme_ctx_t ctx, gpgme_key_t before, const struct mule_prune_report *r)
{
	const struct mule_prune_subkey *p;
	gpgme_key_t *keys = NULL, k;
	gpgme_subkey_t t, s;
	gpg_error_t err;
	size_t n;
	int want;

	if ((err = list_secret(ctx, &keys, &n)))
		return err;
	k = key_of(keys, before->fpr);
	for (t = before->subkeys; !err && t; t = t->next) {
		p = entry_of(r, t->fpr);
		want = p && p->destroyed ? 0 : t->secret;
		s = subkey_of(k, t->fpr);
		if (p && p->destroyed && s && s->secret)
			err = mule_error_set(mule_fail_code(GPG_ERR_GENERAL),
			    "is it the agent of this GnuPG home? (mule-key(1), "
			    "prune)", "gpg still lists the secret of subkey %s "
			    "after gpg-agent at %s deleted it", t->fpr,
			    r->socket ? r->socket : "?");
		else if (!s || (int)s->secret != want)
			err = mule_error_set(mule_fail_code(GPG_ERR_GENERAL),
			    NULL, "after pruning, gpg lists %s of %s, which "
			    "prune left alone", !s ? "nothing" : want
			    ? "no secret" : "a secret", t->fpr);
	}
	mule_keys_release(keys);
	return err;
}

/* Whether the GnuPG home has a secring.gpg of GnuPG 1 (which gpg 2
 * never reads nor changes). */
static int
old_secring(const struct mule_gpg_opts *gopts)
{
	char *home = NULL, *path = NULL;
	struct stat st;
	int nondefault, yes = 0;

	if (!mule_agent_home(gopts->homedir, &home, &nondefault)
	    && asprintf(&path, "%s/secring.gpg", home) >= 0) {
		yes = !stat(path, &st) && st.st_size > 0;
		free(path);
	}
	mule_error_clear();
	free(home);
	return yes;
}

/* Judge the retired subkeys of K (secret listing KEYS) by the rules. */
static gpg_error_t
judge(gpgme_ctx_t ctx, const struct mule_prune_opts *o, gpgme_key_t *keys,
    gpgme_key_t k, struct mule_prune_report *r)
{
	gpgme_subkey_t current = mule_key_encryption_subkey(k);
	struct mule_usage *u = NULL;
	size_t nu = 0, i;
	gpg_error_t err;

	if (!current)
		return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_PUBKEY),
		    "mule-key rotate makes one", "your key %s has no valid "
		    "encryption subkey: prune keeps the newest valid one, and "
		    "destroys nothing without it", k->fpr);
	snprintf(r->current, sizeof r->current, "%s", current->fpr);
	r->grace_days = o->grace_days >= 0 ? (unsigned long)o->grace_days
	    : default_grace(current);
	err = collect(keys, k, current, o->now, r);
	if (!err && r->n)
		err = mule_usage_load(o->state_dir, &u, &nu);
	for (i = 0; !err && i < r->n; i++)
		if (r->subkeys[i].hold == MULE_HOLD_NONE)
			judge_use(u, nu, (uint64_t)r->grace_days * DAY, o->now,
			    &r->subkeys[i]);
	if (!err && r->n)
		err = judge_peers(ctx, k, u, nu, r);
	free(u);
	return err;
}

gpg_error_t
mule_key_prune(const struct mule_gpg_opts *gopts,
    const struct mule_prune_opts *o, struct mule_prune_report *r)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t mine = NULL, *keys = NULL, k;
	gpg_error_t err;
	size_t n;
	int lock = -1;

	memset(r, 0, sizeof *r);
	err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = mule_keyring_lock(gopts, &lock);
	/* (listing secret keys starts the agent, whose socket we need) */
	if (!err)
		err = list_secret(ctx, &keys, &n);
	if (!err)
		err = mule_key_mine(ctx, o->mine, &mine);
	if (err)
		goto leave;
	snprintf(r->key, sizeof r->key, "%s", mine->fpr);
	if (!(k = key_of(keys, mine->fpr))) {
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), NULL,
		    "your key %s is not among the secret keys", mine->fpr);
		goto leave;
	}
	err = judge(ctx, o, keys, k, r);
	if (err || !r->n)
		goto leave;
	r->old_secring = old_secring(gopts);
	err = destroy(gopts, o->force, r);
	if (r->ndestroyed) {
		gpg_error_t e = verify(ctx, k, r);

		if (!err)
			err = e;
	}
	if (!err && r->nheld) {
		err = held_error(r);
		r->held_error = 1;
	}
leave:
	mule_keyring_unlock(lock);
	mule_keys_release(keys);
	gpgme_key_unref(mine);
	gpgme_release(ctx);
	return err;
}

void
mule_prune_report_release(struct mule_prune_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->subkeys[i].peer_uid);
	free(r->subkeys);
	free(r->socket);
	r->subkeys = NULL;
	r->socket = NULL;
	r->n = 0;
}
