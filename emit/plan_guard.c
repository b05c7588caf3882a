/*
** plan_guard.c -- the checks that end a migration's transaction (emit
** layer).  The sqlite3 shell goes on after a failed statement and would
** then COMMIT a half-done migration (a failed copy followed by DROP TABLE
** loses the rows), so the script proves its own result before COMMIT:
**
**   - every object it creates exists, every one it drops is gone, every
**     table it changes has the expected number of columns;
**   - PRAGMA foreign_key_check is empty for the tables it changes and
**     for their children;
**   - every rebuilt table's copy ran (INSERT ... SELECT is all or
**     nothing: the copy is not empty, or there was nothing to copy).
**
** A temp table holds one pending row per check; each check deletes its
** row only when it holds (a check that fails to run leaves the row), and
** a final INSERT OR ROLLBACK into a table with a CHECK per kind rolls the
** whole transaction back, with a message naming the failed check, while
** any row remains.
*/
#include <string.h>

#include "plan_int.h"
#include "sqltok.h"

#define GUARD "temp.\"retort_guard\""
#define CHECK "temp.\"retort_check\""

/* Append ", " unless B is empty. */
static void comma(retort_buf *b)
{
	if (b->size)
		retort_buf_puts(b, ", ");
}

void retort__plan_expect(
	retort_plan_ctx *ctx, const char *type, const char *name, bool present)
{
	retort_buf *b = present ? &ctx->present : &ctx->absent;
	retort_buf item = RETORT_BUF_INIT;

	retort_buf_puts(&item, type);
	retort_buf_putc(&item, ' ');
	retort_buf_puts(&item, name);
	comma(b);
	retort_buf_put_literal(b, retort_buf_oom(&item) ? "" : item.ptr);
	if (retort_buf_oom(&item))
		b->oom = true;
	retort_buf_dispose(&item);
	if (present)
		ctx->npresent++;
}

void retort__plan_expect_table(
	retort_plan_ctx *ctx, const char *name, size_t ncols)
{
	comma(&ctx->shape);
	retort_buf_putc(&ctx->shape, '(');
	retort_buf_put_literal(&ctx->shape, name);
	retort_buf_printf(&ctx->shape, ", %zu)", ncols);
	ctx->nshape++;
}

void retort__plan_expect_notnull(
	retort_plan_ctx *ctx, const char *table, const char *col, bool nn)
{
	comma(&ctx->notnull);
	retort_buf_putc(&ctx->notnull, '(');
	retort_buf_put_literal(&ctx->notnull, table);
	retort_buf_puts(&ctx->notnull, ", ");
	retort_buf_put_literal(&ctx->notnull, col);
	retort_buf_printf(&ctx->notnull, ", %d)", nn ? 1 : 0);
	ctx->nnotnull++;
}

void retort__plan_guard_copy(
	retort_plan_ctx *ctx, size_t step, const char *from, const char *to)
{
	retort_buf *o = ctx->out;

	/* INSERT ... SELECT is all or nothing, so "the copy has a row, or
	 * there was none to copy" proves it ran -- in O(1), where counting
	 * both tables would read them again */
	retort_buf_puts(o, "UPDATE " GUARD " SET \"n\" = 1 WHERE \"step\" = ");
	retort_buf_printf(o, "'copy %zu' AND (EXISTS (SELECT 1 FROM ", step);
	retort_buf_put_ident(o, to);
	retort_buf_puts(o, ") OR NOT EXISTS (SELECT 1 FROM ");
	retort_buf_put_ident(o, from);
	retort_buf_puts(o, "));\n");
}

void retort__plan_guard_begin(retort_plan_ctx *ctx)
{
	retort_buf *o = ctx->out;
	size_t i;

	retort_buf_puts(
		o, "CREATE TEMP TABLE \"retort_guard\" (\"step\" TEXT PRIMARY "
		   "KEY, \"n\" INTEGER);\n"
		   "INSERT INTO " GUARD " (\"step\") VALUES ('schema'), "
		   "('foreign keys')");
	for (i = 1; i <= ctx->nrows_steps; i++)
		retort_buf_printf(o, ", ('copy %zu')", i);
	retort_buf_puts(o, ";\n");
}

/* The condition that the objects, columns and NOT NULL flags are as
 * recorded (always true when nothing was recorded). */
static void put_schema_cond(retort_plan_ctx *ctx)
{
	retort_buf *o = ctx->out;

	retort_buf_puts(o, "1");
	if (ctx->npresent)
		retort_buf_printf(
			o,
			"\n  AND (SELECT count(*) FROM main.sqlite_master WHERE "
			"(type || ' ' || name) COLLATE NOCASE IN (%s)) = %zu",
			ctx->present.ptr, ctx->npresent);
	if (ctx->absent.size)
		retort_buf_printf(
			o,
			"\n  AND NOT EXISTS (SELECT 1 FROM main.sqlite_master "
			"WHERE (type || ' ' || name) COLLATE NOCASE IN (%s))",
			ctx->absent.ptr);
	if (ctx->nshape)
		retort_buf_printf(
			o,
			"\n  AND NOT EXISTS (SELECT 1 FROM (VALUES %s) AS \"e\" "
			"WHERE (SELECT count(*) FROM pragma_table_xinfo("
			"\"e\".\"column1\", 'main')) <> \"e\".\"column2\")",
			ctx->shape.ptr);
	if (ctx->nnotnull)
		retort_buf_printf(
			o,
			"\n  AND NOT EXISTS (SELECT 1 FROM (VALUES %s) AS \"e\" "
			"WHERE (SELECT \"notnull\" FROM pragma_table_xinfo("
			"\"e\".\"column1\", 'main') WHERE \"name\" = "
			"\"e\".\"column2\" COLLATE NOCASE) IS NOT "
			"\"e\".\"column3\")",
			ctx->notnull.ptr);
}

/* Binary search for NAME (ASCII case folded) in sorted NAMES. */
static bool in_sorted(const char *const *names, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = retort__strcasecmp(name, names[mid]);

		if (d == 0)
			return true;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* True when TO table T has a foreign key into, or is, a touched table. */
static bool fk_relevant(const retort_plan_ctx *ctx, const retort_table *t)
{
	size_t i;

	if (!t->nforeign_keys)
		return false;
	if (in_sorted(ctx->touched, ctx->ntouched, t->name))
		return true;
	for (i = 0; i < t->nforeign_keys; i++)
		if (in_sorted(
			    ctx->touched, ctx->ntouched,
			    t->foreign_keys[i].ref_table))
			return true;
	return false;
}

/* The foreign-key condition: no dangling row in the tables concerned. */
static void put_fk_cond(retort_plan_ctx *ctx)
{
	retort_buf list = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < retort_schema_ntables(ctx->to); i++) {
		const retort_table *t = retort_schema_table(ctx->to, i);

		if (!fk_relevant(ctx, t))
			continue;
		if (list.size)
			retort_buf_puts(&list, ", ");
		retort_buf_putc(&list, '(');
		retort_buf_put_literal(&list, t->name);
		retort_buf_putc(&list, ')');
	}
	if (!list.size)
		retort_buf_puts(ctx->out, "1");
	else
		retort_buf_printf(
			ctx->out,
			"NOT EXISTS (SELECT 1 FROM (VALUES %s) AS \"e\", "
			"pragma_foreign_key_check(\"e\".\"column1\", 'main'))",
			list.ptr);
	if (retort_buf_oom(&list))
		ctx->out->oom = true;
	retort_buf_dispose(&list);
}

void retort__plan_guard_end(retort_plan_ctx *ctx)
{
	retort_buf *o = ctx->out;

	retort_buf_puts(
		o, "-- retort: checks; a failure rolls the whole migration "
		   "back\n"
		   "DELETE FROM " GUARD " WHERE \"step\" = 'schema' AND ");
	put_schema_cond(ctx);
	retort_buf_puts(
		o, ";\nDELETE FROM " GUARD " WHERE \"step\" = 'foreign keys' "
		   "AND ");
	put_fk_cond(ctx);
	retort_buf_puts(
		o,
		";\nDELETE FROM " GUARD " WHERE \"step\" LIKE 'copy %' AND "
		"\"n\" = 1;\n"
		"CREATE TEMP TABLE \"retort_check\" (\n"
		"  \"copy\" INTEGER CONSTRAINT \"retort: a table copy failed, "
		"migration rolled back\" CHECK (\"copy\"),\n"
		"  \"schema\" INTEGER CONSTRAINT \"retort: a statement above "
		"failed, migration rolled back\" CHECK (\"schema\"),\n"
		"  \"fk\" INTEGER CONSTRAINT \"retort: PRAGMA foreign_key_check "
		"found rows without a parent, migration rolled back\" "
		"CHECK (\"fk\"));\n"
		"INSERT OR ROLLBACK INTO " CHECK " SELECT\n"
		"  NOT EXISTS (SELECT 1 FROM " GUARD " WHERE \"step\" LIKE "
		"'copy %'),\n"
		"  NOT EXISTS (SELECT 1 FROM " GUARD " WHERE \"step\" = "
		"'schema'),\n"
		"  NOT EXISTS (SELECT 1 FROM " GUARD " WHERE \"step\" = "
		"'foreign keys');\n"
		"DROP TABLE " CHECK ";\n"
		"DROP TABLE " GUARD ";\n");
}
