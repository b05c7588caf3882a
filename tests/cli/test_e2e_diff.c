/*
** test_e2e_diff.c -- `retort diff` end to end, on the real binary and
** real SQLite files made in a temporary folder.
** Groups: cli_diff (exit statuses in every format, --reverse, options
** and retort.ini, rename hints, usage), cli_diff_bad (bad inputs: exit 2).
*/
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "run.h"

TestSuite(cli_diff, .init = test_dir_make, .fini = test_dir_remove);
TestSuite(cli_diff_bad, .init = test_dir_make, .fini = test_dir_remove);

/* Make DIR/NAME a database from SQL; returns its path (a new string). */
static char *db(const char *name, const char *sql)
{
	char *path = strdup(path_in(test_dir, name));

	cr_assert_not_null(path);
	db_create(path, sql);
	return path;
}

/* Run `retort diff` with ARGS (NULL-terminated, at most 16) in DIR. */
static void diff(run_result *r, const char *const *args)
{
	const char *argv[20] = { "diff" };
	run_options o = { .cwd = test_dir };
	size_t i;

	for (i = 0; args[i]; i++) {
		cr_assert_lt(i, 16);
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	run_retortv(r, &o, argv);
}

/* The exit status of `retort diff ARGS`; stderr must be empty unless
 * the status is 2. */
static int diff_status(const char *const *args)
{
	run_result r;
	int status;

	diff(&r, args);
	status = r.status;
	if (status != 2)
		cr_expect_str_eq(r.err, "", "%s", r.err);
	run_result_dispose(&r);
	return status;
}

#define ARGS(...)                                                              \
 (const char *const[])                                                         \
 {                                                                             \
  __VA_ARGS__, NULL                                                            \
 }

static const char *const v1 =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);"
	"CREATE INDEX users_email ON users (email);";
static const char *const v2 =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL,"
	" name TEXT);"
	"CREATE INDEX users_email ON users (email);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER "
	"REFERENCES users (id));";

Test(cli_diff, equal_schemas_exit_0_in_every_format)
{
	char *a = db("a.db", v1);

	/* the same schema written differently, as a .sql file */
	file_write_text(
		path_in(test_dir, "a.sql"),
		"create table \"users\" ( id integer primary key ,\n"
		"  [email] text not null ) ;\n"
		"CREATE INDEX users_email ON users(email);\n");
	cr_expect_eq(diff_status(ARGS(a, "a.sql")), 0);
	cr_expect_eq(diff_status(ARGS("--format", "json", a, "a.sql")), 0);
	cr_expect_eq(diff_status(ARGS("--format=text", "a.sql", a)), 0);
	free(a);
}

Test(cli_diff, different_schemas_exit_1_in_every_format)
{
	char *a = db("a.db", v1), *b = db("b.db", v2);
	run_result r;

	diff(&r, ARGS(a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "posts"), "%s", r.out);
	cr_expect(strstr(r.out, "name"), "%s", r.out);
	cr_expect_null(strchr(r.out, '\033'), "colour on a file");
	run_result_dispose(&r);

	diff(&r, ARGS("--format", "json", a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cJSON *doc = cJSON_Parse(r.out);
	cr_expect_not_null(doc, "not JSON: %s", r.out);
	cJSON_Delete(doc);
	cr_expect(strstr(r.out, "\"add_table\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"add_column\""), "%s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}

Test(cli_diff, reverse_turns_the_diff_round)
{
	char *a = db("a.db", v1), *b = db("b.db", v2);
	run_result r;

	diff(&r, ARGS("--reverse", "--format", "json", a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"drop_table\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"drop_column\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "\"add_table\""), "%s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}

Test(cli_diff, sources_of_every_kind)
{
	char *a = db("a.db", v1), url[4200];
	run_options in = { .cwd = test_dir, .in = v2, .in_len = strlen(v2) };
	run_result r;

	snprintf(url, sizeof(url), "sqlite:///%s", a);
	file_write_text(path_in(test_dir, "v2.sql"), v2);
	run_retort(&r, &in, "diff", url, "-", NULL);
	cr_expect_eq(r.status, 1, "%s", r.err);
	run_result_dispose(&r);

	in.in = NULL;
	in.in_len = 0;
	run_retort(&r, &in, "snapshot", "v2.sql", "-o", "v2.json", NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	cr_expect_eq(diff_status(ARGS("v2.json", "v2.sql")), 0);
	cr_expect_eq(diff_status(ARGS("sqlite:///a.db", "v2.json")), 1);
	free(a);
}

/* Run the SQL script SQL in the database PATH. */
static void apply(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	char *msg = NULL;

	cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
	cr_expect_eq(
		sqlite3_exec(h, sql, NULL, NULL, &msg), SQLITE_OK, "%s\n%s",
		msg ? msg : "", sql);
	sqlite3_free(msg);
	sqlite3_close(h);
}

/* SPEC §4: the printed upgrade makes FROM into TO, the downgrade (with
 * --reverse) TO back into FROM; rows survive both. */
Test(cli_diff, sql_format_upgrade_and_downgrade_converge)
{
	char *a = db("a.db", v1), *b = db("b.db", v2);
	run_result r;

	apply(a, "INSERT INTO users (email) VALUES ('ada@example.org');");
	diff(&r, ARGS("--format", "sql", "a.db", "b.db"));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "ALTER TABLE"), "%s", r.out);
	apply(a, r.out);
	run_result_dispose(&r);
	cr_expect_eq(diff_status(ARGS("a.db", "b.db")), 0, "upgrade");

	db_create(path_in(test_dir, "c.db"), v1);
	diff(&r, ARGS("--format", "sql", "--reverse", "c.db", "a.db"));
	cr_expect_eq(r.status, 1, "%s", r.err);
	apply(a, r.out); /* a.db is at v2 now: the downgrade to v1 */
	run_result_dispose(&r);
	cr_expect_eq(diff_status(ARGS("a.db", "c.db")), 0, "downgrade");

	diff(&r, ARGS("--format", "sql", "a.db", "c.db"));
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	free(a);
	free(b);
}

/* A change that existing rows may not satisfy: a warning, exit 1. */
Test(cli_diff, sql_format_warns_on_stderr)
{
	char *a = db("a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
	char *b =
		db("b.db",
		   "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL);");
	run_result r;

	diff(&r, ARGS("--format", "sql", "a.db", "b.db"));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(!strncmp(r.err, "retort: warning: ", 17), "%s", r.err);
	cr_expect(strstr(r.out, "\"x\""), "%s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}

Test(cli_diff, compare_type_flag_and_config)
{
	char *a = db("a.db", "CREATE TABLE t (x VARCHAR(10), y INT);");
	char *b = db("b.db", "CREATE TABLE t (x TEXT, y INTEGER);");

	cr_expect_eq(diff_status(ARGS(a, b)), 1);
	cr_expect_eq(diff_status(ARGS("--compare-type", "declared", a, b)), 1);
	cr_expect_eq(diff_status(ARGS("--compare-type", "affinity", a, b)), 0);
	cr_expect_eq(diff_status(ARGS("--compare-type=off", a, b)), 0);

	file_write_text(
		path_in(test_dir, "retort.ini"),
		"[retort]\ncompare_type = affinity\n");
	cr_expect_eq(diff_status(ARGS(a, b)), 0);
	cr_expect_eq(diff_status(ARGS(a, b, "--compare-type", "declared")), 1);
	free(a);
	free(b);
}

Test(cli_diff, server_default_flag_and_config)
{
	char *a = db("a.db", "CREATE TABLE t (x TEXT DEFAULT 'a');");
	char *b = db("b.db", "CREATE TABLE t (x TEXT DEFAULT 'b');");

	cr_expect_eq(diff_status(ARGS(a, b)), 1);
	cr_expect_eq(diff_status(ARGS("--no-compare-server-default", a, b)), 0);

	file_write_text(
		path_in(test_dir, "other.ini"),
		"[retort]\ncompare_server_default = no\n");
	cr_expect_eq(diff_status(ARGS("-c", "other.ini", a, b)), 0);
	free(a);
	free(b);
}

Test(cli_diff, naming_convention_from_config)
{
	char *a =
		db("a.db",
		   "CREATE TABLE t (x INT, CONSTRAINT uq_t_x UNIQUE (x));");
	char *b = db("b.db", "CREATE TABLE t (x INT, UNIQUE (x));");

	file_write_text(
		path_in(test_dir, "retort.ini"),
		"[naming_convention]\nuq = uq_%(table_name)s_%(column_0_name)s\n");
	cr_expect_eq(diff_status(ARGS(a, b)), 0);
	free(a);
	free(b);
}

Test(cli_diff, rename_hints)
{
	char *a = db(
		"a.db", "CREATE TABLE old (id INTEGER PRIMARY KEY, v TEXT);");
	char *b = db(
		"b.db", "CREATE TABLE new (id INTEGER PRIMARY KEY, w TEXT);");
	run_result r;

	diff(&r, ARGS("--format", "json", "--rename", "old=new", "--rename",
		      "new.v=w", a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"rename_table\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"rename_column\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "\"drop_table\""), "%s", r.out);
	run_result_dispose(&r);

	/* the same hints with --reverse: new -> old, column w -> v of old */
	diff(&r, ARGS("--reverse", "--format", "json", "--rename", "old=new",
		      "--rename", "new.v=w", a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"rename_table\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"rename_column\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "\"drop_column\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "\"drop_table\""), "%s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}

Test(cli_diff, rename_hint_with_quoted_names)
{
	char *a = db("a.db", "CREATE TABLE \"a.b\" (\"x=y\" TEXT, k INT);");
	char *b = db("b.db", "CREATE TABLE \"a.b\" (z TEXT, k INT);");
	run_result r;

	diff(&r,
	     ARGS("--format", "json", "--rename", "\"a.b\".\"x=y\"=z", a, b));
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "\"rename_column\""), "%s", r.out);
	cr_expect_null(strstr(r.out, "\"drop_column\""), "%s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}

Test(cli_diff, help)
{
	run_result r;

	run_retort(&r, NULL, "diff", "--help", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, "usage: retort diff", 18), "%s", r.out);
	cr_expect(strstr(r.out, "--format FORMAT"), "%s", r.out);
	cr_expect(strstr(r.out, "--rename OLD=NEW"), "%s", r.out);
	cr_expect(strstr(r.out, "--no-compare-server-default"), "%s", r.out);
	run_result_dispose(&r);
}

/* `retort diff ARGS` fails with exit 2 and a first line starting WANT. */
static void expect_fail(const char *const *args, const char *want)
{
	run_result r;

	diff(&r, args);
	cr_expect_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect(
		!strncmp(r.err, want, strlen(want)), "want '%s', got: %s", want,
		r.err);
	run_result_dispose(&r);
}

Test(cli_diff_bad, missing_file)
{
	char *a = db("a.db", v1);

	expect_fail(ARGS(a, "nope.db"), "retort: nope.db: ");
	expect_fail(ARGS("nope.db", a), "retort: nope.db: ");
	free(a);
}

Test(cli_diff_bad, corrupt_json)
{
	char *a = db("a.db", v1);

	file_write_text(
		path_in(test_dir, "bad.json"),
		"{\"format\": \"retort-snapshot\", \"vers");
	expect_fail(ARGS(a, "bad.json"), "retort: bad.json");
	free(a);
}

Test(cli_diff_bad, unknown_option_values)
{
	expect_fail(
		ARGS("--format", "yaml", "a", "b"),
		"retort: diff: unknown --format 'yaml' (expected text, json or sql)\n");
	expect_fail(
		ARGS("--compare-type", "exact", "a", "b"),
		"retort: diff: unknown --compare-type 'exact' (expected declared, affinity or off)\n");
	expect_fail(
		ARGS("--colour", "a", "b"),
		"retort: diff: unknown option '--colour'\n");
	expect_fail(
		ARGS("--rename", "a.b.c=d", "a", "b"),
		"retort: diff: expected OLD=NEW or TABLE.OLD=NEW (a name holding '.' or '=' in double quotes), not 'a.b.c=d'\n");
	expect_fail(
		ARGS("--rename", "=x", "a", "b"),
		"retort: diff: expected OLD=NEW or TABLE.OLD=NEW");
	expect_fail(
		ARGS("--rename", "\"a=x", "a", "b"),
		"retort: diff: expected OLD=NEW or TABLE.OLD=NEW");
}

Test(cli_diff_bad, operand_count)
{
	expect_fail(ARGS("a.db"), "retort: diff: needs FROM and TO\n");
	expect_fail(ARGS("a", "b", "c"), "retort: diff: too many arguments\n");
}

Test(cli_diff, colour_only_on_a_terminal_without_no_color)
{
	char *a = db("a.db", v1), *b = db("b.db", v2);
	const char *no_color[] = { "NO_COLOR=1", NULL };
	const char *empty[] = { "NO_COLOR=", NULL };
	run_options tty = { .cwd = test_dir, .tty = true };
	run_result r;

	run_retort(&r, &tty, "diff", a, b, NULL);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect_not_null(strchr(r.out, '\033'), "no colour: %s", r.out);
	run_result_dispose(&r);

	tty.env = no_color;
	run_retort(&r, &tty, "diff", a, b, NULL);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.out, "posts"), "%s", r.out);
	cr_expect_null(strchr(r.out, '\033'), "colour with NO_COLOR");
	run_result_dispose(&r);

	tty.env = empty; /* no-color.org: an empty NO_COLOR does not count */
	run_retort(&r, &tty, "diff", a, b, NULL);
	cr_expect_not_null(strchr(r.out, '\033'), "no colour: %s", r.out);
	run_result_dispose(&r);
	free(a);
	free(b);
}
