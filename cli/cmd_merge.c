/*
** cmd_merge.c -- `retort merge -m MSG [REV...]`: a revision that joins
** heads, as Alembic's merge (cli layer).
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_MESSAGE = 'm', OPT_REV_ID = 1100 };

static const cli_option options[] = {
	{ OPT_MESSAGE, "message", "MSG", "the revision's message" },
	{ OPT_REV_ID, "rev-id", "ID",
	  "the new revision's id (12 lowercase hex digits) instead of a "
	  "random one" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort merge -m MSG [--rev-id ID] [REV...]",
	"Write a merge revision whose parents are REV... (heads, ids or unique\n"
	"prefixes; default: heads, all the heads).  Its migrate:up and\n"
	"migrate:down sections start empty.",
	options
};

int cmd_merge(cli_ctx *cli, int argc, char **argv)
{
	static const char *const all_heads[] = { "heads" };
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_buf path = RETORT_BUF_INIT;
	retort_migrate_options o;
	cli_parser p;
	int c, rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0) {
		if (c == OPT_MESSAGE)
			ro.message = p.arg;
		else if (c == OPT_REV_ID)
			ro.rev_id = p.arg;
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	cli_migrate_options(cli, &o);
	ro.merge = true;
	ro.heads =
		optind < argc ? (const char *const *)argv + optind : all_heads;
	ro.nheads = optind < argc ? (size_t)(argc - optind) : 1;
	ro.file_template = cli->config->file_template;
	ro.timezone = cli->config->timezone;
	rc = retort_revision_write(&path, &ro, &o, &err);
	if (rc == RETORT_OK)
		printf("  Generating %s ...  done\n", path.ptr);
	retort_buf_dispose(&path);
	return cli_status(rc, &err);
}
