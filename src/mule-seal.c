/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-seal - sign and encrypt a file or standard input. */
#include <config.h>

#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "pgp/seal.h"

static const char usage[] =
"usage: mule-seal [-r USERID]... [-R KEYFILE]... [-c] [options] [FILE]\n"
"Sign and encrypt FILE (or standard input); ASCII armour by default.\n"
"\n"
"  -r, --recipient USERID      encrypt to a key from the keyring (repeatable)\n"
"  -R, --recipient-file FILE   encrypt to the key in FILE, not imported\n"
"  -c, --symmetric             encrypt with a passphrase\n"
"  -u, --local-user USERID     sign with this key (default: gpg's default key)\n"
"      --no-sign               do not sign\n"
"      --hide-recipients       put no key IDs in the output\n"
"      --compress, --no-compress  override the choice made from the input\n"
"      --binary                binary output instead of ASCII armour\n"
"  -a, --armor                 ASCII armour (the default)\n"
"  -o, --output FILE           write to FILE, atomically\n"
"      --force                 replace FILE if it exists\n"
"      --passphrase-file FILE  read the passphrase from FILE's first line\n"
"      --passphrase-fd N       read the passphrase from descriptor N\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error.\n";

enum {
	OPT_NO_SIGN = MULE_OPT_TOOL, OPT_HIDE, OPT_BINARY, OPT_COMPRESS,
	OPT_NO_COMPRESS
};

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	{ "recipient", required_argument, NULL, 'r' },
	{ "recipient-file", required_argument, NULL, 'R' },
	{ "symmetric", no_argument, NULL, 'c' },
	{ "local-user", required_argument, NULL, 'u' },
	{ "no-sign", no_argument, NULL, OPT_NO_SIGN },
	{ "hide-recipients", no_argument, NULL, OPT_HIDE },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ "compress", no_argument, NULL, OPT_COMPRESS },
	{ "no-compress", no_argument, NULL, OPT_NO_COMPRESS },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_seal_opts so = { .compress = -1, .offers_no_sign = 1,
	    .offers_symmetric = 1 };
	struct mule_output *out = NULL;
	const char **recipients, **files;
	int c, fd = -1, binary = 0;
	gpg_error_t err;

	mule_cli_init(&cli, argv, usage);
	recipients = calloc(argc, sizeof *recipients);
	files = calloc(argc, sizeof *files);
	if (!recipients || !files)
		mule_fail(gpg_error_from_syserror(), NULL);
	so.recipients = recipients;
	so.recipient_files = files;
	while ((c = getopt_long(argc, argv, ":r:R:cu:a" MULE_CLI_SHORTOPTS,
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'r': recipients[so.nrecipients++] = optarg; break;
		case 'R': files[so.nrecipient_files++] = optarg; break;
		case 'c': so.symmetric = 1; break;
		case 'u': so.signer = optarg; break;
		case 'a': binary = 0; break;
		case OPT_NO_SIGN: so.no_sign = 1; break;
		case OPT_HIDE: so.hide_recipients = 1; break;
		case OPT_BINARY: binary = 1; break;
		case OPT_COMPRESS: so.compress = 1; break;
		case OPT_NO_COMPRESS: so.compress = 0; break;
		default: mule_cli_option(&cli, c, optarg); break;
		}
	}
	if (argc - optind > 1)
		mule_usage_error("more than one input file");
	if (so.no_sign && so.signer)
		mule_usage_error("-u and --no-sign exclude each other");
	if (!so.nrecipients && !so.nrecipient_files && !so.symmetric)
		mule_usage_error("no recipients: name them with -r or -R, "
		    "or use -c");
	mule_cli_start(&cli);
	cli.gpg.armor = !binary;

	err = mule_cli_input(&cli, &fd, argv[optind], "sealing");
	if (!err)
		err = mule_output_open(&out, cli.output, MULE_OUTPUT_HOLD
		    | (cli.force ? MULE_OUTPUT_FORCE : 0)
		    | (binary ? MULE_OUTPUT_BINARY : 0));
	if (!err)
		err = mule_seal(&cli.gpg, &so, fd, mule_output_write, out);
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	if (fd > 0)
		close(fd);
	free(recipients);
	free(files);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
