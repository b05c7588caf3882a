/*
** diff_table.c -- comparing one table of FROM with its match in TO
** (libdiff, bottom layer): columns matched by name or --rename hint,
** column changes, column order, primary key and table options; new and
** dropped tables with their indexes.
*/
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

#define NONE ((size_t)-1)

/* A new entry for an operation inside the kept table of P. */
static diff_entry *table_op(
	diff_ctx *c, const diff_tpair *p, retort_op_kind kind, const char *name)
{
	diff_entry *e = retort_diff__add(c, kind, p->to->name, name);

	if (!e)
		return NULL;
	e->phase = PH_ALTER_TABLE;
	e->anchor = p->to;
	e->op.from.table = p->from;
	e->op.to.table = p->to;
	return e;
}

/* A column name and its index, for lookups by name. */
struct named {
	const char *name; /* column name */
	size_t i;         /* its index */
};

static int named_cmp(const void *a, const void *b)
{
	return retort__strcasecmp(
		((const struct named *)a)->name,
		((const struct named *)b)->name);
}

/* Index of column NAME in IDX (N entries sorted by name), or NONE. */
static size_t lookup(const struct named *idx, size_t n, const char *name)
{
	struct named key = { name, 0 };
	const struct named *hit =
		bsearch(&key, idx, n, sizeof(*idx), named_cmp);

	return hit ? hit->i : NONE;
}

/*
** Match the columns of P: T2F[j] is the FROM column of TO column j (or
** NONE), F2T the reverse.  A --rename hint pairs a column with its new
** name; a column renamed away does not match its old name.
*/
static int
match_columns(diff_ctx *c, const diff_tpair *p, size_t *t2f, size_t *f2t)
{
	const retort_table *f = p->from, *t = p->to;
	struct named *idx;
	size_t i, k;

	idx = retort__arena_alloc(&c->scratch, f->ncolumns * sizeof(*idx));
	if (!idx)
		return RETORT_ENOMEM;
	for (i = 0; i < f->ncolumns; i++) {
		idx[i].name = f->columns[i].name;
		idx[i].i = i;
		f2t[i] = NONE;
	}
	if (f->ncolumns > 1)
		qsort(idx, f->ncolumns, sizeof(*idx), named_cmp);
	for (i = 0; i < t->ncolumns; i++) {
		const retort_rename *r = retort_diff__column_rename(
			c, t->name, t->columns[i].name, true);

		t2f[i] = NONE;
		k = lookup(idx, f->ncolumns, r ? r->from : t->columns[i].name);
		if (k == NONE ||
		    (!r && retort_diff__column_rename(
				   c, t->name, f->columns[k].name, false)))
			continue;
		t2f[i] = k;
		f2t[k] = i;
	}
	return RETORT_OK;
}

/* Whether the types of FC and TC differ under compare_type; in a STRICT
 * table the declared type decides what is accepted, so it always counts
 * (SPEC §3). */
static bool type_changed(
	const diff_ctx *c,
	const diff_tpair *p,
	const retort_column *fc,
	const retort_column *tc)
{
	if (p->from->strict || p->to->strict)
		return !retort_diff__type_eq(fc->type, tc->type);
	switch (c->opts->compare_type) {
	case RETORT_COMPARE_TYPE_DECLARED:
		return !retort_diff__type_eq(fc->type, tc->type);
	case RETORT_COMPARE_TYPE_AFFINITY:
		return fc->affinity != tc->affinity;
	case RETORT_COMPARE_TYPE_OFF:
		return false;
	}
	return false;
}

/* Whether the DEFAULT or the GENERATED expression of FC and TC differ:
 * bit RETORT_CHANGE_DEFAULT / RETORT_CHANGE_GENERATED in *OUT. */
static int expr_changes(
	diff_ctx *c,
	const diff_tpair *p,
	const retort_column *fc,
	const retort_column *tc,
	unsigned *out)
{
	const char *kf, *kt;
	int rc;

	if (c->opts->compare_server_default) {
		if ((rc = retort_diff__expr_key(c, &kf, fc->default_sql, "")) <
			    0 ||
		    (rc = retort_diff__expr_key(
			     c, &kt, tc->default_sql, NULL)) < 0)
			return rc;
		if (strcmp(kf, kt))
			*out |= RETORT_CHANGE_DEFAULT;
	}
	if (fc->generated != tc->generated) {
		*out |= RETORT_CHANGE_GENERATED;
		return RETORT_OK;
	}
	if ((rc = retort_diff__expr_key(
		     c, &kf, fc->generated_sql, p->to->name)) < 0 ||
	    (rc = retort_diff__expr_key(c, &kt, tc->generated_sql, NULL)) < 0)
		return rc;
	if (strcmp(kf, kt))
		*out |= RETORT_CHANGE_GENERATED;
	return RETORT_OK;
}

/* Whether NOT NULL differs between FC and TC for a reason of its own:
 * the primary key columns of a WITHOUT ROWID table are NOT NULL
 * implicitly, and ALTER_TABLE_OPTIONS reports that. */
static bool not_null_changed(
	const diff_tpair *p, const retort_column *fc, const retort_column *tc)
{
	if (fc->not_null == tc->not_null)
		return false;
	if (tc->not_null)
		return !(
			p->to->without_rowid && tc->pk &&
			!p->from->without_rowid);
	return !(p->from->without_rowid && fc->pk && !p->to->without_rowid);
}

/* Compare matched columns FC and TC; an ALTER_COLUMN when they differ. */
static int column_pair(
	diff_ctx *c,
	const diff_tpair *p,
	const retort_column *fc,
	const retort_column *tc)
{
	unsigned ch = 0;
	diff_entry *e;
	int rc;

	if (type_changed(c, p, fc, tc))
		ch |= RETORT_CHANGE_TYPE;
	if (not_null_changed(p, fc, tc))
		ch |= RETORT_CHANGE_NOT_NULL;
	else if (fc->not_null && fc->not_null_on != tc->not_null_on)
		ch |= RETORT_CHANGE_NOT_NULL_ON;
	if (!retort_diff__collate_eq(fc->collate, tc->collate))
		ch |= RETORT_CHANGE_COLLATE;
	if ((rc = expr_changes(c, p, fc, tc, &ch)) < 0)
		return rc;
	if (!ch)
		return RETORT_OK;
	e = table_op(c, p, RETORT_OP_ALTER_COLUMN, tc->name);
	if (!e)
		return RETORT_ENOMEM;
	e->op.from.column = fc;
	e->op.to.column = tc;
	e->op.changes = ch;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

/* DROP_COLUMN (FC) or ADD_COLUMN (TC); *IDX gets the entry's index. */
static int column_add_drop(
	diff_ctx *c,
	const diff_tpair *p,
	const retort_column *fc,
	const retort_column *tc,
	size_t *idx)
{
	diff_entry *e = table_op(
		c, p, fc ? RETORT_OP_DROP_COLUMN : RETORT_OP_ADD_COLUMN,
		fc ? fc->name : tc->name);

	if (!e)
		return RETORT_ENOMEM;
	e->op.from.column = fc;
	e->op.to.column = tc;
	*idx = c->nents - 1;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

static int column_rename(
	diff_ctx *c,
	const diff_tpair *p,
	const retort_column *fc,
	const retort_column *tc)
{
	const retort_rename *r =
		retort_diff__column_rename(c, p->to->name, tc->name, true);
	diff_entry *e = table_op(c, p, RETORT_OP_RENAME_COLUMN, tc->name);

	if (!e)
		return RETORT_ENOMEM;
	e->op.from.column = fc;
	e->op.to.column = tc;
	e->sub = r ? retort_diff__rename_depth(c, r) : 0;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

/* REORDER_COLUMNS when the columns that stay, followed by the added ones
 * (ADD COLUMN appends), are not in TO's order (SPEC §8). */
static int column_order(
	diff_ctx *c, const diff_tpair *p, const size_t *t2f, const size_t *f2t)
{
	size_t i, pos = 0;
	bool same = true;
	diff_entry *e;

	for (i = 0; i < p->from->ncolumns && same; i++)
		if (f2t[i] != NONE)
			same = f2t[i] == pos++;
	for (i = 0; i < p->to->ncolumns && same; i++)
		if (t2f[i] == NONE)
			same = i == pos++;
	if (same)
		return RETORT_OK;
	e = table_op(c, p, RETORT_OP_REORDER_COLUMNS, NULL);
	if (!e)
		return RETORT_ENOMEM;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

/* Column operations of P, then possible-rename hints for the columns
 * that were dropped and added. */
static int columns(diff_ctx *c, const diff_tpair *p)
{
	const retort_table *f = p->from, *t = p->to;
	size_t *t2f, *f2t, *drops, *adds, nd = 0, na = 0, i;
	int rc = RETORT_OK;

	t2f = retort__arena_alloc(
		&c->scratch, (t->ncolumns + 1) * sizeof(size_t));
	f2t = retort__arena_alloc(
		&c->scratch, (f->ncolumns + 1) * sizeof(size_t));
	drops = retort__arena_alloc(
		&c->scratch, (f->ncolumns + 1) * sizeof(size_t));
	adds = retort__arena_alloc(
		&c->scratch, (t->ncolumns + 1) * sizeof(size_t));
	if (!t2f || !f2t || !drops || !adds)
		return RETORT_ENOMEM;
	if ((rc = match_columns(c, p, t2f, f2t)) < 0)
		return rc;
	for (i = 0; rc == RETORT_OK && i < f->ncolumns; i++)
		if (f2t[i] == NONE)
			rc = column_add_drop(
				c, p, &f->columns[i], NULL, &drops[nd++]);
	for (i = 0; rc == RETORT_OK && i < t->ncolumns; i++) {
		const retort_column *fc =
			t2f[i] == NONE ? NULL : &f->columns[t2f[i]];

		if (!fc)
			rc = column_add_drop(
				c, p, NULL, &t->columns[i], &adds[na++]);
		else if (retort__strcasecmp(fc->name, t->columns[i].name))
			rc = column_rename(c, p, fc, &t->columns[i]);
		if (fc && rc == RETORT_OK)
			rc = column_pair(c, p, fc, &t->columns[i]);
	}
	if (rc == RETORT_OK)
		rc = column_order(c, p, t2f, f2t);
	if (rc == RETORT_OK && nd && na)
		rc = retort_diff__column_hints(c, p, drops, nd, adds, na);
	return rc;
}

/* The PK part names of FROM, in TO's names, equal those of TO? */
static bool pk_parts_eq(
	const diff_ctx *c,
	const diff_tpair *p,
	const retort_primary_key *a,
	const retort_primary_key *b)
{
	size_t i;

	if (a->nparts != b->nparts)
		return false;
	for (i = 0; i < a->nparts; i++) {
		const retort_key_part *x = &a->parts[i], *y = &b->parts[i];
		const char *xn = x->column ? retort_diff__map_column(
						     c, p->to->name, x->column)
					   : "";

		if (retort__strcasecmp(xn, y->column ? y->column : "") ||
		    x->desc != y->desc ||
		    retort__strcasecmp(
			    retort_diff__part_collate(p->from, x),
			    retort_diff__part_collate(p->to, y)))
			return false;
	}
	return true;
}

/* What differs between the primary keys of P (retort_pk_change). */
static unsigned pk_changes(const diff_ctx *c, const diff_tpair *p)
{
	const retort_primary_key *a = p->from->primary_key;
	const retort_primary_key *b = p->to->primary_key;
	unsigned ch = 0;

	if (retort_diff__rowid_alias(p->from) !=
	    retort_diff__rowid_alias(p->to))
		ch |= RETORT_PK_CHANGE_ROWID_ALIAS;
	if (!a || !b)
		return ch | (a || b ? RETORT_PK_CHANGE_COLUMNS : 0);
	if (!pk_parts_eq(c, p, a, b))
		ch |= RETORT_PK_CHANGE_COLUMNS;
	if (a->on_conflict != b->on_conflict)
		ch |= RETORT_PK_CHANGE_CONFLICT;
	if (a->autoincrement != b->autoincrement)
		ch |= RETORT_PK_CHANGE_AUTOINCREMENT;
	/* a name on one side only is no difference (no flapping) */
	if (a->name && b->name && retort__strcasecmp(a->name, b->name))
		ch |= RETORT_PK_CHANGE_NAME;
	return ch;
}

/* ALTER_PRIMARY_KEY and ALTER_TABLE_OPTIONS of P. */
static int pk_and_options(diff_ctx *c, const diff_tpair *p)
{
	unsigned pk = pk_changes(c, p), opt = 0;
	diff_entry *e;

	if (p->from->without_rowid != p->to->without_rowid)
		opt |= RETORT_TABLE_CHANGE_WITHOUT_ROWID;
	if (p->from->strict != p->to->strict)
		opt |= RETORT_TABLE_CHANGE_STRICT;
	if (pk) {
		const retort_primary_key *k = p->to->primary_key;

		e = table_op(
			c, p, RETORT_OP_ALTER_PRIMARY_KEY,
			k && k->name ? k->name : NULL);
		if (!e)
			return RETORT_ENOMEM;
		e->op.changes = pk;
		retort_diff__classify(c, e, false);
	}
	if (opt) {
		e = table_op(c, p, RETORT_OP_ALTER_TABLE_OPTIONS, NULL);
		if (!e)
			return RETORT_ENOMEM;
		e->op.changes = opt;
		retort_diff__classify(c, e, false);
	}
	return RETORT_OK;
}

int retort_diff__table_pair(diff_ctx *c, diff_tpair *p)
{
	size_t first = c->nents, i;
	diff_entry *e;
	int rc;

	if (p->renamed) {
		e = retort_diff__add(
			c, RETORT_OP_RENAME_TABLE, p->to->name, NULL);
		if (!e)
			return RETORT_ENOMEM;
		e->phase = PH_RENAME_TABLE;
		e->sub = retort_diff__rename_depth(
			c, retort_diff__table_rename(c, p->from->name));
		e->op.from.table = p->from;
		e->op.to.table = p->to;
		retort_diff__classify(c, e, false);
	}
	if ((rc = columns(c, p)) < 0 || (rc = pk_and_options(c, p)) < 0 ||
	    (rc = retort_diff__constraints(c, p)) < 0 ||
	    (rc = retort_diff__indexes(c, p)) < 0)
		return rc;
	for (i = first; i < c->nents; i++)
		if (c->ents[i].phase == PH_LOOSEN ||
		    (c->ents[i].phase == PH_ALTER_TABLE &&
		     c->ents[i].op.kind != RETORT_OP_ADD_INDEX))
			p->altered = true;
	if (!p->altered && !p->renamed)
		return RETORT_OK;
	if (retort_diff__names_add(&c->touched, p->from->name) < 0 ||
	    retort_diff__names_add(&c->touched, p->to->name) < 0)
		return RETORT_ENOMEM;
	return RETORT_OK;
}

int retort_diff__table_add(diff_ctx *c, const retort_table *t)
{
	diff_entry *e = retort_diff__add(c, RETORT_OP_ADD_TABLE, t->name, NULL);
	size_t i;

	if (!e)
		return RETORT_ENOMEM;
	e->phase = PH_ADD_TABLE;
	e->anchor = t;
	e->op.to.table = t;
	retort_diff__classify(c, e, true);
	for (i = 0; i < t->nindexes; i++) {
		e = retort_diff__add(
			c, RETORT_OP_ADD_INDEX, t->name, t->indexes[i].name);
		if (!e)
			return RETORT_ENOMEM;
		e->phase = PH_ADD_TABLE;
		e->anchor = t;
		e->op.to.table = t;
		e->op.to.index = &t->indexes[i];
		retort_diff__classify(c, e, true);
	}
	return RETORT_OK;
}

int retort_diff__table_drop(diff_ctx *c, const retort_table *t)
{
	diff_entry *e;
	size_t i;

	for (i = 0; i < t->nindexes; i++) {
		e = retort_diff__add(
			c, RETORT_OP_DROP_INDEX, t->name, t->indexes[i].name);
		if (!e)
			return RETORT_ENOMEM;
		e->phase = PH_DROP_INDEX;
		e->op.from.table = t;
		e->op.from.index = &t->indexes[i];
		retort_diff__classify(c, e, false);
	}
	e = retort_diff__add(c, RETORT_OP_DROP_TABLE, t->name, NULL);
	if (!e)
		return RETORT_ENOMEM;
	e->phase = PH_DROP_TABLE;
	e->anchor = t;
	e->op.from.table = t;
	retort_diff__classify(c, e, false);
	if (retort_diff__names_add(&c->touched, t->name) < 0 ||
	    retort_diff__names_add(&c->breaking, t->name) < 0)
		return RETORT_ENOMEM;
	return RETORT_OK;
}
