/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sentlist.h - mule-stick sent: my items per recipient, acknowledged by
 * a receipt or still pending (the sent record: stick/sent.h). */
#ifndef MULE_STICK_SENTLIST_H
#define MULE_STICK_SENTLIST_H

#include <stddef.h>
#include <gpg-error.h>

struct mule_gpg_opts;

struct mule_stick_sent_opts {
	const char *const *recipients;	/* -r: only these (fingerprints, or
					 * user IDs resolved as put does) */
	size_t nrecipients;
	int older;		/* --older DAYS: only items not acknowledged
				 * for more than DAYS days; -1: every item */
	int json, quiet;	/* quiet: item lines only */
	const char *state_dir;	/* NULL: the default */
};

/* Print the items of the sent record, grouped by recipient in the order
 * they were first sent to, each in the order put: one line each, or one
 * JSON array.  Returns an operational error (a key not found, the
 * record unreadable) or 0. */
gpg_error_t mule_stick_sent_list(const struct mule_gpg_opts *gopts,
    const struct mule_stick_sent_opts *o);

#endif
