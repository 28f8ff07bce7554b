/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sent.c - libFuzzer harness for mule-stick's sent record
 * (src/lib/stick/sent.c), whose lines say what I put for whom and which
 * receipts came back.  The input is read as the file is
 * (mule_sent_parse shares the line reader with mule_sent_open); in an
 * accepted record every item must be found again by its key, whole, and
 * the name of the line that first recorded it must be the canonical
 * encoding of the name read.  See README. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "stick/sent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 512

static void
check_item(const struct mule_sent *s, const struct mule_sent_item *it)
{
	size_t n = strlen(it->name);

	if (strlen(it->sender) != 40 || strlen(it->recipient) != 40
	    || strlen(it->id) != 32 || strlen(it->cid) != 64 || !n
	    || n > MULE_SENT_NAME_MAX || !it->kind[0]
	    || mule_sent_find(s, it->sender, it->recipient, it->id) != it
	    || (it->acked && strlen(it->receipt) != 32))
		abort();
}

/* NAME encoded as the record writes it, into OUT (3 bytes a byte). */
static void
encode(const char *name, char *out)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if (*p < '!' || *p > '~' || *p == '%')
			out += sprintf(out, "%%%02X", *p);
		else
			*out++ = (char)*p;
	}
	*out = '\0';
}

/* The first put or queued line of each item names it canonically. */
static void
check_names(const struct mule_sent *s, const uint8_t *text, size_t len)
{
	static char line[3 * MULE_SENT_NAME_MAX + 512];
	static char enc[3 * MULE_SENT_NAME_MAX + 1];
	static char seen[MAX_LINES][115];
	const uint8_t *end = text + len, *p, *nl;
	const struct mule_sent_item *it;
	char *f[9], *save = NULL;
	size_t nseen = 0, k, i;

	for (p = text; p < end && (nl = memchr(p, '\n', (size_t)(end - p)))
	    && nseen < MAX_LINES; p = nl + 1) {
		if ((size_t)(nl - p) >= sizeof line)
			abort();
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if (strncmp(line, "put ", 4) && strncmp(line, "queued ", 7))
			continue;
		for (k = 0, f[0] = strtok_r(line, " ", &save); f[k] && k < 8;)
			f[++k] = strtok_r(NULL, " ", &save);
		if (k != 8 || !f[8])
			abort();
		it = mule_sent_find(s, f[1], f[2], f[3]);
		if (!it)
			abort();
		snprintf(enc, 115, "%s %s %s", f[1], f[2], f[3]);
		for (i = 0; i < nseen && strcmp(seen[i], enc); i++)
			;
		if (i < nseen)
			continue;
		memcpy(seen[nseen++], enc, 115);
		encode(it->name, enc);
		if (strcmp(enc, f[8]))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_sent *s = NULL;
	size_t i;

	if (!mule_sent_parse(&s, "fuzz", data, size)) {
		for (i = 0; i < mule_sent_count(s); i++)
			check_item(s, mule_sent_get(s, i));
		if (mule_sent_get(s, mule_sent_count(s)))
			abort();
		check_names(s, data, size);
	}
	mule_sent_close(s);
	mule_error_clear();
	return 0;
}
