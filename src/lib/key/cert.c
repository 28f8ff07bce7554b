/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert.c - our own reading of an OpenPGP certificate. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "key/cert.h"
#include "pgp/packet.h"

#define TAG_SIG		2
#define TAG_SECKEY	5
#define TAG_PUBKEY	6
#define TAG_SECSUBKEY	7
#define TAG_MARKER	10
#define TAG_TRUST	12
#define TAG_UID		13
#define TAG_PUBSUBKEY	14
#define TAG_ATTR	17

#define FPR_LEN		20

/* What the bytes left of a packet are read through. */
struct cursor {
	const unsigned char *p;
	size_t n;
};

/* Whom the signatures read next belong to. */
enum owner { OWNER_PRIMARY, OWNER_UID, OWNER_SUBKEY };

struct parser {
	struct mule_cert *cert;
	unsigned char fpr[FPR_LEN];	/* the primary's, binary */
	enum owner owner;	/* of the next signature: the last uid or
				 * subkey read */
	size_t nsigs;		/* in all */
	int have_primary;
};

/* A malformed certificate: one line saying what is wrong. */
__attribute__((format(printf, 1, 2)))
static gpg_error_t
malformed(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mule_reject(GPG_ERR_INV_PACKET, NULL,
	    "not a valid OpenPGP certificate: %s", msg);
}

/* Room for element N of ARR, an array of elements of SIZE bytes whose
 * capacity is N rounded up to a power of two: ARR itself, a larger copy
 * of it, or NULL (ARR left as it was) when memory runs out.  The bounds
 * of cert.h keep N far from overflowing. */
static void *
room(void *arr, size_t n, size_t size)
{
	if (n & (n - 1))
		return arr;
	return realloc(arr, (n ? 2 * n : 1) * size);
}

static int
take(struct cursor *c, size_t k, const unsigned char **out)
{
	if (c->n < k)
		return -1;
	*out = c->p;
	c->p += k;
	c->n -= k;
	return 0;
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16
	    | (unsigned long)p[2] << 8 | p[3];
}

/* The packet at BUF + *OFF (before LEN): its tag and body; *OFF moves
 * past it.  Only definite lengths: a certificate has no streams. */
static gpg_error_t
next_packet(const unsigned char *buf, size_t len, size_t *off, int *tag,
    struct cursor *body)
{
	const unsigned char *p = buf + *off;
	size_t n = len - *off, hlen, blen, lenlen, i;

	if (!(p[0] & 0x80))
		return malformed("no packet tag at byte %zu", *off);
	if (p[0] & 0x40) {
		*tag = p[0] & 0x3f;
		if (n >= 2 && p[1] >= 224 && p[1] < 255)
			return malformed("a packet with a partial length");
		hlen = n < 2 ? 2 : p[1] < 192 ? 2 : p[1] < 224 ? 3 : 6;
		if (n < hlen)
			goto cut;
		if (hlen == 2)
			blen = p[1];
		else if (hlen == 3)
			blen = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		else
			blen = be32(p + 2);
	} else {
		*tag = (p[0] >> 2) & 0x0f;
		if ((p[0] & 3) == 3)
			return malformed("a packet of indeterminate length");
		lenlen = (size_t)1 << (p[0] & 3);
		hlen = 1 + lenlen;
		if (n < hlen)
			goto cut;
		for (blen = 0, i = 0; i < lenlen; i++)
			blen = blen << 8 | p[1 + i];
	}
	if (blen > n - hlen)
		goto cut;
	body->p = p + hlen;
	body->n = blen;
	*off += hlen + blen;
	return 0;
cut:
	return mule_reject(GPG_ERR_TRUNCATED, NULL,
	    "the certificate is cut short (in a packet at byte %zu)", *off);
}

/* An MPI at C; *BITS gets the bits of its value, leading zeros not
 * counted (a header may claim more than the value holds). */
static gpg_error_t
read_mpi(struct cursor *c, unsigned *bits, const char *what)
{
	const unsigned char *p;
	size_t nbytes, i;
	unsigned b;

	if (c->n < 2)
		return malformed("%s: an MPI cut short", what);
	nbytes = (((size_t)c->p[0] << 8 | c->p[1]) + 7) / 8;
	c->p += 2;
	c->n -= 2;
	if (take(c, nbytes, &p))
		return malformed("%s: an MPI longer than its packet", what);
	for (i = 0; i < nbytes && !p[i]; i++)
		;
	if (i == nbytes) {
		*bits = 0;
		return 0;
	}
	for (b = 0; p[i] >> b; b++)
		;
	*bits = (unsigned)(nbytes - i - 1) * 8 + b;
	return 0;
}

/* The curves of RFC 6637, RFC 4880bis and RFC 9580, by OID. */
static const struct {
	unsigned char len;
	unsigned char oid[10];
	unsigned bits;
} curves[] = {
	{ 8, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 256 },
	{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 384 },
	{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 521 },
	{ 5, { 0x2b, 0x81, 0x04, 0x00, 0x0a }, 256 },	/* secp256k1 */
	{ 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07 }, 256 },
	{ 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b }, 384 },
	{ 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d }, 512 },
	{ 9, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01 }, 255 },
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01 },
	    255 },
	{ 3, { 0x2b, 0x65, 0x71 }, 448 },	/* Ed448 */
	{ 3, { 0x2b, 0x65, 0x6f }, 448 },	/* X448 */
};

/* The curve OID at C: *BITS gets its size, or 0 if we do not know it. */
static gpg_error_t
read_curve(struct cursor *c, unsigned *bits)
{
	const unsigned char *oid;
	size_t len, i;

	if (c->n < 1 || c->p[0] == 0 || c->p[0] == 0xff)
		return malformed("key packet: no curve OID");
	len = c->p[0];
	c->p++;
	c->n--;
	if (take(c, len, &oid))
		return malformed("key packet: a curve OID longer than its "
		    "packet");
	*bits = 0;
	for (i = 0; i < sizeof curves / sizeof curves[0]; i++)
		if (curves[i].len == len && !memcmp(curves[i].oid, oid, len))
			*bits = curves[i].bits;
	return 0;
}

/* The public key material of a v4 key packet for ALGO; C must end with
 * it.  Algorithms we do not know are taken whole, with 0 bits.  *EBITS:
 * the bits of an RSA key's public exponent. */
static gpg_error_t
read_key_material(struct cursor *c, int algo, unsigned *bits,
    unsigned *ebits)
{
	static const char what[] = "key packet";
	const unsigned char *kdf;
	unsigned ignore;
	gpg_error_t err = 0;
	int i, nmpi = 0;

	*bits = *ebits = 0;
	switch (algo) {
	case 1: case 2: case 3:		/* RSA: n, e */
		nmpi = 2;
		break;
	case 16: case 20:		/* ElGamal: p, g, y */
		nmpi = 3;
		break;
	case 17:			/* DSA: p, q, g, y */
		nmpi = 4;
		break;
	case 18: case 19: case 22:	/* ECDH, ECDSA, EdDSA: OID, point */
		if ((err = read_curve(c, bits)) ||
		    (err = read_mpi(c, &ignore, what)))
			return err;
		if (algo != 18)
			break;
		/* ECDH: the KDF parameters, 3 bytes: 1, hash, cipher */
		if (take(c, 4, &kdf) || kdf[0] != 3 || kdf[1] != 1)
			return malformed("key packet: bad ECDH KDF parameters");
		break;
	default:
		c->p += c->n;
		c->n = 0;
		return 0;
	}
	for (i = 0; i < nmpi; i++)
		if ((err = read_mpi(c, !i ? bits : i == 1 && nmpi == 2 ? ebits
		    : &ignore, what)))
			return err;
	if (c->n)
		return malformed("key packet: %zu bytes after the key material",
		    c->n);
	return 0;
}

/* The key packet BODY (primary or subkey) into K; its binary
 * fingerprint into FPR. */
static gpg_error_t
read_key(struct cursor body, struct mule_cert_key *k,
    unsigned char fpr[FPR_LEN])
{
	struct cursor c = body;
	const unsigned char *head;
	gpg_error_t err;

	if (c.n < 1)
		return malformed("an empty key packet");
	k->version = c.p[0];
	if (k->version == 5 || k->version == 6)
		return mule_reject(GPG_ERR_UNKNOWN_VERSION,
		    "ask for a v4 key", "a v%d key: GnuPG 2.2 cannot use it",
		    k->version);
	if (k->version != 4)
		return mule_reject(GPG_ERR_UNKNOWN_VERSION, NULL,
		    "a v%d key: only v4 keys are accepted", k->version);
	if (take(&c, 6, &head))
		return malformed("key packet: cut short");
	k->created = be32(head + 1);
	k->algo = head[5];
	if ((err = read_key_material(&c, k->algo, &k->bits, &k->exp_bits)))
		return err;
	err = mule_packet_v4_fpr(body.p, body.n, fpr);
	if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
		return malformed("a key packet of more than 65535 bytes");
	if (err)
		return err;
	mule_hex_encode_upper(k->fpr, fpr, FPR_LEN);
	return 0;
}

/* The next subpacket of the area at C (a signature's subpackets, or a
 * user attribute's): its type (without the critical bit) and data. */
static gpg_error_t
next_subpacket(struct cursor *c, int *type, struct cursor *data)
{
	const unsigned char *p = c->p, *sub;
	size_t hl, sl;

	if (p[0] < 192)
		hl = 1, sl = p[0];
	else if (p[0] < 255 && c->n >= 2)
		hl = 2, sl = ((size_t)(p[0] - 192) << 8) + p[1] + 192;
	else if (p[0] == 255 && c->n >= 5)
		hl = 5, sl = be32(p + 1);
	else
		return malformed("a subpacket length cut short");
	c->p += hl;
	c->n -= hl;
	if (sl == 0 || take(c, sl, &sub))
		return malformed("a subpacket of %zu bytes in %zu", sl, c->n);
	*type = sub[0] & 0x7f;
	data->p = sub + 1;
	data->n = sl - 1;
	return 0;
}

/* The subpacket area AREA of a v4 signature: *ISSUER is set if it names
 * an issuer, *MINE if that is the primary (key ID: the last 8 bytes of
 * its fingerprint FPR). */
static gpg_error_t
read_sig_subpackets(struct cursor area, const unsigned char fpr[FPR_LEN],
    int *issuer, int *mine)
{
	struct cursor d;
	gpg_error_t err;
	int type;

	while (area.n) {
		if ((err = next_subpacket(&area, &type, &d)))
			return err;
		if (type == 16) {		/* issuer key ID */
			if (d.n != 8)
				return malformed("signature: an issuer key ID "
				    "of %zu bytes", d.n);
			*issuer = 1;
			*mine |= !memcmp(d.p, fpr + FPR_LEN - 8, 8);
		} else if (type == 33) {	/* issuer fingerprint */
			if (d.n < 1 || (d.p[0] == 4 && d.n != 1 + FPR_LEN) ||
			    ((d.p[0] == 5 || d.p[0] == 6) && d.n != 1 + 32))
				return malformed("signature: a malformed "
				    "issuer fingerprint");
			*issuer = 1;
			*mine |= d.p[0] == 4 && !memcmp(d.p + 1, fpr, FPR_LEN);
		}
	}
	return 0;
}

/* The MPIs of a v3 or v4 signature by ALGO; C must end with them.  Other
 * algorithms' are taken whole. */
static gpg_error_t
read_sig_mpis(struct cursor *c, int algo)
{
	unsigned ignore;
	gpg_error_t err;
	int i, nmpi;

	switch (algo) {
	case 1: case 2: case 3:		/* RSA */
		nmpi = 1;
		break;
	case 16: case 17: case 19: case 20: case 22:	/* r, s */
		nmpi = 2;
		break;
	default:
		return 0;
	}
	for (i = 0; i < nmpi; i++)
		if ((err = read_mpi(c, &ignore, "signature")))
			return err;
	if (c->n)
		return malformed("signature: %zu bytes after its MPIs", c->n);
	return 0;
}

/* A v4 signature (the version byte read) into S. */
static gpg_error_t
read_sig_v4(struct cursor *c, const unsigned char fpr[FPR_LEN],
    struct mule_cert_sig *s)
{
	const unsigned char *head, *len, *left16;
	struct cursor area;
	int issuer = 0, mine = 0, i;
	gpg_error_t err;

	if (take(c, 3, &head))
		return malformed("signature: cut short");
	s->type = head[0];
	s->algo = head[1];
	s->hash = head[2];
	/* The hashed, then the unhashed subpackets: both may name the
	 * issuer. */
	for (i = 0; i < 2; i++) {
		if (take(c, 2, &len))
			return malformed("signature: cut short");
		area.n = (size_t)len[0] << 8 | len[1];
		if (take(c, area.n, &area.p))
			return malformed("signature: a subpacket area longer "
			    "than its packet");
		if ((err = read_sig_subpackets(area, fpr, &issuer, &mine)))
			return err;
	}
	if (take(c, 2, &left16))
		return malformed("signature: cut short");
	s->by_primary = mine || !issuer;
	return read_sig_mpis(c, s->algo);
}

/* A v3 signature (the version byte read) into S: its issuer is in the
 * packet itself. */
static gpg_error_t
read_sig_v3(struct cursor *c, const unsigned char fpr[FPR_LEN],
    struct mule_cert_sig *s)
{
	const unsigned char *p;

	if (take(c, 18, &p))
		return malformed("signature: cut short");
	if (p[0] != 5)
		return malformed("signature: a v3 signature hashing %d bytes, "
		    "not 5", p[0]);
	s->type = p[1];
	s->by_primary = !memcmp(p + 6, fpr + FPR_LEN - 8, 8);
	s->algo = p[14];
	s->hash = p[15];
	return read_sig_mpis(c, s->algo);
}

/* The signature packet BODY into S. */
static gpg_error_t
read_sig(struct cursor body, const unsigned char fpr[FPR_LEN],
    struct mule_cert_sig *s)
{
	struct cursor c = body;

	memset(s, 0, sizeof *s);
	if (c.n < 1)
		return malformed("an empty signature packet");
	s->version = c.p[0];
	c.p++;
	c.n--;
	switch (s->version) {
	case 3:
		return read_sig_v3(&c, fpr, s);
	case 4:
		return read_sig_v4(&c, fpr, s);
	case 5: case 6:
		/* Another key's (a v4 key makes v3 and v4 signatures):
		 * gpg 2.2 skips it; we only note what it is. */
		if (c.n < 3)
			return malformed("signature: cut short");
		s->type = c.p[0];
		s->algo = c.p[1];
		s->hash = c.p[2];
		return 0;
	default:
		return malformed("a signature of version %d", s->version);
	}
}

/* The signature packet BODY, kept with the key, user ID or subkey read
 * last. */
static gpg_error_t
add_sig(struct parser *ps, struct cursor body)
{
	struct mule_cert *c = ps->cert;
	struct mule_cert_sig **sigs, *p;
	size_t *n;
	gpg_error_t err;

	if (++ps->nsigs > MULE_CERT_MAX_SIGS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a certificate "
		    "with more than %d signatures", MULE_CERT_MAX_SIGS);
	if (ps->owner == OWNER_UID) {
		sigs = &c->uids[c->nuids - 1].sigs;
		n = &c->uids[c->nuids - 1].nsigs;
	} else if (ps->owner == OWNER_SUBKEY) {
		sigs = &c->subkeys[c->nsubkeys - 1].sigs;
		n = &c->subkeys[c->nsubkeys - 1].nsigs;
	} else {
		sigs = &c->primary.sigs;
		n = &c->primary.nsigs;
	}
	if (!(p = room(*sigs, *n, sizeof **sigs)))
		return gpg_error_from_syserror();
	*sigs = p;
	if ((err = read_sig(body, ps->fpr, &p[*n])))
		return err;
	(*n)++;
	return 0;
}

/* A user ID (or user attribute, ATTRIBUTE) packet BODY. */
static gpg_error_t
add_uid(struct parser *ps, struct cursor body, int attribute)
{
	struct mule_cert *c = ps->cert;
	struct mule_cert_uid *u;
	const char *what = attribute ? "user attribute" : "user ID";
	const unsigned char *data = body.p;
	size_t len = body.n;
	struct cursor d;
	gpg_error_t err;
	int type;

	if (ps->owner == OWNER_SUBKEY)
		return malformed("a %s after a subkey", what);
	if (c->nuids >= MULE_CERT_MAX_UIDS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a certificate "
		    "with more than %d user IDs", MULE_CERT_MAX_UIDS);
	if (body.n == 0)
		return malformed("an empty %s", what);
	if (body.n > (attribute ? MULE_CERT_MAX_ATTR_LEN :
	    MULE_CERT_MAX_UID_LEN))
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a %s of %zu "
		    "bytes (at most %d)", what, body.n, attribute ?
		    MULE_CERT_MAX_ATTR_LEN : MULE_CERT_MAX_UID_LEN);
	/* The NUL added after the data would cut such a user ID short
	 * where it is read as a string. */
	if (!attribute && memchr(body.p, 0, body.n))
		return malformed("a user ID with a NUL byte");
	/* An attribute is framed as a signature's subpackets. */
	while (attribute && body.n)
		if ((err = next_subpacket(&body, &type, &d)))
			return err;
	if (!(u = room(c->uids, c->nuids, sizeof *c->uids)))
		return gpg_error_from_syserror();
	c->uids = u;
	u += c->nuids;
	memset(u, 0, sizeof *u);
	if (!(u->data = malloc(len + 1)))
		return gpg_error_from_syserror();
	memcpy(u->data, data, len);
	u->data[len] = '\0';
	u->len = len;
	u->attribute = attribute;
	c->nuids++;
	ps->owner = OWNER_UID;
	return 0;
}

static gpg_error_t
add_subkey(struct parser *ps, struct cursor body)
{
	struct mule_cert *c = ps->cert;
	struct mule_cert_key *k;
	unsigned char fpr[FPR_LEN];
	gpg_error_t err;

	if (c->nsubkeys >= MULE_CERT_MAX_SUBKEYS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a certificate "
		    "with more than %d subkeys", MULE_CERT_MAX_SUBKEYS);
	if (!(k = room(c->subkeys, c->nsubkeys, sizeof *c->subkeys)))
		return gpg_error_from_syserror();
	c->subkeys = k;
	k += c->nsubkeys;
	memset(k, 0, sizeof *k);
	if ((err = read_key(body, k, fpr)))
		return err;
	/* gpg finds a key by its subkeys' fingerprints too. */
	if (!strcmp(k->fpr, c->primary.fpr))
		return mule_reject(GPG_ERR_AMBIGUOUS, NULL, "a subkey that is "
		    "the primary key %s itself", c->primary.fpr);
	c->nsubkeys++;
	ps->owner = OWNER_SUBKEY;
	return 0;
}

/* One packet of TAG, BODY in a certificate. */
static gpg_error_t
add_packet(struct parser *ps, int tag, struct cursor body)
{
	if (tag == TAG_SECKEY || tag == TAG_SECSUBKEY)
		return mule_reject(GPG_ERR_UNEXPECTED,
		    "export the public key only (gpg --export)",
		    "a secret key: a certificate must hold only public keys");
	if (tag == TAG_MARKER) {	/* "PGP", to be ignored */
		if (body.n != 3 || memcmp(body.p, "PGP", 3))
			return malformed("a marker packet that is not \"PGP\"");
		return 0;
	}
	if (!ps->have_primary) {
		if (tag != TAG_PUBKEY)
			return malformed("it does not start with a public key "
			    "(a packet of type %d)", tag);
		ps->have_primary = 1;
		ps->owner = OWNER_PRIMARY;
		return read_key(body, &ps->cert->primary, ps->fpr);
	}
	switch (tag) {
	case TAG_PUBKEY:
		return mule_reject(GPG_ERR_AMBIGUOUS, "give one key at a time",
		    "several keys: a second primary key after %s",
		    ps->cert->primary.fpr);
	case TAG_PUBSUBKEY:
		return add_subkey(ps, body);
	case TAG_UID:
		return add_uid(ps, body, 0);
	case TAG_ATTR:
		return add_uid(ps, body, 1);
	case TAG_SIG:
		return add_sig(ps, body);
	case TAG_TRUST:
		/* A local keyring's, never exported: in a file from
		 * across the gap it can only hide a packet (a user ID
		 * retagged as trust vanishes without a word). */
		return mule_reject(GPG_ERR_INV_DATA, "export the key again: "
		    "mule-key export (or gpg --export) writes none",
		    "a trust packet, which no exported certificate has");
	default:
		return malformed("a packet of type %d", tag);
	}
}

gpg_error_t
mule_cert_parse(const unsigned char *buf, size_t len, struct mule_cert **cert)
{
	struct parser ps;
	struct cursor body = { NULL, 0 };
	size_t off = 0, i;
	gpg_error_t err = 0;
	int tag = 0;

	*cert = NULL;
	memset(&ps, 0, sizeof ps);
	if (!(ps.cert = calloc(1, sizeof *ps.cert)))
		return gpg_error_from_syserror();
	if (!len) {
		err = mule_reject(GPG_ERR_NO_DATA, NULL,
		    "an empty certificate");
		goto leave;
	}
	while (off < len) {
		if ((err = next_packet(buf, len, &off, &tag, &body)) ||
		    (err = add_packet(&ps, tag, body)))
			goto leave;
	}
	if (!ps.have_primary) {
		err = malformed("no public key");
		goto leave;
	}
	for (i = 0; i < ps.cert->nuids && ps.cert->uids[i].attribute; i++)
		;
	if (i == ps.cert->nuids) {
		err = malformed("no user ID");
		goto leave;
	}
	*cert = ps.cert;
	ps.cert = NULL;
leave:
	mule_cert_free(ps.cert);
	return err;
}

static const char *
algo_name(int algo)
{
	switch (algo) {
	case 1: case 2: case 3:
		return "RSA";
	case 16: case 20:
		return "ElGamal";
	case 17:
		return "DSA";
	default:
		return "?";
	}
}

/* KEY (the primary, or subkey FPR) is strong enough, or a rejection. */
static gpg_error_t
check_key(const struct mule_cert_key *k, int primary)
{
	const char *which = primary ? "primary key" : "subkey";

	switch (k->algo) {
	case 16: case 20:
		return mule_reject(GPG_ERR_WEAK_KEY, NULL, "a weak key: %s %s "
		    "is ElGamal, which is not accepted", which, k->fpr);
	case 1: case 2: case 3: case 17:
		if (k->bits < 2048)
			return mule_reject(GPG_ERR_WEAK_KEY, NULL, "a weak key: "
			    "%s %s is %s of %u bits (at least 2048 are needed)",
			    which, k->fpr, algo_name(k->algo), k->bits);
		/* gpg checks a key's signatures again each time it lists
		 * it: what one check costs must stay small. */
		if (k->bits > (k->algo == 17 ? MULE_CERT_MAX_DSA_BITS
		    : MULE_CERT_MAX_RSA_BITS))
			return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a key too "
			    "costly to check: %s %s is %s of %u bits (at most "
			    "%d)", which, k->fpr, algo_name(k->algo), k->bits,
			    k->algo == 17 ? MULE_CERT_MAX_DSA_BITS
			    : MULE_CERT_MAX_RSA_BITS);
		if (k->algo != 17 && k->exp_bits > MULE_CERT_MAX_RSA_EXP_BITS)
			return mule_reject(GPG_ERR_TOO_LARGE, NULL, "a key too "
			    "costly to check: %s %s is RSA with a public "
			    "exponent of %u bits (at most %d)", which, k->fpr,
			    k->exp_bits, MULE_CERT_MAX_RSA_EXP_BITS);
		return 0;
	case 18: case 19: case 22:
		if (k->bits)
			return 0;
		return mule_reject(GPG_ERR_UNKNOWN_CURVE, NULL, "%s %s is on "
		    "a curve that GnuPG 2.2 does not know", which, k->fpr);
	default:
		/* gpg would drop it without a word, or refuse it for a
		 * reason of its own (SM2 is 99). */
		return mule_reject(GPG_ERR_PUBKEY_ALGO, NULL, "%s %s uses "
		    "public-key algorithm %d, which GnuPG 2.2 cannot use",
		    which, k->fpr, k->algo);
	}
}

static int
is_self_sig_type(int type)
{
	return (type >= 0x10 && type <= 0x13) || type == 0x18 ||
	    type == 0x1f || type == 0x20 || type == 0x28;
}

static const char *
weak_hash_name(int hash)
{
	switch (hash) {
	case 1:
		return "MD5";
	case 2:
		return "SHA-1";
	case 3:
		return "RIPEMD-160";
	default:
		return NULL;
	}
}

/* The NSIGS signatures at SIGS, on WHAT: none of the primary's own has
 * a weak hash, or a rejection. */
static gpg_error_t
check_sigs(const struct mule_cert_sig *sigs, size_t nsigs, const char *what)
{
	const char *name;
	size_t i;

	for (i = 0; i < nsigs; i++) {
		if (!sigs[i].by_primary || !is_self_sig_type(sigs[i].type) ||
		    !(name = weak_hash_name(sigs[i].hash)))
			continue;
		/* A keyring that merged several exports keeps old
		 * self-signatures beside renewed ones; export-minimal
		 * exports only the newest. */
		return mule_reject(GPG_ERR_DIGEST_ALGO, "its owner can renew "
		    "the self-signatures with SHA-256 or better and export "
		    "with --export-options export-minimal",
		    "a weak self-signature: the one of type 0x%02x on %s "
		    "uses %s", sigs[i].type, what, name);
	}
	return 0;
}

gpg_error_t
mule_cert_check_strength(const struct mule_cert *cert)
{
	char what[80];
	gpg_error_t err;
	size_t i;

	if ((err = check_key(&cert->primary, 1)))
		return err;
	for (i = 0; i < cert->nsubkeys; i++)
		if ((err = check_key(&cert->subkeys[i], 0)))
			return err;
	snprintf(what, sizeof what, "the primary key");
	if ((err = check_sigs(cert->primary.sigs, cert->primary.nsigs, what)))
		return err;
	for (i = 0; i < cert->nuids; i++) {
		snprintf(what, sizeof what, "%s %zu", cert->uids[i].attribute ?
		    "user attribute" : "user ID", i + 1);
		if ((err = check_sigs(cert->uids[i].sigs, cert->uids[i].nsigs,
		    what)))
			return err;
	}
	for (i = 0; i < cert->nsubkeys; i++) {
		snprintf(what, sizeof what, "subkey %s", cert->subkeys[i].fpr);
		if ((err = check_sigs(cert->subkeys[i].sigs,
		    cert->subkeys[i].nsigs, what)))
			return err;
	}
	return 0;
}

gpg_error_t
mule_cert_check_bindings(const struct mule_cert *cert)
{
	const struct mule_cert_key *k;
	size_t i, j;
	int bound;

	for (i = 0; i < cert->nsubkeys; i++) {
		k = &cert->subkeys[i];
		bound = 0;
		for (j = 0; j < k->nsigs; j++) {
			if (k->sigs[j].type != 0x18 && k->sigs[j].type != 0x28)
				continue;
			if (!k->sigs[j].by_primary)
				return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
				    "subkey %s is bound by another key, not by "
				    "the primary key %s", k->fpr,
				    cert->primary.fpr);
			bound |= k->sigs[j].type == 0x18;
		}
		if (!bound)
			return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
			    "subkey %s has no binding signature", k->fpr);
	}
	return 0;
}

void
mule_cert_free(struct mule_cert *cert)
{
	size_t i;

	if (!cert)
		return;
	free(cert->primary.sigs);
	for (i = 0; i < cert->nsubkeys; i++)
		free(cert->subkeys[i].sigs);
	for (i = 0; i < cert->nuids; i++) {
		free(cert->uids[i].data);
		free(cert->uids[i].sigs);
	}
	free(cert->subkeys);
	free(cert->uids);
	free(cert);
}
