/*
** api.c -- the public calls of the runner (migrations layer): what an
** application does at start-up and in a health check, and what the CLI's
** upgrade, downgrade, stamp, current and --sql run.
*/
#include <string.h>

#include "migrate_int.h"

/* Everything one runner call holds. */
typedef struct session {
	retort_project *p;    /* the graph */
	sqlite3 *db;          /* the database, or NULL */
	retort_dbstate state; /* its version rows */
	retort_runplan plan;  /* what to do */
} session;

static void session_dispose(session *s)
{
	retort_migrate__plan_dispose(&s->plan);
	retort_migrate__state_dispose(&s->state);
	sqlite3_close(s->db);
	retort_project_free(s->p);
	memset(s, 0, sizeof(*s));
}

/* The foreign-key setting a new connection starts with. */
static bool default_fk(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	bool on = false;

	if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		on = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return on;
}

/* What session_open() opens. */
enum { OPEN_WRITE = 1u << 0, OPEN_PROJECT = 1u << 1 };

/*
** Open the project (OPEN_PROJECT) and the database at URL (OPEN_WRITE:
** created when missing; else a missing database reads as uninitialised).
*/
static int session_open(
	session *s,
	const char *url,
	unsigned what,
	const retort_migrate_options *opts,
	retort_error *err)
{
	bool write = (what & OPEN_WRITE) != 0;
	int rc = RETORT_OK;

	memset(s, 0, sizeof(*s));
	if ((what & OPEN_PROJECT) &&
	    (rc = retort_project_open(&s->p, opts, err)) < 0)
		return rc;
	rc = retort_migrate__open_db(&s->db, url, write, opts, err);
	if (rc == RETORT_ENOTFOUND && !write) {
		retort_error_clear(err);
		s->state.fk_on = default_fk();
		return RETORT_OK;
	}
	if (rc == RETORT_OK)
		rc = retort_migrate__read_state(
			&s->state, s->db, retort_migrate__vt(opts), err);
	return rc;
}

/* Plan REQ and run it (or, with SQL, print it). */
static int plan_and_run(
	session *s,
	const retort_plan_req *req,
	retort_buf *sql,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_run run = { opts, retort_migrate__vt(opts), sql, s->db };
	int rc = retort_migrate__plan(&s->plan, s->p, &s->state, req, err);

	if (rc == RETORT_OK)
		rc = retort_migrate__run(s->p, &s->plan, &s->state, &run, err);
	return rc;
}

/* Open the database at URL for writing and run REQ on it. */
static int
migrate(const char *url,
	const retort_plan_req *req,
	const retort_migrate_options *opts,
	retort_error *err)
{
	session s;
	int rc = session_open(&s, url, OPEN_WRITE | OPEN_PROJECT, opts, err);

	if (rc == RETORT_OK)
		rc = plan_and_run(&s, req, NULL, opts, err);
	session_dispose(&s);
	return rc;
}

int retort_migrate_upgrade(
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { target ? target : "head", false, false, false };

	return migrate(url, &req, opts, err);
}

int retort_migrate_downgrade(
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { target ? target : "-1", true, false, false };

	return migrate(url, &req, opts, err);
}

int retort_migrate_stamp(
	const char *url,
	const char *target,
	bool purge,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { target, false, true, purge };

	return migrate(url, &req, opts, err);
}

int retort_migrate_initialize(
	const char *url, const retort_migrate_options *opts, retort_error *err)
{
	retort_plan_req req = { "head", false, false, false };
	session s;
	int rc = session_open(&s, url, OPEN_WRITE | OPEN_PROJECT, opts, err);

	if (rc == RETORT_OK && s.state.heads.n)
		rc = retort_error_set(
			err, RETORT_EUNSAFE, url,
			"the database is already initialised (at revision %s%s)",
			s.state.heads.ids[0],
			s.state.heads.n > 1 ? ", ..." : "");
	if (rc == RETORT_OK)
		rc = plan_and_run(&s, &req, NULL, opts, err);
	session_dispose(&s);
	return rc;
}

int retort_migrate_current(
	retort_revids *out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err)
{
	session s;
	int rc = session_open(&s, url, 0, opts, err);

	retort_revids_dispose(out);
	if (rc == RETORT_OK) {
		*out = s.state.heads;
		memset(&s.state.heads, 0, sizeof(s.state.heads));
	}
	session_dispose(&s);
	return rc;
}

int retort_migrate_heads(
	retort_revids *out,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_project *p = NULL;
	int rc = retort_project_open(&p, opts, err);

	if (rc == RETORT_OK)
		rc = retort_project_resolve(out, p, "heads", err);
	retort_project_free(p);
	return rc;
}

int retort_migrate_pending(
	retort_revids *out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { "heads", false, false, false };
	session s;
	size_t i;
	int rc = session_open(&s, url, OPEN_PROJECT, opts, err);

	retort_revids_dispose(out);
	if (rc == RETORT_OK)
		rc = retort_migrate__plan(&s.plan, s.p, &s.state, &req, err);
	for (i = 0; rc == RETORT_OK && i < s.plan.n; i++)
		if (!retort_migrate__revids_add(
			    out, s.p->files[s.plan.steps[i].rev].rev.id))
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc < 0)
		retort_revids_dispose(out);
	session_dispose(&s);
	return rc;
}

/* Offline start "FROM" of "FROM:TO": the state the SQL starts from. */
static int offline_start(session *s, const char *from, retort_error *err)
{
	size_t *idx = retort__malloc((s->p->n + 1) * sizeof(size_t)), n, i;
	int rc;

	if (!idx)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	rc = retort_migrate__resolve(idx, &n, s->p, from, err);
	for (i = 0; rc == RETORT_OK && i < n; i++)
		if (!retort_migrate__revids_add(
			    &s->state.heads, s->p->files[idx[i]].rev.id))
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
	s->state.has_table = s->state.has_history = n > 0;
	s->state.fk_on = default_fk();
	retort__free(idx);
	return rc;
}

/*
** Open what offline mode starts from for *TARGET ("FROM:TO" or "TO"):
** FROM, else the database at URL (read-only), else base.  A "FROM:" is
** skipped in *TARGET.
*/
static int offline_open(
	session *s,
	const char *url,
	const char **target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	const char *colon = strchr(*target, ':');
	char *from;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!colon && url && url[0])
		return session_open(s, url, OPEN_PROJECT, opts, err);
	if ((rc = retort_project_open(&s->p, opts, err)) < 0 || !colon) {
		s->state.fk_on = default_fk();
		return rc;
	}
	if (!(from = retort__strdup(*target)))
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	from[colon - *target] = '\0';
	rc = offline_start(s, from[0] ? from : "base", err);
	retort__free(from);
	*target = colon + 1;
	return rc;
}

/* --sql: the SQL of REQ from where offline_open() starts. */
static int
offline(retort_buf *out,
	const char *url,
	retort_plan_req *req,
	const retort_migrate_options *opts,
	retort_error *err)
{
	session s;
	int rc = offline_open(&s, url, &req->target, opts, err);

	retort_buf_clear(out);
	if (rc == RETORT_OK)
		rc = plan_and_run(&s, req, out, opts, err);
	session_dispose(&s);
	return rc;
}

int retort_migrate_upgrade_sql(
	retort_buf *out,
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { target ? target : "head", false, false, false };

	return offline(out, url, &req, opts, err);
}

int retort_migrate_downgrade_sql(
	retort_buf *out,
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_plan_req req = { target ? target : "-1", true, false, false };

	return offline(out, url, &req, opts, err);
}
