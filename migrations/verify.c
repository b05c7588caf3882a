/*
** verify.c -- verified generation of migration SQL (SPEC §4), migrations
** layer: retort_emit_plan() writes the plan with the emitter, then builds
** FROM in an in-memory sandbox database, runs the upgrade, introspects
** and compares with TO (must be equal), runs the downgrade and compares
** with FROM (must be equal) -- on the part of the schemas the plan
** touches and needs, since SQLite's ALTER TABLE costs grow with the
** whole schema.  A plan that fails is RETORT_EINTERNAL with
** what differed, never returned.  Lives here, not in emit/, because it
** needs the introspector (emit and introspect never include each other).
*/
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "introspect.h"
#include "plan_int.h"

/* Describe operation OP of a leftover diff into BUF[N]. */
static void describe_op(char *buf, size_t n, const retort_diff_op *op)
{
	snprintf(
		buf, n, "%s %s%s%s", retort_op_kind_name(op->kind),
		op->object ? op->object : "?", op->name ? "." : "",
		op->name ? op->name : "");
}

/*
** Compare GOT (the database after running STEP) with WANT using the
** options of DIFF minus its renames; a difference is an internal error
** naming the first leftover operation.
*/
static int
compare(const retort_schema *got,
	const retort_schema *want,
	const retort_diff *diff,
	const char *step,
	retort_error *err)
{
	const retort_diff_options *o = retort_diff_options_of(diff);
	retort_diff_options opts = RETORT_DIFF_OPTIONS_INIT;
	retort_error sub = RETORT_ERROR_INIT;
	retort_diff *left = NULL;
	char what[200];
	size_t n;
	int rc;

	if (o)
		opts = *o;
	opts.renames = NULL;
	opts.nrenames = 0;
	rc = retort_diff_compare(&left, got, want, &opts, &sub);
	if (rc < 0)
		return retort_error_set(
			err, RETORT_EINTERNAL, step,
			"verification failed: cannot compare the result: %s",
			sub.why);
	n = retort_diff_count(left);
	if (n) {
		describe_op(what, sizeof(what), retort_diff_get(left, 0));
		rc = retort_error_set(
			err, RETORT_EINTERNAL, step,
			"verification failed: the generated %s does not reach its "
			"target schema: %s remains (%zu difference%s)",
			step, what, n, n == 1 ? "" : "s");
	}
	retort_diff_free(left);
	return rc;
}

/* Run SCRIPT (the STEP) in DB, then introspect DB into *out. */
static int run_step(
	retort_schema **out,
	sqlite3 *db,
	const char *script,
	const char *step,
	retort_error *err)
{
	retort_error sub = RETORT_ERROR_INIT;
	int rc;

	*out = NULL;
	rc = retort__exec_script(db, script, step, &sub);
	if (rc < 0)
		return retort_error_set(
			err, RETORT_EINTERNAL, step,
			"verification failed: the generated %s fails on an empty "
			"copy of its starting schema: %s: %s",
			step, sub.what, sub.why);
	if (!sqlite3_get_autocommit(db))
		return retort_error_set(
			err, RETORT_EINTERNAL, step,
			"verification failed: the generated %s leaves a "
			"transaction open",
			step);
	rc = retort__introspect(out, db, step, NULL, &sub);
	if (rc < 0)
		return retort_error_set(
			err, rc == RETORT_ENOMEM ? rc : RETORT_EINTERNAL, step,
			"verification failed: cannot read back the result: %s",
			sub.why);
	return RETORT_OK;
}

/*
** Build SQL (the part STEP of the schemas) in a new sandbox database and
** introspect it: *db_out keeps the database open when DB_OUT is given.
*/
static int
build(retort_schema **out,
      sqlite3 **db_out,
      const char *sql,
      const char *step,
      retort_error *err)
{
	retort_error sub = RETORT_ERROR_INIT;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	if ((rc = retort__sandbox_open(&db, err)) < 0)
		return rc;
	if (retort__exec_script(db, sql, step, &sub) < 0 ||
	    retort__introspect(out, db, step, NULL, &sub) < 0)
		rc = retort_error_set(
			err,
			sub.code == RETORT_ENOMEM ? RETORT_ENOMEM
						  : RETORT_EINTERNAL,
			"verification", "cannot build the %s in memory: %s: %s",
			step, sub.what, sub.why);
	if (rc == RETORT_OK && db_out)
		*db_out = db;
	else
		sqlite3_close(db);
	return rc;
}

/*
** Verify PLAN of DIFF as SPEC §4 describes, on the part of the schemas
** that the plan touches (plan_subset.c): FROM's part is built, the
** upgrade must turn it into TO's part, the downgrade back into FROM's.
*/
static int
verify(const retort_plan *plan, const retort_diff *diff, retort_error *err)
{
	retort_buf from_sql = RETORT_BUF_INIT, to_sql = RETORT_BUF_INIT;
	retort_schema *from = NULL, *to = NULL, *got = NULL;
	sqlite3 *db = NULL;
	int rc;

	rc = retort__plan_subset_sql(&from_sql, &to_sql, diff, err);
	if (rc == RETORT_OK)
		rc = build(&to, NULL, to_sql.ptr, "target schema", err);
	if (rc == RETORT_OK)
		rc = build(&from, &db, from_sql.ptr, "starting schema", err);
	if (rc == RETORT_OK)
		rc = run_step(&got, db, plan->upgrade, "upgrade", err);
	if (rc == RETORT_OK)
		rc = compare(got, to, diff, "upgrade", err);
	retort_schema_free(got);
	got = NULL;
	if (rc == RETORT_OK)
		rc = run_step(&got, db, plan->downgrade, "downgrade", err);
	if (rc == RETORT_OK)
		rc = compare(got, from, diff, "downgrade", err);
	retort_schema_free(got);
	retort_schema_free(from);
	retort_schema_free(to);
	sqlite3_close(db);
	retort_buf_dispose(&from_sql);
	retort_buf_dispose(&to_sql);
	return rc;
}

int retort_emit_plan(
	retort_plan **out,
	const retort_diff *diff,
	const retort_emit_options *opts,
	retort_error *err)
{
	retort_plan *plan = NULL;
	int rc, lib = sqlite3_libversion_number();

	*out = NULL;
	if ((rc = retort__plan_generate(&plan, diff, opts, err)) < 0)
		return rc;
	if (opts && !opts->verify) {
		*out = plan;
		return RETORT_OK;
	}
	if (opts && opts->sqlite_version > lib) {
		retort_plan_free(plan);
		return retort_error_set(
			err, RETORT_EINVAL, "sqlite_version",
			"cannot verify SQL written for SQLite %d.%d.%d with the "
			"linked %s: turn verification off to write it anyway",
			opts->sqlite_version / 1000000,
			opts->sqlite_version / 1000 % 1000,
			opts->sqlite_version % 1000, sqlite3_libversion());
	}
	if ((rc = verify(plan, diff, err)) < 0) {
		retort_plan_free(plan);
		return rc;
	}
	*out = plan;
	return RETORT_OK;
}
