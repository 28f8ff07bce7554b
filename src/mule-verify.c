/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-verify - check signatures; release only verified content. */
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
#include "pgp/open.h"
#include "pgp/sigcheck.h"

static const char usage[] =
"usage: mule-verify [options] [SIGNED-FILE]\n"
"       mule-verify [options] SIGFILE FILE\n"
"       mule-verify [options] --manifest DIR\n"
"Verify a clear-signed or signed message and write its content (only if\n"
"the signature is accepted), a detached signature SIGFILE over FILE, or\n"
"a signed manifest and every file it lists.\n"
"\n"
"      --signer FPR|USERID     accept only this signer (repeatable)\n"
"      --signer-file KEYFILE   accept only the key in KEYFILE, not imported\n"
"      --text                  accept text-mode signatures over files\n"
"      --manifest DIR          check DIR against DIR/MANIFEST.asc\n"
"      --manifest-file FILE    the signed manifest, instead of DIR/MANIFEST.asc\n"
"      --strict                with --manifest, also fail on unlisted files\n"
"      --status-fd N           one line per accepted signature on descriptor N\n"
"      --max-size SIZE         refuse signed content larger than SIZE (8G)\n"
"  -o, --output FILE           write the signed content to FILE, atomically\n"
"      --force                 replace FILE if it exists\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 good, 1 rejected (bad, missing or unaccepted signature,\n"
"manifest mismatch), 2 usage or operational error.\n";

enum { OPT_TEXT = MULE_OPT_TOOL, OPT_MANIFEST,
    OPT_MANIFEST_FILE, OPT_STRICT, OPT_MAX_SIZE };

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	MULE_CLI_SIGNER_LONGOPTS,
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "manifest-file", required_argument, NULL, OPT_MANIFEST_FILE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	MULE_CLI_STATUS_FD_LONGOPT,
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ NULL, 0, NULL, 0 }
};

static const char *const state_names[] = {
	[MULE_MANIFEST_OK] = "ok",
	[MULE_MANIFEST_CHANGED] = "changed",
	[MULE_MANIFEST_MISSING] = "missing",
	[MULE_MANIFEST_NOT_FILE] = "not a regular file",
	[MULE_MANIFEST_UNLISTED] = "unlisted",
};

/* One line per file that did not match; the verdict on the files. */
static gpg_error_t
report_files(const struct mule_manifest_report *r, int strict)
{
	size_t i, bad = 0, unlisted = 0;
	char *shown;

	for (i = 0; i < r->n; i++) {
		shown = mule_escape(r->items[i].name, strlen(r->items[i].name));
		if (r->items[i].state == MULE_MANIFEST_UNLISTED) {
			unlisted++;
			if (strict)
				fprintf(stderr, "%s: unlisted: %s\n",
				    mule_progname(), shown);
			else
				mule_warn("unlisted: %s", shown);
		} else {
			bad++;
			fprintf(stderr, "%s: %s: %s\n", mule_progname(),
			    state_names[r->items[i].state], shown);
		}
		free(shown);
	}
	if (bad)
		return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
		    "%zu of %zu listed files do not match the manifest", bad,
		    r->checked + bad);
	if (strict && unlisted)
		return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
		    "%zu %s not in the manifest (--strict)", unlisted,
		    mule_plural(unlisted, "file is", "files are"));
	mule_note("%zu %s the manifest", r->checked, mule_plural(r->checked,
	    "file matches", "files match"));
	return 0;
}

static gpg_error_t
check_manifest(struct mule_cli *cli, const struct mule_check_opts *co,
    const char *dir, const char *file, int strict, int status_fd,
    struct mule_verdict *v)
{
	char *path = NULL, *names[2] = { NULL, NULL };
	struct mule_manifest_exclude ex = { names, 1, 1, 0, 0, 0, 0 };
	struct mule_manifest_report report;
	gpg_error_t err;
	int fd = -1;

	if (!file) {
		if (asprintf(&path, "%s/%s", dir, MULE_MANIFEST_NAME) < 0)
			return gpg_error_from_syserror();
		file = path;
	}
	names[0] = (char *)MULE_MANIFEST_NAME;
	/* A manifest kept inside the directory is not in itself. */
	if ((names[1] = mule_manifest_relative(dir, file)))
		ex.n = 2;
	err = mule_input_open(&fd, file);
	if (!err)
		err = mule_check_manifest(&cli->gpg, co, fd, dir, &ex, v,
		    &report);
	if (!err) {
		mule_cli_report(v, status_fd);
		if (report.mailbox_left_out)
			mule_note("the mailbox MULE/ is not in the manifest: "
			    "only MULE/VERSION was checked there");
		err = report_files(&report, strict);
		mule_manifest_report_release(&report);
	}
	if (fd > 0)
		close(fd);
	free(names[1]);
	free(path);
	return err;
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_check_opts co = { .max_size = MULE_DEFAULT_MAX_SIZE };
	struct mule_output *out = NULL;
	struct mule_verdict v = { 0 };
	const char *manifest = NULL, *manifest_file = NULL;
	int c, fd = -1, dfd = -1, strict = 0, status_fd = -1, nargs;
	gpg_error_t err;

	mule_cli_init(&cli, argv, usage);
	while ((c = getopt_long(argc, argv, ":" MULE_CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_TEXT: co.text_ok = 1; break;
		case OPT_MANIFEST: manifest = optarg; break;
		case OPT_MANIFEST_FILE: manifest_file = optarg; break;
		case OPT_STRICT: strict = 1; break;
		case MULE_OPT_STATUS_FD:
			status_fd = mule_cli_status_fd(optarg);
			break;
		case OPT_MAX_SIZE:
			if (mule_size_parse(optarg, &co.max_size))
				mule_usage_error("--max-size: invalid size '%s'",
				    optarg);
			break;
		default:
			if (!mule_cli_signer_option(&co.accept, c, optarg))
				mule_cli_option(&cli, c, optarg);
			break;
		}
	}
	nargs = argc - optind;
	if (manifest ? nargs > 0 : nargs > 2)
		mule_usage_error("too many arguments");
	if ((manifest_file || strict) && !manifest)
		mule_usage_error("--manifest-file and --strict go with --manifest");
	if ((nargs == 2 || manifest) && cli.output)
		mule_usage_error("-o has no use with a detached signature or "
		    "a manifest");
	if (nargs == 2 && !strcmp(argv[optind], "-")
	    && !strcmp(argv[optind + 1], "-"))
		mule_usage_error("the signature and the data cannot both be "
		    "standard input");
	mule_cli_start(&cli);

	if (manifest) {
		err = check_manifest(&cli, &co, manifest, manifest_file, strict,
		    status_fd, &v);
	} else if (nargs == 2) {
		err = mule_input_open(&fd, argv[optind]);
		if (!err)
			err = mule_cli_input(&cli, &dfd, argv[optind + 1],
			    "verifying");
		if (!err)
			err = mule_check_detached(&cli.gpg, &co, fd, dfd, &v);
	} else {
		err = mule_cli_input(&cli, &fd, argv[optind], "verifying");
		if (!err)
			err = mule_output_open(&out, cli.output, MULE_OUTPUT_HOLD
			    | (cli.force ? MULE_OUTPUT_FORCE : 0));
		if (!err)
			err = mule_check_signed(&cli.gpg, &co, fd, out, &v);
	}
	mule_output_free(out);
	if (fd > 0)
		close(fd);
	if (dfd > 0)
		close(dfd);
	mule_cli_signer_release(&co.accept);
	if (err)
		mule_cli_fail(&cli, err);
	if (!manifest)
		mule_cli_report(&v, status_fd);
	mule_verdict_release(&v);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
