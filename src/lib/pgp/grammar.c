/* SPDX-License-Identifier: GPL-3.0-or-later */
/* grammar.c - exactly one signed message, checked on the bytes gpg gets. */
#include <config.h>

#define ZLIB_CONST
#include <bzlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"
#include "pgp/grammar.h"
#include "pgp/packet.h"

#define TAG_SIGNATURE	2
#define TAG_ONEPASS	4
#define TAG_COMPRESSED	8
#define TAG_MARKER	10
#define TAG_LITERAL	11

#define MAX_MARKERS	4
/* Packets other than the literal (one-pass signatures, signatures):
 * together at most this many bytes, so that inflating is bounded by
 * --max-size plus this. */
#define OTHER_MAX	(1024 * 1024)
#define INFLATE_STEP	16384

/* One packet stream: the input (level 0), or what its compressed packet
 * inflates to (level 1). */
struct stream {
	struct mule_packet_header h;
	int in_body;
	int indeterminate;	/* the body runs to the end of the stream */
	uint64_t left;		/* bytes left of the body (chunk) */
	uint64_t off;		/* bytes of the body seen so far */
	unsigned chunks;	/* length headers read (partial lengths) */
	int ended;		/* nothing may follow */
};

enum msg_state {
	MSG_START,
	MSG_ONEPASS,		/* one-pass signatures read */
	MSG_SIGS,		/* signatures before the literal (old form) */
	MSG_LITERAL,		/* the literal, after one-pass signatures */
	MSG_DONE
};

struct mule_grammar {
	struct mule_source *src;
	uint64_t max_literal;
	gpg_error_t err;	/* the first rejection, returned ever after */
	int eof, finished;
	struct stream lv[2];
	unsigned markers;
	int msg_level;		/* where the signed message is; -1: not yet */
	enum msg_state msg;
	unsigned nops, nsigs;
	int unsigned_ok;	/* a literal alone is a message too */
	int inside;		/* the data came out of an encryption:
				 * padding after the compressed stream
				 * is ignored */
	uint64_t other;		/* bytes of packets other than the literal */
	unsigned sigversion;	/* of the signature packet being read */
	unsigned namelen;	/* of the literal's file name */
	int cr;			/* the last literal byte was a CR */
	struct mule_grammar_literal lit;
	int compressed;		/* a compressed packet came */
	int algo;		/* its algorithm; -1 before its byte */
	int inflated;		/* the compressed stream ended */
	size_t unused;		/* ... before this many bytes fed to it */
	int zinit, bzinit;
	z_stream z;
	bz_stream bz;
	unsigned char out[INFLATE_STEP];
};

static gpg_error_t stream_feed(struct mule_grammar *g, int level,
    const unsigned char *p, size_t n);
static gpg_error_t stream_end(struct mule_grammar *g, int level);

static gpg_error_t refuse(struct mule_grammar *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static gpg_error_t
refuse(struct mule_grammar *g, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (g->err)
		return g->err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return g->err = mule_reject(GPG_ERR_BAD_DATA, NULL, "%s", msg);
}

/* A packet's name, for an error that says what was found. */
static const char *
packet_name(int tag, char *buf, size_t len)
{
	switch (tag) {
	case 1: return "a public-key encrypted session key packet";
	case 2: return "a signature packet";
	case 3: return "a symmetric-key encrypted session key packet";
	case 4: return "a one-pass signature packet";
	case 5: case 6: case 7: case 14: return "a key packet";
	case 8: return "a compressed data packet";
	case 9: case 18: case 20: return "an encrypted data packet";
	case 10: return "a marker packet";
	case 11: return "a literal data packet";
	case 12: return "a trust packet";
	case 13: return "a user ID packet";
	case 17: return "a user attribute packet";
	case 19: return "a modification detection code packet";
	}
	snprintf(buf, len, tag >= 60 ? "a private or experimental packet "
	    "(tag %d)" : "an unknown packet (tag %d)", tag);
	return buf;
}

gpg_error_t
mule_grammar_new(struct mule_grammar **gp, struct mule_source *src,
    uint64_t max_literal)
{
	struct mule_grammar *g;

	*gp = g = calloc(1, sizeof *g);
	if (!g)
		return gpg_error_from_syserror();
	g->src = src;
	g->max_literal = max_literal;
	mule_packet_header_init(&g->lv[0].h);
	mule_packet_header_init(&g->lv[1].h);
	g->msg_level = -1;
	g->lit.sigclass = -1;
	return 0;
}

void
mule_grammar_allow_unsigned(struct mule_grammar *g)
{
	g->unsigned_ok = 1;
}

void
mule_grammar_inside_encryption(struct mule_grammar *g)
{
	g->inside = 1;
}

void
mule_grammar_free(struct mule_grammar *g)
{
	if (!g)
		return;
	if (g->zinit)
		inflateEnd(&g->z);
	if (g->bzinit)
		BZ2_bzDecompressEnd(&g->bz);
	free(g);
}

const struct mule_grammar_literal *
mule_grammar_literal(const struct mule_grammar *g)
{
	return &g->lit;
}

/* The next packet of the signed message has tag TAG. */
static gpg_error_t
message_packet(struct mule_grammar *g, int tag, const char *name)
{
	switch (g->msg) {
	case MSG_START:
		if (tag == TAG_ONEPASS) {
			g->nops = 1;
			g->msg = MSG_ONEPASS;
		} else if (tag == TAG_SIGNATURE) {
			g->nsigs = 1;
			g->msg = MSG_SIGS;
		} else if (tag == TAG_LITERAL && g->unsigned_ok) {
			g->msg = MSG_DONE;
		} else if (tag == TAG_LITERAL) {
			return refuse(g, "a literal data packet with no signature");
		} else if (tag == 1 || tag == 3 || tag == 9 || tag == 18
		    || tag == 20) {
			if (g->inside)
				return refuse(g, "encrypted data (%s) inside the "
				    "encrypted message", name);
			return g->err = mule_reject(GPG_ERR_NO_DATA,
			    "open it with mule-open", "the input holds an "
			    "encrypted message (%s)", name);
		} else {
			return refuse(g, "%s where a signed message starts", name);
		}
		return 0;
	case MSG_ONEPASS:
		if (tag == TAG_ONEPASS && ++g->nops > MULE_GRAMMAR_MAX_SIGS)
			break;
		if (tag == TAG_LITERAL)
			g->msg = MSG_LITERAL;
		else if (tag != TAG_ONEPASS)
			return refuse(g, "%s between the one-pass signatures and "
			    "the literal data", name);
		return 0;
	case MSG_SIGS:
		if (tag == TAG_SIGNATURE && ++g->nsigs > MULE_GRAMMAR_MAX_SIGS)
			break;
		if (tag == TAG_LITERAL)
			g->msg = MSG_DONE;
		else if (tag != TAG_SIGNATURE)
			return refuse(g, "%s between the signatures and the "
			    "literal data", name);
		return 0;
	case MSG_LITERAL:
		if (tag == TAG_SIGNATURE) {
			if (++g->nsigs == g->nops)
				g->msg = MSG_DONE;
			return 0;
		}
		if (tag == TAG_LITERAL)
			return refuse(g, "a second literal data packet");
		return refuse(g, "%s after the literal data", name);
	case MSG_DONE:
		if (tag == TAG_SIGNATURE && g->nops)
			return refuse(g, "more signature packets than one-pass "
			    "signature packets (%u)", g->nops);
		return refuse(g, "%s after the end of the signed message "
		    "(appended?)", name);
	}
	return refuse(g, "more than %d signatures", MULE_GRAMMAR_MAX_SIGS);
}

/* The tag byte of a packet at LEVEL has been read. */
static gpg_error_t
packet_tag(struct mule_grammar *g, int level, int tag)
{
	char buf[64];
	const char *name = packet_name(tag, buf, sizeof buf);

	if (g->lv[level].ended || (g->msg == MSG_DONE && g->msg_level == level
	    && !(tag == TAG_SIGNATURE && g->nops)))
		return refuse(g, "%s after the end of the signed message "
		    "(appended?)", name);
	if (tag == TAG_MARKER) {
		/* To be ignored, says OpenPGP: only at the very start. */
		if (level || g->msg_level >= 0 || g->compressed)
			return refuse(g, "a marker packet inside the message");
		if (++g->markers > MAX_MARKERS)
			return refuse(g, "more than %d marker packets",
			    MAX_MARKERS);
		return 0;
	}
	if (tag == TAG_COMPRESSED) {
		if (level)
			return refuse(g, "nested compression: a compressed "
			    "data packet inside the compressed data");
		if (g->msg_level >= 0)
			return refuse(g, "a compressed data packet inside the "
			    "signed message");
		g->compressed = 1;
		g->algo = -1;
		return 0;
	}
	if (g->msg_level < 0)
		g->msg_level = level;
	return message_packet(g, tag, name);
}

/* The packet's length is known (or indeterminate). */
static gpg_error_t
packet_length(struct mule_grammar *g, int level)
{
	struct stream *s = &g->lv[level];
	int tag = s->h.tag;
	char buf[64];
	const char *name = packet_name(tag, buf, sizeof buf);

	if (s->indeterminate && (level || tag != TAG_COMPRESSED))
		return refuse(g, "%s of indeterminate length", name);
	if (tag == TAG_LITERAL || tag == TAG_COMPRESSED)
		return 0;
	if (s->h.partial)
		return refuse(g, "%s with partial lengths", name);
	if (s->h.body > OTHER_MAX - g->other)
		return refuse(g, "%s of %llu bytes, more than a signed message "
		    "holds", name, (unsigned long long)s->h.body);
	g->other += s->h.body;
	return 0;
}

static gpg_error_t
set_class(struct mule_grammar *g, unsigned c)
{
	if (g->lit.sigclass < 0)
		g->lit.sigclass = (int)c;
	else if ((unsigned)g->lit.sigclass != c)
		return refuse(g, "signatures of different classes (0x%02x and "
		    "0x%02x) in one message", (unsigned)g->lit.sigclass, c);
	return 0;
}

/* The first bytes of a one-pass signature or signature: its class. */
static gpg_error_t
signature_body(struct mule_grammar *g, int tag, uint64_t off,
    const unsigned char *p, size_t n)
{
	gpg_error_t err = 0;
	size_t i;

	for (i = 0; i < n && off + i < 3 && !err; i++) {
		if (off + i == 0)
			g->sigversion = p[i];
		/* Version 3 (and 2) signatures: version, 5, class. */
		else if (off + i == (tag == TAG_SIGNATURE && g->sigversion < 4
		    ? 2u : 1u))
			err = set_class(g, p[i]);
	}
	return err;
}

static gpg_error_t
literal_data(struct mule_grammar *g, const unsigned char *p, size_t n)
{
	const unsigned char *q, *end = p + n;

	if (g->max_literal && n > g->max_literal - g->lit.size)
		return g->err = mule_reject(GPG_ERR_TOO_LARGE,
		    "raise the limit with --max-size if you expect this much",
		    "the plaintext exceeds --max-size (%llu bytes): nothing "
		    "was released", (unsigned long long)g->max_literal);
	g->lit.size += n;
	if (!n)
		return 0;
	if (g->cr && p[0] != '\n')
		g->lit.lone_cr = 1;
	g->cr = end[-1] == '\r';
	if (!g->lit.nul && memchr(p, 0, n))
		g->lit.nul = 1;
	for (q = p; !g->lit.lone_cr && q < end - 1
	    && (q = memchr(q, '\r', (size_t)(end - 1 - q))); q++)
		if (q[1] != '\n')
			g->lit.lone_cr = 1;
	return 0;
}

/* Literal data: format, name length, name, 4 bytes of date, data. */
static gpg_error_t
literal_body(struct mule_grammar *g, uint64_t off, const unsigned char *p,
    size_t n)
{
	uint64_t data_off;
	size_t k;

	while (n) {
		if (off == 0) {
			g->lit.format = *p;
			if (*p != 'b' && *p != 't' && *p != 'u')
				return refuse(g, "literal data of unknown format "
				    "0x%02x", *p);
		} else if (off == 1) {
			g->namelen = *p;
		} else {
			data_off = 6 + (uint64_t)g->namelen;
			if (off >= data_off)
				return literal_data(g, p, n);
			k = data_off - off < n ? (size_t)(data_off - off) : n;
			p += k, n -= k, off += k;
			continue;
		}
		p++, n--, off++;
	}
	return 0;
}

static gpg_error_t
inflate_some(struct mule_grammar *g, const unsigned char *p, size_t n)
{
	gpg_error_t err;
	int r;

	g->z.next_in = p;
	g->z.avail_in = (uInt)n;
	do {
		g->z.next_out = g->out;
		g->z.avail_out = sizeof g->out;
		r = inflate(&g->z, Z_NO_FLUSH);
		if (r == Z_MEM_ERROR)
			return g->err = mule_error_set(gpg_error(GPG_ERR_ENOMEM),
			    NULL, "inflating the message: out of memory");
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			return refuse(g, "the compressed data is damaged");
		err = stream_feed(g, 1, g->out, sizeof g->out - g->z.avail_out);
		if (err)
			return err;
		if (r == Z_STREAM_END) {
			g->inflated = 1;
			g->unused = g->z.avail_in;
			return stream_end(g, 1);
		}
	} while (r != Z_BUF_ERROR && (g->z.avail_in || !g->z.avail_out));
	return 0;
}

static gpg_error_t
bunzip_some(struct mule_grammar *g, const unsigned char *p, size_t n)
{
	gpg_error_t err;
	int r;

	/* bzlib's next_in is not const; it does not write through it. */
	g->bz.next_in = (char *)(uintptr_t)p;
	g->bz.avail_in = (unsigned)n;
	do {
		g->bz.next_out = (char *)g->out;
		g->bz.avail_out = sizeof g->out;
		r = BZ2_bzDecompress(&g->bz);
		if (r == BZ_MEM_ERROR)
			return g->err = mule_error_set(gpg_error(GPG_ERR_ENOMEM),
			    NULL, "inflating the message: out of memory");
		if (r != BZ_OK && r != BZ_STREAM_END)
			return refuse(g, "the compressed data is damaged");
		err = stream_feed(g, 1, g->out, sizeof g->out - g->bz.avail_out);
		if (err)
			return err;
		if (r == BZ_STREAM_END) {
			g->inflated = 1;
			g->unused = g->bz.avail_in;
			return stream_end(g, 1);
		}
	} while (g->bz.avail_in || !g->bz.avail_out);
	return 0;
}

static const char after_stream[] = "data after the end of the compressed "
    "stream, inside the compressed data packet";

/* The compressed packet: its algorithm byte, then its stream.  Bytes
 * fed after the stream ended are counted in g->unused. */
static gpg_error_t
compressed_body(struct mule_grammar *g, const unsigned char *p, size_t n)
{
	const size_t step = (size_t)1 << 30;
	size_t k;
	gpg_error_t err = 0;
	int r = Z_OK;

	if (g->algo < 0 && n) {
		g->algo = *p++;
		n--;
		if (g->algo == 0) {
			;	/* uncompressed (RFC 4880 9.3): no stream */
		} else if (g->algo == 1 || g->algo == 2) {
			/* ZIP is raw deflate, ZLIB has the zlib wrapper. */
			r = inflateInit2(&g->z, g->algo == 1 ? -15 : 15);
			g->zinit = r == Z_OK;
		} else if (g->algo == 3) {
			r = BZ2_bzDecompressInit(&g->bz, 0, 0);
			g->bzinit = r == BZ_OK;
		} else {
			return refuse(g, "compressed data of unknown algorithm %d",
			    g->algo);
		}
		if (r != Z_OK)
			return g->err = mule_error_set(gpg_error(GPG_ERR_ENOMEM),
			    NULL, "inflating the message: cannot start");
	}
	if (n && g->inflated)
		return g->inside ? 0 : refuse(g, "%s", after_stream);
	if (!g->algo)
		return stream_feed(g, 1, p, n);
	while (n && !err) {
		k = n < step ? n : step;
		err = g->algo == 3 ? bunzip_some(g, p, k) : inflate_some(g, p, k);
		p += k, n -= k;
		if (g->inflated) {
			g->unused += n;
			break;
		}
	}
	return err;
}

/* Body bytes of the current packet at LEVEL. */
static gpg_error_t
packet_body(struct mule_grammar *g, int level, const unsigned char *p,
    size_t n)
{
	struct stream *s = &g->lv[level];

	switch (s->h.tag) {
	case TAG_COMPRESSED:
		return compressed_body(g, p, n);
	case TAG_ONEPASS:
	case TAG_SIGNATURE:
		return signature_body(g, s->h.tag, s->off, p, n);
	case TAG_LITERAL:
		return literal_body(g, s->off, p, n);
	default:		/* a marker */
		return 0;
	}
}

static gpg_error_t
packet_end(struct mule_grammar *g, int level)
{
	struct stream *s = &g->lv[level];
	char buf[64];
	int tag = s->h.tag;
	gpg_error_t err;

	switch (tag) {
	case TAG_COMPRESSED:
		if (g->algo < 0)
			return refuse(g, "an empty compressed data packet");
		if (!g->algo) {		/* uncompressed: ends with the packet */
			g->inflated = 1;
			if ((err = stream_end(g, 1)))
				return err;
		}
		if (!g->inflated)
			return refuse(g, "the compressed data is cut short");
		s->ended = 1;
		break;
	case TAG_ONEPASS:
	case TAG_SIGNATURE:
		if (s->off < 3)
			return refuse(g, "%s cut short",
			    packet_name(tag, buf, sizeof buf));
		break;
	case TAG_LITERAL:
		if (s->off < 6 + (uint64_t)g->namelen)
			return refuse(g, "a literal data packet cut short");
		if (g->cr)
			g->lit.lone_cr = 1;
		break;
	}
	mule_packet_header_init(&s->h);
	s->in_body = s->indeterminate = 0;
	s->off = 0;
	s->chunks = 0;
	return 0;
}

static gpg_error_t
stream_feed(struct mule_grammar *g, int level, const unsigned char *p,
    size_t n)
{
	struct stream *s = &g->lv[level];
	gpg_error_t err = 0;
	size_t take;
	int first;

	while (n && !err) {
		if (s->in_body) {
			/* Of indeterminate length, the compressed packet
			 * ends with its stream: what follows comes after
			 * the message (gpg ignores it). */
			if (s->indeterminate && g->inflated) {
				err = packet_end(g, level);
				continue;
			}
			take = s->indeterminate || s->left > n ? n
			    : (size_t)s->left;
			err = packet_body(g, level, p, take);
			if (g->unused) {
				if (s->indeterminate)
					take -= g->unused;
				else if (!err && !g->inside)
					err = refuse(g, "%s", after_stream);
				g->unused = 0;
			}
			s->off += take;
			p += take, n -= take;
			if (s->indeterminate || (s->left -= take))
				continue;
			s->in_body = 0;
			if (s->h.partial)
				mule_packet_header_next(&s->h);
			else if (!err)
				err = packet_end(g, level);
			continue;
		}
		first = s->h.tag < 0;
		switch (mule_packet_header_add(&s->h, *p++)) {
		case MULE_HEADER_INVALID:
			return refuse(g, s->ended || (g->msg == MSG_DONE
			    && g->msg_level == level) ? "data after the end of "
			    "the signed message%s" : "data that is not an "
			    "OpenPGP packet%s", level ? " (in the compressed "
			    "data)" : "");
		case MULE_HEADER_MORE:
			if (first)
				err = packet_tag(g, level, s->h.tag);
			break;
		case MULE_HEADER_INDETERMINATE:
			s->indeterminate = 1;
			err = packet_tag(g, level, s->h.tag);
			s->in_body = 1;
			if (!err)
				err = packet_length(g, level);
			break;
		case MULE_HEADER_BODY:
			s->left = s->h.body;
			s->in_body = 1;
			if (!s->chunks++)
				err = packet_length(g, level);
			if (!err && !s->left && !s->h.partial)
				err = packet_end(g, level);
			break;
		}
		n--;
	}
	return err;
}

static gpg_error_t
stream_end(struct mule_grammar *g, int level)
{
	struct stream *s = &g->lv[level];
	char buf[64];
	gpg_error_t err;

	if (s->in_body && s->indeterminate) {
		if ((err = packet_end(g, level)))
			return err;
	} else if (s->h.tag >= 0) {
		return refuse(g, "%s %s", level ? "the compressed data ends "
		    "inside" : "the message is cut short inside",
		    packet_name(s->h.tag, buf, sizeof buf));
	}
	if (!level && g->compressed)
		return 0;	/* the compressed packet held the message */
	switch (g->msg) {
	case MSG_DONE:
		return 0;
	case MSG_START:
		return refuse(g, "no signed message%s", level ? " in the "
		    "compressed data" : "");
	case MSG_LITERAL:
		return refuse(g, "%u one-pass signature packet%s but %u "
		    "signature packet%s", g->nops, g->nops == 1 ? "" : "s",
		    g->nsigs, g->nsigs == 1 ? "" : "s");
	default:
		return refuse(g, "the signed message is cut short (no literal "
		    "data)");
	}
}

gpg_error_t
mule_grammar_feed(struct mule_grammar *g, const void *p, size_t n)
{
	if (g->err)
		return g->err;
	return stream_feed(g, 0, p, n);
}

gpg_error_t
mule_grammar_end(struct mule_grammar *g)
{
	if (g->err || g->finished)
		return g->err;
	g->finished = 1;
	return stream_end(g, 0);
}

gpg_error_t
mule_grammar_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_grammar *g = arg;
	gpg_error_t err;

	*got = 0;
	if (g->err)
		return g->err;
	err = mule_source_read(g->src, buf, n, got);
	if (err)
		return err;
	if (!*got)
		g->eof = 1;
	return mule_grammar_feed(g, buf, *got);
}

gpg_error_t
mule_grammar_finish(struct mule_grammar *g)
{
	unsigned char buf[16384];
	size_t got;
	gpg_error_t err;

	while (!g->eof)
		if ((err = mule_grammar_read(g, buf, sizeof buf, &got)))
			return err;
	return mule_grammar_end(g);
}
