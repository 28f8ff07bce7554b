/* SPDX-License-Identifier: GPL-3.0-or-later */
/* forget.c - clear from gpg-agent the passphrases a run added. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "key/agent.h"
#include "key/assuan.h"
#include "key/forget.h"

#define GRIP_LEN 40
#define TIMEOUT_MS 5000		/* per command; CLEAR_PASSPHRASE starts the
				 * pinentry (for its own cache) */
#define BATCH 64		/* keys cleared per listing */
#define PASSES 4		/* listings at most (the last one checks) */

typedef char grip_t[GRIP_LEN + 1];

/* Read by the signal handler: set up before ARMED. */
static struct {
	volatile sig_atomic_t armed;
	pid_t pid;
	struct sockaddr_un addr;
	char *socket;		/* its name, for messages */
	grip_t *before;		/* held when the run began */
	size_t nbefore;
} F;

/* Why clearing failed. */
struct why {
	int rc;			/* mule_assuan_rc, or STILL_HELD */
	unsigned code;
	grip_t grip;		/* "" if the listing failed */
};
#define STILL_HELD 100

/* From the status line "KEYINFO GRIP TYPE SERIALNO IDSTR CACHED ...",
 * GRIP into G; whether CACHED is "1". */
static int
keyinfo_held(const char *line, grip_t g)
{
	const char *p;
	int i;

	if (strncmp(line, "KEYINFO ", 8))
		return 0;
	line += 8;
	for (i = 0; i < GRIP_LEN; i++)
		if (!strchr("0123456789ABCDEFabcdef", line[i]) || !line[i])
			return 0;
	if (line[GRIP_LEN] != ' ')
		return 0;
	memcpy(g, line, GRIP_LEN);
	g[GRIP_LEN] = '\0';
	for (p = line, i = 0; i < 4; i++)
		if (!(p = strchr(p, ' ')) || !*++p)
			return 0;
	return p[0] == '1' && (p[1] == ' ' || !p[1]);
}

static int
held_before(const grip_t g)
{
	size_t i;

	for (i = 0; i < F.nbefore; i++)
		if (!strcmp(F.before[i], g))
			return 1;
	return 0;
}

/* KEYINFO --list at the start: every key held, in F.before. */
struct start {
	gpg_error_t err;
};

static void
note_held(void *arg, const char *line)
{
	struct start *s = arg;
	grip_t g, *grown;

	if (s->err || !keyinfo_held(line, g) || held_before(g))
		return;
	if (!(grown = realloc(F.before, (F.nbefore + 1) * sizeof *grown))) {
		s->err = gpg_error_from_syserror();
		return;
	}
	F.before = grown;
	memcpy(F.before[F.nbefore++], g, sizeof g);
}

/* KEYINFO --list at the end: keys held now and not before. */
struct pass {
	grip_t grips[BATCH];
	size_t n;
};

static void
note_added(void *arg, const char *line)
{
	struct pass *p = arg;
	grip_t g;

	if (p->n < BATCH && keyinfo_held(line, g) && !held_before(g))
		memcpy(p->grips[p->n++], g, sizeof g);
}

/* Clear every passphrase held now that was not at the start, until a
 * listing shows none.  Async-signal-safe.  Returns 0, or -1 with *W:
 * the listing failed, a key was not cleared (the first failure), or a
 * key is still held after PASSES listings. */
static int
forget_now(struct why *w)
{
	static const char clear[] = "CLEAR_PASSPHRASE --mode=normal ";
	char cmd[sizeof clear + GRIP_LEN];
	struct pass p;
	size_t i;
	int pass, rc, failed = 0;
	unsigned code;

	for (pass = 0; pass < PASSES; pass++) {
		p.n = 0;
		rc = mule_assuan_command(&F.addr, "KEYINFO --list", TIMEOUT_MS,
		    note_added, &p, &code);
		if (rc == MULE_ASSUAN_NO_AGENT || (!rc && !p.n))
			return 0;	/* none is held */
		if (rc) {
			w->rc = rc;
			w->code = code;
			w->grip[0] = '\0';
			return -1;
		}
		if (failed)
			return -1;
		if (pass == PASSES - 1)
			break;
		for (i = 0; i < p.n; i++) {
			memcpy(cmd, clear, sizeof clear - 1);
			memcpy(cmd + sizeof clear - 1, p.grips[i], GRIP_LEN + 1);
			rc = mule_assuan_command(&F.addr, cmd, TIMEOUT_MS, NULL,
			    NULL, &code);
			if (rc && !failed) {
				failed = 1;
				w->rc = rc;
				w->code = code;
				memcpy(w->grip, p.grips[i], sizeof w->grip);
			}
			if (rc && rc != MULE_ASSUAN_ERR)
				break;	/* the agent is gone or stuck */
		}
	}
	w->rc = STILL_HELD;
	w->code = 0;
	memcpy(w->grip, p.grips[0], sizeof w->grip);
	return -1;
}

static void
forget_on_signal(void)
{
	struct why w;

	if (F.armed && F.pid == getpid()) {
		(void)forget_now(&w);
		F.armed = 0;
	}
}

static void
forget_at_exit(void)
{
	(void)mule_forget_finish();
}

/* The message for a failure W. */
static const char *
what(const struct why *w)
{
	switch (w->rc) {
	case MULE_ASSUAN_ERR:
		return gpg_strerror(w->code);
	case MULE_ASSUAN_TIMEOUT:
		return "no answer in 5 seconds";
	case MULE_ASSUAN_IO:
		return strerror((int)w->code);
	case STILL_HELD:
		return "it still holds it";
	default:
		return "an answer mule cannot read";
	}
}

gpg_error_t
mule_forget_start(const char *homedir)
{
	static int once;
	struct start s = { 0 };
	struct stat st;
	gpg_error_t err;
	unsigned code;
	int rc;

	if ((err = mule_agent_socket(homedir, &F.socket)))
		return err;
	if (mule_assuan_addr(&F.addr, F.socket))
		return mule_error_set(mule_fail_code(GPG_ERR_ENAMETOOLONG),
		    NULL, "gpg-agent's socket %s: the name is too long",
		    F.socket);
	if (!lstat(F.socket, &st) && !S_ISSOCK(st.st_mode))
		return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
		    NULL, "%s is not gpg-agent's socket (a redirection?): "
		    "--forget-passphrase cannot reach the agent", F.socket);
	rc = mule_assuan_command(&F.addr, "KEYINFO --list", TIMEOUT_MS,
	    note_held, &s, &code);
	if (s.err)
		return mule_error_set(s.err, NULL, "%s", gpg_strerror(s.err));
	if (rc && rc != MULE_ASSUAN_NO_AGENT) {
		struct why w = { .rc = rc, .code = code };

		return mule_error_set(mule_fail_code(GPG_ERR_NO_AGENT),
		    NULL, "asking gpg-agent at %s which passphrases it "
		    "holds: %s", F.socket, what(&w));
	}
	F.pid = getpid();
	atomic_signal_fence(memory_order_seq_cst);
	F.armed = 1;
	mule_cleanup_on_signal(forget_on_signal);
	if (!once++)
		atexit(forget_at_exit);
	return 0;
}

gpg_error_t
mule_forget_finish(void)
{
	sigset_t all, old;
	struct why w;
	int rc;

	if (!F.armed || F.pid != getpid())
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = forget_now(&w);
	F.armed = 0;
	mule_cleanup_on_signal(NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!rc)
		return 0;
	if (!w.grip[0])
		return mule_error_set(mule_fail_code(GPG_ERR_NO_AGENT),
		    "gpgconf --reload gpg-agent forgets every passphrase",
		    "asking gpg-agent at %s which passphrases it holds: %s",
		    F.socket, what(&w));
	return mule_error_set(mule_fail_code(GPG_ERR_NO_AGENT),
	    "gpgconf --reload gpg-agent forgets every passphrase",
	    "gpg-agent at %s did not forget the passphrase of the key with "
	    "keygrip %s: %s", F.socket, w.grip, what(&w));
}
