/*
** test_introspect_sandbox.c -- the hardened :memory: database and SQL
** scripts.  Groups: introspect_sandbox (hardening, the authorizer: what
** is refused and that no file is touched), introspect_script (statement
** by statement execution, file:line errors, text checks).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "introspect.h"
#include "sandbox_int.h"

static char tmpdir[64];
static sqlite3 *db;

static void setup(void)
{
	retort_error err = RETORT_ERROR_INIT;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/retort-sbXXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	cr_assert_eq(retort__sandbox_open(&db, &err), RETORT_OK, "%s", err.why);
}

static void teardown(void)
{
	sqlite3_close(db);
	db = NULL;
	rmdir(tmpdir); /* fails (and shows) if a test left a file behind */
}

TestSuite(introspect_sandbox, .init = setup, .fini = teardown);
TestSuite(introspect_script, .init = setup, .fini = teardown);

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Run SQL in the sandbox, expecting CODE; returns the error record. */
static retort_error run(const char *sql, int code)
{
	retort_error err = RETORT_ERROR_INIT;
	int rc = retort__exec_script(db, sql, "model.sql", &err);

	cr_assert_eq(
		rc, code, "%s: got %d (%s: %s)", sql, rc, err.what, err.why);
	return err;
}

static int db_config(int op)
{
	int v = -1;

	sqlite3_db_config(db, op, -1, &v);
	return v;
}

Test(introspect_sandbox, is_hardened)
{
	cr_expect_eq(db_config(SQLITE_DBCONFIG_DEFENSIVE), 1);
	cr_expect_eq(db_config(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION), 0);
	cr_expect_str_eq(sqlite3_db_filename(db, "main"), "");
}

Test(introspect_sandbox, attach_refused_and_no_file_made)
{
	char path[128], sql[256];
	retort_error err;

	snprintf(path, sizeof(path), "%s/x.db", tmpdir);
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS x;", path);
	err = run(sql, RETORT_EUNSAFE);
	cr_expect_str_eq(err.what, "model.sql:1");
	cr_expect_str_eq(
		err.why,
		"ATTACH is not allowed in a schema model: it could read or write files");
	cr_expect_not(exists(path), "ATTACH created %s", path);
	snprintf(sql, sizeof(sql), "ATTACH 'file:%s?mode=rwc' AS x;", path);
	run(sql, RETORT_EUNSAFE);
	cr_expect_not(exists(path));
}

Test(introspect_sandbox, attach_memory_refused_too)
{
	retort_error err =
		run("CREATE TABLE t(a);\n\nATTACH ':memory:' AS m;",
		    RETORT_EUNSAFE);

	cr_expect_str_eq(err.what, "model.sql:3");
	cr_expect(strstr(err.why, "ATTACH is not allowed"));
}

Test(introspect_sandbox, detach_refused)
{
	retort_error err = run("DETACH temp;", RETORT_EUNSAFE);

	cr_expect(strstr(err.why, "DETACH is not allowed in a schema model"));
}

Test(introspect_sandbox, vacuum_into_refused_and_no_file_made)
{
	char path[128], sql[256];
	retort_error err;

	snprintf(path, sizeof(path), "%s/copy.db", tmpdir);
	snprintf(
		sql, sizeof(sql), "CREATE TABLE t(a); VACUUM INTO '%s';", path);
	err = run(sql, RETORT_EUNSAFE);
	cr_expect_str_eq(
		err.why,
		"VACUUM is not allowed in a schema model: VACUUM INTO could write a file");
	cr_expect_not(exists(path), "VACUUM INTO created %s", path);
}

Test(introspect_sandbox, load_extension_refused)
{
	retort_error err =
		run("SELECT load_extension('/tmp/evil.so');", RETORT_EUNSAFE);

	cr_expect_str_eq(
		err.why,
		"load_extension() is not allowed in a schema model: it could load native code");
}

Test(introspect_sandbox, load_extension_in_trigger_refused)
{
	retort_error err =
		run("CREATE TABLE t(a);\n"
		    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
		    "  SELECT load_extension('/tmp/evil.so');\n"
		    "END;\n"
		    "INSERT INTO t VALUES (1);\n",
		    RETORT_EUNSAFE);

	cr_expect_str_eq(err.what, "model.sql:5");
	cr_expect(strstr(err.why, "load_extension() is not allowed"));
}

Test(introspect_sandbox, fts3_tokenizer_refused)
{
	retort_error err =
		run("SELECT fts3_tokenizer('simple');", RETORT_EUNSAFE);

	cr_expect(strstr(err.why, "fts3_tokenizer() is not allowed"));
}

Test(introspect_sandbox, harmless_pragmas_allowed)
{
	sqlite3_stmt *st;

	run("PRAGMA foreign_keys=ON;\n"
	    "pragma Recursive_Triggers = 1;\n"
	    "PRAGMA user_version = 7;\n"
	    "PRAGMA application_id = 0x63616c69;\n"
	    "PRAGMA journal_mode = WAL;\n"
	    "PRAGMA synchronous = OFF;\n"
	    "PRAGMA case_sensitive_like = 0;\n"
	    "PRAGMA encoding = 'UTF-8';\n"
	    "PRAGMA schema_version;\n"
	    "PRAGMA temp_store;\n",
	    RETORT_OK);
	cr_assert_eq(
		sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL),
		SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
}

Test(introspect_sandbox, dangerous_pragmas_refused)
{
	char path[128], sql[256];
	retort_error err;

	snprintf(path, sizeof(path), "%s/t", tmpdir);
	snprintf(sql, sizeof(sql), "PRAGMA temp_store_directory = '%s';", path);
	err = run(sql, RETORT_EUNSAFE);
	cr_expect_str_eq(
		err.why,
		"PRAGMA temp_store_directory is not allowed in a schema model: only pragmas that cannot touch files are");
	err = run("PRAGMA writable_schema = ON;", RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "setting PRAGMA writable_schema is not"));
	err = run("PRAGMA temp_store = FILE;", RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "setting PRAGMA temp_store is not"));
	err = run("PRAGMA trusted_schema = 1;", RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "setting PRAGMA trusted_schema is not"));
	run("PRAGMA hard_heap_limit = 1;", RETORT_EUNSAFE);
}

Test(introspect_sandbox, temp_objects_stay_in_memory)
{
	run("CREATE TEMP TABLE tt(a); INSERT INTO tt VALUES (1);\n"
	    "CREATE INDEX temp.ti ON tt(a);",
	    RETORT_OK);
}

Test(introspect_sandbox, defensive_blocks_shadow_table_writes)
{
	retort_error err =
		run("CREATE VIRTUAL TABLE f USING fts5(x);\n"
		    "INSERT INTO f_data VALUES (99, x'00');",
		    RETORT_ESQLITE);

	cr_expect_str_eq(err.what, "model.sql:2");
	cr_expect(strstr(err.why, "may not be modified"), "%s", err.why);
}

Test(introspect_script, runs_statement_by_statement)
{
	sqlite3_stmt *st;

	run("-- a model\n"
	    "CREATE TABLE a(x INTEGER PRIMARY KEY, y TEXT);  /* c */\n"
	    ";;\n"
	    "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n"
	    "  UPDATE a SET y = 'z;' WHERE x = new.x;\n"
	    "END;\n"
	    "INSERT INTO a(x) VALUES (1);\n"
	    "SELECT * FROM a;\n"
	    "-- trailing comment without newline",
	    RETORT_OK);
	cr_assert_eq(
		sqlite3_prepare_v2(db, "SELECT y FROM a", -1, &st, NULL),
		SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "z;");
	sqlite3_finalize(st);
}

Test(introspect_script, empty_script_is_fine)
{
	run("", RETORT_OK);
	run("  \n-- nothing\n/* at all */\n", RETORT_OK);
	run("\xef\xbb\xbf CREATE TABLE bom(a);", RETORT_OK);
}

Test(introspect_script, syntax_error_names_line_and_message)
{
	retort_error err =
		run("CREATE TABLE a(x);\n"
		    "\n"
		    "/* comment\n   spanning lines */\n"
		    "  CREATE TABLE b(x,\n"
		    "     y z w v,);\n",
		    RETORT_ESQLITE);

	cr_expect_str_eq(err.what, "model.sql:5");
	cr_expect_str_eq(err.why, "near \")\": syntax error");
	cr_expect_eq(err.sqlite_rc, SQLITE_ERROR);
}

Test(introspect_script, runtime_error_names_line)
{
	retort_error err =
		run("CREATE TABLE a(x NOT NULL);\r\n"
		    "INSERT INTO a VALUES (1);\r\n"
		    "INSERT INTO a VALUES (NULL);\r\n",
		    RETORT_ESQLITE);

	cr_expect_str_eq(err.what, "model.sql:3");
	cr_expect_str_eq(err.why, "NOT NULL constraint failed: a.x");
	cr_expect_eq(err.sqlite_rc, SQLITE_CONSTRAINT_NOTNULL);
}

Test(introspect_script, duplicate_table_is_an_error)
{
	retort_error err =
		run("CREATE TABLE a(x);\nCREATE TABLE a(y);\n", RETORT_ESQLITE);

	cr_expect_str_eq(err.what, "model.sql:2");
	cr_expect_str_eq(err.why, "table a already exists");
}

Test(introspect_script, invalid_utf8_is_not_sql)
{
	retort_error err = run("CREATE TABLE \xff\xfe(a);", RETORT_EINVAL);

	cr_expect_str_eq(err.what, "model.sql");
	cr_expect_str_eq(err.why, "not a SQL text file: it is not valid UTF-8");
}

Test(introspect_script, text_check)
{
	retort_error err = RETORT_ERROR_INIT;

	cr_expect(retort__is_sql_text(
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
	cr_expect_not(retort__is_sql_text("\xc0\xaf", 2));     /* overlong */
	cr_expect_not(retort__is_sql_text("\xed\xa0\x80", 3)); /* surrogate */
	cr_expect_not(retort__is_sql_text("\xf4\x90\x80\x80", 4));
	cr_expect_not(retort__is_sql_text("\xe2\x82", 2)); /* truncated */
	cr_expect_not(retort__is_sql_text("a\0b", 3));
	cr_expect_eq(
		retort__check_sql_text("SELECT 1;\0\0", 11, "x.sql", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.why, "not a SQL text file: it holds NUL bytes");
	cr_expect_str_eq(err.what, "x.sql");
}
