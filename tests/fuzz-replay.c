/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-replay.c - the main of a fuzz harness when libFuzzer is not there:
 * runs LLVMFuzzerTestOneInput once on each file named, or on each file of
 * each directory named (one level), so that "make check" replays every
 * corpus through every harness with any compiler.  A crash is the test
 * failing; the exit status is 0 when every input was run. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input is at most this big: a fuzzer's corpus holds small files. */
#define REPLAY_MAX ((off_t)16 << 20)

static int
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	size_t len;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	/* Exactly the file's bytes, so that ASan sees a read past the end. */
	len = st.st_size > 0 && st.st_size <= REPLAY_MAX ? (size_t)st.st_size : 0;
	if ((buf = malloc(len ? len : 1)) == NULL ||
	    fread(buf, 1, len, f) != len || st.st_size > REPLAY_MAX) {
		fprintf(stderr, "fuzz-replay: %s: unreadable or too big\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
replay_dir(const char *dir, unsigned *count)
{
	struct dirent **names;
	int n, i, rc = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (names[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) <
		    (int)sizeof path && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(path) == 0)
				(*count)++;
			else
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "fuzz-replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count))
				rc = -1;
		} else if (replay_file(argv[i]) == 0) {
			count++;
		} else {
			rc = -1;
		}
	}
	printf("%u inputs\n", count);
	return rc ? 2 : 0;
}
