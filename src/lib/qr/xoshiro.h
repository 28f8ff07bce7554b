/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xoshiro.h - the pseudo-random choices of UR's fountain code, made
 * exactly as the reference (BlockchainCommons/bc-ur) makes them, since
 * the encoder and every decoder must agree on them bit for bit.
 *
 * Xoshiro256** (Blackman and Vigna), seeded with SHA-256 of some bytes:
 * the digest read as four big-endian 64-bit words.  The alias sampler
 * (Walker/Vose, in the reference's order), and the reference's
 * "shuffle": draw an item, remove it, repeat.
 */
#ifndef MULE_QR_XOSHIRO_H
#define MULE_QR_XOSHIRO_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_xoshiro {
	uint64_t s[4];
};

/* Seed X with SHA-256 of the N bytes at SEED (libgcrypt must be
 * initialised). */
void mule_xoshiro_seed(struct mule_xoshiro *x, const void *seed, size_t n);

/* The next 64 bits. */
uint64_t mule_xoshiro_next(struct mule_xoshiro *x);

/* next() / 2^64 in double precision: in [0, 1]; 1 only when next() is
 * within 2^10 of 2^64, as in the reference. */
double mule_xoshiro_next_double(struct mule_xoshiro *x);

/* floor(next_double() * (HI - LO + 1)) + LO, but never above HI (where
 * the reference would step out of bounds).  LO <= HI. */
uint64_t mule_xoshiro_next_int(struct mule_xoshiro *x, uint64_t lo,
    uint64_t hi);

/* The alias table for N weights (N >= 1). */
struct mule_sampler;

/* Build in *R_S the sampler for the N non-negative WEIGHTS (their sum
 * positive).  GPG_ERR_INV_ARG for bad weights, GPG_ERR_ENOMEM. */
gpg_error_t mule_sampler_new(const double *weights, size_t n,
    struct mule_sampler **r_s);

/* Draw an index in [0, N) with two next_double()s of X. */
size_t mule_sampler_next(const struct mule_sampler *s, struct mule_xoshiro *x);

/* NULL-safe. */
void mule_sampler_free(struct mule_sampler *s);

/* The reference's shuffle of the list 0, 1, ..., N - 1, stopped after
 * COUNT draws (COUNT <= N): each draw takes next_int(0, remaining - 1) of
 * X, moves the item at that position of what remains to OUT and closes
 * the gap.  OUT gets the first COUNT items of the reference's
 * shuffled(0..N-1): the positions in the original list, which map any
 * other list.  TREE is scratch room for N + 1 words; a draw costs
 * O(log N), not the O(N) of closing the gap in an array. */
void mule_shuffle_take(struct mule_xoshiro *x, size_t n, size_t count,
    uint32_t *tree, uint32_t *out);

#endif
