/*
** test_diff_options.c -- the comparator's options: compare_type (declared,
** affinity, off) and the changes reported in every mode, the server
** default switch, naming conventions, and bad option values.
** Groups: libdiff_diff_options.
*/
#include <criterion/criterion.h>
#include <stdlib.h>

#include "test_diff_util.h"

/* Number of operations between A and B (both ways must agree) with
 * compare_type MODE and compare_server_default SD. */
static size_t
ops_with(const char *a, const char *b, retort_compare_type mode, int sd)
{
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t, u;
	size_t n;

	o.compare_type = mode;
	o.compare_server_default = sd;
	t = tdiff_of(a, b, &o);
	u = tdiff_of(b, a, &o);
	n = retort_diff_count(t.diff);
	cr_expect_eq(
		retort_diff_count(u.diff), n, "not symmetric: %s / %s", a, b);
	tdiff_free(&t);
	tdiff_free(&u);
	return n;
}

#define DECL RETORT_COMPARE_TYPE_DECLARED
#define AFF  RETORT_COMPARE_TYPE_AFFINITY
#define OFF  RETORT_COMPARE_TYPE_OFF

Test(libdiff_diff_options, compare_type_declared)
{
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a VARCHAR(10));",
			"CREATE TABLE t(a TEXT);", DECL, 1),
		1);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a INT);", "CREATE TABLE t(a BIGINT);",
			DECL, 1),
		1);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a int);", "CREATE TABLE t(a INT);",
			DECL, 1),
		0);
}

Test(libdiff_diff_options, compare_type_affinity)
{
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a VARCHAR(10));",
			"CREATE TABLE t(a TEXT);", AFF, 1),
		0);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a INT);", "CREATE TABLE t(a BIGINT);",
			AFF, 1),
		0);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a TEXT);", "CREATE TABLE t(a INT);",
			AFF, 1),
		1);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a DECIMAL(10,2));",
			"CREATE TABLE t(a REAL);", AFF, 1),
		1);
}

Test(libdiff_diff_options, compare_type_off)
{
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a TEXT);", "CREATE TABLE t(a INT);",
			OFF, 1),
		0);
	cr_expect_eq(
		ops_with(
			"CREATE TABLE t(a BLOB);", "CREATE TABLE t(a REAL);",
			OFF, 1),
		0);
}

Test(libdiff_diff_options, rowid_alias_counts_in_every_mode)
{
	static const char *a =
		"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);";
	static const char *b = "CREATE TABLE t(id INT PRIMARY KEY, v TEXT);";
	retort_compare_type modes[] = { DECL, AFF, OFF };
	size_t i;

	for (i = 0; i < 3; i++) {
		retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
		tdiff t;
		const retort_diff_op *op;

		o.compare_type = modes[i];
		t = tdiff_of(a, b, &o);
		op = find_op(t.diff, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
		cr_assert_not_null(op, "mode %d", (int)modes[i]);
		cr_expect(op->changes & RETORT_PK_CHANGE_ROWID_ALIAS);
		cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
		tdiff_free(&t);
	}
}

Test(libdiff_diff_options, strict_types_count_in_every_mode)
{
	static const char *a = "CREATE TABLE t(a INT, b TEXT) STRICT;";
	static const char *b = "CREATE TABLE t(a INTEGER, b TEXT) STRICT;";
	static const char *c = "CREATE TABLE t(a ANY, b TEXT) STRICT;";

	cr_expect_eq(ops_with(a, b, OFF, 1), 1);
	cr_expect_eq(ops_with(a, b, AFF, 1), 1);
	cr_expect_eq(ops_with(a, c, OFF, 1), 1);
	cr_expect_eq(ops_with(a, a, OFF, 1), 0);
}

Test(libdiff_diff_options, server_default_on_and_off)
{
	static const char *a = "CREATE TABLE t(a INT DEFAULT 1, b TEXT);";
	static const char *b =
		"CREATE TABLE t(a INT DEFAULT 2, b TEXT DEFAULT 'x');";

	cr_expect_eq(ops_with(a, b, DECL, 1), 2);
	cr_expect_eq(ops_with(a, b, DECL, 0), 0);
}

Test(libdiff_diff_options, bad_values)
{
	retort_schema *s = sch("CREATE TABLE t(a INT);");
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = (retort_diff *)&o;

	o.compare_type = (retort_compare_type)7;
	cr_expect_eq(retort_diff_compare(&d, s, s, &o, &err), RETORT_EINVAL);
	cr_expect_null(d);
	cr_expect_str_eq(err.what, "compare_type");
	cr_expect_str_eq(err.why, "unknown value 7");
	o = (retort_diff_options)RETORT_DIFF_OPTIONS_INIT;
	o.version = 99;
	retort_error_clear(&err);
	cr_expect_eq(retort_diff_compare(&d, s, s, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(err.why, "unknown options version 99");
	o = (retort_diff_options)RETORT_DIFF_OPTIONS_INIT;
	o.nrenames = 1;
	retort_error_clear(&err);
	cr_expect_eq(retort_diff_compare(&d, s, s, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(err.why, "nrenames is 1 but renames is NULL");
	retort_schema_free(s);
}

/* ---------------------------------------------------------------------
** Naming conventions
*/

static const retort_naming_convention alembic = {
	"ix_%(column_0_label)s",
	"uq_%(table_name)s_%(column_0_name)s",
	"ck_%(table_name)s_%(constraint_name)s",
	"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
	"pk_%(table_name)s",
};

Test(libdiff_diff_options, unnamed_matches_convention_name)
{
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;

	o.naming = &alembic;
	EXPECT_EQUAL(
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT UNIQUE REFERENCES p, PRIMARY KEY(a));",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT, CONSTRAINT uq_t_a UNIQUE(a),"
		" CONSTRAINT fk_t_a_p FOREIGN KEY (a) REFERENCES p(id),"
		" CONSTRAINT pk_t PRIMARY KEY(a));",
		&o);
}

Test(libdiff_diff_options, new_unnamed_constraints_get_the_convention_name)
{
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;

	o.naming = &alembic;
	t = tdiff_of(
		"CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT);",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT UNIQUE REFERENCES p CHECK (a > 0));",
		&o);
	cr_expect_not_null(
		find_op(t.diff, RETORT_OP_ADD_UNIQUE, "t", "uq_t_a"));
	cr_expect_not_null(
		find_op(t.diff, RETORT_OP_ADD_FOREIGN_KEY, "t", "fk_t_a_p"));
	/* %(constraint_name)s of an unnamed CHECK: left unnamed (SPEC §8) */
	cr_assert_not_null(find_op(t.diff, RETORT_OP_ADD_CHECK, "t", NULL));
	cr_expect_null(find_op(t.diff, RETORT_OP_ADD_CHECK, "t", NULL)->name);
	tdiff_free(&t);
}

Test(libdiff_diff_options, explicit_names_are_kept)
{
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;

	o.naming = &alembic;
	t = tdiff_of(
		"CREATE TABLE t(a INT);",
		"CREATE TABLE t(a INT, CONSTRAINT mine UNIQUE(a),"
		" CONSTRAINT pos CHECK (a > 0));",
		&o);
	cr_expect_not_null(find_op(t.diff, RETORT_OP_ADD_UNIQUE, "t", "mine"));
	cr_expect_not_null(find_op(t.diff, RETORT_OP_ADD_CHECK, "t", "pos"));
	tdiff_free(&t);
}

Test(libdiff_diff_options, convention_is_copied_into_the_diff)
{
	retort_naming_convention nc = alembic;
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;

	o.naming = &nc;
	t = tdiff_of("CREATE TABLE t(a INT);", "CREATE TABLE t(a INT);", &o);
	nc.uq = "changed";
	cr_assert_not_null(retort_diff_options_of(t.diff)->naming);
	cr_expect_str_eq(
		retort_diff_options_of(t.diff)->naming->uq,
		"uq_%(table_name)s_%(column_0_name)s");
	tdiff_free(&t);
}
