/* stick.h - the MULE folder on a stick, which nobody vouches for.
 *
 *   STICK/MULE/README.txt     for a person who finds the stick
 *   STICK/MULE/VERSION        "mule-stick 1"
 *   STICK/MULE/to/FPR/        items for the key FPR (40 upper-case hex)
 *   STICK/MULE/to/anyone/     items with hidden recipients
 *   STICK/MULE/rejected/      items a reader refused, kept for a look
 *
 * An item is CID.gpg, or CID.gpg.001, .002, ... (CID: the SHA-256 of its
 * bytes, 64 lower-case hex).  Anything else met there (symlinks, FIFOs,
 * odd names) is skipped with a warning; directories are made, never
 * renamed; nothing outside MULE is touched.
 */
#ifndef MULE_STICK_H
#define MULE_STICK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <gpg-error.h>

#define MULE_STICK_ANYONE "anyone"

struct mule_stick {
	char *root;		/* STICK */
	char *mule;		/* STICK/MULE */
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

/* Open a stick laid out by mule_stick_init. */
gpg_error_t mule_stick_open(struct mule_stick *s, const char *path);
void mule_stick_close(struct mule_stick *s);

/* The path of folder REL ("to/FPR", "to/anyone", "rejected") below
 * MULE, checked to be a real directory; made if CREATE.  *PATH is NULL
 * (and no error) if it does not exist and !CREATE. */
gpg_error_t mule_stick_folder(const struct mule_stick *s, const char *rel,
    int create, char **path);

/* The folder names below MULE/to (FPRs and "anyone"), sorted. */
gpg_error_t mule_stick_recipients(const struct mule_stick *s, char ***names,
    size_t *n);

/* The items in folder PATH, oldest first. */
gpg_error_t mule_stick_items(const char *path,
    struct mule_stick_item **items, size_t *n);

/* Look at the parts of split item IT in FOLDER again (a put may have
 * gone on since the folder was listed): complete, missing, size. */
gpg_error_t mule_stick_item_refresh(const char *folder,
    struct mule_stick_item *it);

/* The file name of ITEM (part 1 for a split item), malloc'ed. */
char *mule_stick_item_file(const char *folder,
    const struct mule_stick_item *item);

/* Remove ITEM (all its parts) from FOLDER, then fsync the folder. */
gpg_error_t mule_stick_item_remove(const char *folder,
    const struct mule_stick_item *item);

/* Move ITEM aside into the rejected folder. */
gpg_error_t mule_stick_item_reject(const struct mule_stick *s,
    const char *folder, const struct mule_stick_item *item);

/* Is S 40 upper-case hex digits? */
int mule_is_fpr(const char *s);

#endif
