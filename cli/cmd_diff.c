/*
** cmd_diff.c -- retort diff FROM TO: compare two schema sources (SPEC §3)
** and report the differences as text, JSON or the SQL that turns one into
** the other; exit 0 equal, 1 different, 2 error, as diff(1) (cli layer).
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
	OPT_FORMAT = 256,
	OPT_REVERSE,
	OPT_COMPARE_TYPE,
	OPT_NO_SERVER_DEFAULT,
	OPT_RENAME
};

static const cli_option options[] = {
	{ OPT_FORMAT, "format", "FORMAT",
	  "text (default), json, or sql: the script that makes FROM into TO" },
	{ OPT_REVERSE, "reverse", NULL,
	  "the other way round: TO into FROM (with sql: the downgrade)" },
	{ OPT_COMPARE_TYPE, "compare-type", "MODE",
	  "declared (default), affinity or off (overrides retort.ini)" },
	{ OPT_NO_SERVER_DEFAULT, "no-compare-server-default", NULL,
	  "ignore DEFAULT expressions" },
	{ OPT_RENAME, "rename", "OLD=NEW",
	  "a table rename, or TABLE.OLD=NEW a column rename (repeatable)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort diff [<options>] FROM TO",
	"Compare two schema sources (databases, sqlite:/// URLs, .sql files or\n"
	"folders, .json snapshots, - for standard input) and report what differs.\n"
	"compare_type, compare_server_default and [naming_convention] come from\n"
	"retort.ini when there is one.  Exit status: 0 equal, 1 different, 2 error.",
	options
};

/* What the command line asks for. */
typedef struct diff_args {
	const char *format;       /* "text", "json" or "sql" */
	bool reverse;             /* --reverse */
	retort_diff_options opts; /* comparison options */
	cli_renames renames;      /* --rename hints */
	const char *from, *to;    /* the two sources */
} diff_args;

static int parse_compare_type(retort_compare_type *out, const char *s)
{
	static const char *const names[] = { "declared", "affinity", "off" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcasecmp(s, names[i])) {
			*out = (retort_compare_type)i;
			return 0;
		}
	return -1;
}

/* Handle one option; CLI_OK or the status of a usage error. */
static int take_option(cli_parser *p, diff_args *a, int c)
{
	retort_error err = RETORT_ERROR_INIT;

	switch (c) {
	case OPT_FORMAT:
		if (strcmp(p->arg, "text") && strcmp(p->arg, "json") &&
		    strcmp(p->arg, "sql"))
			return cli_usage_error(
				p,
				"unknown --format '%s' (expected text, json or sql)",
				p->arg);
		a->format = p->arg;
		return CLI_OK;
	case OPT_REVERSE:
		a->reverse = true;
		return CLI_OK;
	case OPT_COMPARE_TYPE:
		if (parse_compare_type(&a->opts.compare_type, p->arg))
			return cli_usage_error(
				p,
				"unknown --compare-type '%s' (expected declared, affinity or off)",
				p->arg);
		return CLI_OK;
	case OPT_NO_SERVER_DEFAULT:
		a->opts.compare_server_default = 0;
		return CLI_OK;
	case OPT_RENAME:
		if (cli_renames_add(&a->renames, p->arg, &err) != RETORT_OK)
			return cli_usage_error(p, "%s", err.why);
		return CLI_OK;
	default:
		return CLI_ERROR; /* not in the table: cannot happen */
	}
}

/* Parse the command line into A: CLI_ARGS_DONE, or an exit status. */
static int parse_args(cli_ctx *cli, int argc, char **argv, diff_args *a)
{
	bool type_set = false, server_default_set = false;
	cli_parser p;
	int c;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0) {
		if (take_option(&p, a, c) != CLI_OK)
			return CLI_ERROR;
		type_set |= c == OPT_COMPARE_TYPE;
		server_default_set |= c == OPT_NO_SERVER_DEFAULT;
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind != 2)
		return cli_usage_error(
			&p, argc - optind < 2 ? "needs FROM and TO"
					      : "too many arguments");
	a->from = argv[optind];
	a->to = argv[optind + 1];
	/* SPEC §8: retort.ini first, the flags override it */
	if (!type_set)
		a->opts.compare_type = cli->config->compare_type;
	if (!server_default_set)
		a->opts.compare_server_default =
			cli->config->compare_server_default;
	a->opts.naming = &cli->config->naming;
	a->opts.renames = a->renames.items;
	a->opts.nrenames = a->renames.n;
	return CLI_ARGS_DONE;
}

/*
** --reverse with text or json: compare TO with FROM.  The hints turn
** round too; a column hint names its table as the new target (FROM)
** does, so a table hint renaming that table applies to it.
*/
static void reverse_renames(cli_renames *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		retort_rename *h = &r->items[i];
		const char *t = h->from;

		h->from = h->to;
		h->to = t;
	}
	for (i = 0; i < r->n; i++) {
		if (!r->items[i].table)
			continue;
		for (j = 0; j < r->n; j++)
			if (!r->items[j].table &&
			    !strcasecmp(r->items[j].from, r->items[i].table))
				r->items[i].table = r->items[j].to;
	}
}

/*
** Print the SQL that makes DIFF's FROM into its TO (REVERSE: the
** downgrade, TO back into FROM), verified as SPEC §4 says; the plan's
** warnings go to stderr.
*/
static int print_sql(const retort_diff *diff, bool reverse, retort_error *err)
{
	retort_plan *plan = NULL;
	const char *sql;
	size_t i;
	int rc = retort_emit_plan(&plan, diff, NULL, err);

	if (rc != RETORT_OK)
		return rc;
	for (i = 0; i < retort_plan_nwarnings(plan); i++)
		cli_warn(retort_plan_warning(plan, i));
	sql = reverse ? retort_plan_downgrade(plan) : retort_plan_upgrade(plan);
	rc = cli_write_output(NULL, sql, strlen(sql), err);
	retort_plan_free(plan);
	return rc;
}

/* Write the report of DIFF in the format asked for to stdout. */
static int
report(const diff_args *a, const retort_diff *diff, retort_error *err)
{
	retort_buf out = RETORT_BUF_INIT;
	int rc;

	if (!strcmp(a->format, "sql"))
		return print_sql(diff, a->reverse, err);
	if (!strcmp(a->format, "json"))
		rc = retort_report_json(&out, diff, err);
	else
		rc = retort_report_text(&out, diff, cli_use_color(), err);
	if (rc == RETORT_OK)
		rc = cli_write_output(NULL, out.ptr, out.size, err);
	retort_buf_dispose(&out);
	return rc;
}

/* Load both sources, compare, report; the exit status or an error. */
static int run(diff_args *a, const retort_config *cfg, retort_error *err)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;
	retort_schema *from = NULL, *to = NULL;
	retort_diff *diff = NULL;
	bool swap = a->reverse && strcmp(a->format, "sql");
	int rc;

	lo.exclude_prefix = cfg->version_table;
	rc = retort_schema_load(&from, a->from, &lo, err);
	if (rc == RETORT_OK)
		rc = retort_schema_load(&to, a->to, &lo, err);
	if (rc == RETORT_OK && swap)
		reverse_renames(&a->renames);
	if (rc == RETORT_OK)
		rc = retort_diff_compare(
			&diff, swap ? to : from, swap ? from : to, &a->opts,
			err);
	if (rc == RETORT_OK)
		rc = report(a, diff, err);
	if (rc == RETORT_OK)
		rc = retort_diff_count(diff) ? CLI_DIFFERENT : CLI_OK;
	retort_diff_free(diff);
	retort_schema_free(to);
	retort_schema_free(from);
	return rc;
}

int cmd_diff(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	diff_args a = { "text",           false, RETORT_DIFF_OPTIONS_INIT,
			CLI_RENAMES_INIT, NULL,  NULL };
	int rc = parse_args(cli, argc, argv, &a);

	if (rc == CLI_ARGS_DONE)
		rc = cli_status(run(&a, cli->config, &err), &err);
	cli_renames_dispose(&a.renames);
	return rc;
}
