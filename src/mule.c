/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule - run a mule tool: "mule seal ARGS" runs "mule-seal ARGS";
 * "mule help [TOOL]" and "mule version" say what there is. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"

static const struct tool {
	const char *name;
	const char *summary;
} tools[] = {
	{ "seal", "sign and encrypt a file or standard input" },
	{ "open", "decrypt and verify; release nothing unverified" },
	{ "sign", "sign text, a file, or a directory's manifest" },
	{ "verify", "check signatures; release only verified content" },
	{ "bundle", "seal files and directories; extract only after verifying" },
	{ "stick", "exchange sealed items through a USB stick" },
	{ "key", "make and rotate your key; carry and accept keys" },
	{ "qr", "carry data across the gap as QR codes" },
	{ NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct tool *t;

	fprintf(f, "usage: mule TOOL [ARGS...]\n"
	    "       mule help [TOOL]    (or --help)\n"
	    "       mule version        (or --version)\n\n"
	    "Move encrypted, signed data by hand between an offline computer\n"
	    "and a networked one.  The tools:\n\n");
	for (t = tools; t->name; t++)
		fprintf(f, "  %-8s %s\n", t->name, t->summary);
	fprintf(f, "\n'mule help TOOL' (or man mule-TOOL) tells more.\n"
	    "Exit status: 0 success, 1 input rejected, 2 usage or "
	    "operational error.\n");
}

/* The directory this program lives in, so that "mule seal" runs the
 * mule-seal installed (or built) beside it rather than one on PATH. */
static int
own_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

/* The tool called NAME, or a usage error. */
static const struct tool *
find_tool(const char *name)
{
	const struct tool *t;

	for (t = tools; t->name; t++)
		if (!strcmp(name, t->name))
			return t;
	mule_usage_error("unknown tool '%s' (mule help lists them)", name);
}

/* Run mule-TOOL with ARGV (whose argv[0] is replaced); returns only on
 * failure. */
static int
run(const struct tool *t, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], name[32];

	snprintf(name, sizeof name, "mule-%s", t->name);
	argv[0] = name;
	if (own_dir(dir, sizeof dir) == 0) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (access(path, X_OK) == 0)
			execv(path, argv);
	}
	execvp(name, argv);
	fprintf(stderr, "mule: error: cannot run %s: %s\n", name,
	    strerror(errno));
	return MULE_EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	char *help[] = { NULL, "--help", NULL };
	const char *cmd;

	mule_set_progname(argv[0]);
	if (argc < 2) {
		usage(stderr);
		return MULE_EXIT_FAILURE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")
	    || !strcmp(cmd, "help")) {
		if (argc > 3 || (argc == 3 && cmd[0] == '-'))
			mule_usage_error("%s: one tool at most", cmd);
		if (argc == 3)
			return run(find_tool(argv[2]), help);
		usage(stdout);
		return MULE_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")
	    || !strcmp(cmd, "version")) {
		if (argc > 2)
			mule_usage_error("%s takes no arguments", cmd);
		mule_cli_version();
		return MULE_EXIT_OK;
	}
	return run(find_tool(cmd), argv + 1);
}
