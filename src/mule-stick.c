/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-stick - batch exchange of sealed items through a USB stick. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/error.h"
#include "core/jsonlog.h"
#include "core/text.h"
#include "stick/folder.h"
#include "stick/get.h"
#include "stick/list.h"
#include "stick/outbox.h"
#include "stick/put.h"
#include "stick/retry.h"
#include "stick/sentlist.h"
#include "tar/bundle.h"
#include "tar/parts.h"

static const char usage[] =
"usage: mule-stick init STICK\n"
"       mule-stick put STICK -r USERID... [-R KEYFILE]... [options] ITEM...\n"
"       mule-stick put --queue -r USERID... [options] ITEM...\n"
"       mule-stick sync STICK [--json]\n"
"       mule-stick list STICK [--json] [--journal FILE]\n"
"       mule-stick get STICK -C DIR [options]\n"
"       mule-stick retry STICK [CID...] [--journal FILE]\n"
"       mule-stick sent [-r USERID...] [--older DAYS] [--json]\n"
"Carry sealed items between machines on a stick: put seals files,\n"
"directories or standard input (\"-\") for their recipients; get takes in\n"
"everything addressed to you, verified, each item exactly once; list\n"
"shows what waits, and what was rejected and why; retry puts items this\n"
"machine rejected back for the next get.  While the stick is away, put\n"
"--queue seals into the outbox, and sync moves what waits there onto\n"
"the stick.\n"
"\n"
"put:\n"
"      --queue                 seal into the outbox, not onto a stick\n"
"  -r, --recipient USERID      seal for this key (repeatable)\n"
"  -R, --recipient-file FILE   seal for the key in FILE, not imported\n"
"  -u, --local-user USERID     sign with this key (default: gpg's default key)\n"
"      --hide-recipients       no key IDs, stored in the shared folder\n"
"      --split SIZE            store in parts of SIZE (FAT: 4000M)\n"
"\n"
"get:\n"
"  -C, --directory DIR         deliver below DIR (required)\n"
"      --signer FPR|USERID     accept only this signer (repeatable)\n"
"      --signer-file KEYFILE   accept only the key in KEYFILE, not imported\n"
"      --max-size SIZE         skip larger items, refuse more data (default 8G)\n"
"      --max-files N           refuse items with more entries (default 1000000)\n"
"      --journal FILE          get, list, retry: the journal of this machine\n"
"      --receipts              put a signed receipt for each sender\n"
"      --remove                remove delivered items from the stick\n"
"\n"
"sent (what I put, and which receipts came back):\n"
"  -r, --recipient USERID      only items for this key (repeatable)\n"
"      --older DAYS            only items waiting for more than DAYS days\n"
"\n"
"      --json                  put, sync, list, get, sent: one JSON array\n"
"                              on standard output\n"
"      --passphrase-file FILE  read the passphrase from FILE's first line\n"
"      --passphrase-fd N       read the passphrase from descriptor N\n"
"      --forget-passphrase     gpg-agent forgets the passphrases this run\n"
"                              unlocked, however it ends\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 an item rejected or replayed, 2 usage or\n"
"operational error (an item that retry cannot put back among them).\n";

enum {
	OPT_HIDE = MULE_OPT_TOOL, OPT_SPLIT,
	OPT_MAX_SIZE, OPT_MAX_FILES, OPT_JOURNAL, OPT_RECEIPTS, OPT_REMOVE,
	OPT_JSON, OPT_OLDER, OPT_QUEUE
};

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	{ "recipient", required_argument, NULL, 'r' },
	{ "recipient-file", required_argument, NULL, 'R' },
	{ "local-user", required_argument, NULL, 'u' },
	{ "hide-recipients", no_argument, NULL, OPT_HIDE },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "queue", no_argument, NULL, OPT_QUEUE },
	{ "directory", required_argument, NULL, 'C' },
	MULE_CLI_SIGNER_LONGOPTS,
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "receipts", no_argument, NULL, OPT_RECEIPTS },
	{ "remove", no_argument, NULL, OPT_REMOVE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "older", required_argument, NULL, OPT_OLDER },
	MULE_CLI_FORGET_LONGOPT,
	{ NULL, 0, NULL, 0 }
};

/* Which subcommand an option belongs to, for the usage check. */
struct args {
	const char *cmd;
	const char **recipients;
	size_t nrecipients;
	const char **files;	/* -R */
	size_t nfiles;
	const char *signer;
	int hide;
	uint64_t split;
	const char *dir;
	const char *put_only, *get_only;
	const char *journal;
	int json;
	int older;		/* sent --older DAYS, -1: none */
	int queue;
};

static void
only(const char **slot, const char *name)
{
	if (!*slot)
		*slot = name;
}

static void
parse(int argc, char **argv, struct mule_cli *cli, struct args *a,
    struct mule_stick_get_opts *g)
{
	const char *name;
	int c;

	while ((c = getopt_long(argc, argv, ":r:R:u:C:" MULE_CLI_SHORTOPTS,
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->recipients[a->nrecipients++] = optarg;
			break;
		case 'R':
			a->files[a->nfiles++] = optarg;
			only(&a->put_only, "-R");
			break;
		case 'u':
			a->signer = optarg;
			only(&a->put_only, "-u");
			break;
		case OPT_HIDE:
			a->hide = 1;
			only(&a->put_only, "--hide-recipients");
			break;
		case OPT_SPLIT:
			if (mule_size_parse(optarg, &a->split)
			    || a->split < MULE_PARTS_MIN_SIZE)
				mule_usage_error("--split: invalid size '%s' "
				    "(at least 1K)", optarg);
			only(&a->put_only, "--split");
			break;
		case OPT_QUEUE:
			a->queue = 1;
			only(&a->put_only, "--queue");
			break;
		case 'C':
			a->dir = optarg;
			only(&a->get_only, "-C");
			break;
		case OPT_MAX_SIZE:
			if (mule_size_parse(optarg, &g->open.max_size))
				mule_usage_error("--max-size: invalid size '%s'",
				    optarg);
			g->tar.max_size = g->open.max_size;
			only(&a->get_only, "--max-size");
			break;
		case OPT_MAX_FILES:
			g->tar.max_files = (uint64_t)mule_cli_int("--max-files",
			    optarg);
			only(&a->get_only, "--max-files");
			break;
		case OPT_JOURNAL:
			g->journal = a->journal = optarg;
			break;
		case OPT_RECEIPTS:
			g->receipts = 1;
			only(&a->get_only, "--receipts");
			break;
		case OPT_REMOVE:
			g->remove = 1;
			only(&a->get_only, "--remove");
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_OLDER:
			a->older = mule_cli_int("--older", optarg);
			break;
		default:
			if ((name = mule_cli_signer_option(&g->open.accept, c,
			    optarg)))
				only(&a->get_only, name);
			else
				mule_cli_option(cli, c, optarg);
			break;
		}
	}
}

/* Does ARG look like a stick: a directory holding MULE/VERSION? */
static int
is_stick(const char *arg)
{
	struct stat st;
	char *p;
	int yes;

	if (asprintf(&p, "%s/MULE/VERSION", arg) < 0)
		return 0;
	yes = stat(p, &st) == 0;
	free(p);
	return yes;
}

static void
check_usage(const struct mule_cli *cli, const struct args *a, int nargs,
    char **args)
{
	int put = !strcmp(a->cmd, "put"), get = !strcmp(a->cmd, "get");
	int list = !strcmp(a->cmd, "list"), retry = !strcmp(a->cmd, "retry");
	int sent = !strcmp(a->cmd, "sent"), sync = !strcmp(a->cmd, "sync");
	int i, stdin_items = 0, first = a->queue ? 0 : 1;

	if (a->nrecipients && !put && !sent)
		mule_usage_error("-r is for put and sent, not for %s", a->cmd);
	if (a->older >= 0 && !sent)
		mule_usage_error("--older is for sent, not for %s", a->cmd);
	if (sent && nargs > 0)
		mule_usage_error("sent: no stick, nothing more (it reads the "
		    "record of this machine)");
	if (nargs < 1 && !sent && !a->queue)
		mule_usage_error("%s: name the stick (its mount point)", a->cmd);
	for (i = first; put && i < nargs; i++)
		stdin_items += !strcmp(args[i], "-");
	if (stdin_items > 1)
		mule_usage_error("put: standard input (-) once at most");
	if (!put && a->put_only)
		mule_usage_error("%s is for put, not for %s", a->put_only,
		    a->cmd);
	if (!get && a->get_only)
		mule_usage_error("%s is for get, not for %s", a->get_only,
		    a->cmd);
	if (a->json && !get && !put && !list && !sent && !sync)
		mule_usage_error("--json is for put, sync, list, get and sent");
	if (a->journal && !get && !list && !retry)
		mule_usage_error("--journal is for get, list and retry");
	if (cli->output)
		mule_usage_error("-o is not for mule-stick");
	if (put && !a->nrecipients && !a->nfiles)
		mule_usage_error("put: name the recipients with -r or -R");
	if (put && nargs < first + 1)
		mule_usage_error("put: name what to put (a file, a directory, "
		    "or - for standard input)");
	/* The outbox is for while the stick is away: a stick named there
	 * is a mistake (sync STICK moves what waits). */
	if (a->queue && is_stick(args[0]))
		mule_usage_error("put --queue takes no stick: %s is one (put "
		    "onto it without --queue, or sync it after put --queue)",
		    args[0]);
	if (!put && !retry && !sent && nargs > 1)
		mule_usage_error("%s: one stick, nothing more", a->cmd);
	if (get && !a->dir)
		mule_usage_error("get: name the directory to deliver into "
		    "with -C");
}

static void
put_opts(const struct mule_cli *cli, const struct args *a,
    struct mule_stick_put_opts *o)
{
	memset(o, 0, sizeof *o);
	o->signer = a->signer;
	o->recipients = a->recipients;
	o->nrecipients = a->nrecipients;
	o->recipient_files = a->files;
	o->nrecipient_files = a->nfiles;
	o->hide_recipients = a->hide;
	o->split = a->split;
	o->quiet = cli->quiet;
	o->json = a->json;
}

static gpg_error_t
put(struct mule_cli *cli, const struct mule_stick *s, const struct args *a,
    char **items, size_t nitems)
{
	struct mule_stick_put_opts o;

	put_opts(cli, a, &o);
	return mule_stick_put_items(&cli->gpg, s, &o,
	    (const char *const *)items, nitems);
}

/* put --queue and sync: the outbox, with or without a stick. */
static gpg_error_t
outbox(struct mule_cli *cli, const struct args *a, char **args, int nargs)
{
	struct mule_outbox_queue_opts q;
	struct mule_outbox_sync_opts y;

	if (!strcmp(a->cmd, "sync")) {
		memset(&y, 0, sizeof y);
		y.json = a->json;
		y.quiet = cli->quiet;
		return mule_outbox_sync(&cli->gpg, args[0], &y);
	}
	memset(&q, 0, sizeof q);
	put_opts(cli, a, &q.put);
	return mule_outbox_queue(&cli->gpg, &q, (const char *const *)args,
	    (size_t)nargs);
}

static gpg_error_t
list(struct mule_cli *cli, const struct mule_stick *s, const struct args *a)
{
	struct mule_stick_list_opts o;

	memset(&o, 0, sizeof o);
	o.journal = a->journal;
	o.json = a->json;
	return mule_stick_list(&cli->gpg, s, &o);
}

static gpg_error_t
retry(struct mule_cli *cli, const struct mule_stick *s, const struct args *a,
    char **ids, size_t nids)
{
	struct mule_stick_retry_opts o;

	memset(&o, 0, sizeof o);
	o.journal = a->journal;
	o.ids = (const char *const *)ids;
	o.nids = nids;
	return mule_stick_retry(&cli->gpg, s, &o);
}

static gpg_error_t
sent(struct mule_cli *cli, const struct args *a)
{
	struct mule_stick_sent_opts o;

	memset(&o, 0, sizeof o);
	o.recipients = a->recipients;
	o.nrecipients = a->nrecipients;
	o.older = a->older;
	o.json = a->json;
	o.quiet = cli->quiet;
	return mule_stick_sent_list(&cli->gpg, &o);
}

/* What main hands every command. */
struct run {
	struct mule_cli *cli;
	struct args *a;
	struct mule_stick_get_opts *g;
	char **args;		/* after the command */
	int nargs;
	int *rejected;
};

static gpg_error_t
cmd_init(struct run *r)
{
	return mule_stick_init(r->args[0]);
}

static gpg_error_t
cmd_sent(struct run *r)
{
	return sent(r->cli, r->a);
}

static gpg_error_t
cmd_sync(struct run *r)
{
	return outbox(r->cli, r->a, r->args, r->nargs);
}

/* put, list, retry and get: on the stick named first. */
static gpg_error_t
on_stick(struct run *r)
{
	struct mule_stick stick;
	const char *cmd = r->a->cmd;
	gpg_error_t err;

	memset(&stick, 0, sizeof stick);
	err = mule_stick_open(&stick, r->args[0]);
	if (!err && !strcmp(cmd, "put"))
		err = put(r->cli, &stick, r->a, r->args + 1,
		    (size_t)(r->nargs - 1));
	else if (!err && !strcmp(cmd, "list"))
		err = list(r->cli, &stick, r->a);
	else if (!err && !strcmp(cmd, "retry"))
		err = retry(r->cli, &stick, r->a, r->args + 1,
		    (size_t)(r->nargs - 1));
	else if (!err) {
		r->g->dir = r->a->dir;
		r->g->json = r->a->json;
		r->g->quiet = r->cli->quiet;
		err = mule_stick_get(&r->cli->gpg, &stick, r->g, r->rejected);
	}
	mule_stick_close(&stick);
	return err;
}

static gpg_error_t
cmd_put(struct run *r)
{
	return r->a->queue ? outbox(r->cli, r->a, r->args, r->nargs)
	    : on_stick(r);
}

/* The commands, in the order the usage names them. */
static const struct command {
	const char *name;
	gpg_error_t (*run)(struct run *);
} commands[] = {
	{ "init", cmd_init },
	{ "put", cmd_put },
	{ "sync", cmd_sync },
	{ "list", on_stick },
	{ "get", on_stick },
	{ "retry", on_stick },
	{ "sent", cmd_sent },
	{ NULL, NULL }
};

/* "init, put, ... or sent", for the usage error. */
static const char *
command_names(void)
{
	static char names[128];
	const struct command *c;
	size_t len = 0;

	for (c = commands; c->name && len < sizeof names; c++)
		len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
		    c == commands ? "" : c[1].name ? ", " : " or ", c->name);
	return names;
}

static const struct command *
find_command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	mule_usage_error("unknown command '%s'", name);
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct mule_stick_get_opts g;
	const struct command *cmd;
	struct run r;
	struct args a;
	gpg_error_t err = 0;
	int rejected = 0, nargs;

	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	mule_cli_init(&cli, argv, usage);
	memset(&a, 0, sizeof a);
	memset(&g, 0, sizeof g);
	a.older = -1;
	g.open.max_size = g.tar.max_size = MULE_DEFAULT_MAX_SIZE;
	g.open.refuse_symmetric = 1;	/* anyone may plant items */
	g.tar.max_files = MULE_DEFAULT_MAX_FILES;
	a.recipients = calloc(argc, sizeof *a.recipients);
	a.files = calloc(argc, sizeof *a.files);
	if (!a.recipients || !a.files)
		mule_fail(gpg_error_from_syserror(), NULL);
	if (argc > 1 && argv[1][0] != '-') {
		a.cmd = argv[1];
		optind = 2;
	}
	parse(argc, argv, &cli, &a, &g);
	if (!a.cmd)
		mule_usage_error("name a command: %s", command_names());
	cmd = find_command(a.cmd);
	nargs = argc - optind;
	check_usage(&cli, &a, nargs, argv + optind);
	mule_cli_start(&cli);

	r = (struct run){ &cli, &a, &g, argv + optind, nargs, &rejected };
	err = cmd->run(&r);
	free(a.recipients);
	free(a.files);
	mule_cli_signer_release(&g.open.accept);
	/* Stopped before its report began (no stick, a damaged record):
	 * with --json, standard output is still one document. */
	if (err && a.json && !mule_jsonlog_printed())
		fputs("[]\n", stdout);
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return rejected ? MULE_EXIT_REJECTED : MULE_EXIT_OK;
}
