/* SPDX-License-Identifier: GPL-3.0-or-later */
/* clearsig.c - the structure of a clear-signed message, checked strictly. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pgp/clearsig.h"

#define PREFIX 64

static const char begin_signed[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char begin_sig[] = "-----BEGIN PGP SIGNATURE-----";
static const char end_sig[] = "-----END PGP SIGNATURE-----";

enum state { ST_BEFORE, ST_HEADERS, ST_TEXT, ST_SIGNATURE, ST_AFTER };

struct mule_clearsig {
	struct mule_source *src;
	enum state state;
	char prefix[PREFIX];	/* the start of the current line */
	size_t len;		/* length of the current line so far */
	size_t content;		/* length without trailing blanks */
	size_t lineno;
	int eof;
	int nhash;		/* "Hash:" headers seen */
	char hash[24];		/* the algorithm it names */
};

static int
blank_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
mule_clearsig_detect(const unsigned char *buf, size_t n)
{
	size_t i = 0;

	while (i < n && (blank_byte(buf[i]) || buf[i] == '\n'))
		i++;
	return n - i >= sizeof begin_signed - 1
	    && !memcmp(buf + i, begin_signed, sizeof begin_signed - 1);
}

gpg_error_t
mule_clearsig_new(struct mule_clearsig **c, struct mule_source *src)
{
	*c = calloc(1, sizeof **c);
	if (!*c)
		return gpg_error_from_syserror();
	(*c)->src = src;
	return 0;
}

static int
is_line(const struct mule_clearsig *c, const char *marker, size_t len)
{
	return c->content == len && !memcmp(c->prefix, marker, len);
}

#define IS(c, m) is_line((c), (m), sizeof (m) - 1)

static gpg_error_t
bad(const struct mule_clearsig *c, const char *what)
{
	return mule_reject(GPG_ERR_INV_ARMOR,
	    "only one clear-signed block, with nothing around it, is accepted",
	    "clear-signed input, line %zu: %s", c->lineno, what);
}

/* Judge the line that just ended. */
static gpg_error_t
end_line(struct mule_clearsig *c)
{
	int blank = c->content == 0;

	c->lineno++;
	switch (c->state) {
	case ST_BEFORE:
		if (IS(c, begin_signed))
			c->state = ST_HEADERS;
		else if (!blank)
			return bad(c, "text before the signed message");
		break;
	case ST_HEADERS:
		if (blank)
			c->state = ST_TEXT;
		else if (c->len < 6 || memcmp(c->prefix, "Hash: ", 6))
			return bad(c, "unexpected armour header");
		else if (c->content <= 6)
			return bad(c, "an empty Hash: header");
		else if (c->nhash++ || c->content - 6 >= sizeof c->hash
		    || c->content > PREFIX || memchr(c->prefix + 6, ',',
		    c->content - 6))
			return bad(c, "more than one hash algorithm named");
		else
			snprintf(c->hash, sizeof c->hash, "%.*s",
			    (int)(c->content - 6), c->prefix + 6);
		break;
	case ST_TEXT:
		if (c->len && c->prefix[0] == '-') {
			if (IS(c, begin_sig))
				c->state = ST_SIGNATURE;
			else if (c->len < 2 || c->prefix[1] != ' ')
				return bad(c, "a line starting with '-' that is "
				    "not dash-escaped");
		}
		break;
	case ST_SIGNATURE:
		if (IS(c, end_sig))
			c->state = ST_AFTER;
		else if (c->len && c->prefix[0] == '-')
			return bad(c, "unexpected line in the signature block");
		break;
	case ST_AFTER:
		if (!blank)
			return bad(c, "data after the signature");
		break;
	}
	c->len = c->content = 0;
	return 0;
}

static gpg_error_t
scan(struct mule_clearsig *c, const unsigned char *p, size_t n)
{
	gpg_error_t err;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if ((err = end_line(c)))
				return err;
			continue;
		}
		if (c->len < PREFIX)
			c->prefix[c->len] = (char)p[i];
		c->len++;
		if (!blank_byte(p[i]))
			c->content = c->len;
	}
	return 0;
}

gpg_error_t
mule_clearsig_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mule_clearsig *c = arg;
	gpg_error_t err;

	*got = 0;
	if (c->eof)
		return 0;
	err = mule_source_read(c->src, buf, n, got);
	if (err)
		return err;
	if (*got)
		return scan(c, buf, *got);
	c->eof = 1;
	if (c->len && (err = end_line(c)))
		return err;
	if (c->state != ST_AFTER)
		return bad(c, "the signature block is missing or cut short");
	return 0;
}

const char *
mule_clearsig_hash(const struct mule_clearsig *c)
{
	return c->hash;
}

void
mule_clearsig_free(struct mule_clearsig *c)
{
	free(c);
}
