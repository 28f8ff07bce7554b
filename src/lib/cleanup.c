/* cleanup.c - remove our temporaries on exit paths and caught signals. */
#include <config.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "cleanup.h"

#define MAX_SLOTS 16

struct slot {
	volatile sig_atomic_t used;
	int is_dir;
	char path[PATH_MAX];
};

static struct slot slots[MAX_SLOTS];

/* Files gpg creates in a home that holds only imported public keys. */
static const char *const home_files[] = {
	"pubring.kbx", "pubring.kbx~", "pubring.kbx.lock", "trustdb.gpg",
	"trustdb.gpg.lock", "S.gpg-agent", "S.gpg-agent.browser",
	"S.gpg-agent.extra", "S.gpg-agent.ssh", ".gpg-v21-migrated",
	"gpg.conf", NULL
};

static void
remove_slot(struct slot *s)
{
	char buf[PATH_MAX + 64];
	size_t len, i;

	if (!s->is_dir) {
		unlink(s->path);
		return;
	}
	len = strlen(s->path);
	for (i = 0; home_files[i]; i++) {
		size_t flen = strlen(home_files[i]);

		if (len + 1 + flen >= sizeof buf)
			continue;
		memcpy(buf, s->path, len);
		buf[len] = '/';
		memcpy(buf + len + 1, home_files[i], flen + 1);
		unlink(buf);
	}
	if (len + sizeof "/private-keys-v1.d" < sizeof buf) {
		memcpy(buf, s->path, len);
		memcpy(buf + len, "/private-keys-v1.d", sizeof "/private-keys-v1.d");
		rmdir(buf);
	}
	rmdir(s->path);
}

void
mule_cleanup_run(void)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++) {
		if (slots[i].used) {
			remove_slot(&slots[i]);
			slots[i].used = 0;
		}
	}
}

static void
on_signal(int sig)
{
	mule_cleanup_run();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
mule_cleanup_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;
	struct rlimit rl = { 0, 0 };
	size_t i;

	/* Plaintext and passphrases live in this process: no core dumps. */
	setrlimit(RLIMIT_CORE, &rl);
#if defined(HAVE_PRCTL) && defined(PR_SET_DUMPABLE)
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed reader shows up as EPIPE from write(), handled there. */
	signal(SIGPIPE, SIG_IGN);
}

int
mule_cleanup_add(const char *path, int is_dir)
{
	sigset_t all, old;
	int i, slot = -1;

	if (strlen(path) >= PATH_MAX)
		return -1;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < MAX_SLOTS; i++) {
		if (!slots[i].used) {
			snprintf(slots[i].path, sizeof slots[i].path, "%s", path);
			slots[i].is_dir = is_dir;
			slots[i].used = 1;
			slot = i;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return slot;
}

void
mule_cleanup_forget(int slot)
{
	if (slot >= 0 && slot < MAX_SLOTS)
		slots[slot].used = 0;
}
