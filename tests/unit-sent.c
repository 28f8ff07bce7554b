/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-sent.c - the sender's record (stick/sent) and receipt.txt
 * (stick/receipt): the strict line forms, queued then put, the first ack
 * counting, a name of any bytes written and read back, the receipt lists
 * accepted and refused, and a receipt taken in: only what was sent to
 * its signer, never through a symlink. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "stick/envelope.h"
#include "stick/receipt.h"
#include "stick/sent.h"
#include "tap.h"

#define A "21E0ADD9D0F1E3A93FFAE594497A4AA3DA2E4557"
#define B "4C5778D47D07D6F50FA4C1099BDC451AF915BF07"
#define I1 "5774ed8d9fb6bb65ca101f8c3a500368"
#define I2 "c70b2314d442614f7a105f6deedfb0ab"
#define RID "90f5c3fa5cf1d4a5f3018376a27d4407"
#define C "c84bd520ad36c413d7aabb386681b52e637a75f29abe23ba139ef7486f7541e3"
#define ITEM(word, id, t, name) word " " A " " B " " id " " C " files " t \
	" 12 " name "\n"

/* Is TEXT a record?  With S, it is kept for the caller to close. */
static int
parses(const char *text, struct mule_sent **s)
{
	struct mule_sent *tmp = NULL;
	int ok = !mule_sent_parse(&tmp, "unit", text, strlen(text));

	mule_error_clear();
	if (s)
		*s = tmp;
	else
		mule_sent_close(tmp);
	return ok;
}

static void
lines(void)
{
	TAP_OK(parses(ITEM("put", I1, "1", "a") ITEM("queued", I2, "0", "-")
	    "ack " A " " B " " I1 " 5 " RID " 4\n", NULL),
	    "put, queued and ack lines are records");
	TAP_OK(parses("", NULL), "an empty record is one");
	TAP_OK(!parses(ITEM("put", I1, "01", "a"), NULL),
	    "a time with a leading zero is refused");
	TAP_OK(!parses(ITEM("put", I1, "9223372036854775808", "a"), NULL),
	    "a time beyond 64 bits signed is refused");
	TAP_OK(!parses(ITEM("put", I1, "-1", "a"), NULL),
	    "a negative time is refused");
	TAP_OK(!parses(ITEM("put", I1, "1", "%41"), NULL),
	    "a byte encoded that needs no encoding is refused (one form only)");
	TAP_OK(!parses(ITEM("put", I1, "1", "%0a"), NULL),
	    "lower-case %%xx is refused");
	TAP_OK(!parses(ITEM("put", I1, "1", "a%00b"), NULL),
	    "%%00 is refused");
	TAP_OK(!parses(ITEM("put", I1, "1", "a%"), NULL),
	    "a %% at the end is refused");
	TAP_OK(!parses(ITEM("put", I1, "1", "caf\xc3\xa9"), NULL),
	    "a raw byte above ~ is refused");
	TAP_OK(!parses(ITEM("put", I1, "1", "a b"), NULL),
	    "a tenth field is refused");
	TAP_OK(!parses("put " A " " B " " I1 " " C " Files 1 12 a\n", NULL),
	    "a kind not in lower-case letters is refused");
	TAP_OK(!parses("put " A " " B " " I1 " " C " files 1 12 a \n", NULL),
	    "a space at the end is refused");
	TAP_OK(!parses("ack " A " " B " " I1 " 5 " RID "\n", NULL),
	    "an ack without the receipt's time is refused");
	TAP_OK(!parses("sent " A " " B " " I1 " " C " files 1 12 a\n", NULL),
	    "an unknown word is refused");
}

static void
states(void)
{
	const struct mule_sent_item *it;
	struct mule_sent *s = NULL;

	TAP_OK(parses(ITEM("queued", I1, "100", "first")
	    ITEM("put", I1, "200", "second") ITEM("put", I1, "300", "third")
	    "ack " A " " B " " I1 " 400 " RID " 350\n"
	    "ack " A " " B " " I1 " 500 " I2 " 450\n"
	    "ack " A " " B " " I2 " 600 " RID " 550\n"
	    ITEM("put", I2, "700", "x") "put " A " " B " " I1, &s),
	    "queued, put twice, two acks, an ack before its item, a torn line");
	it = s ? mule_sent_find(s, A, B, I1) : NULL;
	TAP_OK(s && mule_sent_count(s) == 2 && it && it->state == MULE_SENT_PUT
	    && it->queued == 100 && it->put == 200
	    && !strcmp(it->name, "first"),
	    "queued then put: one item, put at the first put, its first name");
	TAP_OK(it && it->acked && it->ack_time == 400
	    && it->receipt_created == 350 && !strcmp(it->receipt, RID),
	    "the first ack counts");
	it = s ? mule_sent_find(s, A, B, I2) : NULL;
	TAP_OK(it && !it->acked, "an ack before its item is no ack of it");
	TAP_OK(s && !mule_sent_find(s, B, A, I1),
	    "an item is found by sender, recipient and ID, in that order");
	if (s) {
		struct mule_sent_item one = *mule_sent_get(s, 0);

		TAP_OK(gpg_err_code(mule_sent_add(s, &one, 1))
		    == GPG_ERR_NOT_SUPPORTED && mule_sent_count(s) == 2,
		    "a parsed record, which has no file, takes nothing");
	}
	mule_sent_close(s);
	mule_error_clear();
}

static void
file(void)
{
	static const char odd[] = "a b%c\n\x01\xff~!";
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	struct mule_sent_item it;
	struct mule_sent *s = NULL;
	const struct mule_sent_item *got;
	struct stat st;
	off_t size = -1;
	FILE *f;
	char line[256];
	int ok;

	snprintf(dir, sizeof dir, "%s/unit-sent.XXXXXX", tmp && *tmp == '/'
	    ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		TAP_OK(0, "a scratch directory");
		return;
	}
	snprintf(path, sizeof path, "%s/sent", dir);
	memset(&it, 0, sizeof it);
	memcpy(it.sender, A, 41);
	memcpy(it.recipient, B, 41);
	memcpy(it.id, I1, 33);
	memcpy(it.cid, C, 65);
	snprintf(it.kind, sizeof it.kind, "files");
	it.size = 12;
	it.name = odd;
	it.state = MULE_SENT_PUT;
	it.put = 1796549503;
	ok = !mule_sent_record(dir, &it, 1);
	TAP_OK(ok && !stat(path, &st) && (st.st_mode & 0777) == 0600,
	    "mule_sent_record makes DIR/sent, mode 0600");
	f = fopen(path, "r");
	TAP_OK(f && fgets(line, sizeof line, f) && !strcmp(line,
	    "put " A " " B " " I1 " " C " files 1796549503 12 "
	    "a%20b%25c%0A%01%FF~!\n") && !fgets(line, sizeof line, f),
	    "one line, the name percent-encoded");
	if (f)
		fclose(f);
	if (!stat(path, &st))
		size = st.st_size;
	ok = !mule_sent_open(&s, path);
	got = ok ? mule_sent_find(s, A, B, I1) : NULL;
	TAP_OK(got && !strcmp(got->name, odd) && got->size == 12,
	    "read back, the name is the bytes written");
	it.id[0] = 'X';
	TAP_OK(s && mule_sent_add(s, &it, 1) && !stat(path, &st)
	    && st.st_size == size, "an item with a bad ID is refused, nothing "
	    "written");
	mule_sent_close(s);
	mule_error_clear();
	unlink(path);
	rmdir(dir);
}

static int
receipt_ok(const char *text)
{
	size_t n;
	gpg_error_t err = mule_receipt_parse(text, strlen(text), &n);

	mule_error_clear();
	return err ? -(gpg_err_source(err) != MULE_SOURCE_REJECT) : (int)n;
}

static void
receipts(void)
{
	TAP_OK(receipt_ok(I1 "\n" I2 "\n") == 2, "two IDs");
	TAP_OK(receipt_ok("") == 0, "none is refused");
	TAP_OK(receipt_ok(I1 "\n" I1 "\n") == 0, "an ID twice is refused");
	TAP_OK(receipt_ok(I1) == 0, "a line without its newline is refused");
	TAP_OK(receipt_ok(I1 "\r\n") == 0, "CRLF is refused");
	TAP_OK(receipt_ok("5774ED8D9FB6BB65CA101F8C3A500368\n") == 0,
	    "upper-case hex is refused");
	TAP_OK(receipt_ok(I1 "\n\n") == 0, "an empty line is refused");
}

/* A receipt from B to A delivered into DIR/B/LEAF, listing TEXT (NULL:
 * receipt.txt a symlink to a file that lists I1), taken into the record
 * in DIR; RES says what it did. */
static gpg_error_t
take(const char *dir, const char *text, struct mule_receipt_result *res)
{
	struct mule_envelope env;
	char path[700];
	gpg_error_t err;
	FILE *f;

	memset(&env, 0, sizeof env);
	memcpy(env.id, RID, 33);
	memcpy(env.sender, B, 41);
	env.kind = MULE_ITEM_RECEIPT;
	env.created = 42;
	snprintf(path, sizeof path, "%s/" B, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/" B "/leaf", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/" B "/leaf/receipt.txt", dir);
	unlink(path);
	if (text && (f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	} else if (!text) {
		snprintf(path, sizeof path, "%s/" B "/leaf/ids", dir);
		if ((f = fopen(path, "w"))) {
			fputs(I1 "\n", f);
			fclose(f);
		}
		snprintf(path, sizeof path, "%s/" B "/leaf/receipt.txt", dir);
		if (symlink("ids", path) < 0)
			return gpg_error_from_syserror();
	}
	err = mule_receipt_take(dir, A, &env, dir, "leaf", NULL, NULL, res);
	mule_error_clear();
	return err;
}

static void
taking(void)
{
	const char *tmp = getenv("TMPDIR");
	struct mule_receipt_result res;
	struct mule_sent_item it[2];
	struct mule_sent *s = NULL;
	const struct mule_sent_item *got;
	char dir[512], path[700];
	gpg_error_t err;
	int fd;

	snprintf(dir, sizeof dir, "%s/unit-sent.XXXXXX", tmp && *tmp == '/'
	    ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		TAP_OK(0, "a scratch directory");
		return;
	}
	memset(it, 0, sizeof it);
	memcpy(it[0].sender, A, 41);
	memcpy(it[0].recipient, B, 41);
	memcpy(it[0].id, I1, 33);
	memcpy(it[0].cid, C, 65);
	snprintf(it[0].kind, sizeof it[0].kind, "files");
	it[0].name = "one";
	it[0].state = MULE_SENT_PUT;
	it[0].put = 7;
	it[1] = it[0];
	memcpy(it[1].recipient, A, 41);	/* I2 went to someone else */
	memcpy(it[1].id, I2, 33);
	err = mule_sent_record(dir, it, 2);
	TAP_OK(!err, "two items recorded");
	err = take(dir, NULL, &res);
	TAP_OK(!err && res.malformed && !res.acked,
	    "receipt.txt a symlink: not followed, nothing acknowledged");
	err = take(dir, I1 "\n" I2 "\n" RID "\n", &res);
	TAP_OK(!err && !res.malformed && res.listed == 3 && res.acked == 1
	    && res.unknown == 2, "only the item sent to the receipt's signer is "
	    "acknowledged, the others counted");
	err = take(dir, I1 "\n", &res);
	TAP_OK(!err && res.already == 1 && !res.acked,
	    "a receipt again: acknowledged before");
	snprintf(path, sizeof path, "%s/sent", dir);
	got = NULL;
	if (!mule_sent_open(&s, path))
		got = mule_sent_find(s, A, B, I1);
	TAP_OK(got && got->acked && got->receipt_created == 42
	    && !strcmp(got->receipt, RID) && (got = mule_sent_find(s, A, A,
	    I2)) && !got->acked,
	    "the record has the ack, with the receipt and its time");
	mule_sent_close(s);
	/* A record that is not one: an operational error, not a warning. */
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd >= 0) {
		(void)!write(fd, "junk\n", 5);
		close(fd);
	}
	err = take(dir, I1 "\n", &res);
	TAP_OK(err && gpg_err_source(err) != MULE_SOURCE_REJECT,
	    "a corrupt record stops the taking in (exit 2)");
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	(void)!system(path);
}

int
main(void)
{
	lines();
	states();
	file();
	receipts();
	taking();
	return tap_done();
}
