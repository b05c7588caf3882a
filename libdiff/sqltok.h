/*
** sqltok.h -- SQLite's tokenizer rules and expression normalisation
** (libdiff, bottom layer: used by the DDL parser, the comparator and the
** emitter).  Follows src/tokenize.c: "x", [x], `x`, 'x', X'..', comments.
*/
#ifndef RETORT_SQLTOK_H
#define RETORT_SQLTOK_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/common.h"

typedef enum retort_tk {
	RETORT_TK_EOF = 0,  /* end of input */
	RETORT_TK_SPACE,    /* white space */
	RETORT_TK_COMMENT,  /* -- or slash-star comment */
	RETORT_TK_WORD,     /* bare identifier or keyword */
	RETORT_TK_QUOTED,   /* "x", [x] or `x` identifier */
	RETORT_TK_STRING,   /* 'x' */
	RETORT_TK_BLOB,     /* X'ab' */
	RETORT_TK_NUMBER,   /* 12, 1.5e3, 0x1F, .5 */
	RETORT_TK_VARIABLE, /* ?, ?1, :a, @a, $a, #a */
	RETORT_TK_PUNCT,    /* operators and punctuation */
	RETORT_TK_ILLEGAL   /* unterminated quote, stray byte */
} retort_tk;

typedef struct retort_token {
	retort_tk type; /* token class */
	const char *z;  /* first byte, inside the input */
	size_t n;       /* length in bytes */
} retort_token;

/*
** Read the token at Z (N bytes left; N > 0) into TOK; returns its length
** (always >= 1).
*/
size_t retort__sql_token(const char *z, size_t n, retort_token *tok);

/* True when the N bytes at Z are an SQLite keyword (any letter case). */
bool retort__sql_is_keyword(const char *z, size_t n);

/*
** True when NAME can be written without quotes: a bare identifier that is
** not a keyword (nor TRUE/FALSE).
*/
bool retort__sql_ident_is_bare(const char *name, size_t n);

/*
** Append the name that identifier token TOK stands for (quotes removed,
** doubled quotes undone; a WORD is copied as is) to OUT.
*/
void retort__sql_unquote(retort_buf *out, const retort_token *tok);

/* Case-insensitive comparison of ASCII letters, as SQLite does. */
int retort__strcasecmp(const char *a, const char *b);
int retort__strncasecmp(const char *a, const char *b, size_t n);

enum {
	RETORT_NORM_FOLD = 1u << 0 /* comparison key: identifiers and
				      keywords lower case, unquoted */
};

/*
** Normalise the SQL text Z[0..N) and append it to OUT: comments removed,
** one space between tokens (none inside parentheses or before commas,
** none around '.'), keywords upper case, needless identifier quoting
** removed and the rest written with double quotes.  With RETORT_NORM_FOLD
** the result is the comparison key instead.  Returns RETORT_OK, or
** RETORT_EINVAL on an illegal token (an unterminated quote).
*/
int retort__sql_normalize(
	retort_buf *out, const char *z, size_t n, unsigned flags);

#endif /* RETORT_SQLTOK_H */
