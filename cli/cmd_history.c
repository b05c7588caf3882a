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

/* The options of the listing commands. */
typedef struct list_args {
	bool verbose;      /* --verbose */
	const char *range; /* -r RANGE, or NULL */
	bool current;      /* --indicate-current */
} list_args;

/*
** Parse the options (P is initialised) and check that there are NOPS
** operands; -1 to go on, else an exit status.
*/
static int parse(cli_parser *p, list_args *a, int nops)
{
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = cli_getopt(p)) >= 0) {
		if (c == OPT_VERBOSE)
			a->verbose = true;
		else if (c == OPT_RANGE)
			a->range = p->arg;
		else if (c == OPT_CURRENT)
			a->current = true;
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (p->argc - optind > nops)
		return cli_usage_error(
			p, "unexpected argument '%s'", p->argv[optind + nops]);
	if (p->argc - optind < nops)
		return cli_usage_error(p, "give one revision");
	return -1;
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

/* The revisions of A's range, newest first, into B. */
static int list_history(
	retort_buf *b,
	const cli_ctx *cli,
	const list_args *a,
	const retort_migrate_options *o,
	retort_error *err)
{
	retort_revids cur = RETORT_REVIDS_INIT, ids = RETORT_REVIDS_INIT;
	retort_project *proj = NULL;
	bool need_db = a->current || (a->range && strstr(a->range, "current"));
	size_t i;
	int rc = need_db ? retort_migrate_current(
				   &cur, cli->config->database, o, err)
			 : RETORT_OK;

	if (rc == RETORT_OK)
		rc = retort_project_open(&proj, o, err);
	if (rc == RETORT_OK)
		rc = retort_project_range(
			&ids, proj, a->range, need_db ? &cur : NULL, err);
	for (i = 0; rc == RETORT_OK && i < ids.n; i++) {
		unsigned f = a->verbose ? RETORT_REVFMT_VERBOSE
					: RETORT_REVFMT_PARENTS |
						  RETORT_REVFMT_DOC |
						  RETORT_REVFMT_TREE;

		if (a->current && listed(&cur, ids.ids[i]))
			f |= RETORT_REVFMT_CURRENT;
		retort_revision_format(
			b, retort_project_find(proj, ids.ids[i]), f);
		if (!a->verbose)
			retort_buf_putc(b, '\n');
	}
	retort_revids_dispose(&ids);
	retort_revids_dispose(&cur);
	retort_project_free(proj);
	return rc;
}

int cmd_history(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_migrate_options o;
	list_args a;
	cli_parser p;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &history_usage);
	if ((rc = parse(&p, &a, 0)) >= 0)
		return rc;
	cli_migrate_options(cli, &o);
	rc = list_history(&b, cli, &a, &o, &err);
	flush(&b);
	return cli_status(rc, &err);
}

int cmd_heads(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_project *proj = NULL;
	retort_migrate_options o;
	list_args a;
	cli_parser p;
	size_t i;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &heads_usage);
	if ((rc = parse(&p, &a, 0)) >= 0)
		return rc;
	cli_migrate_options(cli, &o);
	rc = retort_project_open(&proj, &o, &err);
	for (i = 0; rc == RETORT_OK && i < retort_project_nheads(proj); i++) {
		retort_revision_format(
			&b, retort_project_head(proj, i),
			a.verbose ? RETORT_REVFMT_VERBOSE : RETORT_REVFMT_HEAD);
		if (!a.verbose)
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
	list_args a;
	cli_parser p;
	size_t i;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &branches_usage);
	if ((rc = parse(&p, &a, 0)) >= 0)
		return rc;
	cli_migrate_options(cli, &o);
	rc = retort_project_open(&proj, &o, &err);
	/* newest first, as Alembic walks the revisions */
	for (i = rc == RETORT_OK ? retort_project_count(proj) : 0; i-- > 0;) {
		const retort_revision *rev = retort_project_revision(proj, i);

		if (rev->nchildren > 1)
			branch_point(&b, proj, rev, a.verbose);
	}
	flush(&b);
	retort_project_free(proj);
	return cli_status(rc, &err);
}

/* The log entries of the revisions REV names ("current" included). */
static int show_revs(
	retort_buf *b,
	const cli_ctx *cli,
	const char *rev,
	const retort_migrate_options *o,
	retort_error *err)
{
	retort_revids ids = RETORT_REVIDS_INIT;
	retort_project *proj = NULL;
	size_t i;
	int rc = retort_project_open(&proj, o, err);

	if (rc == RETORT_OK && !strcmp(rev, "current"))
		rc = retort_migrate_current(
			&ids, cli->config->database, o, err);
	else if (rc == RETORT_OK)
		rc = retort_project_resolve(&ids, proj, rev, err);
	for (i = 0; rc == RETORT_OK && i < ids.n; i++) {
		const retort_revision *r =
			retort_project_find(proj, ids.ids[i]);

		if (r)
			retort_revision_format(b, r, RETORT_REVFMT_VERBOSE);
		else
			rc = retort_error_set(
				err, RETORT_ENOTFOUND, ids.ids[i],
				"the database is at revision %s, which no "
				"revision file provides",
				ids.ids[i]);
	}
	retort_revids_dispose(&ids);
	retort_project_free(proj);
	return rc;
}

int cmd_show(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_migrate_options o;
	list_args a;
	cli_parser p;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &show_usage);
	if ((rc = parse(&p, &a, 1)) >= 0)
		return rc;
	cli_migrate_options(cli, &o);
	rc = show_revs(&b, cli, argv[optind], &o, &err);
	flush(&b);
	return cli_status(rc, &err);
}
