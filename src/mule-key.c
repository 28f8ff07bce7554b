/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mule-key - make, carry and accept keys across the air gap. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/state.h"
#include "core/text.h"
#include "key/accept.h"
#include "key/ask.h"
#include "key/export.h"
#include "key/generate.h"
#include "key/inspect.h"
#include "key/list.h"
#include "key/prune.h"
#include "key/rotate.h"

static const char usage[] =
"usage: mule-key generate [--expire DAYS] [--subkey-days DAYS]\n"
"                         [--no-passphrase] [--force] \"NAME <EMAIL>\"\n"
"       mule-key export [-o FILE] [--binary] [USERID|FPR]\n"
"       mule-key fingerprint [KEYFILE|USERID|FPR]\n"
"       mule-key import [--fingerprint WORDS|FPR] [-u USERID] FILE|-\n"
"       mule-key list [--json]\n"
"       mule-key rotate [--subkey-days DAYS] [--force] [-u USERID]\n"
"       mule-key prune [--grace DAYS] [--force] [-u USERID]\n"
"Make your key, carry certificates across the gap, and accept a peer's\n"
"key only after comparing its fingerprint with the other machine;\n"
"replace your encryption subkey at half-life, and destroy the secrets of\n"
"retired ones once nothing in flight needs them.\n"
"\n"
"      --expire DAYS           the primary key expires (default: never)\n"
"      --subkey-days DAYS      the encryption subkey expires (default 60)\n"
"      --grace DAYS            prune keeps a subkey used within (default:\n"
"                              one rotation period, half its lifetime)\n"
"      --no-passphrase         no passphrase on the new key\n"
"      --fingerprint WORDS|FPR what mule-key fingerprint shows on the\n"
"                              machine the key comes from (for scripts)\n"
"  -u, --local-user USERID     your key (import: the one that certifies)\n"
"      --max-size SIZE         refuse a key file larger (default 1M)\n"
"      --binary                binary output instead of ASCII armour\n"
"  -a, --armor                 ASCII armour (the default)\n"
"      --json                  list as JSON\n"
"  -o, --output FILE           write to FILE, atomically\n"
"      --force                 replace FILE; make a second key for a name;\n"
"                              rotate before half-life; prune them all\n"
"      --passphrase-file FILE  read the passphrase from FILE's first line\n"
"      --passphrase-fd N       read the passphrase from descriptor N\n"
"      --homedir DIR           use DIR as the GnuPG home\n"
"  -q, --quiet                 print errors and warnings only\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"Exit status: 0 success, 1 input rejected, 2 usage or operational error.\n";

enum {
	OPT_EXPIRE = MULE_OPT_TOOL, OPT_SUBKEY_DAYS, OPT_NO_PASSPHRASE,
	OPT_FINGERPRINT, OPT_MAX_SIZE, OPT_BINARY, OPT_JSON, OPT_GRACE
};

static const struct option longopts[] = {
	MULE_CLI_LONGOPTS,
	{ "expire", required_argument, NULL, OPT_EXPIRE },
	{ "subkey-days", required_argument, NULL, OPT_SUBKEY_DAYS },
	{ "no-passphrase", no_argument, NULL, OPT_NO_PASSPHRASE },
	{ "fingerprint", required_argument, NULL, OPT_FINGERPRINT },
	{ "local-user", required_argument, NULL, 'u' },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "armor", no_argument, NULL, 'a' },
	{ "armour", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ NULL, 0, NULL, 0 }
};

/* The commands, with the options each takes (by letter or number). */
static const struct command {
	const char *name;
	int min_args, max_args;
	int opts[6];
} commands[] = {
	{ "generate", 1, 1, { OPT_EXPIRE, OPT_SUBKEY_DAYS, OPT_NO_PASSPHRASE } },
	{ "export", 0, 1, { 'o', OPT_BINARY, 'a' } },
	{ "fingerprint", 0, 1, { OPT_MAX_SIZE } },
	{ "import", 1, 1, { OPT_FINGERPRINT, 'u', OPT_MAX_SIZE } },
	{ "list", 0, 0, { OPT_JSON } },
	{ "rotate", 0, 0, { OPT_SUBKEY_DAYS, 'u' } },
	{ "prune", 0, 0, { OPT_GRACE, 'u' } },
	{ NULL, 0, 0, { 0 } }
};

struct args {
	const struct command *cmd;
	const char *arg;
	struct mule_generate_opts gen;
	struct mule_accept_opts acc;
	size_t max_size;
	int binary, json;
	long grace;		/* -1: the default */
	int seen[16];		/* tool options given, for the check */
	const char *seen_name[16];
	size_t nseen;
};

static void
saw(struct args *a, int opt, const char *name)
{
	if (a->nseen == sizeof a->seen / sizeof a->seen[0])
		mule_usage_error("too many options");
	a->seen[a->nseen] = opt;
	a->seen_name[a->nseen++] = name;
}

/* Every tool option given must be one the command takes. */
static void
check_options(const struct args *a)
{
	size_t i, j;
	int ok;

	for (i = 0; i < a->nseen; i++) {
		for (ok = 0, j = 0; j < 6 && a->cmd->opts[j]; j++)
			ok |= a->cmd->opts[j] == a->seen[i];
		if (!ok)
			mule_usage_error("%s is not an option of mule-key %s",
			    a->seen_name[i], a->cmd->name);
	}
}

static void
parse(int argc, char **argv, struct mule_cli *cli, struct args *a)
{
	int c, n;

	while ((c = getopt_long(argc, argv, ":u:a" MULE_CLI_SHORTOPTS,
	    longopts, NULL)) != -1) {
		switch (c) {
		case OPT_EXPIRE:
			a->gen.expire_days = (unsigned long)mule_cli_int(
			    "--expire", optarg);
			saw(a, c, "--expire");
			break;
		case OPT_SUBKEY_DAYS:
			a->gen.subkey_days = (unsigned long)mule_cli_int(
			    "--subkey-days", optarg);
			if (!a->gen.subkey_days)
				mule_usage_error("--subkey-days: at least 1");
			saw(a, c, "--subkey-days");
			break;
		case OPT_NO_PASSPHRASE: a->gen.no_passphrase = 1;
			saw(a, c, "--no-passphrase"); break;
		case OPT_FINGERPRINT: a->acc.fingerprint = optarg;
			saw(a, c, "--fingerprint"); break;
		case 'u': a->acc.mine = optarg; saw(a, c, "-u"); break;
		case OPT_MAX_SIZE:
			a->max_size = (size_t)mule_cli_size("--max-size", optarg);
			saw(a, c, "--max-size");
			break;
		case OPT_BINARY: a->binary = 1; saw(a, c, "--binary"); break;
		case 'a': a->binary = 0; saw(a, c, "-a"); break;
		case OPT_JSON: a->json = 1; saw(a, c, "--json"); break;
		case OPT_GRACE:
			a->grace = mule_cli_int("--grace", optarg);
			saw(a, c, "--grace");
			break;
		case 'o': saw(a, c, "-o"); /* fall through */
		default: mule_cli_option(cli, c, optarg); break;
		}
	}
	if (optind >= argc)
		mule_usage_error("no command: generate, export, fingerprint, "
		    "import, list, rotate or prune");
	for (a->cmd = commands; a->cmd->name; a->cmd++)
		if (!strcmp(a->cmd->name, argv[optind]))
			break;
	if (!a->cmd->name)
		mule_usage_error("unknown command '%s'", argv[optind]);
	n = argc - optind - 1;
	if (n < a->cmd->min_args || n > a->cmd->max_args)
		mule_usage_error("mule-key %s takes %s", a->cmd->name,
		    a->cmd->max_args == 0 ? "no argument" : a->cmd->min_args
		    ? "one argument" : "at most one argument");
	a->arg = n ? argv[optind + 1] : NULL;
	a->gen.userid = a->arg;
	a->gen.force = cli->force;
	check_options(a);
}

static gpg_error_t
run_generate(struct mule_cli *cli, struct args *a)
{
	gpgme_key_t key = NULL;
	gpg_error_t err;

	if (!a->gen.subkey_days)
		a->gen.subkey_days = MULE_SUBKEY_DAYS_DEFAULT;
	if (a->gen.no_passphrase)
		mule_warn("the new key has no passphrase: anyone who copies "
		    "its files can use it");
	err = mule_key_generate(&cli->gpg, &a->gen, &key);
	if (err)
		return err;
	if (key->owner_trust != GPGME_VALIDITY_ULTIMATE)
		mule_warn("gpg did not make the new key ultimately trusted: "
		    "your certifications will not make peers valid");
	err = mule_key_fingerprint(&cli->gpg, key->fpr, a->max_size, stdout);
	mule_note("next: mule-key export -o /media/stick/mine.asc, carry it "
	    "over, and run mule-key import there while you read out what "
	    "mule-key fingerprint shows here");
	gpgme_key_unref(key);
	return err;
}

static gpg_error_t
run_export(struct mule_cli *cli, struct args *a)
{
	struct mule_output *out = NULL;
	gpg_error_t err;

	cli->gpg.armor = !a->binary;
	err = mule_output_open(&out, cli->output, MULE_OUTPUT_HOLD
	    | (cli->force ? MULE_OUTPUT_FORCE : 0)
	    | (a->binary ? MULE_OUTPUT_BINARY : 0));
	if (!err)
		err = mule_key_export(&cli->gpg, a->arg, 0, mule_output_write, out);
	if (!err)
		err = mule_output_commit(out);
	mule_output_free(out);
	return err;
}

static void
report_import(const struct mule_accept_report *r)
{
	if (r->update)
		mule_note("key %s updated: %d new user ID%s, %d new subkey%s",
		    r->fpr, r->new_uids, r->new_uids == 1 ? "" : "s",
		    r->new_subkeys, r->new_subkeys == 1 ? "" : "s");
	else if (!r->mine_not_ultimate)
		mule_note("key %s accepted: certified by your key; every mule "
		    "tool now accepts it", r->fpr);
	else
		mule_note("key %s imported and certified by your key", r->fpr);
	if (r->revoked)
		mule_warn("key %s is revoked%s: gpg now refuses every message "
		    "signed with it, whatever its date", r->fpr,
		    r->newly_revoked ? " (new)" : "");
	else if (!r->encrypt)
		mule_warn("key %s has no usable encryption subkey", r->fpr);
	if (r->mine_not_ultimate)
		mule_warn("your own key is not ultimately trusted: the "
		    "certification does not make this key valid (gpg "
		    "--edit-key %s trust, 5)", r->mine_fpr);
}

static gpg_error_t
run_import(struct mule_cli *cli, struct args *a)
{
	struct mule_candidate *c = NULL;
	struct mule_accept_report r = { 0 };
	struct mule_tty *tty = NULL;
	char *name = mule_escape(strcmp(a->arg, "-") ? a->arg
	    : "standard input", strcmp(a->arg, "-") ? strlen(a->arg) : 14);
	int fd = -1;
	gpg_error_t err;

	/* The file's name may come from the stick: escaped for messages. */
	err = name ? mule_input_open(&fd, a->arg) : gpg_error_from_syserror();
	if (!err)
		err = mule_candidate_new(&c, fd, name, a->max_size);
	if (!err && !a->acc.fingerprint)
		err = mule_tty_open(&tty);
	if (!err && tty) {
		a->acc.ask = mule_ask_fingerprint;
		a->acc.ask_arg = tty;
	}
	if (!err)
		err = mule_accept(&cli->gpg, &a->acc, c, &r);
	mule_tty_close(tty);
	if (!err)
		report_import(&r);
	mule_accept_report_release(&r);
	mule_candidate_free(c);
	if (fd > 0)
		close(fd);
	free(name);
	return err;
}

static gpg_error_t
run_rotate(struct mule_cli *cli, struct args *a)
{
	static const char *const why[] = { "", "the old one was half "
	    "through its life", "--force", "the old one never expired",
	    "there was no valid one" };
	struct mule_rotate_opts o = { a->acc.mine, a->gen.subkey_days
	    ? a->gen.subkey_days : MULE_SUBKEY_DAYS_DEFAULT, cli->force,
	    time(NULL) };
	struct mule_rotate_report r;
	char day[MULE_KEY_DAY_SIZE];
	gpg_error_t err;

	if ((err = mule_key_rotate(&cli->gpg, &o, &r)))
		return err;
	if (r.why == MULE_ROTATE_NOT_DUE) {
		mule_key_day(day, r.due);
		mule_note("not rotated: the encryption subkey %s is not half "
		    "through its life; the next rotation is due on %s "
		    "(--force rotates now)", r.old, day);
		return 0;
	}
	mule_key_day(day, r.new_expires);
	mule_note("new encryption subkey %s, expires %s (%s)", r.new_fpr,
	    day, why[r.why]);
	if (r.no_passphrase)
		mule_warn("your key has no passphrase, nor has the new "
		    "subkey: anyone who copies its files can use them");
	if (*r.old)
		mule_note("the subkey %s it replaces keeps its secret until "
		    "mule-key prune destroys it", r.old);
	mule_note("next: your next item on a stick carries the new "
	    "certificate (mule-stick put), or give it with mule-key export; "
	    "peers seal to the new subkey once they have it");
	return 0;
}

/* What prune did with each retired subkey; the first one held is the
 * error that follows. */
static void
report_prune(const struct mule_prune_report *r)
{
	const struct mule_prune_subkey *s;
	char why[512], day[MULE_KEY_DAY_SIZE];
	size_t i, held = 0;

	for (i = 0; i < r->n; i++) {
		s = &r->subkeys[i];
		mule_prune_reason(s, r->grace_days, why, sizeof why);
		if (s->destroyed) {
			mule_key_day(day, s->created);
			mule_note("destroyed the secret of subkey %s (made %s, "
			    "%s)", s->fpr, day, s->revoked ? "revoked"
			    : s->expired ? "expired" : "superseded");
			if (s->hold != MULE_HOLD_NONE)
				mule_warn("--force: %s destroyed although %s",
				    s->fpr, why);
		} else if (s->kept && s->hold == MULE_HOLD_CURRENT) {
			mule_key_day(day, (long)(s->when + r->grace_days
			    * 86400));
			mule_note("kept the secret of subkey %s until %s: %s",
			    s->fpr, day, why);
		} else if (s->kept && (s->hold == MULE_HOLD_SHARED
		    || held++ || !r->held_error))
			mule_warn("kept the secret of subkey %s: %s", s->fpr,
			    why);
	}
	if (r->ndestroyed)
		mule_note("the public parts stay; a deleted file is not "
		    "securely erased (mule(7), FORWARD SECRECY)");
	if (r->ndestroyed && r->old_secring)
		mule_warn("the GnuPG home has a secring.gpg of GnuPG 1, which "
		    "may still hold these secrets: gpg 2 never changes it");
	if (*r->current && !r->n)
		mule_note("nothing to destroy: no retired encryption subkey of "
		    "%s has its secret here", r->key);
}

static gpg_error_t
run_prune(struct mule_cli *cli, struct args *a)
{
	struct mule_prune_opts o = { a->acc.mine, a->grace, cli->force,
	    NULL, time(NULL) };
	struct mule_prune_report r = { .n = 0 };
	char *dir = NULL;
	gpg_error_t err;

	err = mule_state_dir(&dir);
	o.state_dir = dir;
	if (!err)
		err = mule_key_prune(&cli->gpg, &o, &r);
	report_prune(&r);
	mule_prune_report_release(&r);
	free(dir);
	return err;
}

int
main(int argc, char **argv)
{
	struct mule_cli cli;
	struct args a = { .max_size = MULE_CERT_MAX_DEFAULT, .grace = -1 };
	gpg_error_t err = 0;

	mule_cli_init(&cli, argv, usage);
	parse(argc, argv, &cli, &a);
	if (!strcmp(a.cmd->name, "prune") || !strcmp(a.cmd->name, "rotate"))
		cli.gpg_flags |= MULE_GPG_AGENT;
	mule_cli_start(&cli);

	if (!strcmp(a.cmd->name, "generate"))
		err = run_generate(&cli, &a);
	else if (!strcmp(a.cmd->name, "export"))
		err = run_export(&cli, &a);
	else if (!strcmp(a.cmd->name, "fingerprint"))
		err = mule_key_fingerprint(&cli.gpg, a.arg, a.max_size, stdout);
	else if (!strcmp(a.cmd->name, "import"))
		err = run_import(&cli, &a);
	else if (!strcmp(a.cmd->name, "rotate"))
		err = run_rotate(&cli, &a);
	else if (!strcmp(a.cmd->name, "prune"))
		err = run_prune(&cli, &a);
	else
		err = mule_key_list(&cli.gpg, a.json, time(NULL), stdout);
	if (!err && (fflush(stdout) || ferror(stdout)))
		err = mule_error_set(gpg_error_from_syserror(), NULL,
		    "writing to standard output failed");
	if (err)
		mule_cli_fail(&cli, err);
	mule_cli_finish(&cli);
	return MULE_EXIT_OK;
}
