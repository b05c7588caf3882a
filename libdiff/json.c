/*
** json.c -- the canonical JSON snapshot writer (libdiff, bottom layer).
** The document is written straight into a retort_buf, with keys in the
** fixed order of docs/snapshot-format.md and a layout of our own, so that
** the bytes depend on the model only (not on cJSON's printer or version).
** The reader is json_read.c.
*/
#include <string.h>

#include "json_int.h"
#include "model_int.h"

/* A JSON writer: the output and where it stands in the document. */
typedef struct jw {
	retort_buf *b;        /* output */
	unsigned depth;       /* nesting of the current container */
	bool first;           /* nothing written in the current container yet */
	retort_write_fn sink; /* takes full chunks of b, or NULL: b keeps all */
	void *ctx;            /* the sink's context */
	int rc;               /* the sink's first failure, or RETORT_OK */
	retort_error *err;    /* where the sink reports */
} jw;

const char *const retort__json_affinity[] = { "blob",    "text", "numeric",
					      "integer", "real", NULL };
const char *const retort__json_generated[] = { "none", "virtual", "stored",
					       NULL };
const char *const retort__json_conflict[] = { "abort",  "rollback", "fail",
					      "ignore", "replace",  NULL };
const char *const retort__json_action[] = { "no_action", "restrict",
					    "set_null",  "set_default",
					    "cascade",   NULL };

void retort__json_put_string(retort_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	retort_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		retort_buf_put(b, run, (size_t)(s - run));
		run = s + 1;
		retort_buf_putc(b, '\\');
		if (c == '"' || c == '\\')
			retort_buf_putc(b, (char)c);
		else if (c == '\n')
			retort_buf_putc(b, 'n');
		else if (c == '\t')
			retort_buf_putc(b, 't');
		else if (c == '\r')
			retort_buf_putc(b, 'r');
		else {
			retort_buf_puts(b, "u00");
			retort_buf_putc(b, hex[c >> 4]);
			retort_buf_putc(b, hex[c & 15]);
		}
	}
	retort_buf_put(b, run, (size_t)(s - run));
	retort_buf_putc(b, '"');
}

static void jw_newline(jw *w)
{
	unsigned i;

	retort_buf_putc(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		retort_buf_puts(w->b, "  ");
}

/* Start a member: the comma, a new line and the key. */
static void jw_key(jw *w, const char *key)
{
	if (!w->first)
		retort_buf_putc(w->b, ',');
	jw_newline(w);
	retort__json_put_string(w->b, key);
	retort_buf_puts(w->b, ": ");
	w->first = false;
}

/* Start an array element on its own line. */
static void jw_elem(jw *w)
{
	if (!w->first)
		retort_buf_putc(w->b, ',');
	jw_newline(w);
	w->first = false;
}

static void jw_open(jw *w, char c)
{
	retort_buf_putc(w->b, c);
	w->depth++;
	w->first = true;
}

/* Close a container; an empty one stays on one line ("[]"). */
static void jw_close(jw *w, char c)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	retort_buf_putc(w->b, c);
	w->first = false;
}

static void jw_str(jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		retort__json_put_string(w->b, s);
	else
		retort_buf_puts(w->b, "null");
}

static void jw_bool(jw *w, const char *key, bool v)
{
	jw_key(w, key);
	retort_buf_puts(w->b, v ? "true" : "false");
}

static void jw_uint(jw *w, const char *key, unsigned long long v)
{
	jw_key(w, key);
	retort_buf_printf(w->b, "%llu", v);
}

/* An enum member: its name from NAMES (NULL-terminated). */
static void
jw_enum(jw *w, const char *key, const char *const *names, unsigned v)
{
	jw_str(w, key, retort__json_enum_name(names, v));
}

/* An array of names on one line: ["a", "b"]. */
static void jw_names(jw *w, const char *key, const char *const *v, size_t n)
{
	size_t i;

	jw_key(w, key);
	retort_buf_putc(w->b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(w->b, ", ");
		retort__json_put_string(w->b, v[i]);
	}
	retort_buf_putc(w->b, ']');
}

/* A string or null inside a one-line object: "key": value. */
static void put_inline(retort_buf *b, const char *key, const char *s)
{
	retort__json_put_string(b, key);
	retort_buf_puts(b, ": ");
	if (s)
		retort__json_put_string(b, s);
	else
		retort_buf_puts(b, "null");
}

/* Key parts: one object per line, each object on one line. */
static void jw_parts(jw *w, const retort_key_part *p, size_t n)
{
	size_t i;

	jw_key(w, "parts");
	jw_open(w, '[');
	for (i = 0; i < n; i++) {
		jw_elem(w);
		retort_buf_putc(w->b, '{');
		put_inline(w->b, "column", p[i].column);
		retort_buf_puts(w->b, ", ");
		put_inline(w->b, "expr", p[i].expr);
		retort_buf_puts(w->b, ", ");
		put_inline(w->b, "collate", p[i].collate);
		retort_buf_puts(
			w->b,
			p[i].desc ? ", \"desc\": true}" : ", \"desc\": false}");
	}
	jw_close(w, ']');
}

static void put_column(jw *w, const retort_column *c)
{
	jw_elem(w);
	jw_open(w, '{');
	jw_str(w, "name", c->name);
	jw_str(w, "type", c->type ? c->type : "");
	jw_enum(w, "affinity", retort__json_affinity, c->affinity);
	jw_bool(w, "not_null", c->not_null);
	jw_enum(w, "not_null_on_conflict", retort__json_conflict,
		c->not_null_on);
	jw_str(w, "default", c->default_sql);
	jw_str(w, "collate", c->collate);
	jw_uint(w, "pk", c->pk);
	jw_enum(w, "generated", retort__json_generated, c->generated);
	jw_str(w, "generated_expr", c->generated_sql);
	jw_close(w, '}');
}

static void put_primary_key(jw *w, const retort_primary_key *pk)
{
	jw_key(w, "primary_key");
	if (!pk) {
		retort_buf_puts(w->b, "null");
		return;
	}
	jw_open(w, '{');
	jw_str(w, "name", pk->name);
	jw_parts(w, pk->parts, pk->nparts);
	jw_enum(w, "on_conflict", retort__json_conflict, pk->on_conflict);
	jw_bool(w, "autoincrement", pk->autoincrement);
	jw_close(w, '}');
}

static void put_uniques(jw *w, const retort_table *t)
{
	size_t i;

	jw_key(w, "uniques");
	jw_open(w, '[');
	for (i = 0; i < t->nuniques; i++) {
		const retort_unique *u = &t->uniques[i];

		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", u->name);
		jw_parts(w, u->parts, u->nparts);
		jw_enum(w, "on_conflict", retort__json_conflict,
			u->on_conflict);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_checks(jw *w, const retort_table *t)
{
	size_t i;

	jw_key(w, "checks");
	jw_open(w, '[');
	for (i = 0; i < t->nchecks; i++) {
		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", t->checks[i].name);
		jw_str(w, "expr", t->checks[i].expr);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_foreign_key(jw *w, const retort_foreign_key *fk)
{
	jw_elem(w);
	jw_open(w, '{');
	jw_str(w, "name", fk->name);
	jw_names(w, "columns", fk->columns, fk->ncolumns);
	jw_str(w, "ref_table", fk->ref_table);
	jw_names(w, "ref_columns", fk->ref_columns, fk->nref_columns);
	jw_enum(w, "on_delete", retort__json_action, fk->on_delete);
	jw_enum(w, "on_update", retort__json_action, fk->on_update);
	jw_str(w, "match", fk->match);
	jw_bool(w, "deferred", fk->deferred);
	jw_close(w, '}');
}

static void put_indexes(jw *w, const retort_table *t)
{
	size_t i;

	jw_key(w, "indexes");
	jw_open(w, '[');
	for (i = 0; i < t->nindexes; i++) {
		const retort_index *ix = &t->indexes[i];

		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", ix->name);
		jw_str(w, "table", ix->table);
		jw_bool(w, "unique", ix->unique);
		jw_parts(w, ix->parts, ix->nparts);
		jw_str(w, "where", ix->where);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_table(jw *w, const retort_table *t)
{
	size_t i;

	jw_elem(w);
	jw_open(w, '{');
	jw_str(w, "name", t->name);
	jw_bool(w, "without_rowid", t->without_rowid);
	jw_bool(w, "strict", t->strict);
	jw_key(w, "columns");
	jw_open(w, '[');
	for (i = 0; i < t->ncolumns; i++)
		put_column(w, &t->columns[i]);
	jw_close(w, ']');
	put_primary_key(w, t->primary_key);
	put_uniques(w, t);
	put_checks(w, t);
	jw_key(w, "foreign_keys");
	jw_open(w, '[');
	for (i = 0; i < t->nforeign_keys; i++)
		put_foreign_key(w, &t->foreign_keys[i]);
	jw_close(w, ']');
	put_indexes(w, t);
	jw_close(w, '}');
}

/* Views, triggers and virtual tables: small flat objects. */
static void put_others(jw *w, const retort_schema *s)
{
	size_t i;

	jw_key(w, "views");
	jw_open(w, '[');
	for (i = 0; i < s->nviews; i++) {
		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", s->views[i].name);
		jw_str(w, "sql", s->views[i].sql);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_key(w, "triggers");
	jw_open(w, '[');
	for (i = 0; i < s->ntriggers; i++) {
		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", s->triggers[i].name);
		jw_str(w, "table", s->triggers[i].table);
		jw_str(w, "sql", s->triggers[i].sql);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_key(w, "virtual_tables");
	jw_open(w, '[');
	for (i = 0; i < s->nvtabs; i++) {
		jw_elem(w);
		jw_open(w, '{');
		jw_str(w, "name", s->vtabs[i].name);
		jw_str(w, "module", s->vtabs[i].module);
		jw_str(w, "args", s->vtabs[i].args);
		jw_str(w, "sql", s->vtabs[i].sql);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* Hand what the buffer holds to the sink, once it is big or at the END. */
static void jw_flush(jw *w, bool end)
{
	if (!w->sink || w->rc != RETORT_OK || retort_buf_oom(w->b) ||
	    (!end && w->b->size < 65536))
		return;
	w->rc = w->sink(w->ctx, w->b->ptr, w->b->size, w->err);
	retort_buf_clear(w->b);
}

/* The whole document, flushed to the sink (if any) table by table. */
static int write_doc(jw *w, const retort_schema *s)
{
	char fpr[22];
	size_t i;

	retort_fingerprint_format(fpr, s->fingerprint);
	jw_open(w, '{');
	jw_str(w, "format", RETORT_JSON_FORMAT_NAME);
	jw_uint(w, "version", RETORT_SNAPSHOT_FORMAT);
	jw_str(w, "fingerprint", fpr);
	jw_key(w, "tables");
	jw_open(w, '[');
	for (i = 0; i < s->ntables; i++) {
		put_table(w, &s->tables[i]);
		jw_flush(w, false);
	}
	jw_close(w, ']');
	put_others(w, s);
	jw_close(w, '}');
	retort_buf_putc(w->b, '\n');
	if (retort_buf_oom(w->b))
		return retort_error_set(
			w->err, RETORT_ENOMEM, "snapshot", "out of memory");
	jw_flush(w, true);
	return w->rc;
}

int retort_schema_to_json(
	retort_buf *out, const retort_schema *s, retort_error *err)
{
	jw w = { out, 0, true, NULL, NULL, RETORT_OK, err };

	retort_buf_clear(out);
	return write_doc(&w, s);
}

int retort_schema_write_json(
	const retort_schema *s,
	retort_write_fn sink,
	void *ctx,
	retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	jw w = { &b, 0, true, sink, ctx, RETORT_OK, err };
	int rc = write_doc(&w, s);

	retort_buf_dispose(&b);
	return rc;
}

const char *retort__json_enum_name(const char *const *names, unsigned v)
{
	unsigned i;

	for (i = 0; names[i]; i++)
		if (i == v)
			return names[i];
	return "?";
}
