/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c - untrusted text made safe to print, and small parsers. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/text.h"

/* The code point of the valid UTF-8 sequence at S (at most N bytes) in
 * *CP, and its length; 0 for an invalid, overlong or surrogate one.
 * (ASCII is the caller's.) */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000)
	    || (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return len;
}

size_t
mule_utf8_printable(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return s[0] == '\\' ? 0 : 1;
	len = utf8_decode(s, n, &cp);
	/* C1 controls, and the bidirectional overrides that can disguise
	 * text. */
	if (!len || cp < 0xa0 || (cp >= 0x202a && cp <= 0x202e)
	    || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

char *
mule_escape(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out, *p;
	size_t i = 0, len;

	out = malloc(n * 4 + 1);
	if (!out)
		return NULL;
	p = out;
	while (i < n) {
		/* A double quote too: names are shown between them. */
		len = s[i] == '"' ? 0 : mule_utf8_printable(s + i, n - i);
		if (len) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
		} else {
			p += sprintf(p, "\\x%02x", s[i]);
			i++;
		}
	}
	*p = '\0';
	return out;
}

int
mule_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = toupper(c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
hex_encode(char *out, const unsigned char *bytes, size_t n,
    const char digits[16])
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

void
mule_hex_encode(char *out, const unsigned char *bytes, size_t n)
{
	hex_encode(out, bytes, n, "0123456789abcdef");
}

void
mule_hex_encode_upper(char *out, const unsigned char *bytes, size_t n)
{
	hex_encode(out, bytes, n, "0123456789ABCDEF");
}

char *
mule_percent_decode(const char *s, size_t *len)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '%' && mule_hexval((unsigned char)s[1]) >= 0
		    && mule_hexval((unsigned char)s[2]) >= 0) {
			out[n++] = (char)(mule_hexval((unsigned char)s[1]) * 16
			    + mule_hexval((unsigned char)s[2]));
			s += 3;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	*len = n;
	return out;
}

int
mule_fpr_parse(const char *s, char out[41])
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (mule_hexval((unsigned char)*s) < 0 || n == 40)
			break;
		out[n++] = (char)toupper((unsigned char)*s);
	}
	/* Nothing of what is not a fingerprint stays in OUT: a caller that
	 * ignores the result (a status line) keeps no fragment. */
	if (*s || n != 40)
		n = 0;
	out[n] = '\0';
	return n == 40;
}

gpg_error_t
mule_size_parse(const char *s, uint64_t *size)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: goto bad;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		goto bad;
	*size = (uint64_t)v << shift;
	return 0;
bad:
	return mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE),
	    "a size is a number with an optional K, M, G or T suffix",
	    "invalid size '%s'", s);
}

int
mule_sample_compressible(const unsigned char *buf, size_t len)
{
	unsigned long count[256] = { 0 };
	double entropy = 0.0;
	size_t i;

	/* Too little to gain anything; the packet overhead would dominate. */
	if (len < 512)
		return 0;
	for (i = 0; i < len; i++)
		count[buf[i]]++;
	for (i = 0; i < 256; i++) {
		if (count[i]) {
			double p = (double)count[i] / (double)len;

			entropy -= p * log2(p);
		}
	}
	/* Random and compressed data score close to 8 bits per byte. */
	return entropy < 7.5;
}

void
mule_json_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, k;

	fputc('"', f);
	while (i < n) {
		if (p[i] == '"' || p[i] == '\\') {
			fputc('\\', f);
			fputc(p[i++], f);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\u%04x", p[i++]);
		} else if (p[i] < 0x80) {
			fputc(p[i++], f);
		} else if ((k = mule_utf8_printable(p + i, n - i)) > 0) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else if ((k = utf8_decode(p + i, n - i, &cp)) > 0) {
			/* Text, but not for a terminal (a C1 control, a
			 * bidirectional override): the character escaped,
			 * so that the string is still the name. */
			fprintf(f, "\\u%04lx", cp);
			i += k;
		} else
			fprintf(f, "\\u%04x", p[i++]);
	}
	fputc('"', f);
}

int
mule_is_hex(const char *s, size_t n, int upper)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (upper
		    ? (s[i] >= 'A' && s[i] <= 'F') : (s[i] >= 'a' && s[i] <= 'f'))))
			return 0;
	return 1;
}

int
mule_hex_field(const char *s, size_t n, int upper)
{
	return strlen(s) == n && mule_is_hex(s, n, upper);
}

void
mule_size_text(uint64_t size, char out[MULE_SIZE_TEXT])
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	double v = (double)size;
	size_t u = 0;

	if (size < 1024) {
		snprintf(out, MULE_SIZE_TEXT, "%u B", (unsigned)size);
		return;
	}
	v /= 1024;
	/* 1023.96 KiB would show as "1024.0 KiB": the next unit then. */
	while (v >= 1023.95 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(out, MULE_SIZE_TEXT, "%.1f %s", v, units[u]);
}

void
mule_time_text(int64_t t, char out[MULE_TIME_TEXT])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt != t || !gmtime_r(&tt, &tm)
	    || !strftime(out, MULE_TIME_TEXT, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, MULE_TIME_TEXT, "?");
}
