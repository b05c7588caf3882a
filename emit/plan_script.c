/*
** plan_script.c -- writes one migration script (emit layer): the order of
** its phases (SPEC §4, SQLITE-FACTS §4), the transaction around them and
** the helpers every plan_*.c writer shares (temporary names, comments,
** warnings).
**
** Script layout: PRAGMA foreign_keys=OFF before BEGIN (it is a no-op
** inside a transaction); drops of dependent triggers and views, indexes,
** virtual tables and tables; table renames; per table, column renames
** then native ALTERs or a rebuild; new tables, indexes and virtual
** tables; views and triggers; the guard (plan_guard.c); COMMIT; PRAGMA
** foreign_keys=ON.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emit_int.h"
#include "plan_int.h"
#include "sqltok.h"

int retort__plan_oom(retort_plan_ctx *ctx)
{
	return retort_error_set(
		ctx->err, RETORT_ENOMEM, "migration script", "out of memory");
}

void retort__plan_comment(retort_buf *out, const char *kind, const char *text)
{
	retort_buf_puts(out, "-- ");
	retort_buf_puts(out, kind);
	retort_buf_puts(out, ": ");
	for (; *text; text++)
		/* a line break in a name must not end the comment */
		retort_buf_putc(out, (unsigned char)*text < 0x20 ? ' ' : *text);
	retort_buf_putc(out, '\n');
}

void retort__plan_warn(retort_plan_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = n < 0 ? NULL : retort__malloc((size_t)n + 1);
	if (!text) {
		ctx->warnings->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	retort__plan_comment(ctx->out, "WARNING", text);
	retort__strvec_add(ctx->warnings, text, (size_t)n);
	retort__free(text);
}

const char *retort__plan_q(retort_plan_ctx *ctx, const char *name)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *q;

	retort_buf_put_ident(&b, name);
	q = retort_buf_oom(&b)
		    ? NULL
		    : retort__arena_strndup(&ctx->arena, b.ptr, b.size);
	retort_buf_dispose(&b);
	return q ? q : "?";
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

/* True when NAME is taken: an object of either schema, a name handed out
 * already, or a shadow-table name of a virtual table. */
static bool name_taken(retort_plan_ctx *ctx, const char *name)
{
	const retort_schema *s[2] = { ctx->from, ctx->to };
	size_t i, k;

	if (in_sorted(ctx->names, ctx->nnames, name))
		return true;
	for (i = 0; i < ctx->ntmp; i++)
		if (!retort__strcasecmp(ctx->tmp_names[i], name))
			return true;
	for (k = 0; k < 2; k++)
		for (i = 0; i < retort_schema_nvirtual_tables(s[k]); i++) {
			const char *v =
				retort_schema_virtual_table(s[k], i)->name;
			size_t n = strlen(v);

			if (!retort__strncasecmp(name, v, n) && name[n] == '_')
				return true;
		}
	return false;
}

/* Remember NAME as handed out; false when out of memory. */
static bool keep_tmp(retort_plan_ctx *ctx, const char *name)
{
	if (ctx->ntmp == ctx->atmp) {
		size_t a = ctx->atmp ? ctx->atmp * 2 : 8;
		const char **v =
			retort__arena_alloc(&ctx->arena, a * sizeof(*v));

		if (!v)
			return false;
		if (ctx->ntmp)
			memcpy(v, ctx->tmp_names, ctx->ntmp * sizeof(*v));
		ctx->tmp_names = v;
		ctx->atmp = a;
	}
	ctx->tmp_names[ctx->ntmp++] = name;
	return true;
}

const char *retort__plan_tmp_name(
	retort_plan_ctx *ctx, const char *prefix, const char *base)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *name = NULL;
	unsigned i;

	for (i = 1; i < 100000; i++) {
		retort_buf_clear(&b);
		retort_buf_puts(&b, prefix);
		retort_buf_puts(&b, base);
		if (i > 1)
			retort_buf_printf(&b, "_%u", i);
		if (retort_buf_oom(&b) || !name_taken(ctx, b.ptr))
			break;
	}
	if (!retort_buf_oom(&b))
		name = retort__arena_strndup(&ctx->arena, b.ptr, b.size);
	if (name && !keep_tmp(ctx, name))
		name = NULL;
	retort_buf_dispose(&b);
	return name;
}

/* DROP INDEX and DROP TABLE of dropped or replaced virtual tables. */
static void drop_misc(retort_plan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nmisc; i++) {
		const retort_diff_op *op = ctx->misc[i];

		if (op->kind == RETORT_OP_DROP_INDEX && op->from.index) {
			retort_buf_puts(ctx->out, "DROP INDEX ");
			retort_buf_put_ident(ctx->out, op->from.index->name);
			retort_buf_puts(ctx->out, ";\n");
		}
	}
	for (i = 0; i < ctx->nmisc; i++) {
		const retort_diff_op *op = ctx->misc[i];
		const retort_virtual_table *v = op->from.virtual_table;

		if (!v || (op->kind != RETORT_OP_DROP_VIRTUAL_TABLE &&
			   op->kind != RETORT_OP_REPLACE_VIRTUAL_TABLE))
			continue;
		retort__plan_comment(
			ctx->out, "DESTRUCTIVE",
			op->kind == RETORT_OP_DROP_VIRTUAL_TABLE
				? "drops a virtual table and its rows"
				: "re-creates a virtual table empty");
		retort_buf_puts(ctx->out, "DROP TABLE ");
		retort_buf_put_ident(ctx->out, v->name);
		retort_buf_puts(ctx->out, ";\n");
		if (!retort_schema_find_virtual_table(ctx->to, v->name) &&
		    !retort_schema_find_table(ctx->to, v->name))
			retort__plan_expect(ctx, "table", v->name, false);
	}
}

/* DROP TABLE for every dropped table. */
static void drop_tables(retort_plan_ctx *ctx)
{
	size_t i, j;

	for (i = 0; i < ctx->ntables; i++) {
		retort_plan_table *pt = &ctx->tables[i];

		if (pt->how != RETORT_PLAN_DROP)
			continue;
		for (j = 0; j < pt->nops; j++)
			if (pt->ops[j]->reason)
				retort__plan_comment(
					ctx->out, "DESTRUCTIVE",
					pt->ops[j]->reason);
		if (!pt->nops || !pt->ops[0]->reason)
			retort__plan_comment(
				ctx->out, "DESTRUCTIVE",
				"drops a table and its rows");
		retort_buf_puts(ctx->out, "DROP TABLE ");
		retort_buf_put_ident(ctx->out, pt->from->name);
		retort_buf_puts(ctx->out, ";\n");
		if (!retort_schema_find_table(ctx->to, pt->from->name) &&
		    !retort_schema_find_virtual_table(ctx->to, pt->from->name))
			retort__plan_expect(
				ctx, "table", pt->from->name, false);
	}
}

/* Native ALTERs or rebuilds of the tables both schemas have. */
static int change_tables(retort_plan_ctx *ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < ctx->ntables; i++) {
		retort_plan_table *pt = &ctx->tables[i];

		if (pt->how != RETORT_PLAN_NATIVE &&
		    pt->how != RETORT_PLAN_REBUILD)
			continue;
		if ((rc = retort__plan_rename_columns(ctx, pt)) < 0)
			return rc;
		if (pt->how == RETORT_PLAN_NATIVE)
			rc = retort__plan_alter_table(ctx, pt);
		else
			rc = retort__plan_rebuild(ctx, pt);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

/* CREATE TABLE for every new table, with its indexes. */
static int add_tables(retort_plan_ctx *ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < ctx->ntables; i++) {
		retort_plan_table *pt = &ctx->tables[i];

		if (pt->how != RETORT_PLAN_ADD)
			continue;
		rc = retort__plan_create_table(ctx, pt->to, pt->to->name, true);
		if (rc < 0)
			return rc;
		retort__plan_expect(ctx, "table", pt->to->name, true);
		retort__plan_expect_table(ctx, pt->to->name, pt->to->ncolumns);
	}
	return RETORT_OK;
}

/* CREATE INDEX for new indexes of tables that are not (re)created. */
static int add_indexes(retort_plan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nmisc; i++) {
		const retort_diff_op *op = ctx->misc[i];
		const retort_index *ix = op->to.index;
		const retort_plan_table *pt;

		if (op->kind != RETORT_OP_ADD_INDEX || !ix)
			continue;
		pt = retort__plan_find(
			ctx, retort_schema_find_table(ctx->to, ix->table),
			true);
		if (pt && (pt->how == RETORT_PLAN_ADD ||
			   pt->how == RETORT_PLAN_REBUILD))
			continue; /* created with its table */
		if (ix->unique)
			retort__plan_warn(
				ctx,
				"new unique index %s: the CREATE fails if "
				"existing rows are not unique",
				retort__plan_q(ctx, ix->name));
		if (retort__plan_create_index(ctx, ix) < 0)
			return retort__plan_oom(ctx);
	}
	return RETORT_OK;
}

/* CREATE VIRTUAL TABLE for new and re-created virtual tables. */
static void add_vtabs(retort_plan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nmisc; i++) {
		const retort_diff_op *op = ctx->misc[i];
		const retort_virtual_table *v = op->to.virtual_table;

		if (!v || (op->kind != RETORT_OP_ADD_VIRTUAL_TABLE &&
			   op->kind != RETORT_OP_REPLACE_VIRTUAL_TABLE))
			continue;
		retort__emit_create_virtual_table(ctx->out, v);
		retort_buf_puts(ctx->out, ";\n");
		retort__plan_expect(ctx, "table", v->name, true);
	}
}

/* The body of the script (between the guard's set-up and its checks). */
static int write_body(retort_plan_ctx *ctx)
{
	int rc;

	retort__plan_drop_dependents(ctx);
	drop_misc(ctx);
	drop_tables(ctx);
	if ((rc = retort__plan_rename_tables(ctx)) < 0)
		return rc;
	if ((rc = change_tables(ctx)) < 0)
		return rc;
	if ((rc = add_tables(ctx)) < 0)
		return rc;
	if ((rc = add_indexes(ctx)) < 0)
		return rc;
	add_vtabs(ctx);
	return retort__plan_create_dependents(ctx);
}

/* Put the whole script in OUT: header, transaction, guard and BODY. */
static void
assemble(retort_plan_ctx *ctx, retort_buf *out, const retort_buf *body)
{
	retort_buf_printf(
		out,
		"-- retort: %zu operation%s, for SQLite %d.%d.%d or later\n"
		"-- Run it whole: it ends with checks that roll everything "
		"back on failure.\n",
		retort_diff_count(ctx->diff),
		retort_diff_count(ctx->diff) == 1 ? "" : "s",
		ctx->version / 1000000, ctx->version / 1000 % 1000,
		ctx->version % 1000);
	retort_buf_puts(out, RETORT_PLAN_PROLOGUE);
	ctx->out = out;
	retort__plan_guard_begin(ctx);
	retort_buf_put(out, body->ptr, body->size);
	retort__plan_guard_end(ctx);
	retort_buf_puts(out, RETORT_PLAN_EPILOGUE);
}

static void ctx_dispose(retort_plan_ctx *ctx)
{
	retort__arena_dispose(&ctx->arena);
	retort_buf_dispose(&ctx->present);
	retort_buf_dispose(&ctx->absent);
	retort_buf_dispose(&ctx->shape);
	retort_buf_dispose(&ctx->notnull);
}

int retort__plan_script(
	retort_buf *out,
	retort_strvec *warnings,
	const retort_diff *diff,
	int version,
	retort_error *err)
{
	static const retort_buf empty = RETORT_BUF_INIT;
	retort_plan_ctx ctx;
	retort_buf body = RETORT_BUF_INIT;
	int rc;

	retort_buf_clear(out);
	if (retort_diff_count(diff) == 0)
		return RETORT_OK;
	memset(&ctx, 0, sizeof(ctx));
	ctx.diff = diff;
	ctx.from = retort_diff_from(diff);
	ctx.to = retort_diff_to(diff);
	ctx.version = version;
	ctx.warnings = warnings;
	ctx.out = &body;
	ctx.err = err;
	ctx.present = ctx.absent = ctx.shape = ctx.notnull = empty;
	rc = retort__plan_collect(&ctx);
	if (rc == RETORT_OK)
		rc = retort__plan_dependents(&ctx);
	if (rc == RETORT_OK)
		rc = write_body(&ctx);
	if (rc == RETORT_OK)
		assemble(&ctx, out, &body);
	if (rc == RETORT_OK &&
	    (retort_buf_oom(out) || retort_buf_oom(&body) ||
	     retort_buf_oom(&ctx.present) || retort_buf_oom(&ctx.absent) ||
	     retort_buf_oom(&ctx.shape) || retort_buf_oom(&ctx.notnull)))
		rc = retort__plan_oom(&ctx);
	retort_buf_dispose(&body);
	ctx_dispose(&ctx);
	return rc;
}
