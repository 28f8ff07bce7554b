/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ask.c - asking the person at the terminal. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/text.h"
#include "key/accept.h"
#include "key/ask.h"
#include "key/keyring.h"
#include "key/list.h"
#include "key/words.h"

/* The longest answer read: twelve long words and some slack. */
#define ANSWER_MAX 512

/* Reads and writes apart: a stream that does both needs a seek between
 * them, which a terminal refuses. */
struct mule_tty {
	FILE *in, *out;
};

gpg_error_t
mule_tty_open(struct mule_tty **t)
{
	gpg_error_t err;
	int fd, fd2;

	*t = NULL;
	if (!isatty(STDERR_FILENO))
		return 0;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	*t = calloc(1, sizeof **t);
	fd2 = *t ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
	if (fd2 >= 0 && ((*t)->in = fdopen(fd, "r")))
		fd = -1;
	if (fd2 >= 0 && fd < 0 && ((*t)->out = fdopen(fd2, "w")))
		return 0;
	err = gpg_error_from_syserror();
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	mule_tty_close(*t);
	*t = NULL;
	return err;
}

void
mule_tty_close(struct mule_tty *t)
{
	if (!t)
		return;
	if (t->in)
		fclose(t->in);
	if (t->out)
		fclose(t->out);
	free(t);
}

static void
show_date(FILE *f, long when)
{
	char day[MULE_KEY_DAY_SIZE];

	mule_key_day(day, when);
	fputs(day, f);
}

/* What the person sees of C before answering: who it says it is and what
 * kind of key it is, never its fingerprint. */
static void
show_candidate(FILE *f, const struct mule_candidate *c)
{
	gpgme_user_id_t u;
	gpgme_subkey_t s = mule_key_encryption_subkey(c->key);
	char *algo, *esc;

	fprintf(f, "A key that is not accepted yet, from %s:\n", c->name);
	for (u = c->key->uids; u; u = u->next) {
		esc = mule_escape(u->uid ? u->uid : "", u->uid ? strlen(u->uid) : 0);
		fprintf(f, "  user ID   %s\n", esc ? esc : "?");
		free(esc);
	}
	algo = gpgme_pubkey_algo_string(c->key->subkeys);
	fprintf(f, "  key       %s, made ", algo ? algo : "?");
	show_date(f, c->key->subkeys->timestamp);
	fputc('\n', f);
	gpgme_free(algo);
	if (s) {
		algo = gpgme_pubkey_algo_string(s);
		fprintf(f, "  encrypts  %s subkey, ", algo ? algo : "?");
		if (s->expires) {
			fputs("expires ", f);
			show_date(f, s->expires);
		} else {
			fputs("does not expire", f);
		}
		fputc('\n', f);
		gpgme_free(algo);
	}
	fprintf(f, "\nOn the machine this key comes from, run \"mule-key "
	    "fingerprint\".\nType the %d words it shows (or its fingerprint), "
	    "then Enter.\n", MULE_WORDS_BYTES);
}

gpg_error_t
mule_ask_fingerprint(void *arg, const struct mule_candidate *c, int attempt,
    char **typed)
{
	struct mule_tty *t = arg;
	char *line;

	*typed = NULL;
	if (!attempt)
		show_candidate(t->out, c);
	else
		fprintf(t->out, "That is neither %d words of the list nor a "
		    "fingerprint of 40 hex digits; again:\n", MULE_WORDS_BYTES);
	fputs("> ", t->out);
	fflush(t->out);
	line = malloc(ANSWER_MAX);
	if (!line)
		return gpg_error_from_syserror();
	if (!fgets(line, ANSWER_MAX, t->in)) {
		free(line);
		return mule_error_set(mule_fail_code(GPG_ERR_CANCELED), NULL,
		    "no answer at the terminal: nothing imported");
	}
	if (!strchr(line, '\n')) {
		/* Longer than any answer: the rest of the line is not the
		 * next answer.  What was read cannot be well formed. */
		int ch;

		while ((ch = getc(t->in)) != EOF && ch != '\n')
			;
		line[0] = '\0';
	}
	line[strcspn(line, "\n")] = '\0';
	*typed = line;
	return 0;
}
