/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli.h - what every tool's command line has in common.
 *
 * Mains parse their own options with getopt_long, hand every option they
 * do not know to mule_cli_option, then call mule_cli_start.
 */
#ifndef MULE_CLI_H
#define MULE_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <gpg-error.h>

#include "pgp/gpg.h"

struct mule_passphrase;
struct mule_progress;

enum mule_cli_opt {
	MULE_OPT_HOMEDIR = 256,
	MULE_OPT_PASSPHRASE_FILE,
	MULE_OPT_PASSPHRASE_FD,
	MULE_OPT_FORCE,
	MULE_OPT_SIGNER,
	MULE_OPT_SIGNER_FILE,
	MULE_OPT_ALLOW_UNSIGNED,
	MULE_OPT_FORGET_PASSPHRASE,
	MULE_OPT_STATUS_FD,
	MULE_OPT_TOOL = 300	/* tools number their own long options from here */
};

#define MULE_CLI_LONGOPTS \
	{ "homedir", required_argument, NULL, MULE_OPT_HOMEDIR }, \
	{ "passphrase-file", required_argument, NULL, MULE_OPT_PASSPHRASE_FILE }, \
	{ "passphrase-fd", required_argument, NULL, MULE_OPT_PASSPHRASE_FD }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "force", no_argument, NULL, MULE_OPT_FORCE }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

/* Every tool that verifies takes these (mule_cli_signer_option). */
#define MULE_CLI_SIGNER_LONGOPTS \
	{ "signer", required_argument, NULL, MULE_OPT_SIGNER }, \
	{ "signer-file", required_argument, NULL, MULE_OPT_SIGNER_FILE }
#define MULE_CLI_ALLOW_UNSIGNED_LONGOPT \
	{ "allow-unsigned", no_argument, NULL, MULE_OPT_ALLOW_UNSIGNED }

/* Tools that unlock keys take this (key/forget.h). */
#define MULE_CLI_FORGET_LONGOPT \
	{ "forget-passphrase", no_argument, NULL, MULE_OPT_FORGET_PASSPHRASE }
/* Every tool that reports accepted signatures takes this
 * (mule_cli_status_fd, mule_cli_report). */
#define MULE_CLI_STATUS_FD_LONGOPT \
	{ "status-fd", required_argument, NULL, MULE_OPT_STATUS_FD }

/* Short options that MULE_CLI_LONGOPTS brings.  A tool's option string
 * starts with ":" so that a missing argument is told apart. */
#define MULE_CLI_SHORTOPTS "o:qhV"

struct mule_cli {
	const char *usage;		/* --help text */
	char **argv;
	const char *homedir;
	const char *output;
	int force;
	int quiet;
	const char *passphrase_file;
	int passphrase_fd;		/* -1: none */
	struct mule_passphrase *pass;	/* read by mule_cli_start */
	int forget_passphrase;		/* clear what the agent caches */
	struct mule_progress *progress;	/* mule_cli_input's, or NULL */
	unsigned gpg_flags;		/* for mule_gpg_init (pgp/gpg.h) */
	struct mule_gpg_opts gpg;
};

/* Set the program name, install signal cleanup, turn core dumps off. */
void mule_cli_init(struct mule_cli *cli, char **argv, const char *usage);

/* Handle option C (from getopt_long) if it is a common one; a '?' from
 * getopt or an unknown option is a usage error (exit 2). */
void mule_cli_option(struct mule_cli *cli, int c, const char *arg);

/* Print the version on standard output, the same way in every tool:
 *   PROG (mule) VERSION
 *   GPGME x, libgcrypt x, libgpg-error x, libarchive x
 * then the copyright and the licence. */
void mule_cli_version(void);

/* Initialise libgcrypt and GPGME, read the passphrase if one was given,
 * and with --forget-passphrase note what gpg-agent holds; exits with a
 * message on failure. */
void mule_cli_start(struct mule_cli *cli);

/* Open the input PATH as mule_input_open does (standard input for NULL
 * or "-", with a note when it is a terminal) into *FD, and show a
 * progress line labelled WHAT while gpg reads it (cli->gpg.progress,
 * ended by mule_cli_finish): the total is the size of a regular file.
 * None when the input is a terminal, or with -q. */
gpg_error_t mule_cli_input(struct mule_cli *cli, int *fd, const char *path,
    const char *what);

/* End the progress line, wipe the passphrase and, with
 * --forget-passphrase, clear from gpg-agent what the run unlocked; if
 * that fails, print the error and exit 2.  Call before exiting with 0
 * or 1. */
void mule_cli_finish(struct mule_cli *cli);

/* Print the error for ERR, wipe secrets (and with --forget-passphrase
 * what gpg-agent holds of the run: a failure there is a warning), and
 * exit with ERR's status. */
__attribute__((noreturn)) void mule_cli_fail(struct mule_cli *cli,
    gpg_error_t err);

struct mule_verdict;

/* Name each accepted signer on stderr (unless -q): escaped user ID,
 * primary fingerprint, signature time.  With STATUS_FD >= 0, also one
 * line per signature there for scripts:
 *   2026-11-26T18:36:09Z SIGNING-FPR PRIMARY-FPR mode:text|binary */
void mule_cli_report(const struct mule_verdict *v, int status_fd);

struct mule_signer_opts;

/* If C is a signer option, record it in ACCEPT and return its name (for
 * tools that check which options go together); else NULL. */
const char *mule_cli_signer_option(struct mule_signer_opts *accept, int c,
    const char *arg);

/* Exit with a usage error if the signer options contradict each other. */
void mule_cli_signer_check(const struct mule_signer_opts *accept);

/* Free the lists mule_cli_signer_option made (the strings are argv's). */
void mule_cli_signer_release(struct mule_signer_opts *accept);

/* Parse the argument of --status-fd: a descriptor that is open, or
 * exit with a usage error. */
int mule_cli_status_fd(const char *arg);

/* Parse a non-negative decimal int option or exit with a usage error. */
int mule_cli_int(const char *option, const char *arg);

/* Parse a size option (a number with an optional K, M, G or T suffix)
 * or exit with a usage error. */
uint64_t mule_cli_size(const char *option, const char *arg);

#endif
