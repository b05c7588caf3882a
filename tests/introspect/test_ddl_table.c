/*
** test_ddl_table.c -- the CREATE TABLE parser (introspect/ddl_table.c).
** Groups: introspect_ddl_table (quoting forms, comments and CRLF, keywords
** and odd identifiers, type names, every column and table constraint,
** named and unnamed, column/table-level equivalence, table options) and
** introspect_ddl_table_errors (truncated input, unterminated quotes,
** stray tokens).  Every input that should parse is also run through
** SQLite first, so the cases are real SQLite DDL.
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"

static retort_arena arena = RETORT_ARENA_INIT;

static void dispose(void)
{
	retort__arena_dispose(&arena);
}

TestSuite(introspect_ddl_table, .fini = dispose);
TestSuite(introspect_ddl_table_errors, .fini = dispose);

/* SQLite must accept SQL (the test input is real DDL). */
static void sqlite_accepts(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	int rc;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "sqlite rejects %s: %s", sql, msg);
	sqlite3_close(db);
}

static retort_table parse(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_table t;
	int rc;

	sqlite_accepts(sql);
	rc = retort__ddl_parse_table(&t, &arena, sql, "test.sql", &err);
	cr_assert_eq(rc, RETORT_OK, "%s: %s", sql, err.why);
	cr_assert_eq(err.code, RETORT_OK);
	return t;
}

static const char *str(const char *s)
{
	return s ? s : "(null)";
}

#define EXPECT_STR(got, want)                                                  \
 cr_expect_str_eq(                                                             \
	 str(got), str(want), "%s: got %s want %s", #got, str(got), str(want))

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_parts(
	const retort_key_part *a,
	size_t na,
	const retort_key_part *b,
	size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!same_str(a[i].column, b[i].column) ||
		    !same_str(a[i].expr, b[i].expr) ||
		    !same_str(a[i].collate, b[i].collate) ||
		    a[i].desc != b[i].desc)
			return false;
	return true;
}

static bool
same_names(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!same_str(a[i], b[i]))
			return false;
	return true;
}

static bool same_fk(const retort_foreign_key *a, const retort_foreign_key *b)
{
	return same_str(a->name, b->name) &&
	       same_names(a->columns, a->ncolumns, b->columns, b->ncolumns) &&
	       same_str(a->ref_table, b->ref_table) &&
	       same_names(
		       a->ref_columns, a->nref_columns, b->ref_columns,
		       b->nref_columns) &&
	       a->on_delete == b->on_delete && a->on_update == b->on_update &&
	       same_str(a->match, b->match) && a->deferred == b->deferred;
}

/* Everything but the text of the statement agrees. */
static void expect_same_table(const char *sa, const char *sb)
{
	retort_table a = parse(sa), b = parse(sb);
	size_t i;

	cr_assert_eq(a.ncolumns, b.ncolumns, "%s / %s", sa, sb);
	for (i = 0; i < a.ncolumns; i++) {
		const retort_column *x = &a.columns[i], *y = &b.columns[i];

		cr_expect(
			same_str(x->name, y->name) &&
				same_str(x->type, y->type) &&
				x->not_null == y->not_null &&
				same_str(x->default_sql, y->default_sql) &&
				same_str(x->collate, y->collate) &&
				x->pk == y->pk,
			"column %zu differs: %s / %s", i, sa, sb);
	}
	cr_expect_eq(!a.primary_key, !b.primary_key, "%s / %s", sa, sb);
	if (a.primary_key && b.primary_key)
		cr_expect(
			same_str(a.primary_key->name, b.primary_key->name) &&
				same_parts(
					a.primary_key->parts,
					a.primary_key->nparts,
					b.primary_key->parts,
					b.primary_key->nparts) &&
				a.primary_key->on_conflict ==
					b.primary_key->on_conflict &&
				a.primary_key->autoincrement ==
					b.primary_key->autoincrement,
			"primary keys differ: %s / %s", sa, sb);
	cr_assert_eq(a.nuniques, b.nuniques, "%s / %s", sa, sb);
	for (i = 0; i < a.nuniques; i++)
		cr_expect(
			same_str(a.uniques[i].name, b.uniques[i].name) &&
				same_parts(
					a.uniques[i].parts, a.uniques[i].nparts,
					b.uniques[i].parts,
					b.uniques[i].nparts) &&
				a.uniques[i].on_conflict ==
					b.uniques[i].on_conflict,
			"unique %zu differs: %s / %s", i, sa, sb);
	cr_assert_eq(a.nchecks, b.nchecks, "%s / %s", sa, sb);
	for (i = 0; i < a.nchecks; i++)
		cr_expect(
			same_str(a.checks[i].name, b.checks[i].name) &&
				same_str(a.checks[i].expr, b.checks[i].expr),
			"check %zu differs: %s / %s", i, sa, sb);
	cr_assert_eq(a.nforeign_keys, b.nforeign_keys, "%s / %s", sa, sb);
	for (i = 0; i < a.nforeign_keys; i++)
		cr_expect(
			same_fk(&a.foreign_keys[i], &b.foreign_keys[i]),
			"foreign key %zu differs: %s / %s", i, sa, sb);
}

Test(introspect_ddl_table, quoting_forms)
{
	retort_table t = parse("CREATE TABLE \"we\"\"ird\"([a b] INT, "
			       "`c``d` TEXT, 'e' REAL, \"\xc3\xbcn\xc3\xaf\" "
			       "BLOB, \"order\", [group], [select] NUMERIC)");

	EXPECT_STR(t.name, "we\"ird");
	cr_assert_eq(t.ncolumns, 7);
	EXPECT_STR(t.columns[0].name, "a b");
	EXPECT_STR(t.columns[1].name, "c`d");
	EXPECT_STR(t.columns[2].name, "e");
	EXPECT_STR(t.columns[3].name, "\xc3\xbcn\xc3\xaf");
	EXPECT_STR(t.columns[4].name, "order");
	EXPECT_STR(t.columns[5].name, "group");
	EXPECT_STR(t.columns[6].name, "select");
	cr_expect_eq(t.columns[6].affinity, RETORT_AFFINITY_NUMERIC);
}

Test(introspect_ddl_table, keywords_as_names)
{
	static const char *const names[] = {
		"key",  "offset", "virtual", "rowid", "abort", "if",
		"temp", "match",  "desc",    "end",   "left",  "replace",
	};
	retort_table t = parse(
		"CREATE TABLE \"if\"(key INT, offset, virtual TEXT, rowid "
		"INTEGER PRIMARY KEY, abort, if, temp, match, desc, end, "
		"left, replace)");
	size_t i;

	EXPECT_STR(t.name, "if");
	cr_assert_eq(t.ncolumns, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < t.ncolumns; i++)
		EXPECT_STR(t.columns[i].name, names[i]);
	EXPECT_STR(t.columns[2].type, "TEXT");
	cr_expect_eq(t.columns[3].pk, 1);
}

Test(introspect_ddl_table, comments_crlf_and_nesting)
{
	retort_table t =
		parse("CREATE TABLE /* c0 */ t -- c1\r\n(\r\n"
		      "  a INT -- trailing, comment\r\n"
		      "  , /* x */ b /* y */ TEXT /* z */ NOT /* w */ NULL,\r\n"
		      "  c CHECK (((a) > (/* in */ (1 + (2)))) -- end\r\n"
		      "  ))");

	cr_assert_eq(t.ncolumns, 3);
	EXPECT_STR(t.columns[0].name, "a");
	EXPECT_STR(t.columns[0].type, "INT");
	EXPECT_STR(t.columns[1].type, "TEXT");
	cr_expect(t.columns[1].not_null);
	cr_assert_eq(t.nchecks, 1);
	EXPECT_STR(t.checks[0].expr, "((a) > ((1 + (2))))");
}

Test(introspect_ddl_table, deep_nesting)
{
	enum { DEPTH = 5000 };
	char *sql = malloc(DEPTH * 2 + 64), *z = sql;
	retort_error err = RETORT_ERROR_INIT;
	retort_table t;
	int i;

	z += sprintf(z, "CREATE TABLE t(a CHECK(");
	for (i = 0; i < DEPTH; i++)
		*z++ = '(';
	*z++ = '1';
	for (i = 0; i < DEPTH; i++)
		*z++ = ')';
	strcpy(z, "))");
	cr_assert_eq(
		retort__ddl_parse_table(&t, &arena, sql, "x", &err), RETORT_OK,
		"%s", err.why);
	cr_expect_eq(strlen(t.checks[0].expr), DEPTH * 2 + 1);
	free(sql);
}

Test(introspect_ddl_table, type_names)
{
	retort_table t =
		parse("CREATE TABLE t(a TIMESTAMP WITHOUT TIME ZONE, "
		      "b INTEGER NON NULL, c varchar( 50 ), d NUMERIC(10,2), "
		      "e BIGINT UNSIGNED, f, [CustomerID]TEXT NOT NULL, "
		      "h double precision, i decimal( +10 , -2 ), j KEY)");

	cr_assert_eq(t.ncolumns, 10);
	EXPECT_STR(t.columns[0].type, "TIMESTAMP WITHOUT TIME ZONE");
	cr_expect_eq(t.columns[0].affinity, RETORT_AFFINITY_NUMERIC);
	EXPECT_STR(t.columns[1].type, "INTEGER NON");
	cr_expect_not(t.columns[1].not_null);
	EXPECT_STR(t.columns[2].type, "VARCHAR(50)");
	cr_expect_eq(t.columns[2].affinity, RETORT_AFFINITY_TEXT);
	EXPECT_STR(t.columns[3].type, "NUMERIC(10, 2)");
	EXPECT_STR(t.columns[4].type, "BIGINT UNSIGNED");
	cr_expect_eq(t.columns[4].affinity, RETORT_AFFINITY_INTEGER);
	EXPECT_STR(t.columns[5].type, "");
	cr_expect_eq(t.columns[5].affinity, RETORT_AFFINITY_BLOB);
	EXPECT_STR(t.columns[6].name, "CustomerID");
	EXPECT_STR(t.columns[6].type, "TEXT");
	cr_expect(t.columns[6].not_null);
	EXPECT_STR(t.columns[7].type, "DOUBLE PRECISION");
	cr_expect_eq(t.columns[7].affinity, RETORT_AFFINITY_REAL);
	EXPECT_STR(t.columns[8].type, "DECIMAL(+10, -2)");
	EXPECT_STR(t.columns[9].type, "KEY");
}

Test(introspect_ddl_table, qualifier_temp_if_not_exists)
{
	retort_table t =
		parse("CREATE TEMP TABLE IF NOT EXISTS temp.\"x y\"(a)");

	EXPECT_STR(t.name, "x y");
	t = parse("create temporary table temp.[t](a)");
	EXPECT_STR(t.name, "t");
}

Test(introspect_ddl_table, not_null_and_null)
{
	retort_table t = parse(
		"CREATE TABLE t(a NOT NULL, b NULL, c CONSTRAINT nn NOT NULL "
		"ON CONFLICT REPLACE, d NOT NULL ON CONFLICT ABORT, "
		"e NULL ON CONFLICT IGNORE NOT NULL ON CONFLICT FAIL)");

	cr_expect(t.columns[0].not_null);
	cr_expect_not(t.columns[1].not_null);
	cr_expect(t.columns[2].not_null);
	cr_expect_eq(t.columns[2].not_null_on, RETORT_CONFLICT_REPLACE);
	cr_expect_eq(t.columns[3].not_null_on, RETORT_CONFLICT_DEFAULT);
	cr_expect(t.columns[4].not_null);
	cr_expect_eq(t.columns[4].not_null_on, RETORT_CONFLICT_FAIL);
}

Test(introspect_ddl_table, column_primary_key_forms)
{
	retort_table t = parse("CREATE TABLE t(id INTEGER CONSTRAINT pk "
			       "PRIMARY KEY ASC ON CONFLICT ROLLBACK "
			       "AUTOINCREMENT, b)");
	const retort_primary_key *pk = t.primary_key;

	cr_assert_not_null(pk);
	EXPECT_STR(pk->name, "pk");
	cr_assert_eq(pk->nparts, 1);
	EXPECT_STR(pk->parts[0].column, "id");
	cr_expect_not(pk->parts[0].desc);
	cr_expect_eq(pk->on_conflict, RETORT_CONFLICT_ROLLBACK);
	cr_expect(pk->autoincrement);
	cr_expect_eq(t.columns[0].pk, 1);
	cr_expect_eq(t.columns[1].pk, 0);
	cr_expect_not(t.columns[0].not_null);

	t = parse("CREATE TABLE t(b, \"id\" PRIMARY KEY DESC)");
	cr_assert_not_null(t.primary_key);
	cr_expect_null(t.primary_key->name);
	cr_expect(t.primary_key->parts[0].desc);
	cr_expect_not(t.primary_key->autoincrement);
	cr_expect_eq(t.columns[1].pk, 1);
	t = parse("CREATE TABLE t(a)");
	cr_expect_null(t.primary_key);
}

Test(introspect_ddl_table, table_primary_key_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a TEXT, b INT, c, CONSTRAINT [my pk] PRIMARY "
		"KEY (b DESC, \"a\" COLLATE nocase ASC, c COLLATE \"BINARY\") "
		"ON CONFLICT IGNORE) WITHOUT ROWID");
	const retort_primary_key *pk = t.primary_key;

	cr_assert_not_null(pk);
	EXPECT_STR(pk->name, "my pk");
	cr_assert_eq(pk->nparts, 3);
	EXPECT_STR(pk->parts[0].column, "b");
	cr_expect(pk->parts[0].desc);
	EXPECT_STR(pk->parts[1].column, "a");
	EXPECT_STR(pk->parts[1].collate, "NOCASE");
	cr_expect_not(pk->parts[1].desc);
	cr_expect_null(pk->parts[2].collate);
	cr_expect_eq(pk->on_conflict, RETORT_CONFLICT_IGNORE);
	cr_expect_eq(t.columns[0].pk, 2);
	cr_expect_eq(t.columns[1].pk, 1);
	cr_expect_eq(t.columns[2].pk, 3);
	cr_expect(t.without_rowid);
	cr_expect(t.columns[0].not_null, "WITHOUT ROWID key is NOT NULL");

	t = parse("CREATE TABLE t(id INTEGER, PRIMARY KEY(\"id\" "
		  "AUTOINCREMENT))");
	cr_assert_not_null(t.primary_key);
	cr_expect(t.primary_key->autoincrement);
	cr_expect_not(t.columns[0].not_null);
}

Test(introspect_ddl_table, unique_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a UNIQUE, b CONSTRAINT ub UNIQUE ON CONFLICT "
		"REPLACE, c, d, UNIQUE (c, d COLLATE NoCase DESC), "
		"CONSTRAINT u2 UNIQUE('c') ON CONFLICT FAIL)");

	cr_assert_eq(t.nuniques, 4);
	cr_expect_null(t.uniques[0].name);
	EXPECT_STR(t.uniques[0].parts[0].column, "a");
	EXPECT_STR(t.uniques[1].name, "ub");
	cr_expect_eq(t.uniques[1].on_conflict, RETORT_CONFLICT_REPLACE);
	cr_assert_eq(t.uniques[2].nparts, 2);
	EXPECT_STR(t.uniques[2].parts[1].column, "d");
	EXPECT_STR(t.uniques[2].parts[1].collate, "NOCASE");
	cr_expect(t.uniques[2].parts[1].desc);
	EXPECT_STR(t.uniques[3].name, "u2");
	EXPECT_STR(t.uniques[3].parts[0].column, "c");
	cr_expect_eq(t.uniques[3].on_conflict, RETORT_CONFLICT_FAIL);
}

Test(introspect_ddl_table, check_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a INT CHECK( a>0 ) CONSTRAINT \"c 2\" "
		"check (a  <  10), b varchar check (\"b\" in ('x', 'y')) not "
		"null default 'x', CHECK(a<>b) ON CONFLICT FAIL, CONSTRAINT "
		"c4 CHECK (length(b) > 0))");

	cr_assert_eq(t.nchecks, 5);
	cr_expect_null(t.checks[0].name);
	EXPECT_STR(t.checks[0].expr, "a > 0");
	EXPECT_STR(t.checks[1].name, "c 2");
	EXPECT_STR(t.checks[1].expr, "a < 10");
	EXPECT_STR(t.checks[2].expr, "b IN ('x', 'y')");
	cr_expect(t.columns[1].not_null);
	EXPECT_STR(t.columns[1].default_sql, "'x'");
	EXPECT_STR(t.checks[3].expr, "a <> b");
	EXPECT_STR(t.checks[4].name, "c4");
	EXPECT_STR(t.checks[4].expr, "length(b) > 0");
}

Test(introspect_ddl_table, foreign_key_forms)
{
	retort_table t = parse(
		"CREATE TABLE c(a REFERENCES p, b CONSTRAINT fb REFERENCES "
		"\"p\"(\"y\") ON DELETE CASCADE ON UPDATE SET NULL MATCH "
		"simple DEFERRABLE INITIALLY DEFERRED, c, d, "
		"FOREIGN KEY (c, d) REFERENCES p(x, y) ON DELETE SET DEFAULT "
		"ON UPDATE RESTRICT NOT DEFERRABLE INITIALLY DEFERRED "
		"CONSTRAINT f4 FOREIGN KEY(d) REFERENCES p(x) ON INSERT "
		"CASCADE ON DELETE NO ACTION DEFERRABLE INITIALLY IMMEDIATE "
		"FOREIGN KEY(a) REFERENCES p(x) DEFERRABLE)");
	const retort_foreign_key *fk = t.foreign_keys;

	cr_assert_eq(t.nforeign_keys, 5);
	cr_expect_null(fk[0].name);
	cr_assert_eq(fk[0].ncolumns, 1);
	EXPECT_STR(fk[0].columns[0], "a");
	EXPECT_STR(fk[0].ref_table, "p");
	cr_expect_eq(fk[0].nref_columns, 0);
	cr_expect_eq(fk[0].on_delete, RETORT_FK_NO_ACTION);
	cr_expect_not(fk[0].deferred);
	EXPECT_STR(fk[1].name, "fb");
	EXPECT_STR(fk[1].ref_columns[0], "y");
	cr_expect_eq(fk[1].on_delete, RETORT_FK_CASCADE);
	cr_expect_eq(fk[1].on_update, RETORT_FK_SET_NULL);
	EXPECT_STR(fk[1].match, "SIMPLE");
	cr_expect(fk[1].deferred);
	cr_assert_eq(fk[2].ncolumns, 2);
	EXPECT_STR(fk[2].columns[1], "d");
	cr_assert_eq(fk[2].nref_columns, 2);
	EXPECT_STR(fk[2].ref_columns[0], "x");
	cr_expect_eq(fk[2].on_delete, RETORT_FK_SET_DEFAULT);
	cr_expect_eq(fk[2].on_update, RETORT_FK_RESTRICT);
	cr_expect_not(fk[2].deferred, "NOT DEFERRABLE is never deferred");
	EXPECT_STR(fk[3].name, "f4");
	cr_expect_eq(fk[3].on_delete, RETORT_FK_NO_ACTION);
	cr_expect_eq(fk[3].on_update, RETORT_FK_NO_ACTION);
	cr_expect_not(fk[3].deferred);
	cr_expect_not(fk[4].deferred, "DEFERRABLE alone is immediate");
}

/* The CHECK constraint names SQLite reports ("CHECK constraint failed:
 * NAME") for each row of SQL that violates them in order. */
static void
expect_check_names(const char *sql, const char *const *names, size_t n)
{
	retort_table t = parse(sql);
	size_t i;

	cr_assert_eq(t.nchecks, n, "%s", sql);
	for (i = 0; i < n; i++)
		cr_expect(
			same_str(t.checks[i].name, names[i]),
			"%s: check %zu named %s, want %s", sql, i,
			str(t.checks[i].name), str(names[i]));
}

Test(introspect_ddl_table, constraint_names_hold_as_in_sqlite)
{
	static const char *const c3[] = { "c3", "c3" };
	static const char *const x[] = { "x", "x" };
	static const char *const c4[] = { "c4" };
	static const char *const none[] = { NULL };
	static const char *const y[] = { NULL, "y" };

	/* verified with sqlite3 3.40.1: inserting a violating row names
	 * these constraints in its error message */
	expect_check_names(
		"CREATE TABLE t(a CONSTRAINT c3 CHECK(a>1) "
		"CHECK(a>2))",
		c3, 2);
	expect_check_names(
		"CREATE TABLE t(a, CONSTRAINT x CHECK(a>1) "
		"CHECK(a>2))",
		x, 2);
	expect_check_names(
		"CREATE TABLE t(a CONSTRAINT c4, CHECK(a>1))", c4, 1);
	expect_check_names(
		"CREATE TABLE t(a CONSTRAINT c, b CHECK(b>1))", none, 1);
	expect_check_names(
		"CREATE TABLE t(a, CONSTRAINT x, CHECK(a>1) "
		"CONSTRAINT y CHECK(a>2))",
		y, 2);
}

Test(introspect_ddl_table, table_constraints_without_commas)
{
	retort_table t = parse(
		"CREATE TABLE t(a, b, PRIMARY KEY(a) UNIQUE(b) CHECK(a > b) "
		"FOREIGN KEY(a) REFERENCES p(x) FOREIGN KEY(b) REFERENCES "
		"q(y), CHECK (b > 0))");

	cr_expect_not_null(t.primary_key);
	cr_expect_eq(t.nuniques, 1);
	cr_expect_eq(t.nchecks, 2);
	cr_expect_eq(t.nforeign_keys, 2);
}

Test(introspect_ddl_table, column_and_table_level_are_equal)
{
	expect_same_table(
		"CREATE TABLE t(a INT PRIMARY KEY, b UNIQUE)",
		"CREATE TABLE t(a INT, b, PRIMARY KEY(a), UNIQUE(b))");
	expect_same_table(
		"CREATE TABLE t(a CONSTRAINT ck CHECK(a > 0) CONSTRAINT fk "
		"REFERENCES p(x) ON DELETE CASCADE)",
		"CREATE TABLE t(a, CONSTRAINT ck CHECK (a>0), CONSTRAINT fk "
		"FOREIGN KEY (a) REFERENCES p (x) ON DELETE CASCADE)");
	expect_same_table(
		"CREATE TABLE t(a INTEGER PRIMARY KEY ON CONFLICT ABORT "
		"AUTOINCREMENT)",
		"CREATE TABLE t(a INTEGER, PRIMARY KEY(a AUTOINCREMENT))");
	expect_same_table(
		"CREATE TABLE t(a REFERENCES p NOT DEFERRABLE, b COLLATE "
		"BINARY DEFAULT (0))",
		"create table t(a references p, b default 0)");
	expect_same_table(
		"CREATE TABLE t(a UNIQUE ON CONFLICT ABORT)",
		"CREATE TABLE t(a, UNIQUE(a))");
}

Test(introspect_ddl_table, default_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a INT DEFAULT (0), b INT DEFAULT -1, c "
		"DEFAULT CURRENT_TIMESTAMP, d TEXT DEFAULT \"\", e DEFAULT "
		"NULL, f INT DEFAULT '0', g TEXT DEFAULT (lower( 'A' )), "
		"h NUMERIC DEFAULT FALSE, i REAL DEFAULT - 1, j DEFAULT "
		"x'0a', k TEXT DEFAULT abc)");

	EXPECT_STR(t.columns[0].default_sql, "0");
	EXPECT_STR(t.columns[1].default_sql, "-1");
	EXPECT_STR(t.columns[2].default_sql, "CURRENT_TIMESTAMP");
	EXPECT_STR(t.columns[3].default_sql, "''");
	cr_expect_null(t.columns[4].default_sql);
	EXPECT_STR(t.columns[5].default_sql, "0");
	EXPECT_STR(t.columns[6].default_sql, "lower('A')");
	EXPECT_STR(t.columns[7].default_sql, "0");
	EXPECT_STR(t.columns[8].default_sql, "-1.0");
	EXPECT_STR(t.columns[9].default_sql, "X'0A'");
	EXPECT_STR(t.columns[10].default_sql, "'abc'");
}

Test(introspect_ddl_table, collate_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a TEXT COLLATE nocase, b COLLATE \"BINARY\", "
		"c collate 'binary', d TEXT COLLATE 'rtrim' NOT NULL, "
		"e CONSTRAINT x COLLATE [NoCase])");

	EXPECT_STR(t.columns[0].collate, "NOCASE");
	cr_expect_null(t.columns[1].collate);
	cr_expect_null(t.columns[2].collate);
	EXPECT_STR(t.columns[3].collate, "RTRIM");
	cr_expect(t.columns[3].not_null);
	EXPECT_STR(t.columns[4].collate, "NOCASE");
}

Test(introspect_ddl_table, generated_forms)
{
	retort_table t = parse(
		"CREATE TABLE t(a INT, b INT, "
		"c INT GENERATED ALWAYS AS (a + b) STORED, "
		"d datetime as(COALESCE(a,b)), "
		"e TEXT NOT NULL GENERATED ALWAYS AS (/* x */ a -- y\n * 2) "
		"VIRTUAL, f AS ((a)) stored)");

	cr_expect_eq(t.columns[0].generated, RETORT_GENERATED_NONE);
	cr_expect_eq(t.columns[2].generated, RETORT_GENERATED_STORED);
	EXPECT_STR(t.columns[2].generated_sql, "a + b");
	cr_expect_eq(t.columns[3].generated, RETORT_GENERATED_VIRTUAL);
	EXPECT_STR(t.columns[3].type, "DATETIME");
	EXPECT_STR(t.columns[3].generated_sql, "COALESCE(a, b)");
	cr_expect_eq(t.columns[4].generated, RETORT_GENERATED_VIRTUAL);
	cr_expect(t.columns[4].not_null);
	EXPECT_STR(t.columns[4].generated_sql, "a * 2");
	cr_expect_eq(t.columns[5].generated, RETORT_GENERATED_STORED);
	EXPECT_STR(t.columns[5].generated_sql, "(a)");
}

Test(introspect_ddl_table, table_options)
{
	retort_table t = parse("CREATE TABLE t(a ANY, b INT PRIMARY KEY) "
			       "strict, WITHOUT ROWID");

	cr_expect(t.strict);
	cr_expect(t.without_rowid);
	cr_expect_eq(t.columns[0].affinity, RETORT_AFFINITY_BLOB);
	t = parse("CREATE TABLE t(a ANY)");
	cr_expect_not(t.strict);
	cr_expect_eq(t.columns[0].affinity, RETORT_AFFINITY_NUMERIC);
	t = parse("CREATE TABLE t(a INT PRIMARY KEY)WITHOUT ROWID;");
	cr_expect(t.without_rowid);
	cr_expect_not(t.strict);
}

/* The error of parsing SQL, which must fail. */
static retort_error parse_error(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_table t;
	int rc = retort__ddl_parse_table(&t, &arena, sql, "db.t", &err);

	cr_assert_eq(rc, RETORT_EINVAL, "%s: rc %d", sql, rc);
	cr_expect_eq(err.code, RETORT_EINVAL);
	cr_expect_str_eq(err.what, "db.t");
	cr_expect_null(t.name, "nothing half-built is left");
	cr_expect_eq(t.ncolumns, 0);
	return err;
}

#define EXPECT_WHY(sql, want)                                                  \
 do {                                                                          \
  retort_error e_ = parse_error(sql);                                          \
  cr_expect_str_eq(e_.why, want, "%s: why %s", sql, e_.why);                   \
 } while (0)

Test(introspect_ddl_table_errors, truncated)
{
	EXPECT_WHY("", "unexpected end of input in CREATE TABLE");
	EXPECT_WHY("CREATE TABLE", "unexpected end of input in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT",
		"unexpected end of input in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT,",
		"unexpected end of input in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a CHECK(a > (0)",
		"unexpected end of input in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a REFERENCES",
		"unexpected end of input in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a DEFAULT",
		"unexpected end of input in CREATE TABLE");
}

Test(introspect_ddl_table_errors, unterminated_quotes)
{
	EXPECT_WHY(
		"CREATE TABLE \"t(a)",
		"near \"\"t(a)\": unterminated quote in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a DEFAULT 'x)",
		"near \"'x)\": unterminated quote in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t([a b INT)",
		"near \"[a b INT)\": unterminated quote in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a CHECK(a = `x))",
		"near \"`x))\": unterminated quote in CREATE TABLE");
}

Test(introspect_ddl_table_errors, unexpected_tokens)
{
	EXPECT_WHY(
		"CREATE TABLE t(a INT) garbage",
		"unknown table option: garbage in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT); DROP TABLE t",
		"near \"DROP\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE VIEW v AS SELECT 1",
		"near \"VIEW\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT, PRIMARY KEY)",
		"near \")\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT NOT 5)",
		"near \"5\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT CONSTRAINT)",
		"near \")\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT PRIMARY KEY, b PRIMARY KEY)",
		"more than one primary key in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a) WITHOUT oid",
		"unknown table option: oid in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a ON CONFLICT ABORT)",
		"near \"ON\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a) AS SELECT 1",
		"near \"AS\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t()", "near \")\": syntax error in CREATE "
				    "TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a, b REFERENCES p ON DELETE WHATEVER)",
		"near \"WHATEVER\": syntax error in CREATE TABLE");
	EXPECT_WHY(
		"CREATE TABLE t(a INT) \x01",
		"unrecognized token: \"\x01\" in CREATE TABLE");
}

Test(introspect_ddl_table_errors, long_token_is_cut_in_why)
{
	retort_error e = parse_error(
		"CREATE TABLE t(a INT, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

	cr_expect(
		strstr(e.why, "...\": unterminated quote") != NULL, "%s",
		e.why);
	cr_expect_lt(strlen(e.why), 100);
}

Test(introspect_ddl_table_errors, out_of_memory_at_every_allocation)
{
	static const char sql[] =
		"CREATE TABLE \"t t\"(a INTEGER PRIMARY KEY AUTOINCREMENT, "
		"b TEXT COLLATE nocase DEFAULT 'x' CHECK (b <> ''), c REAL "
		"DEFAULT '1.5' REFERENCES p(x) ON DELETE CASCADE MATCH full, "
		"d AS (a + 1) STORED, e, f, g, h, i, j, UNIQUE(b, c DESC), "
		"CONSTRAINT fk FOREIGN KEY (e, f) REFERENCES q DEFERRABLE "
		"INITIALLY DEFERRED) STRICT";
	long n;
	int rc = RETORT_ENOMEM;

	for (n = 1; rc == RETORT_ENOMEM && n < 10000; n++) {
		retort_arena a = RETORT_ARENA_INIT;
		retort_error err = RETORT_ERROR_INIT;
		retort_table t;

		retort__alloc_fail_after(n);
		rc = retort__ddl_parse_table(&t, &a, sql, "x", &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_ENOMEM) {
			cr_expect_str_eq(
				err.why, "out of memory in CREATE TABLE");
			cr_expect_null(t.name);
		}
		retort__arena_dispose(&a);
	}
	cr_expect_eq(rc, RETORT_OK, "rc %d after %ld failures", rc, n);
	cr_expect_gt(n, 10, "allocations were injected");
}
