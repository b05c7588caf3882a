/*
** test_plan_e2e.c -- end to end, one test per kind of operation: FROM
** and TO built from SQL, FROM filled with awkward values (NULLs, blobs,
** unicode, 64-bit integers, REAL edge values), the verified upgrade
** applied, then schema, integrity, foreign keys and every surviving value
** checked, then the downgrade the same way.
** Groups: emit_plan_e2e (tables, columns, constraints, indexes, views,
** triggers, virtual tables, renames, rows that refuse a change).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "test_plan_support.h"

/* FROM t(id, a, b, c, d) and rows with awkward values. */
#define T_COLS "id INTEGER PRIMARY KEY, a TEXT, b BLOB, c REAL, d INT"
#define T_FROM "CREATE TABLE t(" T_COLS ");"
#define T_FILL                                                                    \
 "INSERT INTO t VALUES (1, NULL, NULL, NULL, NULL);"                              \
 "INSERT INTO t VALUES (2, 'ünï ☃ 𝄞', x'00ff10', 1.7976931348623157e308, " \
 " 9223372036854775807);"                                                         \
 "INSERT INTO t VALUES (3, '', x'', -0.0, -9223372036854775808);"                 \
 "INSERT INTO t VALUES (4, 'a''b\"c;d', zeroblob(3), 4.9e-324, 0);"               \
 "INSERT INTO t VALUES (5, char(0, 10, 13), x'0a', 0.1, 1e300);"                  \
 "INSERT INTO t VALUES (6, '-- x', x'2d2d', 2.5e-308, -1);"

/* Run FROM -> TO on FILL; the plan is returned for further checks. */
static retort_plan *run_case(const char *from, const char *to, const char *fill)
{
	tp_case c = { from, to, fill, NULL, 0, false, false };
	tp_result r;
	retort_plan *plan;

	tp_run(&c, &r);
	plan = r.plan;
	r.plan = NULL;
	tp_result_dispose(&r);
	return plan;
}

/* The same with rename hints. */
static retort_plan *run_renamed(
	const char *from,
	const char *to,
	const char *fill,
	const retort_rename *renames,
	size_t n)
{
	tp_case c = { from, to, fill, renames, n, false, false };
	tp_result r;
	retort_plan *plan;

	tp_run(&c, &r);
	plan = r.plan;
	r.plan = NULL;
	tp_result_dispose(&r);
	return plan;
}

/* FROM -> TO must fail on FILL and leave the database as it was; the
 * error message is checked for NEEDLE. */
static void run_refused(
	const char *from, const char *to, const char *fill, const char *needle)
{
	tp_case c = { from, to, fill, NULL, 0, false, true };
	tp_result r;

	tp_run(&c, &r);
	cr_expect(
		tp_has(r.errmsg, needle), "error '%s' lacks '%s'",
		r.errmsg ? r.errmsg : "(none)", needle);
	cr_expect(retort_plan_nwarnings(r.plan) > 0, "no warning");
	tp_result_dispose(&r);
}

#define UP(p)   retort_plan_upgrade(p)
#define DOWN(p) retort_plan_downgrade(p)

Test(emit_plan_e2e, no_changes_is_empty)
{
	retort_plan *p = tp_plan(T_FROM, T_FROM, NULL, 0);

	cr_expect_str_eq(UP(p), "");
	cr_expect_str_eq(DOWN(p), "");
	cr_expect_eq(retort_plan_nwarnings(p), 0);
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_and_drop_table)
{
	retort_plan *p = run_case(
		T_FROM "CREATE TABLE old(x, y);",
		T_FROM "CREATE TABLE u(x TEXT NOT NULL, y REFERENCES t);"
		       "CREATE INDEX ui ON u(y);",
		T_FILL "INSERT INTO old VALUES (1, 2);");

	cr_expect(tp_has(UP(p), "CREATE TABLE \"u\""), "%s", UP(p));
	cr_expect(tp_has(UP(p), "DROP TABLE \"old\""), "%s", UP(p));
	cr_expect(tp_has(UP(p), "-- DESTRUCTIVE"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, rename_table_both_ways)
{
	static const retort_rename r[] = { { NULL, "t", "t2" } };
	retort_plan *p = run_renamed(
		T_FROM "CREATE TABLE c(x REFERENCES t(id));",
		"CREATE TABLE t2(" T_COLS ");"
		"CREATE TABLE c(x REFERENCES t2(id));",
		T_FILL "INSERT INTO c VALUES (2), (NULL);", r, 1);

	cr_expect(
		tp_has(UP(p), "ALTER TABLE \"t\" RENAME TO \"t2\""), "%s",
		UP(p));
	cr_expect(
		tp_has(DOWN(p), "ALTER TABLE \"t2\" RENAME TO \"t\""), "%s",
		DOWN(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, rename_onto_a_dropped_name)
{
	static const retort_rename r[] = { { NULL, "a", "b" },
					   { "t", "x", "y" } };
	retort_plan *p = run_renamed(
		"CREATE TABLE a(x TEXT); CREATE TABLE b(y INT);"
		"CREATE TABLE t(x TEXT, y INT, z);",
		"CREATE TABLE b(x TEXT); CREATE TABLE t(y TEXT, z);",
		"INSERT INTO a VALUES ('ä'); INSERT INTO b VALUES (42);"
		"INSERT INTO t VALUES ('x', 1, 2);",
		r, 2);

	cr_expect(tp_has(UP(p), "DROP TABLE \"b\""), "%s", UP(p));
	cr_expect(tp_has(UP(p), "RENAME TO \"b\""), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_column_native)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(" T_COLS ", e TEXT NOT NULL DEFAULT 'x', "
		"f COLLATE NOCASE, g AS (d * 2));",
		T_FILL);

	cr_expect(tp_has(UP(p), "ADD COLUMN"), "%s", UP(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	cr_expect(tp_has(DOWN(p), "DROP COLUMN"), "%s", DOWN(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_column_with_foreign_key_inline)
{
	retort_plan *p = run_case(
		T_FROM "CREATE TABLE p(k INTEGER PRIMARY KEY);",
		"CREATE TABLE t(" T_COLS
		", pk INTEGER REFERENCES p(k) ON DELETE CASCADE);"
		"CREATE TABLE p(k INTEGER PRIMARY KEY);",
		T_FILL);

	cr_expect(tp_has(UP(p), "ADD COLUMN"), "%s", UP(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_column_in_the_middle_rebuilds)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, n INT DEFAULT "
		"7, b BLOB, c REAL, d INT);",
		T_FILL);

	cr_expect(tp_has(UP(p), "retort_new_t"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_column_non_constant_default_rebuilds)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(" T_COLS
		", ts TEXT DEFAULT CURRENT_TIMESTAMP);",
		T_FILL);

	cr_expect(tp_has(UP(p), "retort_new_t"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, drop_column_native)
{
	retort_plan *p = run_case(
		T_FROM "CREATE INDEX ic ON t(c);",
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB, d INT);",
		T_FILL);

	cr_expect(tp_has(UP(p), "DROP COLUMN \"c\""), "%s", UP(p));
	cr_expect(tp_has(UP(p), "DROP INDEX \"ic\""), "%s", UP(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, rename_column_both_ways)
{
	static const retort_rename r[] = { { "t", "a", "alpha" } };
	retort_plan *p = run_renamed(
		T_FROM "CREATE INDEX ia ON t(a);",
		"CREATE TABLE t(id INTEGER PRIMARY KEY, alpha TEXT, b BLOB, "
		"c REAL, d INT); CREATE INDEX ia ON t(alpha);",
		T_FILL, r, 1);

	cr_expect(
		tp_has(UP(p), "RENAME COLUMN \"a\" TO \"alpha\""), "%s", UP(p));
	cr_expect(
		tp_has(DOWN(p), "RENAME COLUMN \"alpha\" TO \"a\""), "%s",
		DOWN(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, rename_table_and_column)
{
	static const retort_rename r[] = { { NULL, "t", "t2" },
					   { "t2", "a", "alpha" } };
	retort_plan *p = run_renamed(
		T_FROM,
		"CREATE TABLE t2(id INTEGER PRIMARY KEY, alpha TEXT, b BLOB, "
		"c REAL, d TEXT);",
		T_FILL, r, 2);

	cr_expect(
		tp_has(UP(p), "RENAME COLUMN \"a\" TO \"alpha\""), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, alter_column_type)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB, "
		"c REAL, d NUMERIC);",
		T_FILL);

	cr_expect(
		tp_has(UP(p), "INSERT OR ABORT INTO \"retort_new_t\""), "%s",
		UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, alter_column_default_and_collate)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE "
		"NOCASE DEFAULT 'q', b BLOB, c REAL DEFAULT (1.5), d INT);",
		T_FILL);

	retort_plan_free(p);
}

Test(emit_plan_e2e, alter_column_not_null)
{
	retort_plan *p = run_case(
		T_FROM,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b BLOB, "
		"c REAL, d INT NOT NULL ON CONFLICT REPLACE DEFAULT 0);",
		"INSERT INTO t VALUES (1, NULL, NULL, NULL, 5);");

	cr_expect(tp_has(UP(p), "-- WARNING:"), "%s", UP(p));
	cr_expect(retort_plan_nwarnings(p) >= 1);
	retort_plan_free(p);
}

Test(emit_plan_e2e, not_null_refused_by_null_rows)
{
	/* ON CONFLICT REPLACE must not invent the default for old rows */
	run_refused(
		T_FROM,
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL ON "
		"CONFLICT REPLACE DEFAULT 'x', b BLOB, c REAL, d INT);",
		T_FILL, "NOT NULL");
}

Test(emit_plan_e2e, new_not_null_column_refused_by_rows)
{
	run_refused(
		T_FROM, "CREATE TABLE t(" T_COLS ", e TEXT NOT NULL);", T_FILL,
		"NOT NULL");
}

Test(emit_plan_e2e, new_not_null_column_on_empty_table)
{
	retort_plan *p = run_case(
		T_FROM, "CREATE TABLE t(" T_COLS ", e TEXT NOT NULL);", NULL);

	cr_expect(
		tp_has(UP(p), "-- WARNING: new NOT NULL column"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, add_and_drop_check)
{
	retort_plan *p = run_case(
		T_FROM, "CREATE TABLE t(" T_COLS ", CHECK (id > 0));", T_FILL);

	cr_expect(tp_has(UP(p), "-- WARNING: new CHECK"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, check_refused_by_rows)
{
	run_refused(
		T_FROM,
		"CREATE TABLE t(" T_COLS ", CONSTRAINT pos CHECK (id > 3));",
		T_FILL, "CHECK constraint failed");
}

Test(emit_plan_e2e, add_and_drop_unique)
{
	retort_plan *p = run_case(
		T_FROM "CREATE TABLE u(x, y, UNIQUE (x));",
		"CREATE TABLE t(" T_COLS ", UNIQUE (a, d));"
		"CREATE TABLE u(x, y);",
		T_FILL "INSERT INTO u VALUES (1, 1), (2, 1);");

	retort_plan_free(p);
}

Test(emit_plan_e2e, unique_refused_by_duplicates)
{
	/* ON CONFLICT IGNORE must not drop the duplicate rows */
	run_refused(
		T_FROM "INSERT INTO t(id, d) VALUES (7, 0);",
		"CREATE TABLE t(" T_COLS ", UNIQUE (d) ON CONFLICT IGNORE);",
		T_FILL, "UNIQUE constraint failed");
}

Test(emit_plan_e2e, unique_index_refused_by_duplicates)
{
	run_refused(
		T_FROM "INSERT INTO t(id, d) VALUES (7, 0);",
		T_FROM "CREATE UNIQUE INDEX ud ON t(d);", T_FILL,
		"UNIQUE constraint failed");
}

Test(emit_plan_e2e, add_and_drop_foreign_key)
{
	retort_plan *p = run_case(
		T_FROM "CREATE TABLE p(k INTEGER PRIMARY KEY, v);"
		       "CREATE TABLE q(k, FOREIGN KEY (k) REFERENCES p(k));",
		"CREATE TABLE t(" T_COLS ", FOREIGN KEY (d) REFERENCES p(k) "
		"DEFERRABLE INITIALLY DEFERRED);"
		"CREATE TABLE p(k INTEGER PRIMARY KEY, v);"
		"CREATE TABLE q(k);",
		"INSERT INTO p VALUES (0, 'zero'), (7, 'x');"
		"INSERT INTO t VALUES (1, 'a', NULL, NULL, 0), (2, NULL, NULL, "
		"NULL, NULL);"
		"INSERT INTO q VALUES (7);");

	cr_expect(tp_has(UP(p), "-- WARNING: new foreign key"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, foreign_key_refused_by_dangling_rows)
{
	run_refused(
		T_FROM "CREATE TABLE p(k INTEGER PRIMARY KEY);",
		"CREATE TABLE t(" T_COLS ", FOREIGN KEY (d) REFERENCES p(k));"
		"CREATE TABLE p(k INTEGER PRIMARY KEY);",
		T_FILL, "foreign_key_check");
}

Test(emit_plan_e2e, alter_primary_key)
{
	retort_plan *p = run_case(
		"CREATE TABLE k(a INT, b TEXT, c, PRIMARY KEY (a));",
		"CREATE TABLE k(a INT, b TEXT, c, PRIMARY KEY (a, b));",
		"INSERT INTO k VALUES (1, 'x', x'01'), (2, NULL, 2.5);");

	retort_plan_free(p);
}

Test(emit_plan_e2e, table_options)
{
	retort_plan *p = run_case(
		"CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER, n ANY);",
		"CREATE TABLE w(k TEXT PRIMARY KEY NOT NULL, v INTEGER, n ANY) "
		"WITHOUT ROWID, STRICT;",
		"INSERT INTO w VALUES ('a', 1, x'00'), ('ü', NULL, 1.5), "
		"('c', -9223372036854775808, 'txt');");

	cr_expect(tp_has(UP(p), "WITHOUT ROWID"), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, strict_refused_by_values)
{
	run_refused(
		"CREATE TABLE s(k INTEGER PRIMARY KEY, v INTEGER);",
		"CREATE TABLE s(k INTEGER PRIMARY KEY, v INTEGER) STRICT;",
		"INSERT INTO s VALUES (1, 'not a number');", "cannot store");
}

Test(emit_plan_e2e, indexes)
{
	retort_plan *p = run_case(
		T_FROM "CREATE INDEX ia ON t(a); CREATE INDEX ib ON t(b);",
		T_FROM "CREATE INDEX ia ON t(a DESC, d) WHERE d > 0;"
		       "CREATE INDEX ie ON t(lower(a) COLLATE NOCASE);"
		       "CREATE UNIQUE INDEX iu ON t(id, a);",
		T_FILL);

	cr_expect(tp_has(UP(p), "DROP INDEX \"ib\""), "%s", UP(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, views_and_triggers)
{
	retort_plan *p = run_case(
		T_FROM "CREATE VIEW v1 AS SELECT id FROM t;"
		       "CREATE VIEW gone AS SELECT 1;"
		       "CREATE TABLE log(x);"
		       "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
		       "INSERT INTO log VALUES ('a;b'); END;",
		T_FROM "CREATE VIEW v1 AS SELECT id, a FROM t;"
		       "CREATE VIEW v2 AS SELECT * FROM v1 WHERE id > 2;"
		       "CREATE TABLE log(x);"
		       "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
		       "INSERT INTO log VALUES ('c;d'); INSERT INTO log "
		       "VALUES (new.id); END;"
		       "CREATE TRIGGER tv INSTEAD OF INSERT ON v1 BEGIN "
		       "INSERT INTO t(id) VALUES (new.id); END;",
		T_FILL);

	cr_expect(tp_has(UP(p), "DROP VIEW \"gone\""), "%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, virtual_tables)
{
	retort_plan *p = run_case(
		T_FROM "CREATE VIRTUAL TABLE f USING fts5(body);",
		T_FROM "CREATE VIRTUAL TABLE f USING fts5(body, title);"
		       "CREATE VIRTUAL TABLE g USING fts5(x);",
		T_FILL "INSERT INTO f VALUES ('hello');");

	cr_expect(
		tp_has(UP(p), "-- DESTRUCTIVE: re-creates a virtual table"),
		"%s", UP(p));
	retort_plan_free(p);
}

Test(emit_plan_e2e, constraint_alters_for_3_53)
{
	retort_schema *f = tp_schema(
		"CREATE TABLE t(a INT, b TEXT, CONSTRAINT old CHECK (a > 0));");
	retort_schema *t = tp_schema(
		"CREATE TABLE t(a INT NOT NULL, b TEXT, CONSTRAINT nw CHECK "
		"(b <> ''));");
	retort_emit_options o = RETORT_EMIT_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;
	retort_plan *p = NULL;

	cr_assert_eq(retort_diff_compare(&d, f, t, NULL, &err), RETORT_OK);
	o.sqlite_version = 3053000;
	/* SQL for a newer library cannot be verified with ours */
	cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_EINVAL);
	cr_expect(tp_has(err.why, "cannot verify"), "%s", err.why);
	cr_expect_null(p);
	o.verify = 0;
	cr_assert_eq(retort_emit_plan(&p, d, &o, &err), RETORT_OK);
	cr_expect(
		tp_has(UP(p), "ALTER TABLE \"t\" DROP CONSTRAINT \"old\""),
		"%s", UP(p));
	cr_expect(tp_has(UP(p), "ADD CONSTRAINT \"nw\" CHECK"), "%s", UP(p));
	cr_expect(
		tp_has(UP(p), "ALTER COLUMN \"a\" SET NOT NULL"), "%s", UP(p));
	cr_expect(
		tp_has(DOWN(p), "ALTER COLUMN \"a\" DROP NOT NULL"), "%s",
		DOWN(p));
	cr_expect(!tp_has(UP(p), "retort_new_"), "rebuilt: %s", UP(p));
	retort_plan_free(p);
	/* the library we ship with rebuilds instead */
	o.sqlite_version = 0;
	o.verify = 1;
	cr_assert_eq(
		retort_emit_plan(&p, d, &o, &err), RETORT_OK, "%s", err.why);
	cr_expect(tp_has(UP(p), "retort_new_t"), "%s", UP(p));
	cr_expect(!tp_has(UP(p), "CONSTRAINT \"old\""), "%s", UP(p));
	retort_plan_free(p);
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
}

Test(emit_plan_e2e, old_sqlite_version_refused)
{
	retort_schema *s = tp_schema(T_FROM);
	retort_emit_options o = RETORT_EMIT_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;
	retort_plan *p = NULL;

	cr_assert_eq(retort_diff_compare(&d, s, s, NULL, &err), RETORT_OK);
	o.sqlite_version = 3034001;
	cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(err.what, "sqlite_version");
	cr_expect(tp_has(err.why, "3.35.0"), "%s", err.why);
	cr_expect_null(p);
	o.version = 99;
	o.sqlite_version = 0;
	cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_EINVAL);
	retort_diff_free(d);
	retort_schema_free(s);
}
