/*
** diff.c -- the comparator's entry point and the retort_diff container
** (libdiff, bottom layer).  retort_diff_compare() copies the options,
** checks the rename hints, compares tables, virtual tables, views and
** triggers, adds possible-rename hints, then puts the operations in an
** order that is valid to apply (diff_order.c).
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diff_int.h"

void *retort_diff__push(void **arr, size_t *n, size_t *a, size_t size)
{
	char *p;

	if (*n == *a) {
		size_t na = *a ? *a * 2 : 16;

		p = retort__realloc(*arr, na * size);
		if (!p)
			return NULL;
		*arr = p;
		*a = na;
	}
	p = (char *)*arr + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

/*
** Append a new entry of KIND about OBJECT (and NAME), safe until
** classified; NULL when out of memory.  The pointer is valid until the
** next call.
*/
diff_entry *retort_diff__add(
	diff_ctx *c, retort_op_kind kind, const char *object, const char *name)
{
	diff_entry *e = DIFF_PUSH(c->ents, c->nents, c->aents);

	if (!e)
		return NULL;
	e->op.kind = kind;
	e->op.object = object;
	e->op.name = name;
	e->seq = c->nents - 1;
	return e;
}

/* A formatted string in the diff's arena; NULL when out of memory. */
const char *retort_diff__printf(diff_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = retort__arena_alloc(&c->diff->arena, (size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Copy the naming convention and the renames into the diff's arena, so
 * that the diff does not borrow from the caller's options. */
static int copy_options(retort_diff *d, const retort_diff_options *o)
{
	retort_arena *a = &d->arena;
	retort_rename *rn = NULL;
	size_t i;

	d->opts = *o;
	d->opts.naming = NULL;
	if (o->naming) {
		d->naming.ix = retort__arena_strdup(a, o->naming->ix);
		d->naming.uq = retort__arena_strdup(a, o->naming->uq);
		d->naming.ck = retort__arena_strdup(a, o->naming->ck);
		d->naming.fk = retort__arena_strdup(a, o->naming->fk);
		d->naming.pk = retort__arena_strdup(a, o->naming->pk);
		d->opts.naming = &d->naming;
	}
	if (o->nrenames) {
		rn = retort__arena_alloc(a, o->nrenames * sizeof(*rn));
		if (!rn)
			return RETORT_ENOMEM;
		for (i = 0; i < o->nrenames; i++) {
			rn[i].table =
				retort__arena_strdup(a, o->renames[i].table);
			rn[i].from =
				retort__arena_strdup(a, o->renames[i].from);
			rn[i].to = retort__arena_strdup(a, o->renames[i].to);
		}
	}
	d->opts.renames = rn;
	return RETORT_OK;
}

static int check_options(const retort_diff_options *o, retort_error *err)
{
	size_t i;

	if (o->version != RETORT_DIFF_OPTIONS_VERSION)
		return retort_error_set(
			err, RETORT_EINVAL, "diff options",
			"unknown options version %u", o->version);
	if (o->compare_type != RETORT_COMPARE_TYPE_DECLARED &&
	    o->compare_type != RETORT_COMPARE_TYPE_AFFINITY &&
	    o->compare_type != RETORT_COMPARE_TYPE_OFF)
		return retort_error_set(
			err, RETORT_EINVAL, "compare_type", "unknown value %d",
			(int)o->compare_type);
	if (o->nrenames && !o->renames)
		return retort_error_set(
			err, RETORT_EINVAL, "diff options",
			"nrenames is %zu but renames is NULL", o->nrenames);
	for (i = 0; i < o->nrenames; i++)
		if (!o->renames[i].from || !o->renames[i].to ||
		    !*o->renames[i].from || !*o->renames[i].to)
			return retort_error_set(
				err, RETORT_EINVAL, "--rename",
				"a rename needs an old and a new name");
	return RETORT_OK;
}

static void ctx_dispose(diff_ctx *c)
{
	retort__free(c->ents);
	retort__free(c->pairs);
	retort__free(c->dropped);
	retort__free(c->added);
	retort__free(c->rn_from);
	retort__free(c->rn_to);
	retort_diff__names_dispose(&c->touched);
	retort_diff__names_dispose(&c->breaking);
	retort_buf_dispose(&c->b1);
	retort_buf_dispose(&c->b2);
	retort__arena_dispose(&c->scratch);
}

/* The steps of a comparison, in order. */
static int run(diff_ctx *c)
{
	int rc;

	if ((rc = retort_diff__check_renames(c)) < 0 ||
	    (rc = retort_diff__tables(c)) < 0 ||
	    (rc = retort_diff__vtabs(c)) < 0 ||
	    (rc = retort_diff__views(c)) < 0 ||
	    (rc = retort_diff__triggers(c)) < 0 ||
	    (rc = retort_diff__table_hints(c)) < 0)
		return rc;
	return retort_diff__order(c);
}

int retort_diff_compare(
	retort_diff **out,
	const retort_schema *from,
	const retort_schema *to,
	const retort_diff_options *opts,
	retort_error *err)
{
	retort_diff_options defaults = RETORT_DIFF_OPTIONS_INIT;
	diff_ctx c;
	int rc;

	*out = NULL;
	if ((rc = check_options(opts ? opts : &defaults, err)) < 0)
		return rc;
	memset(&c, 0, sizeof(c));
	c.b1 = (retort_buf)RETORT_BUF_INIT;
	c.b2 = (retort_buf)RETORT_BUF_INIT;
	c.err = err;
	c.diff = retort__calloc(1, sizeof(*c.diff));
	if (!c.diff)
		return retort_error_set(
			err, RETORT_ENOMEM, "diff", "out of memory");
	c.diff->from = from;
	c.diff->to = to;
	c.opts = &c.diff->opts;
	rc = copy_options(c.diff, opts ? opts : &defaults);
	if (rc == RETORT_OK)
		rc = run(&c);
	if (rc == RETORT_OK &&
	    (c.oom || retort_buf_oom(&c.b1) || retort_buf_oom(&c.b2)))
		rc = RETORT_ENOMEM;
	ctx_dispose(&c);
	if (rc < 0) {
		if (rc == RETORT_ENOMEM)
			retort_error_set(err, rc, "diff", "out of memory");
		retort_diff_free(c.diff);
		return rc;
	}
	*out = c.diff;
	return RETORT_OK;
}

size_t retort_diff_count(const retort_diff *diff)
{
	return diff->nops;
}

const retort_diff_op *retort_diff_get(const retort_diff *diff, size_t i)
{
	return i < diff->nops ? &diff->ops[i] : NULL;
}

const retort_schema *retort_diff_from(const retort_diff *diff)
{
	return diff->from;
}

const retort_schema *retort_diff_to(const retort_diff *diff)
{
	return diff->to;
}

const retort_diff_options *retort_diff_options_of(const retort_diff *diff)
{
	return &diff->opts;
}

const char *retort_op_kind_name(retort_op_kind kind)
{
	static const char *const names[] = {
		"add_table",
		"drop_table",
		"rename_table",
		"alter_table_options",
		"alter_primary_key",
		"reorder_columns",
		"add_column",
		"drop_column",
		"rename_column",
		"alter_column",
		"add_index",
		"drop_index",
		"add_unique",
		"drop_unique",
		"add_check",
		"drop_check",
		"add_foreign_key",
		"drop_foreign_key",
		"add_view",
		"drop_view",
		"replace_view",
		"add_trigger",
		"drop_trigger",
		"replace_trigger",
		"add_virtual_table",
		"drop_virtual_table",
		"replace_virtual_table",
	};

	if ((size_t)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

void retort_diff_free(retort_diff *diff)
{
	if (!diff)
		return;
	retort__arena_dispose(&diff->arena);
	retort__free(diff);
}
