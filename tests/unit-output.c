/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-output.c - atomic output: nothing visible until commit, no
 * replacement without force, temporaries removed, stale ones cleaned. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/secret.h"
#include "core/tempname.h"
#include "tap.h"

static int
count_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, ".mule-", 6))
			n++;
	if (d)
		closedir(d);
	return n;
}

static int
file_is(const char *path, const char *content)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return !strcmp(buf, content);
}

/* A file system without RENAME_NOREPLACE (EINVAL, as fusefat says), and
 * without hard links (EPERM): these replace the C library's, for the
 * library linked into this test. */
static int no_noreplace, no_links, refused_renames, refused_links;

int
renameat2(int from, const char *old, int to, const char *new,
    unsigned flags)
{
	if (no_noreplace && flags) {
		refused_renames++;
		errno = EINVAL;
		return -1;
	}
	return (int)syscall(SYS_renameat2, from, old, to, new, flags);
}

int
linkat(int from, const char *old, int to, const char *new, int flags)
{
	if (no_links) {
		refused_links++;
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_linkat, from, old, to, new, flags);
}

/* mule_rename_noreplace's fallbacks, in DIR. */
static void
test_noreplace(const char *dir)
{
	char a[256], b[256], sub[256];
	int fd, rc, round;

	for (round = 0; round < 2; round++) {
		const char *how = round ? "no hard links either" : "hard links";

		no_noreplace = 1;
		no_links = round;
		snprintf(a, sizeof a, "%s/a", dir);
		snprintf(b, sizeof b, "%s/b", dir);
		fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		rc = write(fd, "A", 1);
		close(fd);
		rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
		TAP_OK(rc == 0 && file_is(b, "A") && access(a, F_OK) < 0,
		    "no RENAME_NOREPLACE, %s: a file moves to a free name", how);
		fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		rc = write(fd, "C", 1);
		close(fd);
		rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
		TAP_OK(rc < 0 && errno == EEXIST && file_is(b, "A")
		    && file_is(a, "C"), "... but never onto a file (EEXIST)");
		fd = open(b, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		close(fd);
		rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
		TAP_OK(rc < 0 && errno == EEXIST && file_is(b, "")
		    && file_is(a, "C"), "... nor onto an empty one");
		unlink(a);
		unlink(b);
	}
	no_links = 0;
	snprintf(a, sizeof a, "%s/da", dir);
	snprintf(b, sizeof b, "%s/db", dir);
	snprintf(sub, sizeof sub, "%s/da/f", dir);
	mkdir(a, 0700);
	fd = open(sub, O_CREAT | O_WRONLY, 0600);
	close(fd);
	rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
	snprintf(sub, sizeof sub, "%s/db/f", dir);
	TAP_OK(rc == 0 && access(sub, F_OK) == 0 && access(a, F_OK) < 0,
	    "no RENAME_NOREPLACE: a directory moves to a free name");
	mkdir(a, 0700);
	rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
	TAP_OK(rc < 0 && errno == EEXIST && access(sub, F_OK) == 0
	    && access(a, F_OK) == 0, "... but never onto a directory");
	unlink(sub);
	rc = mule_rename_noreplace(AT_FDCWD, a, AT_FDCWD, b);
	TAP_OK(rc < 0 && errno == EEXIST && access(a, F_OK) == 0,
	    "... not even an empty one");
	rmdir(a);
	rmdir(b);
	no_noreplace = 0;
	TAP_OK(refused_renames >= 9 && refused_links >= 3,
	    "the fallbacks were taken (%d renames, %d links refused)",
	    refused_renames, refused_links);
}

int
main(void)
{
	char dir[] = "/tmp/mule-unit-XXXXXX", path[256], stale[256];
	struct mule_output *o = NULL;
	struct stat st;
	int fd;

	mule_secret_init();
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/out.txt", dir);

	TAP_OK(!mule_output_open(&o, path, 0), "open a new output");
	TAP_OK(!mule_output_write(o, "hello", 5), "write");
	TAP_OK(stat(path, &st) < 0, "nothing visible before commit");
	TAP_OK(count_temps(dir) == 1, "one private temporary meanwhile");
	TAP_OK(!mule_output_commit(o), "commit");
	mule_output_free(o);
	TAP_OK(file_is(path, "hello"), "content after commit");
	TAP_OK(stat(path, &st) == 0 && (st.st_mode & 077) == 0,
	    "file is private (0600)");
	TAP_OK(count_temps(dir) == 0, "no temporary after commit");

	TAP_OK(mule_output_open(&o, path, 0) != 0, "existing file refused");
	TAP_OK(!mule_output_open(&o, path, MULE_OUTPUT_FORCE), "--force opens");
	mule_output_write(o, "other", 5);
	mule_output_free(o);
	TAP_OK(file_is(path, "hello"), "abandoned output leaves the old file");
	TAP_OK(count_temps(dir) == 0, "abandoned output leaves no temporary");

	TAP_OK(mule_output_open(&o, dir, MULE_OUTPUT_FORCE) != 0,
	    "a directory is refused");

	/* A temporary of a process that no longer exists (pid 2^22+1 is
	 * beyond Linux's default pid_max range on these machines). */
	snprintf(stale, sizeof stale, "%s/.mule-4194305-abcdef012345.tmp", dir);
	fd = open(stale, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(path, sizeof path, "%s/.mule-%ld-abcdef012345.tmp", dir,
	    (long)getpid());
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	mule_output_clean_stale(dir);
	TAP_OK(stat(stale, &st) < 0, "stale temporary of a dead run removed");
	TAP_OK(stat(path, &st) == 0, "temporary of a live run kept");
	unlink(path);

	test_noreplace(dir);

	snprintf(path, sizeof path, "%s/out.txt", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
