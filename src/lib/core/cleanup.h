/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cleanup.h - remove our temporaries on exit paths and caught signals.
 *
 * A temporary output file or throwaway home is registered while it exists.
 * If a fatal signal arrives (INT, TERM, HUP, QUIT, PIPE), the handler
 * removes every registered path with async-signal-safe calls and re-raises
 * the signal.  After a SIGKILL, the next run removes stale temporaries (see
 * mule_output_clean_stale in tempname.h).
 */
#ifndef MULE_CLEANUP_H
#define MULE_CLEANUP_H

/* Install the signal handlers and turn core dumps off.  Call once, early. */
void mule_cleanup_init(void);

enum mule_cleanup_kind {
	MULE_CLEANUP_FILE,	/* a file to unlink */
	MULE_CLEANUP_HOME,	/* a throwaway gpg home: its known files, then
				 * the directory itself */
	MULE_CLEANUP_TREE	/* a staging directory and all it holds */
};

/* Register PATH (copied) for removal as KIND; returns a slot or -1 if the
 * table is full. */
int mule_cleanup_add(const char *path, int kind);

/* The same for a MULE_CLEANUP_FILE named NAME in directory DIRFD, which
 * must stay open until the slot is forgotten. */
int mule_cleanup_add_at(int dirfd, const char *name, int kind);

/* Remove NAME below DIRFD (AT_FDCWD: a path), a file or a whole
 * directory tree, without following symlinks; async-signal-safe.
 * Returns 0 if it is gone. */
int mule_remove_tree_at(int dirfd, const char *name);

/* Forget slot SLOT (the caller has renamed or removed the path). */
void mule_cleanup_forget(int slot);

/* FN is called by the signal handler once the registered paths are
 * removed, before the signal is raised again, with the signal's number:
 * the last words of a run (core/jsonlog.h), async-signal-safe.  One at a
 * time; NULL forgets it. */
void mule_cleanup_last_words(void (*fn)(int sig));

/* FN is called by the signal handler once the registered paths are
 * removed, before the last words: what a run must undo however it ends,
 * outside this process (key/forget.h), async-signal-safe.  One at a
 * time; NULL forgets it. */
void mule_cleanup_on_signal(void (*fn)(void));

/* Remove everything still registered.  Safe to call more than once. */
void mule_cleanup_run(void);

#endif
