/*
** plan_rules.c -- when SQLite's native ALTER TABLE can do a change (emit
** layer).  Encodes SQLITE-FACTS §2 (ADD COLUMN) and §3 (DROP COLUMN) as
** observed on the real library; tests/emit/test_plan_rules.c checks each
** rule against SQLite.  Anything these rules refuse is rebuilt instead.
*/
#include <string.h>

#include "plan_int.h"
#include "sqltok.h"

/* The next token of Z[*pos..N) that is not space or comment. */
static retort_token next_token(const char *z, size_t n, size_t *pos)
{
	retort_token t;

	t.type = RETORT_TK_EOF;
	t.z = z + n;
	t.n = 0;
	while (*pos < n) {
		*pos += retort__sql_token(z + *pos, n - *pos, &t);
		if (t.type != RETORT_TK_SPACE && t.type != RETORT_TK_COMMENT)
			return t;
	}
	t.type = RETORT_TK_EOF;
	return t;
}

static bool is_punct(const retort_token *t, char c)
{
	return t->type == RETORT_TK_PUNCT && t->n == 1 && t->z[0] == c;
}

static bool is_word(const retort_token *t, const char *w)
{
	return t->type == RETORT_TK_WORD && strlen(w) == t->n &&
	       !retort__strncasecmp(t->z, w, t->n);
}

/* True for a literal value token: number, string, blob, NULL, TRUE or
 * FALSE (SQLite's sqlite3ValueFromExpr() accepts these). */
static bool is_literal(const retort_token *t)
{
	switch (t->type) {
	case RETORT_TK_NUMBER:
	case RETORT_TK_STRING:
	case RETORT_TK_BLOB:
		return true;
	case RETORT_TK_WORD:
		return is_word(t, "NULL") || is_word(t, "TRUE") ||
		       is_word(t, "FALSE");
	default:
		return false;
	}
}

bool retort__plan_default_is_constant(const char *expr)
{
	size_t n, pos = 0, open = 0;
	retort_token t;

	if (!expr)
		return true;
	n = strlen(expr);
	t = next_token(expr, n, &pos);
	while (is_punct(&t, '(')) {
		open++;
		t = next_token(expr, n, &pos);
	}
	if (is_punct(&t, '-') || is_punct(&t, '+'))
		t = next_token(expr, n, &pos);
	if (!is_literal(&t))
		return false;
	t = next_token(expr, n, &pos);
	for (; open > 0; open--) {
		if (!is_punct(&t, ')'))
			return false;
		t = next_token(expr, n, &pos);
	}
	return t.type == RETORT_TK_EOF;
}

/* The literal token of constant default EXPR (parentheses and sign
 * skipped); EOF for none. */
static retort_token literal_of(const char *expr)
{
	size_t n = strlen(expr), pos = 0;
	retort_token t = next_token(expr, n, &pos);

	while (is_punct(&t, '(') || is_punct(&t, '-') || is_punct(&t, '+'))
		t = next_token(expr, n, &pos);
	return t;
}

/* True when NUMBER token T is an integer (no '.', no exponent). */
static bool is_integer(const retort_token *t)
{
	size_t i;

	if (t->n > 1 && (t->z[1] == 'x' || t->z[1] == 'X'))
		return true;
	for (i = 0; i < t->n; i++)
		if (t->z[i] == '.' || t->z[i] == 'e' || t->z[i] == 'E')
			return false;
	return true;
}

/*
** True when constant default EXPR, stored in a STRICT column of TYPE,
** has the column's type.  SQLite does not check this on ADD COLUMN: the
** old rows would then fail PRAGMA integrity_check (verified on 3.40), so
** anything doubtful is rebuilt, where the copy checks each row.
*/
static bool strict_default_fits(const char *type, const char *expr)
{
	retort_token t = literal_of(expr);

	if (is_word(&t, "NULL") || !retort__strcasecmp(type, "ANY"))
		return true;
	if (!retort__strcasecmp(type, "TEXT"))
		return t.type != RETORT_TK_BLOB;
	if (!retort__strcasecmp(type, "BLOB"))
		return t.type == RETORT_TK_BLOB;
	if (!retort__strcasecmp(type, "REAL"))
		return t.type == RETORT_TK_NUMBER;
	return (t.type == RETORT_TK_NUMBER && is_integer(&t)) ||
	       is_word(&t, "TRUE") || is_word(&t, "FALSE");
}

/* True when key PARTS name column NAME. */
static bool parts_have(const retort_key_part *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].column && !retort__strcasecmp(p[i].column, name))
			return true;
	return false;
}

/* True when COL is the only column of a UNIQUE constraint of T. */
static bool in_unique(const retort_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nuniques; i++)
		if (parts_have(t->uniques[i].parts, t->uniques[i].nparts, name))
			return true;
	return false;
}

/* True when SQL text Z mentions column NAME (a conservative test). */
static bool expr_mentions(const char *z, const char *name)
{
	return z && retort__plan_mentions(z, name);
}

const char *retort__plan_add_column_refusal(
	const retort_table *t,
	const retort_column *col,
	const retort_foreign_key *fk_inline,
	int version)
{
	if (col->pk)
		return "a PRIMARY KEY column cannot be added";
	if (in_unique(t, col->name))
		return "a UNIQUE column cannot be added";
	if (col->generated == RETORT_GENERATED_STORED)
		return "a STORED generated column cannot be added";
	if (col->generated != RETORT_GENERATED_NONE && col->not_null &&
	    version < RETORT_SQLITE_ADD_NN)
		return "a generated NOT NULL column is not checked on old rows";
	if (col->generated == RETORT_GENERATED_NONE &&
	    !retort__plan_default_is_constant(col->default_sql))
		return "a column with a non-constant default cannot be added";
	if (t->strict && col->default_sql &&
	    !strict_default_fits(col->type, col->default_sql))
		return "the default does not fit the STRICT column type";
	if (col->generated == RETORT_GENERATED_NONE && col->not_null &&
	    !col->default_sql && version < RETORT_SQLITE_ADD_NN)
		return "a NOT NULL column without default cannot be added";
	if (fk_inline && fk_inline->ncolumns != 1)
		return "a multi-column foreign key cannot be added";
	return NULL;
}

const char *retort__plan_drop_column_refusal(
	const retort_table *t, const retort_column *col, int version)
{
	size_t i, j;

	if (version < RETORT_SQLITE_DROP_COL)
		return "DROP COLUMN needs SQLite 3.35.0";
	if (col->pk)
		return "a PRIMARY KEY column cannot be dropped";
	if (in_unique(t, col->name))
		return "a UNIQUE column cannot be dropped";
	if (t->ncolumns < 2)
		return "the only column cannot be dropped";
	for (i = 0; i < t->nforeign_keys; i++)
		for (j = 0; j < t->foreign_keys[i].ncolumns; j++)
			if (!retort__strcasecmp(
				    t->foreign_keys[i].columns[j], col->name))
				return "a foreign key column cannot be dropped";
	for (i = 0; i < t->nchecks; i++)
		if (expr_mentions(t->checks[i].expr, col->name))
			return "a column named in a CHECK cannot be dropped";
	for (i = 0; i < t->ncolumns; i++)
		if (&t->columns[i] != col &&
		    expr_mentions(t->columns[i].generated_sql, col->name))
			return "a column used by a generated column cannot be "
			       "dropped";
	return NULL;
}

/* True when token T stands for identifier NAME. */
static bool token_is_name(const retort_token *t, const char *name)
{
	retort_buf b = RETORT_BUF_INIT;
	bool eq;

	if (t->type == RETORT_TK_WORD)
		return strlen(name) == t->n &&
		       !retort__strncasecmp(t->z, name, t->n);
	if (t->type != RETORT_TK_QUOTED && t->type != RETORT_TK_STRING)
		return false;
	retort__sql_unquote(&b, t);
	/* out of memory: say yes, the safe answer */
	eq = retort_buf_oom(&b) || !retort__strcasecmp(b.ptr, name);
	retort_buf_dispose(&b);
	return eq;
}

bool retort__plan_mentions(const char *z, const char *name)
{
	size_t n = strlen(z), pos = 0;

	while (pos < n) {
		retort_token t;

		pos += retort__sql_token(z + pos, n - pos, &t);
		if (token_is_name(&t, name))
			return true;
	}
	return false;
}
