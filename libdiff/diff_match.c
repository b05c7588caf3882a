/*
** diff_match.c -- matching objects of the two schemas (libdiff, bottom
** layer): the --rename hints are checked and applied, then tables and
** virtual tables are paired by name ignoring ASCII case (SQLite's rule)
** with a merge join of the two sorted arrays.
*/
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

/* The --rename argument R, for error messages (in the scratch arena). */
static const char *rename_what(diff_ctx *c, const retort_rename *r)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *s = NULL;

	retort_buf_puts(&b, "--rename ");
	if (retort_rename_format(&b, r) == RETORT_OK)
		s = retort__arena_strndup(&c->scratch, b.ptr, b.size);
	retort_buf_dispose(&b);
	return s ? s : "--rename";
}

static int fail(diff_ctx *c, int code, const retort_rename *r, const char *why)
{
	return retort_error_set(c->err, code, rename_what(c, r), "%s", why);
}

/* The FROM name of TO table NAME (through the table renames). */
static const char *unmap_table(const diff_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nrn; i++)
		if (!retort__strcasecmp(c->rn_to[i]->name, name))
			return c->rn_from[i]->name;
	return name;
}

const char *retort_diff__map_table(const diff_ctx *c, const char *from_name)
{
	size_t i;

	for (i = 0; i < c->nrn; i++)
		if (!retort__strcasecmp(c->rn_from[i]->name, from_name))
			return c->rn_to[i]->name;
	return from_name;
}

const retort_rename *retort_diff__column_rename(
	const diff_ctx *c, const char *to_table, const char *name, bool to)
{
	const retort_diff_options *o = c->opts;
	size_t i;

	for (i = 0; i < o->nrenames; i++) {
		const retort_rename *r = &o->renames[i];

		if (r->table && !retort__strcasecmp(r->table, to_table) &&
		    !retort__strcasecmp(to ? r->to : r->from, name))
			return r;
	}
	return NULL;
}

const char *retort_diff__map_column(
	const diff_ctx *c, const char *to_table, const char *from_col)
{
	const retort_rename *r =
		retort_diff__column_rename(c, to_table, from_col, false);

	return r ? r->to : from_col;
}

/* True when renames A and B rename in the same scope: both tables, or
 * both columns of the same table. */
static bool scope_eq(const retort_rename *a, const retort_rename *b)
{
	if (!a->table != !b->table)
		return false;
	return !a->table || !retort__strcasecmp(a->table, b->table);
}

const retort_rename *
retort_diff__table_rename(const diff_ctx *c, const char *from_name)
{
	size_t i;

	for (i = 0; i < c->opts->nrenames; i++)
		if (!c->opts->renames[i].table &&
		    !retort__strcasecmp(c->opts->renames[i].from, from_name))
			return &c->opts->renames[i];
	return NULL;
}

/* The rename of R's scope whose old name is CUR's new name, or NULL. */
static const retort_rename *next_in_chain(
	const diff_ctx *c, const retort_rename *r, const retort_rename *cur)
{
	size_t i;

	for (i = 0; i < c->opts->nrenames; i++) {
		const retort_rename *x = &c->opts->renames[i];

		if (scope_eq(x, r) && !retort__strcasecmp(x->from, cur->to))
			return x;
	}
	return NULL;
}

size_t retort_diff__rename_depth(const diff_ctx *c, const retort_rename *r)
{
	const retort_rename *cur = r;
	size_t depth = 0;

	if (!r)
		return 0;
	while (depth < c->opts->nrenames && (cur = next_in_chain(c, r, cur)))
		depth++;
	return depth;
}

/* True when A and B rename in the same scope from or to the same name. */
static bool same_subject(const retort_rename *a, const retort_rename *b)
{
	return scope_eq(a, b) && (!retort__strcasecmp(a->from, b->from) ||
				  !retort__strcasecmp(a->to, b->to));
}

/* True when following R's chain of renames comes back to R. */
static bool in_cycle(const diff_ctx *c, const retort_rename *r)
{
	const retort_rename *cur = r;
	size_t steps;

	for (steps = 0; steps <= c->opts->nrenames; steps++) {
		cur = next_in_chain(c, r, cur);
		if (!cur)
			return false;
		if (cur == r)
			return true;
	}
	return false;
}

static int check_table_rename(diff_ctx *c, const retort_rename *r)
{
	const retort_table *f =
		retort_schema_find_table(c->diff->from, r->from);
	const retort_table *t = retort_schema_find_table(c->diff->to, r->to);

	if (!f)
		return fail(
			c, RETORT_ENOTFOUND, r,
			"no table of that old name in the starting schema");
	if (!t)
		return fail(
			c, RETORT_ENOTFOUND, r,
			"no table of that new name in the target schema");
	c->rn_from[c->nrn] = f;
	c->rn_to[c->nrn++] = t;
	return RETORT_OK;
}

static int check_column_rename(diff_ctx *c, const retort_rename *r)
{
	const retort_table *t = retort_schema_find_table(c->diff->to, r->table);
	const retort_table *f = retort_schema_find_table(
		c->diff->from, unmap_table(c, r->table));

	if (!t)
		return fail(
			c, RETORT_ENOTFOUND, r,
			"no table of that name in the target schema (name the table as the target names it)");
	if (!f)
		return fail(
			c, RETORT_ENOTFOUND, r,
			"the table does not exist in the starting schema");
	if (!retort_table_find_column(f, r->from))
		return fail(
			c, RETORT_ENOTFOUND, r,
			"no column of that old name in the starting schema");
	if (!retort_table_find_column(t, r->to))
		return fail(
			c, RETORT_ENOTFOUND, r,
			"no column of that new name in the target schema");
	return RETORT_OK;
}

/* Common checks of rename I: names differ, nothing renamed twice, no
 * cycle. */
static int check_rename_shape(diff_ctx *c, size_t i)
{
	const retort_rename *r = &c->opts->renames[i];
	size_t j;

	if (!retort__strcasecmp(r->from, r->to))
		return fail(
			c, RETORT_EINVAL, r,
			"the names differ only in letter case, which SQLite treats as the same name");
	for (j = 0; j < i; j++)
		if (same_subject(&c->opts->renames[j], r))
			return fail(
				c, RETORT_EINVAL, r,
				"the same name is renamed twice");
	if (in_cycle(c, r))
		return fail(
			c, RETORT_EINVAL, r,
			"the renames form a cycle; rename through a temporary name in two revisions");
	return RETORT_OK;
}

int retort_diff__check_renames(diff_ctx *c)
{
	const retort_diff_options *o = c->opts;
	size_t i;
	int rc;

	if (!o->nrenames)
		return RETORT_OK;
	c->rn_from = retort__calloc(o->nrenames, sizeof(*c->rn_from));
	c->rn_to = retort__calloc(o->nrenames, sizeof(*c->rn_to));
	if (!c->rn_from || !c->rn_to)
		return RETORT_ENOMEM;
	for (i = 0; i < o->nrenames; i++) {
		if ((rc = check_rename_shape(c, i)) < 0)
			return rc;
		if (!o->renames[i].table &&
		    (rc = check_table_rename(c, &o->renames[i])) < 0)
			return rc;
	}
	for (i = 0; i < o->nrenames; i++)
		if (o->renames[i].table &&
		    (rc = check_column_rename(c, &o->renames[i])) < 0)
			return rc;
	return RETORT_OK;
}

static bool renamed_from(const diff_ctx *c, const retort_table *f)
{
	size_t i;

	for (i = 0; i < c->nrn; i++)
		if (c->rn_from[i] == f)
			return true;
	return false;
}

static bool renamed_to(const diff_ctx *c, const retort_table *t)
{
	size_t i;

	for (i = 0; i < c->nrn; i++)
		if (c->rn_to[i] == t)
			return true;
	return false;
}

static int pair(diff_ctx *c, const retort_table *f, const retort_table *t)
{
	diff_tpair *p;
	bool renamed = !!retort__strcasecmp(f->name, t->name);

	/* equal fingerprints: equal tables (fingerprint.c); a renamed
	 * table is always compared for its RENAME_TABLE */
	if (!renamed && f->fingerprint == t->fingerprint)
		return RETORT_OK;
	p = DIFF_PUSH(c->pairs, c->npairs, c->apairs);
	if (!p)
		return RETORT_ENOMEM;
	p->from = f;
	p->to = t;
	p->renamed = renamed;
	return retort_diff__table_pair(c, p);
}

/* One step of the merge join: F and/or T (one may be NULL) share a
 * name; renamed tables are paired later. */
static int visit(diff_ctx *c, const retort_table *f, const retort_table *t)
{
	bool fr = f && renamed_from(c, f), tr = t && renamed_to(c, t);
	const retort_table **slot;

	if (f && t && !fr && !tr)
		return pair(c, f, t);
	if (f && !fr) {
		slot = DIFF_PUSH(c->dropped, c->ndropped, c->adropped);
		if (!slot)
			return RETORT_ENOMEM;
		*slot = f;
	}
	if (t && !tr) {
		slot = DIFF_PUSH(c->added, c->nadded, c->aadded);
		if (!slot)
			return RETORT_ENOMEM;
		*slot = t;
	}
	return RETORT_OK;
}

int retort_diff__tables(diff_ctx *c)
{
	const retort_schema *from = c->diff->from, *to = c->diff->to;
	size_t nf = retort_schema_ntables(from), nt = retort_schema_ntables(to);
	size_t i = 0, j = 0;
	int rc = RETORT_OK;

	while (rc == RETORT_OK && (i < nf || j < nt)) {
		const retort_table *f =
			i < nf ? retort_schema_table(from, i) : NULL;
		const retort_table *t =
			j < nt ? retort_schema_table(to, j) : NULL;
		int d = !f ? 1 : !t ? -1 : retort__strcasecmp(f->name, t->name);

		i += d <= 0;
		j += d >= 0;
		rc = visit(c, d <= 0 ? f : NULL, d >= 0 ? t : NULL);
	}
	for (i = 0; rc == RETORT_OK && i < c->nrn; i++)
		rc = pair(c, c->rn_from[i], c->rn_to[i]);
	for (i = 0; rc == RETORT_OK && i < c->ndropped; i++)
		rc = retort_diff__table_drop(c, c->dropped[i]);
	for (i = 0; rc == RETORT_OK && i < c->nadded; i++)
		rc = retort_diff__table_add(c, c->added[i]);
	return rc;
}

/* ---------------------------------------------------------------------
** Virtual tables: whole objects, compared by their normalised statement
*/

static int
vtab_op(diff_ctx *c,
	retort_op_kind kind,
	const retort_virtual_table *f,
	const retort_virtual_table *t)
{
	diff_entry *e = retort_diff__add(c, kind, t ? t->name : f->name, NULL);

	if (!e)
		return RETORT_ENOMEM;
	e->op.from.virtual_table = f;
	e->op.to.virtual_table = t;
	e->phase = kind == RETORT_OP_DROP_VIRTUAL_TABLE ? PH_DROP_TABLE
							: PH_ADD_TABLE;
	e->sub = 1; /* after the tables of the phase */
	retort_diff__classify(c, e, false);
	if (kind != RETORT_OP_ADD_VIRTUAL_TABLE &&
	    (retort_diff__names_add(&c->touched, f->name) < 0 ||
	     retort_diff__names_add(&c->breaking, f->name) < 0))
		return RETORT_ENOMEM;
	return RETORT_OK;
}

/* Compare a matched pair of virtual tables: module (any case) and the
 * normalised arguments, which the module may read case-sensitively. */
static int vtab_pair(
	diff_ctx *c,
	const retort_virtual_table *f,
	const retort_virtual_table *t)
{
	if (f->fingerprint == t->fingerprint)
		return RETORT_OK;
	if (!retort__strcasecmp(
		    f->module ? f->module : "", t->module ? t->module : "") &&
	    !strcmp(f->args ? f->args : "", t->args ? t->args : ""))
		return RETORT_OK;
	return vtab_op(c, RETORT_OP_REPLACE_VIRTUAL_TABLE, f, t);
}

int retort_diff__vtabs(diff_ctx *c)
{
	const retort_schema *from = c->diff->from, *to = c->diff->to;
	size_t nf = retort_schema_nvirtual_tables(from);
	size_t nt = retort_schema_nvirtual_tables(to), i = 0, j = 0;
	int rc = RETORT_OK;

	while (rc == RETORT_OK && (i < nf || j < nt)) {
		const retort_virtual_table *f =
			i < nf ? retort_schema_virtual_table(from, i) : NULL;
		const retort_virtual_table *t =
			j < nt ? retort_schema_virtual_table(to, j) : NULL;
		int d = !f ? 1 : !t ? -1 : retort__strcasecmp(f->name, t->name);

		i += d <= 0;
		j += d >= 0;
		if (d == 0)
			rc = vtab_pair(c, f, t);
		else if (d < 0)
			rc = vtab_op(c, RETORT_OP_DROP_VIRTUAL_TABLE, f, NULL);
		else
			rc = vtab_op(c, RETORT_OP_ADD_VIRTUAL_TABLE, NULL, t);
	}
	return rc;
}
