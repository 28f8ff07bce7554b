/* SPDX-License-Identifier: GPL-3.0-or-later */
/* words.c - the PGP word list, and checking what a person typed. */
#include <config.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "key/words.h"

/* The PGP word list: the two-syllable words (even positions) and the
 * three-syllable words (odd positions), by byte value. */
static const char *const even_words[256] = {
	"aardvark", "absurd", "accrue", "acme", "adrift", "adult", "afflict",
	"ahead", "aimless", "algol", "allow", "alone", "ammo", "ancient",
	"apple", "artist", "assume", "athens", "atlas", "aztec", "baboon",
	"backfield", "backward", "banjo", "beaming", "bedlamp", "beehive",
	"beeswax", "befriend", "belfast", "berserk", "billiard", "bison",
	"blackjack", "blockade", "blowtorch", "bluebird", "bombast",
	"bookshelf", "brackish", "breadline", "breakup", "brickyard",
	"briefcase", "burbank", "button", "buzzard", "cement", "chairlift",
	"chatter", "checkup", "chisel", "choking", "chopper", "christmas",
	"clamshell", "classic", "classroom", "cleanup", "clockwork", "cobra",
	"commence", "concert", "cowbell", "crackdown", "cranky", "crowfoot",
	"crucial", "crumpled", "crusade", "cubic", "dashboard", "deadbolt",
	"deckhand", "dogsled", "dragnet", "drainage", "dreadful", "drifter",
	"dropper", "drumbeat", "drunken", "dupont", "dwelling", "eating",
	"edict", "egghead", "eightball", "endorse", "endow", "enlist",
	"erase", "escape", "exceed", "eyeglass", "eyetooth", "facial",
	"fallout", "flagpole", "flatfoot", "flytrap", "fracture",
	"framework", "freedom", "frighten", "gazelle", "geiger", "glitter",
	"glucose", "goggles", "goldfish", "gremlin", "guidance", "hamlet",
	"highchair", "hockey", "indoors", "indulge", "inverse", "involve",
	"island", "jawbone", "keyboard", "kickoff", "kiwi", "klaxon",
	"locale", "lockup", "merit", "minnow", "miser", "mohawk", "mural",
	"music", "necklace", "neptune", "newborn", "nightbird", "oakland",
	"obtuse", "offload", "optic", "orca", "payday", "peachy", "pheasant",
	"physique", "playhouse", "pluto", "preclude", "prefer", "preshrunk",
	"printer", "prowler", "pupil", "puppy", "python", "quadrant",
	"quiver", "quota", "ragtime", "ratchet", "rebirth", "reform",
	"regain", "reindeer", "rematch", "repay", "retouch", "revenge",
	"reward", "rhythm", "ribcage", "ringbolt", "robust", "rocker",
	"ruffled", "sailboat", "sawdust", "scallion", "scenic", "scorecard",
	"scotland", "seabird", "select", "sentence", "shadow", "shamrock",
	"showgirl", "skullcap", "skydive", "slingshot", "slowdown",
	"snapline", "snapshot", "snowcap", "snowslide", "solo", "southward",
	"soybean", "spaniel", "spearhead", "spellbind", "spheroid", "spigot",
	"spindle", "spyglass", "stagehand", "stagnate", "stairway",
	"standard", "stapler", "steamship", "sterling", "stockman",
	"stopwatch", "stormy", "sugar", "surmount", "suspense", "sweatband",
	"swelter", "tactics", "talon", "tapeworm", "tempest", "tiger",
	"tissue", "tonic", "topmost", "tracker", "transit", "trauma",
	"treadmill", "trojan", "trouble", "tumor", "tunnel", "tycoon",
	"uncut", "unearth", "unwind", "uproot", "upset", "upshot", "vapor",
	"village", "virus", "vulcan", "waffle", "wallet", "watchword",
	"wayside", "willow", "woodlark", "zulu",
};

static const char *const odd_words[256] = {
	"adroitness", "adviser", "aftermath", "aggregate", "alkali",
	"almighty", "amulet", "amusement", "antenna", "applicant", "apollo",
	"armistice", "article", "asteroid", "atlantic", "atmosphere",
	"autopsy", "babylon", "backwater", "barbecue", "belowground",
	"bifocals", "bodyguard", "bookseller", "borderline", "bottomless",
	"bradbury", "bravado", "brazilian", "breakaway", "burlington",
	"businessman", "butterfat", "camelot", "candidate", "cannonball",
	"capricorn", "caravan", "caretaker", "celebrate", "cellulose",
	"certify", "chambermaid", "cherokee", "chicago", "clergyman",
	"coherence", "combustion", "commando", "company", "component",
	"concurrent", "confidence", "conformist", "congregate", "consensus",
	"consulting", "corporate", "corrosion", "councilman", "crossover",
	"crucifix", "cumbersome", "customer", "dakota", "decadence",
	"december", "decimal", "designing", "detector", "detergent",
	"determine", "dictator", "dinosaur", "direction", "disable",
	"disbelief", "disruptive", "distortion", "document", "embezzle",
	"enchanting", "enrollment", "enterprise", "equation", "equipment",
	"escapade", "eskimo", "everyday", "examine", "existence", "exodus",
	"fascinate", "filament", "finicky", "forever", "fortitude",
	"frequency", "gadgetry", "galveston", "getaway", "glossary",
	"gossamer", "graduate", "gravity", "guitarist", "hamburger",
	"hamilton", "handiwork", "hazardous", "headwaters", "hemisphere",
	"hesitate", "hideaway", "holiness", "hurricane", "hydraulic",
	"impartial", "impetus", "inception", "indigo", "inertia", "infancy",
	"inferno", "informant", "insincere", "insurgent", "integrate",
	"intention", "inventive", "istanbul", "jamaica", "jupiter",
	"leprosy", "letterhead", "liberty", "maritime", "matchmaker",
	"maverick", "medusa", "megaton", "microscope", "microwave",
	"midsummer", "millionaire", "miracle", "misnomer", "molasses",
	"molecule", "montana", "monument", "mosquito", "narrative", "nebula",
	"newsletter", "norwegian", "october", "ohio", "onlooker", "opulent",
	"orlando", "outfielder", "pacific", "pandemic", "pandora",
	"paperweight", "paragon", "paragraph", "paramount", "passenger",
	"pedigree", "pegasus", "penetrate", "perceptive", "performance",
	"pharmacy", "phonetic", "photograph", "pioneer", "pocketful",
	"politeness", "positive", "potato", "processor", "provincial",
	"proximate", "puberty", "publisher", "pyramid", "quantity",
	"racketeer", "rebellion", "recipe", "recover", "repellent",
	"replica", "reproduce", "resistor", "responsive", "retraction",
	"retrieval", "retrospect", "revenue", "revival", "revolver",
	"sandalwood", "sardonic", "saturday", "savagery", "scavenger",
	"sensation", "sociable", "souvenir", "specialist", "speculate",
	"stethoscope", "stupendous", "supportive", "surrender", "suspicious",
	"sympathy", "tambourine", "telephone", "therapist", "tobacco",
	"tolerance", "tomorrow", "torpedo", "tradition", "travesty",
	"trombonist", "truncated", "typewriter", "ultimate", "undaunted",
	"underfoot", "unicorn", "unify", "universe", "unravel", "upcoming",
	"vacancy", "vagabond", "vertigo", "virginia", "visitor", "vocalist",
	"voyager", "warranty", "waterloo", "whimsical", "wichita",
	"wilmington", "wyoming", "yesteryear", "yucatan",
};

/* The byte at index I of FPR (40 hex digits), or -1. */
static int
fpr_byte(const char *fpr, size_t i)
{
	int hi = mule_hexval((unsigned char)fpr[2 * i]);
	int lo = hi < 0 ? -1 : mule_hexval((unsigned char)fpr[2 * i + 1]);

	return lo < 0 ? -1 : hi << 4 | lo;
}

static int
is_fpr(const char *fpr)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (mule_hexval((unsigned char)fpr[i]) < 0)
			return 0;
	return fpr[40] == '\0';
}

int
mule_words_of_fpr(const char *fpr, char buf[MULE_WORDS_SIZE])
{
	const char *w;
	size_t i, len = 0;

	buf[0] = '\0';
	if (!is_fpr(fpr))
		return -1;
	for (i = 0; i < MULE_WORDS_BYTES; i++) {
		w = (i % 2 ? odd_words : even_words)[fpr_byte(fpr, i)];
		if (i)
			buf[len++] = ' ';
		memcpy(buf + len, w, strlen(w));
		len += strlen(w);
	}
	buf[len] = '\0';
	return 0;
}

/* The value of WORD (LEN letters, lower case) in LIST, or -1. */
static int
word_value(const char *const list[256], const char *word, size_t len)
{
	int v;

	for (v = 0; v < 256; v++)
		if (strlen(list[v]) == len && !memcmp(list[v], word, len))
			return v;
	return -1;
}

/* TYPED as words: MATCH, MISMATCH or MALFORMED. */
static enum mule_words_answer
check_words(const char *fpr, const char *typed)
{
	char word[16];
	size_t n = 0, len;
	int mismatch = 0, v;

	while (*typed) {
		if (!isalpha((unsigned char)*typed)) {
			typed++;
			continue;
		}
		for (len = 0; isalpha((unsigned char)typed[len]); len++)
			if (len < sizeof word)
				word[len] = (char)tolower((unsigned char)typed[len]);
		typed += len;
		if (len >= sizeof word || n == MULE_WORDS_BYTES)
			return MULE_WORDS_MALFORMED;
		v = word_value(n % 2 ? odd_words : even_words, word, len);
		if (v < 0)
			return MULE_WORDS_MALFORMED;
		mismatch |= v != fpr_byte(fpr, n);
		n++;
	}
	if (n != MULE_WORDS_BYTES)
		return MULE_WORDS_MALFORMED;
	return mismatch ? MULE_WORDS_MISMATCH : MULE_WORDS_MATCH;
}

/* TYPED as a fingerprint: MATCH, MISMATCH or MALFORMED. */
static enum mule_words_answer
check_hex(const char *fpr, const char *typed)
{
	size_t n = 0;
	int mismatch = 0;

	if (!strncasecmp(typed, "openpgp4fpr:", 12))
		typed += 12;
	else if (typed[0] == '0' && (typed[1] == 'x' || typed[1] == 'X'))
		typed += 2;
	for (; *typed; typed++) {
		if (strchr(" \t:-", *typed))
			continue;
		if (mule_hexval((unsigned char)*typed) < 0 || n == 40)
			return MULE_WORDS_MALFORMED;
		mismatch |= toupper((unsigned char)*typed)
		    != toupper((unsigned char)fpr[n]);
		n++;
	}
	if (n != 40)
		return MULE_WORDS_MALFORMED;
	return mismatch ? MULE_WORDS_MISMATCH : MULE_WORDS_MATCH;
}

enum mule_words_answer
mule_words_check(const char *fpr, const char *typed)
{
	const char *p;

	if (!is_fpr(fpr))
		return MULE_WORDS_MISMATCH;
	while (isspace((unsigned char)*typed))
		typed++;
	/* Words have letters beyond 'f' (every word of the list does). */
	for (p = typed; *p; p++)
		if (isalpha((unsigned char)*p) && tolower((unsigned char)*p) > 'f')
			break;
	if (*p && strncasecmp(typed, "openpgp4fpr:", 12)
	    && strncasecmp(typed, "0x", 2))
		return check_words(fpr, typed);
	return check_hex(fpr, typed);
}

void
mule_fpr_grouped(const char *fpr, char buf[51])
{
	size_t i, len = 0;

	for (i = 0; i < 40 && fpr[i]; i++) {
		if (i && i % 4 == 0)
			buf[len++] = ' ';
		if (i == 20)
			buf[len++] = ' ';
		buf[len++] = (char)toupper((unsigned char)fpr[i]);
	}
	buf[len] = '\0';
}
