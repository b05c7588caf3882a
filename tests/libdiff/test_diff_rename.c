/*
** test_diff_rename.c -- --rename hints (tables and columns, errors,
** chains), possible-rename suggestions, and the --rename argument.
** Groups: libdiff_diff_rename, libdiff_diff_hint, libdiff_rename_arg.
*/
#include <criterion/criterion.h>
#include <stdlib.h>

#include "test_diff_util.h"

/* Compare A and B with the renames R[0..N), which must be all that
 * differs; the error code of the call. */
static int try_renames(
	const char *a,
	const char *b,
	const retort_rename *r,
	size_t n,
	retort_error *err,
	retort_diff **out)
{
	retort_schema *x = sch(a), *y = sch(b);
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	int rc;

	o.renames = r;
	o.nrenames = n;
	rc = retort_diff_compare(out, x, y, &o, err);
	if (rc == RETORT_OK) {
		char *ops = describe(*out);

		/* nothing but the renames themselves */
		cr_expect_eq(retort_diff_count(*out), n, "%s", ops);
		free(ops);
	}
	retort_diff_free(*out);
	retort_schema_free(x);
	retort_schema_free(y);
	return rc;
}

static const char *const ab = "CREATE TABLE a(id INTEGER PRIMARY KEY, x TEXT);";
static const char *const cd = "CREATE TABLE c(id INTEGER PRIMARY KEY, y TEXT);";

Test(libdiff_diff_rename, table_and_column_together)
{
	retort_rename r[] = { { NULL, "a", "c" }, { "c", "x", "y" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;

	o.renames = r;
	o.nrenames = 2;
	t = tdiff_of(ab, cd, &o);
	cr_expect_eq(retort_diff_count(t.diff), 2);
	cr_expect_not_null(find_op(t.diff, RETORT_OP_RENAME_TABLE, "c", NULL));
	cr_expect_not_null(find_op(t.diff, RETORT_OP_RENAME_COLUMN, "c", "y"));
	cr_expect_eq(retort_diff_get(t.diff, 0)->kind, RETORT_OP_RENAME_TABLE);
	tdiff_free(&t);
}

Test(libdiff_diff_rename, references_follow_a_renamed_table)
{
	retort_rename r = { NULL, "p", "q" };
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	/* SQLite rewrites FKs, views and triggers on RENAME TO */
	cr_expect_eq(
		try_renames(
			"CREATE TABLE p(id INTEGER PRIMARY KEY);"
			"CREATE TABLE c(p_id INT REFERENCES p(id));"
			"CREATE VIEW v AS SELECT id FROM p;",
			"CREATE TABLE q(id INTEGER PRIMARY KEY);"
			"CREATE TABLE c(p_id INT REFERENCES q(id));"
			"CREATE VIEW v AS SELECT id FROM q;",
			&r, 1, &err, &d),
		RETORT_OK, "%s", err.why);
}

Test(libdiff_diff_rename, constraints_follow_a_renamed_column)
{
	retort_rename r = { "t", "a", "b" };
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	cr_expect_eq(
		try_renames(
			"CREATE TABLE t(a INT UNIQUE CHECK (a > 0)); CREATE INDEX ix ON t(a);",
			"CREATE TABLE t(b INT UNIQUE CHECK (b > 0)); CREATE INDEX ix ON t(b);",
			&r, 1, &err, &d),
		RETORT_OK, "%s", err.why);
}

Test(libdiff_diff_rename, rename_hint_naming_nothing)
{
	static const struct {
		retort_rename r;
		int code;
		const char *why;
	} cases[] = {
		{ { NULL, "nope", "c" },
		  RETORT_ENOTFOUND,
		  "no table of that old name in the starting schema" },
		{ { NULL, "a", "nope" },
		  RETORT_ENOTFOUND,
		  "no table of that new name in the target schema" },
		{ { "nope", "x", "y" },
		  RETORT_ENOTFOUND,
		  "no table of that name in the target schema (name the table as the target names it)" },
		{ { "c", "nope", "y" },
		  RETORT_ENOTFOUND,
		  "the table does not exist in the starting schema" },
		{ { NULL, "a", "A" },
		  RETORT_EINVAL,
		  "the names differ only in letter case, which SQLite treats as the same name" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		retort_error err = RETORT_ERROR_INIT;
		retort_diff *d = (retort_diff *)&err;
		int rc = try_renames(ab, cd, &cases[i].r, 1, &err, &d);

		cr_expect_eq(rc, cases[i].code, "case %zu: %d", i, rc);
		cr_expect_null(d);
		cr_expect_str_eq(err.why, cases[i].why, "case %zu", i);
	}
}

Test(libdiff_diff_rename, column_hint_errors_name_the_argument)
{
	retort_rename r[] = { { NULL, "a", "c" }, { "c", "nope", "y" } };
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	cr_expect_eq(try_renames(ab, cd, r, 2, &err, &d), RETORT_ENOTFOUND);
	cr_expect_str_eq(err.what, "--rename c.nope=y");
	cr_expect_str_eq(
		err.why, "no column of that old name in the starting schema");
	r[1].from = "x";
	r[1].to = "nope";
	retort_error_clear(&err);
	cr_expect_eq(try_renames(ab, cd, r, 2, &err, &d), RETORT_ENOTFOUND);
	cr_expect_str_eq(
		err.why, "no column of that new name in the target schema");
}

Test(libdiff_diff_rename, renamed_twice_and_cycles)
{
	static const char *a = "CREATE TABLE a(x INT); CREATE TABLE b(y INT);";
	static const char *b = "CREATE TABLE a(y INT); CREATE TABLE b(x INT);";
	retort_rename twice[] = { { NULL, "a", "b" }, { NULL, "a", "c" } };
	retort_rename cycle[] = { { NULL, "a", "b" }, { NULL, "b", "a" } };
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	cr_expect_eq(try_renames(a, b, twice, 2, &err, &d), RETORT_EINVAL);
	cr_expect_str_eq(err.what, "--rename a=c");
	cr_expect_str_eq(err.why, "the same name is renamed twice");
	retort_error_clear(&err);
	cr_expect_eq(try_renames(a, b, cycle, 2, &err, &d), RETORT_EINVAL);
	cr_expect_str_eq(
		err.why,
		"the renames form a cycle; rename through a temporary name in two revisions");
}

Test(libdiff_diff_rename, chains_apply_in_order)
{
	retort_rename r[] = { { NULL, "a", "b" }, { NULL, "b", "c" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	const retort_diff_op *x, *y;
	tdiff t;

	o.renames = r;
	o.nrenames = 2;
	t = tdiff_of(
		"CREATE TABLE a(x INT); CREATE TABLE b(y INT);",
		"CREATE TABLE b(x INT); CREATE TABLE c(y INT);", &o);
	cr_assert_eq(retort_diff_count(t.diff), 2);
	x = retort_diff_get(t.diff, 0);
	y = retort_diff_get(t.diff, 1);
	cr_expect_str_eq(x->from.table->name, "b", "b -> c first, then a -> b");
	cr_expect_str_eq(y->from.table->name, "a");
	tdiff_free(&t);
}

Test(libdiff_diff_rename, rename_target_taken_by_a_dropped_table)
{
	retort_rename r = { NULL, "a", "b" };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	const retort_diff_op *drop, *ren;
	tdiff t;

	o.renames = &r;
	o.nrenames = 1;
	t = tdiff_of(
		"CREATE TABLE a(x INT); CREATE TABLE b(y INT);",
		"CREATE TABLE b(x INT);", &o);
	drop = find_op(t.diff, RETORT_OP_DROP_TABLE, "b", NULL);
	ren = find_op(t.diff, RETORT_OP_RENAME_TABLE, "b", NULL);
	cr_assert_not_null(drop);
	cr_assert_not_null(ren);
	cr_expect_lt(op_index(t.diff, drop), op_index(t.diff, ren));
	tdiff_free(&t);
}

/* ---------------------------------------------------------------------
** Possible renames
*/

Test(libdiff_diff_hint, table_of_the_same_shape)
{
	tdiff t = tdiff_of(
		ab, "CREATE TABLE z(id INTEGER PRIMARY KEY, x TEXT);", NULL);
	const retort_diff_op *d =
		find_op(t.diff, RETORT_OP_DROP_TABLE, "a", NULL);
	const retort_diff_op *a =
		find_op(t.diff, RETORT_OP_ADD_TABLE, "z", NULL);

	cr_assert_not_null(d);
	cr_assert_not_null(a);
	cr_expect_str_eq(d->rename_hint, "a=z");
	cr_expect_str_eq(a->rename_hint, "a=z");
	tdiff_free(&t);
}

Test(libdiff_diff_hint, column_of_the_same_definition)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT '');",
		"CREATE TABLE t(id INTEGER PRIMARY KEY, b TEXT NOT NULL DEFAULT '');",
		NULL);
	const retort_diff_op *d =
		find_op(t.diff, RETORT_OP_DROP_COLUMN, "t", "a");
	const retort_diff_op *a =
		find_op(t.diff, RETORT_OP_ADD_COLUMN, "t", "b");

	cr_assert_not_null(d);
	cr_assert_not_null(a);
	cr_expect_str_eq(d->rename_hint, "t.a=b");
	cr_expect_str_eq(a->rename_hint, "t.a=b");
	tdiff_free(&t);
}

Test(libdiff_diff_hint, names_with_dots_are_quoted)
{
	tdiff t = tdiff_of(
		"CREATE TABLE \"a.b\"(\"x=1\" TEXT);",
		"CREATE TABLE \"a.b\"(\"y\"\"z\" TEXT);", NULL);
	const retort_diff_op *d =
		find_op(t.diff, RETORT_OP_DROP_COLUMN, "a.b", "x=1");

	cr_assert_not_null(d);
	cr_expect_str_eq(d->rename_hint, "\"a.b\".\"x=1\"=\"y\"\"z\"");
	tdiff_free(&t);
}

Test(libdiff_diff_hint, no_hint_when_ambiguous_or_different)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(id INT, a TEXT, b TEXT);",
		"CREATE TABLE t(id INT, c TEXT);", NULL);
	size_t i;

	for (i = 0; i < retort_diff_count(t.diff); i++)
		cr_expect_null(retort_diff_get(t.diff, i)->rename_hint);
	tdiff_free(&t);
	t = tdiff_of(
		"CREATE TABLE t(id INT, a TEXT);",
		"CREATE TABLE t(id INT, b INT);", NULL);
	for (i = 0; i < retort_diff_count(t.diff); i++)
		cr_expect_null(retort_diff_get(t.diff, i)->rename_hint);
	tdiff_free(&t);
	t = tdiff_of("CREATE TABLE a(x INT);", "CREATE TABLE b(x TEXT);", NULL);
	for (i = 0; i < retort_diff_count(t.diff); i++)
		cr_expect_null(retort_diff_get(t.diff, i)->rename_hint);
	tdiff_free(&t);
}

Test(libdiff_diff_hint, following_the_hint_gives_a_rename)
{
	tdiff t = tdiff_of(
		ab, "CREATE TABLE z(id INTEGER PRIMARY KEY, x TEXT);", NULL);
	const retort_diff_op *d =
		find_op(t.diff, RETORT_OP_DROP_TABLE, "a", NULL);
	retort_buf store = RETORT_BUF_INIT;
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	retort_rename r;
	tdiff u;

	cr_assert_not_null(d);
	cr_assert_eq(
		retort_rename_parse(&r, &store, d->rename_hint, NULL),
		RETORT_OK);
	o.renames = &r;
	o.nrenames = 1;
	u = tdiff_of(ab, "CREATE TABLE z(id INTEGER PRIMARY KEY, x TEXT);", &o);
	cr_expect_eq(retort_diff_count(u.diff), 1);
	cr_expect_eq(retort_diff_get(u.diff, 0)->kind, RETORT_OP_RENAME_TABLE);
	tdiff_free(&u);
	tdiff_free(&t);
	retort_buf_dispose(&store);
}

/* ---------------------------------------------------------------------
** The --rename argument
*/

static void expect_parse(
	const char *arg, const char *table, const char *from, const char *to)
{
	retort_buf store = RETORT_BUF_INIT, again = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_rename r;

	cr_assert_eq(
		retort_rename_parse(&r, &store, arg, &err), RETORT_OK, "%s: %s",
		arg, err.why);
	if (table)
		cr_expect_str_eq(r.table, table, "%s", arg);
	else
		cr_expect_null(r.table, "%s", arg);
	cr_expect_str_eq(r.from, from, "%s", arg);
	cr_expect_str_eq(r.to, to, "%s", arg);
	cr_expect_eq(retort_rename_format(&again, &r), RETORT_OK);
	cr_expect_eq(
		retort_rename_parse(&r, &store, again.ptr, &err), RETORT_OK,
		"%s", again.ptr);
	cr_expect_str_eq(r.from, from, "round trip of %s", again.ptr);
	retort_buf_dispose(&store);
	retort_buf_dispose(&again);
}

Test(libdiff_rename_arg, parse_and_format)
{
	expect_parse("old=new", NULL, "old", "new");
	expect_parse("t.old=new", "t", "old", "new");
	expect_parse("\"a.b\".c=d", "a.b", "c", "d");
	expect_parse("\"x=y\"=z", NULL, "x=y", "z");
	expect_parse("t.\"a\"\"b\"=\"c.d\"", "t", "a\"b", "c.d");
	expect_parse("t.a=b.c", "t", "a", "b.c");
	expect_parse("ünï=b", NULL, "ünï", "b");
}

Test(libdiff_rename_arg, malformed)
{
	static const char *const bad[] = {
		"",      "old",  "=new", "old=",     "a.b.c=d",
		"\"a=b", "t.=x", ".a=b", "\"a\"x=b",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		retort_buf store = RETORT_BUF_INIT;
		retort_error err = RETORT_ERROR_INIT;
		retort_rename r;

		cr_expect_eq(
			retort_rename_parse(&r, &store, bad[i], &err),
			RETORT_EINVAL, "'%s' accepted", bad[i]);
		cr_expect_str_eq(err.what, "--rename");
		retort_buf_dispose(&store);
	}
}
