/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd.h - plain descriptor helpers: whole writes, inputs, directory
 * fsync, and moves that never replace what is there. */
#ifndef MULE_FD_H
#define MULE_FD_H

#include <stddef.h>
#include <sys/types.h>
#include <gpg-error.h>

/* Open an input: PATH, or standard input for NULL or "-" (with the
 * note of mule_input_tty_note).  Returns the descriptor in *FD (the
 * caller closes it unless it is 0). */
gpg_error_t mule_input_open(int *fd, const char *path);

/* If FD is standard input and a terminal, say so, once a run (a note:
 * not with -q): "reading from the terminal; end with Ctrl-D".  Call it
 * before reading data from standard input without mule_input_open. */
void mule_input_tty_note(int fd);

/* DIR/NAME in *PATH (malloc'd), for messages and the functions that
 * work relative to DIR's descriptor: NAME must be one component, else
 * GPG_ERR_INV_ARG. */
gpg_error_t mule_path_join(const char *dir, const char *name, char **path);

/* fsync directory DIR, so that the names made in it last; 0 or -1 with
 * errno set (EINVAL, where directories cannot be fsync'ed, is fine). */
int mule_sync_dir(const char *dir);
int mule_sync_dirfd(int fd);

/* Read the regular file open at FD whole, if it has at most MAX bytes:
 * *BUF (malloc'ed, NUL-terminated after them) and *LEN.  No message is
 * set: GPG_ERR_EFTYPE for a file that is not a regular one,
 * GPG_ERR_TOO_LARGE, GPG_ERR_TRUNCATED if it shrank while it was read,
 * or the system's error. */
gpg_error_t mule_fd_read_whole(int fd, off_t max, char **buf, size_t *len);

/* Write all of BUF to FD, retrying short writes. */
gpg_error_t mule_write_all(int fd, const void *buf, size_t n);

/* The same as a mule_write_fn: ARG points to the descriptor. */
gpg_error_t mule_fd_write(void *arg, const void *buf, size_t n);

/* Move FROM in directory FROMFD to TO in TOFD (AT_FDCWD: paths) without
 * ever replacing an entry at TO: -1 with errno EEXIST if one is there.
 * Where the file system refuses RENAME_NOREPLACE, a file gets a hard
 * link and the old name is removed; where it has no hard links either
 * (FUSE FAT drivers), TO is first made as an empty file with O_EXCL and
 * renamed over only if it is still that empty file, so only a process
 * that removes or rewrites it in the instant before the rename can lose
 * what it wrote.  A directory is renamed over an empty directory made
 * with mkdir, which rename(2) replaces only while it is empty.  Returns
 * 0, or -1 with errno set. */
int mule_rename_noreplace(int fromfd, const char *from, int tofd,
    const char *to);

#endif
