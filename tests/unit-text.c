/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-text.c - escaping, fingerprint and size parsing, the compression
 * sample. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/text.h"
#include "tap.h"

static int
escapes_to(const char *in, size_t n, const char *want)
{
	char *got = mule_escape(in, n);
	int same = got && !strcmp(got, want);

	if (!same)
		printf("# escape: got '%s', want '%s'\n", got, want);
	free(got);
	return same;
}

/* mule_json_string of the N bytes at IN is WANT (quotes included). */
static int
json_is(const char *in, size_t n, const char *want)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);
	int same;

	if (!f)
		return 0;
	mule_json_string(f, in, n);
	fclose(f);
	same = got && !strcmp(got, want);
	if (!same)
		printf("# json: got '%s', want '%s'\n", got, want);
	free(got);
	return same;
}

int
main(void)
{
	char fpr[41];
	uint64_t size;
	unsigned char *buf;
	size_t i;

	TAP_OK(escapes_to("Alice <a@b>", 11, "Alice <a@b>"), "plain text kept");
	TAP_OK(escapes_to("J\xc3\xbcrgen", 7, "J\xc3\xbcrgen"), "UTF-8 kept");
	TAP_OK(escapes_to("a\x1b[2Jb", 6, "a\\x1b[2Jb"), "ESC escaped");
	TAP_OK(escapes_to("a\nb\rc", 5, "a\\x0ab\\x0dc"), "newline, CR escaped");
	TAP_OK(escapes_to("Eve \"x\" <e@x>", 13, "Eve \\x22x\\x22 <e@x>"),
	    "double quote escaped (names are shown between them)");
	TAP_OK(escapes_to("\xc2\x9b", 2, "\\xc2\\x9b"), "C1 control escaped");
	TAP_OK(escapes_to("\xe2\x80\xae", 3, "\\xe2\\x80\\xae"),
	    "bidi override escaped");
	TAP_OK(escapes_to("\xff\xfe", 2, "\\xff\\xfe"), "invalid UTF-8 escaped");
	TAP_OK(escapes_to("\xc0\xaf", 2, "\\xc0\\xaf"), "overlong escaped");
	TAP_OK(escapes_to("a\\b", 3, "a\\x5cb"), "backslash escaped");
	TAP_OK(escapes_to("a\0b", 3, "a\\x00b"), "NUL escaped");
	TAP_OK(escapes_to("\xe2\x82", 2, "\\xe2\\x82"), "truncated sequence escaped");
	TAP_OK(json_is("a\"b\\c\n\x1b", 7, "\"a\\\"b\\\\c\\u000a\\u001b\""),
	    "JSON: quote, backslash and controls escaped");
	TAP_OK(json_is("J\xc3\xbcrgen", 7, "\"J\xc3\xbcrgen\""), "JSON: UTF-8 kept");
	TAP_OK(json_is("a\xe2\x80\xae" "b\xc2\x9b", 7, "\"a\\u202eb\\u009b\""),
	    "JSON: a bidi override and a C1 control are the characters they are");
	TAP_OK(json_is("caf\xe9\xff", 5, "\"caf\\u00e9\\u00ff\""),
	    "JSON: a byte that is not UTF-8 as \\u00XX");
	TAP_OK(json_is("\xed\xa0\x80\xc0\xaf", 5,
	    "\"\\u00ed\\u00a0\\u0080\\u00c0\\u00af\""),
	    "JSON: a surrogate and an overlong form byte by byte");

	TAP_OK(mule_fpr_parse("7a460566b83855d76aec78ab3128e43b7ac7262d", fpr)
	    && !strcmp(fpr, "7A460566B83855D76AEC78AB3128E43B7AC7262D"),
	    "fingerprint, lower case");
	TAP_OK(mule_fpr_parse("0x7A46 0566 B838 55D7 6AEC  78AB 3128 E43B 7AC7 262D",
	    fpr), "fingerprint with 0x and spaces");
	TAP_OK(!mule_fpr_parse("3128E43B7AC7262D", fpr), "key ID is no fingerprint");
	TAP_OK(!mule_fpr_parse("7A460566B83855D76AEC78AB3128E43B7AC7262D00", fpr),
	    "42 digits is no fingerprint");
	TAP_OK(!mule_fpr_parse("alice@example.org", fpr), "e-mail is no fingerprint");
	/* VALIDSIG's fields went through here unchecked: a bad one left its
	 * first digits behind (fuzz-status). */
	strcpy(fpr, "7A460566B83855D76AEC78AB3128E43B7AC7262D");
	TAP_OK(!mule_fpr_parse("5C62823G", fpr) && !*fpr,
	    "a malformed fingerprint leaves OUT empty");
	TAP_OK(!mule_fpr_parse("7A460566B83855D76AEC78AB3128E43B7AC7262D7A46"
	    "0566B83855D76AEC", fpr) && !*fpr,
	    "a longer (v5) fingerprint leaves OUT empty, not its first 40 digits");

	TAP_OK(!mule_size_parse("1024", &size) && size == 1024, "plain size");
	TAP_OK(!mule_size_parse("4K", &size) && size == 4096, "K suffix");
	TAP_OK(!mule_size_parse("1GiB", &size) && size == 1073741824ULL,
	    "GiB suffix");
	TAP_OK(!mule_size_parse("2t", &size) && size == 2ULL << 40, "t suffix");
	TAP_OK(mule_size_parse("", &size), "empty size refused");
	TAP_OK(mule_size_parse("-1", &size), "negative size refused");
	TAP_OK(mule_size_parse("1X", &size), "unknown suffix refused");
	TAP_OK(mule_size_parse("99999999999999999999", &size), "overflow refused");
	TAP_OK(mule_size_parse("17179869184T", &size), "suffix overflow refused");

	{
		static const struct { uint64_t n; const char *text; } sizes[] = {
			{ 0, "0 B" }, { 312, "312 B" }, { 1023, "1023 B" },
			{ 1024, "1.0 KiB" }, { 1258291, "1.2 MiB" },
			{ 1048575, "1.0 MiB" }, { 3ULL << 30, "3.0 GiB" },
			{ UINT64_MAX, "16.0 EiB" },
		};
		char text[MULE_SIZE_TEXT], when[MULE_TIME_TEXT];

		for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			mule_size_text(sizes[i].n, text);
			TAP_OK(!strcmp(text, sizes[i].text), "size %llu is %s "
			    "(got %s)", (unsigned long long)sizes[i].n,
			    sizes[i].text, text);
		}
		mule_time_text(1796489612, when);
		TAP_OK(!strcmp(when, "2026-12-05T16:53:32Z"),
		    "ISO 8601 UTC time (got %s)", when);
		mule_time_text(0, when);
		TAP_OK(!strcmp(when, "1970-01-01T00:00:00Z"), "the epoch");
	}

	buf = malloc(65536);
	gcry_randomize(buf, 65536, GCRY_WEAK_RANDOM);
	TAP_OK(!mule_sample_compressible(buf, 65536), "random is incompressible");
	for (i = 0; i < 65536; i++)
		buf[i] = "the quick brown fox jumps over the lazy dog\n"[i % 44];
	TAP_OK(mule_sample_compressible(buf, 65536), "text is compressible");
	TAP_OK(!mule_sample_compressible(buf, 10), "tiny input not compressed");
	free(buf);
	return tap_done();
}
