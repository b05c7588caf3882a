/*
** plan_alter.c -- native ALTER TABLE statements (emit layer): table and
** column renames (cycles and case-only renames go through a temporary
** name), ADD COLUMN, DROP COLUMN, and SQLite 3.53's ADD/DROP CONSTRAINT
** and SET/DROP NOT NULL when the target library has them.  Renames run
** first, even for a table that is then rebuilt, so that SQLite rewrites
** the foreign keys of other tables that point at the renamed names.
*/
#include <string.h>

#include "emit_int.h"
#include "plan_int.h"
#include "sqltok.h"

/* One pending rename: *cur is the object's current name. */
typedef struct rename_job {
	const char **cur;   /* its current name (updated as it moves) */
	const char *target; /* the name it must end with */
	bool done;          /* reached its target */
} rename_job;

/* ALTER TABLE TABLE RENAME [COLUMN] FROM TO; TABLE NULL: a table. */
static void
put_rename(retort_buf *out, const char *table, const char *from, const char *to)
{
	retort_buf_puts(out, "ALTER TABLE ");
	retort_buf_put_ident(out, table ? table : from);
	if (table) {
		retort_buf_puts(out, " RENAME COLUMN ");
		retort_buf_put_ident(out, from);
		retort_buf_puts(out, " TO ");
	} else {
		retort_buf_puts(out, " RENAME TO ");
	}
	retort_buf_put_ident(out, to);
	retort_buf_puts(out, ";\n");
}

/* True when job I can move now: no other pending job holds its target,
 * and it is not a rename in letter case only (SQLite refuses those). */
static bool can_move(const rename_job *jobs, size_t n, size_t i)
{
	size_t j;

	if (!retort__strcasecmp(*jobs[i].cur, jobs[i].target))
		return false;
	for (j = 0; j < n; j++)
		if (j != i && !jobs[j].done &&
		    !retort__strcasecmp(*jobs[j].cur, jobs[i].target))
			return false;
	return true;
}

/* True when NAME is a column name of PT (current or TO). */
static bool column_taken(const retort_plan_table *pt, const char *name)
{
	size_t i;

	for (i = 0; i < pt->from->ncolumns; i++)
		if (!retort__strcasecmp(pt->fcur[i], name))
			return true;
	for (i = 0; i < pt->to->ncolumns; i++)
		if (!retort__strcasecmp(pt->to->columns[i].name, name))
			return true;
	return false;
}

/* A temporary name from BASE, unique among every object and, for a
 * column of PT (NULL for a table), among PT's columns. */
static const char *
tmp_for(retort_plan_ctx *ctx, const retort_plan_table *pt, const char *base)
{
	const char *tmp;

	do
		tmp = retort__plan_tmp_name(ctx, "retort_tmp_", base);
	while (tmp && pt && column_taken(pt, tmp));
	return tmp;
}

/*
** Run the N rename JOBS in an order SQLite accepts; a cycle (a <-> b) or
** a case-only rename moves one object to a temporary name first.  PT is
** the table of column renames, NULL for table renames.
*/
static int run_renames(
	retort_plan_ctx *ctx,
	rename_job *jobs,
	size_t n,
	const retort_plan_table *pt)
{
	const char *table = pt ? pt->cur : NULL;
	size_t left = n, i;

	while (left) {
		bool moved = false;

		for (i = 0; i < n; i++) {
			if (jobs[i].done || !can_move(jobs, n, i))
				continue;
			put_rename(
				ctx->out, table, *jobs[i].cur, jobs[i].target);
			*jobs[i].cur = jobs[i].target;
			jobs[i].done = true;
			moved = true;
			left--;
		}
		for (i = 0; !moved && i < n; i++) {
			const char *tmp;

			if (jobs[i].done)
				continue;
			tmp = tmp_for(ctx, pt, jobs[i].target);
			if (!tmp)
				return retort__plan_oom(ctx);
			put_rename(ctx->out, table, *jobs[i].cur, tmp);
			*jobs[i].cur = tmp;
			moved = true;
		}
	}
	return RETORT_OK;
}

int retort__plan_rename_tables(retort_plan_ctx *ctx)
{
	rename_job *jobs;
	size_t i, n = 0;

	jobs = retort__arena_alloc(
		&ctx->arena, (ctx->ntables + 1) * sizeof(*jobs));
	if (!jobs)
		return retort__plan_oom(ctx);
	for (i = 0; i < ctx->ntables; i++) {
		retort_plan_table *pt = &ctx->tables[i];

		if (!pt->from || !pt->to ||
		    !strcmp(pt->from->name, pt->to->name))
			continue;
		jobs[n].cur = &pt->cur;
		jobs[n].target = pt->to->name;
		n++;
		if (!retort_schema_find_table(ctx->to, pt->from->name) &&
		    !retort_schema_find_view(ctx->to, pt->from->name) &&
		    !retort_schema_find_virtual_table(ctx->to, pt->from->name))
			retort__plan_expect(
				ctx, "table", pt->from->name, false);
	}
	return run_renames(ctx, jobs, n, NULL);
}

/*
** A dropped FROM column of PT whose current name is NAME moves out of
** the way to a temporary name; a kept one there is a bug.
*/
static int
clear_target(retort_plan_ctx *ctx, retort_plan_table *pt, const char *name)
{
	size_t i, j;

	for (i = 0; i < pt->from->ncolumns; i++) {
		const char *tmp;
		bool renamed = false;

		if (retort__strcasecmp(pt->fcur[i], name))
			continue;
		for (j = 0; j < pt->to->ncolumns; j++)
			renamed |= pt->src[j] == (long)i;
		if (renamed)
			continue; /* a rename job of its own */
		if (!pt->fdrop[i])
			return retort_error_set(
				ctx->err, RETORT_EINTERNAL, pt->to->name,
				"column '%s' is renamed onto kept column '%s'",
				name, pt->fcur[i]);
		tmp = tmp_for(ctx, pt, name);
		if (!tmp)
			return retort__plan_oom(ctx);
		put_rename(ctx->out, pt->cur, pt->fcur[i], tmp);
		pt->fcur[i] = tmp;
	}
	return RETORT_OK;
}

int retort__plan_rename_columns(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	rename_job *jobs;
	size_t i, n = 0;
	int rc;

	jobs = retort__arena_alloc(
		&ctx->arena, (pt->to->ncolumns + 1) * sizeof(*jobs));
	if (!jobs)
		return retort__plan_oom(ctx);
	for (i = 0; i < pt->to->ncolumns; i++) {
		long s = pt->src[i];

		if (s < 0 || !strcmp(pt->fcur[s], pt->to->columns[i].name))
			continue;
		if (retort__strcasecmp(pt->fcur[s], pt->to->columns[i].name) &&
		    (rc = clear_target(ctx, pt, pt->to->columns[i].name)) < 0)
			return rc;
		jobs[n].cur = &pt->fcur[s];
		jobs[n].target = pt->to->columns[i].name;
		n++;
	}
	return run_renames(ctx, jobs, n, pt);
}

/* ALTER TABLE ADD COLUMN for TO column I of PT. */
static int add_column(retort_plan_ctx *ctx, retort_plan_table *pt, size_t i)
{
	const retort_column *c = &pt->to->columns[i];
	const retort_foreign_key *fk = pt->inl[i];

	if (c->not_null && !c->default_sql &&
	    c->generated == RETORT_GENERATED_NONE)
		retort__plan_warn(
			ctx,
			"new NOT NULL column %s.%s has no default: the ALTER "
			"fails if the table has rows",
			retort__plan_q(ctx, pt->to->name),
			retort__plan_q(ctx, c->name));
	if (fk && c->default_sql)
		retort__plan_warn(
			ctx,
			"new foreign key %s.%s -> %s: the final check fails "
			"if its default has no parent row",
			retort__plan_q(ctx, pt->to->name),
			retort__plan_q(ctx, c->name),
			retort__plan_q(ctx, fk->ref_table));
	retort_buf_puts(ctx->out, "ALTER TABLE ");
	retort_buf_put_ident(ctx->out, pt->cur);
	retort_buf_puts(ctx->out, " ADD COLUMN ");
	if (retort__emit_column_def(ctx->out, c, pt->to) < 0)
		return retort__plan_oom(ctx);
	if (fk && fk->name) {
		retort_buf_puts(ctx->out, " CONSTRAINT ");
		retort_buf_put_ident(ctx->out, fk->name);
	}
	if (fk) {
		retort_buf_putc(ctx->out, ' ');
		if (retort__emit_references(ctx->out, fk) < 0)
			return retort__plan_oom(ctx);
	}
	retort_buf_puts(ctx->out, ";\n");
	return RETORT_OK;
}

/* The DESTRUCTIVE comment of dropping FROM column I of PT. */
static void
drop_comment(retort_plan_ctx *ctx, const retort_plan_table *pt, size_t i)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_puts(&b, "drops column ");
	retort_buf_put_ident(&b, pt->to->name);
	retort_buf_putc(&b, '.');
	retort_buf_put_ident(&b, pt->from->columns[i].name);
	retort_buf_puts(&b, " and its values");
	retort__plan_comment(
		ctx->out, "DESTRUCTIVE", retort_buf_oom(&b) ? "" : b.ptr);
	if (retort_buf_oom(&b))
		ctx->out->oom = true;
	retort_buf_dispose(&b);
}

/* ALTER TABLE DROP COLUMN for the dropped FROM columns of PT: generated
 * ones first (they may use the others). */
static void drop_columns(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	size_t pass, i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < pt->from->ncolumns; i++) {
			bool gen = pt->from->columns[i].generated !=
				   RETORT_GENERATED_NONE;

			if (!pt->fdrop[i] || gen != (pass == 0))
				continue;
			drop_comment(ctx, pt, i);
			retort_buf_puts(ctx->out, "ALTER TABLE ");
			retort_buf_put_ident(ctx->out, pt->cur);
			retort_buf_puts(ctx->out, " DROP COLUMN ");
			retort_buf_put_ident(ctx->out, pt->fcur[i]);
			retort_buf_puts(ctx->out, ";\n");
		}
}

/* SQLite 3.53: ALTER TABLE ... ADD/DROP CONSTRAINT for CHECK ops. */
static void alter_checks(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	size_t i;

	for (i = 0; i < pt->nops; i++) {
		const retort_diff_op *op = pt->ops[i];
		const retort_check *ck = op->kind == RETORT_OP_DROP_CHECK
						 ? op->from.check
						 : op->to.check;

		if (!ck || (op->kind != RETORT_OP_DROP_CHECK &&
			    op->kind != RETORT_OP_ADD_CHECK))
			continue;
		if (op->kind == RETORT_OP_ADD_CHECK)
			retort__plan_warn(
				ctx,
				"new CHECK (%s) on %s: the ALTER fails on rows "
				"that do not satisfy it",
				ck->expr, retort__plan_q(ctx, pt->to->name));
		retort_buf_puts(ctx->out, "ALTER TABLE ");
		retort_buf_put_ident(ctx->out, pt->cur);
		if (op->kind == RETORT_OP_DROP_CHECK) {
			retort_buf_puts(ctx->out, " DROP CONSTRAINT ");
			retort_buf_put_ident(ctx->out, ck->name);
		} else {
			retort_buf_puts(ctx->out, " ADD");
			if (ck->name) {
				retort_buf_puts(ctx->out, " CONSTRAINT ");
				retort_buf_put_ident(ctx->out, ck->name);
			}
			retort_buf_printf(ctx->out, " CHECK (%s)", ck->expr);
		}
		retort_buf_puts(ctx->out, ";\n");
	}
}

/* SQLite 3.53: ALTER TABLE ... ALTER COLUMN c SET / DROP NOT NULL. */
static void alter_not_null(
	retort_plan_ctx *ctx, retort_plan_table *pt, const retort_diff_op *op)
{
	static const char *const conflict[] = { "", " ON CONFLICT ROLLBACK",
						" ON CONFLICT FAIL",
						" ON CONFLICT IGNORE",
						" ON CONFLICT REPLACE" };
	const retort_column *f = op->from.column, *t = op->to.column;

	if (!f || !t)
		return;
	if (f->not_null) {
		retort_buf_puts(ctx->out, "ALTER TABLE ");
		retort_buf_put_ident(ctx->out, pt->cur);
		retort_buf_puts(ctx->out, " ALTER COLUMN ");
		retort_buf_put_ident(ctx->out, t->name);
		retort_buf_puts(ctx->out, " DROP NOT NULL;\n");
	}
	if (t->not_null) {
		if (!f->not_null)
			retort__plan_warn(
				ctx,
				"column %s.%s becomes NOT NULL: the ALTER "
				"fails on rows where it is NULL",
				retort__plan_q(ctx, pt->to->name),
				retort__plan_q(ctx, t->name));
		retort_buf_puts(ctx->out, "ALTER TABLE ");
		retort_buf_put_ident(ctx->out, pt->cur);
		retort_buf_puts(ctx->out, " ALTER COLUMN ");
		retort_buf_put_ident(ctx->out, t->name);
		retort_buf_printf(
			ctx->out, " SET NOT NULL%s;\n",
			conflict
				[t->not_null_on <= RETORT_CONFLICT_REPLACE
					 ? t->not_null_on
					 : 0]);
	}
	retort__plan_expect_notnull(ctx, pt->to->name, t->name, t->not_null);
}

int retort__plan_alter_table(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	size_t i;
	int rc;

	for (i = 0; i < pt->to->ncolumns; i++)
		if (pt->src[i] < 0 && (rc = add_column(ctx, pt, i)) < 0)
			return rc;
	drop_columns(ctx, pt);
	alter_checks(ctx, pt);
	for (i = 0; i < pt->nops; i++)
		if (pt->ops[i]->kind == RETORT_OP_ALTER_COLUMN)
			alter_not_null(ctx, pt, pt->ops[i]);
	retort__plan_expect(ctx, "table", pt->to->name, true);
	retort__plan_expect_table(ctx, pt->to->name, pt->to->ncolumns);
	return RETORT_OK;
}
