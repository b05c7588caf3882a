/*
** diff_hint.c -- possible renames and the --rename argument (libdiff,
** bottom layer; SPEC §3, §8).  A dropped and an added table with the same
** columns and types, or a dropped and an added column of one table with
** the same definition, that pair up one to one, carry the --rename
** argument that would make them a rename which keeps the data.
*/
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

/* Append NAME as a --rename argument writes it: double-quoted, SQL
 * style, when it holds '.', '=' or '"' (SPEC §8). */
static void put_arg_name(retort_buf *b, const char *name)
{
	if (strpbrk(name, ".=\"") || !*name)
		retort_buf_put_ident(b, name);
	else
		retort_buf_puts(b, name);
}

int retort_rename_format(retort_buf *out, const retort_rename *r)
{
	if (r->table) {
		put_arg_name(out, r->table);
		retort_buf_putc(out, '.');
	}
	put_arg_name(out, r->from);
	retort_buf_putc(out, '=');
	put_arg_name(out, r->to);
	return retort_buf_oom(out) ? RETORT_ENOMEM : RETORT_OK;
}

/* Read one name at *P into B (NUL-terminated): "quoted" with "" for a
 * quote, or bare up to '.', '=' or the end (REST: up to the end). */
static bool read_name(const char **p, retort_buf *b, bool rest)
{
	const char *s = *p;
	size_t start = b->size;

	if (*s == '"') {
		for (s++; *s; s++) {
			if (*s == '"' && s[1] != '"')
				break;
			retort_buf_putc(b, *s);
			s += *s == '"';
		}
		if (*s++ != '"')
			return false;
	} else {
		while (*s && (rest || (*s != '.' && *s != '=')))
			retort_buf_putc(b, *s++);
	}
	*p = s;
	retort_buf_putc(b, '\0');
	return b->size - start > 1;
}

int retort_rename_parse(
	retort_rename *out,
	retort_buf *storage,
	const char *arg,
	retort_error *err)
{
	const char *p = arg;
	size_t first, from = 0, to = 0;
	bool ok, column = false;

	memset(out, 0, sizeof(*out));
	retort_buf_clear(storage);
	first = storage->size;
	ok = read_name(&p, storage, false);
	if (ok && *p == '.') {
		column = true;
		p++;
		from = storage->size;
		ok = read_name(&p, storage, false);
	}
	ok = ok && *p == '=';
	if (ok) {
		p++;
		to = storage->size;
		ok = read_name(&p, storage, true) && !*p;
	}
	if (retort_buf_oom(storage))
		return retort_error_set(
			err, RETORT_ENOMEM, "--rename", "out of memory");
	if (!ok)
		return retort_error_set(
			err, RETORT_EINVAL, "--rename",
			"expected OLD=NEW or TABLE.OLD=NEW (a name holding '.' or '=' in double quotes), not '%s'",
			arg);
	out->table = column ? storage->ptr + first : NULL;
	out->from = storage->ptr + (column ? from : first);
	out->to = storage->ptr + to;
	return RETORT_OK;
}

/* ---------------------------------------------------------------------
** Possible renames
*/

/* A dropped or added object and the key of its definition. */
struct cand {
	const char *key; /* definition key */
	size_t idx;      /* entry index of its DROP or ADD operation */
	bool added;      /* the ADD side */
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	if (d)
		return d;
	if (x->added != y->added)
		return x->added ? 1 : -1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Append S lower case without white space. */
static void put_squeezed(retort_buf *b, const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			retort_buf_putc(
				b, (char)((*s >= 'A' && *s <= 'Z') ? *s + 32
								   : *s));
	retort_buf_putc(b, '\x1f');
}

/*
** Give the rename hint to each one-to-one pair of equal keys among the N
** candidates V: exactly one drop and one add share the key.  TABLE is
** the TO table for column hints, NULL for table hints.
*/
static int pair_up(diff_ctx *c, struct cand *v, size_t n, const char *table)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i, j;
	int rc = RETORT_OK;

	if (n > 1)
		qsort(v, n, sizeof(*v), cand_cmp);
	for (i = 0; rc == RETORT_OK && i < n; i = j) {
		retort_diff_op *d = &c->ents[v[i].idx].op, *a;
		retort_rename r;

		for (j = i + 1; j < n && !strcmp(v[j].key, v[i].key); j++)
			;
		if (j - i != 2 || v[i].added || !v[i + 1].added)
			continue;
		a = &c->ents[v[i + 1].idx].op;
		r.table = table;
		r.from = table ? d->name : d->object;
		r.to = table ? a->name : a->object;
		retort_buf_clear(&b);
		rc = retort_rename_format(&b, &r);
		d->rename_hint = a->rename_hint =
			rc ? NULL
			   : retort__arena_strndup(
				     &c->diff->arena, b.ptr, b.size);
		if (rc == RETORT_OK && !d->rename_hint)
			rc = RETORT_ENOMEM;
	}
	retort_buf_dispose(&b);
	return rc;
}

/* The definition key of a column, for possible renames. */
static int column_key(diff_ctx *c, const char **out, const retort_column *col)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *d, *g;
	int rc;

	if ((rc = retort_diff__expr_key(c, &d, col->default_sql, NULL)) < 0 ||
	    (rc = retort_diff__expr_key(c, &g, col->generated_sql, NULL)) < 0)
		return rc;
	put_squeezed(&b, col->type);
	put_squeezed(
		&b, retort_diff__collate_eq(col->collate, NULL) ? ""
								: col->collate);
	retort_buf_printf(
		&b, "%d\x1f%d\x1f%d\x1f%u\x1f%s\x1f%s", col->not_null,
		(int)col->not_null_on, (int)col->generated, col->pk, d, g);
	*out = retort_buf_oom(&b)
		       ? NULL
		       : retort__arena_strndup(&c->scratch, b.ptr, b.size);
	retort_buf_dispose(&b);
	return *out ? RETORT_OK : RETORT_ENOMEM;
}

int retort_diff__column_hints(
	diff_ctx *c,
	const diff_tpair *p,
	const size_t *drops,
	size_t ndrops,
	const size_t *adds,
	size_t nadds)
{
	struct cand *v =
		retort__arena_alloc(&c->scratch, (ndrops + nadds) * sizeof(*v));
	size_t i;
	int rc = RETORT_OK;

	if (!v)
		return RETORT_ENOMEM;
	for (i = 0; rc == RETORT_OK && i < ndrops + nadds; i++) {
		bool added = i >= ndrops;
		const diff_entry *e =
			&c->ents[added ? adds[i - ndrops] : drops[i]];

		v[i].idx = added ? adds[i - ndrops] : drops[i];
		v[i].added = added;
		rc = column_key(
			c, &v[i].key,
			added ? e->op.to.column : e->op.from.column);
	}
	return rc ? rc : pair_up(c, v, ndrops + nadds, p->to->name);
}

/* The shape key of a table: its columns' names and types in order. */
static const char *table_key(diff_ctx *c, const retort_table *t)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *key;
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		put_squeezed(&b, t->columns[i].name);
		put_squeezed(&b, t->columns[i].type);
	}
	key = retort_buf_oom(&b)
		      ? NULL
		      : retort__arena_strndup(&c->scratch, b.ptr, b.size);
	retort_buf_dispose(&b);
	return key;
}

int retort_diff__table_hints(diff_ctx *c)
{
	struct cand *v;
	size_t i, n = 0;

	if (!c->ndropped || !c->nadded)
		return RETORT_OK;
	v = retort__arena_alloc(
		&c->scratch, (c->ndropped + c->nadded) * sizeof(*v));
	if (!v)
		return RETORT_ENOMEM;
	for (i = 0; i < c->nents; i++) {
		const retort_diff_op *op = &c->ents[i].op;
		bool added = op->kind == RETORT_OP_ADD_TABLE;

		if (!added && op->kind != RETORT_OP_DROP_TABLE)
			continue;
		v[n].idx = i;
		v[n].added = added;
		v[n].key = table_key(c, added ? op->to.table : op->from.table);
		if (!v[n++].key)
			return RETORT_ENOMEM;
	}
	return pair_up(c, v, n, NULL);
}
