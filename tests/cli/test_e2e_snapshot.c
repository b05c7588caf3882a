/*
** test_e2e_snapshot.c -- `retort snapshot` end to end, on the real binary
** and real SQLite files made in a temporary folder.
** Groups: cli_snapshot (every kind of source, -o, options, retort.ini),
** cli_snapshot_bad (every bad input of issue 2: exit 2, a "retort: "
** message, nothing on stdout and no output file).
*/
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "retort.h"
#include "run.h"

TestSuite(cli_snapshot, .init = test_dir_make, .fini = test_dir_remove);
TestSuite(cli_snapshot_bad, .init = test_dir_make, .fini = test_dir_remove);

/* A small schema with most kinds of objects. */
static const char *const schema_sql =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL "
	"UNIQUE COLLATE NOCASE, age INT CHECK (age >= 0));\n"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER "
	"REFERENCES users(id) ON DELETE CASCADE, title TEXT DEFAULT '');\n"
	"CREATE INDEX posts_user ON posts (user_id);\n"
	"CREATE VIEW titles AS SELECT title FROM posts;\n"
	"CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN\n"
	"  UPDATE users SET age = 0 WHERE id = NEW.id AND age IS NULL;\n"
	"END;\n";

/* DIR/NAME, made a database of schema_sql; returns its path (static). */
static const char *db_with_schema(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s", path_in(test_dir, name));
	db_create(path, schema_sql);
	return path;
}

/* Parse a snapshot and return it (the test fails if it is not one). */
static cJSON *parse_snapshot(const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	const cJSON *v;

	cr_assert_not_null(doc, "not JSON: %.200s", text);
	v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	cr_assert(cJSON_IsNumber(v), "no version");
	cr_expect_eq(v->valueint, RETORT_SNAPSHOT_FORMAT);
	v = cJSON_GetObjectItemCaseSensitive(doc, "fingerprint");
	cr_expect(cJSON_IsString(v) && !strncmp(v->valuestring, "xxh3:", 5));
	cr_assert(
		cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "tables")));
	return doc;
}

/* Names of the tables of a snapshot, as "a,b,c". */
static void table_names(const char *text, char *out, size_t n)
{
	cJSON *doc = parse_snapshot(text);
	const cJSON *t;

	out[0] = '\0';
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc, "tables"))
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");

		cr_assert(cJSON_IsString(name));
		if (out[0])
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, name->valuestring, n - strlen(out) - 1);
	}
	cJSON_Delete(doc);
}

/* Run `retort snapshot ARG` (no SOURCE when ARG is NULL) and return its
 * stdout; the test fails unless it exits 0 with nothing on stderr. */
static char *snapshot_of(const run_options *o, const char *arg)
{
	run_result r;
	char *out;

	run_retort(&r, o, "snapshot", arg, NULL);
	cr_assert_eq(r.status, 0, "snapshot %s: %s", arg, r.err);
	cr_expect_str_eq(r.err, "");
	out = r.out;
	r.out = NULL;
	run_result_dispose(&r);
	return out;
}

Test(cli_snapshot, database_file)
{
	char names[256];
	char *out = snapshot_of(NULL, db_with_schema("app.db"));

	table_names(out, names, sizeof(names));
	cr_expect_str_eq(names, "posts,users");
	cr_expect(strstr(out, "\"titles\""), "view missing");
	cr_expect(strstr(out, "\"users_ai\""), "trigger missing");
	cr_expect(strstr(out, "\"posts_user\""), "index missing");
	free(out);
}

/* SPEC §1, §8: a database, its URLs, its .sql and stdin: the same bytes. */
Test(cli_snapshot, every_source_gives_the_same_bytes)
{
	const char *db = db_with_schema("app.db");
	char url[4200], *want = snapshot_of(NULL, db), *got;
	run_options in = { 0 }, here = { .cwd = test_dir };
	static const char *const urls[] = { "sqlite:///",
					    "sqlite+aiosqlite:///",
					    "sqlite+pysqlite:///" };
	size_t i, len;
	char *bytes;

	for (i = 0; i < 3; i++) {
		snprintf(
			url, sizeof(url), "%s%s", urls[i],
			db); /* db is absolute */
		got = snapshot_of(NULL, url);
		cr_expect_str_eq(got, want, "%s", url);
		free(got);
	}
	got = snapshot_of(&here, "sqlite:///app.db"); /* relative */
	cr_expect_str_eq(got, want);
	free(got);

	file_write_text(path_in(test_dir, "schema.sql"), schema_sql);
	got = snapshot_of(NULL, path_in(test_dir, "schema.sql"));
	cr_expect_str_eq(got, want, ".sql differs from the database");
	free(got);

	in.in = schema_sql;
	in.in_len = strlen(schema_sql);
	got = snapshot_of(&in, "-");
	cr_expect_str_eq(got, want, "SQL on stdin");
	free(got);

	bytes = file_read(db, &len);
	in.in = bytes;
	in.in_len = len;
	got = snapshot_of(&in, "-");
	cr_expect_str_eq(got, want, "database on stdin");
	free(got);
	free(bytes);

	in.in = want;
	in.in_len = strlen(want);
	got = snapshot_of(&in, "-");
	cr_expect_str_eq(got, want, "JSON on stdin");
	free(got);
	free(want);
}

Test(cli_snapshot, json_round_trip)
{
	const char *db = db_with_schema("app.db");
	char *want = snapshot_of(NULL, db), *got;

	file_write_text(path_in(test_dir, "snap.json"), want);
	got = snapshot_of(NULL, path_in(test_dir, "snap.json"));
	cr_expect_str_eq(got, want);
	free(got);
	free(want);
}

Test(cli_snapshot, folder_of_sql_files_in_name_order)
{
	char sub[4200], *a, *b;

	snprintf(sub, sizeof(sub), "%s/model", test_dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	/* 02 refers to 01's table: only name order works */
	file_write_text(
		path_in(sub, "02_posts.sql"),
		"CREATE TABLE posts (id INTEGER PRIMARY KEY, u INT REFERENCES "
		"users);\nCREATE VIEW v AS SELECT * FROM users;\n");
	file_write_text(
		path_in(sub, "01_users.sql"),
		"CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
	file_write_text(path_in(sub, "notes.txt"), "not SQL at all");
	db_create(
		path_in(test_dir, "same.db"),
		"CREATE TABLE users (id INTEGER PRIMARY KEY);"
		"CREATE TABLE posts (id INTEGER PRIMARY KEY, u INT REFERENCES "
		"users);CREATE VIEW v AS SELECT * FROM users;");
	a = snapshot_of(NULL, sub);
	b = snapshot_of(NULL, path_in(test_dir, "same.db"));
	cr_expect_str_eq(a, b);
	free(a);
	free(b);
}

Test(cli_snapshot, output_file_is_written_whole)
{
	const char *db = db_with_schema("app.db");
	char *want = snapshot_of(NULL, db), out[4200], *got;
	run_result r;

	snprintf(out, sizeof(out), "%s/snap.json", test_dir);
	file_write_text(out, "old contents");
	run_retort(&r, NULL, "snapshot", db, "-o", out, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "");
	got = file_read(out, NULL);
	cr_expect_str_eq(got, want);
	cr_expect_eq(
		dir_count(test_dir), 2, "a temporary file was left behind");
	free(got);
	free(want);
	run_result_dispose(&r);
}

Test(cli_snapshot, output_into_a_missing_folder)
{
	char out[4200];
	run_result r;

	snprintf(out, sizeof(out), "%s/no/such/folder/snap.json", test_dir);
	run_retort(
		&r, NULL, "snapshot", db_with_schema("a.db"), "-o", out, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(!strncmp(r.err, "retort: ", 8), "%s", r.err);
	cr_expect(strstr(r.err, "snap.json"), "%s", r.err);
	cr_expect_eq(dir_count(test_dir), 1);
	run_result_dispose(&r);
}

Test(cli_snapshot, empty_schema_is_valid)
{
	char names[64], *out;

	db_create(path_in(test_dir, "empty.db"), "PRAGMA user_version = 7;");
	out = snapshot_of(NULL, path_in(test_dir, "empty.db"));
	table_names(out, names, sizeof(names));
	cr_expect_str_eq(names, "");
	free(out);

	file_write_text(path_in(test_dir, "empty.sql"), "-- nothing here\n");
	out = snapshot_of(NULL, path_in(test_dir, "empty.sql"));
	table_names(out, names, sizeof(names));
	cr_expect_str_eq(names, "");
	free(out);
}

Test(cli_snapshot, thousand_columns)
{
	size_t cap = 32 * 1024, i;
	char *sql = malloc(cap), *out;
	cJSON *doc;
	const cJSON *t;

	cr_assert_not_null(sql);
	strcpy(sql, "CREATE TABLE wide (c0 INTEGER PRIMARY KEY");
	for (i = 1; i < 1000; i++)
		snprintf(
			sql + strlen(sql), cap - strlen(sql), ", c%zu TEXT", i);
	strcat(sql, ");");
	db_create(path_in(test_dir, "wide.db"), sql);
	out = snapshot_of(NULL, path_in(test_dir, "wide.db"));
	doc = parse_snapshot(out);
	t = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(doc, "tables"), 0);
	cr_expect_eq(
		cJSON_GetArraySize(
			cJSON_GetObjectItemCaseSensitive(t, "columns")),
		1000);
	cJSON_Delete(doc);
	free(out);
	free(sql);
}

/* SPEC §8: retort's own tables (version_table prefix) are left out. */
Test(cli_snapshot, retort_tables_are_left_out)
{
	char names[256], *out;
	run_options here = { .cwd = test_dir };

	db_create(
		path_in(test_dir, "app.db"),
		"CREATE TABLE a (x); CREATE TABLE retort_version (v TEXT);"
		"CREATE TABLE retort_version_history (v TEXT);"
		"CREATE TABLE myv (v TEXT);");
	out = snapshot_of(NULL, path_in(test_dir, "app.db"));
	table_names(out, names, sizeof(names));
	cr_expect_str_eq(names, "a,myv");
	free(out);

	file_write_text(
		path_in(test_dir, "retort.ini"),
		"[retort]\nversion_table = myv\n");
	out = snapshot_of(&here, "app.db");
	table_names(out, names, sizeof(names));
	cr_expect_str_eq(names, "a,retort_version,retort_version_history");
	free(out);
}

Test(cli_snapshot, source_from_db_option_or_config)
{
	char *want, *got, ini[4200];
	run_options env = { 0 };
	const char *vars[] = { NULL, NULL };
	char var[4300];
	run_result r;

	want = snapshot_of(NULL, db_with_schema("app.db"));
	/* --db after the command name, no SOURCE */
	run_retort(
		&r, NULL, "snapshot", "--db", path_in(test_dir, "app.db"),
		NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	run_result_dispose(&r);

	/* -c before the command; the URL is relative to the file's folder */
	snprintf(ini, sizeof(ini), "%s/retort.ini", test_dir);
	file_write_text(ini, "[retort]\ndatabase = sqlite:///app.db\n");
	run_retort(&r, NULL, "-c", ini, "snapshot", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, want);
	run_result_dispose(&r);

	/* RETORT_DATABASE */
	snprintf(
		var, sizeof(var), "RETORT_DATABASE=%s",
		path_in(test_dir, "app.db"));
	vars[0] = var;
	env.env = vars;
	got = snapshot_of(&env, NULL);
	cr_expect_str_eq(got, want);
	free(got);
	free(want);
}

Test(cli_snapshot, help_and_usage_errors)
{
	run_options here = { .cwd = test_dir };
	run_result r;

	run_retort(&r, NULL, "snapshot", "--help", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, "usage: retort snapshot", 22), "%s", r.out);
	cr_expect(strstr(r.out, "-o, --output FILE"), "%s", r.out);
	cr_expect(strstr(r.out, "--db URL"), "%s", r.out);
	run_result_dispose(&r);

	run_retort(&r, NULL, "help", "snapshot", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, "usage: retort snapshot", 22), "%s", r.out);
	run_result_dispose(&r);

	run_retort(&r, NULL, "snapshot", "a", "b", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		!strncmp(r.err, "retort: snapshot: too many arguments\n", 37),
		"%s", r.err);
	run_result_dispose(&r);

	run_retort(&r, NULL, "snapshot", "--bogus", "a", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		!strncmp(
			r.err, "retort: snapshot: unknown option '--bogus'\n",
			43),
		"%s", r.err);
	run_result_dispose(&r);

	run_retort(&r, NULL, "snapshot", "a", "-o", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		!strncmp(
			r.err, "retort: snapshot: option '-o' needs a value\n",
			44),
		"%s", r.err);
	run_result_dispose(&r);

	run_retort(&r, &here, "snapshot", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no SOURCE"), "%s", r.err);
	run_result_dispose(&r);
}

Test(cli_snapshot, bad_config_is_an_error)
{
	run_options here = { .cwd = test_dir };
	run_result r;

	db_with_schema("app.db");
	file_write_text(
		path_in(test_dir, "retort.ini"),
		"[retort]\n\ncompare_type = fuzzy\nfoo = 1\n");
	run_retort(&r, &here, "snapshot", "app.db", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(
		r.err,
		"retort: retort.ini:3: bad value 'fuzzy' for compare_type (expected declared, affinity or off)\n");
	run_result_dispose(&r);

	file_write_text(path_in(test_dir, "retort.ini"), "[retort]\nfoo = 1\n");
	run_retort(&r, &here, "snapshot", "app.db", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(
		r.err,
		"retort: warning: retort.ini:2: unknown key 'foo' in [retort], ignored\n");
	run_result_dispose(&r);

	run_retort(&r, &here, "-c", "missing.ini", "snapshot", "app.db", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err,
		"retort: missing.ini: cannot open: No such file or directory\n");
	run_result_dispose(&r);
}

/*
** Run `retort snapshot SOURCE -o DIR/out.json` and check the failure:
** exit 2, one "retort: " line naming NEEDLE, nothing on stdout, no
** output file.
*/
static void
expect_bad(const run_options *o, const char *source, const char *needle)
{
	char out[4200];
	run_result r;
	int before = dir_count(test_dir);

	snprintf(out, sizeof(out), "%s/out.json", test_dir);
	run_retort(&r, o, "snapshot", source, "-o", out, NULL);
	cr_expect_eq(r.status, 2, "%s: status %d: %s", source, r.status, r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect(!strncmp(r.err, "retort: ", 8), "%s", r.err);
	cr_expect(
		strchr(r.err, '\n') == r.err + r.err_len - 1,
		"not one line: %s", r.err);
	if (needle)
		cr_expect(
			strstr(r.err, needle), "'%s' not in: %s", needle,
			r.err);
	cr_expect(!file_exists(out), "an output file was written");
	cr_expect_eq(dir_count(test_dir), before, "a file was left behind");
	run_result_dispose(&r);
}

Test(cli_snapshot_bad, missing_file)
{
	expect_bad(NULL, path_in(test_dir, "none.db"), "none.db");
}

Test(cli_snapshot_bad, not_a_sqlite_file)
{
	file_write_text(
		path_in(test_dir, "notes.db"), "hello, I am not a database\n");
	expect_bad(NULL, path_in(test_dir, "notes.db"), "notes.db");
}

Test(cli_snapshot_bad, truncated_database)
{
	const char *db = db_with_schema("app.db");
	size_t len;
	char *bytes = file_read(db, &len);

	cr_assert_gt(len, 2048);
	file_write(
		path_in(test_dir, "cut.db"), bytes, 1500); /* header intact */
	free(bytes);
	expect_bad(NULL, path_in(test_dir, "cut.db"), "cut.db");
}

Test(cli_snapshot_bad, corrupt_database)
{
	const char *db = db_with_schema("app.db");
	size_t len, i;
	char *bytes = file_read(db, &len);

	/* keep the 100-byte header, scramble the schema page */
	for (i = 100; i < 1024 && i < len; i++)
		bytes[i] = (char)(i * 37);
	file_write(path_in(test_dir, "bad.db"), bytes, len);
	free(bytes);
	expect_bad(NULL, path_in(test_dir, "bad.db"), "bad.db");
}

Test(cli_snapshot_bad, locked_database)
{
	const char *db = db_with_schema("app.db");
	sqlite3 *h = NULL;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
		SQLITE_OK);
	expect_bad(NULL, db, "app.db"); /* after the busy timeout */
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}

Test(cli_snapshot_bad, sql_error_names_file_and_line)
{
	file_write_text(
		path_in(test_dir, "bad.sql"),
		"CREATE TABLE a (x);\n\n-- a comment\nCREATE TABLE b (y REFERENCES);\n");
	expect_bad(NULL, path_in(test_dir, "bad.sql"), "bad.sql:4");
}

Test(cli_snapshot_bad, binary_file_named_sql)
{
	static const char bin[] = "\x7f"
				  "ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0";

	file_write(path_in(test_dir, "prog.sql"), bin, sizeof(bin));
	expect_bad(NULL, path_in(test_dir, "prog.sql"), "prog.sql");
}

Test(cli_snapshot_bad, malformed_json)
{
	file_write_text(
		path_in(test_dir, "snap.json"),
		"{\"format\": \"retort-snapshot\", \"version\": 1, \"tables\": [");
	expect_bad(NULL, path_in(test_dir, "snap.json"), "snap.json");
}

Test(cli_snapshot_bad, wrong_version_json)
{
	const char *db = db_with_schema("app.db");
	char *snap = snapshot_of(NULL, db), *v;

	v = strstr(snap, "\"version\": 1");
	cr_assert_not_null(v, "%s", snap);
	memcpy(v + 11, "9", 1); /* version 9 */
	file_write_text(path_in(test_dir, "v9.json"), snap);
	free(snap);
	expect_bad(NULL, path_in(test_dir, "v9.json"), "v9.json");
}

Test(cli_snapshot_bad, json_nested_100000_deep)
{
	size_t depth = 100000, i;
	char *deep = malloc(2 * depth + 1);

	cr_assert_not_null(deep);
	for (i = 0; i < depth; i++) {
		deep[i] = '[';
		deep[2 * depth - 1 - i] = ']';
	}
	deep[2 * depth] = '\0';
	file_write_text(path_in(test_dir, "deep.json"), deep);
	expect_bad(NULL, path_in(test_dir, "deep.json"), "deep.json");

	run_options in = { .in = deep, .in_len = 2 * depth };
	expect_bad(&in, "-", NULL);
	free(deep);
}

/* A .sql model is untrusted: nothing outside memory is touched. */
Test(cli_snapshot_bad, sql_that_touches_files_is_refused)
{
	static const char *const evil[][2] = {
		{ "ATTACH DATABASE '",
		  "/evil.db' AS evil;\nCREATE TABLE evil.t (x);\n" },
		{ "CREATE TABLE t (x);\nVACUUM INTO '", "/evil.db';\n" },
		{ "SELECT load_extension('", "/evil.so');\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		char sql[8400];

		snprintf(
			sql, sizeof(sql), "%s%s%s", evil[i][0], test_dir,
			evil[i][1]);
		file_write_text(path_in(test_dir, "evil.sql"), sql);
		expect_bad(NULL, path_in(test_dir, "evil.sql"), "evil.sql");
		cr_expect(
			!file_exists(path_in(test_dir, "evil.db")),
			"case %zu wrote a file", i);
	}
}
