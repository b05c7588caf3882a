/*
** test_autogen.c -- `revision --autogenerate` in the library, and the
** Schema fingerprint of new revisions.
** Groups: migrations_autogen (the loop model -> revision -> upgrade with
** rows kept, no changes, destructive and rename reports, --from-db, bad
** models and revisions), migrations_schema_line (hand-written revisions
** get their parents' fingerprint).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mig_helpers.h"
#include "migrate_int.h"

static mig_project m;
static retort_error err;
static retort_buf path = RETORT_BUF_INIT, report = RETORT_BUF_INIT;
static char model[256];

static void setup(void)
{
	mig_open(&m);
	retort_error_clear(&err);
	retort_buf_clear(&path);
	retort_buf_clear(&report);
	snprintf(model, sizeof(model), "%s/model.sql", m.dir);
}

static void teardown(void)
{
	retort_buf_dispose(&path);
	retort_buf_dispose(&report);
	mig_close(&m);
}

TestSuite(migrations_autogen, .init = setup, .fini = teardown);

/* Autogenerate with message MSG against the model text SQL. */
static int autogen(const char *msg, const char *sql, const char *from_db)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;

	mig_write_path(model, sql);
	ro.message = msg;
	ro.model = model;
	ro.from_db = from_db;
	ro.timezone = "UTC";
	retort_error_clear(&err);
	return retort_revision_autogenerate(&path, &report, &ro, &m.opts, &err);
}

/* The text of the file just written. */
static char *written(void)
{
	static char buf[65536];
	FILE *f = fopen(path.ptr, "rb");
	size_t n;

	cr_assert_not_null(f, "no file at '%s'", path.ptr);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The fingerprint of the model text SQL, as "xxh3:...". */
static char *model_fingerprint(const char *sql)
{
	static char fp[22];
	retort_schema *s = NULL;

	mig_write_path(model, sql);
	cr_assert_eq(
		retort_schema_load(&s, model, NULL, &err), RETORT_OK, "%s",
		err.why);
	retort_fingerprint_format(fp, retort_schema_fingerprint(s));
	retort_schema_free(s);
	return fp;
}

static const char v1[] =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
	"legacy TEXT);\n";
static const char v2[] =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "
	"name TEXT NOT NULL DEFAULT '');\n"
	"CREATE INDEX ix_users_email ON users(email);\n"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL "
	"REFERENCES users(id) ON DELETE CASCADE, body TEXT);\n";

Test(migrations_autogen, loop_keeps_rows)
{
	char schema_line[64], *s;

	cr_assert_eq(
		autogen("v1", v1, NULL), RETORT_OK, "%s: %s", err.what,
		err.why);
	cr_assert_neq(path.size, 0);
	snprintf(
		schema_line, sizeof(schema_line), "-- Schema: %s\n",
		model_fingerprint(v1));
	cr_expect(strstr(written(), schema_line), "%s", written());
	cr_expect_str_eq(report.ptr, "Detected added table 'users'\n");
	cr_assert_eq(
		retort_migrate_upgrade(m.db, NULL, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	free(mig_query(
		m.db, "INSERT INTO users (email, legacy) VALUES "
		      "('a@x', 'old'), ('b@x', NULL)"));
	cr_assert_eq(
		autogen("v2", v2, NULL), RETORT_OK, "%s: %s", err.what,
		err.why);
	s = written();
	snprintf(
		schema_line, sizeof(schema_line), "-- Schema: %s\n",
		model_fingerprint(v2));
	cr_expect(strstr(s, schema_line), "%s", s);
	cr_expect(
		strstr(s, "-- Review before applying:\n--   destructive: "
			  "removed column 'users.legacy'"),
		"%s", s);
	cr_expect(
		strstr(report.ptr, "Detected added table 'posts'\n"), "%s",
		report.ptr);
	cr_expect(
		strstr(report.ptr, "Detected added index "
				   "'users.ix_users_email'\n"),
		"%s", report.ptr);
	cr_expect(
		strstr(report.ptr, "warning: destructive: removed column "
				   "'users.legacy'"),
		"%s", report.ptr);
	cr_assert_eq(
		retort_migrate_upgrade(m.db, NULL, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	s = mig_query(
		m.db, "SELECT group_concat(email || '/' || name, ',') "
		      "FROM users");
	cr_expect_str_eq(s, "a@x/,b@x/");
	free(s);
	cr_assert_eq(
		retort_migrate_downgrade(m.db, "-1", &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	s = mig_query(
		m.db, "SELECT group_concat(email || '/' || "
		      "ifnull(legacy, 'null'), ',') FROM users");
	cr_expect_str_eq(s, "a@x/null,b@x/null"); /* the values are gone */
	free(s);
	cr_assert_eq(
		retort_migrate_upgrade(m.db, "head", &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	/* converged: nothing left to generate */
	cr_assert_eq(autogen("v3", v2, NULL), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(path.ptr, "");
	cr_expect_str_eq(report.ptr, "");
}

Test(migrations_autogen, no_changes_writes_nothing)
{
	cr_assert_eq(autogen("none", "", NULL), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(path.ptr, "");
	cr_expect_str_eq(report.ptr, "");
	cr_expect_eq(mig_count_files(m.versions), 0);
}

Test(migrations_autogen, possible_rename_and_hint)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	retort_diff_options d = RETORT_DIFF_OPTIONS_INIT;
	retort_rename r = { NULL, "a", "b" };
	char *s;

	cr_assert_eq(
		autogen("a", "CREATE TABLE a (x INTEGER, y TEXT);", NULL),
		RETORT_OK);
	cr_assert_eq(retort_migrate_upgrade(m.db, NULL, &m.opts, &err), 0);
	cr_assert_eq(
		autogen("b", "CREATE TABLE b (x INTEGER, y TEXT);", NULL),
		RETORT_OK, "%s", err.why);
	s = written();
	cr_expect(
		strstr(s, "--   possible rename: rerun with --rename a=b to "
			  "keep the data\n"),
		"%s", s);
	cr_expect(
		strstr(report.ptr, "warning: possible rename: rerun with "
				   "--rename a=b"),
		"%s", report.ptr);
	remove(path.ptr);
	/* with the hint it is a rename: no data lost, nothing destructive */
	d.renames = &r;
	d.nrenames = 1;
	ro.message = "b";
	ro.model = model;
	ro.diff = &d;
	cr_assert_eq(
		retort_revision_autogenerate(
			&path, &report, &ro, &m.opts, &err),
		RETORT_OK, "%s", err.why);
	cr_expect_str_eq(report.ptr, "Detected renamed table 'a' to 'b'\n");
	cr_expect_null(strstr(written(), "Review before applying"));
}

Test(migrations_autogen, from_a_live_database_at_head)
{
	char *s;

	cr_assert_eq(autogen("v1", v1, NULL), RETORT_OK);
	/* the database must be at head */
	cr_expect_eq(autogen("v2", v2, m.db), RETORT_EINVAL);
	cr_expect(
		strstr(err.why, "target database is not up to date"), "%s",
		err.why);
	cr_assert_eq(retort_migrate_upgrade(m.db, NULL, &m.opts, &err), 0);
	cr_assert_eq(
		autogen("v2", v2, m.db), RETORT_OK, "%s: %s", err.what,
		err.why);
	s = written();
	cr_expect(
		strstr(s, "ALTER TABLE \"users\" ADD COLUMN \"name\""), "%s",
		s);
	cr_expect(strstr(s, model_fingerprint(v2)), "%s", s);
	/* a database changed by hand shows up */
	remove(path.ptr);
	free(mig_query(m.db, "CREATE TABLE extra (x)"));
	cr_assert_eq(autogen("v1 again", v1, m.db), RETORT_OK, "%s", err.why);
	cr_expect(
		strstr(report.ptr, "Detected removed table 'extra'"), "%s",
		report.ptr);
}

Test(migrations_autogen, bad_models_and_revisions)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;

	cr_expect_eq(
		retort_revision_autogenerate(
			&path, &report, &ro, &m.opts, &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.what, "model");
	cr_expect_neq(autogen("x", "CREATE TABLE (;", NULL), RETORT_OK);
	cr_expect(strstr(err.what, "model.sql"), "%s", err.what);
	mig_rev(&m, "aaaaaaaaaaaa", "",
		"CREATE TABLE t(x);\nCREATE TABEL u(x);", "");
	cr_expect_eq(autogen("x", v1, NULL), RETORT_ESQLITE);
	cr_expect(strstr(err.what, "aaaaaaaaaaaa.sql:9"), "%s", err.what);
	cr_expect(strstr(err.why, "syntax error"), "%s", err.why);
	cr_expect(strstr(err.why, "replaying the revisions"), "%s", err.why);
	cr_expect_eq(mig_count_files(m.versions), 1);
}

/* ------------------------------------------------------------------ */

TestSuite(migrations_schema_line, .init = setup, .fini = teardown);

/* The Schema line of the revision file just written. */
static char *schema_of_written(void)
{
	static char fp[32];
	const char *s = strstr(written(), "-- Schema: ");

	cr_assert_not_null(s);
	snprintf(fp, sizeof(fp), "%.21s", s + 11);
	return fp;
}

Test(migrations_schema_line, hand_written_revisions_get_the_parents_schema)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;

	ro.message = "empty";
	cr_assert_eq(
		retort_revision_write(&path, &ro, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_expect_str_eq(schema_of_written(), model_fingerprint(""));
	cr_assert_eq(autogen("v1", v1, NULL), RETORT_OK, "%s", err.why);
	cr_assert_eq(
		retort_revision_write(&path, &ro, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_expect_str_eq(schema_of_written(), model_fingerprint(v1));
}
