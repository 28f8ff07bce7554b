/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tempname.c - the names of temporaries, and those earlier runs left. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/secret.h"
#include "core/tempname.h"

#define STALE_AGE (24 * 60 * 60)

/* A fresh DIR stream over directory DIRFD (its own file offset). */
static DIR *
dir_at(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (fd >= 0 && !d)
		close(fd);
	return d;
}

void
mule_temp_name(char name[MULE_TEMP_NAME_MAX], const char *suffix)
{
	int len = snprintf(name, MULE_TEMP_NAME_MAX, ".mule-%ld-",
	    (long)getpid());

	mule_random_hex(name + len, 6);
	snprintf(name + len + 12, MULE_TEMP_NAME_MAX - len - 12, "%s", suffix);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static long long
boot_time(void)
{
	char line[256];
	long long btime = -1;
	FILE *f = fopen("/proc/stat", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime;
}

/* Is the process that made a file last changed at MTIME gone?  Its PID
 * may name a zombie nobody reaps (containers), or a newer process that got
 * the number again: /proc tells both apart from the owner. */
static int
process_gone(long pid, time_t mtime)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	unsigned long long start = 0;
	long long btime;
	size_t n;
	int field;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may hold anything */
	if (!p || !p[1] || !p[2])
		return 0;
	if (p[2] == 'Z' || p[2] == 'X')
		return 1;
	/* Field 22 is the start time in clock ticks after boot; the state
	 * after ')' is field 3. */
	for (field = 3, tok = strtok_r(p + 2, " ", &save); tok && field < 22;
	    field++)
		tok = strtok_r(NULL, " ", &save);
	btime = boot_time();
	if (!tok || btime < 0 || sysconf(_SC_CLK_TCK) <= 0)
		return 0;
	start = strtoull(tok, NULL, 10) / (unsigned long long)sysconf(_SC_CLK_TCK);
	return (long long)start + btime > (long long)mtime + 1;
}

/* Is this ".mule-PID-XXXXXX.tmp" (a file) or ".mule-PID-XXXXXX.stage" (a
 * staging directory of mule-bundle -x) from a dead or old run? */
static int
is_stale(int dirfd, const char *name, uid_t uid, time_t now)
{
	struct stat st;
	char *end;
	long pid;

	if (strncmp(name, ".mule-", 6))
		return 0;
	pid = strtol(name + 6, &end, 10);
	if (end == name + 6 || *end != '-' || pid <= 0)
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!(ends_with(name, ".tmp") && S_ISREG(st.st_mode))
	    && !(ends_with(name, ".stage") && S_ISDIR(st.st_mode)))
		return 0;
	if (st.st_uid != uid)
		return 0;
	if (now - st.st_mtime > STALE_AGE)
		return 1;
	if (pid == getpid())
		return 0;
	return process_gone(pid, st.st_mtime);
}

/* The PID in NAME if it is exactly ".mule-PID-XXXXXXXXXXXX.tmp", the
 * name mule_temp_name makes for ".tmp" (PID in decimal, twelve
 * lower-case hex digits); else 0. */
static long
temp_pid(const char *name)
{
	const char *p = name + 6;
	long pid = 0;
	int i;

	if (strncmp(name, ".mule-", 6) || *p < '1' || *p > '9')
		return 0;
	for (i = 0; *p >= '0' && *p <= '9'; p++, i++) {
		if (i == 9)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	if (*p++ != '-')
		return 0;
	for (i = 0; i < 12; i++, p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return strcmp(p, ".tmp") ? 0 : pid;
}

/* Is process PID a mule-stick running on this computer?  Where there is
 * no /proc, any running process is taken to be one. */
static int
runs_mule_stick(long pid)
{
	char path[64], buf[256], *open_paren, *close_paren;
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f) {
		if (access("/proc/self/stat", F_OK) == 0)
			return 0;
		return kill((pid_t)pid, 0) == 0 || errno == EPERM;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren
	    || !close_paren[1] || close_paren[2] == 'Z'
	    || close_paren[2] == 'X')
		return 0;
	*close_paren = '\0';
	return !strcmp(open_paren + 1, "mule-stick");
}

int
mule_output_busy(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), busy;

	if (fd < 0)
		return 0;
	busy = mule_output_busy_at(fd);
	close(fd);
	return busy;
}

int
mule_output_busy_at(int folder)
{
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	int busy = 0;
	long pid;
	DIR *d;

	d = dir_at(folder);
	if (!d)
		return 0;
	while (!busy && (de = readdir(d))) {
		pid = temp_pid(de->d_name);
		if (!pid || pid == (long)getpid()
		    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
		    || !S_ISREG(st.st_mode))
			continue;
		/* FAT keeps local time: a FUSE driver in another time zone
		 * than the writer shifts it by hours, either way. */
		if (now - st.st_mtime > STALE_AGE || st.st_mtime - now > STALE_AGE)
			continue;
		busy = runs_mule_stick(pid);
	}
	closedir(d);
	return busy;
}

void
mule_output_clean_stale(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		mule_output_clean_stale_at(fd);
		close(fd);
	}
}

void
mule_output_clean_stale_at(int folder)
{
	struct dirent *de;
	time_t now = time(NULL);
	DIR *d;

	d = dir_at(folder);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (is_stale(dirfd(d), de->d_name, geteuid(), now))
			mule_remove_tree_at(dirfd(d), de->d_name);
	closedir(d);
}
