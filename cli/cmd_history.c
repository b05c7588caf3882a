/*
** cmd_history.c -- `retort history`, `heads`, `branches` and `show`: the
** revision graph printed as Alembic prints it (cli layer).
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>

enum { OPT_VERBOSE = 'v', OPT_RANGE = 'r', OPT_CURRENT = 'i' };

static const cli_option verbose_options[] = { { OPT_VERBOSE, "verbose", NULL,
						"show each revision in full" },
					      { 0, NULL, NULL, NULL } };

static const cli_option history_options[] = {
	{ OPT_VERBOSE, "verbose", NULL, "show each revision in full" },
	{ OPT_RANGE, "rev-range", "RANGE",
	  "only START:END (either may be empty; 'current' is the database's "
	  "revision)" },
	{ OPT_CURRENT, "indicate-current", NULL,
	  "mark the database's revision(s) (current)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage history_usage = {
	"retort history [--verbose] [-r START:END] [--indicate-current]",
	"List the revisions, newest first, as \"parent -> revision (head),\n"
	"message\".",
	history_options
};

static const cli_usage heads_usage = { "retort heads [--verbose]",
				       "Show the head revisions.",
				       verbose_options };

static const cli_usage branches_usage = {
	"retort branches [--verbose]",
	"Show the branch points: revisions that two or more revisions revise.",
	verbose_options
};

static const cli_usage show_usage = {
	"retort show REV",
	"Show the revision REV (an id, a unique prefix, head, heads or\n"
	"current) in full.",
	verbose_options
};

/* Parse the options of a listing command; -1 to go on. */
static int
parse(cli_parser *p,
      cli_ctx *cli,
      int argc,
      char **argv,
      const cli_usage *u,
      bool *verbose,
      const char **range,
      bool *current)
{
	int c;

	cli_parser_init(p, cli, argc, argv, u);
	while ((c = cli_getopt(p)) >= 0) {
		if (c == OPT_VERBOSE)
			*verbose = true;
		else if (c == OPT_RANGE)
			*range = p->arg;
		else if (c == OPT_CURRENT)
			*current = true;
	}
	return c == CLI_ARGS_DONE ? -1 : cli_getopt_status(c);
}

/* Print B to stdout and free it. */
static void flush(retort_buf *b)
{
	fwrite(b->ptr, 1, b->size, stdout);
	retort_buf_dispose(b);
}

/* True when ID is in LIST. */
static bool listed(const retort_revids *list, const char *id)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (!strcmp(list->ids[i], id))
			return true;
	return false;
}

int cmd_history(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_revids cur = RETORT_REVIDS_INIT, ids = RETORT_REVIDS_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_project *proj = NULL;
	retort_migrate_options o;
	const char *range = NULL;
	bool verbose = false, mark = false, need_db;
	cli_parser p;
	size_t i;
	int rc = parse(
		&p, cli, argc, argv, &history_usage, &verbose, &range, &mark);

	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind]);
	cli_migrate_options(cli, &o);
	need_db = mark || (range && strstr(range, "current"));
	if (need_db && !cli->config->database)
		return cli_fail(
			cli->cmd, "'current' needs a database: set "
				  "database in retort.ini, "
				  "RETORT_DATABASE or --db");
	rc = need_db ? retort_migrate_current(
			       &cur, cli->config->database, &o, &err)
		     : RETORT_OK;
	if (rc == RETORT_OK)
		rc = retort_project_open(&proj, &o, &err);
	if (rc == RETORT_OK)
		rc = retort_project_range(
			&ids, proj, range, need_db ? &cur : NULL, &err);
	for (i = 0; rc == RETORT_OK && i < ids.n; i++) {
		unsigned f = verbose ? RETORT_REVFMT_VERBOSE
				     : RETORT_REVFMT_PARENTS |
					       RETORT_REVFMT_DOC |
					       RETORT_REVFMT_TREE;

		if (mark && listed(&cur, ids.ids[i]))
			f |= RETORT_REVFMT_CURRENT;
		retort_revision_format(
			&b, retort_project_find(proj, ids.ids[i]), f);
		if (!verbose)
			retort_buf_putc(&b, '\n');
	}
	flush(&b);
	retort_revids_dispose(&ids);
	retort_revids_dispose(&cur);
	retort_project_free(proj);
	return cli_status(rc, &err);
}

int cmd_heads(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_project *proj = NULL;
	retort_migrate_options o;
	const char *range = NULL;
	bool verbose = false, mark = false;
	cli_parser p;
	size_t i;
	int rc = parse(
		&p, cli, argc, argv, &heads_usage, &verbose, &range, &mark);

	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind]);
	cli_migrate_options(cli, &o);
	rc = retort_project_open(&proj, &o, &err);
	for (i = 0; rc == RETORT_OK && i < retort_project_nheads(proj); i++) {
		retort_revision_format(
			&b, retort_project_head(proj, i),
			verbose ? RETORT_REVFMT_VERBOSE : RETORT_REVFMT_HEAD);
		if (!verbose)
			retort_buf_putc(&b, '\n');
	}
	flush(&b);
	retort_project_free(proj);
	return cli_status(rc, &err);
}

/* One branch point and its children, as Alembic's `branches`. */
static void branch_point(
	retort_buf *b,
	const retort_project *proj,
	const retort_revision *rev,
	bool verbose)
{
	size_t i;

	retort_revision_format(
		b, rev, verbose ? RETORT_REVFMT_VERBOSE : RETORT_REVFMT_TREE);
	if (!verbose)
		retort_buf_putc(b, '\n');
	for (i = 0; i < rev->nchildren; i++) {
		retort_buf_printf(b, "%*s -> ", (int)strlen(rev->id), "");
		retort_revision_format(
			b, retort_project_find(proj, rev->children[i]),
			RETORT_REVFMT_TREE | (verbose ? RETORT_REVFMT_DOC : 0));
		retort_buf_putc(b, '\n');
	}
	retort_buf_putc(b, '\n');
}

int cmd_branches(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_project *proj = NULL;
	retort_migrate_options o;
	const char *range = NULL;
	bool verbose = false, mark = false;
	cli_parser p;
	size_t i;
	int rc = parse(
		&p, cli, argc, argv, &branches_usage, &verbose, &range, &mark);

	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind]);
	cli_migrate_options(cli, &o);
	rc = retort_project_open(&proj, &o, &err);
	/* newest first, as Alembic walks the revisions */
	for (i = rc == RETORT_OK ? retort_project_count(proj) : 0; i-- > 0;) {
		const retort_revision *rev = retort_project_revision(proj, i);

		if (rev->nchildren > 1)
			branch_point(&b, proj, rev, verbose);
	}
	flush(&b);
	retort_project_free(proj);
	return cli_status(rc, &err);
}

int cmd_show(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_revids ids = RETORT_REVIDS_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_project *proj = NULL;
	retort_migrate_options o;
	const char *range = NULL;
	bool verbose = false, mark = false;
	cli_parser p;
	size_t i;
	int rc = parse(
		&p, cli, argc, argv, &show_usage, &verbose, &range, &mark);

	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return cli_usage_error(&p, "give one revision");
	cli_migrate_options(cli, &o);
	rc = retort_project_open(&proj, &o, &err);
	if (rc == RETORT_OK && !strcmp(argv[optind], "current"))
		rc = retort_migrate_current(
			&ids, cli->config->database, &o, &err);
	else if (rc == RETORT_OK)
		rc = retort_project_resolve(&ids, proj, argv[optind], &err);
	for (i = 0; rc == RETORT_OK && i < ids.n; i++) {
		const retort_revision *rev =
			retort_project_find(proj, ids.ids[i]);

		if (!rev)
			rc = retort_error_set(
				&err, RETORT_ENOTFOUND, ids.ids[i],
				"the database is at revision %s, which no "
				"revision file provides",
				ids.ids[i]);
		else
			retort_revision_format(&b, rev, RETORT_REVFMT_VERBOSE);
	}
	flush(&b);
	retort_revids_dispose(&ids);
	retort_project_free(proj);
	return cli_status(rc, &err);
}
