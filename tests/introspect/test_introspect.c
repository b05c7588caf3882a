/*
** test_introspect.c -- a live database to a schema model.
** Groups: introspect_model (every feature of SPEC §2, field by field;
** the same from a database file and after a round trip through SQL),
** introspect_exclude (sqlite_*, shadow tables, retort's own tables),
** introspect_canonical (what SQLite treats as equal gives equal models:
** order, formatting, quoting, keyword and identifier case, effective
** collations), introspect_edge (empty schema, 1,000 columns, broken
** views, renamed objects, large schemas, out of memory).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "introspect.h"
#include "run.h"
#include "sqltok.h"

/* Load SQL through the sandbox; fails the test on error. */
static retort_schema *from_sql(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;
	int rc = retort__schema_from_sql(&s, sql, "test.sql", &err);

	cr_assert_eq(rc, RETORT_OK, "%s: %s", err.what, err.why);
	return s;
}

/* The canonical JSON of S (from malloc). */
static char *json_of(const retort_schema *s)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(
		retort_schema_to_json(&b, s, &err), RETORT_OK, "%s", err.why);
	return retort_buf_detach(&b);
}

/* The display form of an expression, as the model keeps it. */
static char *norm(const char *z)
{
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(retort__sql_normalize(&b, z, strlen(z), 0), RETORT_OK);
	return retort_buf_detach(&b);
}

#define EXPECT_EXPR(got, text)                                                 \
 do {                                                                          \
  char *want_ = norm(text);                                                    \
  cr_expect_str_eq((got) ? (got) : "(null)", want_);                           \
  free(want_);                                                                 \
 } while (0)

static const char *features_path(void)
{
	return RETORT_SOURCE_DIR "/tests/data/introspect/features.sql";
}

static retort_schema *features(void)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	cr_assert_eq(
		retort_schema_load(&s, features_path(), NULL, &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	return s;
}

static const retort_column *column(const retort_table *t, const char *name)
{
	const retort_column *c = retort_table_find_column(t, name);

	cr_assert_not_null(c, "no column %s in %s", name, t->name);
	return c;
}

Test(introspect_model, object_lists)
{
	retort_schema *s = features();

	cr_assert_eq(retort_schema_ntables(s), 3);
	cr_expect_str_eq(retort_schema_table(s, 0)->name, "child table");
	cr_expect_str_eq(retort_schema_table(s, 1)->name, "parent");
	cr_expect_str_eq(retort_schema_table(s, 2)->name, "s");
	cr_assert_eq(retort_schema_nviews(s), 1);
	cr_expect_str_eq(retort_schema_view(s, 0)->name, "v");
	cr_expect_str_eq(
		retort_schema_view(s, 0)->sql,
		"CREATE VIEW v AS SELECT id, name FROM \"child table\"");
	cr_assert_eq(retort_schema_ntriggers(s), 1);
	cr_expect_str_eq(retort_schema_trigger(s, 0)->name, "tr");
	cr_expect_str_eq(retort_schema_trigger(s, 0)->table, "child table");
	EXPECT_EXPR(
		retort_schema_trigger(s, 0)->sql,
		"CREATE TRIGGER tr AFTER INSERT ON \"child table\" BEGIN "
		"UPDATE parent SET a = a WHERE id = new.parent_id; END");
	cr_assert_eq(retort_schema_nvirtual_tables(s), 2);
	cr_expect_str_eq(retort_schema_virtual_table(s, 0)->name, "docs");
	cr_expect_str_eq(retort_schema_virtual_table(s, 0)->module, "fts5");
	cr_expect_str_eq(
		retort_schema_virtual_table(s, 0)->args, "title, body");
	cr_expect_str_eq(retort_schema_virtual_table(s, 1)->name, "places");
	cr_expect_str_eq(retort_schema_virtual_table(s, 1)->module, "rtree");
	retort_schema_free(s);
}

Test(introspect_model, rowid_table_with_autoincrement)
{
	retort_schema *s = features();
	const retort_table *t = retort_schema_find_table(s, "parent");
	const retort_column *c;

	cr_assert_not_null(t);
	cr_expect_not(t->without_rowid);
	cr_expect_not(t->strict);
	cr_assert_eq(t->ncolumns, 4);
	c = column(t, "id");
	cr_expect_str_eq(c->type, "INTEGER");
	cr_expect_eq(c->affinity, RETORT_AFFINITY_INTEGER);
	cr_expect_eq(c->pk, 1);
	cr_expect_not(c->not_null);
	cr_assert_not_null(t->primary_key);
	cr_expect(t->primary_key->autoincrement);
	cr_expect_eq(t->primary_key->nparts, 1);
	cr_expect_str_eq(t->primary_key->parts[0].column, "id");
	c = column(t, "code");
	cr_expect(c->not_null);
	cr_expect_str_eq(c->collate, "NOCASE");
	cr_expect_eq(c->pk, 0);
	/* uniques sorted by their columns: (a, b) before (code) */
	cr_assert_eq(t->nuniques, 2);
	cr_expect_str_eq(t->uniques[0].name, "uq_ab");
	cr_expect_eq(t->uniques[0].nparts, 2);
	cr_expect_str_eq(t->uniques[0].parts[1].column, "b");
	cr_expect_eq(t->uniques[0].on_conflict, RETORT_CONFLICT_REPLACE);
	cr_expect_null(t->uniques[1].name);
	cr_expect_str_eq(t->uniques[1].parts[0].column, "code");
	/* the effective collation: the column's */
	cr_expect_str_eq(t->uniques[1].parts[0].collate, "NOCASE");
	cr_assert_eq(t->nindexes, 1);
	cr_expect_str_eq(t->indexes[0].name, "ix_parent_code");
	cr_expect_str_eq(t->indexes[0].parts[0].collate, "NOCASE");
	retort_schema_free(s);
}

Test(introspect_model, without_rowid_table_columns)
{
	retort_schema *s = features();
	const retort_table *t = retort_schema_find_table(s, "child table");
	const retort_column *c;

	cr_assert_not_null(t);
	cr_expect(t->without_rowid);
	cr_assert_eq(t->ncolumns, 8);
	cr_expect_str_eq(t->columns[0].name, "id");
	cr_expect_str_eq(t->columns[7].name, "pb");
	c = column(t, "id");
	cr_expect(c->not_null);
	cr_expect_eq(c->not_null_on, RETORT_CONFLICT_FAIL);
	cr_expect_eq(c->pk, 1);
	cr_expect(t->primary_key->parts[0].desc);
	c = column(t, "name");
	cr_expect_str_eq(c->type, "VARCHAR(20)");
	cr_expect_eq(c->affinity, RETORT_AFFINITY_TEXT);
	cr_expect_str_eq(c->default_sql, "'x'");
	c = column(t, "qty");
	cr_expect_eq(c->affinity, RETORT_AFFINITY_REAL);
	cr_expect_not_null(c->default_sql);
	c = column(t, "total");
	cr_expect_eq(c->generated, RETORT_GENERATED_STORED);
	EXPECT_EXPR(c->generated_sql, "qty * 2");
	cr_expect_null(c->default_sql);
	c = column(t, "label");
	cr_expect_eq(c->generated, RETORT_GENERATED_VIRTUAL);
	EXPECT_EXPR(c->generated_sql, "upper(name)");
	c = column(t, "pa");
	cr_expect_eq(c->generated, RETORT_GENERATED_NONE);
	cr_expect_null(c->generated_sql);
	retort_schema_free(s);
}

Test(introspect_model, checks_and_foreign_keys)
{
	retort_schema *s = features();
	const retort_table *t = retort_schema_find_table(s, "child table");
	const retort_foreign_key *fk = NULL;
	size_t i;

	cr_assert_not_null(t);
	cr_assert_eq(t->nchecks, 2);
	for (i = 0; i < 2; i++) {
		if (t->checks[i].name) {
			cr_expect_str_eq(t->checks[i].name, "ck_qty");
			EXPECT_EXPR(t->checks[i].expr, "qty >= 0");
		} else {
			EXPECT_EXPR(t->checks[i].expr, "name <> ''");
		}
	}
	cr_assert_eq(t->nforeign_keys, 2);
	for (i = 0; i < 2; i++)
		if (t->foreign_keys[i].name)
			fk = &t->foreign_keys[i];
	cr_assert_not_null(fk);
	cr_expect_str_eq(fk->name, "fk_parent");
	cr_expect_str_eq(fk->columns[0], "parent_id");
	cr_expect_str_eq(fk->ref_table, "parent");
	cr_expect_str_eq(fk->ref_columns[0], "id");
	cr_expect_eq(fk->on_delete, RETORT_FK_CASCADE);
	cr_expect_eq(fk->on_update, RETORT_FK_SET_NULL);
	cr_expect(fk->deferred);
	cr_expect_null(fk->match);
	fk = &t->foreign_keys[fk == &t->foreign_keys[0] ? 1 : 0];
	cr_expect_null(fk->name);
	cr_assert_eq(fk->ncolumns, 2);
	cr_expect_str_eq(fk->columns[1], "pb");
	/* written "Parent (A, B)": the parent's own spelling */
	cr_expect_str_eq(fk->ref_table, "parent");
	cr_expect_str_eq(fk->ref_columns[0], "a");
	cr_expect_str_eq(fk->ref_columns[1], "b");
	cr_expect_str_eq(fk->match, "SIMPLE");
	cr_expect_not(fk->deferred);
	cr_expect_eq(fk->on_delete, RETORT_FK_NO_ACTION);
	retort_schema_free(s);
}

Test(introspect_model, indexes)
{
	retort_schema *s = features();
	const retort_table *t = retort_schema_find_table(s, "child table");
	const retort_index *ix;

	cr_assert_not_null(t);
	cr_assert_eq(t->nindexes, 1);
	ix = &t->indexes[0];
	cr_expect_str_eq(ix->name, "ix_child_name");
	cr_expect_str_eq(ix->table, "child table");
	cr_expect_not(ix->unique);
	cr_assert_eq(ix->nparts, 2);
	cr_expect_str_eq(ix->parts[0].column, "name");
	cr_expect_str_eq(ix->parts[0].collate, "NOCASE");
	cr_expect(ix->parts[0].desc);
	cr_expect_null(ix->parts[1].column);
	EXPECT_EXPR(ix->parts[1].expr, "lower(label)");
	cr_expect_not(ix->parts[1].desc);
	EXPECT_EXPR(ix->where, "qty > 0");
	t = retort_schema_find_table(s, "s");
	cr_assert_eq(t->nindexes, 1);
	ix = &t->indexes[0];
	cr_expect(ix->unique);
	cr_expect_null(ix->where);
	/* "(n)" is the column n to SQLite */
	cr_expect_str_eq(ix->parts[0].column, "n");
	cr_expect_null(ix->parts[0].expr);
	retort_schema_free(s);
}

Test(introspect_model, strict_table)
{
	retort_schema *s = features();
	const retort_table *t = retort_schema_find_table(s, "s");

	cr_assert_not_null(t);
	cr_expect(t->strict);
	cr_expect_not(t->without_rowid);
	cr_expect_eq(column(t, "v")->affinity, RETORT_AFFINITY_BLOB);
	/* a STRICT table's key is NOT NULL whether written or not */
	cr_expect(column(t, "k")->not_null);
	retort_schema_free(s);
}

Test(introspect_model, database_file_gives_the_same_model)
{
	char *dir = tmpdir_new(), *sql, *a, *b;
	const char *db = path_in(dir, "f.db");
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s1 = features(), *s2 = NULL;

	sql = file_read(features_path(), NULL);
	cr_assert_not_null(sql);
	db_create(db, sql);
	cr_assert_eq(
		retort_schema_load(&s2, db, NULL, &err), RETORT_OK, "%s",
		err.why);
	a = json_of(s1);
	b = json_of(s2);
	cr_expect_str_eq(a, b);
	cr_expect_eq(
		retort_schema_fingerprint(s1), retort_schema_fingerprint(s2));
	free(a);
	free(b);
	free(sql);
	retort_schema_free(s1);
	retort_schema_free(s2);
	tmpdir_free(dir);
}

Test(introspect_model, round_trip_through_sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf sql = RETORT_BUF_INIT;
	retort_schema *s1 = features(), *s2;
	char *a, *b;

	cr_assert_eq(
		retort_schema_to_sql(&sql, s1, &err), RETORT_OK, "%s", err.why);
	s2 = from_sql(sql.ptr);
	a = json_of(s1);
	b = json_of(s2);
	cr_expect_str_eq(a, b);
	free(a);
	free(b);
	retort_buf_dispose(&sql);
	retort_schema_free(s1);
	retort_schema_free(s2);
}

Test(introspect_exclude, internal_shadow_and_retort_tables)
{
	retort_schema *s = features();
	size_t i;

	for (i = 0; i < retort_schema_ntables(s); i++) {
		const char *n = retort_schema_table(s, i)->name;

		cr_expect_neq(strncmp(n, "sqlite_", 7), 0, "%s", n);
		cr_expect_neq(strncmp(n, "docs_", 5), 0, "%s", n);
		cr_expect_neq(strncmp(n, "places_", 7), 0, "%s", n);
		cr_expect_neq(strncmp(n, "retort_version", 14), 0, "%s", n);
	}
	retort_schema_free(s);
}

Test(introspect_exclude, prefix_option)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_load_options o = RETORT_LOAD_OPTIONS_INIT;
	retort_schema *s = NULL;
	sqlite3 *db;

	cr_assert_eq(retort__sandbox_open(&db, &err), RETORT_OK);
	cr_assert_eq(
		retort__exec_script(
			db,
			"CREATE TABLE app(x);\n"
			"CREATE TABLE mig_versions(v);\n"
			"CREATE INDEX mig_ix ON app(x);\n"
			"CREATE TRIGGER mig_tr AFTER INSERT ON app BEGIN SELECT 1; END;\n"
			"CREATE TRIGGER app_tr AFTER INSERT ON mig_versions BEGIN SELECT 1; END;\n"
			"CREATE TABLE Retort_Version(v);\n",
			"t.sql", &err),
		RETORT_OK, "%s", err.why);
	o.exclude_prefix = "MIG_";
	cr_assert_eq(retort__introspect(&s, db, "t", &o, &err), RETORT_OK);
	cr_expect_eq(retort_schema_ntables(s), 2); /* app, Retort_Version */
	cr_expect_eq(retort_schema_table(s, 0)->nindexes, 0);
	cr_expect_eq(retort_schema_ntriggers(s), 0);
	retort_schema_free(s);
	/* the default prefix, in any letter case */
	cr_assert_eq(retort__introspect(&s, db, "t", NULL, &err), RETORT_OK);
	cr_expect_eq(retort_schema_ntables(s), 2); /* app, mig_versions */
	cr_expect_null(retort_schema_find_table(s, "retort_version"));
	cr_expect_eq(retort_schema_ntriggers(s), 2);
	retort_schema_free(s);
	/* an empty prefix leaves nothing out */
	o.exclude_prefix = "";
	cr_assert_eq(retort__introspect(&s, db, "t", &o, &err), RETORT_OK);
	cr_expect_eq(retort_schema_ntables(s), 3);
	retort_schema_free(s);
	sqlite3_close(db);
}

Test(introspect_exclude, fts3_fts4_shadows)
{
	retort_schema *s = from_sql("CREATE VIRTUAL TABLE a USING fts3(x);\n"
				    "CREATE VIRTUAL TABLE b USING fts4(y);\n"
				    "CREATE TABLE a_notes(z);\n");

	cr_expect_eq(retort_schema_nvirtual_tables(s), 2);
	cr_assert_eq(retort_schema_ntables(s), 1);
	cr_expect_str_eq(retort_schema_table(s, 0)->name, "a_notes");
	retort_schema_free(s);
}

/* The same schema as features-like text in another order, formatting,
 * quoting and letter case. */
static const char order_a[] =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE);\n"
	"CREATE TABLE c(id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id)"
	" ON DELETE CASCADE, v REAL DEFAULT 0 CHECK (v >= 0), w TEXT,"
	" UNIQUE (w));\n"
	"CREATE INDEX c_v ON c(v DESC) WHERE v > 1;\n"
	"CREATE INDEX p_name ON p(name);\n"
	"CREATE VIEW cv AS SELECT id, v FROM c WHERE v > 0;\n"
	"CREATE TRIGGER ct AFTER DELETE ON p BEGIN DELETE FROM c WHERE p_id = old.id; END;\n";

static const char order_b[] =
	"create table \"c\" (\n  \"ID\" integer primary key,\n"
	"  P_ID integer,\n  v real default (0),\n  W text unique,\n"
	"  check(v>=0),\n  foreign key (p_id) references \"P\"(\"Id\") "
	"on delete cascade\n);\n"
	"/* index */ CREATE INDEX `c_v` ON C (V desc) where V > 1;\n"
	"create table P (Id INTEGER PRIMARY KEY, Name text collate nocase);\n"
	"create trigger \"ct\" after delete on P\n"
	"begin\n  delete from c where p_id = OLD.id;\nend;\n"
	"CREATE  VIEW [cv]   AS\n  SELECT id,v\n  FROM c -- comment\n"
	"  WHERE v>0;\n"
	"create index p_name on p(name collate NOCASE);\n";

Test(introspect_canonical, order_and_formatting_do_not_count)
{
	retort_schema *a = from_sql(order_a), *b = from_sql(order_b);
	char *ja = json_of(a), *jb = json_of(b);

	cr_expect_eq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	/* identifiers keep the case they were declared with, so compare
	 * after folding; everything else must be byte-identical */
	for (char *p = ja; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (char *p = jb; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	cr_expect_str_eq(ja, jb);
	free(ja);
	free(jb);
	retort_schema_free(a);
	retort_schema_free(b);
}

Test(introspect_canonical, same_case_gives_same_bytes)
{
	static const char x[] =
		"CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);\n"
		"CREATE TABLE u(k INTEGER REFERENCES t(a), FOREIGN KEY(k) REFERENCES t);\n"
		"CREATE INDEX ub ON u(k);\n";
	static const char y[] =
		"CREATE TABLE u(k INTEGER REFERENCES T(A), FOREIGN KEY(K) REFERENCES \"t\");\n"
		"create index \"ub\" on [u] ( \"k\" ) ;\n"
		"CREATE TABLE \"t\"(`a` INTEGER PRIMARY KEY,b TEXT);\n";
	retort_schema *a = from_sql(x), *b = from_sql(y);
	char *ja = json_of(a), *jb = json_of(b);

	cr_expect_str_eq(ja, jb);
	free(ja);
	free(jb);
	retort_schema_free(a);
	retort_schema_free(b);
}

Test(introspect_canonical, index_terms_as_sqlite_reads_them)
{
	retort_schema *s = from_sql(
		"CREATE TABLE t(a TEXT COLLATE RTRIM, b, c);\n"
		"CREATE INDEX i1 ON t(((b)), (c COLLATE nocase), a, a COLLATE binary);\n"
		"CREATE INDEX i2 ON t((b + 0), \"c\" || 'x');\n");
	const retort_table *t = retort_schema_find_table(s, "t");
	const retort_index *i1 = &t->indexes[0], *i2 = &t->indexes[1];

	cr_assert_eq(i1->nparts, 4);
	cr_expect_str_eq(i1->parts[0].column, "b");
	cr_expect_null(i1->parts[0].collate);
	cr_expect_str_eq(i1->parts[1].column, "c");
	cr_expect_str_eq(i1->parts[1].collate, "NOCASE");
	cr_expect_str_eq(i1->parts[2].column, "a");
	cr_expect_str_eq(i1->parts[2].collate, "RTRIM");
	cr_expect_null(i1->parts[3].collate);
	cr_expect_null(i2->parts[0].column);
	EXPECT_EXPR(i2->parts[0].expr, "(b + 0)");
	cr_expect_null(i2->parts[1].column);
	retort_schema_free(s);
}

Test(introspect_canonical, explicit_binary_on_a_nocase_column)
{
	retort_schema *s = from_sql(
		"CREATE TABLE t(a TEXT COLLATE NOCASE, b TEXT COLLATE RTRIM,"
		" c TEXT COLLATE NOCASE PRIMARY KEY,"
		" UNIQUE (a COLLATE BINARY, b), UNIQUE (b COLLATE \"binary\"));\n"
		"CREATE INDEX i ON t(a COLLATE BINARY, b);\n");
	const retort_table *t = retort_schema_find_table(s, "t");
	const retort_unique *ab, *b;

	cr_assert_not_null(t);
	cr_assert_eq(t->nuniques, 2);
	ab = t->uniques[0].nparts == 2 ? &t->uniques[0] : &t->uniques[1];
	b = ab == &t->uniques[0] ? &t->uniques[1] : &t->uniques[0];
	cr_expect_null(ab->parts[0].collate);
	cr_expect_str_eq(ab->parts[1].collate, "RTRIM");
	cr_expect_null(b->parts[0].collate);
	cr_expect_str_eq(t->primary_key->parts[0].collate, "NOCASE");
	cr_expect_null(t->indexes[0].parts[0].collate);
	cr_expect_str_eq(t->indexes[0].parts[1].collate, "RTRIM");
	retort_schema_free(s);
}

Test(introspect_edge, large_schema_gives_the_same_model)
{
	char *text = file_read(features_path(), NULL);
	retort_buf sql = RETORT_BUF_INIT;
	retort_schema *small = features(), *big;
	const retort_table *eb;
	size_t i;
	int k;

	/* over 5,000 objects: the confirming PRAGMAs are skipped */
	cr_assert_not_null(text);
	retort_buf_puts(&sql, text);
	retort_buf_puts(
		&sql, "CREATE TABLE eb(a TEXT COLLATE NOCASE,"
		      " UNIQUE (a COLLATE BINARY));\n"
		      "CREATE INDEX eb_a ON eb(a COLLATE BINARY);\n");
	for (k = 0; k < 2600; k++)
		retort_buf_printf(
			&sql,
			"CREATE TABLE f%d(a TEXT COLLATE NOCASE);\n"
			"CREATE INDEX f%d_a ON f%d(a);\n",
			k, k, k);
	cr_assert_not(retort_buf_oom(&sql));
	big = from_sql(sql.ptr);
	cr_assert_eq(retort_schema_ntables(big), 2604);
	cr_expect_str_eq(
		retort_schema_find_table(big, "f7")
			->indexes[0]
			.parts[0]
			.collate,
		"NOCASE");
	eb = retort_schema_find_table(big, "eb");
	cr_expect_null(eb->uniques[0].parts[0].collate);
	cr_expect_null(eb->indexes[0].parts[0].collate);
	/* the features' tables are the same records as in a small schema */
	for (i = 0; i < retort_schema_ntables(small); i++) {
		const retort_table *t = retort_schema_table(small, i);

		cr_expect_eq(
			retort_schema_find_table(big, t->name)->fingerprint,
			t->fingerprint, "%s", t->name);
	}
	cr_expect_eq(retort_schema_nvirtual_tables(big), 2);
	free(text);
	retort_buf_dispose(&sql);
	retort_schema_free(small);
	retort_schema_free(big);
}

Test(introspect_edge, empty_schema)
{
	retort_schema *s = from_sql("");

	cr_expect_eq(retort_schema_ntables(s), 0);
	cr_expect_eq(retort_schema_nviews(s), 0);
	cr_expect_eq(retort_schema_ntriggers(s), 0);
	cr_expect_eq(retort_schema_nvirtual_tables(s), 0);
	retort_schema_free(s);
}

Test(introspect_edge, thousand_columns)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_schema *s;
	const retort_table *t;
	int i;

	retort_buf_puts(&b, "CREATE TABLE wide(id INTEGER PRIMARY KEY");
	for (i = 1; i < 1000; i++)
		retort_buf_printf(&b, ", \"c %d\" TEXT DEFAULT '%d'", i, i);
	retort_buf_puts(&b, ");");
	cr_assert_not(retort_buf_oom(&b));
	s = from_sql(b.ptr);
	t = retort_schema_find_table(s, "wide");
	cr_assert_not_null(t);
	cr_expect_eq(t->ncolumns, 1000);
	cr_expect_str_eq(t->columns[999].name, "c 999");
	cr_expect_str_eq(t->columns[999].default_sql, "'999'");
	retort_schema_free(s);
	retort_buf_dispose(&b);
}

Test(introspect_edge, view_on_a_dropped_table)
{
	retort_schema *s = from_sql(
		"CREATE TABLE t(a); CREATE VIEW v AS SELECT a FROM t;\n"
		"DROP TABLE t;\n");

	cr_expect_eq(retort_schema_ntables(s), 0);
	cr_expect_eq(retort_schema_nviews(s), 1);
	retort_schema_free(s);
}

Test(introspect_edge, renamed_objects_and_added_columns)
{
	retort_schema *s = from_sql(
		"CREATE TABLE t(a INTEGER PRIMARY KEY, b);\n"
		"CREATE INDEX tb ON t(b);\n"
		"ALTER TABLE t RENAME TO \"New T\";\n"
		"ALTER TABLE \"New T\" RENAME COLUMN b TO \"b b\";\n"
		"ALTER TABLE \"New T\" ADD COLUMN c TEXT NOT NULL DEFAULT 'z'"
		" REFERENCES other(x);\n");
	const retort_table *t = retort_schema_find_table(s, "new t");

	cr_assert_not_null(t);
	cr_expect_str_eq(t->name, "New T");
	cr_assert_eq(t->ncolumns, 3);
	cr_expect_str_eq(t->columns[1].name, "b b");
	cr_expect_str_eq(t->indexes[0].parts[0].column, "b b");
	cr_expect_str_eq(t->indexes[0].table, "New T");
	cr_assert_eq(t->nforeign_keys, 1);
	cr_expect_str_eq(t->foreign_keys[0].ref_table, "other");
	retort_schema_free(s);
}

Test(introspect_edge, out_of_memory_at_every_allocation)
{
	char *text = file_read(features_path(), NULL);
	retort_error err;
	retort_schema *s;
	long n;
	int rc;

	cr_assert_not_null(text);
	for (n = 1;; n++) {
		retort_error_clear(&err);
		s = NULL;
		retort__alloc_fail_after(n);
		rc = retort__schema_from_sql(&s, text, "f.sql", &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_OK)
			break;
		cr_assert_eq(
			rc, RETORT_ENOMEM, "allocation %ld: %d %s: %s", n, rc,
			err.what, err.why);
		cr_assert_null(s);
	}
	cr_expect_gt(n, 10);
	retort_schema_free(s);
	free(text);
}
