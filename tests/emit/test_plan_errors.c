/*
** test_plan_errors.c -- the emitter's failures: verification catching a
** plan that misses an operation or does not run, bad options, and out
** of memory at every allocation of plan generation.
** Groups: emit_plan_errors.
*/
#include <criterion/criterion.h>
#include <string.h>

#include "alloc_int.h"
#include "diff_int.h"
#include "plan_int.h"
#include "test_plan_support.h"

/* The diff of FROM and TO SQL; the schemas are returned for freeing. */
static retort_diff *make_diff(
	const char *from, const char *to, retort_schema **f, retort_schema **t)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	*f = tp_schema(from);
	*t = tp_schema(to);
	cr_assert_eq(
		retort_diff_compare(&d, *f, *t, NULL, &err), RETORT_OK, "%s",
		err.why);
	return d;
}

/* Remove the first operation of KIND from D (the test fails if none). */
static void remove_op(retort_diff *d, retort_op_kind kind)
{
	size_t i;

	for (i = 0; i < d->nops; i++)
		if (d->ops[i].kind == kind) {
			memmove(&d->ops[i], &d->ops[i + 1],
				(d->nops - i - 1) * sizeof(d->ops[0]));
			d->nops--;
			return;
		}
	cr_assert_fail("no %s operation", retort_op_kind_name(kind));
}

Test(emit_plan_errors, verification_catches_a_missing_operation)
{
	retort_schema *f, *t;
	retort_diff *d = make_diff(
		"CREATE TABLE t(a INT);",
		"CREATE TABLE t(a INT); CREATE TABLE u(x TEXT);"
		"CREATE VIEW v AS SELECT a FROM t;",
		&f, &t);
	retort_error err = RETORT_ERROR_INIT;
	retort_plan *p = (retort_plan *)1;

	remove_op(d, RETORT_OP_ADD_TABLE);
	cr_expect_eq(retort_emit_plan(&p, d, NULL, &err), RETORT_EINTERNAL);
	cr_expect_null(p);
	cr_expect_str_eq(err.what, "upgrade");
	cr_expect(
		tp_has(err.why, "does not reach its target schema"), "%s",
		err.why);
	cr_expect(tp_has(err.why, "add_table u"), "%s", err.why);
	/* without verification the incomplete plan goes through */
	{
		retort_emit_options o = RETORT_EMIT_OPTIONS_INIT;

		o.verify = 0;
		cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_OK);
		retort_plan_free(p);
	}
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
}

Test(emit_plan_errors, verification_catches_sql_that_fails)
{
	retort_schema *f, *t;
	retort_diff *d = make_diff(
		"CREATE TABLE t(a INT);", "CREATE VIEW t AS SELECT 1 AS a;", &f,
		&t);
	retort_error err = RETORT_ERROR_INIT;
	retort_plan *p = NULL;

	/* without the DROP TABLE, CREATE VIEW t meets the table t */
	remove_op(d, RETORT_OP_DROP_TABLE);
	cr_expect_eq(retort_emit_plan(&p, d, NULL, &err), RETORT_EINTERNAL);
	cr_expect_null(p);
	cr_expect(tp_has(err.why, "fails on an empty copy"), "%s", err.why);
	cr_expect(tp_has(err.why, "already exists"), "%s", err.why);
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
}

Test(emit_plan_errors, bad_options)
{
	retort_schema *f, *t;
	retort_diff *d =
		make_diff("CREATE TABLE t(a);", "CREATE TABLE t(b);", &f, &t);
	retort_emit_options o = RETORT_EMIT_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_plan *p = NULL;

	o.version = 2;
	cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_EINVAL);
	cr_expect(tp_has(err.why, "options version"), "%s", err.why);
	retort_error_clear(&err);
	o.version = RETORT_EMIT_OPTIONS_VERSION;
	o.sqlite_version = 3025000;
	cr_expect_eq(retort_emit_plan(&p, d, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(
		err.why, "SQLite 3.25.0 is too old: 3.35.0 or later is needed");
	cr_expect_null(p);
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
}

Test(emit_plan_errors, out_of_memory_everywhere)
{
	static const retort_rename r[] = { { NULL, "t", "t2" },
					   { "t2", "a", "a2" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	retort_schema *f = tp_schema(
		"CREATE TABLE t(a INT, b TEXT, c); CREATE INDEX ti ON t(b);"
		"CREATE VIEW v AS SELECT a FROM t;"
		"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;");
	retort_schema *t = tp_schema(
		"CREATE TABLE t2(a2 INT NOT NULL DEFAULT 0, b INT, d, "
		"CHECK (a2 > 0)); CREATE INDEX ti ON t2(b);"
		"CREATE TABLE n(x REFERENCES t2);"
		"CREATE VIEW v AS SELECT a2 FROM t2;"
		"CREATE TRIGGER tr AFTER INSERT ON t2 BEGIN SELECT 1; END;");
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;
	retort_plan *p = NULL;
	long n;
	int rc;

	o.renames = r;
	o.nrenames = 2;
	cr_assert_eq(retort_diff_compare(&d, f, t, &o, &err), RETORT_OK);
	for (n = 1; n < 100000; n++) {
		retort_error_clear(&err);
		retort__alloc_fail_after(n);
		rc = retort__plan_generate(&p, d, NULL, &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_OK)
			break;
		cr_assert_eq(
			rc, RETORT_ENOMEM, "allocation %ld: %d %s", n, rc,
			err.why);
		cr_assert_null(p);
	}
	cr_expect_gt(n, 10);
	cr_assert_not_null(p);
	cr_expect(tp_has(retort_plan_upgrade(p), "retort_new_t2"));
	retort_plan_free(p);
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
}
