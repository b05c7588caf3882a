/*
** cmd_upgrade.c -- `retort upgrade` and `retort downgrade`, as Alembic's
** (cli layer): run revisions to a target, or print their SQL (--sql),
** optionally after an online backup; also the migrate options and the
** progress display the other migration commands share.
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { OPT_SQL = 1100, OPT_BACKUP };

static const cli_option options[] = {
	{ OPT_SQL, "sql", NULL,
	  "print the SQL instead of running it (offline; TARGET may be "
	  "FROM:TO)" },
	{ OPT_BACKUP, "backup", NULL,
	  "first copy the database to DB.backup.YYYYMMDD_HHMMSS (UTC)" },
	{ 0, NULL, NULL, NULL }
};

static const cli_usage upgrade_usage = {
	"retort upgrade [--sql] [--backup] [TARGET]",
	"Apply the revisions up to TARGET (default: head), each in its own\n"
	"transaction together with its version-table update.  TARGET is head,\n"
	"heads (every branch), a revision id or a unique prefix of one, or +N\n"
	"(N more revisions).  A failing revision leaves the database at the\n"
	"previous one.",
	options
};

static const cli_usage downgrade_usage = {
	"retort downgrade [--sql] [--backup] TARGET",
	"Undo revisions down to TARGET: base (everything), a revision id or\n"
	"a unique prefix of one (its descendants are undone), or -N (the last\n"
	"N revisions).",
	options
};

/* Alembic's log lines ("Running upgrade a -> b, msg") go to stderr. */
static void on_event(void *ctx, const retort_migrate_event *ev)
{
	(void)ctx;
	fprintf(stderr, "%s\n", ev->text);
}

/* A progress line on the terminal, erased when the statement ends. */
static void on_progress(void *ctx, const retort_migrate_progress *pg)
{
	(void)ctx;
	if (pg->done) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[K  %s: ", pg->revision);
	if (pg->table)
		fprintf(stderr, "copying %s: ", pg->table);
	if (pg->rows >= 0)
		fprintf(stderr, "%lld", (long long)pg->rows);
	if (pg->rows >= 0 && pg->total > 0)
		fprintf(stderr, " of %lld rows (%d%%), ", (long long)pg->total,
			(int)(pg->rows * 100 / pg->total));
	else if (pg->rows >= 0)
		fputs(" rows, ", stderr);
	fprintf(stderr, "%.1fs", pg->elapsed);
	fflush(stderr);
}

void cli_migrate_options(const cli_ctx *cli, retort_migrate_options *out)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;

	*out = o;
	out->script_location = cli->config->script_location;
	out->version_table = cli->config->version_table;
	out->notify = on_event;
	/* progress only on a terminal */
	if (isatty(STDERR_FILENO))
		out->progress = on_progress;
}

/* Back the database up first, when it exists. */
static int backup(const char *db, const retort_migrate_options *o)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf path = RETORT_BUF_INIT;
	int rc;

	if (access(db, F_OK))
		return CLI_OK; /* nothing to back up yet */
	rc = retort_migrate_backup(&path, db, o, &err);
	if (rc == RETORT_OK)
		fprintf(stderr, "Backup written to %s\n", path.ptr);
	retort_buf_dispose(&path);
	return cli_status(rc, &err);
}

/* Print the SQL of the upgrade or downgrade to TARGET. */
static int print_sql(
	const cli_ctx *cli,
	const char *target,
	bool down,
	const retort_migrate_options *o)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_buf sql = RETORT_BUF_INIT;
	int rc = down ? retort_migrate_downgrade_sql(
				&sql, cli->config->database, target, o, &err)
		      : retort_migrate_upgrade_sql(
				&sql, cli->config->database, target, o, &err);

	if (rc == RETORT_OK)
		fwrite(sql.ptr, 1, sql.size, stdout);
	retort_buf_dispose(&sql);
	return cli_status(rc, &err);
}

/*
** Take a relative target "-N" out of ARGV (*ARGC shrinks): getopt would
** read it as an option, and Alembic users write `downgrade -1`.
*/
static const char *take_relative(int *argc, char **argv)
{
	int i, j;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1] ||
		    strspn(a + 1, "0123456789") != strlen(a + 1))
			continue;
		for (j = i; j + 1 < *argc; j++)
			argv[j] = argv[j + 1];
		(*argc)--;
		return a;
	}
	return NULL;
}

/* Both commands: parse, then run or print. */
static int migrate(cli_ctx *cli, int argc, char **argv, bool down)
{
	const cli_usage *u = down ? &downgrade_usage : &upgrade_usage;
	retort_error err = RETORT_ERROR_INIT;
	retort_migrate_options o;
	bool sql = false, bk = false;
	const char *target, *rel = take_relative(&argc, argv);
	cli_parser p;
	int c, rc;

	cli_parser_init(&p, cli, argc, argv, u);
	while ((c = cli_getopt(&p)) >= 0) {
		if (c == OPT_SQL)
			sql = true;
		else if (c == OPT_BACKUP)
			bk = true;
	}
	if (c != CLI_ARGS_DONE)
		return cli_getopt_status(c);
	if (argc - optind + (rel != NULL) > 1 ||
	    (down && argc - optind + (rel != NULL) < 1))
		return cli_usage_error(
			&p,
			down ? "give one TARGET" : "give at most one TARGET");
	if (sql && bk)
		return cli_usage_error(&p, "--sql and --backup do not mix");
	target = rel ? rel : optind < argc ? argv[optind] : "head";
	cli_migrate_options(cli, &o);
	if (sql)
		return print_sql(cli, target, down, &o);
	if (!cli->config->database)
		return cli_fail(
			cli->cmd, "no database: set database in retort.ini, "
				  "RETORT_DATABASE or --db");
	if (bk && (rc = backup(cli->config->database, &o)) != CLI_OK)
		return rc;
	rc = down ? retort_migrate_downgrade(
			    cli->config->database, target, &o, &err)
		  : retort_migrate_upgrade(
			    cli->config->database, target, &o, &err);
	return cli_status(rc, &err);
}

int cmd_upgrade(cli_ctx *cli, int argc, char **argv)
{
	return migrate(cli, argc, argv, false);
}

int cmd_downgrade(cli_ctx *cli, int argc, char **argv)
{
	return migrate(cli, argc, argv, true);
}
