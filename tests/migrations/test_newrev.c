/*
** test_newrev.c -- writing revision files and projects.
** Groups: migrations_template (file_template tokens, slug, time zones),
** migrations_newrev (retort_revision_write: parents, ids, merges,
** refusals), migrations_init (retort_project_init), migrations_format
** (Alembic's output forms).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mig_helpers.h"
#include "migrate_int.h"

/* 2026-11-24 09:12:05 UTC */
#define NOW 1795511525

static retort_error err;
static retort_buf out;

static void setup(void)
{
	retort_error_clear(&err);
	retort_buf_clear(&out);
}

static void teardown(void)
{
	retort_buf_dispose(&out);
}

TestSuite(migrations_template, .init = setup, .fini = teardown);

static char *render(const char *tpl, const char *msg, const char *tz)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;

	ro.file_template = tpl;
	ro.message = msg;
	ro.now = NOW;
	ro.timezone = tz;
	retort_error_clear(&err);
	if (retort_revision_filename(&out, "3f2a9c1b7d4e", &ro, &err) < 0)
		return NULL;
	return out.ptr;
}

Test(migrations_template, alembic_tokens)
{
	cr_expect_str_eq(
		render(NULL, "Add users table", "UTC"),
		"20261124_0912_3f2a9c1b7d4e_add_users_table");
	cr_expect_str_eq(
		render("%(rev)s_%(slug)s", "x", "UTC"), "3f2a9c1b7d4e_x");
	cr_expect_str_eq(
		render("%(year)d-%(month).2d-%(day).2d_%(hour).2d%(minute).2d"
		       "%(second).2d_%(epoch)s",
		       "x", "UTC"),
		"2026-11-24_091205_1795511525");
	cr_expect_str_eq(
		render("%%(rev)s_%(rev).4s_%(day)03d_%(month)-3d|", "x", "UTC"),
		"%(rev)s_3f2a_024_11 |");
	cr_expect_str_eq(
		render("100%_%(rev)s", "x", "UTC"), "100%_3f2a9c1b7d4e");
}

Test(migrations_template, time_zones)
{
	cr_expect_str_eq(
		render("%(day)d_%(hour).2d%(minute).2d", "x", "+02:00"),
		"24_1112");
	cr_expect_str_eq(
		render("%(day)d_%(hour).2d%(minute).2d", "x", "-0930"),
		"23_2342");
	cr_expect_str_eq(render("%(hour).2d", "x", "UTC+05"), "14");
	cr_expect_str_eq(render("%(hour).2d", "x", "utc"), "09");
	cr_expect_null(render("%(hour).2d", "x", "Mars/Olympus"));
	cr_expect_eq(err.code, RETORT_EINVAL);
	cr_expect_str_eq(err.what, "timezone");
	cr_expect(strstr(err.why, "unknown time zone 'Mars/Olympus'"));
	cr_expect_null(render("%(hour).2d", "x", "../../etc/passwd"));
	if (access("/usr/share/zoneinfo/Asia/Kolkata", R_OK) == 0) {
		/* a tz database zone: +05:30, no DST */
		cr_expect_str_eq(
			render("%(hour).2d%(minute).2d", "x", "Asia/Kolkata"),
			"1442");
	}
	cr_expect_null(render("%(hour).2d", "x", "+25:00"));
}

Test(migrations_template, slug_is_safe_and_bounded)
{
	cr_expect_str_eq(
		render("%(slug)s", "../etc/passwd; rm -rf /", "UTC"),
		"etc_passwd_rm_rf");
	cr_expect_str_eq(
		render("%(slug)s", "Ünïcode naïve café", "UTC"),
		"n_code_na_ve_caf");
	cr_expect_str_eq(
		render("%(slug)s",
		       "a very long message that goes on "
		       "and on beyond forty characters",
		       "UTC"),
		"a_very_long_message_that_goes_on_and_on_");
	cr_expect_leq(
		strlen(render(
			"%(slug)s",
			"wordwordwordwordwordwordwordwordwordwordwordword",
			"UTC")),
		41);
	cr_expect_str_eq(
		render("%(rev)s_%(slug)s", "", "UTC"), "3f2a9c1b7d4e_");
	cr_expect_str_eq(
		render("%(rev)s_%(slug)s", "!!!", "UTC"), "3f2a9c1b7d4e_");
}

Test(migrations_template, bad_templates)
{
	cr_expect_null(render("%(rev)s/%(slug)s", "x", "UTC"));
	cr_expect(strstr(err.why, "holds a '/'"), "%s", err.why);
	cr_expect_null(render("%(name)s", "x", "UTC"));
	cr_expect(strstr(err.why, "unknown token %(name)"), "%s", err.why);
	cr_expect_null(render("%(rev)d", "x", "UTC"));
	cr_expect(strstr(err.why, "is a string"), "%s", err.why);
	cr_expect_null(render("%(rev", "x", "UTC"));
	cr_expect(strstr(err.why, "unterminated token"), "%s", err.why);
	cr_expect_null(render("%(year)x", "x", "UTC"));
	cr_expect(strstr(err.why, "needs a conversion"), "%s", err.why);
	cr_expect_null(render(".%(rev)s", "x", "UTC"));
}

/* ------------------------------------------------------------------ */

static mig_project m;

static void project_setup(void)
{
	setup();
	mig_open(&m);
}

static void project_teardown(void)
{
	teardown();
	mig_close(&m);
}

TestSuite(migrations_newrev, .init = project_setup, .fini = project_teardown);

/* Write a revision with ID, MESSAGE and parents HEADS (NULL: default). */
static int write_rev(const char *id, const char *msg, const char *head)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	const char *heads[1] = { head };

	retort_error_clear(&err);
	ro.rev_id = id;
	ro.message = msg;
	ro.now = NOW;
	ro.timezone = "UTC";
	ro.file_template = "%(rev)s_%(slug)s";
	if (head) {
		ro.heads = heads;
		ro.nheads = 1;
	}
	return retort_revision_write(&out, &ro, &m.opts, &err);
}

Test(migrations_newrev, chain_branch_and_merge)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	const char *both[] = { "heads" };
	retort_project *p = NULL;
	const retort_revision *r;
	char want[512];

	cr_assert_eq(
		write_rev("aaaaaaaaaaaa", "first one", NULL), RETORT_OK, "%s",
		err.why);
	snprintf(
		want, sizeof(want), "%s/aaaaaaaaaaaa_first_one.sql",
		m.versions);
	cr_expect_str_eq(out.ptr, want);
	cr_assert_eq(write_rev("bbbbbbbbbbbb", "second", NULL), RETORT_OK);
	cr_expect_eq(write_rev("cccccccccccc", "side", "aaaa"), RETORT_EINVAL);
	cr_expect(strstr(err.why, "is not a head revision"));
	cr_expect_eq(write_rev("cccccccccccc", "side", "base"), RETORT_OK);
	cr_expect_eq(write_rev("dddddddddddd", "next", NULL), RETORT_EINVAL);
	cr_expect(strstr(err.why, "multiple heads are present"));
	ro.message = "join";
	ro.rev_id = "eeeeeeeeeeee";
	ro.heads = both;
	ro.nheads = 1;
	ro.merge = true;
	ro.now = NOW;
	ro.timezone = "+01:00";
	cr_assert_eq(
		retort_revision_write(&out, &ro, &m.opts, &err), RETORT_OK,
		"%s", err.why);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	r = retort_project_find(p, "eeeeeeeeeeee");
	cr_assert_not_null(r);
	cr_expect_eq(r->nparents, 2);
	cr_expect_str_eq(r->create_date, "2026-11-24 10:12:05 +01:00");
	cr_expect_str_eq(
		retort_project_find(p, "bbbbbbbbbbbb")->parents[0],
		"aaaaaaaaaaaa");
	cr_expect_eq(retort_project_find(p, "cccccccccccc")->nparents, 0);
	cr_expect_eq(retort_project_nheads(p), 1);
	retort_project_free(p);
	cr_expect_eq(
		retort_revision_write(&out, &ro, &m.opts, &err), RETORT_EINVAL);
	ro.rev_id = NULL;
	retort_error_clear(&err);
	cr_expect_eq(
		retort_revision_write(&out, &ro, &m.opts, &err), RETORT_EINVAL);
	cr_expect(strstr(err.why, "nothing to merge"), "%s", err.why);
}

Test(migrations_newrev, ids_are_checked_or_random)
{
	retort_project *p = NULL;

	cr_expect_eq(write_rev("ABC", "x", NULL), RETORT_EINVAL);
	cr_expect(strstr(err.why, "12 lowercase hex digits"));
	cr_assert_eq(write_rev("aaaaaaaaaaaa", "x", NULL), RETORT_OK);
	cr_expect_eq(write_rev("aaaaaaaaaaaa", "y", NULL), RETORT_EINVAL);
	cr_expect(strstr(err.why, "exists already"));
	cr_assert_eq(write_rev(NULL, "random", NULL), RETORT_OK, "%s", err.why);
	cr_assert_eq(write_rev(NULL, "random", NULL), RETORT_OK, "%s", err.why);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	cr_expect_eq(retort_project_count(p), 3);
	cr_expect(retort_migrate__is_revid(retort_project_head(p, 0)->id));
	retort_project_free(p);
}

Test(migrations_newrev, never_overwrites_a_file)
{
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaa_x.sql", m.versions);
	mig_write_path(path, "-- not a revision");
	cr_expect_eq(write_rev("aaaaaaaaaaaa", "x", NULL), RETORT_EINVAL);
	remove(path);
	retort_error_clear(&err);
	/* a template that always gives the same name */
	ro.file_template = "fixed";
	ro.message = "one";
	cr_assert_eq(
		retort_revision_write(&out, &ro, &m.opts, &err), RETORT_OK);
	ro.message = "two";
	cr_expect_eq(
		retort_revision_write(&out, &ro, &m.opts, &err),
		RETORT_EUNSAFE);
	snprintf(path, sizeof(path), "%s/fixed.sql", m.versions);
	cr_expect_str_eq(err.what, path);
	cr_expect_str_eq(err.why, "cannot create: File exists");
	cr_expect_str_eq(out.ptr, "");
}

Test(migrations_newrev, message_cannot_break_the_header)
{
	retort_project *p = NULL;

	cr_assert_eq(
		write_rev("aaaaaaaaaaaa", "two\nlines", NULL), RETORT_OK, "%s",
		err.why);
	cr_expect_eq(
		write_rev("bbbbbbbbbbbb", "x\nRevision ID: cccccccccccc", NULL),
		RETORT_EINVAL);
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	cr_expect_str_eq(
		retort_project_find(p, "aaaaaaaaaaaa")->message, "two\nlines");
	cr_expect_eq(retort_project_count(p), 1);
	retort_project_free(p);
}

/* ------------------------------------------------------------------ */

TestSuite(migrations_init, .init = project_setup, .fini = project_teardown);

Test(migrations_init, scaffolds_then_refuses)
{
	char dir[256], path[300];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/new/nested", m.dir);
	cr_assert_eq(retort_project_init(dir, &err), RETORT_OK, "%s", err.why);
	snprintf(path, sizeof(path), "%s/migrations/versions", dir);
	cr_expect_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/retort.ini", dir);
	cr_expect_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/schema.sql", dir);
	cr_expect_eq(stat(path, &st), 0);
	cr_expect_eq(retort_project_init(dir, &err), RETORT_EUNSAFE);
	snprintf(path, sizeof(path), "%s/retort.ini", dir);
	cr_expect_str_eq(err.what, path);
	/* any one of the three is enough to refuse */
	retort_error_clear(&err);
	cr_expect_eq(retort_project_init(m.dir, &err), RETORT_EUNSAFE);
	snprintf(path, sizeof(path), "%s/migrations", m.dir);
	cr_expect_str_eq(err.what, path);
}

Test(migrations_init, example_model_is_valid_sql)
{
	char dir[256], path[300], *sql;
	sqlite3 *db;
	FILE *f;
	long n;

	snprintf(dir, sizeof(dir), "%s/p", m.dir);
	cr_assert_eq(retort_project_init(dir, &err), RETORT_OK);
	snprintf(path, sizeof(path), "%s/schema.sql", dir);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	sql = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(sql, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_expect_eq(
		sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
		sqlite3_errmsg(db));
	sqlite3_close(db);
	free(sql);
}

/* ------------------------------------------------------------------ */

TestSuite(migrations_format, .init = project_setup, .fini = project_teardown);

Test(migrations_format, alembic_forms)
{
	retort_project *p = NULL;
	const retort_revision *a, *c, *d;
	char want[1024];

	mig_rev(&m, "aaaaaaaaaaaa", "", "", "");
	mig_rev(&m, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "", "");
	mig_rev(&m, "cccccccccccc", "aaaaaaaaaaaa", "", "");
	mig_rev(&m, "dddddddddddd", "bbbbbbbbbbbb, cccccccccccc", "", "");
	cr_assert_eq(retort_project_open(&p, &m.opts, &err), RETORT_OK);
	a = retort_project_find(p, "aaaaaaaaaaaa");
	c = retort_project_find(p, "cccccccccccc");
	d = retort_project_find(p, "dddddddddddd");
	retort_revision_format(
		&out, a,
		RETORT_REVFMT_PARENTS | RETORT_REVFMT_DOC | RETORT_REVFMT_TREE);
	cr_expect_str_eq(
		out.ptr, "<base> -> aaaaaaaaaaaa (branchpoint), "
			 "revision aaaaaaaaaaaa");
	retort_buf_clear(&out);
	retort_revision_format(
		&out, d,
		RETORT_REVFMT_PARENTS | RETORT_REVFMT_TREE |
			RETORT_REVFMT_CURRENT);
	cr_expect_str_eq(
		out.ptr, "bbbbbbbbbbbb, cccccccccccc -> dddddddddddd "
			 "(head) (current) (mergepoint)");
	retort_buf_clear(&out);
	retort_revision_format(&out, c, RETORT_REVFMT_HEAD);
	cr_expect_str_eq(out.ptr, "cccccccccccc");
	retort_buf_clear(&out);
	retort_revision_format(&out, d, RETORT_REVFMT_HEAD);
	cr_expect_str_eq(out.ptr, "dddddddddddd (head)");
	retort_buf_clear(&out);
	retort_revision_format(&out, a, RETORT_REVFMT_VERBOSE);
	snprintf(
		want, sizeof(want),
		"Rev: aaaaaaaaaaaa (branchpoint)\nParent: <base>\n"
		"Branches into: bbbbbbbbbbbb, cccccccccccc\n"
		"Path: %s/aaaaaaaaaaaa.sql\n\n"
		"    revision aaaaaaaaaaaa\n    \n"
		"    Revision ID: aaaaaaaaaaaa\n    Revises:\n"
		"    Create Date: 2026-01-01 00:00:00 UTC\n\n",
		m.versions);
	cr_expect_str_eq(out.ptr, want);
	retort_project_free(p);
}
