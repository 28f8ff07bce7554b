/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-qr-loss.c - the UR encoder and decoder (src/lib/qr/ur.c) over a
 * lossy channel, as a camera watching an animation sees it: every part
 * lost with probability 0.2, drawn by a generator of this test's own
 * (splitmix64, so the channel shares nothing with the fountain code's
 * Xoshiro), for 100 fixed seeds per payload size.
 *
 * The endless stream: parts are sent until the decoder is done, at most
 * 10 x len of them; every seed must give the payload back.  The finite
 * set: the len plain parts and as many fountain parts (what mule-qr
 * encode writes by default, --extra 100), each lost with probability
 * 0.2, fed once; the share of seeds that decode is reported and held to
 * a floor measured below. */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/secret.h"
#include "qr/ur.h"
#include "tap.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])
#define SEEDS 100
#define LOSS 0.2
/* The endless stream gives up after this many parts per fragment. */
#define CAP 10

/* splitmix64 (Steele, Lea, Flood 2014), the channel and the payloads. */
static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) / 9007199254740992.0;
}

static unsigned char *
make_payload(size_t n, uint64_t seed)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t i;

	for (i = 0; p && i < n; i++)
		p[i] = (unsigned char)(splitmix64(&seed) >> 56);
	return p;
}

/* One transmission: how many parts were sent (lost ones included) and
 * received until the decoder was done, of len; done says whether it
 * finished with the payload, byte for byte. */
struct run {
	size_t len, sent, received;
	int done;
};

/* Send the payload of N bytes (made from SEED) in fragments of at most
 * FRAG, losing each part with probability LOSS, until the decoder is
 * done or LIMIT parts were sent (LIMIT 0: CAP x len). */
static void
transmit(size_t n, size_t frag, uint64_t seed, size_t limit, struct run *r)
{
	unsigned char *msg = make_payload(n, seed);
	struct mule_ur_encoder *enc = NULL;
	struct mule_ur_decoder *dec = NULL;
	uint64_t channel = seed ^ 0x6c6f7373ULL;	/* "loss" */
	const unsigned char *m;
	const char *line;
	size_t mn;
	int ok;

	memset(r, 0, sizeof *r);
	ok = msg && !mule_ur_encoder_new(msg, n, frag, &enc) &&
	    !mule_ur_decoder_new(0, &dec);
	if (ok) {
		r->len = mule_ur_encoder_len(enc);
		if (!limit)
			limit = CAP * r->len;
	}
	while (ok && !mule_ur_decoder_done(dec) && r->sent < limit) {
		ok = !mule_ur_encoder_next_part(enc, &line);
		r->sent++;
		if (!ok || uniform(&channel) < LOSS)
			continue;
		r->received++;
		ok = !mule_ur_decoder_receive(dec, line, strlen(line), NULL);
	}
	if (!ok) {
		struct mule_error_record e;

		mule_error_save(&e);
		mule_error_clear();
		printf("# seed %llu: error: %s\n", (unsigned long long)seed,
		    e.msg[0] ? e.msg : "(no message)");
	}
	m = ok ? mule_ur_decoder_message(dec, &mn) : NULL;
	r->done = m && mn == n && !memcmp(m, msg, n);
	mule_ur_encoder_free(enc);
	mule_ur_decoder_free(dec);
	free(msg);
}

static const struct size {
	size_t n, frag;
	const char *what;
	/* The finite set's floor, in seeds of 100 (see test_finite). */
	int floor;
} sizes[] = {
	{ 20 << 10, 400, "20 KiB in fragments of 400 B", 95 },
	{ 64 << 10, 200, "64 KiB in fragments of 200 B", 95 },
	{ 1000, 200, "1000 B in fragments of 200 B", 80 },
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The endless stream: 100 of 100 seeds decode within CAP x len parts. */
static void
test_stream(const struct size *s)
{
	struct run r;
	double rx = 0, tx = 0, rx_max = 0, tx_max = 0, q, t = now();
	size_t i, done = 0, len = 0;

	for (i = 0; i < SEEDS; i++) {
		transmit(s->n, s->frag, 1000 + i, 0, &r);
		len = r.len;
		if (!r.done) {
			printf("# seed %zu: not done after %zu parts sent, %zu "
			    "received, len %zu\n", 1000 + i, r.sent,
			    r.received, r.len);
			continue;
		}
		done++;
		q = (double)r.received / (double)r.len;
		rx += q;
		rx_max = q > rx_max ? q : rx_max;
		q = (double)r.sent / (double)r.len;
		tx += q;
		tx_max = q > tx_max ? q : tx_max;
	}
	TAP_OK(done == SEEDS, "endless stream, 20 %% lost, %s (len %zu): "
	    "%zu of %d seeds decode within %d x len parts (%.2f s)", s->what,
	    len, done, SEEDS, CAP, now() - t);
	printf("# %s: parts received / len: mean %.3f, max %.3f\n", s->what,
	    done ? rx / (double)done : 0, rx_max);
	printf("# %s: parts sent / len:     mean %.3f, max %.3f\n", s->what,
	    done ? tx / (double)done : 0, tx_max);
}

/* How many parts carry N bytes in fragments of at most FRAG: len. */
static size_t
parts_len(size_t n, size_t frag)
{
	unsigned char *p = make_payload(n, 0);
	struct mule_ur_encoder *enc = NULL;
	size_t len = 0;

	if (p && !mule_ur_encoder_new(p, n, frag, &enc))
		len = mule_ur_encoder_len(enc);
	mule_ur_encoder_free(enc);
	free(p);
	return len;
}

/* The finite set of mule-qr encode's default, len + 100 % parts, 20 %
 * of them lost: how many of the 100 seeds decode.
 *
 * Measured (2026-12-06; the seeds are fixed, so these figures are too):
 * 20 KiB/400 (len 52) 100 of 100, 64 KiB/200 (len 328) 100 of 100,
 * 1000 B/200 (len 6) 89 of 100.  Over 2,000 seeds the failure rates
 * are 0.5 % for len 52 and 15.5 % for len 6: a set of 12 parts keeps
 * about 9.6, and at that length the mixes received often leave one
 * fragment undetermined (every failing seed here has a rank below len
 * over GF(2), so no decoder could do better).  The floors (95, 95, 80)
 * leave room for a change in the decoder's order of work, not for a
 * decoder that needs many more parts. */
static void
test_finite(const struct size *s)
{
	struct run r;
	size_t i, done = 0, len = parts_len(s->n, s->frag);

	for (i = 0; len && i < SEEDS; i++) {
		transmit(s->n, s->frag, 2000 + i, 2 * len, &r);
		done += r.done;
	}
	printf("# %s: finite set of %zu parts, 20 %% lost: %zu of %d decode\n",
	    s->what, 2 * len, done, SEEDS);
	TAP_OK(done >= (size_t)s->floor, "finite set (len + 100 %%), 20 %% "
	    "lost, %s: %zu of %d seeds decode, at least %d", s->what, done,
	    SEEDS, s->floor);
}

int
main(void)
{
	size_t i;

	if (mule_secret_init()) {
		printf("Bail out! libgcrypt\n");
		return 1;
	}
	for (i = 0; i < NELEM(sizes); i++)
		test_stream(&sizes[i]);
	for (i = 0; i < NELEM(sizes); i++)
		test_finite(&sizes[i]);
	return tap_done();
}
