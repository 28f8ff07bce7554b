/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-words.c - a fingerprint as words of the PGP word list, and the
 * answers a person may type. */
#include <config.h>

#include <string.h>

#include "key/words.h"
#include "tap.h"

/* The example of the PGP word list's documentation (Encode::Wordlist::PGP
 * and the list's Wikipedia article): its first twelve words. */
static const char fpr[] = "41559711308F2A21B9D5072D621958AFCB50B5F9";
static const char words[] = "cranky equipment preshrunk babylon chairlift "
    "midsummer brickyard camelot sentence specialist ahead clergyman";

static int
answer_is(const char *typed, enum mule_words_answer want)
{
	enum mule_words_answer got = mule_words_check(fpr, typed);

	if (got != want)
		printf("# '%s': got %d, want %d\n", typed, (int)got, (int)want);
	return got == want;
}

int
main(void)
{
	char buf[MULE_WORDS_SIZE], grouped[51];

	TAP_OK(!mule_words_of_fpr(fpr, buf) && !strcmp(buf, words),
	    "the documented example's words");
	TAP_OK(!mule_words_of_fpr("41559711308f2a21b9d5072d621958afcb50b5f9", buf)
	    && !strcmp(buf, words), "lower-case fingerprint, same words");
	TAP_OK(mule_words_of_fpr("4155", buf) == -1 && !*buf,
	    "a short fingerprint has no words");
	TAP_OK(mule_words_of_fpr("Z1559711308F2A21B9D5072D621958AFCB50B5F9", buf)
	    == -1, "a fingerprint with a non-hex digit has no words");
	TAP_OK(!mule_words_of_fpr("00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF", buf)
	    && !strcmp(buf, "aardvark yucatan aardvark yucatan aardvark "
	    "yucatan aardvark yucatan aardvark yucatan aardvark yucatan"),
	    "the ends of both lists");
	TAP_OK(!mule_words_of_fpr("FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00", buf)
	    && !strcmp(buf, "zulu adroitness zulu adroitness zulu adroitness "
	    "zulu adroitness zulu adroitness zulu adroitness"),
	    "... the other way round");
	/* The longest words of each list, twelve of them, fit. */
	TAP_OK(!mule_words_of_fpr("E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1E1", buf)
	    && strlen(buf) < MULE_WORDS_SIZE, "long words fit the buffer");

	TAP_OK(answer_is(words, MULE_WORDS_MATCH), "the words match");
	TAP_OK(answer_is("Cranky-Equipment-PRESHRUNK babylon\tchairlift,"
	    "midsummer brickyard camelot sentence specialist ahead clergyman\n",
	    MULE_WORDS_MATCH), "case and separators do not matter");
	TAP_OK(answer_is(fpr, MULE_WORDS_MATCH), "the fingerprint matches");
	TAP_OK(answer_is("4155 9711 308f 2a21 b9d5  072d 6219 58af cb50 b5f9",
	    MULE_WORDS_MATCH), "grouped, lower case");
	TAP_OK(answer_is("41:55:97:11:30:8F:2A:21:B9:D5:07:2D:62:19:58:AF:CB:50"
	    ":B5:F9", MULE_WORDS_MATCH), "with colons");
	TAP_OK(answer_is("openpgp4fpr:41559711308F2A21B9D5072D621958AFCB50B5F9",
	    MULE_WORDS_MATCH), "the URI");
	TAP_OK(answer_is("0x41559711308f2a21b9d5072d621958afcb50b5f9",
	    MULE_WORDS_MATCH), "after 0x, as rnp shows it");
	TAP_OK(answer_is("cranky equipment preshrunk babylon chairlift midsummer "
	    "brickyard camelot sentence specialist ahead clergyman flagpole",
	    MULE_WORDS_MALFORMED), "a thirteenth word is malformed");
	TAP_OK(answer_is("cranky equipment preshrunk babylon chairlift midsummer "
	    "brickyard camelot sentence specialist ahead", MULE_WORDS_MALFORMED),
	    "eleven words are malformed");
	TAP_OK(answer_is("equipment cranky preshrunk babylon chairlift midsummer "
	    "brickyard camelot sentence specialist ahead clergyman",
	    MULE_WORDS_MALFORMED), "two words swapped: the wrong list");
	TAP_OK(answer_is("cranky equipment preshrunk babylon chairlift midsummer "
	    "brickyard camelot sentence specialist ahead clergymen",
	    MULE_WORDS_MALFORMED), "a word not in the list");
	TAP_OK(answer_is("cranky equipment preshrunk babylon chairlift midsummer "
	    "brickyard camelot sentence specialist aimless clergyman",
	    MULE_WORDS_MISMATCH), "one word of another key: a mismatch");
	TAP_OK(answer_is("41559711308F2A21B9D5072D621958AFCB50B5F8",
	    MULE_WORDS_MISMATCH), "one digit off: a mismatch");
	TAP_OK(answer_is("41559711308F2A21B9D5072D621958AFCB50B5", MULE_WORDS_MALFORMED),
	    "a short fingerprint is malformed");
	TAP_OK(answer_is("41559711308F2A21B9D5072D621958AFCB50B5F9F9",
	    MULE_WORDS_MALFORMED), "a long fingerprint is malformed");
	TAP_OK(answer_is("CB50B5F9", MULE_WORDS_MALFORMED),
	    "a key ID is not enough");
	TAP_OK(answer_is("", MULE_WORDS_MALFORMED), "nothing is malformed");
	TAP_OK(answer_is("yes", MULE_WORDS_MALFORMED), "yes is malformed");
	TAP_OK(mule_words_check("41", "41") == MULE_WORDS_MISMATCH,
	    "a bad expected fingerprint never matches");

	mule_fpr_grouped(fpr, grouped);
	TAP_OK(!strcmp(grouped, "4155 9711 308F 2A21 B9D5  072D 6219 58AF "
	    "CB50 B5F9"), "ten groups of four, as gpg shows it");
	return tap_done();
}
