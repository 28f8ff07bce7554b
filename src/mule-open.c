/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-open - decrypt and verify; release nothing unverified. */
#include <config.h>

#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/text.h"
#include "pgp/open.h"

static const char usage[] =
"usage: mule-open [--signer FPR|USERID]... [--signer-file KEYFILE]... [options] [FILE]\n"
"Decrypt and verify FILE (or standard input).  Nothing is written until\n"
"decryption, the integrity check and every signature check succeeded.\n"
"\n"
"      --signer FPR|USERID     accept only this signer (repeatable)\n"
"      --signer-file KEYFILE   accept only the key in KEYFILE, not imported\n"
"      --allow-unsigned        accept an unsigned message (says so)\n"
"      --max-size SIZE         refuse plaintext larger than SIZE (default 8G)\n"
"      --text                  accept a text-mode signature (line ends LF)\n"
"      --status-fd N           one line per accepted signature on descriptor N\n"
"  -o, --output FILE           write to FILE, atomically\n"
"      --force                 replace FILE if it exists\n"
"      --passphrase-file FILE  read the passphrase from FILE's first line\n"
"      --passphrase-fd N       read the passphrase from descriptor N\n"
"      --forget-passphrase     gpg-agent forgets the passphrases this run\n"
"                              unlocked, however it ends\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error.\n";

enum { OPT_MAX_SIZE = MULE_OPT_TOOL, OPT_TEXT };

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	MULE_CLI_SIGNER_LONGOPTS,
	MULE_CLI_ALLOW_UNSIGNED_LONGOPT,
	MULE_CLI_STATUS_FD_LONGOPT,
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "text", no_argument, NULL, OPT_TEXT },
	MULE_CLI_FORGET_LONGOPT,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_open_opts oo = { .max_size = MULE_DEFAULT_MAX_SIZE,
	    .offers_text = 1 };
	struct mule_output *out = NULL;
	struct mule_verdict v = { 0 };
	int c, fd = -1, status_fd = -1;
	gpg_error_t err;

	mule_cli_init(&cli, argv, usage);
	while ((c = getopt_long(argc, argv, ":" MULE_CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_TEXT: oo.text_ok = 1; break;
		case MULE_OPT_STATUS_FD:
			status_fd = mule_cli_status_fd(optarg);
			break;
		case OPT_MAX_SIZE:
			if (mule_size_parse(optarg, &oo.max_size))
				mule_usage_error("--max-size: invalid size '%s'",
				    optarg);
			break;
		default:
			if (!mule_cli_signer_option(&oo.accept, c, optarg))
				mule_cli_option(&cli, c, optarg);
			break;
		}
	}
	if (argc - optind > 1)
		mule_usage_error("more than one input file");
	mule_cli_signer_check(&oo.accept);
	mule_cli_start(&cli);

	err = mule_cli_input(&cli, &fd, argv[optind], "opening");
	if (!err)
		err = mule_output_open(&out, cli.output, MULE_OUTPUT_HOLD
		    | (cli.force ? MULE_OUTPUT_FORCE : 0));
	if (!err)
		err = mule_open(&cli.gpg, &oo, fd, out, &v);
	mule_output_free(out);
	if (fd > 0)
		close(fd);
	mule_cli_signer_release(&oo.accept);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_report(&v, status_fd);
	mule_verdict_release(&v);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
