/*
** fingerprint.c -- XXH3 fingerprints of the canonical comparison form of
** tables, views, triggers, virtual tables and whole schemas (libdiff,
** bottom layer).  Names are ASCII case folded and expressions are their
** comparison keys, so that cosmetic differences do not count (SPEC §8).
** The exact byte stream is documented in docs/snapshot-format.md.
*/
#include <stdio.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "json_int.h"
#include "model_int.h"
#include "sqltok.h"

/* Tag of the byte stream; change it whenever the stream changes. */
#define FP_MAGIC "retort-fp-1"

/* A hash being computed, and a scratch buffer for comparison keys. */
typedef struct fp {
	XXH3_state_t st; /* streaming XXH3 state */
	retort_buf *tmp; /* scratch for folded expressions (shared) */
} fp;

static void fp_begin(fp *h, retort_buf *tmp, const char *kind)
{
	XXH3_64bits_reset(&h->st);
	h->tmp = tmp;
	XXH3_64bits_update(&h->st, kind, strlen(kind) + 1);
}

/* An item: the tag byte, N bytes of payload, and a NUL terminator. */
static void put_item(fp *h, char tag, const char *z, size_t n)
{
	static const char nul = '\0';

	XXH3_64bits_update(&h->st, &tag, 1);
	if (n)
		XXH3_64bits_update(&h->st, z, n);
	XXH3_64bits_update(&h->st, &nul, 1);
}

/* A string item ('s'), or the null item ('-') when S is NULL. */
static void put_str(fp *h, const char *s)
{
	if (s)
		put_item(h, 's', s, strlen(s));
	else
		put_item(h, '-', NULL, 0);
}

/* A number item ('u' and the decimal digits). */
static void put_uint(fp *h, unsigned long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", v);

	put_item(h, 'u', num, (size_t)n);
}

/* A name: a string item with ASCII letters in lower case (NULL: null). */
static void put_name(fp *h, const char *s)
{
	static const char tag = 's', nul = '\0';
	char chunk[64];
	size_t i = 0;

	if (!s) {
		put_str(h, NULL);
		return;
	}
	XXH3_64bits_update(&h->st, &tag, 1);
	for (; *s; s++) {
		char c = *s;

		chunk[i++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (i == sizeof(chunk)) {
			XXH3_64bits_update(&h->st, chunk, i);
			i = 0;
		}
	}
	XXH3_64bits_update(&h->st, chunk, i);
	XXH3_64bits_update(&h->st, &nul, 1);
}

/* A collation name: folded, and BINARY (the default) counts as none. */
static void put_collate(fp *h, const char *coll)
{
	put_name(h, coll && retort__strcasecmp(coll, "BINARY") ? coll : NULL);
}

/*
** The comparison key of SQL text: its RETORT_NORM_FOLD form in H's
** scratch buffer, or the text itself when it is not SQL (an illegal
** token) or when memory ran out (the hash cannot report failure).
*/
static const char *fold(fp *h, const char *sql)
{
	retort_buf *b = h->tmp;

	retort_buf_clear(b);
	if (retort__sql_normalize(b, sql, strlen(sql), RETORT_NORM_FOLD) !=
		    RETORT_OK ||
	    retort_buf_oom(b)) {
		retort_buf_dispose(b);
		return sql;
	}
	return b->ptr;
}

/* An expression: the null item, or a string item of its comparison key. */
static void put_expr(fp *h, const char *sql)
{
	put_str(h, sql ? fold(h, sql) : NULL);
}

/* True when the token at Z[0..N) is the single punctuation character C. */
static bool is_char(const retort_token *t, char c)
{
	return t->type == RETORT_TK_PUNCT && t->n == 1 && t->z[0] == c;
}

/*
** Length of KEY[0..N) without one pair of outer parentheses that enclose
** all of it, as (start, length) in *OFF and the return value; N when
** there is no such pair.
*/
static size_t strip_parens(const char *key, size_t n, size_t *off)
{
	retort_token t;
	size_t pos = 0, depth = 0;

	*off = 0;
	pos += retort__sql_token(key, n, &t);
	if (!is_char(&t, '('))
		return n;
	depth = 1;
	while (pos < n) {
		pos += retort__sql_token(key + pos, n - pos, &t);
		if (is_char(&t, '('))
			depth++;
		else if (is_char(&t, ')') && --depth == 0)
			break;
	}
	if (depth != 0 || pos != n)
		return n;
	*off = 1;
	return n - 2;
}

/* True when Z[0..N) is a decimal integer in canonical form: "0", or an
 * optional '-' and up to 18 digits with no leading zero. */
static bool canonical_int(const char *z, size_t n)
{
	size_t i = 0;

	if (n && z[0] == '-')
		i++;
	if (i == n || n - i > 18 || (z[i] == '0' && n - i > 1) ||
	    (z[i] == '0' && i == 1))
		return false;
	for (; i < n; i++)
		if (z[i] < '0' || z[i] > '9')
			return false;
	return true;
}

/*
** A column's DEFAULT: its comparison key without outer parentheses
** (DEFAULT (x) is DEFAULT x); NULL is no default; a quoted canonical
** integer ('0') counts as the number (0) under every affinity but BLOB,
** where SQLite stores the same value for both (SPEC §8).
*/
static void put_default(fp *h, const retort_column *c)
{
	const char *key;
	size_t off, n;

	if (!c->default_sql) {
		put_str(h, NULL);
		return;
	}
	key = fold(h, c->default_sql);
	n = strlen(key);
	for (;;) {
		size_t m = strip_parens(key, n, &off);

		if (m == n)
			break;
		key += off;
		n = m;
	}
	if (n == 4 && !memcmp(key, "null", 4)) {
		put_str(h, NULL);
		return;
	}
	if (c->affinity != RETORT_AFFINITY_BLOB && n >= 2 && key[0] == '\'' &&
	    key[n - 1] == '\'' && canonical_int(key + 1, n - 2)) {
		key++;
		n -= 2;
	}
	put_item(h, 's', key, n);
}

/* An enum value as its snapshot name. */
static void put_enum(fp *h, const char *const *names, unsigned v)
{
	put_str(h, retort__json_enum_name(names, v));
}

static void put_column(fp *h, const retort_column *c)
{
	put_name(h, c->name);
	put_expr(h, c->type ? c->type : ""); /* types are token lists too */
	put_enum(h, retort__json_affinity, c->affinity);
	put_uint(h, c->not_null);
	put_enum(
		h, retort__json_conflict,
		c->not_null ? c->not_null_on : RETORT_CONFLICT_DEFAULT);
	put_default(h, c);
	put_collate(h, c->collate);
	put_uint(h, c->pk);
	put_enum(h, retort__json_generated, c->generated);
	put_expr(h, c->generated ? c->generated_sql : NULL);
}

static void put_parts(fp *h, const retort_key_part *p, size_t n)
{
	size_t i;

	put_uint(h, n);
	for (i = 0; i < n; i++) {
		put_name(h, p[i].column);
		put_expr(h, p[i].expr);
		put_collate(h, p[i].collate);
		put_uint(h, p[i].desc);
	}
}

static void put_names(fp *h, const char *const *names, size_t n)
{
	size_t i;

	put_uint(h, n);
	for (i = 0; i < n; i++)
		put_name(h, names[i]);
}

static void put_primary_key(fp *h, const retort_primary_key *pk)
{
	if (!pk) {
		put_str(h, NULL);
		return;
	}
	put_name(h, pk->name);
	put_parts(h, pk->parts, pk->nparts);
	put_enum(h, retort__json_conflict, pk->on_conflict);
	put_uint(h, pk->autoincrement);
}

/* The hash of one constraint (unique, check or foreign key). */
static uint64_t hash_unique(retort_buf *tmp, const retort_unique *u)
{
	fp h;

	fp_begin(&h, tmp, "unique");
	put_name(&h, u->name);
	put_parts(&h, u->parts, u->nparts);
	put_enum(&h, retort__json_conflict, u->on_conflict);
	return XXH3_64bits_digest(&h.st);
}

static uint64_t hash_check(retort_buf *tmp, const retort_check *c)
{
	fp h;

	fp_begin(&h, tmp, "check");
	put_name(&h, c->name);
	put_expr(&h, c->expr);
	return XXH3_64bits_digest(&h.st);
}

static uint64_t hash_fk(retort_buf *tmp, const retort_foreign_key *fk)
{
	fp h;

	fp_begin(&h, tmp, "foreign_key");
	put_name(&h, fk->name);
	put_names(&h, fk->columns, fk->ncolumns);
	put_name(&h, fk->ref_table);
	put_names(&h, fk->ref_columns, fk->nref_columns);
	put_enum(&h, retort__json_action, fk->on_delete);
	put_enum(&h, retort__json_action, fk->on_update);
	put_name(&h, fk->match);
	put_uint(&h, fk->deferred);
	return XXH3_64bits_digest(&h.st);
}

static uint64_t hash_index(retort_buf *tmp, const retort_index *ix)
{
	fp h;

	fp_begin(&h, tmp, "index");
	put_name(&h, ix->name);
	put_name(&h, ix->table);
	put_uint(&h, ix->unique);
	put_parts(&h, ix->parts, ix->nparts);
	put_expr(&h, ix->where);
	return XXH3_64bits_digest(&h.st);
}

/*
** The constraints of a table are a set (their order in the model depends
** on input order when two sort keys tie): each kind goes in as its count
** and the sum, modulo 2^64, of the constraints' own hashes.
*/
static void put_constraints(fp *h, const retort_table *t)
{
	uint64_t sum;
	size_t i;

	for (sum = 0, i = 0; i < t->nuniques; i++)
		sum += hash_unique(h->tmp, &t->uniques[i]);
	put_uint(h, t->nuniques);
	put_uint(h, sum);
	for (sum = 0, i = 0; i < t->nchecks; i++)
		sum += hash_check(h->tmp, &t->checks[i]);
	put_uint(h, t->nchecks);
	put_uint(h, sum);
	for (sum = 0, i = 0; i < t->nforeign_keys; i++)
		sum += hash_fk(h->tmp, &t->foreign_keys[i]);
	put_uint(h, t->nforeign_keys);
	put_uint(h, sum);
}

uint64_t retort__fingerprint_table(const retort_table *t)
{
	retort_buf tmp = RETORT_BUF_INIT;
	uint64_t out;
	size_t i;
	fp h;

	fp_begin(&h, &tmp, "table");
	put_name(&h, t->name);
	put_uint(&h, t->without_rowid);
	put_uint(&h, t->strict);
	put_uint(&h, t->ncolumns);
	for (i = 0; i < t->ncolumns; i++)
		put_column(&h, &t->columns[i]);
	put_primary_key(&h, t->primary_key);
	put_constraints(&h, t);
	put_uint(&h, t->nindexes); /* in name order, names unique */
	for (i = 0; i < t->nindexes; i++)
		put_uint(&h, hash_index(&tmp, &t->indexes[i]));
	out = XXH3_64bits_digest(&h.st);
	retort_buf_dispose(&tmp);
	return out;
}

uint64_t retort__fingerprint_view(const retort_view *v)
{
	retort_buf tmp = RETORT_BUF_INIT;
	uint64_t out;
	fp h;

	fp_begin(&h, &tmp, "view");
	put_name(&h, v->name);
	put_expr(&h, v->sql);
	out = XXH3_64bits_digest(&h.st);
	retort_buf_dispose(&tmp);
	return out;
}

uint64_t retort__fingerprint_trigger(const retort_trigger *t)
{
	retort_buf tmp = RETORT_BUF_INIT;
	uint64_t out;
	fp h;

	fp_begin(&h, &tmp, "trigger");
	put_name(&h, t->name);
	put_name(&h, t->table);
	put_expr(&h, t->sql);
	out = XXH3_64bits_digest(&h.st);
	retort_buf_dispose(&tmp);
	return out;
}

uint64_t retort__fingerprint_vtab(const retort_virtual_table *v)
{
	retort_buf tmp = RETORT_BUF_INIT;
	uint64_t out;
	fp h;

	fp_begin(&h, &tmp, "virtual_table");
	put_name(&h, v->name);
	put_name(&h, v->module);
	put_expr(&h, v->args);
	put_expr(&h, v->sql);
	out = XXH3_64bits_digest(&h.st);
	retort_buf_dispose(&tmp);
	return out;
}

/*
** The schema: the magic, then for each kind (tables, views, triggers,
** virtual tables) the count and each object's fingerprint, in the
** model's order (by case-folded name; names are unique ignoring case).
*/
uint64_t retort__fingerprint_schema(const retort_schema *s)
{
	retort_buf tmp = RETORT_BUF_INIT;
	uint64_t out;
	size_t i;
	fp h;

	fp_begin(&h, &tmp, FP_MAGIC);
	put_uint(&h, s->ntables);
	for (i = 0; i < s->ntables; i++)
		put_uint(&h, s->tables[i].fingerprint);
	put_uint(&h, s->nviews);
	for (i = 0; i < s->nviews; i++)
		put_uint(&h, s->views[i].fingerprint);
	put_uint(&h, s->ntriggers);
	for (i = 0; i < s->ntriggers; i++)
		put_uint(&h, s->triggers[i].fingerprint);
	put_uint(&h, s->nvtabs);
	for (i = 0; i < s->nvtabs; i++)
		put_uint(&h, s->vtabs[i].fingerprint);
	out = XXH3_64bits_digest(&h.st);
	retort_buf_dispose(&tmp);
	return out;
}
