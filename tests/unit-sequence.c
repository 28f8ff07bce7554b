/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-sequence.c - the sender's sequence numbers (stick/sequence): taken
 * lowest first, pending, settled, reconciled after a dead run; the file
 * of mule before issue 16 read, and this one's read by it; corrupt files
 * refused with a message. */
#include <config.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "stick/sequence.h"
#include "tap.h"

#define A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define C "0CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
#define CID1 "1111111111111111111111111111111111111111111111111111111111111111"
#define CID2 "2222222222222222222222222222222222222222222222222222222222222222"
#define HERE "stick:0123456789abcdef"
#define THERE "stick:fedcba9876543210"

static char dir[] = "/tmp/unit-sequence.XXXXXX";
static char path[64];
static char (bc[2])[41] = { B, C };
static char (bonly[1])[41] = { B };

static void
write_raw(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
}

static char *
read_raw(void)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The lines of the file that start with PREFIX. */
static int
lines_with(const char *prefix)
{
	const char *p = read_raw();
	int n = 0;

	while (*p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return n;
}

/* mule_sequence_next of mule before issue 16, as it was, for one pair
 * and one item: the next number, or 0 on an error. */
static unsigned long long
old_mule_next(const char *sender, const char *recipient)
{
	char s[64], r[64], line[256], tmp[96];
	unsigned long long last, seq = 1;
	FILE *in, *out;
	int found = 0;

	snprintf(tmp, sizeof tmp, "%s/.sequence.old", dir);
	out = fopen(tmp, "w");
	in = fopen(path, "r");
	while (in && fgets(line, sizeof line, in)) {
		if (sscanf(line, "%63s %63s %llu", s, r, &last) != 3) {
			fputs(line, out);
			continue;
		}
		if (!strcmp(s, sender) && !strcmp(r, recipient)) {
			seq = last + 1;
			found = 1;
		} else
			fprintf(out, "%s %s %llu\n", s, r, last);
	}
	(void)found;
	fprintf(out, "%s %s %llu\n", sender, recipient, seq);
	if (in)
		fclose(in);
	fclose(out);
	return rename(tmp, path) == 0 ? seq : 0;
}

/* Is every line of BEFORE but SKIP in AFTER? */
static int
kept_all(const char *before, const char *after, const char *skip)
{
	const char *p, *nl;
	char line[300];

	for (p = before; *p && (nl = strchr(p, '\n')); p = nl + 1) {
		snprintf(line, sizeof line, "%.*s", (int)(nl + 1 - p), p);
		if (strcmp(line, skip) && !strstr(after, line))
			return 0;
	}
	return 1;
}

/* A probe that answers FATE for every copy and counts its calls. */
static enum mule_sequence_fate probe_fate;
static enum mule_sequence_fate probe_second;	/* for the second copy */
static int probe_calls;
static char probe_mark0[64];

static gpg_error_t
probe(void *arg, struct mule_sequence_item *it)
{
	size_t k;

	(void)arg;
	probe_calls++;
	snprintf(probe_mark0, sizeof probe_mark0, "%s",
	    it->copies[0].mark ? it->copies[0].mark : "(none)");
	for (k = 0; k < it->n; k++)
		it->copies[k].fate = k ? probe_second : probe_fate;
	return 0;
}

static int
reconcile(const char *location, enum mule_sequence_fate fate,
    enum mule_sequence_fate second)
{
	probe_fate = fate;
	probe_second = second;
	probe_calls = 0;
	return mule_sequence_reconcile(dir, location, probe, NULL) ? -1
	    : probe_calls;
}

/* A run that took one item's numbers for B and C and is killed once
 * they are pending at HERE (marks: a temporary for B, none for C). */
static void
killed_pending(uint64_t seqs[2], const char *cid)
{
	struct mule_sequence *q;
	const char *marks[2] = { ".mule-1-aaaaaaaaaaaa.tmp", NULL };

	if (mule_sequence_open(&q, dir) || mule_sequence_take(q, A, bc, 2, 1,
	    seqs) || mule_sequence_pending(q, A, cid, HERE, bc, seqs, marks,
	    2))
		seqs[0] = seqs[1] = 0;
	mule_sequence_close(q);	/* as a kill would: nothing settled */
}

static void
basics(void)
{
	struct mule_sequence *q = NULL;
	uint64_t seqs[6];
	enum mule_sequence_end ends[3] = { MULE_SEQUENCE_KEEP,
	    MULE_SEQUENCE_GIVE_BACK, MULE_SEQUENCE_GIVE_BACK };

	TAP_OK(mule_sequence_open(&q, dir) == 0, "a run starts");
	TAP_OK(q && mule_sequence_take(q, A, bc, 2, 3, seqs) == 0
	    && seqs[0] == 1 && seqs[1] == 1 && seqs[2] == 2 && seqs[3] == 2
	    && seqs[4] == 3 && seqs[5] == 3,
	    "three items for B and C: 1, 2, 3 each, item by item");
	TAP_OK(lines_with(A " " B " 3") == 1 && lines_with(A " " B
	    " reserved ") == 3, "the file: LAST 3, three reserved numbers");
	TAP_OK(mule_sequence_settle(q, A, bc, 2, seqs, ends, 3) == 0
	    && !strcmp(read_raw(), A " " B " 1\n" A " " C " 1\n"),
	    "the first kept, the last two given back: LAST goes down to 1, "
	    "nothing else is left");
	TAP_OK(mule_sequence_take(q, A, bonly, 1, 2, seqs) == 0 && seqs[0] == 2
	    && seqs[1] == 3, "two more for B: 2, 3");
	ends[0] = MULE_SEQUENCE_GIVE_BACK;
	ends[1] = MULE_SEQUENCE_KEEP;
	TAP_OK(mule_sequence_settle(q, A, bonly, 1, seqs, ends, 2) == 0
	    && lines_with(A " " B " free 2") == 1 && lines_with(A " " B " 3")
	    == 1, "2 given back below 3 kept: a free line");
	TAP_OK(mule_sequence_take(q, A, bonly, 1, 2, seqs) == 0 && seqs[0] == 2
	    && seqs[1] == 4, "the next two for B: the free 2 first, then 4");
	ends[0] = ends[1] = MULE_SEQUENCE_KEEP;
	TAP_OK(mule_sequence_settle(q, A, bonly, 1, seqs, ends, 2) == 0
	    && lines_with(A " " B " free") == 0, "both kept: no free line");
	mule_sequence_close(q);
}

static void
dead_runs(void)
{
	struct mule_sequence *q = NULL, *alive = NULL;
	uint64_t seqs[4], s2[2], live[2]; /* two items for two */
	const char *marks[2] = { "m", NULL };
	char before[4096];

	write_raw("", 0);
	killed_pending(seqs, CID1);
	TAP_OK(seqs[0] == 1 && lines_with(A " " B " pending 1 ") == 1
	    && lines_with(A " " C " pending 1 ") == 1,
	    "a killed run: its item pending for B and C");
	TAP_OK(reconcile(THERE, MULE_SEQUENCE_NEVER, MULE_SEQUENCE_NEVER) == 0
	    && lines_with(A " " B " pending 1 ") == 1,
	    "a reconcile elsewhere: the probe is not asked, the item stays "
	    "pending");
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A,
	    bonly, 1, 1, s2) == 0 && s2[0] == 2,
	    "... and its number is not taken again (the next is 2)");
	mule_sequence_close(q);
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_NEVER, MULE_SEQUENCE_NEVER) == 1
	    && !strcmp(probe_mark0, ".mule-1-aaaaaaaaaaaa.tmp"),
	    "a reconcile here asks the probe once, with the item's mark");
	TAP_OK(!strcmp(read_raw(), ""), "never in place for anyone: its "
	    "numbers back, and the 2 of the run that died after it: nothing "
	    "left");

	write_raw("", 0);
	killed_pending(seqs, CID1);
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_THERE, MULE_SEQUENCE_NEVER) == 1
	    && !strcmp(read_raw(), A " " B " 1\n" A " " C " 1\n"),
	    "in place for B, never for C: both numbers kept");
	write_raw("", 0);
	killed_pending(seqs, CID1);
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_UNSURE, MULE_SEQUENCE_NEVER) == 1
	    && lines_with(A " " B " 1") == 1 && lines_with(A " " B " free")
	    == 0, "maybe taken for B: kept");
	write_raw("", 0);
	killed_pending(seqs, CID1);
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_LATER, MULE_SEQUENCE_NEVER) == 1
	    && lines_with(A " " B " pending 1 ") == 1
	    && lines_with(A " " C " pending 1 ") == 1,
	    "the probe cannot tell for B: both stay pending");

	/* A reserved number of a dead run: free at any location. */
	write_raw("", 0);
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A, bc,
	    2, 2, seqs) == 0, "a run takes two items' numbers");
	mule_sequence_close(q);
	TAP_OK(reconcile(THERE, MULE_SEQUENCE_THERE, MULE_SEQUENCE_THERE) == 0
	    && !strcmp(read_raw(), ""), "killed before anything was pending: "
	    "all back, wherever the next put goes");

	/* A live run's numbers are its own. */
	TAP_OK(mule_sequence_open(&alive, dir) == 0 && mule_sequence_take(alive,
	    A, bonly, 1, 2, live) == 0 && mule_sequence_pending(alive, A, CID2,
	    HERE, bonly, live, marks, 1) == 0, "a live run: one pending, one "
	    "reserved");
	snprintf(before, sizeof before, "%s", read_raw());
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_NEVER, MULE_SEQUENCE_NEVER) == 0
	    && !strcmp(before, read_raw()),
	    "a reconcile leaves a live run's numbers alone");
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A,
	    bonly, 1, 1, s2) == 0 && s2[0] == 3,
	    "another run beside it takes 3");
	mule_sequence_close(q);
	mule_sequence_close(alive);
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_NEVER, MULE_SEQUENCE_NEVER) == 1
	    && !strcmp(read_raw(), ""), "once it is gone: all back");
}

static void
compatibility(void)
{
	struct mule_sequence *q = NULL;
	uint64_t seqs[2];
	unsigned long long old;
	char before[4096], *p;

	write_raw(A " " B " 7\n" A " " C " 2\n", 2 * 84);
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A, bc,
	    2, 1, seqs) == 0 && seqs[0] == 8 && seqs[1] == 3,
	    "the file of an older mule: its numbers go on (8, 3)");
	/* C's fingerprint starts with a digit: the older mule's %llu must
	 * not take a pending line's third field for LAST. */
	TAP_OK(mule_sequence_pending(q, A, CID1, HERE, bc, seqs, NULL, 2) == 0,
	    "pending");
	mule_sequence_close(q);
	snprintf(before, sizeof before, "%s", read_raw());
	old = old_mule_next(A, C);
	TAP_OK(old == 4, "an older mule reading the new file takes C's 4 "
	    "(got %llu)", old);
	p = read_raw();
	TAP_OK(kept_all(before, p, A " " C " 3\n") && lines_with(A " " C " 4")
	    == 1, "... and keeps every line it does not read as it was");
	TAP_OK(reconcile(HERE, MULE_SEQUENCE_NEVER, MULE_SEQUENCE_NEVER) == 1
	    && lines_with(A " " C " 4") == 1 && lines_with(A " " C " free 3")
	    == 1, "the new mule reads it back: the dead run's 3 is free, "
	    "the older mule's 4 stays used");
	write_raw(A " " B " 3\n" A " " B " future 1 x y\n", strlen(A " " B " 3\n" A " " B " future 1 x y\n"));
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A,
	    bonly, 1, 1, seqs) == 0 && seqs[0] == 4
	    && lines_with(A " " B " future 1 x y") == 1,
	    "a newer mule's line is kept as it is");
	mule_sequence_close(q);
}

/* The file TEXT (LEN bytes) is refused with a message, and no number
 * is taken. */
static void
refused(const char *text, size_t len, const char *what)
{
	struct mule_sequence *q = NULL;
	uint64_t seqs[1] = { 0 };
	gpg_error_t err;

	write_raw(text, len);
	mule_error_clear();
	err = mule_sequence_open(&q, dir);
	if (!err)
		err = mule_sequence_take(q, A, bonly, 1, 1, seqs);
	TAP_OK(err && seqs[0] == 0 && mule_exit_status(err) == 2,
	    "refused with exit 2: %s", what);
	mule_sequence_close(q);
	err = mule_sequence_reconcile(dir, HERE, probe, NULL);
	TAP_OK(err != 0, "... by a reconcile too");
}

#define REFUSED(text, what) refused(text, strlen(text), what)

static void
corrupt(void)
{
	static const char nul[] = A " " B " 3\n" A " " B "\0 4\n";
	char *big;
	size_t n;

	REFUSED("garbage\n",
	    "a line of garbage");
	REFUSED(A " " B " 12x\n",
	    "LAST not a number");
	REFUSED(A " " B " free\n",
	    "free without a number");
	REFUSED(A " " B " 3\n" A " " B " Free 2\n",
	    "four fields, the third no word of ours (fuzz-sequence)");
	REFUSED(A " " B " 1234567890123456789\n",
	    "LAST of 19 digits");
	REFUSED(A " " B " 3\n" A " " B " free 9\n",
	    "a free number above LAST");
	REFUSED(A " " B " free 1\n",
	    "a free number without LAST");
	REFUSED(A " " B " 3\n" A " " B " free 2\n" A " " B " free 2\n",
	    "one number free twice");
	REFUSED(A " " B " 3\n" A " " B " reserved 2 0123456789abcdef\n"
	    A " " B " free 2\n",
	    "a number reserved and free");
	refused(nul, sizeof nul - 1, "a NUL byte");
	REFUSED(A " " B " 3\n" A " " B " pending 2 0123456789abcdef " CID1
	    " a/b m\n",
	    "a location with a slash");
	REFUSED(A " " B " 3\n" A " " B " pending 2 0123456789abcdef " CID1
	    " here ..\n", "a mark \"..\"");
	REFUSED(A " " B " 3\n" A "  " B " 4\n",
	    "two spaces");
	REFUSED(A " " "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 3\n",
	    "a fingerprint in lower case");
	n = (16 << 20) + 84;
	big = malloc(n);
	memset(big, '\n', n);
	refused(big, n, "larger than 16 MiB");
	free(big);
	unlink(path);
	mkdir(path, 0700);
	REFUSED("",
	    "a directory");
	rmdir(path);
}

static void
cut_short(void)
{
	struct mule_sequence *q = NULL;
	uint64_t seqs[1];
	char *out = NULL;
	size_t len = 0;

	write_raw(A " " B " 3\n" A " " B " pend", strlen(A " " B " 3\n" A " " B " pend"));
	TAP_OK(mule_sequence_open(&q, dir) == 0 && mule_sequence_take(q, A,
	    bonly, 1, 1, seqs) == 0 && seqs[0] == 4,
	    "a last line cut short by a crash is dropped");
	write_raw(A " " B " 4\n" A " " B " reserved 4 0123456789abcdef\n"
	    A " " B " pend", strlen(A " " B " 4\n" A " " B
	    " reserved 4 0123456789abcdef\n" A " " B " pend"));
	TAP_OK(mule_sequence_pending(q, A, CID1, HERE, bonly, seqs, NULL, 1) == 0
	    && lines_with(A " " B " pend") == 1 && lines_with(A " " B
	    " pending 4 ") == 1, "... and gone before a pending line is "
	    "appended");
	mule_sequence_close(q);
	TAP_OK(mule_sequence_parse("t", A " " B " 3\n" A " " B " free 3\n",
	    strlen(A " " B " 3\n" A " " B " free 3\n"), &out, &len) == 0 && out && !strcmp(out, A " " B " 2\n"),
	    "parse: a free LAST is no LAST");
	free(out);
}

int
main(void)
{
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/sequence", dir);
	basics();
	dead_runs();
	compatibility();
	corrupt();
	cut_short();
	unlink(path);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 99;
	}
	return tap_done();
}
