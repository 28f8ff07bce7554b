/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-outbox.c - the outbox's records (stick/outbox): what put --queue
 * writes is read back as it was; anything else is refused, line by
 * line; mule_outbox_holds answers for queued and recorded items only. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "stick/outbox.h"
#include "tap.h"

#define CID "4c1199fda6da5f1bb4c1199fda6da5f1bb4c1199fda6da5f1bb4c1199fda6da5"
#define BOB "320D1F831E7BF7BB22C9FD07F3D8715F63676F75"
#define CAROL "F8C5A2894E99E7858663083F8FF72264249A0B65"
#define HEAD "mule-outbox: 1\nid: d27ca4e455131e491a93a3b7a2d99c27\n" \
	"cid: " CID "\nkind: files\n" \
	"sender: 7A4642D3A30F2C4E7DB04D1B3E4F41A0B40C262D\n"
/* "notes/r\\port\n\xe9t\xe9.txt": a backslash, a newline, Latin-1 */
#define NAME "6e6f7465732f725c706f72740ae974e92e747874"
#define TAIL "size: 1234\ncreated: 1796506193\nsplit: 0\n"
#define GOOD HEAD "recipient: " BOB "\nrecipient: " CAROL "\nfolder: " BOB \
	"\nfolder: " CAROL "\nname: " NAME "\n" TAIL

/* Does TEXT parse? */
static int
parses(const char *text)
{
	struct mule_outbox_item it;
	gpg_error_t err;

	mule_error_clear();
	err = mule_outbox_parse("test", text, strlen(text), &it);
	mule_outbox_item_release(&it);
	mule_error_clear();
	return !err;
}

/* GOOD with the first FROM replaced by TO: refused. */
static int
refused_with(const char *from, const char *to)
{
	char buf[4096], *p = strstr(GOOD, from);

	if (!p)
		return 0;
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - GOOD), GOOD, to,
	    p + strlen(from));
	return !parses(buf);
}

static int
round_trip(void)
{
	struct mule_outbox_item it, again;
	char *text = NULL;
	size_t len;
	int ok;

	if (mule_outbox_parse("test", GOOD, strlen(GOOD), &it))
		return 0;
	ok = !mule_outbox_format(&it, &text, &len) && len == strlen(GOOD)
	    && !memcmp(text, GOOD, len)
	    && !mule_outbox_parse("again", text, len, &again)
	    && !strcmp(it.name, "notes/r\\port\n\xe9t\xe9.txt")
	    && !strcmp(it.name, again.name) && it.size == again.size
	    && it.nrecipients == 2 && again.nfolders == 2
	    && !strcmp(again.recipients[1], CAROL) && it.created == 1796506193;
	mule_outbox_item_release(&again);
	mule_outbox_item_release(&it);
	free(text);
	return ok;
}

/* A file NAME in DIR with TEXT. */
static int
plant(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w")))
		return 0;
	fputs(text, f);
	return fclose(f) == 0;
}

static void
holds(void)
{
	char state[] = "/tmp/unit-outbox.XXXXXX", ob[64], to[256], done[256];
	struct mule_outbox box;

	if (!mkdtemp(state)) {
		TAP_OK(0, "a scratch state directory");
		return;
	}
	TAP_OK(!mule_outbox_holds(state, CID), "no outbox: holds nothing");
	TAP_OK(!mule_outbox_open(&box, state, 1) && box.fd >= 0,
	    "the outbox is made");
	mule_outbox_close(&box);
	snprintf(ob, sizeof ob, "%s/outbox", state);
	plant(ob, CID ".gpg", "x");
	TAP_OK(!mule_outbox_holds(state, CID),
	    "an item without a record (a killed queue) is not held");
	plant(ob, CID ".to", GOOD);
	TAP_OK(mule_outbox_holds(state, CID), "a queued item is held");
	snprintf(to, sizeof to, "%s/" CID ".to", ob);
	snprintf(done, sizeof done, "%s/" CID ".done", ob);
	TAP_OK(rename(to, done) == 0 && mule_outbox_holds(state, CID),
	    "an item recorded as on a stick is held");
	TAP_OK(!mule_outbox_holds(state, "../" CID) && !mule_outbox_holds(state,
	    "4C1199FDA6DA5F1BB4C1199FDA6DA5F1BB4C1199FDA6DA5F1BB4C1199FDA6DA5"),
	    "a CID that is not 64 lower-case hex is not held");
	unlink(done);
	snprintf(done, sizeof done, "%s/" CID ".gpg", ob);
	unlink(done);
	rmdir(ob);
	rmdir(state);
}

int
main(void)
{
	TAP_OK(parses(GOOD), "a record as put --queue writes it");
	TAP_OK(round_trip(), "... written again, byte for byte");
	TAP_OK(parses(HEAD "recipient: " BOB "\nfolder: anyone\nname: 2d\n"
	    TAIL), "hidden recipients: the folder anyone alone");
	TAP_OK(!parses(""), "empty");
	TAP_OK(refused_with("mule-outbox: 1", "mule-outbox: 2"),
	    "another version");
	TAP_OK(refused_with("split: 0\n", "split: 0"), "no last newline");
	TAP_OK(refused_with("split: 0\n", "split: 0\nsplit: 0\n"),
	    "a field twice");
	TAP_OK(refused_with("split: 0\n", "split: 0\nextra: 1\n"),
	    "an unknown field");
	TAP_OK(refused_with("size: 1234\ncreated", "created"),
	    "a field missing");
	TAP_OK(refused_with("size: 1234\ncreated: 1796506193\n",
	    "created: 1796506193\nsize: 1234\n"), "fields out of order");
	TAP_OK(refused_with("id: d27c", "id:  d27c"), "two spaces");
	TAP_OK(refused_with("id: d27c", "id:d27c"), "no space");
	TAP_OK(refused_with("id: d27c", "id: D27c"), "an upper-case ID");
	TAP_OK(refused_with("cid: 4c11", "cid: 4c1"), "a CID too long");
	TAP_OK(refused_with("recipient: " BOB, "recipient: " CAROL),
	    "a recipient twice");
	TAP_OK(refused_with("folder: " CAROL, "folder: " BOB),
	    "folders that are not the recipients'");
	TAP_OK(refused_with("folder: " BOB "\n", ""),
	    "a recipient without a folder");
	TAP_OK(refused_with("folder: " BOB, "folder: ../x"),
	    "a folder that climbs");
	TAP_OK(refused_with("recipient: " BOB, "recipient: 320d1f831e7bf7bb22c9fd07f3d8715f63676f75"),
	    "a lower-case fingerprint");
	TAP_OK(refused_with("size: 1234", "size: 01234"), "a leading zero");
	TAP_OK(refused_with("size: 1234", "size: 0"), "size 0");
	TAP_OK(refused_with("size: 1234", "size: -1"), "a sign");
	TAP_OK(refused_with("size: 1234", "size: 18446744073709551616"),
	    "a size that overflows");
	TAP_OK(refused_with("created: 1796506193",
	    "created: 9223372036854775808"), "a time beyond int64");
	TAP_OK(refused_with("split: 0", "split: 1023"), "a split below 1K");
	TAP_OK(parses(HEAD "recipient: " BOB "\nfolder: " BOB "\nname: 78\n"
	    "size: 1022976\ncreated: 1\nsplit: 1024\n"), "999 parts");
	TAP_OK(!parses(HEAD "recipient: " BOB "\nfolder: " BOB "\nname: 78\n"
	    "size: 1022977\ncreated: 1\nsplit: 1024\n"), "1000 parts");
	TAP_OK(refused_with("name: 6e6f", "name: 6e6"), "a name of odd length");
	TAP_OK(refused_with("name: 6e6f", "name: 6E6F"), "an upper-case name");
	TAP_OK(refused_with("name: 6e6f", "name: 6e00"), "a NUL in the name");
	TAP_OK(refused_with("name: 6e6f", "name: notes"), "a name not in hex");
	TAP_OK(refused_with("kind: files", "kind: receipt"), "kind receipt");
	TAP_OK(refused_with("kind: files\n", ""), "no kind");
	TAP_OK(!parses(HEAD "recipient: " BOB "\nfolder: " BOB "\nname: \n"
	    TAIL), "an empty name");
	{
		char nul[] = GOOD;
		struct mule_outbox_item it;

		nul[20] = '\0';
		mule_error_clear();
		TAP_OK(mule_outbox_parse("test", nul, sizeof nul - 1, &it) != 0,
		    "a NUL byte");
		mule_outbox_item_release(&it);
		mule_error_clear();
	}
	holds();
	return tap_done();
}
