/*
** test_diff_safety.c -- the safety class and reason of each operation
** kind (SPEC §3): destructive when data can be lost or existing rows may
** refuse the change, safe otherwise.
** Groups: libdiff_diff_safety.
*/
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "test_diff_util.h"

/* One case: the op of KIND on OBJECT (NAME) between FROM and TO. */
struct scase {
	const char *from, *to; /* schemas */
	retort_op_kind kind;   /* the op */
	const char *object;    /* its object */
	const char *name;      /* its name, or NULL for any */
	retort_safety safety;  /* expected class */
	const char *reason;    /* expected reason, or NULL when safe */
};

static void check(const struct scase *c)
{
	tdiff t = tdiff_of(c->from, c->to, NULL);
	const retort_diff_op *op = find_op(t.diff, c->kind, c->object, c->name);
	char *s = describe(t.diff);

	cr_assert_not_null(op, "no %s in %s", retort_op_kind_name(c->kind), s);
	cr_expect_eq(
		op->safety, c->safety, "%s: %s -> %s",
		retort_op_kind_name(c->kind), c->from, c->to);
	if (c->reason)
		cr_expect_str_eq(op->reason ? op->reason : "(null)", c->reason);
	else
		cr_expect_null(
			op->reason, "%s: %s", retort_op_kind_name(c->kind),
			op->reason);
	free(s);
	tdiff_free(&t);
}

#define D RETORT_DESTRUCTIVE
#define S RETORT_SAFE

static const struct scase drops[] = {
	{ "CREATE TABLE t(a INT);", "", RETORT_OP_DROP_TABLE, "t", NULL, D,
	  "drops table t and all its rows" },
	{ "CREATE TABLE t(a INT, \"b c\" INT);", "CREATE TABLE t(a INT);",
	  RETORT_OP_DROP_COLUMN, "t", "b c", D,
	  "drops column \"b c\" and its data" },
	{ "CREATE VIRTUAL TABLE f USING fts5(x);", "",
	  RETORT_OP_DROP_VIRTUAL_TABLE, "f", NULL, D,
	  "drops virtual table f and its content" },
	{ "CREATE VIRTUAL TABLE f USING fts5(x);",
	  "CREATE VIRTUAL TABLE f USING fts5(x, y);",
	  RETORT_OP_REPLACE_VIRTUAL_TABLE, "f", NULL, D,
	  "re-creates virtual table f empty: its content is lost" },
	{ "CREATE TABLE t(a INT); CREATE INDEX ix ON t(a);",
	  "CREATE TABLE t(a INT);", RETORT_OP_DROP_INDEX, "t", "ix", S, NULL },
	{ "CREATE TABLE t(a INT UNIQUE CHECK (a > 0));",
	  "CREATE TABLE t(a INT);", RETORT_OP_DROP_UNIQUE, "t", NULL, S, NULL },
	{ "CREATE TABLE t(a INT UNIQUE CHECK (a > 0));",
	  "CREATE TABLE t(a INT);", RETORT_OP_DROP_CHECK, "t", NULL, S, NULL },
	{ "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a FROM t;",
	  "CREATE TABLE t(a INT);", RETORT_OP_DROP_VIEW, "v", NULL, S, NULL },
};

Test(libdiff_diff_safety, drops)
{
	size_t i;

	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		check(&drops[i]);
}

static const struct scase tighten[] = {
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a INT, b INT NOT NULL);",
	  RETORT_OP_ADD_COLUMN, "t", "b", D,
	  "adds NOT NULL column b without a default: refused if the table has rows" },
	{ "CREATE TABLE t(a INT);",
	  "CREATE TABLE t(a INT, b INT NOT NULL DEFAULT 0);",
	  RETORT_OP_ADD_COLUMN, "t", "b", S, NULL },
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a INT NOT NULL);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "existing rows may hold NULL in a" },
	{ "CREATE TABLE t(a INT NOT NULL);", "CREATE TABLE t(a INT);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", S, NULL },
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a INT CHECK (a > 0));",
	  RETORT_OP_ADD_CHECK, "t", NULL, D,
	  "existing rows may violate CHECK (a > 0)" },
	{ "CREATE TABLE t(a INT, b INT);",
	  "CREATE TABLE t(a INT, b INT, UNIQUE(a, b));", RETORT_OP_ADD_UNIQUE,
	  "t", NULL, D, "existing rows may hold duplicates of (a, b)" },
	{ "CREATE TABLE t(a INT);",
	  "CREATE TABLE t(a INT); CREATE UNIQUE INDEX ix ON t(a);",
	  RETORT_OP_ADD_INDEX, "t", "ix", D,
	  "existing rows may hold duplicates of (a)" },
	{ "CREATE TABLE t(a INT);",
	  "CREATE TABLE t(a INT); CREATE INDEX ix ON t(a);",
	  RETORT_OP_ADD_INDEX, "t", "ix", S, NULL },
	{ "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT);",
	  "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT REFERENCES p);",
	  RETORT_OP_ADD_FOREIGN_KEY, "t", NULL, D,
	  "existing rows may refer to rows missing from p" },
	{ "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT REFERENCES p);",
	  "CREATE TABLE p(id INTEGER PRIMARY KEY);"
	  " CREATE TABLE t(a INT REFERENCES p ON DELETE CASCADE);",
	  RETORT_OP_ADD_FOREIGN_KEY, "t", NULL, S, NULL },
	{ "CREATE TABLE t(a INT, CONSTRAINT x UNIQUE(a));",
	  "CREATE TABLE t(a INT, CONSTRAINT y UNIQUE(a) ON CONFLICT REPLACE);",
	  RETORT_OP_ADD_UNIQUE, "t", "y", S, NULL },
	{ "CREATE TABLE t(a INT, CONSTRAINT x CHECK (a > 0));",
	  "CREATE TABLE t(a INT, CONSTRAINT y CHECK (a > 0));",
	  RETORT_OP_ADD_CHECK, "t", "y", S, NULL },
	{ "", "CREATE TABLE t(a INT UNIQUE); CREATE UNIQUE INDEX ix ON t(a);",
	  RETORT_OP_ADD_INDEX, "t", "ix", S, NULL },
	{ "", "CREATE TABLE t(a INT NOT NULL CHECK (a > 0));",
	  RETORT_OP_ADD_TABLE, "t", NULL, S, NULL },
};

Test(libdiff_diff_safety, rules_that_rows_may_not_satisfy)
{
	size_t i;

	for (i = 0; i < sizeof(tighten) / sizeof(tighten[0]); i++)
		check(&tighten[i]);
}

static const struct scase types[] = {
	{ "CREATE TABLE t(a TEXT);", "CREATE TABLE t(a INTEGER);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "changes the type of a from TEXT to INTEGER affinity: stored values may be converted" },
	{ "CREATE TABLE t(a INTEGER);", "CREATE TABLE t(a TEXT);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", S, NULL },
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a NUMERIC);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", S, NULL },
	{ "CREATE TABLE t(a BLOB);", "CREATE TABLE t(a NUMERIC);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "changes the type of a from BLOB to NUMERIC affinity: stored values may be converted" },
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a REAL);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "changes the type of a from INTEGER to REAL affinity: stored values may be converted" },
	{ "CREATE TABLE t(a VARCHAR(5));", "CREATE TABLE t(a TEXT);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", S, NULL },
	{ "CREATE TABLE t(a INT) STRICT;", "CREATE TABLE t(a INTEGER) STRICT;",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "changes the type of a in a STRICT table from INT to INTEGER: values that do not fit are refused" },
	{ "CREATE TABLE t(a TEXT);", "CREATE TABLE t(a TEXT COLLATE NOCASE);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", S, NULL },
	{ "CREATE TABLE t(a TEXT UNIQUE);",
	  "CREATE TABLE t(a TEXT COLLATE NOCASE UNIQUE);",
	  RETORT_OP_ALTER_COLUMN, "t", "a", D,
	  "a gets COLLATE NOCASE in a unique key: existing values may collide" },
	{ "CREATE TABLE t(a INT, b INT);",
	  "CREATE TABLE t(a INT, b INT AS (a + 1));", RETORT_OP_ALTER_COLUMN,
	  "t", "b", D,
	  "b becomes a generated column: its stored values are replaced" },
	{ "CREATE TABLE t(a INT, b INT AS (a + 1));",
	  "CREATE TABLE t(a INT, b INT);", RETORT_OP_ALTER_COLUMN, "t", "b", S,
	  NULL },
	{ "CREATE TABLE t(a INT DEFAULT 1);",
	  "CREATE TABLE t(a INT DEFAULT 2);", RETORT_OP_ALTER_COLUMN, "t", "a",
	  S, NULL },
};

Test(libdiff_diff_safety, column_changes)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		check(&types[i]);
}

static const struct scase tables[] = {
	{ "CREATE TABLE t(a INT, b INT, PRIMARY KEY(a));",
	  "CREATE TABLE t(a INT, b INT, PRIMARY KEY(a, b));",
	  RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL, D,
	  "changes the primary key to (a, b): existing rows may violate it" },
	{ "CREATE TABLE t(a INT, b INT, PRIMARY KEY(a));",
	  "CREATE TABLE t(a INT, b INT);", RETORT_OP_ALTER_PRIMARY_KEY, "t",
	  NULL, S, NULL },
	{ "CREATE TABLE t(id INT PRIMARY KEY);",
	  "CREATE TABLE t(id INTEGER PRIMARY KEY);",
	  RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL, D,
	  "id becomes an alias of the rowid (INTEGER PRIMARY KEY): values that are not integers are refused" },
	{ "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT);",
	  "CREATE TABLE t(id INTEGER PRIMARY KEY);",
	  RETORT_OP_ALTER_PRIMARY_KEY, "t", NULL, D,
	  "removes AUTOINCREMENT: ids of deleted rows may be reused" },
	{ "CREATE TABLE t(a INT, CONSTRAINT x PRIMARY KEY(a));",
	  "CREATE TABLE t(a INT, CONSTRAINT y PRIMARY KEY(a));",
	  RETORT_OP_ALTER_PRIMARY_KEY, "t", "y", S, NULL },
	{ "CREATE TABLE t(a INT);", "CREATE TABLE t(a INT) STRICT;",
	  RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL, D,
	  "makes the table STRICT: values that do not fit the column types are refused" },
	{ "CREATE TABLE t(a INT PRIMARY KEY);",
	  "CREATE TABLE t(a INT PRIMARY KEY) WITHOUT ROWID;",
	  RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL, D,
	  "makes the table WITHOUT ROWID: rowids are not kept and rows with NULL in the primary key are refused" },
	{ "CREATE TABLE t(a INT, b INT);", "CREATE TABLE t(b INT, a INT);",
	  RETORT_OP_REORDER_COLUMNS, "t", NULL, S, NULL },
	{ "", "CREATE TABLE t(a INT);", RETORT_OP_ADD_TABLE, "t", NULL, S,
	  NULL },
	{ "", "CREATE VIRTUAL TABLE f USING fts5(x);",
	  RETORT_OP_ADD_VIRTUAL_TABLE, "f", NULL, S, NULL },
	{ "CREATE TABLE t(a INT);",
	  "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a FROM t;",
	  RETORT_OP_ADD_VIEW, "v", NULL, S, NULL },
	{ "CREATE TABLE t(a INT);",
	  "CREATE TABLE t(a INT); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
	  RETORT_OP_ADD_TRIGGER, "tr", NULL, S, NULL },
};

Test(libdiff_diff_safety, tables_keys_and_objects)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		check(&tables[i]);
}

Test(libdiff_diff_safety, reasons_join)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a TEXT);", "CREATE TABLE t(a INT NOT NULL);",
		NULL);
	const retort_diff_op *op =
		find_op(t.diff, RETORT_OP_ALTER_COLUMN, "t", "a");

	cr_assert_not_null(op);
	cr_expect_str_eq(
		op->reason,
		"existing rows may hold NULL in a; changes the type of a from TEXT to INTEGER affinity: stored values may be converted");
	tdiff_free(&t);
}

static const struct scase objects[] = {
	{ "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a FROM t;",
	  "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a + 1 AS a FROM t;",
	  RETORT_OP_REPLACE_VIEW, "v", NULL, S, NULL },
	{ "CREATE TABLE t(a INT); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
	  "CREATE TABLE t(a INT); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 2; END;",
	  RETORT_OP_REPLACE_TRIGGER, "tr", NULL, S, NULL },
	{ "CREATE TABLE t(a INT); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
	  "CREATE TABLE t(a INT);", RETORT_OP_DROP_TRIGGER, "tr", NULL, S,
	  NULL },
	{ "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT REFERENCES p);",
	  "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a INT);",
	  RETORT_OP_DROP_FOREIGN_KEY, "t", NULL, S, NULL },
	{ "CREATE TABLE t(a INT) STRICT;", "CREATE TABLE t(a INT);",
	  RETORT_OP_ALTER_TABLE_OPTIONS, "t", NULL, S, NULL },
};

Test(libdiff_diff_safety, views_triggers_and_loosening)
{
	size_t i;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		check(&objects[i]);
}

Test(libdiff_diff_safety, renames_keep_data)
{
	retort_rename r[] = { { NULL, "a", "b" }, { "b", "x", "y" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	tdiff t;
	size_t i;

	o.renames = r;
	o.nrenames = 2;
	t = tdiff_of("CREATE TABLE a(x INT);", "CREATE TABLE b(y INT);", &o);
	cr_assert_eq(retort_diff_count(t.diff), 2);
	for (i = 0; i < 2; i++) {
		cr_expect_eq(retort_diff_get(t.diff, i)->safety, RETORT_SAFE);
		cr_expect_null(retort_diff_get(t.diff, i)->reason);
	}
	tdiff_free(&t);
}
