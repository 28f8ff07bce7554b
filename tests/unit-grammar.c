/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-grammar.c - the signed-message grammar on byte sequences: what
 * gpg makes passes, anything before, after or inside it is refused. */
#include <config.h>

#include <bzlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"
#include "pgp/grammar.h"
#include "tap.h"

struct buf {
	unsigned char p[1 << 21];
	size_t len;
};

static struct buf msg, inner, tmp, lbuf;
static size_t trail;	/* junk bytes after the next compressed stream */

static void
put(struct buf *b, const void *p, size_t n)
{
	if (n > sizeof b->p - b->len)
		abort();
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_byte(struct buf *b, int c)
{
	unsigned char u = (unsigned char)c;

	put(b, &u, 1);
}

/* A new-format packet with a definite length. */
static void
packet(struct buf *b, int tag, const void *body, size_t n)
{
	put_byte(b, 0xc0 | tag);
	if (n < 192) {
		put_byte(b, (int)n);
	} else if (n < 8384) {
		put_byte(b, (int)(((n - 192) >> 8) + 192));
		put_byte(b, (int)((n - 192) & 0xff));
	} else {
		put_byte(b, 0xff);
		put_byte(b, (int)(n >> 24));
		put_byte(b, (int)(n >> 16) & 0xff);
		put_byte(b, (int)(n >> 8) & 0xff);
		put_byte(b, (int)n & 0xff);
	}
	put(b, body, n);
}

static void
onepass(struct buf *b, int cls)
{
	unsigned char body[13] = { 3, 0, 8, 22, 1, 2, 3, 4, 5, 6, 7, 8, 1 };

	body[1] = (unsigned char)cls;
	packet(b, 4, body, sizeof body);
}

static void
signature(struct buf *b, int cls)
{
	unsigned char body[20] = { 4, 0, 22, 8 };

	body[1] = (unsigned char)cls;
	packet(b, 2, body, sizeof body);
}

static void
literal(struct buf *b, int format, const void *data, size_t n)
{
	struct buf *l = &lbuf;

	l->len = 0;
	put_byte(l, format);
	put_byte(l, 1);
	put(l, "f\0\0\0\0", 5);
	put(l, data, n);
	packet(b, 11, l->p, l->len);
}

/* One signed message: one-pass signature, literal, signature. */
static void
signed_msg(struct buf *b, int cls, int format, const char *text, size_t n)
{
	onepass(b, cls);
	literal(b, format, text, n);
	signature(b, cls);
}

/* IN compressed with ALGO into a packet at the end of B: of
 * indeterminate length (as gpg makes it) or a definite one. */
static void
compressed(struct buf *b, int algo, const struct buf *in, int indeterminate)
{
	static unsigned char out[1 << 21];
	unsigned len = sizeof out - 1;
	z_stream z;

	out[0] = (unsigned char)algo;
	if (algo == 1 || algo == 2) {
		memset(&z, 0, sizeof z);
		deflateInit2(&z, 9, Z_DEFLATED, algo == 1 ? -15 : 15, 8,
		    Z_DEFAULT_STRATEGY);
		z.next_in = (Bytef *)(uintptr_t)in->p;
		z.avail_in = (uInt)in->len;
		z.next_out = out + 1;
		z.avail_out = len;
		deflate(&z, Z_FINISH);
		len = len - z.avail_out;
		deflateEnd(&z);
	} else if (algo == 3) {
		BZ2_bzBuffToBuffCompress((char *)out + 1, &len,
		    (char *)(uintptr_t)in->p, (unsigned)in->len, 9, 0, 0);
	} else {
		memcpy(out + 1, in->p, in->len);
		len = (unsigned)in->len;
	}
	memset(out + 1 + len, 0x5a, trail);
	len += (unsigned)trail;
	trail = 0;
	if (indeterminate) {
		put_byte(b, 0xa3);
		put(b, out, len + 1);
	} else {
		packet(b, 8, out, len + 1);
	}
}

static struct mule_grammar_literal seen;

/* Feed B to a checker in pieces of STEP bytes (0: uneven pieces). */
static gpg_error_t
check_step(const struct buf *b, uint64_t max, size_t step)
{
	struct mule_grammar *g;
	size_t off = 0, n;
	gpg_error_t err;

	if (mule_grammar_new(&g, NULL, max))
		abort();
	for (err = 0; !err && off < b->len; off += n) {
		n = step ? step : 1 + off % 13;
		if (n > b->len - off)
			n = b->len - off;
		err = mule_grammar_feed(g, b->p + off, n);
	}
	if (!err)
		err = mule_grammar_end(g);
	seen = *mule_grammar_literal(g);
	mule_grammar_free(g);
	mule_error_clear();
	return err;
}

/* 1: passes, fed whole, byte by byte and unevenly; 0: each way refused
 * (a rejection, exit 1); -1: the ways disagree. */
static int
passes(const struct buf *b, uint64_t max)
{
	gpg_error_t e1 = check_step(b, max, b->len ? b->len : 1);
	gpg_error_t e2 = check_step(b, max, 1);
	gpg_error_t e3 = check_step(b, max, 0);

	if (!e1 && !e2 && !e3)
		return 1;
	if (mule_exit_status(e1) == 1 && mule_exit_status(e2) == 1
	    && mule_exit_status(e3) == 1)
		return 0;
	return -1;
}

static const char text[] = "pay bob 10 euros\n";
#define TEXT text, sizeof text - 1

static void
reset(void)
{
	msg.len = inner.len = 0;
}

int
main(void)
{
	static unsigned char zeros[1 << 20];
	int algo;

	reset();
	signed_msg(&msg, 0, 'b', TEXT);
	TAP_OK(passes(&msg, 0) == 1, "one-pass, literal, signature");
	TAP_OK(seen.format == 'b' && seen.sigclass == 0 && seen.size ==
	    sizeof text - 1 && !seen.lone_cr && !seen.nul,
	    "... format, class and size seen");
	put_byte(&msg, 0);
	TAP_OK(passes(&msg, 0) == 0, "... a byte appended is refused");
	reset();
	signed_msg(&msg, 0, 'b', TEXT);
	packet(&msg, 60, "x", 1);
	TAP_OK(passes(&msg, 0) == 0, "... a private packet appended is refused");
	reset();
	signed_msg(&msg, 0, 'b', TEXT);
	literal(&msg, 'b', "pay mallory", 11);
	TAP_OK(passes(&msg, 0) == 0, "... a literal appended is refused");

	for (algo = 1; algo <= 3; algo++) {
		reset();
		signed_msg(&inner, 0, 'b', TEXT);
		compressed(&msg, algo, &inner, 1);
		TAP_OK(passes(&msg, 0) == 1, "algorithm %d, indeterminate", algo);
		reset();
		signed_msg(&inner, 0, 'b', TEXT);
		compressed(&msg, algo, &inner, 0);
		TAP_OK(passes(&msg, 0) == 1, "algorithm %d, definite length",
		    algo);
		put_byte(&msg, 0xa3);
		put_byte(&msg, 0x01);
		TAP_OK(passes(&msg, 0) == 0, "... a second compressed packet "
		    "after it is refused");
		reset();
		signed_msg(&inner, 0, 'b', TEXT);
		compressed(&msg, algo, &inner, 1);
		put(&msg, "P.S.", 4);
		TAP_OK(passes(&msg, 0) == 0, "... bytes after its stream in an "
		    "indeterminate packet are refused");
		reset();
		signed_msg(&inner, 0, 'b', TEXT);
		trail = 2;
		compressed(&msg, algo, &inner, 0);
		TAP_OK(passes(&msg, 0) == 0, "... bytes after its stream inside "
		    "a packet of definite length are refused");
		reset();
		signed_msg(&inner, 0, 'b', TEXT);
		compressed(&msg, algo, &inner, 1);
		msg.len -= 3;
		TAP_OK(passes(&msg, 0) == 0, "... cut short, refused");
	}

	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	packet(&msg, 60, "x", 1);
	TAP_OK(passes(&msg, 0) == 0, "a private packet after the compressed "
	    "one is refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 1, &inner, 0);
	literal(&msg, 'b', "pay mallory", 11);
	TAP_OK(passes(&msg, 0) == 0, "a literal after the compressed packet "
	    "is refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	packet(&inner, 60, "x", 1);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "a packet after the signature inside the "
	    "compressed data is refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	put(&inner, "\0\0", 2);
	compressed(&msg, 2, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "bytes after the signature inside the "
	    "compressed data are refused");
	reset();
	onepass(&inner, 0);
	literal(&inner, 'b', TEXT);
	literal(&inner, 'b', TEXT);
	signature(&inner, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "two literals inside are refused");
	reset();
	literal(&inner, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "a literal without signatures is refused");
	reset();
	onepass(&inner, 0);
	onepass(&inner, 0);
	literal(&inner, 'b', TEXT);
	signature(&inner, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "two one-pass signatures, one signature: "
	    "refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	signature(&inner, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "one one-pass signature, two signatures: "
	    "refused");
	reset();
	onepass(&inner, 0);
	onepass(&inner, 0);
	literal(&inner, 'b', TEXT);
	signature(&inner, 0);
	signature(&inner, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 1, "two signers");
	reset();
	signature(&inner, 0);
	literal(&inner, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 1, "the old form: signature, literal");
	{
		/* A version 3 signature: version, 5, class, ... */
		static const unsigned char v3[] = { 3, 5, 1, 0, 0, 0, 0 };

		reset();
		packet(&msg, 2, v3, sizeof v3);
		literal(&msg, 't', TEXT);
		TAP_OK(passes(&msg, 0) == 1 && seen.sigclass == 1,
		    "a version 3 signature: its class is seen");
	}
	reset();
	signature(&inner, 0);
	literal(&inner, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	signature(&msg, 0);
	TAP_OK(passes(&msg, 0) == 0, "... a signature after it is refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 4, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "an unknown compression algorithm is "
	    "refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 0, &inner, 1);
	TAP_OK(passes(&msg, 0) == 1, "compression algorithm 0 (uncompressed)");
	put_byte(&msg, 0);
	TAP_OK(passes(&msg, 0) == 0, "... a byte appended to it is refused");
	reset();
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 0, &inner, 0);
	packet(&msg, 60, "x", 1);
	TAP_OK(passes(&msg, 0) == 0, "... of definite length, a packet after "
	    "it is refused");
	reset();
	signed_msg(&tmp, 0, 'b', TEXT);
	compressed(&inner, 1, &tmp, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "nested compression is refused");
	reset();
	onepass(&msg, 0);
	literal(&inner, 'b', TEXT);
	compressed(&msg, 1, &inner, 0);
	signature(&msg, 0);
	TAP_OK(passes(&msg, 0) == 0, "a compressed packet inside the signed "
	    "message is refused");
	reset();
	put(&inner, "hello", 5);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "a compressed stream not OpenPGP at all "
	    "is refused");

	reset();
	put(&msg, "\xa8\x03PGP", 5);
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 1, "a marker packet first");
	reset();
	put(&inner, "\xa8\x03PGP", 5);
	signed_msg(&inner, 0, 'b', TEXT);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(passes(&msg, 0) == 0, "a marker packet inside is refused");
	reset();
	put(&msg, "\xa8\x03PGP\xa8\x03PGP\xa8\x03PGP\xa8\x03PGP\xa8\x03PGP",
	    25);
	signed_msg(&msg, 0, 'b', TEXT);
	TAP_OK(passes(&msg, 0) == 0, "five marker packets are refused");
	reset();
	signed_msg(&msg, 0, 'b', TEXT);
	put(&msg, "\xa8\x03PGP", 5);
	TAP_OK(passes(&msg, 0) == 0, "a marker packet at the end is refused");

	/* A literal in partial chunks (gpg signing from a pipe). */
	reset();
	onepass(&msg, 0);
	put(&msg, "\xcb\xe1" "b\0", 4);			/* 2-byte chunk */
	put(&msg, "\xe2" "\0\0\0\0", 5);		/* 4-byte chunk */
	put(&msg, "\x03" "abc", 4);			/* last chunk */
	signature(&msg, 0);
	TAP_OK(passes(&msg, 0) == 1 && seen.size == 3, "partial lengths");
	reset();
	onepass(&msg, 0);
	put(&msg, "\xaf" "b\0\0\0\0\0abc", 10);	/* indeterminate literal */
	TAP_OK(passes(&msg, 0) == 0, "an indeterminate literal is refused");
	reset();
	onepass(&msg, 0);
	literal(&msg, 'x', TEXT);
	signature(&msg, 0);
	TAP_OK(passes(&msg, 0) == 0, "literal format 'x' is refused");
	reset();
	onepass(&msg, 0);
	literal(&msg, 't', TEXT);
	signature(&msg, 1);
	TAP_OK(passes(&msg, 0) == 0, "mixed signature classes are refused");
	reset();
	put(&msg, "\xc4\xff\x00\x20\x00\x00", 6);	/* a 2 MiB one-pass */
	TAP_OK(passes(&msg, 0) == 0, "a huge one-pass signature is refused");
	reset();
	TAP_OK(passes(&msg, 0) == 0, "nothing is refused");
	reset();
	put(&msg, "\xa3\x01\xff\xff\xff\xff", 6);
	TAP_OK(passes(&msg, 0) == 0, "damaged deflate data is refused");

	/* Text: lone CRs and NULs in the literal as signed. */
	reset();
	signed_msg(&msg, 1, 't', "a\r\nb\r\n", 6);
	TAP_OK(passes(&msg, 0) == 1 && !seen.lone_cr && !seen.nul
	    && seen.sigclass == 1 && seen.format == 't', "text with CR LF");
	reset();
	signed_msg(&msg, 1, 't', "a\rb\r\n", 5);
	TAP_OK(passes(&msg, 0) == 1 && seen.lone_cr, "a lone CR is seen");
	reset();
	signed_msg(&msg, 1, 't', "a\r\nb\r", 5);
	TAP_OK(passes(&msg, 0) == 1 && seen.lone_cr, "a CR at the end is seen");
	reset();
	signed_msg(&msg, 1, 'u', "a\0b\n", 4);
	TAP_OK(passes(&msg, 0) == 1 && seen.nul && !seen.lone_cr,
	    "a NUL is seen");

	/* A bomb: 1 MiB of zeros inflates from about 1 KiB. */
	reset();
	onepass(&inner, 0);
	literal(&inner, 'b', zeros, sizeof zeros - 100);
	signature(&inner, 0);
	compressed(&msg, 1, &inner, 1);
	TAP_OK(msg.len < 4096 && passes(&msg, 0) == 1,
	    "1 MiB of zeros (%zu bytes compressed), no limit", msg.len);
	TAP_OK(passes(&msg, sizeof zeros - 100) == 1, "... the limit exactly");
	TAP_OK(passes(&msg, 65536) == 0, "... over a limit of 64 KiB: refused");
	TAP_OK(gpg_err_code(check_step(&msg, 65536, 0)) == GPG_ERR_TOO_LARGE
	    && seen.size <= 65536, "... as too large, inflating no further");
	return tap_done();
}
