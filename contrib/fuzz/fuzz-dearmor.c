/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-dearmor.c - libFuzzer harness for the armour decoder, the first
 * code that reads an untrusted message.  See README for how to run it. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "core/secret.h"
#include "pgp/armor.h"

struct mem {
	const uint8_t *p;
	size_t len, off;
};

static gpg_error_t
mem_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct mem *m = arg;

	/* Odd step sizes exercise line reassembly across reads. */
	if (n > 1 + m->off % 13)
		n = 1 + m->off % 13;
	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct mem m = { data, size, 0 };
	struct mule_source src;
	struct mule_dearmor *d = NULL;
	unsigned char out[4096];
	size_t got;
	gpg_error_t err;

	if (!ready) {
		mule_secret_init();
		ready = 1;
	}
	(void)mule_dearmor_detect(data, size);
	memset(&src, 0, sizeof src);
	src.fd = -1;
	src.read = mem_read;
	src.arg = &m;
	err = mule_dearmor_new(&d, &src);
	while (!err) {
		err = mule_dearmor_read(d, out, sizeof out, &got);
		if (!got)
			break;
	}
	mule_dearmor_free(d);
	mule_error_clear();
	return 0;
}
