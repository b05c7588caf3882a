/*
** test_diff_equal.c -- schemas written differently that SQLite treats the
** same compare equal (SPEC §8), and near misses that do not.
** Groups: libdiff_diff_equal.
*/
#include <criterion/criterion.h>
#include <stdlib.h>

#include "test_diff_util.h"

Test(libdiff_diff_equal, identical)
{
	EXPECT_EQUAL("CREATE TABLE t(a INT);", "CREATE TABLE t(a INT);", NULL);
	EXPECT_EQUAL("", "", NULL);
}

Test(libdiff_diff_equal, whitespace_comments_keyword_case)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INTEGER NOT NULL DEFAULT 1, b TEXT CHECK (b <> ''));"
		"CREATE VIEW v AS SELECT a, b FROM t WHERE a > 1;",
		"create   table t ( -- comment\n a integer not null default 1 ,"
		" b text check(b<>'') /* x */ ) ;"
		"create view v as select a,b from t where a>1;",
		NULL);
}

Test(libdiff_diff_equal, identifier_quoting_styles)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT, b TEXT); CREATE INDEX ix ON t(a);",
		"CREATE TABLE \"t\"([a] INT, `b` TEXT); CREATE INDEX \"ix\" ON [t](\"a\");",
		NULL);
}

Test(libdiff_diff_equal, letter_case_of_names)
{
	EXPECT_EQUAL(
		"CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
		"CREATE INDEX ix_users ON users(email);"
		"CREATE VIEW v AS SELECT email FROM users;"
		"CREATE TRIGGER tr AFTER INSERT ON users BEGIN SELECT 1; END;",
		"CREATE TABLE Users(ID INTEGER PRIMARY KEY, Email TEXT UNIQUE);"
		"CREATE INDEX IX_Users ON Users(EMAIL);"
		"CREATE VIEW V AS SELECT Email FROM Users;"
		"CREATE TRIGGER TR AFTER INSERT ON USERS BEGIN SELECT 1; END;",
		NULL);
}

Test(libdiff_diff_equal, constraint_order)
{
	EXPECT_EQUAL(
		"CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE);"
		"CREATE TABLE t(a INT, b INT, c INT, UNIQUE(a), UNIQUE(b),"
		" CHECK (a > 0), CHECK (b > 0),"
		" FOREIGN KEY (a) REFERENCES p(id), FOREIGN KEY (b) REFERENCES p(k));",
		"CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE);"
		"CREATE TABLE t(a INT, b INT, c INT,"
		" FOREIGN KEY (b) REFERENCES p(k), FOREIGN KEY (a) REFERENCES p(id),"
		" CHECK (b > 0), CHECK (a > 0), UNIQUE(b), UNIQUE(a));",
		NULL);
}

Test(libdiff_diff_equal, object_and_index_creation_order)
{
	EXPECT_EQUAL(
		"CREATE TABLE a(x INT); CREATE TABLE b(y INT);"
		"CREATE INDEX i1 ON a(x); CREATE INDEX i2 ON b(y);",
		"CREATE TABLE b(y INT); CREATE INDEX i2 ON b(y);"
		"CREATE TABLE a(x INT); CREATE INDEX i1 ON a(x);",
		NULL);
}

Test(libdiff_diff_equal, column_or_table_constraint)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT UNIQUE);",
		"CREATE TABLE t(a INT, UNIQUE(a));", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT CHECK (a > 0));",
		"CREATE TABLE t(a INT, CHECK (a > 0));", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT REFERENCES p(id));",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT, FOREIGN KEY (a) REFERENCES p(id));",
		NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a TEXT PRIMARY KEY, b INT);",
		"CREATE TABLE t(a TEXT, b INT, PRIMARY KEY(a));", NULL);
}

Test(libdiff_diff_equal, literal_defaults_on_integer)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INTEGER DEFAULT 0);",
		"CREATE TABLE t(a INTEGER DEFAULT '0');", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a INTEGER DEFAULT 0);",
		"CREATE TABLE t(a INTEGER DEFAULT (0));", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a TEXT DEFAULT ('x'));",
		"CREATE TABLE t(a TEXT DEFAULT 'x');", NULL);
}

Test(libdiff_diff_equal, default_null_is_no_default)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT DEFAULT NULL);", "CREATE TABLE t(a INT);",
		NULL);
}

Test(libdiff_diff_equal, implicit_clauses)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a TEXT COLLATE BINARY);",
		"CREATE TABLE t(a TEXT);", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a TEXT NOT NULL ON CONFLICT ABORT);",
		"CREATE TABLE t(a TEXT NOT NULL);", NULL);
	EXPECT_EQUAL(
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT REFERENCES p(id) NOT DEFERRABLE);",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT REFERENCES p(id));",
		NULL);
	EXPECT_EQUAL(
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT REFERENCES p ON DELETE NO ACTION);",
		"CREATE TABLE p(id INTEGER PRIMARY KEY);"
		"CREATE TABLE t(a INT REFERENCES p(id));",
		NULL);
}

Test(libdiff_diff_equal, type_spelling)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a varchar( 50 ), b unsigned  big int);",
		"CREATE TABLE t(a VARCHAR(50), b UNSIGNED BIG INT);", NULL);
}

Test(libdiff_diff_equal, named_and_unnamed_constraints_do_not_flap)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT, UNIQUE(a), CHECK (a > 0));",
		"CREATE TABLE t(a INT, CONSTRAINT u UNIQUE(a),"
		" CONSTRAINT c CHECK (a > 0));",
		NULL);
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT, PRIMARY KEY(a));",
		"CREATE TABLE t(a INT, CONSTRAINT pk PRIMARY KEY(a));", NULL);
}

Test(libdiff_diff_equal, triggers_and_views_formatting)
{
	EXPECT_EQUAL(
		"CREATE TABLE t(a INT); CREATE TABLE log(x INT);"
		"CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a); END;",
		"CREATE TABLE t(a INT); CREATE TABLE log(x INT);"
		"create trigger tr after insert on \"t\"\nbegin\n  insert into [log] values(NEW.a);\nend;",
		NULL);
}

/* Near misses: each pair differs. */
Test(libdiff_diff_equal, real_differences_are_found)
{
	static const char *const pairs[][2] = {
		{ "CREATE TABLE t(a INT CHECK (a > 1 + 1));",
		  "CREATE TABLE t(a INT CHECK (a > 2));" },
		{ "CREATE TABLE t(a INT DEFAULT 1);",
		  "CREATE TABLE t(a INT DEFAULT 2);" },
		{ "CREATE TABLE t(a TEXT DEFAULT 'x');",
		  "CREATE TABLE t(a TEXT DEFAULT 'X');" },
		{ "CREATE TABLE t(a TEXT COLLATE NOCASE);",
		  "CREATE TABLE t(a TEXT COLLATE RTRIM);" },
		{ "CREATE TABLE t(a INT, CONSTRAINT x UNIQUE(a));",
		  "CREATE TABLE t(a INT, CONSTRAINT y UNIQUE(a));" },
		{ "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a FROM t;",
		  "CREATE TABLE t(a INT); CREATE VIEW v AS SELECT a FROM t WHERE a > 0;" },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		tdiff t = tdiff_of(pairs[i][0], pairs[i][1], NULL);

		cr_expect_gt(
			retort_diff_count(t.diff), 0, "%s vs %s", pairs[i][0],
			pairs[i][1]);
		tdiff_free(&t);
	}
}

Test(libdiff_diff_equal, renamed_constraint_is_drop_and_add)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT, CONSTRAINT x UNIQUE(a));",
		"CREATE TABLE t(a INT, CONSTRAINT y UNIQUE(a));", NULL);

	cr_expect_not_null(find_op(t.diff, RETORT_OP_DROP_UNIQUE, "t", "x"));
	cr_expect_not_null(find_op(t.diff, RETORT_OP_ADD_UNIQUE, "t", "y"));
	cr_expect_eq(retort_diff_count(t.diff), 2);
	tdiff_free(&t);
}

Test(libdiff_diff_equal, accessors)
{
	tdiff t = tdiff_of(
		"CREATE TABLE t(a INT);", "CREATE TABLE t(a INT, b INT);",
		NULL);

	cr_expect_eq(retort_diff_from(t.diff), t.from);
	cr_expect_eq(retort_diff_to(t.diff), t.to);
	cr_expect_eq(
		retort_diff_options_of(t.diff)->compare_type,
		RETORT_COMPARE_TYPE_DECLARED);
	cr_expect_eq(retort_diff_count(t.diff), 1);
	cr_expect_not_null(retort_diff_get(t.diff, 0));
	cr_expect_null(retort_diff_get(t.diff, 1));
	tdiff_free(&t);
	retort_diff_free(NULL);
}
