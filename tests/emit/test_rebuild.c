/*
** test_rebuild.c -- the table rebuild against the pitfalls of
** SQLITE-FACTS §5, each with rows in the tables: views that read the
** table, triggers (bodies with ';'), incoming foreign keys with ON DELETE
** CASCADE children on a connection that enforces them, outgoing and
** self-referencing foreign keys, AUTOINCREMENT high-water marks, WITHOUT
** ROWID, STRICT, generated columns, rowids, hostile identifiers; and the
** script run by the real sqlite3 shell, where a failure leaves no trace.
** Groups: emit_rebuild.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "test_plan_support.h"

/* Run FROM -> TO on FILL, both ways; R keeps the result. */
static void
run_ok(tp_result *r, const char *from, const char *to, const char *fill)
{
	tp_case c = { from, to, fill, NULL, 0, false, false };

	tp_run(&c, r);
}

/* Run FROM -> TO on FILL, the upgrade only. */
static void
run_up(tp_result *r, const char *from, const char *to, const char *fill)
{
	tp_case c = { from, to, fill, NULL, 0, true, false };

	tp_run(&c, r);
}

/* SQL's result in R's database equals WANT. */
static void expect_query(tp_result *r, const char *sql, const char *want)
{
	char *got = tp_query(r->db, sql);

	cr_expect_str_eq(got, want, "%s\ngot:\n%s", sql, got);
	free(got);
}

#define P_TABLE "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT);"
#define C_TABLE                                                                \
 "CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id) "        \
 "ON DELETE CASCADE, note TEXT);"
#define PC_FILL                                                                \
 "INSERT INTO p VALUES (1, 'one'), (2, 'two');"                                \
 "INSERT INTO c VALUES (10, 1, 'a'), (11, 2, 'b'), (12, NULL, 'c');"           \
 "PRAGMA foreign_keys=ON;"

Test(emit_rebuild, cascading_children_survive_parent_rebuild)
{
	tp_result r;

	/* the connection enforces foreign keys (PC_FILL ends with it): the
	 * script must switch them off before BEGIN or DROP TABLE p would
	 * cascade into c */
	run_ok(&r, P_TABLE C_TABLE,
	       "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT NOT NULL "
	       "DEFAULT '', extra BLOB, CHECK (id > 0));" C_TABLE,
	       "INSERT INTO p VALUES (1, 'one'), (2, 'two');"
	       "INSERT INTO c VALUES (10, 1, 'a'), (11, 2, 'b'), (12, NULL, "
	       "'c');"
	       "PRAGMA foreign_keys=ON;");
	cr_expect(tp_has(retort_plan_upgrade(r.plan), "retort_new_p"));
	cr_expect(
		tp_has(retort_plan_upgrade(r.plan),
		       "PRAGMA foreign_keys=OFF;\nBEGIN;"));
	expect_query(
		&r, "SELECT id, pid FROM c ORDER BY id", "10|1\n11|2\n12|\n");
	/* enforcement is back on, and the children still cascade */
	expect_query(&r, "PRAGMA foreign_keys", "1\n");
	tp_exec(r.db, "DELETE FROM p WHERE id = 1", &r.errmsg);
	expect_query(&r, "SELECT id FROM c ORDER BY id", "11\n12\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, child_rebuild_keeps_outgoing_keys)
{
	tp_result r;

	run_ok(&r, P_TABLE C_TABLE,
	       P_TABLE "CREATE TABLE c(id INTEGER PRIMARY KEY, note TEXT, "
		       "pid INTEGER REFERENCES p(id) ON DELETE CASCADE);",
	       PC_FILL);
	expect_query(
		&r, "SELECT id, pid, note FROM c ORDER BY id",
		"10|1|a\n11|2|b\n12||c\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, self_referencing_key)
{
	tp_result r;

	run_ok(&r,
	       "CREATE TABLE n(id INTEGER PRIMARY KEY, up INTEGER REFERENCES "
	       "n(id) ON DELETE CASCADE);",
	       "CREATE TABLE n(id INTEGER PRIMARY KEY, label TEXT DEFAULT "
	       "'-', up INTEGER REFERENCES n(id) ON DELETE CASCADE);",
	       "INSERT INTO n VALUES (1, NULL), (2, 1), (3, 2);"
	       "PRAGMA foreign_keys=ON;");
	expect_query(&r, "SELECT id, up FROM n ORDER BY id", "1|\n2|1\n3|2\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, dependent_views_and_triggers)
{
	static const char *from =
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INT);"
		"CREATE TABLE log(what TEXT);"
		"CREATE VIEW v AS SELECT id, a FROM t;"
		"CREATE VIEW vv AS SELECT a FROM v WHERE id > 1;"
		"CREATE VIEW unrelated AS SELECT 1 AS one;"
		"CREATE TRIGGER on_t AFTER INSERT ON t BEGIN "
		" INSERT INTO log VALUES ('x;y'); INSERT INTO log VALUES "
		" (new.a || ';'); END;"
		"CREATE TRIGGER on_log AFTER INSERT ON log WHEN new.what = 'z' "
		"BEGIN UPDATE t SET b = b + 1; END;";
	static const char *to =
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT);"
		"CREATE TABLE log(what TEXT);"
		"CREATE VIEW v AS SELECT id, a FROM t;"
		"CREATE VIEW vv AS SELECT a FROM v WHERE id > 1;"
		"CREATE VIEW unrelated AS SELECT 1 AS one;"
		"CREATE TRIGGER on_t AFTER INSERT ON t BEGIN "
		" INSERT INTO log VALUES ('x;y'); INSERT INTO log VALUES "
		" (new.a || ';'); END;"
		"CREATE TRIGGER on_log AFTER INSERT ON log WHEN new.what = 'z' "
		"BEGIN UPDATE t SET b = b + 1; END;";
	tp_result r;

	run_ok(&r, from, to,
	       "INSERT INTO t VALUES (1, 'p', 1), (2, 'q', 2);"
	       "INSERT INTO log VALUES ('keep');");
	cr_expect(tp_has(retort_plan_upgrade(r.plan), "DROP VIEW \"v\""));
	cr_expect(tp_has(retort_plan_upgrade(r.plan), "DROP VIEW \"vv\""));
	cr_expect(!tp_has(retort_plan_upgrade(r.plan), "\"unrelated\""));
	cr_expect(
		tp_has(retort_plan_upgrade(r.plan), "DROP TRIGGER \"on_log\""));
	/* the copies fired no trigger; the triggers work after the round
	 * trip */
	tp_exec(r.db, "INSERT INTO t(id, a) VALUES (3, 'r')", &r.errmsg);
	expect_query(
		&r, "SELECT what FROM log ORDER BY rowid",
		"x;y\np;\nx;y\nq;\nkeep\nx;y\nr;\n");
	expect_query(&r, "SELECT * FROM vv", "q\nr\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, autoincrement_high_water_mark)
{
	tp_result r;

	run_up(&r,
	       "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);",
	       "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT "
	       "NOT NULL DEFAULT 'x', w INT, CHECK (id > 0));",
	       "INSERT INTO a(v) VALUES ('1'), ('2'), ('3'), ('4'), ('5');"
	       "DELETE FROM a WHERE id > 2;");
	expect_query(
		&r, "SELECT seq FROM sqlite_sequence WHERE name = 'a'", "5\n");
	tp_exec(r.db, "INSERT INTO a(v) VALUES ('new')", &r.errmsg);
	expect_query(&r, "SELECT max(id) FROM a", "6\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, autoincrement_on_an_empty_table)
{
	tp_result r;

	run_up(&r,
	       "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);",
	       "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v INT);",
	       "INSERT INTO a(v) VALUES ('1'), ('2'), ('3'); DELETE FROM a;");
	expect_query(&r, "SELECT seq FROM sqlite_sequence", "3\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, rowids_are_kept)
{
	tp_result r;

	run_ok(&r, "CREATE TABLE t(a TEXT, b INT);",
	       "CREATE TABLE t(b INT, a TEXT);",
	       "INSERT INTO t(rowid, a, b) VALUES (7, 'x', 1), (100, 'y', 2),"
	       "(-5, NULL, NULL);");
	expect_query(
		&r, "SELECT rowid, a, b FROM t ORDER BY rowid",
		"-5||\n7|x|1\n100|y|2\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, without_rowid_and_strict)
{
	tp_result r;

	run_ok(&r,
	       "CREATE TABLE w(x TEXT NOT NULL, k INTEGER PRIMARY KEY, v ANY) "
	       "WITHOUT ROWID;",
	       "CREATE TABLE w(x TEXT NOT NULL, k INTEGER PRIMARY KEY, v ANY, "
	       "z INTEGER) WITHOUT ROWID, STRICT;",
	       "INSERT INTO w VALUES ('a', 1, x'00'), ('ü', 2, 2.5), ('c', 3, "
	       "'t');");
	expect_query(
		&r, "SELECT k, x, quote(v) FROM w ORDER BY k",
		"1|a|X'00'\n2|ü|2.5\n3|c|'t'\n");
	tp_result_dispose(&r);
}

Test(emit_rebuild, generated_columns)
{
	tp_result r;

	run_ok(&r,
	       "CREATE TABLE g(a INT, b INT, s AS (a + b) STORED, v AS (a * b));",
	       "CREATE TABLE g(a INT, b INT NOT NULL DEFAULT 0, s AS (a - b) "
	       "STORED, v AS (a * b), w AS (a || 'x') VIRTUAL);",
	       "INSERT INTO g(a, b) VALUES (1, 2), (3, 4), (NULL, 5);");
	expect_query(
		&r, "SELECT a, b, s, v FROM g ORDER BY rowid",
		"1|2|3|2\n3|4|7|12\n|5||\n");
	tp_result_dispose(&r);
}

#define HOSTILE_FROM                                                           \
 "CREATE TABLE \"order\"(\"a b\" INTEGER PRIMARY KEY, \"we\"\"ird\" TEXT, "    \
 "\"ünï\" INT, [select] TEXT);"                                              \
 "CREATE INDEX \"idx \"\"q\"\"\" ON \"order\"(\"ünï\");"                     \
 "CREATE TABLE \"child;\"(\"x\" REFERENCES \"order\"(\"a b\") ON DELETE "      \
 "CASCADE);"                                                                   \
 "CREATE VIEW \"v'iew\" AS SELECT \"we\"\"ird\" FROM \"order\";"               \
 "CREATE TRIGGER \"t r\" AFTER UPDATE ON \"order\" BEGIN UPDATE "              \
 "\"child;\" SET x = x WHERE 0; END;"

Test(emit_rebuild, hostile_identifiers)
{
	static const retort_rename rn[] = { { NULL, "order", "group by" },
					    { "group by", "ünï", "ÜNÏ 2" } };
	tp_case c = {
		HOSTILE_FROM,
		"CREATE TABLE \"group by\"(\"a b\" INTEGER PRIMARY KEY, "
		"\"we\"\"ird\" TEXT NOT NULL DEFAULT '\"', \"ÜNÏ 2\" INT, "
		"[select] TEXT, \"new\nline\" TEXT);"
		"CREATE INDEX \"idx \"\"q\"\"\" ON \"group by\"(\"ÜNÏ 2\");"
		"CREATE TABLE \"child;\"(\"x\" REFERENCES \"group by\"(\"a b\") "
		"ON DELETE CASCADE);"
		"CREATE VIEW \"v'iew\" AS SELECT \"we\"\"ird\" FROM \"group by\";"
		"CREATE TRIGGER \"t r\" AFTER UPDATE ON \"group by\" BEGIN "
		"UPDATE \"child;\" SET x = x WHERE 0; END;",
		"INSERT INTO \"order\" VALUES (1, 'x', 2, 's'), (2, '', NULL, "
		"NULL);"
		"INSERT INTO \"child;\" VALUES (1), (2);"
		"PRAGMA foreign_keys=ON;",
		rn,
		2,
		false,
		false
	};
	tp_result r;

	tp_run(&c, &r);
	cr_expect(tp_has(retort_plan_upgrade(r.plan), "\"we\"\"ird\""));
	/* a line break in a name cannot end a comment early */
	cr_expect(
		!tp_has(retort_plan_upgrade(r.plan), "-- DESTRUCTIVE: new\n"));
	tp_result_dispose(&r);
}

/* Write SQL to DIR/NAME and run `sqlite3 DB < file`; the exit status. */
static int shell(const char *dir, const char *db, const char *sql)
{
	char cmd[4096];
	char *file = strdup(path_in(dir, "script.sql"));
	int st;

	file_write(file, sql, strlen(sql));
	snprintf(
		cmd, sizeof(cmd), "sqlite3 '%s' < '%s' >/dev/null 2>&1",
		path_in(dir, db), file);
	free(file);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Open DIR/NAME. */
static sqlite3 *open_file(const char *dir, const char *name)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(path_in(dir, name), &db), SQLITE_OK);
	return db;
}

Test(emit_rebuild, sqlite3_shell_applies_both_ways)
{
	retort_plan *p =
		tp_plan(P_TABLE C_TABLE,
			"CREATE TABLE p(id INTEGER PRIMARY KEY, name "
			"TEXT, z INT DEFAULT 3, UNIQUE (name));" C_TABLE,
			NULL, 0);
	char *dir = tmpdir_new();
	sqlite3 *db = open_file(dir, "t.db");
	char *msg = NULL;
	tp_result r = { NULL, NULL, NULL };

	cr_assert_eq(tp_exec(db, P_TABLE C_TABLE PC_FILL, &msg), SQLITE_OK);
	sqlite3_close(db);
	cr_expect_eq(shell(dir, "t.db", retort_plan_upgrade(p)), 0);
	r.db = open_file(dir, "t.db");
	expect_query(
		&r, "SELECT id, pid FROM c ORDER BY id", "10|1\n11|2\n12|\n");
	expect_query(&r, "SELECT z FROM p ORDER BY id", "3\n3\n");
	tp_expect_integrity(r.db);
	sqlite3_close(r.db);
	cr_expect_eq(shell(dir, "t.db", retort_plan_downgrade(p)), 0);
	r.db = open_file(dir, "t.db");
	expect_query(&r, "SELECT * FROM p ORDER BY id", "1|one\n2|two\n");
	sqlite3_close(r.db);
	retort_plan_free(p);
	tmpdir_free(dir);
}

Test(emit_rebuild, sqlite3_shell_failure_leaves_no_trace)
{
	/* the shell goes on after a failed statement; the guard at the end
	 * must roll back the DROP and RENAME that followed the failed copy */
	static const char *from = "CREATE TABLE t(id INTEGER PRIMARY KEY, a);"
				  "CREATE VIEW v AS SELECT a FROM t;";
	retort_plan *p =
		tp_plan(from,
			"CREATE TABLE t(id INTEGER PRIMARY KEY, a NOT "
			"NULL, b DEFAULT 1);"
			"CREATE VIEW v AS SELECT a FROM t;",
			NULL, 0);
	char *dir = tmpdir_new();
	sqlite3 *db = open_file(dir, "t.db");
	retort_schema *want = tp_schema(from), *got;
	char *msg = NULL;
	tp_result r = { NULL, NULL, NULL };

	cr_assert_eq(
		tp_exec(db,
			"CREATE TABLE t(id INTEGER PRIMARY KEY, a);"
			"CREATE VIEW v AS SELECT a FROM t;"
			"INSERT INTO t VALUES (1, 'x'), (2, NULL);",
			&msg),
		SQLITE_OK);
	sqlite3_close(db);
	cr_expect_neq(shell(dir, "t.db", retort_plan_upgrade(p)), 0);
	r.db = open_file(dir, "t.db");
	got = tp_schema_of(r.db);
	cr_expect_eq(tp_ndiff(got, want), 0, "the failed upgrade changed it");
	expect_query(&r, "SELECT id, a FROM t ORDER BY id", "1|x\n2|\n");
	expect_query(
		&r,
		"SELECT count(*) FROM sqlite_master WHERE name LIKE "
		"'retort%'",
		"0\n");
	retort_schema_free(got);
	retort_schema_free(want);
	sqlite3_close(r.db);
	retort_plan_free(p);
	tmpdir_free(dir);
}
