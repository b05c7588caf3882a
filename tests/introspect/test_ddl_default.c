/*
** test_ddl_default.c -- the canonical DEFAULT (retort__ddl_default).
** Groups: introspect_ddl_default (each case pinned, and proven against
** SQLite: a row inserted with DEFAULT VALUES holds the same value, by
** typeof() and quote(), under the original and the canonical default;
** the form is idempotent; errors).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "ddl.h"
#include "model_int.h"

/* A column type, a DEFAULT as written, and its canonical form (NULL for
 * no default). */
struct dcase {
	const char *type;
	const char *dflt;
	const char *want;
};

static const struct dcase cases[] = {
	/* parentheses, NULL */
	{ "INTEGER", "0", "0" },
	{ "INTEGER", "(0)", "0" },
	{ "INTEGER", "((0))", "0" },
	{ "INTEGER", "( ( -1 ) )", "-1" },
	{ "INTEGER", "NULL", NULL },
	{ "TEXT", "(NULL)", NULL },
	{ "", "null", NULL },
	/* INTEGER / NUMERIC affinity */
	{ "INTEGER", "'0'", "0" },
	{ "INTEGER", "'1.0'", "1" },
	{ "INTEGER", "1.0", "1" },
	{ "INTEGER", "' 5 '", "5" },
	{ "INTEGER", "'\t7\n'", "7" },
	{ "INTEGER", "'5x'", "'5x'" },
	{ "INTEGER", "'abc'", "'abc'" },
	{ "INTEGER", "''", "''" },
	{ "INTEGER", "'  '", "'  '" },
	{ "INTEGER", "'1e3'", "1000" },
	{ "INTEGER", "'1e'", "'1e'" },
	{ "INTEGER", "'1.'", "1" },
	{ "INTEGER", "'.5'", "0.5" },
	{ "INTEGER", "'.'", "'.'" },
	{ "INTEGER", "'+5'", "5" },
	{ "INTEGER", "'-0'", "0" },
	{ "INTEGER", "'-0.0'", "0" },
	{ "INTEGER", "'007'", "7" },
	{ "INTEGER", "'0x10'", "'0x10'" },
	{ "INTEGER", "'1,5'", "'1,5'" },
	{ "INTEGER", "'- 5'", "'- 5'" },
	{ "INTEGER", "'9223372036854775807'", "9223372036854775807" },
	{ "INTEGER", "'9223372036854775808'", "9.2233720368547758e+18" },
	{ "INTEGER", "-9223372036854775808", "-9223372036854775808" },
	{ "INTEGER", "9223372036854775808", "9.2233720368547758e+18" },
	{ "INTEGER", "1e18", "1000000000000000000" },
	{ "INTEGER", "1e20", "1.0e+20" },
	{ "INTEGER", "1.5", "1.5" },
	{ "INTEGER", "-1", "-1" },
	{ "INTEGER", "- 1", "-1" },
	{ "INTEGER", "+1", "1" },
	{ "INTEGER", "-1.0", "-1" },
	{ "INTEGER", "0x10", "16" },
	{ "INTEGER", "0xFFFFFFFFFFFFFFFF", "-1" },
	{ "INTEGER", "-0x10", "-16" },
	{ "INTEGER", "TRUE", "1" },
	{ "INTEGER", "false", "0" },
	{ "INTEGER", "\"\"", "''" },
	{ "INTEGER", "\"5\"", "5" },
	{ "INTEGER", "abc", "'abc'" },
	{ "INTEGER", "[x y]", "'x y'" },
	{ "INTEGER", "\"true\"", "'true'" },
	{ "INTEGER", "X'00ff'", "X'00FF'" },
	{ "BIGINT UNSIGNED", "'42'", "42" },
	{ "NUMERIC", "'1.50'", "1.5" },
	{ "NUMERIC", "1e20", "1.0e+20" },
	{ "DECIMAL(10,2)", "'10'", "10" },
	{ "BOOLEAN", "'1'", "1" },
	{ "DATETIME", "'2020-01-01'", "'2020-01-01'" },
	/* REAL affinity */
	{ "REAL", "1", "1.0" },
	{ "REAL", "'1'", "1.0" },
	{ "REAL", "' 2.5 '", "2.5" },
	{ "REAL", "0.1", "0.1" },
	{ "REAL", "'abc'", "'abc'" },
	{ "REAL", "- 1", "-1.0" },
	{ "REAL", "TRUE", "1.0" },
	{ "DOUBLE", "1e20", "1.0e+20" },
	{ "FLOAT", "9007199254740993", "9007199254740992.0" },
	{ "REAL", "3.14159265358979323846", "3.1415926535897931" },
	{ "REAL", "0x10", "16.0" },
	/* TEXT affinity */
	{ "TEXT", "0", "'0'" },
	{ "TEXT", "'0'", "'0'" },
	{ "TEXT", "1.5", "'1.5'" },
	{ "TEXT", "1.0", "'1.0'" },
	{ "TEXT", "0x10", "'16'" },
	{ "TEXT", "TRUE", "'1'" },
	{ "TEXT", "-1", "'-1'" },
	{ "TEXT", "\"\"", "''" },
	{ "TEXT", "'it''s'", "'it''s'" },
	{ "VARCHAR(10)", "1e20", "'1.0e+20'" },
	{ "TEXT", "3.14159265358979323846", "'3.14159265358979'" },
	{ "TEXT", "X'41'", "X'41'" },
	/* BLOB affinity: no conversion, canonical spelling */
	{ "BLOB", "1.0", "1.0" },
	{ "", "'1'", "'1'" },
	{ "", "0x10", "16" },
	{ "BLOB", "TRUE", "1" },
	{ "", "1e3", "1000.0" },
	{ "", "-0.0", "-0.0" },
	/* expressions are kept, normalised */
	{ "INTEGER", "(1+1)", "1 + 1" },
	{ "TEXT", "(lower( 'ABC' ))", "lower('ABC')" },
	{ "INTEGER", "(-(1))", "-(1)" },
	{ "INTEGER", "(-'1')", "-'1'" },
	{ "TEXT", "('a' || 'b')", "'a' || 'b'" },
	{ "INTEGER", "((0) + (1))", "(0) + (1)" },
	{ "REAL", "1e999", "1e999" },
};

/* The current-time keywords: stored values match by type only. */
static const struct dcase time_cases[] = {
	{ "TEXT", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP" },
	{ "INTEGER", "(current_date)", "CURRENT_DATE" },
	{ "", "Current_Time", "CURRENT_TIME" },
};

/* typeof() and quote() of the value that DEFAULT VALUES stores in a
 * column of TYPE with default DFLT ("" and "NULL" when DFLT is NULL). */
static void
stored(sqlite3 *db, const char *type, const char *dflt, char *out, size_t n)
{
	char sql[512];
	sqlite3_stmt *st;
	char *msg = NULL;

	snprintf(
		sql, sizeof(sql),
		"DROP TABLE IF EXISTS t; CREATE TABLE t(x %s%s%s);"
		"INSERT INTO t DEFAULT VALUES;",
		type, dflt ? " DEFAULT " : "", dflt ? dflt : "");
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
		sql, msg);
	cr_assert_eq(
		sqlite3_prepare_v2(
			db, "SELECT typeof(x), quote(x) FROM t", -1, &st, NULL),
		SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(
		out, n, "%s %s", sqlite3_column_text(st, 0),
		sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

/* The canonical default written back as SQL: bare when SQLite takes it
 * so (a literal), else in parentheses (an expression). */
static void as_default(sqlite3 *db, const char *canon, char *out, size_t n)
{
	char sql[512];

	snprintf(
		sql, sizeof(sql), "CREATE TEMP TABLE probe(x DEFAULT %s)",
		canon);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK) {
		sqlite3_exec(db, "DROP TABLE probe", NULL, NULL, NULL);
		snprintf(out, n, "%s", canon);
	} else {
		snprintf(out, n, "(%s)", canon);
	}
}

static void check_case(sqlite3 *db, const struct dcase *c, bool by_value)
{
	retort_arena arena = RETORT_ARENA_INIT;
	retort_affinity aff = retort__affinity_of(c->type);
	const char *canon = "unset", *again = "unset";
	char a[256], b[256], dflt[256];

	cr_assert_eq(
		retort__ddl_default(&canon, &arena, c->dflt, aff), RETORT_OK,
		"%s DEFAULT %s", c->type, c->dflt);
	cr_expect(
		(!canon && !c->want) ||
			(canon && c->want && !strcmp(canon, c->want)),
		"%s DEFAULT %s: got %s, want %s", c->type, c->dflt,
		canon ? canon : "(null)", c->want ? c->want : "(null)");
	stored(db, c->type, c->dflt, a, sizeof(a));
	if (canon)
		as_default(db, canon, dflt, sizeof(dflt));
	stored(db, c->type, canon ? dflt : NULL, b, sizeof(b));
	if (!by_value) {
		*strchr(a, ' ') = '\0';
		*strchr(b, ' ') = '\0';
	}
	cr_expect_str_eq(
		a, b, "%s DEFAULT %s stores %s, canonical %s stores %s",
		c->type, c->dflt, a, canon ? canon : "(none)", b);
	if (canon) {
		cr_assert_eq(
			retort__ddl_default(&again, &arena, canon, aff),
			RETORT_OK);
		cr_expect_str_eq(
			again, canon, "not idempotent: %s -> %s", canon, again);
	}
	retort__arena_dispose(&arena);
}

Test(introspect_ddl_default, matches_sqlite_storage)
{
	sqlite3 *db;
	size_t i;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(db, &cases[i], true);
	for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++)
		check_case(db, &time_cases[i], false);
	sqlite3_close(db);
}

Test(introspect_ddl_default, errors)
{
	retort_arena arena = RETORT_ARENA_INIT;
	const char *out = "unset";

	cr_expect_eq(
		retort__ddl_default(&out, &arena, "'abc", 0), RETORT_EINVAL);
	cr_expect_null(out);
	cr_expect_eq(retort__ddl_default(&out, &arena, "()", 0), RETORT_EINVAL);
	cr_expect_eq(retort__ddl_default(&out, &arena, "  ", 0), RETORT_EINVAL);
	cr_expect_eq(
		retort__ddl_default(&out, &arena, "/* c */", 0), RETORT_EINVAL);
	retort__arena_dispose(&arena);
}

Test(introspect_ddl_default, comments_and_spaces_vanish)
{
	retort_arena arena = RETORT_ARENA_INIT;
	const char *out = NULL;

	cr_assert_eq(
		retort__ddl_default(
			&out, &arena, " ( /* a */ '0' -- b\n ) ",
			RETORT_AFFINITY_INTEGER),
		RETORT_OK);
	cr_expect_str_eq(out, "0");
	retort__arena_dispose(&arena);
}

Test(introspect_ddl_default, unrepresentable_literals_are_kept)
{
	retort_arena arena = RETORT_ARENA_INIT;
	const char *out = NULL;

	/* SQLite rejects this one ("hex literal too big"): left alone */
	cr_assert_eq(
		retort__ddl_default(
			&out, &arena, "0x1FFFFFFFFFFFFFFFF",
			RETORT_AFFINITY_INTEGER),
		RETORT_OK);
	cr_expect_str_eq(out, "0x1ffffffffffffffff");
	cr_assert_eq(
		retort__ddl_default(
			&out, &arena, "-0x8000000000000000",
			RETORT_AFFINITY_TEXT),
		RETORT_OK);
	cr_expect_str_eq(out, "-0x8000000000000000");
	retort__arena_dispose(&arena);
}

Test(introspect_ddl_default, out_of_memory_at_every_allocation)
{
	static const char *const inputs[] = { "('1.5')", "-12", "(1 + 2)",
					      "\"x\"", "TRUE" };
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		const char *want = NULL, *out = NULL;
		retort_arena ok = RETORT_ARENA_INIT;
		int rc = RETORT_ENOMEM;
		long n;

		cr_assert_eq(
			retort__ddl_default(
				&want, &ok, inputs[i], RETORT_AFFINITY_TEXT),
			RETORT_OK);
		for (n = 1; rc == RETORT_ENOMEM && n < 1000; n++) {
			retort_arena a = RETORT_ARENA_INIT;

			retort__alloc_fail_after(n);
			rc = retort__ddl_default(
				&out, &a, inputs[i], RETORT_AFFINITY_TEXT);
			retort__alloc_fail_after(0);
			if (rc == RETORT_OK)
				cr_expect_str_eq(out, want, "%s", inputs[i]);
			else
				cr_expect_null(out);
			retort__arena_dispose(&a);
		}
		cr_expect_eq(rc, RETORT_OK, "%s", inputs[i]);
		retort__arena_dispose(&ok);
	}
}
