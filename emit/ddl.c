/*
** ddl.c -- CREATE statements from the schema model (emit layer).  Names
** and collations always go through retort_buf_put_ident(); expressions
** from the model are already normalised SQL (and checked by the snapshot
** reader) and are pasted.  Also retort_schema_to_sql(): the whole schema.
*/
#include <string.h>

#include "alloc_int.h"

#include "emit_int.h"
#include "sqltok.h"

static int done(retort_buf *out)
{
	return retort_buf_oom(out) ? RETORT_ENOMEM : RETORT_OK;
}

static const char *const conflict_sql[] = { "ABORT", "ROLLBACK", "FAIL",
					    "IGNORE", "REPLACE" };
static const char *const action_sql[] = { "NO ACTION", "RESTRICT", "SET NULL",
					  "SET DEFAULT", "CASCADE" };

/* " ON CONFLICT X" unless X is the default (ABORT). */
static void put_conflict(retort_buf *out, retort_conflict on)
{
	if (on != RETORT_CONFLICT_DEFAULT && (unsigned)on < 5) {
		retort_buf_puts(out, " ON CONFLICT ");
		retort_buf_puts(out, conflict_sql[on]);
	}
}

/* "CONSTRAINT "name" " (nothing for an unnamed constraint). */
static void put_constraint_name(retort_buf *out, const char *name)
{
	if (!name)
		return;
	retort_buf_puts(out, "CONSTRAINT ");
	retort_buf_put_ident(out, name);
	retort_buf_putc(out, ' ');
}

static void put_collate(retort_buf *out, const char *coll)
{
	if (!coll)
		return;
	retort_buf_puts(out, " COLLATE ");
	retort_buf_put_ident(out, coll);
}

/* "(part, ...)": columns quoted, expressions pasted, COLLATE, DESC. */
static void put_parts(retort_buf *out, const retort_key_part *p, size_t n)
{
	size_t i;

	retort_buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(out, ", ");
		if (p[i].column)
			retort_buf_put_ident(out, p[i].column);
		else
			retort_buf_puts(out, p[i].expr);
		put_collate(out, p[i].collate);
		if (p[i].desc)
			retort_buf_puts(out, " DESC");
	}
	retort_buf_putc(out, ')');
}

static void put_names(retort_buf *out, const char *const *v, size_t n)
{
	size_t i;

	retort_buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(out, ", ");
		retort_buf_put_ident(out, v[i]);
	}
	retort_buf_putc(out, ')');
}

/* The significant tokens of SQL, up to MAX of them, into T; returns how
 * many there are in all. */
static size_t tokens(const char *sql, retort_token *t, size_t max)
{
	size_t pos = 0, n = strlen(sql), k = 0;
	retort_token tok;

	while (pos < n) {
		pos += retort__sql_token(sql + pos, n - pos, &tok);
		if (tok.type == RETORT_TK_SPACE ||
		    tok.type == RETORT_TK_COMMENT)
			continue;
		if (k < max)
			t[k] = tok;
		k++;
	}
	return k;
}

static bool word_is(const retort_token *t, const char *w)
{
	return t->type == RETORT_TK_WORD && t->n == strlen(w) &&
	       !retort__strncasecmp(t->z, w, t->n);
}

/*
** True when SQL is a literal that DEFAULT takes without parentheses: a
** number (signed or not), string, blob, NULL, TRUE, FALSE or
** CURRENT_TIME/DATE/TIMESTAMP (lang_createtable.html, "DEFAULT").
*/
static bool default_is_literal(const char *sql)
{
	static const char *const words[] = {
		"NULL",         "TRUE",         "FALSE",
		"CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"
	};
	retort_token t[2];
	size_t n = tokens(sql, t, 2), i;

	if (n == 2)
		return t[0].type == RETORT_TK_PUNCT && t[0].n == 1 &&
		       (t[0].z[0] == '-' || t[0].z[0] == '+') &&
		       t[1].type == RETORT_TK_NUMBER;
	if (n != 1)
		return false;
	if (t[0].type == RETORT_TK_NUMBER || t[0].type == RETORT_TK_STRING ||
	    t[0].type == RETORT_TK_BLOB)
		return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (word_is(&t[0], words[i]))
			return true;
	return false;
}

bool retort__emit_pk_on_column(const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;

	return pk && pk->autoincrement && pk->nparts == 1 &&
	       pk->parts[0].column && !pk->parts[0].expr;
}

/* The column-level PRIMARY KEY of an AUTOINCREMENT key, on its column. */
static void
put_column_pk(retort_buf *out, const retort_column *c, const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;

	if (!retort__emit_pk_on_column(t) ||
	    retort__strcasecmp(pk->parts[0].column, c->name))
		return;
	retort_buf_putc(out, ' ');
	put_constraint_name(out, pk->name);
	retort_buf_puts(out, "PRIMARY KEY");
	if (pk->parts[0].desc)
		retort_buf_puts(out, " DESC");
	put_conflict(out, pk->on_conflict);
	retort_buf_puts(out, " AUTOINCREMENT");
}

int retort__emit_column_def(
	retort_buf *out, const retort_column *c, const retort_table *t)
{
	retort_buf_put_ident(out, c->name);
	if (c->type && *c->type) {
		retort_buf_putc(out, ' ');
		retort_buf_puts(out, c->type);
	}
	put_column_pk(out, c, t);
	if (c->not_null) {
		retort_buf_puts(out, " NOT NULL");
		put_conflict(out, c->not_null_on);
	}
	if (c->default_sql) {
		bool lit = default_is_literal(c->default_sql);

		retort_buf_puts(out, lit ? " DEFAULT " : " DEFAULT (");
		retort_buf_puts(out, c->default_sql);
		if (!lit)
			retort_buf_putc(out, ')');
	}
	put_collate(out, c->collate);
	if (c->generated != RETORT_GENERATED_NONE && c->generated_sql) {
		retort_buf_puts(out, " GENERATED ALWAYS AS (");
		retort_buf_puts(out, c->generated_sql);
		retort_buf_puts(
			out, c->generated == RETORT_GENERATED_STORED
				     ? ") STORED"
				     : ") VIRTUAL");
	}
	return done(out);
}

/* " ON DELETE X" / " ON UPDATE X" unless X is NO ACTION. */
static void
put_action(retort_buf *out, const char *what, retort_fk_action action)
{
	if (action == RETORT_FK_NO_ACTION || (unsigned)action >= 5)
		return;
	retort_buf_puts(out, what);
	retort_buf_puts(out, action_sql[action]);
}

int retort__emit_references(retort_buf *out, const retort_foreign_key *fk)
{
	retort_buf_puts(out, "REFERENCES ");
	retort_buf_put_ident(out, fk->ref_table);
	if (fk->nref_columns)
		put_names(out, fk->ref_columns, fk->nref_columns);
	put_action(out, " ON DELETE ", fk->on_delete);
	put_action(out, " ON UPDATE ", fk->on_update);
	if (fk->match) {
		retort_buf_puts(out, " MATCH ");
		retort_buf_put_ident(out, fk->match);
	}
	if (fk->deferred)
		retort_buf_puts(out, " DEFERRABLE INITIALLY DEFERRED");
	return done(out);
}

/* ", [CONSTRAINT n] PRIMARY KEY(...)" unless it is on its column. */
static void put_table_pk(retort_buf *out, const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;

	if (!pk || retort__emit_pk_on_column(t))
		return;
	retort_buf_puts(out, ", ");
	put_constraint_name(out, pk->name);
	retort_buf_puts(out, "PRIMARY KEY");
	put_parts(out, pk->parts, pk->nparts);
	put_conflict(out, pk->on_conflict);
}

/* The table constraints of T, each after ", ". */
static void put_table_constraints(retort_buf *out, const retort_table *t)
{
	size_t i;

	put_table_pk(out, t);
	for (i = 0; i < t->nuniques; i++) {
		retort_buf_puts(out, ", ");
		put_constraint_name(out, t->uniques[i].name);
		retort_buf_puts(out, "UNIQUE");
		put_parts(out, t->uniques[i].parts, t->uniques[i].nparts);
		put_conflict(out, t->uniques[i].on_conflict);
	}
	for (i = 0; i < t->nchecks; i++) {
		retort_buf_puts(out, ", ");
		put_constraint_name(out, t->checks[i].name);
		retort_buf_puts(out, "CHECK(");
		retort_buf_puts(out, t->checks[i].expr);
		retort_buf_putc(out, ')');
	}
	for (i = 0; i < t->nforeign_keys; i++) {
		const retort_foreign_key *fk = &t->foreign_keys[i];

		retort_buf_puts(out, ", ");
		put_constraint_name(out, fk->name);
		retort_buf_puts(out, "FOREIGN KEY");
		put_names(out, fk->columns, fk->ncolumns);
		retort_buf_putc(out, ' ');
		retort__emit_references(out, fk);
	}
}

int retort__emit_create_table(
	retort_buf *out, const retort_table *t, const char *name)
{
	size_t i;

	retort_buf_puts(out, "CREATE TABLE ");
	retort_buf_put_ident(out, name ? name : t->name);
	retort_buf_putc(out, '(');
	for (i = 0; i < t->ncolumns; i++) {
		if (i)
			retort_buf_puts(out, ", ");
		retort__emit_column_def(out, &t->columns[i], t);
	}
	put_table_constraints(out, t);
	retort_buf_putc(out, ')');
	if (t->without_rowid)
		retort_buf_puts(out, " WITHOUT ROWID");
	if (t->strict)
		retort_buf_puts(out, t->without_rowid ? ", STRICT" : " STRICT");
	return done(out);
}

int retort__emit_create_index(retort_buf *out, const retort_index *ix)
{
	retort_buf_puts(
		out, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	retort_buf_put_ident(out, ix->name);
	retort_buf_puts(out, " ON ");
	retort_buf_put_ident(out, ix->table);
	put_parts(out, ix->parts, ix->nparts);
	if (ix->where) {
		retort_buf_puts(out, " WHERE ");
		retort_buf_puts(out, ix->where);
	}
	return done(out);
}

int retort__emit_create_view(retort_buf *out, const retort_view *v)
{
	retort_buf_puts(out, v->sql);
	return done(out);
}

int retort__emit_create_trigger(retort_buf *out, const retort_trigger *t)
{
	retort_buf_puts(out, t->sql);
	return done(out);
}

int retort__emit_create_virtual_table(
	retort_buf *out, const retort_virtual_table *v)
{
	retort_buf_puts(out, v->sql);
	return done(out);
}

/* A table waiting in the depth-first walk of table_order(). */
struct frame {
	size_t table; /* index in the schema */
	size_t fk;    /* next foreign key of it to follow */
};

/*
** The tables of S in an order that creates parents first: a depth-first
** walk from each table in name order, following foreign keys to tables
** of S; an edge back into the walk (a cycle) is not followed.  ORDER gets
** the indexes of the tables.
*/
static int table_order(const retort_schema *s, size_t *order)
{
	size_t n = retort_schema_ntables(s), k = 0, sp = 0, i;
	const retort_table *base = retort_schema_table(s, 0);
	unsigned char *state = retort__calloc(n ? n : 1, 1); /* 1 seen */
	struct frame *stack = retort__malloc((n ? n : 1) * sizeof(*stack));

	if (!state || !stack) {
		retort__free(state);
		retort__free(stack);
		return RETORT_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (state[i])
			continue;
		state[i] = 1;
		stack[sp].table = i;
		stack[sp++].fk = 0;
		while (sp) {
			struct frame *f = &stack[sp - 1];
			const retort_table *t = &base[f->table], *p;

			if (f->fk == t->nforeign_keys) {
				order[k++] = f->table;
				sp--;
				continue;
			}
			p = retort_schema_find_table(
				s, t->foreign_keys[f->fk++].ref_table);
			if (!p || state[p - base])
				continue;
			state[p - base] = 1;
			stack[sp].table = (size_t)(p - base);
			stack[sp++].fk = 0;
		}
	}
	retort__free(state);
	retort__free(stack);
	return RETORT_OK;
}

/* Each statement on its own line, ending with ';'. */
static void end_statement(retort_buf *out)
{
	retort_buf_puts(out, ";\n");
}

/* Indexes, views, triggers and virtual tables of S. */
static void put_others(retort_buf *out, const retort_schema *s)
{
	size_t i, j;

	for (i = 0; i < retort_schema_ntables(s); i++) {
		const retort_table *t = retort_schema_table(s, i);

		for (j = 0; j < t->nindexes; j++) {
			retort__emit_create_index(out, &t->indexes[j]);
			end_statement(out);
		}
	}
	for (i = 0; i < retort_schema_nviews(s); i++) {
		retort__emit_create_view(out, retort_schema_view(s, i));
		end_statement(out);
	}
	for (i = 0; i < retort_schema_ntriggers(s); i++) {
		retort__emit_create_trigger(out, retort_schema_trigger(s, i));
		end_statement(out);
	}
	for (i = 0; i < retort_schema_nvirtual_tables(s); i++) {
		retort__emit_create_virtual_table(
			out, retort_schema_virtual_table(s, i));
		end_statement(out);
	}
}

int retort_schema_to_sql(
	retort_buf *out, const retort_schema *s, retort_error *err)
{
	size_t n = retort_schema_ntables(s), i;
	size_t *order = retort__malloc((n ? n : 1) * sizeof(*order));

	retort_buf_clear(out);
	if (!order || table_order(s, order) < 0) {
		retort__free(order);
		return retort_error_set(
			err, RETORT_ENOMEM, "schema", "out of memory");
	}
	for (i = 0; i < n; i++) {
		retort__emit_create_table(
			out, retort_schema_table(s, order[i]), NULL);
		end_statement(out);
	}
	retort__free(order);
	put_others(out, s);
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, "schema", "out of memory");
	return RETORT_OK;
}
