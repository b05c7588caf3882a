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

/* A hash being computed (no allocation: a fingerprint cannot fail). */
typedef struct fp {
	XXH3_state_t st; /* streaming XXH3 state */
} fp;

static void fp_begin(fp *h, const char *kind)
{
	XXH3_64bits_reset(&h->st);
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

/* The ASCII lower case of C. */
static char lower(char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
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

		chunk[i++] = lower(c);
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
** An identifier token: tag 'i', the name it stands for (quotes removed,
** doubled quotes undone) in lower case, NUL.  Streamed through a small
** buffer: fingerprints never allocate, so they cannot fail.
*/
static void put_ident_token(fp *h, const retort_token *t)
{
	static const char tag = 'i', nul = '\0';
	const char *z = t->z, *end = t->z + t->n;
	char chunk[64], close = 0;
	size_t i = 0;

	if (t->type == RETORT_TK_QUOTED && t->n >= 2) {
		close = z[0] == '[' ? ']' : z[0];
		z++;
		end--;
	}
	XXH3_64bits_update(&h->st, &tag, 1);
	for (; z < end; z++) {
		if (close != ']' && close && *z == close && z + 1 < end)
			z++; /* a doubled quote stands for one */
		chunk[i++] = lower(*z);
		if (i == sizeof(chunk)) {
			XXH3_64bits_update(&h->st, chunk, i);
			i = 0;
		}
	}
	XXH3_64bits_update(&h->st, chunk, i);
	XXH3_64bits_update(&h->st, &nul, 1);
}

/* A token other than an identifier: TAG and its text, lower-cased when
 * LOWER (keywords, numbers, blobs), NUL. */
static void put_text_token(fp *h, char tag, const retort_token *t, bool low)
{
	static const char nul = '\0';
	char chunk[64];
	size_t i, k = 0;

	XXH3_64bits_update(&h->st, &tag, 1);
	for (i = 0; i < t->n; i++) {
		chunk[k++] = low ? lower(t->z[i]) : t->z[i];
		if (k == sizeof(chunk)) {
			XXH3_64bits_update(&h->st, chunk, k);
			k = 0;
		}
	}
	XXH3_64bits_update(&h->st, chunk, k);
	XXH3_64bits_update(&h->st, &nul, 1);
}

/* TRUE and FALSE are not keywords to SQLite's tokenizer, but a bare one
 * is a value and a quoted one a name (as in retort__sql_normalize). */
static bool is_keyword(const retort_token *t)
{
	return retort__sql_is_keyword(t->z, t->n) ||
	       (t->n == 4 && !retort__strncasecmp(t->z, "true", 4)) ||
	       (t->n == 5 && !retort__strncasecmp(t->z, "false", 5));
}

/*
** One significant token of an expression, as the comparison key
** (RETORT_NORM_FOLD) has it: keywords 'k', identifiers 'i' (unquoted),
** both lower case; strings 's' and variables 'v' as written; numbers 'n'
** and blobs 'b' lower case; punctuation 'p'; anything else '!'.
*/
static void put_token(fp *h, const retort_token *t)
{
	switch (t->type) {
	case RETORT_TK_WORD:
		if (is_keyword(t))
			put_text_token(h, 'k', t, true);
		else
			put_ident_token(h, t);
		break;
	case RETORT_TK_QUOTED:
		put_ident_token(h, t);
		break;
	case RETORT_TK_STRING:
		put_text_token(h, 's', t, false);
		break;
	case RETORT_TK_NUMBER:
		put_text_token(h, 'n', t, true);
		break;
	case RETORT_TK_BLOB:
		put_text_token(h, 'b', t, true);
		break;
	case RETORT_TK_VARIABLE:
		put_text_token(h, 'v', t, false);
		break;
	case RETORT_TK_PUNCT:
		put_text_token(h, 'p', t, false);
		break;
	default:
		put_text_token(h, '!', t, false);
		break;
	}
}

/* The next significant token of Z[*POS..N) into T; false at the end. */
static bool next_token(const char *z, size_t n, size_t *pos, retort_token *t)
{
	while (*pos < n) {
		*pos += retort__sql_token(z + *pos, n - *pos, t);
		if (t->type != RETORT_TK_SPACE && t->type != RETORT_TK_COMMENT)
			return true;
	}
	return false;
}

/* The tokens of Z[START..END) between the items 'e' and 'E'. */
static void put_tokens(fp *h, const char *z, size_t start, size_t end)
{
	retort_token t;
	size_t pos = start;

	put_item(h, 'e', NULL, 0);
	while (next_token(z, end, &pos, &t))
		put_token(h, &t);
	put_item(h, 'E', NULL, 0);
}

/* An expression: the null item, or its significant tokens. */
static void put_expr(fp *h, const char *sql)
{
	if (!sql)
		put_str(h, NULL);
	else
		put_tokens(h, sql, 0, strlen(sql));
}

/* True when T is the single punctuation character C. */
static bool is_char(const retort_token *t, char c)
{
	return t->type == RETORT_TK_PUNCT && t->n == 1 && t->z[0] == c;
}

/*
** When Z[*START..*END) is "( ... )" with the first parenthesis closed by
** the last, narrow the range to the inside and return true.
*/
static bool strip_parens(const char *z, size_t *start, size_t *end)
{
	retort_token t;
	size_t pos = *start, inner, close = 0;
	long depth = 0;

	if (!next_token(z, *end, &pos, &t) || !is_char(&t, '('))
		return false;
	inner = pos;
	depth = 1;
	while (depth && next_token(z, *end, &pos, &t)) {
		if (is_char(&t, '('))
			depth++;
		else if (is_char(&t, ')') && --depth == 0)
			close = (size_t)(t.z - z);
	}
	if (depth || next_token(z, *end, &pos, &t))
		return false;
	*start = inner;
	*end = close;
	return true;
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
** A DEFAULT whose only token is T: NULL is no default; a quoted canonical
** integer ('0', '-5') counts as the number (0, -5) under every affinity
** but BLOB, where SQLite stores the same value for both (SPEC §8).
** Returns false for any other single token.
*/
static bool put_default_token(fp *h, const retort_token *t, retort_affinity a)
{
	retort_token num;

	if (t->type == RETORT_TK_WORD && t->n == 4 &&
	    !retort__strncasecmp(t->z, "null", 4)) {
		put_str(h, NULL);
		return true;
	}
	if (a == RETORT_AFFINITY_BLOB || t->type != RETORT_TK_STRING ||
	    t->n < 2 || !canonical_int(t->z + 1, t->n - 2))
		return false;
	num.type = RETORT_TK_NUMBER;
	num.z = t->z + 1;
	num.n = t->n - 2;
	put_item(h, 'e', NULL, 0);
	if (num.z[0] == '-') {
		put_item(h, 'p', "-", 1);
		num.z++;
		num.n--;
	}
	put_token(h, &num);
	put_item(h, 'E', NULL, 0);
	return true;
}

/* A column's DEFAULT: its tokens without outer parentheses (DEFAULT (x)
 * is DEFAULT x), with the single-token rules above. */
static void put_default(fp *h, const retort_column *c)
{
	const char *z = c->default_sql;
	size_t start = 0, end, pos;
	retort_token t, t2;

	if (!z) {
		put_str(h, NULL);
		return;
	}
	end = strlen(z);
	while (strip_parens(z, &start, &end))
		;
	pos = start;
	if (next_token(z, end, &pos, &t) && !next_token(z, end, &pos, &t2) &&
	    put_default_token(h, &t, c->affinity))
		return;
	put_tokens(h, z, start, end);
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

/*
** Key parts of table T: a part on a column without its own COLLATE uses
** the column's collation (as SQLite does), so both spellings hash alike.
*/
static void
put_parts(fp *h, const retort_key_part *p, size_t n, const retort_table *t)
{
	const retort_column *c;
	size_t i;

	put_uint(h, n);
	for (i = 0; i < n; i++) {
		const char *coll = p[i].collate;

		if (!coll && p[i].column &&
		    (c = retort_table_find_column(t, p[i].column)) != NULL)
			coll = c->collate;
		put_name(h, p[i].column);
		put_expr(h, p[i].expr);
		put_collate(h, coll);
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

static void put_primary_key(fp *h, const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;

	if (!pk) {
		put_str(h, NULL);
		return;
	}
	put_name(h, pk->name);
	put_parts(h, pk->parts, pk->nparts, t);
	put_enum(h, retort__json_conflict, pk->on_conflict);
	put_uint(h, pk->autoincrement);
}

/* The hash of one constraint (unique, check or foreign key). */
static uint64_t hash_unique(const retort_unique *u, const retort_table *t)
{
	fp h;

	fp_begin(&h, "unique");
	put_name(&h, u->name);
	put_parts(&h, u->parts, u->nparts, t);
	put_enum(&h, retort__json_conflict, u->on_conflict);
	return XXH3_64bits_digest(&h.st);
}

static uint64_t hash_check(const retort_check *c)
{
	fp h;

	fp_begin(&h, "check");
	put_name(&h, c->name);
	put_expr(&h, c->expr);
	return XXH3_64bits_digest(&h.st);
}

static uint64_t hash_fk(const retort_foreign_key *fk)
{
	fp h;

	fp_begin(&h, "foreign_key");
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

static uint64_t hash_index(const retort_index *ix, const retort_table *t)
{
	fp h;

	fp_begin(&h, "index");
	put_name(&h, ix->name);
	put_name(&h, ix->table);
	put_uint(&h, ix->unique);
	put_parts(&h, ix->parts, ix->nparts, t);
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
		sum += hash_unique(&t->uniques[i], t);
	put_uint(h, t->nuniques);
	put_uint(h, sum);
	for (sum = 0, i = 0; i < t->nchecks; i++)
		sum += hash_check(&t->checks[i]);
	put_uint(h, t->nchecks);
	put_uint(h, sum);
	for (sum = 0, i = 0; i < t->nforeign_keys; i++)
		sum += hash_fk(&t->foreign_keys[i]);
	put_uint(h, t->nforeign_keys);
	put_uint(h, sum);
}

uint64_t retort__fingerprint_table(const retort_table *t)
{
	uint64_t out;
	size_t i;
	fp h;

	fp_begin(&h, "table");
	put_name(&h, t->name);
	put_uint(&h, t->without_rowid);
	put_uint(&h, t->strict);
	put_uint(&h, t->ncolumns);
	for (i = 0; i < t->ncolumns; i++)
		put_column(&h, &t->columns[i]);
	put_primary_key(&h, t);
	put_constraints(&h, t);
	put_uint(&h, t->nindexes); /* in name order, names unique */
	for (i = 0; i < t->nindexes; i++)
		put_uint(&h, hash_index(&t->indexes[i], t));
	out = XXH3_64bits_digest(&h.st);
	return out;
}

uint64_t retort__fingerprint_view(const retort_view *v)
{
	uint64_t out;
	fp h;

	fp_begin(&h, "view");
	put_name(&h, v->name);
	put_expr(&h, v->sql);
	out = XXH3_64bits_digest(&h.st);
	return out;
}

uint64_t retort__fingerprint_trigger(const retort_trigger *t)
{
	uint64_t out;
	fp h;

	fp_begin(&h, "trigger");
	put_name(&h, t->name);
	put_name(&h, t->table);
	put_expr(&h, t->sql);
	out = XXH3_64bits_digest(&h.st);
	return out;
}

uint64_t retort__fingerprint_vtab(const retort_virtual_table *v)
{
	uint64_t out;
	fp h;

	fp_begin(&h, "virtual_table");
	put_name(&h, v->name);
	put_name(&h, v->module);
	put_expr(&h, v->args);
	put_expr(&h, v->sql);
	out = XXH3_64bits_digest(&h.st);
	return out;
}

/*
** The schema: the magic, then for each kind (tables, views, triggers,
** virtual tables) the count and each object's fingerprint, in the
** model's order (by case-folded name; names are unique ignoring case).
*/
uint64_t retort__fingerprint_schema(const retort_schema *s)
{
	uint64_t out;
	size_t i;
	fp h;

	fp_begin(&h, FP_MAGIC);
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
	return out;
}
