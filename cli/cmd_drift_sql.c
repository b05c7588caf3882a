/*
** cmd_drift_sql.c -- `retort drift-sql [REV] [-o FILE]`: write a
** standalone SQL query that lists, in the plain sqlite3 shell, what
** differs between a database and what revision REV (default head)
** builds (cli layer; the query is made by retort_drift_sql()).
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_OUTPUT = 'o' };

static const cli_option options[] = { { OPT_OUTPUT, "output", "FILE",
					"write the query to FILE" },
				      { 0, NULL, NULL, NULL } };

static const cli_usage usage = {
	"retort drift-sql [-o FILE] [REV]",
	"Write a standalone SQL query for the sqlite3 shell, for places without\n"
	"retort: 'sqlite3 app.db < drift.sql' prints one row (drift|type|name)\n"
	"per object that is missing, extra or different compared with what REV\n"
	"(default head; an id, a unique prefix, heads or base) builds, and\n"
	"nothing when the database matches.  Its limits are in docs/check.md.",
	options
};

int cmd_drift_sql(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf sql = RETORT_BUF_INIT;
	retort_migrate_options o;
	const char *output = NULL;
	cli_parser p;
	int c, rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0)
		if (c == OPT_OUTPUT)
			output = p.arg;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind > 1)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind + 1]);
	cli_migrate_options(cli, &o);
	rc = retort_drift_sql(
		&sql, optind < argc ? argv[optind] : NULL, &o, &err);
	if (rc == RETORT_OK)
		rc = cli_write_output(output, sql.ptr, sql.size, &err);
	retort_buf_dispose(&sql);
	return cli_status(rc, &err);
}
