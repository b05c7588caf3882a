/*
** test_plan_rules.c -- the native ALTER TABLE rules of plan_rules.c, each
** checked against the real SQLite library: what the rule lets through
** must work on a table with rows, what it refuses must fail there (or be
** a change that only a rebuild can make).
** Groups: emit_plan_rules (constant defaults, ADD COLUMN, DROP COLUMN,
** mentions).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "plan_int.h"

/* Run SQL in DB; returns SQLite's result code, message in MSG. */
static int run(sqlite3 *db, const char *sql, char msg[256])
{
	char *e = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &e);

	snprintf(msg, 256, "%s", e ? e : "");
	sqlite3_free(e);
	return rc;
}

/* A fresh database with table t(a, b) holding ROWS rows. */
static sqlite3 *db_with(const char *create, int rows)
{
	sqlite3 *db = NULL;
	char msg[256];
	int i;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(run(db, create, msg), SQLITE_OK, "%s: %s", create, msg);
	for (i = 0; i < rows; i++)
		cr_assert_eq(
			run(db, "INSERT INTO t(a) VALUES (1)", msg), SQLITE_OK,
			"%s", msg);
	return db;
}

/* ALTER TABLE t ADD COLUMN DEF on a table with ROWS rows: SQLite's rc. */
static int try_add(const char *def, int rows, char msg[256])
{
	sqlite3 *db = db_with("CREATE TABLE t(a, b)", rows);
	char sql[512];
	int rc;

	snprintf(sql, sizeof(sql), "ALTER TABLE t ADD COLUMN %s", def);
	rc = run(db, sql, msg);
	sqlite3_close(db);
	return rc;
}

/* The one-column TO table the ADD COLUMN rules look at. */
static retort_table table_of(retort_column *cols, size_t n)
{
	retort_table t;

	memset(&t, 0, sizeof(t));
	t.name = "t";
	t.columns = cols;
	t.ncolumns = n;
	return t;
}

static retort_column col(const char *name, const char *dflt)
{
	retort_column c;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.type = "";
	c.default_sql = dflt;
	return c;
}

#define V340 3040001

/* The number of lines of PRAGMA integrity_check that are not "ok". */
static int integrity_problems(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int n;

	cr_assert_eq(
		sqlite3_prepare_v2(
			db,
			"SELECT count(*) FROM pragma_integrity_check WHERE "
			"integrity_check <> 'ok'",
			-1, &st, NULL),
		SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

Test(emit_plan_rules, constant_defaults)
{
	static const char *const yes[] = { NULL,    "0",      "-1",    "+1.5",
					   "(0)",   "((-2))", "'s'",   "-'s'",
					   "X'00'", "NULL",   "TRUE",  "FALSE",
					   "1e10",  "0x1F",   "'a''b'" };
	static const char *const no[] = { "CURRENT_TIMESTAMP",
					  "CURRENT_DATE",
					  "1+1",
					  "(1+1)",
					  "abs(1)",
					  "(abs(1))",
					  "x",
					  "(0",
					  "0)",
					  "- -1",
					  "((0)" };
	char msg[256], def[128];
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		cr_expect(
			retort__plan_default_is_constant(yes[i]), "%s",
			yes[i] ? yes[i] : "NULL");
		if (!yes[i])
			continue;
		snprintf(def, sizeof(def), "c DEFAULT (%s)", yes[i]);
		cr_expect_eq(
			try_add(def, 1, msg), SQLITE_OK, "%s: %s", def, msg);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(
			!retort__plan_default_is_constant(no[i]), "%s", no[i]);
	/* the refused ones that are valid SQL fail on a populated table */
	for (i = 0; i < 6; i++) {
		snprintf(def, sizeof(def), "c DEFAULT (%s)", no[i]);
		cr_expect_neq(try_add(def, 1, msg), SQLITE_OK, "%s", def);
		cr_expect(
			strstr(msg, "non-constant default"), "%s: %s", def,
			msg);
		cr_expect_eq(
			try_add(def, 0, msg), SQLITE_OK, "%s: %s", def, msg);
	}
}

Test(emit_plan_rules, add_plain_and_collate)
{
	retort_column c = col("c", NULL);
	retort_table t = table_of(&c, 1);
	char msg[256];

	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_eq(try_add("c TEXT", 1, msg), SQLITE_OK, "%s", msg);
	c.collate = "NOCASE";
	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_eq(try_add("c TEXT COLLATE NOCASE", 1, msg), SQLITE_OK);
}

Test(emit_plan_rules, add_not_null)
{
	retort_column c = col("c", "''");
	retort_table t = table_of(&c, 1);
	char msg[256];

	c.not_null = true;
	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_eq(try_add("c NOT NULL DEFAULT ''", 1, msg), SQLITE_OK);
	/* without a default: fine on an empty table, a loud failure on a
	 * populated one -- as the rebuild's copy would be */
	c.default_sql = NULL;
	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_eq(try_add("c TEXT NOT NULL", 0, msg), SQLITE_OK, "%s", msg);
	cr_expect_neq(try_add("c TEXT NOT NULL", 1, msg), SQLITE_OK);
	cr_expect_str_eq(
		msg, "Cannot add a NOT NULL column with default value NULL");
	/* before 3.37 the empty-table relaxation is not relied upon */
	cr_expect_not_null(
		retort__plan_add_column_refusal(&t, &c, NULL, 3036000));
}

Test(emit_plan_rules, add_to_strict_table)
{
	static const struct {
		const char *type, *dflt;
		bool fits;
	} cases[] = {
		{ "TEXT", "6", true },       { "TEXT", "'s'", true },
		{ "TEXT", "X'00'", false },  { "INTEGER", "'7'", false },
		{ "INTEGER", "-7", true },   { "INT", "0x10", true },
		{ "INTEGER", "'x'", false }, { "INTEGER", "TRUE", true },
		{ "REAL", "1", true },       { "REAL", "'x'", false },
		{ "BLOB", "6", false },      { "BLOB", "X'01'", true },
		{ "ANY", "X'01'", true },    { "BLOB", "NULL", true },
	};
	retort_column c = col("c", NULL);
	retort_table t = table_of(&c, 1);
	sqlite3 *db;
	char msg[256], sql[128];
	size_t i;

	t.strict = true;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.type = cases[i].type;
		c.default_sql = cases[i].dflt;
		cr_expect_eq(
			retort__plan_add_column_refusal(&t, &c, NULL, V340) ==
				NULL,
			cases[i].fits, "%s DEFAULT %s", c.type, c.default_sql);
		/* what the rule lets through keeps integrity_check happy */
		if (!cases[i].fits)
			continue;
		db = db_with("CREATE TABLE t(a INT, b INT) STRICT", 1);
		snprintf(
			sql, sizeof(sql),
			"ALTER TABLE t ADD COLUMN c %s DEFAULT %s", c.type,
			c.default_sql);
		cr_expect_eq(run(db, sql, msg), SQLITE_OK, "%s: %s", sql, msg);
		cr_expect_eq(integrity_problems(db), 0, "%s", sql);
		sqlite3_close(db);
	}
	/* and SQLite really lets a misfit through, leaving bad rows */
	db = db_with("CREATE TABLE t(a INT, b INT) STRICT", 1);
	cr_expect_eq(
		run(db, "ALTER TABLE t ADD COLUMN c BLOB DEFAULT 6", msg),
		SQLITE_OK);
	cr_expect_eq(integrity_problems(db), 1);
	sqlite3_close(db);
}

Test(emit_plan_rules, add_key_columns_refused)
{
	retort_key_part part = { "c", NULL, NULL, false };
	retort_unique uq = { NULL, &part, 1, RETORT_CONFLICT_DEFAULT };
	retort_column c = col("c", NULL);
	retort_table t = table_of(&c, 1);
	char msg[256];

	c.pk = 1;
	cr_expect_not_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_neq(try_add("c INTEGER PRIMARY KEY", 0, msg), SQLITE_OK);
	cr_expect_str_eq(msg, "Cannot add a PRIMARY KEY column");
	c.pk = 0;
	t.uniques = &uq;
	t.nuniques = 1;
	cr_expect_not_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_neq(try_add("c UNIQUE", 0, msg), SQLITE_OK);
	cr_expect_str_eq(msg, "Cannot add a UNIQUE column");
}

Test(emit_plan_rules, add_generated)
{
	retort_column c = col("c", NULL);
	retort_table t = table_of(&c, 1);
	char msg[256];

	c.generated = RETORT_GENERATED_STORED;
	c.generated_sql = "a + 1";
	cr_expect_not_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_neq(try_add("c AS (a + 1) STORED", 1, msg), SQLITE_OK);
	cr_expect_str_eq(msg, "cannot add a STORED column");
	c.generated = RETORT_GENERATED_VIRTUAL;
	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_eq(try_add("c AS (a + 1) VIRTUAL", 1, msg), SQLITE_OK);
	/* a generated NOT NULL is checked on old rows only since 3.37 */
	c.not_null = true;
	cr_expect_null(retort__plan_add_column_refusal(&t, &c, NULL, V340));
	cr_expect_not_null(
		retort__plan_add_column_refusal(&t, &c, NULL, 3036000));
	cr_expect_neq(
		try_add("c AS (NULL) VIRTUAL NOT NULL", 1, msg), SQLITE_OK);
}

Test(emit_plan_rules, add_references)
{
	const char *cols[] = { "c" }, *refs[] = { "a" };
	retort_foreign_key fk = {
		NULL, cols, 1, "t", refs, 1, 0, 0, NULL, false
	};
	retort_column c = col("c", NULL);
	retort_table t = table_of(&c, 1);
	sqlite3 *db;
	char msg[256];

	cr_expect_null(retort__plan_add_column_refusal(&t, &c, &fk, V340));
	fk.ncolumns = 2;
	cr_expect_not_null(retort__plan_add_column_refusal(&t, &c, &fk, V340));
	/* with enforcement on, a non-NULL default is refused on a populated
	 * table; the script switches enforcement off, so it passes and the
	 * final foreign_key_check judges the rows */
	db = db_with("CREATE TABLE t(a PRIMARY KEY, b)", 1);
	run(db, "PRAGMA foreign_keys=ON", msg);
	cr_expect_neq(
		run(db, "ALTER TABLE t ADD COLUMN c REFERENCES t(a) DEFAULT 1",
		    msg),
		SQLITE_OK);
	run(db, "PRAGMA foreign_keys=OFF", msg);
	cr_expect_eq(
		run(db, "ALTER TABLE t ADD COLUMN c REFERENCES t(a) DEFAULT 1",
		    msg),
		SQLITE_OK, "%s", msg);
	sqlite3_close(db);
}

/* ALTER TABLE t DROP COLUMN COLUMN after CREATE (t has one row). */
static int try_drop(const char *create, const char *column, char msg[256])
{
	sqlite3 *db = db_with(create, 1);
	char sql[256];
	int rc;

	snprintf(sql, sizeof(sql), "ALTER TABLE t DROP COLUMN %s", column);
	rc = run(db, sql, msg);
	sqlite3_close(db);
	return rc;
}

Test(emit_plan_rules, drop_plain)
{
	retort_column cols[2] = { col("a", NULL), col("b", NULL) };
	retort_table t = table_of(cols, 2);
	char msg[256];

	cr_expect_null(retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_eq(try_drop("CREATE TABLE t(a, b)", "b", msg), SQLITE_OK);
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], 3034000));
	t.ncolumns = 1;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[0], V340));
	cr_expect_neq(try_drop("CREATE TABLE t(a)", "a", msg), SQLITE_OK);
}

Test(emit_plan_rules, drop_key_columns_refused)
{
	retort_key_part part = { "b", NULL, NULL, false };
	retort_unique uq = { NULL, &part, 1, RETORT_CONFLICT_DEFAULT };
	retort_column cols[2] = { col("a", NULL), col("b", NULL) };
	retort_table t = table_of(cols, 2);
	char msg[256];

	cols[1].pk = 1;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_neq(
		try_drop("CREATE TABLE t(a, b PRIMARY KEY)", "b", msg),
		SQLITE_OK);
	cr_expect_str_eq(msg, "cannot drop PRIMARY KEY column: \"b\"");
	cols[1].pk = 0;
	t.uniques = &uq;
	t.nuniques = 1;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_neq(
		try_drop("CREATE TABLE t(a, b UNIQUE)", "b", msg), SQLITE_OK);
	cr_expect_neq(
		try_drop("CREATE TABLE t(a, b, c, UNIQUE(c, b))", "b", msg),
		SQLITE_OK);
}

Test(emit_plan_rules, drop_used_columns_refused)
{
	const char *fkcols[] = { "b" };
	retort_foreign_key fk = { NULL, fkcols, 1, "p",  NULL,
				  0,    0,      0, NULL, false };
	retort_check ck = { NULL, "b > 0" };
	retort_column cols[3] = { col("a", NULL), col("b", NULL),
				  col("g", NULL) };
	retort_table t = table_of(cols, 2);
	char msg[256];

	t.foreign_keys = &fk;
	t.nforeign_keys = 1;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_neq(
		try_drop(
			"CREATE TABLE t(a, b, FOREIGN KEY (b) REFERENCES p)",
			"b", msg),
		SQLITE_OK);
	t.nforeign_keys = 0;
	t.checks = &ck;
	t.nchecks = 1;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_neq(
		try_drop("CREATE TABLE t(a, b, CHECK (b > 0))", "b", msg),
		SQLITE_OK);
	t.nchecks = 0;
	cols[2].generated = RETORT_GENERATED_VIRTUAL;
	cols[2].generated_sql = "b * 2";
	t.ncolumns = 3;
	cr_expect_not_null(
		retort__plan_drop_column_refusal(&t, &cols[1], V340));
	cr_expect_neq(
		try_drop("CREATE TABLE t(a, b, g AS (b * 2))", "b", msg),
		SQLITE_OK);
	/* the generated column itself can go */
	cr_expect_null(retort__plan_drop_column_refusal(&t, &cols[2], V340));
	cr_expect_eq(
		try_drop("CREATE TABLE t(a, b, g AS (b * 2) STORED)", "g", msg),
		SQLITE_OK, "%s", msg);
}

Test(emit_plan_rules, drop_after_dependents_go)
{
	sqlite3 *db = db_with("CREATE TABLE t(a, b)", 1);
	char msg[256];

	/* indexes, views and triggers block DROP COLUMN; the script drops
	 * them first, which is why the rule lets these through */
	run(db, "CREATE INDEX i ON t(b)", msg);
	run(db, "CREATE VIEW v AS SELECT b FROM t", msg);
	run(db, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.b; END",
	    msg);
	cr_expect_neq(run(db, "ALTER TABLE t DROP COLUMN b", msg), SQLITE_OK);
	run(db, "DROP INDEX i", msg);
	cr_expect_neq(run(db, "ALTER TABLE t DROP COLUMN b", msg), SQLITE_OK);
	run(db, "DROP VIEW v", msg);
	cr_expect_neq(run(db, "ALTER TABLE t DROP COLUMN b", msg), SQLITE_OK);
	run(db, "DROP TRIGGER tr", msg);
	cr_expect_eq(
		run(db, "ALTER TABLE t DROP COLUMN b", msg), SQLITE_OK, "%s",
		msg);
	sqlite3_close(db);
}

Test(emit_plan_rules, mentions)
{
	cr_expect(retort__plan_mentions("SELECT a FROM t", "T"));
	cr_expect(retort__plan_mentions(
		"SELECT a FROM \"we\"\"ird\"", "we\"ird"));
	cr_expect(retort__plan_mentions("SELECT 1 FROM [a b]", "a b"));
	cr_expect(retort__plan_mentions("SELECT 1 FROM `ünï`", "ünï"));
	cr_expect(retort__plan_mentions("SELECT 'order'", "order"));
	cr_expect(!retort__plan_mentions("SELECT tt FROM x", "t"));
	cr_expect(!retort__plan_mentions("SELECT 1 -- t\nFROM x", "t"));
	cr_expect(!retort__plan_mentions("", "t"));
}
