/* SPDX-License-Identifier: GPL-3.0-or-later */
/* words.h - a fingerprint as words a person can read out and type.
 *
 * The PGP word list (Juola and Zimmermann, 1995; used for fingerprints
 * by PGPfone and for ZRTP's short authentication strings) gives each byte
 * value two words: a two-syllable one at even positions and a
 * three-syllable one at odd positions, so that a word swapped, repeated or
 * left out is noticed.  We show the first MULE_WORDS_BYTES bytes of the
 * fingerprint, 96 bits: finding a key whose fingerprint starts with the
 * same 96 bits costs about 2^96 SHA-1 runs; 80 bits is within reach of a
 * large budget when key packets can be ground cheaply.
 */
#ifndef MULE_WORDS_H
#define MULE_WORDS_H

#include <stddef.h>

#define MULE_WORDS_BYTES 12
/* Enough for the longest words, separated by spaces, and a NUL. */
#define MULE_WORDS_SIZE (MULE_WORDS_BYTES * 12 + 1)

/* Write in BUF the words of the fingerprint FPR (40 hex digits), in lower
 * case, one space apart.  Returns -1 (BUF empty) if FPR is not 40 hex
 * digits. */
int mule_words_of_fpr(const char *fpr, char buf[MULE_WORDS_SIZE]);

/* What a person typed to confirm FPR. */
enum mule_words_answer {
	MULE_WORDS_MATCH,	/* the words, or the whole fingerprint */
	MULE_WORDS_MISMATCH,	/* well-formed, but another key's */
	MULE_WORDS_MALFORMED	/* neither: a word not in the list, a word
				 * count or digit count that is wrong */
};

/* Compare TYPED with FPR.  TYPED may be the MULE_WORDS_BYTES words (in
 * any case, separated by anything that is not a letter) or the full
 * fingerprint (40 hex digits, in any case, with spaces, colons or dashes
 * between them, optionally after "OPENPGP4FPR:" or "0x"). */
enum mule_words_answer mule_words_check(const char *fpr, const char *typed);

/* Write FPR (40 hex digits) in ten groups of four, upper case, with two
 * spaces in the middle as gpg shows it, into BUF (51 bytes). */
void mule_fpr_grouped(const char *fpr, char buf[51]);

#endif
