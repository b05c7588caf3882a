/*
** cmd_status.c -- `retort status [--json]`: what an application's health
** endpoint reports (cli layer): healthy, warning (revisions pending) or
** error (schema drift, unknown revision), with the current and head
** revisions, the pending ones and whether the schema drifted.  Exit 0
** when the status could be read (whatever it is), 2 when not.
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_JSON = 1100 };

static const cli_option options[] = {
	{ OPT_JSON, "json", NULL,
	  "print the JSON object a health endpoint returns (docs/check.md)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort status [--json]",
	"Show the database's health: \"healthy\" (at head, schema as its\n"
	"revision builds it), \"warning\" (revisions pending) or \"error\"\n"
	"(schema drift, or a revision no file provides); the current and head\n"
	"revisions, the pending revisions and whether the schema drifted.\n"
	"Exit status 0 whenever the status was read; 'retort check' fails.",
	options
};

/* Append "label: ids" (or NONE when L is empty) to B. */
static void
put_ids(retort_buf *b,
	const char *label,
	const retort_revids *l,
	const char *none)
{
	size_t i;

	retort_buf_printf(b, "%-19s", label);
	for (i = 0; i < l->n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "", l->ids[i]);
	retort_buf_printf(b, "%s\n", l->n ? "" : none);
}

/* The text form of RES into B. */
static void put_text(retort_buf *b, const retort_check_result *res)
{
	const char *note;

	retort_buf_printf(
		b, "%-19s%s\n",
		"status:", retort_health_name(retort_status_health(res)));
	put_ids(b, "current revision:", retort_check_current(res), "base");
	put_ids(b, "head revision:", retort_check_heads(res), "base");
	put_ids(b, "pending:", retort_check_pending(res), "none");
	retort_check_state_of(res, RETORT_CHECK_DRIFT, &note);
	retort_buf_printf(
		b, "%-19s%s (%s)\n", "schema drift:",
		retort_check_state_of(res, RETORT_CHECK_DRIFT, NULL) ==
				RETORT_CHECK_FAILED
			? "yes"
		: retort_check_state_of(res, RETORT_CHECK_DRIFT, NULL) ==
				RETORT_CHECK_PASSED
			? "no"
			: "unknown",
		note);
}

/* The JSON error object on stdout, the message on stderr. */
static int fail_json(const retort_error *failure)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;

	if (retort_status_error_json(&b, failure, &err) == RETORT_OK)
		fwrite(b.ptr, 1, b.size, stdout);
	retort_buf_dispose(&b);
	return cli_status(failure->code, failure);
}

int cmd_status(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_diff_options d = RETORT_DIFF_OPTIONS_INIT;
	const retort_naming_convention *n;
	retort_check_result *res = NULL;
	retort_migrate_options o;
	retort_buf b = RETORT_BUF_INIT;
	bool json = false;
	cli_parser p;
	int c, rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0)
		if (c == OPT_JSON)
			json = true;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (optind < argc)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind]);
	cli_migrate_options(cli, &o);
	n = &cli->config->naming;
	d.compare_type = cli->config->compare_type;
	d.compare_server_default = cli->config->compare_server_default;
	d.naming = n->ix || n->uq || n->ck || n->fk || n->pk ? n : NULL;
	co.diff = &d;
	rc = retort_status_run(&res, cli->config->database, &co, &o, &err);
	if (rc < 0 && json)
		return fail_json(&err);
	if (rc == RETORT_OK && json)
		rc = retort_status_json(&b, res, &err);
	else if (rc == RETORT_OK)
		put_text(&b, res);
	if (rc == RETORT_OK && retort_buf_oom(&b))
		rc = retort_error_set(
			&err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK)
		fwrite(b.ptr, 1, b.size, stdout);
	retort_buf_dispose(&b);
	retort_check_result_free(res);
	return cli_status(rc, &err);
}
