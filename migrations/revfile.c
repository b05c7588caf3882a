/*
** revfile.c -- revision files (SPEC §5): strict parsing of the header
** (message, Revision ID, Revises, Create Date, Schema) and of the
** "-- migrate:up" / "-- migrate:down" sections, and writing them
** (migrations layer).  Errors name "file:line".
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "migrate_int.h"

/* The header keys, in the order they are written. */
enum { KEY_ID, KEY_REVISES, KEY_DATE, KEY_SCHEMA, NKEYS };
static const char *const key_names[NKEYS] = { "Revision ID", "Revises",
					      "Create Date", "Schema" };

/* One line of the file being parsed. */
typedef struct line {
	const char *z; /* first byte */
	size_t n;      /* length without the newline (and a '\r') */
} line;

/* The parser's state. */
typedef struct parser {
	const char *path;         /* for errors */
	retort_arena *arena;      /* where strings go */
	line *lines;              /* every line */
	size_t nlines;            /* count of lines */
	retort_error *err;        /* the caller's record */
	unsigned key_line[NKEYS]; /* line of each key, 0 if absent */
	line key_val[NKEYS];      /* value of each key, trimmed */
} parser;

bool retort_migrate__is_revid(const char *s)
{
	size_t i;

	for (i = 0; i < RETORT_REVID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[i] == '\0';
}

void retort_migrate__checksum(char buf[22], const char *data, size_t len)
{
	snprintf(
		buf, 22, "xxh3:%016llx",
		(unsigned long long)XXH3_64bits(data, len));
}

/* Record an EINVAL error at LINENO of the file. */
static int fail(parser *p, size_t lineno, const char *fmt, ...)
	RETORT_FORMAT(3, 4);

static int fail(parser *p, size_t lineno, const char *fmt, ...)
{
	char where[300];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%zu", p->path, lineno);
	va_start(ap, fmt);
	retort_error_vset(p->err, RETORT_EINVAL, where, fmt, ap);
	va_end(ap);
	return RETORT_EINVAL;
}

static line trim(line l)
{
	while (l.n && (l.z[0] == ' ' || l.z[0] == '\t')) {
		l.z++;
		l.n--;
	}
	while (l.n && (l.z[l.n - 1] == ' ' || l.z[l.n - 1] == '\t'))
		l.n--;
	return l;
}

static bool is_comment(line l)
{
	return l.n >= 2 && l.z[0] == '-' && l.z[1] == '-';
}

/* The text of comment line L after "--" and one space, right-trimmed. */
static line comment_text(line l)
{
	l.z += 2;
	l.n -= 2;
	if (l.n && l.z[0] == ' ') {
		l.z++;
		l.n--;
	}
	while (l.n && (l.z[l.n - 1] == ' ' || l.z[l.n - 1] == '\t'))
		l.n--;
	return l;
}

/* 1 for "-- migrate:up", 2 for "-- migrate:down", else 0. */
static int marker(line l)
{
	line t;

	if (!is_comment(l))
		return 0;
	t = trim((line){ l.z + 2, l.n - 2 });
	if (t.n == 10 && !memcmp(t.z, "migrate:up", 10))
		return 1;
	if (t.n == 12 && !memcmp(t.z, "migrate:down", 12))
		return 2;
	return 0;
}

/* Split TEXT into lines; a final line without newline counts. */
static int split_lines(parser *p, const char *text, size_t len)
{
	size_t i, start = 0, n = 0;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	p->lines = retort__arena_alloc(p->arena, (n + 1) * sizeof(line));
	if (!p->lines)
		return retort_error_set(
			p->err, RETORT_ENOMEM, p->path, "out of memory");
	for (i = 0; i <= len; i++) {
		line *l;

		if (i < len && text[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		l = &p->lines[p->nlines++];
		l->z = text + start;
		l->n = i - start;
		if (l->n && l->z[l->n - 1] == '\r')
			l->n--;
		start = i + 1;
	}
	return RETORT_OK;
}

/* If header text T is "Key: value", record it; 1 when it was a key. */
static int take_key(parser *p, line t, size_t lineno)
{
	int k;

	for (k = 0; k < NKEYS; k++) {
		size_t kn = strlen(key_names[k]);

		if (t.n <= kn || memcmp(t.z, key_names[k], kn) ||
		    t.z[kn] != ':')
			continue;
		if (p->key_line[k])
			return fail(
				p, lineno,
				"duplicate '%s' header (first at line %u)",
				key_names[k], p->key_line[k]);
		p->key_line[k] = (unsigned)lineno;
		p->key_val[k] = trim((line){ t.z + kn + 1, t.n - kn - 1 });
		return 1;
	}
	return 0;
}

/* Join header lines [from, to) (their comment text) with newlines. */
static char *join(parser *p, size_t from, size_t to)
{
	retort_buf b = RETORT_BUF_INIT;
	char *s;
	size_t i;

	for (i = from; i < to; i++) {
		line t = comment_text(p->lines[i]);

		if (i > from)
			retort_buf_putc(&b, '\n');
		retort_buf_put(&b, t.z, t.n);
	}
	s = retort_buf_oom(&b) ? NULL : retort__arena_strdup(p->arena, b.ptr);
	retort_buf_dispose(&b);
	return s;
}

/*
** Read the header (the leading "--" lines); *end_out is the index of the
** first line after it.
*/
static int parse_header(parser *p, retort_revfile *out, size_t *end_out)
{
	size_t i, msg_end = 0;
	int rc;

	if (!p->nlines || !is_comment(p->lines[0]) || marker(p->lines[0]))
		return fail(
			p, 1, "%s",
			"missing header: a revision file starts with "
			"'-- <message>'");
	for (i = 0;
	     i < p->nlines && is_comment(p->lines[i]) && !marker(p->lines[i]);
	     i++) {
		rc = take_key(p, comment_text(p->lines[i]), i + 1);
		if (rc < 0)
			return rc;
		if (rc == 0 && !p->key_line[KEY_ID] &&
		    !p->key_line[KEY_REVISES] && !p->key_line[KEY_DATE] &&
		    !p->key_line[KEY_SCHEMA] && comment_text(p->lines[i]).n)
			msg_end = i + 1;
	}
	*end_out = i;
	out->rev.message = join(p, 0, msg_end);
	out->rev.doc = join(p, 0, i);
	if (!out->rev.message || !out->rev.doc)
		return retort_error_set(
			p->err, RETORT_ENOMEM, p->path, "out of memory");
	return RETORT_OK;
}

/* Copy header value K into the arena; NULL (and an error) on OOM. */
static char *value(parser *p, int k)
{
	char *s = retort__arena_strndup(
		p->arena, p->key_val[k].z, p->key_val[k].n);

	if (!s)
		retort_error_set(
			p->err, RETORT_ENOMEM, p->path, "out of memory");
	return s;
}

static int check_id(parser *p, retort_revfile *out)
{
	char *id;

	if (!p->key_line[KEY_ID])
		return fail(p, 1, "%s", "missing 'Revision ID' header");
	if (!(id = value(p, KEY_ID)))
		return RETORT_ENOMEM;
	if (!retort_migrate__is_revid(id))
		return fail(
			p, p->key_line[KEY_ID],
			"malformed Revision ID '%s': expected 12 lowercase hex "
			"digits",
			id);
	out->rev.id = id;
	out->id_line = p->key_line[KEY_ID];
	return RETORT_OK;
}

/* Add the Revises entry T (trimmed in place) to OUT's parents. */
static int add_parent(parser *p, retort_revfile *out, char *t, size_t len)
{
	const char **parents = (const char **)out->rev.parents;
	line l = trim((line){ t, len });
	size_t i;

	((char *)l.z)[l.n] = '\0';
	if (!l.n)
		return fail(p, out->revises_line, "%s", "empty Revises entry");
	if (!retort_migrate__is_revid(l.z))
		return fail(
			p, out->revises_line,
			"malformed Revises entry '%s': expected 12 lowercase "
			"hex digits, several separated by ', '",
			l.z);
	for (i = 0; i < out->rev.nparents; i++)
		if (!strcmp(parents[i], l.z))
			return fail(
				p, out->revises_line,
				"Revises names '%s' twice", l.z);
	parents[out->rev.nparents++] = l.z;
	return RETORT_OK;
}

/* Parse "Revises": empty, or ids separated by ", ". */
static int check_revises(parser *p, retort_revfile *out)
{
	char *v, *comma;
	size_t n = 1, i;
	int rc = RETORT_OK;

	if (!p->key_line[KEY_REVISES])
		return fail(
			p, 1, "%s",
			"missing 'Revises' header (leave it empty for a first "
			"revision)");
	out->revises_line = p->key_line[KEY_REVISES];
	if (!(v = value(p, KEY_REVISES)))
		return RETORT_ENOMEM;
	for (i = 0; v[i]; i++)
		n += v[i] == ',';
	out->rev.parents = retort__arena_alloc(p->arena, n * sizeof(char *));
	if (!out->rev.parents)
		return retort_error_set(
			p->err, RETORT_ENOMEM, p->path, "out of memory");
	if (!v[0])
		return RETORT_OK;
	while (rc == RETORT_OK && (comma = strchr(v, ',')) != NULL) {
		rc = add_parent(p, out, v, (size_t)(comma - v));
		v = comma + 1;
	}
	return rc == RETORT_OK ? add_parent(p, out, v, strlen(v)) : rc;
}

static int check_other_keys(parser *p, retort_revfile *out)
{
	char *s;
	size_t i;

	if (p->key_line[KEY_DATE]) {
		if (!(s = value(p, KEY_DATE)))
			return RETORT_ENOMEM;
		out->rev.create_date = s;
	}
	if (!p->key_line[KEY_SCHEMA])
		return RETORT_OK;
	if (!(s = value(p, KEY_SCHEMA)))
		return RETORT_ENOMEM;
	for (i = 5; i < 21 && s[i] && strchr("0123456789abcdef", s[i]); i++)
		;
	if (strncmp(s, "xxh3:", 5) || i != 21 || s[21])
		return fail(
			p, p->key_line[KEY_SCHEMA],
			"malformed Schema '%s': expected 'xxh3:' and 16 "
			"lowercase hex digits",
			s);
	out->rev.schema = s;
	return RETORT_OK;
}

/* Text of lines [from, to) as one string in the arena. */
static char *section(parser *p, size_t from, size_t to)
{
	const char *a, *b;

	if (from >= to)
		return retort__arena_strdup(p->arena, "");
	a = p->lines[from].z;
	b = p->lines[to - 1].z + p->lines[to - 1].n;
	return retort__arena_strndup(p->arena, a, (size_t)(b - a) + 1);
}

/* Find the markers after the header and cut the two sections. */
static int parse_body(parser *p, retort_revfile *out, size_t from)
{
	size_t i, up = 0, down = 0, sql = 0; /* 1-based lines */

	for (i = from; i < p->nlines; i++) {
		int m = marker(p->lines[i]);

		if (m == 1 && down)
			return fail(
				p, i + 1, "%s",
				"'-- migrate:up' after '-- migrate:down'");
		if (m == 1 && up)
			return fail(
				p, i + 1,
				"second '-- migrate:up' (first at line %zu)",
				up);
		if (m == 2 && down)
			return fail(
				p, i + 1,
				"second '-- migrate:down' (first at line %zu)",
				down);
		if (m == 2 && !up)
			return fail(
				p, i + 1, "%s",
				"'-- migrate:down' before '-- migrate:up'");
		if (m == 1)
			up = i + 1;
		else if (m == 2)
			down = i + 1;
		else if (
			!up && !sql && trim(p->lines[i]).n &&
			!is_comment(p->lines[i]))
			sql = i + 1;
	}
	if (!up)
		return fail(
			p, p->nlines ? p->nlines : 1, "%s",
			"missing '-- migrate:up' line");
	if (sql)
		return fail(p, sql, "%s", "SQL before '-- migrate:up'");
	out->rev.up_line = (unsigned)up;
	out->rev.down_line = (unsigned)down;
	out->rev.up_sql = section(p, up, down ? down - 1 : p->nlines);
	out->rev.down_sql = down ? section(p, down, p->nlines)
				 : retort__arena_strdup(p->arena, "");
	if (!out->rev.up_sql || !out->rev.down_sql)
		return retort_error_set(
			p->err, RETORT_ENOMEM, p->path, "out of memory");
	return RETORT_OK;
}

int retort_migrate__parse(
	retort_revfile *out,
	retort_arena *arena,
	const retort_source *src,
	retort_error *err)
{
	const char *path = src->path, *text = src->text;
	size_t len = src->len;
	parser p;
	size_t end = 0;
	char sum[22];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.arena = arena;
	p.err = err;
	if (memchr(text, '\0', len))
		return fail(&p, 1, "%s", "binary file: a NUL byte in the text");
	if ((rc = split_lines(&p, text, len)) < 0 ||
	    (rc = parse_header(&p, out, &end)) < 0 ||
	    (rc = check_id(&p, out)) < 0 || (rc = check_revises(&p, out)) < 0 ||
	    (rc = check_other_keys(&p, out)) < 0 ||
	    (rc = parse_body(&p, out, end)) < 0)
		return rc;
	retort_migrate__checksum(sum, text, len);
	out->rev.checksum = retort__arena_strdup(arena, sum);
	out->rev.path = retort__arena_strdup(arena, path);
	if (!out->rev.checksum || !out->rev.path)
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	return RETORT_OK;
}

/* Append "-- " + each line of TEXT (or "--" for an empty line). */
static void put_comment(retort_buf *out, const char *text)
{
	const char *nl;

	do {
		size_t n;

		nl = strchr(text, '\n');
		n = nl ? (size_t)(nl - text) : strlen(text);
		retort_buf_puts(out, n ? "-- " : "--");
		retort_buf_put(out, text, n);
		retort_buf_putc(out, '\n');
		text = nl ? nl + 1 : NULL;
	} while (text);
}

/* Append SQL followed by a newline if it lacks one. */
static void put_section(retort_buf *out, const char *sql)
{
	size_t n = sql ? strlen(sql) : 0;

	if (!n)
		return;
	retort_buf_puts(out, sql);
	if (sql[n - 1] != '\n')
		retort_buf_putc(out, '\n');
}

void retort_migrate__format(retort_buf *out, const retort_revfile_spec *spec)
{
	size_t i;

	put_comment(out, spec->message);
	retort_buf_puts(out, "--\n");
	retort_buf_printf(out, "-- Revision ID: %s\n-- Revises:", spec->id);
	for (i = 0; i < spec->nparents; i++)
		retort_buf_printf(
			out, "%s%s", i ? ", " : " ", spec->parents[i]);
	retort_buf_printf(out, "\n-- Create Date: %s\n", spec->create_date);
	if (spec->schema)
		retort_buf_printf(out, "-- Schema: %s\n", spec->schema);
	retort_buf_putc(out, '\n');
	if (spec->notes && spec->notes[0]) {
		retort_buf_puts(out, spec->notes);
		retort_buf_putc(out, '\n');
	}
	retort_buf_puts(out, "-- migrate:up\n");
	put_section(out, spec->up_sql);
	retort_buf_puts(out, "\n-- migrate:down\n");
	put_section(out, spec->down_sql);
}
