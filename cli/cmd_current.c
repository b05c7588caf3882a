/*
** cmd_current.c -- `retort current [--verbose]`: the database's
** revision(s), printed as Alembic's `current` prints them (cli layer).
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_VERBOSE = 'v' };

static const cli_option options[] = { { OPT_VERBOSE, "verbose", NULL,
					"show each revision in full" },
				      { 0, NULL, NULL, NULL } };

static const cli_usage usage = {
	"retort current [--verbose]",
	"Show the revision(s) the database is at (nothing when it has none\n"
	"yet), marked (head), (branchpoint) or (mergepoint).",
	options
};

/* Print the revisions IDS; every one must have a file. */
static int print_current(
	const retort_project *p,
	const retort_revids *ids,
	bool verbose,
	retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < ids->n; i++) {
		const retort_revision *rev =
			retort_project_find(p, ids->ids[i]);

		if (!rev) {
			retort_buf_dispose(&b);
			return retort_error_set(
				err, RETORT_ENOTFOUND, ids->ids[i],
				"the database is at revision %s, which no "
				"revision file provides",
				ids->ids[i]);
		}
		retort_revision_format(
			&b, rev,
			verbose ? RETORT_REVFMT_VERBOSE
				: RETORT_REVFMT_HEAD | RETORT_REVFMT_TREE);
		if (!verbose)
			retort_buf_putc(&b, '\n');
	}
	fwrite(b.ptr, 1, b.size, stdout);
	retort_buf_dispose(&b);
	return RETORT_OK;
}

int cmd_current(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_revids ids = RETORT_REVIDS_INIT;
	retort_project *p = NULL;
	retort_migrate_options o;
	bool verbose = false;
	cli_parser parser;
	int c, rc;

	cli_parser_init(&parser, cli, argc, argv, &usage);
	while ((c = cli_getopt(&parser)) >= 0)
		if (c == OPT_VERBOSE)
			verbose = true;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (optind < argc)
		return cli_usage_error(
			&parser, "unexpected argument '%s'", argv[optind]);
	cli_migrate_options(cli, &o);
	rc = retort_migrate_current(&ids, cli->config->database, &o, &err);
	if (rc == RETORT_OK)
		rc = retort_project_open(&p, &o, &err);
	if (rc == RETORT_OK && verbose)
		printf("Current revision(s) for %s:\n", cli->config->database);
	if (rc == RETORT_OK)
		rc = print_current(p, &ids, verbose, &err);
	retort_project_free(p);
	retort_revids_dispose(&ids);
	return cli_status(rc, &err);
}
