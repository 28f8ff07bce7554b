/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli.c - what every tool's command line has in common. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <archive.h>
#include <gcrypt.h>
#include <gpgme.h>

#include "cli.h"
#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/progress.h"
#include "core/secret.h"
#include "core/text.h"
#include "key/forget.h"
#include "pgp/gpg.h"
#include "pgp/policy.h"

void
mule_cli_init(struct mule_cli *cli, char **argv, const char *usage)
{
	int fd;

	/* Started with 0, 1 or 2 closed, the next file we open would take
	 * its place: a key file read as standard input, an output temporary
	 * written to as standard output.  /dev/null holds them instead. */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF
		    && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(MULE_EXIT_FAILURE);
	memset(cli, 0, sizeof *cli);
	cli->usage = usage;
	cli->argv = argv;
	cli->passphrase_fd = -1;
	mule_set_progname(argv[0]);
	mule_cleanup_init();
	opterr = 0;	/* we report bad options in our own format */
}

void
mule_cli_version(void)
{
	printf("%s (mule) %s\n", mule_progname(), PACKAGE_VERSION);
	printf("GPGME %s, libgcrypt %s, libgpg-error %s, %s\n",
	    gpgme_check_version(NULL), gcry_check_version(NULL),
	    gpg_error_check_version(NULL), ARCHIVE_VERSION_STRING);
	printf("Copyright (C) 2026 the mule authors\n"
	    "License GPLv3+: GNU GPL version 3 or later "
	    "<https://gnu.org/licenses/gpl.html>\n"
	    "This is free software: you are free to change and redistribute "
	    "it.\nThere is NO WARRANTY, to the extent permitted by law.\n");
}

int
mule_cli_int(const char *option, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX)
		mule_usage_error("%s: invalid number '%s'", option, arg);
	return (int)v;
}

int
mule_cli_status_fd(const char *arg)
{
	int fd = mule_cli_int("--status-fd", arg);

	if (fcntl(fd, F_GETFD) < 0)
		mule_usage_error("--status-fd %d: not an open file descriptor",
		    fd);
	return fd;
}

uint64_t
mule_cli_size(const char *option, const char *arg)
{
	uint64_t size;

	if (mule_size_parse(arg, &size))
		mule_usage_error("%s: invalid size '%s'", option, arg);
	return size;
}

/* After a getopt error: the length of the "--name" just parsed, or 0 if
 * it was a short option. */
static int
long_option(const struct mule_cli *cli)
{
	const char *word = optind > 0 ? cli->argv[optind - 1] : NULL;

	if (!word || strncmp(word, "--", 2))
		return 0;
	return (int)strcspn(word, "=");
}

void
mule_cli_option(struct mule_cli *cli, int c, const char *arg)
{
	switch (c) {
	case MULE_OPT_HOMEDIR:
		cli->homedir = arg;
		break;
	case MULE_OPT_PASSPHRASE_FILE:
		cli->passphrase_file = arg;
		break;
	case MULE_OPT_PASSPHRASE_FD:
		cli->passphrase_fd = mule_cli_int("--passphrase-fd", arg);
		break;
	case 'o':
		cli->output = arg;
		break;
	case MULE_OPT_FORCE:
		cli->force = 1;
		break;
	case MULE_OPT_FORGET_PASSPHRASE:
		cli->forget_passphrase = 1;
		break;
	case 'q':
		cli->quiet = 1;
		mule_set_quiet(1);
		break;
	case 'h':
		fputs(cli->usage, stdout);
		exit(MULE_EXIT_OK);
	case 'V':
		mule_cli_version();
		exit(MULE_EXIT_OK);
	case ':':
		if (long_option(cli))
			mule_usage_error("option %.*s needs an argument",
			    long_option(cli), cli->argv[optind - 1]);
		mule_usage_error("option -%c needs an argument", optopt);
	default:
		if (long_option(cli))
			mule_usage_error("unknown option %.*s (or it takes no "
			    "argument)", long_option(cli), cli->argv[optind - 1]);
		mule_usage_error("unknown option -%c", optopt);
	}
}

void
mule_cli_start(struct mule_cli *cli)
{
	gpg_error_t err;

	if (cli->passphrase_file && cli->passphrase_fd >= 0)
		mule_usage_error("--passphrase-file and --passphrase-fd "
		    "exclude each other");
	err = mule_secret_init();
	if (!err && (cli->passphrase_file || cli->passphrase_fd >= 0))
		err = mule_passphrase_read(&cli->pass, cli->passphrase_file,
		    cli->passphrase_fd);
	if (!err)
		err = mule_gpg_init(cli->gpg_flags, cli->homedir);
	if (!err && cli->forget_passphrase)
		err = mule_forget_start(cli->homedir);
	if (err)
		mule_cli_fail(cli, err);
	cli->gpg.homedir = cli->homedir;
	cli->gpg.pass = cli->pass;
}

gpg_error_t
mule_cli_input(struct mule_cli *cli, int *fd, const char *path,
    const char *what)
{
	gpg_error_t err = mule_input_open(fd, path);
	uint64_t total = 0;
	struct stat st;
	off_t at;

	if (err || isatty(*fd) || cli->progress)
		return err;
	if (fstat(*fd, &st) == 0 && S_ISREG(st.st_mode)
	    && (at = lseek(*fd, 0, SEEK_CUR)) >= 0 && at <= st.st_size)
		total = (uint64_t)(st.st_size - at);
	cli->progress = mule_progress_new(what, cli->quiet, total, 0);
	cli->gpg.progress = cli->progress;
	return 0;
}

/* End the progress line and wipe the passphrase. */
static void
wipe(struct mule_cli *cli)
{
	mule_progress_done(cli->progress);
	cli->progress = NULL;
	cli->gpg.progress = NULL;
	mule_passphrase_free(cli->pass);
	cli->pass = NULL;
	cli->gpg.pass = NULL;
}

void
mule_cli_finish(struct mule_cli *cli)
{
	gpg_error_t err = mule_forget_finish();

	wipe(cli);
	if (err)
		mule_fail(err, NULL);
}

void
mule_cli_fail(struct mule_cli *cli, gpg_error_t err)
{
	struct mule_error_record run, forget;

	/* The run's error is the one to tell; the agent's comes as a
	 * warning. */
	mule_error_save(&run);
	mule_error_clear();
	if (mule_forget_finish()) {
		mule_error_save(&forget);
		mule_warn("%s", forget.msg);
	}
	mule_error_restore(&run);
	wipe(cli);
	mule_fail(err, NULL);
}

void
mule_cli_report(const struct mule_verdict *v, int status_fd)
{
	const struct mule_signer *s;
	char when[32], iso[32];
	struct tm tm;
	size_t i;

	if (v->was_unsigned)
		mule_warn("the message was not signed (--allow-unsigned)");
	for (i = 0; i < v->nsigners; i++) {
		s = &v->signers[i];
		gmtime_r(&s->when, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
		mule_note("good signature from \"%s\" %s, made %s", s->uid,
		    s->fpr, when);
		if (status_fd >= 0)
			dprintf(status_fd, "%s %s %s mode:%s\n", iso, s->sigfpr,
			    s->fpr, s->sigclass == 0x01 ? "text" : "binary");
	}
}

/* Append ARG to the list *LIST of *N. */
static void
push(const char ***list, size_t *n, const char *arg)
{
	const char **grown = realloc(*list, (*n + 1) * sizeof *grown);

	if (!grown)
		mule_fail(gpg_error_from_syserror(), NULL);
	grown[(*n)++] = arg;
	*list = grown;
}

const char *
mule_cli_signer_option(struct mule_signer_opts *a, int c, const char *arg)
{
	switch (c) {
	case MULE_OPT_SIGNER:
		push(&a->signers, &a->nsigners, arg);
		return "--signer";
	case MULE_OPT_SIGNER_FILE:
		push(&a->signer_files, &a->nsigner_files, arg);
		return "--signer-file";
	case MULE_OPT_ALLOW_UNSIGNED:
		a->allow_unsigned = 1;
		return "--allow-unsigned";
	}
	return NULL;
}

void
mule_cli_signer_check(const struct mule_signer_opts *a)
{
	if (a->allow_unsigned && (a->nsigners || a->nsigner_files))
		mule_usage_error("--allow-unsigned excludes --signer and "
		    "--signer-file");
}

void
mule_cli_signer_release(struct mule_signer_opts *a)
{
	free(a->signers);
	free(a->signer_files);
	a->signers = a->signer_files = NULL;
	a->nsigners = a->nsigner_files = 0;
}
