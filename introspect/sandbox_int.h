/*
** sandbox_int.h -- private helpers of the introspect layer shared by
** sandbox.c (untrusted SQL in :memory:) and source.c (schema sources).
*/
#ifndef RETORT_SANDBOX_INT_H
#define RETORT_SANDBOX_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/common.h"

/*
** True when the N bytes at Z can be SQL text: no NUL byte and valid
** UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
*/
bool retort__is_sql_text(const char *z, size_t n);

/*
** Check that the N bytes at Z (from file WHAT) are SQL text; otherwise
** RETORT_EINVAL with "not a SQL text file" and the reason.
*/
int retort__check_sql_text(
	const char *z, size_t n, const char *what, retort_error *err);

#endif /* RETORT_SANDBOX_INT_H */
