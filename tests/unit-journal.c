/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-journal.c - the journal's rejection records: any reason in one
 * line and back, cut at the limit; the last record of an item wins; old
 * journals load; what the writer would not write is not a record. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "stick/journal.h"
#include "tap.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FPR "320D1F831E7BF7BB22C9FD07F3D8715F63676F75"

/* Does TEXT parse as a journal? */
static int
parses(const char *text)
{
	struct mule_journal *j = NULL;
	gpg_error_t err = mule_journal_parse(&j, "test", text, strlen(text));

	mule_journal_close(j);
	mule_error_clear();
	return !err;
}

int
main(void)
{
	char dir[] = "/tmp/unit-journal.XXXXXX", path[64], reason[300];
	char *longer;
	const struct mule_journal_rejection *x;
	struct mule_journal *j = NULL;
	gpg_error_t err;
	int i;

	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/journal", dir);
	for (i = 1; i < 256; i++)
		reason[i - 1] = (char)i;
	reason[255] = '\0';
	err = mule_journal_open(&j, path);
	if (!err)
		err = mule_journal_add_rejection(j, CID, FPR, 1796000000, reason);
	TAP_OK(!err, "a rejection with every byte but NUL in its reason is added");
	mule_journal_close(j);
	j = NULL;
	err = mule_journal_open_read(&j, path);
	x = err ? NULL : mule_journal_rejection(j, CID);
	TAP_OK(x && !x->retried && !strcmp(x->reason, reason)
	    && !strcmp(x->folder, FPR) && x->time == 1796000000,
	    "... and read back as it was");
	mule_journal_close(j);
	j = NULL;

	longer = malloc(MULE_JOURNAL_REASON_MAX + 100);
	if (!longer)
		return 99;
	memset(longer, '\n', MULE_JOURNAL_REASON_MAX + 99);
	longer[MULE_JOURNAL_REASON_MAX + 99] = '\0';
	err = mule_journal_open(&j, path);
	if (!err)
		err = mule_journal_add_rejection(j, CID, "anyone", 1796000001,
		    longer);
	x = err ? NULL : mule_journal_rejection(j, CID);
	TAP_OK(x && strlen(x->reason) == MULE_JOURNAL_REASON_MAX
	    && !strcmp(x->folder, "anyone"),
	    "a longer reason is cut to %d bytes", MULE_JOURNAL_REASON_MAX);
	if (!err)
		err = mule_journal_add_rejection(j, CID, FPR, 1796000002, NULL);
	x = err ? NULL : mule_journal_rejection(j, CID);
	TAP_OK(x && x->retried && !x->reason && x->time == 1796000002,
	    "a retry is the item's last record");
	TAP_OK(mule_journal_add_rejection(j, "0123", FPR, 1, "x") != 0
	    && mule_journal_add_rejection(j, CID, "someone", 1, "x") != 0,
	    "what the reader would refuse is not written");
	mule_journal_close(j);
	j = NULL;
	err = mule_journal_open_read(&j, path);
	x = err ? NULL : mule_journal_rejection(j, CID);
	TAP_OK(x && x->retried, "... the retry, read back, is the last record");
	mule_journal_close(j);
	free(longer);

	snprintf(reason, sizeof reason, "%s/none", dir);
	j = NULL;
	err = mule_journal_open_read(&j, reason);
	TAP_OK(!err && j && !mule_journal_rejection(j, CID)
	    && access(reason, F_OK) != 0,
	    "a missing journal reads as an empty one, and is not made");
	mule_journal_close(j);

	TAP_OK(parses("delivered " FPR " 527c7eaefda07ba12ddf4f98abc9da46 " CID
	    " " FPR " 5\nremoved " FPR " 527c7eaefda07ba12ddf4f98abc9da46 " CID
	    " " FPR "\n"), "an old journal (delivered, removed) loads");
	TAP_OK(parses("rejected " CID " anyone 0 x\nretried " CID " " FPR
	    " 18\n"), "rejected and retried lines load");
	TAP_OK(!parses("rejected " CID " anyone 0 a%41\n"),
	    "a byte encoded that need not be is refused");
	TAP_OK(!parses("rejected " CID " anyone 0 a%1b\n"),
	    "lower-case hex in an escape is refused");
	TAP_OK(!parses("rejected " CID " anyone 0 a%00\n"),
	    "an encoded NUL is refused");
	TAP_OK(!parses("rejected " CID " anyone 0 a%4\n"),
	    "a cut escape is refused");
	TAP_OK(!parses("rejected " CID " anyone 0 a\tb\n"),
	    "a raw control character is refused");
	TAP_OK(!parses("rejected " CID " anyone 0\n"),
	    "a rejection without a reason is refused");
	TAP_OK(!parses("retried " CID " anyone 0 x\n"),
	    "a retry with a reason is refused");
	TAP_OK(!parses("rejected " CID " someone 0 x\n"),
	    "a folder that is neither a fingerprint nor anyone is refused");
	TAP_OK(!parses("rejected " CID " anyone -1 x\n")
	    && !parses("rejected " CID " anyone 9223372036854775808 x\n"),
	    "a time that is negative or too large is refused");
	TAP_OK(!parses("rejected " CID "0 anyone 0 x\n"),
	    "a content ID of the wrong length is refused");

	unlink(path);
	rmdir(dir);
	return tap_done();
}
