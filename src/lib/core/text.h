/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.h - untrusted text made safe to print, and small parsers. */
#ifndef MULE_TEXT_H
#define MULE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gpg-error.h>

/* Return a malloc'ed copy of the N bytes at S that is safe for a
 * terminal: valid UTF-8 printable text is kept; control characters, C1
 * controls, the bidirectional overrides, backslashes, double quotes (an
 * untrusted name is shown between them) and invalid bytes become \xNN,
 * byte by byte.  The one style for every untrusted string a person
 * sees (mule(7), UNTRUSTED NAMES); JSON carries the raw value instead
 * (mule_json_string).  NULL on ENOMEM. */
char *mule_escape(const char *s, size_t n);

/* Length of the valid, printable UTF-8 character at S (at most N bytes),
 * or 0 if the byte there must be escaped (controls, C1 controls,
 * backslash, bidirectional overrides, invalid or overlong sequences). */
size_t mule_utf8_printable(const unsigned char *s, size_t n);

/* Decode gpg's status-line percent escapes (%XX) of S into a malloc'ed
 * string; *LEN gets its length (it may contain NUL bytes). */
char *mule_percent_decode(const char *s, size_t *len);

/* If S is a full v4 fingerprint (40 hex digits, optionally "0x" first and
 * spaces between groups), write it upper-case into OUT and return 1;
 * otherwise OUT becomes "" and 0 is returned. */
int mule_fpr_parse(const char *s, char out[41]);

/* The value of hex digit C (either case), or -1. */
int mule_hexval(int c);

/* The N bytes at BYTES as 2N lower-case hex digits and a NUL in OUT. */
void mule_hex_encode(char *out, const unsigned char *bytes, size_t n);
/* The same in upper case, as fingerprints are written. */
void mule_hex_encode_upper(char *out, const unsigned char *bytes, size_t n);

/* Write S (N bytes) to F as a JSON string: quotes, backslashes and
 * controls escaped; a byte that is not UTF-8 becomes \u00XX (so names
 * that are not UTF-8 cannot be told from their Latin-1 reading). */
void mule_json_string(FILE *f, const char *s, size_t n);

/* Are the N bytes at S hex digits, all upper case (UPPER) or all lower
 * case?  Fingerprints are written upper case, IDs and digests lower. */
int mule_is_hex(const char *s, size_t n, int upper);

/* Is the string S exactly N hex digits, as mule_is_hex? */
int mule_hex_field(const char *s, size_t n, int upper);

/* Parse SIZE: a number with an optional IEC suffix (K, M, G, T, with or
 * without "iB"; powers of 1024). */
gpg_error_t mule_size_parse(const char *s, uint64_t *size);

/* SIZE in IEC units for a person: "312 B", "1.2 KiB", "1.2 MiB", "3.0
 * GiB" (one decimal from KiB up, powers of 1024). */
#define MULE_SIZE_TEXT 16
void mule_size_text(uint64_t size, char out[MULE_SIZE_TEXT]);

/* ONE if N is 1, else MANY: "1 file", "2 files". */
static inline const char *
mule_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* T (seconds since 1970) in ISO 8601 UTC to the second,
 * "2026-12-05T16:40:12Z"; "?" if it cannot be shown. */
#define MULE_TIME_TEXT 32
void mule_time_text(int64_t t, char out[MULE_TIME_TEXT]);

/* Whether a sample of the input looks worth compressing: its byte entropy
 * is well below that of random (or already compressed) data. */
int mule_sample_compressible(const unsigned char *buf, size_t len);

#endif
