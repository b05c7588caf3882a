/*
** script.c -- split a revision's SQL into statements and tell the runner
** what each one is (migrations layer).  Splitting follows SQLite's rules:
** ';' ends a statement, except inside a trigger body (BEGIN ... END, with
** CASE ... END nested); quotes and comments come from the tokenizer.
*/
#include <stdio.h>
#include <string.h>

#include "migrate_int.h"
#include "sqltok.h"

/* Significant tokens kept per statement to classify it. */
#define HEAD_TOKENS 6

/* The statement being read. */
typedef struct pending {
	const char *start;              /* first byte (comment or keyword) */
	const char *end;                /* end of the last significant token */
	unsigned line;                  /* line of the first keyword */
	size_t ntok;                    /* significant tokens so far */
	retort_token head[HEAD_TOKENS]; /* the first of them */
	bool trigger;                   /* CREATE [TEMP] TRIGGER */
	bool body;                      /* its BEGIN was seen */
	int cases;                      /* open CASE expressions in it */
	bool closed;                    /* the last token was the END that
					   closes the trigger's body */
} pending;

static bool is_word(const retort_token *t, const char *w)
{
	return t->type == RETORT_TK_WORD && t->n == strlen(w) &&
	       !retort__strncasecmp(t->z, w, t->n);
}

static bool is_punct(const retort_token *t, char c)
{
	return t->type == RETORT_TK_PUNCT && t->n == 1 && t->z[0] == c;
}

/* True when token T names NAME (bare or quoted), ignoring case. */
static bool names(const retort_token *t, const char *name)
{
	retort_buf b = RETORT_BUF_INIT;
	bool same;

	if (t->type != RETORT_TK_WORD && t->type != RETORT_TK_QUOTED)
		return false;
	retort__sql_unquote(&b, t);
	same = !retort_buf_oom(&b) && !retort__strcasecmp(b.ptr, name);
	retort_buf_dispose(&b);
	return same;
}

/* -1 when T is no boolean, else its value (ON, TRUE, YES, 1 ...). */
static int boolean_value(const retort_token *t)
{
	static const char *const on[] = { "on", "true", "yes", "1" };
	static const char *const off[] = { "off", "false", "no", "0" };
	retort_buf b = RETORT_BUF_INIT;
	int v = -1;
	size_t i;

	if (t->type == RETORT_TK_STRING || t->type == RETORT_TK_QUOTED)
		retort__sql_unquote(&b, t);
	else if (t->type == RETORT_TK_WORD || t->type == RETORT_TK_NUMBER)
		retort_buf_put(&b, t->z, t->n);
	for (i = 0; i < 4 && !retort_buf_oom(&b); i++) {
		if (!retort__strcasecmp(b.ptr, on[i]))
			v = 1;
		if (!retort__strcasecmp(b.ptr, off[i]))
			v = 0;
	}
	retort_buf_dispose(&b);
	return v;
}

/* Classify a PRAGMA statement from its head tokens. */
static retort_stmt_kind classify_pragma(const pending *s)
{
	const retort_token *t = s->head;
	size_t name = 1, n = s->ntok < HEAD_TOKENS ? s->ntok : HEAD_TOKENS;
	int v = -1;

	if (n >= 4 && is_punct(&t[2], '.'))
		name = 3; /* PRAGMA main.foreign_keys */
	if (n <= name)
		return RETORT_STMT_SQL;
	if (names(&t[name], "foreign_key_check"))
		return RETORT_STMT_FK_CHECK;
	if (!names(&t[name], "foreign_keys") || n < name + 3)
		return RETORT_STMT_SQL;
	if (is_punct(&t[name + 1], '=') || is_punct(&t[name + 1], '('))
		v = boolean_value(&t[name + 2]);
	if (v < 0)
		return RETORT_STMT_SQL;
	return v ? RETORT_STMT_FK_ON : RETORT_STMT_FK_OFF;
}

/* What the statement S is, from its first tokens. */
static retort_stmt_kind classify(const pending *s)
{
	const retort_token *t = s->head;

	if (is_word(&t[0], "BEGIN"))
		return RETORT_STMT_BEGIN;
	if (is_word(&t[0], "COMMIT") || is_word(&t[0], "END"))
		return RETORT_STMT_COMMIT;
	if (is_word(&t[0], "ROLLBACK")) {
		size_t i = 1;

		if (s->ntok > i && is_word(&t[i], "TRANSACTION"))
			i++;
		if (s->ntok > i && is_word(&t[i], "TO"))
			return RETORT_STMT_SQL; /* ROLLBACK TO a savepoint */
		return RETORT_STMT_ROLLBACK;
	}
	if (is_word(&t[0], "PRAGMA"))
		return classify_pragma(s);
	return RETORT_STMT_SQL;
}

/* Record significant token T of the statement S (starting at LINE). */
static void take(pending *s, const retort_token *t, unsigned line)
{
	if (!s->ntok) {
		if (!s->start)
			s->start = t->z;
		s->line = line;
	}
	if (s->ntok < HEAD_TOKENS)
		s->head[s->ntok] = *t;
	s->ntok++;
	s->end = t->z + t->n;
	if (s->ntok == 2 && is_word(&s->head[0], "CREATE") &&
	    is_word(&s->head[1], "TRIGGER"))
		s->trigger = true;
	if (s->ntok == 3 && is_word(&s->head[0], "CREATE") &&
	    (is_word(&s->head[1], "TEMP") ||
	     is_word(&s->head[1], "TEMPORARY")) &&
	    is_word(&s->head[2], "TRIGGER"))
		s->trigger = true;
	if (!s->trigger)
		return;
	/*
	 * As sqlite3_complete(): the body ends at an END followed by ';'
	 * (so that "SET end = 1" keeps going), except that the END of a
	 * CASE expression ends the CASE.
	 */
	s->closed = false;
	if (is_word(t, "BEGIN"))
		s->body = true;
	else if (is_word(t, "CASE"))
		s->cases++;
	else if (is_word(t, "END") && s->cases > 0)
		s->cases--;
	else if (is_word(t, "END"))
		s->closed = true;
}

/* Append the statement S to OUT and start a new one. */
static int
push(retort_script *out, pending *s, const char *what, retort_error *err)
{
	retort_stmt *st;
	char where[300];

	if (!s->ntok) {
		memset(s, 0, sizeof(*s));
		return RETORT_OK;
	}
	if (out->n == out->alloc) {
		size_t na = out->alloc ? out->alloc * 2 : 16;
		retort_stmt *ns = retort__realloc(out->stmts, na * sizeof(*ns));

		if (!ns)
			return retort_error_set(
				err, RETORT_ENOMEM, what, "out of memory");
		out->stmts = ns;
		out->alloc = na;
	}
	st = &out->stmts[out->n++];
	st->sql = s->start;
	st->len = (size_t)(s->end - s->start);
	st->line = s->line;
	st->kind = classify(s);
	if (st->kind == RETORT_STMT_FK_OFF)
		out->fk_off = true;
	memset(s, 0, sizeof(*s));
	if (st->kind == RETORT_STMT_ROLLBACK) {
		snprintf(where, sizeof(where), "%s:%u", what, st->line);
		return retort_error_set(
			err, RETORT_EINVAL, where,
			"ROLLBACK is not allowed in a revision: each revision "
			"runs in one transaction that the runner commits or "
			"rolls back");
	}
	return RETORT_OK;
}

int retort_migrate__split(
	retort_script *out,
	const char *sql,
	unsigned first_line,
	const char *what,
	retort_error *err)
{
	size_t off = 0, n = strlen(sql);
	unsigned line = first_line;
	pending s;
	int rc = RETORT_OK;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	while (off < n && rc == RETORT_OK) {
		retort_token t;
		size_t len = retort__sql_token(sql + off, n - off, &t), i;

		if (t.type == RETORT_TK_COMMENT && !s.start)
			s.start = t.z;
		else if (
			is_punct(&t, ';') &&
			(!s.trigger || !s.body || s.closed))
			rc = push(out, &s, what, err);
		else if (
			t.type != RETORT_TK_SPACE &&
			t.type != RETORT_TK_COMMENT)
			take(&s, &t, line);
		for (i = 0; i < len; i++)
			line += sql[off + i] == '\n';
		off += len;
	}
	if (rc == RETORT_OK)
		rc = push(out, &s, what, err);
	if (rc != RETORT_OK)
		retort_migrate__script_dispose(out);
	return rc;
}

void retort_migrate__script_dispose(retort_script *script)
{
	if (!script)
		return;
	retort__free(script->stmts);
	memset(script, 0, sizeof(*script));
}

void retort_migrate__abbrev(retort_buf *b, const char *sql, size_t n)
{
	size_t i, w = 0;
	bool space = false;

	while (n && (*sql == ' ' || *sql == '\n' || *sql == '\t')) {
		sql++;
		n--;
	}
	for (i = 0; i < n && w < 80; i++) {
		bool s = sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' ||
			 sql[i] == '\r';

		if (s && space)
			continue;
		retort_buf_putc(b, s ? ' ' : sql[i]);
		space = s;
		w++;
	}
	if (i < n)
		retort_buf_puts(b, "...");
}
