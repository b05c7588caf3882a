/*
** plan_deps.c -- the views and triggers a script drops and re-creates
** (emit layer).  SQLite's ALTER TABLE RENAME / DROP COLUMN re-parse every
** view and trigger of the schema and fail on one that names a table that
** is missing at that moment (SQLITE-FACTS §5), and DROP TABLE takes the
** table's triggers with it.  So every view or trigger that mentions a
** changed table -- and every view that mentions such a view -- is dropped
** before the table changes and re-created from TO afterwards.  "Mentions"
** is a token test: a conservative over-approximation, never a miss.
*/
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"
#include "plan_int.h"
#include "sqltok.h"

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

/* True when SQL text Z names any of the sorted NAMES. */
static bool mentions_any(const char *z, const char *const *names, size_t n)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t len = strlen(z), pos = 0;
	bool hit = false;

	while (!hit && pos < len) {
		retort_token t;

		pos += retort__sql_token(z + pos, len - pos, &t);
		if (t.type != RETORT_TK_WORD && t.type != RETORT_TK_QUOTED &&
		    t.type != RETORT_TK_STRING)
			continue;
		retort_buf_clear(&b);
		retort__sql_unquote(&b, &t);
		/* out of memory: say yes, the safe answer */
		hit = retort_buf_oom(&b) || in_sorted(names, n, b.ptr);
	}
	retort_buf_dispose(&b);
	return hit;
}

static int name_cmp(const void *a, const void *b)
{
	return retort__strcasecmp(
		*(const char *const *)a, *(const char *const *)b);
}

/* True when a misc operation of kind K1 or K2 names object NAME. */
static bool
has_op(const retort_plan_ctx *ctx,
       retort_op_kind k1,
       retort_op_kind k2,
       const char *name)
{
	size_t i;

	for (i = 0; i < ctx->nmisc; i++)
		if ((ctx->misc[i]->kind == k1 || ctx->misc[i]->kind == k2) &&
		    ctx->misc[i]->object &&
		    !retort__strcasecmp(ctx->misc[i]->object, name))
			return true;
	return false;
}

/*
** The sorted list of touched names plus the FROM views marked so far,
** in *names (arena); false when out of memory.
*/
static bool dropped_names(retort_plan_ctx *ctx, const char ***names, size_t *n)
{
	size_t i, nv = retort_schema_nviews(ctx->from), k = 0;
	const char **v = retort__arena_alloc(
		&ctx->arena, (ctx->ntouched + nv + 1) * sizeof(*v));

	if (!v)
		return false;
	for (i = 0; i < ctx->ntouched; i++)
		v[k++] = ctx->touched[i];
	for (i = 0; i < nv; i++)
		if (ctx->drop_view[i])
			v[k++] = retort_schema_view(ctx->from, i)->name;
	qsort(v, k, sizeof(*v), name_cmp);
	*names = v;
	*n = k;
	return true;
}

/* Mark the FROM views to drop: changed ones, those that mention a
 * touched name, and (to a fixed point) those that mention a marked one. */
static int mark_views(retort_plan_ctx *ctx)
{
	size_t i, nv = retort_schema_nviews(ctx->from), n;
	const char **names;
	bool grew = true;

	for (i = 0; i < nv; i++) {
		const retort_view *v = retort_schema_view(ctx->from, i);

		ctx->drop_view[i] =
			has_op(ctx, RETORT_OP_DROP_VIEW, RETORT_OP_REPLACE_VIEW,
			       v->name) ||
			mentions_any(v->sql, ctx->touched, ctx->ntouched);
	}
	while (grew) {
		grew = false;
		if (!dropped_names(ctx, &names, &n))
			return retort__plan_oom(ctx);
		for (i = 0; i < nv; i++) {
			const retort_view *v = retort_schema_view(ctx->from, i);

			if (ctx->drop_view[i] ||
			    !mentions_any(v->sql, names, n))
				continue;
			ctx->drop_view[i] = true;
			grew = true;
		}
	}
	return RETORT_OK;
}

/* Mark the FROM triggers to drop: changed ones, those attached to or
 * mentioning a touched table or a dropped view. */
static int mark_triggers(retort_plan_ctx *ctx)
{
	size_t i, nt = retort_schema_ntriggers(ctx->from), n;
	const char **names;

	if (!dropped_names(ctx, &names, &n))
		return retort__plan_oom(ctx);
	for (i = 0; i < nt; i++) {
		const retort_trigger *t = retort_schema_trigger(ctx->from, i);

		ctx->drop_trigger[i] =
			has_op(ctx, RETORT_OP_DROP_TRIGGER,
			       RETORT_OP_REPLACE_TRIGGER, t->name) ||
			in_sorted(names, n, t->table) ||
			mentions_any(t->sql, names, n);
	}
	return RETORT_OK;
}

/* Mark the TO views and triggers to create: new or replaced ones, and
 * those whose FROM namesake is dropped by the script. */
static void mark_creates(retort_plan_ctx *ctx)
{
	size_t i;

	for (i = 0; i < retort_schema_nviews(ctx->to); i++) {
		const retort_view *v = retort_schema_view(ctx->to, i);
		const retort_view *f =
			retort_schema_find_view(ctx->from, v->name);
		size_t fi =
			f ? (size_t)(f - retort_schema_view(ctx->from, 0)) : 0;

		ctx->make_view[i] = !f || ctx->drop_view[fi] ||
				    has_op(ctx, RETORT_OP_ADD_VIEW,
					   RETORT_OP_REPLACE_VIEW, v->name);
	}
	for (i = 0; i < retort_schema_ntriggers(ctx->to); i++) {
		const retort_trigger *t = retort_schema_trigger(ctx->to, i);
		const retort_trigger *f =
			retort_schema_find_trigger(ctx->from, t->name);
		size_t fi =
			f ? (size_t)(f - retort_schema_trigger(ctx->from, 0))
			  : 0;

		ctx->make_trigger[i] =
			!f || ctx->drop_trigger[fi] ||
			has_op(ctx, RETORT_OP_ADD_TRIGGER,
			       RETORT_OP_REPLACE_TRIGGER, t->name);
	}
}

int retort__plan_dependents(retort_plan_ctx *ctx)
{
	int rc;

	ctx->drop_view = retort__arena_alloc(
		&ctx->arena, retort_schema_nviews(ctx->from) + 1);
	ctx->drop_trigger = retort__arena_alloc(
		&ctx->arena, retort_schema_ntriggers(ctx->from) + 1);
	ctx->make_view = retort__arena_alloc(
		&ctx->arena, retort_schema_nviews(ctx->to) + 1);
	ctx->make_trigger = retort__arena_alloc(
		&ctx->arena, retort_schema_ntriggers(ctx->to) + 1);
	if (!ctx->drop_view || !ctx->drop_trigger || !ctx->make_view ||
	    !ctx->make_trigger)
		return retort__plan_oom(ctx);
	if ((rc = mark_views(ctx)) < 0 || (rc = mark_triggers(ctx)) < 0)
		return rc;
	mark_creates(ctx);
	return RETORT_OK;
}

void retort__plan_drop_dependents(retort_plan_ctx *ctx)
{
	size_t i;

	/* triggers first: those on a dropped view go with it */
	for (i = 0; i < retort_schema_ntriggers(ctx->from); i++) {
		const char *name = retort_schema_trigger(ctx->from, i)->name;

		if (!ctx->drop_trigger[i])
			continue;
		retort_buf_puts(ctx->out, "DROP TRIGGER ");
		retort_buf_put_ident(ctx->out, name);
		retort_buf_puts(ctx->out, ";\n");
		if (!retort_schema_find_trigger(ctx->to, name))
			retort__plan_expect(ctx, "trigger", name, false);
	}
	for (i = 0; i < retort_schema_nviews(ctx->from); i++) {
		const char *name = retort_schema_view(ctx->from, i)->name;

		if (!ctx->drop_view[i])
			continue;
		retort_buf_puts(ctx->out, "DROP VIEW ");
		retort_buf_put_ident(ctx->out, name);
		retort_buf_puts(ctx->out, ";\n");
		if (!retort_schema_find_view(ctx->to, name))
			retort__plan_expect(ctx, "view", name, false);
	}
}

/* Write view I of TO after the views it mentions (depth first; STATE
 * per view: 0 new, 1 in progress, 2 written). */
static void create_view(retort_plan_ctx *ctx, size_t i, unsigned char *state)
{
	const retort_view *v = retort_schema_view(ctx->to, i);
	size_t j;

	if (state[i])
		return; /* written, or a cycle: SQLite accepts either order */
	state[i] = 1;
	for (j = 0; j < retort_schema_nviews(ctx->to); j++)
		if (j != i && ctx->make_view[j] && !state[j] &&
		    retort__plan_mentions(
			    v->sql, retort_schema_view(ctx->to, j)->name))
			create_view(ctx, j, state);
	retort__emit_create_view(ctx->out, v);
	retort_buf_puts(ctx->out, ";\n");
	retort__plan_expect(ctx, "view", v->name, true);
	state[i] = 2;
}

int retort__plan_create_dependents(retort_plan_ctx *ctx)
{
	size_t i, nv = retort_schema_nviews(ctx->to);
	unsigned char *state = retort__arena_alloc(&ctx->arena, nv + 1);

	if (!state)
		return retort__plan_oom(ctx);
	for (i = 0; i < nv; i++)
		if (ctx->make_view[i])
			create_view(ctx, i, state);
	for (i = 0; i < retort_schema_ntriggers(ctx->to); i++) {
		const retort_trigger *t = retort_schema_trigger(ctx->to, i);

		if (!ctx->make_trigger[i])
			continue;
		retort__emit_create_trigger(ctx->out, t);
		retort_buf_puts(ctx->out, ";\n");
		retort__plan_expect(ctx, "trigger", t->name, true);
	}
	return RETORT_OK;
}
