/*
** ddl_default.c -- the canonical form of a column DEFAULT (introspect
** layer; SPEC §8 "Equal, not a difference").  A single literal is
** rewritten as the value SQLite would store under the column's affinity
** (datatype3.html §3-4, vdbe.c applyAffinity), printed the way SQLite
** prints it; anything else is the normalised expression.
*/
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl_int.h"

/* A literal's value. */
struct value {
	enum { V_INT, V_REAL, V_TEXT, V_OTHER } kind; /* storage class */
	long long i;                                  /* V_INT */
	double r;                                     /* V_REAL */
	retort_buf text; /* V_TEXT: the string; V_OTHER: SQL text to keep */
};

/* SQLite's sqlite3Isspace(): space, \t, \n, \v, \f, \r. */
static bool sql_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
** Parse unsigned decimal digits Z[0..N) into *OUT; false on overflow of
** an unsigned 64-bit value.
*/
static bool parse_u64(const char *z, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(z[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* NEG and the magnitude U as an int64 in *OUT, when it fits. */
static bool signed_fits(bool neg, uint64_t u, long long *out)
{
	if (!neg && u <= (uint64_t)INT64_MAX) {
		*out = (long long)u;
		return true;
	}
	if (neg && u <= (uint64_t)INT64_MAX + 1) {
		*out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(long long)u;
		return true;
	}
	return false;
}

/*
** Numeric value of text Z[0..N) as SQLite's applyNumericAffinity() sees
** it (sqlite3AtoF: spaces around, one sign, digits with at most one '.',
** an exponent with digits); false when it is not a number.  Z[N] must
** be a NUL or a space (strtod() reads the number in place).
*/
static bool text_number(const char *z, size_t n, struct value *v)
{
	size_t i = 0, end, digits = 0, mstart;
	bool neg = false, real = false;
	uint64_t u;

	while (n > 0 && sql_space(z[n - 1]))
		n--;
	while (i < n && sql_space(z[i]))
		i++;
	if (i < n && (z[i] == '+' || z[i] == '-'))
		neg = z[i++] == '-';
	mstart = i;
	for (; i < n && digit(z[i]); i++)
		digits++;
	end = i;
	if (i < n && z[i] == '.') {
		real = true;
		for (i++; i < n && digit(z[i]); i++)
			digits++;
	}
	if (digits && i < n && (z[i] == 'e' || z[i] == 'E')) {
		size_t e0;

		real = true;
		i++;
		if (i < n && (z[i] == '+' || z[i] == '-'))
			i++;
		for (e0 = i; i < n && digit(z[i]); i++)
			;
		if (i == e0)
			return false;
	}
	if (!digits || i != n)
		return false;
	if (!real && parse_u64(z + mstart, end - mstart, &u) &&
	    signed_fits(neg, u, &v->i)) {
		v->kind = V_INT;
		return true;
	}
	v->kind = V_REAL;
	v->r = strtod(z + mstart, NULL);
	if (neg)
		v->r = -v->r;
	return true;
}

/* SQLite's sqlite3VdbeIntegerAffinity(): a real with an exact integer
 * value strictly inside the int64 range becomes that integer. */
static void integer_affinity(struct value *v)
{
	long long ix;

	if (v->kind != V_REAL || !(v->r > -9223372036854775808.0) ||
	    !(v->r < 9223372036854775808.0))
		return;
	ix = (long long)v->r;
	if ((double)ix == v->r && ix > INT64_MIN && ix < INT64_MAX) {
		v->kind = V_INT;
		v->i = ix;
	}
}

/* Value of the number token T, negated when NEG (SQLite's rules: a hex
 * literal is a 64-bit pattern, a decimal too big for int64 is real). */
static bool number_value(const retort_token *t, bool neg, struct value *v)
{
	uint64_t u = 0;
	size_t i;

	if (t->n > 2 && t->z[0] == '0' && (t->z[1] == 'x' || t->z[1] == 'X')) {
		if (t->n - 2 > 16)
			return false; /* "hex literal too big" */
		for (i = 2; i < t->n; i++) {
			char c = t->z[i];

			u = u * 16 +
			    (unsigned)(digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
		}
		v->kind = V_INT;
		v->i = (long long)u;
		if (neg && v->i == INT64_MIN)
			return false;
		if (neg)
			v->i = -v->i;
		return true;
	}
	{
		/* with its sign, so that -9223372036854775808 is an integer */
		retort_buf num = RETORT_BUF_INIT;
		bool ok;

		retort_buf_putc(&num, neg ? '-' : '+');
		retort_buf_put(&num, t->z, t->n);
		if (retort_buf_oom(&num))
			v->text.oom = true; /* reported by canonical() */
		ok = !retort_buf_oom(&num) && text_number(num.ptr, num.size, v);
		retort_buf_dispose(&num);
		return ok;
	}
}

/* Apply affinity AFF to V as SQLite does when storing it. */
static void apply_affinity(struct value *v, retort_affinity aff)
{
	char *s;

	switch (aff) {
	case RETORT_AFFINITY_INTEGER:
	case RETORT_AFFINITY_NUMERIC:
	case RETORT_AFFINITY_REAL:
		if (v->kind == V_TEXT) {
			struct value num = { V_INT, 0, 0, RETORT_BUF_INIT };

			if (!text_number(v->text.ptr, v->text.size, &num))
				return;
			retort_buf_dispose(&v->text);
			*v = num;
		}
		if (aff != RETORT_AFFINITY_REAL) {
			integer_affinity(v);
		} else if (v->kind == V_INT) {
			v->kind = V_REAL;
			v->r = (double)v->i;
		}
		return;
	case RETORT_AFFINITY_TEXT:
		if (v->kind == V_INT) {
			retort_buf_printf(&v->text, "%lld", v->i);
		} else if (v->kind == V_REAL) {
			s = sqlite3_mprintf("%!.15g", v->r); /* vdbemem.c */
			retort_buf_puts(&v->text, s ? s : "");
			if (!s)
				v->text.oom = true;
			sqlite3_free(s);
		} else {
			return;
		}
		v->kind = V_TEXT;
		return;
	case RETORT_AFFINITY_BLOB:
		return;
	}
}

/* True when the text S reads back as R, sign of zero included. */
static bool round_trips(const char *s, double r)
{
	double back = strtod(s, NULL);

	return back == r && signbit(back) == signbit(r);
}

/*
** Print the real R into OUT as SQLite prints it ("%!.15g"), or with the
** 17 significant digits that always give R back when 15 do not (C's
** correctly rounded printf, with ".0" so that it stays a real); false
** when R is not finite.
*/
static bool put_real(retort_buf *out, double r)
{
	char buf[48], *s;
	bool same;

	if (!isfinite(r))
		return false;
	s = sqlite3_mprintf("%!.15g", r);
	if (!s) {
		out->oom = true;
		return true;
	}
	same = round_trips(s, r);
	if (same)
		retort_buf_puts(out, s);
	sqlite3_free(s);
	if (same)
		return true;
	snprintf(buf, sizeof(buf), "%.17g", r);
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	retort_buf_puts(out, buf);
	return true;
}

/* Write V as SQL into OUT; false when it cannot be written exactly. */
static bool put_value(retort_buf *out, const struct value *v)
{
	switch (v->kind) {
	case V_INT:
		retort_buf_printf(out, "%lld", v->i);
		return true;
	case V_REAL:
		return put_real(out, v->r);
	case V_TEXT:
		retort_buf_put_literal(out, v->text.ptr);
		return !memchr(v->text.ptr, '\0', v->text.size);
	case V_OTHER:
		retort_buf_put(out, v->text.ptr, v->text.size);
		return true;
	}
	return false;
}

/* Significant tokens of an expression. */
struct toks {
	retort_token *t; /* the tokens (retort__malloc) */
	size_t n, cap;   /* count, capacity */
};

static int tokenize(struct toks *tk, const char *z, size_t n)
{
	size_t pos = 0;
	retort_token t;

	while (pos < n) {
		pos += retort__sql_token(z + pos, n - pos, &t);
		if (t.type == RETORT_TK_SPACE || t.type == RETORT_TK_COMMENT)
			continue;
		if (t.type == RETORT_TK_ILLEGAL)
			return RETORT_EINVAL;
		if (tk->n == tk->cap) {
			size_t cap = tk->cap ? tk->cap * 2 : 8;
			retort_token *nt =
				retort__realloc(tk->t, cap * sizeof(*nt));

			if (!nt)
				return RETORT_ENOMEM;
			tk->t = nt;
			tk->cap = cap;
		}
		tk->t[tk->n++] = t;
	}
	return RETORT_OK;
}

/* True when T[LO] is '(' and its match is T[HI - 1]. */
static bool wrapped(const retort_token *t, size_t lo, size_t hi)
{
	size_t i, depth = 0;

	if (hi - lo < 2 || t[lo].n != 1 || t[lo].z[0] != '(' ||
	    t[lo].type != RETORT_TK_PUNCT || t[hi - 1].n != 1 ||
	    t[hi - 1].z[0] != ')' || t[hi - 1].type != RETORT_TK_PUNCT)
		return false;
	for (i = lo; i < hi; i++) {
		if (t[i].type != RETORT_TK_PUNCT || t[i].n != 1)
			continue;
		if (t[i].z[0] == '(')
			depth++;
		else if (t[i].z[0] == ')' && --depth == 0)
			return i == hi - 1;
	}
	return false;
}

static bool tok_word(const retort_token *t, const char *w)
{
	return t->type == RETORT_TK_WORD && t->n == strlen(w) &&
	       !retort__strncasecmp(t->z, w, t->n);
}

/*
** The literal value of the tokens T[0..N) into V: a signed number, a
** string, a blob, TRUE/FALSE, CURRENT_* or an identifier (the string it
** stands for).  False when they are not one literal.
*/
static bool literal(const retort_token *t, size_t n, struct value *v)
{
	static const char *const ctime[] = { "CURRENT_DATE", "CURRENT_TIME",
					     "CURRENT_TIMESTAMP" };
	size_t i;

	if (n == 2 && t[0].type == RETORT_TK_PUNCT && t[0].n == 1 &&
	    (t[0].z[0] == '-' || t[0].z[0] == '+') &&
	    t[1].type == RETORT_TK_NUMBER)
		return number_value(&t[1], t[0].z[0] == '-', v);
	if (n != 1)
		return false;
	if (t->type == RETORT_TK_NUMBER)
		return number_value(t, false, v);
	if (tok_word(t, "TRUE") || tok_word(t, "FALSE")) {
		v->kind = V_INT;
		v->i = tok_word(t, "TRUE");
		return true;
	}
	for (i = 0; i < 3; i++)
		if (tok_word(t, ctime[i])) {
			v->kind = V_OTHER;
			retort_buf_puts(&v->text, ctime[i]);
			return true;
		}
	if (t->type == RETORT_TK_BLOB) {
		v->kind = V_OTHER;
		return retort__sql_normalize(&v->text, t->z, t->n, 0) ==
		       RETORT_OK;
	}
	if (t->type != RETORT_TK_STRING && t->type != RETORT_TK_QUOTED &&
	    t->type != RETORT_TK_WORD)
		return false;
	v->kind = V_TEXT;
	retort__sql_unquote(&v->text, t);
	return true;
}

/* Canonical text of the expression T[0..N) into OUT. */
static int
canonical(retort_buf *out, const retort_token *t, size_t n, retort_affinity aff)
{
	struct value v = { V_OTHER, 0, 0, RETORT_BUF_INIT };
	size_t mark = out->size;
	int rc = RETORT_OK;

	if (literal(t, n, &v)) {
		if (v.kind != V_OTHER)
			apply_affinity(&v, aff);
		if (put_value(out, &v))
			goto done;
		retort_buf_truncate(out, mark);
	}
	rc = retort__sql_normalize(
		out, t[0].z, (size_t)(t[n - 1].z + t[n - 1].n - t[0].z), 0);
done:
	if (retort_buf_oom(&v.text))
		out->oom = true;
	retort_buf_dispose(&v.text);
	return rc;
}

int retort__ddl_default(
	const char **out,
	retort_arena *arena,
	const char *expr,
	retort_affinity aff)
{
	struct toks tk = { NULL, 0, 0 };
	retort_buf buf = RETORT_BUF_INIT;
	size_t lo = 0, hi;
	int rc;

	*out = NULL;
	rc = tokenize(&tk, expr ? expr : "", expr ? strlen(expr) : 0);
	if (rc)
		goto done;
	hi = tk.n;
	while (wrapped(tk.t, lo, hi))
		lo++, hi--;
	if (lo == hi) {
		rc = RETORT_EINVAL;
		goto done;
	}
	if (hi - lo == 1 && tok_word(&tk.t[lo], "NULL"))
		goto done; /* DEFAULT NULL is no default */
	rc = canonical(&buf, tk.t + lo, hi - lo, aff);
	if (!rc && retort_buf_oom(&buf))
		rc = RETORT_ENOMEM;
	if (!rc) {
		*out = retort__arena_strndup(arena, buf.ptr, buf.size);
		if (!*out)
			rc = RETORT_ENOMEM;
	}
done:
	retort_buf_dispose(&buf);
	retort__free(tk.t);
	return rc;
}
