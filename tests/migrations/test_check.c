/*
** test_check.c -- retort_check_run() and retort_status_run(): each check
** firing and not firing, no false positives on databases built by the
** revisions (VACUUM, a table rebuild, renames, SQLite's own rewrites of
** the stored text), the error paths, and the --json objects.
** Groups: migrations_check, migrations_check_json.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alloc_int.h"
#include "mig_helpers.h"
#include "retort.h"

#define A "aaaaaaaaaaaa"
#define B "bbbbbbbbbbbb"
#define C "cccccccccccc"
#define X "ffffffffffff"

static mig_project m;
static char model[200]; /* DIR/schema.sql */

static void setup(void)
{
	mig_open(&m);
	snprintf(model, sizeof(model), "%s/schema.sql", m.dir);
}

static void teardown(void)
{
	mig_close(&m);
}

TestSuite(migrations_check, .init = setup, .fini = teardown);
TestSuite(migrations_check_json, .init = setup, .fini = teardown);

#define USERS                                                                  \
 "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, "           \
 "name TEXT);\nCREATE INDEX ix_users_email ON users (email);"
#define POSTS                                                                  \
 "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id "          \
 "INTEGER "                                                                    \
 "REFERENCES users (id), body TEXT);\n"                                        \
 "CREATE TRIGGER tr_posts AFTER INSERT ON posts BEGIN UPDATE posts SET "       \
 "body = trim(body) WHERE id = NEW.id; END;"

/* Fill every Schema: line (retort_rehash, tested in test_drift_rehash). */
static void rehash(void)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;

	cr_assert_eq(
		retort_rehash(&l, NULL, NULL, false, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	retort_rehash_list_dispose(&l);
}

/* A (users) then B (posts), with Schema lines. */
static void two_revisions(void)
{
	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	mig_rev(&m, B, A, POSTS, "DROP TABLE posts;");
	rehash();
}

/* Overwrite revision ID's file from its first OLD on with NEW_TEXT. */
static void edit_rev(const char *id, const char *old, const char *new_text)
{
	char path[512], buf[8192], *at;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.sql", m.versions, id);
	fp = fopen(path, "rb");
	cr_assert_not_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	at = strstr(buf, old);
	cr_assert_not_null(at, "no '%s' in %s", old, path);
	cr_assert_leq(strlen(new_text), strlen(at));
	memcpy(at, new_text, strlen(new_text));
	mig_write_path(path, buf);
}

static void upgrade(const char *target)
{
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_migrate_upgrade(m.db, target, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
}

/* Run SQL on the database. */
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

/* Run CHECKS (0: the default) with MODEL (or none); must succeed. */
static retort_check_result *run(unsigned checks, const char *model_src)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_check_result *r = NULL;

	co.checks = checks;
	co.model = model_src;
	cr_assert_eq(
		retort_check_run(&r, m.db, &co, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	cr_assert_not_null(r);
	return r;
}

/* The only finding of kind KIND (the test fails if not exactly one). */
static const retort_check_finding *
only(const retort_check_result *r, retort_finding_kind kind)
{
	const retort_check_finding *found = NULL;
	size_t i;

	for (i = 0; i < retort_check_nfindings(r); i++) {
		const retort_check_finding *f = retort_check_finding_at(r, i);

		if (f->kind != kind)
			continue;
		cr_assert_null(found, "two findings of kind %d", kind);
		found = f;
	}
	cr_assert_not_null(
		found, "no finding of kind %s", retort_finding_kind_name(kind));
	return found;
}

static retort_check_state state(const retort_check_result *r, unsigned c)
{
	return retort_check_state_of(r, (retort_check_flag)c, NULL);
}

/* Assert every check of CHECKS passed and nothing was found. */
static void expect_clean(const retort_check_result *r, unsigned checks)
{
	unsigned c;

	for (c = 1; c <= RETORT_CHECK_REVISIONS; c <<= 1) {
		const char *note;
		retort_check_state st =
			retort_check_state_of(r, (retort_check_flag)c, &note);

		if (checks & c)
			cr_expect_eq(
				st, RETORT_CHECK_PASSED, "%s: %d (%s)",
				retort_check_name((retort_check_flag)c), st,
				note);
		else
			cr_expect_eq(st, RETORT_CHECK_NOT_RUN);
	}
	if (retort_check_nfindings(r))
		cr_expect_fail(
			"unexpected finding: %s",
			retort_check_finding_at(r, 0)->message);
	cr_expect(retort_check_ok(r));
}

/* The diff of a drift finding has one operation of KIND on OBJECT. */
static void expect_one_op(
	const retort_check_finding *f,
	retort_op_kind kind,
	const char *object,
	const char *name)
{
	const retort_diff_op *op;

	cr_assert_not_null(f->diff);
	cr_assert_eq(
		retort_diff_count(f->diff), 1, "%zu operations",
		retort_diff_count(f->diff));
	op = retort_diff_get(f->diff, 0);
	cr_expect_eq(op->kind, kind, "%s", retort_op_kind_name(op->kind));
	cr_expect_str_eq(op->object, object);
	if (name)
		cr_expect_str_eq(op->name, name);
}

/* The database after drift by hand: the drift check's only finding. */
static const retort_check_finding *
drifted(retort_check_result **r, const char *sql)
{
	two_revisions();
	upgrade("head");
	exec_db(sql);
	*r = run(RETORT_CHECK_DB, NULL);
	cr_expect_eq(state(*r, RETORT_CHECK_DRIFT), RETORT_CHECK_FAILED);
	cr_expect_eq(state(*r, RETORT_CHECK_PENDING), RETORT_CHECK_PASSED);
	cr_expect_eq(state(*r, RETORT_CHECK_EDITED), RETORT_CHECK_PASSED);
	cr_expect_eq(retort_check_nfindings(*r), 1);
	return only(*r, RETORT_FINDING_SCHEMA_DRIFT);
}

Test(migrations_check, clean_database_passes_every_check)
{
	retort_check_result *r;

	two_revisions();
	upgrade("head");
	mig_write_path(model, USERS "\n" POSTS);
	r = run(0, model);
	expect_clean(r, RETORT_CHECK_DEFAULT);
	cr_expect_eq(retort_check_current(r)->n, 1);
	cr_expect_str_eq(retort_check_current(r)->ids[0], B);
	cr_expect_eq(retort_check_pending(r)->n, 0);
	retort_check_result_free(r);
	/* every check at once, the revisions one included */
	r = run(RETORT_CHECK_DEFAULT | RETORT_CHECK_REVISIONS, model);
	expect_clean(r, RETORT_CHECK_DEFAULT | RETORT_CHECK_REVISIONS);
	retort_check_result_free(r);
}

Test(migrations_check, added_column_is_drift)
{
	retort_check_result *r;
	const retort_check_finding *f =
		drifted(&r, "ALTER TABLE users ADD COLUMN nickname TEXT");

	expect_one_op(f, RETORT_OP_ADD_COLUMN, "users", "nickname");
	cr_expect_str_eq(f->revision, B);
	cr_expect(strstr(f->message, "revision " B) != NULL, "%s", f->message);
	cr_expect(strstr(f->fix, "retort revision --autogenerate") != NULL);
	cr_expect_not_null(f->expected);
	cr_expect_not_null(f->actual);
	cr_expect_str_neq(f->expected, f->actual);
	cr_expect(!retort_check_ok(r));
	retort_check_result_free(r);
}

Test(migrations_check, added_index_is_drift)
{
	retort_check_result *r;
	const retort_check_finding *f =
		drifted(&r, "CREATE INDEX ix_posts_body ON posts (body)");

	expect_one_op(f, RETORT_OP_ADD_INDEX, "posts", "ix_posts_body");
	retort_check_result_free(r);
}

Test(migrations_check, added_trigger_is_drift)
{
	retort_check_result *r;
	const retort_check_finding *f = drifted(
		&r, "CREATE TRIGGER tr_users AFTER DELETE ON users BEGIN "
		    "DELETE FROM posts WHERE user_id = OLD.id; END");

	expect_one_op(f, RETORT_OP_ADD_TRIGGER, "tr_users", NULL);
	retort_check_result_free(r);
}

Test(migrations_check, added_table_is_drift)
{
	retort_check_result *r;
	const retort_check_finding *f =
		drifted(&r, "CREATE TABLE audit (at TEXT, what TEXT)");

	expect_one_op(f, RETORT_OP_ADD_TABLE, "audit", NULL);
	retort_check_result_free(r);
}

Test(migrations_check, dropped_index_is_drift)
{
	retort_check_result *r;
	const retort_check_finding *f =
		drifted(&r, "DROP INDEX ix_users_email");

	expect_one_op(f, RETORT_OP_DROP_INDEX, "users", "ix_users_email");
	retort_check_result_free(r);
}

Test(migrations_check, drift_found_without_schema_lines)
{
	retort_check_result *r;
	const retort_check_finding *f;

	/* no rehash: the check replays the revisions and compares */
	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	upgrade("head");
	r = run(RETORT_CHECK_DRIFT, NULL);
	expect_clean(r, RETORT_CHECK_DRIFT);
	retort_check_result_free(r);
	exec_db("DROP INDEX ix_users_email");
	r = run(RETORT_CHECK_DRIFT, NULL);
	f = only(r, RETORT_FINDING_SCHEMA_DRIFT);
	expect_one_op(f, RETORT_OP_DROP_INDEX, "users", "ix_users_email");
	cr_expect_null(f->expected); /* no Schema line to quote */
	retort_check_result_free(r);
}

Test(migrations_check, objects_at_base_are_drift)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	exec_db("CREATE TABLE t (x)");
	r = run(RETORT_CHECK_PENDING | RETORT_CHECK_DRIFT, NULL);
	f = only(r, RETORT_FINDING_SCHEMA_DRIFT);
	expect_one_op(f, RETORT_OP_ADD_TABLE, "t", NULL);
	cr_expect_null(f->revision);
	only(r, RETORT_FINDING_PENDING);
	retort_check_result_free(r);
}

Test(migrations_check, no_false_positive_after_vacuum_and_analyze)
{
	retort_check_result *r;

	two_revisions();
	upgrade("head");
	exec_db("INSERT INTO users (email) VALUES ('a@x'), ('b@x');"
		"INSERT INTO posts (user_id, body) VALUES (1, ' hi ');"
		"DELETE FROM users WHERE id = 2; VACUUM; ANALYZE;");
	r = run(RETORT_CHECK_DB, NULL);
	expect_clean(r, RETORT_CHECK_DB);
	retort_check_result_free(r);
}

Test(migrations_check, no_false_positive_after_rebuild_and_renames)
{
	retort_check_result *r;

	two_revisions();
	/* SQLite's 12-step rebuild (make users.name NOT NULL), then the
	   renames that make SQLite quote names in the stored text */
	mig_rev(&m, C, B,
		"PRAGMA foreign_keys=OFF;\n"
		"CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT "
		"NOT NULL, name TEXT NOT NULL DEFAULT '');\n"
		"INSERT INTO new_users (id, email, name) SELECT id, email, "
		"coalesce(name, '') FROM users;\n"
		"DROP TABLE users;\n"
		"ALTER TABLE new_users RENAME TO users;\n"
		"CREATE INDEX ix_users_email ON users (email);\n"
		"PRAGMA foreign_key_check;\n"
		"PRAGMA foreign_keys=ON;\n"
		"ALTER TABLE posts RENAME TO \"Post Items\";\n"
		"ALTER TABLE \"Post Items\" RENAME COLUMN body TO \"the body\";",
		"SELECT 1;");
	rehash();
	upgrade(B);
	exec_db("INSERT INTO users (email) VALUES ('a@x');"
		"INSERT INTO posts (user_id, body) VALUES (1, 'x');");
	upgrade("head");
	r = run(RETORT_CHECK_DB | RETORT_CHECK_REVISIONS, NULL);
	expect_clean(r, RETORT_CHECK_DB | RETORT_CHECK_REVISIONS);
	retort_check_result_free(r);
}

Test(migrations_check, no_false_positive_on_cosmetic_stored_text)
{
	retort_check_result *r;

	/* another SQLite, a hand-run script or an ALTER may store the same
	   schema with other quoting, spacing and keyword case */
	two_revisions();
	upgrade("head");
	exec_db("PRAGMA writable_schema=ON;"
		"UPDATE sqlite_master SET sql = 'CREATE TABLE \"users\"(\n"
		"  id integer primary key,\n  [email] text not null,\n"
		"  `name` TEXT\n)' WHERE name = 'users';"
		"UPDATE sqlite_master SET sql = replace(sql, ' ON posts ', "
		"' ON \"posts\"\n  ') WHERE name = 'tr_posts';"
		"PRAGMA writable_schema=OFF;");
	r = run(RETORT_CHECK_DB, NULL);
	expect_clean(r, RETORT_CHECK_DB);
	retort_check_result_free(r);
}

Test(migrations_check, behind_head_is_pending)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	mig_rev(&m, C, B, "CREATE TABLE tags (name TEXT);", "DROP TABLE tags;");
	rehash();
	upgrade(A);
	r = run(RETORT_CHECK_DB, NULL);
	f = only(r, RETORT_FINDING_PENDING);
	cr_assert_eq(f->nrevisions, 2);
	cr_expect_str_eq(f->revisions[0], B);
	cr_expect_str_eq(f->revisions[1], C);
	cr_expect_str_eq(f->fix, "retort upgrade head");
	cr_expect(
		strstr(f->message, "2 revisions behind head " C) != NULL, "%s",
		f->message);
	/* behind, but as revision A built it: no drift */
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_PASSED);
	cr_expect_eq(retort_check_nfindings(r), 1);
	retort_check_result_free(r);
}

Test(migrations_check, two_heads_pending_fix_is_upgrade_heads)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	mig_rev(&m, C, A, "CREATE TABLE tags (name TEXT);", "DROP TABLE tags;");
	rehash();
	upgrade(B);
	r = run(RETORT_CHECK_PENDING | RETORT_CHECK_DRIFT, NULL);
	f = only(r, RETORT_FINDING_PENDING);
	cr_expect_str_eq(f->fix, "retort upgrade heads");
	cr_expect_eq(f->nrevisions, 1);
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_PASSED);
	retort_check_result_free(r);
	/* at both heads: no Schema line covers both, the replay does */
	upgrade("heads");
	r = run(RETORT_CHECK_DB, NULL);
	expect_clean(r, RETORT_CHECK_DB);
	retort_check_result_free(r);
}

Test(migrations_check, unknown_revision_fails_and_skips_drift)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	upgrade("head");
	exec_db("UPDATE retort_version SET version_num = '" X "'");
	r = run(RETORT_CHECK_DB, NULL);
	f = only(r, RETORT_FINDING_UNKNOWN_REVISION);
	cr_expect_str_eq(f->revision, X);
	cr_expect(strstr(f->fix, "retort stamp --purge") != NULL);
	cr_expect_eq(state(r, RETORT_CHECK_PENDING), RETORT_CHECK_FAILED);
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_SKIPPED);
	/* B's history row is still there and its file unchanged */
	cr_expect_eq(state(r, RETORT_CHECK_EDITED), RETORT_CHECK_PASSED);
	cr_expect_eq(retort_check_nfindings(r), 1);
	retort_check_result_free(r);
}

Test(migrations_check, stamped_at_a_revision_without_file)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_check_result *r;
	const retort_check_finding *f;
	char path[512];

	/* stamped at B, whose file is not in this checkout */
	two_revisions();
	upgrade(A);
	cr_assert_eq(
		retort_migrate_stamp(m.db, B, false, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	snprintf(path, sizeof(path), "%s/%s.sql", m.versions, B);
	cr_assert_eq(unlink(path), 0);
	r = run(RETORT_CHECK_DB, NULL);
	f = only(r, RETORT_FINDING_UNKNOWN_REVISION);
	cr_expect_str_eq(f->revision, B);
	cr_expect(strstr(f->message, "no revision file") != NULL);
	/* reported once: not again as an applied revision without file */
	cr_expect_eq(retort_check_nfindings(r), 1);
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_SKIPPED);
	retort_check_result_free(r);
}

Test(migrations_check, edited_applied_revision)
{
	retort_check_result *r;
	const retort_check_finding *f;
	char path[512];

	two_revisions();
	upgrade("head");
	snprintf(path, sizeof(path), "%s/%s.sql", m.versions, A);
	{
		char *old = mig_query(
			m.db, "SELECT checksum FROM "
			      "retort_version_history WHERE "
			      "revision = '" A "'");
		FILE *fp = fopen(path, "ab");

		cr_assert_not_null(fp);
		fputs("-- a comment added later\n", fp);
		fclose(fp);
		r = run(RETORT_CHECK_DB, NULL);
		f = only(r, RETORT_FINDING_EDITED_REVISION);
		cr_expect_str_eq(f->revision, A);
		cr_expect_str_eq(f->path, path);
		cr_expect_str_eq(f->expected, old);
		cr_expect_str_neq(f->actual, old);
		free(old);
	}
	cr_expect_eq(state(r, RETORT_CHECK_EDITED), RETORT_CHECK_FAILED);
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_PASSED);
	cr_expect_eq(retort_check_nfindings(r), 1);
	retort_check_result_free(r);
}

Test(migrations_check, edited_unapplied_revision_is_not_reported)
{
	retort_check_result *r;

	two_revisions();
	upgrade(A);
	mig_rev(&m, B, A,
		POSTS "\nCREATE INDEX ix_posts_user ON posts "
		      "(user_id);",
		"DROP TABLE posts;");
	r = run(RETORT_CHECK_EDITED | RETORT_CHECK_DRIFT, NULL);
	expect_clean(r, RETORT_CHECK_EDITED | RETORT_CHECK_DRIFT);
	retort_check_result_free(r);
}

Test(migrations_check, applied_revision_without_file)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	upgrade("head");
	exec_db("INSERT INTO retort_version_history VALUES ('" X
		"', 'xxh3:0000000000000000', '2026-01-01T00:00:00Z')");
	r = run(RETORT_CHECK_EDITED, NULL);
	f = only(r, RETORT_FINDING_MISSING_FILE);
	cr_expect_str_eq(f->revision, X);
	cr_expect_null(f->path);
	retort_check_result_free(r);
}

Test(migrations_check, model_change_without_revision)
{
	retort_check_result *r;
	const retort_check_finding *f;

	two_revisions();
	mig_write_path(
		model, USERS "\n" POSTS
			     "\nCREATE TABLE tags (name TEXT PRIMARY KEY);");
	r = run(RETORT_CHECK_NO_DB, model);
	f = only(r, RETORT_FINDING_MODEL_AHEAD);
	expect_one_op(f, RETORT_OP_ADD_TABLE, "tags", NULL);
	cr_expect_str_eq(f->fix, "retort revision --autogenerate -m MSG");
	cr_expect_eq(state(r, RETORT_CHECK_REVISIONS), RETORT_CHECK_PASSED);
	cr_expect_null(retort_check_current(r)->ids);
	retort_check_result_free(r);
	/* the model as the revisions build it, in another order: passes */
	mig_write_path(model, POSTS "\n" USERS);
	r = run(RETORT_CHECK_MODEL, model);
	expect_clean(r, RETORT_CHECK_MODEL);
	retort_check_result_free(r);
}

Test(migrations_check, model_without_schema_lines_is_compared)
{
	retort_check_result *r;

	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	mig_write_path(model, USERS);
	r = run(RETORT_CHECK_MODEL, model);
	expect_clean(r, RETORT_CHECK_MODEL);
	retort_check_result_free(r);
	mig_write_path(
		model, "CREATE TABLE users (id INTEGER PRIMARY KEY, "
		       "email TEXT NOT NULL, name TEXT);");
	r = run(RETORT_CHECK_MODEL, model);
	expect_one_op(
		only(r, RETORT_FINDING_MODEL_AHEAD), RETORT_OP_DROP_INDEX,
		"users", "ix_users_email");
	retort_check_result_free(r);
}

Test(migrations_check, model_skipped_without_model)
{
	retort_check_result *r;
	const char *note;

	two_revisions();
	r = run(RETORT_CHECK_NO_DB, NULL);
	cr_expect_eq(
		retort_check_state_of(r, RETORT_CHECK_MODEL, &note),
		RETORT_CHECK_SKIPPED);
	cr_expect(strstr(note, "no model") != NULL, "%s", note);
	cr_expect(retort_check_ok(r));
	retort_check_result_free(r);
}

Test(migrations_check, stale_and_missing_schema_lines)
{
	retort_check_result *r;
	const retort_check_finding *f;

	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	mig_rev(&m, B, A, POSTS, "DROP TABLE posts;");
	rehash();
	/* B edited after its rehash, and C written without a Schema line */
	edit_rev(B, "body TEXT", "body INT ");
	mig_rev(&m, C, B, "CREATE TABLE tags (name TEXT);", "DROP TABLE tags;");
	r = run(RETORT_CHECK_REVISIONS, NULL);
	cr_expect_eq(retort_check_nfindings(r), 2);
	cr_expect_eq(state(r, RETORT_CHECK_REVISIONS), RETORT_CHECK_FAILED);
	f = only(r, RETORT_FINDING_STALE_SCHEMA);
	cr_expect_str_eq(f->revision, B);
	cr_expect_str_eq(f->fix, "retort rehash " B);
	cr_expect_str_neq(f->expected, f->actual);
	f = only(r, RETORT_FINDING_NO_SCHEMA);
	cr_expect_str_eq(f->revision, C);
	cr_expect_str_eq(f->fix, "retort rehash " C);
	cr_expect(strstr(f->message, "no Schema line") != NULL);
	retort_check_result_free(r);
}

Test(migrations_check, stale_head_line_is_not_trusted_for_the_model)
{
	retort_check_result *r;
	const retort_check_finding *f;

	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	rehash();
	/* A's SQL edited, its old Schema line kept: the line is stale */
	edit_rev(A, "CREATE INDEX", "--EATE INDEX");
	mig_write_path(model, USERS);
	r = run(RETORT_CHECK_NO_DB, model);
	f = only(r, RETORT_FINDING_STALE_SCHEMA);
	cr_expect_str_eq(f->revision, A);
	/* the model (with the index) is ahead of what A now builds */
	expect_one_op(
		only(r, RETORT_FINDING_MODEL_AHEAD), RETORT_OP_ADD_INDEX,
		"users", "ix_users_email");
	retort_check_result_free(r);
}

Test(migrations_check, stale_line_of_current_revision_found_by_drift)
{
	retort_check_result *r;
	const retort_check_finding *f;

	mig_rev(&m, A, "", USERS, "DROP TABLE users;");
	rehash();
	edit_rev(A, "-- Schema: xxh3:", "-- Schema: xxh3:0123456789abcdef");
	upgrade("head");
	r = run(RETORT_CHECK_DB, NULL);
	/* the database is what A builds: no drift, but A's line is wrong */
	cr_expect_eq(state(r, RETORT_CHECK_DRIFT), RETORT_CHECK_PASSED);
	f = only(r, RETORT_FINDING_STALE_SCHEMA);
	cr_expect_eq(f->check, RETORT_CHECK_REVISIONS);
	cr_expect_str_eq(f->expected, "xxh3:0123456789abcdef");
	cr_expect_str_eq(f->fix, "retort rehash --force " A);
	cr_expect_eq(state(r, RETORT_CHECK_REVISIONS), RETORT_CHECK_FAILED);
	retort_check_result_free(r);
}

Test(migrations_check, empty_project_and_empty_database)
{
	retort_check_result *r;

	exec_db("SELECT 1");
	mig_write_path(model, "");
	r = run(0, model);
	expect_clean(r, RETORT_CHECK_DEFAULT);
	retort_check_result_free(r);
}

Test(migrations_check, errors)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_check_result *r = NULL;

	two_revisions();
	/* no database file: an error, never created */
	cr_expect_eq(
		retort_check_run(&r, m.db, NULL, &m.opts, &err),
		RETORT_ENOTFOUND);
	cr_expect_null(r);
	cr_expect(strstr(err.why, "--no-db") != NULL, "%s", err.why);
	cr_expect(access(m.db, F_OK) != 0);
	/* a model that does not load */
	retort_error_clear(&err);
	mig_write_path(model, "CREATE TABLE (;");
	co.checks = RETORT_CHECK_MODEL;
	co.model = model;
	cr_expect_lt(retort_check_run(&r, NULL, &co, &m.opts, &err), 0);
	cr_expect_null(r);
	cr_expect_neq(err.why[0], '\0');
	/* unknown check bits */
	retort_error_clear(&err);
	co.checks = 1u << 10;
	cr_expect_eq(
		retort_check_run(&r, NULL, &co, &m.opts, &err), RETORT_EINVAL);
	/* a broken revision file */
	retort_error_clear(&err);
	mig_write(&m, "broken.sql", "-- oops\n");
	co.checks = RETORT_CHECK_NO_DB;
	cr_expect_eq(
		retort_check_run(&r, NULL, &co, &m.opts, &err), RETORT_EINVAL);
	cr_expect(strstr(err.what, "broken.sql") != NULL, "%s", err.what);
}

Test(migrations_check, status_verdicts)
{
	retort_check_result *r = NULL;
	retort_error err = RETORT_ERROR_INIT;

	two_revisions();
	upgrade(A);
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_expect_eq(retort_status_health(r), RETORT_WARNING);
	cr_expect_str_eq(
		retort_health_name(retort_status_health(r)), "warning");
	retort_check_result_free(r);
	upgrade("head");
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_expect_eq(retort_status_health(r), RETORT_HEALTHY);
	cr_expect_eq(state(r, RETORT_CHECK_EDITED), RETORT_CHECK_NOT_RUN);
	retort_check_result_free(r);
	exec_db("CREATE INDEX ix_extra ON posts (body)");
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_expect_eq(retort_status_health(r), RETORT_UNHEALTHY);
	cr_expect_str_eq(retort_health_name(retort_status_health(r)), "error");
	retort_check_result_free(r);
	exec_db("DROP INDEX ix_extra;"
		"UPDATE retort_version SET version_num = '" X "'");
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_expect_eq(retort_status_health(r), RETORT_UNHEALTHY);
	retort_check_result_free(r);
}

/* Parse a JSON document (the test fails if it is not one). */
static cJSON *parse(const retort_buf *b)
{
	cJSON *doc = cJSON_Parse(b->ptr);

	cr_assert_not_null(doc, "not JSON: %s", b->ptr);
	cr_expect_eq(b->ptr[b->size - 1], '\n');
	return doc;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	cr_assert_not_null(v, "no key %s", key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

Test(migrations_check_json, check_object)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_check_result *r;
	const cJSON *checks, *findings, *f;
	cJSON *doc;

	two_revisions();
	upgrade(A);
	exec_db("CREATE TABLE extra (x)");
	r = run(RETORT_CHECK_DB, NULL);
	cr_assert_eq(retort_check_json(&b, r, &err), RETORT_OK);
	doc = parse(&b);
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "ok")));
	cr_expect_str_eq(jstr(doc, "database"), m.db);
	cr_expect_eq(
		cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			doc, "pending_migrations")),
		1);
	checks = cJSON_GetObjectItemCaseSensitive(doc, "checks");
	cr_expect_str_eq(
		jstr(cJSON_GetObjectItemCaseSensitive(checks, "drift"),
		     "status"),
		"failed");
	cr_expect_str_eq(
		jstr(cJSON_GetObjectItemCaseSensitive(checks, "model"),
		     "status"),
		"not_run");
	findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	cr_assert_eq(cJSON_GetArraySize(findings), 2);
	f = cJSON_GetArrayItem(findings, 0);
	cr_expect_str_eq(jstr(f, "check"), "pending");
	cr_expect_str_eq(jstr(f, "kind"), "pending");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, "diff")));
	f = cJSON_GetArrayItem(findings, 1);
	cr_expect_str_eq(jstr(f, "kind"), "schema_drift");
	cr_expect_str_eq(jstr(f, "revision"), A);
	cr_expect_str_eq(
		jstr(cJSON_GetArrayItem(
			     cJSON_GetObjectItemCaseSensitive(
				     cJSON_GetObjectItemCaseSensitive(
					     f, "diff"),
				     "operations"),
			     0),
		     "kind"),
		"add_table");
	cJSON_Delete(doc);
	retort_buf_dispose(&b);
	retort_check_result_free(r);
}

Test(migrations_check_json, status_object)
{
	retort_error err = RETORT_ERROR_INIT, fail = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_check_result *r = NULL;
	cJSON *doc;

	two_revisions();
	upgrade(A);
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_assert_eq(retort_status_json(&b, r, &err), RETORT_OK);
	doc = parse(&b);
	cr_expect_str_eq(jstr(doc, "status"), "warning");
	cr_expect_str_eq(jstr(doc, "current_revision"), A);
	cr_expect_str_eq(jstr(doc, "head_revision"), B);
	cr_expect(
		cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "pending")));
	cr_expect_str_eq(
		cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(
				doc, "pending_migrations"),
			0)
			->valuestring,
		B);
	cr_expect(cJSON_IsFalse(
		cJSON_GetObjectItemCaseSensitive(doc, "schema_drift")));
	cJSON_Delete(doc);
	retort_check_result_free(r);
	/* an unknown revision: drift is not known (null) */
	exec_db("UPDATE retort_version SET version_num = '" X "'");
	cr_assert_eq(retort_status_run(&r, m.db, NULL, &m.opts, &err), 0);
	cr_assert_eq(retort_status_json(&b, r, &err), RETORT_OK);
	doc = parse(&b);
	cr_expect_str_eq(jstr(doc, "status"), "error");
	cr_expect(cJSON_IsNull(
		cJSON_GetObjectItemCaseSensitive(doc, "schema_drift")));
	cJSON_Delete(doc);
	retort_check_result_free(r);
	/* the error object */
	retort_error_set(&fail, RETORT_ENOTFOUND, "app.db", "no such file");
	cr_assert_eq(retort_status_error_json(&b, &fail, &err), RETORT_OK);
	doc = parse(&b);
	cr_expect_str_eq(jstr(doc, "status"), "error");
	cr_expect_str_eq(jstr(doc, "error"), "app.db: no such file");
	cr_expect(cJSON_IsNull(
		cJSON_GetObjectItemCaseSensitive(doc, "current_revision")));
	cJSON_Delete(doc);
	retort_buf_dispose(&b);
}

Test(migrations_check, out_of_memory_at_every_allocation)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	long n;
	int rc = RETORT_ENOMEM;

	/* drift (diff), model ahead (diff), revisions, pending: every path */
	two_revisions();
	upgrade(A);
	exec_db("CREATE TABLE extra (x)");
	mig_write_path(model, USERS);
	co.checks = RETORT_CHECK_DEFAULT | RETORT_CHECK_REVISIONS;
	co.model = model;
	for (n = 1; rc == RETORT_ENOMEM && n < 100000; n++) {
		retort_error err = RETORT_ERROR_INIT;
		retort_check_result *r = NULL;
		retort_buf b = RETORT_BUF_INIT;

		retort__alloc_fail_after(n);
		rc = retort_check_run(&r, m.db, &co, &m.opts, &err);
		if (rc == RETORT_OK) {
			cr_assert_not_null(r);
			rc = retort_check_json(&b, r, &err);
		} else {
			cr_assert_null(r);
		}
		retort__alloc_fail_after(0);
		if (rc < 0)
			cr_assert_eq(
				rc, RETORT_ENOMEM, "at %ld: %d %s: %s", n, rc,
				err.what, err.why);
		else
			cr_expect_eq(retort_check_nfindings(r), 3);
		retort_check_result_free(r);
		retort_buf_dispose(&b);
	}
	cr_expect_eq(rc, RETORT_OK);
}
