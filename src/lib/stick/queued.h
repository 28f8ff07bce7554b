/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queued.h - an outbox item in the reports of put --queue and sync.
 *
 *   STATUS NAME (SIZE) for "Bob <bob@example.org>" (FPR)[, ...][ MORE]
 *
 * with " (hidden recipients)" for an item in to/anyone; in JSON, one
 * object of the fields mule-stick(1) lists.
 */
#ifndef MULE_STICK_QUEUED_H
#define MULE_STICK_QUEUED_H

#include <stdio.h>

struct mule_outbox_item;
struct mule_stick_names;

/* The line for IT, STATUS first and MORE (NULL: nothing) last, as it
 * is (" (...)", ": ..."). */
void mule_queued_line(FILE *f, struct mule_stick_names *names,
    const char *status, const struct mule_outbox_item *it, const char *more);

/* The JSON object for IT: STATUS, its fields (only "cid" for a record
 * that cannot be read), then EXTRA (NULL: nothing; text that starts
 * with ", ") and REASON (NULL: none), which is escaped. */
void mule_queued_json(FILE *f, struct mule_stick_names *names,
    const char *status, const struct mule_outbox_item *it, const char *extra,
    const char *reason);

#endif
