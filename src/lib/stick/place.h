/* SPDX-License-Identifier: GPL-3.0-or-later */
/* place.h - an item moved into place in a recipient's folder, and what a
 * killed put left on its way: where its numbers stand (stick/sequence.h).
 *
 * An item's numbers are pending from before it is first renamed into
 * place, each recipient's with a mark: the name of the temporary that
 * stands in that recipient's folder until the item is renamed there (a
 * copy of it, for the second recipient on).  The temporary's name is
 * gone exactly when the item's name is there; so, found again:
 *
 *   the item in the folder (or in to/anyone)     in place: THERE
 *   no mark yet, or the mark still there         never was: NEVER
 *   neither                                      was, and was taken (or
 *                                                its temporary removed
 *                                                by a tidying put): UNSURE
 *
 * An item in place for one recipient and never for another is copied
 * there now, so that its numbers are all kept and nobody sees a gap.
 *
 * The stick is nobody's witness: whoever holds it can remove an item and
 * put a file under its temporary's name again.  So an item that the
 * sender's sent record lists as put (it was in place in every folder
 * then) is THERE whatever the stick shows.
 */
#ifndef MULE_STICK_PLACE_H
#define MULE_STICK_PLACE_H

#include <stddef.h>
#include <gpg-error.h>

#include "stick/folder.h"
#include "stick/sequence.h"

struct mule_sent;

/* The location of S in pending records: "stick:ID" (MULE/ID, made if
 * missing). */
gpg_error_t mule_stick_location(const struct mule_stick *s,
    char location[MULE_SEQUENCE_LOCATION_MAX + 1]);

/* Called with the name of the temporary that the first part (or the
 * only file) of a copy stands under in its folder, before any part of
 * the copy is renamed into place; a signal leaves that temporary in
 * place from then on. */
typedef gpg_error_t (*mule_stick_before_fn)(void *arg, const char *mark);

/* Copy item CID (NPARTS parts, 0: one file) from folder FROM (FROM_PATH)
 * into folder TO (TO_PATH), its first part renamed into place last, and
 * BEFORE (unless NULL) called first as it says.  Both folders are held
 * open: nothing is looked up by path. */
gpg_error_t mule_stick_copy_item(int from, const char *from_path, int to,
    const char *to_path, const char *cid, size_t nparts,
    mule_stick_before_fn before, void *arg);

/* A mule_sequence_probe_fn for the items of the stick ARG (a struct
 * mule_stick): the fates of the table above; an item in place for one
 * recipient and never for another is copied into the other's folder
 * (LATER if that fails: tried again by the next put); an item never in
 * place for anyone leaves no part behind. */
gpg_error_t mule_stick_probe(void *arg, struct mule_sequence_item *item);

/* What mule_stick_probe_sent asks: the sent record of STATE_DIR (NULL:
 * the default), opened at the first item probed into SENT (closed with
 * mule_stick_prober_release), then the stick. */
struct mule_stick_prober {
	const struct mule_stick *stick;
	const char *state_dir;
	struct mule_sent *sent;
};

/* A mule_sequence_probe_fn for ARG (a struct mule_stick_prober): THERE
 * for every recipient of an item that the sent record lists as put by
 * its sender, else as mule_stick_probe says.  A sent record that cannot
 * be read is an error. */
gpg_error_t mule_stick_probe_sent(void *arg, struct mule_sequence_item *item);

void mule_stick_prober_release(struct mule_stick_prober *p);

#endif
