/*
** ddl_other.c -- CREATE INDEX, VIEW, TRIGGER and VIRTUAL TABLE (introspect
** layer).  Indexes are parsed into parts; views and triggers keep their
** whole statement normalised, with TEMP, IF NOT EXISTS and schema
** qualifiers dropped; a virtual table keeps its module arguments nearly
** verbatim, since the module parses them itself.
*/
#include <string.h>

#include "ddl_int.h"

/* Offset just after the last token that is not ';' (statement end). */
static size_t statement_end(ddl_parser *p)
{
	size_t end = retort_ddl__start(p);

	while (!p->rc && p->tok.type != RETORT_TK_EOF) {
		bool semi = retort_ddl__is_punct(p, ";");

		retort_ddl__next(p);
		if (!semi)
			end = p->prev_end;
	}
	return end;
}

/*
** Consume [schema .] name; *START is set to the offset of the name itself
** (after any qualifier).  Returns the name unquoted, or NULL.
*/
static const char *located_name(ddl_parser *p, size_t *start)
{
	const char *name;

	*start = retort_ddl__start(p);
	name = retort_ddl__name(p);
	if (name && retort_ddl__is_punct(p, ".")) {
		retort_ddl__next(p);
		*start = retort_ddl__start(p);
		name = retort_ddl__name(p);
	}
	return name;
}

/* PREFIX followed by the normalised pieces SQL[A[i]..B[i]) for i < N, as
 * an arena string. */
static const char *
rebuild(ddl_parser *p,
	const char *prefix,
	const size_t *a,
	const size_t *b,
	size_t n)
{
	retort_buf raw = RETORT_BUF_INIT;
	const char *s;
	size_t i;

	retort_buf_puts(&raw, prefix);
	for (i = 0; i < n; i++) {
		retort_buf_putc(&raw, ' ');
		retort_buf_put(&raw, p->sql + a[i], b[i] - a[i]);
	}
	if (retort_buf_oom(&raw)) {
		retort_buf_dispose(&raw);
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
		return NULL;
	}
	{
		ddl_parser q = *p;

		q.sql = raw.ptr;
		q.n = raw.size;
		s = retort_ddl__norm(&q, 0, raw.size, 0);
		p->rc = q.rc;
	}
	retort_buf_dispose(&raw);
	return s;
}

int retort__ddl_parse_index(
	retort_index *ix,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	ddl_parser p;
	retort_key_part *parts = NULL;
	size_t start;

	memset(ix, 0, sizeof(*ix));
	retort_ddl__init(&p, arena, sql, what, err);
	p.stmt = "CREATE INDEX";
	if (retort_ddl__create_prefix(&p, "INDEX", &ix->unique))
		ix->name = retort_ddl__qualified_name(&p);
	retort_ddl__expect_kw(&p, "ON");
	ix->table = retort_ddl__name(&p);
	if (retort_ddl__expect_punct(&p, "(") &&
	    retort_ddl__key_parts(&p, &parts, &ix->nparts, NULL))
		retort_ddl__expect_punct(&p, ")");
	ix->parts = parts;
	if (retort_ddl__accept_kw(&p, "WHERE")) {
		start = retort_ddl__start(&p);
		if (p.tok.type == RETORT_TK_EOF)
			retort_ddl__syntax(&p);
		ix->where = retort_ddl__norm(&p, start, statement_end(&p), 0);
	}
	if (retort_ddl__finish(&p))
		memset(ix, 0, sizeof(*ix));
	return p.rc;
}

int retort__ddl_parse_view(
	retort_view *v,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	ddl_parser p;
	size_t a = 0, b = 0;

	memset(v, 0, sizeof(*v));
	retort_ddl__init(&p, arena, sql, what, err);
	p.stmt = "CREATE VIEW";
	if (retort_ddl__create_prefix(&p, "VIEW", NULL))
		v->name = located_name(&p, &a);
	if (retort_ddl__is_punct(&p, "(")) {
		size_t s, e;

		retort_ddl__group(&p, &s, &e);
	}
	retort_ddl__expect_kw(&p, "AS");
	if (!p.rc && p.tok.type == RETORT_TK_EOF)
		retort_ddl__syntax(&p);
	b = statement_end(&p);
	if (!p.rc)
		v->sql = rebuild(&p, "CREATE VIEW", &a, &b, 1);
	if (retort_ddl__finish(&p))
		memset(v, 0, sizeof(*v));
	return p.rc;
}

/* [BEFORE|AFTER|INSTEAD OF] DELETE|INSERT|UPDATE [OF cols] ON. */
static void trigger_event(ddl_parser *p)
{
	if (!retort_ddl__accept_kw(p, "BEFORE") &&
	    !retort_ddl__accept_kw(p, "AFTER") &&
	    retort_ddl__accept_kw(p, "INSTEAD"))
		retort_ddl__expect_kw(p, "OF");
	if (retort_ddl__accept_kw(p, "UPDATE")) {
		if (retort_ddl__accept_kw(p, "OF"))
			do
				retort_ddl__name(p);
			while (!p->rc && retort_ddl__accept_punct(p, ","));
	} else if (!retort_ddl__accept_kw(p, "DELETE")) {
		retort_ddl__expect_kw(p, "INSERT");
	}
	retort_ddl__expect_kw(p, "ON");
}

int retort__ddl_parse_trigger(
	retort_trigger *t,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	ddl_parser p;
	size_t a[2] = { 0, 0 }, b[2] = { 0, 0 };

	memset(t, 0, sizeof(*t));
	retort_ddl__init(&p, arena, sql, what, err);
	p.stmt = "CREATE TRIGGER";
	if (retort_ddl__create_prefix(&p, "TRIGGER", NULL))
		t->name = located_name(&p, &a[0]);
	trigger_event(&p);
	b[0] = retort_ddl__start(&p);
	t->table = located_name(&p, &a[1]);
	if (!p.rc && !retort_ddl__is_kw(&p, "FOR") &&
	    !retort_ddl__is_kw(&p, "WHEN") && !retort_ddl__is_kw(&p, "BEGIN"))
		retort_ddl__syntax(&p);
	b[1] = statement_end(&p);
	if (!p.rc)
		t->sql = rebuild(&p, "CREATE TRIGGER", a, b, 2);
	if (retort_ddl__finish(&p))
		memset(t, 0, sizeof(*t));
	return p.rc;
}

/* The module arguments SQL[START..END): comments dropped, runs of white
 * space outside quotes made one space, trimmed; NULL when empty. */
static const char *vtab_args(ddl_parser *p, size_t start, size_t end)
{
	retort_buf out = RETORT_BUF_INIT;
	retort_token t;
	bool space = false;
	const char *s = NULL;

	while (start < end) {
		start += retort__sql_token(p->sql + start, end - start, &t);
		if (t.type == RETORT_TK_SPACE || t.type == RETORT_TK_COMMENT) {
			space = out.size > 0;
			continue;
		}
		if (space)
			retort_buf_putc(&out, ' ');
		space = false;
		retort_buf_put(&out, t.z, t.n);
	}
	if (retort_buf_oom(&out))
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
	else if (out.size) {
		s = retort__arena_strndup(p->arena, out.ptr, out.size);
		if (!s)
			retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
	}
	retort_buf_dispose(&out);
	return s;
}

/* Append NAME, quoted only when it must be. */
static void put_name(retort_buf *out, const char *name)
{
	if (retort__sql_ident_is_bare(name, strlen(name)))
		retort_buf_puts(out, name);
	else
		retort_buf_put_ident(out, name);
}

/* "CREATE VIRTUAL TABLE name USING module[(args)]" into the arena. */
static const char *vtab_sql(ddl_parser *p, const retort_virtual_table *v)
{
	retort_buf out = RETORT_BUF_INIT;
	const char *s = NULL;

	retort_buf_puts(&out, "CREATE VIRTUAL TABLE ");
	put_name(&out, v->name);
	retort_buf_puts(&out, " USING ");
	put_name(&out, v->module);
	if (v->args)
		retort_buf_printf(&out, "(%s)", v->args);
	if (!retort_buf_oom(&out))
		s = retort__arena_strndup(p->arena, out.ptr, out.size);
	if (!s)
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
	retort_buf_dispose(&out);
	return s;
}

int retort__ddl_parse_virtual_table(
	retort_virtual_table *v,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	ddl_parser p;
	size_t start, end;
	char *module;

	memset(v, 0, sizeof(*v));
	retort_ddl__init(&p, arena, sql, what, err);
	p.stmt = "CREATE VIRTUAL TABLE";
	if (retort_ddl__create_prefix(&p, "VIRTUAL TABLE", NULL))
		v->name = retort_ddl__qualified_name(&p);
	retort_ddl__expect_kw(&p, "USING");
	module = (char *)retort_ddl__name(&p);
	for (start = 0; module && module[start]; start++)
		if (module[start] >= 'A' && module[start] <= 'Z')
			module[start] = (char)(module[start] + ('a' - 'A'));
	v->module = module;
	if (retort_ddl__is_punct(&p, "(") &&
	    retort_ddl__group(&p, &start, &end))
		v->args = vtab_args(&p, start, end);
	if (!retort_ddl__finish(&p))
		v->sql = vtab_sql(&p, v);
	if (p.rc)
		memset(v, 0, sizeof(*v));
	return p.rc;
}
