/*
** test_e2e_check.c -- `retort check`, `status`, `drift-sql` and `rehash`
** through the real binary: exit statuses 0/1/2, one line per failure
** with its fix, the --json objects, check selection flags and --no-db,
** the drift query run by the sqlite3 shell, rehash refusing applied
** revisions.
** Groups: cli_check.
*/
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "retort.h"
#include "run.h"

#define A "aaaaaaaaaaaa"
#define B "bbbbbbbbbbbb"

#define MODEL_A "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n"
#define MODEL_B MODEL_A "CREATE INDEX ix_users_email ON users (email);\n"

static char *dir;  /* the temporary folder */
static char *proj; /* DIR/p, a project made by retort_project_init() */

static void setup(void)
{
	retort_error err = RETORT_ERROR_INIT;

	dir = tmpdir_new();
	proj = strdup(path_in(dir, "p"));
	cr_assert_eq(retort_project_init(proj, &err), RETORT_OK, "%s", err.why);
}

static void teardown(void)
{
	free(proj);
	tmpdir_free(dir);
}

TestSuite(cli_check, .init = setup, .fini = teardown);

/* Run retort in the project with ARGS (NULL-terminated). */
static void in_project(run_result *r, ...)
{
	const char *args[32];
	run_options o = { .cwd = proj };
	va_list ap;
	size_t n = 0;

	va_start(ap, r);
	while (n < 31 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	run_retortv(r, &o, args);
}

/* Write revision ID revising PARENT with UP; the model is MODEL. */
static void revision(const char *id, const char *parent, const char *up)
{
	char path[512], text[2048];

	snprintf(
		path, sizeof(path), "%s/migrations/versions/%s_x.sql", proj,
		id);
	snprintf(
		text, sizeof(text),
		"-- rev %s\n--\n-- Revision ID: %s\n-- Revises:%s%s\n"
		"-- Create Date: 2026-01-01 00:00:00 UTC\n\n"
		"-- migrate:up\n%s\n-- migrate:down\nSELECT 1;\n",
		id, id, parent[0] ? " " : "", parent, up);
	file_write_text(path, text);
}

static void model(const char *sql)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/schema.sql", proj);
	file_write_text(path, sql);
}

/* Run SQL on the project's database. */
static void exec_db(const char *sql)
{
	char path[512];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/app.db", proj);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
		sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* Run ARGS expecting exit status WANT; the result for more checks. */
#define EXPECT_RUN(r, want, ...)                                               \
 do {                                                                          \
  in_project(r, __VA_ARGS__, NULL);                                            \
  cr_expect_eq(                                                                \
	  (r)->status, want, "exit %d\nstdout:\n%s\nstderr:\n%s", (r)->status, \
	  (r)->out, (r)->err);                                                 \
 } while (0)

/* A project at head: A then B, Schema lines filled by rehash. */
static void at_head(void)
{
	run_result r;

	revision(A, "", MODEL_A);
	revision(B, A, "CREATE INDEX ix_users_email ON users (email);");
	model(MODEL_B);
	EXPECT_RUN(&r, 0, "rehash");
	cr_expect(
		strstr(r.out, A ": Schema (none) -> xxh3:") != NULL, "%s",
		r.out);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "upgrade");
	run_result_dispose(&r);
}

Test(cli_check, passes_then_fails_with_fix_lines)
{
	run_result r;

	at_head();
	EXPECT_RUN(&r, 0, "check");
	cr_expect(
		strstr(r.out, "ok   pending: the database is at head (" B
			      ")\n") != NULL,
		"%s", r.out);
	cr_expect(strstr(r.out, "ok   drift: ") != NULL);
	cr_expect(strstr(r.out, "ok   edited: ") != NULL);
	cr_expect(strstr(r.out, "ok   model: ") != NULL);
	cr_expect(strstr(r.out, "retort check: 4 checks passed\n") != NULL);
	cr_expect_str_eq(r.err, "");
	run_result_dispose(&r);
	/* by hand: a column and a dropped index; and a model change */
	exec_db("ALTER TABLE users ADD COLUMN nick TEXT;"
		"DROP INDEX ix_users_email");
	model(MODEL_B "CREATE TABLE tags (name TEXT);\n");
	EXPECT_RUN(&r, 1, "check");
	cr_expect(
		strstr(r.out, "FAIL drift: the schema differs from what "
			      "revision " B " builds (2 differences)") != NULL,
		"%s", r.out);
	cr_expect(strstr(r.out, "; fix: undo the change") != NULL);
	cr_expect(strstr(r.out, "+ column nick") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "- index ix_users_email") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "FAIL model: the model (") != NULL);
	cr_expect(
		strstr(r.out, "; fix: retort revision --autogenerate -m "
			      "MSG\n") != NULL);
	cr_expect(strstr(r.out, "retort check: 2 problems found\n") != NULL);
	cr_expect(strstr(r.out, "\033[") == NULL); /* not a terminal */
	run_result_dispose(&r);
	/* only some checks */
	EXPECT_RUN(&r, 0, "check", "--pending", "--edited");
	cr_expect(strstr(r.out, "drift") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "2 checks passed") != NULL, "%s", r.out);
	run_result_dispose(&r);
}

Test(cli_check, json_object)
{
	run_result r;
	cJSON *doc, *findings;

	at_head();
	exec_db("UPDATE retort_version SET version_num = 'ffffffffffff'");
	EXPECT_RUN(&r, 1, "check", "--json");
	doc = cJSON_Parse(r.out);
	cr_assert_not_null(doc, "%s", r.out);
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "ok")));
	findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	cr_assert_eq(cJSON_GetArraySize(findings), 1);
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetArrayItem(findings, 0), "kind")
			->valuestring,
		"unknown_revision");
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(doc, "checks"),
				"drift"),
			"status")
			->valuestring,
		"skipped");
	cJSON_Delete(doc);
	run_result_dispose(&r);
}

Test(cli_check, no_db_and_usage_errors)
{
	run_result r;

	revision(A, "", MODEL_A);
	model(MODEL_A);
	/* no database yet: an error for the database checks */
	EXPECT_RUN(&r, 2, "check");
	cr_expect(strstr(r.err, "--no-db") != NULL, "%s", r.err);
	cr_expect_str_eq(r.out, "");
	run_result_dispose(&r);
	EXPECT_RUN(&r, 1, "check", "--no-db");
	cr_expect(strstr(r.out, "ok   model: ") != NULL, "%s", r.out);
	cr_expect(
		strstr(r.out, "FAIL revisions: revision " A
			      " has no Schema line") != NULL,
		"%s", r.out);
	cr_expect(strstr(r.out, "; fix: retort rehash " A "\n") != NULL);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "rehash", A);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "check", "--no-db");
	run_result_dispose(&r);
	EXPECT_RUN(&r, 2, "check", "--no-db", "--drift");
	cr_expect(strstr(r.err, "--no-db goes without") != NULL, "%s", r.err);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 2, "check", "extra");
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "check", "--help");
	cr_expect(strstr(r.out, "--no-db") != NULL);
	run_result_dispose(&r);
}

Test(cli_check, status_text_and_json)
{
	run_result r;
	cJSON *doc;

	revision(A, "", MODEL_A);
	revision(B, A, "CREATE INDEX ix_users_email ON users (email);");
	/* no database: the JSON error object, exit 2 */
	EXPECT_RUN(&r, 2, "status", "--json");
	doc = cJSON_Parse(r.out);
	cr_assert_not_null(doc, "%s", r.out);
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(doc, "status")->valuestring,
		"error");
	cr_expect(
		cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "error")));
	cJSON_Delete(doc);
	cr_expect(strstr(r.err, "retort: ") == r.err, "%s", r.err);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "upgrade", A);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "status");
	cr_expect(
		strstr(r.out, "status:            warning\n") != NULL, "%s",
		r.out);
	cr_expect(
		strstr(r.out, "pending:           " B "\n") != NULL, "%s",
		r.out);
	cr_expect(strstr(r.out, "schema drift:      no") != NULL, "%s", r.out);
	run_result_dispose(&r);
	exec_db("CREATE TABLE extra (x)");
	EXPECT_RUN(&r, 0, "status", "--json");
	doc = cJSON_Parse(r.out);
	cr_assert_not_null(doc, "%s", r.out);
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(doc, "status")->valuestring,
		"error");
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(doc, "current_revision")
			->valuestring,
		A);
	cr_expect_str_eq(
		cJSON_GetObjectItemCaseSensitive(doc, "head_revision")
			->valuestring,
		B);
	cr_expect(cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(doc, "schema_drift")));
	cJSON_Delete(doc);
	run_result_dispose(&r);
}

Test(cli_check, drift_sql_in_the_shell)
{
	char cmd[1024], out[1024];
	run_result r;
	FILE *p;
	size_t n;

	at_head();
	exec_db("CREATE INDEX ix_extra ON users (id, email)");
	EXPECT_RUN(&r, 0, "drift-sql", "-o", "drift.sql");
	cr_expect_str_eq(r.out, "");
	run_result_dispose(&r);
	snprintf(
		cmd, sizeof(cmd), "cd '%s' && sqlite3 app.db < drift.sql",
		proj);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_expect_eq(pclose(p), 0);
	cr_expect_str_eq(out, "extra|index|ix_extra\n");
	EXPECT_RUN(&r, 0, "drift-sql", A);
	cr_expect(strstr(r.out, "what revision " A " builds") != NULL);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 2, "drift-sql", "nope");
	run_result_dispose(&r);
}

Test(cli_check, rehash_refuses_applied_revisions)
{
	run_result r;

	at_head();
	revision(A, "", MODEL_A "CREATE TABLE more (x);");
	EXPECT_RUN(&r, 2, "rehash", A);
	cr_expect(
		strstr(r.err, "is applied to the database") != NULL, "%s",
		r.err);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "rehash", "--force", A);
	cr_expect(
		strstr(r.out, A ": Schema (none) -> xxh3:") != NULL, "%s",
		r.out);
	run_result_dispose(&r);
	/* the file was edited after it was applied: check says so */
	EXPECT_RUN(&r, 1, "check", "--edited");
	cr_expect(
		strstr(r.out, "FAIL edited: revision " A) != NULL, "%s", r.out);
	run_result_dispose(&r);
	EXPECT_RUN(&r, 0, "help");
	cr_expect(strstr(r.out, "drift-sql") != NULL);
	cr_expect(strstr(r.out, "rehash") != NULL);
	run_result_dispose(&r);
}
