/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-qr-parts.c - libFuzzer harness for the fountain decoder behind
 * the UR decoder (src/lib/qr/fountain.c, ur.c).  fuzz-ur feeds raw lines,
 * and almost every mutation dies at the bytewords checksum; here the
 * input is a recipe and the harness writes well-formed part lines from
 * it (valid bytewords and CRC-32, canonical CBOR), so that what the
 * fuzzer varies reaches the decoder: which parts of a message come, in
 * what order, how often, parts of a second message, parts whose data
 * was changed, and parts whose header fields are the fuzzer's own.
 *
 * The recipe: a byte of flags, a payload length and seed (the payloads
 * are made from the seed), a maximum fragment length, then parts until
 * the input ends (at most 64), each a kind byte and its fields:
 *   kind & 3 == 0   a genuine part SEQ of message A
 *               1   a genuine part of message B (another checksum)
 *               2   a part SEQ of A with one byte of its data changed
 *               3   a part of the fuzzer's own: seq, len, message length,
 *                   checksum (its own or A's) and data, the numbers free
 *                   or (flag) such that the decoder takes the part in
 * and kind >> 2 says how the line is written: upper case, CR LF, the
 * single-part form for a message of one fragment, a path whose seq is
 * not the part's.  Message A is the payload as a CBOR byte string, as
 * UR has it, or (flag) the payload bytes themselves, which the decoder
 * must refuse once complete unless they happen to be CBOR.
 *
 * Properties, beyond no crash, leak or undefined behaviour: every
 * refusal is a rejection (exit 1) with a one-line message, and the
 * first one ends the input as it ends mule-qr decode; a payload the
 * decoder calls complete has, as CBOR, the CRC-32 of the part that fixed
 * the message; and when every part of the fixed message was genuine,
 * all its plain parts came and nothing was refused, the decoder is
 * done, with exactly that message's payload. */
#include <config.h>

#include <gcrypt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "qr/bytewords.h"
#include "qr/cbor.h"
#include "qr/crc32.h"
#include "qr/fountain.h"
#include "qr/ur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 64
#define MAX_PAYLOAD 4096
/* The decoder's limit on the message: small, so runs stay short. */
#define MAX_MESSAGE ((size_t)1 << 16)

/* The recipe, read from the front; zeros once it ends. */
struct recipe {
	const uint8_t *p;
	size_t n;
};

static unsigned
get8(struct recipe *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint32_t
get16(struct recipe *r)
{
	uint32_t v = get8(r) << 8;

	return v | get8(r);
}

static uint32_t
get32(struct recipe *r)
{
	uint32_t v = get16(r) << 16;

	return v | get16(r);
}

/* One message the harness makes parts of. */
struct message {
	unsigned char *payload, *msg;	/* msg: what the fountain code carries */
	size_t payload_len, msg_len, max, frag_len;
	uint32_t len, checksum;
	int cbor;		/* msg is the payload as a CBOR byte string */
	/* Which plain parts came, genuine; whether any part of it was not. */
	unsigned char *plain;
	int tainted;
};

static void
message_free(struct message *m)
{
	free(m->payload);
	free(m->msg);
	free(m->plain);
	memset(m, 0, sizeof *m);
}

/* M: N payload bytes from SEED, as CBOR or raw, in fragments of at most
 * MAX.  Returns 0 when the message is empty or cannot be cut. */
static int
message_make(struct message *m, size_t n, uint32_t seed, int cbor, size_t max)
{
	uint64_t x = seed;
	size_t i, head = 0;

	memset(m, 0, sizeof *m);
	m->cbor = cbor;
	m->max = max;
	m->payload_len = n;
	if ((m->payload = malloc(n + 1)) == NULL ||
	    (m->msg = malloc(n + 9)) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		m->payload[i] = (unsigned char)(x >> 56);
	}
	if (cbor)
		head = mule_cbor_put_head(m->msg, MULE_CBOR_BYTES, n);
	memcpy(m->msg + head, m->payload, n);
	m->msg_len = head + n;
	if (m->msg_len == 0)
		return 0;
	m->frag_len = mule_fountain_fragment_len(m->msg_len,
	    MULE_FOUNTAIN_MIN_FRAGMENT, max);
	m->len = (uint32_t)((m->msg_len + m->frag_len - 1) / m->frag_len);
	m->checksum = mule_crc32(m->msg, m->msg_len);
	return (m->plain = calloc(m->len, 1)) != NULL;
}

/* The CBOR of part SEQ of M (a genuine one) into *R_CBOR (free). */
static size_t
message_part(const struct message *m, uint32_t seq, unsigned char **r_cbor)
{
	struct mule_fountain_encoder *enc = NULL;
	struct mule_fountain_part part;
	size_t n = 0;

	*r_cbor = NULL;
	if (mule_fountain_encoder_new(m->msg, m->msg_len, m->max, seq - 1,
	    &enc) || mule_fountain_encoder_next(enc, &part))
		abort();
	if (part.len != m->len || part.data_len != m->frag_len ||
	    part.checksum != m->checksum || part.seq != seq)
		abort();
	n = mule_fountain_part_cbor_len(&part);
	if ((*r_cbor = malloc(n)) != NULL)
		mule_fountain_part_encode(&part, *r_cbor);
	else
		n = 0;
	mule_fountain_encoder_free(enc);
	return n;
}

/* The line of the part whose CBOR is the N bytes at CBOR, SEQ-LEN in its
 * path (free); SINGLE: "ur:bytes/<bytewords>" of the N bytes instead. */
static char *
line_make(const unsigned char *cbor, size_t n, uint32_t seq, uint32_t len,
    unsigned how, int single, size_t *r_len)
{
	size_t cap = 64 + mule_bytewords_encoded_len(MULE_BYTEWORDS_MINIMAL, n);
	char *s = malloc(cap);
	int k;

	if (!s)
		return NULL;
	if (single)
		k = snprintf(s, cap, "ur:bytes/");
	else
		k = snprintf(s, cap, "ur:bytes/%lu-%lu/", (unsigned long)seq,
		    (unsigned long)len);
	k += (int)mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, cbor, n,
	    how & 1, s + k);
	if (how & 1)
		memcpy(s, "UR:BYTES", 8);
	if (how & 2)
		k += snprintf(s + k, cap - (size_t)k, "\r\n");
	*r_len = (size_t)k;
	return s;
}

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

/* A part of the fuzzer's own into *P (data owned by the caller, DATA):
 * free numbers, or (CONSISTENT) numbers the decoder's checks let pass. */
static void
own_part(struct recipe *r, const struct message *a, int consistent,
    struct mule_fountain_part *p, unsigned char *data)
{
	uint32_t mlen;
	size_t i;

	p->seq = get32(r);
	if (consistent) {
		mlen = 1 + get16(r) % MAX_PAYLOAD;
		p->len = 1 + get8(r) % 64;
		p->data_len = (mlen + p->len - 1) / p->len;
		p->len = (uint32_t)((mlen + p->data_len - 1) / p->data_len);
		p->message_len = mlen;
		if (p->seq == 0)
			p->seq = 1;
	} else {
		p->len = get16(r);
		p->message_len = get32(r);
		p->data_len = get16(r) % 512;
	}
	p->checksum = get8(r) & 1 ? a->checksum : get32(r);
	for (i = 0; i < p->data_len; i++)
		data[i] = (unsigned char)get8(r);
	p->data = data;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static int ready;
	struct recipe r = { in, size };
	struct message a, b, *which;
	struct mule_ur_decoder *dec = NULL;
	struct mule_fountain_part own;
	enum mule_fountain_outcome outcome;
	unsigned char *cbor = NULL, *own_data = NULL, *check = NULL;
	const unsigned char *pay;
	char *line = NULL;
	unsigned flags, kind, how;
	uint32_t seq, fixed_crc = 0, i;
	size_t n, line_len, max, plen, pay_len;
	gpg_error_t err = 0;
	int fixed = 0, count, all;

	if (!ready) {
		gcry_check_version(NULL);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
		ready = 1;
	}
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&own, 0, sizeof own);
	flags = get8(&r);
	plen = get16(&r) % (MAX_PAYLOAD + 1);
	max = flags & 4 ? 10 + get16(&r) % (MULE_UR_MAX_FRAGMENT - 9) :
	    10 + get8(&r);
	seq = get32(&r);
	if (!message_make(&a, plen, seq, !(flags & 1), max) ||
	    !message_make(&b, plen + (flags >> 1 & 1), seq ^ 1, 1, max) ||
	    (own_data = malloc(65536)) == NULL ||
	    mule_ur_decoder_new(MAX_MESSAGE, &dec))
		goto leave;
	/* B must be another message to the decoder. */
	if (a.checksum == b.checksum)
		goto leave;
	mule_error_clear();
	for (count = 0; r.n && count < MAX_PARTS && !err; count++) {
		kind = get8(&r);
		how = kind >> 2;
		which = (kind & 3) == 1 ? &b : &a;
		if ((kind & 3) == 3) {
			own_part(&r, &a, how & 32, &own, own_data);
			n = mule_fountain_part_cbor_len(&own);
			if ((cbor = malloc(n)) == NULL)
				goto leave;
			mule_fountain_part_encode(&own, cbor);
			seq = own.seq;
			if (own.checksum == a.checksum)
				a.tainted = 1;
			if (own.checksum == b.checksum)
				b.tainted = 1;
			line = line_make(cbor, n, seq + ((how & 60) == 60),
			    own.len, how, 0, &line_len);
		} else {
			seq = get8(&r) & 1 ? get32(&r) : 1 + get16(&r) %
			    (3 * which->len);
			if (seq == 0)
				seq = 1;
			n = message_part(which, seq, &cbor);
			if (!n)
				goto leave;
			if ((kind & 3) == 2) {
				/* Beyond the CBOR head: the data. */
				cbor[n - 1 - get16(&r) % which->frag_len] ^=
				    (unsigned char)(get8(&r) | 1);
				which->tainted = 1;
			} else if (seq <= which->len)
				which->plain[seq - 1] = 1;
			if (which->len == 1 && how & 8)
				line = line_make(which->msg, which->msg_len,
				    0, 0, how, 1, &line_len);
			else
				line = line_make(cbor, n, seq +
				    ((how & 60) == 60), which->len, how, 0,
				    &line_len);
		}
		if (!line)
			goto leave;
		err = mule_ur_decoder_receive(dec, line, line_len, &outcome);
		if (err && !explained(err))
			abort();
		if (!err && !fixed && outcome != MULE_FOUNTAIN_FOREIGN) {
			fixed = 1;
			fixed_crc = (kind & 3) == 3 ? own.checksum :
			    which->checksum;
		}
		free(cbor);
		free(line);
		cbor = NULL;
		line = NULL;
	}

	pay = mule_ur_decoder_message(dec, &pay_len);
	if (!mule_ur_decoder_done(dec)) {
		if (pay || pay_len)
			abort();
	} else {
		/* Complete: the payload as CBOR has the fixed CRC-32. */
		if (!pay || !fixed || (check = malloc(pay_len + 9)) == NULL)
			abort();
		n = mule_cbor_put_head(check, MULE_CBOR_BYTES, pay_len);
		if (pay_len)
			memcpy(check + n, pay, pay_len);
		if (mule_crc32(check, n + pay_len) != fixed_crc)
			abort();
	}
	/* A clean message, all its plain parts, nothing refused: done, and
	 * the payload is that message's. */
	which = fixed && fixed_crc == a.checksum ? &a :
	    fixed && fixed_crc == b.checksum ? &b : NULL;
	if (which && !err && !which->tainted && which->cbor) {
		for (all = 1, i = 0; i < which->len; i++)
			all &= which->plain[i];
		if (all && !mule_ur_decoder_done(dec))
			abort();
		if (mule_ur_decoder_done(dec) &&
		    (pay_len != which->payload_len ||
		    (pay_len && memcmp(pay, which->payload, pay_len))))
			abort();
	}
leave:
	free(check);
	free(cbor);
	free(line);
	free(own_data);
	mule_ur_decoder_free(dec);
	message_free(&a);
	message_free(&b);
	mule_error_clear();
	return 0;
}
