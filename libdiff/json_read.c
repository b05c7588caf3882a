/*
** json_read.c -- the strict snapshot reader (libdiff, bottom layer):
** parses with cJSON, checks every member (types, enum names, unknown and
** duplicate keys, SQL text that the emitter will paste), rebuilds the
** model in the schema's arena and checks the fingerprint.  Errors are
** RETORT_EINVAL with the JSON path of the culprit in `why`.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_int.h"
#include "model_int.h"
#include "sqltok.h"

/* Deepest nesting accepted (a snapshot needs 6); checked before cJSON
 * parses, so that hostile input cannot exhaust the stack. */
#ifndef RETORT_JSON_MAX_DEPTH
# define RETORT_JSON_MAX_DEPTH 64
#endif

/* The reader's state: the schema being built and where it is reading. */
typedef struct rd {
	retort_schema *s;  /* the schema being built */
	const char *what;  /* input name for errors */
	retort_error *err; /* where the first error goes */
	char path[256];    /* JSON path of the current value */
	size_t plen;       /* length of path */
} rd;

/* Record an error at the current path; returns RETORT_EINVAL. */
static int fail(rd *r, const char *fmt, ...) RETORT_FORMAT(2, 3);

static int fail(rd *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->plen)
		return retort_error_set(
			r->err, RETORT_EINVAL, r->what, "%s", msg);
	return retort_error_set(
		r->err, RETORT_EINVAL, r->what, "%s: %s", r->path, msg);
}

/* Append ".KEY" (or "KEY" at the root) and "[IDX]" when IDX >= 0 to the
 * path; returns the length to restore with path_pop(). */
static size_t path_push(rd *r, const char *key, long idx)
{
	size_t old = r->plen, room = sizeof(r->path) - r->plen;
	int n = 0;

	if (key)
		n = snprintf(
			r->path + r->plen, room, "%s%s", r->plen ? "." : "",
			key);
	if (n >= 0 && (size_t)n < room && idx >= 0)
		n += snprintf(
			r->path + r->plen + n, room - (size_t)n, "[%ld]", idx);
	r->plen = n < 0 || (size_t)n >= room ? sizeof(r->path) - 1
					     : r->plen + (size_t)n;
	return old;
}

static void path_pop(rd *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

/* Record an error at member KEY of the current path. */
static int fail_key(rd *r, const char *key, const char *fmt, ...)
	RETORT_FORMAT(3, 4);

static int fail_key(rd *r, const char *key, const char *fmt, ...)
{
	char msg[400];
	size_t old;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	old = path_push(r, key, -1);
	rc = fail(r, "%s", msg);
	path_pop(r, old);
	return rc;
}

static int oom(rd *r)
{
	return retort_error_set(
		r->err, RETORT_ENOMEM, r->what, "out of memory");
}

/* True when KEY is one of KEYS (NULL-terminated). */
static bool key_known(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* OBJ must be an object whose keys are all in KEYS, each once. */
static int check_object(rd *r, const cJSON *obj, const char *const *keys)
{
	const cJSON *c, *d;
	size_t old;
	int rc = RETORT_OK;

	if (!cJSON_IsObject(obj))
		return fail(r, "expected an object");
	for (c = obj->child; c && rc == RETORT_OK; c = c->next) {
		old = path_push(r, c->string, -1);
		if (!key_known(c->string, keys))
			rc = fail(r, "unknown key");
		for (d = obj->child; d != c && rc == RETORT_OK; d = d->next)
			if (!strcmp(d->string, c->string))
				rc = fail(r, "duplicate key");
		path_pop(r, old);
	}
	return rc;
}

/* The member KEY of OBJ, or NULL after recording "missing". */
static const cJSON *member(rd *r, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t old;

	if (v)
		return v;
	old = path_push(r, key, -1);
	fail(r, "missing");
	path_pop(r, old);
	return NULL;
}

/* A string member copied into the arena; NULLABLE allows null. */
static int get_string(
	rd *r,
	const cJSON *obj,
	const char *key,
	bool nullable,
	const char **out)
{
	const cJSON *v = member(r, obj, key);
	size_t old;
	int rc = RETORT_OK;

	*out = NULL;
	if (!v)
		return RETORT_EINVAL;
	if (nullable && cJSON_IsNull(v))
		return RETORT_OK;
	old = path_push(r, key, -1);
	if (!cJSON_IsString(v))
		rc =
			fail(r, nullable ? "expected a string or null"
					 : "expected a string");
	else if (!(*out = retort__arena_strdup(&r->s->arena, v->valuestring)))
		rc = oom(r);
	path_pop(r, old);
	return rc;
}

static int get_bool(rd *r, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = member(r, obj, key);
	size_t old;
	int rc = RETORT_OK;

	if (!v)
		return RETORT_EINVAL;
	old = path_push(r, key, -1);
	if (!cJSON_IsBool(v))
		rc = fail(r, "expected true or false");
	else
		*out = cJSON_IsTrue(v);
	path_pop(r, old);
	return rc;
}

/* An integer member in [0, MAX]. */
static int
get_uint(rd *r, const cJSON *obj, const char *key, double max, unsigned *out)
{
	const cJSON *v = member(r, obj, key);
	size_t old;
	int rc = RETORT_OK;

	if (!v)
		return RETORT_EINVAL;
	old = path_push(r, key, -1);
	if (!cJSON_IsNumber(v))
		rc = fail(r, "expected an integer");
	else if (!(v->valuedouble >= 0) || !(v->valuedouble <= max))
		rc =
			fail(r, "%g is out of range (0 to %.0f)",
			     v->valuedouble, max);
	else if (v->valuedouble != (double)(unsigned)v->valuedouble)
		rc = fail(r, "expected an integer");
	else
		*out = (unsigned)v->valuedouble;
	path_pop(r, old);
	return rc;
}

/* An enum member: one of NAMES (NULL-terminated); *OUT its index. */
static int get_enum(
	rd *r,
	const cJSON *obj,
	const char *key,
	const char *const *names,
	unsigned *out)
{
	const char *s;
	char list[200] = "";
	unsigned i;
	size_t old;
	int rc;

	if ((rc = get_string(r, obj, key, false, &s)) < 0)
		return rc;
	for (i = 0; names[i]; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return RETORT_OK;
		}
	for (i = 0; names[i]; i++)
		snprintf(
			list + strlen(list), sizeof(list) - strlen(list),
			"%s%s", i ? ", " : "", names[i]);
	old = path_push(r, key, -1);
	rc = fail(r, "unknown value \"%s\" (expected one of: %s)", s, list);
	path_pop(r, old);
	return rc;
}

/* An array member; *N its length. */
static int get_array(
	rd *r, const cJSON *obj, const char *key, const cJSON **out, size_t *n)
{
	const cJSON *v = member(r, obj, key);
	size_t old;
	int rc = RETORT_OK;

	if (!v)
		return RETORT_EINVAL;
	old = path_push(r, key, -1);
	if (!cJSON_IsArray(v))
		rc = fail(r, "expected an array");
	path_pop(r, old);
	*out = v;
	*n = rc ? 0 : (size_t)cJSON_GetArraySize(v);
	return rc;
}

/* Zeroed room for N records of SIZE bytes in the arena (NULL for 0). */
static int alloc_array(rd *r, size_t n, size_t size, void *out)
{
	void *p = NULL;

	if (n && !(p = retort__arena_alloc(&r->s->arena, n * size)))
		return oom(r);
	memcpy(out, &p, sizeof(p));
	return RETORT_OK;
}

/* ------------------------------------------------------------------ */
/* SQL text that the emitter pastes into statements                    */

enum sql_kind {
	SQL_EXPR,    /* an expression (DEFAULT, CHECK, WHERE, ...) */
	SQL_TYPE,    /* a declared column type ("" allowed) */
	SQL_ARGS,    /* virtual table module arguments */
	SQL_VIEW,    /* CREATE VIEW ... */
	SQL_TRIGGER, /* CREATE TRIGGER ... END */
	SQL_VTAB     /* CREATE VIRTUAL TABLE ... */
};

/* Words that would start a column constraint inside a declared type. */
static const char *const type_stop[] = { "AS",         "CHECK",   "COLLATE",
					 "CONSTRAINT", "DEFAULT", "GENERATED",
					 "NOT",        "NULL",    "PRIMARY",
					 "REFERENCES", "UNIQUE",  NULL };

static bool tok_is(const retort_token *t, const char *word)
{
	return t->n == strlen(word) && !retort__strncasecmp(t->z, word, t->n);
}

static bool tok_in(const retort_token *t, const char *const *words)
{
	for (; *words; words++)
		if (tok_is(t, *words))
			return true;
	return false;
}

/* Per-token check; DEPTH and CASES track parentheses and CASE..END. */
static const char *
check_token(const retort_token *t, enum sql_kind kind, long *depth, long *cases)
{
	if (t->type == RETORT_TK_ILLEGAL)
		return "is not SQL (an unterminated quote or a stray byte)";
	if (t->type == RETORT_TK_COMMENT)
		return "contains a comment";
	if (t->type == RETORT_TK_PUNCT && tok_is(t, "(") && ++*depth > 1000)
		return "is nested too deeply";
	if (t->type == RETORT_TK_PUNCT && tok_is(t, ")") && --*depth < 0)
		return "has unbalanced parentheses";
	if (t->type == RETORT_TK_PUNCT && tok_is(t, ";") && kind != SQL_TRIGGER)
		return "contains ';'";
	if (kind == SQL_TYPE && *depth == 0 &&
	    ((t->type == RETORT_TK_WORD && tok_in(t, type_stop)) ||
	     (t->type == RETORT_TK_PUNCT && !tok_is(t, "(") &&
	      !tok_is(t, ")"))))
		return "is not a type name";
	if (kind == SQL_TRIGGER && t->type == RETORT_TK_WORD) {
		if (tok_is(t, "CASE"))
			++*cases;
		else if (tok_is(t, "END") && --*cases < -1)
			return "has text after its END";
	}
	return NULL;
}

/* The words a statement of KIND starts with. */
static const char *const *sql_head(enum sql_kind kind)
{
	static const char *const view[] = { "CREATE", "VIEW", NULL };
	static const char *const trigger[] = { "CREATE", "TRIGGER", NULL };
	static const char *const vtab[] = { "CREATE", "VIRTUAL", "TABLE",
					    NULL };
	static const char *const none[] = { NULL };

	return kind == SQL_VIEW      ? view
	       : kind == SQL_TRIGGER ? trigger
	       : kind == SQL_VTAB    ? vtab
				     : none;
}

/* True when identifier token T names NAME, ignoring ASCII case (quotes
 * removed and doubled quotes undone as retort__sql_unquote() does). */
static bool name_matches(const retort_token *t, const char *name)
{
	const char *z = t->z, *end = t->z + t->n;
	char close = 0;

	if (t->type == RETORT_TK_QUOTED) {
		close = z[0] == '[' ? ']' : z[0];
		z++;
		end--;
	} else if (t->type != RETORT_TK_WORD) {
		return false;
	}
	for (; z < end; z++, name++) {
		if (close && close != ']' && *z == close && z + 1 < end)
			z++;
		if (!*name || retort__strncasecmp(z, name, 1))
			return false;
	}
	return !*name;
}

/*
** Why SQL cannot be pasted as KIND, or NULL when it can: it must be
** tokens without comments, with balanced parentheses and no ';' (a
** trigger ends with the END that closes its body).  NAME, for
** statements, must be the name the statement creates.
*/
static const char *
sql_problem(const char *sql, enum sql_kind kind, const char *name)
{
	const char *const *head = sql_head(kind);
	const char *why = NULL;
	size_t pos = 0, n = strlen(sql), ntok = 0, nhead = 0;
	long depth = 0, cases = 0;
	retort_token t;

	while (head[nhead])
		nhead++;
	while (!why && pos < n) {
		pos += retort__sql_token(sql + pos, n - pos, &t);
		if (t.type == RETORT_TK_SPACE)
			continue;
		if (kind == SQL_TRIGGER && cases < 0)
			why = "has text after its END";
		else if ((why = check_token(&t, kind, &depth, &cases)) != NULL)
			break;
		else if (ntok < nhead && !tok_is(&t, head[ntok]))
			why = "does not start with the statement's keywords";
		else if (name && ntok == nhead && !name_matches(&t, name))
			why = "creates an object of another name";
		ntok++;
	}
	if (!why && depth)
		why = "has unbalanced parentheses";
	if (!why && kind != SQL_TYPE && kind != SQL_ARGS && ntok <= nhead)
		why = "is empty or incomplete";
	if (!why && kind == SQL_TRIGGER && cases != -1)
		why = "does not end with END";
	return why;
}

/* A string member (null allowed when NULLABLE) that must be SQL of KIND;
 * NAME as for sql_problem(). */
static int
get_sql(rd *r,
	const cJSON *obj,
	const char *key,
	bool nullable,
	enum sql_kind kind,
	const char *name,
	const char **out)
{
	const char *why;
	size_t old;
	int rc;

	if ((rc = get_string(r, obj, key, nullable, out)) < 0 || !*out)
		return rc;
	if (!(why = sql_problem(*out, kind, name)))
		return RETORT_OK;
	old = path_push(r, key, -1);
	rc = fail(r, "%s", why);
	path_pop(r, old);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */

/* True when table T (columns read so far: N) has a column NAME. */
static bool has_column(const retort_table *t, const char *name)
{
	return name && retort_table_find_column(t, name) != NULL;
}

/* A column name member that must name a column of T. */
static int get_column_ref(
	rd *r,
	const cJSON *obj,
	const char *key,
	const retort_table *t,
	bool nullable,
	const char **out)
{
	size_t old;
	int rc;

	if ((rc = get_string(r, obj, key, nullable, out)) < 0 || !*out)
		return rc;
	if (has_column(t, *out))
		return RETORT_OK;
	old = path_push(r, key, -1);
	rc = fail(r, "table \"%s\" has no column \"%s\"", t->name, *out);
	path_pop(r, old);
	return rc;
}

static int read_part(
	rd *r,
	const cJSON *o,
	const retort_table *t,
	bool exprs,
	retort_key_part *p)
{
	static const char *const keys[] = { "column", "expr", "collate", "desc",
					    NULL };
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_column_ref(r, o, "column", t, true, &p->column)) < 0 ||
	    (rc = get_sql(r, o, "expr", true, SQL_EXPR, NULL, &p->expr)) < 0 ||
	    (rc = get_string(r, o, "collate", true, &p->collate)) < 0 ||
	    (rc = get_bool(r, o, "desc", &p->desc)) < 0)
		return rc;
	if (!p->column == !p->expr)
		return fail(r, "expected one of \"column\" and \"expr\"");
	if (p->expr && !exprs)
		return fail_key(
			r, "expr", "only an index can have expressions");
	return RETORT_OK;
}

/* The "parts" member: at least one key part of table T; EXPRS allows
 * expressions (indexes). */
static int read_parts(
	rd *r,
	const cJSON *obj,
	const retort_table *t,
	bool exprs,
	const retort_key_part **out,
	size_t *nout)
{
	retort_key_part *parts = NULL;
	const cJSON *arr, *e;
	size_t n, i = 0, old;
	int rc;

	if ((rc = get_array(r, obj, "parts", &arr, &n)) < 0 ||
	    (rc = alloc_array(r, n, sizeof(*parts), &parts)) < 0)
		return rc;
	if (n == 0) {
		old = path_push(r, "parts", -1);
		rc = fail(r, "expected at least one part");
		path_pop(r, old);
		return rc;
	}
	cJSON_ArrayForEach(e, arr)
	{
		old = path_push(r, "parts", (long)i);
		rc = read_part(r, e, t, exprs, &parts[i++]);
		path_pop(r, old);
		if (rc < 0)
			return rc;
	}
	*out = parts;
	*nout = n;
	return RETORT_OK;
}

static int read_column(rd *r, const cJSON *o, retort_column *c)
{
	static const char *const keys[] = { "name",
					    "type",
					    "affinity",
					    "not_null",
					    "not_null_on_conflict",
					    "default",
					    "collate",
					    "pk",
					    "generated",
					    "generated_expr",
					    NULL };
	unsigned aff = 0, on = 0, gen = 0;
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &c->name)) < 0 ||
	    (rc = get_sql(r, o, "type", false, SQL_TYPE, NULL, &c->type)) < 0 ||
	    (rc = get_enum(r, o, "affinity", retort__json_affinity, &aff)) <
		    0 ||
	    (rc = get_bool(r, o, "not_null", &c->not_null)) < 0 ||
	    (rc = get_enum(
		     r, o, "not_null_on_conflict", retort__json_conflict,
		     &on)) < 0 ||
	    (rc =
		     get_sql(r, o, "default", true, SQL_EXPR, NULL,
			     &c->default_sql)) < 0 ||
	    (rc = get_string(r, o, "collate", true, &c->collate)) < 0 ||
	    (rc = get_uint(r, o, "pk", 65536, &c->pk)) < 0 ||
	    (rc = get_enum(r, o, "generated", retort__json_generated, &gen)) <
		    0 ||
	    (rc =
		     get_sql(r, o, "generated_expr", true, SQL_EXPR, NULL,
			     &c->generated_sql)) < 0)
		return rc;
	c->affinity = (retort_affinity)aff;
	c->not_null_on = (retort_conflict)on;
	c->generated = (retort_generated)gen;
	if (!c->generated != !c->generated_sql)
		return fail_key(
			r, "generated_expr", "expected %s",
			c->generated ? "an expression" : "null");
	return RETORT_OK;
}

/* The columns of T: at least one, names unique ignoring case. */
static int read_columns(rd *r, const cJSON *obj, retort_table *t)
{
	retort_column *cols = NULL;
	const cJSON *arr, *e;
	size_t n, i = 0, old;
	int rc;

	if ((rc = get_array(r, obj, "columns", &arr, &n)) < 0 ||
	    (rc = alloc_array(r, n, sizeof(*cols), &cols)) < 0)
		return rc;
	old = path_push(r, "columns", -1);
	rc = n ? RETORT_OK : fail(r, "expected at least one column");
	path_pop(r, old);
	t->columns = cols;
	cJSON_ArrayForEach(e, arr)
	{
		if (rc < 0)
			break;
		old = path_push(r, "columns", (long)i);
		t->ncolumns = i;
		rc = read_column(r, e, &cols[i]);
		if (rc == RETORT_OK && has_column(t, cols[i].name))
			rc = fail_key(
				r, "name", "a second column \"%s\"",
				cols[i].name);
		path_pop(r, old);
		i++;
	}
	t->ncolumns = n;
	return rc;
}

static int read_primary_key(rd *r, const cJSON *obj, retort_table *t)
{
	static const char *const keys[] = { "name", "parts", "on_conflict",
					    "autoincrement", NULL };
	const cJSON *o = member(r, obj, "primary_key");
	retort_primary_key *pk;
	unsigned on = 0;
	size_t old;
	int rc;

	if (!o)
		return RETORT_EINVAL;
	if (cJSON_IsNull(o))
		return RETORT_OK;
	if (!(pk = retort__arena_alloc(&r->s->arena, sizeof(*pk))))
		return oom(r);
	old = path_push(r, "primary_key", -1);
	if ((rc = check_object(r, o, keys)) == RETORT_OK &&
	    (rc = get_string(r, o, "name", true, &pk->name)) == RETORT_OK &&
	    (rc = read_parts(r, o, t, false, &pk->parts, &pk->nparts)) ==
		    RETORT_OK &&
	    (rc = get_enum(r, o, "on_conflict", retort__json_conflict, &on)) ==
		    RETORT_OK)
		rc = get_bool(r, o, "autoincrement", &pk->autoincrement);
	path_pop(r, old);
	pk->on_conflict = (retort_conflict)on;
	t->primary_key = pk;
	return rc;
}

/* Each column's "pk" must be its position in the primary key. */
static int check_pk_positions(rd *r, const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;
	size_t i, j, old;
	int rc = RETORT_OK;

	for (i = 0; i < t->ncolumns && rc == RETORT_OK; i++) {
		unsigned want = 0;

		for (j = 0; pk && j < pk->nparts; j++)
			if (!retort__strcasecmp(
				    pk->parts[j].column, t->columns[i].name))
				want = (unsigned)j + 1;
		if (t->columns[i].pk == want)
			continue;
		old = path_push(r, "columns", (long)i);
		path_push(r, "pk", -1);
		rc =
			fail(r, "%u disagrees with primary_key (%u)",
			     t->columns[i].pk, want);
		path_pop(r, old);
	}
	return rc;
}

/* Call FN for each element of array member KEY, with the path set. */
typedef int (*elem_fn)(rd *r, const cJSON *e, size_t i, void *ctx);

static int
read_each(rd *r, const cJSON *obj, const char *key, elem_fn fn, void *ctx)
{
	const cJSON *arr, *e;
	size_t n, i = 0, old;
	int rc;

	if ((rc = get_array(r, obj, key, &arr, &n)) < 0)
		return rc;
	cJSON_ArrayForEach(e, arr)
	{
		old = path_push(r, key, (long)i);
		rc = fn(r, e, i++, ctx);
		path_pop(r, old);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

/* The length of array member KEY of OBJ (0 when it is not an array: the
 * error comes from read_each()). */
static size_t array_len(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 0;
}

static int read_unique(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name", "parts", "on_conflict",
					    NULL };
	retort_table *t = ctx;
	retort_unique *u = (retort_unique *)&t->uniques[i];
	unsigned on = 0;
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", true, &u->name)) < 0 ||
	    (rc = read_parts(r, o, t, false, &u->parts, &u->nparts)) < 0 ||
	    (rc = get_enum(r, o, "on_conflict", retort__json_conflict, &on)) <
		    0)
		return rc;
	u->on_conflict = (retort_conflict)on;
	return RETORT_OK;
}

static int read_check(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name", "expr", NULL };
	retort_table *t = ctx;
	retort_check *c = (retort_check *)&t->checks[i];
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", true, &c->name)) < 0)
		return rc;
	return get_sql(r, o, "expr", false, SQL_EXPR, NULL, &c->expr);
}

/* An array of names; each must be a column of T unless T is NULL. */
static int get_names(
	rd *r,
	const cJSON *obj,
	const char *key,
	const retort_table *t,
	const char *const **out,
	size_t *nout)
{
	const cJSON *arr, *e;
	const char **names = NULL;
	size_t n, i = 0, old;
	int rc;

	if ((rc = get_array(r, obj, key, &arr, &n)) < 0 ||
	    (rc = alloc_array(r, n, sizeof(*names), &names)) < 0)
		return rc;
	cJSON_ArrayForEach(e, arr)
	{
		old = path_push(r, key, (long)i);
		if (!cJSON_IsString(e))
			rc = fail(r, "expected a string");
		else if (t && !has_column(t, e->valuestring))
			rc =
				fail(r, "table \"%s\" has no column \"%s\"",
				     t->name, e->valuestring);
		else if (!(names[i++] = retort__arena_strdup(
				   &r->s->arena, e->valuestring)))
			rc = oom(r);
		path_pop(r, old);
		if (rc < 0)
			return rc;
	}
	*out = names;
	*nout = n;
	return RETORT_OK;
}

static int fk_shape(rd *r, const retort_foreign_key *fk)
{
	if (fk->ncolumns == 0)
		return fail_key(r, "columns", "expected at least one column");
	if (fk->nref_columns && fk->nref_columns != fk->ncolumns)
		return fail_key(
			r, "ref_columns",
			"expected as many names as columns (%zu) or none",
			fk->ncolumns);
	return RETORT_OK;
}

static int read_fk(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = {
		"name",      "columns", "ref_table", "ref_columns", "on_delete",
		"on_update", "match",   "deferred",  NULL
	};
	retort_table *t = ctx;
	retort_foreign_key *fk = (retort_foreign_key *)&t->foreign_keys[i];
	unsigned del = 0, upd = 0;
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", true, &fk->name)) < 0 ||
	    (rc = get_names(r, o, "columns", t, &fk->columns, &fk->ncolumns)) <
		    0 ||
	    (rc = get_string(r, o, "ref_table", false, &fk->ref_table)) < 0 ||
	    (rc = get_names(
		     r, o, "ref_columns", NULL, &fk->ref_columns,
		     &fk->nref_columns)) < 0 ||
	    (rc = get_enum(r, o, "on_delete", retort__json_action, &del)) < 0 ||
	    (rc = get_enum(r, o, "on_update", retort__json_action, &upd)) < 0 ||
	    (rc = get_string(r, o, "match", true, &fk->match)) < 0 ||
	    (rc = get_bool(r, o, "deferred", &fk->deferred)) < 0)
		return rc;
	fk->on_delete = (retort_fk_action)del;
	fk->on_update = (retort_fk_action)upd;
	return fk_shape(r, fk);
}

static int read_index(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name",  "table", "unique",
					    "parts", "where", NULL };
	retort_table *t = ctx;
	retort_index *ix = (retort_index *)&t->indexes[i];
	size_t old;
	int rc;

	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &ix->name)) < 0 ||
	    (rc = get_string(r, o, "table", false, &ix->table)) < 0 ||
	    (rc = get_bool(r, o, "unique", &ix->unique)) < 0 ||
	    (rc = read_parts(r, o, t, true, &ix->parts, &ix->nparts)) < 0 ||
	    (rc = get_sql(r, o, "where", true, SQL_EXPR, NULL, &ix->where)) < 0)
		return rc;
	if (!retort__strcasecmp(ix->table, t->name))
		return RETORT_OK;
	old = path_push(r, "table", -1);
	rc =
		fail(r, "\"%s\" is not the table the index is listed under",
		     ix->table);
	path_pop(r, old);
	return rc;
}

/* Room for the constraints and indexes of T, sized from OBJ. */
static int alloc_constraints(rd *r, const cJSON *o, retort_table *t)
{
	int rc;

	t->nuniques = array_len(o, "uniques");
	t->nchecks = array_len(o, "checks");
	t->nforeign_keys = array_len(o, "foreign_keys");
	t->nindexes = array_len(o, "indexes");
	if ((rc = alloc_array(
		     r, t->nuniques, sizeof(retort_unique), &t->uniques)) < 0 ||
	    (rc = alloc_array(
		     r, t->nchecks, sizeof(retort_check), &t->checks)) < 0 ||
	    (rc = alloc_array(
		     r, t->nforeign_keys, sizeof(retort_foreign_key),
		     &t->foreign_keys)) < 0)
		return rc;
	return alloc_array(r, t->nindexes, sizeof(retort_index), &t->indexes);
}

static int read_table(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name",        "without_rowid",
					    "strict",      "columns",
					    "primary_key", "uniques",
					    "checks",      "foreign_keys",
					    "indexes",     NULL };
	retort_table *t = retort_schema__add_table(r->s);
	int rc;

	(void)i;
	(void)ctx;
	if (!t)
		return oom(r);
	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &t->name)) < 0 ||
	    (rc = get_bool(r, o, "without_rowid", &t->without_rowid)) < 0 ||
	    (rc = get_bool(r, o, "strict", &t->strict)) < 0 ||
	    (rc = read_columns(r, o, t)) < 0 ||
	    (rc = read_primary_key(r, o, t)) < 0 ||
	    (rc = check_pk_positions(r, t)) < 0 ||
	    (rc = alloc_constraints(r, o, t)) < 0 ||
	    (rc = read_each(r, o, "uniques", read_unique, t)) < 0 ||
	    (rc = read_each(r, o, "checks", read_check, t)) < 0 ||
	    (rc = read_each(r, o, "foreign_keys", read_fk, t)) < 0)
		return rc;
	return read_each(r, o, "indexes", read_index, t);
}

/* ------------------------------------------------------------------ */
/* Views, triggers, virtual tables                                    */

static int read_view(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name", "sql", NULL };
	retort_view *v = retort_schema__add_view(r->s);
	int rc;

	(void)i;
	(void)ctx;
	if (!v)
		return oom(r);
	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &v->name)) < 0)
		return rc;
	return get_sql(r, o, "sql", false, SQL_VIEW, v->name, &v->sql);
}

static int read_trigger(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name", "table", "sql", NULL };
	retort_trigger *t = retort_schema__add_trigger(r->s);
	int rc;

	(void)i;
	(void)ctx;
	if (!t)
		return oom(r);
	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &t->name)) < 0 ||
	    (rc = get_string(r, o, "table", false, &t->table)) < 0)
		return rc;
	return get_sql(r, o, "sql", false, SQL_TRIGGER, t->name, &t->sql);
}

static int read_vtab(rd *r, const cJSON *o, size_t i, void *ctx)
{
	static const char *const keys[] = { "name", "module", "args", "sql",
					    NULL };
	retort_virtual_table *v = retort_schema__add_virtual_table(r->s);
	int rc;

	(void)i;
	(void)ctx;
	if (!v)
		return oom(r);
	if ((rc = check_object(r, o, keys)) < 0 ||
	    (rc = get_string(r, o, "name", false, &v->name)) < 0 ||
	    (rc = get_string(r, o, "module", false, &v->module)) < 0 ||
	    (rc = get_sql(r, o, "args", true, SQL_ARGS, NULL, &v->args)) < 0)
		return rc;
	return get_sql(r, o, "sql", false, SQL_VTAB, v->name, &v->sql);
}

/* ------------------------------------------------------------------ */
/* The document                                                       */

/* "format" and "version", checked before anything else so that a newer
 * document is reported as such, not as unknown keys. */
static int check_header(rd *r, const cJSON *root)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "version");

	if (!cJSON_IsString(f) ||
	    strcmp(f->valuestring, RETORT_JSON_FORMAT_NAME))
		return fail(
			r,
			"not a retort snapshot (expected \"format\": "
			"\"%s\")",
			RETORT_JSON_FORMAT_NAME);
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -1e9) ||
	    !(v->valuedouble <= 1e9) ||
	    v->valuedouble != (double)(long)v->valuedouble)
		return fail(r, "version: expected an integer");
	if (v->valuedouble != RETORT_SNAPSHOT_FORMAT)
		return fail(
			r,
			"unsupported snapshot version %ld (this retort "
			"reads version %d)",
			(long)v->valuedouble, RETORT_SNAPSHOT_FORMAT);
	return RETORT_OK;
}

/* The optional "fingerprint": well formed, and equal to the one
 * recomputed from the contents (after retort_schema__finish()). */
static int check_fingerprint(rd *r, const cJSON *root, bool computed)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "fingerprint");
	char want[22];
	size_t i;

	if (!f)
		return RETORT_OK;
	if (!computed) {
		const char *s = cJSON_IsString(f) ? f->valuestring : "";

		for (i = 5; i < 21 && strchr("0123456789abcdef", s[i]); i++)
			;
		if (strncmp(s, "xxh3:", 5) || i != 21 || s[21])
			return fail(
				r, "fingerprint: expected \"xxh3:\" and 16 "
				   "lower-case hex digits");
		return RETORT_OK;
	}
	retort_fingerprint_format(want, r->s->fingerprint);
	if (!strcmp(want, f->valuestring))
		return RETORT_OK;
	return fail(
		r,
		"fingerprint: %s does not match the contents (%s): the "
		"snapshot was edited by hand; remove the \"fingerprint\" "
		"key to accept the edit",
		f->valuestring, want);
}

static int read_document(rd *r, const cJSON *root)
{
	static const char *const keys[] = { "format",         "version",
					    "fingerprint",    "tables",
					    "views",          "triggers",
					    "virtual_tables", NULL };
	int rc;

	if (!cJSON_IsObject(root))
		return fail(r, "expected a JSON object");
	if ((rc = check_header(r, root)) < 0 ||
	    (rc = check_object(r, root, keys)) < 0 ||
	    (rc = check_fingerprint(r, root, false)) < 0 ||
	    (rc = read_each(r, root, "tables", read_table, NULL)) < 0 ||
	    (rc = read_each(r, root, "views", read_view, NULL)) < 0 ||
	    (rc = read_each(r, root, "triggers", read_trigger, NULL)) < 0 ||
	    (rc = read_each(r, root, "virtual_tables", read_vtab, NULL)) < 0 ||
	    (rc = retort_schema__finish(r->s, r->what, r->err)) < 0)
		return rc;
	return check_fingerprint(r, root, true);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */

/* Line and column (1-based) of byte OFF of TEXT. */
static void
line_col(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = *col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static int fail_at(rd *r, const char *text, size_t off, const char *why)
{
	unsigned long line, col;

	line_col(text, off, &line, &col);
	return fail(
		r, "%s at byte %zu (line %lu, column %lu)", why, off, line,
		col);
}

/*
** Before cJSON sees the text: no NUL byte, and no nesting deeper than
** RETORT_JSON_MAX_DEPTH (brackets inside strings do not count).
*/
static int prescan(rd *r, const char *json, size_t len)
{
	size_t i, depth = 0;
	bool in_str = false;

	for (i = 0; i < len; i++) {
		char c = json[i];

		if (c == '\0')
			return fail_at(
				r, json, i, "malformed JSON: a NUL byte");
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (
			(c == '[' || c == '{') &&
			++depth > RETORT_JSON_MAX_DEPTH) {
			char why[80];

			snprintf(
				why, sizeof(why),
				"malformed JSON: nested deeper than %d levels",
				RETORT_JSON_MAX_DEPTH);
			return fail_at(r, json, i, why);
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return RETORT_OK;
}

/* Number of JSON white-space bytes at the start of Z[0..N). */
static size_t skip_ws(const char *z, size_t n)
{
	size_t i = 0;

	while (i < n &&
	       (z[i] == ' ' || z[i] == '\t' || z[i] == '\r' || z[i] == '\n'))
		i++;
	return i;
}

/* Parse JSON[0..LEN) into *OUT: the whole text must be one value. */
static int parse(rd *r, const char *json, size_t len, cJSON **out)
{
	const char *end = NULL;
	size_t off;
	int rc;

	*out = NULL;
	if ((rc = prescan(r, json, len)) < 0)
		return rc;
	if (skip_ws(json, len) == len)
		return fail(r, "malformed JSON: empty input");
	*out = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (!*out) {
		off = end && end >= json ? (size_t)(end - json) : 0;
		return fail_at(
			r, json, off > len ? len : off, "malformed JSON");
	}
	off = (size_t)(end - json);
	off += skip_ws(end, len - off);
	if (off < len)
		return fail_at(
			r, json, off,
			"malformed JSON: text after the document");
	return RETORT_OK;
}

int retort_schema_from_json(
	retort_schema **out,
	const char *json,
	size_t len,
	const char *what,
	retort_error *err)
{
	rd r = { NULL, what ? what : "snapshot", err, "", 0 };
	cJSON *root = NULL;
	int rc;

	*out = NULL;
	if ((rc = parse(&r, json, len, &root)) < 0)
		goto done;
	if (!(r.s = retort_schema__new())) {
		rc = oom(&r);
		goto done;
	}
	if ((rc = read_document(&r, root)) < 0)
		goto done;
	*out = r.s;
	r.s = NULL;
done:
	retort_schema_free(r.s);
	cJSON_Delete(root);
	return rc;
}
