/*
** startup.c -- an application that brings its SQLite database to the
** newest revision when it starts, with libretort's migration API (the
** equivalent of calling Alembic's command.upgrade(cfg, "head") at
** start-up), then reports what a health check would.
**
** usage: example_startup [DB [MIGRATIONS_FOLDER]]
**        (defaults: app.db and migrations, as `retort init` makes them)
*/
#include <stdio.h>

#include <retort.h>

/* Log each revision as it runs, as Alembic's INFO lines do. */
static void log_step(void *ctx, const retort_migrate_event *ev)
{
	(void)ctx;
	fprintf(stderr, "migrations: %s\n", ev->text);
}

/* Print the error the library returned; the library never prints. */
static int fail(const char *doing, const retort_error *err)
{
	fprintf(stderr, "startup: %s failed: %s: %s\n", doing, err->what,
		err->why);
	return 1;
}

static void print_ids(const char *label, const retort_revids *ids)
{
	size_t i;

	printf("%s:", label);
	for (i = 0; i < ids->n; i++)
		printf(" %s", ids->ids[i]);
	printf("%s\n", ids->n ? "" : " none");
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "app.db";
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_revids pending = RETORT_REVIDS_INIT;
	retort_revids current = RETORT_REVIDS_INIT;
	retort_revids heads = RETORT_REVIDS_INIT;
	int status = 0;

	opts.script_location = argc > 2 ? argv[2] : "migrations";
	opts.notify = log_step;

	/* check_pending_migrations(), then run_migrations(url, "head") */
	if (retort_migrate_pending(&pending, db, &opts, &err) < 0) {
		status = fail("checking for pending migrations", &err);
		goto done;
	}
	if (pending.n) {
		printf("%zu pending migration(s)\n", pending.n);
		if (retort_migrate_upgrade(db, "head", &opts, &err) < 0) {
			/* the database stays at the last revision that worked
			 */
			status = fail("upgrading the database", &err);
			goto done;
		}
	}

	/* what a health endpoint reports */
	if (retort_migrate_current(&current, db, &opts, &err) < 0 ||
	    retort_migrate_heads(&heads, &opts, &err) < 0) {
		status = fail("reading the revisions", &err);
		goto done;
	}
	print_ids("current revision", &current);
	print_ids("head revision", &heads);
	retort_revids_dispose(&pending);
	if (retort_migrate_pending(&pending, db, &opts, &err) < 0) {
		status = fail("checking for pending migrations", &err);
		goto done;
	}
	printf("status: %s\n", pending.n ? "pending migrations" : "healthy");
	status = pending.n ? 1 : 0;
done:
	retort_revids_dispose(&pending);
	retort_revids_dispose(&current);
	retort_revids_dispose(&heads);
	return status;
}
