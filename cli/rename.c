/*
** rename.c -- --rename hints (SPEC §3, §8): "OLD=NEW" renames a table,
** "TABLE.OLD=NEW" a column of TABLE (as the target names it); a name
** that holds "." or "=" is written double-quoted, SQL style, with ""
** for a quote inside (cli layer).
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/*
** Read one name at *P into *OUT (advancing both): a double-quoted name,
** or the text up to ".", "=" or the end.  Returns false for an empty or
** unterminated name.
*/
static bool read_name(const char **p, char **out)
{
	const char *s = *p;
	char *o = *out;

	if (*s != '"') {
		size_t n = strcspn(s, ".=\"");

		if (!n)
			return false;
		memcpy(o, s, n);
		s += n;
		o += n;
	} else {
		for (s++;; s++) {
			if (!*s)
				return false; /* unterminated */
			if (*s == '"' && s[1] != '"')
				break;
			if (*s == '"')
				s++; /* "" is one quote */
			*o++ = *s;
		}
		s++;
		if (o == *out)
			return false;
	}
	*o++ = '\0';
	*p = s;
	*out = o;
	return true;
}

/* Parse ARG into H, the names stored in BLOCK (strlen(ARG) + 3 bytes). */
static bool parse_hint(const char *arg, retort_rename *h, char *block)
{
	const char *p = arg;
	char *o = block;
	const char *first = block, *second = NULL;

	if (!read_name(&p, &o))
		return false;
	if (*p == '.') {
		p++;
		second = o;
		if (!read_name(&p, &o))
			return false;
	}
	if (*p++ != '=')
		return false;
	h->to = o;
	if (!read_name(&p, &o) || *p)
		return false;
	h->table = second ? first : NULL;
	h->from = second ? second : first;
	return true;
}

int cli_renames_add(cli_renames *r, const char *arg, retort_error *err)
{
	char *block = malloc(strlen(arg) + 3);
	retort_rename *items;
	char **blocks;
	retort_rename h;

	if (!block)
		return retort_error_set(
			err, RETORT_ENOMEM, "--rename", "out of memory");
	if (!parse_hint(arg, &h, block)) {
		free(block);
		return retort_error_set(
			err, RETORT_EINVAL, "--rename",
			"bad hint '%s' (expected OLD=NEW or TABLE.OLD=NEW; double-quote a name that holds '.' or '=')",
			arg);
	}
	items = realloc(r->items, (r->n + 1) * sizeof(*items));
	if (items)
		r->items = items;
	blocks =
		items ? realloc(r->blocks, (r->n + 1) * sizeof(*blocks)) : NULL;
	if (!blocks) {
		free(block);
		return retort_error_set(
			err, RETORT_ENOMEM, "--rename", "out of memory");
	}
	r->blocks = blocks;
	r->items[r->n] = h;
	r->blocks[r->n++] = block;
	return RETORT_OK;
}

void cli_renames_dispose(cli_renames *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->blocks[i]);
	free(r->items);
	free(r->blocks);
	r->items = NULL;
	r->blocks = NULL;
	r->n = 0;
}
