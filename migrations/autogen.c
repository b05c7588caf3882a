/*
** autogen.c -- `revision --autogenerate` (migrations layer): the schema
** the revisions build (replayed in memory, or a live database at head)
** compared with the model, turned into verified SQL by the emitter and
** written as a revision; destructive operations and possible renames
** reported and marked in the file.
*/
#include <stdio.h>
#include <string.h>

#include "introspect.h"
#include "migrate_int.h"
#include "retort/emit.h"

/* The state of one autogenerate run. */
typedef struct autogen {
	retort_newrev nr;                   /* the revision to write */
	const retort_migrate_options *opts; /* project options */
	sqlite3 *db;                        /* the replayed schema (sandbox) */
	retort_schema *from;                /* what the revisions build */
	retort_schema *model;               /* what the application wants */
	retort_diff *diff;                  /* from -> model */
	retort_plan *plan;                  /* the emitter's SQL */
	retort_buf notes;                   /* comment block of the file */
	retort_buf *report;                 /* lines for the user, or NULL */
	retort_error *err;                  /* the caller's record */
} autogen;

static int oom(autogen *a)
{
	return retort_error_set(a->err, RETORT_ENOMEM, NULL, "out of memory");
}

static retort_load_options load_options(const autogen *a)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;

	lo.exclude_prefix = retort_migrate__vt(a->opts);
	if (a->opts)
		lo.busy_timeout_ms = a->opts->busy_timeout_ms;
	return lo;
}

/* The live database must be exactly at the new revision's parents. */
static int check_db_at_parents(autogen *a)
{
	retort_revids cur = RETORT_REVIDS_INIT;
	size_t i, j, found = 0;
	int rc = retort_migrate_current(
		&cur, a->nr.ro->from_db, a->opts, a->err);

	for (i = 0; rc == RETORT_OK && i < a->nr.nparents; i++)
		for (j = 0; j < cur.n; j++)
			found += !strcmp(
				cur.ids[j],
				a->nr.p->files[a->nr.parents[i]].rev.id);
	if (rc == RETORT_OK && (found != a->nr.nparents || cur.n != found))
		rc = retort_error_set(
			a->err, RETORT_EINVAL, a->nr.ro->from_db,
			"target database is not up to date: it is at %s%s, the "
			"new revision builds on %s (run 'retort upgrade')",
			cur.n ? cur.ids[0] : "base", cur.n > 1 ? ", ..." : "",
			a->nr.nparents ? a->nr.p->files[a->nr.parents[0]].rev.id
				       : "base");
	retort_revids_dispose(&cur);
	return rc;
}

/* Load FROM (replay, or the live database) and the model. */
static int load_schemas(autogen *a)
{
	const retort_revision_options *ro = a->nr.ro;
	retort_load_options lo = load_options(a);
	retort_buf sql = RETORT_BUF_INIT;
	int rc;

	if (!ro->model || !ro->model[0])
		return retort_error_set(
			a->err, RETORT_EINVAL, "model",
			"no model to compare with: set model in retort.ini");
	if (!ro->from_db) {
		rc = retort_migrate__replay(
			&a->db, a->nr.p, a->nr.parents, a->nr.nparents, a->err);
		if (rc == RETORT_OK)
			rc = retort__introspect(
				&a->from, a->db, "the revisions", &lo, a->err);
	} else if (
		(rc = check_db_at_parents(a)) == RETORT_OK &&
		(rc = retort_schema_load(&a->from, ro->from_db, &lo, a->err)) ==
			RETORT_OK &&
		(rc = retort_schema_to_sql(&sql, a->from, a->err)) ==
			RETORT_OK &&
		(rc = retort__sandbox_open(&a->db, a->err)) == RETORT_OK) {
		/* a copy of the live schema, for the Schema fingerprint */
		rc = retort__exec_script(a->db, sql.ptr, ro->from_db, a->err);
	}
	retort_buf_dispose(&sql);
	if (rc == RETORT_OK)
		rc = retort_schema_load(&a->model, ro->model, &lo, a->err);
	return rc;
}

/* "added column 'users.name'" for operation OP. */
static void describe_op(retort_buf *b, const retort_diff_op *op)
{
	static const struct {
		const char *prefix, *verb;
	} verbs[] = { { "add_", "added" },        { "drop_", "removed" },
		      { "rename_", "renamed" },   { "alter_", "changed" },
		      { "replace_", "replaced" }, { "reorder_", "reordered" } };
	const char *kind = retort_op_kind_name(op->kind), *noun = kind;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strncmp(kind, verbs[i].prefix, strlen(verbs[i].prefix))) {
			retort_buf_printf(b, "%s ", verbs[i].verb);
			noun = kind + strlen(verbs[i].prefix);
		}
	for (; *noun; noun++)
		retort_buf_putc(b, *noun == '_' ? ' ' : *noun);
	/* a rename names the object by its new name: show both */
	if (op->kind == RETORT_OP_RENAME_TABLE && op->from.table) {
		retort_buf_printf(
			b, " '%s' to '%s'", op->from.table->name, op->object);
		return;
	}
	if (op->kind == RETORT_OP_RENAME_COLUMN && op->from.column) {
		retort_buf_printf(
			b, " '%s.%s' to '%s'", op->object,
			op->from.column->name, op->name ? op->name : "?");
		return;
	}
	retort_buf_printf(b, " '%s", op->object ? op->object : "?");
	if (op->name)
		retort_buf_printf(b, ".%s", op->name);
	retort_buf_putc(b, '\'');
}

/* Append TEXT to the report and, as a comment, to the file's notes. */
static void note(autogen *a, const char *label, const char *text)
{
	const char *c;

	if (!a->notes.size)
		retort_buf_puts(&a->notes, "-- Review before applying:");
	retort_buf_printf(&a->notes, "\n--   %s: ", label);
	for (c = text; *c; c++)
		retort_buf_putc(&a->notes, *c == '\n' ? ' ' : *c);
	if (a->report)
		retort_buf_printf(a->report, "warning: %s: %s\n", label, text);
}

/* Report every operation; mark destructive ones and possible renames. */
static void report_ops(autogen *a)
{
	retort_buf line = RETORT_BUF_INIT, hints = RETORT_BUF_INIT;
	size_t i, n = retort_diff_count(a->diff);

	for (i = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(a->diff, i);

		retort_buf_clear(&line);
		describe_op(&line, op);
		if (a->report)
			retort_buf_printf(a->report, "Detected %s\n", line.ptr);
		if (op->safety == RETORT_DESTRUCTIVE) {
			if (op->reason)
				retort_buf_printf(&line, " (%s)", op->reason);
			note(a, "destructive", line.ptr);
		}
		if (op->rename_hint && !strstr(hints.ptr, op->rename_hint)) {
			retort_buf_printf(&hints, "%s\n", op->rename_hint);
			retort_buf_clear(&line);
			retort_buf_printf(
				&line,
				"rerun with --rename %s to keep the data",
				op->rename_hint);
			note(a, "possible rename", line.ptr);
		}
	}
	for (i = 0; i < retort_plan_nwarnings(a->plan); i++)
		note(a, "warning", retort_plan_warning(a->plan, i));
	retort_buf_dispose(&line);
	retort_buf_dispose(&hints);
}

/* Diff, plan, fingerprint the result; 1 when there is nothing to do. */
static int generate(autogen *a, char fp[22])
{
	int rc = retort_diff_compare(
		&a->diff, a->from, a->model, a->nr.ro->diff, a->err);

	if (rc < 0)
		return rc;
	if (!retort_diff_count(a->diff))
		return 1;
	if ((rc = retort_emit_plan(&a->plan, a->diff, NULL, a->err)) < 0)
		return rc;
	/* the Schema line: what the upgrade builds, read back */
	rc = retort_migrate__exec_section(
		a->db, retort_plan_upgrade(a->plan), 1, "the generated upgrade",
		a->err);
	if (rc == RETORT_OK)
		rc = retort_migrate__fingerprint(
			fp, a->db, retort_migrate__vt(a->opts), a->err);
	if (rc < 0)
		return rc;
	report_ops(a);
	return retort_buf_oom(&a->notes) ? oom(a) : RETORT_OK;
}

int retort_revision_autogenerate(
	retort_buf *path_out,
	retort_buf *report,
	const retort_revision_options *ropts,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_project *p = NULL;
	autogen a;
	char fp[22];
	int rc;

	memset(&a, 0, sizeof(a));
	a.nr.ro = ropts;
	a.opts = opts;
	a.report = report;
	a.err = err;
	a.notes = (retort_buf)RETORT_BUF_INIT;
	retort_buf_clear(path_out);
	if (report)
		retort_buf_clear(report);
	if ((rc = retort_project_open(&p, opts, err)) < 0)
		goto done;
	a.nr.p = p;
	if ((rc = retort_migrate__choose_parents(&a.nr, err)) < 0 ||
	    (rc = load_schemas(&a)) < 0 || (rc = generate(&a, fp)) != RETORT_OK)
		goto done;
	a.nr.schema = fp;
	a.nr.notes = a.notes.size ? a.notes.ptr : NULL;
	a.nr.up_sql = retort_plan_upgrade(a.plan);
	a.nr.down_sql = retort_plan_downgrade(a.plan);
	rc = retort_migrate__write_newrev(path_out, &a.nr, err);
done:
	if (rc == 1)
		rc = RETORT_OK; /* no changes: nothing written */
	if (report && retort_buf_oom(report) && rc == RETORT_OK)
		rc = oom(&a);
	retort_buf_dispose(&a.notes);
	retort_plan_free(a.plan);
	retort_diff_free(a.diff);
	retort_schema_free(a.model);
	retort_schema_free(a.from);
	sqlite3_close(a.db);
	retort__free(a.nr.parents);
	retort_project_free(p);
	return rc;
}
