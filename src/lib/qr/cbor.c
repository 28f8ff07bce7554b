/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cbor.c - canonical CBOR heads and byte strings. */
#include <config.h>

#include "core/error.h"
#include "qr/cbor.h"

size_t
mule_cbor_head_len(uint64_t v)
{
	if (v < 24)
		return 1;
	if (v <= 0xff)
		return 2;
	if (v <= 0xffff)
		return 3;
	if (v <= 0xffffffff)
		return 5;
	return 9;
}

size_t
mule_cbor_put_head(unsigned char *out, unsigned major, uint64_t v)
{
	size_t n = mule_cbor_head_len(v), i;
	static const unsigned char info[10] = {
		0, 0, 24, 25, 0, 26, 0, 0, 0, 27
	};

	if (n == 1) {
		out[0] = (unsigned char)(major << 5 | v);
		return 1;
	}
	out[0] = (unsigned char)(major << 5 | info[n]);
	for (i = 1; i < n; i++)
		out[i] = (unsigned char)(v >> 8 * (n - 1 - i));
	return n;
}

gpg_error_t
mule_cbor_get_head(const unsigned char **pp, const unsigned char *end,
    unsigned major, uint64_t *r_v)
{
	const unsigned char *p = *pp;
	unsigned ai;
	size_t n, i;
	uint64_t v = 0;

	*r_v = 0;
	if (p >= end)
		return mule_reject(GPG_ERR_TOO_SHORT, NULL,
		    "CBOR: item cut short");
	if ((unsigned)(*p >> 5) != major)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "CBOR: major type %u where %u was expected", *p >> 5,
		    major);
	ai = *p & 31;
	if (ai < 24) {
		*r_v = ai;
		*pp = p + 1;
		return 0;
	}
	if (ai > 27)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "CBOR: indefinite or reserved length (%u)", ai);
	n = (size_t)1 << (ai - 24);
	if ((size_t)(end - p) < 1 + n)
		return mule_reject(GPG_ERR_TOO_SHORT, NULL,
		    "CBOR: head cut short");
	for (i = 0; i < n; i++)
		v = v << 8 | p[1 + i];
	if (mule_cbor_head_len(v) != 1 + n)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "CBOR: non-canonical head (value %llu in %zu bytes)",
		    (unsigned long long)v, 1 + n);
	p += 1 + n;
	if (major == MULE_CBOR_BYTES && v > (uint64_t)(end - p))
		return mule_reject(GPG_ERR_TOO_SHORT, NULL,
		    "CBOR: byte string of %llu bytes cut short",
		    (unsigned long long)v);
	*r_v = v;
	*pp = p;
	return 0;
}

gpg_error_t
mule_cbor_bytes_decode(const unsigned char *p, size_t n,
    const unsigned char **r_data, size_t *r_len)
{
	gpg_error_t err;
	const unsigned char *end = p + n;
	uint64_t len;

	*r_data = NULL;
	*r_len = 0;
	if ((err = mule_cbor_get_head(&p, end, MULE_CBOR_BYTES, &len)))
		return err;
	if (len != (uint64_t)(end - p))
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "CBOR: %zu bytes after the byte string",
		    (size_t)(end - p) - (size_t)len);
	*r_data = p;
	*r_len = (size_t)len;
	return 0;
}
