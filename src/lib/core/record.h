/* SPDX-License-Identifier: GPL-3.0-or-later */
/* record.h - files of records, one a line, only ever added to: the
 * journal (stick/journal.h) and the sent record (stick/sent.h).
 *
 * Such a file is text, each record one line of fields separated by
 * single spaces.  Lines are added whole, by one write, fsync'ed; a write
 * that fails is cut back off the file, so that no part of it counts.  A
 * last line without its newline was cut short by a crash and is dropped
 * (and cut off the file when it is opened to add to); any other line
 * that is not a record is an error: the user repairs or moves the file.
 * What a record is, is its owner's to say (mule_record_kind).
 */
#ifndef MULE_RECORD_H
#define MULE_RECORD_H

#include <stddef.h>
#include <sys/types.h>
#include <gpg-error.h>

/* The owner's reading of one line: the LEN bytes at LINE (its newline
 * left out, followed by one writable byte), for ARG.  *OK 1 for a
 * record, 0 for a line that is not one (the reading stops there), or an
 * error. */
typedef gpg_error_t (*mule_record_fn)(void *arg, char *line, size_t len,
    int *ok);

/* A kind of record file, for its messages and its lines. */
struct mule_record_kind {
	const char *file;	/* the file: "journal" */
	const char *line;	/* one line of it: "journal record" */
	const char *hint;	/* what to do with a file that cannot be
				 * read as one */
	mule_record_fn parse;
};

struct mule_record_file {
	const struct mule_record_kind *kind;
	char *path;		/* malloc'ed; for text, only a name */
	int fd;			/* open to add to, or -1 */
	off_t size;		/* its whole lines, read and added */
};

/* Set up F, of KIND, for the file at PATH (copied); no file yet. */
gpg_error_t mule_record_init(struct mule_record_file *f,
    const struct mule_record_kind *kind, const char *path);

/* Open (create, mode 0600) F's file, lock it for this process (the next
 * one waits until F is released), cut off a last line cut short and read
 * every line, in order, with F's parse and ARG. */
gpg_error_t mule_record_open(struct mule_record_file *f, void *arg);

/* Read F's file as it is, for a look: no lock, nothing cut; a missing
 * file has no lines.  F is not open to add to afterwards. */
gpg_error_t mule_record_look(struct mule_record_file *f, void *arg);

/* Read the LEN bytes at TEXT as the file is read (a last line without
 * its newline dropped), for the tests and the fuzz harnesses. */
gpg_error_t mule_record_parse(struct mule_record_file *f, void *arg,
    const void *text, size_t len);

/* Add the LEN bytes of whole lines at TEXT to F's file: one write, then
 * fsync; on failure the file is cut back to what it was.
 * GPG_ERR_NOT_SUPPORTED if F is not open to add to. */
gpg_error_t mule_record_append(struct mule_record_file *f, const void *text,
    size_t len);

/* Close F's file (and its lock with it) and free what F holds. */
void mule_record_release(struct mule_record_file *f);

/* Split the LEN bytes at LINE (followed by one writable byte) into
 * fields separated by single spaces, at most MAX of them, each
 * NUL-terminated in place, into F.  Their number, or 0 for a line with a
 * NUL byte, an empty field (two spaces, a space at either end) or more
 * than MAX fields. */
size_t mule_record_fields(char *line, size_t len, char *f[], size_t max);

#endif
