/*
** cmd_rehash.c -- `retort rehash [--force] [REV]`: refresh the Schema:
** fingerprint line of revision files to what they build, replayed in
** memory (cli layer).  Revisions the database has applied are refused
** unless --force.
*/
#include "cli.h"

#include <stdio.h>

enum { OPT_FORCE = 1100 };

static const cli_option options[] = {
	{ OPT_FORCE, "force", NULL,
	  "also rewrite revisions the database has applied" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage usage = {
	"retort rehash [--force] [REV]",
	"Set the 'Schema:' line of revision REV (an id, a unique prefix, head\n"
	"or heads; default: every revision) to the fingerprint of what it\n"
	"builds, replaying the revisions in memory.  Use it after editing a\n"
	"revision that is not applied yet.  A revision that the configured\n"
	"database has applied is refused unless --force: its file's checksum\n"
	"changes, and 'retort check' reports it as edited in databases other\n"
	"than the configured one (whose recorded checksum is refreshed when\n"
	"only the Schema line changed).",
	options
};

/* One line per revision looked at. */
static void put_items(retort_buf *b, const retort_rehash_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const retort_rehash_item *it = &l->items[i];

		if (!it->changed) {
			retort_buf_printf(
				b, "%s: up to date (%s)\n", it->id,
				it->new_schema);
			continue;
		}
		retort_buf_printf(
			b, "%s: Schema %s -> %s%s\n", it->id,
			it->old_schema[0] ? it->old_schema : "(none)",
			it->new_schema,
			it->db_updated ? " (database checksum refreshed)" : "");
	}
}

int cmd_rehash(cli_ctx *cli, int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_rehash_list l = RETORT_REHASH_LIST_INIT;
	retort_buf b = RETORT_BUF_INIT;
	retort_migrate_options o;
	bool force = false;
	cli_parser p;
	int c, rc;

	cli_parser_init(&p, cli, argc, argv, &usage);
	while ((c = cli_getopt(&p)) >= 0)
		if (c == OPT_FORCE)
			force = true;
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind > 1)
		return cli_usage_error(
			&p, "unexpected argument '%s'", argv[optind + 1]);
	cli_migrate_options(cli, &o);
	rc = retort_rehash(
		&l, optind < argc ? argv[optind] : NULL, cli->config->database,
		force, &o, &err);
	if (rc == RETORT_OK)
		put_items(&b, &l);
	if (rc == RETORT_OK && retort_buf_oom(&b))
		rc = retort_error_set(
			&err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK)
		fwrite(b.ptr, 1, b.size, stdout);
	retort_buf_dispose(&b);
	retort_rehash_list_dispose(&l);
	return cli_status(rc, &err);
}
