/*
** naming.c -- Alembic / SQLAlchemy naming-convention templates (libdiff,
** bottom layer; SPEC §3, §8).  Tokens: %(table_name)s,
** %(referred_table_name)s, %(constraint_name)s, %(column_<i>_name)s,
** %(column_<i>_key)s, %(column_<i>_label)s (table_column),
** %(column_0N_name)s (all columns, no separator), %(column_0_N_name)s
** (joined with "_"), and %(referred_column_...)s likewise.
*/
#include <string.h>

#include "retort/diff.h"

/* A parsed %(column...)s token. */
struct coltok {
	bool referred; /* referred_column_... */
	size_t index;  /* <i> */
	int multi;     /* 0: one column; 1: 0N (no separator); 2: 0_N ("_") */
	int attr;      /* 0 name, 1 key, 2 label */
};

/* Parse the token T[0..N) as a column token into *CT; false if it is
 * not one. */
static bool parse_column_token(const char *t, size_t n, struct coltok *ct)
{
	static const char *const attrs[] = { "name", "key", "label" };
	size_t i = 0, a;

	memset(ct, 0, sizeof(*ct));
	if (n > 16 && !strncmp(t, "referred_column_", 16)) {
		ct->referred = true;
		i = 16;
	} else if (n > 7 && !strncmp(t, "column_", 7)) {
		i = 7;
	} else {
		return false;
	}
	if (i >= n || t[i] < '0' || t[i] > '9')
		return false;
	for (; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		ct->index = ct->index * 10 + (size_t)(t[i] - '0');
	if (ct->index == 0 && i + 2 < n && !strncmp(t + i, "N_", 2)) {
		ct->multi = 1;
		i += 1;
	} else if (ct->index == 0 && i + 3 < n && !strncmp(t + i, "_N_", 3)) {
		ct->multi = 2;
		i += 2;
	}
	if (i >= n || t[i++] != '_')
		return false;
	for (a = 0; a < 3; a++)
		if (strlen(attrs[a]) == n - i &&
		    !strncmp(t + i, attrs[a], n - i))
			break;
	/* SQLAlchemy knows only the name of a referred column */
	if (a == 3 || (ct->referred && a != 0))
		return false;
	ct->attr = (int)a;
	return true;
}

/* Append column I of the token's list, as its attribute asks. */
static void put_column(
	retort_buf *out,
	const retort_naming_subject *s,
	const struct coltok *ct,
	size_t i)
{
	if (ct->referred) {
		retort_buf_puts(out, s->ref_columns[i]);
		return;
	}
	if (ct->attr == 2) {
		retort_buf_puts(out, s->table);
		retort_buf_putc(out, '_');
	}
	retort_buf_puts(out, s->columns[i]);
}

static int render_column(
	retort_buf *out,
	const retort_naming_subject *s,
	const struct coltok *ct)
{
	size_t n = ct->referred ? s->nref_columns : s->ncolumns, i;
	bool ok = ct->referred ? s->ref_columns != NULL : s->columns != NULL;

	if (!ok || (ct->multi ? n == 0 : ct->index >= n) ||
	    (ct->attr == 2 && !s->table))
		return RETORT_ENOTFOUND;
	if (!ct->multi) {
		put_column(out, s, ct, ct->index);
		return RETORT_OK;
	}
	for (i = 0; i < n; i++) {
		if (i && ct->multi == 2)
			retort_buf_putc(out, '_');
		put_column(out, s, ct, i);
	}
	return RETORT_OK;
}

/* Append the value of token T[0..N); RETORT_EINVAL if unknown,
 * RETORT_ENOTFOUND if the subject has no value for it. */
static int render_token(
	retort_buf *out,
	const char *t,
	size_t n,
	const retort_naming_subject *s)
{
	const char *v = NULL;
	struct coltok ct;

	if (n == 10 && !strncmp(t, "table_name", n))
		v = s->table;
	else if (n == 19 && !strncmp(t, "referred_table_name", n))
		v = s->ref_table;
	else if (n == 15 && !strncmp(t, "constraint_name", n))
		v = s->constraint_name;
	else if (parse_column_token(t, n, &ct))
		return render_column(out, s, &ct);
	else
		return RETORT_EINVAL;
	if (!v)
		return RETORT_ENOTFOUND;
	retort_buf_puts(out, v);
	return RETORT_OK;
}

int retort_naming_render(
	retort_buf *out,
	const char *name_template,
	const retort_naming_subject *subject,
	retort_error *err)
{
	const char *p = name_template, *end;
	int rc;

	retort_buf_clear(out);
	while (*p) {
		if (p[0] == '%' && p[1] == '%') {
			retort_buf_putc(out, '%');
			p += 2;
			continue;
		}
		if (p[0] != '%' || p[1] != '(') {
			retort_buf_putc(out, *p++);
			continue;
		}
		end = strchr(p + 2, ')');
		if (!end || end[1] != 's')
			return retort_error_set(
				err, RETORT_EINVAL, "naming convention",
				"malformed token in '%s': expected %%(name)s",
				name_template);
		rc = render_token(out, p + 2, (size_t)(end - p - 2), subject);
		if (rc < 0)
			return retort_error_set(
				err, rc, "naming convention",
				rc == RETORT_EINVAL
					? "unknown token '%.*s' in '%s'"
					: "no value for '%.*s' in '%s'",
				(int)(end + 2 - p), p, name_template);
		p = end + 2;
	}
	return retort_buf_oom(out)
		       ? retort_error_set(
				 err, RETORT_ENOMEM, "naming convention",
				 "out of memory")
		       : RETORT_OK;
}
