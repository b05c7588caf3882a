/*
** plan_table.c -- groups a diff's operations by table and decides, for
** each table both schemas have, between native ALTER TABLE statements and
** the rebuild (emit layer).  Also maps each TO column to the FROM column
** whose values it keeps (renames followed) and lists the names the
** script must treat as touched (plan_deps.c).
*/
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"
#include "sqltok.h"

/* True for the operations that belong to one table's definition. */
static bool is_table_op(retort_op_kind k)
{
	return k <= RETORT_OP_DROP_FOREIGN_KEY && k != RETORT_OP_ADD_INDEX &&
	       k != RETORT_OP_DROP_INDEX;
}

static size_t hash_ptr(const void *p)
{
	size_t h = (size_t)(uintptr_t)p;

	h ^= h >> 17;
	h *= (size_t)0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* The hash slot of record T: its entry's or the empty one to fill. */
static size_t *slot_of(retort_plan_ctx *ctx, const retort_table *t)
{
	size_t i = hash_ptr(t) & ctx->hmask;

	for (;; i = (i + 1) & ctx->hmask) {
		size_t *s = &ctx->hslots[i];
		const retort_plan_table *pt;

		if (!*s)
			return s;
		pt = &ctx->tables[*s - 1];
		if (pt->from == t || pt->to == t)
			return s;
	}
}

retort_plan_table *
retort__plan_find(retort_plan_ctx *ctx, const retort_table *t, bool is_to)
{
	size_t *s;

	(void)is_to; /* records of the two schemas never share an address */
	if (!t || !ctx->hslots)
		return NULL;
	s = slot_of(ctx, t);
	return *s ? &ctx->tables[*s - 1] : NULL;
}

/* The RENAME_TABLE operation whose TO (IS_TO) or FROM side is T. */
static const retort_diff_op *
rename_of(retort_plan_ctx *ctx, const retort_table *t, bool is_to)
{
	size_t i;

	for (i = 0; i < ctx->nrenames; i++) {
		const retort_diff_op *op = ctx->renames[i];

		if ((is_to ? op->to.table : op->from.table) == t)
			return op;
	}
	return NULL;
}

/* The FROM table that TO table T continues, or NULL (a new table). */
static const retort_table *from_of(retort_plan_ctx *ctx, const retort_table *t)
{
	const retort_diff_op *r = rename_of(ctx, t, true);
	const retort_table *f;

	if (r)
		return r->from.table;
	f = retort_schema_find_table(ctx->from, t->name);
	return f && !rename_of(ctx, f, false) ? f : NULL;
}

/* The TO table that FROM table T becomes, or NULL (dropped). */
static const retort_table *to_of(retort_plan_ctx *ctx, const retort_table *t)
{
	const retort_diff_op *r = rename_of(ctx, t, false);
	const retort_table *to;

	if (r)
		return r->to.table;
	to = retort_schema_find_table(ctx->to, t->name);
	return to && !rename_of(ctx, to, true) ? to : NULL;
}

/* The FROM and TO tables operation OP is about. */
static void
resolve(retort_plan_ctx *ctx,
	const retort_diff_op *op,
	const retort_table **f,
	const retort_table **t)
{
	*f = op->from.table;
	*t = op->to.table;
	if (!*f && !*t && op->object) {
		if (op->kind != RETORT_OP_DROP_TABLE)
			*t = retort_schema_find_table(ctx->to, op->object);
		if (!*t)
			*f = retort_schema_find_table(ctx->from, op->object);
	}
	if (op->kind == RETORT_OP_ADD_TABLE) {
		*f = NULL;
		return;
	}
	if (op->kind == RETORT_OP_DROP_TABLE) {
		*t = NULL;
		return;
	}
	if (!*f && *t)
		*f = from_of(ctx, *t);
	if (*f && !*t)
		*t = to_of(ctx, *f);
}

/* Append OP to the entry of tables (F, T), creating it. */
static int
add_op(retort_plan_ctx *ctx,
       const retort_table *f,
       const retort_table *t,
       const retort_diff_op *op)
{
	size_t *s = slot_of(ctx, t ? t : f);
	retort_plan_table *pt;

	if (!*s) {
		pt = &ctx->tables[ctx->ntables++];
		pt->from = f;
		pt->to = t;
		pt->cur = f ? f->name : t->name;
		*s = ctx->ntables;
		if (f && t)
			*slot_of(ctx, f) = ctx->ntables;
	}
	pt = &ctx->tables[*s - 1];
	if (pt->nops == pt->aops) {
		size_t a = pt->aops ? pt->aops * 2 : 4;
		const retort_diff_op **v =
			retort__arena_alloc(&ctx->arena, a * sizeof(*v));

		if (!v)
			return retort__plan_oom(ctx);
		if (pt->nops)
			memcpy(v, pt->ops, pt->nops * sizeof(*v));
		pt->ops = v;
		pt->aops = a;
	}
	pt->ops[pt->nops++] = op;
	return RETORT_OK;
}

/* Sort the operations into tables and misc. */
static int group_ops(retort_plan_ctx *ctx)
{
	size_t i, n = retort_diff_count(ctx->diff), slots = 16;

	while (slots < 4 * n)
		slots *= 2;
	ctx->hmask = slots - 1;
	ctx->hslots = retort__arena_alloc(&ctx->arena, slots * sizeof(size_t));
	ctx->tables =
		retort__arena_alloc(&ctx->arena, n * sizeof(*ctx->tables));
	ctx->misc = retort__arena_alloc(&ctx->arena, n * sizeof(*ctx->misc));
	ctx->renames = retort__arena_alloc(&ctx->arena, n * sizeof(*ctx->misc));
	if (!ctx->hslots || !ctx->tables || !ctx->misc || !ctx->renames)
		return retort__plan_oom(ctx);
	for (i = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(ctx->diff, i);

		if (op->kind == RETORT_OP_RENAME_TABLE)
			ctx->renames[ctx->nrenames++] = op;
	}
	for (i = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(ctx->diff, i);
		const retort_table *f, *t;
		int rc;

		if (!is_table_op(op->kind)) {
			ctx->misc[ctx->nmisc++] = op;
			continue;
		}
		resolve(ctx, op, &f, &t);
		if (!f && !t)
			return retort_error_set(
				ctx->err, RETORT_EINTERNAL,
				op->object ? op->object : "diff",
				"operation %s names no table of either schema",
				retort_op_kind_name(op->kind));
		if ((rc = add_op(ctx, f, t, op)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Index of column C (a record of T, else found by NAME) in T; -1. */
static long col_index(const retort_table *t, const retort_column *c)
{
	size_t i;

	if (!c)
		return -1;
	if (c >= t->columns && c < t->columns + t->ncolumns)
		return (long)(c - t->columns);
	for (i = 0; i < t->ncolumns; i++)
		if (!retort__strcasecmp(t->columns[i].name, c->name))
			return (long)i;
	return -1;
}

/* Apply the column operations of PT to its src/fdrop maps. */
static void map_column_ops(retort_plan_table *pt, bool *taken)
{
	size_t i;

	for (i = 0; i < pt->nops; i++) {
		const retort_diff_op *op = pt->ops[i];
		long fi = col_index(pt->from, op->from.column);
		long ti = col_index(pt->to, op->to.column);

		if (op->kind == RETORT_OP_RENAME_COLUMN && fi >= 0 && ti >= 0) {
			pt->src[ti] = fi;
			taken[fi] = true;
		} else if (op->kind == RETORT_OP_ADD_COLUMN && ti >= 0) {
			pt->src[ti] = -1;
		} else if (op->kind == RETORT_OP_DROP_COLUMN && fi >= 0) {
			pt->fdrop[fi] = true;
			taken[fi] = true;
		}
	}
}

/* Map every TO column of PT to the FROM column it keeps (or -1). */
static int map_columns(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	const retort_table *f = pt->from, *t = pt->to;
	bool *taken;
	size_t i, j;

	pt->src = retort__arena_alloc(&ctx->arena, t->ncolumns * sizeof(long));
	pt->inl = retort__arena_alloc(
		&ctx->arena, t->ncolumns * sizeof(*pt->inl));
	pt->fcur = retort__arena_alloc(
		&ctx->arena, f->ncolumns * sizeof(*pt->fcur));
	pt->fdrop = retort__arena_alloc(&ctx->arena, f->ncolumns);
	taken = retort__arena_alloc(&ctx->arena, f->ncolumns);
	if (!pt->src || !pt->inl || !pt->fcur || !pt->fdrop || !taken)
		return retort__plan_oom(ctx);
	for (i = 0; i < t->ncolumns; i++)
		pt->src[i] = -2; /* not decided yet */
	for (i = 0; i < f->ncolumns; i++)
		pt->fcur[i] = f->columns[i].name;
	map_column_ops(pt, taken);
	for (i = 0; i < t->ncolumns; i++) {
		if (pt->src[i] != -2)
			continue;
		pt->src[i] = -1;
		for (j = 0; j < f->ncolumns; j++)
			if (!taken[j] &&
			    !retort__strcasecmp(
				    f->columns[j].name, t->columns[i].name)) {
				pt->src[i] = (long)j;
				taken[j] = true;
				break;
			}
	}
	for (i = 0; i < f->ncolumns; i++)
		if (!taken[i])
			pt->fdrop[i] = true;
	return RETORT_OK;
}

/* Index of the TO column of PT that foreign key FK is written on when
 * it can go inline on a native ADD COLUMN, else -1. */
static long
inline_fk_column(const retort_plan_table *pt, const retort_foreign_key *fk)
{
	size_t i;

	if (!fk || fk->ncolumns != 1)
		return -1;
	for (i = 0; i < pt->to->ncolumns; i++)
		if (!retort__strcasecmp(
			    pt->to->columns[i].name, fk->columns[0]))
			return pt->src[i] == -1 ? (long)i : -1;
	return -1;
}

/* Why ALTER_COLUMN OP cannot be done natively by VERSION, or NULL. */
static const char *alter_column_refusal(const retort_diff_op *op, int version)
{
	unsigned nn = RETORT_CHANGE_NOT_NULL | RETORT_CHANGE_NOT_NULL_ON;

	if (version >= RETORT_SQLITE_CONSTRAINT && op->changes &&
	    !(op->changes & ~nn))
		return NULL;
	if (op->changes & RETORT_CHANGE_TYPE)
		return "a column type changes";
	if (op->changes & RETORT_CHANGE_DEFAULT)
		return "a column default changes";
	if (op->changes & RETORT_CHANGE_COLLATE)
		return "a column collation changes";
	if (op->changes & RETORT_CHANGE_GENERATED)
		return "a generated column changes";
	return "a NOT NULL constraint changes";
}

/* Why operation OP of PT forces a rebuild for VERSION, or NULL. */
static const char *
op_refusal(const retort_plan_table *pt, const retort_diff_op *op, int version)
{
	long i;

	switch (op->kind) {
	case RETORT_OP_RENAME_TABLE:
	case RETORT_OP_RENAME_COLUMN:
		return NULL;
	case RETORT_OP_ADD_COLUMN:
		i = col_index(pt->to, op->to.column);
		return i < 0 ? "an added column is unknown"
			     : retort__plan_add_column_refusal(
				       pt->to, &pt->to->columns[i], pt->inl[i],
				       version);
	case RETORT_OP_DROP_COLUMN:
		i = col_index(pt->from, op->from.column);
		return i < 0 ? "a dropped column is unknown"
			     : retort__plan_drop_column_refusal(
				       pt->from, &pt->from->columns[i],
				       version);
	case RETORT_OP_ADD_FOREIGN_KEY:
		return inline_fk_column(pt, op->to.foreign_key) >= 0
			       ? NULL
			       : "a foreign key is added";
	case RETORT_OP_ADD_CHECK:
		return version >= RETORT_SQLITE_CONSTRAINT ? NULL
							   : "a CHECK is added";
	case RETORT_OP_DROP_CHECK:
		return version >= RETORT_SQLITE_CONSTRAINT && op->from.check &&
				       op->from.check->name
			       ? NULL
			       : "a CHECK is dropped";
	case RETORT_OP_ALTER_COLUMN:
		return alter_column_refusal(op, version);
	case RETORT_OP_ALTER_TABLE_OPTIONS:
		return "WITHOUT ROWID or STRICT changes";
	case RETORT_OP_ALTER_PRIMARY_KEY:
		return "the primary key changes";
	case RETORT_OP_REORDER_COLUMNS:
		return "the column order changes";
	case RETORT_OP_ADD_UNIQUE:
		return "a UNIQUE constraint is added";
	case RETORT_OP_DROP_UNIQUE:
		return "a UNIQUE constraint is dropped";
	case RETORT_OP_DROP_FOREIGN_KEY:
		return "a foreign key is dropped";
	default:
		return "an unexpected operation";
	}
}

/* True when the kept columns keep their order and the new ones come
 * last: what ADD COLUMN (which appends) can reach. */
static bool order_reachable(const retort_plan_table *pt)
{
	long last = -1;
	bool seen_new = false;
	size_t i;

	for (i = 0; i < pt->to->ncolumns; i++) {
		if (pt->src[i] < 0) {
			seen_new = true;
			continue;
		}
		if (seen_new || pt->src[i] < last)
			return false;
		last = pt->src[i];
	}
	return true;
}

/* Decide how table PT changes: native ALTERs or a rebuild. */
static int analyse(retort_plan_ctx *ctx, retort_plan_table *pt)
{
	size_t i;
	int rc;

	if (!pt->from) {
		pt->how = RETORT_PLAN_ADD;
		return RETORT_OK;
	}
	if (!pt->to) {
		pt->how = RETORT_PLAN_DROP;
		return RETORT_OK;
	}
	if ((rc = map_columns(ctx, pt)) < 0)
		return rc;
	for (i = 0; i < pt->nops; i++) {
		long c;

		if (pt->ops[i]->kind != RETORT_OP_ADD_FOREIGN_KEY)
			continue;
		c = inline_fk_column(pt, pt->ops[i]->to.foreign_key);
		if (c >= 0)
			pt->inl[c] = pt->ops[i]->to.foreign_key;
	}
	pt->how = RETORT_PLAN_NATIVE;
	for (i = 0; i < pt->nops && !pt->why; i++)
		pt->why = op_refusal(pt, pt->ops[i], ctx->version);
	if (!pt->why && !order_reachable(pt))
		pt->why = "the column order changes";
	if (pt->why)
		pt->how = RETORT_PLAN_REBUILD;
	if (pt->how == RETORT_PLAN_REBUILD)
		pt->rows_step = ++ctx->nrows_steps;
	return RETORT_OK;
}

static int name_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int d = retort__strcasecmp(x, y);

	return d ? d : strcmp(x, y);
}

/* Append the object names of schema S to ctx->names. */
static void put_names(retort_plan_ctx *ctx, const retort_schema *s)
{
	size_t i, j;

	for (i = 0; i < retort_schema_ntables(s); i++) {
		const retort_table *t = retort_schema_table(s, i);

		ctx->names[ctx->nnames++] = t->name;
		for (j = 0; j < t->nindexes; j++)
			ctx->names[ctx->nnames++] = t->indexes[j].name;
	}
	for (i = 0; i < retort_schema_nviews(s); i++)
		ctx->names[ctx->nnames++] = retort_schema_view(s, i)->name;
	for (i = 0; i < retort_schema_ntriggers(s); i++)
		ctx->names[ctx->nnames++] = retort_schema_trigger(s, i)->name;
	for (i = 0; i < retort_schema_nvirtual_tables(s); i++)
		ctx->names[ctx->nnames++] =
			retort_schema_virtual_table(s, i)->name;
}

/* Count the object names of S. */
static size_t count_names(const retort_schema *s)
{
	size_t i, n = retort_schema_nviews(s) + retort_schema_ntriggers(s) +
		      retort_schema_nvirtual_tables(s);

	for (i = 0; i < retort_schema_ntables(s); i++)
		n += 1 + retort_schema_table(s, i)->nindexes;
	return n;
}

/* Fill ctx->names (every name) and ctx->touched (changed tables and
 * virtual tables, under both their names). */
static int list_names(retort_plan_ctx *ctx)
{
	size_t n = count_names(ctx->from) + count_names(ctx->to), i;

	ctx->names = retort__arena_alloc(&ctx->arena, (n + 1) * sizeof(char *));
	ctx->touched = retort__arena_alloc(
		&ctx->arena,
		(2 * ctx->ntables + ctx->nmisc + 1) * sizeof(char *));
	if (!ctx->names || !ctx->touched)
		return retort__plan_oom(ctx);
	put_names(ctx, ctx->from);
	put_names(ctx, ctx->to);
	qsort(ctx->names, ctx->nnames, sizeof(char *), name_cmp);
	for (i = 0; i < ctx->ntables; i++) {
		if (ctx->tables[i].from)
			ctx->touched[ctx->ntouched++] =
				ctx->tables[i].from->name;
		if (ctx->tables[i].to)
			ctx->touched[ctx->ntouched++] = ctx->tables[i].to->name;
	}
	for (i = 0; i < ctx->nmisc; i++) {
		const retort_diff_op *op = ctx->misc[i];

		if (op->kind == RETORT_OP_ADD_VIRTUAL_TABLE ||
		    op->kind == RETORT_OP_DROP_VIRTUAL_TABLE ||
		    op->kind == RETORT_OP_REPLACE_VIRTUAL_TABLE)
			ctx->touched[ctx->ntouched++] = op->object;
	}
	qsort(ctx->touched, ctx->ntouched, sizeof(char *), name_cmp);
	return RETORT_OK;
}

int retort__plan_collect(retort_plan_ctx *ctx)
{
	size_t i;
	int rc;

	if ((rc = group_ops(ctx)) < 0)
		return rc;
	for (i = 0; i < ctx->ntables; i++)
		if ((rc = analyse(ctx, &ctx->tables[i])) < 0)
			return rc;
	return list_names(ctx);
}
