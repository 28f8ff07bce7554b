/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bytewords.c - the 256 bytewords, minimal and full. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"
#include "qr/bytewords.h"
#include "qr/crc32.h"

/* The list of BCR-2020-012, as in BlockchainCommons/bc-ur src/bytewords.cpp
 * (BSD-2-Clause-Patent): word i is the four letters at 4 * i. */
static const char words[1024 + 1] =
	"ableacidalsoapexaquaarchatomauntawayaxisbackbaldbarnbeltbetabias"
	"bluebodybragbrewbulbbuzzcalmcashcatschefcityclawcodecolacookcost"
	"cruxcurlcuspcyandarkdatadaysdelidicedietdoordowndrawdropdrumdull"
	"dutyeacheasyechoedgeepicevenexamexiteyesfactfairfernfigsfilmfish"
	"fizzflapflewfluxfoxyfreefrogfuelfundgalagamegeargemsgiftgirlglow"
	"goodgraygrimgurugushgyrohalfhanghardhawkheathelphighhillholyhope"
	"hornhutsicedideaidleinchinkyintoirisironitemjadejazzjoinjoltjowl"
	"judojugsjumpjunkjurykeepkenokeptkeyskickkilnkingkitekiwiknoblamb"
	"lavalazyleaflegsliarlimplionlistlogoloudloveluaulucklungmainmany"
	"mathmazememomenumeowmildmintmissmonknailnavyneednewsnextnoonnote"
	"numbobeyoboeomitonyxopenovalowlspaidpartpeckplaypluspoempoolpose"
	"puffpumapurrquadquizraceramprealredorichroadrockroofrubyruinruns"
	"rustsafesagascarsetssilkskewslotsoapsolosongstubsurfswantacotask"
	"taxitenttiedtimetinytoiltombtoystriptunatwinuglyundouniturgeuser"
	"vastveryvetovialvibeviewvisavoidvowswallwandwarmwaspwavewaxywebs"
	"whatwhenwhizwolfworkyankyawnyellyogayurtzapszerozestzinczonezoom";

/* lower(c) for an ASCII letter, else 0: never the locale's idea. */
static int
letter(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	if (c >= 'a' && c <= 'z')
		return c;
	return 0;
}

/* The byte whose word has FIRST and LAST letters (lower case), or -1.
 * The list is in alphabetical order and the first and last letters of
 * its words are distinct pairs: a binary search finds the first word
 * with FIRST, a few steps the one with LAST.  No table, so nothing to
 * initialise and share between threads. */
static int
byte_of(int first, int last)
{
	int lo = 0, hi = 256, mid;

	if (!first || !last)
		return -1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (words[4 * mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < 256 && words[4 * lo] == first; lo++)
		if (words[4 * lo + 3] == last)
			return lo;
	return -1;
}

size_t
mule_bytewords_encoded_len(enum mule_bytewords_style style, size_t n)
{
	n += 4;
	return style == MULE_BYTEWORDS_MINIMAL ? 2 * n : 5 * n - 1;
}

static char *
put_word(char *o, unsigned b, enum mule_bytewords_style style, int upper)
{
	const char *w = words + 4 * b;
	int i, up = upper ? 'a' - 'A' : 0;

	if (style == MULE_BYTEWORDS_MINIMAL) {
		*o++ = (char)(w[0] - up);
		*o++ = (char)(w[3] - up);
		return o;
	}
	for (i = 0; i < 4; i++)
		*o++ = (char)(w[i] - up);
	return o;
}

size_t
mule_bytewords_encode(enum mule_bytewords_style style, const void *p,
    size_t n, int upper, char *out)
{
	const unsigned char *b = p;
	unsigned char crc[4];
	char *o = out;
	size_t i;
	char sep = style == MULE_BYTEWORDS_URI ? '-' : ' ';

	mule_put_be32(crc, mule_crc32(p, n));
	for (i = 0; i < n + 4; i++) {
		if (i && style != MULE_BYTEWORDS_MINIMAL)
			*o++ = sep;
		o = put_word(o, i < n ? b[i] : crc[i - n], style, upper);
	}
	*o = '\0';
	return (size_t)(o - out);
}

/* The byte of the word at S in STYLE (SLEN >= 2, or 4 in a full style),
 * or -1. */
static int
word_at(enum mule_bytewords_style style, const char *s)
{
	int b;

	if (style == MULE_BYTEWORDS_MINIMAL)
		return byte_of(letter(s[0]), letter(s[1]));
	if ((b = byte_of(letter(s[0]), letter(s[3]))) < 0 ||
	    letter(s[1]) != words[4 * b + 1] ||
	    letter(s[2]) != words[4 * b + 2])
		return -1;
	return b;
}

gpg_error_t
mule_bytewords_decode(enum mule_bytewords_style style, const char *s,
    size_t slen, unsigned char **r_buf, size_t *r_len)
{
	gpg_error_t err = 0;
	unsigned char *buf = NULL;
	size_t n, i, step = style == MULE_BYTEWORDS_MINIMAL ? 2 : 5;
	char sep = style == MULE_BYTEWORDS_URI ? '-' : ' ';
	int b;

	*r_buf = NULL;
	*r_len = 0;
	/* Full styles: words of four and a separator between them. */
	if (style == MULE_BYTEWORDS_MINIMAL ? slen % 2 != 0 :
	    (slen + 1) % 5 != 0) {
		err = mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "bytewords: length %zu is not a whole number of words",
		    slen);
		goto leave;
	}
	n = style == MULE_BYTEWORDS_MINIMAL ? slen / 2 : (slen + 1) / 5;
	if (n < 5) {
		err = mule_reject(GPG_ERR_TOO_SHORT, NULL,
		    "bytewords: %zu words, fewer than a byte and its checksum",
		    n);
		goto leave;
	}
	if ((buf = malloc(n)) == NULL) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	for (i = 0; i < n; i++) {
		if ((b = word_at(style, s + i * step)) < 0 ||
		    (step == 5 && i + 1 < n && s[i * step + 4] != sep)) {
			err = mule_reject(GPG_ERR_BAD_DATA, NULL,
			    "bytewords: word %zu is not a byteword", i + 1);
			goto leave;
		}
		buf[i] = (unsigned char)b;
	}
	if (mule_crc32(buf, n - 4) != mule_get_be32(buf + n - 4)) {
		err = mule_reject(GPG_ERR_CHECKSUM, NULL,
		    "bytewords: checksum mismatch");
		goto leave;
	}
	*r_buf = buf;
	*r_len = n - 4;
	buf = NULL;
leave:
	free(buf);
	return err;
}
