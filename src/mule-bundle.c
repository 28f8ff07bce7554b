/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-bundle - seal files and directories into one bundle; list or
 * extract a bundle only after it is verified. */
#include <config.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/text.h"
#include "tar/bundle.h"
#include "tar/parts.h"

static const char usage[] =
"usage: mule-bundle [-c] [-r USERID]... [options] PATH...\n"
"       mule-bundle -t [options] [BUNDLE | PART...]\n"
"       mule-bundle -x [-C DIR] [options] [BUNDLE | PART...]\n"
"Seal files and directories into one bundle (a signed and encrypted pax\n"
"tar stream); list or extract one only after it is decrypted and verified.\n"
"\n"
"  -c, --create                create a bundle (the default)\n"
"  -t, --list                  list a bundle's entries\n"
"  -x, --extract               extract a bundle\n"
"  -C, --directory DIR         create: PATHs are relative to DIR;\n"
"                              extract: into DIR (default: .)\n"
"\n"
"Creating:\n"
"  -r, --recipient USERID      encrypt to a key from the keyring (repeatable)\n"
"  -R, --recipient-file FILE   encrypt to the key in FILE, not imported\n"
"      --symmetric             encrypt with a passphrase\n"
"  -u, --local-user USERID     sign with this key (default: gpg's default key)\n"
"      --no-sign               do not sign\n"
"      --hide-recipients       put no key IDs in the output\n"
"      --compress, --no-compress  override the choice made from the data\n"
"      --binary                binary output instead of ASCII armour\n"
"  -a, --armor                 ASCII armour (the default)\n"
"  -L, --dereference           follow symlinks instead of storing them\n"
"      --pad                   pad to a Padme size (turns compression off)\n"
"      --split SIZE            write parts FILE.001, FILE.002, ... of SIZE\n"
"  -o, --output FILE           write to FILE, atomically\n"
"      --force                 replace FILE (or its parts) if it exists\n"
"\n"
"Listing and extracting:\n"
"      --signer FPR|USERID     accept only this signer (repeatable)\n"
"      --signer-file KEYFILE   accept only the key in KEYFILE, not imported\n"
"      --allow-unsigned        accept an unsigned bundle (says so)\n"
"      --max-size SIZE         refuse more data than SIZE (default 8G)\n"
"      --max-files N           refuse more than N entries (default 1000000)\n"
"      --overwrite             replace existing files, merge directories\n"
"  -v, --verbose               list modes, sizes, times and SHA-256 digests\n"
"      --status-fd N           one line per accepted signature on descriptor N\n"
"\n"
"  -q, --quiet                 print errors and warnings only\n"
"      --passphrase-file FILE  read the passphrase from FILE's first line\n"
"      --passphrase-fd N       read the passphrase from descriptor N\n"
"      --forget-passphrase     gpg-agent forgets the passphrases this run\n"
"                              unlocked, however it ends\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error.\n";

enum {
	OPT_SYMMETRIC = MULE_OPT_TOOL, OPT_NO_SIGN, OPT_HIDE, OPT_BINARY,
	OPT_COMPRESS, OPT_NO_COMPRESS, OPT_PAD, OPT_SPLIT, OPT_MAX_SIZE, OPT_MAX_FILES,
	OPT_OVERWRITE, OPT_STATUS_FD
};

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	{ "create", no_argument, NULL, 'c' },
	{ "list", no_argument, NULL, 't' },
	{ "extract", no_argument, NULL, 'x' },
	{ "directory", required_argument, NULL, 'C' },
	{ "recipient", required_argument, NULL, 'r' },
	{ "recipient-file", required_argument, NULL, 'R' },
	{ "symmetric", no_argument, NULL, OPT_SYMMETRIC },
	{ "local-user", required_argument, NULL, 'u' },
	{ "no-sign", no_argument, NULL, OPT_NO_SIGN },
	{ "hide-recipients", no_argument, NULL, OPT_HIDE },
	{ "compress", no_argument, NULL, OPT_COMPRESS },
	{ "no-compress", no_argument, NULL, OPT_NO_COMPRESS },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ "dereference", no_argument, NULL, 'L' },
	{ "pad", no_argument, NULL, OPT_PAD },
	{ "split", required_argument, NULL, OPT_SPLIT },
	MULE_CLI_SIGNER_LONGOPTS,
	MULE_CLI_ALLOW_UNSIGNED_LONGOPT,
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
	{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
	MULE_CLI_FORGET_LONGOPT,
	{ NULL, 0, NULL, 0 }
};

/* Options that belong to one side only, for the usage check. */
#define CREATING 1
#define READING 2

struct args {
	char mode;		/* 'c', 't' or 'x' */
	int used;		/* CREATING | READING options seen */
	const char *first_create, *first_read;
	int status_fd;
	int binary;
};

static void
saw(struct args *a, int side, const char *name)
{
	a->used |= side;
	if (side == CREATING && !a->first_create)
		a->first_create = name;
	if (side == READING && !a->first_read)
		a->first_read = name;
}

static void
set_mode(struct args *a, char mode)
{
	if (a->mode && a->mode != mode)
		mule_usage_error("-%c and -%c exclude each other", a->mode,
		    mode);
	a->mode = mode;
}

static void
parse(int argc, char **argv, struct mule_cli *cli, struct args *a,
    struct mule_bundle_create_opts *co, struct mule_bundle_read_opts *ro,
    const char **recipients, const char **files, const char **dir)
{
	const char *name;
	int c;

	while ((c = getopt_long(argc, argv, ":ctxC:r:R:u:aLv"
	    MULE_CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'c': set_mode(a, 'c'); break;
		case 't': set_mode(a, 't'); break;
		case 'x': set_mode(a, 'x'); break;
		case 'C': *dir = optarg; break;
		case 'r':
			recipients[co->seal.nrecipients++] = optarg;
			saw(a, CREATING, "-r");
			break;
		case 'R':
			files[co->seal.nrecipient_files++] = optarg;
			saw(a, CREATING, "-R");
			break;
		case OPT_SYMMETRIC:
			co->seal.symmetric = 1;
			saw(a, CREATING, "--symmetric");
			break;
		case 'u':
			co->seal.signer = optarg;
			saw(a, CREATING, "-u");
			break;
		case OPT_NO_SIGN:
			co->seal.no_sign = 1;
			saw(a, CREATING, "--no-sign");
			break;
		case OPT_HIDE:
			co->seal.hide_recipients = 1;
			saw(a, CREATING, "--hide-recipients");
			break;
		case OPT_COMPRESS:
		case OPT_NO_COMPRESS:
			co->seal.compress = c == OPT_COMPRESS;
			saw(a, CREATING, "--compress");
			break;
		case OPT_BINARY:
			a->binary = 1;
			saw(a, CREATING, "--binary");
			break;
		case 'a':
			a->binary = 0;
			saw(a, CREATING, "-a");
			break;
		case 'L':
			co->tar.dereference = 1;
			saw(a, CREATING, "-L");
			break;
		case OPT_PAD:
			co->tar.pad = 1;
			saw(a, CREATING, "--pad");
			break;
		case OPT_SPLIT:
			co->split = mule_cli_size("--split", optarg);
			if (co->split < MULE_PARTS_MIN_SIZE)
				mule_usage_error("--split: parts must be at "
				    "least %d bytes", MULE_PARTS_MIN_SIZE);
			saw(a, CREATING, "--split");
			break;
		case OPT_MAX_SIZE:
			ro->open.max_size = mule_cli_size("--max-size", optarg);
			ro->tar.max_size = ro->open.max_size;
			saw(a, READING, "--max-size");
			break;
		case OPT_MAX_FILES:
			ro->tar.max_files = (uint64_t)mule_cli_int("--max-files",
			    optarg);
			saw(a, READING, "--max-files");
			break;
		case OPT_OVERWRITE:
			ro->overwrite = 1;
			saw(a, READING, "--overwrite");
			break;
		case 'v':
			ro->verbose = 1;
			saw(a, READING, "-v");
			break;
		case OPT_STATUS_FD:
			a->status_fd = mule_cli_status_fd(optarg);
			saw(a, READING, "--status-fd");
			break;
		default:
			if ((name = mule_cli_signer_option(&ro->open.accept, c,
			    optarg)))
				saw(a, READING, name);
			else
				mule_cli_option(cli, c, optarg);
			break;
		}
	}
	if (!a->mode)
		a->mode = 'c';
}

static void
check_usage(const struct mule_cli *cli, const struct args *a,
    const struct mule_bundle_create_opts *co,
    const struct mule_bundle_read_opts *ro, int npaths)
{
	if (a->mode == 'c') {
		if (a->used & READING)
			mule_usage_error("%s is for -t and -x, not for "
			    "creating", a->first_read);
		if (!npaths)
			mule_usage_error("nothing to bundle: name files or "
			    "directories");
		if (!co->seal.nrecipients && !co->seal.nrecipient_files
		    && !co->seal.symmetric)
			mule_usage_error("no recipients: name them with -r or "
			    "-R, or use --symmetric");
		if (co->seal.no_sign && co->seal.signer)
			mule_usage_error("-u and --no-sign exclude each other");
		if (co->split && (!cli->output || !strcmp(cli->output, "-")))
			mule_usage_error("--split needs -o: the parts are named "
			    "after its file");
		return;
	}
	if (a->used & CREATING)
		mule_usage_error("%s is for creating, not for -%c",
		    a->first_create, a->mode);
	mule_cli_signer_check(&ro->open.accept);
	if (a->mode == 'x' && ro->verbose)
		mule_usage_error("-v is for -t");
	if (a->mode == 't' && ro->overwrite)
		mule_usage_error("--overwrite is for -x");
	if (a->mode == 'x' && cli->output)
		mule_usage_error("-x writes into a directory: name it with -C, "
		    "not -o");
}

static void
report_extract(const struct mule_bundle_read_opts *ro,
    const struct mule_bundle_result *res)
{
	char *dir = mule_escape(ro->dir, strlen(ro->dir));
	char size[MULE_SIZE_TEXT];

	if (res->tar.dropped)
		mule_warn("setuid, setgid and sticky bits dropped from %llu "
		    "entr%s (\"%s\"%s)", (unsigned long long)res->tar.dropped,
		    res->tar.dropped == 1 ? "y" : "ies",
		    res->tar.first_dropped ? res->tar.first_dropped : "?",
		    res->tar.dropped > 1 ? " and others" : "");
	if (!res->tar.had_manifest)
		mule_note("no manifest in the bundle: its signature covers "
		    "the files, no per-file digests were checked");
	mule_size_text(res->tar.bytes, size);
	mule_note("%llu %s (%s) extracted into %s",
	    (unsigned long long)res->tar.files, mule_plural(res->tar.files,
	    "file", "files"), size, dir ? dir : "?");
	free(dir);
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_bundle_create_opts co;
	struct mule_bundle_read_opts ro;
	struct mule_bundle_result res;
	struct args a = { 0, 0, NULL, NULL, -1, 0 };
	const char **recipients, **files;
	const char *dir = NULL;
	gpg_error_t err;

	/* Names are bytes; libarchive stores them as UTF-8 where they are
	 * (pax), raw where they are not. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	mule_cli_init(&cli, argv, usage);
	memset(&co, 0, sizeof co);
	memset(&ro, 0, sizeof ro);
	memset(&res, 0, sizeof res);
	co.seal.compress = -1;
	co.seal.offers_no_sign = 1;
	ro.open.max_size = ro.tar.max_size = MULE_DEFAULT_MAX_SIZE;
	ro.tar.max_files = MULE_DEFAULT_MAX_FILES;
	recipients = calloc(argc, sizeof *recipients);
	files = calloc(argc, sizeof *files);
	if (!recipients || !files)
		mule_fail(gpg_error_from_syserror(), NULL);
	co.seal.recipients = recipients;
	co.seal.recipient_files = files;
	parse(argc, argv, &cli, &a, &co, &ro, recipients, files, &dir);
	check_usage(&cli, &a, &co, &ro, argc - optind);
	mule_cli_start(&cli);

	if (a.mode == 'c') {
		cli.gpg.armor = !a.binary;
		co.tar.paths = (const char *const *)argv + optind;
		co.tar.npaths = (size_t)(argc - optind);
		co.tar.base_dir = dir;
		co.tar.quiet = cli.quiet;
		co.output = cli.output;
		co.force = cli.force;
		co.binary = a.binary;
		err = mule_bundle_create(&cli.gpg, &co);
	} else {
		ro.inputs = argv + optind;
		ro.ninputs = (size_t)(argc - optind);
		ro.extract = a.mode == 'x';
		ro.dir = dir ? dir : ".";
		ro.output = cli.output;
		ro.force = cli.force;
		ro.quiet = cli.quiet;
		err = mule_bundle_read(&cli.gpg, &ro, &res);
	}
	free(recipients);
	free(files);
	mule_cli_signer_release(&ro.open.accept);
	if (err)
		mule_cli_fail(&cli, err);
	if (a.mode != 'c') {
		mule_cli_report(&res.verdict, a.status_fd);
		if (ro.extract)
			report_extract(&ro, &res);
		mule_verdict_release(&res.verdict);
		mule_tarin_result_release(&res.tar);
	}
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
