/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fault.c - fault injection for the fault sweep (tests/t-faults.sh),
 * built only with --enable-test-hooks.
 *
 * The test build links mule's own objects with -Wl,--wrap=write and the
 * like, so every call mule itself makes to one of the functions below
 * comes here first; gpg, gpg-agent and the libraries we load do not (an
 * LD_PRELOAD shim would hit them too).  With MULE_FAULT=KIND:N in the
 * environment, the Nth call of KIND fails as the disk or the allocator
 * would; every other call goes through.  With MULE_FAULT_COUNT=FILE, the
 * number of calls of each kind is appended to FILE at exit, as
 * "KIND CALLS" lines, so that a test knows how many points it has tried.
 * MULE_FAULT_TRAP=1 raises SIGTRAP at the fault, for a debugger.
 *
 *   write   write                               ENOSPC
 *   fsync   fsync, fdatasync, syncfs            EIO
 *   rename  rename, renameat, renameat2, linkat EIO
 *   mkdir   mkdir, mkdirat, mkdtemp             ENOSPC
 *   unlink  unlink, unlinkat, rmdir             EIO
 *   malloc  malloc, calloc, realloc, strdup,    ENOMEM
 *           strndup, asprintf
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum fault_kind { F_WRITE, F_FSYNC, F_RENAME, F_MKDIR, F_UNLINK, F_MALLOC,
	F_KINDS };

static const char *const kind_names[F_KINDS] = {
	"write", "fsync", "rename", "mkdir", "unlink", "malloc"
};

static atomic_ulong calls[F_KINDS];
static int fail_kind = -1;	/* -1: no fault planned */
static unsigned long fail_at;

ssize_t __real_write(int, const void *, size_t);

static void
fault_report(void)
{
	const char *path = getenv("MULE_FAULT_COUNT");
	char line[64];
	int fd, i, n;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	for (i = 0; i < F_KINDS; i++) {
		n = snprintf(line, sizeof line, "%s %lu\n", kind_names[i],
		    atomic_load(&calls[i]));
		if (n > 0 && (size_t)n < sizeof line)
			(void)!__real_write(fd, line, (size_t)n);
	}
	close(fd);
}

/* Read MULE_FAULT before main; no wrapped call can come earlier. */
__attribute__((constructor)) static void
fault_init(void)
{
	const char *plan = getenv("MULE_FAULT");
	const char *colon;
	int i;

	if (getenv("MULE_FAULT_COUNT"))
		atexit(fault_report);
	if (!plan || !(colon = strchr(plan, ':')))
		return;
	for (i = 0; i < F_KINDS; i++)
		if (strlen(kind_names[i]) == (size_t)(colon - plan) &&
		    !strncmp(plan, kind_names[i], (size_t)(colon - plan)))
			fail_kind = i;
	fail_at = strtoul(colon + 1, NULL, 10);
}

/* Count a call of KIND; true when this is the one to fail.  Under a
 * debugger, MULE_FAULT_TRAP=1 stops there (SIGTRAP) to show who called. */
static int
fault_now(enum fault_kind kind)
{
	unsigned long n = atomic_fetch_add(&calls[kind], 1) + 1;

	if ((int)kind != fail_kind || n != fail_at)
		return 0;
	if (getenv("MULE_FAULT_TRAP"))
		raise(SIGTRAP);
	return 1;
}

#define FAIL_IF(kind, err, ret) do {					\
	if (fault_now(kind)) {						\
		errno = (err);						\
		return (ret);						\
	}								\
} while (0)

ssize_t __wrap_write(int, const void *, size_t);
int __real_fsync(int);
int __wrap_fsync(int);
int __real_fdatasync(int);
int __wrap_fdatasync(int);
int __real_syncfs(int);
int __wrap_syncfs(int);
int __real_rename(const char *, const char *);
int __wrap_rename(const char *, const char *);
int __real_renameat(int, const char *, int, const char *);
int __wrap_renameat(int, const char *, int, const char *);
int __real_renameat2(int, const char *, int, const char *, unsigned);
int __wrap_renameat2(int, const char *, int, const char *, unsigned);
int __real_linkat(int, const char *, int, const char *, int);
int __wrap_linkat(int, const char *, int, const char *, int);
int __real_mkdir(const char *, mode_t);
int __wrap_mkdir(const char *, mode_t);
int __real_mkdirat(int, const char *, mode_t);
int __wrap_mkdirat(int, const char *, mode_t);
char *__real_mkdtemp(char *);
char *__wrap_mkdtemp(char *);
int __real_unlink(const char *);
int __wrap_unlink(const char *);
int __real_unlinkat(int, const char *, int);
int __wrap_unlinkat(int, const char *, int);
int __real_rmdir(const char *);
int __wrap_rmdir(const char *);
void *__real_malloc(size_t);
void *__wrap_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__wrap_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void *__wrap_realloc(void *, size_t);
char *__real_strdup(const char *);
char *__wrap_strdup(const char *);
char *__real_strndup(const char *, size_t);
char *__wrap_strndup(const char *, size_t);
int __wrap_asprintf(char **, const char *, ...)
    __attribute__((format(printf, 2, 3)));

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	FAIL_IF(F_WRITE, ENOSPC, -1);
	return __real_write(fd, buf, n);
}

int
__wrap_fsync(int fd)
{
	FAIL_IF(F_FSYNC, EIO, -1);
	return __real_fsync(fd);
}

int
__wrap_fdatasync(int fd)
{
	FAIL_IF(F_FSYNC, EIO, -1);
	return __real_fdatasync(fd);
}

int
__wrap_syncfs(int fd)
{
	FAIL_IF(F_FSYNC, EIO, -1);
	return __real_syncfs(fd);
}

int
__wrap_rename(const char *from, const char *to)
{
	FAIL_IF(F_RENAME, EIO, -1);
	return __real_rename(from, to);
}

int
__wrap_renameat(int fromdir, const char *from, int todir, const char *to)
{
	FAIL_IF(F_RENAME, EIO, -1);
	return __real_renameat(fromdir, from, todir, to);
}

int
__wrap_renameat2(int fromdir, const char *from, int todir, const char *to,
    unsigned flags)
{
	FAIL_IF(F_RENAME, EIO, -1);
	return __real_renameat2(fromdir, from, todir, to, flags);
}

int
__wrap_linkat(int fromdir, const char *from, int todir, const char *to,
    int flags)
{
	FAIL_IF(F_RENAME, EIO, -1);
	return __real_linkat(fromdir, from, todir, to, flags);
}

int
__wrap_mkdir(const char *path, mode_t mode)
{
	FAIL_IF(F_MKDIR, ENOSPC, -1);
	return __real_mkdir(path, mode);
}

int
__wrap_mkdirat(int dir, const char *path, mode_t mode)
{
	FAIL_IF(F_MKDIR, ENOSPC, -1);
	return __real_mkdirat(dir, path, mode);
}

char *
__wrap_mkdtemp(char *template)
{
	FAIL_IF(F_MKDIR, ENOSPC, NULL);
	return __real_mkdtemp(template);
}

int
__wrap_unlink(const char *path)
{
	FAIL_IF(F_UNLINK, EIO, -1);
	return __real_unlink(path);
}

int
__wrap_unlinkat(int dir, const char *path, int flags)
{
	FAIL_IF(F_UNLINK, EIO, -1);
	return __real_unlinkat(dir, path, flags);
}

int
__wrap_rmdir(const char *path)
{
	FAIL_IF(F_UNLINK, EIO, -1);
	return __real_rmdir(path);
}

void *
__wrap_malloc(size_t n)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t count, size_t n)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_calloc(count, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_strndup(s, n);
}

int
__wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	FAIL_IF(F_MALLOC, ENOMEM, -1);
	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}
