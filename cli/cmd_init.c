/*
** cmd_init.c -- `retort init [DIR]`: scaffold a project, as Alembic's
** init (cli layer): retort.ini, an example schema.sql and
** migrations/versions/.  Never overwrites anything.
*/
#include "cli.h"

#include <stdio.h>

static const cli_option options[] = { { 0, NULL, NULL, NULL } };

static const cli_usage usage = {
	"retort init [DIR]",
	"Create a project in DIR (default: the current folder): retort.ini\n"
	"with every setting explained, an example model schema.sql and the\n"
	"folder migrations/versions/ for revision files.  Refuses to touch a\n"
	"folder that already holds any of them.",
	options
};

int cmd_init(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	const char *dir;
	cli_parser p;
	int c;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0)
		;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind > 1)
		return cli_usage_error(&p, "give at most one folder");
	dir = optind < argc ? argv[optind] : ".";
	if (retort_project_init(dir, &err) != RETORT_OK)
		return cli_status(err.code, &err);
	printf("  Creating directory %s/migrations/versions ...  done\n"
	       "  Generating %s/retort.ini ...  done\n"
	       "  Generating %s/schema.sql ...  done\n"
	       "  Please edit the settings in '%s/retort.ini' before "
	       "proceeding.\n",
	       dir, dir, dir, dir);
	return CLI_OK;
}
