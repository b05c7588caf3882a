/*
** cmd_check.c -- `retort check`: drift detection for CI (cli layer, SPEC
** §5).  One line per check that passed or was skipped, one line per
** failure with what is wrong and the command that fixes it, the
** structural diff under a drift or model failure; --json for machines.
** Exit 0 when every check passed, 1 when one failed, 2 on error.
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>

enum {
	OPT_PENDING = 1100,
	OPT_DRIFT,
	OPT_EDITED,
	OPT_MODEL,
	OPT_REVISIONS,
	OPT_NO_DB,
	OPT_JSON
};

static const cli_option options[] = {
	{ OPT_PENDING, "pending", NULL,
	  "check 1: the database is at head, at revisions that have files" },
	{ OPT_DRIFT, "drift", NULL,
	  "check 2: its schema is what its revision builds (no hand edits)" },
	{ OPT_EDITED, "edited", NULL,
	  "check 3: no applied revision file was edited" },
	{ OPT_MODEL, "model", NULL,
	  "check 4: the model has no change that no revision captures" },
	{ OPT_REVISIONS, "revisions", NULL,
	  "every revision's Schema line is what it builds (replays them)" },
	{ OPT_NO_DB, "no-db", NULL,
	  "no database: only the model and the revisions checks" },
	{ OPT_JSON, "json", NULL, "print the result as JSON (docs/check.md)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort check [--pending] [--drift] [--edited] [--model] [--revisions]\n"
	"                    [--no-db] [--json]",
	"Check, for CI and deploy scripts: (1) the database is at head, (2) its\n"
	"schema is what its current revision builds, (3) no applied revision\n"
	"file was edited, (4) the model has no change that the revisions lack.\n"
	"With check flags, only those run; --no-db runs the model and revisions\n"
	"checks.  Each failure is a line with what is wrong and the fix.  Exit\n"
	"status: 0 all passed, 1 a check failed, 2 error.",
	options
};

/* The compare options of retort.ini. */
static void diff_options(const cli_ctx *cli, retort_diff_options *d)
{
	const retort_naming_convention *n = &cli->config->naming;
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;

	*d = o;
	d->compare_type = cli->config->compare_type;
	d->compare_server_default = cli->config->compare_server_default;
	if (n->ix || n->uq || n->ck || n->fk || n->pk)
		d->naming = n;
}

/* Parse the options into *checks and *json; -1 to go on. */
static int parse(cli_parser *p, unsigned *checks, bool *json)
{
	bool no_db = false;
	int c;

	*checks = 0;
	while ((c = cli_getopt(p)) >= 0) {
		if (c == OPT_JSON)
			*json = true;
		else if (c == OPT_NO_DB)
			no_db = true;
		else if (c >= OPT_PENDING && c <= OPT_REVISIONS)
			*checks |= 1u << (c - OPT_PENDING);
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (optind < p->argc)
		return cli_usage_error(
			p, "unexpected argument '%s'", p->argv[optind]);
	if (no_db && (*checks & RETORT_CHECK_DB))
		return cli_usage_error(
			p,
			"--no-db goes without --pending, --drift and --edited");
	if (!*checks)
		*checks = no_db ? RETORT_CHECK_NO_DB : RETORT_CHECK_DEFAULT;
	return -1;
}

/* Append TEXT to B with each line indented by 5 spaces. */
static void put_indented(retort_buf *b, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) + 1 : strlen(text);

		if (n > 1)
			retort_buf_puts(b, "     ");
		retort_buf_put(b, text, n);
		text += n;
	}
	if (b->size && b->ptr[b->size - 1] != '\n')
		retort_buf_putc(b, '\n');
}

/* The details under a failure: revisions to apply, a diff. */
static int put_details(
	retort_buf *b,
	const retort_check_finding *f,
	bool color,
	retort_error *err)
{
	retort_buf r = RETORT_BUF_INIT;
	size_t i;
	int rc = RETORT_OK;

	if (f->nrevisions) {
		retort_buf_puts(b, "     to apply:");
		for (i = 0; i < f->nrevisions; i++)
			retort_buf_printf(
				b, "%s %s", i ? "," : "", f->revisions[i]);
		retort_buf_putc(b, '\n');
	}
	if (f->expected && f->actual && !f->diff)
		retort_buf_printf(
			b, "     recorded %s, found %s\n", f->expected,
			f->actual);
	if (!f->diff)
		return RETORT_OK;
	retort_buf_puts(
		b, f->kind == RETORT_FINDING_SCHEMA_DRIFT
			   ? "     (+ only in the database, - only in what the "
			     "revisions build)\n"
			   : "     (+ only in the model, - only in what the "
			     "revisions build)\n");
	rc = retort_report_text(&r, f->diff, color, err);
	if (rc == RETORT_OK)
		put_indented(b, r.ptr);
	retort_buf_dispose(&r);
	return rc;
}

/* The lines of check CHECK: its failures, or one ok/skip line. */
static int put_check(
	retort_buf *b,
	const retort_check_result *res,
	unsigned check,
	bool color,
	retort_error *err)
{
	const char *note, *name = retort_check_name(check);
	retort_check_state st = retort_check_state_of(res, check, &note);
	size_t i;
	int rc = RETORT_OK;

	if (st == RETORT_CHECK_PASSED || st == RETORT_CHECK_SKIPPED)
		retort_buf_printf(
			b, "%s%s%s %s: %s\n",
			color ? (st == RETORT_CHECK_PASSED ? "\033[32m"
							   : "\033[33m")
			      : "",
			st == RETORT_CHECK_PASSED ? "ok  " : "skip",
			color ? "\033[0m" : "", name, note);
	for (i = 0; rc == RETORT_OK && i < retort_check_nfindings(res); i++) {
		const retort_check_finding *f = retort_check_finding_at(res, i);

		if ((unsigned)f->check != check)
			continue;
		retort_buf_printf(
			b, "%sFAIL%s %s: %s; fix: %s\n",
			color ? "\033[31m" : "", color ? "\033[0m" : "", name,
			f->message, f->fix);
		rc = put_details(b, f, color, err);
	}
	return rc;
}

/* The text report of RES, with a summary line. */
static int
put_text(retort_buf *b, const retort_check_result *res, retort_error *err)
{
	bool color = cli_use_color();
	unsigned check;
	size_t n = retort_check_nfindings(res);
	int rc = RETORT_OK, ran = 0;

	for (check = 1; rc == RETORT_OK && check <= RETORT_CHECK_REVISIONS;
	     check <<= 1) {
		retort_check_state st = retort_check_state_of(
			res, (retort_check_flag)check, NULL);

		if (st == RETORT_CHECK_NOT_RUN)
			continue;
		ran += st != RETORT_CHECK_SKIPPED;
		rc = put_check(b, res, check, color, err);
	}
	if (n)
		retort_buf_printf(
			b, "retort check: %zu problem%s found\n", n,
			n == 1 ? "" : "s");
	else
		retort_buf_printf(
			b, "retort check: %d check%s passed\n", ran,
			ran == 1 ? "" : "s");
	return rc;
}

int cmd_check(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_diff_options d;
	retort_check_result *res = NULL;
	retort_migrate_options o;
	retort_buf b = RETORT_BUF_INIT;
	bool json = false;
	cli_parser p;
	int rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	if ((rc = parse(&p, &co.checks, &json)) >= 0)
		return rc;
	cli_migrate_options(cli, &o);
	o.notify = NULL;
	o.progress = NULL;
	diff_options(cli, &d);
	co.diff = &d;
	co.model = cli->config->model;
	rc = retort_check_run(&res, cli->config->database, &co, &o, &err);
	if (rc == RETORT_OK)
		rc = json ? retort_check_json(&b, res, &err)
			  : put_text(&b, res, &err);
	if (rc == RETORT_OK && retort_buf_oom(&b))
		rc = retort_error_set(
			&err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK) {
		fwrite(b.ptr, 1, b.size, stdout);
		rc = retort_check_ok(res) ? CLI_OK : CLI_DIFFERENT;
	}
	retort_buf_dispose(&b);
	retort_check_result_free(res);
	return cli_status(rc, &err);
}
