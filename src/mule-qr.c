/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-qr - carry sealed data across the air gap as QR codes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/secret.h"
#include "core/stream.h"
#include "pgp/armor.h"
#include "qr/decode.h"
#include "qr/encode.h"
#include "qr/ur.h"

static const char usage[] =
"usage: mule-qr encode -o DIR [--extra PCT] [--fragment BYTES] [--ec L|M|Q|H]\n"
"                      [--scale PX] [--max-version V] [--force] [FILE]\n"
"       mule-qr encode --text [-o FILE] [options] [FILE]\n"
"       mule-qr decode [-o FILE] [--armor] [--max-size SIZE] [--json]\n"
"                      [FILE|DIR ...]\n"
"       mule-qr decode --text [-o FILE] [--armor] [--max-size SIZE] [--json]\n"
"Carry data across the air gap as QR codes in the UR format: PNG frames\n"
"to show or print, read back from images in any order, some lost.\n"
"\n"
"      --extra PCT             fountain frames beyond the plain ones, in\n"
"                              percent (default 100)\n"
"      --fragment BYTES        bytes per frame (default 400)\n"
"      --ec L|M|Q|H            error correction level (default L)\n"
"      --scale PX              pixels per module, at least 2 (default 4)\n"
"      --max-version V         largest QR version, 1 to 40 (default 20)\n"
"      --text                  UR text, one part a line, not images\n"
"      --max-size SIZE         refuse a larger message (default 1M)\n"
"  -a, --armor                 decode: ASCII armour (PGP MESSAGE, or PGP\n"
"                              PUBLIC KEY BLOCK for a key)\n"
"      --json                  decode: how it went, as JSON on standard\n"
"                              output (needs -o FILE)\n"
"  -o, --output DIR|FILE       encode: the frames' directory;\n"
"                              decode: write to FILE, atomically\n"
"      --force                 encode: replace the frames in DIR;\n"
"                              decode: replace FILE\n"
"  -q, --quiet                 print errors only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error\n"
"(decode: also input incomplete).\n";

enum {
	OPT_EXTRA = MULE_OPT_TOOL, OPT_FRAGMENT, OPT_EC, OPT_SCALE,
	OPT_MAX_VERSION, OPT_TEXT, OPT_MAX_SIZE, OPT_JSON
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, MULE_OPT_FORCE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "extra", required_argument, NULL, OPT_EXTRA },
	{ "fragment", required_argument, NULL, OPT_FRAGMENT },
	{ "ec", required_argument, NULL, OPT_EC },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "max-version", required_argument, NULL, OPT_MAX_VERSION },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

struct args {
	struct mule_qr_encode_opts enc;
	int scale, text, armor, encode_only, decode_only, json;
	size_t max_size;
};

static void
parse(int argc, char **argv, struct mule_cli *cli, struct args *a)
{
	int c;

	while ((c = getopt_long(argc, argv, ":ao:qhV", longopts, NULL))
	    != -1) {
		switch (c) {
		case OPT_EXTRA: a->enc.extra = (unsigned)mule_cli_int(
		    "--extra", optarg); a->encode_only = 1; break;
		case OPT_FRAGMENT: a->enc.fragment = (size_t)mule_cli_int(
		    "--fragment", optarg); a->encode_only = 1; break;
		case OPT_SCALE: a->scale = mule_cli_int("--scale", optarg);
			a->encode_only = 1; break;
		case OPT_MAX_VERSION: a->enc.max_version = mule_cli_int(
		    "--max-version", optarg); a->encode_only = 1; break;
		case OPT_EC:
			if (strlen(optarg) != 1 || !strchr("LMQHlmqh", *optarg))
				mule_usage_error("--ec takes L, M, Q or H");
			a->enc.level = (char)(*optarg & ~0x20);
			a->encode_only = 1;
			break;
		case OPT_TEXT: a->text = 1; break;
		case OPT_MAX_SIZE: a->max_size = (size_t)mule_cli_size(
		    "--max-size", optarg); a->decode_only = 1;
			if (!a->max_size)
				mule_usage_error("--max-size: at least 1 byte");
			break;
		case 'a': a->armor = 1; a->decode_only = 1; break;
		case OPT_JSON: a->json = 1; a->decode_only = 1; break;
		default: mule_cli_option(cli, c, optarg); break;
		}
	}
	if (a->enc.extra > 10000)
		mule_usage_error("--extra: at most 10000");
	if (a->enc.fragment < MULE_FOUNTAIN_MIN_FRAGMENT
	    || a->enc.fragment > MULE_UR_MAX_FRAGMENT)
		mule_usage_error("--fragment: %d to %d bytes",
		    MULE_FOUNTAIN_MIN_FRAGMENT, MULE_UR_MAX_FRAGMENT);
	if (a->scale < 2 || a->scale > 64)
		mule_usage_error("--scale: 2 to 64 pixels per module");
	if (a->enc.max_version < 1 || a->enc.max_version > 40)
		mule_usage_error("--max-version: 1 to 40");
}

static gpg_error_t
run_encode(struct mule_cli *cli, struct args *a, const char *file)
{
	struct mule_membuf payload = { NULL, 0, 0, 0, NULL };
	struct mule_output *out = NULL;
	struct mule_qr_encoded r;
	gpg_error_t err;
	int fd = -1;

	err = mule_input_open(&fd, file);
	if (!err)
		err = mule_qr_payload_read(fd, a->max_size ? a->max_size
		    : 64 << 20, &payload);
	if (!err && a->text) {
		err = mule_output_open(&out, cli->output, MULE_OUTPUT_HOLD
		    | (cli->force ? MULE_OUTPUT_FORCE : 0));
		if (!err)
			err = mule_qr_write_text(payload.p, payload.len,
			    &a->enc, mule_output_write, out, &r);
		if (!err)
			err = mule_output_commit(out);
	} else if (!err)
		err = mule_qr_write_frames(payload.p, payload.len, &a->enc,
		    a->scale, cli->output, cli->force, &r);
	if (!err)
		mule_note("%zu bytes in %zu QR code%s (version %d, level %c)",
		    payload.len, r.count, r.count == 1 ? "" : "s", r.version,
		    a->enc.level);
	mule_output_free(out);
	mule_membuf_release(&payload);
	if (fd > 0)
		close(fd);
	return err;
}

static gpg_error_t
run_decode(struct mule_cli *cli, struct args *a, int nfiles, char **files)
{
	struct mule_qr_decoder *dec = NULL;
	struct mule_output *out = NULL;
	struct mule_qr_stats s;
	const unsigned char *p;
	size_t n = 0;
	gpg_error_t err;
	int i;

	/* The decoder first: --json reports even an output refused. */
	err = mule_qr_decoder_new(a->max_size, &dec);
	if (!err)
		err = mule_output_open(&out, cli->output, MULE_OUTPUT_HOLD
		    | (cli->force ? MULE_OUTPUT_FORCE : 0)
		    | (a->armor ? 0 : MULE_OUTPUT_BINARY));
	if (!err)
		mule_qr_decoder_progress_start(dec, cli->quiet);
	if (!err && a->text)
		err = mule_qr_decoder_text(dec, STDIN_FILENO);
	for (i = 0; !err && !a->text && i < (nfiles ? nfiles : 1); i++)
		err = mule_qr_decoder_path(dec, nfiles ? files[i] : NULL);
	if (dec)
		mule_qr_decoder_progress_end(dec);
	if (!err)
		err = mule_qr_decoder_finish(dec);
	p = err ? NULL : mule_qr_decoder_payload(dec, &n);
	if (!err && a->armor)
		err = mule_qr_payload_armor(p, n, mule_output_write, out);
	else if (!err)
		err = mule_output_write(out, p, n);
	if (!err)
		err = mule_output_commit(out);
	if (dec && a->json)
		mule_qr_decoder_json(dec, err, stdout);
	/* On failure the error is the one line. */
	if (dec && !err) {
		mule_qr_decoder_stats(dec, &s);
		if (s.foreign)
			mule_warn("skipped %zu QR code%s that %s no UR",
			    s.foreign, s.foreign == 1 ? "" : "s",
			    s.foreign == 1 ? "holds" : "hold");
		if (s.other)
			mule_warn("skipped %zu part%s of another message",
			    s.other, s.other == 1 ? "" : "s");
		mule_note("%zu bytes from %zu part%s", n, s.used,
		    s.used == 1 ? "" : "s");
	}
	mule_qr_decoder_free(dec);
	mule_output_free(out);
	if (a->json && fflush(stdout) == EOF && !err)
		err = mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "writing the report to standard output failed");
	return err;
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct args a = { { MULE_QR_FRAGMENT_DEFAULT, MULE_QR_EXTRA_DEFAULT,
	    'L', MULE_QR_MAX_VERSION_DEFAULT }, 4, 0, 0, 0, 0, 0, 0 };
	const char *cmd;
	gpg_error_t err;

	mule_cli_init(&cli, argv, usage);
	parse(argc, argv, &cli, &a);
	if (optind >= argc)
		mule_usage_error("no command: encode or decode");
	cmd = argv[optind++];
	if (!strcmp(cmd, "encode")) {
		if (a.decode_only)
			mule_usage_error("--armor, --json and --max-size are "
			    "options of mule-qr decode");
		if (argc - optind > 1)
			mule_usage_error("more than one input file");
		if (!a.text && (!cli.output || !strcmp(cli.output, "-")))
			mule_usage_error("mule-qr encode needs -o DIR (or "
			    "--text)");
	} else if (!strcmp(cmd, "decode")) {
		if (a.encode_only)
			mule_usage_error("--extra, --fragment, --ec, --scale "
			    "and --max-version are options of mule-qr encode");
		if (a.text && argc > optind)
			mule_usage_error("decode --text reads standard input "
			    "only");
		if (a.json && (!cli.output || !strcmp(cli.output, "-")))
			mule_usage_error("decode --json prints on standard "
			    "output: the payload needs -o FILE");
	} else
		mule_usage_error("unknown command '%s'", cmd);
	if ((err = mule_secret_init()))
		mule_cli_fail(&cli, err);
	if (!strcmp(cmd, "encode"))
		err = run_encode(&cli, &a, argv[optind]);
	else
		err = run_decode(&cli, &a, argc - optind, argv + optind);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
