/*
** plan_rebuild.c -- the table rebuild, SQLite's generalised ALTER TABLE
** procedure (SQLITE-FACTS §4), emit layer: create the new shape under a
** temporary name, copy the rows with explicit column lists (renamed
** columns mapped, dropped ones left, new ones take their default,
** generated ones never written, the rowid kept), carry the
** sqlite_sequence row, drop the old table, rename the new one, re-create
** its indexes.  Views and triggers are plan_deps.c's.  The copy is
** INSERT OR ABORT so that no ON CONFLICT clause of the new table can
** drop or replace a row: a row that does not fit fails the statement.
*/
#include <string.h>

#include "emit_int.h"
#include "plan_int.h"
#include "sqltok.h"

int retort__plan_create_index(retort_plan_ctx *ctx, const retort_index *ix)
{
	if (retort__emit_create_index(ctx->out, ix) < 0)
		return retort__plan_oom(ctx);
	retort_buf_puts(ctx->out, ";\n");
	retort__plan_expect(ctx, "index", ix->name, true);
	return RETORT_OK;
}

int retort__plan_create_table(
	retort_plan_ctx *ctx,
	const retort_table *t,
	const char *name,
	bool with_indexes)
{
	size_t i;

	if (retort__emit_create_table(ctx->out, t, name) < 0)
		return retort__plan_oom(ctx);
	retort_buf_puts(ctx->out, ";\n");
	for (i = 0; with_indexes && i < t->nindexes; i++)
		if (retort__plan_create_index(ctx, &t->indexes[i]) < 0)
			return retort__plan_oom(ctx);
	return RETORT_OK;
}

/* True when column C of table T may be its rowid alias (INTEGER
 * PRIMARY KEY): then writing it writes the rowid. */
static bool maybe_rowid_alias(const retort_table *t, const retort_column *c)
{
	return !t->without_rowid && t->primary_key &&
	       t->primary_key->nparts == 1 && c->pk == 1 &&
	       !retort__strcasecmp(c->type, "INTEGER");
}

/* A name for the rowid that no column of T (current names FCUR when
 * given) hides; NULL when rowid, _rowid_ and oid are all columns. */
static const char *rowid_name(const retort_table *t, const char *const *fcur)
{
	static const char *const names[] = { "rowid", "_rowid_", "oid" };
	size_t i, j;

	for (i = 0; i < 3; i++) {
		bool hidden = false;

		for (j = 0; j < t->ncolumns; j++)
			hidden |= !retort__strcasecmp(
				fcur ? fcur[j] : t->columns[j].name, names[i]);
		if (!hidden)
			return names[i];
	}
	return NULL;
}

/* Append NAME to the INTO list and the value VAL (an identifier when
 * IDENT) to the SEL list. */
static void put_pair(
	retort_buf *into,
	retort_buf *sel,
	const char *name,
	const char *val,
	bool ident)
{
	if (into->size) {
		retort_buf_puts(into, ", ");
		retort_buf_puts(sel, ", ");
	}
	retort_buf_put_ident(into, name);
	if (ident)
		retort_buf_put_ident(sel, val);
	else
		retort_buf_puts(sel, val);
}

/* The column lists of the copy: INTO (TO columns) and SEL (FROM values). */
static void
copy_lists(const retort_plan_table *pt, retort_buf *into, retort_buf *sel)
{
	const retort_table *t = pt->to, *f = pt->from;
	const char *fr = f->without_rowid ? NULL : rowid_name(f, pt->fcur);
	const char *tr = t->without_rowid ? NULL : rowid_name(t, NULL);
	bool rowid_done = !fr || !tr;
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		const retort_column *c = &t->columns[i];

		if (c->generated != RETORT_GENERATED_NONE)
			continue; /* computed by SQLite, never written */
		if (pt->src[i] >= 0) {
			put_pair(
				into, sel, c->name, pt->fcur[pt->src[i]], true);
			rowid_done |= maybe_rowid_alias(t, c);
		} else if (!rowid_done && maybe_rowid_alias(t, c)) {
			/* a new INTEGER PRIMARY KEY takes the old rowids */
			put_pair(into, sel, c->name, fr, false);
			rowid_done = true;
		}
	}
	if (!rowid_done) {
		if (into->size) {
			retort_buf_puts(into, ", ");
			retort_buf_puts(sel, ", ");
		}
		retort_buf_puts(into, tr);
		retort_buf_puts(sel, fr);
	}
}

/* The first TO column of T that can be written, or NULL. */
static const char *first_writable(const retort_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i].generated == RETORT_GENERATED_NONE)
			return t->columns[i].name;
	return NULL;
}

/* Warnings on the rows the copy may refuse, written before it. */
static void copy_warnings(retort_plan_ctx *ctx, const retort_plan_table *pt);

/* INSERT OR ABORT INTO TMP (...) SELECT ... FROM the table. */
static void
put_copy(retort_plan_ctx *ctx, const retort_plan_table *pt, const char *tmp)
{
	retort_buf into = RETORT_BUF_INIT, sel = RETORT_BUF_INIT;

	copy_lists(pt, &into, &sel);
	if (!into.size && first_writable(pt->to)) {
		/* no column survives and no rowid: nothing keeps the rows
		 * apart, so write NULL keys and let the copy fail loudly */
		retort__plan_comment(
			ctx->out, "WARNING",
			"no column survives: the copy fails if the table has "
			"rows");
		put_pair(&into, &sel, first_writable(pt->to), "NULL", false);
	}
	retort_buf_puts(ctx->out, "INSERT OR ABORT INTO ");
	retort_buf_put_ident(ctx->out, tmp);
	retort_buf_puts(ctx->out, " (");
	retort_buf_put(ctx->out, into.ptr, into.size);
	retort_buf_puts(ctx->out, ")\n  SELECT ");
	retort_buf_put(ctx->out, sel.ptr, sel.size);
	retort_buf_puts(ctx->out, " FROM ");
	retort_buf_put_ident(ctx->out, pt->cur);
	retort_buf_puts(ctx->out, ";\n");
	if (retort_buf_oom(&into) || retort_buf_oom(&sel))
		ctx->out->oom = true;
	retort_buf_dispose(&into);
	retort_buf_dispose(&sel);
}

/*
** Keep the AUTOINCREMENT high-water mark: the new table's
** sqlite_sequence row gets the larger of the two, so that ids freed by
** deletes are never handed out again (SQLITE-FACTS §5).
*/
static void put_sequence(retort_plan_ctx *ctx, const char *old, const char *tmp)
{
	retort_buf *o = ctx->out;

	retort_buf_puts(
		o, "UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM "
		   "sqlite_sequence WHERE name IN (");
	retort_buf_put_literal(o, old);
	retort_buf_puts(o, ", ");
	retort_buf_put_literal(o, tmp);
	retort_buf_puts(o, ")) WHERE name = ");
	retort_buf_put_literal(o, tmp);
	retort_buf_puts(
		o, ";\nINSERT INTO sqlite_sequence (name, seq) SELECT ");
	retort_buf_put_literal(o, tmp);
	retort_buf_puts(o, ", seq FROM sqlite_sequence WHERE name = ");
	retort_buf_put_literal(o, old);
	retort_buf_puts(
		o, " AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE "
		   "name = ");
	retort_buf_put_literal(o, tmp);
	retort_buf_puts(o, ");\n");
}

/* The header comment of a rebuild, with what it loses. */
static void put_header(retort_plan_ctx *ctx, const retort_plan_table *pt)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	retort_buf_puts(&b, "rebuild ");
	retort_buf_put_ident(&b, pt->to->name);
	retort_buf_printf(&b, " (%s)", pt->why ? pt->why : "changed");
	retort__plan_comment(
		ctx->out, "retort", retort_buf_oom(&b) ? "" : b.ptr);
	for (i = 0; i < pt->nops; i++)
		if (pt->ops[i]->safety == RETORT_DESTRUCTIVE &&
		    pt->ops[i]->reason)
			retort__plan_comment(
				ctx->out, "DESTRUCTIVE", pt->ops[i]->reason);
	for (i = 0; i < pt->from->ncolumns; i++) {
		if (!pt->fdrop[i])
			continue;
		retort_buf_clear(&b);
		retort_buf_puts(&b, "the values of column ");
		retort_buf_put_ident(&b, pt->from->columns[i].name);
		retort_buf_puts(&b, " are not kept");
		retort__plan_comment(
			ctx->out, "DESTRUCTIVE",
			retort_buf_oom(&b) ? "" : b.ptr);
	}
	retort_buf_dispose(&b);
}

int retort__plan_rebuild(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	const char *tmp =
		retort__plan_tmp_name(ctx, "retort_new_", pt->to->name);
	size_t i;
	int rc;

	if (!tmp)
		return retort__plan_oom(ctx);
	put_header(ctx, pt);
	if ((rc = retort__plan_create_table(ctx, pt->to, tmp, false)) < 0)
		return rc;
	copy_warnings(ctx, pt);
	put_copy(ctx, pt, tmp);
	retort__plan_guard_copy(ctx, pt->rows_step, pt->cur, tmp);
	if (pt->to->primary_key && pt->to->primary_key->autoincrement)
		put_sequence(ctx, pt->cur, tmp);
	retort_buf_puts(ctx->out, "DROP TABLE ");
	retort_buf_put_ident(ctx->out, pt->cur);
	retort_buf_puts(ctx->out, ";\nALTER TABLE ");
	retort_buf_put_ident(ctx->out, tmp);
	retort_buf_puts(ctx->out, " RENAME TO ");
	retort_buf_put_ident(ctx->out, pt->to->name);
	retort_buf_puts(ctx->out, ";\n");
	pt->cur = pt->to->name;
	for (i = 0; i < pt->to->nindexes; i++)
		if ((rc = retort__plan_create_index(ctx, &pt->to->indexes[i])) <
		    0)
			return rc;
	retort__plan_expect(ctx, "table", tmp, false);
	retort__plan_expect(ctx, "table", pt->to->name, true);
	retort__plan_expect_table(ctx, pt->to->name, pt->to->ncolumns);
	return RETORT_OK;
}

/* ------------------------------------------------------------------ */
/* Warnings: changes that rows already in the table may not satisfy.   */

/* A new column of PT that is NOT NULL with nothing to fill it. */
static void warn_new_columns(retort_plan_ctx *ctx, const retort_plan_table *pt)
{
	size_t i;

	for (i = 0; i < pt->to->ncolumns; i++) {
		const retort_column *c = &pt->to->columns[i];

		if (pt->src[i] >= 0 || !c->not_null || c->default_sql ||
		    c->generated != RETORT_GENERATED_NONE ||
		    maybe_rowid_alias(pt->to, c))
			continue;
		retort__plan_warn(
			ctx,
			"new NOT NULL column %s.%s has no default: the copy "
			"fails if the table has rows",
			retort__plan_q(ctx, pt->to->name),
			retort__plan_q(ctx, c->name));
	}
}

/* Warnings of one ALTER_COLUMN operation. */
static void warn_alter_column(
	retort_plan_ctx *ctx,
	const retort_plan_table *pt,
	const retort_diff_op *op)
{
	const retort_column *f = op->from.column, *t = op->to.column;
	const char *tn = retort__plan_q(ctx, pt->to->name);

	if (!f || !t)
		return;
	if ((op->changes & RETORT_CHANGE_NOT_NULL) && t->not_null)
		retort__plan_warn(
			ctx,
			"column %s.%s becomes NOT NULL: the copy fails on rows "
			"where it is NULL",
			tn, retort__plan_q(ctx, t->name));
	if ((op->changes & RETORT_CHANGE_TYPE) && pt->to->strict)
		retort__plan_warn(
			ctx,
			"column %s.%s of a STRICT table becomes %s: the copy "
			"fails on values that do not fit",
			tn, retort__plan_q(ctx, t->name),
			*t->type ? t->type : "untyped");
	else if (
		(op->changes & RETORT_CHANGE_TYPE) &&
		f->affinity != t->affinity)
		retort__plan_warn(
			ctx,
			"column %s.%s changes affinity: its values are "
			"converted to the affinity of type %s",
			tn, retort__plan_q(ctx, t->name),
			*t->type ? t->type : "untyped");
	if ((op->changes & RETORT_CHANGE_GENERATED) &&
	    t->generated != RETORT_GENERATED_NONE &&
	    f->generated == RETORT_GENERATED_NONE)
		retort__plan_comment(
			ctx->out, "DESTRUCTIVE",
			"a column becomes generated: its stored values are "
			"replaced");
}

/* Warnings of one constraint or table operation. */
static void
warn_op(retort_plan_ctx *ctx,
	const retort_plan_table *pt,
	const retort_diff_op *op)
{
	const char *tn = retort__plan_q(ctx, pt->to->name);

	switch (op->kind) {
	case RETORT_OP_ADD_CHECK:
		retort__plan_warn(
			ctx,
			"new CHECK (%s) on %s: the copy fails on rows that do "
			"not satisfy it",
			op->to.check ? op->to.check->expr : "?", tn);
		break;
	case RETORT_OP_ADD_UNIQUE:
		retort__plan_warn(
			ctx,
			"new UNIQUE constraint on %s: the copy fails on "
			"duplicate rows",
			tn);
		break;
	case RETORT_OP_ADD_FOREIGN_KEY:
		retort__plan_warn(
			ctx,
			"new foreign key on %s: the final check fails on rows "
			"without a parent",
			tn);
		break;
	case RETORT_OP_ALTER_PRIMARY_KEY:
		retort__plan_warn(
			ctx,
			"the primary key of %s changes: the copy fails on "
			"duplicate keys",
			tn);
		break;
	case RETORT_OP_ALTER_TABLE_OPTIONS:
		if (pt->to->strict && !pt->from->strict)
			retort__plan_warn(
				ctx,
				"%s becomes STRICT: the copy fails on values "
				"that do not match the declared types",
				tn);
		if (pt->to->without_rowid && !pt->from->without_rowid)
			retort__plan_warn(
				ctx,
				"%s becomes WITHOUT ROWID: the copy fails on "
				"NULL or duplicate keys, and rowids are not "
				"kept",
				tn);
		break;
	case RETORT_OP_ALTER_COLUMN:
		warn_alter_column(ctx, pt, op);
		break;
	default:
		break;
	}
}

static void copy_warnings(retort_plan_ctx *ctx, const retort_plan_table *pt)
{
	size_t i;

	warn_new_columns(ctx, pt);
	for (i = 0; i < pt->nops; i++)
		warn_op(ctx, pt, pt->ops[i]);
}
