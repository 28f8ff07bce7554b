/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-usage.c - the record of which subkeys peers seal to (key/usage). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "key/usage.h"
#include "tap.h"

#define A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define S1 "1111111111111111111111111111111111111111"
#define S2 "2222222222222222222222222222222222222222"

static char dir[] = "/tmp/unit-usage.XXXXXX";

static size_t
load(struct mule_usage **u)
{
	size_t n = 99;

	if (mule_usage_load(dir, u, &n))
		return 99;
	return n;
}

static void
write_raw(const char *text)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "%s/subkeys-used", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int
main(void)
{
	struct mule_usage *u = NULL;
	char path[64];
	size_t n;

	if (!mkdtemp(dir))
		return 99;
	n = load(&u);
	TAP_OK(n == 0 && !u, "no file: no records");
	TAP_OK(!mule_usage_note(dir, A, S1, 100), "note A S1 at 100");
	TAP_OK(!mule_usage_note(dir, B, S1, 50), "note B S1 at 50");
	TAP_OK(!mule_usage_note(dir, A, S2, 200), "note A S2 at 200");
	TAP_OK(!mule_usage_note(dir, A, S1, 90), "an older time for A S1");
	n = load(&u);
	TAP_OK(n == 3, "three pairs (%zu)", n);
	TAP_OK(mule_usage_last(u, n, S1) == 100, "S1 last used at 100, "
	    "the older time not taken");
	TAP_OK(mule_usage_last(u, n, S2) == 200, "S2 last used at 200");
	TAP_OK(mule_usage_last(u, n, A) == 0, "a subkey never used: 0");
	free(u);
	TAP_OK(!mule_usage_note(dir, B, S1, 300), "a newer time for B S1");
	n = load(&u);
	TAP_OK(n == 3 && mule_usage_last(u, n, S1) == 300,
	    "... replaces the older one");
	free(u);
	TAP_OK(gpg_err_code(mule_usage_note(dir, "A", S1, 1))
	    == GPG_ERR_INV_ARG, "a short fingerprint is refused");
	TAP_OK(gpg_err_code(mule_usage_note(dir, A, "aaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa", 1)) == GPG_ERR_INV_ARG,
	    "a lower-case fingerprint is refused");
	write_raw("junk\n" A " " S1 " 5\n" A " " S2 " x\n" A " " S2 " 7 8\n"
	    "0123 " S1 " 9\n" B " " S2 " 11");
	n = load(&u);
	TAP_OK(n == 1 && u[0].when == 5, "lines of another form are skipped, "
	    "a last one without its newline too (%zu)", n);
	free(u);
	TAP_OK(!mule_usage_note(dir, B, S2, 12), "a note over such a file");
	n = load(&u);
	TAP_OK(n == 2, "... keeps the good lines (%zu)", n);
	free(u);
	snprintf(path, sizeof path, "%s/.subkeys-used.%ld", dir, (long)getpid());
	TAP_OK(access(path, F_OK) != 0, "no temporary left");
	snprintf(path, sizeof path, "%s/subkeys-used", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/subkeys-used.lock", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
