/*
** test_naming.c -- rendering of Alembic naming-convention templates:
** every token, escapes, and the errors for unknown tokens and missing
** values.
** Groups: libdiff_naming.
*/
#include <criterion/criterion.h>

#include "retort.h"

static const char *const cols[] = { "a", "Bee", "c" };
static const char *const refs[] = { "id", "k" };

static retort_naming_subject subject(void)
{
	retort_naming_subject s;

	s.table = "users";
	s.columns = cols;
	s.ncolumns = 3;
	s.ref_table = "orgs";
	s.constraint_name = "positive";
	s.ref_columns = refs;
	s.nref_columns = 2;
	return s;
}

static void expect_render(const char *tmpl, const char *want)
{
	retort_naming_subject s = subject();
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_naming_render(&b, tmpl, &s, &err), RETORT_OK, "%s: %s",
		tmpl, err.why);
	cr_expect_str_eq(b.ptr, want, "%s", tmpl);
	retort_buf_dispose(&b);
}

Test(libdiff_naming, every_token)
{
	expect_render("%(table_name)s", "users");
	expect_render("%(referred_table_name)s", "orgs");
	expect_render("%(constraint_name)s", "positive");
	expect_render("%(column_0_name)s", "a");
	expect_render("%(column_1_name)s", "Bee");
	expect_render("%(column_0_key)s", "a");
	expect_render("%(column_0_label)s", "users_a");
	expect_render("%(column_2_label)s", "users_c");
	expect_render("%(column_0N_name)s", "aBeec");
	expect_render("%(column_0_N_name)s", "a_Bee_c");
	expect_render("%(column_0N_label)s", "users_ausers_Beeusers_c");
	expect_render("%(column_0_N_label)s", "users_a_users_Bee_users_c");
	expect_render("%(referred_column_0_name)s", "id");
	expect_render("%(referred_column_0N_name)s", "idk");
	expect_render("%(referred_column_0_N_name)s", "id_k");
}

Test(libdiff_naming, alembic_defaults)
{
	expect_render("ix_%(column_0_label)s", "ix_users_a");
	expect_render("uq_%(table_name)s_%(column_0_name)s", "uq_users_a");
	expect_render(
		"ck_%(table_name)s_%(constraint_name)s", "ck_users_positive");
	expect_render(
		"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
		"fk_users_a_orgs");
	expect_render("pk_%(table_name)s", "pk_users");
}

Test(libdiff_naming, escapes_and_literals)
{
	expect_render("100%% %(table_name)s", "100% users");
	expect_render("a%b", "a%b");
	expect_render("", "");
	expect_render("plain", "plain");
}

Test(libdiff_naming, replaces_the_buffer)
{
	retort_naming_subject s = subject();
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_puts(&b, "old contents");
	cr_assert_eq(
		retort_naming_render(&b, "x_%(table_name)s", &s, NULL),
		RETORT_OK);
	cr_expect_str_eq(b.ptr, "x_users");
	retort_buf_dispose(&b);
}

static void expect_error(
	const char *tmpl, retort_naming_subject *s, int code, const char *why)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_expect_eq(retort_naming_render(&b, tmpl, s, &err), code, "%s", tmpl);
	cr_expect_str_eq(err.what, "naming convention");
	cr_expect_str_eq(err.why, why);
	retort_buf_dispose(&b);
}

Test(libdiff_naming, unknown_and_malformed_tokens)
{
	retort_naming_subject s = subject();

	expect_error(
		"x_%(nope)s", &s, RETORT_EINVAL,
		"unknown token '%(nope)s' in 'x_%(nope)s'");
	expect_error(
		"%(column_1N_name)s", &s, RETORT_EINVAL,
		"unknown token '%(column_1N_name)s' in '%(column_1N_name)s'");
	expect_error(
		"%(referred_column_0_label)s", &s, RETORT_EINVAL,
		"unknown token '%(referred_column_0_label)s' in '%(referred_column_0_label)s'");
	expect_error(
		"%(column_x_name)s", &s, RETORT_EINVAL,
		"unknown token '%(column_x_name)s' in '%(column_x_name)s'");
	expect_error(
		"%(table_name", &s, RETORT_EINVAL,
		"malformed token in '%(table_name': expected %(name)s");
	expect_error(
		"%(table_name)d", &s, RETORT_EINVAL,
		"malformed token in '%(table_name)d': expected %(name)s");
}

Test(libdiff_naming, missing_values)
{
	retort_naming_subject s = subject();

	s.constraint_name = NULL;
	expect_error(
		"ck_%(constraint_name)s", &s, RETORT_ENOTFOUND,
		"no value for '%(constraint_name)s' in 'ck_%(constraint_name)s'");
	s = subject();
	s.ref_table = NULL;
	expect_error(
		"%(referred_table_name)s", &s, RETORT_ENOTFOUND,
		"no value for '%(referred_table_name)s' in '%(referred_table_name)s'");
	s = subject();
	expect_error(
		"%(column_3_name)s", &s, RETORT_ENOTFOUND,
		"no value for '%(column_3_name)s' in '%(column_3_name)s'");
	s.columns = NULL;
	s.ncolumns = 0;
	expect_error(
		"%(column_0N_name)s", &s, RETORT_ENOTFOUND,
		"no value for '%(column_0N_name)s' in '%(column_0N_name)s'");
}
