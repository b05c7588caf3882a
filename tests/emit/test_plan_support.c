/*
** test_plan_support.c -- helpers of the emitter's end-to-end tests (see
** test_plan_support.h).  No Test() here.
*/
#include "test_plan_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "introspect.h"
#include "sqltok.h"

const char *tp_label = "";

sqlite3 *tp_open(const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (sql && sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		cr_assert_fail("%s\nin: %s", msg, sql);
	return db;
}

int tp_exec(sqlite3 *db, const char *sql, char **msg)
{
	*msg = NULL;
	return sqlite3_exec(db, sql, NULL, NULL, msg);
}

retort_schema *tp_schema(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	if (retort__schema_from_sql(&s, sql, "test", &err) < 0)
		cr_assert_fail(
			"schema: %s: %s\nin: %s", err.what, err.why, sql);
	return s;
}

retort_schema *tp_schema_of(sqlite3 *db)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	if (retort__introspect(&s, db, "test db", NULL, &err) < 0)
		cr_assert_fail("introspect: %s: %s", err.what, err.why);
	return s;
}

/* The diff of A and B with RENAMES (fails the test on error). */
static retort_diff *
diff_of(const retort_schema *a,
	const retort_schema *b,
	const retort_rename *renames,
	size_t n)
{
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	o.renames = renames;
	o.nrenames = n;
	if (retort_diff_compare(&d, a, b, &o, &err) < 0)
		cr_assert_fail("diff: %s: %s", err.what, err.why);
	return d;
}

/* Describe the first difference between A and B (static buffer). */
static const char *first_diff(const retort_schema *a, const retort_schema *b)
{
	static char buf[512];
	retort_diff *d = diff_of(a, b, NULL, 0);
	const retort_diff_op *op = retort_diff_get(d, 0);

	snprintf(
		buf, sizeof(buf), "%s %s.%s",
		op ? retort_op_kind_name(op->kind) : "-",
		op && op->object ? op->object : "",
		op && op->name ? op->name : "");
	retort_diff_free(d);
	return buf;
}

size_t tp_ndiff(const retort_schema *a, const retort_schema *b)
{
	retort_diff *d = diff_of(a, b, NULL, 0);
	size_t n = retort_diff_count(d);

	retort_diff_free(d);
	return n;
}

retort_plan *
tp_plan(const char *from,
	const char *to,
	const retort_rename *renames,
	size_t nrenames)
{
	retort_schema *f = tp_schema(from), *t = tp_schema(to);
	retort_diff *d = diff_of(f, t, renames, nrenames);
	retort_error err = RETORT_ERROR_INIT;
	retort_plan *plan = NULL;

	if (retort_emit_plan(&plan, d, NULL, &err) < 0)
		cr_assert_fail(
			"%splan: %d %s: %s", tp_label, err.code, err.what,
			err.why);
	retort_diff_free(d);
	retort_schema_free(f);
	retort_schema_free(t);
	return plan;
}

char *tp_query(sqlite3 *db, const char *sql)
{
	retort_buf b = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		cr_assert_fail("%s\nin: %s", sqlite3_errmsg(db), sql);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			if (i)
				retort_buf_putc(&b, '|');
			retort_buf_puts(&b, v ? (const char *)v : "");
		}
		retort_buf_putc(&b, '\n');
	}
	cr_assert_eq(rc, SQLITE_DONE, "%s\nin: %s", sqlite3_errmsg(db), sql);
	sqlite3_finalize(st);
	return retort_buf_detach(&b);
}

char *tp_rows(sqlite3 *db, const char *table, const char *const *cols, size_t n)
{
	retort_buf q = RETORT_BUF_INIT;
	char *rows;
	size_t i;

	retort_buf_puts(&q, "SELECT ");
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(&q, " || '|' || ");
		retort_buf_puts(&q, "quote(");
		retort_buf_put_ident(&q, cols[i]);
		retort_buf_putc(&q, ')');
	}
	if (!n)
		retort_buf_puts(&q, "count(*)");
	retort_buf_puts(&q, " AS r FROM ");
	retort_buf_put_ident(&q, table);
	retort_buf_puts(&q, n ? " ORDER BY r" : "");
	rows = tp_query(db, q.ptr);
	retort_buf_dispose(&q);
	return rows;
}

void tp_expect_integrity(sqlite3 *db)
{
	char *r = tp_query(db, "PRAGMA integrity_check");
	char *line, *save = NULL;

	/* SQLITE-FACTS: 3.40.1 reports "NULL value in t.x" for a WITHOUT
	 * ROWID table whose NOT NULL column precedes its PK column */
	for (line = strtok_r(r, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strcmp(line, "ok") && strncmp(line, "NULL value in ", 14))
			cr_expect_fail("integrity_check: %s", line);
	free(r);
}

void tp_expect_fk_clean(sqlite3 *db)
{
	char *r = tp_query(db, "PRAGMA foreign_key_check");

	cr_expect_str_eq(r, "", "foreign_key_check: %s", r);
	free(r);
}

bool tp_has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

/* The FROM name of TO table T under the case's renames. */
static const char *from_table(const tp_case *c, const char *t)
{
	size_t i;

	for (i = 0; i < c->nrenames; i++)
		if (!c->renames[i].table &&
		    !retort__strcasecmp(c->renames[i].to, t))
			return c->renames[i].from;
	return t;
}

/* The FROM name of column COL of TO table T under the renames. */
static const char *from_column(const tp_case *c, const char *t, const char *col)
{
	size_t i;

	for (i = 0; i < c->nrenames; i++)
		if (c->renames[i].table &&
		    !retort__strcasecmp(c->renames[i].table, t) &&
		    !retort__strcasecmp(c->renames[i].to, col))
			return c->renames[i].from;
	return col;
}

/* A column whose values must survive unchanged: ordinary on both sides,
 * same affinity. */
static bool comparable(const retort_column *f, const retort_column *t)
{
	return f && t && f->generated == RETORT_GENERATED_NONE &&
	       t->generated == RETORT_GENERATED_NONE &&
	       f->affinity == t->affinity;
}

/*
** Compare every surviving value of every table: the rows of FROM (in
** REF) as the columns that TO keeps, against the rows of TO in DB -- or,
** when BACK (after the downgrade), against the same FROM columns in DB.
*/
static void expect_values(
	const tp_case *c,
	const retort_schema *from,
	const retort_schema *to,
	sqlite3 *ref,
	sqlite3 *db,
	bool back)
{
	size_t i, j, n;

	for (i = 0; i < retort_schema_ntables(to); i++) {
		const retort_table *t = retort_schema_table(to, i);
		const retort_table *f =
			retort_schema_find_table(from, from_table(c, t->name));
		const char **fc, **tc;
		char *a, *b;

		if (!f)
			continue;
		fc = calloc(t->ncolumns + 1, sizeof(*fc));
		tc = calloc(t->ncolumns + 1, sizeof(*tc));
		for (j = n = 0; j < t->ncolumns; j++) {
			const char *name =
				from_column(c, t->name, t->columns[j].name);
			const retort_column *fcol =
				retort_table_find_column(f, name);

			if (!comparable(fcol, &t->columns[j]))
				continue;
			fc[n] = fcol->name;
			tc[n++] = t->columns[j].name;
		}
		a = tp_rows(ref, f->name, fc, n);
		b = back ? tp_rows(db, f->name, fc, n)
			 : tp_rows(db, t->name, tc, n);
		cr_expect_str_eq(
			b, a, "%svalues of %s changed%s", tp_label, t->name,
			back ? " by the downgrade" : "");
		free(a);
		free(b);
		free(fc);
		free(tc);
	}
}

/* The upgrade must fail on the rows and leave DB as REF is. */
static void expect_failed(
	const tp_case *c, tp_result *r, sqlite3 *ref, const retort_schema *from)
{
	const char *up = retort_plan_upgrade(r->plan);
	tp_case same = *c;
	retort_schema *got;

	cr_expect_neq(
		tp_exec(r->db, up, &r->errmsg), SQLITE_OK,
		"the upgrade should fail on these rows:\n%s", up);
	if (!sqlite3_get_autocommit(r->db))
		tp_exec(r->db, "ROLLBACK", &(char *){ NULL });
	got = tp_schema_of(r->db);
	cr_expect_eq(
		tp_ndiff(got, from), 0,
		"schema changed by a failed upgrade: %s",
		first_diff(got, from));
	same.nrenames = 0; /* compare FROM with itself */
	expect_values(&same, from, from, ref, r->db, false);
	retort_schema_free(got);
}

/* Apply SCRIPT (STEP) to R's database and check it reached WANT. */
static void
apply(tp_result *r,
      const char *script,
      const char *step,
      const retort_schema *want)
{
	retort_schema *got;
	char *msg = NULL;

	if (tp_exec(r->db, script, &msg) != SQLITE_OK)
		cr_assert_fail(
			"%s%s fails: %s\n%s", tp_label, step, msg, script);
	cr_expect(
		sqlite3_get_autocommit(r->db), "%s leaves a transaction", step);
	got = tp_schema_of(r->db);
	cr_expect_eq(
		tp_ndiff(got, want), 0,
		"%s%s does not reach its target: %s\n%s", tp_label, step,
		first_diff(got, want), script);
	retort_schema_free(got);
	tp_expect_integrity(r->db);
	tp_expect_fk_clean(r->db);
}

void tp_run(const tp_case *c, tp_result *r)
{
	retort_schema *from = tp_schema(c->from), *to = tp_schema(c->to);
	sqlite3 *ref = tp_open(c->from);

	memset(r, 0, sizeof(*r));
	r->plan = tp_plan(c->from, c->to, c->renames, c->nrenames);
	r->db = tp_open(c->from);
	if (c->fill) {
		char *msg = NULL;

		cr_assert_eq(
			tp_exec(r->db, c->fill, &msg), SQLITE_OK, "%s", msg);
		cr_assert_eq(tp_exec(ref, c->fill, &msg), SQLITE_OK, "%s", msg);
	}
	if (c->expect_fail) {
		expect_failed(c, r, ref, from);
	} else {
		apply(r, retort_plan_upgrade(r->plan), "upgrade", to);
		expect_values(c, from, to, ref, r->db, false);
		if (!c->no_downgrade) {
			apply(r, retort_plan_downgrade(r->plan), "downgrade",
			      from);
			expect_values(c, from, to, ref, r->db, true);
		}
	}
	sqlite3_close(ref);
	retort_schema_free(from);
	retort_schema_free(to);
}

void tp_result_dispose(tp_result *r)
{
	retort_plan_free(r->plan);
	sqlite3_close(r->db);
	sqlite3_free(r->errmsg);
	memset(r, 0, sizeof(*r));
}
