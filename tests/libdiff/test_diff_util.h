/*
** test_diff_util.h -- helpers of the comparator tests: schemas from SQL
** text (run in a sandboxed :memory: database and introspected, so that
** the model is exactly what SQLite makes of it), diffs, and lookups of
** operations.  Each helper asserts its preconditions.
*/
#ifndef RETORT_TEST_DIFF_UTIL_H
#define RETORT_TEST_DIFF_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "introspect.h"
#include "retort.h"
#include "sqltok.h"

/* A schema made from SQL; the test frees it. */
static inline retort_schema *sch(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;
	int rc = retort__schema_from_sql(&s, sql, "test.sql", &err);

	cr_assert_eq(
		rc, RETORT_OK, "schema from SQL: %s: %s", err.what, err.why);
	return s;
}

/* A comparison of two SQL schemas, holding everything it needs. */
typedef struct tdiff {
	retort_schema *from; /* FROM */
	retort_schema *to;   /* TO */
	retort_diff *diff;   /* the comparison */
} tdiff;

/* Compare the schemas of SQL texts A and B with options O (or NULL). */
static inline tdiff
tdiff_of(const char *a, const char *b, const retort_diff_options *o)
{
	retort_error err = RETORT_ERROR_INIT;
	tdiff t;
	int rc;

	t.from = sch(a);
	t.to = sch(b);
	rc = retort_diff_compare(&t.diff, t.from, t.to, o, &err);
	cr_assert_eq(rc, RETORT_OK, "compare: %s: %s", err.what, err.why);
	return t;
}

static inline void tdiff_free(tdiff *t)
{
	retort_diff_free(t->diff);
	retort_schema_free(t->from);
	retort_schema_free(t->to);
}

/* Count of operations of KIND. */
static inline size_t count_kind(const retort_diff *d, retort_op_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < retort_diff_count(d); i++)
		n += retort_diff_get(d, i)->kind == kind;
	return n;
}

/* The first operation of KIND on OBJECT (and NAME when not NULL), or
 * NULL. */
static inline const retort_diff_op *
find_op(const retort_diff *d,
	retort_op_kind kind,
	const char *object,
	const char *name)
{
	size_t i;

	for (i = 0; i < retort_diff_count(d); i++) {
		const retort_diff_op *op = retort_diff_get(d, i);

		if (op->kind != kind || retort__strcasecmp(op->object, object))
			continue;
		if (name && (!op->name || retort__strcasecmp(op->name, name)))
			continue;
		return op;
	}
	return NULL;
}

/* Index of OP in D. */
static inline size_t op_index(const retort_diff *d, const retort_diff_op *op)
{
	size_t i;

	for (i = 0; i < retort_diff_count(d); i++)
		if (retort_diff_get(d, i) == op)
			return i;
	cr_assert_fail("operation not in the diff");
	return 0;
}

/* The kinds of D as "kind object[.name]" lines, for messages. */
static inline char *describe(const retort_diff *d)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < retort_diff_count(d); i++) {
		const retort_diff_op *op = retort_diff_get(d, i);

		retort_buf_printf(
			&b, "%s %s%s%s\n", retort_op_kind_name(op->kind),
			op->object, op->name ? "." : "",
			op->name ? op->name : "");
	}
	return retort_buf_detach(&b);
}

/* Assert that SQL texts A and B compare equal (options O), both ways. */
#define EXPECT_EQUAL(a, b, o)                                                  \
 do {                                                                          \
  tdiff t_ = tdiff_of(a, b, o), u_ = tdiff_of(b, a, o);                        \
  char *s_ = describe(t_.diff);                                                \
  cr_expect_eq(                                                                \
	  retort_diff_count(t_.diff), 0, "expected equal:\n%s\n%s\n%s", a, b,  \
	  s_);                                                                 \
  cr_expect_eq(retort_diff_count(u_.diff), 0, "expected equal (reversed)");    \
  free(s_);                                                                    \
  tdiff_free(&t_);                                                             \
  tdiff_free(&u_);                                                             \
 } while (0)

#endif /* RETORT_TEST_DIFF_UTIL_H */
