/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-ur.c - libFuzzer harness for the UR decoder (src/lib/qr/ur.c,
 * fountain.c, bytewords.c, cbor.c), which mule-qr will run on whatever a
 * camera reads: the input is lines, each a part, all given to one
 * decoder (a limit of 64 KiB on the message keeps the runs short).  A
 * refusal must be a rejection with one line saying why; a decoder that
 * says done must hold a payload whose UR, encoded again, decodes to the
 * same payload.  See README for how to run it. */
#include <config.h>

#include <gcrypt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "qr/ur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ERR is a rejection (exit 1) with a message of one line. */
static int
explained(gpg_error_t err)
{
	struct mule_error_record r;

	mule_error_save(&r);
	mule_error_clear();
	return mule_exit_status(err) == MULE_EXIT_REJECTED && r.err == err &&
	    r.msg[0] && !strchr(r.msg, '\n');
}

/* The payload P (N bytes) survives our encoder and decoder. */
static void
again(const unsigned char *p, size_t n)
{
	struct mule_ur_encoder *enc = NULL;
	struct mule_ur_decoder *dec = NULL;
	const unsigned char *m;
	const char *line;
	size_t i, mn;

	if (mule_ur_encoder_new(p, n, 100, &enc) ||
	    mule_ur_decoder_new((size_t)1 << 16, &dec))
		abort();
	for (i = 0; !mule_ur_decoder_done(dec); i++)
		if (i > mule_ur_encoder_len(enc) ||
		    mule_ur_encoder_next_part(enc, &line) ||
		    mule_ur_decoder_receive(dec, line, strlen(line), NULL))
			abort();
	m = mule_ur_decoder_message(dec, &mn);
	if (mn != n || (n && memcmp(m, p, n)))
		abort();
	mule_ur_encoder_free(enc);
	mule_ur_decoder_free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct mule_ur_decoder *dec = NULL;
	const char *p = (const char *)data, *end = p + size, *nl;
	const unsigned char *m;
	gpg_error_t err;
	size_t mn;

	if (!ready) {
		gcry_check_version(NULL);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
		ready = 1;
	}
	if (mule_ur_decoder_new((size_t)1 << 16, &dec))
		return 0;
	mule_error_clear();
	while (p < end && !mule_ur_decoder_done(dec)) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((err = mule_ur_decoder_receive(dec, p, (size_t)(nl - p),
		    NULL))) {
			if (!explained(err))
				abort();
			break;
		}
		p = nl + 1;
	}
	if (mule_ur_decoder_done(dec)) {
		m = mule_ur_decoder_message(dec, &mn);
		if (!m)
			abort();
		again(m, mn);
	} else if (mule_ur_decoder_message(dec, &mn) || mn) {
		abort();
	}
	mule_ur_decoder_free(dec);
	return 0;
}
