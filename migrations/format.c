/*
** format.c -- revisions described the way Alembic's current, heads,
** branches, history and show print them (migrations layer): the one-line
** form of Script.cmd_format() and the multi-line log entry.
*/
#include <string.h>

#include "migrate_int.h"

/* Append the ids in IDS[0..N) joined by ", ", or "<base>" when none. */
static void put_list(retort_buf *out, const char *const *ids, size_t n)
{
	size_t i;

	if (!n)
		retort_buf_puts(out, "<base>");
	for (i = 0; i < n; i++)
		retort_buf_printf(out, "%s%s", i ? ", " : "", ids[i]);
}

/* The log entry of `show` and `--verbose`. */
static void log_entry(retort_buf *out, const retort_revision *rev, unsigned f)
{
	const char *line = rev->doc;

	retort_buf_printf(
		out, "Rev: %s%s%s%s%s\n", rev->id,
		rev->nchildren ? "" : " (head)",
		rev->nchildren > 1 ? " (branchpoint)" : "",
		rev->nparents > 1 ? " (mergepoint)" : "",
		(f & RETORT_REVFMT_CURRENT) ? " (current)" : "");
	retort_buf_puts(out, rev->nparents > 1 ? "Merges: " : "Parent: ");
	put_list(out, rev->parents, rev->nparents);
	retort_buf_putc(out, '\n');
	if (rev->nchildren > 1) {
		retort_buf_puts(out, "Branches into: ");
		put_list(out, rev->children, rev->nchildren);
		retort_buf_putc(out, '\n');
	}
	retort_buf_printf(out, "Path: %s\n\n", rev->path);
	while (line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		retort_buf_puts(out, "    ");
		retort_buf_put(out, line, n);
		retort_buf_putc(out, '\n');
		line = nl ? nl + 1 : NULL;
	}
	retort_buf_putc(out, '\n');
}

void retort_revision_format(
	retort_buf *out, const retort_revision *rev, unsigned flags)
{
	if (flags & RETORT_REVFMT_VERBOSE) {
		log_entry(out, rev, flags);
		return;
	}
	if (flags & RETORT_REVFMT_PARENTS) {
		put_list(out, rev->parents, rev->nparents);
		retort_buf_puts(out, " -> ");
	}
	retort_buf_puts(out, rev->id);
	if ((flags & (RETORT_REVFMT_HEAD | RETORT_REVFMT_TREE)) &&
	    !rev->nchildren)
		retort_buf_puts(out, " (head)");
	if (flags & RETORT_REVFMT_CURRENT)
		retort_buf_puts(out, " (current)");
	if ((flags & RETORT_REVFMT_TREE) && rev->nchildren > 1)
		retort_buf_puts(out, " (branchpoint)");
	if ((flags & RETORT_REVFMT_TREE) && rev->nparents > 1)
		retort_buf_puts(out, " (mergepoint)");
	if (flags & RETORT_REVFMT_DOC)
		retort_buf_printf(out, ", %s", rev->message);
}
