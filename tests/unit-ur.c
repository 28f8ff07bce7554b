/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-ur.c - UR of type bytes (src/lib/qr): the reference's vectors,
 * round trips with and without lost parts, and every rejection.
 *
 * The vectors are those of BlockchainCommons/bc-ur test/test.cpp
 * (BSD-2-Clause-Patent, Copyright (c) 2020 Blockchain Commons, LLC; see
 * tests/vectors/ur/README): the arrays in tests/vectors/ur/bc-ur-vectors.h
 * and the short ones written out below. */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/secret.h"
#include "qr/bytewords.h"
#include "qr/cbor.h"
#include "qr/crc32.h"
#include "qr/fountain.h"
#include "qr/ur.h"
#include "qr/xoshiro.h"
#include "core/text.h"
#include "tap.h"
#include "vectors/ur/bc-ur-vectors.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static void
seed_str(struct mule_xoshiro *x, const char *s)
{
	mule_xoshiro_seed(x, s, strlen(s));
}

/* The reference's make_message: next_data of Xoshiro256("Wolf"). */
static unsigned char *
make_message(size_t n, const char *seed)
{
	struct mule_xoshiro x;
	unsigned char *p = malloc(n ? n : 1);
	size_t i;

	seed_str(&x, seed);
	for (i = 0; p && i < n; i++)
		p[i] = (unsigned char)mule_xoshiro_next_int(&x, 0, 255);
	return p;
}

/* S, lower-cased, equals WANT. */
static int
same_lower(const char *s, const char *want)
{
	for (; *s && *want; s++, want++) {
		int c = *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s;

		if (c != *want)
			return 0;
	}
	return !*s && !*want;
}

/* ERR is a rejection (exit 1) explained in one line. */
static int
rejected(gpg_error_t err)
{
	struct mule_error_record r;

	mule_error_save(&r);
	mule_error_clear();
	if (err)
		printf("#   %s\n", r.msg);
	return err && mule_exit_status(err) == MULE_EXIT_REJECTED &&
	    r.err == err && r.msg[0] && !strchr(r.msg, '\n');
}

static void
test_crc_bytewords(void)
{
	static const unsigned char in1[5] = { 0, 1, 2, 128, 255 };
	char buf[1024];
	unsigned char *out;
	size_t n;
	gpg_error_t err;

	TAP_OK(mule_crc32("Hello, world!", 13) == 0xebe6c6e6 &&
	    mule_crc32("Wolf", 4) == 0x598c84dc,
	    "crc32: the reference's vectors");
	TAP_OK(mule_crc32("123456789", 9) == 0xcbf43926,
	    "crc32: the ISO-HDLC check value");

	mule_bytewords_encode(MULE_BYTEWORDS_STANDARD, in1, 5, 0, buf);
	TAP_OK(!strcmp(buf, "able acid also lava zoom jade need echo taxi"),
	    "bytewords 1: standard");
	mule_bytewords_encode(MULE_BYTEWORDS_URI, in1, 5, 0, buf);
	TAP_OK(!strcmp(buf, "able-acid-also-lava-zoom-jade-need-echo-taxi"),
	    "bytewords 1: uri");
	mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, in1, 5, 0, buf);
	TAP_OK(!strcmp(buf, "aeadaolazmjendeoti"), "bytewords 1: minimal");
	err = mule_bytewords_decode(MULE_BYTEWORDS_STANDARD,
	    "able acid also lava zoom jade need echo taxi", 44, &out, &n);
	TAP_OK(!err && n == 5 && !memcmp(out, in1, 5),
	    "bytewords 1: decode standard");
	free(out);
	err = mule_bytewords_decode(MULE_BYTEWORDS_URI,
	    "able-acid-also-lava-zoom-jade-need-echo-taxi", 44, &out, &n);
	TAP_OK(!err && n == 5 && !memcmp(out, in1, 5),
	    "bytewords 1: decode uri");
	free(out);
	err = mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    "AEADaolazmjendeOTI", 18, &out, &n);
	TAP_OK(!err && n == 5 && !memcmp(out, in1, 5),
	    "bytewords 1: decode minimal, any case");
	free(out);
	TAP_OK(rejected(mule_bytewords_decode(MULE_BYTEWORDS_STANDARD,
	    "able acid also lava zero jade need echo wolf", 44, &out, &n)) &&
	    !out, "bytewords 1: bad checksum (standard)");
	TAP_OK(rejected(mule_bytewords_decode(MULE_BYTEWORDS_URI,
	    "able-acid-also-lava-zero-jade-need-echo-wolf", 44, &out, &n)),
	    "bytewords 1: bad checksum (uri)");
	TAP_OK(rejected(mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    "aeadaolazojendeowf", 18, &out, &n)),
	    "bytewords 1: bad checksum (minimal)");
	TAP_OK(rejected(mule_bytewords_decode(MULE_BYTEWORDS_STANDARD, "wolf",
	    4, &out, &n)) && rejected(mule_bytewords_decode(
	    MULE_BYTEWORDS_STANDARD, "", 0, &out, &n)),
	    "bytewords 1: too short");
	TAP_OK(rejected(mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    "aeadaolazmjendeot", 17, &out, &n)) &&
	    rejected(mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    "aeadaolazmjendeo1i", 18, &out, &n)) &&
	    rejected(mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    "aeadaolazmjendeoaa", 18, &out, &n)),
	    "bytewords: odd length, a non-letter, a pair that is no word");

	mule_bytewords_encode(MULE_BYTEWORDS_STANDARD, vec_bytewords2_input,
	    100, 0, buf);
	TAP_OK(!strcmp(buf, vec_bytewords2_standard), "bytewords 2: standard");
	mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, vec_bytewords2_input,
	    100, 0, buf);
	TAP_OK(!strcmp(buf, vec_bytewords2_minimal), "bytewords 2: minimal");
	err = mule_bytewords_decode(MULE_BYTEWORDS_STANDARD,
	    vec_bytewords2_standard, strlen(vec_bytewords2_standard), &out, &n);
	TAP_OK(!err && n == 100 && !memcmp(out, vec_bytewords2_input, 100),
	    "bytewords 2: decode standard");
	free(out);
	err = mule_bytewords_decode(MULE_BYTEWORDS_MINIMAL,
	    vec_bytewords2_minimal, strlen(vec_bytewords2_minimal), &out, &n);
	TAP_OK(!err && n == 100 && !memcmp(out, vec_bytewords2_input, 100),
	    "bytewords 2: decode minimal");
	free(out);
}

static void
test_rng(void)
{
	struct mule_xoshiro x;
	unsigned char crc[4];
	unsigned char *data;
	char h[21];
	int i, ok;

	seed_str(&x, "Wolf");
	for (ok = 1, i = 0; i < 100; i++)
		ok &= mule_xoshiro_next(&x) % 100 == vec_rng1[i];
	TAP_OK(ok, "rng 1: Xoshiro256(\"Wolf\") mod 100");
	mule_put_be32(crc, mule_crc32("Wolf", 4));
	mule_xoshiro_seed(&x, crc, 4);
	for (ok = 1, i = 0; i < 100; i++)
		ok &= mule_xoshiro_next(&x) % 100 == vec_rng2[i];
	TAP_OK(ok, "rng 2: Xoshiro256(crc32(\"Wolf\")) mod 100");
	seed_str(&x, "Wolf");
	for (ok = 1, i = 0; i < 100; i++)
		ok &= mule_xoshiro_next_int(&x, 1, 10) == vec_rng3[i];
	TAP_OK(ok, "rng 3: next_int(1, 10)");
	/* test_xor's first two next_data(10). */
	data = make_message(20, "Wolf");
	mule_hex_encode(h, data, 10);
	ok = !strcmp(h, "916ec65cf77cadf55cd7");
	mule_hex_encode(h, data + 10, 10);
	TAP_OK(ok && !strcmp(h, "f9cda1a1030026ddd42e"), "rng: next_data");
	free(data);
}

static void
test_sampler_shuffle(void)
{
	static const double probs[4] = { 1, 2, 4, 8 };
	struct mule_sampler *s = NULL;
	struct mule_xoshiro x;
	uint32_t tree[11], out[10];
	int i, j, ok;

	TAP_OK(!mule_sampler_new(probs, 4, &s), "sampler: built");
	seed_str(&x, "Wolf");
	for (ok = 1, i = 0; s && i < 500; i++)
		ok &= mule_sampler_next(s, &x) == vec_sampler[i];
	TAP_OK(s && ok, "sampler: 500 samples of {1, 2, 4, 8}");
	mule_sampler_free(s);

	seed_str(&x, "Wolf");
	for (ok = 1, i = 0; i < 10; i++) {
		mule_shuffle_take(&x, 10, 10, tree, out);
		/* The positions in {1, ..., 10}. */
		for (j = 0; j < 10; j++)
			ok &= out[j] + 1 == vec_shuffle[i][j];
	}
	TAP_OK(ok, "shuffle: ten shuffles of 1..10");
}

static void
test_fragments(void)
{
	unsigned char *msg = make_message(1024, "Wolf");
	struct mule_fountain_encoder *enc = NULL;
	struct mule_fountain_chooser *c = NULL;
	struct mule_fountain_part part;
	struct mule_xoshiro x;
	uint32_t idx[11];
	char h[256], seed[16];
	size_t i, n, j;
	int ok;

	TAP_OK(mule_fountain_fragment_len(12345, 1005, 1955) == 1764 &&
	    mule_fountain_fragment_len(12345, 1005, 30000) == 12345,
	    "find_nominal_fragment_length");
	TAP_OK(!mule_fountain_encoder_new(msg, 1024, 100, 0, &enc) &&
	    mule_fountain_encoder_len(enc) == 11, "1024 bytes: 11 fragments");
	for (ok = 1, i = 0; enc && i < 11; i++) {
		ok &= !mule_fountain_encoder_next(enc, &part);
		mule_hex_encode(h, part.data, part.data_len);
		ok &= !strcmp(h, vec_fragments_1024[i]);
	}
	TAP_OK(enc && ok, "partition: the 11 fragments, zero-padded");
	mule_fountain_encoder_free(enc);

	TAP_OK(!mule_fountain_chooser_new(11, &c), "chooser for 11");
	for (ok = 1, i = 0; c && i < 200; i++) {
		snprintf(seed, sizeof seed, "Wolf-%zu", i + 1);
		seed_str(&x, seed);
		ok &= mule_fountain_choose_degree(c, &x) == vec_degrees[i];
	}
	TAP_OK(c && ok, "choose_degree: 200 nonces");
	for (ok = 1, i = 0; c && i < 30; i++) {
		n = mule_fountain_choose(c, (uint32_t)i + 1,
		    mule_crc32(msg, 1024), idx);
		ok &= n == vec_fragment_sets[i].n;
		for (j = 0; j < n && j < 11; j++)
			ok &= idx[j] == vec_fragment_sets[i].idx[j];
	}
	TAP_OK(c && ok, "choose_fragments: seq 1..30");
	mule_fountain_chooser_free(c);
	free(msg);
}

static void
test_fountain_vectors(void)
{
	unsigned char *msg = make_message(256, "Wolf"), cbor[128];
	unsigned char *big = make_message(32767, "Wolf");
	struct mule_fountain_encoder *enc = NULL;
	struct mule_fountain_decoder *dec = NULL;
	struct mule_fountain_part part, back;
	enum mule_fountain_outcome o;
	static const unsigned char five[5] = { 1, 5, 3, 3, 5 };
	const unsigned char *m;
	char h[256];
	size_t i, n;
	int ok, cbor_ok;

	TAP_OK(!mule_fountain_encoder_new(msg, 256, 30, 0, &enc),
	    "fountain encoder: 256 bytes, fragments of at most 30");
	for (ok = cbor_ok = 1, i = 0; enc && i < 20; i++) {
		ok &= !mule_fountain_encoder_next(enc, &part);
		mule_hex_encode(h, part.data, part.data_len);
		ok &= part.seq == vec_fountain_parts[i].seq &&
		    part.len == vec_fountain_parts[i].len &&
		    part.message_len == vec_fountain_parts[i].message_len &&
		    part.checksum == vec_fountain_parts[i].checksum &&
		    !strcmp(h, vec_fountain_parts[i].data);
		n = mule_fountain_part_encode(&part, cbor);
		mule_hex_encode(h, cbor, n);
		cbor_ok &= n == mule_fountain_part_cbor_len(&part) &&
		    !strcmp(h, vec_fountain_cbor[i]) &&
		    !mule_fountain_part_decode(cbor, n, &back) &&
		    back.seq == part.seq && back.data_len == part.data_len;
	}
	TAP_OK(enc && ok, "fountain encoder: 20 parts, 11 of them mixed");
	TAP_OK(enc && cbor_ok, "fountain encoder: their CBOR");
	mule_fountain_encoder_free(enc);

	part.seq = 12;
	part.len = 8;
	part.message_len = 100;
	part.checksum = 0x12345678;
	part.data = five;
	part.data_len = 5;
	n = mule_fountain_part_encode(&part, cbor);
	TAP_OK(!mule_fountain_part_decode(cbor, n, &back) && back.seq == 12 &&
	    back.len == 8 && back.message_len == 100 &&
	    back.checksum == 0x12345678 && back.data_len == 5 &&
	    !memcmp(back.data, five, 5), "fountain part CBOR round trip");

	/* test_fountain_decoder: 32767 bytes, fragments of 1000, from 101. */
	enc = NULL;
	ok = !mule_fountain_encoder_new(big, 32767, 1000, 100, &enc) &&
	    !mule_fountain_decoder_new(0, &dec);
	for (i = 0; ok && i < 1000 && !mule_fountain_decoder_done(dec); i++)
		ok = !mule_fountain_encoder_next(enc, &part) &&
		    !mule_fountain_decoder_receive(dec, &part, &o);
	m = ok ? mule_fountain_decoder_message(dec, &n) : NULL;
	TAP_OK(m && n == 32767 && !memcmp(m, big, n),
	    "fountain decoder: 32767 bytes from parts 101.. (%zu of them)", i);
	mule_fountain_encoder_free(enc);
	mule_fountain_decoder_free(dec);
	free(msg);
	free(big);
}

/* The reference's make_message_ur: the payload LEN bytes of make_message. */
static void
test_ur_vectors(void)
{
	unsigned char *msg = make_message(256, "Wolf");
	struct mule_ur_encoder *enc = NULL;
	struct mule_ur_decoder *dec = NULL;
	const unsigned char *m;
	const char *line;
	size_t i, n;
	int ok;

	TAP_OK(!mule_ur_encoder_new(msg, 50, 1000, &enc) &&
	    mule_ur_encoder_len(enc) == 1 &&
	    !mule_ur_encoder_next_part(enc, &line) &&
	    same_lower(line, vec_single_part_ur) &&
	    !strncmp(line, "UR:BYTES/", 9),
	    "single-part UR, upper case");
	mule_ur_encoder_free(enc);
	ok = !mule_ur_decoder_new(0, &dec) && !mule_ur_decoder_receive(dec,
	    vec_single_part_ur, strlen(vec_single_part_ur), NULL);
	m = ok ? mule_ur_decoder_message(dec, &n) : NULL;
	TAP_OK(m && n == 50 && !memcmp(m, msg, 50), "single-part UR decoded");
	mule_ur_decoder_free(dec);

	enc = NULL;
	TAP_OK(!mule_ur_encoder_new(msg, 256, 30, &enc) &&
	    mule_ur_encoder_len(enc) == 9, "UR encoder: 256 bytes in 9 parts");
	for (ok = 1, i = 0; enc && i < 20; i++) {
		ok &= !mule_ur_encoder_next_part(enc, &line) &&
		    same_lower(line, vec_ur_parts[i]);
		if (!ok) {
			printf("# got  %s\n# want %s\n", line, vec_ur_parts[i]);
			break;
		}
	}
	TAP_OK(enc && ok, "UR encoder: the 20 parts of test_ur_encoder");
	mule_ur_encoder_free(enc);

	/* The reference's parts, lower case, decode: its mixed parts 10 to
	 * 20 first, then its fragments from the last, until done. */
	ok = !mule_ur_decoder_new(0, &dec);
	for (i = 9, n = 0; ok && i < 29 && !mule_ur_decoder_done(dec); i++) {
		line = vec_ur_parts[i < 20 ? i : 28 - i];
		ok = !mule_ur_decoder_receive(dec, line, strlen(line), NULL);
		n++;
	}
	m = ok ? mule_ur_decoder_message(dec, &i) : NULL;
	TAP_OK(m && i == 256 && !memcmp(m, msg, 256),
	    "UR decoder: the reference's parts 10-20, 9-1 give the message "
	    "after %zu parts", n);
	mule_ur_decoder_free(dec);
	free(msg);
}

/* PREFIX followed by the minimal bytewords of the N bytes at B (free). */
static char *
craft_raw(const char *prefix, const unsigned char *b, size_t n)
{
	size_t pl = strlen(prefix);
	char *s = malloc(pl + mule_bytewords_encoded_len(MULE_BYTEWORDS_MINIMAL,
	    n) + 1);

	if (s) {
		memcpy(s, prefix, pl);
		mule_bytewords_encode(MULE_BYTEWORDS_MINIMAL, b, n, 0, s + pl);
	}
	return s;
}

/* "ur:bytes/SEQ-LEN/" and the part with these fields (free). */
static char *
craft(uint32_t seq, uint32_t len, uint32_t mlen, uint32_t crc,
    const unsigned char *data, size_t dlen)
{
	struct mule_fountain_part p;
	unsigned char *cbor;
	char prefix[64], *s;
	size_t n;

	p.seq = seq;
	p.len = len;
	p.message_len = mlen;
	p.checksum = crc;
	p.data = data;
	p.data_len = dlen;
	n = mule_fountain_part_cbor_len(&p);
	if ((cbor = malloc(n)) == NULL)
		return NULL;
	mule_fountain_part_encode(&p, cbor);
	snprintf(prefix, sizeof prefix, "ur:bytes/%lu-%lu/", (unsigned long)seq,
	    (unsigned long)len);
	s = craft_raw(prefix, cbor, n);
	free(cbor);
	return s;
}

/* What a fresh decoder (limit MAX) says to LINE (freed). */
static gpg_error_t
fresh(size_t max, char *line)
{
	struct mule_ur_decoder *dec = NULL;
	gpg_error_t err;

	if ((err = mule_ur_decoder_new(max, &dec)) == 0)
		err = line ? mule_ur_decoder_receive(dec, line, strlen(line),
		    NULL) : gpg_error(GPG_ERR_ENOMEM);
	mule_ur_decoder_free(dec);
	free(line);
	return err;
}

/* LINE is refused by a fresh decoder, as a rejection of one line. */
#define REFUSED(line, ...) TAP_OK(rejected(fresh(0, (line))), __VA_ARGS__)

static void
test_rejections(void)
{
	unsigned char *msg = make_message(256, "Wolf"), cbor[128], buf[32];
	unsigned char zero[1000], big[259];
	uint32_t crc = mule_crc32(msg, 256);
	struct mule_ur_decoder *dec = NULL;
	struct mule_fountain_progress pr;
	enum mule_fountain_outcome o;
	gpg_error_t err;
	char *line, *long_line, crlf[256];
	size_t i, n;
	int ok;

	memset(zero, 0, sizeof zero);
	memset(buf, 0, sizeof buf);
	/* A single part of another type, otherwise good. */
	line = strdup(vec_single_part_ur);
	memcpy(line, "ur:bytez", 8);
	REFUSED(line, "a type other than bytes");
	line = strdup(vec_single_part_ur);
	memcpy(line, "UR:BYTE", 7);
	line[7] = 'S';
	TAP_OK(!fresh(0, line), "... UR:BYTES in upper case is bytes");
	REFUSED(strdup("ur:crypto-psbt/1-9/lpadascfadaxcywenbpljkhdcahkadaemejt"
	    "swhhylkepmykhhtsytsnoyoyaxaedsuttydmmhhpktpmsrjtdkgslpgh"),
	    "a multipart UR of another type");
	REFUSED(strdup("xr:bytes/aeadaolazmjendeoti"), "another scheme");

	/* Non-canonical CBOR in a part: seq 1 in two bytes. */
	buf[0] = 0x85;
	buf[1] = 0x18;
	buf[2] = 0x01;
	buf[3] = 0x01;
	buf[4] = 0x0a;
	buf[5] = 0x01;
	buf[6] = 0x4a;
	memset(buf + 7, 0, 10);
	REFUSED(craft_raw("ur:bytes/1-1/", buf, 17),
	    "non-canonical CBOR: an integer not in its shortest form");
	buf[1] = 0x01;
	REFUSED(craft_raw("ur:bytes/1-1/", buf + 1, 16),
	    "non-canonical CBOR: no array");
	buf[0] = 0x9f;
	REFUSED(craft_raw("ur:bytes/1-1/", buf, 16),
	    "non-canonical CBOR: an indefinite array");
	buf[0] = 0x85;
	buf[6] = 0x58;
	buf[7] = 0x0a;
	REFUSED(craft_raw("ur:bytes/1-1/", buf, 18),
	    "non-canonical CBOR: a byte string length in two bytes");
	buf[6] = 0x4a;
	REFUSED(craft_raw("ur:bytes/1-1/", buf, 18),
	    "a byte after the part");
	/* The message itself (a single part's body) must be a canonical
	 * byte string. */
	buf[0] = 0x58;
	buf[1] = 0x05;
	memcpy(buf + 2, "abcde", 5);
	REFUSED(craft_raw("ur:bytes/", buf, 7),
	    "non-canonical CBOR message: length 5 in two bytes");
	buf[0] = 0x65;
	memcpy(buf + 1, "abcde", 5);
	REFUSED(craft_raw("ur:bytes/", buf, 6),
	    "a CBOR message that is a text string");
	buf[0] = 0x46;
	REFUSED(craft_raw("ur:bytes/", buf, 6),
	    "a CBOR message cut short");
	buf[0] = 0x44;
	REFUSED(craft_raw("ur:bytes/", buf, 6),
	    "a CBOR message with a byte after it");
	/* The same in a multipart message: the CRC-32 is right, the CBOR
	 * not. */
	REFUSED(craft(1, 1, 6, mule_crc32(buf, 6), buf, 6),
	    "... also when it comes in parts");

	REFUSED(craft(0, 9, 256, crc, zero, 29), "seq 0 (path and part)");
	line = craft(1, 9, 256, crc, zero, 29);
	memcpy(line + 9, "0", 1);
	TAP_OK(rejected(fresh(0, line)), "seq 0 in the path, 1 in the part");
	line = craft(2, 9, 256, crc, zero, 29);
	memcpy(line + 9, "1", 1);
	REFUSED(line, "the path's seq is not the part's");
	line = craft(1, 9, 256, crc, zero, 29);
	memcpy(line + 11, "8", 1);
	REFUSED(line, "the path's len is not the part's");
	REFUSED(strdup("ur:bytes/01-9/aeadaolazmjendeoti"),
	    "a leading zero in the sequence");
	REFUSED(strdup("ur:bytes/1+9/aeadaolazmjendeoti"), "seq+len");
	REFUSED(strdup("ur:bytes/1-9/x/aeadaolazmjendeoti"),
	    "a third path part");
	REFUSED(strdup("ur:bytes/4294967296-9/aeadaolazmjendeoti"),
	    "seq above 2^32 - 1");
	REFUSED(craft(1, 9, 256, crc, zero, 30),
	    "fragments of 30 bytes for 256 in 9 parts (not ceil(256 / 9))");
	REFUSED(craft(1, 5, 12, crc, zero, 3),
	    "fragments of 3 bytes for 12 in 5 parts (4 are enough)");
	REFUSED(craft(1, 9, 256, crc, zero, 28),
	    "fragments of 28 bytes for 256 in 9 parts: too short");
	REFUSED(craft(1, 0, 256, crc, zero, 29), "len 0");
	REFUSED(craft(1, 1, 0, crc, zero, 0), "an empty message");
	TAP_OK(rejected(fresh(2 << 20, craft(1, 10001, 100010, crc, zero, 10))),
	    "len 10001 (under the message limit)");
	REFUSED(craft(1, 2098, 2 << 20, crc, zero, 1000),
	    "a message of 2 MiB, over the default limit");
	TAP_OK(rejected(fresh(1000, craft(1, 2, 1001, crc, zero, 501))),
	    "a message of 1001 bytes, over a limit of 1000");
	TAP_OK(!fresh(1001, craft(1, 2, 1001, crc, zero, 501)),
	    "... and under one of 1001");

	/* A wrong bytewords checksum: the last word changed. */
	line = strdup(vec_ur_parts[0]);
	n = strlen(line);
	line[n - 2] = line[n - 2] == 'a' ? 'b' : 'a';
	line[n - 1] = 'e';
	REFUSED(line, "a wrong bytewords checksum");
	line = strdup(vec_ur_parts[0]);
	line[20] = line[20] == 'a' ? 'b' : 'a';
	REFUSED(line, "a letter changed");
	long_line = malloc(MULE_UR_LINE_MAX + 2);
	memcpy(long_line, "ur:bytes/", 9);
	memset(long_line + 9, 'a', MULE_UR_LINE_MAX - 8);
	long_line[MULE_UR_LINE_MAX + 1] = '\0';
	REFUSED(long_line, "a line of 16 KiB + 1");

	/* Parts of a message with a wrong checksum, consistent: the
	 * message is refused when complete, and nothing after. */
	ok = !mule_ur_decoder_new(0, &dec);
	for (i = 0; ok && i < 8; i++) {
		line = craft((uint32_t)i + 1, 9, 256, crc ^ 1, msg + 29 * i,
		    29);
		ok = !mule_ur_decoder_receive(dec, line, strlen(line), NULL);
		free(line);
	}
	memset(buf, 0, 29);
	memcpy(buf, msg + 232, 24);
	line = craft(9, 9, 256, crc ^ 1, buf, 29);
	TAP_OK(ok && rejected(mule_ur_decoder_receive(dec, line, strlen(line),
	    NULL)) && !mule_ur_decoder_done(dec),
	    "the whole message's CRC-32 does not match");
	TAP_OK(rejected(mule_ur_decoder_receive(dec, line, strlen(line), NULL)),
	    "... and the decoder refuses every part after");
	free(line);
	mule_ur_decoder_free(dec);

	/* Another message's part is skipped; one of this message with other
	 * lengths is refused. */
	dec = NULL;
	ok = !mule_ur_decoder_new(0, &dec);
	for (i = 0; ok && i < 4; i++)
		ok = !mule_ur_decoder_receive(dec, vec_ur_parts[i],
		    strlen(vec_ur_parts[i]), &o) && o == MULE_FOUNTAIN_USED;
	line = craft(1, 9, 256, crc ^ 0x10, msg, 29);
	err = mule_ur_decoder_receive(dec, line, strlen(line), &o);
	free(line);
	TAP_OK(ok && !err && o == MULE_FOUNTAIN_FOREIGN,
	    "a part of another message is skipped");
	/* The UR's message is the CBOR of the payload, 259 bytes. */
	memcpy(big, "\x59\x01\x00", 3);
	memcpy(big + 3, msg, 256);
	crc = mule_crc32(big, 259);
	line = craft(1, 9, 260, crc, msg, 29);
	TAP_OK(rejected(mule_ur_decoder_receive(dec, line, strlen(line), &o)),
	    "a part with this checksum but another message length is refused");
	free(line);
	line = craft(1, 10, 259, crc, msg, 26);
	TAP_OK(rejected(mule_ur_decoder_receive(dec, line, strlen(line), &o)),
	    "... or another len");
	free(line);
	for (i = 4; ok && i < 9; i++) {
		snprintf(crlf, sizeof crlf, "%s\r\n", vec_ur_parts[i]);
		ok = !mule_ur_decoder_receive(dec, crlf, strlen(crlf), &o);
	}
	mule_ur_decoder_progress(dec, &pr);
	TAP_OK(ok && mule_ur_decoder_done(dec) && pr.foreign == 1 &&
	    pr.used == 9 && pr.known == 9 && pr.len == 9,
	    "... and the message completes (lines ending in CR LF)");
	TAP_OK(!mule_ur_decoder_receive(dec, vec_ur_parts[12],
	    strlen(vec_ur_parts[12]), &o) && o == MULE_FOUNTAIN_LATE,
	    "a part after the end is late");
	mule_ur_decoder_free(dec);

	(void)cbor;
	free(msg);
}

/* Encode N bytes in fragments of MAX, send every part except those a
 * Xoshiro seeded with SEED drops with probability LOSS, decode.  Returns
 * the number of parts received when done (0 on failure); *R_LEN gets
 * len. */
static size_t
round_trip(size_t n, size_t max, double loss, const char *seed,
    size_t *r_len)
{
	unsigned char *msg = make_message(n, seed);
	struct mule_ur_encoder *enc = NULL;
	struct mule_ur_decoder *dec = NULL;
	struct mule_xoshiro x;
	const unsigned char *m;
	const char *line;
	size_t got = 0, sent = 0, limit, mn;
	int ok;

	seed_str(&x, "loss");
	ok = !mule_ur_encoder_new(msg, n, max, &enc) &&
	    !mule_ur_decoder_new(2 << 20, &dec);
	*r_len = ok ? mule_ur_encoder_len(enc) : 0;
	limit = 50 * *r_len + 100;
	while (ok && !mule_ur_decoder_done(dec) && sent++ < limit) {
		ok = !mule_ur_encoder_next_part(enc, &line);
		if (!ok || mule_xoshiro_next_double(&x) < loss)
			continue;
		got++;
		ok = !mule_ur_decoder_receive(dec, line, strlen(line), NULL);
	}
	m = ok ? mule_ur_decoder_message(dec, &mn) : NULL;
	if (!m || mn != n || (n && memcmp(m, msg, n)))
		got = 0;
	mule_ur_encoder_free(enc);
	mule_ur_decoder_free(dec);
	free(msg);
	return got;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_round_trips(void)
{
	static const struct { size_t n, max; const char *what; } sizes[] = {
		{ 0, 400, "0 B" },
		{ 1, 400, "1 B" },
		{ 397, 400, "397 B: one frame exactly (400 B of CBOR)" },
		{ 398, 400, "398 B: just over one frame" },
		{ 20 << 10, 400, "20 KiB" },
		{ 1 << 20, 400, "1 MiB" },
	};
	size_t i, len, got, total = 0, ok = 0;
	double ratio = 0, t;
	char seed[32];

	for (i = 0; i < NELEM(sizes); i++) {
		t = now();
		got = round_trip(sizes[i].n, sizes[i].max, 0, "Wolf", &len);
		TAP_OK(got == len, "round trip %s, %zu parts (%.2f s)",
		    sizes[i].what, len, now() - t);
	}
	t = now();
	got = round_trip(1 << 20, 400, 0.2, "Wolf", &len);
	TAP_OK(got >= len, "round trip 1 MiB, 20 %% of the parts lost (%.2f s)",
	    now() - t);
	printf("# 1 MiB at 20 %% loss: %zu parts received for len %zu (%.3f)\n",
	    got, len, (double)got / (double)len);
	t = now();
	for (i = 0; i < 100; i++) {
		snprintf(seed, sizeof seed, "loss-%zu", i);
		/* 3 to 51 fragments. */
		got = round_trip(500 + 97 * i, 200, 0.2, seed, &len);
		if (got) {
			ok++;
			ratio += (double)got / (double)len;
			total += got;
		}
	}
	TAP_OK(ok == 100, "100 of 100 messages decode with 20 %% of the "
	    "parts lost (%.2f s)", now() - t);
	printf("# mean parts received / len at 20 %% loss: %.3f\n",
	    ok ? ratio / (double)ok : 0);
}

int
main(void)
{
	if (mule_secret_init()) {
		printf("Bail out! libgcrypt\n");
		return 1;
	}
	test_crc_bytewords();
	test_rng();
	test_sampler_shuffle();
	test_fragments();
	test_fountain_vectors();
	test_ur_vectors();
	test_rejections();
	test_round_trips();
	return tap_done();
}
