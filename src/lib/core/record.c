/* SPDX-License-Identifier: GPL-3.0-or-later */
/* record.c - files of records, one a line, only ever added to. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/record.h"

/* Far more than years of use add: a bound on what is read whole. */
#define RECORD_MAX ((off_t)1 << 30)

gpg_error_t
mule_record_init(struct mule_record_file *f,
    const struct mule_record_kind *kind, const char *path)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->fd = -1;
	f->path = strdup(path);
	return f->path ? 0 : gpg_error_from_syserror();
}

/* The length of the LEN bytes at BUF without a last line that has no
 * newline: one cut short by a crash is not a record. */
static size_t
complete_length(const char *buf, size_t len)
{
	const char *nl = memrchr(buf, '\n', len);

	return nl ? (size_t)(nl + 1 - buf) : 0;
}

/* The records of the LEN bytes at BUF (whole lines, followed by one
 * writable byte), in order, until a line is not one. */
static gpg_error_t
read_lines(const struct mule_record_file *f, void *arg, char *buf,
    size_t len)
{
	char *line, *nl;
	size_t lineno = 0;
	gpg_error_t err = 0;
	int ok = 1;

	/* Lines are found by length: a NUL byte must not end the reading
	 * early and lose every record after it. */
	for (line = buf; !err && ok && line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		lineno++;
		err = f->kind->parse(arg, line, (size_t)(nl - line), &ok);
	}
	if (!err && !ok)
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_DATA),
		    f->kind->hint, "%s: line %zu is not a %s", f->path, lineno,
		    f->kind->line);
	return err;
}

/* Read the file open at FD; a last line cut short is cut off it too if
 * CUT. */
static gpg_error_t
load(struct mule_record_file *f, int fd, void *arg, int cut)
{
	char *buf;
	size_t len, kept;
	gpg_error_t err;

	err = mule_fd_read_whole(fd, RECORD_MAX, &buf, &len);
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		break;
	case GPG_ERR_EFTYPE:
		return mule_error_set(mule_fail_code(GPG_ERR_EINVAL),
		    f->kind->hint, "%s: not a regular file", f->path);
	case GPG_ERR_TOO_LARGE:
		return mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
		    f->kind->hint, "%s: too large for a %s", f->path,
		    f->kind->file);
	default:
		return mule_error_set(err, NULL, "%s: %s", f->path,
		    gpg_strerror(err));
	}
	kept = complete_length(buf, len);
	if (cut && kept != len && ftruncate(fd, (off_t)kept) < 0)
		err = gpg_error_from_syserror();
	f->size = (off_t)kept;
	if (!err)
		err = read_lines(f, arg, buf, kept);
	free(buf);
	return err;
}

gpg_error_t
mule_record_open(struct mule_record_file *f, void *arg)
{
	f->fd = open(f->path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW
	    | O_CLOEXEC, 0600);
	if (f->fd < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "%s %s: %s", f->kind->file, f->path, strerror(errno));
	/* One process at a time: the next waits. */
	while (flock(f->fd, LOCK_EX) < 0 && errno == EINTR)
		;
	return load(f, f->fd, arg, 1);
}

gpg_error_t
mule_record_look(struct mule_record_file *f, void *arg)
{
	gpg_error_t err;
	int fd;

	/* Not blocking on a FIFO: it is refused as no regular file. */
	fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "%s %s: %s", f->kind->file, f->path, strerror(errno));
	err = load(f, fd, arg, 0);
	close(fd);
	return err;
}

gpg_error_t
mule_record_parse(struct mule_record_file *f, void *arg, const void *text,
    size_t len)
{
	gpg_error_t err;
	char *buf;

	if (!(buf = malloc(len + 1)))
		return gpg_error_from_syserror();
	if (len)
		memcpy(buf, text, len);
	buf[len] = '\0';
	err = read_lines(f, arg, buf, complete_length(buf, len));
	free(buf);
	return err;
}

gpg_error_t
mule_record_append(struct mule_record_file *f, const void *text, size_t len)
{
	gpg_error_t err;

	if (f->fd < 0)
		return gpg_error(GPG_ERR_NOT_SUPPORTED);
	/* One write with O_APPEND, then to the disk. */
	err = mule_write_all(f->fd, text, len);
	if (!err && fsync(f->fd) < 0)
		err = gpg_error_from_syserror();
	if (err) {
		if (ftruncate(f->fd, f->size) == 0)
			(void)fsync(f->fd);
		return mule_error_set(err, NULL, "%s %s: %s", f->kind->file,
		    f->path, gpg_strerror(err));
	}
	f->size += (off_t)len;
	return 0;
}

void
mule_record_release(struct mule_record_file *f)
{
	if (f->fd >= 0)
		close(f->fd);	/* and the lock with it */
	f->fd = -1;
	free(f->path);
	f->path = NULL;
}

size_t
mule_record_fields(char *line, size_t len, char *f[], size_t max)
{
	char *p = line, *end = line + len, *sp;
	size_t n = 0;

	if (memchr(line, '\0', len))
		return 0;
	for (;;) {
		sp = memchr(p, ' ', (size_t)(end - p));
		if ((sp ? sp : end) == p || n == max)
			return 0;
		f[n++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	*end = '\0';
	return n;
}
