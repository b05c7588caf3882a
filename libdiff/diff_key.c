/*
** diff_key.c -- comparison keys for the comparator (libdiff, bottom
** layer): expressions as normalised token streams (SPEC §8) with the
** FROM side's names mapped through the --rename hints, declared types
** compared ignoring case and spacing, collations, the rowid alias.
*/
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

static int upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

const char *retort_diff__fold(diff_ctx *c, const char *s)
{
	char *copy;
	size_t i;

	if (!s)
		return "";
	copy = retort__arena_strdup(&c->scratch, s);
	if (!copy)
		return NULL;
	for (i = 0; copy[i]; i++)
		if (copy[i] >= 'A' && copy[i] <= 'Z')
			copy[i] += 'a' - 'A';
	return copy;
}

/* The name an identifier of a FROM expression has in TO: a renamed
 * column of TO_TABLE, else a renamed table, else NAME itself. */
static const char *
map_name(const diff_ctx *c, const char *name, const char *to_table)
{
	const char *m = name;

	if (to_table)
		m = retort_diff__map_column(c, to_table, name);
	if (m == name)
		m = retort_diff__map_table(c, name);
	return m;
}

/* Append EXPR to C->b2 with its identifiers renamed as in TO. */
static void map_expr(diff_ctx *c, const char *expr, const char *to_table)
{
	size_t n = strlen(expr), pos = 0;
	retort_token tok;

	retort_buf_clear(&c->b2);
	while (pos < n) {
		const char *m;

		pos += retort__sql_token(expr + pos, n - pos, &tok);
		if (tok.type != RETORT_TK_WORD &&
		    tok.type != RETORT_TK_QUOTED) {
			retort_buf_put(&c->b2, tok.z, tok.n);
			continue;
		}
		retort_buf_clear(&c->b1);
		retort__sql_unquote(&c->b1, &tok);
		m = map_name(c, c->b1.ptr, to_table);
		if (m == c->b1.ptr)
			retort_buf_put(&c->b2, tok.z, tok.n);
		else
			retort_buf_put_ident(&c->b2, m);
	}
}

/*
** The comparison key of EXPR (RETORT_NORM_FOLD) in the scratch arena.
** With FROM_SIDE, identifiers are first renamed as the --rename hints
** say (columns of TO_TABLE when it is not NULL, and tables), so that a
** renamed column compares equal to its new name.  NULL EXPR gives "".
*/
int retort_diff__expr_key(
	diff_ctx *c, const char **out, const char *expr, const char *to_table)
{
	const char *text = expr;
	int rc;

	*out = "";
	if (!expr)
		return RETORT_OK;
	if (c->opts->nrenames && to_table != NULL) {
		map_expr(c, expr, *to_table ? to_table : NULL);
		text = c->b2.ptr;
	}
	retort_buf_clear(&c->b1);
	rc = retort__sql_normalize(
		&c->b1, text, strlen(text), RETORT_NORM_FOLD);
	if (rc == RETORT_EINVAL) { /* not SQL: compare the text */
		retort_buf_clear(&c->b1);
		retort_buf_puts(&c->b1, text);
	}
	if (retort_buf_oom(&c->b1) || retort_buf_oom(&c->b2))
		return RETORT_ENOMEM;
	*out = retort__arena_strndup(&c->scratch, c->b1.ptr, c->b1.size);
	return *out ? RETORT_OK : RETORT_ENOMEM;
}

/* The next byte of a type's canonical form (upper case, single spaces,
 * none next to parentheses and commas) at *P; 0 at the end. */
static int type_next(const char **p, int *prev)
{
	const char *s = *p;

	while (is_space((unsigned char)*s)) {
		while (is_space((unsigned char)*s))
			s++;
		if (*s && !strchr("(),", *s) && *prev && !strchr("(,", *prev)) {
			*p = s;
			return *prev = ' ';
		}
	}
	if (!*s) {
		*p = s;
		return 0;
	}
	*p = s + 1;
	return *prev = upper((unsigned char)*s);
}

bool retort_diff__type_eq(const char *a, const char *b)
{
	int pa = 0, pb = 0, ca, cb;

	a = a ? a : "";
	b = b ? b : "";
	do {
		ca = type_next(&a, &pa);
		cb = type_next(&b, &pb);
		if (ca != cb)
			return false;
	} while (ca);
	return true;
}

bool retort_diff__collate_eq(const char *a, const char *b)
{
	if (a && !retort__strcasecmp(a, "BINARY"))
		a = NULL;
	if (b && !retort__strcasecmp(b, "BINARY"))
		b = NULL;
	if (!a || !b)
		return !a && !b;
	return !retort__strcasecmp(a, b);
}

/* True when T's primary key is an alias of the rowid: a rowid table
 * whose key is one column declared exactly INTEGER (lang_createtable
 * "ROWIDs and the INTEGER PRIMARY KEY"). */
bool retort_diff__rowid_alias(const retort_table *t)
{
	const retort_column *col;

	if (t->without_rowid || !t->primary_key ||
	    t->primary_key->nparts != 1 || !t->primary_key->parts[0].column)
		return false;
	col = retort_table_find_column(t, t->primary_key->parts[0].column);
	return col && retort_diff__type_eq(col->type, "INTEGER");
}

/*
** The collation of key part P of table T as compared: "" when it is the
** collation its column has anyway (the introspector writes the effective
** one, and a part without COLLATE inherits the column's), else the name.
** So a column's collation change does not also change its index.
*/
const char *
retort_diff__part_collate(const retort_table *t, const retort_key_part *p)
{
	const retort_column *col =
		p->column && t ? retort_table_find_column(t, p->column) : NULL;

	if (!p->collate ||
	    (col && retort_diff__collate_eq(p->collate, col->collate)))
		return "";
	return retort_diff__collate_eq(p->collate, NULL) ? "binary"
							 : p->collate;
}
