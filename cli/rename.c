/*
** rename.c -- the list of --rename hints a command collects (SPEC §3,
** §8); each argument is parsed by the library's retort_rename_parse()
** (cli layer).
*/
#include "cli.h"

#include <stdlib.h>

int cli_renames_add(cli_renames *r, const char *arg, retort_error *err)
{
	retort_buf storage = RETORT_BUF_INIT;
	retort_rename *items;
	char **blocks;
	retort_rename h;
	int rc = retort_rename_parse(&h, &storage, arg, err);

	if (rc != RETORT_OK) {
		retort_buf_dispose(&storage);
		return rc;
	}
	items = realloc(r->items, (r->n + 1) * sizeof(*items));
	if (items)
		r->items = items;
	blocks =
		items ? realloc(r->blocks, (r->n + 1) * sizeof(*blocks)) : NULL;
	if (!blocks) {
		retort_buf_dispose(&storage);
		return retort_error_set(
			err, RETORT_ENOMEM, "--rename", "out of memory");
	}
	r->blocks = blocks;
	r->items[r->n] = h;
	/* detaching keeps the pointer that h's names point into */
	r->blocks[r->n++] = retort_buf_detach(&storage);
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
