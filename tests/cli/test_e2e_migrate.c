/*
** test_e2e_migrate.c -- the migration commands of the real binary, end to
** end: init, revision, merge, upgrade, downgrade, current, heads,
** branches, history, show, stamp; --sql, --backup, the failure path and
** which database a command uses.
** Groups: cli_migrate.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "retort.h"
#include "run.h"

#define A "aaaaaaaaaaaa"
#define B "bbbbbbbbbbbb"
#define C "cccccccccccc"
#define D "dddddddddddd"

static char *dir;  /* the project */
static char *proj; /* DIR/p */

static void setup(void)
{
	retort_error err = RETORT_ERROR_INIT;
	char path[512];

	dir = tmpdir_new();
	snprintf(path, sizeof(path), "%s/p", dir);
	proj = strdup(path);
	/* the library call that `retort init` makes (tested below): faster
	   than running the binary, under valgrind too */
	cr_assert_eq(retort_project_init(proj, &err), RETORT_OK, "%s", err.why);
}

static void teardown(void)
{
	free(proj);
	tmpdir_free(dir);
}

TestSuite(cli_migrate, .init = setup, .fini = teardown);

/* Run retort in the project folder with ARGS (NULL-terminated). */
static void in_project(run_result *r, const char *const *env, ...)
{
	const char *args[32];
	run_options o = { .env = env, .cwd = proj };
	va_list ap;
	size_t n = 0;

	va_start(ap, env);
	while (n < 31 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	run_retortv(r, &o, args);
}

/* Write revision ID revising PARENTS with UP and DOWN. */
static void revision(
	const char *id,
	const char *parents,
	const char *msg,
	const char *up,
	const char *down)
{
	char path[512], text[4096];

	snprintf(
		path, sizeof(path), "%s/migrations/versions/%s_x.sql", proj,
		id);
	snprintf(
		text, sizeof(text),
		"-- %s\n--\n-- Revision ID: %s\n-- Revises:%s%s\n"
		"-- Create Date: 2026-01-01 00:00:00 UTC\n\n"
		"-- migrate:up\n%s\n\n-- migrate:down\n%s\n",
		msg, id, parents[0] ? " " : "", parents, up, down);
	file_write_text(path, text);
}

/* Three revisions: A, then B and C on top of A (two heads). */
static void two_heads(void)
{
	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	revision(B, A, "add u", "CREATE TABLE u(x);", "DROP TABLE u;");
	revision(C, A, "add v", "CREATE TABLE v(x);", "DROP TABLE v;");
}

static char *query(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *out = NULL;

	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), 0);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0))
			out = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return out;
}

Test(cli_migrate, init_writes_a_project_once)
{
	char *other = strdup(path_in(dir, "q"));
	static const char *const keys[] = { "script_location = ",
					    "database = ",
					    "model = ",
					    "file_template = ",
					    "timezone = ",
					    "compare_type = ",
					    "compare_server_default = ",
					    "version_table = ",
					    "[naming_convention]",
					    "ix = ",
					    "uq = ",
					    "ck = ",
					    "fk = ",
					    "pk = " };
	char *ini;
	run_result r;
	size_t i;

	run_retort(&r, NULL, "init", other, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Generating ") != NULL, "%s", r.out);
	run_result_dispose(&r);
	ini = file_read(path_in(other, "retort.ini"), NULL);
	cr_assert_not_null(ini);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_expect(strstr(ini, keys[i]) != NULL, "missing %s", keys[i]);
	free(ini);
	cr_expect(file_exists(path_in(other, "schema.sql")));
	cr_expect_eq(dir_count(path_in(other, "migrations/versions")), 0);
	/* the file it writes reads back without a warning */
	in_project(&r, NULL, "heads", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	run_result_dispose(&r);
	run_retort(&r, NULL, "init", other, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		strstr(r.err, "retort.ini: exists already") != NULL, "%s",
		r.err);
	run_result_dispose(&r);
	free(other);
}

Test(cli_migrate, revision_heads_branches_merge_history)
{
	char path[512], *text;
	run_result r;

	in_project(&r, NULL, "revision", "-m", "create t", "--rev-id", A, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "  Generating ") == r.out, "%s", r.out);
	cr_expect(
		strstr(r.out, "_" A "_create_t.sql ...  done\n") != NULL, "%s",
		r.out);
	run_result_dispose(&r);
	in_project(&r, NULL, "revision", "-m", "add u", "--rev-id", B, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	in_project(
		&r, NULL, "revision", "-m", "add v", "--rev-id", C, "--head", A,
		NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err, "retort: " A ": revision " A " is not a head revision; "
		       "please specify --splice to create a new branch from "
		       "this revision\n");
	run_result_dispose(&r);
	in_project(
		&r, NULL, "revision", "-m", "add v", "--rev-id", C, "--head",
		"aaaa", "--splice", NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "revision", "-m", "more", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "multiple heads are present") != NULL);
	run_result_dispose(&r);
	in_project(&r, NULL, "heads", NULL);
	cr_expect_str_eq(r.out, B " (head)\n" C " (head)\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "branches", NULL);
	cr_expect_str_eq(
		r.out, A " (branchpoint)\n"
			 "             -> " B " (head)\n"
			 "             -> " C " (head)\n\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "merge", "-m", "join", "--rev-id", D, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	snprintf(path, sizeof(path), "%s/migrations/versions", proj);
	in_project(&r, NULL, "heads", NULL);
	cr_expect_str_eq(r.out, D " (head)\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "history", NULL);
	cr_expect_str_eq(
		r.out, B ", " C " -> " D " (head) (mergepoint), join\n" A
			 " -> " C ", add v\n" A " -> " B ", add u\n"
			 "<base> -> " A " (branchpoint), create t\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "history", "-r", C ":", NULL);
	cr_expect_str_eq(
		r.out, B ", " C " -> " D " (head) (mergepoint), join\n" A
			 " -> " C ", add v\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "merge", "-m", "again", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "nothing to merge") != NULL, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "show", "ddd", NULL);
	cr_expect_eq(r.status, 0);
	text = strstr(r.out, "\nPath: ");
	cr_expect(
		!strncmp(
			r.out,
			"Rev: " D " (head) (mergepoint)\nMerges: " B ", " C
			"\n",
			strlen("Rev: " D " (head) (mergepoint)\nMerges: " B
			       ", " C "\n")),
		"%s", r.out);
	cr_expect(
		text && strstr(text, "\n\n    join\n    \n    Revision ID: " D
				     "\n    Revises: " B ", " C "\n"),
		"%s", r.out);
	run_result_dispose(&r);
}

Test(cli_migrate, upgrade_downgrade_current)
{
	run_result r;
	char *s;

	two_heads();
	in_project(&r, NULL, "upgrade", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		strstr(r.err, "multiple head revisions") != NULL, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", "heads", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(
		r.err, "Running upgrade  -> " A ", create t\n"
		       "Running upgrade " A " -> " B ", add u\n"
		       "Running upgrade " A " -> " C ", add v\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "current", NULL);
	cr_expect_str_eq(r.out, B " (head)\n" C " (head)\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "downgrade", "-1", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "Running downgrade " C " -> " A ", add v\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "history", "--indicate-current", NULL);
	cr_expect_str_eq(
		r.out, A " -> " C " (head), add v\n" A " -> " B
			 " (head) (current), add u\n"
			 "<base> -> " A " (branchpoint), create t\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "downgrade", "base", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "current", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect_str_eq(r.out, "");
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", "+1", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "current", "--verbose", NULL);
	cr_expect(strstr(r.out, "Current revision(s) for ") == r.out);
	cr_expect(
		strstr(r.out, "\nRev: " A " (branchpoint)\nParent: <base>\n"
			      "Branches into: " B ", " C "\n") != NULL,
		"%s", r.out);
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", "zzz", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err, "retort: zzz: can't locate revision identified "
		       "by 'zzz'\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "downgrade", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "usage: retort downgrade") != NULL);
	run_result_dispose(&r);
	s = query(path_in(proj, "app.db"), "SELECT count(*) FROM t");
	cr_expect_str_eq(s, "0");
	free(s);
}

Test(cli_migrate, sql_prints_and_touches_nothing)
{
	run_result r;

	two_heads();
	in_project(&r, NULL, "upgrade", "--sql", B, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(
		strstr(r.out, "-- Running upgrade  -> " A ", create t\n"), "%s",
		r.out);
	cr_expect(
		strstr(r.out, "BEGIN IMMEDIATE;\nCREATE TABLE "
			      "\"retort_version\""),
		"%s", r.out);
	cr_expect(strstr(r.out, "CREATE TABLE u(x);\n"), "%s", r.out);
	cr_expect_null(strstr(r.out, "CREATE TABLE v(x)"));
	cr_expect_not(file_exists(path_in(proj, "app.db")));
	run_result_dispose(&r);
	in_project(&r, NULL, "downgrade", "--sql", B ":base", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "DROP TABLE u;\n"), "%s", r.out);
	cr_expect(strstr(r.out, "DROP TABLE t;\n"), "%s", r.out);
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", "--sql", "--backup", NULL);
	cr_expect_eq(r.status, 2);
	run_result_dispose(&r);
}

Test(cli_migrate, backup_then_upgrade)
{
	run_result r;
	char *s;

	two_heads();
	in_project(&r, NULL, "upgrade", "--backup", B, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_null(strstr(r.err, "Backup written")); /* no database yet */
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", "--backup", C, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "Backup written to "), "%s", r.err);
	cr_expect(strstr(r.err, "/app.db.backup.2"), "%s", r.err);
	run_result_dispose(&r);
	cr_expect_eq(
		dir_count(proj), 5); /* ini, schema, migrations, db, backup */
	s =
		query(path_in(proj, "app.db"),
		      "SELECT group_concat(version_num) FROM retort_version");
	cr_expect(s && strstr(s, C), "%s", s);
	free(s);
}

Test(cli_migrate, failing_revision_names_file_line_statement)
{
	char want[1024];
	run_result r;

	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	revision(
		B, A, "broken",
		"INSERT INTO t VALUES (1);\nINSERT INTO nosuch "
		"VALUES (1);",
		"");
	in_project(&r, NULL, "upgrade", NULL);
	cr_expect_eq(r.status, 2);
	snprintf(
		want, sizeof(want),
		"Running upgrade  -> " A ", create t\n"
		"Running upgrade " A " -> " B ", broken\n"
		"retort: %s/migrations/versions/" B "_x.sql:9: no such table: "
		"nosuch, in statement \"INSERT INTO nosuch VALUES (1)\"; the "
		"database stays at " A "\n",
		proj);
	cr_expect_str_eq(r.err, want);
	run_result_dispose(&r);
	in_project(&r, NULL, "current", NULL);
	cr_expect_str_eq(r.out, A "\n");
	run_result_dispose(&r);
}

Test(cli_migrate, stamp)
{
	run_result r;

	two_heads();
	in_project(&r, NULL, "stamp", "heads", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "Running stamp_revision  -> " B ", " C "\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "current", NULL);
	cr_expect_str_eq(r.out, B " (head)\n" C " (head)\n");
	run_result_dispose(&r);
	in_project(&r, NULL, "stamp", "base", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "current", NULL);
	cr_expect_str_eq(r.out, "");
	run_result_dispose(&r);
	in_project(&r, NULL, "stamp", NULL);
	cr_expect_eq(r.status, 2);
	run_result_dispose(&r);
}

Test(cli_migrate, database_precedence)
{
	static const char *const env[] = { "RETORT_DATABASE=env.db", NULL };
	run_result r;

	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	in_project(&r, env, "upgrade", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	cr_expect(file_exists(path_in(proj, "env.db")));
	cr_expect_not(file_exists(path_in(proj, "app.db")));
	in_project(&r, env, "--db", "flag.db", "upgrade", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	cr_expect(file_exists(path_in(proj, "flag.db")));
	in_project(&r, NULL, "upgrade", "--db", "sqlite:///after.db", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_result_dispose(&r);
	cr_expect(file_exists(path_in(proj, "after.db")));
	cr_expect_not(file_exists(path_in(proj, "app.db")));
}

Test(cli_migrate, every_command_has_help)
{
	static const char *const cmds[] = { "init",      "revision", "upgrade",
					    "downgrade", "current",  "heads",
					    "branches",  "history",  "show",
					    "stamp",     "merge" };
	const char *vg = getenv("RETORT_VALGRIND");
	size_t i, n = sizeof(cmds) / sizeof(cmds[0]);

	/* help is static text: under valgrind, two commands are enough */
	if (vg && !strcmp(vg, "1"))
		n = 2;
	for (i = 0; i < n; i++) {
		run_result r;

		in_project(&r, NULL, cmds[i], "--help", NULL);
		cr_expect_eq(r.status, 0, "%s", cmds[i]);
		cr_expect(
			strstr(r.out, "usage: retort ") == r.out, "%s",
			cmds[i]);
		run_result_dispose(&r);
	}
}

Test(cli_migrate, startup_example_migrates_at_start)
{
	char cmd[2048], bin[1024], *out;
	const char *slash;

	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	revision(B, A, "add u", "CREATE TABLE u(x);", "DROP TABLE u;");
	slash = strrchr(RETORT_BINARY, '/');
	snprintf(
		bin, sizeof(bin), "%.*s/example_startup",
		(int)(slash - RETORT_BINARY), RETORT_BINARY);
	cr_assert(file_exists(bin), "%s was not built", bin);
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s' && '%s' start.db migrations "
		">out.txt 2>err.txt",
		proj, bin);
	cr_assert_eq(system(cmd), 0);
	out = file_read(path_in(proj, "out.txt"), NULL);
	cr_expect_str_eq(
		out, "2 pending migration(s)\ncurrent revision: " B
		     "\nhead revision: " B "\nstatus: healthy\n");
	free(out);
	out = file_read(path_in(proj, "err.txt"), NULL);
	cr_expect_str_eq(
		out, "migrations: Running upgrade  -> " A
		     ", create t\nmigrations: Running upgrade " A " -> " B
		     ", add u\n");
	free(out);
	/* a second start finds nothing to do */
	cr_assert_eq(system(cmd), 0);
	out = file_read(path_in(proj, "out.txt"), NULL);
	cr_expect(!strncmp(out, "current revision: " B "\n", 31), "%s", out);
	free(out);
}

Test(cli_migrate, malformed_revision_file_is_named)
{
	char path[512], want[1024];
	run_result r;

	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	snprintf(path, sizeof(path), "%s/migrations/versions/bad.sql", proj);
	file_write_text(
		path, "-- bad\n--\n-- Revision ID: " B "\n"
		      "-- Revises: " A ", nothex\n-- migrate:up\n");
	in_project(&r, NULL, "upgrade", NULL);
	cr_expect_eq(r.status, 2);
	snprintf(
		want, sizeof(want),
		"retort: %s:4: malformed Revises entry 'nothex': expected 12 "
		"lowercase hex digits, several separated by ', '\n",
		path);
	cr_expect_str_eq(r.err, want);
	run_result_dispose(&r);
	cr_expect_not(file_exists(path_in(proj, "app.db")));
}

Test(cli_migrate, autogenerate_from_the_database)
{
	run_result r;

	revision(A, "", "create t", "CREATE TABLE t(x);", "DROP TABLE t;");
	file_write_text(
		path_in(proj, "schema.sql"), "CREATE TABLE t(x, y INTEGER);\n");
	in_project(
		&r, NULL, "revision", "--autogenerate", "--from-db", "-m",
		"add y", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(
		strstr(r.err, "target database is not up to date"), "%s",
		r.err);
	run_result_dispose(&r);
	in_project(&r, NULL, "upgrade", NULL);
	run_result_dispose(&r);
	in_project(
		&r, NULL, "revision", "--autogenerate", "--from-db", "-m",
		"add y", NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "Detected added column 't.y'\n");
	cr_expect(strstr(r.out, "_add_y.sql ...  done\n"), "%s", r.out);
	run_result_dispose(&r);
	in_project(&r, NULL, "revision", "--rename", "a=b", "-m", "x", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "go with --autogenerate"), "%s", r.err);
	run_result_dispose(&r);
}
