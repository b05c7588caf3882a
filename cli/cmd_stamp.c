/*
** cmd_stamp.c -- `retort stamp REV`: set the database's version table
** without running any revision, as Alembic's stamp (cli layer).
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_PURGE = 1100 };

static const cli_option options[] = {
	{ OPT_PURGE, "purge", NULL,
	  "empty the version table first (also clears a revision that no "
	  "file provides)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort stamp [--purge] REV",
	"Record that the database is at REV (base, head, heads, a revision id\n"
	"or a unique prefix of one) without running any SQL of the\n"
	"revisions.  Revisions on other branches stay recorded.",
	options
};

int cmd_stamp(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_migrate_options o;
	bool purge = false;
	cli_parser p;
	int c;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0)
		if (c == OPT_PURGE)
			purge = true;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind != 1)
		return cli_usage_error(&p, "give one revision");
	cli_migrate_options(cli, &o);
	return cli_status(
		retort_migrate_stamp(
			cli->config->database, argv[optind], purge, &o, &err),
		&err);
}
