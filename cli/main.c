/*
** main.c -- the retort command: global options, then a command table
** that dispatches to cmd_<name>() (cli layer: a thin client of the
** public API).  Stdout is checked after every command.
*/
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static int cmd_help(cli_ctx *cli, int argc, char **argv);

/* A command: adding one is one line here and a cli/cmd_<name>.c. */
typedef struct cli_command {
	const char *name;    /* as typed: "diff" */
	cli_fn fn;           /* cmd_<name>() */
	unsigned needs;      /* cli_need flags: set-up before it runs */
	const char *summary; /* one line for retort --help */
} cli_command;

static const cli_command commands[] = {
	{ "init", cmd_init, 0,
	  "create a project (retort.ini, schema.sql, migrations/)" },
	{ "revision", cmd_revision, CLI_NEED_PROJECT,
	  "write a new revision file" },
	{ "upgrade", cmd_upgrade, CLI_NEED_PROJECT,
	  "apply revisions up to a target (default head)" },
	{ "downgrade", cmd_downgrade, CLI_NEED_PROJECT,
	  "undo revisions down to a target" },
	{ "current", cmd_current, CLI_NEED_PROJECT | CLI_NEED_DB,
	  "show the database's revision(s)" },
	{ "heads", cmd_heads, CLI_NEED_PROJECT, "show the head revisions" },
	{ "branches", cmd_branches, CLI_NEED_PROJECT,
	  "show the branch points" },
	{ "history", cmd_history, CLI_NEED_PROJECT,
	  "list the revisions, newest first" },
	{ "show", cmd_show, CLI_NEED_PROJECT, "show a revision in full" },
	{ "stamp", cmd_stamp, CLI_NEED_PROJECT | CLI_NEED_DB,
	  "set the database's revision without running SQL" },
	{ "merge", cmd_merge, CLI_NEED_PROJECT,
	  "write a revision that joins heads" },
	{ "check", cmd_check, CLI_NEED_PROJECT,
	  "drift detection for CI: pending, drift, edited, model" },
	{ "status", cmd_status, CLI_NEED_PROJECT | CLI_NEED_DB,
	  "the database's health (what a health endpoint reports)" },
	{ "drift-sql", cmd_drift_sql, CLI_NEED_PROJECT,
	  "a sqlite3 query listing what differs from a revision" },
	{ "rehash", cmd_rehash, CLI_NEED_PROJECT,
	  "refresh the Schema fingerprint of revisions" },
	{ "snapshot", cmd_snapshot, CLI_NEED_CONFIG,
	  "print the canonical JSON snapshot of a schema" },
	{ "diff", cmd_diff, CLI_NEED_CONFIG,
	  "compare two schemas: text, JSON or the SQL between them" },
	{ "help", cmd_help, 0, "show help on retort or on a command" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Options before the command name. */
static const struct option main_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: retort [-c FILE] [--db URL] <command> [<args>]\n"
		   "       retort --help | --version\n\n"
		   "SQLite schema snapshots, diffs and migrations.\n\n"
		   "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f,
		"\nGlobal options (before or after the command):\n"
		"  -c, --config FILE   read FILE instead of ./retort.ini\n"
		"      --db URL        the database (overrides retort.ini and RETORT_DATABASE)\n"
		"  -h, --help          show this help; 'retort <command> --help' for a command\n"
		"      --version       show the version\n\n"
		"Exit status: 0 success or no differences, 1 differences, 2 error.\n");
}

static const cli_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* retort help [COMMAND]: the same as retort COMMAND --help. */
static int cmd_help(cli_ctx *cli, int argc, char **argv)
{
	const cli_command *c;
	char help[] = "--help";
	char *args[] = { NULL, help, NULL };

	if (argc < 2 || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return CLI_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return cli_fail(
			NULL,
			"'%s' is not a retort command (see 'retort --help')",
			argv[1]);
	args[0] = argv[1];
	cli->cmd = c->name;
	cli->needs = 0; /* help needs no set-up */
	return c->fn(cli, 2, args);
}

/* Parse the options before the command; returns -1 to go on. */
static int main_options_parse(cli_ctx *cli, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:h", main_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			cli->config_path = optarg;
			break;
		case 'd':
			cli->db = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return CLI_OK;
		case 'V':
			printf("retort %s (SQLite %s)\n", RETORT_VERSION,
			       sqlite3_libversion());
			return CLI_OK;
		case ':':
			return cli_fail(
				NULL,
				"option '%s' needs a value (see 'retort --help')",
				argv[optind - 1]);
		default:
			return cli_fail(
				NULL,
				"unknown option '%s' (see 'retort --help')",
				argv[optind - 1]);
		}
	}
	return -1;
}

/* SPEC §6 and git: a failed write to stdout is an error. */
static int check_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		cli_fail("stdout", "write error: %s", strerror(errno));
		fclose(stdout);
		return CLI_ERROR;
	}
	if (fclose(stdout))
		return cli_fail("stdout", "write error: %s", strerror(errno));
	return status;
}

int main(int argc, char **argv)
{
	cli_ctx cli = { 0 };
	const cli_command *c;
	int status;

	status = main_options_parse(&cli, argc, argv);
	if (status >= 0)
		return check_stdout(status);
	if (optind >= argc) {
		print_usage(stderr);
		return CLI_ERROR;
	}
	c = find_command(argv[optind]);
	if (!c)
		return cli_fail(
			NULL,
			"'%s' is not a retort command (see 'retort --help')",
			argv[optind]);
	cli.cmd = c->name;
	cli.needs = c->needs;
	status = c->fn(&cli, argc - optind, argv + optind);
	retort_config_free(cli.config);
	return check_stdout(status);
}
