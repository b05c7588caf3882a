/*
** test_ddl_corpus.c -- the DDL parser on the 25 real schemas of the
** corpus, cross-checked with SQLite's PRAGMAs.
** Groups: introspect_ddl_corpus (every statement parses; columns, NOT
** NULL, PK positions, defaults, collations, AUTOINCREMENT, index parts
** and foreign keys agree with what SQLite reports).
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "sqltok.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static long long query_int(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	long long v = -1;

	cr_assert_eq(
		sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s",
		sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Compare one column with table_xinfo's row and column metadata. */
static void check_column(
	sqlite3 *db,
	const char *where,
	const retort_table *t,
	const retort_column *c,
	sqlite3_stmt *xi)
{
	const char *name = (const char *)sqlite3_column_text(xi, 1);
	const char *dflt = (const char *)sqlite3_column_text(xi, 4);
	const char *coll = NULL, *canon = NULL;
	int notnull = 0, pk = 0, autoinc = 0;
	retort_arena arena = RETORT_ARENA_INIT;

	cr_expect_str_eq(c->name, name, "%s: column name", where);
	cr_expect_eq(
		c->not_null, sqlite3_column_int(xi, 3) != 0, "%s.%s: NOT NULL",
		where, name);
	cr_expect_eq(
		c->pk, (unsigned)sqlite3_column_int(xi, 5),
		"%s.%s: pk position", where, name);
	cr_expect_eq(
		c->generated != RETORT_GENERATED_NONE,
		sqlite3_column_int(xi, 6) >= 2, "%s.%s: generated", where,
		name);
	if (dflt)
		cr_assert_eq(
			retort__ddl_default(&canon, &arena, dflt, c->affinity),
			RETORT_OK, "%s.%s: default %s", where, name, dflt);
	if (canon || c->default_sql)
		cr_expect(
			canon && c->default_sql &&
				!strcmp(canon, c->default_sql),
			"%s.%s: default %s vs %s", where, name,
			c->default_sql ? c->default_sql : "(null)",
			canon ? canon : "(null)");
	if (c->generated == RETORT_GENERATED_NONE &&
	    sqlite3_table_column_metadata(
		    db, "main", t->name, name, NULL, &coll, &notnull, &pk,
		    &autoinc) == SQLITE_OK) {
		cr_expect(
			!retort__strcasecmp(
				c->collate ? c->collate : "BINARY", coll),
			"%s.%s: collation %s vs %s", where, name,
			c->collate ? c->collate : "(null)", coll);
		cr_expect_eq(
			autoinc != 0, c->pk && t->primary_key->autoincrement,
			"%s.%s: autoincrement", where, name);
	}
	retort__arena_dispose(&arena);
}

static void check_table(sqlite3 *db, const char *file, const char *sql)
{
	retort_arena arena = RETORT_ARENA_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_table t;
	sqlite3_stmt *xi;
	char where[512];
	size_t i = 0;
	int rc = retort__ddl_parse_table(&t, &arena, sql, file, &err);

	cr_assert_eq(rc, RETORT_OK, "%s: %s\n%s", file, err.why, sql);
	snprintf(where, sizeof(where), "%s: %s", file, t.name);
	cr_assert_eq(
		sqlite3_prepare_v2(
			db, "SELECT * FROM pragma_table_xinfo(?)", -1, &xi,
			NULL),
		SQLITE_OK);
	sqlite3_bind_text(xi, 1, t.name, -1, SQLITE_STATIC);
	while (sqlite3_step(xi) == SQLITE_ROW) {
		cr_assert_lt(i, t.ncolumns, "%s: too few columns", where);
		check_column(db, where, &t, &t.columns[i++], xi);
	}
	sqlite3_finalize(xi);
	cr_expect_eq(i, t.ncolumns, "%s: column count", where);
	cr_expect_eq(
		(long long)t.nforeign_keys,
		query_int(
			db,
			"SELECT count(DISTINCT id) FROM "
			"pragma_foreign_key_list(?)",
			t.name),
		"%s: foreign keys", where);
	retort__arena_dispose(&arena);
}

static void check_index(sqlite3 *db, const char *file, const char *sql)
{
	retort_arena arena = RETORT_ARENA_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_index ix;
	int rc = retort__ddl_parse_index(&ix, &arena, sql, file, &err);

	cr_assert_eq(rc, RETORT_OK, "%s: %s\n%s", file, err.why, sql);
	cr_expect_eq(
		(long long)ix.nparts,
		query_int(
			db,
			"SELECT count(*) FROM pragma_index_xinfo(?) "
			"WHERE key",
			ix.name),
		"%s: %s: index parts", file, ix.name);
	cr_expect_eq(
		ix.unique,
		query_int(
			db,
			"SELECT \"unique\" FROM pragma_index_list("
			"(SELECT tbl_name FROM sqlite_master WHERE "
			"name = ?1)) WHERE name = ?1",
			ix.name) == 1,
		"%s: %s: unique", file, ix.name);
	retort__arena_dispose(&arena);
}

/* Parse every object of FILE's schema; returns the number parsed. */
static int check_file(const char *file)
{
	char path[1024], *sql;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *msg = NULL;
	int n = 0;
	retort_arena arena = RETORT_ARENA_INIT;
	retort_error err = RETORT_ERROR_INIT;

	snprintf(path, sizeof(path), "%s/%s", RETORT_CORPUS_DIR, file);
	sql = slurp(path);
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
		file, msg);
	cr_assert_eq(
		sqlite3_prepare_v2(
			db,
			"SELECT m.type, m.sql, l.type FROM sqlite_master m "
			"LEFT JOIN pragma_table_list l ON l.schema = "
			"'main' AND l.name = m.name WHERE m.sql IS NOT NULL",
			-1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);

		if (!strcmp(type, "table") && kind && !strcmp(kind, "table")) {
			check_table(db, file, text);
			n++;
		} else if (!strcmp(type, "view")) {
			retort_view v;

			cr_expect_eq(
				retort__ddl_parse_view(
					&v, &arena, text, file, &err),
				RETORT_OK, "%s: %s\n%s", file, err.why, text);
			n++;
		} else if (!strcmp(type, "trigger")) {
			retort_trigger t;

			cr_expect_eq(
				retort__ddl_parse_trigger(
					&t, &arena, text, file, &err),
				RETORT_OK, "%s: %s\n%s", file, err.why, text);
			n++;
		} else if (kind && !strcmp(kind, "virtual")) {
			retort_virtual_table v;

			cr_expect_eq(
				retort__ddl_parse_virtual_table(
					&v, &arena, text, file, &err),
				RETORT_OK, "%s: %s\n%s", file, err.why, text);
			n++;
		} else if (!strcmp(type, "index")) {
			check_index(db, file, text);
			n++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	retort__arena_dispose(&arena);
	free(sql);
	return n;
}

Test(introspect_ddl_corpus, every_schema_parses_and_agrees)
{
	DIR *d = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	int files = 0, objects = 0;

	cr_assert_not_null(d, "no corpus at %s", RETORT_CORPUS_DIR);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 4 || strcmp(e->d_name + n - 4, ".sql") ||
		    (n > 9 && !strcmp(e->d_name + n - 9, ".data.sql")))
			continue;
		objects += check_file(e->d_name);
		files++;
	}
	closedir(d);
	cr_expect_eq(files, 25, "schema files in the corpus");
	cr_expect_gt(objects, 2000, "objects parsed: %d", objects);
}
