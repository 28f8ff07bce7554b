/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xoshiro.c - Xoshiro256**, the alias sampler and the shuffle of UR.
 *
 * The floating-point steps follow the reference (bc-ur src/xoshiro256.cpp,
 * random-sampler.cpp, fountain-utils.hpp) operation for operation: the
 * same sums in the same order, the same divisions, so that the same
 * doubles come out.  IEEE double arithmetic without contraction is
 * assumed (x86-64 and arm64 with the default flags). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <gcrypt.h>

#include "qr/xoshiro.h"

struct mule_sampler {
	size_t n;
	double *probs;
	uint32_t *aliases;
};

void
mule_xoshiro_seed(struct mule_xoshiro *x, const void *seed, size_t n)
{
	unsigned char d[32];
	int i, j;

	gcry_md_hash_buffer(GCRY_MD_SHA256, d, seed, n);
	for (i = 0; i < 4; i++) {
		x->s[i] = 0;
		for (j = 0; j < 8; j++)
			x->s[i] = x->s[i] << 8 | d[8 * i + j];
	}
}

static uint64_t
rotl(uint64_t v, int k)
{
	return v << k | v >> (64 - k);
}

uint64_t
mule_xoshiro_next(struct mule_xoshiro *x)
{
	uint64_t *s = x->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
mule_xoshiro_next_double(struct mule_xoshiro *x)
{
	return (double)mule_xoshiro_next(x) / 18446744073709551616.0;
}

uint64_t
mule_xoshiro_next_int(struct mule_xoshiro *x, uint64_t lo, uint64_t hi)
{
	double d = mule_xoshiro_next_double(x) * (double)(hi - lo + 1);
	uint64_t v;

	/* d reaches HI - LO + 1 only when next_double() is 1. */
	v = d >= (double)(hi - lo) + 1.0 ? hi - lo : (uint64_t)d;
	return v + lo;
}

gpg_error_t
mule_sampler_new(const double *weights, size_t n, struct mule_sampler **r_s)
{
	gpg_error_t err = 0;
	struct mule_sampler *s = NULL;
	double *p = NULL, sum = 0;
	uint32_t *small = NULL, *large = NULL;
	size_t i, ns = 0, nl = 0, a, g;

	*r_s = NULL;
	if (n == 0 || n > UINT32_MAX) {
		err = gpg_error(GPG_ERR_INV_ARG);
		goto leave;
	}
	for (i = 0; i < n; i++) {
		if (!(weights[i] >= 0)) {
			err = gpg_error(GPG_ERR_INV_ARG);
			goto leave;
		}
		sum += weights[i];
	}
	if (!(sum > 0)) {
		err = gpg_error(GPG_ERR_INV_ARG);
		goto leave;
	}
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->probs = calloc(n, sizeof *s->probs)) == NULL ||
	    (s->aliases = calloc(n, sizeof *s->aliases)) == NULL ||
	    (p = malloc(n * sizeof *p)) == NULL ||
	    (small = malloc(n * sizeof *small)) == NULL ||
	    (large = malloc(n * sizeof *large)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	s->n = n;
	for (i = 0; i < n; i++)
		p[i] = weights[i] * (double)n / sum;
	/* Both work lists in reverse index order, popped from the back. */
	for (i = n; i-- > 0;) {
		if (p[i] < 1)
			small[ns++] = (uint32_t)i;
		else
			large[nl++] = (uint32_t)i;
	}
	while (ns && nl) {
		a = small[--ns];
		g = large[--nl];
		s->probs[a] = p[a];
		s->aliases[a] = (uint32_t)g;
		p[g] += p[a] - 1;
		if (p[g] < 1)
			small[ns++] = (uint32_t)g;
		else
			large[nl++] = (uint32_t)g;
	}
	while (nl)
		s->probs[large[--nl]] = 1;
	/* Left over only through rounding. */
	while (ns)
		s->probs[small[--ns]] = 1;
	*r_s = s;
	s = NULL;
leave:
	mule_sampler_free(s);
	free(p);
	free(small);
	free(large);
	return err;
}

size_t
mule_sampler_next(const struct mule_sampler *s, struct mule_xoshiro *x)
{
	double r1 = mule_xoshiro_next_double(x);
	double r2 = mule_xoshiro_next_double(x);
	size_t i = (size_t)((double)s->n * r1);

	if (i >= s->n)
		i = s->n - 1;
	return r2 < s->probs[i] ? i : s->aliases[i];
}

void
mule_sampler_free(struct mule_sampler *s)
{
	if (!s)
		return;
	free(s->probs);
	free(s->aliases);
	free(s);
}

/* TREE (1-based, N entries) is a Fenwick tree of the items still in
 * the list, one count each: the item at a position of what remains is
 * found, and removed, in O(log N). */
void
mule_shuffle_take(struct mule_xoshiro *x, size_t n, size_t count,
    uint32_t *tree, uint32_t *out)
{
	size_t k, i, pos, step, top = 1;
	uint64_t rank;

	for (i = 1; i <= n; i++)
		tree[i] = (uint32_t)(i & -i);
	while (top * 2 <= n)
		top *= 2;
	for (k = 0; k < count; k++) {
		rank = mule_xoshiro_next_int(x, 0, n - k - 1);
		/* The largest POS whose prefix holds at most RANK items:
		 * the item wanted is POS + 1 (1-based), position POS. */
		pos = 0;
		for (step = top; step; step /= 2)
			if (pos + step <= n && tree[pos + step] <= rank) {
				pos += step;
				rank -= tree[pos];
			}
		out[k] = (uint32_t)pos;
		for (i = pos + 1; i <= n; i += i & -i)
			tree[i]--;
	}
}
