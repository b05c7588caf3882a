/*
** ddl_parse.c -- the token cursor of the DDL parser (introspect layer):
** significant tokens over sqltok.c, keyword and name tests following
** SQLite's parse.y (reserved words, %fallback ID), error messages, and
** normalised spans of the statement copied into the arena.
*/
#include <string.h>

#include "ddl_int.h"

/* Longest piece of input quoted in an error message. */
#define NEAR_MAX 40

/* parse.y's "%fallback ID": keywords that may be used as identifiers
 * (TEMP stands for TEMP and TEMPORARY, LIKE_KW for LIKE, GLOB and REGEXP,
 * CTIME_KW for CURRENT_DATE/TIME/TIMESTAMP), upper case. */
static const char *const fallback_ids[] = {
	"ABORT",        "ACTION",       "AFTER",
	"ALWAYS",       "ANALYZE",      "ASC",
	"ATTACH",       "BEFORE",       "BEGIN",
	"BY",           "CASCADE",      "CAST",
	"COLUMN",       "CONFLICT",     "CURRENT",
	"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
	"DATABASE",     "DEFERRED",     "DESC",
	"DETACH",       "DO",           "EACH",
	"END",          "EXCLUDE",      "EXCLUSIVE",
	"EXPLAIN",      "FAIL",         "FIRST",
	"FOLLOWING",    "FOR",          "GENERATED",
	"GLOB",         "GROUPS",       "IF",
	"IGNORE",       "IMMEDIATE",    "INITIALLY",
	"INSTEAD",      "KEY",          "LAST",
	"LIKE",         "MATCH",        "MATERIALIZED",
	"NO",           "NULLS",        "OF",
	"OFFSET",       "OTHERS",       "PARTITION",
	"PLAN",         "PRAGMA",       "PRECEDING",
	"QUERY",        "RAISE",        "RANGE",
	"RECURSIVE",    "REGEXP",       "REINDEX",
	"RELEASE",      "RENAME",       "REPLACE",
	"RESTRICT",     "ROLLBACK",     "ROW",
	"ROWS",         "SAVEPOINT",    "TEMP",
	"TEMPORARY",    "TIES",         "TRIGGER",
	"UNBOUNDED",    "VACUUM",       "VIEW",
	"VIRTUAL",      "WITH",         "WITHOUT",
};

/* Keywords that parse.y's nm accepts besides ID (INDEXED, JOIN_KW). */
static const char *const name_keywords[] = {
	"CROSS", "FULL",    "INDEXED", "INNER",
	"LEFT",  "NATURAL", "OUTER",   "RIGHT",
};

static bool word_is(const retort_token *t, const char *kw)
{
	return t->type == RETORT_TK_WORD && strlen(kw) == t->n &&
	       !retort__strncasecmp(t->z, kw, t->n);
}

static bool word_in(const retort_token *t, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word_is(t, list[i]))
			return true;
	return false;
}

bool retort_ddl__is_fallback(const retort_token *t)
{
	return word_in(
		t, fallback_ids,
		sizeof(fallback_ids) / sizeof(fallback_ids[0]));
}

void retort_ddl__init(
	ddl_parser *p,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	memset(p, 0, sizeof(*p));
	p->sql = sql ? sql : "";
	p->n = strlen(p->sql);
	p->arena = arena;
	p->what = what;
	p->stmt = "CREATE statement";
	p->err = err;
	retort_ddl__next(p);
}

size_t retort_ddl__start(const ddl_parser *p)
{
	return (size_t)(p->tok.z - p->sql);
}

/* Append up to NEAR_MAX bytes of the current token to why, cut on a
 * UTF-8 character boundary. */
static size_t near_len(const retort_token *t)
{
	size_t n = t->n;

	if (n <= NEAR_MAX)
		return n;
	n = NEAR_MAX;
	while (n > 0 && ((unsigned char)t->z[n] & 0xC0) == 0x80)
		n--;
	return n;
}

int retort_ddl__fail(ddl_parser *p, int code, const char *why)
{
	if (p->rc)
		return p->rc;
	p->rc = code;
	retort_error_set(p->err, code, p->what, "%s in %s", why, p->stmt);
	return p->rc;
}

int retort_ddl__syntax(ddl_parser *p)
{
	const retort_token *t = &p->tok;
	const char *more = near_len(t) < t->n ? "..." : "";

	if (p->rc)
		return p->rc;
	if (t->type == RETORT_TK_EOF)
		return retort_ddl__fail(
			p, RETORT_EINVAL, "unexpected end of input");
	p->rc = RETORT_EINVAL;
	if (t->type == RETORT_TK_ILLEGAL && strchr("\"'`[", t->z[0]))
		retort_error_set(
			p->err, p->rc, p->what,
			"near \"%.*s%s\": unterminated quote in %s",
			(int)near_len(t), t->z, more, p->stmt);
	else if (t->type == RETORT_TK_ILLEGAL)
		retort_error_set(
			p->err, p->rc, p->what,
			"unrecognized token: \"%.*s%s\" in %s",
			(int)near_len(t), t->z, more, p->stmt);
	else
		retort_error_set(
			p->err, p->rc, p->what,
			"near \"%.*s%s\": syntax error in %s", (int)near_len(t),
			t->z, more, p->stmt);
	return p->rc;
}

void retort_ddl__next(ddl_parser *p)
{
	if (p->rc) {
		p->tok.type = RETORT_TK_EOF;
		return;
	}
	p->prev_end = p->pos;
	for (;;) {
		if (p->pos >= p->n) {
			p->tok.type = RETORT_TK_EOF;
			p->tok.z = p->sql + p->n;
			p->tok.n = 0;
			return;
		}
		p->pos += retort__sql_token(
			p->sql + p->pos, p->n - p->pos, &p->tok);
		if (p->tok.type == RETORT_TK_ILLEGAL) {
			retort_ddl__syntax(p);
			return;
		}
		if (p->tok.type != RETORT_TK_SPACE &&
		    p->tok.type != RETORT_TK_COMMENT)
			return;
	}
}

bool retort_ddl__is_kw(const ddl_parser *p, const char *kw)
{
	return word_is(&p->tok, kw);
}

bool retort_ddl__is_punct(const ddl_parser *p, const char *c)
{
	return p->tok.type == RETORT_TK_PUNCT && p->tok.n == strlen(c) &&
	       !memcmp(p->tok.z, c, p->tok.n);
}

bool retort_ddl__accept_kw(ddl_parser *p, const char *kw)
{
	if (!retort_ddl__is_kw(p, kw))
		return false;
	retort_ddl__next(p);
	return true;
}

bool retort_ddl__accept_punct(ddl_parser *p, const char *c)
{
	if (!retort_ddl__is_punct(p, c))
		return false;
	retort_ddl__next(p);
	return true;
}

bool retort_ddl__expect_kw(ddl_parser *p, const char *kw)
{
	if (retort_ddl__accept_kw(p, kw))
		return true;
	retort_ddl__syntax(p);
	return false;
}

bool retort_ddl__expect_punct(ddl_parser *p, const char *c)
{
	if (retort_ddl__accept_punct(p, c))
		return true;
	retort_ddl__syntax(p);
	return false;
}

bool retort_ddl__at_name(const ddl_parser *p)
{
	return retort_ddl__is_name(&p->tok);
}

bool retort_ddl__is_name(const retort_token *t)
{
	if (t->type == RETORT_TK_QUOTED || t->type == RETORT_TK_STRING)
		return true;
	if (t->type != RETORT_TK_WORD)
		return false;
	return !retort__sql_is_keyword(t->z, t->n) ||
	       retort_ddl__is_fallback(t) ||
	       word_in(t, name_keywords,
		       sizeof(name_keywords) / sizeof(name_keywords[0]));
}

/* Copy BUF into the arena (NULL and an error in P when out of memory). */
static const char *arena_copy(ddl_parser *p, retort_buf *buf)
{
	const char *s = NULL;

	if (!retort_buf_oom(buf))
		s = retort__arena_strndup(p->arena, buf->ptr, buf->size);
	retort_buf_dispose(buf);
	if (!s)
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
	return s;
}

const char *retort_ddl__name(ddl_parser *p)
{
	retort_buf buf = RETORT_BUF_INIT;

	if (p->rc)
		return NULL;
	if (!retort_ddl__at_name(p)) {
		retort_ddl__syntax(p);
		return NULL;
	}
	retort__sql_unquote(&buf, &p->tok);
	retort_ddl__next(p);
	return arena_copy(p, &buf);
}

const char *retort_ddl__qualified_name(ddl_parser *p)
{
	const char *name = retort_ddl__name(p);

	if (name && retort_ddl__accept_punct(p, "."))
		name = retort_ddl__name(p);
	return name;
}

bool retort_ddl__group(ddl_parser *p, size_t *start, size_t *end)
{
	size_t depth = 1;

	if (!retort_ddl__is_punct(p, "(")) {
		retort_ddl__syntax(p);
		return false;
	}
	*start = p->pos;
	retort_ddl__next(p);
	while (!p->rc) {
		if (p->tok.type == RETORT_TK_EOF) {
			retort_ddl__syntax(p);
			break;
		}
		if (retort_ddl__is_punct(p, "("))
			depth++;
		else if (retort_ddl__is_punct(p, ")") && --depth == 0) {
			*end = retort_ddl__start(p);
			retort_ddl__next(p);
			return !p->rc;
		}
		retort_ddl__next(p);
	}
	return false;
}

const char *
retort_ddl__norm(ddl_parser *p, size_t start, size_t end, unsigned flags)
{
	retort_buf buf = RETORT_BUF_INIT;
	int rc;

	if (p->rc)
		return NULL;
	rc = retort__sql_normalize(&buf, p->sql + start, end - start, flags);
	if (rc == RETORT_EINVAL) {
		retort_buf_dispose(&buf);
		retort_ddl__fail(p, rc, "unterminated quote");
		return NULL;
	}
	return arena_copy(p, &buf);
}

const char *retort_ddl__strupper(ddl_parser *p, const char *s)
{
	char *u;
	size_t i;

	if (!s)
		return NULL;
	u = retort__arena_strdup(p->arena, s);
	if (!u) {
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; u[i]; i++)
		if (u[i] >= 'a' && u[i] <= 'z')
			u[i] = (char)(u[i] - ('a' - 'A'));
	return u;
}

const char *retort_ddl__upper(ddl_parser *p, size_t start, size_t end)
{
	const char *s = retort_ddl__norm(p, start, end, 0);

	return s ? retort_ddl__strupper(p, s) : NULL;
}

int retort_ddl__finish(ddl_parser *p)
{
	while (retort_ddl__accept_punct(p, ";"))
		;
	if (!p->rc && p->tok.type != RETORT_TK_EOF)
		retort_ddl__syntax(p);
	return p->rc;
}

void *retort_ddl__push(
	ddl_parser *p, void *items, size_t *n, size_t *cap, size_t size)
{
	char *old, *arr;

	memcpy(&old, items, sizeof(old));
	if (p->rc)
		return NULL;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;

		arr = retort__arena_alloc(p->arena, ncap * size);
		if (!arr) {
			retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
			return NULL;
		}
		if (*n)
			memcpy(arr, old, *n * size);
		memcpy(items, &arr, sizeof(arr));
		*cap = ncap;
		old = arr;
	}
	memset(old + *n * size, 0, size);
	return old + (*n)++ * size;
}

bool retort_ddl__create_prefix(ddl_parser *p, const char *kind, bool *unique)
{
	const char *space = strchr(kind, ' ');

	if (unique)
		*unique = false;
	if (!retort_ddl__expect_kw(p, "CREATE"))
		return false;
	if (!retort_ddl__accept_kw(p, "TEMP"))
		retort_ddl__accept_kw(p, "TEMPORARY");
	if (unique && retort_ddl__accept_kw(p, "UNIQUE"))
		*unique = true;
	if (space) {
		char first[16];
		size_t n = (size_t)(space - kind);

		if (n >= sizeof(first))
			n = sizeof(first) - 1;
		memcpy(first, kind, n);
		first[n] = '\0';
		if (!retort_ddl__expect_kw(p, first))
			return false;
		kind = space + 1;
	}
	if (!retort_ddl__expect_kw(p, kind))
		return false;
	if (retort_ddl__is_kw(p, "IF")) {
		retort_token next;

		retort_ddl__peek(p, &next);
		if (!word_is(&next, "NOT"))
			return !p->rc; /* a table named "if" */
		retort_ddl__next(p);
		retort_ddl__expect_kw(p, "NOT");
		retort_ddl__expect_kw(p, "EXISTS");
	}
	return !p->rc;
}

void retort_ddl__peek(const ddl_parser *p, retort_token *out)
{
	size_t pos = p->pos;

	out->type = RETORT_TK_EOF;
	out->z = p->sql + p->n;
	out->n = 0;
	while (pos < p->n) {
		pos += retort__sql_token(p->sql + pos, p->n - pos, out);
		if (out->type != RETORT_TK_SPACE &&
		    out->type != RETORT_TK_COMMENT)
			return;
	}
	out->type = RETORT_TK_EOF;
	out->z = p->sql + p->n;
	out->n = 0;
}

const char *retort_ddl__collate(ddl_parser *p, bool *ok)
{
	const char *name;

	*ok = true;
	if (!retort_ddl__accept_kw(p, "COLLATE"))
		return NULL;
	name = retort_ddl__strupper(p, retort_ddl__name(p));
	if (!name) {
		*ok = false;
		return NULL;
	}
	return strcmp(name, "BINARY") ? name : NULL;
}

/* True when token T ends a key part: ',' or ')' (or AUTOINCREMENT when
 * AUTOINC allows it), or the end of input. */
static bool ends_part(const retort_token *t, bool autoinc)
{
	if (t->type == RETORT_TK_EOF)
		return true;
	if (t->type == RETORT_TK_PUNCT && t->n == 1 &&
	    (t->z[0] == ',' || t->z[0] == ')'))
		return true;
	return autoinc && word_is(t, "AUTOINCREMENT");
}

/* The term of one key part: what it is, where its text lies. */
struct term {
	size_t start, end;   /* its text */
	size_t ntok;         /* tokens it has */
	retort_token first;  /* its first token */
	bool collate_at_end; /* a COLLATE name just ended it */
};

/* Consume one token (a whole group for '(') into the term T. */
static void term_take(ddl_parser *p, struct term *t)
{
	size_t a, b;

	if (!t->ntok)
		t->first = p->tok;
	t->ntok++;
	if (retort_ddl__is_punct(p, "("))
		retort_ddl__group(p, &a, &b);
	else
		retort_ddl__next(p);
	t->end = p->prev_end;
}

/* Parse one key part into KP. */
static bool key_part(ddl_parser *p, retort_key_part *kp, bool autoinc)
{
	struct term t = { retort_ddl__start(p),
			  retort_ddl__start(p),
			  0,
			  { RETORT_TK_EOF, NULL, 0 },
			  false };
	retort_token next;
	bool ok = true;

	while (!p->rc && !ends_part(&p->tok, autoinc)) {
		retort_ddl__peek(p, &next);
		if (t.ntok && retort_ddl__is_kw(p, "COLLATE")) {
			kp->collate = retort_ddl__collate(p, &ok);
			if (ends_part(&p->tok, autoinc) ||
			    retort_ddl__is_kw(p, "ASC") ||
			    retort_ddl__is_kw(p, "DESC"))
				break;
			kp->collate = NULL; /* inside the expression */
			t.ntok++;
			t.end = p->prev_end;
			continue;
		}
		if (t.ntok &&
		    (retort_ddl__is_kw(p, "ASC") ||
		     retort_ddl__is_kw(p, "DESC")) &&
		    ends_part(&next, autoinc))
			break;
		term_take(p, &t);
	}
	if (p->rc || !ok)
		return false;
	if (!t.ntok)
		return retort_ddl__syntax(p) == RETORT_OK;
	if (retort_ddl__accept_kw(p, "DESC"))
		kp->desc = true;
	else
		retort_ddl__accept_kw(p, "ASC");
	if (t.ntok == 1 && retort_ddl__is_name(&t.first)) {
		retort_buf buf = RETORT_BUF_INIT;

		retort__sql_unquote(&buf, &t.first);
		kp->column = arena_copy(p, &buf);
	} else {
		kp->expr = retort_ddl__norm(p, t.start, t.end, 0);
	}
	return !p->rc;
}

bool retort_ddl__key_parts(
	ddl_parser *p, retort_key_part **parts, size_t *nparts, bool *autoinc)
{
	size_t cap = 0;

	*parts = NULL;
	*nparts = 0;
	if (autoinc)
		*autoinc = false;
	do {
		retort_key_part *kp = retort_ddl__push(
			p, parts, nparts, &cap, sizeof(**parts));

		if (!kp || !key_part(p, kp, autoinc != NULL))
			return false;
	} while (retort_ddl__accept_punct(p, ","));
	if (autoinc && retort_ddl__accept_kw(p, "AUTOINCREMENT"))
		*autoinc = true;
	return !p->rc;
}
