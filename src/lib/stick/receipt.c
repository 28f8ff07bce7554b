/* SPDX-License-Identifier: GPL-3.0-or-later */
/* receipt.c - what a receipt says, and what its recipient learns. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/nameset.h"
#include "core/text.h"
#include "stick/envelope.h"
#include "stick/receipt.h"
#include "stick/sent.h"

#define LINE 33		/* 32 hex digits and a newline */

gpg_error_t
mule_receipt_parse(const char *text, size_t len, size_t *count)
{
	struct mule_nameset seen = { NULL, 0, 0 };
	gpg_error_t err = 0;
	size_t i, n = len / LINE;

	*count = 0;
	if (!len)
		return mule_reject(GPG_ERR_NO_DATA, NULL, "it lists no item");
	if (n > MULE_RECEIPT_MAX_IDS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "it lists more than "
		    "%d items", MULE_RECEIPT_MAX_IDS);
	/* Line by line, so that the message names the first bad one. */
	for (i = 0; !err && i * LINE < len; i++) {
		const char *l = text + i * LINE;
		size_t left = len - i * LINE;

		if (left < LINE || l[LINE - 1] != '\n'
		    || !mule_is_hex(l, LINE - 1, 0))
			err = mule_reject(GPG_ERR_INV_DATA, NULL, "line %zu is "
			    "not an item ID (32 lower-case hex digits)", i + 1);
		else if (mule_nameset_get(&seen, l, LINE - 1) >= 0)
			err = mule_reject(GPG_ERR_DUP_VALUE, NULL, "line %zu "
			    "lists an item a second time", i + 1);
		else
			err = mule_nameset_put(&seen, l, LINE - 1, 1);
	}
	mule_nameset_release(&seen);
	if (!err)
		*count = n;
	return err;
}

/* Open NAME in directory FD for reading, following no symlink, and
 * without waiting on a FIFO. */
static int
open_in(int fd, const char *name, int dir)
{
	return openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC
	    | (dir ? O_DIRECTORY : O_NONBLOCK));
}

/* receipt.txt of the delivered receipt DIR/SENDER/LEAF, into *TEXT
 * (malloc'ed).  The folders are ours, just made: not finding them is an
 * operational error.  A receipt.txt that is missing, not a regular file
 * or too large is a malformed receipt: a rejection. */
static gpg_error_t
read_text(const char *dir, const char *sender, const char *leaf,
    char **text, size_t *len)
{
	struct stat st;
	gpg_error_t err = 0;
	ssize_t got;
	int fd, sfd = -1, lfd = -1, tfd = -1;

	*text = NULL;
	*len = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		sfd = open_in(fd, sender, 1);
	if (sfd >= 0)
		lfd = open_in(sfd, leaf, 1);
	if (lfd < 0) {
		err = mule_error_set(gpg_error_from_syserror(), NULL,
		    "%s/%s/%s: %s", dir, sender, leaf, strerror(errno));
		goto leave;
	}
	tfd = open_in(lfd, MULE_RECEIPT_NAME, 0);
	if (tfd < 0 && errno == ENOENT) {
		err = mule_reject(GPG_ERR_NO_DATA, NULL, "no %s in it",
		    MULE_RECEIPT_NAME);
		goto leave;
	}
	if (tfd < 0 || fstat(tfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = mule_reject(GPG_ERR_NO_DATA, NULL, "its %s is not a "
		    "regular file", MULE_RECEIPT_NAME);
		goto leave;
	}
	if (st.st_size > (off_t)MULE_RECEIPT_MAX_IDS * LINE) {
		err = mule_reject(GPG_ERR_TOO_LARGE, NULL, "it lists more than "
		    "%d items", MULE_RECEIPT_MAX_IDS);
		goto leave;
	}
	if (!(*text = malloc((size_t)st.st_size + 1))) {
		err = gpg_error_from_syserror();
		goto leave;
	}
	/* What is there, whatever its size said. */
	while (*len <= (size_t)st.st_size && (got = read(tfd, *text + *len,
	    (size_t)st.st_size + 1 - *len)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = mule_error_set(gpg_error_from_syserror(), NULL,
			    "%s: %s", MULE_RECEIPT_NAME, strerror(errno));
			break;
		}
		*len += (size_t)got;
		if (*len > (size_t)st.st_size) {
			err = mule_reject(GPG_ERR_TOO_LARGE, NULL, "%s grew "
			    "while it was read", MULE_RECEIPT_NAME);
			break;
		}
	}
leave:
	if (err) {
		free(*text);
		*text = NULL;
	}
	if (tfd >= 0)
		close(tfd);
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	if (fd >= 0)
		close(fd);
	return err;
}

/* The acks for what TEXT lists (COUNT IDs), into the open record S. */
static gpg_error_t
acknowledge(struct mule_sent *s, const char *me,
    const struct mule_envelope *env, const char *text,
    struct mule_receipt_result *res)
{
	const struct mule_sent_item *it;
	struct mule_sent_ack *acks;
	char id[33];
	int64_t now = (int64_t)time(NULL);
	gpg_error_t err;
	size_t i, n = 0;

	acks = calloc(res->listed ? res->listed : 1, sizeof *acks);
	if (!acks)
		return gpg_error_from_syserror();
	for (i = 0; i < res->listed; i++) {
		memcpy(id, text + i * LINE, 32);
		id[32] = '\0';
		it = mule_sent_find(s, me, env->sender, id);
		if (!it)
			res->unknown++;
		else if (it->acked)
			res->already++;
		else {
			memcpy(acks[n].sender, me, 41);
			memcpy(acks[n].recipient, env->sender, 41);
			memcpy(acks[n].id, id, 33);
			memcpy(acks[n].receipt, env->id, 33);
			acks[n].time = now;
			acks[n].receipt_created = env->created > 0 ? env->created
			    : 0;
			n++;
		}
	}
	err = mule_sent_add_acks(s, acks, n);
	if (!err)
		res->acked = n;
	free(acks);
	return err;
}

gpg_error_t
mule_receipt_take(const char *state_dir, const char *me,
    const struct mule_envelope *env, const char *dir, const char *leaf,
    const char *signer_shown, const char *me_shown,
    struct mule_receipt_result *res)
{
	struct mule_receipt_result mine;
	struct mule_error_record why;
	struct mule_sent *s = NULL;
	char *text = NULL, *path = NULL;
	size_t len;
	gpg_error_t err;

	if (!res)
		res = &mine;
	memset(res, 0, sizeof *res);
	err = read_text(dir, env->sender, leaf, &text, &len);
	if (!err)
		err = mule_receipt_parse(text, len, &res->listed);
	if (gpg_err_source(err) == MULE_SOURCE_REJECT) {
		/* Authentic, but of no use: said, and delivered all the same
		 * (its number is taken: moving it aside would leave a gap). */
		mule_error_save(&why);
		mule_warn("receipt %s from %s: %s; nothing acknowledged",
		    env->id, signer_shown ? signer_shown : env->sender,
		    why.msg[0] ? why.msg
		    : gpg_strerror(err));
		mule_error_clear();
		res->malformed = 1;
		res->listed = 0;
		free(text);
		return 0;
	}
	if (!err)
		err = mule_sent_path(state_dir, &path);
	if (!err)
		err = mule_sent_open(&s, path);
	if (!err)
		err = acknowledge(s, me, env, text, res);
	if (!err && res->unknown)
		mule_warn("receipt %s from %s: %zu of the %zu %s it lists %s "
		    "never sent to it by %s, ignored", env->id,
		    signer_shown ? signer_shown : env->sender, res->unknown,
		    res->listed, mule_plural(res->listed, "item", "items"),
		    mule_plural(res->unknown, "was", "were"),
		    me_shown ? me_shown : me);
	mule_sent_close(s);
	free(path);
	free(text);
	return err;
}
