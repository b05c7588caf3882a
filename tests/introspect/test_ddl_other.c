/*
** test_ddl_other.c -- CREATE INDEX, VIEW, TRIGGER and VIRTUAL TABLE
** (introspect/ddl_other.c).
** Groups: introspect_ddl_index (parts, COLLATE, ASC/DESC, WHERE, names),
** introspect_ddl_view, introspect_ddl_trigger, introspect_ddl_vtab (names,
** normalised statements that ignore cosmetic differences) and
** introspect_ddl_other_errors.
*/
#include <criterion/criterion.h>
#include <string.h>

#include "ddl.h"

static retort_arena arena = RETORT_ARENA_INIT;

static void dispose(void)
{
	retort__arena_dispose(&arena);
}

TestSuite(introspect_ddl_index, .fini = dispose);
TestSuite(introspect_ddl_view, .fini = dispose);
TestSuite(introspect_ddl_trigger, .fini = dispose);
TestSuite(introspect_ddl_vtab, .fini = dispose);
TestSuite(introspect_ddl_other_errors, .fini = dispose);

static const char *str(const char *s)
{
	return s ? s : "(null)";
}

#define EXPECT_STR(got, want)                                                  \
 cr_expect_str_eq(                                                             \
	 str(got), str(want), "%s: got %s want %s", #got, str(got), str(want))

static retort_index index_of(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_index ix;

	cr_assert_eq(
		retort__ddl_parse_index(&ix, &arena, sql, "x", &err), RETORT_OK,
		"%s: %s", sql, err.why);
	return ix;
}

Test(introspect_ddl_index, parts)
{
	retort_index ix = index_of(
		"CREATE UNIQUE INDEX IF NOT EXISTS main.\"i x\" ON \"t\" (\n"
		"  a COLLATE nocase DESC, -- c\n"
		"  lower( b ), desc, 'c' ASC, [d] COLLATE \"BINARY\",\n"
		"  c || d COLLATE rtrim, e COLLATE nocase || f ASC)");

	EXPECT_STR(ix.name, "i x");
	EXPECT_STR(ix.table, "t");
	cr_expect(ix.unique);
	cr_expect_null(ix.where);
	cr_assert_eq(ix.nparts, 7);
	EXPECT_STR(ix.parts[0].column, "a");
	EXPECT_STR(ix.parts[0].collate, "NOCASE");
	cr_expect(ix.parts[0].desc);
	cr_expect_null(ix.parts[1].column);
	EXPECT_STR(ix.parts[1].expr, "lower(b)");
	EXPECT_STR(ix.parts[2].column, "desc");
	cr_expect_not(ix.parts[2].desc);
	EXPECT_STR(ix.parts[3].column, "c");
	EXPECT_STR(ix.parts[4].column, "d");
	cr_expect_null(ix.parts[4].collate);
	EXPECT_STR(ix.parts[5].expr, "c || d");
	EXPECT_STR(ix.parts[5].collate, "RTRIM");
	EXPECT_STR(ix.parts[6].expr, "e COLLATE nocase || f");
	cr_expect_null(ix.parts[6].collate);
}

Test(introspect_ddl_index, partial)
{
	retort_index ix = index_of("create index i on t(a desc) where a  is "
				   "not null and b != '' /* c */");

	cr_expect_not(ix.unique);
	EXPECT_STR(ix.where, "a IS NOT NULL AND b != ''");
	ix = index_of("CREATE INDEX \"i\" ON t(x) WHERE contains_url = "
		      "true AND type='m.room.member';");
	EXPECT_STR(ix.where, "contains_url = TRUE AND type = 'm.room.member'");
}

static retort_view view_of(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_view v;

	cr_assert_eq(
		retort__ddl_parse_view(&v, &arena, sql, "x", &err), RETORT_OK,
		"%s: %s", sql, err.why);
	return v;
}

Test(introspect_ddl_view, cosmetic_differences_vanish)
{
	retort_view a = view_of("CREATE VIEW \"v\" AS select 1");
	retort_view b = view_of("create view v as SELECT 1");
	retort_view c = view_of("CREATE TEMP VIEW IF NOT EXISTS temp.[v] AS\r\n"
				"  /* c */ SELECT   1 -- x\n;");

	EXPECT_STR(a.name, "v");
	EXPECT_STR(a.sql, "CREATE VIEW v AS SELECT 1");
	EXPECT_STR(b.sql, a.sql);
	EXPECT_STR(c.sql, a.sql);
	EXPECT_STR(c.name, "v");
}

Test(introspect_ddl_view, column_list_and_odd_names)
{
	retort_view v = view_of("CREATE VIEW [Order Details Extended](a, "
				"\"b c\") AS SELECT x, y FROM \"order\"");

	EXPECT_STR(v.name, "Order Details Extended");
	EXPECT_STR(
		v.sql, "CREATE VIEW \"Order Details Extended\"(a, \"b "
		       "c\") AS SELECT x, y FROM \"order\"");
}

static retort_trigger trigger_of(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_trigger t;

	cr_assert_eq(
		retort__ddl_parse_trigger(&t, &arena, sql, "x", &err),
		RETORT_OK, "%s: %s", sql, err.why);
	return t;
}

Test(introspect_ddl_trigger, names_and_sql)
{
	retort_trigger t = trigger_of(
		"CREATE TEMP TRIGGER IF NOT EXISTS temp.tr AFTER UPDATE OF "
		"a, b ON main.\"t\" FOR EACH ROW WHEN new.a > 0 BEGIN\n"
		"  UPDATE t SET b = 1; -- x\n  SELECT RAISE(ABORT, 'no');\n"
		"END;");

	EXPECT_STR(t.name, "tr");
	EXPECT_STR(t.table, "t");
	EXPECT_STR(
		t.sql, "CREATE TRIGGER tr AFTER UPDATE OF a, b ON t FOR "
		       "EACH ROW WHEN new.a > 0 BEGIN UPDATE t SET b = 1; "
		       "SELECT RAISE(ABORT, 'no'); END");
}

Test(introspect_ddl_trigger, event_forms)
{
	retort_trigger t = trigger_of("create trigger \"before\" before "
				      "delete on [group] begin select 1; end");

	EXPECT_STR(t.name, "before");
	EXPECT_STR(t.table, "group");
	t = trigger_of("CREATE TRIGGER x INSTEAD OF INSERT ON v BEGIN "
		       "SELECT 1; END");
	EXPECT_STR(t.table, "v");
	t = trigger_of("CREATE TRIGGER x INSERT ON \"a b\" BEGIN SELECT 1; "
		       "END");
	EXPECT_STR(t.table, "a b");
	EXPECT_STR(
		t.sql,
		"CREATE TRIGGER x INSERT ON \"a b\" BEGIN SELECT 1; END");
}

static retort_virtual_table vtab_of(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_virtual_table v;

	cr_assert_eq(
		retort__ddl_parse_virtual_table(&v, &arena, sql, "x", &err),
		RETORT_OK, "%s: %s", sql, err.why);
	return v;
}

Test(introspect_ddl_vtab, module_args_sql)
{
	retort_virtual_table v = vtab_of(
		"CREATE VIRTUAL TABLE IF NOT EXISTS main.\"my t\" USING "
		"FTS5(title,  body, -- c\r\n content = 'annotations',   "
		"tokenize = 'porter  unicode61' /* x */)");

	EXPECT_STR(v.name, "my t");
	EXPECT_STR(v.module, "fts5");
	EXPECT_STR(
		v.args, "title, body, content = 'annotations', tokenize "
			"= 'porter  unicode61'");
	EXPECT_STR(
		v.sql, "CREATE VIRTUAL TABLE \"my t\" USING fts5(title, "
		       "body, content = 'annotations', tokenize = 'porter "
		       " unicode61')");
}

Test(introspect_ddl_vtab, no_args)
{
	retort_virtual_table v = vtab_of("create virtual table t using "
					 "Spellfix1");
	retort_virtual_table w = vtab_of("CREATE VIRTUAL TABLE \"t\" USING "
					 "spellfix1( /* none */ )");

	EXPECT_STR(v.name, "t");
	EXPECT_STR(v.module, "spellfix1");
	cr_expect_null(v.args);
	EXPECT_STR(v.sql, "CREATE VIRTUAL TABLE t USING spellfix1");
	cr_expect_null(w.args);
	EXPECT_STR(w.sql, v.sql);
}

Test(introspect_ddl_vtab, args_keep_their_case_and_quotes)
{
	retort_virtual_table v = vtab_of(
		"CREATE VIRTUAL TABLE s USING fts5(content=\"searchable\", "
		"Text1, [x y], prefix='2 3')");

	EXPECT_STR(
		v.args, "content=\"searchable\", Text1, [x y], prefix='2 3'");
}

Test(introspect_ddl_other_errors, each_statement)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_index ix;
	retort_view v;
	retort_trigger t;
	retort_virtual_table vt;

	cr_expect_eq(
		retort__ddl_parse_index(
			&ix, &arena, "CREATE INDEX i ON t(a", "db.i", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.what, "db.i");
	cr_expect_str_eq(err.why, "unexpected end of input in CREATE INDEX");
	cr_expect_null(ix.name);

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_index(
			&ix, &arena, "CREATE INDEX i ON t() ", "x", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.why, "near \")\": syntax error in CREATE INDEX");

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_index(
			&ix, &arena, "CREATE INDEX i ON t(a) WHERE", "x", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.why, "unexpected end of input in CREATE INDEX");

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_view(
			&v, &arena, "CREATE VIEW v AS", "x", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(err.why, "unexpected end of input in CREATE VIEW");

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_view(
			&v, &arena, "CREATE VIEW v AS SELECT 'x", "x", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(
		err.why, "near \"'x\": unterminated quote in CREATE VIEW");

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_trigger(
			&t, &arena,
			"CREATE TRIGGER tr ON t BEGIN "
			"SELECT 1; END",
			"x", &err),
		RETORT_EINVAL);
	cr_expect_str_eq(
		err.why, "near \"ON\": syntax error in CREATE TRIGGER");

	retort_error_clear(&err);
	cr_expect_eq(
		retort__ddl_parse_virtual_table(
			&vt, &arena, "CREATE VIRTUAL TABLE t USING m(a", "x",
			&err),
		RETORT_EINVAL);
	cr_expect_str_eq(
		err.why, "unexpected end of input in CREATE VIRTUAL TABLE");
	cr_expect_null(vt.sql);
}

Test(introspect_ddl_index, reserved_word_term_is_an_expression)
{
	retort_index ix = index_of("CREATE INDEX i ON t(NULL, \"null\", "
				   "abort)");

	cr_assert_eq(ix.nparts, 3);
	cr_expect_null(ix.parts[0].column);
	EXPECT_STR(ix.parts[0].expr, "NULL");
	EXPECT_STR(ix.parts[1].column, "null");
	EXPECT_STR(ix.parts[2].column, "abort");
}
