/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-digests.c - libFuzzer harness for the bundle's digest manifest,
 * MULE-MANIFEST.sha256: the last entry of the tar that mule-bundle -x and
 * -t hold against the digests of the files they read (src/lib/tar/read.c,
 * check_manifest).  The input is the entry's content, kept as tar/read.c
 * keeps it; the parsed list is then compared with archives that hold the
 * same files, one file fewer, one more, or one changed, and each must get
 * its verdict.  See README for how to run it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stream.h"
#include "pgp/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bigger lists are checked at one entry, smaller ones at each. */
#define EVERY_ENTRY 16

/* tar/read.c sorts the archive's files by name before the comparison. */
static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct mule_manifest_entry *)a)->name,
	    ((const struct mule_manifest_entry *)b)->name);
}

/* The content of the manifest entry, as tar/read.c keeps it: in a membuf,
 * block by block as libarchive hands it over (NULL when empty). */
static void
keep(struct mule_membuf *text, const uint8_t *data, size_t size)
{
	size_t off, n;

	for (off = 0; off < size; off += n) {
		n = size - off < 512 ? size - off : 512;
		if (mule_membuf_write(text, data + off, n))
			abort();
	}
}

/* Compare HAVE (N files, any order: sorted here as tar/read.c does) with the
 * manifest M (NM entries); the verdict must be WANT, naming NAME. */
static void
expect(struct mule_manifest_entry *have, size_t n,
    const struct mule_manifest_entry *m, size_t nm,
    enum mule_manifest_state want, const char *name)
{
	const char *got = NULL;

	if (n)
		qsort(have, n, sizeof *have, cmp_entries);
	if (mule_manifest_compare(have, n, m, nm, &got) != want)
		abort();
	if (want == MULE_MANIFEST_OK ? got != NULL : !got || strcmp(got, name))
		abort();
}

/* The archive's files, as the manifest M lists them (shallow copies, in
 * reverse: the archive's order is not the manifest's), with one spare
 * slot. */
static struct mule_manifest_entry *
files_like(const struct mule_manifest_entry *m, size_t nm)
{
	struct mule_manifest_entry *f = calloc(nm + 1, sizeof *f);
	size_t i;

	if (!f)
		abort();
	for (i = 0; i < nm; i++)
		f[nm - 1 - i] = m[i];
	return f;
}

/* Archives that differ from the manifest M at entry K. */
static void
check_at(const struct mule_manifest_entry *m, size_t nm, size_t k)
{
	struct mule_manifest_entry *f = files_like(m, nm);

	/* One file changed. */
	f[nm - 1 - k].digest[k % MULE_MANIFEST_HASH_LEN] ^= 1;
	expect(f, nm, m, nm, MULE_MANIFEST_CHANGED, m[k].name);
	free(f);
	/* One file listed but not in the archive. */
	f = files_like(m, nm);
	memmove(&f[nm - 1 - k], &f[nm - k], k * sizeof *f);
	expect(f, nm - 1, m, nm, MULE_MANIFEST_MISSING, m[k].name);
	free(f);
}

/* Compare the manifest M with archives that hold what it lists, and one
 * file more, and (at some entries) one file changed or missing. */
static void
check_verdicts(const struct mule_manifest_entry *m, size_t nm, size_t seed)
{
	struct mule_manifest_entry *f;
	char *extra;
	size_t k;

	f = files_like(m, nm);
	expect(f, nm, m, nm, MULE_MANIFEST_OK, NULL);
	free(f);
	/* A name after the last one listed is not listed. */
	extra = malloc(nm ? strlen(m[nm - 1].name) + 3 : 2);
	if (!extra)
		abort();
	strcpy(extra, nm ? m[nm - 1].name : "x");
	if (nm)
		strcat(extra, "/x");
	f = files_like(m, nm);
	f[nm].name = extra;
	expect(f, nm + 1, m, nm, MULE_MANIFEST_UNLISTED, extra);
	free(f);
	free(extra);
	if (nm <= EVERY_ENTRY)
		for (k = 0; k < nm; k++)
			check_at(m, nm, k);
	else
		check_at(m, nm, seed % nm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_membuf text = { NULL, 0, 0, 0, NULL };
	struct mule_manifest_entry *m = NULL;
	size_t nm = 0;

	keep(&text, data, size);
	if (!mule_manifest_parse((const char *)text.p, text.len, &m, &nm)) {
		check_verdicts(m, nm, size);
		mule_manifest_entries_free(m, nm);
	}
	mule_membuf_release(&text);
	mule_error_clear();
	return 0;
}
