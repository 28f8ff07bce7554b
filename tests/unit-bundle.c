/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit-bundle.c - the pieces of mule-bundle that need no keys: Padme
 * sizes, the name set, parts written and read back (and refused when one
 * is missing), and the signal-safe tree removal. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/nameset.h"
#include "core/secret.h"
#include "tap.h"
#include "tar/parts.h"
#include "tar/write.h"

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Read every byte of the parts named by ARGS back. */
static gpg_error_t
read_back(char *const *args, size_t nargs, unsigned char *buf, size_t cap,
    size_t *len)
{
	struct mule_parts *pp = NULL;
	gpg_error_t err;
	size_t got;

	*len = 0;
	err = mule_parts_open(&pp, args, nargs);
	while (!err) {
		err = mule_parts_read(pp, buf + *len, cap - *len, &got);
		if (err || !got)
			break;
		*len += got;
	}
	mule_parts_free(pp);
	mule_error_clear();
	return err;
}

static void
test_padme(void)
{
	uint64_t n, p, worst = 0;

	TAP_OK(mule_padme(0) == 0 && mule_padme(1) == 1, "padme: tiny sizes");
	TAP_OK(mule_padme(1024) == 1024, "padme: a power of two is kept");
	TAP_OK(mule_padme(307200) == 311296, "padme: 300 KiB -> 304 KiB");
	for (n = 2; n < 1 << 20; n += 37) {
		p = mule_padme(n);
		if (p < n)
			break;
		if ((p - n) * 1000 / n > worst)
			worst = (p - n) * 1000 / n;
	}
	TAP_OK(n >= 1 << 20, "padme: never shrinks");
	TAP_OK(worst <= 120, "padme: at most 12%% larger (%llu per mille)",
	    (unsigned long long)worst);
	TAP_OK(mule_padme(mule_padme(123456789)) == mule_padme(123456789),
	    "padme: a padded size is a Padme size");
}

static void
test_nameset(void)
{
	struct mule_nameset set = { NULL, 0, 0 };
	char name[32];
	int i, ok = 1;

	TAP_OK(mule_nameset_get(&set, "a", 1) == -1, "nameset: empty");
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "dir/%d", i);
		if (mule_nameset_put(&set, name, strlen(name), i))
			ok = 0;
	}
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "dir/%d", i);
		if (mule_nameset_get(&set, name, strlen(name)) != i)
			ok = 0;
	}
	TAP_OK(ok, "nameset: 5000 names put and found through growth");
	TAP_OK(mule_nameset_get(&set, "dir/5000", 8) == -1
	    && mule_nameset_get(&set, "dir/1", 5) == 1
	    && mule_nameset_get(&set, "dir/12", 5) == 1,
	    "nameset: absent names, and prefixes by length");
	mule_nameset_put(&set, "dir/1", 5, 7);
	TAP_OK(mule_nameset_get(&set, "dir/1", 5) == 7 && set.n == 5000,
	    "nameset: a put changes the value, adds nothing");
	mule_nameset_release(&set);
}

static void
test_parts(const char *dir)
{
	static unsigned char data[10000], back[20000];
	struct mule_split *sp = NULL;
	char path[256], p1[300], p2[300], p3[300], p4[300];
	char *args[3];
	struct stat st;
	size_t i, len;
	gpg_error_t err;

	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7);
	snprintf(path, sizeof path, "%s/b.asc", dir);
	snprintf(p1, sizeof p1, "%s.001", path);
	snprintf(p2, sizeof p2, "%s.002", path);
	snprintf(p3, sizeof p3, "%s.003", path);
	snprintf(p4, sizeof p4, "%s.004", path);
	err = mule_split_open(&sp, path, 4096, 0);
	if (!err)
		err = mule_split_write(sp, data, 5000);
	if (!err)
		err = mule_split_write(sp, data + 5000, sizeof data - 5000);
	TAP_OK(!err && stat(p1, &st) < 0, "split: nothing visible before the "
	    "commit");
	err = err ? err : mule_split_commit(sp);
	mule_split_free(sp);
	TAP_OK(!err && stat(p1, &st) == 0 && st.st_size == 4096
	    && stat(p2, &st) == 0 && st.st_size == 4096
	    && stat(p3, &st) == 0 && st.st_size == 10000 - 8192
	    && stat(p4, &st) < 0, "split: 3 parts of 4096, 4096, 1808 bytes");

	sp = NULL;
	err = mule_split_open(&sp, path, 4096, 0);
	TAP_OK(err && mule_exit_status(err) == 2, "split: existing parts "
	    "refused without --force");
	mule_error_clear();
	mule_split_free(sp);

	args[0] = p1;
	TAP_OK(!read_back(args, 1, back, sizeof back, &len) && len
	    == sizeof data && !memcmp(back, data, len),
	    "parts: found from the first, read in order");
	args[1] = p2;
	args[2] = p3;
	TAP_OK(!read_back(args, 3, back, sizeof back, &len) && len
	    == sizeof data, "parts: all named in order");
	args[1] = p3;
	args[2] = p2;
	err = read_back(args, 3, back, sizeof back, &len);
	TAP_OK(mule_exit_status(err) == 1, "parts: out of order refused");
	args[0] = p2;
	err = read_back(args, 1, back, sizeof back, &len);
	TAP_OK(mule_exit_status(err) == 1, "parts: a later part alone refused");
	rename(p2, p4);
	args[0] = p1;
	err = read_back(args, 1, back, sizeof back, &len);
	TAP_OK(mule_exit_status(err) == 1, "parts: a missing middle part "
	    "refused");
	rename(p4, p2);
	if (truncate(p2, 100) < 0)
		perror("truncate");
	err = read_back(args, 1, back, sizeof back, &len);
	TAP_OK(mule_exit_status(err) == 1, "parts: a short middle part "
	    "refused");

	/* --force: a shorter bundle removes the old tail. */
	write_file(p4, "old");
	sp = NULL;
	err = mule_split_open(&sp, path, 8192, 1);
	if (!err)
		err = mule_split_write(sp, data, 100);
	if (!err)
		err = mule_split_commit(sp);
	mule_split_free(sp);
	TAP_OK(!err && stat(p1, &st) == 0 && st.st_size == 100
	    && stat(p2, &st) < 0 && stat(p4, &st) < 0,
	    "split --force: the parts of the old bundle are gone");
	unlink(p1);
}

static void
test_remove_tree(const char *dir)
{
	char path[512], sub[600];
	struct stat st;
	int i;

	snprintf(path, sizeof path, "%s/tree", dir);
	mkdir(path, 0700);
	for (i = 0; i < 200; i++) {
		snprintf(sub, sizeof sub, "%s/f%d", path, i);
		write_file(sub, "x");
	}
	snprintf(sub, sizeof sub, "%s/ro", path);
	mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/ro/inner", path);
	write_file(sub, "y");
	snprintf(sub, sizeof sub, "%s/ro", path);
	chmod(sub, 0500);
	snprintf(sub, sizeof sub, "%s/link", path);
	if (symlink("/etc", sub) < 0)
		perror("symlink");
	TAP_OK(mule_remove_tree_at(AT_FDCWD, path) == 0 && lstat(path, &st) < 0,
	    "remove_tree: 200 files, a read-only directory, a symlink");
	TAP_OK(stat("/etc/passwd", &st) == 0 || stat("/etc", &st) == 0,
	    "remove_tree: the symlink was not followed");
}

int
main(void)
{
	char dir[] = "/tmp/mule-unit-XXXXXX";

	mule_secret_init();
	if (!mkdtemp(dir))
		return 99;
	test_padme();
	test_nameset();
	test_parts(dir);
	test_remove_tree(dir);
	rmdir(dir);
	return tap_done();
}
