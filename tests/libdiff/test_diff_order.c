/*
** test_diff_order.c -- the order of a diff's operations is valid to apply:
** FK targets before FKs, dependants dropped before what they depend on,
** views after the tables they read, triggers after their tables, and
** views or triggers that read something that changes dropped first.
** Groups: libdiff_diff_order.
*/
#include <criterion/criterion.h>
#include <stdlib.h>

#include "test_diff_util.h"

/* Index of the op of KIND on OBJECT (NAME), which must exist. */
static size_t
at(const tdiff *t, retort_op_kind kind, const char *object, const char *name)
{
	const retort_diff_op *op = find_op(t->diff, kind, object, name);
	char *s = describe(t->diff);

	cr_assert_not_null(
		op, "no %s %s in:\n%s", retort_op_kind_name(kind), object, s);
	free(s);
	return op_index(t->diff, op);
}

static const char *const chain =
	"CREATE TABLE a_child(id INTEGER PRIMARY KEY, m_id INT REFERENCES m_middle);"
	"CREATE TABLE m_middle(id INTEGER PRIMARY KEY, z_id INT REFERENCES z_parent);"
	"CREATE TABLE z_parent(id INTEGER PRIMARY KEY);";

Test(libdiff_diff_order, fk_targets_are_added_first)
{
	tdiff t = tdiff_of("", chain, NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_ADD_TABLE, "z_parent", NULL),
		at(&t, RETORT_OP_ADD_TABLE, "m_middle", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_ADD_TABLE, "m_middle", NULL),
		at(&t, RETORT_OP_ADD_TABLE, "a_child", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, dependants_are_dropped_first)
{
	tdiff t = tdiff_of(chain, "", NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TABLE, "a_child", NULL),
		at(&t, RETORT_OP_DROP_TABLE, "m_middle", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TABLE, "m_middle", NULL),
		at(&t, RETORT_OP_DROP_TABLE, "z_parent", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, fk_cycles_still_give_every_table)
{
	tdiff t = tdiff_of(
		"",
		"CREATE TABLE a(id INTEGER PRIMARY KEY, b_id REFERENCES b);"
		"CREATE TABLE b(id INTEGER PRIMARY KEY, a_id REFERENCES a);"
		"CREATE TABLE s(id INTEGER PRIMARY KEY, up REFERENCES s);",
		NULL);

	cr_expect_eq(count_kind(t.diff, RETORT_OP_ADD_TABLE), 3);
	tdiff_free(&t);
}

Test(libdiff_diff_order, altered_parents_before_children)
{
	tdiff t = tdiff_of(
		"CREATE TABLE a(x INT); CREATE TABLE z(id INT);",
		"CREATE TABLE a(x INT, z_k REFERENCES z(k));"
		"CREATE TABLE z(id INT, k INT UNIQUE);",
		NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_ADD_COLUMN, "z", "k"),
		at(&t, RETORT_OP_ADD_COLUMN, "a", "z_k"));
	cr_expect_lt(
		at(&t, RETORT_OP_ADD_UNIQUE, "z", NULL),
		at(&t, RETORT_OP_ADD_FOREIGN_KEY, "a", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, views_after_tables_and_views_they_read)
{
	tdiff t = tdiff_of(
		"",
		"CREATE TABLE t(a INT);"
		"CREATE VIEW a_top AS SELECT * FROM z_base;"
		"CREATE VIEW z_base AS SELECT a FROM t;",
		NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_ADD_TABLE, "t", NULL),
		at(&t, RETORT_OP_ADD_VIEW, "z_base", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_ADD_VIEW, "z_base", NULL),
		at(&t, RETORT_OP_ADD_VIEW, "a_top", NULL));
	tdiff_free(&t);
	t = tdiff_of(
		"CREATE TABLE t(a INT);"
		"CREATE VIEW a_top AS SELECT * FROM z_base;"
		"CREATE VIEW z_base AS SELECT a FROM t;",
		"", NULL);
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_VIEW, "a_top", NULL),
		at(&t, RETORT_OP_DROP_VIEW, "z_base", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_VIEW, "z_base", NULL),
		at(&t, RETORT_OP_DROP_TABLE, "t", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, triggers_after_their_tables)
{
	tdiff t = tdiff_of(
		"",
		"CREATE TABLE z(a INT);"
		"CREATE TRIGGER a AFTER INSERT ON z BEGIN SELECT 1; END;",
		NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_ADD_TABLE, "z", NULL),
		at(&t, RETORT_OP_ADD_TRIGGER, "a", NULL));
	tdiff_free(&t);
	t = tdiff_of(
		"CREATE TABLE z(a INT);"
		"CREATE TRIGGER a AFTER INSERT ON z BEGIN SELECT 1; END;",
		"", NULL);
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TRIGGER, "a", NULL),
		at(&t, RETORT_OP_DROP_TABLE, "z", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, redefined_view_of_a_changed_table_is_dropped_first)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT, b INT); CREATE VIEW v AS SELECT a, b FROM t;",
		"CREATE TABLE t(a INT, c INT); CREATE VIEW v AS SELECT a, c FROM t;",
		NULL);
	size_t drop = at(&t, RETORT_OP_DROP_VIEW, "v", NULL);
	size_t add = at(&t, RETORT_OP_ADD_VIEW, "v", NULL);

	cr_expect_eq(count_kind(t.diff, RETORT_OP_REPLACE_VIEW), 0);
	cr_expect_lt(drop, at(&t, RETORT_OP_DROP_COLUMN, "t", "b"));
	cr_expect_gt(add, at(&t, RETORT_OP_ADD_COLUMN, "t", "c"));
	tdiff_free(&t);
}

Test(libdiff_diff_order, unchanged_view_of_a_dropped_view_is_recreated)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT);"
		"CREATE VIEW base AS SELECT a FROM t;"
		"CREATE VIEW top AS SELECT a FROM base;",
		"CREATE TABLE t(a INT);"
		"CREATE VIEW base AS SELECT a, a + 1 AS b FROM t;"
		"CREATE VIEW top AS SELECT a FROM base;"
		"CREATE TABLE u(x INT);"
		"CREATE TRIGGER tr INSTEAD OF INSERT ON base BEGIN SELECT 1; END;",
		NULL);

	/* base is redefined but reads nothing that changes: one replace */
	cr_expect_eq(count_kind(t.diff, RETORT_OP_REPLACE_VIEW), 1);
	tdiff_free(&t);
	t = tdiff_of(
		"CREATE TABLE t(a INT, b INT);"
		"CREATE VIEW base AS SELECT a, b FROM t;"
		"CREATE VIEW top AS SELECT a FROM base;"
		"CREATE TRIGGER tr INSTEAD OF INSERT ON base BEGIN SELECT 1; END;",
		"CREATE TABLE t(a INT);"
		"CREATE VIEW base AS SELECT a FROM t;"
		"CREATE VIEW top AS SELECT a FROM base;"
		"CREATE TRIGGER tr INSTEAD OF INSERT ON base BEGIN SELECT 1; END;",
		NULL);
	/* base reads t, which loses b: dropped first; top reads base and the
	 * trigger is on base: both dropped before base, created after */
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TRIGGER, "tr", NULL),
		at(&t, RETORT_OP_DROP_VIEW, "top", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_VIEW, "top", NULL),
		at(&t, RETORT_OP_DROP_VIEW, "base", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_VIEW, "base", NULL),
		at(&t, RETORT_OP_DROP_COLUMN, "t", "b"));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_COLUMN, "t", "b"),
		at(&t, RETORT_OP_ADD_VIEW, "base", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_ADD_VIEW, "base", NULL),
		at(&t, RETORT_OP_ADD_VIEW, "top", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_ADD_VIEW, "top", NULL),
		at(&t, RETORT_OP_ADD_TRIGGER, "tr", NULL));
	tdiff_free(&t);
}

Test(libdiff_diff_order, redefined_trigger_on_a_changed_table)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT, b INT);"
		"CREATE TRIGGER tr AFTER UPDATE OF b ON t BEGIN SELECT 1; END;",
		"CREATE TABLE t(a INT, c INT);"
		"CREATE TRIGGER tr AFTER UPDATE OF c ON t BEGIN SELECT 1; END;",
		NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TRIGGER, "tr", NULL),
		at(&t, RETORT_OP_DROP_COLUMN, "t", "b"));
	cr_expect_gt(
		at(&t, RETORT_OP_ADD_TRIGGER, "tr", NULL),
		at(&t, RETORT_OP_ADD_COLUMN, "t", "c"));
	tdiff_free(&t);
}

Test(libdiff_diff_order, indexes_and_constraints_go_before_their_columns)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT, b INT UNIQUE); CREATE INDEX ix ON t(b);",
		"CREATE TABLE t(a INT, c INT UNIQUE); CREATE INDEX ix ON t(c);",
		NULL);
	size_t drop_col = at(&t, RETORT_OP_DROP_COLUMN, "t", "b");
	size_t add_col = at(&t, RETORT_OP_ADD_COLUMN, "t", "c");

	cr_expect_lt(at(&t, RETORT_OP_DROP_INDEX, "t", "ix"), drop_col);
	cr_expect_lt(at(&t, RETORT_OP_DROP_UNIQUE, "t", NULL), drop_col);
	cr_expect_gt(at(&t, RETORT_OP_ADD_INDEX, "t", "ix"), add_col);
	cr_expect_gt(at(&t, RETORT_OP_ADD_UNIQUE, "t", NULL), add_col);
	tdiff_free(&t);
}

Test(libdiff_diff_order, names_freed_before_they_are_reused)
{
	/* a table becomes a view of the same name, an index moves */
	tdiff t = tdiff_of(
		"CREATE TABLE x(a INT); CREATE TABLE y(b INT);"
		"CREATE INDEX ix ON y(b);",
		"CREATE TABLE y(b INT); CREATE TABLE z(c INT);"
		"CREATE INDEX ix ON z(c); CREATE VIEW x AS SELECT b FROM y;",
		NULL);

	cr_expect_lt(
		at(&t, RETORT_OP_DROP_TABLE, "x", NULL),
		at(&t, RETORT_OP_ADD_VIEW, "x", NULL));
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_INDEX, "y", "ix"),
		at(&t, RETORT_OP_ADD_INDEX, "z", "ix"));
	tdiff_free(&t);
}

Test(libdiff_diff_order, column_ops_within_a_table)
{
	retort_rename r[] = { { "t", "b", "c" }, { "t", "a", "b" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;

	o.renames = r;
	o.nrenames = 2;
	t = tdiff_of(
		"CREATE TABLE t(a INT, b INT, d INT);",
		"CREATE TABLE t(b INT, c INT, e INT NOT NULL DEFAULT 0);", &o);
	/* drop d, rename b -> c before a -> b, then add e */
	cr_expect_lt(
		at(&t, RETORT_OP_DROP_COLUMN, "t", "d"),
		at(&t, RETORT_OP_RENAME_COLUMN, "t", "c"));
	cr_expect_lt(
		at(&t, RETORT_OP_RENAME_COLUMN, "t", "c"),
		at(&t, RETORT_OP_RENAME_COLUMN, "t", "b"));
	cr_expect_lt(
		at(&t, RETORT_OP_RENAME_COLUMN, "t", "b"),
		at(&t, RETORT_OP_ADD_COLUMN, "t", "e"));
	tdiff_free(&t);
}
