/*
** model.c -- the schema container: building, canonical order, lookups
** (libdiff, bottom layer).
*/
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "sqltok.h"

retort_schema *retort_schema__new(void)
{
	return retort__calloc(1, sizeof(retort_schema));
}

/* Grow *ARR (of *ALLOC elements of SIZE bytes) to hold one more. */
static void *add_slot(void **arr, size_t *count, size_t *alloc, size_t size)
{
	char *p;

	if (*count == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 16;

		p = retort__realloc(*arr, n * size);
		if (!p)
			return NULL;
		*arr = p;
		*alloc = n;
	}
	p = (char *)*arr + (*count)++ * size;
	memset(p, 0, size);
	return p;
}

#define ADD_SLOT(s, arr, n, a)                                                 \
 add_slot((void **)&(s)->arr, &(s)->n, &(s)->a, sizeof(*(s)->arr))

retort_table *retort_schema__add_table(retort_schema *s)
{
	return ADD_SLOT(s, tables, ntables, atables);
}

retort_view *retort_schema__add_view(retort_schema *s)
{
	return ADD_SLOT(s, views, nviews, aviews);
}

retort_trigger *retort_schema__add_trigger(retort_schema *s)
{
	return ADD_SLOT(s, triggers, ntriggers, atriggers);
}

retort_virtual_table *retort_schema__add_virtual_table(retort_schema *s)
{
	return ADD_SLOT(s, vtabs, nvtabs, avtabs);
}

void retort_schema_free(retort_schema *s)
{
	if (!s)
		return;
	retort__arena_dispose(&s->arena);
	retort__free(s->tables);
	retort__free(s->views);
	retort__free(s->triggers);
	retort__free(s->vtabs);
	retort__free(s);
}

const char *retort_schema__fold(retort_schema *s, const char *expr)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *key;

	if (!expr)
		return "";
	if (retort__sql_normalize(&b, expr, strlen(expr), RETORT_NORM_FOLD) ==
	    RETORT_EINVAL) {
		retort_buf_clear(&b);
		retort_buf_puts(&b, expr); /* not SQL: compare the text */
	}
	key = retort_buf_oom(&b)
		      ? NULL
		      : retort__arena_strndup(&s->arena, b.ptr, b.size);
	retort_buf_dispose(&b);
	return key;
}

/* qsort() for N records at BASE; BASE may be NULL when N < 2 (qsort's
 * arguments must not be NULL even for no records). */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Names compare with ASCII case folded, then byte by byte, so that the
 * order is total and does not depend on input order. */
static int name_cmp(const char *a, const char *b)
{
	int d = retort__strcasecmp(a, b);

	return d ? d : strcmp(a, b);
}

static int name_ptr_cmp(const void *a, const void *b)
{
	return name_cmp(*(const char *const *)a, *(const char *const *)b);
}

static int table_cmp(const void *a, const void *b)
{
	return name_cmp(
		((const retort_table *)a)->name,
		((const retort_table *)b)->name);
}

static int view_cmp(const void *a, const void *b)
{
	return name_cmp(
		((const retort_view *)a)->name, ((const retort_view *)b)->name);
}

static int trigger_cmp(const void *a, const void *b)
{
	return name_cmp(
		((const retort_trigger *)a)->name,
		((const retort_trigger *)b)->name);
}

static int vtab_cmp(const void *a, const void *b)
{
	return name_cmp(
		((const retort_virtual_table *)a)->name,
		((const retort_virtual_table *)b)->name);
}

static int index_cmp(const void *a, const void *b)
{
	return name_cmp(
		((const retort_index *)a)->name,
		((const retort_index *)b)->name);
}

/* A record and its sort key, for sorting constraints by content. */
struct keyed {
	const char *key; /* comparison key (arena) */
	size_t i;        /* index of the record */
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	return d ? d : (x->i > y->i) - (x->i < y->i);
}

static void put_parts(retort_buf *b, const retort_key_part *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *c = p[i].column ? p[i].column : p[i].expr;

		for (; *c; c++)
			retort_buf_putc(
				b, (char)((*c >= 'A' && *c <= 'Z') ? *c + 32
								   : *c));
		retort_buf_printf(
			b, "\x1f%s\x1f%d\x1e", p[i].collate ? p[i].collate : "",
			p[i].desc);
	}
}

/* Sort N records of SIZE bytes at ARR by KEYS (computed by the caller). */
static int sort_by_keys(
	retort_schema *s, void *arr, size_t n, size_t size, struct keyed *keys)
{
	char *copy;
	size_t i;

	qsort(keys, n, sizeof(*keys), keyed_cmp);
	copy = retort__arena_memdup(&s->arena, arr, n * size);
	if (!copy)
		return RETORT_ENOMEM;
	for (i = 0; i < n; i++)
		memcpy((char *)arr + i * size, copy + keys[i].i * size, size);
	return RETORT_OK;
}

/* Compute the key of constraint I of kind KIND into B. */
static void constraint_key(
	retort_schema *s,
	retort_buf *b,
	const retort_table *t,
	int kind,
	size_t i)
{
	size_t j;

	retort_buf_clear(b);
	if (kind == 0) {
		put_parts(b, t->uniques[i].parts, t->uniques[i].nparts);
	} else if (kind == 1) {
		const char *k = retort_schema__fold(s, t->checks[i].expr);

		retort_buf_puts(b, k ? k : "");
	} else {
		const retort_foreign_key *fk = &t->foreign_keys[i];

		for (j = 0; j < fk->ncolumns; j++)
			retort_buf_printf(b, "%s\x1f", fk->columns[j]);
		retort_buf_printf(b, "\x1e%s\x1e", fk->ref_table);
		for (j = 0; j < fk->nref_columns; j++)
			retort_buf_printf(b, "%s\x1f", fk->ref_columns[j]);
		for (j = 0; j < b->size; j++)
			if (b->ptr[j] >= 'A' && b->ptr[j] <= 'Z')
				b->ptr[j] += 32;
	}
}

/* Sort the uniques (kind 0), checks (1) or foreign keys (2) of T. */
static int sort_constraints(retort_schema *s, retort_table *t, int kind)
{
	size_t n = kind == 0   ? t->nuniques
		   : kind == 1 ? t->nchecks
			       : t->nforeign_keys;
	size_t size = kind == 0   ? sizeof(retort_unique)
		      : kind == 1 ? sizeof(retort_check)
				  : sizeof(retort_foreign_key);
	void *arr = kind == 0   ? (void *)t->uniques
		    : kind == 1 ? (void *)t->checks
				: (void *)t->foreign_keys;
	retort_buf b = RETORT_BUF_INIT;
	struct keyed *keys;
	size_t i;
	int rc = RETORT_OK;

	if (n < 2)
		return RETORT_OK;
	keys = retort__arena_alloc(&s->arena, n * sizeof(*keys));
	if (!keys)
		return RETORT_ENOMEM;
	for (i = 0; i < n; i++) {
		constraint_key(s, &b, t, kind, i);
		keys[i].i = i;
		keys[i].key = retort__arena_strndup(&s->arena, b.ptr, b.size);
		if (!keys[i].key || retort_buf_oom(&b))
			rc = RETORT_ENOMEM;
	}
	retort_buf_dispose(&b);
	return rc ? rc : sort_by_keys(s, arr, n, size, keys);
}

static retort_column *find_column(retort_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (!retort__strcasecmp(t->columns[i].name, name))
			return (retort_column *)&t->columns[i];
	return NULL;
}

/* Fill the columns' pk positions from T's primary key. */
static int fill_pk(retort_table *t, const char *what, retort_error *err)
{
	const retort_primary_key *pk = t->primary_key;
	size_t i;

	if (!pk)
		return RETORT_OK;
	for (i = 0; i < pk->nparts; i++) {
		retort_column *c = pk->parts[i].column
					   ? find_column(t, pk->parts[i].column)
					   : NULL;

		if (!c)
			return retort_error_set(
				err, RETORT_EINVAL, what,
				"primary key of table '%s' names no column of it",
				t->name);
		c->pk = (unsigned)i + 1;
	}
	return RETORT_OK;
}

/* Resolve FKs that omit the parent columns to the parent's PK columns. */
static int resolve_fks(retort_schema *s, retort_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nforeign_keys; i++) {
		retort_foreign_key *fk =
			(retort_foreign_key *)&t->foreign_keys[i];
		const retort_table *p;
		const char **cols;

		if (fk->nref_columns)
			continue;
		p = retort_schema_find_table(s, fk->ref_table);
		if (!p || !p->primary_key ||
		    p->primary_key->nparts != fk->ncolumns)
			continue;
		cols = retort__arena_alloc(
			&s->arena, p->primary_key->nparts * sizeof(*cols));
		if (!cols)
			return RETORT_ENOMEM;
		for (j = 0; j < p->primary_key->nparts; j++)
			cols[j] = p->primary_key->parts[j].column;
		fk->ref_columns = cols;
		fk->nref_columns = p->primary_key->nparts;
	}
	return RETORT_OK;
}

/* Report the first two names of ARR (sorted) that are equal ignoring
 * case: SQLite would not have let both exist. */
static int check_unique_names(
	const char *const *names,
	size_t n,
	const char *kind,
	const char *what,
	retort_error *err)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!retort__strcasecmp(names[i - 1], names[i]))
			return retort_error_set(
				err, RETORT_EINVAL, what, "two %ss named '%s'",
				kind, names[i]);
	return RETORT_OK;
}

static int finish_table(
	retort_schema *s, retort_table *t, const char *what, retort_error *err)
{
	int rc, k;

	sort((void *)t->indexes, t->nindexes, sizeof(retort_index), index_cmp);
	for (k = 0; k < 3; k++)
		if ((rc = sort_constraints(s, t, k)) < 0)
			return retort_error_set(err, rc, what, "out of memory");
	return fill_pk(t, what, err);
}

/* Every object name of S (tables, views, vtabs, indexes, triggers) must
 * be unique ignoring case: they share one namespace in SQLite. */
static int check_names(retort_schema *s, const char *what, retort_error *err)
{
	size_t n = s->ntables + s->nviews + s->nvtabs, i, j, k = 0;
	const char **names;
	int rc;

	for (i = 0; i < s->ntables; i++)
		n += s->tables[i].nindexes;
	names = retort__malloc((n + s->ntriggers + 1) * sizeof(*names));
	if (!names)
		return retort_error_set(
			err, RETORT_ENOMEM, what, "out of memory");
	for (i = 0; i < s->ntables; i++) {
		names[k++] = s->tables[i].name;
		for (j = 0; j < s->tables[i].nindexes; j++)
			names[k++] = s->tables[i].indexes[j].name;
	}
	for (i = 0; i < s->nviews; i++)
		names[k++] = s->views[i].name;
	for (i = 0; i < s->nvtabs; i++)
		names[k++] = s->vtabs[i].name;
	sort(names, k, sizeof(*names), name_ptr_cmp);
	rc = check_unique_names(names, k, "object", what, err);
	for (i = 0; rc == RETORT_OK && i < s->ntriggers; i++)
		names[i] = s->triggers[i].name;
	if (rc == RETORT_OK)
		rc = check_unique_names(
			names, s->ntriggers, "trigger", what, err);
	retort__free(names);
	return rc;
}

int retort_schema__finish(retort_schema *s, const char *what, retort_error *err)
{
	size_t i;
	int rc;

	sort(s->tables, s->ntables, sizeof(*s->tables), table_cmp);
	sort(s->views, s->nviews, sizeof(*s->views), view_cmp);
	sort(s->triggers, s->ntriggers, sizeof(*s->triggers), trigger_cmp);
	sort(s->vtabs, s->nvtabs, sizeof(*s->vtabs), vtab_cmp);
	if ((rc = check_names(s, what, err)) < 0)
		return rc;
	for (i = 0; i < s->ntables; i++) {
		if ((rc = finish_table(s, &s->tables[i], what, err)) < 0)
			return rc;
		if ((rc = resolve_fks(s, &s->tables[i])) < 0)
			return retort_error_set(err, rc, what, "out of memory");
	}
	/* FK columns resolved above change the order keys: sort again */
	for (i = 0; i < s->ntables; i++) {
		if ((rc = sort_constraints(s, &s->tables[i], 2)) < 0)
			return retort_error_set(err, rc, what, "out of memory");
		s->tables[i].fingerprint =
			retort__fingerprint_table(&s->tables[i]);
	}
	for (i = 0; i < s->nviews; i++)
		s->views[i].fingerprint =
			retort__fingerprint_view(&s->views[i]);
	for (i = 0; i < s->ntriggers; i++)
		s->triggers[i].fingerprint =
			retort__fingerprint_trigger(&s->triggers[i]);
	for (i = 0; i < s->nvtabs; i++)
		s->vtabs[i].fingerprint =
			retort__fingerprint_vtab(&s->vtabs[i]);
	s->fingerprint = retort__fingerprint_schema(s);
	return RETORT_OK;
}

uint64_t retort_schema_fingerprint(const retort_schema *s)
{
	return s->fingerprint;
}

void retort_fingerprint_format(char buf[22], uint64_t fp)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	memcpy(buf, "xxh3:", 5);
	for (i = 0; i < 16; i++)
		buf[5 + i] = hex[(fp >> (60 - 4 * i)) & 0xf];
	buf[21] = '\0';
}

size_t retort_schema_ntables(const retort_schema *s)
{
	return s->ntables;
}

const retort_table *retort_schema_table(const retort_schema *s, size_t i)
{
	return i < s->ntables ? &s->tables[i] : NULL;
}

size_t retort_schema_nviews(const retort_schema *s)
{
	return s->nviews;
}

const retort_view *retort_schema_view(const retort_schema *s, size_t i)
{
	return i < s->nviews ? &s->views[i] : NULL;
}

size_t retort_schema_ntriggers(const retort_schema *s)
{
	return s->ntriggers;
}

const retort_trigger *retort_schema_trigger(const retort_schema *s, size_t i)
{
	return i < s->ntriggers ? &s->triggers[i] : NULL;
}

size_t retort_schema_nvirtual_tables(const retort_schema *s)
{
	return s->nvtabs;
}

const retort_virtual_table *
retort_schema_virtual_table(const retort_schema *s, size_t i)
{
	return i < s->nvtabs ? &s->vtabs[i] : NULL;
}

/*
** Binary search for NAME (case folded) in ARR, sorted by name_cmp; every
** record starts with its name pointer.
*/
static const void *
find_named(const void *arr, size_t n, size_t size, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *const *rec =
			(const char *const *)((const char *)arr + mid * size);
		int d = retort__strcasecmp(name, *rec);

		if (d == 0)
			return rec;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const retort_table *
retort_schema_find_table(const retort_schema *s, const char *name)
{
	return find_named(s->tables, s->ntables, sizeof(*s->tables), name);
}

const retort_view *
retort_schema_find_view(const retort_schema *s, const char *name)
{
	return find_named(s->views, s->nviews, sizeof(*s->views), name);
}

const retort_trigger *
retort_schema_find_trigger(const retort_schema *s, const char *name)
{
	return find_named(
		s->triggers, s->ntriggers, sizeof(*s->triggers), name);
}

const retort_virtual_table *
retort_schema_find_virtual_table(const retort_schema *s, const char *name)
{
	return find_named(s->vtabs, s->nvtabs, sizeof(*s->vtabs), name);
}

const retort_column *
retort_table_find_column(const retort_table *t, const char *name)
{
	return find_column((retort_table *)t, name);
}

/* True when the upper-cased TYPE contains WORD. */
static bool type_has(const char *type, const char *word)
{
	size_t n = strlen(word);

	for (; *type; type++)
		if (!retort__strncasecmp(type, word, n))
			return true;
	return false;
}

retort_affinity retort__affinity_of(const char *type)
{
	if (!type || !*type)
		return RETORT_AFFINITY_BLOB;
	if (type_has(type, "INT"))
		return RETORT_AFFINITY_INTEGER;
	if (type_has(type, "CHAR") || type_has(type, "CLOB") ||
	    type_has(type, "TEXT"))
		return RETORT_AFFINITY_TEXT;
	if (type_has(type, "BLOB"))
		return RETORT_AFFINITY_BLOB;
	if (type_has(type, "REAL") || type_has(type, "FLOA") ||
	    type_has(type, "DOUB"))
		return RETORT_AFFINITY_REAL;
	return RETORT_AFFINITY_NUMERIC;
}
