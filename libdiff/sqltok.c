/*
** sqltok.c -- SQLite tokenizer rules and expression normalisation
** (libdiff, bottom layer).  The token classes follow SQLite's
** src/tokenize.c; the keyword list is SQLite's (sqlite3_keyword_name()).
*/
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/* SQLite's 147 keywords, upper case, sorted for bsearch. */
static const char *const keywords[] = {
	"ABORT",
	"ACTION",
	"ADD",
	"AFTER",
	"ALL",
	"ALTER",
	"ALWAYS",
	"ANALYZE",
	"AND",
	"AS",
	"ASC",
	"ATTACH",
	"AUTOINCREMENT",
	"BEFORE",
	"BEGIN",
	"BETWEEN",
	"BY",
	"CASCADE",
	"CASE",
	"CAST",
	"CHECK",
	"COLLATE",
	"COLUMN",
	"COMMIT",
	"CONFLICT",
	"CONSTRAINT",
	"CREATE",
	"CROSS",
	"CURRENT",
	"CURRENT_DATE",
	"CURRENT_TIME",
	"CURRENT_TIMESTAMP",
	"DATABASE",
	"DEFAULT",
	"DEFERRABLE",
	"DEFERRED",
	"DELETE",
	"DESC",
	"DETACH",
	"DISTINCT",
	"DO",
	"DROP",
	"EACH",
	"ELSE",
	"END",
	"ESCAPE",
	"EXCEPT",
	"EXCLUDE",
	"EXCLUSIVE",
	"EXISTS",
	"EXPLAIN",
	"FAIL",
	"FILTER",
	"FIRST",
	"FOLLOWING",
	"FOR",
	"FOREIGN",
	"FROM",
	"FULL",
	"GENERATED",
	"GLOB",
	"GROUP",
	"GROUPS",
	"HAVING",
	"IF",
	"IGNORE",
	"IMMEDIATE",
	"IN",
	"INDEX",
	"INDEXED",
	"INITIALLY",
	"INNER",
	"INSERT",
	"INSTEAD",
	"INTERSECT",
	"INTO",
	"IS",
	"ISNULL",
	"JOIN",
	"KEY",
	"LAST",
	"LEFT",
	"LIKE",
	"LIMIT",
	"MATCH",
	"MATERIALIZED",
	"NATURAL",
	"NO",
	"NOT",
	"NOTHING",
	"NOTNULL",
	"NULL",
	"NULLS",
	"OF",
	"OFFSET",
	"ON",
	"OR",
	"ORDER",
	"OTHERS",
	"OUTER",
	"OVER",
	"PARTITION",
	"PLAN",
	"PRAGMA",
	"PRECEDING",
	"PRIMARY",
	"QUERY",
	"RAISE",
	"RANGE",
	"RECURSIVE",
	"REFERENCES",
	"REGEXP",
	"REINDEX",
	"RELEASE",
	"RENAME",
	"REPLACE",
	"RESTRICT",
	"RETURNING",
	"RIGHT",
	"ROLLBACK",
	"ROW",
	"ROWS",
	"SAVEPOINT",
	"SELECT",
	"SET",
	"TABLE",
	"TEMP",
	"TEMPORARY",
	"THEN",
	"TIES",
	"TO",
	"TRANSACTION",
	"TRIGGER",
	"UNBOUNDED",
	"UNION",
	"UNIQUE",
	"UPDATE",
	"USING",
	"VACUUM",
	"VALUES",
	"VIEW",
	"VIRTUAL",
	"WHEN",
	"WHERE",
	"WINDOW",
	"WITH",
	"WITHOUT",
};

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

int retort__strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = lower((unsigned char)*a) - lower((unsigned char)*b);

		if (d || !*a)
			return d;
	}
	return 0;
}

int retort__strcasecmp(const char *a, const char *b)
{
	return retort__strncasecmp(a, b, (size_t)-1);
}

/* Key for bsearch: a word given by pointer and length. */
struct word {
	const char *z; /* first byte */
	size_t n;      /* length */
};

static int cmp_keyword(const void *key, const void *elem)
{
	const struct word *w = key;
	const char *kw = *(const char *const *)elem;
	size_t i;

	for (i = 0; i < w->n && kw[i]; i++) {
		int d = upper((unsigned char)w->z[i]) - (unsigned char)kw[i];

		if (d)
			return d;
	}
	if (i < w->n)
		return 1;
	return kw[i] ? -1 : 0;
}

bool retort__sql_is_keyword(const char *z, size_t n)
{
	struct word w = { z, n };

	if (n < 2 || n > 17)
		return false;
	return bsearch(&w, keywords, sizeof(keywords) / sizeof(keywords[0]),
		       sizeof(keywords[0]), cmp_keyword) != NULL;
}

static bool is_id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

static bool is_id_char(unsigned char c)
{
	return is_id_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

bool retort__sql_ident_is_bare(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || !is_id_start((unsigned char)name[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_id_char((unsigned char)name[i]))
			return false;
	if (retort__sql_is_keyword(name, n))
		return false;
	if ((n == 4 && !retort__strncasecmp(name, "true", 4)) ||
	    (n == 5 && !retort__strncasecmp(name, "false", 5)))
		return false;
	return true;
}

/* Length of a quoted token that starts with Q at Z; 0 if unterminated. */
static size_t quoted_len(const char *z, size_t n, char close)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (z[i] != close)
			continue;
		if (close != ']' && i + 1 < n && z[i + 1] == close) {
			i++; /* doubled quote */
			continue;
		}
		return i + 1;
	}
	return 0;
}

/* Length of the number at Z (which starts with a digit or "."). */
static size_t number_len(const char *z, size_t n)
{
	size_t i = 0;

	if (n > 2 && z[0] == '0' && (z[1] == 'x' || z[1] == 'X') &&
	    is_xdigit((unsigned char)z[2])) {
		for (i = 3; i < n && is_xdigit((unsigned char)z[i]); i++)
			;
		return i;
	}
	while (i < n && is_digit((unsigned char)z[i]))
		i++;
	if (i < n && z[i] == '.') {
		i++;
		while (i < n && is_digit((unsigned char)z[i]))
			i++;
	}
	if (i < n && (z[i] == 'e' || z[i] == 'E')) {
		size_t j = i + 1;

		if (j < n && (z[j] == '+' || z[j] == '-'))
			j++;
		if (j < n && is_digit((unsigned char)z[j])) {
			while (j < n && is_digit((unsigned char)z[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/* Operators of two or three characters, longest first. */
static const char *const operators[] = {
	"->>", "||", "->", "<=", ">=", "==", "!=", "<>", "<<", ">>",
};

static size_t punct_len(const char *z, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		size_t len = strlen(operators[i]);

		if (len <= n && !memcmp(z, operators[i], len))
			return len;
	}
	return strchr("(),;+-*/%&|~<>=.!", z[0]) ? 1 : 0;
}

/* Fill TOK and return LEN. */
static size_t
token(retort_token *tok, retort_tk type, const char *z, size_t len)
{
	tok->type = type;
	tok->z = z;
	tok->n = len;
	return len;
}

static size_t comment_or_space(const char *z, size_t n, retort_token *tok)
{
	size_t i;

	if (is_space((unsigned char)z[0])) {
		for (i = 1; i < n && is_space((unsigned char)z[i]); i++)
			;
		return token(tok, RETORT_TK_SPACE, z, i);
	}
	if (z[0] == '-') {
		for (i = 2; i < n && z[i] != '\n'; i++)
			;
		return token(tok, RETORT_TK_COMMENT, z, i);
	}
	for (i = 2; i + 1 < n && !(z[i] == '*' && z[i + 1] == '/'); i++)
		;
	/* an unterminated comment runs to the end, as in SQLite */
	return token(tok, RETORT_TK_COMMENT, z, i + 1 < n ? i + 2 : n);
}

static size_t variable_len(const char *z, size_t n)
{
	size_t i = 1;

	if (z[0] == '?') {
		while (i < n && is_digit((unsigned char)z[i]))
			i++;
		return i;
	}
	while (i < n && (is_id_char((unsigned char)z[i]) || z[i] == ':'))
		i++;
	return i > 1 ? i : 0;
}

size_t retort__sql_token(const char *z, size_t n, retort_token *tok)
{
	unsigned char c = (unsigned char)z[0];
	size_t len;

	if (is_space(c) || (c == '-' && n > 1 && z[1] == '-') ||
	    (c == '/' && n > 1 && z[1] == '*'))
		return comment_or_space(z, n, tok);
	switch (c) {
	case '"':
	case '`':
	case '[':
		len = quoted_len(z, n, c == '[' ? ']' : (char)c);
		return len ? token(tok, RETORT_TK_QUOTED, z, len)
			   : token(tok, RETORT_TK_ILLEGAL, z, n);
	case '\'':
		len = quoted_len(z, n, '\'');
		return len ? token(tok, RETORT_TK_STRING, z, len)
			   : token(tok, RETORT_TK_ILLEGAL, z, n);
	case '?':
	case ':':
	case '@':
	case '$':
	case '#':
		len = variable_len(z, n);
		return len ? token(tok, RETORT_TK_VARIABLE, z, len)
			   : token(tok, RETORT_TK_ILLEGAL, z, 1);
	default:
		break;
	}
	if ((c == 'x' || c == 'X') && n > 1 && z[1] == '\'') {
		for (len = 2; len < n && is_xdigit((unsigned char)z[len]);
		     len++)
			;
		if (len < n && z[len] == '\'' && len % 2 == 0)
			return token(tok, RETORT_TK_BLOB, z, len + 1);
		return token(tok, RETORT_TK_ILLEGAL, z, len < n ? len + 1 : n);
	}
	if (is_digit(c) ||
	    (c == '.' && n > 1 && is_digit((unsigned char)z[1]))) {
		len = number_len(z, n);
		/* "12abc" is one illegal token in SQLite */
		if (len < n && is_id_char((unsigned char)z[len])) {
			while (len < n && is_id_char((unsigned char)z[len]))
				len++;
			return token(tok, RETORT_TK_ILLEGAL, z, len);
		}
		return token(tok, RETORT_TK_NUMBER, z, len);
	}
	if (is_id_start(c)) {
		for (len = 1; len < n && is_id_char((unsigned char)z[len]);
		     len++)
			;
		return token(tok, RETORT_TK_WORD, z, len);
	}
	len = punct_len(z, n);
	if (len)
		return token(tok, RETORT_TK_PUNCT, z, len);
	return token(tok, RETORT_TK_ILLEGAL, z, 1);
}

void retort__sql_unquote(retort_buf *out, const retort_token *tok)
{
	char close;
	size_t i;

	if (tok->type != RETORT_TK_QUOTED && tok->type != RETORT_TK_STRING) {
		retort_buf_put(out, tok->z, tok->n);
		return;
	}
	close = tok->z[0] == '[' ? ']' : tok->z[0];
	for (i = 1; i + 1 < tok->n; i++) {
		retort_buf_putc(out, tok->z[i]);
		if (tok->z[i] == close && close != ']')
			i++; /* skip the second of a doubled quote */
	}
}

/* ---------------------------------------------------------------------
** Normalisation
*/

/* Words after which '(' is a function call or type, written without a
 * space even though they are keywords. */
static const char *const call_keywords[] = {
	"CAST", "GLOB", "LIKE", "RAISE", "REGEXP", "REPLACE",
};

/* Keywords that end a value: a '-' after them is binary. */
static const char *const value_keywords[] = {
	"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "END", "NULL",
};

static bool word_in(const retort_token *t, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == t->n &&
		    !retort__strncasecmp(t->z, list[i], t->n))
			return true;
	return false;
}

#define IN_LIST(t, list) word_in(t, list, sizeof(list) / sizeof(list[0]))

static bool is_punct(const retort_token *t, const char *p)
{
	return t->type == RETORT_TK_PUNCT && t->n == strlen(p) &&
	       !memcmp(t->z, p, t->n);
}

static bool is_keyword_token(const retort_token *t)
{
	return t->type == RETORT_TK_WORD && retort__sql_is_keyword(t->z, t->n);
}

/* True when PREV (the previous significant token, or NULL) leaves a
 * following '+', '-' or '~' unary. */
static bool unary_context(const retort_token *prev)
{
	if (!prev)
		return true;
	if (prev->type == RETORT_TK_PUNCT)
		return !is_punct(prev, ")");
	if (is_keyword_token(prev))
		return !IN_LIST(prev, value_keywords);
	return false;
}

/* Whether a space goes between PREV and CUR; UNARY_PREV tells that PREV
 * was a unary sign. */
static bool
need_space(const retort_token *prev, const retort_token *cur, bool unary_prev)
{
	if (!prev || unary_prev)
		return false;
	if (is_punct(cur, ")") || is_punct(cur, ",") || is_punct(cur, ";") ||
	    is_punct(cur, "."))
		return false;
	if (is_punct(prev, "(") || is_punct(prev, "."))
		return false;
	if (is_punct(cur, "(")) {
		if (prev->type == RETORT_TK_QUOTED)
			return false;
		if (prev->type == RETORT_TK_WORD)
			return is_keyword_token(prev) &&
			       !IN_LIST(prev, call_keywords);
	}
	return true;
}

/* Append an identifier named NAME[0..N): bare if it can be, else quoted. */
static void put_name(retort_buf *out, const char *name, size_t n, bool fold)
{
	size_t i;

	if (retort__sql_ident_is_bare(name, n)) {
		for (i = 0; i < n; i++)
			retort_buf_putc(
				out, fold ? (char)lower((unsigned char)name[i])
					  : name[i]);
		return;
	}
	retort_buf_putc(out, '"');
	for (i = 0; i < n; i++) {
		char c = fold ? (char)lower((unsigned char)name[i]) : name[i];

		retort_buf_putc(out, c);
		if (c == '"')
			retort_buf_putc(out, '"');
	}
	retort_buf_putc(out, '"');
}

/* TRUE and FALSE: not in SQLite's keyword list, but literals whose
 * letter case is cosmetic (a column of that name matches in any case). */
static bool is_bool_word(const retort_token *t)
{
	return t->type == RETORT_TK_WORD &&
	       ((t->n == 4 && !retort__strncasecmp(t->z, "true", 4)) ||
		(t->n == 5 && !retort__strncasecmp(t->z, "false", 5)));
}

static void put_token(retort_buf *out, const retort_token *t, bool fold)
{
	retort_buf name = RETORT_BUF_INIT;
	size_t i;

	switch (t->type) {
	case RETORT_TK_WORD:
		if (is_keyword_token(t) || is_bool_word(t) || fold) {
			for (i = 0; i < t->n; i++) {
				int c = (unsigned char)t->z[i];

				retort_buf_putc(
					out,
					(char)(fold ? lower(c) : upper(c)));
			}
		} else {
			retort_buf_put(out, t->z, t->n);
		}
		break;
	case RETORT_TK_QUOTED:
		retort__sql_unquote(&name, t);
		if (retort_buf_oom(&name))
			out->oom = true;
		put_name(out, name.ptr, name.size, fold);
		retort_buf_dispose(&name);
		break;
	case RETORT_TK_BLOB:
		retort_buf_puts(out, "X'");
		for (i = 2; i + 1 < t->n; i++)
			retort_buf_putc(
				out, (char)upper((unsigned char)t->z[i]));
		retort_buf_putc(out, '\'');
		break;
	case RETORT_TK_NUMBER:
		for (i = 0; i < t->n; i++)
			retort_buf_putc(
				out, (char)lower((unsigned char)t->z[i]));
		break;
	default:
		retort_buf_put(out, t->z, t->n);
		break;
	}
}

int retort__sql_normalize(
	retort_buf *out, const char *z, size_t n, unsigned flags)
{
	retort_token prev = { RETORT_TK_EOF, NULL, 0 }, cur;
	bool have_prev = false, unary_prev = false;
	size_t pos = 0;

	while (pos < n) {
		pos += retort__sql_token(z + pos, n - pos, &cur);
		if (cur.type == RETORT_TK_SPACE ||
		    cur.type == RETORT_TK_COMMENT)
			continue;
		if (cur.type == RETORT_TK_ILLEGAL)
			return RETORT_EINVAL;
		if (need_space(have_prev ? &prev : NULL, &cur, unary_prev))
			retort_buf_putc(out, ' ');
		put_token(out, &cur, flags & RETORT_NORM_FOLD);
		unary_prev = (is_punct(&cur, "-") || is_punct(&cur, "+") ||
			      is_punct(&cur, "~")) &&
			     unary_context(have_prev ? &prev : NULL);
		prev = cur;
		have_prev = true;
	}
	return retort_buf_oom(out) ? RETORT_ENOMEM : RETORT_OK;
}
