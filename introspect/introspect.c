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

/*
** Up to this many schema objects, PRAGMAs that only confirm what the
** parser found (table_list's WITHOUT ROWID and STRICT, index_xinfo) run
** too.  Above it they are skipped for speed: each costs a name lookup
** in SQLite's schema hash, which has at most 64 buckets, so about 20 us
** per object at 10,000 tables.  The model is the same either way.
*/
#ifndef RETORT_INTROSPECT_VERIFY_MAX
# define RETORT_INTROSPECT_VERIFY_MAX 5000
#endif

struct table_kind;

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
	struct table_kind *kinds;  /* PRAGMA table_list, sorted by name */
	size_t nkinds, akinds;     /* count, allocated */
	retort_arena scratch;      /* strings freed at the end */
	bool verify;               /* run the confirming PRAGMAs too */
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

/* The collation NAME (N bytes) upper case, as a string that lives as
 * long as the schema; NULL for BINARY, the default. */
static int
collation(struct ictx *c, const char *name, size_t n, const char **out)
{
	char *u;
	size_t i;

	*out = NULL;
	if (n == 6 && !retort__strncasecmp(name, "BINARY", 6))
		return RETORT_OK;
	u = retort__arena_strndup(&c->s->arena, name, n);
	if (!u)
		return oom(c);
	for (i = 0; u[i]; i++)
		if (u[i] >= 'a' && u[i] <= 'z')
			u[i] -= 32;
	*out = u;
	return RETORT_OK;
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
	const char *name;   /* the table (in the scratch arena) */
	bool shadow;        /* a virtual table's shadow table */
	bool without_rowid; /* wr */
	bool strict;        /* strict */
};

static int kind_cmp(const void *a, const void *b)
{
	return strcmp(
		((const struct table_kind *)a)->name,
		((const struct table_kind *)b)->name);
}

/* Keep one row of table_list (a table, not a view) in c->kinds. */
static int keep_kind(struct ictx *c, sqlite3_stmt *st)
{
	struct table_kind *k;
	const char *type = col_text(st, 2);

	if (!type || !strcmp(type, "view"))
		return RETORT_OK;
	if (c->nkinds == c->akinds) {
		size_t n = c->akinds ? c->akinds * 2 : 64;

		k = retort__realloc(c->kinds, n * sizeof(*k));
		if (!k)
			return oom(c);
		c->kinds = k;
		c->akinds = n;
	}
	k = &c->kinds[c->nkinds];
	k->name = retort__arena_strdup(&c->scratch, col_text(st, 1));
	if (!k->name)
		return oom(c);
	k->shadow = !strcmp(type, "shadow");
	k->without_rowid = sqlite3_column_int(st, 4) != 0;
	k->strict = sqlite3_column_int(st, 5) != 0;
	c->nkinds++;
	return RETORT_OK;
}

/*
** Read PRAGMA main.table_list once (with a table argument it scans every
** table, so one call per table would be quadratic).  SQLite before 3.37
** does not know it and returns no row: then the parser decides alone.
*/
static int load_kinds(struct ictx *c)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	int rc;

	rc = sqlite3_prepare_v2(c->db, "PRAGMA main.table_list", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(c, rc);
	while ((rc = step(c, st, &row)) == RETORT_OK && row)
		if ((rc = keep_kind(c, st)) < 0)
			break;
	sqlite3_finalize(st);
	if (rc == RETORT_OK && c->nkinds > 1)
		qsort(c->kinds, c->nkinds, sizeof(*c->kinds), kind_cmp);
	return rc;
}

/* What table_list says of table NAME; NULL when it says nothing. */
static const struct table_kind *table_kind(struct ictx *c, const char *name)
{
	struct table_kind key = { name, false, false, false };

	if (!c->nkinds)
		return NULL; /* not read (see RETORT_INTROSPECT_VERIFY_MAX) */
	return bsearch(&key, c->kinds, c->nkinds, sizeof(key), kind_cmp);
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

/* Check column I of T against one row of table_xinfo; take its NOT
 * NULL. */
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
	/* NOT NULL is SQLite's word: it adds it to the key columns of
	 * WITHOUT ROWID and STRICT tables whether written or not */
	((retort_column *)col)->not_null = sqlite3_column_int(st, 3) != 0;
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
** *AMBIGUOUS is set when a part took its column's collation: "COLLATE
** BINARY" and nothing look the same once parsed, and only SQLite can
** tell them apart there.
*/
static int canonical_parts(
	struct ictx *c,
	const retort_table *t,
	retort_key_part *p,
	size_t n,
	bool *ambiguous)
{
	size_t i;

	*ambiguous = false;
	for (i = 0; i < n; i++) {
		const retort_column *col = column_of(t, p[i].column);

		if (!p[i].column)
			continue;
		if (!col)
			return mismatch(
				c, t->name, "a key names no column '%s'",
				p[i].column);
		p[i].column = col->name;
		if (!p[i].collate && col->collate) {
			p[i].collate = col->collate; /* the same pointer */
			*ambiguous = true;
		}
	}
	return RETORT_OK;
}

/* Set *OUT to the collation COLL as the model writes it, keeping *OUT's
 * string when it is the same name. */
static int take_collation(struct ictx *c, const char *coll, const char **out)
{
	if (*out && coll && !retort__strcasecmp(*out, coll))
		return RETORT_OK;
	return collation(
		c, coll ? coll : "BINARY", coll ? strlen(coll) : 6, out);
}

/* True when SQL holds the word BINARY (bare or quoted) anywhere. */
static bool mentions_binary(const char *sql)
{
	retort_token tok;
	size_t n = strlen(sql), len;

	for (; n > 0; sql += len, n -= len) {
		len = retort__sql_token(sql, n, &tok);
		if ((tok.type == RETORT_TK_WORD && tok.n == 6) ||
		    ((tok.type == RETORT_TK_QUOTED ||
		      tok.type == RETORT_TK_STRING) &&
		     tok.n == 8))
			if (!retort__strncasecmp(
				    tok.z + (tok.n == 8), "BINARY", 6))
				return true;
	}
	return false;
}

/* A copy of the array ARR (N elements of SIZE bytes) with room for CAP,
 * in the scratch arena; NULL when out of memory. */
static void *
grow_scratch(struct ictx *c, void *arr, size_t n, size_t cap, size_t size)
{
	void *p = retort__arena_alloc(&c->scratch, cap * size);

	if (p && n)
		memcpy(p, arr, n * size);
	return p;
}

/* The key of an automatic (UNIQUE or PRIMARY KEY) index. */
struct auto_key {
	size_t n;          /* key columns */
	int *cid;          /* their column numbers */
	const char **coll; /* their collations, as SQLite gives them */
};

/* Read the key of automatic index NAME into K (arrays in scratch). */
static int read_auto_key(struct ictx *c, const char *name, struct auto_key *k)
{
	sqlite3_stmt *st = NULL;
	bool row = true;
	size_t cap = 0;
	int rc;

	memset(k, 0, sizeof(*k));
	if ((rc = pragma(c, "index_xinfo", name, &st)) < 0)
		return rc;
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		if (!sqlite3_column_int(st, 5))
			continue;
		if (k->n == cap) {
			cap = cap ? cap * 2 : 8;
			k->cid =
				grow_scratch(c, k->cid, k->n, cap, sizeof(int));
			k->coll = grow_scratch(
				c, (void *)k->coll, k->n, cap, sizeof(char *));
			if (!k->cid || !k->coll) {
				rc = oom(c);
				break;
			}
		}
		k->cid[k->n] = sqlite3_column_int(st, 1);
		k->coll[k->n] =
			retort__arena_strdup(&c->scratch, col_text(st, 4));
		if (!k->coll[k->n++]) {
			rc = oom(c);
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Append NAME (copied into the scratch arena) to *NAMES (*N of *CAP). */
static int push_name(
	struct ictx *c,
	const char ***names,
	size_t *n,
	size_t *cap,
	const char *name)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*names = grow_scratch(
			c, (void *)*names, *n, *cap, sizeof(**names));
		if (!*names)
			return oom(c);
	}
	(*names)[*n] = retort__arena_strdup(&c->scratch, name);
	if (!(*names)[(*n)++])
		return oom(c);
	return RETORT_OK;
}

/* Read the keys of T's automatic indexes into *KEYS, *N (scratch). */
static int read_auto_keys(
	struct ictx *c,
	const retort_table *t,
	struct auto_key **keys,
	size_t *n)
{
	sqlite3_stmt *st = NULL;
	const char **names = NULL;
	bool row = true;
	size_t i, cap = 0;
	int rc;

	*keys = NULL;
	*n = 0;
	if ((rc = pragma(c, "index_list", t->name, &st)) < 0)
		return rc;
	while ((rc = step(c, st, &row)) == RETORT_OK && row) {
		const char *origin = col_text(st, 3);

		if (origin && strcmp(origin, "c") && col_text(st, 1) &&
		    (rc = push_name(c, &names, n, &cap, col_text(st, 1))) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc == RETORT_OK && *n) {
		*keys = retort__arena_alloc(&c->scratch, *n * sizeof(**keys));
		if (!*keys)
			rc = oom(c);
	}
	for (i = 0; rc == RETORT_OK && i < *n; i++)
		rc = read_auto_key(c, names[i], &(*keys)[i]);
	return rc;
}

/* True when automatic key K is on the columns of parts P[0..N). */
static bool key_matches(
	const retort_table *t,
	const struct auto_key *k,
	const retort_key_part *p,
	size_t n)
{
	size_t i;

	if (k->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (k->cid[i] < 0 || (size_t)k->cid[i] >= t->ncolumns ||
		    t->columns[k->cid[i]].name != p[i].column)
			return false;
	return true;
}

/* Settle the collations parts P[0..N) took from their columns with the
 * automatic index that SQLite made for the constraint. */
static int settle_parts(
	struct ictx *c,
	const retort_table *t,
	retort_key_part *p,
	size_t n,
	const struct auto_key *keys,
	size_t nkeys)
{
	const struct auto_key *found = NULL;
	size_t i, j;
	int rc;

	for (i = 0; i < nkeys; i++) {
		if (!key_matches(t, &keys[i], p, n))
			continue;
		for (j = 0; found && j < n; j++)
			if (retort__strcasecmp(found->coll[j], keys[i].coll[j]))
				return mismatch(
					c, t->name,
					"cannot tell the collation of a key on '%s'",
					p[j].column);
		found = &keys[i];
	}
	for (j = 0; found && j < n; j++) {
		const retort_column *col =
			retort_table_find_column(t, p[j].column);

		if (p[j].collate && p[j].collate == col->collate &&
		    (rc = take_collation(c, found->coll[j], &p[j].collate)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Canonical key parts for T's PRIMARY KEY and UNIQUE constraints (see
 * canonical_parts()); where the CREATE text SQL says BINARY somewhere,
 * the automatic indexes settle the ambiguous collations. */
static int canonical_keys(struct ictx *c, retort_table *t, const char *sql)
{
	struct auto_key *keys = NULL;
	size_t i, nkeys = 0;
	bool amb, any = false;
	int rc = RETORT_OK;

	if (t->primary_key)
		rc = canonical_parts(
			c, t, (retort_key_part *)t->primary_key->parts,
			t->primary_key->nparts, &any);
	for (i = 0; rc == RETORT_OK && i < t->nuniques; i++) {
		rc = canonical_parts(
			c, t, (retort_key_part *)t->uniques[i].parts,
			t->uniques[i].nparts, &amb);
		any = any || amb;
	}
	if (rc < 0 || !any || !mentions_binary(sql))
		return rc;
	if ((rc = read_auto_keys(c, t, &keys, &nkeys)) < 0)
		return rc;
	if (t->primary_key)
		rc = settle_parts(
			c, t, (retort_key_part *)t->primary_key->parts,
			t->primary_key->nparts, keys, nkeys);
	for (i = 0; rc == RETORT_OK && i < t->nuniques; i++)
		rc = settle_parts(
			c, t, (retort_key_part *)t->uniques[i].parts,
			t->uniques[i].nparts, keys, nkeys);
	return rc;
}

/* Introspect the ordinary table NAME created by SQL, unless it is a
 * shadow table. */
static int add_table(struct ictx *c, const char *name, const char *sql)
{
	retort_error e = RETORT_ERROR_INIT;
	const struct table_kind *k = table_kind(c, name);
	retort_table t, *slot;
	int rc;

	if ((k && k->shadow) || is_shadow_by_name(c, name))
		return RETORT_OK;
	if (retort__ddl_parse_table(&t, &c->s->arena, sql, c->what, &e))
		return parse_error(c, "table", name, &e);
	if (strcmp(t.name, name))
		return mismatch(
			c, name, "the CREATE TABLE text names '%s'", t.name);
	if (k && (k->without_rowid != t.without_rowid || k->strict != t.strict))
		return mismatch(c, name, "WITHOUT ROWID or STRICT differs");
	if ((rc = check_columns(c, &t)) < 0 || (rc = check_fks(c, &t)) < 0 ||
	    (rc = canonical_keys(c, &t, sql)) < 0)
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

/* Read up to MAX significant tokens of Z into TOK; the count, or MAX + 1
 * when there are more. */
static size_t tokens(const char *z, retort_token *tok, size_t max)
{
	size_t n = strlen(z), k = 0;

	while (n > 0 && k <= max) {
		retort_token t;
		size_t len = retort__sql_token(z, n, &t);

		if (t.type != RETORT_TK_SPACE && t.type != RETORT_TK_COMMENT) {
			if (k == max)
				return max + 1;
			tok[k++] = t;
		}
		z += len;
		n -= len;
	}
	return k;
}

static bool is_tok(const retort_token *t, const char *s)
{
	return t->n == strlen(s) && !retort__strncasecmp(t->z, s, t->n);
}

/* True when TOK[0..N) is "(" ... ")" with the first parenthesis closed
 * by the last. */
static bool wrapped(const retort_token *tok, size_t n)
{
	size_t i;
	int depth = 0;

	if (n < 2 || !is_tok(&tok[0], "(") || !is_tok(&tok[n - 1], ")"))
		return false;
	for (i = 0; i < n - 1; i++) {
		depth += is_tok(&tok[i], "(") - is_tok(&tok[i], ")");
		if (depth == 0)
			return false;
	}
	return true;
}

/*
** SQLite reads an index term "(a)" or "(a COLLATE x)" as the column a,
** not as an expression: make part P that column of T, so that the
** parentheses make no difference.
*/
static int
unwrap_column(struct ictx *c, const retort_table *t, retort_key_part *p)
{
	retort_token tok[9], *x;
	retort_buf name = RETORT_BUF_INIT;
	const retort_column *col;
	size_t n = tokens(p->expr, tok, 8), skip = 0, m;

	if (n > 8)
		return RETORT_OK;
	while (n - 2 * skip >= 2 && wrapped(tok + skip, n - 2 * skip))
		skip++;
	m = n - 2 * skip;
	x = tok + skip;
	if (!skip || (m != 1 && (m != 3 || !is_tok(&x[1], "COLLATE"))) ||
	    (x[0].type != RETORT_TK_WORD && x[0].type != RETORT_TK_QUOTED))
		return RETORT_OK;
	retort__sql_unquote(&name, &x[0]);
	if (retort_buf_oom(&name))
		return oom(c);
	col = retort_table_find_column(t, name.ptr);
	retort_buf_dispose(&name);
	if (!col)
		return RETORT_OK; /* SQLite would not have taken it */
	p->column = col->name;
	p->expr = NULL;
	if (m == 3) {
		retort__sql_unquote(&name, &x[2]);
		if (retort_buf_oom(&name))
			return oom(c);
		m = (size_t)collation(c, name.ptr, name.size, &p->collate);
		retort_buf_dispose(&name);
		return (int)m;
	}
	return RETORT_OK;
}

/* Give index IX on T the parts SQLite sees (see unwrap_column() and
 * canonical_parts()); *AMBIGUOUS as there. */
static int canonical_index(
	struct ictx *c,
	const retort_table *t,
	retort_index *ix,
	bool *ambiguous)
{
	retort_key_part *parts = (retort_key_part *)ix->parts;
	size_t i;
	int rc;

	for (i = 0; i < ix->nparts; i++)
		if (parts[i].expr && (rc = unwrap_column(c, t, &parts[i])) < 0)
			return rc;
	return canonical_parts(c, t, parts, ix->nparts, ambiguous);
}

/* Check one key row of index_xinfo against part P of index IX on T,
 * and take its collation. */
static int check_index_part(
	struct ictx *c,
	const retort_table *t,
	const retort_index *ix,
	retort_key_part *p,
	sqlite3_stmt *st)
{
	int cid = sqlite3_column_int(st, 1);

	if (cid >= 0 ? (size_t)cid >= t->ncolumns ||
			       p->column != t->columns[cid].name
		     : cid != -2 || !p->expr)
		return mismatch(
			c, t->name, "index '%s' part %d differs", ix->name,
			sqlite3_column_int(st, 0) + 1);
	if ((sqlite3_column_int(st, 3) != 0) != p->desc)
		return mismatch(
			c, t->name, "index '%s' ASC/DESC differs", ix->name);
	return take_collation(c, col_text(st, 4), &p->collate);
}

/* Compare index IX of T with PRAGMA index_xinfo, the authority on the
 * indexed columns, their order and their collations (taken from it). */
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
	const struct table_kind *k = table_kind(c, ix->table);

	if (is_shadow_by_name(c, ix->table) || (k && k->shadow))
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
	bool ambiguous = false;
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
		rc = canonical_index(c, t, &c->ixs[i].ix, &ambiguous);
		if (rc == RETORT_OK && (c->verify || ambiguous))
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

/* Decide whether to verify (see RETORT_INTROSPECT_VERIFY_MAX). */
static int count_objects(struct ictx *c)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	int rc;

	rc = sqlite3_prepare_v2(
		c->db, "SELECT count(*) FROM main.sqlite_master", -1, &st,
		NULL);
	if (rc != SQLITE_OK)
		return db_error(c, rc);
	rc = step(c, st, &row);
	c->verify = row &&
		    sqlite3_column_int64(st, 0) <= RETORT_INTROSPECT_VERIFY_MAX;
	sqlite3_finalize(st);
	return rc;
}

static int introspect(struct ictx *c)
{
	int rc;

	if ((rc = count_objects(c)) < 0 || (rc = load_vtabs(c)) < 0 ||
	    ((c->verify || c->s->nvtabs) && (rc = load_kinds(c)) < 0) ||
	    (rc = load_objects(c)) < 0 || (rc = index_names(c)) < 0 ||
	    (rc = attach_indexes(c)) < 0)
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
	retort__free(c.kinds);
	retort__arena_dispose(&c.scratch);
	if (rc < 0) {
		retort_schema_free(c.s);
		return rc;
	}
	*out = c.s;
	return RETORT_OK;
}
