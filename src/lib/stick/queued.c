/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queued.c - an outbox item in the reports of put --queue and sync. */
#include <config.h>

#include <string.h>

#include "stick/folder.h"
#include "stick/outbox.h"
#include "stick/queued.h"

gpg_error_t
mule_queued_report(struct mule_reporter *rep, enum mule_report_status status,
    const struct mule_outbox_item *it, const char *reason, int copied,
    int recorded_before)
{
	const char *recps[MULE_OUTBOX_MAX_RECIPIENTS];
	const char *folders[MULE_OUTBOX_MAX_RECIPIENTS];
	struct mule_report r;
	size_t i;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.cid = it->cid;
	r.reason = reason;
	if (it->bad)
		return mule_report(rep, &r);
	for (i = 0; i < it->nrecipients; i++)
		recps[i] = it->recipients[i];
	for (i = 0; i < it->nfolders; i++)
		folders[i] = it->folders[i];
	r.sender = it->sender;
	r.recipients = recps;
	r.nrecipients = it->nrecipients;
	r.hidden = it->nfolders == 1
	    && !strcmp(it->folders[0], MULE_STICK_ANYONE);
	r.id = it->id;
	r.kind = it->kind;
	r.name = it->name;
	r.size = it->size;
	r.has_size = 1;
	r.created = it->created;
	r.split = it->split;
	r.nparts = it->split ? (size_t)((it->size - 1) / it->split + 1) : 0;
	r.folders = folders;
	r.nfolders = it->nfolders;
	r.copied = copied;
	r.recorded_before = recorded_before;
	return mule_report(rep, &r);
}
