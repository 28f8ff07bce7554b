/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cleanup.c - remove our temporaries on exit paths and caught signals. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "core/cleanup.h"

/* mule-bundle --split registers one temporary per part (at most 999). */
#define MAX_SLOTS 1024

struct slot {
	volatile sig_atomic_t used;
	int kind;
	int dirfd;	/* AT_FDCWD, or the directory PATH is in */
	char *path;	/* set before USED, freed after it is cleared */
};

static struct slot slots[MAX_SLOTS];
/* Threads add and forget slots (mule-stick's jobs); the handler only
 * reads them. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* Files gpg creates in a home that holds only imported public keys. */
static const char *const home_files[] = {
	"pubring.kbx", "pubring.kbx~", "pubring.kbx.lock", "trustdb.gpg",
	"trustdb.gpg.lock", "S.gpg-agent", "S.gpg-agent.browser",
	"S.gpg-agent.extra", "S.gpg-agent.ssh", ".gpg-v21-migrated",
	"gpg.conf", NULL
};

/* The records getdents64 returns (glibc has no wrapper before 2.30). */
struct dirent64_raw {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Remove NAME below directory DIRFD and everything in it, without
 * following symlinks, with async-signal-safe calls only (no opendir: it
 * allocates).  Depth is bounded by the callers' path length limit. */
static int
remove_tree_at(int dirfd, const char *name, int depth)
{
	char buf[1024];
	long n;
	int fd, removed;

	if (unlinkat(dirfd, name, 0) == 0)
		return 0;
	if (depth > PATH_MAX / 2)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && fchmodat(dirfd, name, 0700, 0) == 0)
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		    | O_CLOEXEC);	/* a directory of ours made 0000 */
	if (fd < 0)
		return -1;
	fchmod(fd, 0700);	/* a read-only directory of ours */
	/* Removing entries while reading: start over until a pass removes
	 * nothing more. */
	do {
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			long off = 0;

			while (off < n) {
				struct dirent64_raw *d = (void *)(buf + off);

				off += d->d_reclen;
				if (strcmp(d->d_name, ".") && strcmp(d->d_name,
				    "..") && remove_tree_at(fd, d->d_name,
				    depth + 1) == 0)
					removed = 1;
			}
		}
	} while (removed);
	close(fd);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int
mule_remove_tree_at(int dirfd, const char *name)
{
	return remove_tree_at(dirfd, name, 0);
}

static void
remove_slot(struct slot *s)
{
	char buf[PATH_MAX + 64];
	size_t len, i;

	if (s->kind == MULE_CLEANUP_FILE) {
		unlinkat(s->dirfd, s->path, 0);
		return;
	}
	if (s->kind == MULE_CLEANUP_TREE) {
		remove_tree_at(AT_FDCWD, s->path, 0);
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

static void (*volatile last_words)(int);

void
mule_cleanup_last_words(void (*fn)(int sig))
{
	last_words = fn;
}

static void (*volatile undo)(void);

void
mule_cleanup_on_signal(void (*fn)(void))
{
	undo = fn;
}

static void
on_signal(int sig)
{
	int saved = errno;	/* should the signal ever return */
	void (*fn)(int) = last_words;
	void (*u)(void) = undo;

	mule_cleanup_run();
	if (u)
		u();
	if (fn)
		fn(sig);
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
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
mule_cleanup_add(const char *path, int kind)
{
	return mule_cleanup_add_at(AT_FDCWD, path, kind);
}

int
mule_cleanup_add_at(int dirfd, const char *path, int kind)
{
	sigset_t all, old;
	char *copy = strdup(path);
	int i, slot = -1;

	if (!copy)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_mutex_lock(&slots_lock);
	for (i = 0; i < MAX_SLOTS; i++) {
		if (!slots[i].used) {
			free(slots[i].path);
			slots[i].path = copy;
			slots[i].kind = kind;
			slots[i].dirfd = dirfd;
			/* The path before the flag, for a handler on any
			 * thread. */
			atomic_signal_fence(memory_order_seq_cst);
			slots[i].used = 1;
			slot = i;
			break;
		}
	}
	pthread_mutex_unlock(&slots_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (slot < 0)
		free(copy);
	return slot;
}

void
mule_cleanup_forget(int slot)
{
	if (slot < 0 || slot >= MAX_SLOTS)
		return;
	pthread_mutex_lock(&slots_lock);
	slots[slot].used = 0;
	pthread_mutex_unlock(&slots_lock);
}
