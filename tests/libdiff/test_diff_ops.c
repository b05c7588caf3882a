/*
** test_diff_ops.c -- one test per operation kind of the comparator, both
** directions (FROM -> TO and back).
** Groups: libdiff_diff_ops (tables, columns, primary keys, options,
** indexes, constraints, views, triggers, virtual tables).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_diff_util.h"

/* Assert that T's diff has exactly N operations, and return the op of
 * KIND on OBJECT (NAME) that must be among them. */
static const retort_diff_op *expect_op(
	const tdiff *t,
	size_t n,
	retort_op_kind kind,
	const char *object,
	const char *name)
{
	const retort_diff_op *op = find_op(t->diff, kind, object, name);
	char *s = describe(t->diff);

	cr_expect_eq(
		retort_diff_count(t->diff), n, "want %zu ops, got:\n%s", n, s);
	cr_assert_not_null(
		op, "no %s %s %s in:\n%s", retort_op_kind_name(kind), object,
		name ? name : "", s);
	free(s);
	return op;
}

static const char *const two_tables =
	"CREATE TABLE a(x INT);"
	"CREATE TABLE b(id INTEGER PRIMARY KEY, y TEXT);"
	"CREATE INDEX b_y ON b(y);";

Test(libdiff_diff_ops, add_table_with_its_indexes)
{
	tdiff t = tdiff_of("CREATE TABLE a(x INT);", two_tables, NULL);
	const retort_diff_op *add =
		expect_op(&t, 2, RETORT_OP_ADD_TABLE, "b", NULL);
	const retort_diff_op *ix =
		expect_op(&t, 2, RETORT_OP_ADD_INDEX, "b", "b_y");

	cr_expect_str_eq(add->to.table->name, "b");
	cr_expect_null(add->from.table);
	cr_expect_eq(add->safety, RETORT_SAFE);
	cr_expect_lt(op_index(t.diff, add), op_index(t.diff, ix));
	cr_expect_eq(ix->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, drop_table_with_its_indexes)
{
	tdiff t = tdiff_of(two_tables, "CREATE TABLE a(x INT);", NULL);
	const retort_diff_op *drop =
		expect_op(&t, 2, RETORT_OP_DROP_TABLE, "b", NULL);
	const retort_diff_op *ix =
		expect_op(&t, 2, RETORT_OP_DROP_INDEX, "b", "b_y");

	cr_expect_str_eq(drop->from.table->name, "b");
	cr_expect_null(drop->to.table);
	cr_expect_eq(drop->safety, RETORT_DESTRUCTIVE);
	cr_expect_lt(op_index(t.diff, ix), op_index(t.diff, drop));
	tdiff_free(&t);
}

Test(libdiff_diff_ops, rename_table_both_ways)
{
	static const char *a =
		"CREATE TABLE old(id INTEGER PRIMARY KEY, v TEXT);";
	static const char *b =
		"CREATE TABLE new(id INTEGER PRIMARY KEY, v TEXT);";
	retort_rename fwd = { NULL, "old", "new" },
		      back = { NULL, "new", "old" };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;
	const retort_diff_op *op;

	o.renames = &fwd;
	o.nrenames = 1;
	t = tdiff_of(a, b, &o);
	op = expect_op(&t, 1, RETORT_OP_RENAME_TABLE, "new", NULL);
	cr_expect_str_eq(op->from.table->name, "old");
	cr_expect_str_eq(op->to.table->name, "new");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	o.renames = &back;
	t = tdiff_of(b, a, &o);
	op = expect_op(&t, 1, RETORT_OP_RENAME_TABLE, "old", NULL);
	cr_expect_str_eq(op->from.table->name, "new");
	tdiff_free(&t);
}

Test(libdiff_diff_ops, without_rowid_both_ways)
{
	static const char *a = "CREATE TABLE t(k TEXT PRIMARY KEY, v INT);";
	static const char *b =
		"CREATE TABLE t(k TEXT PRIMARY KEY, v INT) WITHOUT ROWID;";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL);

	cr_expect_eq(op->changes, RETORT_TABLE_CHANGE_WITHOUT_ROWID);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL);
	cr_expect_eq(op->changes, RETORT_TABLE_CHANGE_WITHOUT_ROWID);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, strict_both_ways)
{
	static const char *a = "CREATE TABLE t(a INT, b TEXT);";
	static const char *b = "CREATE TABLE t(a INT, b TEXT) STRICT;";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL);

	cr_expect_eq(op->changes, RETORT_TABLE_CHANGE_STRICT);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, primary_key_columns_and_order)
{
	static const char *a =
		"CREATE TABLE t(a INT, b INT, PRIMARY KEY(a, b));";
	static const char *b =
		"CREATE TABLE t(a INT, b INT, PRIMARY KEY(b, a));";
	static const char *c = "CREATE TABLE t(a INT, b INT, PRIMARY KEY(a));";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);

	cr_expect_eq(op->changes, RETORT_PK_CHANGE_COLUMNS);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
	tdiff_free(&t);
	t = tdiff_of(a, c, NULL);
	op = expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
	cr_expect_eq(op->changes, RETORT_PK_CHANGE_COLUMNS);
	tdiff_free(&t);
	t = tdiff_of(c, a, NULL);
	expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, primary_key_autoincrement)
{
	static const char *a = "CREATE TABLE t(id INTEGER PRIMARY KEY, v);";
	static const char *b =
		"CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v);";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);

	cr_expect_eq(op->changes, RETORT_PK_CHANGE_AUTOINCREMENT);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
	cr_expect_eq(op->changes, RETORT_PK_CHANGE_AUTOINCREMENT);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE, "ids may be reused");
	tdiff_free(&t);
}

Test(libdiff_diff_ops, primary_key_rowid_alias)
{
	static const char *a = "CREATE TABLE t(id INTEGER PRIMARY KEY, v);";
	static const char *b = "CREATE TABLE t(id INT PRIMARY KEY, v);";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 2, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);

	cr_expect_eq(op->changes, RETORT_PK_CHANGE_ROWID_ALIAS);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	expect_op(&t, 2, RETORT_OP_ALTER_COLUMN, "t", "id");
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 2, RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL);
	cr_expect_eq(op->changes, RETORT_PK_CHANGE_ROWID_ALIAS);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, reorder_columns)
{
	static const char *a = "CREATE TABLE t(a INT, b TEXT, c REAL);";
	static const char *b = "CREATE TABLE t(a INT, c REAL, b TEXT);";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_REORDER_COLUMNS, "t", NULL);

	cr_expect_eq(op->safety, RETORT_SAFE);
	cr_expect_eq(op->from.table->ncolumns, 3);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	expect_op(&t, 1, RETORT_OP_REORDER_COLUMNS, "t", NULL);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, column_added_in_the_middle_needs_reorder)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT, c INT);",
		"CREATE TABLE t(a INT, b INT, c INT);", NULL);

	expect_op(&t, 2, RETORT_OP_ADD_COLUMN, "t", "b");
	expect_op(&t, 2, RETORT_OP_REORDER_COLUMNS, "t", NULL);
	tdiff_free(&t);
	t = tdiff_of(
		"CREATE TABLE t(a INT, b INT);",
		"CREATE TABLE t(a INT, b INT, c INT);", NULL);
	expect_op(&t, 1, RETORT_OP_ADD_COLUMN, "t", "c");
	tdiff_free(&t);
}

Test(libdiff_diff_ops, add_and_drop_column)
{
	static const char *a = "CREATE TABLE t(a INT);";
	static const char *b = "CREATE TABLE t(a INT, b TEXT DEFAULT 'x');";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ADD_COLUMN, "t", "b");

	cr_expect_str_eq(op->to.column->name, "b");
	cr_expect_null(op->from.column);
	cr_expect_not_null(op->from.table, "a kept table is on both sides");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_COLUMN, "t", "b");
	cr_expect_str_eq(op->from.column->name, "b");
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, rename_column_both_ways)
{
	static const char *a =
		"CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT);";
	static const char *b =
		"CREATE TABLE t(id INTEGER PRIMARY KEY, b TEXT);";
	retort_rename fwd = { "t", "a", "b" }, back = { "t", "b", "a" };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	const retort_diff_op *op;
	tdiff t;

	o.renames = &fwd;
	o.nrenames = 1;
	t = tdiff_of(a, b, &o);
	op = expect_op(&t, 1, RETORT_OP_RENAME_COLUMN, "t", "b");
	cr_expect_str_eq(op->from.column->name, "a");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	o.renames = &back;
	t = tdiff_of(b, a, &o);
	op = expect_op(&t, 1, RETORT_OP_RENAME_COLUMN, "t", "a");
	cr_expect_str_eq(op->from.column->name, "b");
	tdiff_free(&t);
}

/* The ALTER_COLUMN of t.c between A and B, both ways, with CHANGES. */
static void expect_alter(const char *a, const char *b, unsigned changes)
{
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ALTER_COLUMN, "t", "c");

	cr_expect_eq(
		op->changes, changes, "%s -> %s: changes %#x", a, b,
		op->changes);
	cr_expect_not_null(op->from.column);
	cr_expect_not_null(op->to.column);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ALTER_COLUMN, "t", "c");
	cr_expect_eq(
		op->changes, changes, "%s -> %s: changes %#x", b, a,
		op->changes);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, alter_column_type)
{
	expect_alter(
		"CREATE TABLE t(c VARCHAR(10));", "CREATE TABLE t(c TEXT);",
		RETORT_CHANGE_TYPE);
}

Test(libdiff_diff_ops, alter_column_not_null)
{
	expect_alter(
		"CREATE TABLE t(c TEXT);", "CREATE TABLE t(c TEXT NOT NULL);",
		RETORT_CHANGE_NOT_NULL);
}

Test(libdiff_diff_ops, alter_column_not_null_conflict)
{
	expect_alter(
		"CREATE TABLE t(c TEXT NOT NULL);",
		"CREATE TABLE t(c TEXT NOT NULL ON CONFLICT IGNORE);",
		RETORT_CHANGE_NOT_NULL_ON);
}

Test(libdiff_diff_ops, alter_column_default)
{
	expect_alter(
		"CREATE TABLE t(c TEXT DEFAULT 'a');",
		"CREATE TABLE t(c TEXT DEFAULT 'b');", RETORT_CHANGE_DEFAULT);
	expect_alter(
		"CREATE TABLE t(c TEXT);",
		"CREATE TABLE t(c TEXT DEFAULT (datetime('now')));",
		RETORT_CHANGE_DEFAULT);
}

Test(libdiff_diff_ops, alter_column_collate)
{
	expect_alter(
		"CREATE TABLE t(c TEXT);",
		"CREATE TABLE t(c TEXT COLLATE NOCASE);",
		RETORT_CHANGE_COLLATE);
}

Test(libdiff_diff_ops, alter_column_generated)
{
	expect_alter(
		"CREATE TABLE t(a INT, c INT AS (a + 1));",
		"CREATE TABLE t(a INT, c INT AS (a + 2));",
		RETORT_CHANGE_GENERATED);
	expect_alter(
		"CREATE TABLE t(a INT, c INT AS (a + 1) VIRTUAL);",
		"CREATE TABLE t(a INT, c INT AS (a + 1) STORED);",
		RETORT_CHANGE_GENERATED);
	expect_alter(
		"CREATE TABLE t(a INT, c INT);",
		"CREATE TABLE t(a INT, c INT AS (a * 2));",
		RETORT_CHANGE_GENERATED);
}

/* An index change between A and B is a DROP_INDEX and an ADD_INDEX of
 * ix, dropped first, both ways. */
static void expect_index_change(const char *a, const char *b)
{
	int k;

	for (k = 0; k < 2; k++) {
		tdiff t = tdiff_of(k ? b : a, k ? a : b, NULL);
		const retort_diff_op *d =
			expect_op(&t, 2, RETORT_OP_DROP_INDEX, "t", "ix");
		const retort_diff_op *ad =
			expect_op(&t, 2, RETORT_OP_ADD_INDEX, "t", "ix");

		cr_expect_lt(op_index(t.diff, d), op_index(t.diff, ad));
		tdiff_free(&t);
	}
}

Test(libdiff_diff_ops, add_and_drop_index)
{
	static const char *a = "CREATE TABLE t(a INT, b TEXT);";
	static const char *b =
		"CREATE TABLE t(a INT, b TEXT); CREATE INDEX ix ON t(b);";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ADD_INDEX, "t", "ix");

	cr_expect_str_eq(op->to.index->name, "ix");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_INDEX, "t", "ix");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, index_definition_changes)
{
	static const char *t = "CREATE TABLE t(a INT, b TEXT);";
	char a[256], b[256];
	static const char *const pairs[][2] = {
		{ "CREATE INDEX ix ON t(a)", "CREATE INDEX ix ON t(b)" },
		{ "CREATE INDEX ix ON t(a)", "CREATE UNIQUE INDEX ix ON t(a)" },
		{ "CREATE INDEX ix ON t(a)",
		  "CREATE INDEX ix ON t(a) WHERE a > 0" },
		{ "CREATE INDEX ix ON t(a) WHERE a > 0",
		  "CREATE INDEX ix ON t(a) WHERE a > 1" },
		{ "CREATE INDEX ix ON t(a)", "CREATE INDEX ix ON t(a DESC)" },
		{ "CREATE INDEX ix ON t(b)",
		  "CREATE INDEX ix ON t(b COLLATE NOCASE)" },
		{ "CREATE INDEX ix ON t(lower(b))",
		  "CREATE INDEX ix ON t(upper(b))" },
		{ "CREATE INDEX ix ON t(a, b)", "CREATE INDEX ix ON t(b, a)" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		snprintf(a, sizeof(a), "%s%s;", t, pairs[i][0]);
		snprintf(b, sizeof(b), "%s%s;", t, pairs[i][1]);
		expect_index_change(a, b);
	}
}

Test(libdiff_diff_ops, add_and_drop_unique)
{
	static const char *a = "CREATE TABLE t(a INT, b INT);";
	static const char *b = "CREATE TABLE t(a INT, b INT, UNIQUE(a, b));";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ADD_UNIQUE, "t", NULL);

	cr_expect_eq(op->to.unique->nparts, 2);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_UNIQUE, "t", NULL);
	cr_expect_eq(op->from.unique->nparts, 2);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, add_and_drop_check)
{
	static const char *a = "CREATE TABLE t(a INT);";
	static const char *b =
		"CREATE TABLE t(a INT, CONSTRAINT pos CHECK (a > 0));";
	tdiff t = tdiff_of(a, b, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ADD_CHECK, "t", "pos");

	cr_expect_str_eq(op->to.check->expr, "a > 0");
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_CHECK, "t", "pos");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, add_and_drop_foreign_key)
{
	static const char *p = "CREATE TABLE p(id INTEGER PRIMARY KEY);";
	char a[256], b[256];
	tdiff t;
	const retort_diff_op *op;

	snprintf(a, sizeof(a), "%sCREATE TABLE c(x INT);", p);
	snprintf(
		b, sizeof(b),
		"%sCREATE TABLE c(x INT REFERENCES p ON DELETE CASCADE);", p);
	t = tdiff_of(a, b, NULL);
	op = expect_op(&t, 1, RETORT_OP_ADD_FOREIGN_KEY, "c", NULL);
	cr_expect_str_eq(op->to.foreign_key->ref_table, "p");
	cr_expect_eq(op->to.foreign_key->on_delete, RETORT_FK_CASCADE);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_FOREIGN_KEY, "c", NULL);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, foreign_key_clauses_change)
{
	static const char *const variants[] = {
		"REFERENCES p(id)",
		"REFERENCES p(id) ON DELETE SET NULL",
		"REFERENCES p(id) ON UPDATE CASCADE",
		"REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED",
		"REFERENCES p(id) MATCH FULL",
		"REFERENCES p(k)",
	};
	char a[256], b[256];
	size_t i, j;

	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		for (j = 0; j < sizeof(variants) / sizeof(variants[0]); j++) {
			tdiff t;

			if (i == j)
				continue;
			snprintf(
				a, sizeof(a),
				"CREATE TABLE p(id INTEGER PRIMARY KEY, k UNIQUE); CREATE TABLE c(x INT %s);",
				variants[i]);
			snprintf(
				b, sizeof(b),
				"CREATE TABLE p(id INTEGER PRIMARY KEY, k UNIQUE); CREATE TABLE c(x INT %s);",
				variants[j]);
			t = tdiff_of(a, b, NULL);
			expect_op(&t, 2, RETORT_OP_DROP_FOREIGN_KEY, "c", NULL);
			expect_op(&t, 2, RETORT_OP_ADD_FOREIGN_KEY, "c", NULL);
			tdiff_free(&t);
		}
	}
}

static const char *const base = "CREATE TABLE t(a INT, b TEXT);";

Test(libdiff_diff_ops, add_drop_replace_view)
{
	char a[256], b[256];
	tdiff t;
	const retort_diff_op *op;

	snprintf(a, sizeof(a), "%sCREATE VIEW v AS SELECT a FROM t;", base);
	snprintf(b, sizeof(b), "%sCREATE VIEW v AS SELECT a, b FROM t;", base);
	t = tdiff_of(base, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ADD_VIEW, "v", NULL);
	cr_expect_str_eq(op->to.view->name, "v");
	tdiff_free(&t);
	t = tdiff_of(a, base, NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_VIEW, "v", NULL);
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	t = tdiff_of(a, b, NULL);
	op = expect_op(&t, 1, RETORT_OP_REPLACE_VIEW, "v", NULL);
	cr_expect_not_null(op->from.view);
	cr_expect_not_null(op->to.view);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	expect_op(&t, 1, RETORT_OP_REPLACE_VIEW, "v", NULL);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, add_drop_replace_trigger)
{
	char a[256], b[256];
	tdiff t;
	const retort_diff_op *op;

	snprintf(
		a, sizeof(a),
		"%sCREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
		base);
	snprintf(
		b, sizeof(b),
		"%sCREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 2; END;",
		base);
	t = tdiff_of(base, a, NULL);
	op = expect_op(&t, 1, RETORT_OP_ADD_TRIGGER, "tr", NULL);
	cr_expect_str_eq(op->to.trigger->table, "t");
	tdiff_free(&t);
	t = tdiff_of(a, base, NULL);
	expect_op(&t, 1, RETORT_OP_DROP_TRIGGER, "tr", NULL);
	tdiff_free(&t);
	t = tdiff_of(a, b, NULL);
	op = expect_op(&t, 1, RETORT_OP_REPLACE_TRIGGER, "tr", NULL);
	cr_expect_not_null(op->from.trigger);
	cr_expect_not_null(op->to.trigger);
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	expect_op(&t, 1, RETORT_OP_REPLACE_TRIGGER, "tr", NULL);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, add_drop_replace_virtual_table)
{
	static const char *a =
		"CREATE VIRTUAL TABLE f USING fts5(title, body);";
	static const char *b =
		"CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize = 'porter');";
	tdiff t = tdiff_of("", a, NULL);
	const retort_diff_op *op =
		expect_op(&t, 1, RETORT_OP_ADD_VIRTUAL_TABLE, "f", NULL);

	cr_expect_str_eq(op->to.virtual_table->module, "fts5");
	cr_expect_eq(op->safety, RETORT_SAFE);
	tdiff_free(&t);
	t = tdiff_of(a, "", NULL);
	op = expect_op(&t, 1, RETORT_OP_DROP_VIRTUAL_TABLE, "f", NULL);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE);
	tdiff_free(&t);
	t = tdiff_of(a, b, NULL);
	op = expect_op(&t, 1, RETORT_OP_REPLACE_VIRTUAL_TABLE, "f", NULL);
	cr_expect_eq(op->safety, RETORT_DESTRUCTIVE, "re-created empty");
	tdiff_free(&t);
	t = tdiff_of(b, a, NULL);
	expect_op(&t, 1, RETORT_OP_REPLACE_VIRTUAL_TABLE, "f", NULL);
	tdiff_free(&t);
}

Test(libdiff_diff_ops, kind_names_are_stable)
{
	cr_expect_str_eq(retort_op_kind_name(RETORT_OP_ADD_TABLE), "add_table");
	cr_expect_str_eq(
		retort_op_kind_name(RETORT_OP_REPLACE_VIRTUAL_TABLE),
		"replace_virtual_table");
	cr_expect_str_eq(
		retort_op_kind_name(RETORT_OP_ALTER_PRIMARY_KEY),
		"alter_primary_key");
	cr_expect_str_eq(retort_op_kind_name((retort_op_kind)999), "unknown");
}

Test(libdiff_diff_ops, column_collation_change_leaves_its_keys)
{
	expect_alter(
		"CREATE TABLE t(c TEXT UNIQUE); CREATE INDEX ix ON t(c);",
		"CREATE TABLE t(c TEXT COLLATE NOCASE UNIQUE);"
		" CREATE INDEX ix ON t(c);",
		RETORT_CHANGE_COLLATE);
	EXPECT_EQUAL(
		"CREATE TABLE t(c TEXT COLLATE NOCASE);"
		" CREATE INDEX ix ON t(c COLLATE NOCASE);",
		"CREATE TABLE t(c TEXT COLLATE NOCASE); CREATE INDEX ix ON t(c);",
		NULL);
	expect_index_change(
		"CREATE TABLE t(c TEXT);"
		" CREATE INDEX ix ON t(c);",
		"CREATE TABLE t(c TEXT);"
		" CREATE INDEX ix ON t(c COLLATE NOCASE);");
}
