/* unit-output.c - atomic output: nothing visible until commit, no
 * replacement without force, temporaries removed, stale ones cleaned. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "lib/error.h"
#include "lib/io.h"
#include "lib/secret.h"
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

	snprintf(path, sizeof path, "%s/out.txt", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
