/*
** ddl_int.h -- inside the DDL parser (introspect layer): the token
** cursor with its sticky first error, and the helpers that every CREATE
** statement parser shares (names, parenthesised groups, normalised spans).
*/
#ifndef RETORT_DDL_INT_H
#define RETORT_DDL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ddl.h"
#include "sqltok.h"

/* A recursive-descent parser's state over one statement. */
typedef struct ddl_parser {
	const char *sql;     /* the statement */
	size_t n;            /* its length in bytes */
	size_t pos;          /* offset just after tok */
	retort_token tok;    /* current significant token; EOF at the end */
	size_t prev_end;     /* offset just after the previous token */
	retort_arena *arena; /* owns every result */
	const char *what;    /* the subject for errors */
	const char *stmt;    /* "CREATE TABLE", ... for messages */
	retort_error *err;   /* where the first error goes */
	int rc;              /* first error (sticky), or RETORT_OK */
} ddl_parser;

/* Start P on SQL and read the first token. */
void retort_ddl__init(
	ddl_parser *p,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/* Advance to the next significant token (spaces and comments skipped);
 * an illegal token (unterminated quote) is an error. */
void retort_ddl__next(ddl_parser *p);

/* Offset of the current token's first byte. */
size_t retort_ddl__start(const ddl_parser *p);

/* Read the significant token after the current one into OUT, without
 * moving. */
void retort_ddl__peek(const ddl_parser *p, retort_token *out);

/* Record a syntax error at the current token; returns p->rc. */
int retort_ddl__syntax(ddl_parser *p);

/* Record an error with a message of its own; returns p->rc. */
int retort_ddl__fail(ddl_parser *p, int code, const char *why);

/* True when the current token is the bare word KW (any case). */
bool retort_ddl__is_kw(const ddl_parser *p, const char *kw);
/* True when the current token is the punctuation C. */
bool retort_ddl__is_punct(const ddl_parser *p, const char *c);
/* Consume the current token if it is KW / C; true when it did. */
bool retort_ddl__accept_kw(ddl_parser *p, const char *kw);
bool retort_ddl__accept_punct(ddl_parser *p, const char *c);
/* The same, but a mismatch is a syntax error (returns false). */
bool retort_ddl__expect_kw(ddl_parser *p, const char *kw);
bool retort_ddl__expect_punct(ddl_parser *p, const char *c);

/* True when the current token can be a name (SQLite's nm): a quoted
 * identifier, a string, or a word that is not a reserved keyword. */
bool retort_ddl__at_name(const ddl_parser *p);
/* The same test for any token T. */
bool retort_ddl__is_name(const retort_token *t);
/* True when the current token is a word SQLite may use as an identifier
 * where a keyword would also fit (parse.y's %fallback ID list). */
bool retort_ddl__is_fallback(const retort_token *t);

/* Consume a name and return it unquoted, in the arena; NULL on error. */
const char *retort_ddl__name(ddl_parser *p);

/* Consume [schema .] name and return the name (the qualifier is
 * dropped); NULL on error. */
const char *retort_ddl__qualified_name(ddl_parser *p);

/* At '(': consume up to the matching ')' and set *START / *END to the
 * offsets of the text between them.  False on error. */
bool retort_ddl__group(ddl_parser *p, size_t *start, size_t *end);

/* SQL[START..END) normalised (retort__sql_normalize with FLAGS) as an
 * arena string; NULL on error (recorded in P). */
const char *
retort_ddl__norm(ddl_parser *p, size_t start, size_t end, unsigned flags);

/* The same, with ASCII letters upper case (collations, types, MATCH). */
const char *retort_ddl__upper(ddl_parser *p, size_t start, size_t end);

/* A copy of S with ASCII letters upper cased, in the arena. */
const char *retort_ddl__strupper(ddl_parser *p, const char *s);

/* Skip an optional statement terminator; anything else after the
 * statement is a syntax error.  Returns p->rc. */
int retort_ddl__finish(ddl_parser *p);

/*
** Make room for one more element of SIZE bytes in the arena array
** *ITEMS (count *N, capacity *CAP) and return it zeroed, with *N
** increased; NULL when out of memory (recorded in P).
*/
void *retort_ddl__push(
	ddl_parser *p, void *items, size_t *n, size_t *cap, size_t size);

/*
** Parse a key's parts: "term [COLLATE name] [ASC|DESC], ..." up to (not
** including) the closing ')'.  A term that is one name is a column, any
** other an expression (normalised).  With AUTOINC non-NULL, a trailing
** AUTOINCREMENT is accepted and reported there.  False on error.
*/
bool retort_ddl__key_parts(
	ddl_parser *p, retort_key_part **parts, size_t *nparts, bool *autoinc);

/* Parse an optional "COLLATE name": the name upper case, NULL for none
 * or BINARY.  *OK is false on error. */
const char *retort_ddl__collate(ddl_parser *p, bool *ok);

/*
** Parse "CREATE [TEMP|TEMPORARY] [UNIQUE] <KIND> [IF NOT EXISTS]" where
** KIND is one word or two ("VIRTUAL TABLE"); *UNIQUE (may be NULL) tells
** whether UNIQUE was there.  False on error.
*/
bool retort_ddl__create_prefix(ddl_parser *p, const char *kind, bool *unique);

#endif /* RETORT_DDL_INT_H */
