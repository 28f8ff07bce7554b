/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-armor.c - armour round trips, and the decoder's refusals. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/secret.h"
#include "pgp/armor.h"
#include "tap.h"

struct buf {
	unsigned char *p;
	size_t len, off;
};

static gpg_error_t
buf_write(void *arg, const void *data, size_t n)
{
	struct buf *b = arg;

	b->p = realloc(b->p, b->len + n + 1);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

/* Reads in small, odd steps to exercise line reassembly. */
static gpg_error_t
buf_read(void *arg, void *data, size_t n, size_t *got)
{
	struct buf *b = arg;

	if (n > 7)
		n = 7;
	if (n > b->len - b->off)
		n = b->len - b->off;
	memcpy(data, b->p + b->off, n);
	b->off += n;
	*got = n;
	return 0;
}

/* Decode TEXT; returns 0 and the bytes in *OUT, or the error. */
static gpg_error_t
decode(const char *text, size_t len, struct buf *out)
{
	struct buf in = { (unsigned char *)strndup(text, len), len, 0 };
	struct mule_source src;
	struct mule_dearmor *d = NULL;
	unsigned char chunk[1000];
	size_t got;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	memset(&src, 0, sizeof src);
	src.fd = -1;
	src.read = buf_read;
	src.arg = &in;
	err = mule_dearmor_new(&d, &src);
	while (!err) {
		err = mule_dearmor_read(d, chunk, sizeof chunk, &got);
		if (err || !got)
			break;
		buf_write(out, chunk, got);
	}
	mule_dearmor_free(d);
	free(in.p);
	mule_error_clear();
	return err;
}

static struct buf
encode(const unsigned char *data, size_t n)
{
	struct buf out = { 0 };
	struct mule_armor *a = NULL;

	mule_armor_new(&a, buf_write, &out);
	mule_armor_write(a, data, n / 2);
	mule_armor_write(a, data + n / 2, n - n / 2);
	mule_armor_finish(a);
	mule_armor_free(a);
	return out;
}

static int
refused(const char *text)
{
	struct buf out;
	gpg_error_t err = decode(text, strlen(text), &out);

	free(out.p);
	return mule_exit_status(err) == MULE_EXIT_REJECTED;
}

int
main(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 47, 48, 49, 4096, 49151,
	    49152, 49153, 200001 };
	unsigned char *data = malloc(200001);
	struct buf enc, dec;
	size_t i;
	char *text;

	mule_secret_init();
	gcry_create_nonce(data, 200001);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		enc = encode(data, sizes[i]);
		TAP_OK(mule_dearmor_detect(enc.p, enc.len), "detect %zu", sizes[i]);
		TAP_OK(!decode((char *)enc.p, enc.len, &dec) && dec.len == sizes[i]
		    && (!sizes[i] || !memcmp(dec.p, data, sizes[i])),
		    "round trip of %zu bytes", sizes[i]);
		free(enc.p);
		free(dec.p);
	}

	/* Another kind: its own header and end lines, read back as it. */
	{
		struct mule_membuf raw = { 0 }, bin = { .limit = 1 << 20,
		    .what = "the key" };
		struct mule_armor *a = NULL;
		static const char end[] =
		    "-----END PGP PUBLIC KEY BLOCK-----\n";

		enc.p = NULL;
		enc.len = 0;
		TAP_OK(!mule_armor_new_kind(&a, MULE_ARMOR_PUBLIC_KEY,
		    buf_write, &enc) && !mule_armor_write(a, data, 500) &&
		    !mule_armor_finish(a), "armour a public key block");
		mule_armor_free(a);
		TAP_OK(mule_dearmor_detect_kind(enc.p, enc.len,
		    MULE_ARMOR_PUBLIC_KEY) && !mule_dearmor_detect(enc.p,
		    enc.len), "... which is one, and no message");
		TAP_OK(enc.len > sizeof end && !memcmp(enc.p + enc.len -
		    (sizeof end - 1), end, sizeof end - 1),
		    "... with its own end line");
		raw.p = enc.p;
		raw.len = enc.len;
		TAP_OK(!mule_dearmor_whole(&raw, MULE_ARMOR_PUBLIC_KEY, &bin) &&
		    bin.len == 500 && !memcmp(bin.p, data, 500),
		    "... and reads back");
		mule_membuf_release(&bin);
		free(enc.p);
		TAP_OK(gpg_err_code(mule_armor_new_kind(&a, "PGP MESSAGE, PART "
		    "1/2 OF A VERY LONG LABEL", buf_write, &enc)) ==
		    GPG_ERR_INV_ARG && !a, "a kind over 32 characters");
	}

	/* Other implementations write CRLF, headers, and trailing blanks. */
	enc = encode(data, 1000);
	text = malloc(enc.len * 2 + 64);
	strcpy(text, "-----BEGIN PGP MESSAGE-----\r\nComment: a b\r\n");
	for (i = 28; i < enc.len; i++) {
		if (enc.p[i] == '\n')
			strcat(text, " \r");
		strncat(text, (char *)enc.p + i, 1);
	}
	TAP_OK(!decode(text, strlen(text), &dec) && dec.len == 1000
	    && !memcmp(dec.p, data, 1000), "CRLF, a header, trailing blanks");
	free(text);
	free(enc.p);
	free(dec.p);
	text = "-----BEGIN PGP MESSAGE-----\n\nAQID\n-----END PGP MESSAGE-----\n";
	TAP_OK(!decode(text, strlen(text), &dec) && dec.len == 3,
	    "a missing checksum is accepted (RFC 9580)");
	free(dec.p);
	TAP_OK(!mule_dearmor_detect((const unsigned char *)"\x85\x01", 2),
	    "binary is not armour");
	TAP_OK(!mule_dearmor_detect((const unsigned char *)
	    "-----BEGIN PGP SIGNED MESSAGE-----\n", 35),
	    "a clear-signed message is not ours to decode");

	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQ*D\n"
	    "-----END PGP MESSAGE-----\n"), "invalid character");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQID\n=AAAA\n"
	    "-----END PGP MESSAGE-----\n"), "wrong checksum");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQID\n"),
	    "truncated: no end line");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQI\n"
	    "-----END PGP MESSAGE-----\n"), "truncated base64 quad");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQ==AQID\n"
	    "-----END PGP MESSAGE-----\n"), "data after padding");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nA===\n"
	    "-----END PGP MESSAGE-----\n"), "misplaced padding");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQID\n"
	    "-----END PGP MESSAGE-----\nmore text\n"), "trailing text refused");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQID\n"
	    "-----END PGP MESSAGE-----\n-----BEGIN PGP MESSAGE-----\n"),
	    "a second message refused");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\nno colon here\n\nAQID\n"
	    "-----END PGP MESSAGE-----\n"), "malformed header refused");
	TAP_OK(refused("-----BEGIN PGP MESSAGE-----\n\nAQID\n"
	    "-----END PGP SIGNATURE-----\n"), "wrong end line refused");
	text = malloc(200100);
	strcpy(text, "-----BEGIN PGP MESSAGE-----\n\n");
	memset(text + 29, 'A', 200000);
	strcpy(text + 200029, "\n-----END PGP MESSAGE-----\n");
	TAP_OK(refused(text), "a 200000-character line refused");
	free(text);
	free(data);
	return tap_done();
}
