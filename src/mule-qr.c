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
#include "core/text.h"
#include "pgp/armor.h"
#include "qr/decode.h"
#include "qr/encode.h"
#include "qr/show.h"
#include "qr/ur.h"

static const char usage[] =
"usage: mule-qr encode -o DIR [--extra PCT] [--fragment BYTES] [--ec L|M|Q|H]\n"
"                      [--scale PX] [--max-version V] [--html [--fps N]]\n"
"                      [--force] [FILE]\n"
"       mule-qr encode --text [-o FILE] [options] [FILE]\n"
"       mule-qr decode [-o FILE] [--armor] [--max-size SIZE] [--json]\n"
"                      [FILE|DIR ...]\n"
"       mule-qr decode --text [-o FILE] [--armor] [--max-size SIZE] [--json]\n"
"       mule-qr scan [--device DEV] [-o FILE] [--armor] [--max-size SIZE]\n"
"                    [--json]\n"
"       mule-qr show [--fps N] [--count N] [--fragment BYTES] [--ec L|M|Q|H]\n"
"                    [--max-version V] [FILE]\n"
"Carry data across the air gap as QR codes in the UR format: animated in\n"
"the terminal, as PNG frames or a web page, read back from a camera or\n"
"images in any order, some lost.  Pixels are parsed in a sandbox.\n"
"\n"
"      --extra PCT             fountain frames beyond the plain ones, in\n"
"                              percent (default 100, and at least 30)\n"
"      --fragment BYTES        bytes per frame (default 400; show: at\n"
"                              most that, less on a small terminal)\n"
"      --ec L|M|Q|H            error correction level (default L)\n"
"      --scale PX              pixels per module, at least 2 (default 4)\n"
"      --max-version V         largest QR version, 1 to 40 (default 20)\n"
"      --html                  encode: also DIR/index.html, a page that\n"
"                              plays the frames on any screen\n"
"      --fps N                 show, encode --html: codes a second, 1 to\n"
"                              30 (default 5)\n"
"      --device DEV            scan: the camera (default /dev/video0)\n"
"      --count N               show: stop after N codes (default: at q\n"
"                              or Ctrl-C)\n"
"      --text                  UR text, one part a line, not images\n"
"      --max-size SIZE         refuse a larger message (default 1M)\n"
"  -a, --armor                 decode, scan: ASCII armour (PGP MESSAGE, or PGP\n"
"                              PUBLIC KEY BLOCK for a key)\n"
"      --json                  decode, scan: how it went, as JSON on standard\n"
"                              output (needs -o FILE)\n"
"  -o, --output DIR|FILE       encode: the frames' directory;\n"
"                              decode, scan: write to FILE, atomically\n"
"      --force                 encode: replace the frames in DIR;\n"
"                              decode, scan: replace FILE\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error\n"
"(decode, scan: also input incomplete, or the reader failed).\n";

enum {
	OPT_EXTRA = MULE_OPT_TOOL, OPT_FRAGMENT, OPT_EC, OPT_SCALE,
	OPT_MAX_VERSION, OPT_TEXT, OPT_MAX_SIZE, OPT_FPS, OPT_COUNT, OPT_JSON,
	OPT_HTML, OPT_DEVICE
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
	{ "fps", required_argument, NULL, OPT_FPS },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "html", no_argument, NULL, OPT_HTML },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ NULL, 0, NULL, 0 }
};

/* The commands, and which of them take each option. */
enum { ENCODE = 1, DECODE = 2, SHOW = 4, SCAN = 8 };

static const struct owner {
	int opt;
	const char *name;
	int commands;
} owners[] = {
	{ OPT_EXTRA, "--extra", ENCODE },
	{ OPT_SCALE, "--scale", ENCODE },
	{ OPT_FRAGMENT, "--fragment", ENCODE | SHOW },
	{ OPT_EC, "--ec", ENCODE | SHOW },
	{ OPT_MAX_VERSION, "--max-version", ENCODE | SHOW },
	{ OPT_TEXT, "--text", ENCODE | DECODE },
	{ 'o', "--output", ENCODE | DECODE | SCAN },
	{ MULE_OPT_FORCE, "--force", ENCODE | DECODE | SCAN },
	{ OPT_MAX_SIZE, "--max-size", DECODE | SCAN },
	{ 'a', "--armor", DECODE | SCAN },
	{ OPT_JSON, "--json", DECODE | SCAN },
	{ OPT_FPS, "--fps", SHOW | ENCODE },
	{ OPT_COUNT, "--count", SHOW },
	{ OPT_HTML, "--html", ENCODE },
	{ OPT_DEVICE, "--device", SCAN },
};
#define NOWNERS (sizeof owners / sizeof owners[0])

struct args {
	struct mule_qr_encode_opts enc;
	int scale, text, armor, fragment_given, fps, count, json, html;
	const char *device;
	size_t max_size;
	unsigned given;		/* bit I: owners[I] was given */
};

/* The bit of struct args' GIVEN for option C. */
static unsigned
given_bit(int c)
{
	size_t i;

	for (i = 0; i < NOWNERS; i++)
		if (owners[i].opt == c)
			return 1u << i;
	return 0;
}

/* Exit with a usage error for an option COMMAND does not take. */
static void
check_given(const struct args *a, int command, const char *name)
{
	size_t i;

	for (i = 0; i < NOWNERS; i++)
		if ((a->given & 1u << i) && !(owners[i].commands & command))
			mule_usage_error("%s is not an option of mule-qr %s",
			    owners[i].name, name);
}

static void
parse(int argc, char **argv, struct mule_cli *cli, struct args *a)
{
	int c;

	while ((c = getopt_long(argc, argv, ":ao:qhV", longopts, NULL))
	    != -1) {
		a->given |= given_bit(c);
		switch (c) {
		case OPT_EXTRA: a->enc.extra = (unsigned)mule_cli_int(
		    "--extra", optarg); a->enc.extra_min = 0; break;
		case OPT_FRAGMENT: a->enc.fragment = (size_t)mule_cli_int(
		    "--fragment", optarg); a->fragment_given = 1; break;
		case OPT_SCALE: a->scale = mule_cli_int("--scale", optarg);
			break;
		case OPT_MAX_VERSION: a->enc.max_version = mule_cli_int(
		    "--max-version", optarg); break;
		case OPT_EC:
			if (strlen(optarg) != 1 || !strchr("LMQHlmqh", *optarg))
				mule_usage_error("--ec takes L, M, Q or H");
			a->enc.level = (char)(*optarg & ~0x20);
			break;
		case OPT_FPS: a->fps = mule_cli_int("--fps", optarg); break;
		case OPT_COUNT: a->count = mule_cli_int("--count", optarg);
			break;
		case OPT_TEXT: a->text = 1; break;
		case OPT_MAX_SIZE: a->max_size = (size_t)mule_cli_size(
		    "--max-size", optarg);
			if (!a->max_size)
				mule_usage_error("--max-size: at least 1 byte");
			break;
		case 'a': a->armor = 1; break;
		case OPT_JSON: a->json = 1; break;
		case OPT_HTML: a->html = 1; break;
		case OPT_DEVICE: a->device = optarg; break;
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
	if (a->fps < 1 || a->fps > MULE_QR_FPS_MAX)
		mule_usage_error("--fps: 1 to %d", MULE_QR_FPS_MAX);
	if (a->count < 0)
		mule_usage_error("--count: 0 or more");
}

static gpg_error_t
run_encode(struct mule_cli *cli, struct args *a, const char *file)
{
	struct mule_membuf payload = { NULL, 0, 0, 0, NULL };
	struct mule_output *out = NULL;
	struct mule_qr_encoded r;
	gpg_error_t err;

	err = mule_qr_payload_load(file, MULE_QR_MAX_INPUT, &payload);
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
		    a->scale, cli->output, cli->force,
		    a->html ? (unsigned)a->fps : 0, &r);
	if (!err)
		mule_note("%zu %s in %zu QR code%s (version %d, level %c)",
		    payload.len, mule_plural(payload.len, "byte", "bytes"),
		    r.count, r.count == 1 ? "" : "s", r.version,
		    a->enc.level);
	mule_output_free(out);
	mule_membuf_release(&payload);
	return err;
}

/* The tests stand a stream of image files in for a camera (camera.h):
 * with test hooks built in, MULE_TEST_FRAMES names it.  -1: none. */
static int
test_frames(void)
{
#ifdef MULE_TEST_HOOKS
	const char *path = getenv("MULE_TEST_FRAMES");
	int fd = -1;

	if (path && mule_input_open(&fd, path))
		mule_fail(gpg_error(GPG_ERR_ENOENT), path);
	return fd;
#else
	return -1;
#endif
}

/* scan: frames from the camera until the message is complete. */
static gpg_error_t
scan(struct mule_cli *cli, struct args *a, struct mule_qr_decoder *dec)
{
	const char *device = a->device ? a->device : "/dev/video0";
	int frames = test_frames();
	gpg_error_t err;

	if (frames < 0 && !cli->quiet && isatty(STDERR_FILENO))
		mule_note("reading the camera %s: show it the codes; Ctrl-C "
		    "stops", device);
	err = mule_qr_decoder_scan(dec, frames < 0 ? device : NULL, frames,
	    a->json);
	if (frames > 0)
		close(frames);
	return err;
}

static gpg_error_t
run_decode(struct mule_cli *cli, struct args *a, int command, int nfiles,
    char **files)
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
	if (!err && command == SCAN)
		err = scan(cli, a, dec);
	else if (!err && a->text) {
		mule_input_tty_note(STDIN_FILENO);
		err = mule_qr_decoder_text(dec, STDIN_FILENO);
	}
	for (i = 0; !err && command == DECODE && !a->text
	    && i < (nfiles ? nfiles : 1); i++)
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
	/* The report lost is a failure: exit 2, and no file written. */
	if (dec && a->json) {
		mule_qr_decoder_json(dec, err, stdout);
		if (fflush(stdout) == EOF && !err) {
			err = mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
			    "writing the report to standard output failed");
			mule_output_uncommit(out);
		}
	}
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
		mule_note("%zu %s from %zu part%s", n, mule_plural(n, "byte",
		    "bytes"), s.used,
		    s.used == 1 ? "" : "s");
	}
	mule_qr_decoder_free(dec);
	mule_output_free(out);
	return err;
}

static gpg_error_t
run_show(struct mule_cli *cli, struct args *a, const char *file)
{
	struct mule_membuf payload = { NULL, 0, 0, 0, NULL };
	struct mule_qr_show_opts o = { a->enc, a->fragment_given,
	    (unsigned)a->fps, (unsigned long)a->count, cli->quiet };
	struct mule_qr_shown r;
	gpg_error_t err;

	err = mule_qr_payload_load(file, MULE_QR_MAX_INPUT, &payload);
	if (!err)
		err = mule_qr_show(payload.p, payload.len, &o, STDOUT_FILENO,
		    &r);
	if (!err)
		mule_note("%lu QR code%s shown of %zu %s (version %d, level "
		    "%c)", r.count, r.count == 1 ? "" : "s", payload.len,
		    mule_plural(payload.len, "byte", "bytes"),
		    r.version, a->enc.level);
	mule_membuf_release(&payload);
	return err;
}

int
main(int argc, char **argv)
{
	static const struct { const char *name; int command; } commands[] = {
		{ "encode", ENCODE }, { "decode", DECODE }, { "show", SHOW },
		{ "scan", SCAN },
	};
	struct mule_cli cli;
	struct args a = {
		.enc = { MULE_QR_FRAGMENT_DEFAULT, MULE_QR_EXTRA_DEFAULT, 'L',
		    MULE_QR_MAX_VERSION_DEFAULT, MULE_QR_EXTRA_MIN_DEFAULT },
		.scale = 4, .fps = MULE_QR_FPS_DEFAULT
	};
	const char *cmd;
	gpg_error_t err;
	int command = 0;
	size_t i;

	mule_cli_init(&cli, argv, usage);
	parse(argc, argv, &cli, &a);
	if (optind >= argc)
		mule_usage_error("no command: encode, decode, scan or show");
	cmd = argv[optind++];
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			command = commands[i].command;
	if (!command)
		mule_usage_error("unknown command '%s'", cmd);
	check_given(&a, command, cmd);
	if (command != DECODE && argc - optind > 1)
		mule_usage_error("more than one input file");
	if (command == ENCODE && !a.text
	    && (!cli.output || !strcmp(cli.output, "-")))
		mule_usage_error("mule-qr encode needs -o and a directory "
		    "(or --text)");
	if (command == DECODE && a.text && argc > optind)
		mule_usage_error("decode --text reads standard input only");
	if (command == SCAN && argc > optind)
		mule_usage_error("scan reads the camera: files go to mule-qr "
		    "decode");
	if (a.html && a.text)
		mule_usage_error("--html makes a page of image frames: not "
		    "with --text");
	if (command == ENCODE && (a.given & given_bit(OPT_FPS)) && !a.html)
		mule_usage_error("--fps goes with --html (or mule-qr show)");
	if (a.json && (!cli.output || !strcmp(cli.output, "-")))
		mule_usage_error("%s --json prints on standard output: the "
		    "payload needs -o and a file", cmd);
	if ((err = mule_secret_init()))
		mule_cli_fail(&cli, err);
	if (command == ENCODE)
		err = run_encode(&cli, &a, argv[optind]);
	else if (command == DECODE || command == SCAN)
		err = run_decode(&cli, &a, command, argc - optind,
		    argv + optind);
	else
		err = run_show(&cli, &a, argv[optind]);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
