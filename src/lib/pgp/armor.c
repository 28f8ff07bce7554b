/* SPDX-License-Identifier: GPL-3.0-or-later */
/* armor.c - OpenPGP ASCII armour in our process. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/error.h"
#include "pgp/armor.h"

#define LINE_BYTES	48		/* 64 characters a line, as gpg writes */
#define ENC_CHUNK	(LINE_BYTES * 1024)
#define MAX_LINE	(64 * 1024)	/* longer input lines are refused */
#define IN_BUF		(256 * 1024)

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct mule_armor {
	char begin[64], end[64];	/* the header and end lines */
	mule_write_fn down;
	void *down_arg;
	gcry_md_hd_t crc;
	unsigned char pend[ENC_CHUNK];	/* bytes not yet encoded */
	size_t npend;
	char *out;			/* encoded text of one chunk */
	int started;
};

gpg_error_t
mule_armor_new(struct mule_armor **a, mule_write_fn down, void *down_arg)
{
	return mule_armor_new_kind(a, MULE_ARMOR_MESSAGE, down, down_arg);
}

gpg_error_t
mule_armor_new_kind(struct mule_armor **a, const char *kind,
    mule_write_fn down, void *down_arg)
{
	struct mule_armor *ar;
	gpg_error_t err;

	*a = NULL;
	if (strlen(kind) > 32)
		return gpg_error(GPG_ERR_INV_ARG);
	ar = calloc(1, sizeof *ar);
	if (!ar)
		return gpg_error_from_syserror();
	ar->out = malloc(ENC_CHUNK / 3 * 4 + ENC_CHUNK / LINE_BYTES + 8);
	if (!ar->out) {
		free(ar);
		return gpg_error_from_syserror();
	}
	err = gcry_md_open(&ar->crc, GCRY_MD_CRC24_RFC2440, 0);
	if (err) {
		mule_armor_free(ar);
		return err;
	}
	snprintf(ar->begin, sizeof ar->begin, "-----BEGIN %s-----\n\n", kind);
	snprintf(ar->end, sizeof ar->end, "-----END %s-----\n", kind);
	ar->down = down;
	ar->down_arg = down_arg;
	*a = ar;
	return 0;
}

/* Encode N bytes (whole lines, except for the last call) as text. */
static size_t
encode(const unsigned char *in, size_t n, char *out)
{
	char *o = out;
	size_t i, col = 0;

	for (i = 0; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8
		    | in[i + 2];

		o[0] = b64[v >> 18];
		o[1] = b64[(v >> 12) & 63];
		o[2] = b64[(v >> 6) & 63];
		o[3] = b64[v & 63];
		o += 4;
		if (++col == LINE_BYTES / 3) {
			*o++ = '\n';
			col = 0;
		}
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16
		    | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);

		o[0] = b64[v >> 18];
		o[1] = b64[(v >> 12) & 63];
		o[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		o[3] = '=';
		o += 4;
		col++;
	}
	if (col)
		*o++ = '\n';
	return (size_t)(o - out);
}

static gpg_error_t
flush(struct mule_armor *a, size_t n)
{
	size_t len;

	gcry_md_write(a->crc, a->pend, n);
	len = encode(a->pend, n, a->out);
	memmove(a->pend, a->pend + n, a->npend - n);
	a->npend -= n;
	return a->down(a->down_arg, a->out, len);
}

gpg_error_t
mule_armor_write(void *arg, const void *buf, size_t n)
{
	struct mule_armor *a = arg;
	const unsigned char *p = buf;
	gpg_error_t err;
	size_t take;

	if (!a->started) {
		a->started = 1;
		err = a->down(a->down_arg, a->begin, strlen(a->begin));
		if (err)
			return err;
	}
	while (n) {
		take = sizeof a->pend - a->npend;
		if (take > n)
			take = n;
		memcpy(a->pend + a->npend, p, take);
		a->npend += take;
		p += take;
		n -= take;
		if (a->npend == sizeof a->pend) {
			err = flush(a, a->npend);
			if (err)
				return err;
		}
	}
	return 0;
}

gpg_error_t
mule_armor_finish(struct mule_armor *a)
{
	unsigned char crc[3];
	char tail[8 + sizeof a->end];
	gpg_error_t err;
	size_t len;

	if (!a->started && (err = mule_armor_write(a, "", 0)))
		return err;
	if (a->npend && (err = flush(a, a->npend)))
		return err;
	memcpy(crc, gcry_md_read(a->crc, 0), 3);
	tail[0] = '=';
	len = encode(crc, 3, tail + 1) + 1;
	memcpy(tail + len, a->end, strlen(a->end));
	len += strlen(a->end);
	return a->down(a->down_arg, tail, len);
}

void
mule_armor_free(struct mule_armor *a)
{
	if (!a)
		return;
	gcry_md_close(a->crc);
	free(a->out);
	free(a);
}

/* ---------------------------------------------------------------- */

enum dearmor_state { ST_BEGIN, ST_HEADERS, ST_BODY, ST_END, ST_TRAILER };

struct mule_dearmor {
	struct mule_source *src;
	char begin[48], end[48];	/* the armour lines of this kind */
	enum dearmor_state state;
	unsigned char *in;	/* raw input */
	size_t in_len, in_off;
	int in_eof;
	unsigned char *out;	/* decoded bytes not yet handed out */
	size_t out_len, out_off;
	unsigned quad;		/* base64 carry across lines */
	int nquad;
	int padded;		/* saw '=' padding: the data has ended */
	gcry_md_hd_t crc;
	int have_crc;
	unsigned char crc_want[3];
	int done;
};

/* The value of each base64 character, -1 for any other byte: a constant,
 * so that threads decoding side by side share it without a race. */
static const signed char b64_value[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Length of S without trailing white space (spaces, tabs, CR). */
static size_t
trim(const unsigned char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n;
}

int
mule_dearmor_detect_kind(const unsigned char *buf, size_t n, const char *kind)
{
	char line[48];
	size_t i = 0, len;

	len = (size_t)snprintf(line, sizeof line, "-----BEGIN %s-----", kind);
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'
	    || buf[i] == '\n'))
		i++;
	if (n - i < len || memcmp(buf + i, line, len))
		return 0;
	i += len;
	return i == n || buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' '
	    || buf[i] == '\t';
}

int
mule_dearmor_detect(const unsigned char *buf, size_t n)
{
	return mule_dearmor_detect_kind(buf, n, MULE_ARMOR_MESSAGE);
}

gpg_error_t
mule_dearmor_new_kind(struct mule_dearmor **d, struct mule_source *src,
    const char *kind)
{
	struct mule_dearmor *da;
	gpg_error_t err;

	*d = NULL;
	da = calloc(1, sizeof *da);
	if (!da)
		return gpg_error_from_syserror();
	snprintf(da->begin, sizeof da->begin, "-----BEGIN %s-----", kind);
	snprintf(da->end, sizeof da->end, "-----END %s-----", kind);
	da->in = malloc(IN_BUF);
	da->out = malloc(IN_BUF);
	if (!da->in || !da->out) {
		mule_dearmor_free(da);
		return gpg_error_from_syserror();
	}
	err = gcry_md_open(&da->crc, GCRY_MD_CRC24_RFC2440, 0);
	if (err) {
		mule_dearmor_free(da);
		return err;
	}
	da->src = src;
	*d = da;
	return 0;
}

gpg_error_t
mule_dearmor_new(struct mule_dearmor **d, struct mule_source *src)
{
	return mule_dearmor_new_kind(d, src, MULE_ARMOR_MESSAGE);
}

static gpg_error_t
bad(const char *what)
{
	return mule_reject(GPG_ERR_INV_ARMOR, NULL,
	    "damaged armour: %s", what);
}

/* Make the next whole line available at in+in_off; *LEN excludes '\n'.
 * Returns GPG_ERR_EOF at the end of the input. */
static gpg_error_t
next_line(struct mule_dearmor *d, const unsigned char **line, size_t *len)
{
	unsigned char *nl;
	size_t got;
	gpg_error_t err;

	for (;;) {
		nl = memchr(d->in + d->in_off, '\n', d->in_len - d->in_off);
		if (nl || (d->in_eof && d->in_off < d->in_len)) {
			*line = d->in + d->in_off;
			*len = nl ? (size_t)(nl - *line) : d->in_len - d->in_off;
			d->in_off += *len + (nl ? 1 : 0);
			if (*len > MAX_LINE)
				return bad("line too long");
			return 0;
		}
		if (d->in_eof)
			return gpg_error(GPG_ERR_EOF);
		if (d->in_len - d->in_off > MAX_LINE)
			return bad("line too long");
		memmove(d->in, d->in + d->in_off, d->in_len - d->in_off);
		d->in_len -= d->in_off;
		d->in_off = 0;
		err = mule_source_read(d->src, d->in + d->in_len,
		    IN_BUF - d->in_len, &got);
		if (err)
			return err;
		if (!got)
			d->in_eof = 1;
		d->in_len += got;
	}
}

/* Decode one body line into d->out. */
static gpg_error_t
decode_line(struct mule_dearmor *d, const unsigned char *s, size_t n)
{
	unsigned char *o = d->out + d->out_len;
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			/* Padding: 1 or 2 '=' complete the current quad. */
			if (d->nquad < 2 || d->padded)
				return bad("misplaced padding");
			if (d->nquad == 2) {
				if (i + 1 >= n || s[i + 1] != '=')
					return bad("misplaced padding");
				i++;
				*o++ = (unsigned char)(d->quad >> 4);
			} else {
				*o++ = (unsigned char)(d->quad >> 10);
				*o++ = (unsigned char)(d->quad >> 2);
			}
			d->nquad = 0;
			d->padded = 1;
			continue;
		}
		v = b64_value[s[i]];
		if (v < 0 || d->padded)
			return bad(v < 0 ? "invalid character" : "data after padding");
		d->quad = d->quad << 6 | (unsigned)v;
		if (++d->nquad == 4) {
			*o++ = (unsigned char)(d->quad >> 16);
			*o++ = (unsigned char)(d->quad >> 8);
			*o++ = (unsigned char)d->quad;
			d->nquad = 0;
			d->quad = 0;
		}
	}
	gcry_md_write(d->crc, d->out + d->out_len,
	    (size_t)(o - (d->out + d->out_len)));
	d->out_len = (size_t)(o - d->out);
	return 0;
}

/* The "=XXXX" checksum line. */
static gpg_error_t
crc_line(struct mule_dearmor *d, const unsigned char *s, size_t n)
{
	unsigned v = 0;
	size_t i;

	if (n != 5)
		return bad("malformed checksum line");
	for (i = 1; i < 5; i++) {
		if (b64_value[s[i]] < 0)
			return bad("malformed checksum line");
		v = v << 6 | (unsigned)b64_value[s[i]];
	}
	d->crc_want[0] = (unsigned char)(v >> 16);
	d->crc_want[1] = (unsigned char)(v >> 8);
	d->crc_want[2] = (unsigned char)v;
	d->have_crc = 1;
	return 0;
}

static gpg_error_t
finish_body(struct mule_dearmor *d)
{
	if (d->nquad)
		return bad("truncated base64");
	if (d->have_crc && memcmp(gcry_md_read(d->crc, 0), d->crc_want, 3))
		return bad("checksum mismatch (changed or damaged in transit)");
	return 0;
}

/* Process input lines until some output is ready or the end. */
static gpg_error_t
refill(struct mule_dearmor *d)
{
	const unsigned char *line = NULL;
	size_t len = 0;
	gpg_error_t err;

	d->out_len = d->out_off = 0;
	while (!d->done && d->out_len < IN_BUF - MAX_LINE) {
		err = next_line(d, &line, &len);
		if (gpg_err_code(err) == GPG_ERR_EOF) {
			if (d->state != ST_TRAILER)
				return bad("truncated (no end line)");
			d->done = 1;
			break;
		}
		if (err)
			return err;
		len = trim(line, len);
		switch (d->state) {
		case ST_BEGIN:
			if (!len)
				continue;
			if (len != strlen(d->begin) || memcmp(line, d->begin, len))
				return bad("no begin line");
			d->state = ST_HEADERS;
			break;
		case ST_HEADERS:
			/* "Key: value" lines until a blank one; their content
			 * is not protected and not used. */
			if (!len)
				d->state = ST_BODY;
			else if (!memchr(line, ':', len))
				return bad("malformed header line");
			break;
		case ST_BODY:
			if (len && line[0] == '=' && len == 5 && !d->nquad) {
				err = crc_line(d, line, len);
				d->state = ST_END;
			} else if (len == strlen(d->end)
			    && !memcmp(line, d->end, len)) {
				err = finish_body(d);
				d->state = ST_TRAILER;
			} else if (len && line[0] == '-') {
				return bad("unexpected end line");
			} else {
				err = decode_line(d, line, len);
			}
			if (err)
				return err;
			break;
		case ST_END:
			if (len != strlen(d->end) || memcmp(line, d->end, len))
				return bad("no end line after the checksum");
			err = finish_body(d);
			if (err)
				return err;
			d->state = ST_TRAILER;
			break;
		case ST_TRAILER:
			if (len)
				return bad("data after the end of the message");
			break;
		}
	}
	return 0;
}

gpg_error_t
mule_dearmor_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_dearmor *d = arg;
	gpg_error_t err;

	*got = 0;
	while (d->out_off == d->out_len) {
		if (d->done)
			return 0;
		err = refill(d);
		if (err)
			return err;
	}
	if (n > d->out_len - d->out_off)
		n = d->out_len - d->out_off;
	memcpy(buf, d->out + d->out_off, n);
	d->out_off += n;
	*got = n;
	return 0;
}

gpg_error_t
mule_dearmor_whole(const struct mule_membuf *raw, const char *kind,
    struct mule_membuf *bin)
{
	struct mule_membuf in = *raw;
	struct mule_source src;
	struct mule_dearmor *d = NULL;
	unsigned char chunk[16384];
	size_t got;
	gpg_error_t err;

	in.off = 0;
	mule_source_init_fd(&src, -1);
	src.read = mule_membuf_read;
	src.arg = &in;
	err = mule_dearmor_new_kind(&d, &src, kind);
	do {
		if (!err)
			err = mule_dearmor_read(d, chunk, sizeof chunk, &got);
		if (!err && got)
			err = mule_membuf_write(bin, chunk, got);
	} while (!err && got);
	mule_dearmor_free(d);
	return err;
}

void
mule_dearmor_free(struct mule_dearmor *d)
{
	if (!d)
		return;
	gcry_md_close(d->crc);
	free(d->in);
	free(d->out);
	free(d);
}
