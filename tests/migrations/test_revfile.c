/*
** test_revfile.c -- revision files and their scripts.
** Groups: migrations_revfile (strict parsing, every malformed header,
** writing and reading back), migrations_script (splitting into
** statements, triggers, what the runner does with each statement).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "migrate_int.h"

static retort_arena arena;
static retort_revfile rf;
static retort_error err;

static void setup(void)
{
	memset(&arena, 0, sizeof(arena));
	retort_error_clear(&err);
}

static void teardown(void)
{
	retort__arena_dispose(&arena);
}

TestSuite(migrations_revfile, .init = setup, .fini = teardown);

static int parse(const char *text)
{
	return retort_migrate__parse(
		&rf, &arena, &(retort_source){ "v/x.sql", text, strlen(text) },
		&err);
}

static const char good[] =
	"-- add users table\n"
	"--\n"
	"-- Revision ID: 3f2a9c1b7d4e\n"
	"-- Revises: 9b8c7d6e5f4a\n"
	"-- Create Date: 2026-11-24 09:12:00 UTC\n"
	"-- Schema: xxh3:0123456789abcdef\n"
	"\n"
	"-- migrate:up\n"
	"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
	"\n"
	"-- migrate:down\n"
	"DROP TABLE users;\n";

Test(migrations_revfile, parses_the_spec_example)
{
	cr_assert_eq(parse(good), RETORT_OK, "%s: %s", err.what, err.why);
	cr_expect_str_eq(rf.rev.id, "3f2a9c1b7d4e");
	cr_assert_eq(rf.rev.nparents, 1);
	cr_expect_str_eq(rf.rev.parents[0], "9b8c7d6e5f4a");
	cr_expect_str_eq(rf.rev.message, "add users table");
	cr_expect_str_eq(rf.rev.create_date, "2026-11-24 09:12:00 UTC");
	cr_expect_str_eq(rf.rev.schema, "xxh3:0123456789abcdef");
	cr_expect_str_eq(
		rf.rev.up_sql, "CREATE TABLE users (id INTEGER PRIMARY KEY, "
			       "email TEXT NOT NULL);\n\n");
	cr_expect_str_eq(rf.rev.down_sql, "DROP TABLE users;\n");
	cr_expect_eq(rf.rev.up_line, 8);
	cr_expect_eq(rf.rev.down_line, 11);
	cr_expect_eq(rf.revises_line, 4);
	cr_expect_str_eq(rf.rev.path, "v/x.sql");
	cr_expect_eq(strncmp(rf.rev.checksum, "xxh3:", 5), 0);
	cr_expect_eq(strlen(rf.rev.checksum), 21);
	cr_expect(strstr(rf.rev.doc, "Revision ID: 3f2a9c1b7d4e") != NULL);
}

Test(migrations_revfile, first_revision_and_merge)
{
	cr_assert_eq(
		parse("-- first\n-- Revision ID: 000000000001\n-- Revises:\n"
		      "-- migrate:up\n"),
		RETORT_OK, "%s", err.why);
	cr_expect_eq(rf.rev.nparents, 0);
	cr_expect_null(rf.rev.schema);
	cr_expect_null(rf.rev.create_date);
	cr_expect_str_eq(rf.rev.down_sql, "");
	cr_expect_eq(rf.rev.down_line, 0);
	cr_assert_eq(
		parse("-- merge\n-- Revision ID: 000000000003\n"
		      "-- Revises: 000000000001, 000000000002\n"
		      "-- migrate:up\n-- migrate:down\n"),
		RETORT_OK, "%s", err.why);
	cr_assert_eq(rf.rev.nparents, 2);
	cr_expect_str_eq(rf.rev.parents[0], "000000000001");
	cr_expect_str_eq(rf.rev.parents[1], "000000000002");
}

Test(migrations_revfile, multi_line_message_and_crlf)
{
	cr_assert_eq(
		parse("-- add users\r\n-- and their emails\r\n--\r\n"
		      "-- Revision ID: 00000000000a\r\n-- Revises:\r\n\r\n"
		      "-- migrate:up\r\nSELECT 1;\r\n"),
		RETORT_OK, "%s", err.why);
	cr_expect_str_eq(rf.rev.message, "add users\nand their emails");
	cr_expect_str_eq(rf.rev.id, "00000000000a");
}

Test(migrations_revfile, checksum_follows_every_byte)
{
	char a[22];

	char edited[sizeof(good)];

	cr_assert_eq(parse(good), RETORT_OK);
	strcpy(a, rf.rev.checksum);
	cr_assert_eq(parse(good), RETORT_OK);
	cr_expect_str_eq(rf.rev.checksum, a);
	strcpy(edited, good);
	edited[strlen(edited) - 2] = ' '; /* "DROP TABLE users ;" */
	cr_assert_eq(parse(edited), RETORT_OK);
	cr_expect_str_neq(rf.rev.checksum, a);
}

/* Parse TEXT expecting EINVAL at LINE with WHY inside the reason. */
static void expect_bad(const char *text, unsigned line, const char *why)
{
	char what[64];

	retort_error_clear(&err);
	cr_assert_eq(parse(text), RETORT_EINVAL, "accepted: %s", text);
	snprintf(what, sizeof(what), "v/x.sql:%u", line);
	cr_expect_str_eq(err.what, what, "for %s", why);
	cr_expect(
		strstr(err.why, why) != NULL, "got '%s', want '%s'", err.why,
		why);
}

Test(migrations_revfile, malformed_headers_name_file_and_line)
{
	expect_bad("CREATE TABLE t(x);\n", 1, "missing header");
	expect_bad("", 1, "missing header");
	expect_bad(
		"-- m\n-- Revises:\n-- migrate:up\n", 1,
		"missing 'Revision ID'");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n-- migrate:up\n", 1,
		"missing 'Revises'");
	expect_bad(
		"-- m\n-- Revision ID: ABCDEF123456\n-- Revises:\n"
		"-- migrate:up\n",
		2, "malformed Revision ID 'ABCDEF123456'");
	expect_bad(
		"-- m\n-- Revision ID: abc\n-- Revises:\n-- migrate:up\n", 2,
		"expected 12 lowercase hex digits");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n"
		"-- Revision ID: 000000000002\n-- Revises:\n-- migrate:up\n",
		3, "duplicate 'Revision ID' header (first at line 2)");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n-- Revises: xyz\n"
		"-- migrate:up\n",
		3, "malformed Revises entry 'xyz'");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n"
		"-- Revises: 000000000002, 000000000002\n-- migrate:up\n",
		3, "names '000000000002' twice");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n"
		"-- Revises: 000000000002,\n-- migrate:up\n",
		3, "empty Revises entry");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n"
		"-- Revises: 000000000002,,000000000003\n-- migrate:up\n",
		3, "empty Revises entry");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n-- Revises:\n"
		"-- Schema: md5:00\n-- migrate:up\n",
		4, "malformed Schema 'md5:00'");
	expect_bad(
		"-- m\n-- Revision ID: 000000000001\n-- Revises:\n"
		"-- Schema: xxh3:0123456789ABCDEF\n-- migrate:up\n",
		4, "malformed Schema");
}

Test(migrations_revfile, malformed_sections_name_file_and_line)
{
	static const char h[] = "-- m\n-- Revision ID: 000000000001\n"
				"-- Revises:\n";
	char text[512];

	snprintf(text, sizeof(text), "%s\nCREATE TABLE t(x);\n", h);
	expect_bad(text, 5, "missing '-- migrate:up' line");
	snprintf(text, sizeof(text), "%s\nSELECT 1;\n-- migrate:up\n", h);
	expect_bad(text, 5, "SQL before '-- migrate:up'");
	snprintf(text, sizeof(text), "%s-- migrate:down\n-- migrate:up\n", h);
	expect_bad(text, 4, "'-- migrate:down' before '-- migrate:up'");
	snprintf(text, sizeof(text), "%s-- migrate:up\n\n-- migrate:up\n", h);
	expect_bad(text, 6, "second '-- migrate:up' (first at line 4)");
	snprintf(
		text, sizeof(text),
		"%s-- migrate:up\n-- migrate:down\n"
		"-- migrate:down\n",
		h);
	expect_bad(text, 6, "second '-- migrate:down' (first at line 5)");
	snprintf(
		text, sizeof(text),
		"%s-- migrate:up\n-- migrate:down\n-- migrate:up\n", h);
	expect_bad(text, 6, "'-- migrate:up' after '-- migrate:down'");
}

Test(migrations_revfile, binary_file_is_refused)
{
	static const char bin[] = "-- m\n\0\1\2";

	cr_assert_eq(
		retort_migrate__parse(
			&rf, &arena,
			&(retort_source){ "v/x.sql", bin, sizeof(bin) }, &err),
		RETORT_EINVAL);
	cr_expect(strstr(err.why, "binary file") != NULL);
}

Test(migrations_revfile, format_reads_back)
{
	const char *parents[] = { "aaaaaaaaaaaa", "bbbbbbbbbbbb" };
	retort_revfile_spec spec = { "cccccccccccc",
				     parents,
				     2,
				     "merge two\nbranches",
				     "2026-01-02 03:04:05 UTC",
				     "xxh3:00000000000000ff",
				     "CREATE TABLE t(x);",
				     "DROP TABLE t;\n",
				     "-- a note\n-- two" };
	retort_buf b = RETORT_BUF_INIT;

	retort_migrate__format(&b, &spec);
	cr_assert_eq(
		parse(b.ptr), RETORT_OK, "%s: %s\n%s", err.what, err.why,
		b.ptr);
	cr_expect_str_eq(rf.rev.id, "cccccccccccc");
	cr_expect_eq(rf.rev.nparents, 2);
	cr_expect_str_eq(rf.rev.message, "merge two\nbranches");
	cr_expect_str_eq(rf.rev.schema, "xxh3:00000000000000ff");
	cr_expect_str_eq(rf.rev.create_date, "2026-01-02 03:04:05 UTC");
	cr_expect_str_eq(rf.rev.up_sql, "CREATE TABLE t(x);\n\n");
	cr_expect_str_eq(rf.rev.down_sql, "DROP TABLE t;\n");
	cr_expect(strstr(b.ptr, "-- Revises: aaaaaaaaaaaa, bbbbbbbbbbbb\n"));
	cr_expect(strstr(b.ptr, "\n\n-- a note\n-- two\n-- migrate:up\n"));
	cr_expect_null(strstr(rf.rev.doc, "a note"));
	retort_buf_dispose(&b);
}

/* ------------------------------------------------------------------ */

static retort_script sc;

static void script_teardown(void)
{
	retort_migrate__script_dispose(&sc);
}

TestSuite(migrations_script, .init = setup, .fini = script_teardown);

static int split(const char *sql)
{
	retort_migrate__script_dispose(&sc);
	return retort_migrate__split(&sc, sql, 10, "v/x.sql", &err);
}

/* Statement I's text. */
static char *text_of(size_t i)
{
	static char buf[1024];

	snprintf(
		buf, sizeof(buf), "%.*s", (int)sc.stmts[i].len,
		sc.stmts[i].sql);
	return buf;
}

Test(migrations_script, splits_statements_with_lines)
{
	cr_assert_eq(
		split("CREATE TABLE a(x);\n\nINSERT INTO a VALUES ('x;y');"
		      "  -- tail; comment\n/* c; */ SELECT 1"),
		RETORT_OK);
	cr_assert_eq(sc.n, 3);
	cr_expect_str_eq(text_of(0), "CREATE TABLE a(x)");
	cr_expect_eq(sc.stmts[0].line, 10);
	cr_expect_str_eq(text_of(1), "INSERT INTO a VALUES ('x;y')");
	cr_expect_eq(sc.stmts[1].line, 12);
	cr_expect_str_eq(text_of(2), "-- tail; comment\n/* c; */ SELECT 1");
	cr_expect_eq(sc.stmts[2].line, 13);
	cr_expect_eq(sc.stmts[2].kind, RETORT_STMT_SQL);
	cr_expect_not(sc.fk_off);
}

Test(migrations_script, trigger_bodies_stay_whole)
{
	cr_assert_eq(
		split("CREATE TRIGGER t AFTER INSERT ON a\n"
		      "WHEN CASE new.x WHEN 1 THEN 1 END\n"
		      "BEGIN\n"
		      "  UPDATE a SET x = CASE WHEN x > 1 THEN 2 ELSE 3 END;\n"
		      "  INSERT INTO log VALUES ('end;');\n"
		      "END;\n"
		      "create temp trigger u before delete on a begin "
		      "select 1; end;\n"
		      "SELECT 'after';"),
		RETORT_OK);
	cr_assert_eq(sc.n, 3, "got %zu statements", sc.n);
	cr_expect(strstr(text_of(0), "INSERT INTO log") != NULL);
	cr_expect_eq(strcmp(text_of(0) + sc.stmts[0].len - 3, "END"), 0);
	cr_expect_str_eq(
		text_of(1), "create temp trigger u before delete on a begin "
			    "select 1; end");
	cr_expect_str_eq(text_of(2), "SELECT 'after'");
	cr_expect_eq(sc.stmts[2].line, 17);
}

Test(migrations_script, end_as_a_column_name_in_a_trigger)
{
	/* SQLite accepts END as a column name; as sqlite3_complete(), only
	   an END followed by ';' closes the body */
	cr_assert_eq(
		split("CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
		      "  UPDATE a SET end = 1;\n"
		      "  INSERT INTO b SELECT end FROM a WHERE end > 0;\n"
		      "END -- done\n;\nSELECT 2;"),
		RETORT_OK);
	cr_assert_eq(sc.n, 2, "got %zu statements", sc.n);
	cr_expect_eq(strcmp(text_of(0) + sc.stmts[0].len - 3, "END"), 0);
	cr_expect_str_eq(text_of(1), "SELECT 2");
}

Test(migrations_script, classifies_transaction_and_pragmas)
{
	static const struct {
		const char *sql;
		retort_stmt_kind kind;
	} cases[] = {
		{ "BEGIN", RETORT_STMT_BEGIN },
		{ "begin immediate transaction", RETORT_STMT_BEGIN },
		{ "COMMIT", RETORT_STMT_COMMIT },
		{ "END TRANSACTION", RETORT_STMT_COMMIT },
		{ "PRAGMA foreign_keys=OFF", RETORT_STMT_FK_OFF },
		{ "pragma main.foreign_keys = 0", RETORT_STMT_FK_OFF },
		{ "PRAGMA \"foreign_keys\"('no')", RETORT_STMT_FK_OFF },
		{ "PRAGMA foreign_keys = on", RETORT_STMT_FK_ON },
		{ "PRAGMA foreign_keys", RETORT_STMT_SQL },
		{ "PRAGMA foreign_key_check", RETORT_STMT_FK_CHECK },
		{ "PRAGMA foreign_key_check(t)", RETORT_STMT_FK_CHECK },
		{ "PRAGMA legacy_alter_table=ON", RETORT_STMT_SQL },
		{ "ROLLBACK TO sp", RETORT_STMT_SQL },
		{ "ROLLBACK TRANSACTION TO SAVEPOINT sp", RETORT_STMT_SQL },
		{ "SAVEPOINT sp", RETORT_STMT_SQL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(
			split(cases[i].sql), RETORT_OK, "%s", cases[i].sql);
		cr_assert_eq(sc.n, 1);
		cr_expect_eq(
			sc.stmts[0].kind, cases[i].kind, "%s", cases[i].sql);
		cr_expect_eq(
			sc.fk_off, cases[i].kind == RETORT_STMT_FK_OFF, "%s",
			cases[i].sql);
	}
}

Test(migrations_script, rollback_is_refused_with_its_line)
{
	cr_assert_eq(split("SELECT 1;\n\nROLLBACK;"), RETORT_EINVAL);
	cr_expect_str_eq(err.what, "v/x.sql:12");
	cr_expect(strstr(err.why, "ROLLBACK is not allowed") != NULL);
	cr_expect_eq(sc.n, 0);
}

Test(migrations_script, comments_only_is_empty)
{
	cr_assert_eq(split("-- nothing\n/* at all */\n;;\n"), RETORT_OK);
	cr_expect_eq(sc.n, 0);
	cr_assert_eq(split(""), RETORT_OK);
	cr_expect_eq(sc.n, 0);
}
