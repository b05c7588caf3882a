/*
** test_ddl.c -- CREATE statements from the model and
** retort_schema_to_sql().
** Groups: emit_ddl (golden SQL for the full schema; the SQL runs in
** SQLite and keeps rowid, AUTOINCREMENT, generated-column, collation and
** constraint semantics; parents before children, cycles allowed; DEFAULT
** literals and expressions; a rebuild name; out of memory).
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "emit_int.h"
#include "introspect.h"
#include "model_int.h"
#include "sqltok.h"

retort_schema *json_test_full_schema(void);
char *json_test_read_file(const char *path, size_t *len);

static char *to_sql(const retort_schema *s)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_schema_to_sql(&b, s, &err), RETORT_OK, "%s", err.why);
	return retort_buf_detach(&b);
}

Test(emit_ddl, golden_full_schema)
{
	retort_schema *s = json_test_full_schema();
	char *sql = to_sql(s);
	char *want = json_test_read_file(
		RETORT_SOURCE_DIR "/tests/data/json/full.sql.expected", NULL);

	cr_expect_str_eq(sql, want);
	free(want);
	free(sql);
	retort_schema_free(s);
}

/* The full schema created in a new in-memory database. */
static sqlite3 *full_db(void)
{
	retort_schema *s = json_test_full_schema();
	char *sql = to_sql(s), *msg = NULL;
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL),
		SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s\n%s",
		msg, sql);
	free(sql);
	retort_schema_free(s);
	return db;
}

/* The integer result of one-row query SQL (-1 for no row or NULL). */
static long long q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	cr_assert_eq(
		sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
		sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
		sql, msg);
}

Test(emit_ddl, runs_and_keeps_table_semantics)
{
	sqlite3 *db = full_db();

	/* INTEGER + single-column PK stays a rowid alias */
	exec_ok(db, "INSERT INTO parent(id) VALUES (7)");
	cr_expect_eq(q_int(db, "SELECT rowid FROM parent"), 7);
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM pragma_index_list("
			  "'parent')"),
		0);
	/* AUTOINCREMENT */
	exec_ok(db, "INSERT INTO \"order\"(\"a b\", n, parent) VALUES "
		    "('q', 1, 7)");
	cr_expect_eq(
		q_int(db, "SELECT seq FROM sqlite_sequence WHERE name "
			  "= 'order'"),
		1);
	/* NOT NULL ON CONFLICT REPLACE takes the DEFAULT */
	exec_ok(db, "INSERT INTO \"order\"(\"a b\", n, \"we\"\"ird\") "
		    "VALUES (NULL, 2, 9)");
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM \"order\" WHERE \"a b\" "
			  "= 'x'"),
		1);
	/* generated columns: hidden 2 (VIRTUAL) and 3 (STORED) */
	cr_expect_eq(
		q_int(db, "SELECT hidden FROM pragma_table_xinfo('order') "
			  "WHERE name = '\xc3\xbcn\xc3\xaf'"),
		2);
	cr_expect_eq(
		q_int(db, "SELECT hidden FROM pragma_table_xinfo('order') "
			  "WHERE name = 'total'"),
		3);
	cr_expect_eq(q_int(db, "SELECT total FROM \"order\" WHERE n = 2"), 4);
	/* WITHOUT ROWID, STRICT */
	cr_expect_eq(
		q_int(db, "SELECT wr + 2 * strict FROM pragma_table_list "
			  "WHERE name = 'kv'"),
		3);
	sqlite3_close(db);
}

Test(emit_ddl, runs_and_keeps_constraints)
{
	sqlite3 *db = full_db();

	cr_expect_neq(
		sqlite3_exec(
			db, "INSERT INTO \"order\"(n) VALUES (-1)", NULL, NULL,
			NULL),
		SQLITE_OK);
	cr_expect(strstr(sqlite3_errmsg(db), "ck_n"), "%s", sqlite3_errmsg(db));
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM pragma_index_list('order')"
			  " WHERE origin = 'u'"),
		2);
	cr_expect_eq(
		q_int(db, "SELECT \"unique\" + 2 * partial FROM "
			  "pragma_index_list('order') WHERE name = "
			  "'ix order'"),
		3);
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM pragma_index_xinfo("
			  "'ix order') WHERE coll = 'RTRIM' AND \"desc\" "
			  "= 1 AND cid = -2"),
		1);
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM pragma_foreign_key_list("
			  "'order') WHERE \"table\" = 'parent' AND "
			  "on_delete = 'CASCADE' AND on_update = 'SET "
			  "NULL'"),
		1);
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM pragma_foreign_key_list("
			  "'parent') WHERE \"table\" = 'order' AND \"to\" "
			  "= 'id' AND on_update = 'RESTRICT'"),
		1);
	cr_expect_eq(
		q_int(db, "SELECT count(*) FROM sqlite_schema WHERE type "
			  "IN ('view', 'trigger') OR name = 'docs'"),
		3);
	sqlite3_close(db);
}

/* A one-column table NAME, referring to table REF when not NULL. */
static void add_table(retort_schema *s, const char *name, const char *ref)
{
	static const retort_column col = {
		"x",  "INTEGER", RETORT_AFFINITY_INTEGER, false, 0, NULL,
		NULL, 0,         RETORT_GENERATED_NONE,   NULL
	};
	retort_table *t = retort_schema__add_table(s);
	retort_foreign_key *fk;
	const char **cols;

	cr_assert(t);
	t->name = name;
	t->columns = retort__arena_memdup(&s->arena, &col, sizeof(col));
	t->ncolumns = 1;
	if (!ref)
		return;
	fk = retort__arena_alloc(&s->arena, sizeof(*fk));
	cols = retort__arena_alloc(&s->arena, sizeof(*cols));
	cr_assert(fk && cols);
	cols[0] = "x";
	fk->columns = cols;
	fk->ncolumns = 1;
	fk->ref_table = ref;
	t->foreign_keys = fk;
	t->nforeign_keys = 1;
}

Test(emit_ddl, parents_first)
{
	retort_schema *s = retort_schema__new();
	retort_error err = RETORT_ERROR_INIT;
	char *sql;

	add_table(s, "a", "B"); /* a -> b -> c */
	add_table(s, "b", "c");
	add_table(s, "c", NULL);
	add_table(s, "d", "d"); /* refers to itself */
	add_table(s, "e", "f"); /* e <-> f */
	add_table(s, "f", "e");
	add_table(s, "g", "nowhere");
	cr_assert_eq(retort_schema__finish(s, "t", &err), RETORT_OK);
	sql = to_sql(s);
	cr_expect(strstr(sql, "\"c\"(") < strstr(sql, "\"b\"("));
	cr_expect(strstr(sql, "\"b\"(") < strstr(sql, "\"a\"("));
	cr_expect(strstr(sql, "\"f\"(") < strstr(sql, "\"e\"("));
	cr_expect(strstr(sql, "\"a\"(") < strstr(sql, "\"d\"("));
	cr_expect(strstr(sql, "\"d\"(") < strstr(sql, "\"f\"("));
	cr_expect(strstr(sql, "\"e\"(") < strstr(sql, "\"g\"("));
	free(sql);
	retort_schema_free(s);
}

/* The column definition of C (in a table without a primary key). */
static char *coldef(const retort_column *c)
{
	retort_table t = { "t",  false, false, c, 1,    NULL, NULL, 0,
			   NULL, 0,     NULL,  0, NULL, 0,    0 };
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(retort__emit_column_def(&b, c, &t), RETORT_OK);
	return retort_buf_detach(&b);
}

static void expect_default(const char *dflt, const char *want)
{
	retort_column c = { "c",  "", RETORT_AFFINITY_BLOB,  false, 0, dflt,
			    NULL, 0,  RETORT_GENERATED_NONE, NULL };
	char *got = coldef(&c);

	cr_expect_str_eq(got, want);
	free(got);
}

Test(emit_ddl, default_literals_and_expressions)
{
	expect_default("0", "\"c\" DEFAULT 0");
	expect_default("-1.5", "\"c\" DEFAULT -1.5");
	expect_default("+7", "\"c\" DEFAULT +7");
	expect_default("'it''s'", "\"c\" DEFAULT 'it''s'");
	expect_default("X'00FF'", "\"c\" DEFAULT X'00FF'");
	expect_default("NULL", "\"c\" DEFAULT NULL");
	expect_default("TRUE", "\"c\" DEFAULT TRUE");
	expect_default("CURRENT_TIMESTAMP", "\"c\" DEFAULT CURRENT_TIMESTAMP");
	expect_default("1 + 1", "\"c\" DEFAULT (1 + 1)");
	expect_default("- x", "\"c\" DEFAULT (- x)");
	expect_default("datetime('now')", "\"c\" DEFAULT (datetime('now'))");
	expect_default("abc", "\"c\" DEFAULT (abc)");
}

Test(emit_ddl, every_default_runs)
{
	static const char *const dflts[] = { "0",
					     "-1.5",
					     "+7",
					     "'it''s'",
					     "X'00FF'",
					     "TRUE",
					     "CURRENT_TIMESTAMP",
					     "1 + 1",
					     "datetime('now')" };
	retort_buf b = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	size_t i;

	retort_buf_puts(&b, "CREATE TABLE t(");
	for (i = 0; i < sizeof(dflts) / sizeof(dflts[0]); i++) {
		char *def;
		retort_column c = { "a",   "", RETORT_AFFINITY_BLOB,
				    false, 0,  dflts[i],
				    NULL,  0,  RETORT_GENERATED_NONE,
				    NULL };
		char name[2] = { (char)('a' + i), 0 };

		c.name = name;
		def = coldef(&c);
		retort_buf_puts(&b, i ? ", " : "");
		retort_buf_puts(&b, def);
		free(def);
	}
	retort_buf_putc(&b, ')');
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	exec_ok(db, b.ptr);
	exec_ok(db, "INSERT INTO t DEFAULT VALUES");
	cr_expect_eq(q_int(db, "SELECT a + 10 * h + 100 * c FROM t"), 720);
	retort_buf_dispose(&b);
	sqlite3_close(db);
}

Test(emit_ddl, rebuild_name)
{
	retort_schema *s = json_test_full_schema();
	const retort_table *t = retort_schema_find_table(s, "kv");
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(retort__emit_create_table(&b, t, "new kv"), RETORT_OK);
	cr_expect(
		!strncmp(b.ptr, "CREATE TABLE \"new kv\"(\"k\" TEXT", 30), "%s",
		b.ptr);
	retort_buf_dispose(&b);
	retort_schema_free(s);
}

Test(emit_ddl, empty_schema)
{
	retort_schema *s = retort_schema__new();
	retort_error err = RETORT_ERROR_INIT;
	char *sql;

	cr_assert_eq(retort_schema__finish(s, "t", &err), RETORT_OK);
	sql = to_sql(s);
	cr_expect_str_eq(sql, "");
	free(sql);
	retort_schema_free(s);
}

Test(emit_ddl, out_of_memory)
{
	retort_schema *s = json_test_full_schema();
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	long n;
	int rc = RETORT_ENOMEM;

	for (n = 1; rc == RETORT_ENOMEM && n < 1000; n++) {
		retort_error_clear(&err);
		retort__alloc_fail_after(n);
		rc = retort_schema_to_sql(&b, s, &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_ENOMEM)
			cr_expect_str_eq(err.why, "out of memory");
		retort_buf_dispose(&b);
	}
	cr_expect_eq(rc, RETORT_OK);
	retort_schema_free(s);
}

/* ------------------------------------------------------------------ */
/* Round trip through SQLite and the DDL parser                       */

/* Add the index parsed from SQL to its table in S (already added). */
static void parse_index(retort_schema *s, const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_index ix;
	retort_table *t = NULL;
	retort_index *arr;
	size_t i;

	memset(&ix, 0, sizeof(ix));
	cr_assert_eq(
		retort__ddl_parse_index(&ix, &s->arena, sql, "i", &err),
		RETORT_OK, "%s: %s", sql, err.why);
	for (i = 0; i < s->ntables; i++)
		if (!retort__strcasecmp(s->tables[i].name, ix.table))
			t = &s->tables[i];
	cr_assert(t, "%s", sql);
	arr = retort__arena_alloc(&s->arena, (t->nindexes + 1) * sizeof(*arr));
	cr_assert(arr);
	if (t->nindexes)
		memcpy(arr, t->indexes, t->nindexes * sizeof(*arr));
	arr[t->nindexes] = ix;
	t->indexes = arr;
	t->nindexes++;
}

/* One object of sqlite_schema (TYPE, SQL) into S. */
static void parse_object(retort_schema *s, const char *type, const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	int rc = RETORT_OK;

	if (!strcmp(type, "table"))
		rc = retort__ddl_parse_table(
			retort_schema__add_table(s), &s->arena, sql, "t", &err);
	else if (!strcmp(type, "virtual"))
		rc = retort__ddl_parse_virtual_table(
			retort_schema__add_virtual_table(s), &s->arena, sql,
			"t", &err);
	else if (!strcmp(type, "view"))
		rc = retort__ddl_parse_view(
			retort_schema__add_view(s), &s->arena, sql, "t", &err);
	else if (!strcmp(type, "trigger"))
		rc = retort__ddl_parse_trigger(
			retort_schema__add_trigger(s), &s->arena, sql, "t",
			&err);
	cr_assert_eq(rc, RETORT_OK, "%s: %s", sql, err.why);
}

/*
** The schema of DB read back with the DDL parser (not the introspector:
** this checks that what the emitter writes parses into the same model).
** Indexes come after the tables; shadow and sqlite_* tables are skipped.
*/
static retort_schema *read_back(sqlite3 *db)
{
	static const char *const q =
		"SELECT coalesce(l.type, m.type), m.sql FROM sqlite_schema m "
		"LEFT JOIN pragma_table_list l ON l.name = m.name AND "
		"l.schema = 'main' WHERE m.sql IS NOT NULL AND m.name NOT "
		"LIKE 'sqlite\\_%' ESCAPE '\\' AND coalesce(l.type, '') != "
		"'shadow' ORDER BY m.type = 'index', m.name";
	retort_schema *s = retort_schema__new();
	retort_error err = RETORT_ERROR_INIT;
	sqlite3_stmt *st = NULL;

	cr_assert(s);
	cr_assert_eq(
		sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s",
		sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);

		if (!strcmp(type, "index"))
			parse_index(s, sql);
		else
			parse_object(s, type, sql);
	}
	sqlite3_finalize(st);
	cr_assert_eq(
		retort_schema__finish(s, "db", &err), RETORT_OK, "%s", err.why);
	return s;
}

/* S created in a new database and read back. */
static retort_schema *through_sqlite(const retort_schema *s)
{
	char *sql = to_sql(s), *msg = NULL;
	retort_schema *back;
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s\n%s",
		msg, sql);
	back = read_back(db);
	sqlite3_close(db);
	free(sql);
	return back;
}

static char *to_json(const retort_schema *s)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(retort_schema_to_json(&b, s, &err), RETORT_OK);
	return retort_buf_detach(&b);
}

/*
** model -> SQL -> SQLite -> parser -> model: the same schema (equal
** fingerprints), and a second trip gives byte-identical JSON.
*/
Test(emit_ddl, round_trip_through_sqlite)
{
	retort_schema *s0 = json_test_full_schema();
	retort_schema *s1 = through_sqlite(s0);
	retort_schema *s2 = through_sqlite(s1);
	char *j0 = to_json(s0), *j1 = to_json(s1), *j2 = to_json(s2);

	cr_expect_str_eq(j1, j2);
	cr_expect_eq(
		retort_schema_fingerprint(s0), retort_schema_fingerprint(s1),
		"%s\n---\n%s", j0, j1);
	free(j0);
	free(j1);
	free(j2);
	retort_schema_free(s0);
	retort_schema_free(s1);
	retort_schema_free(s2);
}

/* The schema that SQL creates in a new database, read back. */
static retort_schema *from_script(const char *sql)
{
	retort_schema *s;
	sqlite3 *db = NULL;
	char *msg = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s\n%s",
		msg, sql);
	s = read_back(db);
	sqlite3_close(db);
	return s;
}

static const char script_a[] =
	"CREATE TABLE \"Order\"(Id INTEGER PRIMARY KEY AUTOINCREMENT, [A B] "
	"TEXT NOT NULL DEFAULT ('x') COLLATE NoCase, n NUMERIC CHECK (N >= 0),"
	" p INT REFERENCES Parent);\n"
	"CREATE TABLE parent(id INTEGER PRIMARY KEY);\n"
	"CREATE INDEX \"IX\" ON \"Order\"(`A B` DESC) WHERE n>0;\n"
	"CREATE VIEW V AS SELECT \"Id\" FROM \"Order\" /* c */;\n";

/* script_a in another order, case, quoting, spacing and comments, with
 * constraints moved between column and table level. */
static const char script_b[] =
	"create view v as select id from [order];\n"
	"create table PARENT ( ID integer primary key ) ;\n"
	"CREATE TABLE [order] ( id INTEGER PRIMARY KEY AUTOINCREMENT , \"a b\""
	" text NOT NULL DEFAULT 'x' COLLATE nocase , N NUMERIC , -- n\n"
	" P INT , CHECK(n>=0), FOREIGN KEY (p) REFERENCES parent(id) );\n"
	"create index ix on [ORDER](\"a b\" desc) where N > 0;\n";

/* script_a in another order and layout, names spelled the same. */
static const char script_c[] =
	"CREATE VIEW V AS SELECT Id FROM \"Order\";\n"
	"CREATE TABLE parent(\n  id INTEGER PRIMARY KEY\n);\n"
	"CREATE TABLE \"Order\"(Id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  \"A B\" TEXT NOT NULL DEFAULT 'x' COLLATE NoCase,\n"
	"  n NUMERIC,\n  p INT,\n  FOREIGN KEY(p) REFERENCES Parent(id),\n"
	"  CHECK(N>=0));\n"
	"CREATE INDEX IX ON \"Order\"(\"A B\" DESC) WHERE n > 0;\n";

Test(emit_ddl, equal_schemas_from_different_sql)
{
	retort_schema *a = from_script(script_a), *b = from_script(script_b);
	retort_schema *c = from_script(script_c);
	char *ja = to_json(a), *jc = to_json(c);

	cr_expect_eq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	cr_expect_str_eq(ja, jc);
	free(ja);
	free(jc);
	retort_schema_free(a);
	retort_schema_free(b);
	retort_schema_free(c);
}

Test(emit_ddl, different_schemas_from_sql)
{
	static const char *const edits[][2] = {
		{ "DEFAULT ('x')", "DEFAULT ('y')" },
		{ "N >= 0", "N > 0" },
		{ "`A B` DESC", "`A B`" },
		{ "COLLATE NoCase", "COLLATE RTRIM" },
		{ "n NUMERIC", "n INTEGER" },
		{ "SELECT \"Id\"", "SELECT \"Id\", n" },
		{ "INT REFERENCES Parent", "INT REFERENCES Parent ON DELETE "
					   "CASCADE" },
	};
	retort_schema *a = from_script(script_a);
	size_t i;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *at = strstr(script_a, edits[i][0]);
		retort_buf b = RETORT_BUF_INIT;
		retort_schema *e;

		cr_assert(at, "%s", edits[i][0]);
		retort_buf_put(&b, script_a, (size_t)(at - script_a));
		retort_buf_puts(&b, edits[i][1]);
		retort_buf_puts(&b, at + strlen(edits[i][0]));
		e = from_script(b.ptr);
		cr_expect_neq(
			retort_schema_fingerprint(a),
			retort_schema_fingerprint(e), "%s", edits[i][1]);
		retort_schema_free(e);
		retort_buf_dispose(&b);
	}
	retort_schema_free(a);
}

/*
** One corpus schema: read back from SQLite (s1), written as SQL, created
** again and read back (s2): equal fingerprints and JSON; and s1's JSON
** reads back to the same JSON.
*/
static void corpus_round_trip(const char *file)
{
	char path[1024];
	char *sql, *j1, *j2, *j3;
	retort_schema *s1, *s2, *s3 = NULL;
	retort_error err = RETORT_ERROR_INIT;

	snprintf(path, sizeof(path), "%s/%s", RETORT_CORPUS_DIR, file);
	sql = json_test_read_file(path, NULL);
	s1 = from_script(sql);
	s2 = through_sqlite(s1);
	j1 = to_json(s1);
	j2 = to_json(s2);
	cr_expect_str_eq(j1, j2, "%s", file);
	cr_assert_eq(
		retort_schema_from_json(&s3, j1, strlen(j1), file, &err),
		RETORT_OK, "%s: %s", file, err.why);
	j3 = to_json(s3);
	cr_expect_str_eq(j1, j3, "%s", file);
	free(j1);
	free(j2);
	free(j3);
	free(sql);
	retort_schema_free(s1);
	retort_schema_free(s2);
	retort_schema_free(s3);
}

Test(emit_ddl, corpus_round_trips)
{
	DIR *d = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	int n = 0;

	cr_assert(d, "cannot open %s", RETORT_CORPUS_DIR);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") ||
		    strstr(e->d_name, ".data.sql"))
			continue;
		corpus_round_trip(e->d_name);
		n++;
	}
	closedir(d);
	cr_expect_geq(n, 25);
}

/* ------------------------------------------------------------------ */
/* Round trips through the introspector                               */

static retort_schema *introspect_sql(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	cr_assert_eq(
		retort__schema_from_sql(&s, sql, "test.sql", &err), RETORT_OK,
		"%s: %s\n%s", err.what, err.why, sql);
	return s;
}

/*
** SPEC §2: snapshot -> SQL -> new database -> snapshot gives the same
** JSON.  The full schema goes through the introspector twice; the
** model it starts from compares equal (same fingerprint).
*/
Test(emit_ddl, round_trip_through_introspection)
{
	retort_schema *s0 = json_test_full_schema(), *s1, *s2;
	char *sql0 = to_sql(s0), *sql1, *j1, *j2;

	s1 = introspect_sql(sql0);
	sql1 = to_sql(s1);
	s2 = introspect_sql(sql1);
	j1 = to_json(s1);
	j2 = to_json(s2);
	cr_expect_str_eq(j1, j2);
	cr_expect_eq(
		retort_schema_fingerprint(s0), retort_schema_fingerprint(s1),
		"%s", j1);
	free(sql0);
	free(sql1);
	free(j1);
	free(j2);
	retort_schema_free(s0);
	retort_schema_free(s1);
	retort_schema_free(s2);
}

/* SPEC §8: the same schema created in another order and formatting gives
 * byte-identical snapshots; another letter case and quoting gives equal
 * fingerprints. */
Test(emit_ddl, introspected_determinism)
{
	retort_schema *a = introspect_sql(script_a);
	retort_schema *b = introspect_sql(script_b);
	retort_schema *c = introspect_sql(script_c);
	char *ja = to_json(a), *jc = to_json(c);

	cr_expect_str_eq(ja, jc);
	cr_expect_eq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	free(ja);
	free(jc);
	retort_schema_free(a);
	retort_schema_free(b);
	retort_schema_free(c);
}

/* Every corpus schema: introspected, written as SQL, introspected again:
 * the same JSON. */
Test(emit_ddl, corpus_round_trips_through_introspection)
{
	DIR *d = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	int n = 0;

	cr_assert(d, "cannot open %s", RETORT_CORPUS_DIR);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[1024], *sql, *sql1, *j1, *j2;
		retort_schema *s1, *s2;

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") ||
		    strstr(e->d_name, ".data.sql"))
			continue;
		snprintf(
			path, sizeof(path), "%s/%s", RETORT_CORPUS_DIR,
			e->d_name);
		sql = json_test_read_file(path, NULL);
		s1 = introspect_sql(sql);
		sql1 = to_sql(s1);
		s2 = introspect_sql(sql1);
		j1 = to_json(s1);
		j2 = to_json(s2);
		cr_expect_str_eq(j1, j2, "%s", e->d_name);
		free(sql);
		free(sql1);
		free(j1);
		free(j2);
		retort_schema_free(s1);
		retort_schema_free(s2);
		n++;
	}
	closedir(d);
	cr_expect_geq(n, 25);
}
