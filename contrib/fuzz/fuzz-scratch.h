/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-scratch.h - for the harnesses that write files: a fresh scratch
 * directory per input, TMPDIR/fuzz-TAG.XXXXXX/in/side/work, removed
 * afterwards whatever modes the input gave to what it holds, and the
 * check that nothing was written beside WORK, up to three levels above
 * it (TMPDIR included): abort() if anything was, so that the fuzzer
 * reports the input.  Included by one harness each (static functions). */
#ifndef FUZZ_SCRATCH_H
#define FUZZ_SCRATCH_H

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct scratch {
	char top[PATH_MAX];	/* TMPDIR/fuzz-TAG.XXXXXX */
	char work[PATH_MAX];	/* TOP/in/side/work: what the code gets */
};

/* The levels between TOP and WORK: each must hold only the next. */
static const char *const scratch_levels[] = { "in", "side", "work" };

static const char *
scratch_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

/* The names in TMPDIR when the harness started: nothing may be added. */
static char **scratch_before;
static size_t scratch_nbefore;

static int
scratch_known(const char *name)
{
	size_t i;

	for (i = 0; i < scratch_nbefore; i++)
		if (!strcmp(scratch_before[i], name))
			return 1;
	return 0;
}

static void
scratch_snapshot(void)
{
	struct dirent *de;
	DIR *d = opendir(scratch_tmpdir());

	if (!d)
		abort();
	while ((de = readdir(d))) {
		char **tmp = realloc(scratch_before,
		    (scratch_nbefore + 1) * sizeof *tmp);

		if (!tmp || !(tmp[scratch_nbefore] = strdup(de->d_name)))
			abort();
		scratch_before = tmp;
		scratch_nbefore++;
	}
	closedir(d);
}

/* Make a fresh scratch directory for one input; 0 on success. */
static int
scratch_new(struct scratch *s, const char *tag)
{
	size_t i;
	int n;

	if (!scratch_before)
		scratch_snapshot();
	n = snprintf(s->top, sizeof s->top, "%s/fuzz-%s.XXXXXX",
	    scratch_tmpdir(), tag);
	if (n < 0 || (size_t)n >= sizeof s->top || !mkdtemp(s->top))
		return -1;
	snprintf(s->work, sizeof s->work, "%s", s->top);
	for (i = 0; i < sizeof scratch_levels / sizeof *scratch_levels; i++) {
		size_t len = strlen(s->work);

		snprintf(s->work + len, sizeof s->work - len, "/%s",
		    scratch_levels[i]);
		if (mkdir(s->work, 0700) < 0)
			return -1;
	}
	return 0;
}

/* Does directory PATH hold nothing but ONLY (and, with KNOWN, the names
 * TMPDIR held at the start)? */
static int
scratch_holds_only(const char *path, const char *only, int known)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int ok = 1;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")
		    && strcmp(de->d_name, only)
		    && !(known && scratch_known(de->d_name))) {
			fprintf(stderr, "fuzz: written outside the scratch "
			    "directory: %s/%s\n", path, de->d_name);
			ok = 0;
		}
	closedir(d);
	return ok;
}

/* Nothing was written beside WORK, on the levels above it or in
 * TMPDIR. */
static void
scratch_check(const struct scratch *s)
{
	char path[PATH_MAX];
	size_t i, n = sizeof scratch_levels / sizeof *scratch_levels;
	int ok;

	ok = scratch_holds_only(scratch_tmpdir(), strrchr(s->top, '/') + 1, 1);
	snprintf(path, sizeof path, "%s", s->top);
	for (i = 0; i < n; i++) {
		size_t len = strlen(path);

		ok &= scratch_holds_only(path, scratch_levels[i], 0);
		snprintf(path + len, sizeof path - len, "/%s",
		    scratch_levels[i]);
	}
	if (!ok)
		abort();
}

/* Remove NAME below directory FD, giving directories back the rights to
 * be read and emptied first (an archive may set mode 0000). */
static void
scratch_remove_at(int fd, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int dfd;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(fd, name, 0);
		return;
	}
	if (fchmodat(fd, name, 0700, 0) < 0)
		return;		/* scratch_free says so */
	dfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (dfd >= 0 && (d = fdopendir(dfd)) != NULL) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				scratch_remove_at(dirfd(d), de->d_name);
		closedir(d);
	} else if (dfd >= 0)
		close(dfd);
	unlinkat(fd, name, AT_REMOVEDIR);
}

/* Check, then remove the scratch directory; abort() if it stays. */
static void
scratch_free(struct scratch *s)
{
	struct stat st;

	scratch_check(s);
	scratch_remove_at(AT_FDCWD, s->top);
	if (lstat(s->top, &st) == 0) {
		fprintf(stderr, "fuzz: cannot remove %s\n", s->top);
		abort();
	}
}

#endif
