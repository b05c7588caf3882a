/*
** test_drift_sql.c -- retort_drift_sql(): the query run with the real
** sqlite3 shell prints nothing on databases the revisions built (after
** VACUUM, a rebuild, renames, cosmetic stored text), and on drifted
** databases names the same objects as the drift check's diff.
** Groups: migrations_drift_sql.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "mig_helpers.h"
#include "retort.h"

#define A "aaaaaaaaaaaa"
#define B "bbbbbbbbbbbb"
#define C "cccccccccccc"

static mig_project m;

static void setup(void)
{
	mig_open(&m);
}

static void teardown(void)
{
	mig_close(&m);
}

TestSuite(migrations_drift_sql, .init = setup, .fini = teardown);

#define USERS                                                                  \
 "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "           \
 "name TEXT);\nCREATE INDEX ix_users_email ON users (email);"
#define POSTS                                                                  \
 "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id "          \
 "INTEGER "                                                                    \
 "REFERENCES users (id), body TEXT);\n"                                        \
 "CREATE VIEW v_posts AS SELECT p.id, u.email FROM posts AS p JOIN users "     \
 "AS u ON u.id = p.user_id;\n"                                                 \
 "CREATE TRIGGER tr_posts AFTER INSERT ON posts BEGIN UPDATE posts SET "       \
 "body = trim(body) WHERE id = NEW.id; END;"

static void two_revisions(void)
{
	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	mig_rev(&m, B, A, POSTS, "DROP TABLE posts;");
}

static void upgrade(const char *target)
{
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_migrate_upgrade(m.db, target, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
}

static void exec_db(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	cr_assert_eq(sqlite3_open(m.db, &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
		sql, msg);
	sqlite3_close(db);
}

/*
** Write the drift query for TARGET and run it with the sqlite3 shell on
** the database; its output (from malloc).
*/
static char *drift_rows(const char *target)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf sql = RETORT_BUF_INIT;
	char path[256], cmd[700], *out = malloc(65536);
	size_t n = 0, got;
	FILE *p;
	int status;

	cr_assert_eq(
		retort_drift_sql(&sql, target, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	snprintf(path, sizeof(path), "%s/drift.sql", m.dir);
	mig_write_path(path, sql.ptr);
	retort_buf_dispose(&sql);
	snprintf(
		cmd, sizeof(cmd), "sqlite3 -bail '%s' < '%s' 2>&1", m.db, path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while ((got = fread(out + n, 1, 65535 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	status = pclose(p);
	cr_assert_eq(status, 0, "sqlite3 failed: %s", out);
	return out;
}

/* Names of the objects a drift diff touches, sorted, one per line. */
static void check_objects(char *out, size_t size)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_check_result *r = NULL;
	const retort_check_finding *f = NULL;
	char names[32][64];
	size_t i, n = 0, k;

	co.checks = RETORT_CHECK_DRIFT;
	cr_assert_eq(
		retort_check_run(&r, m.db, &co, &m.opts, &err), 0, "%s",
		err.why);
	if (retort_check_nfindings(r))
		f = retort_check_finding_at(r, 0);
	for (i = 0; f && i < retort_diff_count(f->diff); i++) {
		const retort_diff_op *op = retort_diff_get(f->diff, i);
		const char *name =
			op->kind == RETORT_OP_ADD_INDEX ||
					op->kind == RETORT_OP_DROP_INDEX
				? op->name
				: op->object;

		for (k = 0; k < n && strcmp(names[k], name); k++)
			;
		if (k == n && n < 32)
			snprintf(names[n++], 64, "%s", name);
	}
	qsort(names, n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(
			out + strlen(out), size - strlen(out), "%s\n",
			names[i]);
	retort_check_result_free(r);
}

/* The third column of ROWS, sorted and unique, one per line. */
static void row_objects(char *out, size_t size, const char *rows)
{
	char names[32][64];
	size_t n = 0, i, k;

	while (*rows) {
		const char *end = strchr(rows, '\n'), *name;
		char line[256];

		snprintf(
			line, sizeof(line), "%.*s",
			(int)(end ? end - rows : (long)strlen(rows)), rows);
		name = strrchr(line, '|');
		cr_assert_not_null(name, "not a row: %s", line);
		for (k = 0; k < n && strcmp(names[k], name + 1); k++)
			;
		if (k == n && n < 32)
			snprintf(names[n++], 64, "%s", name + 1);
		rows = end ? end + 1 : rows + strlen(rows);
	}
	qsort(names, n, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(
			out + strlen(out), size - strlen(out), "%s\n",
			names[i]);
}

/* Drift SQL by hand, then the query's rows equal ROWS and name the
 * objects that the drift check reports. */
static void expect_drift(const char *sql, const char *rows)
{
	char *got, a[2048], b[2048];

	two_revisions();
	upgrade("head");
	exec_db(sql);
	got = drift_rows(NULL);
	cr_expect_str_eq(got, rows);
	row_objects(a, sizeof(a), got);
	check_objects(b, sizeof(b));
	cr_expect_str_eq(a, b, "drift-sql names:\n%s\ncheck names:\n%s", a, b);
	cr_expect_neq(a[0], '\0');
	free(got);
}

Test(migrations_drift_sql, clean_database_prints_nothing)
{
	char *got;

	two_revisions();
	upgrade("head");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "");
	free(got);
	exec_db("INSERT INTO users (email) VALUES ('a'); VACUUM; ANALYZE");
	got = drift_rows("head");
	cr_expect_str_eq(got, "");
	free(got);
}

Test(migrations_drift_sql, added_column)
{
	expect_drift(
		"ALTER TABLE users ADD COLUMN nickname TEXT",
		"different|table|users\n");
}

Test(migrations_drift_sql, added_index)
{
	expect_drift(
		"CREATE INDEX ix_posts_body ON posts (body)",
		"extra|index|ix_posts_body\n");
}

Test(migrations_drift_sql, added_trigger)
{
	expect_drift(
		"CREATE TRIGGER tr_users AFTER DELETE ON users BEGIN DELETE "
		"FROM posts WHERE user_id = OLD.id; END",
		"extra|trigger|tr_users\n");
}

Test(migrations_drift_sql, added_table)
{
	expect_drift("CREATE TABLE audit (at TEXT)", "extra|table|audit\n");
}

Test(migrations_drift_sql, dropped_index)
{
	expect_drift(
		"DROP INDEX ix_users_email", "missing|index|ix_users_email\n");
}

Test(migrations_drift_sql, changed_view_and_two_drifts)
{
	expect_drift(
		"DROP VIEW v_posts; CREATE VIEW v_posts AS SELECT id FROM "
		"posts; DROP INDEX ix_users_email",
		"missing|index|ix_users_email\ndifferent|view|v_posts\n");
}

Test(migrations_drift_sql, targets)
{
	char *got;

	two_revisions();
	upgrade("head");
	got = drift_rows(A);
	cr_expect_str_eq(
		got, "extra|table|posts\nextra|trigger|tr_posts\n"
		     "extra|view|v_posts\n");
	free(got);
	got = drift_rows("base");
	cr_expect_str_eq(
		got, "extra|index|ix_users_email\nextra|table|posts\n"
		     "extra|table|users\nextra|trigger|tr_posts\n"
		     "extra|view|v_posts\n");
	free(got);
}

Test(migrations_drift_sql, database_behind_lists_missing)
{
	char *got;

	two_revisions();
	upgrade(A);
	got = drift_rows(NULL);
	cr_expect_str_eq(
		got, "missing|table|posts\nmissing|trigger|tr_posts\n"
		     "missing|view|v_posts\n");
	free(got);
}

Test(migrations_drift_sql, no_rows_after_rebuild_and_renames)
{
	char *got;

	two_revisions();
	mig_rev(&m, C, B,
		"PRAGMA foreign_keys=OFF;\n"
		"DROP VIEW v_posts;\n"
		"CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT "
		"NOT NULL, name TEXT NOT NULL DEFAULT '');\n"
		"INSERT INTO new_users SELECT id, email, coalesce(name, '') "
		"FROM users;\n"
		"DROP TABLE users;\n"
		"ALTER TABLE new_users RENAME TO users;\n"
		"CREATE INDEX ix_users_email ON users (email);\n"
		"ALTER TABLE posts RENAME TO \"Post Items\";\n"
		"ALTER TABLE \"Post Items\" RENAME COLUMN body TO \"the body\";\n"
		"CREATE VIEW v_posts AS SELECT 1 AS one;",
		"SELECT 1;");
	upgrade("head");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "");
	free(got);
}

Test(migrations_drift_sql, quoting_and_whitespace_do_not_count)
{
	char *got;

	two_revisions();
	upgrade("head");
	/* the same schema stored as another SQLite or an ALTER may store
	   it: quoted names, other line breaks and spacing */
	exec_db("PRAGMA writable_schema=ON;"
		"UPDATE sqlite_master SET sql = 'CREATE TABLE \"users\"(id "
		"INTEGER PRIMARY KEY,\n\temail  TEXT NOT NULL , [name] TEXT )' "
		"WHERE name = 'users';"
		"UPDATE sqlite_master SET sql = replace(sql, 'ON users (email)',"
		" 'ON `users`(\"email\")') WHERE name = 'ix_users_email';"
		"PRAGMA writable_schema=OFF;");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "");
	free(got);
}

Test(migrations_drift_sql, virtual_tables_without_shadows)
{
	char *got;

	mig_rev(&m, A, "",
		"CREATE VIRTUAL TABLE docs USING fts5(title, body);\n"
		"CREATE TABLE docs_extra (x);",
		"DROP TABLE docs;");
	upgrade("head");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "");
	free(got);
	exec_db("CREATE VIRTUAL TABLE pts USING rtree(id, x0, x1)");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "extra|table|pts\n");
	free(got);
}

Test(migrations_drift_sql, odd_names_and_version_table)
{
	char *got;

	m.opts.version_table = "my_versions";
	mig_rev(&m, A, "",
		"CREATE TABLE \"it's \"\"odd\"\"\" (\"a b\" TEXT DEFAULT "
		"'x''y');\n"
		"CREATE INDEX \"ix it's\" ON \"it's \"\"odd\"\"\" (\"a b\");",
		"SELECT 1;");
	upgrade("head");
	got = mig_query(m.db, "SELECT count(*) FROM my_versions");
	cr_expect_str_eq(got, "1");
	free(got);
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "");
	free(got);
	exec_db("DROP INDEX \"ix it's\"");
	got = drift_rows(NULL);
	cr_expect_str_eq(got, "missing|index|ix it's\n");
	free(got);
}

Test(migrations_drift_sql, errors)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf sql = RETORT_BUF_INIT;

	two_revisions();
	cr_expect_eq(
		retort_drift_sql(&sql, "0123", &m.opts, &err),
		RETORT_ENOTFOUND);
	cr_expect_eq(sql.size, 0);
	retort_error_clear(&err);
	mig_rev(&m, C, B, "CREATE TABLE oops (", "SELECT 1;");
	cr_expect_eq(
		retort_drift_sql(&sql, NULL, &m.opts, &err), RETORT_ESQLITE);
	cr_expect(strstr(err.what, C) != NULL, "%s", err.what);
	cr_expect_eq(sql.size, 0);
	retort_buf_dispose(&sql);
}

Test(migrations_drift_sql, out_of_memory_at_every_allocation)
{
	retort_buf want = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	long n;
	int rc = RETORT_ENOMEM;

	two_revisions();
	cr_assert_eq(retort_drift_sql(&want, NULL, &m.opts, &err), RETORT_OK);
	for (n = 1; rc == RETORT_ENOMEM && n < 100000; n++) {
		retort_buf sql = RETORT_BUF_INIT;

		retort_error_clear(&err);
		retort__alloc_fail_after(n);
		rc = retort_drift_sql(&sql, NULL, &m.opts, &err);
		retort__alloc_fail_after(0);
		if (rc < 0) {
			cr_assert_eq(
				rc, RETORT_ENOMEM, "at %ld: %s: %s", n,
				err.what, err.why);
			cr_expect_eq(sql.size, 0);
		} else {
			cr_expect_str_eq(sql.ptr, want.ptr);
		}
		retort_buf_dispose(&sql);
	}
	cr_expect_eq(rc, RETORT_OK);
	retort_buf_dispose(&want);
}
