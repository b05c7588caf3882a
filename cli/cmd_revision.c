/*
** cmd_revision.c -- `retort revision -m MSG`: write a new revision file,
** empty or (--autogenerate) filled from the diff between the schema the
** revisions build and the model, as Alembic's revision (cli layer).
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_MESSAGE = 'm',
	OPT_AUTOGENERATE = 1100,
	OPT_FROM_DB,
	OPT_RENAME,
	OPT_REV_ID,
	OPT_HEAD,
	OPT_SPLICE
};

static const cli_option options[] = {
	{ OPT_MESSAGE, "message", "MSG", "the revision's message" },
	{ OPT_AUTOGENERATE, "autogenerate", NULL,
	  "fill the revision from the diff between the schema the revisions "
	  "build and the model" },
	{ OPT_FROM_DB, "from-db", NULL,
	  "with --autogenerate: compare the live database (at head) instead" },
	{ OPT_RENAME, "rename", "OLD=NEW",
	  "with --autogenerate: a table (OLD=NEW) or column (TABLE.OLD=NEW) "
	  "rename; may be repeated" },
	{ OPT_REV_ID, "rev-id", "ID",
	  "the new revision's id (12 lowercase hex digits) instead of a "
	  "random one" },
	{ OPT_HEAD, "head", "REV",
	  "the revision to build on (default: the only head; base starts a "
	  "new base); may be repeated" },
	{ OPT_SPLICE, "splice", NULL,
	  "allow --head to name a revision that is not a head (a new "
	  "branch)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort revision -m MSG [--autogenerate [--from-db] [--rename OLD=NEW]]\n"
	"                       [--rev-id ID] [--head REV] [--splice]",
	"Write a new revision file into the versions folder and print its\n"
	"path.  Without --autogenerate its migrate:up and migrate:down\n"
	"sections are empty, for hand-written SQL.",
	options
};

/* What the command line asked for. */
typedef struct args {
	retort_revision_options ro; /* the revision to write */
	const char **heads;         /* --head values */
	bool autogenerate;          /* --autogenerate */
	bool from_db;               /* --from-db */
	cli_renames renames;        /* --rename hints */
} args;

/* Parse the options into A; -1 to go on, else an exit status. */
static int parse(cli_parser *p, args *a)
{
	retort_error err = RETORT_ERROR_INIT;
	int c;

	while ((c = cli_getopt(p)) >= 0) {
		if (c == OPT_MESSAGE) {
			a->ro.message = p->arg;
		} else if (c == OPT_AUTOGENERATE) {
			a->autogenerate = true;
		} else if (c == OPT_FROM_DB) {
			a->from_db = true;
		} else if (c == OPT_REV_ID) {
			a->ro.rev_id = p->arg;
		} else if (c == OPT_SPLICE) {
			a->ro.splice = true;
		} else if (c == OPT_HEAD) {
			a->heads = realloc(
				a->heads, (a->ro.nheads + 1) * sizeof(char *));
			if (!a->heads)
				return cli_fail(p->cli->cmd, "out of memory");
			a->heads[a->ro.nheads++] = p->arg;
		} else if (
			c == OPT_RENAME &&
			cli_renames_add(&a->renames, p->arg, &err) < 0) {
			return cli_status(err.code, &err);
		}
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (optind < p->argc)
		return cli_usage_error(
			p, "unexpected argument '%s'", p->argv[optind]);
	if (!a->autogenerate && (a->from_db || a->renames.n))
		return cli_usage_error(
			p, "--from-db and --rename go with --autogenerate");
	a->ro.heads = a->heads;
	return -1;
}

/* Print the autogenerate report: notes on stderr, warnings flagged. */
static void print_report(const retort_buf *report)
{
	const char *line = report->ptr;

	while (*line) {
		const char *nl = strchr(line, '\n');
		int n = nl ? (int)(nl - line) : (int)strlen(line);

		if (!strncmp(line, "warning: ", 9))
			fprintf(stderr, "retort: %.*s\n", n, line);
		else
			fprintf(stderr, "%.*s\n", n, line);
		line += n + (nl != NULL);
	}
}

/* --autogenerate: diff the revisions (or the database) and the model. */
static int autogenerate(
	const cli_ctx *cli,
	args *a,
	retort_buf *path,
	const retort_migrate_options *o,
	retort_error *err)
{
	retort_diff_options d = RETORT_DIFF_OPTIONS_INIT;
	retort_buf report = RETORT_BUF_INIT;
	int rc;

	d.compare_type = cli->config->compare_type;
	d.compare_server_default = cli->config->compare_server_default;
	d.naming = &cli->config->naming;
	d.renames = a->renames.items;
	d.nrenames = a->renames.n;
	a->ro.diff = &d;
	a->ro.model = cli->config->model;
	if (a->from_db && !cli->config->database)
		return retort_error_set(
			err, RETORT_EINVAL, "--from-db",
			"no database: set database in retort.ini, "
			"RETORT_DATABASE or --db");
	a->ro.from_db = a->from_db ? cli->config->database : NULL;
	rc = retort_revision_autogenerate(path, &report, &a->ro, o, err);
	print_report(&report);
	retort_buf_dispose(&report);
	if (rc == RETORT_OK && !path->size)
		printf("No changes detected\n");
	return rc;
}

int cmd_revision(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf path = RETORT_BUF_INIT;
	retort_migrate_options o;
	args a = { RETORT_REVISION_OPTIONS_INIT, NULL, false, false,
		   CLI_RENAMES_INIT };
	cli_parser p;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	rc = parse(&p, &a);
	if (rc >= 0)
		goto done;
	cli_migrate_options(cli, &o);
	a.ro.file_template = cli->config->file_template;
	a.ro.timezone = cli->config->timezone;
	if (a.autogenerate)
		rc = autogenerate(cli, &a, &path, &o, &err);
	else
		rc = retort_revision_write(&path, &a.ro, &o, &err);
	if (rc == RETORT_OK && path.size)
		printf("  Generating %s ...  done\n", path.ptr);
	rc = cli_status(rc, &err);
done:
	free(a.heads);
	cli_renames_dispose(&a.renames);
	retort_buf_dispose(&path);
	return rc;
}
