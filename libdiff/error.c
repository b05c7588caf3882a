/*
** error.c -- the retort_error record (libdiff, bottom layer).
** Set once by the lowest level that knows the subject; never allocates.
*/
#include <stdio.h>
#include <string.h>

#include "retort/common.h"

int retort_error_vset(
	retort_error *err,
	int code,
	const char *what,
	const char *fmt,
	va_list ap)
{
	if (!err || err->code != RETORT_OK)
		return code;
	err->code = code;
	if (what)
		snprintf(err->what, sizeof(err->what), "%s", what);
	vsnprintf(err->why, sizeof(err->why), fmt, ap);
	return code;
}

int retort_error_set(
	retort_error *err, int code, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	retort_error_vset(err, code, what, fmt, ap);
	va_end(ap);
	return code;
}

void retort_error_set_what(retort_error *err, const char *what)
{
	if (err && !err->what[0] && what)
		snprintf(err->what, sizeof(err->what), "%s", what);
}

void retort_error_clear(retort_error *err)
{
	if (!err)
		return;
	err->code = RETORT_OK;
	err->sqlite_rc = 0;
	err->what[0] = '\0';
	err->why[0] = '\0';
}
