/*
** diff_cons.c -- UNIQUE, CHECK and FOREIGN KEY constraints and indexes of
** a matched pair of tables (libdiff, bottom layer).  Constraints match by
** structure; a name on one side only never makes a difference (no "drop
** anonymous / add named" flapping, SPEC §3), two different explicit names
** do.  Indexes match by name and compare by definition.
*/
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

/* A constraint of one side, for matching. */
struct citem {
	const char *key;  /* structural comparison key */
	const char *name; /* explicit name, or NULL */
	bool matched;     /* paired with one of the other side */
};

/* Append S folded to lower case (ASCII) and a separator. */
static void put_folded(retort_buf *b, const char *s, char sep)
{
	for (; s && *s; s++)
		retort_buf_putc(
			b, (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s));
	retort_buf_putc(b, sep);
}

/* Append the key of key parts PARTS; FROM_T is the TO name of the table
 * for a FROM record (names mapped through the renames), NULL for TO. */
static int put_parts(
	diff_ctx *c,
	retort_buf *b,
	const retort_key_part *parts,
	size_t n,
	const char *from_t)
{
	const char *k;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const retort_key_part *x = &parts[i];

		if (x->column) {
			put_folded(
				b,
				from_t ? retort_diff__map_column(
						 c, from_t, x->column)
				       : x->column,
				'\x1f');
		} else {
			if ((rc = retort_diff__expr_key(
				     c, &k, x->expr, from_t)) < 0)
				return rc;
			retort_buf_printf(b, "(%s)\x1f", k);
		}
		put_folded(
			b, retort_diff__part_collate(c->key_table, x), '\x1f');
		retort_buf_printf(b, "%d\x1e", x->desc);
	}
	return RETORT_OK;
}

/* MATCH clause as compared: SQLite handles every key as MATCH SIMPLE,
 * and reports NONE; those and no clause are the same. */
static const char *match_of(const char *m)
{
	if (!m || !retort__strcasecmp(m, "NONE") ||
	    !retort__strcasecmp(m, "SIMPLE"))
		return "";
	return m;
}

static int
fk_key(diff_ctx *c,
       retort_buf *b,
       const retort_foreign_key *fk,
       const char *from_t)
{
	const char *ref = from_t ? retort_diff__map_table(c, fk->ref_table)
				 : fk->ref_table;
	size_t i;

	for (i = 0; i < fk->ncolumns; i++)
		put_folded(
			b,
			from_t ? retort_diff__map_column(
					 c, from_t, fk->columns[i])
			       : fk->columns[i],
			'\x1f');
	retort_buf_putc(b, '\x1e');
	put_folded(b, ref, '\x1e');
	for (i = 0; i < fk->nref_columns; i++)
		put_folded(
			b,
			from_t ? retort_diff__map_column(
					 c, ref, fk->ref_columns[i])
			       : fk->ref_columns[i],
			'\x1f');
	retort_buf_printf(
		b, "\x1e%d\x1e%d\x1e", (int)fk->on_delete, (int)fk->on_update);
	put_folded(b, match_of(fk->match), '\x1e');
	retort_buf_printf(b, "%d", fk->deferred);
	return RETORT_OK;
}

/* The key of constraint I of kind KIND ('u', 'c' or 'f') of table T
 * into *OUT (scratch arena); FROM_T as for put_parts(). */
static int cons_key(
	diff_ctx *c,
	const char **out,
	char kind,
	const void *rec,
	const char *from_t)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *k;
	int rc = RETORT_OK;

	if (kind == 'u') {
		const retort_unique *u = rec;

		rc = put_parts(c, &b, u->parts, u->nparts, from_t);
		retort_buf_printf(&b, "|%d", (int)u->on_conflict);
	} else if (kind == 'c') {
		rc = retort_diff__expr_key(
			c, &k, ((const retort_check *)rec)->expr, from_t);
		if (rc == RETORT_OK)
			retort_buf_puts(&b, k);
	} else {
		rc = fk_key(c, &b, rec, from_t);
	}
	if (rc == RETORT_OK && retort_buf_oom(&b))
		rc = RETORT_ENOMEM;
	*out = rc ? NULL : retort__arena_strndup(&c->scratch, b.ptr, b.size);
	retort_buf_dispose(&b);
	if (rc == RETORT_OK && !*out)
		rc = RETORT_ENOMEM;
	return rc;
}

static bool names_ok(const char *a, const char *b, bool loose)
{
	if (!a && !b)
		return true;
	if (a && b)
		return !retort__strcasecmp(a, b);
	return loose;
}

/* Pair equal keys: exact names first, then a name on one side only. */
static void match(struct citem *f, size_t nf, struct citem *t, size_t nt)
{
	size_t i, j;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nf; i++) {
			for (j = 0; j < nt && !f[i].matched; j++) {
				if (t[j].matched ||
				    strcmp(f[i].key, t[j].key) ||
				    !names_ok(f[i].name, t[j].name, pass == 1))
					continue;
				f[i].matched = t[j].matched = true;
			}
		}
	}
}

/* Size, array and count of kind KIND's constraints of T. */
static const void *
cons_array(const retort_table *t, char kind, size_t *n, size_t *size)
{
	if (kind == 'u') {
		*n = t->nuniques;
		*size = sizeof(retort_unique);
		return t->uniques;
	}
	if (kind == 'c') {
		*n = t->nchecks;
		*size = sizeof(retort_check);
		return t->checks;
	}
	*n = t->nforeign_keys;
	*size = sizeof(retort_foreign_key);
	return t->foreign_keys;
}

/* Every record starts with its name (schema.h: name is the first field
 * of retort_unique, retort_check and retort_foreign_key). */
static const char *rec_name(const void *rec)
{
	return *(const char *const *)rec;
}

static struct citem *
items(diff_ctx *c,
      const retort_table *t,
      char kind,
      const char *from_t,
      int *rc)
{
	size_t n, size, i;
	const char *arr = cons_array(t, kind, &n, &size);
	struct citem *it =
		retort__arena_alloc(&c->scratch, (n + 1) * sizeof(*it));

	*rc = it ? RETORT_OK : RETORT_ENOMEM;
	c->key_table = t;
	for (i = 0; it && i < n && *rc == RETORT_OK; i++) {
		it[i].name = rec_name(arr + i * size);
		*rc = cons_key(c, &it[i].key, kind, arr + i * size, from_t);
	}
	return *rc ? NULL : it;
}

static void set_record(retort_op_side *side, char kind, const void *rec)
{
	if (kind == 'u')
		side->unique = rec;
	else if (kind == 'c')
		side->check = rec;
	else
		side->foreign_key = rec;
}

/* How cons_op() treats its record. */
enum { CONS_ADD = 0, CONS_DROP = 1, CONS_ADD_HELD = 2 };

/*
** DROP (MODE CONS_DROP, FROM record REC) or ADD (TO record) of a
** constraint of P; CONS_ADD_HELD: the rows already satisfied it (a
** constraint renamed, or with other actions), so adding it is safe.
*/
static int
cons_op(diff_ctx *c, const diff_tpair *p, char kind, const void *rec, int mode)
{
	bool drop = mode == CONS_DROP;
	static const retort_op_kind kinds[2][3] = {
		{ RETORT_OP_ADD_UNIQUE, RETORT_OP_ADD_CHECK,
		  RETORT_OP_ADD_FOREIGN_KEY },
		{ RETORT_OP_DROP_UNIQUE, RETORT_OP_DROP_CHECK,
		  RETORT_OP_DROP_FOREIGN_KEY },
	};
	int k = kind == 'u' ? 0 : kind == 'c' ? 1 : 2;
	const char *name = rec_name(rec);
	diff_entry *e;

	if (!drop && !name)
		name = retort_diff__convention_name(c, kind, p->to, rec);
	e = retort_diff__add(
		c, kinds[drop][k], drop ? p->from->name : p->to->name, name);
	if (!e)
		return RETORT_ENOMEM;
	e->phase = drop ? PH_LOOSEN : PH_ALTER_TABLE;
	e->anchor = drop ? NULL : p->to;
	e->op.from.table = p->from;
	e->op.to.table = p->to;
	set_record(drop ? &e->op.from : &e->op.to, kind, rec);
	retort_diff__classify(c, e, mode == CONS_ADD_HELD);
	return RETORT_OK;
}

/* Length of the part of KEY that decides which rows satisfy the
 * constraint: a UNIQUE's parts (not its ON CONFLICT), a FOREIGN KEY's
 * columns and parent (not its actions), a CHECK's expression. */
static size_t core_len(char kind, const char *key)
{
	const char *p;
	int n = 0;

	if (kind == 'u' && (p = strrchr(key, '|')))
		return (size_t)(p - key);
	for (p = key; kind == 'f' && *p; p++)
		if (*p == '\x1e' && ++n == 3)
			return (size_t)(p - key);
	return strlen(key);
}

/* True when an unmatched constraint of F has the core of T's. */
static bool
held_before(const struct citem *f, size_t nf, const struct citem *t, char kind)
{
	size_t n = core_len(kind, t->key), i;

	for (i = 0; i < nf; i++)
		if (!f[i].matched && core_len(kind, f[i].key) == n &&
		    !memcmp(f[i].key, t->key, n))
			return true;
	return false;
}

static int cons_kind(diff_ctx *c, const diff_tpair *p, char kind)
{
	size_t nf, nt, sf, st, i;
	const char *af = cons_array(p->from, kind, &nf, &sf);
	const char *at = cons_array(p->to, kind, &nt, &st);
	struct citem *f, *t;
	int rc = RETORT_OK;

	if (!nf && !nt)
		return RETORT_OK;
	if (!(f = items(c, p->from, kind, p->to->name, &rc)) ||
	    !(t = items(c, p->to, kind, NULL, &rc)))
		return rc;
	match(f, nf, t, nt);
	for (i = 0; rc == RETORT_OK && i < nt; i++)
		if (!t[i].matched)
			rc = cons_op(
				c, p, kind, at + i * st,
				held_before(f, nf, &t[i], kind) ? CONS_ADD_HELD
								: CONS_ADD);
	for (i = 0; rc == RETORT_OK && i < nf; i++)
		if (!f[i].matched)
			rc = cons_op(c, p, kind, af + i * sf, CONS_DROP);
	return rc;
}

int retort_diff__constraints(diff_ctx *c, diff_tpair *p)
{
	int rc;

	if ((rc = cons_kind(c, p, 'u')) < 0 || (rc = cons_kind(c, p, 'c')) < 0)
		return rc;
	return cons_kind(c, p, 'f');
}

/* ---------------------------------------------------------------------
** Indexes
*/

static int index_key(
	diff_ctx *c,
	const char **out,
	const retort_index *ix,
	const char *from_t)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *w;
	int rc;

	retort_buf_printf(&b, "%d\x1e", ix->unique);
	rc = put_parts(c, &b, ix->parts, ix->nparts, from_t);
	if (rc == RETORT_OK)
		rc = retort_diff__expr_key(c, &w, ix->where, from_t);
	if (rc == RETORT_OK)
		retort_buf_puts(&b, w);
	if (rc == RETORT_OK && retort_buf_oom(&b))
		rc = RETORT_ENOMEM;
	*out = rc ? NULL : retort__arena_strndup(&c->scratch, b.ptr, b.size);
	retort_buf_dispose(&b);
	return rc ? rc : *out ? RETORT_OK : RETORT_ENOMEM;
}

static int
index_op(diff_ctx *c, const diff_tpair *p, const retort_index *ix, bool drop)
{
	diff_entry *e = retort_diff__add(
		c, drop ? RETORT_OP_DROP_INDEX : RETORT_OP_ADD_INDEX,
		drop ? p->from->name : p->to->name, ix->name);

	if (!e)
		return RETORT_ENOMEM;
	e->phase = drop ? PH_DROP_INDEX : PH_ALTER_TABLE;
	e->anchor = drop ? NULL : p->to;
	e->op.from.table = p->from;
	e->op.to.table = p->to;
	if (drop)
		e->op.from.index = ix;
	else
		e->op.to.index = ix;
	retort_diff__classify(c, e, false);
	return RETORT_OK;
}

static int index_pair(
	diff_ctx *c,
	const diff_tpair *p,
	const retort_index *f,
	const retort_index *t)
{
	const char *kf, *kt;
	int rc;

	c->key_table = p->from;
	if ((rc = index_key(c, &kf, f, p->to->name)) < 0)
		return rc;
	c->key_table = p->to;
	if ((rc = index_key(c, &kt, t, NULL)) < 0)
		return rc;
	if (!strcmp(kf, kt))
		return RETORT_OK;
	if ((rc = index_op(c, p, f, true)) < 0)
		return rc;
	return index_op(c, p, t, false);
}

int retort_diff__indexes(diff_ctx *c, diff_tpair *p)
{
	const retort_table *ft = p->from, *tt = p->to;
	size_t i = 0, j = 0;
	int rc = RETORT_OK;

	while (rc == RETORT_OK && (i < ft->nindexes || j < tt->nindexes)) {
		const retort_index *f =
			i < ft->nindexes ? &ft->indexes[i] : NULL;
		const retort_index *t =
			j < tt->nindexes ? &tt->indexes[j] : NULL;
		int d = !f ? 1 : !t ? -1 : retort__strcasecmp(f->name, t->name);

		i += d <= 0;
		j += d >= 0;
		if (d == 0)
			rc = index_pair(c, p, f, t);
		else
			rc = index_op(c, p, d < 0 ? f : t, d < 0);
	}
	return rc;
}

/* ---------------------------------------------------------------------
** Naming convention
*/

/* The columns of constraint REC of kind KIND as a name list in the
 * scratch arena; *N gets the count. */
static const char *const *
rec_columns(diff_ctx *c, char kind, const void *rec, size_t *n)
{
	const retort_key_part *parts;
	const char **cols;
	size_t i;

	if (kind == 'f') {
		*n = ((const retort_foreign_key *)rec)->ncolumns;
		return ((const retort_foreign_key *)rec)->columns;
	}
	if (kind == 'u' || kind == 'p') {
		parts = kind == 'u' ? ((const retort_unique *)rec)->parts
				    : ((const retort_primary_key *)rec)->parts;
		*n = kind == 'u' ? ((const retort_unique *)rec)->nparts
				 : ((const retort_primary_key *)rec)->nparts;
	} else if (kind == 'i') {
		parts = ((const retort_index *)rec)->parts;
		*n = ((const retort_index *)rec)->nparts;
	} else {
		*n = 0;
		return NULL;
	}
	cols = retort__arena_alloc(&c->scratch, (*n + 1) * sizeof(*cols));
	for (i = 0; cols && i < *n; i++)
		cols[i] = parts[i].column ? parts[i].column : parts[i].expr;
	return cols;
}

/*
** The name the naming convention gives constraint REC (kind 'u', 'c',
** 'f', 'p' or 'i') of TO table T, in the diff's arena; NULL when there is
** no convention for the kind or it cannot name this constraint (e.g.
** %(constraint_name)s of an unnamed CHECK: SPEC §8 leaves it unnamed).
*/
const char *retort_diff__convention_name(
	diff_ctx *c, char kind, const retort_table *t, const void *rec)
{
	const retort_naming_convention *nc = c->opts->naming;
	const char *tmpl;
	retort_naming_subject s;
	retort_buf b = RETORT_BUF_INIT;
	const char *name = NULL;

	if (!nc)
		return NULL;
	tmpl = kind == 'u'   ? nc->uq
	       : kind == 'c' ? nc->ck
	       : kind == 'f' ? nc->fk
	       : kind == 'p' ? nc->pk
			     : nc->ix;
	if (!tmpl)
		return NULL;
	memset(&s, 0, sizeof(s));
	s.table = t->name;
	s.columns = rec_columns(c, kind, rec, &s.ncolumns);
	s.constraint_name = kind == 'p'
				    ? ((const retort_primary_key *)rec)->name
				    : rec_name(rec);
	if (kind == 'f') {
		s.ref_table = ((const retort_foreign_key *)rec)->ref_table;
		s.ref_columns = ((const retort_foreign_key *)rec)->ref_columns;
		s.nref_columns =
			((const retort_foreign_key *)rec)->nref_columns;
	}
	if (retort_naming_render(&b, tmpl, &s, NULL) == RETORT_OK && b.size)
		name = retort__arena_strndup(&c->diff->arena, b.ptr, b.size);
	retort_buf_dispose(&b);
	return name;
}
