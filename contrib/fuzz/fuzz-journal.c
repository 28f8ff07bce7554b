/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-journal.c - libFuzzer harness for mule-stick's journal
 * (src/lib/stick/journal.c): its lines are parsed strictly, by length, and
 * decide whether an item is new, already delivered or a replay, and
 * what list says of a rejected one.  The input is read as a journal file
 * is (mule_journal_parse shares the line reader with mule_journal_open);
 * an accepted journal must then answer for every record in it.  See
 * README. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "stick/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENDER 40
#define ID 32
#define CID 64

/* A record the journal returned is whole: fields of their exact length. */
static void
check_record(const struct mule_journal_record *r)
{
	if (!r || strlen(r->sender) != SENDER || strlen(r->id) != ID
	    || strlen(r->cid) != CID)
		abort();
}

/* The fields of an accepted line sit at fixed places after its first
 * word; copy field N (LEN bytes) to OUT. */
static const char *
field(const char *line, size_t word, size_t off, size_t len, char *out)
{
	memcpy(out, line + word + 1 + off, len);
	out[len] = '\0';
	return out;
}

/* A rejection or a retry: the journal knows one for its CID, of its
 * folder, and a rejection's reason is a string of at most the limit. */
static void
check_rejection(const struct mule_journal *j, const char *line, size_t len)
{
	const struct mule_journal_rejection *x;
	int retried = !strncmp(line, "retried ", 8);
	size_t word = retried ? 7 : 8;
	char cid[CID + 1];

	if (len < word + 1 + CID + 1 + 6 + 1 + 1)
		abort();
	field(line, word, 0, CID, cid);
	x = mule_journal_rejection(j, cid);
	if (!x || strcmp(x->cid, cid) || (strcmp(x->folder, "anyone")
	    && strlen(x->folder) != SENDER) || x->time < 0
	    || (!x->retried && (!x->reason
	    || strlen(x->reason) > MULE_JOURNAL_REASON_MAX))
	    || (x->retried && x->reason))
		abort();
}

/* What a journal knows after reading the accepted line LINE. */
static void
check_line(const struct mule_journal *j, const char *line, size_t len)
{
	char sender[SENDER + 1], id[ID + 1], cid[CID + 1], key[SENDER + 1];
	size_t word = strcspn(line, " ");
	size_t rest = word + 1 + SENDER + 1 + ID + 1 + CID + 1;

	if (!strncmp(line, "rejected ", 9) || !strncmp(line, "retried ", 8)) {
		check_rejection(j, line, len);
		return;
	}
	if (word == len || rest + 6 > len)
		abort();
	field(line, word, 0, SENDER, sender);
	field(line, word, SENDER + 1, ID, id);
	field(line, word, SENDER + 1 + ID + 1, CID, cid);
	check_record(mule_journal_find(j, sender, id));
	if (word == 7 && !memcmp(line, "removed", 7)) {
		char folder[SENDER + 1];
		size_t flen = len - rest;

		if (flen > SENDER)
			abort();
		memcpy(folder, line + rest, flen);
		folder[flen] = '\0';
		if (!mule_journal_removed_from(j, cid, folder)
		    || !mule_journal_removed_earlier(j, cid))
			abort();
		return;
	}
	if (word != 9 || memcmp(line, "delivered", 9)
	    || len < rest + SENDER + 2)
		abort();
	check_record(mule_journal_find_cid(j, cid));
	field(line, word, SENDER + 1 + ID + 1 + CID + 1, SENDER, key);
	if (strtoull(line + rest + SENDER + 1, NULL, 10)
	    > mule_journal_max_seq(j, sender, key))
		abort();
}

/* Every record of the accepted journal TEXT (LEN bytes, of which only
 * whole lines count) can be found again. */
static void
check_journal(const struct mule_journal *j, const uint8_t *text, size_t len)
{
	const uint8_t *end = text + len, *p, *nl;
	char line[4 * MULE_JOURNAL_REASON_MAX];

	for (p = text; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
	    p = nl + 1) {
		size_t n = (size_t)(nl - p);

		if (n >= sizeof line)
			abort();
		memcpy(line, p, n);
		line[n] = '\0';
		check_line(j, line, n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mule_journal *j = NULL;

	if (!mule_journal_parse(&j, "fuzz", data, size)) {
		check_journal(j, data, size);
		(void)mule_journal_max_seq(j, "", "");
		(void)mule_journal_find_cid(j, "");
		(void)mule_journal_rejection(j, "");
	}
	mule_journal_close(j);
	mule_error_clear();
	return 0;
}
