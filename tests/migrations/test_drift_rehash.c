/*
** test_drift_rehash.c -- retort_rehash(): Schema lines filled, refreshed
** or left alone, one revision or all, applied revisions refused unless
** forced (and then the database's checksum refreshed when only the line
** changed), odd file layouts, errors.
** Groups: migrations_rehash.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mig_helpers.h"
#include "retort.h"

#define A "aaaaaaaaaaaa"
#define B "bbbbbbbbbbbb"

static mig_project m;

static void setup(void)
{
	mig_open(&m);
}

static void teardown(void)
{
	mig_close(&m);
}

TestSuite(migrations_rehash, .init = setup, .fini = teardown);

/* The path of revision ID's file in a static buffer. */
static const char *rev_path(const char *id)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s.sql", m.versions, id);
	return path;
}

/* The contents of revision ID's file (from malloc). */
static char *rev_text(const char *id)
{
	FILE *f = fopen(rev_path(id), "rb");
	char *buf = malloc(16384);
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, 16383, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void two_revisions(void)
{
	mig_rev(&m, A, "", "CREATE TABLE t (x INTEGER);", "DROP TABLE t;");
	mig_rev(&m, B, A, "CREATE INDEX ix_t ON t (x);", "DROP INDEX ix_t;");
}

/* Rehash TARGET with URL and FORCE; must succeed. */
static void rehash_ok(
	retort_rehash_list *l, const char *target, const char *url, bool force)
{
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_rehash(l, target, url, force, &m.opts, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
}

/* Run the revisions check (and EXTRA); true when it found nothing. */
static bool check_clean(const char *url, unsigned extra)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_check_result *r = NULL;
	bool ok;

	co.checks = RETORT_CHECK_REVISIONS | extra;
	cr_assert_eq(
		retort_check_run(&r, url, &co, &m.opts, &err), 0, "%s: %s",
		err.what, err.why);
	ok = retort_check_ok(r);
	retort_check_result_free(r);
	return ok;
}

static void upgrade(const char *target)
{
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_migrate_upgrade(m.db, target, &m.opts, &err), 0, "%s",
		err.why);
}

Test(migrations_rehash, fills_then_leaves_alone)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	char *before, *after, *line;

	two_revisions();
	cr_expect(!check_clean(NULL, 0));
	rehash_ok(&l, NULL, NULL, false);
	cr_assert_eq(l.n, 2);
	cr_expect_str_eq(l.items[0].id, A);
	cr_expect_str_eq(l.items[1].id, B);
	cr_expect(l.items[0].changed && l.items[1].changed);
	cr_expect_str_eq(l.items[0].old_schema, "");
	cr_expect_str_neq(l.items[0].new_schema, l.items[1].new_schema);
	cr_expect(!l.items[0].applied);
	/* the line sits after Create Date, and check agrees with it */
	after = rev_text(A);
	line =
		strstr(after, "-- Create Date: 2026-01-01 00:00:00 UTC\n"
			      "-- Schema: xxh3:");
	cr_expect_not_null(line, "%s", after);
	cr_expect(strstr(after, l.items[0].new_schema) != NULL);
	cr_expect(check_clean(NULL, 0));
	/* nothing to do the second time: files byte for byte the same */
	before = after;
	rehash_ok(&l, NULL, NULL, false);
	cr_expect(!l.items[0].changed && !l.items[1].changed);
	after = rev_text(A);
	cr_expect_str_eq(after, before);
	free(before);
	free(after);
	retort_rehash_list_dispose(&l);
	cr_expect_null(l.items);
}

Test(migrations_rehash, refreshes_one_revision)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	char old_b[22], *text;

	two_revisions();
	rehash_ok(&l, NULL, NULL, false);
	memcpy(old_b, l.items[1].new_schema, 22);
	/* A changes: A's and B's lines are stale; rehash only A */
	mig_rev(&m, A, "", "CREATE TABLE t (x INTEGER);\nCREATE TABLE u (y);",
		"DROP TABLE t;");
	rehash_ok(&l, A, NULL, false);
	cr_assert_eq(l.n, 1);
	cr_expect_str_eq(l.items[0].id, A);
	cr_expect(l.items[0].changed);
	text = rev_text(B);
	cr_expect(strstr(text, old_b) != NULL);
	free(text);
	cr_expect(!check_clean(NULL, 0));
	/* a prefix and "head" work too */
	rehash_ok(&l, "bbb", NULL, false);
	cr_expect(l.n == 1 && l.items[0].changed);
	cr_expect_str_neq(l.items[0].new_schema, old_b);
	rehash_ok(&l, "head", NULL, false);
	cr_expect(l.n == 1 && !l.items[0].changed);
	cr_expect(check_clean(NULL, 0));
	retort_rehash_list_dispose(&l);
}

Test(migrations_rehash, applied_revision_needs_force)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	retort_error err = RETORT_ERROR_INIT;
	char *before, *after;

	two_revisions();
	upgrade(A);
	before = rev_text(A);
	cr_expect_eq(
		retort_rehash(&l, NULL, m.db, false, &m.opts, &err),
		RETORT_EUNSAFE);
	cr_expect(strstr(err.why, "--force") != NULL, "%s", err.why);
	cr_expect(strstr(err.why, A) != NULL, "%s", err.why);
	cr_expect_eq(l.n, 0);
	after = rev_text(A);
	cr_expect_str_eq(after, before);
	free(after);
	/* the unapplied one alone is fine */
	rehash_ok(&l, B, m.db, false);
	cr_expect(l.n == 1 && l.items[0].changed && !l.items[0].applied);
	/* forced: the file changes and, since only its Schema line did,
	   the database's recorded checksum follows */
	rehash_ok(&l, A, m.db, true);
	cr_expect(l.n == 1 && l.items[0].changed && l.items[0].applied);
	cr_expect(l.items[0].db_updated);
	cr_expect(check_clean(m.db, RETORT_CHECK_EDITED | RETORT_CHECK_DRIFT));
	free(before);
	retort_rehash_list_dispose(&l);
}

Test(migrations_rehash, forced_rehash_keeps_an_earlier_edit_visible)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	FILE *f;

	two_revisions();
	upgrade(A);
	f = fopen(rev_path(A), "ab");
	cr_assert_not_null(f);
	fputs("DROP TABLE IF EXISTS t2;\n", f); /* edited after applying */
	fclose(f);
	rehash_ok(&l, NULL, m.db, true);
	cr_assert_eq(l.n, 2);
	cr_expect(l.items[0].changed && !l.items[0].db_updated);
	/* the edit stays reported; the Schema line itself is right */
	cr_expect(!check_clean(m.db, RETORT_CHECK_EDITED));
	cr_expect(check_clean(NULL, 0));
	retort_rehash_list_dispose(&l);
}

Test(migrations_rehash, missing_database_means_nothing_applied)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;

	two_revisions();
	rehash_ok(&l, NULL, m.db, false);
	cr_expect_eq(l.n, 2);
	cr_expect(access(m.db, F_OK) != 0); /* not created */
	retort_rehash_list_dispose(&l);
}

Test(migrations_rehash, file_layouts)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	char *text;

	/* CRLF line ends, no Create Date, a Schema line to replace */
	mig_write(
		&m, A ".sql",
		"-- first\r\n--\r\n-- Revision ID: " A "\r\n-- Revises:\r\n"
		"\r\n-- migrate:up\r\nCREATE TABLE t (x);\r\n"
		"-- migrate:down\r\nDROP TABLE t;\r\n");
	mig_write(
		&m, B ".sql",
		"-- second\n--\n-- Revision ID: " B "\n-- Revises: " A "\n"
		"-- Schema: xxh3:0000000000000000\n-- Create Date: x\n\n"
		"-- migrate:up\n-- Schema: not a header\nCREATE TABLE u (y);"
		"\n");
	rehash_ok(&l, NULL, NULL, false);
	cr_expect(l.items[0].changed && l.items[1].changed);
	cr_expect_str_eq(l.items[1].old_schema, "xxh3:0000000000000000");
	text = rev_text(A);
	cr_expect(
		strstr(text, "-- Revises:\r\n-- Schema: xxh3:") != NULL, "%s",
		text);
	free(text);
	text = rev_text(B);
	cr_expect(
		strstr(text, "-- Revises: " A "\n-- Schema: xxh3:") != NULL,
		"%s", text);
	cr_expect(strstr(text, "-- Schema: not a header\n") != NULL);
	cr_expect(strstr(text, "0000000000000000") == NULL);
	free(text);
	cr_expect(check_clean(NULL, 0));
	retort_rehash_list_dispose(&l);
}

Test(migrations_rehash, errors)
{
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	retort_error err = RETORT_ERROR_INIT;

	two_revisions();
	cr_expect_eq(
		retort_rehash(&l, "base", NULL, false, &m.opts, &err),
		RETORT_EINVAL);
	retort_error_clear(&err);
	cr_expect_lt(retort_rehash(&l, "9", NULL, false, &m.opts, &err), 0);
	cr_expect_neq(err.why[0], '\0');
	retort_error_clear(&err);
	/* a revision whose SQL fails: nothing is written */
	mig_rev(&m, B, A, "CREATE INDEX ix ON nowhere (x);", "SELECT 1;");
	cr_expect_eq(
		retort_rehash(&l, NULL, NULL, false, &m.opts, &err),
		RETORT_ESQLITE);
	cr_expect(strstr(err.what, B) != NULL, "%s", err.what);
	cr_expect(strstr(err.why, "nowhere") != NULL, "%s", err.why);
	cr_expect_eq(l.n, 0);
	{
		char *text = rev_text(A);

		cr_expect(strstr(text, "Schema:") == NULL);
		free(text);
	}
}
