/*
** test_sqltok.c -- the SQL tokenizer and expression normalisation.
** Groups: libdiff_sqltok (token classes, quoting forms, keywords, the
** display and comparison forms of normalisation).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <string.h>

#include "sqltok.h"

static retort_token tok1(const char *z)
{
	retort_token t;

	retort__sql_token(z, strlen(z), &t);
	return t;
}

static char *norm(const char *z, unsigned flags)
{
	retort_buf b = RETORT_BUF_INIT;
	int rc = retort__sql_normalize(&b, z, strlen(z), flags);

	cr_assert_eq(rc, RETORT_OK, "normalize(%s) failed", z);
	return retort_buf_detach(&b);
}

#define EXPECT_NORM(in, want)                                                  \
 do {                                                                          \
  char *got_ = norm(in, 0);                                                    \
  cr_expect_str_eq(got_, want, "normalize(%s)", in);                           \
  free(got_);                                                                  \
 } while (0)

#define EXPECT_FOLD(in, want)                                                  \
 do {                                                                          \
  char *got_ = norm(in, RETORT_NORM_FOLD);                                     \
  cr_expect_str_eq(got_, want, "fold(%s)", in);                                \
  free(got_);                                                                  \
 } while (0)

Test(libdiff_sqltok, quoting_forms)
{
	retort_token t;

	t = tok1("\"a \"\"b\"\" c\" rest");
	cr_expect_eq(t.type, RETORT_TK_QUOTED);
	cr_expect_eq(t.n, 11);
	t = tok1("[x y]z");
	cr_expect_eq(t.type, RETORT_TK_QUOTED);
	cr_expect_eq(t.n, 5);
	t = tok1("`a``b`");
	cr_expect_eq(t.type, RETORT_TK_QUOTED);
	cr_expect_eq(t.n, 6);
	t = tok1("'it''s'");
	cr_expect_eq(t.type, RETORT_TK_STRING);
	cr_expect_eq(t.n, 7);
	t = tok1("x'0aFF'");
	cr_expect_eq(t.type, RETORT_TK_BLOB);
	t = tok1("'unterminated");
	cr_expect_eq(t.type, RETORT_TK_ILLEGAL);
	t = tok1("\"open");
	cr_expect_eq(t.type, RETORT_TK_ILLEGAL);
}

Test(libdiff_sqltok, unquote)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_token t = tok1("\"we\"\"ird\"");

	retort__sql_unquote(&b, &t);
	cr_expect_str_eq(b.ptr, "we\"ird");
	retort_buf_clear(&b);
	t = tok1("[a]]");
	retort__sql_unquote(&b, &t);
	cr_expect_str_eq(b.ptr, "a");
	retort_buf_dispose(&b);
}

Test(libdiff_sqltok, comments_and_numbers)
{
	cr_expect_eq(tok1("-- x\ny").type, RETORT_TK_COMMENT);
	cr_expect_eq(tok1("-- x\ny").n, 4);
	cr_expect_eq(tok1("/* a */b").n, 7);
	cr_expect_eq(tok1("/* open").type, RETORT_TK_COMMENT);
	cr_expect_eq(tok1("1.5e+3x").type, RETORT_TK_ILLEGAL);
	cr_expect_eq(tok1("0x1F ").n, 4);
	cr_expect_eq(tok1(".5 ").type, RETORT_TK_NUMBER);
	cr_expect_eq(tok1("->>x").n, 3);
	cr_expect_eq(tok1("?12").type, RETORT_TK_VARIABLE);
}

Test(libdiff_sqltok, keywords_match_sqlite)
{
	int i, n = sqlite3_keyword_count();

	for (i = 0; i < n; i++) {
		const char *z;
		int len;

		sqlite3_keyword_name(i, &z, &len);
		cr_expect(
			retort__sql_is_keyword(z, (size_t)len),
			"%.*s is a keyword", len, z);
	}
	cr_expect(!retort__sql_is_keyword("strict", 6));
	cr_expect(!retort__sql_is_keyword("rowid", 5));
	cr_expect(retort__sql_is_keyword("select", 6));
}

Test(libdiff_sqltok, normalize_whitespace_case_quotes)
{
	EXPECT_NORM(
		"select  a ,b\n from /* c */ \"t\" where x=1",
		"SELECT a, b FROM t WHERE x = 1");
	EXPECT_NORM("varchar( 50 )", "varchar(50)");
	EXPECT_NORM("[order] + `a b`", "\"order\" + \"a b\"");
	EXPECT_NORM("x in ( 1,2 )", "x IN (1, 2)");
	EXPECT_NORM("- 1", "-1");
	EXPECT_NORM("a - 1", "a - 1");
	EXPECT_NORM("(0)", "(0)");
	EXPECT_NORM("datetime ( 'now' )", "datetime('now')");
	EXPECT_NORM("x'ab'", "X'AB'");
	EXPECT_NORM("\"true\"", "\"true\"");
	EXPECT_NORM("a = true or b = False", "a = TRUE OR b = FALSE");
	EXPECT_NORM("true - 1", "TRUE - 1");
	EXPECT_NORM("trueish", "trueish");
	EXPECT_NORM("t . \"c\"", "t.c");
	EXPECT_NORM("a->>'$.x'", "a ->> '$.x'");
}

Test(libdiff_sqltok, fold_ignores_identifier_case_and_quotes)
{
	EXPECT_FOLD("SELECT \"Foo\" FROM [Bar]", "select foo from bar");
	EXPECT_FOLD("'Keep Case'", "'Keep Case'");
	EXPECT_FOLD("\"a b\"", "\"a b\"");
}

Test(libdiff_sqltok, illegal_is_an_error)
{
	retort_buf b = RETORT_BUF_INIT;

	cr_expect_eq(retort__sql_normalize(&b, "'open", 5, 0), RETORT_EINVAL);
	retort_buf_dispose(&b);
}
