/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-manifest.c - libFuzzer harness for the signed directory manifest
 * (src/lib/pgp/manifest.c): the text gpg verified, as mule-verify --manifest
 * checks it against a directory.  The directory is a small tree made once
 * in TMPDIR and removed at exit; nothing is written to it.  See README
 * for how to run it. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/stream.h"
#include "pgp/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The tree the seeds' manifest lists (with a symlink, which no manifest
 * can list), in the order it is made; removed in the reverse order. */
static const struct {
	const char *name, *content;	/* content NULL: a directory */
} tree[] = {
	{ "a", "a\n" },
	{ "sub", NULL },
	{ "sub/b", "b\n" },
	{ "two\nlines", "c\n" },
	{ "trail ", "d\n" },
	{ "void", NULL },	/* what an empty manifest is checked against */
};
#define NTREE (sizeof tree / sizeof tree[0])
#define LINK "link"
#define EMPTY_DIR "void"

static char dir[4096];

static void
tree_remove(void)
{
	char path[sizeof dir + 64];
	size_t i;

	snprintf(path, sizeof path, "%s/%s", dir, LINK);
	unlink(path);
	for (i = NTREE; i-- > 0;) {
		snprintf(path, sizeof path, "%s/%s", dir, tree[i].name);
		if (tree[i].content)
			unlink(path);
		else
			rmdir(path);
	}
	rmdir(dir);
}

static void
tree_make(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[sizeof dir + 64];
	FILE *f;
	size_t i;

	snprintf(dir, sizeof dir, "%s/fuzz-manifest.XXXXXX", tmp && *tmp ? tmp
	    : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(tree_remove);
	for (i = 0; i < NTREE; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, tree[i].name);
		if (!tree[i].content) {
			if (mkdir(path, 0700))
				abort();
			continue;
		}
		if (!(f = fopen(path, "w")) || fputs(tree[i].content, f) < 0
		    || fclose(f))
			abort();
	}
	snprintf(path, sizeof path, "%s/%s", dir, LINK);
	if (symlink("a", path))
		abort();
}

/* Written out again line by line, the entries E must parse back to
 * themselves: every name survives its escaping. */
static void
check_round_trip(const struct mule_manifest_entry *e, size_t n)
{
	struct mule_membuf text = { NULL, 0, 0, 0, NULL };
	struct mule_manifest_entry *again = NULL;
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (mule_manifest_write_line(mule_membuf_write, &text,
		    e[i].digest, e[i].name))
			abort();
	if (mule_manifest_parse((const char *)text.p, text.len, &again, &m)
	    || m != n)
		abort();
	for (i = 0; i < n; i++)
		if (strcmp(again[i].name, e[i].name) || memcmp(again[i].digest,
		    e[i].digest, sizeof e[i].digest))
			abort();
	mule_manifest_entries_free(again, m);
	mule_membuf_release(&text);
}

/* The report of mule_manifest_check accounts for every listed file once:
 * matched (CHECKED) or named as not matching. */
static void
check_report(const struct mule_manifest_report *r, size_t listed)
{
	size_t i, bad = 0;

	for (i = 0; i < r->n; i++) {
		if (!r->items[i].name)
			abort();
		switch (r->items[i].state) {
		case MULE_MANIFEST_CHANGED:
		case MULE_MANIFEST_MISSING:
		case MULE_MANIFEST_NOT_FILE:
			bad++;
			break;
		case MULE_MANIFEST_UNLISTED:
			break;
		default:
			abort();
		}
	}
	if (r->checked + bad != listed)
		abort();
}

/* TEXT lists nothing: an empty directory matches it exactly. */
static void
check_empty(const char *text, size_t size,
    const struct mule_manifest_exclude *ex)
{
	struct mule_manifest_report report;
	char path[sizeof dir + 64];

	snprintf(path, sizeof path, "%s/%s", dir, EMPTY_DIR);
	if (mule_manifest_check(path, text, size, ex, &report) || report.n
	    || report.checked)
		abort();
	mule_manifest_report_release(&report);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *excluded[] = { (char *)MULE_MANIFEST_NAME };
	struct mule_manifest_exclude ex = { excluded, 1, 1, 0, 0, 0, 0 };
	struct mule_manifest_report report;
	struct mule_manifest_entry *e = NULL;
	const char *text = (const char *)data;
	size_t n = 0;
	gpg_error_t err;

	if (!*dir)
		tree_make();
	err = mule_manifest_parse(text, size, &e, &n);
	if (!err) {
		/* No file name holds a NUL: a line with one is malformed. */
		if (memchr(text, '\0', size))
			abort();
		check_round_trip(e, n);
		mule_manifest_entries_free(e, n);
	}
	mule_error_clear();
	/* The same text, as mule-verify --manifest checks it: it must parse
	 * the same, and account for every file. */
	if (!mule_manifest_check(dir, text, size, &ex, &report) != !err)
		abort();
	if (!err) {
		check_report(&report, n);
		mule_manifest_report_release(&report);
	}
	mule_error_clear();
	/* An empty manifest, as for an empty tree, checked against one. */
	if (!err && !n)
		check_empty(text, size, &ex);
	return 0;
}
