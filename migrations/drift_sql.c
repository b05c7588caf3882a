/*
** drift_sql.c -- `retort drift-sql [REV]` (migrations layer): a
** standalone SQL query for the plain sqlite3 shell that lists, one row
** per object, what differs between a database's sqlite_master and what
** revision REV builds (replayed in memory), for places without retort.
** The query compares stored CREATE text after a normalisation written in
** plain SQL (whitespace, identifier quotes); docs/check.md has its limits.
*/
#include <string.h>

#include "drift_int.h"
#include "sqltok.h"

/* Suffixes of the shadow tables of FTS3/4, FTS5 and R*Tree tables. */
static const char *const shadow_suffixes[] = { "data",    "idx",    "content",
					       "docsize", "config", "segments",
					       "segdir",  "stat",   "node",
					       "rowid",   "parent" };

#define NSUFFIXES (sizeof(shadow_suffixes) / sizeof(shadow_suffixes[0]))

/* One expected object (sqlite_master row), in the replay's memory. */
typedef struct object {
	char *type;     /* "table", "index", "view", "trigger" */
	char *name;     /* its name */
	char *tbl_name; /* the table it belongs to */
	char *sql;      /* its stored CREATE statement */
	bool vtab;      /* a virtual table */
} object;

/* The objects a replay holds. */
typedef struct objects {
	object *v;    /* in sqlite_master order (type, name) */
	size_t n;     /* count */
	size_t alloc; /* slots */
} objects;

static void objects_dispose(objects *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		retort__free(o->v[i].type);
		retort__free(o->v[i].name);
		retort__free(o->v[i].tbl_name);
		retort__free(o->v[i].sql);
	}
	retort__free(o->v);
	memset(o, 0, sizeof(*o));
}

/* Copy column I of ST, or NULL when out of memory. */
static char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return retort__strdup(s ? s : "");
}

/* Append the row ST holds to O; false when out of memory. */
static bool add_row(objects *o, sqlite3_stmt *st)
{
	object *x;

	if (o->n == o->alloc) {
		size_t na = o->alloc ? 2 * o->alloc : 64;
		object *nv = retort__realloc(o->v, na * sizeof(*nv));

		if (!nv)
			return false;
		o->v = nv;
		o->alloc = na;
	}
	x = &o->v[o->n];
	x->type = col(st, 0);
	x->name = col(st, 1);
	x->tbl_name = col(st, 2);
	x->sql = col(st, 3);
	x->vtab = sqlite3_column_int(st, 4) != 0;
	o->n++;
	return x->type && x->name && x->tbl_name && x->sql;
}

/* True when NAME has the prefix PREFIX, ignoring ASCII case. */
static bool has_prefix(const char *name, const char *prefix)
{
	return !retort__strncasecmp(name, prefix, strlen(prefix));
}

/* True when table NAME looks like a shadow table of a virtual table of O
 * (the rule the query applies to the database: vtab name, '_', suffix). */
static bool is_shadow(const objects *o, const char *name)
{
	size_t i, k, n;

	for (i = 0; i < o->n; i++) {
		if (!o->v[i].vtab)
			continue;
		n = strlen(o->v[i].name);
		if (retort__strncasecmp(name, o->v[i].name, n) ||
		    name[n] != '_')
			continue;
		for (k = 0; k < NSUFFIXES; k++)
			if (!retort__strcasecmp(
				    name + n + 1, shadow_suffixes[k]))
				return true;
	}
	return false;
}

/* Read DB's sqlite_master rows with CREATE text into OUT. */
static int read_objects(objects *out, sqlite3 *db, retort_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
		db,
		"SELECT type, name, tbl_name, sql, "
		"sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master "
		"WHERE sql IS NOT NULL ORDER BY type, name",
		-1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_row(out, st) ? SQLITE_OK : SQLITE_NOMEM;
	sqlite3_finalize(st);
	if (rc == SQLITE_NOMEM)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc != SQLITE_DONE)
		return retort_error_set(
			err, RETORT_ESQLITE, "the revisions", "%s",
			sqlite3_errmsg(db));
	return RETORT_OK;
}

/* True when O's object I belongs in the comparison. */
static bool compared(const objects *o, size_t i, const char *vt)
{
	const object *x = &o->v[i];

	return !has_prefix(x->name, "sqlite_") && !has_prefix(x->name, vt) &&
	       !(!strcmp(x->type, "table") && is_shadow(o, x->name));
}

/* Append the normalised form of the SQL expression X to B. */
static void put_norm(retort_buf *b, const char *x)
{
	static const char *const ws[] = { "char(13)", "char(10)", "char(9)",
					  "char(12)" };
	static const char *const punct[] = { "(", ")", "," };
	static const char *const quotes[] = { "'\"'", "'`'", "'['", "']'" };
	retort_buf s = RETORT_BUF_INIT, t = RETORT_BUF_INIT;
	size_t i;

	retort_buf_puts(&s, x);
#define WRAP(fmt, a, c)                                                        \
 do {                                                                          \
  retort_buf_clear(&t);                                                        \
  retort_buf_printf(&t, "replace(%s, " fmt ")", s.ptr, a, c);                  \
  retort_buf_clear(&s);                                                        \
  retort_buf_puts(&s, t.ptr);                                                  \
 } while (0)
	for (i = 0; i < 4; i++)
		WRAP("%s, %s", ws[i], "' '");
	for (i = 0; i < 9; i++) /* runs of up to 512 spaces become one */
		WRAP("%s, %s", "'  '", "' '");
	for (i = 0; i < 3; i++) {
		WRAP("' %s', '%s'", punct[i], punct[i]);
		WRAP("'%s ', '%s'", punct[i], punct[i]);
	}
	for (i = 0; i < 4; i++)
		WRAP("%s, %s", quotes[i], "''");
#undef WRAP
	retort_buf_printf(b, "trim(%s)", s.ptr);
	if (retort_buf_oom(&s) || retort_buf_oom(&t))
		b->oom = true; /* the sticky flag of B tells the caller */
	retort_buf_dispose(&s);
	retort_buf_dispose(&t);
}

/* The header comment: what the query compares with and how to run it. */
static void put_header(
	retort_buf *b,
	const retort_project *p,
	const size_t *idx,
	size_t n,
	const char *vt)
{
	size_t i;

	retort_buf_puts(
		b, "-- retort drift-sql: compare a database's schema "
		   "with what ");
	if (!n)
		retort_buf_puts(b, "base (no revision)");
	for (i = 0; i < n; i++)
		retort_buf_printf(
			b, "%srevision %s", i ? ", " : "",
			p->files[idx[i]].rev.id);
	retort_buf_puts(b, " builds.\n");
	if (n == 1 && p->files[idx[0]].rev.schema)
		retort_buf_printf(
			b, "-- Schema: %s\n", p->files[idx[0]].rev.schema);
	retort_buf_printf(
		b,
		"--\n"
		"-- Run it with the sqlite3 shell:  sqlite3 DATABASE < FILE\n"
		"-- It prints one row (drift|type|name) per object that is\n"
		"-- 'missing' (the revision makes it, the database lacks it),\n"
		"-- 'extra' (the database has it, the revision does not make "
		"it)\n"
		"-- or 'different' (both have it, with other CREATE text), and\n"
		"-- nothing when the database matches.  sqlite_* objects, the\n"
		"-- shadow tables of virtual tables and retort's tables (%s*)\n"
		"-- are left out.  CREATE texts are compared after collapsing\n"
		"-- whitespace and removing identifier quotes; see retort's\n"
		"-- docs/check.md for what this cannot see.\n",
		vt);
}

/* The expected objects as a VALUES list (an empty query when none). */
static void
put_expected(retort_buf *b, const objects *o, const char *vt, size_t *count)
{
	size_t i;

	*count = 0;
	retort_buf_puts(b, "expected(type, name, tbl_name, sql) AS (");
	for (i = 0; i < o->n; i++) {
		if (!compared(o, i, vt))
			continue;
		retort_buf_puts(b, (*count)++ ? ",\n  (" : "VALUES\n  (");
		retort_buf_put_literal(b, o->v[i].type);
		retort_buf_puts(b, ", ");
		retort_buf_put_literal(b, o->v[i].name);
		retort_buf_puts(b, ", ");
		retort_buf_put_literal(b, o->v[i].tbl_name);
		retort_buf_puts(b, ", ");
		retort_buf_put_literal(b, o->v[i].sql);
		retort_buf_putc(b, ')');
	}
	if (!*count)
		retort_buf_puts(b, "SELECT NULL, NULL, NULL, NULL WHERE 0");
	retort_buf_puts(b, "\n),\n");
}

/* VT as a LIKE pattern with '\' escapes, followed by '%'. */
static void put_like_prefix(retort_buf *b, const char *vt)
{
	retort_buf pat = RETORT_BUF_INIT;

	for (; *vt; vt++) {
		if (*vt == '%' || *vt == '_' || *vt == '\\')
			retort_buf_putc(&pat, '\\');
		retort_buf_putc(&pat, *vt);
	}
	retort_buf_putc(&pat, '%');
	retort_buf_put_literal(b, pat.ptr);
	if (retort_buf_oom(&pat))
		b->oom = true;
	retort_buf_dispose(&pat);
}

/* The database's objects, filtered as the expected ones are. */
static void put_actual(retort_buf *b, const char *vt)
{
	size_t k;

	retort_buf_puts(
		b,
		"actual(type, name, tbl_name, sql) AS (\n"
		"  SELECT type, name, tbl_name, sql FROM sqlite_master AS m\n"
		"  WHERE sql IS NOT NULL\n"
		"    AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'\n"
		"    AND name NOT LIKE ");
	put_like_prefix(b, vt);
	retort_buf_puts(
		b, " ESCAPE '\\'\n"
		   "    AND NOT (type = 'table' AND EXISTS (\n"
		   "      SELECT 1 FROM sqlite_master AS v\n"
		   "      WHERE v.type = 'table'\n"
		   "        AND v.sql LIKE 'CREATE VIRTUAL TABLE%'\n"
		   "        AND lower(m.name) IN (");
	for (k = 0; k < NSUFFIXES; k++)
		retort_buf_printf(
			b, "%slower(v.name) || '_%s'", k ? ", " : "",
			shadow_suffixes[k]);
	retort_buf_puts(b, ")))\n),\n");
}

/*
** The comparison itself, after the expected and actual CTEs: one group
** per (type, name); a group of one side only is missing or extra, a
** group of both is different when their table or text differ.  One
** sort, no correlated subquery: fast on schemas of 10,000 tables.
*/
static void put_compare(retort_buf *b)
{
	retort_buf_puts(
		b, "objects(side, type, key, name, tbl, norm) AS (\n"
		   "  SELECT side, type, lower(name), name, lower(tbl_name), ");
	put_norm(b, "sql");
	retort_buf_puts(
		b, "\n  FROM (SELECT 'e' AS side, * FROM expected\n"
		   "        UNION ALL SELECT 'a', * FROM actual)\n"
		   ")\n"
		   "SELECT CASE WHEN count(*) = 2 THEN 'different'\n"
		   "            WHEN min(side) = 'e' THEN 'missing'\n"
		   "            ELSE 'extra' END AS drift,\n"
		   "       type,\n"
		   "       coalesce(max(CASE side WHEN 'a' THEN name END), "
		   "max(name)) AS name\n"
		   "FROM objects\n"
		   "GROUP BY type, key\n"
		   "HAVING count(*) = 1 OR min(tbl) <> max(tbl)\n"
		   "    OR min(norm) <> max(norm)\n"
		   "ORDER BY 2, 3, 1;\n");
}

/* Write the whole query for the objects O of revisions IDX[0..N). */
static int write_query(
	retort_buf *out,
	const retort_project *p,
	const size_t *idx,
	size_t n,
	const objects *o,
	const char *vt,
	retort_error *err)
{
	size_t count;

	put_header(out, p, idx, n, vt);
	retort_buf_puts(out, "WITH\n");
	put_expected(out, o, vt, &count);
	put_actual(out, vt);
	put_compare(out);
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	return RETORT_OK;
}

int retort_drift_sql(
	retort_buf *out,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	const char *vt = retort_migrate__vt(opts);
	retort_project *p = NULL;
	objects o = { NULL, 0, 0 };
	sqlite3 *db = NULL;
	size_t *idx = NULL, n = 0;
	int rc;

	retort_buf_clear(out);
	if ((rc = retort_project_open(&p, opts, err)) < 0)
		goto done;
	if (!(idx = retort__malloc((p->n + 1) * sizeof(size_t)))) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	rc = retort_migrate__resolve(idx, &n, p, target ? target : "head", err);
	if (rc == RETORT_OK)
		rc = retort_migrate__replay(&db, p, idx, n, err);
	if (rc == RETORT_OK)
		rc = read_objects(&o, db, err);
	if (rc == RETORT_OK)
		rc = write_query(out, p, idx, n, &o, vt, err);
done:
	if (rc < 0)
		retort_buf_clear(out);
	objects_dispose(&o);
	sqlite3_close(db);
	retort__free(idx);
	retort_project_free(p);
	return rc;
}
