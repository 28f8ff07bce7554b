/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fountain.c - the fountain encoder and decoder of UR.
 *
 * The choices follow the reference (bc-ur src/fountain-utils.cpp,
 * fountain-encoder.cpp) exactly; the decoder follows its algorithm
 * (fountain-decoder.cpp): simple parts fill fragments, mixed parts are
 * reduced by the fragments known and by each other, and what becomes
 * simple goes through a queue.  Index sets are sorted arrays, reduced
 * by the fragments known as soon as they come, so that they stay short
 * and a 1 MiB message of thousands of fragments decodes quickly. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "qr/cbor.h"
#include "qr/crc32.h"
#include "qr/fountain.h"

struct mule_fountain_chooser {
	uint32_t len;
	struct mule_sampler *degrees;
	uint32_t *work;		/* the shuffle's tree, len + 1 */
};

struct mule_fountain_encoder {
	uint32_t seq, len, checksum;
	size_t message_len, frag_len;
	unsigned char *frags;		/* len * frag_len, zero-padded */
	unsigned char *mix;		/* the current part's data */
	uint32_t *indexes;
	struct mule_fountain_chooser *chooser;
};

/* A mixed part: the XOR of the fragments in IDX (sorted, n >= 2). */
struct mixed {
	uint32_t *idx;
	size_t n;
	unsigned char *data;
};

/* A fragment on its way in: index and data (owned). */
struct simple {
	uint32_t index;
	unsigned char *data;
};

struct mule_fountain_decoder {
	size_t max_message;
	int fixed, done, failed;
	uint32_t len, message_len, checksum;
	size_t frag_len;
	unsigned char *frags;		/* len * frag_len */
	unsigned char *have;		/* per fragment: known */
	uint32_t *indexes;		/* scratch for the chooser */
	struct mule_fountain_chooser *chooser;
	struct mixed *mixed;
	size_t nmixed, mixed_cap, mixed_bytes, mixed_budget;
	struct simple *queue;
	size_t nqueue, queue_cap;
	struct mule_fountain_progress progress;
};

size_t
mule_fountain_fragment_len(size_t message_len, size_t min_len, size_t max_len)
{
	size_t count, max_count = message_len / min_len, len = message_len;

	/* The reference asserts a message of at least MIN_LEN; one shorter
	 * is one fragment. */
	if (max_count < 1)
		max_count = 1;
	for (count = 1; count <= max_count; count++) {
		len = (size_t)ceil((double)message_len / (double)count);
		if (len <= max_len)
			break;
	}
	return len;
}

size_t
mule_fountain_part_cbor_len(const struct mule_fountain_part *part)
{
	return 1 + mule_cbor_head_len(part->seq) +
	    mule_cbor_head_len(part->len) +
	    mule_cbor_head_len(part->message_len) +
	    mule_cbor_head_len(part->checksum) +
	    mule_cbor_head_len(part->data_len) + part->data_len;
}

size_t
mule_fountain_part_encode(const struct mule_fountain_part *part,
    unsigned char *out)
{
	unsigned char *o = out;

	o += mule_cbor_put_head(o, MULE_CBOR_ARRAY, 5);
	o += mule_cbor_put_head(o, MULE_CBOR_UINT, part->seq);
	o += mule_cbor_put_head(o, MULE_CBOR_UINT, part->len);
	o += mule_cbor_put_head(o, MULE_CBOR_UINT, part->message_len);
	o += mule_cbor_put_head(o, MULE_CBOR_UINT, part->checksum);
	o += mule_cbor_put_head(o, MULE_CBOR_BYTES, part->data_len);
	if (part->data_len)
		memcpy(o, part->data, part->data_len);
	return (size_t)(o - out) + part->data_len;
}

gpg_error_t
mule_fountain_part_decode(const unsigned char *p, size_t n,
    struct mule_fountain_part *part)
{
	gpg_error_t err;
	const unsigned char *end = p + n;
	uint64_t v[5];
	int i;

	memset(part, 0, sizeof *part);
	if ((err = mule_cbor_get_head(&p, end, MULE_CBOR_ARRAY, &v[0])))
		return err;
	if (v[0] != 5)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: an array of %llu items, not 5",
		    (unsigned long long)v[0]);
	for (i = 0; i < 4; i++) {
		if ((err = mule_cbor_get_head(&p, end, MULE_CBOR_UINT, &v[i])))
			return err;
		if (v[i] > UINT32_MAX)
			return mule_reject(GPG_ERR_INV_DATA, NULL,
			    "UR part: number %llu above 2^32 - 1",
			    (unsigned long long)v[i]);
	}
	if ((err = mule_cbor_get_head(&p, end, MULE_CBOR_BYTES, &v[4])))
		return err;
	if (v[4] != (uint64_t)(end - p))
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: bytes after the part");
	part->seq = (uint32_t)v[0];
	part->len = (uint32_t)v[1];
	part->message_len = (uint32_t)v[2];
	part->checksum = (uint32_t)v[3];
	part->data = p;
	part->data_len = (size_t)v[4];
	return 0;
}

gpg_error_t
mule_fountain_chooser_new(uint32_t len, struct mule_fountain_chooser **r_c)
{
	gpg_error_t err = 0;
	struct mule_fountain_chooser *c = NULL;
	double *w = NULL;
	uint32_t i;

	*r_c = NULL;
	if (len < 1 || len > MULE_FOUNTAIN_MAX_LEN) {
		err = gpg_error(GPG_ERR_INV_ARG);
		goto leave;
	}
	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (c->work = malloc((len + 1) * sizeof *c->work)) == NULL ||
	    (w = malloc(len * sizeof *w)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	c->len = len;
	/* Degree d has weight 1/d, the reference's choose_degree. */
	for (i = 0; i < len; i++)
		w[i] = 1.0 / (double)(i + 1);
	if ((err = mule_sampler_new(w, len, &c->degrees)))
		goto leave;
	*r_c = c;
	c = NULL;
leave:
	mule_fountain_chooser_free(c);
	free(w);
	return err;
}

size_t
mule_fountain_choose_degree(const struct mule_fountain_chooser *c,
    struct mule_xoshiro *x)
{
	return mule_sampler_next(c->degrees, x) + 1;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
mule_fountain_choose(struct mule_fountain_chooser *c, uint32_t seq,
    uint32_t checksum, uint32_t *out)
{
	unsigned char seed[8];
	struct mule_xoshiro x;
	size_t degree;

	if (seq <= c->len) {
		out[0] = seq - 1;
		return 1;
	}
	mule_put_be32(seed, seq);
	mule_put_be32(seed + 4, checksum);
	mule_xoshiro_seed(&x, seed, sizeof seed);
	degree = mule_fountain_choose_degree(c, &x);
	/* The first DEGREE draws of the reference's shuffle are the set. */
	mule_shuffle_take(&x, c->len, degree, c->work, out);
	qsort(out, degree, sizeof *out, cmp_u32);
	return degree;
}

void
mule_fountain_chooser_free(struct mule_fountain_chooser *c)
{
	if (!c)
		return;
	mule_sampler_free(c->degrees);
	free(c->work);
	free(c);
}

static void
xor_into(unsigned char *dst, const unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] ^= src[i];
}

gpg_error_t
mule_fountain_encoder_new(const void *message, size_t n, size_t max_fragment,
    uint32_t first_seq, struct mule_fountain_encoder **r_enc)
{
	gpg_error_t err = 0;
	struct mule_fountain_encoder *enc = NULL;
	size_t frag_len, len;

	*r_enc = NULL;
	if (n < 1 || n > UINT32_MAX ||
	    max_fragment < MULE_FOUNTAIN_MIN_FRAGMENT) {
		err = gpg_error(GPG_ERR_INV_ARG);
		goto leave;
	}
	frag_len = mule_fountain_fragment_len(n, MULE_FOUNTAIN_MIN_FRAGMENT,
	    max_fragment);
	len = (n + frag_len - 1) / frag_len;
	if (len > MULE_FOUNTAIN_MAX_LEN) {
		err = mule_error_set(gpg_error(GPG_ERR_TOO_LARGE), NULL,
		    "UR: %zu bytes in fragments of %zu make %zu parts, more "
		    "than %d", n, frag_len, len, MULE_FOUNTAIN_MAX_LEN);
		goto leave;
	}
	if ((enc = calloc(1, sizeof *enc)) == NULL ||
	    (enc->frags = calloc(len, frag_len)) == NULL ||
	    (enc->mix = malloc(frag_len)) == NULL ||
	    (enc->indexes = malloc(len * sizeof *enc->indexes)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	if ((err = mule_fountain_chooser_new((uint32_t)len, &enc->chooser)))
		goto leave;
	memcpy(enc->frags, message, n);
	enc->seq = first_seq;
	enc->len = (uint32_t)len;
	enc->checksum = mule_crc32(message, n);
	enc->message_len = n;
	enc->frag_len = frag_len;
	*r_enc = enc;
	enc = NULL;
leave:
	mule_fountain_encoder_free(enc);
	return err;
}

uint32_t
mule_fountain_encoder_len(const struct mule_fountain_encoder *enc)
{
	return enc->len;
}

gpg_error_t
mule_fountain_encoder_next(struct mule_fountain_encoder *enc,
    struct mule_fountain_part *part)
{
	size_t i, degree;

	memset(part, 0, sizeof *part);
	if (enc->seq == UINT32_MAX)
		return gpg_error(GPG_ERR_EOF);
	enc->seq++;
	degree = mule_fountain_choose(enc->chooser, enc->seq, enc->checksum,
	    enc->indexes);
	memset(enc->mix, 0, enc->frag_len);
	for (i = 0; i < degree; i++)
		xor_into(enc->mix, enc->frags +
		    (size_t)enc->indexes[i] * enc->frag_len, enc->frag_len);
	part->seq = enc->seq;
	part->len = enc->len;
	part->message_len = (uint32_t)enc->message_len;
	part->checksum = enc->checksum;
	part->data = enc->mix;
	part->data_len = enc->frag_len;
	return 0;
}

void
mule_fountain_encoder_free(struct mule_fountain_encoder *enc)
{
	if (!enc)
		return;
	mule_fountain_chooser_free(enc->chooser);
	free(enc->frags);
	free(enc->mix);
	free(enc->indexes);
	free(enc);
}

gpg_error_t
mule_fountain_decoder_new(size_t max_message,
    struct mule_fountain_decoder **r_dec)
{
	struct mule_fountain_decoder *dec;

	*r_dec = NULL;
	if ((dec = calloc(1, sizeof *dec)) == NULL)
		return gpg_error_from_syserror();
	dec->max_message = max_message ? max_message :
	    MULE_FOUNTAIN_DEFAULT_MAX_MESSAGE;
	if (dec->max_message > UINT32_MAX)
		dec->max_message = UINT32_MAX;
	*r_dec = dec;
	return 0;
}

/* The part in itself: numbers in range and consistent. */
static gpg_error_t
check_part(const struct mule_fountain_decoder *dec,
    const struct mule_fountain_part *p)
{
	if (p->seq == 0)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: sequence number 0");
	if (p->len == 0 || p->len > MULE_FOUNTAIN_MAX_LEN)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: %lu parts, not 1 to %d", (unsigned long)p->len,
		    MULE_FOUNTAIN_MAX_LEN);
	if (p->message_len == 0)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: a message of 0 bytes");
	if (p->message_len > dec->max_message)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL,
		    "UR part: a message of %lu bytes, over the limit of %zu",
		    (unsigned long)p->message_len, dec->max_message);
	/* The encoder's fragment length is always ceil(message_len / len)
	 * and gives len fragments (the last one not empty): one part
	 * header, one fragment length. */
	if (p->data_len != ((uint64_t)p->message_len + p->len - 1) / p->len ||
	    ((uint64_t)p->message_len + p->data_len - 1) / p->data_len !=
	    p->len)
		return mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: fragments of %zu bytes do not make %lu parts "
		    "of a message of %lu bytes", p->data_len,
		    (unsigned long)p->len, (unsigned long)p->message_len);
	return 0;
}

/* Fix the message DEC decodes to that of P (checked). */
static gpg_error_t
fix_message(struct mule_fountain_decoder *dec,
    const struct mule_fountain_part *p)
{
	size_t len = p->len, frag_len = p->data_len;

	if ((dec->frags = calloc(len, frag_len)) == NULL ||
	    (dec->have = calloc(len, 1)) == NULL ||
	    (dec->indexes = malloc(len * sizeof *dec->indexes)) == NULL)
		return gpg_error_from_syserror();
	dec->len = p->len;
	dec->message_len = p->message_len;
	dec->checksum = p->checksum;
	dec->frag_len = frag_len;
	/* Mixed parts waiting: at most twice the message's fragments (and
	 * 1 MiB for their index lists) before new ones are dropped. */
	dec->mixed_budget = 2 * len * frag_len + ((size_t)1 << 20);
	dec->fixed = 1;
	dec->progress.len = len;
	return mule_fountain_chooser_new(p->len, &dec->chooser);
}

static gpg_error_t
enqueue(struct mule_fountain_decoder *dec, uint32_t index,
    unsigned char *data)
{
	struct simple *q;
	size_t cap;

	if (dec->nqueue == dec->queue_cap) {
		cap = dec->queue_cap ? 2 * dec->queue_cap : 16;
		if ((q = realloc(dec->queue, cap * sizeof *q)) == NULL) {
			free(data);
			return gpg_error_from_syserror();
		}
		dec->queue = q;
		dec->queue_cap = cap;
	}
	dec->queue[dec->nqueue].index = index;
	dec->queue[dec->nqueue].data = data;
	dec->nqueue++;
	return 0;
}

static size_t
mixed_size(const struct mule_fountain_decoder *dec, const struct mixed *m)
{
	return dec->frag_len + m->n * sizeof *m->idx + sizeof *m;
}

/* Take mixed part I out of the list (its buffers stay with the caller). */
static void
unlink_mixed(struct mule_fountain_decoder *dec, size_t i)
{
	dec->mixed_bytes -= mixed_size(dec, &dec->mixed[i]);
	dec->mixed[i] = dec->mixed[--dec->nmixed];
}

/* Mixed part M, which became a single fragment, goes to the queue. */
static gpg_error_t
mixed_to_queue(struct mule_fountain_decoder *dec, struct mixed *m)
{
	uint32_t index = m->idx[0];

	free(m->idx);
	m->idx = NULL;
	return enqueue(dec, index, m->data);
}

/* Remove from M the indices of SUB (a subset), and XOR SUB's data in. */
static void
reduce(struct mule_fountain_decoder *dec, struct mixed *m,
    const uint32_t *sub, size_t nsub, const unsigned char *data)
{
	size_t i, j = 0, k = 0;

	for (i = 0; i < m->n; i++) {
		if (j < nsub && sub[j] == m->idx[i]) {
			j++;
			continue;
		}
		m->idx[k++] = m->idx[i];
	}
	m->n = k;
	xor_into(m->data, data, dec->frag_len);
}

/* Whether sorted A (NA) is a strict subset of sorted B (NB). */
static int
strict_subset(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i, j = 0;

	if (na >= nb)
		return 0;
	for (i = 0; i < na; i++) {
		while (j < nb && b[j] < a[i])
			j++;
		if (j == nb || b[j] != a[i])
			return 0;
	}
	return 1;
}

/* Fragment INDEX is known now: reduce every mixed part holding it. */
static gpg_error_t
reduce_mixed_by_fragment(struct mule_fountain_decoder *dec, uint32_t index)
{
	gpg_error_t err;
	const unsigned char *data = dec->frags + (size_t)index * dec->frag_len;
	struct mixed m;
	size_t i = 0;

	while (i < dec->nmixed) {
		if (!bsearch(&index, dec->mixed[i].idx, dec->mixed[i].n,
		    sizeof index, cmp_u32)) {
			i++;
			continue;
		}
		dec->mixed_bytes -= sizeof index;
		reduce(dec, &dec->mixed[i], &index, 1, data);
		if (dec->mixed[i].n > 1) {
			i++;
			continue;
		}
		m = dec->mixed[i];
		unlink_mixed(dec, i);
		if ((err = mixed_to_queue(dec, &m)))
			return err;
	}
	return 0;
}

/* The message is complete: check it. */
static gpg_error_t
finish(struct mule_fountain_decoder *dec)
{
	if (mule_crc32(dec->frags, dec->message_len) != dec->checksum) {
		dec->failed = 1;
		return mule_reject(GPG_ERR_CHECKSUM, NULL,
		    "UR: the message's CRC-32 is not %08lx: parts of "
		    "different messages", (unsigned long)dec->checksum);
	}
	dec->done = 1;
	return 0;
}

/* Process the queue of single fragments, until empty or done. */
static gpg_error_t
process_queue(struct mule_fountain_decoder *dec)
{
	gpg_error_t err = 0;
	struct simple s;

	while (dec->nqueue && !dec->done && !err) {
		s = dec->queue[--dec->nqueue];
		if (!dec->have[s.index]) {
			memcpy(dec->frags + (size_t)s.index * dec->frag_len,
			    s.data, dec->frag_len);
			dec->have[s.index] = 1;
			if (++dec->progress.known == dec->len)
				err = finish(dec);
			else
				err = reduce_mixed_by_fragment(dec, s.index);
		}
		free(s.data);
	}
	return err;
}

/* Whether a mixed part holds exactly the indices of P. */
static int
duplicate(const struct mule_fountain_decoder *dec, const struct mixed *p)
{
	size_t i;

	for (i = 0; i < dec->nmixed; i++)
		if (dec->mixed[i].n == p->n &&
		    !memcmp(dec->mixed[i].idx, p->idx, p->n * sizeof *p->idx))
			return 1;
	return 0;
}

/* A mixed part P (owned: freed or kept) arrives; *DROPPED is set when
 * there is no room to keep it. */
static gpg_error_t
receive_mixed(struct mule_fountain_decoder *dec, struct mixed *p,
    int *dropped)
{
	gpg_error_t err = 0;
	struct mixed *grown, m;
	size_t i, k = 0, cap;

	/* Reduce by the fragments known. */
	for (i = 0; i < p->n; i++) {
		if (dec->have[p->idx[i]])
			xor_into(p->data, dec->frags +
			    (size_t)p->idx[i] * dec->frag_len, dec->frag_len);
		else
			p->idx[k++] = p->idx[i];
	}
	p->n = k;
	if (p->n == 0 || duplicate(dec, p))
		goto leave;
	/* Reduce by the mixed parts it holds. */
	for (i = 0; i < dec->nmixed && p->n > 1; i++)
		if (strict_subset(dec->mixed[i].idx, dec->mixed[i].n, p->idx,
		    p->n))
			reduce(dec, p, dec->mixed[i].idx, dec->mixed[i].n,
			    dec->mixed[i].data);
	if (p->n == 1) {
		err = mixed_to_queue(dec, p);
		p->data = NULL;
		goto leave;
	}
	/* Reduce the mixed parts that hold it. */
	i = 0;
	while (i < dec->nmixed) {
		if (!strict_subset(p->idx, p->n, dec->mixed[i].idx,
		    dec->mixed[i].n)) {
			i++;
			continue;
		}
		dec->mixed_bytes -= p->n * sizeof *p->idx;
		reduce(dec, &dec->mixed[i], p->idx, p->n, p->data);
		if (dec->mixed[i].n > 1) {
			i++;
			continue;
		}
		m = dec->mixed[i];
		unlink_mixed(dec, i);
		if ((err = mixed_to_queue(dec, &m)))
			goto leave;
	}
	if (dec->mixed_bytes + mixed_size(dec, p) > dec->mixed_budget) {
		dec->progress.dropped++;
		*dropped = 1;
		goto leave;
	}
	if (dec->nmixed == dec->mixed_cap) {
		cap = dec->mixed_cap ? 2 * dec->mixed_cap : 16;
		grown = realloc(dec->mixed, cap * sizeof *grown);
		if (grown == NULL) {
			err = gpg_error_from_syserror();
			goto leave;
		}
		dec->mixed = grown;
		dec->mixed_cap = cap;
	}
	dec->mixed_bytes += mixed_size(dec, p);
	dec->mixed[dec->nmixed++] = *p;
	p->idx = NULL;
	p->data = NULL;
leave:
	free(p->idx);
	free(p->data);
	p->idx = NULL;
	p->data = NULL;
	return err;
}

gpg_error_t
mule_fountain_decoder_receive(struct mule_fountain_decoder *dec,
    const struct mule_fountain_part *part,
    enum mule_fountain_outcome *r_outcome)
{
	gpg_error_t err;
	struct mixed p = { NULL, 0, NULL };
	size_t n;
	int dropped = 0;

	*r_outcome = MULE_FOUNTAIN_USED;
	if (dec->failed)
		return mule_reject(GPG_ERR_CHECKSUM, NULL,
		    "UR: the message failed its CRC-32 check");
	if ((err = check_part(dec, part)))
		goto leave;
	if (dec->fixed && part->checksum != dec->checksum) {
		dec->progress.foreign++;
		*r_outcome = MULE_FOUNTAIN_FOREIGN;
		goto leave;
	}
	if (dec->fixed && (part->len != dec->len ||
	    part->message_len != dec->message_len ||
	    part->data_len != dec->frag_len)) {
		err = mule_reject(GPG_ERR_INV_DATA, NULL,
		    "UR part: checksum %08lx with %lu parts of %zu bytes for "
		    "%lu, where the first part said %lu of %zu for %lu",
		    (unsigned long)part->checksum, (unsigned long)part->len,
		    part->data_len, (unsigned long)part->message_len,
		    (unsigned long)dec->len, dec->frag_len,
		    (unsigned long)dec->message_len);
		goto leave;
	}
	if (dec->done) {
		*r_outcome = MULE_FOUNTAIN_LATE;
		goto leave;
	}
	if (!dec->fixed && (err = fix_message(dec, part)))
		goto leave;
	dec->progress.used++;
	n = mule_fountain_choose(dec->chooser, part->seq, dec->checksum,
	    dec->indexes);
	if ((p.data = malloc(dec->frag_len)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	memcpy(p.data, part->data, dec->frag_len);
	if (n == 1) {
		err = enqueue(dec, dec->indexes[0], p.data);
		p.data = NULL;
	} else {
		if ((p.idx = malloc(n * sizeof *p.idx)) == NULL) {
			err = gpg_error_from_syserror();
			goto leave;
		}
		memcpy(p.idx, dec->indexes, n * sizeof *p.idx);
		p.n = n;
		err = receive_mixed(dec, &p, &dropped);
	}
	if (!err)
		err = process_queue(dec);
	if (dropped)
		*r_outcome = MULE_FOUNTAIN_DROPPED;
leave:
	free(p.idx);
	free(p.data);
	return err;
}

int
mule_fountain_decoder_done(const struct mule_fountain_decoder *dec)
{
	return dec->done;
}

const unsigned char *
mule_fountain_decoder_message(const struct mule_fountain_decoder *dec,
    size_t *r_len)
{
	*r_len = dec->done ? dec->message_len : 0;
	return dec->done ? dec->frags : NULL;
}

void
mule_fountain_decoder_progress(const struct mule_fountain_decoder *dec,
    struct mule_fountain_progress *r)
{
	*r = dec->progress;
	r->mixed = dec->nmixed;
}

void
mule_fountain_decoder_free(struct mule_fountain_decoder *dec)
{
	size_t i;

	if (!dec)
		return;
	for (i = 0; i < dec->nmixed; i++) {
		free(dec->mixed[i].idx);
		free(dec->mixed[i].data);
	}
	for (i = 0; i < dec->nqueue; i++)
		free(dec->queue[i].data);
	free(dec->mixed);
	free(dec->queue);
	mule_fountain_chooser_free(dec->chooser);
	free(dec->frags);
	free(dec->have);
	free(dec->indexes);
	free(dec);
}
