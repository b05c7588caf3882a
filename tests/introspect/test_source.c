/*
** test_source.c -- retort_schema_load(): every schema source of SPEC §1,
** told apart by content, and every bad input of issue 2.
** Groups: source_kinds (database file, URLs, .sql file and folder, JSON,
** stdin), source_bad (missing, binary, truncated, corrupt, locked,
** failing and unsafe SQL, empty input, out of memory).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_int.h"
#include "retort.h"
#include "run.h"

static char *dir;

static void setup(void)
{
	dir = tmpdir_new();
}

static void teardown(void)
{
	tmpdir_free(dir);
	dir = NULL;
}

TestSuite(source_kinds, .init = setup, .fini = teardown);
TestSuite(source_bad, .init = setup, .fini = teardown);

static const char schema_sql[] =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
	"CREATE INDEX users_email ON users (email);\n"
	"CREATE VIEW emails AS SELECT email FROM users;\n";

/* DIR/NAME as a new string (from malloc). */
static char *in_dir(const char *name)
{
	return strdup(path_in(dir, name));
}

/* Load SOURCE, expecting success; returns the schema. */
static retort_schema *load_ok(const char *source)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;
	int rc = retort_schema_load(&s, source, NULL, &err);

	cr_assert_eq(rc, RETORT_OK, "%s: %s: %s", source, err.what, err.why);
	cr_assert_not_null(s);
	return s;
}

/* Load SOURCE with OPTS, expecting CODE; returns the error record. */
static retort_error
load_fail(const char *source, const retort_load_options *opts, int code)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = (retort_schema *)&err;
	int rc = retort_schema_load(&s, source, opts, &err);

	cr_assert_eq(
		rc, code, "%s: got %d (%s: %s)", source, rc, err.what, err.why);
	cr_expect_eq(err.code, code);
	cr_expect_null(s, "no schema on failure");
	return err;
}

/* True when S is the schema of schema_sql. */
static void expect_users(retort_schema *s)
{
	const retort_table *t = retort_schema_find_table(s, "users");

	cr_assert_not_null(t);
	cr_expect_eq(t->ncolumns, 2);
	cr_expect_eq(t->nindexes, 1);
	cr_expect_eq(retort_schema_nviews(s), 1);
	retort_schema_free(s);
}

static char *json_of(retort_schema *s)
{
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(retort_schema_to_json(&b, s, NULL), RETORT_OK);
	return retort_buf_detach(&b);
}

Test(source_kinds, database_file_read_only)
{
	char *db = in_dir("app.db");
	struct stat before, after;

	db_create(db, schema_sql);
	cr_assert_eq(stat(db, &before), 0);
	expect_users(load_ok(db));
	cr_assert_eq(stat(db, &after), 0);
	cr_expect_eq(before.st_size, after.st_size);
	cr_expect_eq(before.st_mtime, after.st_mtime);
	cr_expect_eq(dir_count(dir), 1, "no journal or WAL file left");
	free(db);
}

Test(source_kinds, database_named_like_sql_and_odd_paths)
{
	char *db = in_dir("odd name?#%20 é.sql");

	db_create(db, schema_sql);
	expect_users(load_ok(db)); /* told apart by content */
	free(db);
}

Test(source_kinds, wal_database)
{
	char *db = in_dir("wal.db");

	db_create(db, "PRAGMA journal_mode=WAL;");
	db_create(db, schema_sql);
	expect_users(load_ok(db));
	free(db);
}

Test(source_kinds, urls)
{
	char *db = in_dir("app.db"), url[4200];
	retort_schema *s;

	db_create(db, schema_sql);
	cr_assert_eq(chdir(dir), 0);
	expect_users(load_ok("sqlite:///app.db"));
	expect_users(load_ok("sqlite+aiosqlite:///app.db"));
	expect_users(load_ok("sqlite+pysqlite:///./app.db?mode=ro&timeout=5"));
	snprintf(url, sizeof(url), "sqlite:///%s", db); /* db is absolute */
	cr_assert_eq(url[10], '/');
	expect_users(load_ok(url));
	s = load_ok("sqlite://"); /* no path: an empty in-memory database */
	cr_expect_eq(retort_schema_ntables(s), 0);
	retort_schema_free(s);
	free(db);
}

Test(source_kinds, sql_file)
{
	char *f = in_dir("schema.sql");

	file_write_text(f, schema_sql);
	expect_users(load_ok(f));
	free(f);
}

Test(source_kinds, folder_in_name_order)
{
	char *sub = in_dir("models");

	cr_assert_eq(mkdir(sub, 0700), 0);
	file_write_text(
		path_in(sub, "02_index.sql"),
		"CREATE INDEX users_email ON users (email);");
	file_write_text(
		path_in(sub, "01_users.sql"),
		"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);");
	file_write_text(
		path_in(sub, "10_view.SQL"),
		"CREATE VIEW emails AS SELECT email FROM users;");
	file_write_text(path_in(sub, "README"), "not SQL at all\x01");
	cr_assert_eq(mkdir(path_in(sub, "99_dir.sql"), 0700), 0);
	expect_users(load_ok(sub));
	free(sub);
}

Test(source_kinds, json_snapshot)
{
	char *f = in_dir("schema.sql"), *j = in_dir("snap.json"), *a, *b;
	retort_schema *s;

	file_write_text(f, schema_sql);
	s = load_ok(f);
	a = json_of(s);
	retort_schema_free(s);
	file_write_text(j, a);
	s = load_ok(j);
	b = json_of(s);
	cr_expect_str_eq(a, b);
	expect_users(s);
	free(a);
	free(b);
	free(f);
	free(j);
}

/* Load "-" with stdin reading the file PATH. */
static retort_schema *load_stdin(const char *path)
{
	cr_assert_not_null(freopen(path, "rb", stdin));
	return load_ok("-");
}

Test(source_kinds, stdin_database_json_and_sql)
{
	char *db = in_dir("app.db"), *f = in_dir("s.sql"),
	     *j = in_dir("s.json");
	retort_schema *s;
	char *a;

	db_create(db, "PRAGMA journal_mode=WAL;");
	db_create(db, schema_sql);
	expect_users(load_stdin(db));
	file_write_text(f, schema_sql);
	s = load_stdin(f);
	a = json_of(s);
	file_write_text(j, a);
	expect_users(s);
	expect_users(load_stdin(j));
	free(a);
	free(db);
	free(f);
	free(j);
}

Test(source_kinds, empty_inputs_are_empty_schemas)
{
	char *e = in_dir("empty.sql"), *c = in_dir("comments.sql");
	char *db = in_dir("empty.db");
	retort_schema *s;

	file_write_text(e, "");
	file_write_text(c, "-- nothing here\n/* at all */\n;\n");
	file_write_text(db, "");
	s = load_ok(e);
	cr_expect_eq(retort_schema_ntables(s), 0);
	retort_schema_free(s);
	s = load_ok(c);
	cr_expect_eq(retort_schema_nviews(s), 0);
	retort_schema_free(s);
	s = load_ok(db);
	cr_expect_eq(retort_schema_ntables(s), 0);
	retort_schema_free(s);
	free(e);
	free(c);
	free(db);
}

Test(source_bad, missing_file)
{
	char *f = in_dir("nope.db");
	retort_error err = load_fail(f, NULL, RETORT_ENOTFOUND);

	cr_expect_str_eq(err.what, f);
	cr_expect_str_eq(err.why, "no such file or directory");
	err = load_fail("sqlite:///no/such/app.db", NULL, RETORT_ENOTFOUND);
	cr_expect_str_eq(err.what, "sqlite:///no/such/app.db");
	load_fail("", NULL, RETORT_EINVAL);
	free(f);
}

Test(source_bad, folder_without_sql_files)
{
	retort_error err;

	file_write_text(path_in(dir, "notes.txt"), "hello");
	err = load_fail(dir, NULL, RETORT_EINVAL);
	cr_expect_str_eq(err.what, dir);
	cr_expect_str_eq(err.why, "no .sql files in this folder");
}

Test(source_bad, url_to_something_else)
{
	char *f = in_dir("text.db"), url[4200];
	retort_error err;

	file_write_text(f, "CREATE TABLE t(a);");
	snprintf(url, sizeof(url), "sqlite:///%s", f);
	err = load_fail(url, NULL, RETORT_EINVAL);
	cr_expect_str_eq(err.why, "not a SQLite database");
	snprintf(url, sizeof(url), "sqlite:///%s", dir);
	load_fail(url, NULL, RETORT_EINVAL);
	free(f);
}

Test(source_bad, binary_files)
{
	static const char bin[] = "\x7f"
				  "ELF\x02\x01\x01\0\0\0\xff\xfe";
	char *b = in_dir("prog.bin"), *s = in_dir("prog.sql");
	char *u = in_dir("latin1.sql");
	retort_error err;

	file_write(b, bin, sizeof(bin));
	file_write(s, bin, sizeof(bin));
	file_write_text(u, "CREATE TABLE caf\xe9(a);");
	err = load_fail(b, NULL, RETORT_EINVAL);
	cr_expect_str_eq(err.what, b);
	cr_expect_str_eq(
		err.why,
		"not a schema source: neither a SQLite database, a SQL script nor a JSON snapshot");
	err = load_fail(s, NULL, RETORT_EINVAL);
	cr_expect_str_eq(err.why, "not a SQL text file: it holds NUL bytes");
	err = load_fail(u, NULL, RETORT_EINVAL);
	cr_expect_str_eq(err.why, "not a SQL text file: it is not valid UTF-8");
	free(b);
	free(s);
	free(u);
}

Test(source_bad, truncated_database)
{
	char *db = in_dir("big.db"), *data;
	retort_buf sql = RETORT_BUF_INIT;
	size_t len, cut[] = { 20, 100, 3000, 4096 * 3 };
	retort_error err;
	int i;

	for (i = 0; i < 60; i++)
		retort_buf_printf(
			&sql, "CREATE TABLE t%d(a INTEGER PRIMARY KEY, b);\n",
			i);
	db_create(db, sql.ptr);
	data = file_read(db, &len);
	cr_assert_gt(len, 4096 * 4);
	for (i = 0; i < 4; i++) {
		file_write(db, data, cut[i]);
		err = load_fail(db, NULL, RETORT_ESQLITE);
		cr_expect_str_eq(err.what, db);
		cr_expect(
			!strcmp(err.why, "database disk image is malformed") ||
				!strcmp(err.why, "file is not a database"),
			"cut at %zu: %s", cut[i], err.why);
		cr_expect_neq(err.sqlite_rc, 0);
	}
	free(data);
	free(db);
	retort_buf_dispose(&sql);
}

/* Overwrite LEN bytes of file PATH at OFFSET with DATA. */
static void patch(const char *path, long offset, const char *data, size_t len)
{
	FILE *f = fopen(path, "r+b");

	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, offset, SEEK_SET), 0);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

Test(source_bad, corrupt_database)
{
	char *db = in_dir("c.db"), *data, *at;
	size_t len;
	retort_error err;

	db_create(db, "CREATE TABLE abc(x INTEGER PRIMARY KEY, y TEXT);");
	data = file_read(db, &len);
	for (at = data; at + 16 <= data + len; at++)
		if (!memcmp(at, "CREATE TABLE abc", 16))
			break;
	cr_assert(at + 16 <= data + len);
	/* damaged stored SQL */
	patch(db, at - data, "CREATE TABLX abc", 16);
	err = load_fail(db, NULL, RETORT_ESQLITE);
	cr_expect(strstr(err.why, "malformed database schema"), "%s", err.why);
	/* a damaged b-tree page header on page 1 */
	file_write(db, data, len);
	patch(db, 100, "\x42\x42\x42\x42", 4);
	err = load_fail(db, NULL, RETORT_ESQLITE);
	cr_expect_str_eq(err.why, "database disk image is malformed");
	free(data);
	free(db);
}

Test(source_bad, locked_database)
{
	retort_load_options o = RETORT_LOAD_OPTIONS_INIT;
	char *db = in_dir("locked.db");
	sqlite3 *holder;
	retort_error err;

	db_create(db, schema_sql);
	cr_assert_eq(sqlite3_open(db, &holder), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(holder, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
		SQLITE_OK);
	o.busy_timeout_ms = 50;
	err = load_fail(db, &o, RETORT_ESQLITE);
	cr_expect_str_eq(err.what, db);
	cr_expect_str_eq(err.why, "database is locked");
	cr_expect_eq(err.sqlite_rc & 0xff, SQLITE_BUSY);
	sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(holder);
	expect_users(load_ok(db));
	free(db);
}

Test(source_bad, sql_error_names_file_line_and_message)
{
	char *sub = in_dir("m"), where[4200];
	retort_error err;

	cr_assert_eq(mkdir(sub, 0700), 0);
	file_write_text(path_in(sub, "1.sql"), "CREATE TABLE a(x);\n");
	file_write_text(
		path_in(sub, "2.sql"),
		"-- second file\nCREATE TABLE b(y);\n\nCREATE INDEX bx ON b(nope);\n");
	err = load_fail(sub, NULL, RETORT_ESQLITE);
	snprintf(where, sizeof(where), "%s/2.sql:4", sub);
	cr_expect_str_eq(err.what, where);
	cr_expect_str_eq(err.why, "no such column: nope");
	/* the file alone: the same line */
	snprintf(where, sizeof(where), "%s/2.sql", sub);
	err = load_fail(where, NULL, RETORT_ESQLITE);
	cr_expect(strstr(err.what, "2.sql:4"), "%s", err.what);
	free(sub);
}

Test(source_bad, unsafe_sql_touches_no_file)
{
	char *f = in_dir("evil.sql"), *target = in_dir("stolen.db");
	char sql[4300];
	retort_error err;

	snprintf(
		sql, sizeof(sql),
		"CREATE TABLE t(a);\nATTACH '%s' AS x;\nCREATE TABLE x.t(a);\n",
		target);
	file_write_text(f, sql);
	err = load_fail(f, NULL, RETORT_EUNSAFE);
	cr_expect(strstr(err.what, "evil.sql:2"), "%s", err.what);
	cr_expect(strstr(err.why, "ATTACH is not allowed"));
	cr_expect_not(file_exists(target));
	file_write_text(f, "SELECT load_extension('/tmp/x.so');");
	err = load_fail(f, NULL, RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "load_extension() is not allowed"));
	cr_expect_eq(dir_count(dir), 1);
	free(f);
	free(target);
}

/* Load SOURCE failing the Nth allocation for each N until it works:
 * every failure is RETORT_ENOMEM with no schema. */
static void oom_loop(const char *source)
{
	retort_error err;
	retort_schema *s;
	long n;
	int rc;

	for (n = 1;; n++) {
		retort_error_clear(&err);
		s = NULL;
		retort__alloc_fail_after(n);
		rc = retort_schema_load(&s, source, NULL, &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_OK)
			break;
		cr_assert_eq(
			rc, RETORT_ENOMEM, "%s: allocation %ld: %s: %s", source,
			n, err.what, err.why);
		cr_assert_null(s);
	}
	cr_expect_gt(n, 3);
	expect_users(s);
}

Test(source_bad, out_of_memory)
{
	char *db = in_dir("app.db"), *sub = in_dir("m");

	db_create(db, schema_sql);
	oom_loop(db);
	cr_assert_eq(mkdir(sub, 0700), 0);
	file_write_text(path_in(sub, "a.sql"), schema_sql);
	file_write_text(path_in(sub, "b.sql"), "-- nothing\n");
	oom_loop(sub);
	free(db);
	free(sub);
}
