/*
** introspect.c -- a live SQLite database to a schema model (introspect
** layer).  sqlite_master lists the objects; the DDL parser reads their
** stored CREATE text; PRAGMAs (table_list, table_xinfo, foreign_key_list,
** index_xinfo) give SQLite's own view, which is authoritative: where the
** two disagree the result is RETORT_EINTERNAL, never a wrong model.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ddl.h"
#include "introspect.h"
#include "model_int.h"
#include "sqltok.h"

/* A CREATE INDEX waiting for its table (tables are added first). */
struct pending_index {
	retort_index ix; /* parsed; strings in the schema's arena */
};

/* A name of the finished object list, for lookups before finish. */
struct name_ref {
	const char *name; /* the object's name */
	int kind;         /* 't' table, 'v' view, 'x' virtual table */
	size_t i;         /* index in its array */
};

/* The state of one introspection. */
struct ictx {
	sqlite3 *db;               /* the database */
	retort_schema *s;          /* the schema being built */
	const char *what;          /* the source, for errors */
	const char *prefix;        /* names left out (retort's tables) */
	size_t nprefix;            /* strlen(prefix); 0: none */
	retort_buf q;              /* PRAGMA text, reused */
	struct pending_index *ixs; /* CREATE INDEXes */
	size_t nixs, aixs;         /* count, allocated */
	struct name_ref *names;    /* tables, views, vtabs sorted by name */
	size_t nnames;             /* count of names */
	bool no_table_list;        /* PRAGMA table_list unknown (< 3.37) */
	retort_error *err;         /* where errors go */
};

/* Record the SQLite error RC of the database. */
static int db_error(struct ictx *c, int rc)
{
	int code = (rc & 0xff) == SQLITE_NOMEM ? RETORT_ENOMEM : RETORT_ESQLITE;

	code = retort_error_set(
		c->err, code, c->what, "%s", sqlite3_errmsg(c->db));
	if (c->err && c->err->code == code)
		c->err->sqlite_rc = rc;
	return code;
}

static int oom(struct ictx *c)
{
	return retort_error_set(
		c->err, RETORT_ENOMEM, c->what, "out of memory");
}

/* PRAGMA and parser disagree on table TABLE: a bug, said plainly. */
static int mismatch(struct ictx *c, const char *table, const char *fmt, ...)
	RETORT_FORMAT(3, 4);

static int mismatch(struct ictx *c, const char *table, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return retort_error_set(
		c->err, RETORT_EINTERNAL, c->what,
		"table '%s': %s (the DDL parser and SQLite disagree)", table,
		why);
}

/* Re-raise the parser's error E about object KIND NAME with context. */
static int
parse_error(struct ictx *c, const char *kind, const char *name, retort_error *e)
{
	if (e->code == RETORT_ENOMEM)
		return oom(c);
	return retort_error_set(
		c->err, e->code ? e->code : RETORT_EINVAL, c->what,
		"cannot parse the stored SQL of %s '%s': %s", kind, name,
		e->why);
}

/* True for names SQLite reserves (sqlite_master, sqlite_sequence, ...). */
static bool is_internal(const char *name)
{
	return !retort__strncasecmp(name, "sqlite_", 7);
}

/* True for retort's own objects (names starting with the prefix). */
static bool is_excluded(const struct ictx *c, const char *name)
{
	return c->nprefix && !retort__strncasecmp(name, c->prefix, c->nprefix);
}

/* Prepare "PRAGMA main.NAME(ident)" for the object OBJ into *ST. */
static int
pragma(struct ictx *c, const char *name, const char *obj, sqlite3_stmt **st)
{
	int rc;

	retort_buf_clear(&c->q);
	retort_buf_puts(&c->q, "PRAGMA main.");
	retort_buf_puts(&c->q, name);
	retort_buf_putc(&c->q, '(');
	retort_buf_put_ident(&c->q, obj);
	retort_buf_putc(&c->q, ')');
	if (retort_buf_oom(&c->q))
		return oom(c);
	/* one prepare per call: measured twice as fast as binding a
	 * pragma_xxx(?1) table-valued function, which re-prepares inside */
	rc = sqlite3_prepare_v2(c->db, c->q.ptr, (int)c->q.size, st, NULL);
	return rc == SQLITE_OK ? RETORT_OK : db_error(c, rc);
}

/* Step ST; RETORT_OK with *ROW set, or the database error. */
static int step(struct ictx *c, sqlite3_stmt *st, bool *row)
{
	int rc = sqlite3_step(st);

	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return RETORT_OK;
	return db_error(c, sqlite3_extended_errcode(c->db));
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ------------------------------------------------------------------ */
/* Virtual tables and their shadow tables                              */

/* Shadow table suffixes of the modules SQLite ships (SQLITE-FACTS §7). */
static const struct {
	const char *module;   /* module name, lower case */
	const char *suffixes; /* space separated, with a trailing space */
} shadows[] = {
	{ "fts3", "content segments segdir docsize stat " },
	{ "fts4", "content segments segdir docsize stat " },
	{ "fts5", "data idx content docsize config " },
	{ "rtree", "node rowid parent " },
	{ "rtree_i32", "node rowid parent " },
	{ "geopoly", "node rowid parent " },
};

/* True when SUFFIX is one of MODULE's shadow table suffixes. */
static bool is_shadow_suffix(const char *module, const char *suffix)
{
	size_t i, n = strlen(suffix);
	const char *p;

	for (i = 0; i < sizeof(shadows) / sizeof(shadows[0]); i++) {
		if (strcmp(module, shadows[i].module))
			continue;
		for (p = shadows[i].suffixes; *p; p = strchr(p, ' ') + 1)
			if (!retort__strncasecmp(p, suffix, n) && p[n] == ' ')
				return true;
	}
	return false;
}

/* True when NAME is "<vtab>_<suffix>" for a virtual table of the schema
 * whose module keeps shadow tables with that suffix. */
static bool is_shadow_by_name(const struct ictx *c, const char *name)
{
	const retort_schema *s = c->s;
	size_t i, n;

	for (i = 0; i < s->nvtabs; i++) {
		n = strlen(s->vtabs[i].name);
		if (strlen(name) > n + 1 && name[n] == '_' &&
		    !retort__strncasecmp(name, s->vtabs[i].name, n) &&
		    is_shadow_suffix(s->vtabs[i].module, name + n + 1))
			return true;
	}
	return false;
}

/* Add the virtual table created by SQL. */
static int add_vtab(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	retort_virtual_table v, *slot;

	if (retort__ddl_parse_virtual_table(&v, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "virtual table", name, &e);
	if (strcmp(v.name, name))
		return mismatch(
			c, name, "the CREATE VIRTUAL TABLE text names '%s'",
			v.name);
	slot = retort_schema__add_virtual_table(c->s);
	if (!slot)
		return oom(c);
	*slot = v;
	return RETORT_OK;
}

/* First pass: the virtual tables, needed to recognise shadow tables. */
static int load_vtabs(struct ictx *c)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	int rc;

	rc = sqlite3_prepare_v2(
		c->db,
		"SELECT name, sql FROM main.sqlite_master WHERE type = 'table'"
		" AND sql LIKE 'CREATE VIRTUAL TABLE %'",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(c, rc);
	while ((rc = step(c, st, &row)) == RETORT_OK && row)
		if (!is_internal(col_text(st, 0)) &&
		    (rc = add_vtab(c, col_text(st, 0), col_text(st, 1))) < 0)
			break;
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */

/* What PRAGMA table_list says of a table. */
struct table_kind {
	bool known;         /* false: no table_list (SQLite < 3.37) */
	bool shadow;        /* a virtual table's shadow table */
	bool without_rowid; /* wr */
	bool strict;        /* strict */
};

static int table_kind(struct ictx *c, const char *name, struct table_kind *k)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int rc;

	memset(k, 0, sizeof(*k));
	if (c->no_table_list)
		return RETORT_OK;
	if ((rc = pragma(c, "table_list", name, &st)) < 0)
		return rc;
	rc = step(c, st, &row);
	if (rc == RETORT_OK && row) {
		const char *type = col_text(st, 2);

		k->known = true;
		k->shadow = type && !strcmp(type, "shadow");
		k->without_rowid = sqlite3_column_int(st, 4) != 0;
		k->strict = sqlite3_column_int(st, 5) != 0;
	} else if (rc == RETORT_OK) {
		/* an unknown pragma returns nothing: SQLite before 3.37 */
		c->no_table_list = true;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The affinity SQLite gives declared type TYPE in table T. */
static retort_affinity affinity(const retort_table *t, const char *type)
{
	if (t->strict && !retort__strcasecmp(type, "ANY"))
		return RETORT_AFFINITY_BLOB;
	return retort__affinity_of(type);
}

static retort_generated generated_kind(int hidden)
{
	return hidden == 2   ? RETORT_GENERATED_VIRTUAL
	       : hidden == 3 ? RETORT_GENERATED_STORED
			     : RETORT_GENERATED_NONE;
}

/* The DEFAULT of column COL as table_xinfo gives it (DFLT) must be the
 * parser's, once both are canonical (retort__ddl_default). */
static int check_default(
	struct ictx *c,
	const retort_table *t,
	const retort_column *col,
	const char *dflt)
{
	const char *canon = NULL;
	int rc;

	if (dflt) {
		rc = retort__ddl_default(
			&canon, &c->s->arena, dflt, col->affinity);
		if (rc == RETORT_ENOMEM)
			return oom(c);
		if (rc < 0)
			return mismatch(
				c, t->name, "bad DEFAULT of column '%s'",
				col->name);
	}
	if ((canon == NULL) != (col->default_sql == NULL) ||
	    (canon && strcmp(canon, col->default_sql)))
		return mismatch(
			c, t->name, "DEFAULT of column '%s' is %s, not %s",
			col->name, canon ? canon : "none",
			col->default_sql ? col->default_sql : "none");
	return RETORT_OK;
}

/* Check column I of T against one row of table_xinfo. */
static int
check_column(struct ictx *c, const retort_table *t, size_t i, sqlite3_stmt *st)
{
	const retort_column *col = &t->columns[i];
	const char *name = col_text(st, 1), *type = col_text(st, 2);

	if (!name || strcmp(name, col->name))
		return mismatch(
			c, t->name, "column %zu is '%s', not '%s'", i + 1,
			name ? name : "", col->name);
	if (affinity(t, type ? type : "") != col->affinity)
		return mismatch(
			c, t->name, "affinity of column '%s' differs",
			col->name);
	if ((sqlite3_column_int(st, 3) != 0) != col->not_null)
		return mismatch(
			c, t->name, "NOT NULL of column '%s' differs",
			col->name);
	if ((unsigned)sqlite3_column_int(st, 5) != col->pk)
		return mismatch(
			c, t->name, "primary key position of column '%s' is %d",
			col->name, sqlite3_column_int(st, 5));
	if (generated_kind(sqlite3_column_int(st, 6)) != col->generated)
		return mismatch(
			c, t->name, "generated kind of column '%s' differs",
			col->name);
	return check_default(c, t, col, col_text(st, 4));
}

/* Compare T's columns with PRAGMA table_xinfo, the authority on column
 * order, names, NOT NULL, pk positions and generated kinds. */
static int check_columns(struct ictx *c, const retort_table *t)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	size_t n = 0;
	int rc;

	if ((rc = pragma(c, "table_xinfo", t->name, &st)) < 0)
		return rc;
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		if (n < t->ncolumns && (rc = check_column(c, t, n, st)) < 0)
			break;
		n++;
	}
	sqlite3_finalize(st);
	if (rc == RETORT_OK && n != t->ncolumns)
		rc = mismatch(
			c, t->name, "SQLite has %zu columns, the parser %zu", n,
			t->ncolumns);
	return rc;
}

/* The column of T named NAME (any letter case), or NULL. */
static const retort_column *column_of(const retort_table *t, const char *name)
{
	return name ? retort_table_find_column(t, name) : NULL;
}

static retort_fk_action fk_action(const char *s)
{
	if (!s)
		return RETORT_FK_NO_ACTION;
	if (!strcmp(s, "CASCADE"))
		return RETORT_FK_CASCADE;
	if (!strcmp(s, "SET NULL"))
		return RETORT_FK_SET_NULL;
	if (!strcmp(s, "SET DEFAULT"))
		return RETORT_FK_SET_DEFAULT;
	if (!strcmp(s, "RESTRICT"))
		return RETORT_FK_RESTRICT;
	return RETORT_FK_NO_ACTION;
}

/*
** Check one row of foreign_key_list against the parser's foreign keys:
** id k is the (n-1-k)th declared one (SQLite lists them newest first).
** The child column takes the table's spelling of its name.
*/
static int check_fk_row(struct ictx *c, retort_table *t, sqlite3_stmt *st)
{
	int id = sqlite3_column_int(st, 0), seq = sqlite3_column_int(st, 1);
	const char *to = col_text(st, 4);
	const retort_column *from = column_of(t, col_text(st, 3));
	retort_foreign_key *fk;

	if (id < 0 || (size_t)id >= t->nforeign_keys)
		return mismatch(c, t->name, "foreign key %d is unknown", id);
	fk = (retort_foreign_key *)&t->foreign_keys[t->nforeign_keys - 1 - id];
	if (seq < 0 || (size_t)seq >= fk->ncolumns || !from ||
	    retort__strcasecmp(fk->columns[seq], from->name) ||
	    retort__strcasecmp(fk->ref_table, col_text(st, 2)))
		return mismatch(
			c, t->name, "foreign key %d column %d differs", id,
			seq);
	((const char **)fk->columns)[seq] = from->name;
	if ((fk->nref_columns == 0) != (to == NULL) ||
	    (to && retort__strcasecmp(fk->ref_columns[seq], to)))
		return mismatch(
			c, t->name, "foreign key %d parent column differs", id);
	if (fk_action(col_text(st, 6)) != fk->on_delete ||
	    fk_action(col_text(st, 5)) != fk->on_update)
		return mismatch(
			c, t->name, "actions of foreign key %d differ", id);
	return RETORT_OK;
}

/* Compare T's foreign keys with PRAGMA foreign_key_list. */
static int check_fks(struct ictx *c, retort_table *t)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	int rc, ids = 0, last = -1;

	if ((rc = pragma(c, "foreign_key_list", t->name, &st)) < 0)
		return rc;
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		if ((rc = check_fk_row(c, t, st)) < 0)
			break;
		if (sqlite3_column_int(st, 0) != last)
			ids++;
		last = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	if (rc == RETORT_OK && (size_t)ids != t->nforeign_keys)
		rc = mismatch(
			c, t->name,
			"SQLite has %d foreign keys, the parser %zu", ids,
			t->nforeign_keys);
	return rc;
}

/*
** Give the key parts P[0..N) of table T the table's spelling of their
** column names and their effective collation: the one written, else the
** column's (what SQLite uses, so that writing it or not is no change).
*/
static int canonical_parts(
	struct ictx *c, const retort_table *t, retort_key_part *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const retort_column *col = column_of(t, p[i].column);

		if (!p[i].column)
			continue;
		if (!col)
			return mismatch(
				c, t->name, "a key names no column '%s'",
				p[i].column);
		p[i].column = col->name;
		if (!p[i].collate)
			p[i].collate = col->collate;
	}
	return RETORT_OK;
}

static int canonical_keys(struct ictx *c, retort_table *t)
{
	size_t i;
	int rc = RETORT_OK;

	if (t->primary_key)
		rc = canonical_parts(
			c, t, (retort_key_part *)t->primary_key->parts,
			t->primary_key->nparts);
	for (i = 0; rc == RETORT_OK && i < t->nuniques; i++)
		rc = canonical_parts(
			c, t, (retort_key_part *)t->uniques[i].parts,
			t->uniques[i].nparts);
	return rc;
}

/* Introspect the ordinary table NAME created by SQL, unless it is a
 * shadow table. */
static int add_table(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	struct table_kind k;
	retort_table t, *slot;
	int rc;

	if ((rc = table_kind(c, name, &k)) < 0)
		return rc;
	if (k.shadow || is_shadow_by_name(c, name))
		return RETORT_OK;
	if (retort__ddl_parse_table(&t, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "table", name, &e);
	if (strcmp(t.name, name))
		return mismatch(
			c, name, "the CREATE TABLE text names '%s'", t.name);
	if (k.known &&
	    (k.without_rowid != t.without_rowid || k.strict != t.strict))
		return mismatch(c, name, "WITHOUT ROWID or STRICT differs");
	if ((rc = check_columns(c, &t)) < 0 || (rc = check_fks(c, &t)) < 0 ||
	    (rc = canonical_keys(c, &t)) < 0)
		return rc;
	slot = retort_schema__add_table(c->s);
	if (!slot)
		return oom(c);
	*slot = t;
	return RETORT_OK;
}

/* ------------------------------------------------------------------ */
/* Indexes, views, triggers                                            */

static int queue_index(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	struct pending_index *p;

	if (c->nixs == c->aixs) {
		size_t n = c->aixs ? c->aixs * 2 : 64;

		p = retort__realloc(c->ixs, n * sizeof(*p));
		if (!p)
			return oom(c);
		c->ixs = p;
		c->aixs = n;
	}
	p = &c->ixs[c->nixs];
	if (retort__ddl_parse_index(&p->ix, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "index", name, &e);
	if (strcmp(p->ix.name, name))
		return mismatch(
			c, p->ix.table, "the CREATE INDEX text names '%s'",
			p->ix.name);
	c->nixs++;
	return RETORT_OK;
}

static int add_view(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	retort_view v, *slot;

	if (retort__ddl_parse_view(&v, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "view", name, &e);
	slot = retort_schema__add_view(c->s);
	if (!slot)
		return oom(c);
	*slot = v;
	return RETORT_OK;
}

static int add_trigger(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	retort_trigger t, *slot;

	if (retort__ddl_parse_trigger(&t, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "trigger", name, &e);
	slot = retort_schema__add_trigger(c->s);
	if (!slot)
		return oom(c);
	*slot = t;
	return RETORT_OK;
}

/* One row of sqlite_master: TYPE NAME on TBL, created by SQL. */
static int add_object(
	struct ictx *c,
	const char *type,
	const char *name,
	const char *tbl,
	const char *sql)
{
	if (!sql || is_internal(name) || is_internal(tbl))
		return RETORT_OK;
	if (!strcmp(type, "view"))
		return add_view(c, name, sql);
	if (is_excluded(c, name) || is_excluded(c, tbl))
		return RETORT_OK;
	if (!strcmp(type, "table"))
		return retort__strncasecmp(sql, "CREATE VIRTUAL TABLE ", 21)
			       ? add_table(c, name, sql)
			       : RETORT_OK; /* done by load_vtabs() */
	if (!strcmp(type, "index"))
		return queue_index(c, name, sql);
	if (!strcmp(type, "trigger"))
		return add_trigger(c, name, sql);
	return RETORT_OK;
}

/* Second pass: every object of sqlite_master. */
static int load_objects(struct ictx *c)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	int rc;

	rc = sqlite3_prepare_v2(
		c->db,
		"SELECT type, name, tbl_name, sql FROM main.sqlite_master", -1,
		&st, NULL);
	if (rc != SQLITE_OK)
		return db_error(c, rc);
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		const char *type = col_text(st, 0), *name = col_text(st, 1);

		if (!type || !name)
			continue;
		rc = add_object(
			c, type, name, col_text(st, 2) ? col_text(st, 2) : "",
			col_text(st, 3));
		if (rc < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Cross references                                                    */

static int name_ref_cmp(const void *a, const void *b)
{
	return retort__strcasecmp(
		((const struct name_ref *)a)->name,
		((const struct name_ref *)b)->name);
}

/* Sort the names of the tables, views and virtual tables for lookups. */
static int index_names(struct ictx *c)
{
	const retort_schema *s = c->s;
	size_t i, n = s->ntables + s->nviews + s->nvtabs, k = 0;

	c->names = retort__malloc((n ? n : 1) * sizeof(*c->names));
	if (!c->names)
		return oom(c);
	for (i = 0; i < s->ntables; i++)
		c->names[k++] = (struct name_ref){ s->tables[i].name, 't', i };
	for (i = 0; i < s->nviews; i++)
		c->names[k++] = (struct name_ref){ s->views[i].name, 'v', i };
	for (i = 0; i < s->nvtabs; i++)
		c->names[k++] = (struct name_ref){ s->vtabs[i].name, 'x', i };
	qsort(c->names, k, sizeof(*c->names), name_ref_cmp);
	c->nnames = k;
	return RETORT_OK;
}

static const struct name_ref *find_name(const struct ictx *c, const char *name)
{
	struct name_ref key = { name, 0, 0 };

	return bsearch(
		&key, c->names, c->nnames, sizeof(*c->names), name_ref_cmp);
}

static retort_table *find_table(const struct ictx *c, const char *name)
{
	const struct name_ref *r = find_name(c, name);

	return r && r->kind == 't' ? &c->s->tables[r->i] : NULL;
}

/* Upper-case collation name COLL as a string that lives as long as the
 * schema; NULL for BINARY. */
static int effective_collation(
	struct ictx *c,
	const char *coll,
	const retort_key_part *p,
	const char **out)
{
	char *u;
	size_t i;

	*out = NULL;
	if (!coll || !retort__strcasecmp(coll, "BINARY"))
		return RETORT_OK;
	if (p->collate && !retort__strcasecmp(coll, p->collate)) {
		*out = p->collate;
		return RETORT_OK;
	}
	u = retort__arena_strdup(&c->s->arena, coll);
	if (!u)
		return oom(c);
	for (i = 0; u[i]; i++)
		if (u[i] >= 'a' && u[i] <= 'z')
			u[i] -= 32;
	*out = u;
	return RETORT_OK;
}

/* Check one key row of index_xinfo against part P of index IX on T. */
static int check_index_part(
	struct ictx *c,
	const retort_table *t,
	const retort_index *ix,
	retort_key_part *p,
	sqlite3_stmt *st)
{
	int cid = sqlite3_column_int(st, 1);
	bool desc = sqlite3_column_int(st, 3) != 0;

	if (cid >= 0 && (size_t)cid < t->ncolumns) {
		/* "(a)" is the column a to SQLite */
		if (p->column &&
		    retort__strcasecmp(p->column, t->columns[cid].name))
			return mismatch(
				c, t->name, "index '%s' column %s differs",
				ix->name, p->column);
		p->column = t->columns[cid].name;
		p->expr = NULL;
	} else if (cid != -2 || p->column) {
		return mismatch(
			c, t->name, "index '%s' has an unexpected part",
			ix->name);
	}
	if (desc != p->desc)
		return mismatch(
			c, t->name, "index '%s' ASC/DESC differs", ix->name);
	return effective_collation(c, col_text(st, 4), p, &p->collate);
}

/* Compare index IX of T with PRAGMA index_xinfo, the authority on the
 * indexed columns, their order and their collations. */
static int check_index(struct ictx *c, const retort_table *t, retort_index *ix)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	size_t n = 0;
	int rc;

	if ((rc = pragma(c, "index_xinfo", ix->name, &st)) < 0)
		return rc;
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		if (!sqlite3_column_int(st, 5))
			continue; /* not a key column: the rowid or PK */
		if (n >= ix->nparts || (size_t)sqlite3_column_int(st, 0) != n) {
			rc = mismatch(
				c, t->name, "index '%s' has more parts",
				ix->name);
			break;
		}
		rc = check_index_part(
			c, t, ix, (retort_key_part *)&ix->parts[n++], st);
		if (rc < 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc == RETORT_OK && n != ix->nparts)
		rc = mismatch(
			c, t->name, "index '%s' has %zu parts, not %zu",
			ix->name, n, ix->nparts);
	return rc;
}

/* An index on no table of the model: fine on a shadow table (left out),
 * a bug otherwise. */
static int unattached_index(struct ictx *c, const retort_index *ix)
{
	struct table_kind k;
	int rc;

	if (is_shadow_by_name(c, ix->table))
		return RETORT_OK;
	if ((rc = table_kind(c, ix->table, &k)) < 0)
		return rc;
	if (k.shadow)
		return RETORT_OK;
	return mismatch(
		c, ix->table, "index '%s' is on a table that was not read",
		ix->name);
}

/* Hand each table its indexes (an index on a table that was left out
 * is left out with it). */
static int attach_indexes(struct ictx *c)
{
	size_t i, *counts = NULL;
	int rc = RETORT_OK;

	counts = retort__calloc(c->s->ntables + 1, sizeof(*counts));
	if (!counts)
		return oom(c);
	for (i = 0; i < c->nixs && rc == RETORT_OK; i++) {
		retort_table *t = find_table(c, c->ixs[i].ix.table);

		if (!t) {
			rc = unattached_index(c, &c->ixs[i].ix);
			c->ixs[i].ix.name = NULL;
			continue;
		}
		c->ixs[i].ix.table = t->name;
		rc = check_index(c, t, &c->ixs[i].ix);
		t->nindexes++;
	}
	for (i = 0; i < c->s->ntables && rc == RETORT_OK; i++) {
		retort_table *t = &c->s->tables[i];

		t->indexes = retort__arena_alloc(
			&c->s->arena, t->nindexes * sizeof(retort_index) + 1);
		if (!t->indexes)
			rc = oom(c);
	}
	for (i = 0; i < c->nixs && rc == RETORT_OK; i++) {
		retort_table *t;

		if (!c->ixs[i].ix.name)
			continue;
		t = find_table(c, c->ixs[i].ix.table);
		((retort_index *)t->indexes)[counts[t - c->s->tables]++] =
			c->ixs[i].ix;
	}
	retort__free(counts);
	return rc;
}

/* FKs name their parent as written; use the parent's own spelling. */
static void canonical_fk_parents(struct ictx *c, retort_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nforeign_keys; i++) {
		retort_foreign_key *fk =
			(retort_foreign_key *)&t->foreign_keys[i];
		const retort_table *p = find_table(c, fk->ref_table);

		if (!p)
			continue; /* SQLite allows a missing parent */
		fk->ref_table = p->name;
		for (j = 0; j < fk->nref_columns; j++) {
			const retort_column *col =
				column_of(p, fk->ref_columns[j]);

			if (col)
				((const char **)fk->ref_columns)[j] = col->name;
		}
	}
}

/* References by name (FK parents, trigger tables) take the spelling of
 * the object they name, so that letter case in them makes no change. */
static void canonical_references(struct ictx *c)
{
	retort_schema *s = c->s;
	size_t i;

	for (i = 0; i < s->ntables; i++)
		canonical_fk_parents(c, &s->tables[i]);
	for (i = 0; i < s->ntriggers; i++) {
		const struct name_ref *r = find_name(c, s->triggers[i].table);

		if (r)
			s->triggers[i].table = r->name;
	}
}

/* ------------------------------------------------------------------ */

static int introspect(struct ictx *c)
{
	int rc;

	if ((rc = load_vtabs(c)) < 0 || (rc = load_objects(c)) < 0 ||
	    (rc = index_names(c)) < 0 || (rc = attach_indexes(c)) < 0)
		return rc;
	canonical_references(c);
	return retort_schema__finish(c->s, c->what, c->err);
}

int retort__introspect(
	retort_schema **out,
	sqlite3 *db,
	const char *what,
	const retort_load_options *opts,
	retort_error *err)
{
	struct ictx c;
	bool own_txn = sqlite3_get_autocommit(db) != 0;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.what = what ? what : "database";
	c.err = err;
	c.prefix = opts && opts->exclude_prefix ? opts->exclude_prefix
						: "retort_version";
	c.nprefix = strlen(c.prefix);
	c.q = (retort_buf)RETORT_BUF_INIT;
	c.s = retort_schema__new();
	if (!c.s)
		return oom(&c);
	/* one read transaction: a consistent schema, one lock */
	rc = own_txn ? sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
	rc = rc == SQLITE_OK ? introspect(&c) : db_error(&c, rc);
	if (own_txn)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	retort_buf_dispose(&c.q);
	retort__free(c.ixs);
	retort__free(c.names);
	if (rc < 0) {
		retort_schema_free(c.s);
		return rc;
	}
	*out = c.s;
	return RETORT_OK;
}
