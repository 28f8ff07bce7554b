/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queued.c - an outbox item in the reports of put --queue and sync. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "stick/folder.h"
#include "stick/names.h"
#include "stick/outbox.h"
#include "stick/queued.h"

static int
hidden(const struct mule_outbox_item *it)
{
	return it->nfolders == 1 && !strcmp(it->folders[0], MULE_STICK_ANYONE);
}

void
mule_queued_line(FILE *f, struct mule_stick_names *names, const char *status,
    const struct mule_outbox_item *it, const char *more)
{
	char size[MULE_SIZE_TEXT], *who;
	size_t i;

	if (it->bad) {
		fprintf(f, "%s %s%s\n", status, it->cid, more ? more : "");
		return;
	}
	mule_size_text(it->size, size);
	fprintf(f, "%s %s (%s) for ", status, it->name, size);
	for (i = 0; i < it->nrecipients; i++) {
		who = mule_stick_person(names, it->recipients[i]);
		fprintf(f, "%s%s", i ? ", " : "", who ? who
		    : it->recipients[i]);
		free(who);
	}
	fprintf(f, "%s%s\n", hidden(it) ? " (hidden recipients)" : "",
	    more ? more : "");
}

static void
json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s\": ", key);
	mule_json_string(f, s, strlen(s));
}

void
mule_queued_json(FILE *f, struct mule_stick_names *names, const char *status,
    const struct mule_outbox_item *it, const char *extra, const char *reason)
{
	char when[MULE_TIME_TEXT];
	const char *uid;
	size_t i;

	fprintf(f, "{\"status\": \"%s\", \"cid\": \"%s\"", status, it->cid);
	if (!it->bad) {
		fprintf(f, ", \"id\": \"%s\"", it->id);
		json_str(f, "name", it->name);
		mule_time_text(it->created, when);
		fprintf(f, ", \"size\": %" PRIu64 ", \"created\": \"%s\", "
		    "\"split\": %" PRIu64 ", \"hide_recipients\": %s", it->size,
		    when, it->split, hidden(it) ? "true" : "false");
		mule_stick_json_person(f, names, "sender", it->sender);
		fputs(", \"recipients\": [", f);
		for (i = 0; i < it->nrecipients; i++) {
			fprintf(f, "%s{\"recipient\": \"%s\", "
			    "\"recipient_name\": ", i ? ", " : "",
			    it->recipients[i]);
			uid = mule_stick_name_of(names, it->recipients[i]);
			if (uid)
				mule_json_string(f, uid, strlen(uid));
			else
				fputs("null", f);
			fputs("}", f);
		}
		fputs("], \"folders\": [", f);
		for (i = 0; i < it->nfolders; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : "", it->folders[i]);
		fputs("]", f);
	}
	if (extra)
		fputs(extra, f);
	if (reason)
		json_str(f, "reason", reason);
	fputs("}", f);
}
