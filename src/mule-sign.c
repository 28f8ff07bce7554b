/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-sign - sign text, a file, or a directory's manifest. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/text.h"
#include "pgp/manifest.h"
#include "pgp/sign.h"

static const char usage[] =
"usage: mule-sign [-u USERID] [--detach | --inline] [options] [FILE]\n"
"       mule-sign [-u USERID] --manifest DIR [--include-mailbox] [options]\n"
"Sign FILE (or standard input): a clear-signed text by default.\n"
"\n"
"      --detach                a detached signature (armoured unless --binary)\n"
"      --inline                a signed OpenPGP message, for binary data\n"
"      --manifest DIR          a clear-signed list of DIR's files and SHA-256\n"
"      --include-mailbox       with --manifest, list a stick's MULE/ folder too\n"
"  -u, --local-user USERID     sign with this key (default: gpg's default key)\n"
"      --binary                binary output (with --detach or --inline)\n"
"  -a, --armor                 ASCII armour (the default)\n"
"  -o, --output FILE           write to FILE, atomically\n"
"      --force                 replace FILE if it exists\n"
"      --passphrase-file FILE  read the key's passphrase from FILE's first line\n"
"      --passphrase-fd N       read the key's passphrase from descriptor N\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error.\n";

enum { OPT_DETACH = MULE_OPT_TOOL, OPT_INLINE, OPT_MANIFEST, OPT_BINARY,
    OPT_INCLUDE_MAILBOX };

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	{ "local-user", required_argument, NULL, 'u' },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "detach-sign", no_argument, NULL, OPT_DETACH },
	{ "inline", no_argument, NULL, OPT_INLINE },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "include-mailbox", no_argument, NULL, OPT_INCLUDE_MAILBOX },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

static gpg_error_t
sign_manifest(struct mule_cli *cli, const char *signer, const char *dir,
    int include_mailbox, struct mule_output *out)
{
	struct mule_manifest_skips skips;
	gpg_error_t err;
	size_t i;
	char *shown;

	err = mule_sign_manifest(&cli->gpg, signer, dir, cli->output,
	    include_mailbox, out, &skips);
	for (i = 0; i < skips.n; i++) {
		shown = mule_escape(skips.names[i], strlen(skips.names[i]));
		mule_warn("skipped, not a regular file: %s", shown);
		free(shown);
	}
	mule_manifest_skips_release(&skips);
	return err;
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_output *out = NULL;
	enum mule_sign_mode mode = MULE_SIGN_CLEAR;
	const char *signer = NULL, *manifest = NULL;
	int c, fd = -1, binary = 0, modes = 0, include_mailbox = 0;
	gpg_error_t err;

	mule_cli_init(&cli, argv, usage);
	while ((c = getopt_long(argc, argv, ":u:a" MULE_CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'u': signer = optarg; break;
		case 'a': binary = 0; break;
		case OPT_BINARY: binary = 1; break;
		case OPT_DETACH: mode = MULE_SIGN_DETACH; modes++; break;
		case OPT_INLINE: mode = MULE_SIGN_INLINE; modes++; break;
		case OPT_MANIFEST: manifest = optarg; modes++; break;
		case OPT_INCLUDE_MAILBOX: include_mailbox = 1; break;
		default: mule_cli_option(&cli, c, optarg); break;
		}
	}
	if (modes > 1)
		mule_usage_error("--detach, --inline and --manifest exclude "
		    "each other");
	if (argc - optind > (manifest ? 0 : 1))
		mule_usage_error("too many arguments");
	if (binary && (mode == MULE_SIGN_CLEAR || manifest))
		mule_usage_error("--binary goes with --detach or --inline");
	if (include_mailbox && !manifest)
		mule_usage_error("--include-mailbox goes with --manifest");
	mule_cli_start(&cli);
	cli.gpg.armor = !binary;

	err = manifest ? 0 : mule_cli_input(&cli, &fd, argv[optind],
	    "signing");
	if (!err)
		err = mule_output_open(&out, cli.output, MULE_OUTPUT_HOLD
		    | (cli.force ? MULE_OUTPUT_FORCE : 0)
		    | (binary ? MULE_OUTPUT_BINARY : 0));
	if (!err)
		err = manifest ? sign_manifest(&cli, signer, manifest,
		    include_mailbox, out)
		    : mule_sign(&cli.gpg, mode, signer, fd, out);
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	if (fd > 0)
		close(fd);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
