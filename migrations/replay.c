/*
** replay.c -- what a project's revisions build, without a database: their
** upgrade scripts replayed in a sandboxed in-memory database, and the
** fingerprint of the result (migrations layer).  Used for the Schema
** line of new revisions and by autogenerate.
*/
#include <string.h>

#include "introspect.h"
#include "migrate_int.h"

/* Run statement S of a section; a foreign_key_check row is an error. */
static int exec_stmt(
	sqlite3 *db, const retort_stmt *s, const char *path, retort_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *tail = s->sql, *end = s->sql + s->len;
	int rc = SQLITE_OK;
	bool orphan = false;

	while (tail < end && rc == SQLITE_OK && !orphan) {
		rc = sqlite3_prepare_v2(
			db, tail, (int)(end - tail), &st, &tail);
		if (rc != SQLITE_OK || !st)
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (s->kind == RETORT_STMT_FK_CHECK) {
				orphan = true;
				break;
			}
		rc = rc == SQLITE_DONE || orphan ? SQLITE_OK : rc;
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK && !orphan)
		return RETORT_OK;
	{
		retort_buf what = RETORT_BUF_INIT, why = RETORT_BUF_INIT;

		retort_buf_printf(&what, "%s:%u", path, s->line);
		retort_buf_puts(
			&why, orphan ? "foreign key check failed"
				     : sqlite3_errmsg(db));
		retort_buf_puts(&why, ", in statement \"");
		retort_migrate__abbrev(&why, s->sql, s->len);
		retort_buf_puts(&why, "\" (replaying the revisions in memory)");
		if (err && err->code == RETORT_OK)
			err->sqlite_rc =
				orphan ? 0 : sqlite3_extended_errcode(db);
		retort_error_set(
			err, RETORT_ESQLITE,
			retort_buf_oom(&what) ? path : what.ptr, "%s",
			retort_buf_oom(&why) ? "statement failed" : why.ptr);
		retort_buf_dispose(&what);
		retort_buf_dispose(&why);
	}
	return RETORT_ESQLITE;
}

int retort_migrate__exec_section(
	sqlite3 *db,
	const char *sql,
	unsigned first_line,
	const char *path,
	retort_error *err)
{
	retort_script sc;
	size_t i;
	int rc = retort_migrate__split(&sc, sql, first_line, path, err);

	for (i = 0; rc == RETORT_OK && i < sc.n; i++)
		if (sc.stmts[i].kind == RETORT_STMT_SQL ||
		    sc.stmts[i].kind == RETORT_STMT_FK_CHECK)
			rc = exec_stmt(db, &sc.stmts[i], path, err);
	retort_migrate__script_dispose(&sc);
	return rc;
}

int retort_migrate__replay(
	sqlite3 **out,
	const retort_project *p,
	const size_t *parents,
	size_t nparents,
	retort_error *err)
{
	bool *mark = retort__calloc(p->n + 1, sizeof(bool));
	sqlite3 *db = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!mark)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < nparents; i++)
		retort_migrate__mark(p, parents[i], true, mark);
	rc = retort__sandbox_open(&db, err);
	for (i = 0; rc == RETORT_OK && i < p->n; i++)
		if (mark[i])
			rc = retort_migrate__exec_section(
				db, p->files[i].rev.up_sql,
				p->files[i].rev.up_line + 1,
				p->files[i].rev.path, err);
	retort__free(mark);
	if (rc < 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return RETORT_OK;
}

int retort_migrate__fingerprint(
	char out[22], sqlite3 *db, const char *vt, retort_error *err)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;
	retort_schema *s = NULL;
	int rc;

	lo.exclude_prefix = vt;
	rc = retort__introspect(&s, db, "the revisions", &lo, err);
	if (rc == RETORT_OK)
		retort_fingerprint_format(out, retort_schema_fingerprint(s));
	retort_schema_free(s);
	return rc;
}
