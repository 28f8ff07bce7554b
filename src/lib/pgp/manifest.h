/* SPDX-License-Identifier: GPL-3.0-or-later */
/* manifest.h - signed lists of files and their SHA-256 digests.
 *
 * A manifest is text, one line per regular file under a directory, in
 * sha256sum's format ("HEX  NAME"), sorted by name (byte order), so that
 * "sha256sum -c" reads the lines of ordinary names once the clear
 * signature is stripped.  A name that sha256sum would write ambiguously,
 * or that a clear signature does not protect (a backslash, newline, CR,
 * control or non-UTF-8 bytes, trailing blanks) is written on a line that
 * starts with a backslash, with \\ for a backslash, \n for a newline, \r
 * for a carriage return and \xHH for any other such byte.
 */
#ifndef MULE_MANIFEST_H
#define MULE_MANIFEST_H

#include <stddef.h>
#include <gpg-error.h>

#include "core/stream.h"

#define MULE_MANIFEST_NAME "MANIFEST.asc"

/* A stick's mailbox (mule-stick(1)): MULE/ at the top of the directory,
 * holding a regular file VERSION.  It changes with every get, so a
 * manifest leaves it out unless told otherwise, and lists MULE/VERSION
 * alone instead: that line says the mailbox was left out. */
#define MULE_MANIFEST_MAILBOX "MULE"
#define MULE_MANIFEST_MAILBOX_VERSION "MULE/VERSION"

#include <sys/types.h>

/* What a walk leaves out: mule's temporaries (unless keep_temporaries:
 * when checking, a planted file must not hide behind their name), names
 * relative to the directory, the file with a given inode (the output,
 * when the shell created it inside the directory), and a mailbox. */
struct mule_manifest_exclude {
	char *const *names;
	size_t n;
	int keep_temporaries;	/* list .mule-*.tmp too (when checking) */
	int have_inode;
	dev_t dev;
	ino_t ino;
	int mailbox;		/* leave out a mailbox but its VERSION */
};

/* Names that a walk met and did not list (symlinks, devices...). */
struct mule_manifest_skips {
	char **names;		/* relative, raw bytes */
	size_t n;
};

/* Write the manifest of DIR to WRITE(ARG), leaving out EX; what is not a
 * regular file or directory is left out and named in SKIPS. */
gpg_error_t mule_manifest_build(const char *dir,
    const struct mule_manifest_exclude *ex, mule_write_fn write, void *arg,
    struct mule_manifest_skips *skips);

void mule_manifest_skips_release(struct mule_manifest_skips *skips);

enum mule_manifest_state {
	MULE_MANIFEST_OK,
	MULE_MANIFEST_CHANGED,
	MULE_MANIFEST_MISSING,
	MULE_MANIFEST_NOT_FILE,	/* listed, but a symlink, directory... */
	MULE_MANIFEST_UNLISTED	/* present, not listed */
};

struct mule_manifest_item {
	char *name;		/* raw bytes, NUL-terminated */
	enum mule_manifest_state state;
};

struct mule_manifest_report {
	struct mule_manifest_item *items;
	size_t n;
	size_t checked;		/* listed files that matched */
	int mailbox_left_out;	/* the manifest left the mailbox out */
};

/* Parse the signed manifest TEXT (LEN bytes) and check every listed file
 * under DIR, then list the files present but not listed (except EX, and
 * a mailbox that the manifest left out: one that lists MULE/VERSION and
 * nothing else below MULE/).  A malformed manifest (bad line, "..", an
 * absolute name, a name listed twice) is a rejection.  REPORT gets one
 * item per file that is not OK. */
gpg_error_t mule_manifest_check(const char *dir, const char *text,
    size_t len, const struct mule_manifest_exclude *ex,
    struct mule_manifest_report *report);

void mule_manifest_report_release(struct mule_manifest_report *report);

#define MULE_MANIFEST_HASH_LEN 32

/* One line of a manifest. */
struct mule_manifest_entry {
	char *name;		/* raw bytes, NUL-terminated */
	unsigned char digest[MULE_MANIFEST_HASH_LEN];
};

/* Write one manifest line for NAME to WRITE(ARG). */
gpg_error_t mule_manifest_write_line(mule_write_fn write, void *arg,
    const unsigned char digest[MULE_MANIFEST_HASH_LEN], const char *name);

/* Parse manifest TEXT into *ENTRIES (sorted by name; free with
 * mule_manifest_entries_free).  A malformed line, an unsafe name or a
 * name listed twice is a rejection. */
gpg_error_t mule_manifest_parse(const char *text, size_t len,
    struct mule_manifest_entry **entries, size_t *n);
void mule_manifest_entries_free(struct mule_manifest_entry *entries,
    size_t n);

/* Compare the files an archive holds, HAVE (NHAVE of them, sorted by
 * name, names unique) with a parsed manifest, LISTED (NLISTED, as
 * mule_manifest_parse sorts them): MULE_MANIFEST_OK when every file is
 * listed once with its digest and nothing else is listed.  Otherwise the
 * first difference in name order: a file not listed (UNLISTED), a name
 * listed that the archive lacks (MISSING) or another digest (CHANGED),
 * and *NAME is that file's name (in HAVE or LISTED). */
enum mule_manifest_state mule_manifest_compare(
    const struct mule_manifest_entry *have, size_t nhave,
    const struct mule_manifest_entry *listed, size_t nlisted,
    const char **name);

/* PATH's name relative to DIR if PATH lies inside DIR (malloc'ed), else
 * NULL: so that a manifest never lists itself or the output. */
char *mule_manifest_relative(const char *dir, const char *path);

/* Escape NAME for a manifest line; returns malloc'ed text and sets
 * *ESCAPED if the line needs its leading backslash. */
char *mule_manifest_escape(const char *name, int *escaped);

/* The reverse, for a line that starts with a backslash.  NULL with errno
 * EINVAL if the escapes are malformed, ENOMEM if out of memory. */
char *mule_manifest_unescape(const char *s, size_t len);

#endif
