/*
** test_graph.c -- the revision graph and the plans made on it.
** Groups: migrations_graph (loading, order, heads, every graph error,
** targets, history ranges), migrations_plan (upgrade, downgrade, +N/-N,
** branches and merges, stamp; the version rows each step writes).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mig_helpers.h"
#include "migrate_int.h"

#define A  "a00000000000"
#define B  "b00000000000"
#define C1 "c10000000000"
#define C2 "c20000000000"
#define D  "d00000000000"

static mig_project m;
static retort_project *p;
static retort_error err;

static void setup(void)
{
	mig_open(&m);
	p = NULL;
	retort_error_clear(&err);
}

static void teardown(void)
{
	retort_project_free(p);
	mig_close(&m);
}

TestSuite(migrations_graph, .init = setup, .fini = teardown);

/* A -> B -> {C1, C2} -> D (merge), as in Alembic's branches guide. */
static void diamond(bool with_merge)
{
	mig_rev(&m, A, "", "CREATE TABLE a(x);", "DROP TABLE a;");
	mig_rev(&m, B, A, "CREATE TABLE b(x);", "DROP TABLE b;");
	mig_rev(&m, C1, B, "CREATE TABLE c1(x);", "DROP TABLE c1;");
	mig_rev(&m, C2, B, "CREATE TABLE c2(x);", "DROP TABLE c2;");
	if (with_merge)
		mig_rev(&m, D, C1 ", " C2, "", "");
}

static int open_project(void)
{
	retort_project_free(p);
	p = NULL;
	return retort_project_open(&p, &m.opts, &err);
}

/* Ids of the project in its order, joined by ','. */
static char *order(void)
{
	static char buf[512];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < retort_project_count(p); i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, retort_project_revision(p, i)->id);
	}
	return buf;
}

Test(migrations_graph, linear_chain)
{
	mig_rev(&m, B, A, "", "");
	mig_rev(&m, A, "", "", "");
	mig_rev(&m, C1, B, "", "");
	cr_assert_eq(open_project(), RETORT_OK, "%s: %s", err.what, err.why);
	cr_expect_str_eq(order(), A "," B "," C1);
	cr_assert_eq(retort_project_nheads(p), 1);
	cr_expect_str_eq(retort_project_head(p, 0)->id, C1);
	cr_expect_null(retort_project_head(p, 1));
	cr_expect_eq(retort_project_find(p, B)->nchildren, 1);
	cr_expect_str_eq(retort_project_find(p, B)->children[0], C1);
	cr_expect_null(retort_project_find(p, "b0000000000"));
	cr_expect(retort_project_is_ancestor(
		p, retort_project_find(p, A), retort_project_find(p, C1)));
	cr_expect(retort_project_is_ancestor(
		p, retort_project_find(p, B), retort_project_find(p, B)));
	cr_expect_not(retort_project_is_ancestor(
		p, retort_project_find(p, C1), retort_project_find(p, A)));
}

Test(migrations_graph, branches_and_merge)
{
	const retort_revision *d;

	diamond(false);
	cr_assert_eq(open_project(), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(order(), A "," B "," C1 "," C2);
	cr_expect_eq(retort_project_nheads(p), 2);
	cr_expect_eq(retort_project_find(p, B)->nchildren, 2);
	diamond(true);
	cr_assert_eq(open_project(), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(order(), A "," B "," C1 "," C2 "," D);
	cr_assert_eq(retort_project_nheads(p), 1);
	d = retort_project_head(p, 0);
	cr_expect_str_eq(d->id, D);
	cr_expect_eq(d->nparents, 2);
	cr_expect_not(retort_project_is_ancestor(
		p, retort_project_find(p, C1), retort_project_find(p, C2)));
	cr_expect(retort_project_is_ancestor(p, retort_project_find(p, C2), d));
}

Test(migrations_graph, empty_and_missing_folders)
{
	cr_assert_eq(open_project(), RETORT_OK);
	cr_expect_eq(retort_project_count(p), 0);
	cr_expect_eq(retort_project_nheads(p), 0);
	m.opts.script_location = "/nonexistent/retort/x";
	cr_expect_eq(open_project(), RETORT_ENOTFOUND);
	cr_expect_str_eq(err.what, "/nonexistent/retort/x/versions");
	cr_expect(strstr(err.why, "retort init") != NULL);
}

Test(migrations_graph, files_other_than_sql_are_ignored)
{
	mig_rev(&m, A, "", "", "");
	mig_write(&m, "notes.txt", "hello");
	mig_write(&m, ".hidden.sql", "garbage");
	mig_write(&m, "x.sql~", "garbage");
	cr_assert_eq(open_project(), RETORT_OK, "%s", err.why);
	cr_expect_eq(retort_project_count(p), 1);
}

Test(migrations_graph, same_id_in_two_files)
{
	char what[256], why[256];

	mig_rev(&m, A, "", "", "");
	mig_write(
		&m, "zz_copy.sql",
		"-- copy\n-- Revision ID: " A "\n-- Revises:\n-- migrate:up\n");
	cr_assert_eq(open_project(), RETORT_EINVAL);
	snprintf(what, sizeof(what), "%s/zz_copy.sql:2", m.versions);
	snprintf(
		why, sizeof(why),
		"duplicate revision id " A " (also in %s/" A ".sql)",
		m.versions);
	cr_expect_str_eq(err.what, what);
	cr_expect_str_eq(err.why, why);
}

Test(migrations_graph, unknown_parent)
{
	char what[256];

	mig_rev(&m, A, "", "", "");
	mig_rev(&m, B, "eeeeeeeeeeee", "", "");
	cr_assert_eq(open_project(), RETORT_EINVAL);
	snprintf(what, sizeof(what), "%s/" B ".sql:4", m.versions);
	cr_expect_str_eq(err.what, what);
	cr_expect_str_eq(err.why, "revises unknown revision eeeeeeeeeeee");
}

Test(migrations_graph, cycle)
{
	mig_rev(&m, A, "", "", "");
	mig_rev(&m, B, C1, "", "");
	mig_rev(&m, C1, C2, "", "");
	mig_rev(&m, C2, B, "", "");
	cr_assert_eq(open_project(), RETORT_EINVAL);
	cr_expect(strstr(err.why, "revision cycle: ") != NULL, "%s", err.why);
	cr_expect(
		strstr(err.why, B) && strstr(err.why, C1) &&
			strstr(err.why, C2),
		"%s", err.why);
	cr_expect(strstr(err.what, ".sql:4") != NULL, "%s", err.what);
	/* a revision that revises itself */
	mig_rev(&m, B, B, "", "");
	mig_rev(&m, C1, A, "", "");
	mig_rev(&m, C2, A, "", "");
	retort_error_clear(&err);
	cr_assert_eq(open_project(), RETORT_EINVAL);
	cr_expect_str_eq(
		err.why,
		"revision cycle: " B " -> " B " (each revises the next)");
}

Test(migrations_graph, malformed_file_names_the_file)
{
	char what[256];

	mig_rev(&m, A, "", "", "");
	mig_write(&m, "bad.sql", "-- m\n-- Revision ID: nope\n-- Revises:\n");
	cr_assert_eq(open_project(), RETORT_EINVAL);
	snprintf(what, sizeof(what), "%s/bad.sql:2", m.versions);
	cr_expect_str_eq(err.what, what);
}

/* Resolve TARGET into a ','-joined list, or NULL on error. */
static char *resolve(const char *target)
{
	retort_revids l = RETORT_REVIDS_INIT;
	char *s = NULL;

	retort_error_clear(&err);
	if (retort_project_resolve(&l, p, target, &err) == RETORT_OK)
		s = mig_join(&l);
	retort_revids_dispose(&l);
	return s;
}

Test(migrations_graph, targets)
{
	diamond(false);
	mig_rev(&m, "c1ffffffffff", C1, "", "");
	cr_assert_eq(open_project(), RETORT_OK);
	cr_expect_str_eq(resolve("base"), "");
	cr_expect_str_eq(resolve("heads"), "c1ffffffffff," C2);
	cr_expect_str_eq(resolve(B), B);
	cr_expect_str_eq(resolve("b"), B);
	cr_expect_str_eq(resolve("c2"), C2);
	cr_expect_null(resolve("head"));
	cr_expect_eq(err.code, RETORT_EINVAL);
	cr_expect(strstr(err.why, "multiple head revisions") != NULL);
	cr_expect_null(resolve("c1"));
	cr_expect_str_eq(
		err.why,
		"multiple revisions start with 'c1': " C1 ", c1ffffffffff");
	cr_expect_null(resolve("f"));
	cr_expect_eq(err.code, RETORT_ENOTFOUND);
	cr_expect_str_eq(err.why, "can't locate revision identified by 'f'");
	cr_expect_null(resolve(""));
}

Test(migrations_graph, head_of_a_single_line_and_of_nothing)
{
	cr_assert_eq(open_project(), RETORT_OK);
	cr_expect_str_eq(resolve("head"), "");
	mig_rev(&m, A, "", "", "");
	mig_rev(&m, B, A, "", "");
	cr_assert_eq(open_project(), RETORT_OK);
	cr_expect_str_eq(resolve("head"), B);
}

/* History range RANGE (with CURRENT, may be NULL) joined by ','. */
static char *range(const char *r, const char *current)
{
	retort_revids l = RETORT_REVIDS_INIT, cur = RETORT_REVIDS_INIT;
	char *s = NULL;

	if (current)
		retort_migrate__revids_add(&cur, current);
	retort_error_clear(&err);
	if (retort_project_range(&l, p, r, current ? &cur : NULL, &err) ==
	    RETORT_OK)
		s = mig_join(&l);
	retort_revids_dispose(&l);
	retort_revids_dispose(&cur);
	return s;
}

Test(migrations_graph, history_ranges)
{
	diamond(true);
	cr_assert_eq(open_project(), RETORT_OK);
	cr_expect_str_eq(range(NULL, NULL), D "," C2 "," C1 "," B "," A);
	cr_expect_str_eq(range(":", NULL), D "," C2 "," C1 "," B "," A);
	cr_expect_str_eq(range(C1 ":", NULL), D "," C1);
	cr_expect_str_eq(range(":" C1, NULL), C1 "," B "," A);
	cr_expect_str_eq(range(B ":" C2, NULL), C2 "," B);
	cr_expect_str_eq(
		range("base:heads", NULL), D "," C2 "," C1 "," B "," A);
	cr_expect_str_eq(range("current:", C2), D "," C2);
	cr_expect_str_eq(range(":current", C1), C1 "," B "," A);
	cr_expect_null(range("current:", NULL));
	cr_expect_null(range(B, NULL));
	cr_expect(strstr(err.why, "[start]:[end]") != NULL);
	cr_expect_null(range("zz:", NULL));
}

/* ------------------------------------------------------------------ */

static retort_runplan plan;
static retort_dbstate state;

static void plan_setup(void)
{
	setup();
	memset(&plan, 0, sizeof(plan));
	memset(&state, 0, sizeof(state));
	diamond(true);
	cr_assert_eq(open_project(), RETORT_OK);
}

static void plan_teardown(void)
{
	retort_migrate__plan_dispose(&plan);
	retort_migrate__state_dispose(&state);
	teardown();
}

TestSuite(migrations_plan, .init = plan_setup, .fini = plan_teardown);

/* Set the database's version rows (ids separated by ','). */
static void at(const char *rows)
{
	char buf[256], *tok, *save = NULL;

	retort_migrate__state_dispose(&state);
	snprintf(buf, sizeof(buf), "%s", rows);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		retort_migrate__revids_add(&state.heads, tok);
	state.has_table = state.heads.n > 0;
}

/*
** Plan and describe it: one "u:ID[-del...][+ins...]" (or "d:") per step,
** separated by ' '; NULL on error.
*/
static char *steps(const char *target, bool down)
{
	static char buf[1024];
	size_t i, j;

	retort_migrate__plan_dispose(&plan);
	retort_error_clear(&err);
	if (retort_migrate__plan(
		    &plan, p, &state,
		    &(retort_plan_req){ target, down, false, false }, &err) < 0)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < plan.n; i++) {
		const retort_step *st = &plan.steps[i];

		sprintf(buf + strlen(buf), "%s%c:%.2s", i ? " " : "",
			st->down ? 'd' : 'u', p->files[st->rev].rev.id);
		for (j = 0; j < st->ndel; j++)
			sprintf(buf + strlen(buf), "-%.2s",
				p->files[st->del[j]].rev.id);
		for (j = 0; j < st->nins; j++)
			sprintf(buf + strlen(buf), "+%.2s",
				p->files[st->ins[j]].rev.id);
	}
	return buf;
}

Test(migrations_plan, upgrade_through_branches_and_merge)
{
	/* the version rows follow Alembic's "merge mechanics" example */
	cr_expect_str_eq(
		steps("head", false),
		"u:a0+a0 u:b0-a0+b0 u:c1-b0+c1 u:c2+c2 u:d0-c1-c2+d0");
	at(C2);
	cr_expect_str_eq(steps("heads", false), "u:c1+c1 u:d0-c1-c2+d0");
	at(D);
	cr_expect_str_eq(steps("head", false), "");
}

Test(migrations_plan, upgrade_to_one_branch_only)
{
	cr_expect_str_eq(steps("c2", false), "u:a0+a0 u:b0-a0+b0 u:c2-b0+c2");
	at(C2);
	cr_expect_str_eq(steps(C1, false), "u:c1+c1");
	at(C1);
	cr_expect_str_eq(steps(C1, false), "");
	cr_expect_null(steps(B, false));
	cr_expect(strstr(err.why, "is not a valid upgrade target") != NULL);
}

Test(migrations_plan, relative_upgrade)
{
	cr_expect_str_eq(steps("+1", false), "u:a0+a0");
	cr_expect_str_eq(steps("+2", false), "u:a0+a0 u:b0-a0+b0");
	at(B);
	cr_expect_null(steps("+1", false));
	cr_expect(strstr(err.why, "ambiguous") != NULL, "%s", err.why);
	at(C1 "," C2);
	cr_expect_str_eq(steps("+1", false), "u:d0-c1-c2+d0");
	cr_expect_null(steps("+2", false));
	cr_expect_str_eq(
		err.why, "relative revision +2 didn't produce 2 migrations "
			 "(only 1 pending)");
	cr_expect_null(steps("-1", false));
	cr_expect(strstr(err.why, "downgrade -1") != NULL);
}

Test(migrations_plan, downgrade_steps_back_across_branches)
{
	at(C1 "," C2);
	/* Alembic: each -1 closes one branch, then the parent comes back */
	cr_expect_str_eq(steps("-1", true), "d:c2-c2");
	cr_expect_str_eq(steps("-2", true), "d:c2-c2 d:c1-c1+b0");
	cr_expect_str_eq(steps(B, true), "d:c2-c2 d:c1-c1+b0");
	cr_expect_str_eq(
		steps("base", true), "d:c2-c2 d:c1-c1+b0 d:b0-b0+a0 d:a0-a0");
	cr_expect_str_eq(steps(C1, true), "");
	at(D);
	cr_expect_str_eq(steps("-1", true), "d:d0-d0+c1+c2");
	/* other branches stay, as in Alembic: only descendants go */
	cr_expect_str_eq(steps(C2, true), "d:d0-d0+c1+c2");
	cr_expect_null(steps("-6", true));
	cr_expect(strstr(err.why, "didn't produce 6 migrations") != NULL);
	at(B);
	cr_expect_null(steps(C1, true));
	cr_expect(strstr(err.why, "is not a valid downgrade target") != NULL);
	cr_expect_null(steps("+1", true));
}

Test(migrations_plan, unknown_revision_in_the_database)
{
	at("eeeeeeeeeeee");
	cr_expect_null(steps("head", false));
	cr_expect_eq(err.code, RETORT_ENOTFOUND);
	cr_expect_str_eq(err.what, "eeeeeeeeeeee");
	cr_expect(strstr(err.why, "no revision file provides") != NULL);
}

/* Stamp to TARGET; the rows after it, ','-joined, or NULL. */
static char *stamp(const char *target, bool purge)
{
	static char buf[256];
	size_t i;

	retort_migrate__plan_dispose(&plan);
	retort_error_clear(&err);
	if (retort_migrate__plan(
		    &plan, p, &state,
		    &(retort_plan_req){ target, false, true, purge }, &err) < 0)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < plan.nheads; i++)
		sprintf(buf + strlen(buf), "%s%.2s", i ? "," : "",
			p->files[plan.heads[i]].rev.id);
	cr_expect_eq(plan.n, 0);
	return buf;
}

Test(migrations_plan, stamp_moves_only_the_target_line)
{
	cr_expect_str_eq(stamp("head", false), "d0");
	cr_expect_str_eq(stamp("base", false), "");
	at(C1 "," C2);
	cr_expect_str_eq(stamp(B, false), "b0");
	cr_expect_str_eq(stamp("c1", false), "c1,c2");
	at(C2);
	cr_expect_str_eq(stamp(C1, false), "c1,c2");
	cr_expect(plan.applied[retort_migrate__index(p, C2)]);
	cr_expect_not(plan.applied[retort_migrate__index(p, C1)]);
	cr_expect(plan.after[retort_migrate__index(p, C1)]);
	cr_expect_str_eq(stamp(C1, true), "c1");
	at("eeeeeeeeeeee");
	cr_expect_null(stamp(A, false));
	cr_expect_eq(err.code, RETORT_ENOTFOUND);
	cr_expect_str_eq(stamp(A, true), "a0");
}
