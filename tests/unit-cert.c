/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-cert.c - our reading of an OpenPGP certificate (key/cert.c): the
 * certificates gpg made (tests/vectors/certs, make-certs.sh), the same
 * damaged, and hand-made packets for the edges gpg does not make. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"
#include "key/cert.h"
#include "tap.h"

/* The message recorded by the last parse or check. */
static char msg[1024];

static gpg_error_t
parse(const unsigned char *p, size_t n, struct mule_cert **c)
{
	struct mule_error_record r;
	gpg_error_t err;

	mule_error_clear();
	err = mule_cert_parse(p, n, c);
	mule_error_save(&r);
	snprintf(msg, sizeof msg, "%s", r.msg);
	mule_error_clear();
	return err;
}

static gpg_error_t
strength(const struct mule_cert *c)
{
	struct mule_error_record r;
	gpg_error_t err;

	mule_error_clear();
	err = mule_cert_check_strength(c);
	mule_error_save(&r);
	snprintf(msg, sizeof msg, "%s", r.msg);
	mule_error_clear();
	return err;
}

/* A rejection (exit status 1) with one line of explanation containing
 * WANT (or any, if WANT is NULL). */
static int
rejected(gpg_error_t err, const char *want)
{
	return err && mule_exit_status(err) == MULE_EXIT_REJECTED && *msg &&
	    !strchr(msg, '\n') && (!want || strstr(msg, want));
}

/* Parse P and expect a rejection naming WANT; nothing is returned. */
static int
refuses(const unsigned char *p, size_t n, const char *want)
{
	struct mule_cert *c = (struct mule_cert *)1;
	gpg_error_t err = parse(p, n, &c);

	if (!err)
		mule_cert_free(c);
	if (!rejected(err, want))
		printf("# got: %s (%s)\n", msg, gpg_strerror(err));
	return rejected(err, want) && c == NULL;
}

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		if (!(b->p = realloc(b->p, b->cap)))
			abort();
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put1(struct buf *b, int c)
{
	unsigned char u = (unsigned char)c;

	put(b, &u, 1);
}

static void
put2(struct buf *b, size_t v)
{
	put1(b, (int)(v >> 8 & 0xff));
	put1(b, (int)(v & 0xff));
}

static void
put4(struct buf *b, size_t v)
{
	put2(b, v >> 16);
	put2(b, v & 0xffff);
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* A new-format packet of TAG around BODY, with the shortest length. */
static void
packet(struct buf *out, int tag, const struct buf *body)
{
	put1(out, 0xc0 | tag);
	if (body->n < 192) {
		put1(out, (int)body->n);
	} else if (body->n < 8384) {
		put1(out, (int)((body->n - 192) >> 8) + 192);
		put1(out, (int)((body->n - 192) & 0xff));
	} else {
		put1(out, 255);
		put4(out, body->n);
	}
	put(out, body->p, body->n);
}

static void
packet_bytes(struct buf *out, int tag, const void *p, size_t n)
{
	struct buf body = { 0 };

	put(&body, p, n);
	packet(out, tag, &body);
	buf_free(&body);
}

/* An MPI of BITS bits (its top bit set, then 0xab), or 0 bytes of value
 * behind a header claiming BITS (ZERO). */
static void
mpi(struct buf *b, unsigned bits, int zero)
{
	size_t n = (bits + 7) / 8, i;

	put2(b, bits);
	for (i = 0; i < n; i++)
		put1(b, zero ? 0 : i ? 0xab : 1 << ((bits - 1) % 8));
}

/* A v4 RSA key packet (TAG 6 or 14) of BITS bits. */
static void
key_rsa(struct buf *out, int tag, unsigned bits)
{
	static unsigned long subkeys;
	struct buf k = { 0 };

	put1(&k, 4);
	/* Each subkey made a second later: another fingerprint than the
	 * primary's (a subkey that is the primary is refused). */
	put4(&k, 1700000000 + (tag == 14 ? ++subkeys : 0));
	put1(&k, 1);
	mpi(&k, bits, 0);
	mpi(&k, 17, 0);
	packet(out, tag, &k);
	buf_free(&k);
}

/* A v4 ECDSA key packet on the curve OID (LEN bytes). */
static void
key_ecdsa(struct buf *out, const unsigned char *oid, size_t len)
{
	struct buf k = { 0 };

	put1(&k, 4);
	put4(&k, 1700000000);
	put1(&k, 19);
	put1(&k, (int)len);
	put(&k, oid, len);
	mpi(&k, 263, 0);
	packet(out, 6, &k);
	buf_free(&k);
}

/* A v4 signature by RSA of TYPE with HASH; subpacket areas HASHED and
 * UNHASHED. */
static void
sig_v4(struct buf *out, int type, int hash, const struct buf *hashed,
    const struct buf *unhashed)
{
	struct buf s = { 0 };

	put1(&s, 4);
	put1(&s, type);
	put1(&s, 1);
	put1(&s, hash);
	put2(&s, hashed ? hashed->n : 0);
	if (hashed)
		put(&s, hashed->p, hashed->n);
	put2(&s, unhashed ? unhashed->n : 0);
	if (unhashed)
		put(&s, unhashed->p, unhashed->n);
	put2(&s, 0xabcd);
	mpi(&s, 8, 0);
	packet(out, 2, &s);
	buf_free(&s);
}

/* A v3 signature by RSA of TYPE with HASH, issued by KEYID. */
static void
sig_v3(struct buf *out, int type, int hash, const unsigned char *keyid)
{
	struct buf s = { 0 };

	put1(&s, 3);
	put1(&s, 5);
	put1(&s, type);
	put4(&s, 1700000000);
	put(&s, keyid, 8);
	put1(&s, 1);
	put1(&s, hash);
	put2(&s, 0xabcd);
	mpi(&s, 8, 0);
	packet(out, 2, &s);
	buf_free(&s);
}

static void
sub_keyid(struct buf *b, const unsigned char *keyid)
{
	put1(b, 9);
	put1(b, 16);
	put(b, keyid, 8);
}

static void
sub_fpr(struct buf *b, const unsigned char *fpr)
{
	put1(b, 22);
	put1(b, 33);
	put1(b, 4);
	put(b, fpr, 20);
}

static void
uid(struct buf *b, const char *s)
{
	packet_bytes(b, 13, s, strlen(s));
}

/* The hex fingerprint FPR in binary. */
static void
unhex(unsigned char *out, const char *fpr)
{
	size_t i;

	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(mule_hexval(fpr[2 * i]) << 4 |
		    mule_hexval(fpr[2 * i + 1]));
}

static unsigned char *
load(const char *name, size_t *len)
{
	const char *srcdir = getenv("srcdir");
	char path[4096];
	unsigned char *p;
	long n;
	FILE *f;

	snprintf(path, sizeof path, "%s/tests/vectors/certs/%s",
	    srcdir ? srcdir : ".", name);
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) ||
	    (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(p = malloc((size_t)n)) ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The offsets where the packets of P (N bytes, definite lengths) start,
 * and N: up to MAX of them; their number. */
static size_t
boundaries(const unsigned char *p, size_t n, size_t *at, size_t max)
{
	size_t off = 0, k = 0, hl, bl, i;

	while (off < n && k < max - 1) {
		at[k++] = off;
		if (p[off] & 0x40) {
			if (p[off + 1] < 192)
				hl = 2, bl = p[off + 1];
			else if (p[off + 1] < 224)
				hl = 3, bl = ((size_t)(p[off + 1] - 192) << 8)
				    + p[off + 2] + 192;
			else
				hl = 6, bl = (size_t)p[off + 2] << 24 |
				    (size_t)p[off + 3] << 16 |
				    (size_t)p[off + 4] << 8 | p[off + 5];
		} else {
			hl = 1 + ((size_t)1 << (p[off] & 3));
			for (bl = 0, i = 1; i < hl; i++)
				bl = bl << 8 | p[off + i];
		}
		off += hl + bl;
	}
	at[k++] = n;
	return k;
}

/* Everything a certificate holds, counted. */
static size_t
parts(const struct mule_cert *c)
{
	size_t n = 1 + c->primary.nsigs, i;

	for (i = 0; i < c->nuids; i++)
		n += 1 + c->uids[i].nsigs;
	for (i = 0; i < c->nsubkeys; i++)
		n += 1 + c->subkeys[i].nsigs;
	return n;
}

/* Every prefix of the certificate NAME: none crashes, those cut inside
 * a packet are refused as cut short, those that parse hold less. */
static void
prefixes(const char *name)
{
	struct mule_cert *full = NULL, *c;
	size_t len, at[256], nat, cut, k = 0, bad = 0, whole = 0;
	unsigned char *p = load(name, &len);

	if (parse(p, len, &full)) {
		TAP_OK(0, "%s parses (%s)", name, msg);
		free(p);
		return;
	}
	nat = boundaries(p, len, at, sizeof at / sizeof at[0]);
	for (cut = 0; cut < len; cut++) {
		unsigned char *q = malloc(cut ? cut : 1);
		gpg_error_t err;

		memcpy(q, p, cut);	/* exactly CUT bytes, for ASan */
		c = NULL;
		err = parse(q, cut, &c);
		while (k < nat && at[k] < cut)
			k++;
		if (at[k] != cut) {	/* inside a packet */
			if (!rejected(err, cut ? "cut short" : "empty")) {
				if (bad++ < 3)
					printf("# cut at %zu: %s\n", cut, msg);
			}
		} else if (!err) {
			whole++;
			if (parts(c) >= parts(full))
				bad++;
		} else if (!rejected(err, NULL)) {
			bad++;
		}
		mule_cert_free(c);
		free(q);
	}
	TAP_OK(!bad, "%s: every one of %zu prefixes is refused or holds "
	    "less (%zu parse)", name, len, whole);
	mule_cert_free(full);
	free(p);
}

/* The fingerprints gpg listed (make-certs.sh). */
#define ALICE	"85A645F2C721A8E275E29F9099E000184DF7C098"
#define ALICE_S	"8CEC63B386E61AB482BE9D38E0F12A3DBB5A8D11"
#define RHEA	"43D91916AFFFCF7550A2388A7440F1173048D266"
#define RHEA_S	"D052E8DEED24523BD905112709FFB05508095AAB"
#define REX	"AFFCC694FABA6A1D392641B45B39E5C60AB2F0FC"
#define SHAUN	"5F4F163B86C3797EDE70B3328729F90258F6CA4C"
#define DORA	"836FCC4852FB0223F9C0D1C12758D53D8A71B064"
#define DORA_S	"73BB4E8020957C8409B32645503654B8D5BAFFB7"
#define NINA	"0BB676F46058F0A70B7E43BB7FD7A08200A77536"
#define NINA_S1	"8D5DE0E1702693FDEECBC65DAE4552DA6DEBB3AF"
#define NINA_S2	"FF062D82AA7ADE5BD23A2E475AE3FA2DC7E728FC"

static int
uid_is(const struct mule_cert_uid *u, const char *s)
{
	return !u->attribute && u->len == strlen(s) &&
	    !memcmp(u->data, s, u->len) && u->data[u->len] == '\0';
}

static void
test_alice(void)
{
	struct mule_cert *c = NULL;
	unsigned char *p;
	size_t len, i, ok = 0;

	p = load("ed25519.pgp", &len);
	TAP_OK(!parse(p, len, &c), "ed25519: parses");
	if (!c) {
		free(p);
		return;
	}
	TAP_OK(!strcmp(c->primary.fpr, ALICE), "ed25519: fingerprint %s",
	    c->primary.fpr);
	TAP_OK(c->primary.version == 4 && c->primary.algo == 22 &&
	    c->primary.bits == 255 && c->primary.created == 1796525605,
	    "ed25519: v4 EdDSA of 255 bits, made when gpg said");
	TAP_OK(c->nuids == 3 && uid_is(&c->uids[0],
	    "Alice Liddell <al@example.net>") &&
	    uid_is(&c->uids[1], "Alice <alice@example.org>") &&
	    c->uids[2].attribute && c->uids[2].len > 22,
	    "ed25519: two user IDs and a photo, in order");
	TAP_OK(c->nsubkeys == 1 && !strcmp(c->subkeys[0].fpr, ALICE_S) &&
	    c->subkeys[0].algo == 18 && c->subkeys[0].bits == 255,
	    "ed25519: a Curve25519 ECDH subkey %s",
	    c->nsubkeys ? c->subkeys[0].fpr : "");
	for (i = 0; i < c->nuids; i++)
		ok += c->uids[i].nsigs == 1 && c->uids[i].sigs[0].by_primary
		    && c->uids[i].sigs[0].version == 4 &&
		    c->uids[i].sigs[0].type == 0x13 &&
		    c->uids[i].sigs[0].hash == 8;
	TAP_OK(ok == 3 && c->primary.nsigs == 0 && c->subkeys[0].nsigs == 1 &&
	    c->subkeys[0].sigs[0].type == 0x18 &&
	    c->subkeys[0].sigs[0].by_primary,
	    "ed25519: each user ID self-signed (SHA-256), the subkey bound");
	TAP_OK(!strength(c), "ed25519: strong enough");
	mule_cert_free(c);
	free(p);

	p = load("ed25519-bob-sha1.pgp", &len);
	c = NULL;
	TAP_OK(!parse(p, len, &c) && !strcmp(c->primary.fpr, ALICE),
	    "ed25519 certified by Bob: parses");
	if (c) {
		const struct mule_cert_uid *u = &c->uids[1];

		TAP_OK(u->nsigs == 2 && u->sigs[0].by_primary &&
		    !u->sigs[1].by_primary && u->sigs[1].hash == 2 &&
		    u->sigs[1].type == 0x10 && u->sigs[1].algo == 1,
		    "Bob's SHA-1 certification is read as not Alice's");
		TAP_OK(!strength(c), "a SHA-1 certification by another key "
		    "does not make the certificate weak");
	}
	mule_cert_free(c);
	free(p);
}

/* NAME parses with the primary PFPR; its subkeys' fingerprints are SFPR
 * (NSUB of them); ALGO and BITS of the primary and of each subkey. */
static struct mule_cert *
expect(const char *name, const char *pfpr, int algo, unsigned bits,
    size_t nsub, const char *const *sfpr, const int *salgo,
    const unsigned *sbits)
{
	struct mule_cert *c = NULL;
	unsigned char *p;
	size_t len, i, ok = 0;

	p = load(name, &len);
	TAP_OK(!parse(p, len, &c), "%s: parses", name);
	free(p);
	if (!c)
		return NULL;
	TAP_OK(!strcmp(c->primary.fpr, pfpr) && c->primary.algo == algo &&
	    c->primary.bits == bits, "%s: primary %s, algorithm %d, %u bits",
	    name, c->primary.fpr, c->primary.algo, c->primary.bits);
	for (i = 0; i < nsub && i < c->nsubkeys; i++)
		ok += !strcmp(c->subkeys[i].fpr, sfpr[i]) &&
		    c->subkeys[i].algo == salgo[i] &&
		    c->subkeys[i].bits == sbits[i];
	TAP_OK(c->nsubkeys == nsub && ok == nsub,
	    "%s: %zu subkeys, as gpg listed them", name, nsub);
	return c;
}

static void
test_gpg_certs(void)
{
	static const char *const rhea_s[] = { RHEA_S };
	static const int rsa[] = { 1 }, elg[] = { 16 }, ecdh[] = { 18, 18 };
	static const unsigned b3072[] = { 3072 }, b2048[] = { 2048 };
	static const char *const dora_s[] = { DORA_S };
	static const char *const nina_s[] = { NINA_S1, NINA_S2 };
	static const unsigned nina_b[] = { 521, 512 };
	struct mule_cert *c;

	c = expect("rsa3072.pgp", RHEA, 1, 3072, 1, rhea_s, rsa, b3072);
	TAP_OK(c && !strength(c), "rsa3072: strong enough");
	mule_cert_free(c);

	c = expect("rsa1024.pgp", REX, 1, 1024, 0, NULL, NULL, NULL);
	TAP_OK(c && rejected(strength(c), "RSA of 1024 bits"),
	    "rsa1024: refused as weak: %s", msg);
	mule_cert_free(c);

	c = expect("rsa3072-sha1.pgp", SHAUN, 1, 3072, 0, NULL, NULL, NULL);
	TAP_OK(c && c->nuids == 1 && c->uids[0].nsigs == 1 &&
	    c->uids[0].sigs[0].hash == 2 && c->uids[0].sigs[0].by_primary,
	    "rsa3072-sha1: its self-signature is read as SHA-1");
	TAP_OK(c && rejected(strength(c), "SHA-1"),
	    "rsa3072-sha1: refused for its hash: %s", msg);
	mule_cert_free(c);

	c = expect("dsa2048-elg.pgp", DORA, 17, 2048, 1, dora_s, elg, b2048);
	TAP_OK(c && rejected(strength(c), "ElGamal") &&
	    strstr(msg, DORA_S), "dsa2048-elg: refused for its ElGamal "
	    "subkey: %s", msg);
	mule_cert_free(c);

	c = expect("ecc-nist.pgp", NINA, 19, 256, 2, nina_s, ecdh, nina_b);
	TAP_OK(c && !strength(c), "ecc-nist: strong enough");
	mule_cert_free(c);
}

/* The version byte of the packet starting at P. */
static unsigned char *
body_of(unsigned char *p)
{
	if (p[0] & 0x40)
		return p + (p[1] < 192 ? 2 : p[1] < 224 ? 3 : 6);
	return p + 1 + (1 << (p[0] & 3));
}

static void
test_damaged(void)
{
	static const char *const names[] = { "ed25519.pgp",
	    "ed25519-bob-sha1.pgp", "rsa3072.pgp", "rsa1024.pgp",
	    "rsa3072-sha1.pgp", "dsa2048-elg.pgp", "ecc-nist.pgp" };
	static const int versions[] = { 5, 6, 3, 2, 0 };
	unsigned char *a, *b, *v;
	struct buf two = { 0 };
	struct mule_cert *c = NULL;
	size_t alen, blen, at[64], nat, i, j;

	a = load("ed25519-secret.pgp", &alen);
	TAP_OK(refuses(a, alen, "secret key"), "a secret key export is "
	    "refused: %s", msg);
	free(a);

	a = load("ed25519.pgp", &alen);
	b = load("rsa3072.pgp", &blen);
	put(&two, a, alen);
	put(&two, b, blen);
	TAP_OK(refuses(two.p, two.n, "several keys"), "two certificates "
	    "one after the other are refused: %s", msg);
	two.n = 0;
	put(&two, a, alen);
	put(&two, a, alen);
	TAP_OK(refuses(two.p, two.n, "several keys"), "the same certificate "
	    "twice is refused");

	/* Markers before: the same certificate; a trust packet after:
	 * refused (never exported, it can stand for a hidden packet). */
	two.n = 0;
	put(&two, "\xa8\x03PGP\xca\x03PGP", 10);
	put(&two, a, alen);
	TAP_OK(!parse(two.p, two.n, &c) && !strcmp(c->primary.fpr, ALICE) &&
	    c->nuids == 3, "marker packets are skipped");
	mule_cert_free(c);
	c = NULL;
	put(&two, "\xb0\x02\x00\x00", 4);
	TAP_OK(refuses(two.p, two.n, "trust packet"),
	    "a trust packet after the key is refused");
	two.n = 0;
	put(&two, "\xa8\x03PGQ", 5);
	put(&two, a, alen);
	TAP_OK(refuses(two.p, two.n, "marker"), "a marker packet that is "
	    "not \"PGP\" is refused");
	two.n = 0;
	put(&two, "\xb0\x02\x00\x00", 4);
	put(&two, a, alen);
	TAP_OK(refuses(two.p, two.n, "does not start with a public key"),
	    "a trust packet before the key is refused");
	two.n = 0;
	put(&two, a + 2 + a[1], alen - 2 - a[1]);
	TAP_OK(refuses(two.p, two.n, "does not start with a public key"),
	    "a certificate without its key packet is refused: %s", msg);

	/* The primary's version byte, then the subkey's. */
	nat = boundaries(a, alen, at, sizeof at / sizeof at[0]);
	for (i = 0; versions[i]; i++) {
		v = body_of(a);
		*v = (unsigned char)versions[i];
		TAP_OK(refuses(a, alen, versions[i] == 5 || versions[i] == 6 ?
		    "GnuPG 2.2 cannot use it" : "only v4"),
		    "a v%d primary key is refused: %s", versions[i], msg);
		*v = 4;
	}
	for (j = 0; j + 1 < nat && (a[at[j]] & 0x3c) != 14 << 2; j++)
		;
	TAP_OK(j + 1 < nat, "the subkey packet is found");
	for (i = 0; j + 1 < nat && versions[i]; i++) {
		v = body_of(a + at[j]);
		*v = (unsigned char)versions[i];
		TAP_OK(refuses(a, alen, versions[i] == 5 || versions[i] == 6 ?
		    "GnuPG 2.2 cannot use it" : "only v4"),
		    "a v%d subkey is refused", versions[i]);
		*v = 4;
	}
	/* The subkey packet turned into a secret subkey packet. */
	TAP_OK(!parse(a, alen, &c), "the certificate is whole again");
	mule_cert_free(c);
	c = NULL;
	a[at[j]] = (unsigned char)((a[at[j]] & ~0x3c) | 7 << 2);
	TAP_OK(refuses(a, alen, "secret key"), "a secret subkey packet is "
	    "refused");
	buf_free(&two);
	free(a);
	free(b);

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		prefixes(names[i]);
}

/* A certificate of an RSA key of BITS and one user ID, its signatures
 * to follow; its fingerprint into FPR. */
static void
rsa_cert(struct buf *out, unsigned bits, unsigned char fpr[20])
{
	struct mule_cert *c = NULL;

	out->n = 0;
	key_rsa(out, 6, bits);
	uid(out, "Carol <carol@example.org>");
	if (parse(out->p, out->n, &c))
		abort();
	unhex(fpr, c->primary.fpr);
	mule_cert_free(c);
}

/* OUT (a certificate) parses and passes the strength check (WEAK: 0),
 * or is refused by the check with a message containing WEAK. */
static int
judged(const struct buf *out, const char *weak)
{
	struct mule_cert *c = NULL;
	gpg_error_t err;
	int r;

	if ((err = parse(out->p, out->n, &c))) {
		printf("# parse: %s\n", msg);
		return 0;
	}
	err = strength(c);
	r = weak ? rejected(err, weak) : !err;
	if (!r)
		printf("# check: %s\n", err ? msg : "passed");
	mule_cert_free(c);
	return r;
}

static void
test_self_sigs(void)
{
	static const unsigned char other[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char fpr[20], ofpr[20];
	struct buf b = { 0 }, h = { 0 }, u = { 0 };
	const unsigned char *kid = fpr + 12;

	memset(ofpr, 0x5a, sizeof ofpr);
	rsa_cert(&b, 2048, fpr);
	sub_fpr(&h, fpr);
	sig_v4(&b, 0x13, 8, &h, NULL);
	TAP_OK(judged(&b, NULL), "RSA 2048 with a SHA-256 self-signature "
	    "passes");

	rsa_cert(&b, 2048, fpr);
	sub_keyid(&u, kid);
	sig_v4(&b, 0x10, 2, NULL, &u);
	TAP_OK(judged(&b, "SHA-1"), "SHA-1, the issuer key ID in the "
	    "unhashed area: refused");

	rsa_cert(&b, 2048, fpr);
	sig_v4(&b, 0x12, 1, NULL, NULL);
	TAP_OK(judged(&b, "MD5"), "MD5 and no issuer at all: refused");

	rsa_cert(&b, 2048, fpr);
	u.n = 0;
	sub_keyid(&u, other);
	sig_v4(&b, 0x10, 2, NULL, &u);
	h.n = 0;
	sub_fpr(&h, ofpr);
	sig_v4(&b, 0x13, 3, &h, NULL);
	TAP_OK(judged(&b, NULL), "SHA-1 and RIPEMD-160 by other keys pass");

	rsa_cert(&b, 2048, fpr);
	u.n = 0;
	sub_keyid(&u, other);
	h.n = 0;
	sub_fpr(&h, fpr);
	sig_v4(&b, 0x13, 2, &h, &u);
	TAP_OK(judged(&b, "SHA-1"), "one of two issuers the primary: "
	    "refused");

	rsa_cert(&b, 2048, fpr);
	sig_v3(&b, 0x10, 2, kid);
	TAP_OK(judged(&b, "SHA-1"), "a v3 self-signature with SHA-1: "
	    "refused");
	rsa_cert(&b, 2048, fpr);
	sig_v3(&b, 0x10, 2, other);
	TAP_OK(judged(&b, NULL), "a v3 certification by another key with "
	    "SHA-1 passes");

	rsa_cert(&b, 2048, fpr);
	sig_v4(&b, 0x30, 2, NULL, NULL);
	TAP_OK(judged(&b, NULL), "a SHA-1 certification revocation is not "
	    "one of the types looked at");

	/* Direct-key and revocation signatures, before the user ID. */
	b.n = 0;
	key_rsa(&b, 6, 2048);
	sig_v4(&b, 0x1f, 1, NULL, NULL);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(judged(&b, "MD5"), "an MD5 direct-key signature: refused");
	b.n = 0;
	key_rsa(&b, 6, 2048);
	sig_v4(&b, 0x20, 2, NULL, NULL);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(judged(&b, "SHA-1"), "a SHA-1 key revocation: refused");

	rsa_cert(&b, 2048, fpr);
	key_rsa(&b, 14, 3072);
	h.n = 0;
	sub_keyid(&h, kid);
	sig_v4(&b, 0x18, 3, &h, NULL);
	TAP_OK(judged(&b, "RIPEMD-160"), "a RIPEMD-160 subkey binding: "
	    "refused");
	rsa_cert(&b, 2048, fpr);
	key_rsa(&b, 14, 3072);
	sig_v4(&b, 0x28, 2, NULL, NULL);
	TAP_OK(judged(&b, "SHA-1"), "a SHA-1 subkey revocation: refused");

	rsa_cert(&b, 2047, fpr);
	TAP_OK(judged(&b, "2047 bits"), "RSA of 2047 bits: refused");
	rsa_cert(&b, 2048, fpr);
	key_rsa(&b, 14, 1024);
	TAP_OK(judged(&b, "subkey"), "an RSA 1024 subkey: refused: %s", msg);

	/* A header that claims 2048 bits over a value of leading zeros. */
	b.n = 0;
	{
		struct buf k = { 0 };

		put1(&k, 4);
		put4(&k, 1700000000);
		put1(&k, 1);
		put2(&k, 2048);
		put1(&k, 0);
		put1(&k, 0x80);
		for (size_t i = 2; i < 256; i++)
			put1(&k, 0xab);
		mpi(&k, 17, 0);
		packet(&b, 6, &k);
		buf_free(&k);
	}
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(judged(&b, "2040 bits"), "an MPI header claiming 2048 bits "
	    "over 2040: refused as 2040: %s", msg);

	buf_free(&b);
	buf_free(&h);
	buf_free(&u);
}

static void
test_curves(void)
{
	static const struct {
		unsigned char len, oid[10];
		unsigned bits;
		const char *name;
	} t[] = {
		{ 8, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 256,
		    "NIST P-256" },
		{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 384, "NIST P-384" },
		{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 521, "NIST P-521" },
		{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x0a }, 256, "secp256k1" },
		{ 9, { 0x2b, 0x24, 3, 3, 2, 8, 1, 1, 0x07 }, 256,
		    "brainpoolP256r1" },
		{ 9, { 0x2b, 0x24, 3, 3, 2, 8, 1, 1, 0x0b }, 384,
		    "brainpoolP384r1" },
		{ 9, { 0x2b, 0x24, 3, 3, 2, 8, 1, 1, 0x0d }, 512,
		    "brainpoolP512r1" },
		{ 9, { 0x2b, 6, 1, 4, 1, 0xda, 0x47, 0x0f, 0x01 }, 255,
		    "Ed25519" },
		{ 3, { 0x2b, 0x65, 0x71 }, 448, "Ed448" },
		{ 3, { 0x2a, 0x03, 0x04 }, 0, "an unknown curve" },
		{ 8, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x08 }, 0,
		    "a near miss of P-256" },
	};
	struct mule_cert *c;
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		b.n = 0;
		key_ecdsa(&b, t[i].oid, t[i].len);
		uid(&b, "E <e@example.org>");
		c = NULL;
		/* A curve we do not know is one GnuPG 2.2 cannot use. */
		TAP_OK(!parse(b.p, b.n, &c) && c->primary.bits == t[i].bits &&
		    !strength(c) == (t[i].bits != 0), "a key on %s: %u bits, %s",
		    t[i].name, t[i].bits, t[i].bits ? "passes" : "refused");
		mule_cert_free(c);
	}
	b.n = 0;
	key_ecdsa(&b, t[0].oid, 0);
	uid(&b, "E <e@example.org>");
	TAP_OK(refuses(b.p, b.n, "curve"), "a curve OID of length 0 is "
	    "refused");

	/* ECDH: its KDF parameters are 3 bytes, 1 first. */
	for (i = 0; i < 3; i++) {
		static const char *const kdf[] = { "\x03\x01\x08\x09",
		    "\x02\x01\x08", "\x03\x02\x08\x09" };
		struct buf k = { 0 };

		put1(&k, 4);
		put4(&k, 1700000000);
		put1(&k, 18);
		put1(&k, t[2].len);
		put(&k, t[2].oid, t[2].len);
		mpi(&k, 1059, 0);
		put(&k, kdf[i], strlen(kdf[i]));
		b.n = 0;
		packet(&b, 6, &k);
		uid(&b, "E <e@example.org>");
		c = NULL;
		if (i == 0)
			TAP_OK(!parse(b.p, b.n, &c) && c->primary.algo == 18 &&
			    c->primary.bits == 521, "ECDH on P-521 parses");
		else
			TAP_OK(refuses(b.p, b.n, "KDF"), "ECDH with bad KDF "
			    "parameters is refused (%zu)", i);
		mule_cert_free(c);
		buf_free(&k);
	}
	buf_free(&b);
}

/* A certificate of an RSA 2048 key, a user ID, and one signature whose
 * areas are HASHED (N bytes, as given) and none unhashed. */
static int
sig_area_refused(const void *hashed, size_t n, const char *want)
{
	unsigned char fpr[20];
	struct buf b = { 0 }, h = { 0 };
	int r;

	rsa_cert(&b, 2048, fpr);
	put(&h, hashed, n);
	sig_v4(&b, 0x13, 8, &h, NULL);
	r = refuses(b.p, b.n, want);
	buf_free(&b);
	buf_free(&h);
	return r;
}

static void
test_handmade(void)
{
	unsigned char fpr[20];
	struct buf b = { 0 }, k = { 0 }, s = { 0 };
	struct mule_cert *c = NULL;
	char *big;
	size_t i;

	TAP_OK(refuses((const unsigned char *)"", 0, "empty"),
	    "nothing is refused");
	TAP_OK(refuses((const unsigned char *)"hello\n", 6, "no packet tag"),
	    "text is refused: %s", msg);
	TAP_OK(refuses((const unsigned char *)"\xc6\xe1\x04", 3, "partial"),
	    "a partial length is refused");
	TAP_OK(refuses((const unsigned char *)"\x9b\x04\x00", 3,
	    "indeterminate"), "an indeterminate length is refused");
	TAP_OK(refuses((const unsigned char *)"\xc6\x00", 2, "empty key"),
	    "a zero-length key packet is refused");
	TAP_OK(refuses((const unsigned char *)"\xc6\xff\xff\xff\xff\xff\x04",
	    7, "cut short"), "a 4 GiB length is refused as cut short");
	TAP_OK(refuses((const unsigned char *)"\xa0\x01\x00", 3,
	    "does not start"), "a compressed packet is refused");

	rsa_cert(&b, 2048, fpr);
	TAP_OK(judged(&b, NULL), "a key and a user ID, no signature: parses");
	put(&b, "\xc2\x00", 2);
	TAP_OK(refuses(b.p, b.n, "empty signature"), "a zero-length "
	    "signature packet is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xcd\x00", 2);
	TAP_OK(refuses(b.p, b.n, "empty user ID"), "a zero-length user ID "
	    "is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xd1\x00", 2);
	TAP_OK(refuses(b.p, b.n, "empty user attribute"), "a zero-length "
	    "user attribute is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xd1\x03\x05\x01\x00", 5);
	TAP_OK(refuses(b.p, b.n, "subpacket"), "a user attribute whose "
	    "subpacket runs past it is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc8\x01\x00", 3);
	TAP_OK(refuses(b.p, b.n, "type 8"), "a compressed packet inside is "
	    "refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xcb\x01\x00", 3);
	TAP_OK(refuses(b.p, b.n, "type 11"), "a literal packet inside is "
	    "refused");

	b.n = 0;
	key_rsa(&b, 6, 2048);
	TAP_OK(refuses(b.p, b.n, "no user ID"), "a key alone is refused");
	put(&b, "\xd1\x03\x02\x01\x00", 5);
	TAP_OK(refuses(b.p, b.n, "no user ID"), "a key with only a user "
	    "attribute is refused");
	b.n = 0;
	key_rsa(&b, 6, 2048);
	key_rsa(&b, 14, 2048);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(refuses(b.p, b.n, "after a subkey"), "a user ID after a "
	    "subkey is refused");
	b.n = 0;
	key_rsa(&b, 6, 2048);
	uid(&b, "Carol <carol@example.org>");
	k.n = 0;	/* the primary's body again, as a subkey */
	put1(&k, 4);
	put4(&k, 1700000000);
	put1(&k, 1);
	mpi(&k, 2048, 0);
	mpi(&k, 17, 0);
	packet(&b, 14, &k);
	TAP_OK(refuses(b.p, b.n, "the primary key"), "a subkey that is the "
	    "primary key itself is refused");
	k.n = 0;

	/* The key material, damaged. */
	b.n = 0;
	put1(&k, 4);
	put4(&k, 1700000000);
	put1(&k, 1);
	put2(&k, 4096);
	put(&k, "0123456789", 10);
	packet(&b, 6, &k);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(refuses(b.p, b.n, "MPI longer than its packet"), "an MPI "
	    "longer than the key packet is refused");
	b.n = 0;
	k.n = 0;
	key_rsa(&k, 6, 2048);
	put1(&k, 0);
	k.p[2]++;	/* of a 2-byte length: 2048 bits need one */
	put(&b, k.p, k.n);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(k.p[0] == 0xc6 && k.p[1] >= 192 && k.p[2] != 0 &&
	    refuses(b.p, b.n, "after the key material"),
	    "a byte after the key material is refused");
	b.n = 0;
	k.n = 0;
	put1(&k, 4);
	put4(&k, 1700000000);
	put1(&k, 99);
	put(&k, "whatever it is", 14);
	packet(&b, 6, &k);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(!parse(b.p, b.n, &c) && c->primary.algo == 99 &&
	    c->primary.bits == 0 && strlen(c->primary.fpr) == 40 &&
	    strength(c), "an unknown algorithm is read whole (0 bits), "
	    "and refused as one GnuPG 2.2 cannot use");
	mule_cert_free(c);
	c = NULL;

	/* The same key in old-format packets: the same fingerprint. */
	b.n = 0;
	key_rsa(&b, 6, 2048);
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(!parse(b.p, b.n, &c), "RSA 2048: parses");
	k.n = 0;
	put1(&k, 0x99);		/* old format, tag 6, 2-byte length */
	put2(&k, b.p[1] == 255 ? 0 : ((size_t)(b.p[1] - 192) << 8) +
	    b.p[2] + 192);
	put(&k, b.p + 3, k.p[1] << 8 | k.p[2]);
	put1(&k, 0xb6);		/* old format, tag 13, 4-byte length */
	put4(&k, 25);
	put(&k, "Carol <carol@example.org>", 25);
	{
		struct mule_cert *o = NULL;

		TAP_OK(!parse(k.p, k.n, &o) && !strcmp(o->primary.fpr,
		    c->primary.fpr), "old-format lengths: the same "
		    "fingerprint %s", o ? o->primary.fpr : msg);
		mule_cert_free(o);
	}
	mule_cert_free(c);
	c = NULL;

	/* Signatures, damaged. */
	TAP_OK(sig_area_refused("\x00", 1, "subpacket of 0 bytes"),
	    "a subpacket of length 0 is refused");
	TAP_OK(sig_area_refused("\x09\x10\x01\x02", 4, "subpacket of 9"),
	    "a subpacket longer than its area is refused");
	TAP_OK(sig_area_refused("\xc0", 1, "cut short"),
	    "a two-byte subpacket length cut short is refused");
	TAP_OK(sig_area_refused("\xff\x00\x00", 3, "cut short"),
	    "a five-byte subpacket length cut short is refused");
	TAP_OK(sig_area_refused("\xff\xff\xff\xff\xff\x10", 6, "subpacket of"),
	    "a five-byte subpacket length of 4 GiB is refused");
	TAP_OK(sig_area_refused("\x08\x10\x01\x02\x03\x04\x05\x06\x07", 9,
	    "issuer key ID of 7"), "an issuer key ID of 7 bytes is refused");
	TAP_OK(sig_area_refused("\x03\x21\x04\x00", 4, "issuer fingerprint"),
	    "a short issuer fingerprint is refused");
	{
		unsigned char two[300];

		/* A two-byte subpacket length (192 + 20 = 212 bytes). */
		memset(two, 0x41, sizeof two);
		two[0] = 192;
		two[1] = 20;
		two[2] = 20;	/* notation data, say */
		rsa_cert(&b, 2048, fpr);
		s.n = 0;
		put(&s, two, 2 + 212);
		sig_v4(&b, 0x13, 8, &s, NULL);
		TAP_OK(judged(&b, NULL), "a two-byte subpacket length "
		    "parses");
		TAP_OK(sig_area_refused(two, 2 + 211, "subpacket of 212"),
		    "a two-byte subpacket length one past its area is "
		    "refused");
	}
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x06\x04\x13\x01\x08\x00\x10", 8);
	TAP_OK(refuses(b.p, b.n, "area longer"), "a subpacket area longer "
	    "than its signature is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x0a\x04\x13\x01\x08\x00\x00\x00\x00\xab\xcd", 12);
	TAP_OK(refuses(b.p, b.n, "MPI cut short"), "a signature without "
	    "its MPI is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x09\x04\x13\x01\x08\x00\x00\x00\x00\xab", 11);
	TAP_OK(refuses(b.p, b.n, "cut short"), "a signature without its "
	    "left 16 bits is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x0e\x04\x13\x01\x08\x00\x00\x00\x00\xab\xcd\x00\x01\x01"
	    "\x00", 16);
	TAP_OK(refuses(b.p, b.n, "after its MPIs"), "a byte after a "
	    "signature's MPIs is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x04\x02\x05\x10\x00", 6);
	TAP_OK(refuses(b.p, b.n, "version 2"), "a v2 signature is refused");
	rsa_cert(&b, 2048, fpr);
	i = b.n;
	sig_v3(&b, 0x10, 8, fpr + 12);
	b.p[i + 3] = 4;		/* the length of what it hashes */
	TAP_OK(refuses(b.p, b.n, "not 5"), "a v3 signature hashing 4 bytes "
	    "is refused");
	rsa_cert(&b, 2048, fpr);
	put(&b, "\xc2\x05\x05\x10\x01\x02\x00", 7);
	TAP_OK(!parse(b.p, b.n, &c) && c->uids[0].nsigs == 1 &&
	    c->uids[0].sigs[0].version == 5 && !c->uids[0].sigs[0].by_primary
	    && !strength(c), "a v5 signature (another key's) is kept, not "
	    "read");
	mule_cert_free(c);
	c = NULL;

	/* The bounds. */
	big = malloc(MULE_CERT_MAX_UID_LEN + 2);
	memset(big, 'a', MULE_CERT_MAX_UID_LEN + 1);
	big[MULE_CERT_MAX_UID_LEN + 1] = '\0';
	b.n = 0;
	key_rsa(&b, 6, 2048);
	uid(&b, big + 1);
	TAP_OK(!parse(b.p, b.n, &c) && c->uids[0].len ==
	    MULE_CERT_MAX_UID_LEN, "a user ID of %d bytes parses",
	    MULE_CERT_MAX_UID_LEN);
	mule_cert_free(c);
	c = NULL;
	b.n = 0;
	key_rsa(&b, 6, 2048);
	uid(&b, big);
	TAP_OK(refuses(b.p, b.n, "user ID of 4097 bytes"), "a user ID of "
	    "one byte more is refused");
	free(big);
	b.n = 0;
	key_rsa(&b, 6, 2048);
	packet_bytes(&b, 13, "Carol\0<evil@example.org>", 24);
	TAP_OK(refuses(b.p, b.n, "NUL"), "a user ID with a NUL byte is "
	    "refused");

	b.n = 0;
	key_rsa(&b, 6, 2048);
	for (i = 0; i < MULE_CERT_MAX_UIDS; i++)
		uid(&b, "Carol <carol@example.org>");
	TAP_OK(!parse(b.p, b.n, &c) && c->nuids == MULE_CERT_MAX_UIDS,
	    "%d user IDs parse", MULE_CERT_MAX_UIDS);
	mule_cert_free(c);
	c = NULL;
	uid(&b, "Carol <carol@example.org>");
	TAP_OK(refuses(b.p, b.n, "user IDs"), "one more is refused");

	rsa_cert(&b, 2048, fpr);
	for (i = 0; i < MULE_CERT_MAX_SUBKEYS; i++)
		key_rsa(&b, 14, 2048);
	TAP_OK(!parse(b.p, b.n, &c) && c->nsubkeys == MULE_CERT_MAX_SUBKEYS,
	    "%d subkeys parse", MULE_CERT_MAX_SUBKEYS);
	mule_cert_free(c);
	c = NULL;
	key_rsa(&b, 14, 2048);
	TAP_OK(refuses(b.p, b.n, "subkeys"), "one more is refused");

	rsa_cert(&b, 2048, fpr);
	for (i = 0; i < MULE_CERT_MAX_SIGS; i++)
		sig_v4(&b, 0x10, 8, NULL, NULL);
	TAP_OK(!parse(b.p, b.n, &c) && c->uids[0].nsigs == MULE_CERT_MAX_SIGS,
	    "%d signatures parse", MULE_CERT_MAX_SIGS);
	mule_cert_free(c);
	c = NULL;
	sig_v4(&b, 0x10, 8, NULL, NULL);
	TAP_OK(refuses(b.p, b.n, "signatures"), "one more is refused");

	mule_cert_free(NULL);
	buf_free(&b);
	buf_free(&k);
	buf_free(&s);
}

/* A certificate of an RSA-2048 key and one user ID, then a subkey of
 * ALGO (1 RSA, 17 DSA) whose first MPI has BITS bits and (RSA) whose
 * exponent has EBITS. */
static void
costly_cert(struct buf *out, int algo, unsigned bits, unsigned ebits)
{
	unsigned char fpr[20];
	struct buf k = { 0 };

	rsa_cert(out, 2048, fpr);
	put1(&k, 4);
	put4(&k, 1700000100);
	put1(&k, algo);
	mpi(&k, bits, 0);
	if (algo == 17) {
		mpi(&k, 256, 0);
		mpi(&k, bits - 1, 0);
		mpi(&k, bits - 1, 0);
	} else
		mpi(&k, ebits, 0);
	packet(out, 14, &k);
	buf_free(&k);
}

/* Keys whose signatures take long to check: gpg checks them again at
 * each listing. */
static void
test_costly(void)
{
	struct buf b = { 0 };

	costly_cert(&b, 1, 16384, 17);
	TAP_OK(judged(&b, NULL), "an RSA subkey of 16384 bits, exponent "
	    "65537: passes");
	costly_cert(&b, 1, 16385, 17);
	TAP_OK(judged(&b, "RSA of 16385 bits (at most 16384)"), "an RSA "
	    "subkey of 16385 bits: refused: %s", msg);
	costly_cert(&b, 1, 4096, 64);
	TAP_OK(judged(&b, NULL), "an RSA exponent of 64 bits: passes");
	costly_cert(&b, 1, 4096, 65);
	TAP_OK(judged(&b, "public exponent of 65 bits (at most 64)"), "an "
	    "RSA exponent of 65 bits: refused: %s", msg);
	costly_cert(&b, 1, 2048, 2048);
	TAP_OK(judged(&b, "public exponent of 2048 bits"), "an RSA exponent "
	    "as large as the modulus: refused");
	costly_cert(&b, 17, 3072, 0);
	TAP_OK(judged(&b, NULL), "a DSA subkey of 3072 bits: passes");
	costly_cert(&b, 17, 3073, 0);
	TAP_OK(judged(&b, "DSA of 3073 bits (at most 3072)"), "a DSA subkey "
	    "of 3073 bits: refused: %s", msg);
	buf_free(&b);
}

int
main(void)
{
	if (mule_secret_init())
		return 1;
	test_alice();
	test_gpg_certs();
	test_damaged();
	test_self_sigs();
	test_costly();
	test_curves();
	test_handmade();
	return tap_done();
}
