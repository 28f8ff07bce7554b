/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-outbox.c - libFuzzer harness for the records of mule-stick's outbox
 * (src/lib/stick/outbox.c): the strict parser that sync reads each
 * CID.to and CID.done with.  An accepted record keeps the promises of
 * outbox.h (hex and fingerprints of their lengths, folders that are the
 * recipients' or anyone alone, a kind, a name of bytes), and
 * written out and parsed again comes back the same.  See README. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "stick/outbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_fields(const struct mule_outbox_item *it)
{
	size_t i;

	if (strlen(it->id) != 32 || !mule_is_hex(it->id, 32, 0)
	    || strlen(it->cid) != 64 || !mule_is_hex(it->cid, 64, 0)
	    || strlen(it->sender) != 40 || !mule_is_hex(it->sender, 40, 1)
	    || !it->nrecipients || !it->nfolders || !it->size
	    || !it->name || !*it->name
	    || (strcmp(it->kind, "files") && strcmp(it->kind, "message")))
		abort();
	for (i = 0; i < it->nrecipients; i++)
		if (strlen(it->recipients[i]) != 40
		    || !mule_is_hex(it->recipients[i], 40, 1))
			abort();
	for (i = 0; i < it->nfolders; i++)
		if (strcmp(it->folders[i], "anyone") && strcmp(it->folders[i],
		    it->recipients[i]))
			abort();
	/* A folder name is a fingerprint or "anyone": nothing that climbs. */
	for (i = 0; i < it->nfolders; i++)
		if (strchr(it->folders[i], '/') || strchr(it->folders[i], '.'))
			abort();
}

static void
check_round_trip(const struct mule_outbox_item *it)
{
	struct mule_outbox_item again;
	char *text = NULL;
	size_t len;

	if (mule_outbox_format(it, &text, &len)
	    || mule_outbox_parse("again", text, len, &again))
		abort();
	if (strcmp(it->name, again.name) || strcmp(it->id, again.id)
	    || strcmp(it->kind, again.kind)
	    || strcmp(it->cid, again.cid) || it->size != again.size
	    || it->created != again.created || it->split != again.split
	    || it->nrecipients != again.nrecipients
	    || it->nfolders != again.nfolders
	    || memcmp(it->recipients, again.recipients, sizeof it->recipients)
	    || memcmp(it->folders, again.folders, sizeof it->folders))
		abort();
	mule_outbox_item_release(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_outbox_item it;

	if (!mule_outbox_parse("fuzz", (const char *)data, size, &it)) {
		check_fields(&it);
		check_round_trip(&it);
	}
	mule_outbox_item_release(&it);
	mule_error_clear();
	return 0;
}
