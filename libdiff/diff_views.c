/*
** diff_views.c -- views and triggers (libdiff, bottom layer), compared
** after the tables because what they read decides how they change.  A
** redefined view or trigger is one REPLACE when nothing it reads changes
** in between; otherwise it is dropped before the table changes and
** created after them (SQLite re-checks every view and trigger on ALTER
** TABLE, so one that reads a dropped object breaks the migration).  An
** unchanged one that reads a view or table dropped on the way is
** re-created the same way.  What an object reads is estimated from the
** names among its tokens.
*/
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

/* A view or trigger of FROM and its match in TO. */
struct opair {
	const void *from;   /* retort_view or retort_trigger */
	const void *to;     /* ditto */
	const char *fsql;   /* FROM statement */
	const char *tsql;   /* TO statement */
	const char *ftable; /* trigger: FROM table; NULL for a view */
	bool redefined;     /* the statements differ */
	bool split;         /* dropped first, created last */
};

/* A growable array of pairs. */
struct plist {
	struct opair *v; /* the pairs */
	size_t n, a;     /* count, allocated */
};

bool retort_diff__sql_reads(diff_ctx *c, const char *sql, const diff_names *set)
{
	size_t n = strlen(sql), pos = 0, seen = 0;
	retort_token tok;

	if (!set->n)
		return false;
	while (pos < n) {
		pos += retort__sql_token(sql + pos, n - pos, &tok);
		if (tok.type == RETORT_TK_SPACE ||
		    tok.type == RETORT_TK_COMMENT)
			continue;
		/* CREATE VIEW|TRIGGER name: the object's own name */
		if (++seen <= 3 || (tok.type != RETORT_TK_WORD &&
				    tok.type != RETORT_TK_QUOTED))
			continue;
		retort_buf_clear(&c->b1);
		retort__sql_unquote(&c->b1, &tok);
		if (!retort_buf_oom(&c->b1) &&
		    retort_diff__names_has(set, c->b1.ptr))
			return true;
	}
	return false;
}

/* Whether pair P reads anything of SET (or its trigger's table is in
 * SET). */
static bool reads(diff_ctx *c, const struct opair *p, const diff_names *set)
{
	if (p->ftable && retort_diff__names_has(set, p->ftable))
		return true;
	return retort_diff__sql_reads(c, p->fsql, set) ||
	       (p->redefined && retort_diff__sql_reads(c, p->tsql, set));
}

/* Decide which pairs are split; repeated until nothing more is, since a
 * split view breaks what reads it in turn. */
static int
decide(diff_ctx *c, struct plist *l, const char *(*name)(const void *))
{
	bool more = true;
	size_t i;

	while (more) {
		more = false;
		retort_diff__names_sort(&c->breaking);
		retort_diff__names_sort(&c->touched);
		for (i = 0; i < l->n; i++) {
			struct opair *p = &l->v[i];

			if (p->split ||
			    !(reads(c, p, &c->breaking) ||
			      (p->redefined && reads(c, p, &c->touched))))
				continue;
			p->split = more = true;
			if (name && retort_diff__names_add(
					    &c->breaking, name(p->from)) < 0)
				return RETORT_ENOMEM;
		}
	}
	return RETORT_OK;
}

static const char *view_name(const void *v)
{
	return ((const retort_view *)v)->name;
}

/* An operation on view F (FROM) and/or T (TO). */
static int
view_op(diff_ctx *c,
	retort_op_kind kind,
	const retort_view *f,
	const retort_view *t)
{
	diff_entry *e = retort_diff__add(c, kind, t ? t->name : f->name, NULL);

	if (!e)
		return RETORT_ENOMEM;
	e->phase = kind == RETORT_OP_DROP_VIEW ? PH_DROP_VIEW : PH_ADD_VIEW;
	e->anchor =
		kind == RETORT_OP_DROP_VIEW ? (const void *)f : (const void *)t;
	e->op.from.view = f;
	e->op.to.view = t;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

/* Fill the keys of a pair and tell whether it is redefined. */
static int compare_pair(diff_ctx *c, struct opair *p, uint64_t ff, uint64_t tf)
{
	const char *kf, *kt;
	int rc;

	/* equal fingerprints are equal statements, unless a renamed table
	 * changes what the FROM statement must become */
	if (ff == tf && !c->nrn)
		return RETORT_OK;
	if ((rc = retort_diff__expr_key(c, &kf, p->fsql, "")) < 0 ||
	    (rc = retort_diff__expr_key(c, &kt, p->tsql, NULL)) < 0)
		return rc;
	p->redefined = !!strcmp(kf, kt);
	return RETORT_OK;
}

static int push_pair(struct plist *l, const void *f, const void *t)
{
	struct opair *p = DIFF_PUSH(l->v, l->n, l->a);

	if (!p)
		return RETORT_ENOMEM;
	p->from = f;
	p->to = t;
	return RETORT_OK;
}

/* Merge join of the views: drops, adds, and pairs in L. */
static int join_views(diff_ctx *c, struct plist *l)
{
	const retort_schema *from = c->diff->from, *to = c->diff->to;
	size_t nf = retort_schema_nviews(from), nt = retort_schema_nviews(to);
	size_t i = 0, j = 0;
	int rc = RETORT_OK;

	while (rc == RETORT_OK && (i < nf || j < nt)) {
		const retort_view *f =
			i < nf ? retort_schema_view(from, i) : NULL;
		const retort_view *t =
			j < nt ? retort_schema_view(to, j) : NULL;
		int d = !f ? 1 : !t ? -1 : retort__strcasecmp(f->name, t->name);

		i += d <= 0;
		j += d >= 0;
		if (d > 0)
			rc = view_op(c, RETORT_OP_ADD_VIEW, NULL, t);
		else if (
			d < 0 &&
			(rc = view_op(c, RETORT_OP_DROP_VIEW, f, NULL)) == 0)
			rc = retort_diff__names_add(&c->breaking, f->name);
		else if (d == 0 && (rc = push_pair(l, f, t)) == 0) {
			l->v[l->n - 1].fsql = f->sql;
			l->v[l->n - 1].tsql = t->sql;
			rc = compare_pair(
				c, &l->v[l->n - 1], f->fingerprint,
				t->fingerprint);
		}
	}
	return rc;
}

int retort_diff__views(diff_ctx *c)
{
	struct plist l = { NULL, 0, 0 };
	size_t i;
	int rc;

	if ((rc = join_views(c, &l)) == RETORT_OK)
		rc = decide(c, &l, view_name);
	for (i = 0; rc == RETORT_OK && i < l.n; i++) {
		const struct opair *p = &l.v[i];

		if (p->split &&
		    (rc = view_op(c, RETORT_OP_DROP_VIEW, p->from, NULL)) == 0)
			rc = view_op(c, RETORT_OP_ADD_VIEW, NULL, p->to);
		else if (!p->split && p->redefined)
			rc = view_op(c, RETORT_OP_REPLACE_VIEW, p->from, p->to);
	}
	retort__free(l.v);
	if (rc == RETORT_OK)
		retort_diff__names_sort(&c->breaking);
	return rc;
}

/* ---------------------------------------------------------------------
** Triggers
*/

static int trigger_op(
	diff_ctx *c,
	retort_op_kind kind,
	const retort_trigger *f,
	const retort_trigger *t)
{
	diff_entry *e = retort_diff__add(c, kind, t ? t->name : f->name, NULL);

	if (!e)
		return RETORT_ENOMEM;
	e->phase = kind == RETORT_OP_DROP_TRIGGER ? PH_DROP_TRIGGER
						  : PH_ADD_TRIGGER;
	e->op.from.trigger = f;
	e->op.to.trigger = t;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

static int join_triggers(diff_ctx *c, struct plist *l)
{
	const retort_schema *from = c->diff->from, *to = c->diff->to;
	size_t nf = retort_schema_ntriggers(from),
	       nt = retort_schema_ntriggers(to);
	size_t i = 0, j = 0;
	int rc = RETORT_OK;

	while (rc == RETORT_OK && (i < nf || j < nt)) {
		const retort_trigger *f =
			i < nf ? retort_schema_trigger(from, i) : NULL;
		const retort_trigger *t =
			j < nt ? retort_schema_trigger(to, j) : NULL;
		int d = !f ? 1 : !t ? -1 : retort__strcasecmp(f->name, t->name);

		i += d <= 0;
		j += d >= 0;
		if (d != 0)
			rc = trigger_op(
				c,
				d < 0 ? RETORT_OP_DROP_TRIGGER
				      : RETORT_OP_ADD_TRIGGER,
				d < 0 ? f : NULL, d < 0 ? NULL : t);
		else if ((rc = push_pair(l, f, t)) == RETORT_OK) {
			l->v[l->n - 1].fsql = f->sql;
			l->v[l->n - 1].tsql = t->sql;
			l->v[l->n - 1].ftable = f->table;
			rc = compare_pair(
				c, &l->v[l->n - 1], f->fingerprint,
				t->fingerprint);
		}
	}
	return rc;
}

int retort_diff__triggers(diff_ctx *c)
{
	struct plist l = { NULL, 0, 0 };
	size_t i;
	int rc;

	if ((rc = join_triggers(c, &l)) == RETORT_OK)
		rc = decide(c, &l, NULL);
	for (i = 0; rc == RETORT_OK && i < l.n; i++) {
		const struct opair *p = &l.v[i];

		if (p->split &&
		    (rc = trigger_op(
			     c, RETORT_OP_DROP_TRIGGER, p->from, NULL)) == 0)
			rc = trigger_op(c, RETORT_OP_ADD_TRIGGER, NULL, p->to);
		else if (!p->split && p->redefined)
			rc = trigger_op(
				c, RETORT_OP_REPLACE_TRIGGER, p->from, p->to);
	}
	retort__free(l.v);
	return rc;
}
