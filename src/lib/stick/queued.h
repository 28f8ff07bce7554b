/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queued.h - an outbox item in the reports of put --queue and sync, as
 * stick/report.h prints them (queued, synced, kept). */
#ifndef MULE_STICK_QUEUED_H
#define MULE_STICK_QUEUED_H

#include <gpg-error.h>

#include "stick/report.h"

struct mule_outbox_item;

/* Report IT to REP with STATUS (MULE_REPORT_QUEUED, _SYNCED, _KEPT);
 * REASON (raw, NULL: none) for kept.  For synced, COPIED and
 * RECORDED_BEFORE say how (report.h).  An item whose record could not be
 * read is reported by its content ID and the reason alone. */
gpg_error_t mule_queued_report(struct mule_reporter *rep,
    enum mule_report_status status, const struct mule_outbox_item *it,
    const char *reason, int copied, int recorded_before);

#endif
