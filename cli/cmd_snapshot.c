/*
** cmd_snapshot.c -- retort snapshot SOURCE [-o FILE]: the canonical JSON
** snapshot of any schema source (SPEC §1, §2), on stdout or written
** atomically to FILE (cli layer).
*/
#include "cli.h"

#include <stdio.h>

static const cli_option options[] = {
	{ 'o', "output", "FILE",
	  "write to FILE (replaced only once complete) instead of stdout" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort snapshot [-o FILE] [SOURCE]",
	"Print the canonical JSON snapshot of SOURCE: a SQLite database, a\n"
	"sqlite:/// URL, a .sql file or a folder of .sql files, a .json\n"
	"snapshot, or - for standard input.  Without SOURCE, the database\n"
	"of retort.ini (or RETORT_DATABASE, or --db).  Tables whose names start\n"
	"with version_table (retort's own) are left out.",
	options
};

/*
** Load SOURCE and write its snapshot to OUTPUT (NULL: stdout), in pieces:
** a 10,000-table snapshot is some 50 MB that need not sit in memory.
*/
static int snapshot(
	const char *source,
	const char *output,
	const retort_config *cfg,
	retort_error *err)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;
	retort_schema *schema = NULL;
	cli_out out;
	int rc;

	lo.exclude_prefix = cfg->version_table;
	rc = retort_schema_load(&schema, source, &lo, err);
	if (rc == RETORT_OK)
		rc = cli_out_open(&out, output, err);
	if (rc == RETORT_OK)
		rc = cli_out_close(
			&out,
			retort_schema_write_json(
				schema, cli_out_write, &out, err),
			err);
	retort_schema_free(schema);
	return rc;
}

int cmd_snapshot(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	const char *output = NULL, *source;
	cli_parser p;
	int c;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0) {
		switch (c) {
		case 'o':
			output = p.arg;
			break;
		}
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind > 1)
		return cli_usage_error(&p, "too many arguments");
	source = optind < argc ? argv[optind] : cli->config->database;
	if (!source)
		return cli_usage_error(
			&p,
			"no SOURCE, and no database in retort.ini, RETORT_DATABASE or --db");
	return cli_status(snapshot(source, output, cli->config, &err), &err);
}
