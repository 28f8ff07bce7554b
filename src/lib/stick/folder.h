/* SPDX-License-Identifier: GPL-3.0-or-later */
/* folder.h - the MULE folder on a stick, which nobody vouches for.
 *
 *   STICK/MULE/README.txt     for a person who finds the stick
 *   STICK/MULE/VERSION        "mule-stick 1"
 *   STICK/MULE/ID             16 lower-case hex digits: which stick this
 *                             is, to its users' sequence numbers
 *   STICK/MULE/to/FPR/        items for the key FPR (40 upper-case hex)
 *   STICK/MULE/to/anyone/     items with hidden recipients
 *   STICK/MULE/rejected/      items a reader refused, kept for a look
 *
 * An item is CID.gpg, or CID.gpg.001, .002, ... (CID: the SHA-256 of its
 * bytes, 64 lower-case hex).  Anything else met there (symlinks, FIFOs,
 * odd names) is skipped with a warning; directories are made, never
 * renamed; nothing outside MULE is touched.
 */
#ifndef MULE_STICK_FOLDER_H
#define MULE_STICK_FOLDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <gpg-error.h>

#define MULE_STICK_ANYONE "anyone"

/* Everything on the stick is reached from the MULE folder, opened once
 * without following a symlink, and every folder below it is opened
 * component by component the same way and used by its descriptor
 * (openat, renameat, unlinkat): a folder swapped for a symlink
 * meanwhile can lead nothing outside.  Paths are for messages. */
struct mule_stick {
	char *root;		/* STICK */
	char *mule;		/* STICK/MULE */
	int fd;			/* STICK/MULE, held open */
};

struct mule_stick_item {
	char cid[65];
	unsigned nparts;	/* 0: one file CID.gpg */
	int complete;		/* CID.gpg, or parts 001..nparts all there */
	unsigned missing;	/* the first part that is not there, or 0 */
	uint64_t size;
	time_t mtime;
};

/* Lay out the MULE folder on the stick at PATH (again: nothing lost). */
gpg_error_t mule_stick_init(const char *path);

/* The stick's ID, from MULE/ID (a regular file holding 16 lower-case
 * hex digits and a newline), made if it is missing (a stick laid out by
 * an older mule) and CREATE; anything else there is an error. */
#define MULE_STICK_ID_LEN 16
gpg_error_t mule_stick_id(const struct mule_stick *s, int create,
    char id[MULE_STICK_ID_LEN + 1]);

/* Open a stick laid out by mule_stick_init. */
gpg_error_t mule_stick_open(struct mule_stick *s, const char *path);
void mule_stick_close(struct mule_stick *s);

/* Open folder REL ("to/FPR", "to/anyone", "rejected") below MULE, each
 * component a real directory (O_NOFOLLOW | O_DIRECTORY), made if
 * CREATE: *FD, which the caller closes, and its path for messages in
 * *PATH (unless PATH is NULL; the caller frees it).  *FD is -1 (and no
 * error) if it does not exist and !CREATE. */
gpg_error_t mule_stick_folder(const struct mule_stick *s, const char *rel,
    int create, int *fd, char **path);

/* The folder names below MULE/to (FPRs and "anyone"), sorted. */
gpg_error_t mule_stick_recipients(const struct mule_stick *s, char ***names,
    size_t *n);

/* The items in folder FD (PATH, for messages), oldest first. */
gpg_error_t mule_stick_items(int fd, const char *path,
    struct mule_stick_item **items, size_t *n);

/* Look at the parts of split item IT in folder FD again (a put may have
 * gone on since the folder was listed): complete, missing, size. */
void mule_stick_item_refresh(int fd, struct mule_stick_item *it);

/* The file name of ITEM in its folder (part 1 for a split item). */
void mule_stick_item_name(const struct mule_stick_item *item, char name[80]);

/* Remove ITEM (all its parts) from folder FD (PATH, for messages), then
 * fsync the folder. */
gpg_error_t mule_stick_item_remove(int fd, const char *path,
    const struct mule_stick_item *item);

/* Move ITEM from folder FD (PATH) into MULE/rejected, opened from the
 * MULE folder held open; a rejected/ that is not a real directory (a
 * symlink planted there) is an error, and nothing is moved. */
gpg_error_t mule_stick_item_reject(const struct mule_stick *s, int fd,
    const char *path, const struct mule_stick_item *item);

/* Is S 40 upper-case hex digits? */
int mule_is_fpr(const char *s);

#endif
