/*
** test_e2e_migrate_loop.c -- the whole migration loop on the bundled
** example, with the real binary: model v1 (examples/app.db) ->
** autogenerate -> upgrade -> rows -> model v2 (examples/schema.sql, which
** adds columns, indexes, a table with foreign keys, a view and a trigger,
** with users.created_at dropped on top) -> autogenerate -> upgrade ->
** rows intact -> downgrade -1 -> rows intact -> upgrade head -> nothing
** left to generate.
** Groups: cli_migrate_loop.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

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
}

TestSuite(cli_migrate_loop, .init = setup, .fini = teardown);

/* retort.ini of the project with MODEL as its model. */
static void write_ini(const char *model)
{
	char ini[1024];

	snprintf(
		ini, sizeof(ini),
		"[retort]\nscript_location = migrations\n"
		"database = sqlite:///app.db\nmodel = %s\n"
		"file_template = %%%%(rev)s_%%%%(slug)s\n",
		model);
	file_write_text(path_in(dir, "retort.ini"), ini);
}

/* Run retort in the project with ARGS; returns stdout, checks status. */
static run_result
run(int want_status,
    const char *a1,
    const char *a2,
    const char *a3,
    const char *a4)
{
	const char *args[] = { a1, a2, a3, a4, NULL };
	run_options o = { .cwd = dir };
	run_result r;

	run_retortv(&r, &o, args);
	cr_assert_eq(
		r.status, want_status, "retort %s %s: %s%s", a1, a2 ? a2 : "",
		r.out, r.err);
	return r;
}

/* Run SQL on the project's database; returns the first value. */
static char *sql(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	cr_assert_eq(sqlite3_open(path_in(dir, "app.db"), &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s: %s",
		q, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void expect_sql(const char *q, const char *want)
{
	char *got = sql(q);

	cr_expect_str_eq(got ? got : "(null)", want, "%s", q);
	free(got);
}

/* examples/schema.sql with users.created_at dropped, as model v2. */
static void write_model_v2(void)
{
	static const char from[] =
		"\tbio TEXT,\n\tcreated_at TEXT NOT NULL DEFAULT "
		"(datetime('now'))\n);";
	char src[512], *text, *at;

	snprintf(src, sizeof(src), "%s/examples/schema.sql", RETORT_SOURCE_DIR);
	text = file_read(src, NULL);
	cr_assert_not_null(text);
	at = strstr(text, from);
	cr_assert_not_null(at, "examples/schema.sql changed: update this test");
	memcpy(at, "\tbio TEXT\n);", 12);
	memmove(at + 12, at + strlen(from), strlen(at + strlen(from)) + 1);
	file_write_text(path_in(dir, "model.sql"), text);
	free(text);
}

static void add_rows(void)
{
	free(sql("INSERT INTO users (email, name) VALUES ('ada@example.org', "
		 "'Ada'), ('bob@example.org', 'Bob')"));
	free(sql("INSERT INTO posts (author_id, title, body, published) VALUES "
		 "(1, 'Hello', 'First post.', 1), (2, 'Draft', NULL, 0)"));
	free(sql("INSERT INTO tags VALUES ('intro'), ('news')"));
	free(sql("INSERT INTO post_tags VALUES (1, 'intro'), (2, 'news')"));
}

/* The rows every step must keep. */
static void expect_rows(void)
{
	expect_sql(
		"SELECT group_concat(id || ':' || email || ':' || name, ',') "
		"FROM users",
		"1:ada@example.org:Ada,2:bob@example.org:Bob");
	expect_sql(
		"SELECT group_concat(id || ':' || author_id || ':' || title "
		"|| ':' || ifnull(body, '-') || ':' || published, ',') "
		"FROM posts",
		"1:1:Hello:First post.:1,2:2:Draft:-:0");
	expect_sql(
		"SELECT group_concat(post_id || tag, ',') FROM post_tags",
		"1intro,2news");
	expect_sql("PRAGMA integrity_check", "ok");
	expect_sql("SELECT count(*) FROM pragma_foreign_key_check", "0");
}

Test(cli_migrate_loop, bundled_example_round_trip)
{
	retort_error e = RETORT_ERROR_INIT;
	char v1[512];
	run_result r;

	cr_assert_eq(retort_project_init(dir, &e), RETORT_OK, "%s", e.why);
	snprintf(v1, sizeof(v1), "%s/examples/app.db", RETORT_SOURCE_DIR);
	write_ini(v1);
	r = run(0, "revision", "--autogenerate", "-m", "blog v1");
	cr_expect(strstr(r.out, "  Generating "), "%s", r.out);
	cr_expect(strstr(r.err, "Detected added table 'users'"), "%s", r.err);
	run_result_dispose(&r);
	r = run(0, "upgrade", NULL, NULL, NULL);
	run_result_dispose(&r);
	add_rows();
	expect_rows();

	write_model_v2();
	write_ini("model.sql");
	r = run(0, "revision", "--autogenerate", "-m", "blog v2");
	cr_expect(
		strstr(r.err, "Detected added column 'users.bio'"), "%s",
		r.err);
	cr_expect(
		strstr(r.err, "Detected added table 'comments'"), "%s", r.err);
	cr_expect(
		strstr(r.err, "Detected added index 'posts.posts_recent'"),
		"%s", r.err);
	cr_expect(
		strstr(r.err, "retort: warning: destructive: removed column "
			      "'users.created_at'"),
		"%s", r.err);
	run_result_dispose(&r);
	r = run(0, "upgrade", NULL, NULL, NULL);
	run_result_dispose(&r);
	expect_rows();
	expect_sql(
		"SELECT count(*) FROM pragma_table_info('users') WHERE name "
		"= 'created_at'",
		"0");
	expect_sql("SELECT group_concat(ifnull(bio, '-')) FROM users", "-,-");
	free(sql("INSERT INTO comments (post_id, author_id, body) VALUES "
		 "(1, 2, 'Nice')"));

	r = run(0, "downgrade", "-1", NULL, NULL);
	run_result_dispose(&r);
	expect_rows();
	expect_sql(
		"SELECT count(*) FROM sqlite_master WHERE name = 'comments'",
		"0");

	r = run(0, "upgrade", "head", NULL, NULL);
	run_result_dispose(&r);
	expect_rows();
	r = run(0, "current", NULL, NULL, NULL);
	cr_expect(strstr(r.out, " (head)\n"), "%s", r.out);
	run_result_dispose(&r);
	r = run(0, "revision", "--autogenerate", "-m", "nothing");
	cr_expect_str_eq(r.out, "No changes detected\n");
	run_result_dispose(&r);
	cr_expect_eq(dir_count(path_in(dir, "migrations/versions")), 2);
}
