/*
** error.c -- the one place that turns results into exit statuses and
** prints errors as "retort: <what>: <why>" (cli layer; SPEC §6).
*/
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cli_status(int rc, const retort_error *err)
{
	if (rc >= 0)
		return rc;
	if (err && err->code != RETORT_OK && err->what[0])
		fprintf(stderr, "retort: %s: %s\n", err->what, err->why);
	else if (err && err->code != RETORT_OK)
		fprintf(stderr, "retort: %s\n", err->why);
	else /* a library bug: a failure without a record */
		fprintf(stderr, "retort: internal error %d\n", rc);
	return CLI_ERROR;
}

int cli_fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	fputs("retort: ", stderr);
	if (what)
		fprintf(stderr, "%s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERROR;
}

void cli_warn(const char *text)
{
	fprintf(stderr, "retort: warning: %s\n", text);
}

bool cli_use_color(void)
{
	const char *no = getenv("NO_COLOR");

	/* no-color.org: any non-empty NO_COLOR turns colour off */
	return isatty(STDOUT_FILENO) && !(no && *no);
}
