/*
** test_runner.c -- running revisions against real database files.
** Groups: migrations_runner (upgrade, downgrade, branches and merges,
** version and history tables, the failure path, foreign keys, triggers,
** stamp, initialize, current, pending, backup, progress), migrations_sql
** (offline SQL equals what the runner executes), migrations_kill (kill -9
** during a long revision leaves a revision boundary).
*/
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mig_helpers.h"
#include "migrate_int.h"

#define A  "a00000000000"
#define B  "b00000000000"
#define C1 "c10000000000"
#define C2 "c20000000000"
#define D  "d00000000000"

static mig_project m;
static retort_error err;

static void setup(void)
{
	mig_open(&m);
	retort_error_clear(&err);
}

static void teardown(void)
{
	mig_close(&m);
}

TestSuite(migrations_runner, .init = setup, .fini = teardown);

static int upgrade(const char *target)
{
	retort_error_clear(&err);
	return retort_migrate_upgrade(m.db, target, &m.opts, &err);
}

static int downgrade(const char *target)
{
	retort_error_clear(&err);
	return retort_migrate_downgrade(m.db, target, &m.opts, &err);
}

/* 1 when table NAME exists in the database. */
static int has_table(const char *name)
{
	char sql[256], *s;
	int n;

	snprintf(
		sql, sizeof(sql),
		"SELECT count(*) FROM sqlite_master WHERE name = '%s'", name);
	s = mig_query(m.db, sql);
	n = s ? atoi(s) : 0;
	free(s);
	return n;
}

static void chain(void)
{
	mig_rev(&m, A, "", "CREATE TABLE a(x);\nINSERT INTO a VALUES (1);",
		"DROP TABLE a;");
	mig_rev(&m, B, A, "ALTER TABLE a ADD COLUMN y;",
		"ALTER TABLE a DROP COLUMN y;");
	mig_rev(&m, C1, B, "CREATE TABLE c(x);", "DROP TABLE c;");
}

Test(migrations_runner, upgrade_and_downgrade_a_chain)
{
	char *s;

	chain();
	cr_assert_eq(upgrade(NULL), RETORT_OK, "%s: %s", err.what, err.why);
	cr_expect_str_eq(mig_versions(m.db), C1);
	cr_expect(has_table("c"));
	s = mig_query(m.db, "SELECT count(*) FROM retort_version_history");
	cr_expect_str_eq(s, "3");
	free(s);
	cr_assert_eq(downgrade(NULL), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), B);
	cr_expect_not(has_table("c"));
	s = mig_query(
		m.db, "SELECT group_concat(revision) FROM "
		      "(SELECT revision FROM retort_version_history "
		      "ORDER BY 1)");
	cr_expect_str_eq(s, A "," B);
	free(s);
	cr_assert_eq(downgrade("base"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), "");
	cr_expect_not(has_table("a"));
	cr_expect(has_table("retort_version"));
	cr_assert_eq(upgrade("+2"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), B);
	s = mig_query(m.db, "SELECT x || ',' || ifnull(y, 'null') FROM a");
	cr_expect_str_eq(s, "1,null");
	free(s);
}

Test(migrations_runner, history_keeps_checksum_and_time)
{
	retort_project *p = NULL;
	char *s;

	chain();
	cr_assert_eq(upgrade(A), RETORT_OK, "%s", err.why);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	s = mig_query(m.db, "SELECT checksum FROM retort_version_history");
	cr_expect_str_eq(s, retort_project_find(p, A)->checksum);
	free(s);
	s = mig_query(
		m.db, "SELECT applied_at GLOB "
		      "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"
		      "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' FROM "
		      "retort_version_history");
	cr_expect_str_eq(s, "1");
	free(s);
	retort_project_free(p);
}

Test(migrations_runner, branches_then_merge_then_back)
{
	mig_rev(&m, A, "", "CREATE TABLE a(x);", "DROP TABLE a;");
	mig_rev(&m, C1, A, "CREATE TABLE c1(x);", "DROP TABLE c1;");
	mig_rev(&m, C2, A, "CREATE TABLE c2(x);", "DROP TABLE c2;");
	cr_expect_eq(upgrade("head"), RETORT_EINVAL);
	cr_expect(strstr(err.why, "multiple head revisions") != NULL);
	cr_assert_eq(upgrade("c2"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), C2);
	cr_assert_eq(upgrade("heads"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), C1 "," C2);
	mig_rev(&m, D, C1 ", " C2, "CREATE TABLE d(x);", "DROP TABLE d;");
	cr_assert_eq(upgrade("head"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), D);
	cr_expect(has_table("d"));
	cr_assert_eq(downgrade("-1"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), C1 "," C2);
	cr_expect_not(has_table("d"));
	cr_assert_eq(downgrade("-1"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), C1);
	cr_assert_eq(downgrade(A), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), A);
	cr_expect_not(has_table("c1"));
	cr_assert_eq(upgrade("head"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), D);
}

Test(migrations_runner, failing_statement_leaves_previous_revision)
{
	char what[256], *s;

	mig_rev(&m, A, "", "CREATE TABLE a(x);", "DROP TABLE a;");
	mig_rev(&m, B, A,
		"CREATE TABLE b(x);\nINSERT INTO a VALUES (1);\n"
		"INSERT INTO nosuch VALUES (1);\nCREATE TABLE b2(x);",
		"DROP TABLE b;");
	cr_assert_eq(upgrade(NULL), RETORT_ESQLITE);
	snprintf(what, sizeof(what), "%s/" B ".sql:10", m.versions);
	cr_expect_str_eq(err.what, what);
	cr_expect_str_eq(
		err.why, "no such table: nosuch, in statement \"INSERT INTO "
			 "nosuch VALUES (1)\"; the database stays at " A);
	cr_expect_eq(err.sqlite_rc, SQLITE_ERROR);
	cr_expect_str_eq(mig_versions(m.db), A);
	cr_expect_not(has_table("b"));
	s = mig_query(m.db, "SELECT count(*) FROM a");
	cr_expect_str_eq(s, "0");
	free(s);
	s = mig_query(m.db, "SELECT count(*) FROM retort_version_history");
	cr_expect_str_eq(s, "1");
	free(s);
}

Test(migrations_runner, failing_first_revision_leaves_nothing)
{
	mig_rev(&m, A, "", "CREATE TABLE a(x);\nSELECT nosuch();", "");
	cr_assert_eq(upgrade(NULL), RETORT_ESQLITE);
	cr_expect(
		strstr(err.why, "no such function: nosuch") != NULL, "%s",
		err.why);
	cr_expect(strstr(err.why, "stays at base") != NULL, "%s", err.why);
	cr_expect_not(has_table("a"));
	cr_expect_not(has_table("retort_version"));
	cr_expect_not(has_table("retort_version_history"));
}

Test(migrations_runner, rollback_in_a_file_is_refused)
{
	mig_rev(&m, A, "", "CREATE TABLE a(x);\nROLLBACK;", "");
	cr_assert_eq(upgrade(NULL), RETORT_EINVAL);
	cr_expect(strstr(err.what, A ".sql:9") != NULL, "%s", err.what);
	cr_expect_not(has_table("retort_version"));
}

Test(migrations_runner, triggers_run_whole)
{
	char *s;

	mig_rev(&m, A, "",
		"CREATE TABLE a(x);\nCREATE TABLE log(m);\n"
		"CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
		"  INSERT INTO log VALUES ('a;' || CASE WHEN new.x > 1 "
		"THEN 'big' ELSE 'small' END);\n"
		"  INSERT INTO log VALUES ('two');\nEND;\n"
		"INSERT INTO a VALUES (5);",
		"DROP TABLE log; DROP TABLE a;");
	cr_assert_eq(upgrade(NULL), RETORT_OK, "%s: %s", err.what, err.why);
	s = mig_query(m.db, "SELECT group_concat(m, '|') FROM log");
	cr_expect_str_eq(s, "a;big|two");
	free(s);
}

/* A parent with an ON DELETE CASCADE child, and a parent rebuild. */
static void fk_project(const char *extra_up)
{
	char up[2048];

	mig_rev(&m, A, "",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);\n"
		"CREATE TABLE c(id INTEGER PRIMARY KEY, "
		"p INTEGER REFERENCES p(id) ON DELETE CASCADE);\n"
		"INSERT INTO p VALUES (1), (2);\n"
		"INSERT INTO c VALUES (10, 1), (20, 2);",
		"DROP TABLE c; DROP TABLE p;");
	snprintf(
		up, sizeof(up),
		"PRAGMA foreign_keys=OFF;\nBEGIN;\n"
		"CREATE TABLE new_p(id INTEGER PRIMARY KEY, name TEXT);\n"
		"INSERT INTO new_p (id) SELECT id FROM p;\n"
		"DROP TABLE p;\nALTER TABLE new_p RENAME TO p;\n%s"
		"PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;",
		extra_up);
	mig_rev(&m, B, A, up, "ALTER TABLE p DROP COLUMN name;");
}

/* Run the upgrade on a connection with foreign keys on. */
static int upgrade_fk_on(retort_dbstate *st)
{
	retort_project *p = NULL;
	retort_runplan plan;
	retort_run run = { &m.opts, "retort_version", NULL, NULL };
	retort_plan_req head = { "head", false, false, false };
	sqlite3 *db;
	int rc;

	memset(&plan, 0, sizeof(plan));
	cr_assert_eq(sqlite3_open(m.db, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	cr_assert_eq(
		retort_migrate__read_state(st, db, "retort_version", &err),
		RETORT_OK);
	cr_assert(st->fk_on);
	cr_assert_eq(
		retort_migrate__plan(&plan, p, st, &head, &err), RETORT_OK);
	run.db = db;
	rc = retort_migrate__run(p, &plan, st, &run, &err);
	/* the connection's setting is back after success and failure */
	sqlite3_stmt *q;
	cr_assert_eq(
		sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &q, NULL),
		SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	retort_migrate__plan_dispose(&plan);
	retort_migrate__state_dispose(st);
	retort_project_free(p);
	sqlite3_close(db);
	return rc;
}

Test(migrations_runner, foreign_keys_off_outside_the_transaction)
{
	retort_dbstate st;
	char *s;

	fk_project("");
	cr_assert_eq(
		upgrade_fk_on(&st), RETORT_OK, "%s: %s", err.what, err.why);
	/* dropping p with foreign keys on would have cascaded to c */
	s = mig_query(m.db, "SELECT count(*) FROM c");
	cr_expect_str_eq(s, "2");
	free(s);
	cr_expect_str_eq(mig_versions(m.db), B);
}

Test(migrations_runner, foreign_key_check_failure_rolls_back)
{
	retort_dbstate st;
	char *s;

	fk_project("DELETE FROM p WHERE id = 2;\n");
	cr_assert_eq(upgrade_fk_on(&st), RETORT_ESQLITE);
	cr_expect(
		strstr(err.why,
		       "foreign key check failed: a row of c "
		       "(rowid 20) refers to a missing row of p") != NULL,
		"%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), A);
	s = mig_query(m.db, "SELECT count(*) FROM p");
	cr_expect_str_eq(s, "2");
	free(s);
}

Test(migrations_runner, stamp_sets_versions_only)
{
	char *s;

	chain();
	cr_assert_eq(
		retort_migrate_stamp(m.db, "head", false, &m.opts, &err),
		RETORT_OK, "%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), C1);
	cr_expect_not(has_table("a"));
	s = mig_query(m.db, "SELECT count(*) FROM retort_version_history");
	cr_expect_str_eq(s, "3");
	free(s);
	cr_assert_eq(
		retort_migrate_stamp(m.db, A, false, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), A);
	s = mig_query(
		m.db, "SELECT group_concat(revision) FROM "
		      "retort_version_history");
	cr_expect_str_eq(s, A);
	free(s);
	cr_assert_eq(
		retort_migrate_stamp(m.db, "base", false, &m.opts, &err),
		RETORT_OK);
	cr_expect_str_eq(mig_versions(m.db), "");
}

Test(migrations_runner, stamp_purge_clears_an_unknown_revision)
{
	chain();
	cr_assert_eq(upgrade(NULL), RETORT_OK);
	mig_query(
		m.db, "UPDATE retort_version SET version_num = 'eeeeeeeeeeee'");
	cr_expect_eq(upgrade(NULL), RETORT_ENOTFOUND);
	cr_expect(strstr(err.why, "stamp --purge") != NULL);
	cr_expect_eq(
		retort_migrate_stamp(m.db, B, false, &m.opts, &err),
		RETORT_ENOTFOUND);
	retort_error_clear(&err);
	cr_assert_eq(
		retort_migrate_stamp(m.db, B, true, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_expect_str_eq(mig_versions(m.db), B);
}

Test(migrations_runner, initialize_only_once)
{
	chain();
	cr_assert_eq(
		retort_migrate_initialize(m.db, &m.opts, &err), RETORT_OK, "%s",
		err.why);
	cr_expect_str_eq(mig_versions(m.db), C1);
	cr_expect_eq(
		retort_migrate_initialize(m.db, &m.opts, &err), RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "already initialised (at revision " C1 ")"));
}

Test(migrations_runner, current_heads_pending)
{
	retort_revids l = RETORT_REVIDS_INIT;

	chain();
	cr_assert_eq(
		retort_migrate_current(&l, m.db, &m.opts, &err), RETORT_OK);
	cr_expect_eq(l.n, 0);
	cr_expect_eq(access(m.db, F_OK), -1, "current created the database");
	cr_assert_eq(
		retort_migrate_pending(&l, m.db, &m.opts, &err), RETORT_OK);
	cr_expect_str_eq(mig_join(&l), A "," B "," C1);
	cr_assert_eq(retort_migrate_heads(&l, &m.opts, &err), RETORT_OK);
	cr_expect_str_eq(mig_join(&l), C1);
	cr_assert_eq(upgrade(B), RETORT_OK);
	cr_assert_eq(
		retort_migrate_current(&l, m.db, &m.opts, &err), RETORT_OK);
	cr_expect_str_eq(mig_join(&l), B);
	cr_assert_eq(
		retort_migrate_pending(&l, m.db, &m.opts, &err), RETORT_OK);
	cr_expect_str_eq(mig_join(&l), C1);
	cr_assert_eq(upgrade(NULL), RETORT_OK);
	cr_assert_eq(
		retort_migrate_pending(&l, m.db, &m.opts, &err), RETORT_OK);
	cr_expect_eq(l.n, 0);
	retort_revids_dispose(&l);
}

Test(migrations_runner, bad_urls_and_files)
{
	retort_revids l = RETORT_REVIDS_INIT;
	char path[256];

	cr_expect_eq(
		retort_migrate_current(&l, "postgresql://x/y", &m.opts, &err),
		RETORT_EINVAL);
	cr_expect(strstr(err.why, "not a SQLite URL") != NULL);
	retort_error_clear(&err);
	snprintf(path, sizeof(path), "%s/junk.db", m.dir);
	mig_write_path(
		path, "this is not a database, just text padding it out "
		      "to more than one hundred bytes so that SQLite "
		      "reads a header.......................");
	cr_expect_eq(
		retort_migrate_current(&l, path, &m.opts, &err),
		RETORT_ESQLITE);
	cr_expect_str_eq(err.why, "file is not a database");
	cr_expect_eq(err.sqlite_rc, SQLITE_NOTADB);
}

Test(migrations_runner, url_forms)
{
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(
		retort_migrate__url_path(&b, "sqlite:///rel/app.db", &err), 0);
	cr_expect_str_eq(b.ptr, "rel/app.db");
	cr_assert_eq(
		retort_migrate__url_path(&b, "sqlite:////abs/app.db", &err), 0);
	cr_expect_str_eq(b.ptr, "/abs/app.db");
	cr_assert_eq(
		retort_migrate__url_path(
			&b, "sqlite+aiosqlite:///./a.db?mode=ro", &err),
		0);
	cr_expect_str_eq(b.ptr, "./a.db");
	cr_assert_eq(retort_migrate__url_path(&b, "plain/path.db", &err), 0);
	cr_expect_str_eq(b.ptr, "plain/path.db");
	cr_assert_eq(retort_migrate__url_path(&b, "sqlite://", &err), 0);
	cr_expect_str_eq(b.ptr, ":memory:");
	cr_expect_eq(
		retort_migrate__url_path(&b, "sqlite://host/x.db", &err),
		RETORT_EINVAL);
	cr_expect_eq(retort_migrate__url_path(&b, "", &err), RETORT_EINVAL);
	retort_buf_dispose(&b);
}

Test(migrations_runner, backup_copies_the_database)
{
	retort_buf path = RETORT_BUF_INIT;

	chain();
	cr_assert_eq(upgrade(NULL), RETORT_OK);
	cr_assert_eq(
		retort_migrate_backup(&path, m.db, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_expect_eq(strncmp(path.ptr, m.db, strlen(m.db)), 0);
	cr_expect(strstr(path.ptr, ".backup.") != NULL);
	cr_expect_eq(strlen(strstr(path.ptr, ".backup.")), 8 + 15);
	cr_expect_str_eq(mig_versions(path.ptr), C1);
	retort_buf_dispose(&path);
	snprintf(m.db, sizeof(m.db), "%s/none.db", m.dir);
	cr_expect_eq(
		retort_migrate_backup(&path, m.db, &m.opts, &err),
		RETORT_ENOTFOUND);
}

/* Progress reports received. */
static int nprogress, ndone;
static retort_migrate_progress lastp;
static char last_table[64], last_rev[16];

static void on_progress(void *ctx, const retort_migrate_progress *pg)
{
	(void)ctx;
	nprogress++;
	ndone += pg->done;
	lastp = *pg;
	snprintf(
		last_table, sizeof(last_table), "%s",
		pg->table ? pg->table : "");
	snprintf(last_rev, sizeof(last_rev), "%s", pg->revision);
}

Test(migrations_runner, progress_of_a_long_copy)
{
	int saved = retort_migrate__progress_after_ms;

	mig_rev(&m, A, "",
		"CREATE TABLE src(x);\n"
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
		"LIMIT 100000) INSERT INTO src SELECT x FROM c;",
		"");
	mig_rev(&m, B, A,
		"CREATE TABLE dst(x, y);\nINSERT INTO dst (x, y) SELECT x, x * 2 "
		"FROM \"src\";",
		"");
	cr_assert_eq(upgrade(A), RETORT_OK);
	retort_migrate__progress_after_ms = 0;
	m.opts.progress = on_progress;
	nprogress = ndone = 0;
	cr_assert_eq(upgrade(B), RETORT_OK, "%s", err.why);
	retort_migrate__progress_after_ms = saved;
	cr_expect_gt(nprogress, 1);
	cr_expect_eq(ndone, 1);
	cr_expect(lastp.done);
	cr_expect_str_eq(last_table, "src");
	cr_expect_eq(lastp.total, 100000);
	cr_expect_eq(lastp.rows, 100000, "%lld", (long long)lastp.rows);
	cr_expect_str_eq(last_rev, B);
	/* the transfer optimisation (same shape, SELECT *) reports too,
	   the rows only when done */
	mig_rev(&m, C1, B,
		"CREATE TABLE cp(x);\nINSERT INTO cp SELECT * FROM src;", "");
	retort_migrate__progress_after_ms = 0;
	nprogress = ndone = 0;
	cr_assert_eq(upgrade(C1), RETORT_OK, "%s", err.why);
	retort_migrate__progress_after_ms = saved;
	cr_expect_eq(ndone, 1);
	cr_expect_eq(lastp.total, 100000);
	cr_expect_eq(lastp.rows, 100000, "%lld", (long long)lastp.rows);
}

/* Events received, joined by '|'. */
static char events[1024];

static void on_event(void *ctx, const retort_migrate_event *ev)
{
	(void)ctx;
	strcat(events, ev->text);
	strcat(events, "|");
}

Test(migrations_runner, notifies_like_alembic)
{
	mig_rev(&m, A, "", "", "");
	mig_rev(&m, C1, A, "", "");
	mig_rev(&m, C2, A, "", "");
	mig_rev(&m, D, C1 ", " C2, "", "");
	m.opts.notify = on_event;
	events[0] = '\0';
	cr_assert_eq(upgrade("head"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(
		events,
		"Running upgrade  -> " A ", revision " A "|"
		"Running upgrade " A " -> " C1 ", revision " C1 "|"
		"Running upgrade " A " -> " C2 ", revision " C2 "|"
		"Running upgrade " C1 ", " C2 " -> " D ", revision " D "|");
	events[0] = '\0';
	cr_assert_eq(downgrade("base"), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(
		events,
		"Running downgrade " D " -> " C1 ", " C2 ", revision " D "|"
		"Running downgrade " C2 " -> " A ", revision " C2 "|"
		"Running downgrade " C1 " -> " A ", revision " C1 "|"
		"Running downgrade " A " -> , revision " A "|");
	events[0] = '\0';
	cr_assert_eq(retort_migrate_stamp(m.db, C1, false, &m.opts, &err), 0);
	cr_expect_str_eq(events, "Running stamp_revision  -> " C1 "|");
}

Test(migrations_runner, concurrent_change_is_detected)
{
	retort_project *p = NULL;
	retort_dbstate st;
	retort_runplan plan;
	retort_run run = { &m.opts, "retort_version", NULL, NULL };
	retort_plan_req head = { "head", false, false, false };
	sqlite3 *db;

	chain();
	cr_assert_eq(upgrade(A), RETORT_OK);
	cr_assert_eq(sqlite3_open(m.db, &db), SQLITE_OK);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	cr_assert_eq(
		retort_migrate__read_state(&st, db, "retort_version", &err), 0);
	cr_assert_eq(retort_migrate__plan(&plan, p, &st, &head, &err), 0);
	/* another process upgrades between planning and running */
	cr_assert_eq(upgrade(B), RETORT_OK);
	run.db = db;
	cr_expect_eq(
		retort_migrate__run(p, &plan, &st, &run, &err), RETORT_ERROR);
	cr_expect(
		strstr(err.why, "another migration running?") != NULL, "%s",
		err.why);
	cr_expect_str_eq(mig_versions(m.db), B);
	retort_migrate__plan_dispose(&plan);
	retort_migrate__state_dispose(&st);
	retort_project_free(p);
	sqlite3_close(db);
}

/* ------------------------------------------------------------------ */

TestSuite(migrations_sql, .init = setup, .fini = teardown);

/* Statements traced, each followed by ";\n". */
static retort_buf traced;

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = x;

	(void)type;
	(void)ctx;
	if (strcmp(sql, sqlite3_sql(p)) ||
	    !strncmp(sql, "SELECT (SELECT count(*) FROM sqlite_master", 42) ||
	    !strncmp(sql, "SELECT version_num FROM", 23))
		return 0; /* trigger programs; the runner's own reads */
	retort_buf_puts(&traced, sql);
	retort_buf_puts(&traced, ";\n");
	return 0;
}

/* OUT without its comment header lines and blank lines. */
static char *strip_headers(const char *out)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *line = out;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);

		if (strncmp(line, "-- Running ", 11) &&
		    strncmp(line, "-- /tmp/", 8) && line[0] != '\n')
			retort_buf_put(&b, line, n);
		line += n;
	}
	return retort_buf_detach(&b);
}

/* Offline SQL, then the same upgrade traced, with foreign keys FK. */
static void compare_offline_online(bool fk)
{
	retort_project *p = NULL;
	retort_dbstate st;
	retort_runplan plan;
	retort_buf offline = RETORT_BUF_INIT;
	retort_run run = { &m.opts, "retort_version", &offline, NULL };
	retort_plan_req head = { "head", false, false, false };
	sqlite3 *db;
	char *expect;

	memset(&plan, 0, sizeof(plan));
	cr_assert_eq(sqlite3_open(m.db, &db), SQLITE_OK);
	if (fk)
		sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	cr_assert_eq(
		retort_migrate__read_state(&st, db, "retort_version", &err), 0);
	cr_assert_eq(retort_migrate__plan(&plan, p, &st, &head, &err), 0);
	cr_assert_eq(
		retort_migrate__run(p, &plan, &st, &run, &err), RETORT_OK, "%s",
		err.why);
	cr_expect_eq(access(m.db, F_OK), 0);
	cr_expect(strstr(offline.ptr, "-- Running upgrade  -> " A) != NULL);
	cr_expect_eq(
		strstr(offline.ptr, "PRAGMA foreign_keys=OFF;\nBEGIN") != NULL,
		fk);
	run.sql = NULL;
	retort_buf_clear(&traced);
	sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, NULL);
	run.db = db;
	cr_assert_eq(
		retort_migrate__run(p, &plan, &st, &run, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	expect = strip_headers(offline.ptr);
	cr_expect_str_eq(traced.ptr, expect);
	free(expect);
	retort_buf_dispose(&traced);
	retort_buf_dispose(&offline);
	retort_migrate__plan_dispose(&plan);
	retort_migrate__state_dispose(&st);
	retort_project_free(p);
	sqlite3_close(db);
}

Test(migrations_sql, offline_sql_is_what_upgrade_runs)
{
	fk_project("");
	mig_rev(&m, C1, B,
		"-- a comment kept with its statement\n"
		"CREATE TABLE log(m);\n"
		"CREATE TRIGGER t AFTER INSERT ON p BEGIN\n"
		"  INSERT INTO log VALUES ('x;y');\nEND;\n"
		"INSERT INTO p (id) VALUES (3);",
		"DROP TABLE log;");
	compare_offline_online(false);
	cr_expect_str_eq(mig_versions(m.db), C1);
}

Test(migrations_sql, offline_sql_with_foreign_keys_on)
{
	fk_project("");
	compare_offline_online(true);
	cr_expect_str_eq(mig_versions(m.db), B);
}

Test(migrations_sql, public_call_touches_nothing)
{
	retort_buf out = RETORT_BUF_INIT;

	chain();
	cr_assert_eq(
		retort_migrate_upgrade_sql(&out, m.db, NULL, &m.opts, &err),
		RETORT_OK, "%s", err.why);
	cr_expect_eq(access(m.db, F_OK), -1, "--sql created the database");
	cr_expect(
		strstr(out.ptr, "CREATE TABLE \"retort_version\" (version_num "
				"VARCHAR(32) NOT NULL, CONSTRAINT "
				"\"retort_version_pkc\" PRIMARY KEY "
				"(version_num));\n") != NULL);
	cr_expect(
		strstr(out.ptr, "INSERT INTO \"retort_version\" (version_num) "
				"VALUES ('" C1 "');\n") != NULL);
	/* FROM:TO starts elsewhere, with the version tables in place */
	cr_assert_eq(
		retort_migrate_upgrade_sql(&out, NULL, A ":" C1, &m.opts, &err),
		RETORT_OK, "%s", err.why);
	cr_expect_null(strstr(out.ptr, "CREATE TABLE \"retort_version\""));
	cr_expect_null(strstr(out.ptr, "Running upgrade  -> " A));
	cr_expect(
		strstr(out.ptr, "DELETE FROM \"retort_version\" WHERE "
				"version_num IN ('" A "');\n") != NULL);
	/* a downgrade, from the database's revision */
	cr_assert_eq(upgrade(NULL), RETORT_OK);
	cr_assert_eq(
		retort_migrate_downgrade_sql(&out, m.db, "base", &m.opts, &err),
		RETORT_OK, "%s", err.why);
	cr_expect(strstr(out.ptr, "-- Running downgrade " C1 " -> " B) != NULL);
	cr_expect(strstr(out.ptr, "DROP TABLE c;\n") != NULL);
	cr_expect_str_eq(mig_versions(m.db), C1);
	retort_buf_dispose(&out);
}

/* ------------------------------------------------------------------ */

TestSuite(migrations_kill, .init = setup, .fini = teardown);

static int notify_fd;

static void tell_parent(void *ctx, const retort_migrate_event *ev)
{
	(void)ctx;
	if (ev->revision) {
		ssize_t w =
			write(notify_fd, ev->revision->id, RETORT_REVID_LEN);
		(void)w;
	}
}

Test(migrations_kill, kill_9_leaves_a_revision_boundary)
{
	char buf[64] = "", *v, *s;
	size_t got = 0;
	int fds[2], status;
	pid_t pid;

	mig_rev(&m, A, "", "CREATE TABLE a(x);\nINSERT INTO a VALUES (1);",
		"DROP TABLE a;");
	mig_rev(&m, B, A,
		"CREATE TABLE big(x, y);\nCREATE INDEX big_y ON big(y);\n"
		"UPDATE a SET x = 2;\n"
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
		"LIMIT 20000000) INSERT INTO big SELECT x, random() FROM c;",
		"DROP TABLE big;");
	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		retort_error e = RETORT_ERROR_INIT;

		close(fds[0]);
		notify_fd = fds[1];
		m.opts.notify = tell_parent;
		_exit(retort_migrate_upgrade(m.db, NULL, &m.opts, &e) ? 1 : 0);
	}
	close(fds[1]);
	/* wait until the child has started revision B, then kill it */
	while (got < 2 * RETORT_REVID_LEN) {
		ssize_t n = read(fds[0], buf + got, sizeof(buf) - 1 - got);

		cr_assert_gt(n, 0, "the child stopped early");
		got += (size_t)n;
	}
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	s = mig_query(m.db, "PRAGMA integrity_check");
	cr_expect_str_eq(s, "ok");
	free(s);
	v = strdup(mig_versions(m.db));
	s = mig_query(m.db, "SELECT x FROM a");
	if (!strcmp(v, A)) {
		cr_expect(WIFSIGNALED(status));
		cr_expect_not(has_table("big"));
		cr_expect_str_eq(s, "1");
	} else {
		/* the machine was fast: B committed before the kill */
		cr_expect_str_eq(v, B);
		cr_expect_str_eq(s, "2");
	}
	free(s);
	free(v);
}
