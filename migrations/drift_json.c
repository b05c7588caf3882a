/*
** drift_json.c -- the --json objects of `retort check` and `retort status`
** (migrations layer), as docs/check.md documents them: keys always
** present (null when not known), in a fixed order.
*/
#include <stdio.h>

#include <cjson/cJSON.h>

#include "drift_int.h"
#include "json_int.h"
#include "retort/emit.h"

static void
j_revids(retort_jb *j, cJSON *o, const char *key, const retort_revids *l)
{
	retort__jb_names(j, o, key, (const char *const *)l->ids, l->n);
}

/* KEY: the single id of L, or null when L has none or several. */
static void
j_single(retort_jb *j, cJSON *o, const char *key, const retort_revids *l)
{
	retort__jb_str(j, o, key, l->n == 1 ? l->ids[0] : NULL);
}

/* Add KEY: the retort_report_json() document of DIFF (or null). */
static int
j_diff(retort_jb *j,
       cJSON *o,
       const char *key,
       const retort_diff *diff,
       retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	cJSON *d = NULL;
	int rc = RETORT_OK;

	if (!diff) {
		retort__jb_check(j, cJSON_AddNullToObject(o, key));
		return RETORT_OK;
	}
	rc = retort_report_json(&b, diff, err);
	if (rc == RETORT_OK)
		d = cJSON_ParseWithLength(b.ptr, b.size);
	retort_buf_dispose(&b);
	if (rc < 0)
		return rc;
	if (!d || !cJSON_AddItemToObject(o, key, d)) {
		cJSON_Delete(d);
		j->oom = true;
	}
	return RETORT_OK;
}

static const char *state_name(retort_check_state s)
{
	switch (s) {
	case RETORT_CHECK_PASSED:
		return "passed";
	case RETORT_CHECK_FAILED:
		return "failed";
	case RETORT_CHECK_SKIPPED:
		return "skipped";
	case RETORT_CHECK_NOT_RUN:
		break;
	}
	return "not_run";
}

/* "checks": {"pending": {"status": ..., "note": ...}, ...}. */
static void j_checks(retort_jb *j, cJSON *doc, const retort_check_result *r)
{
	cJSON *cs = cJSON_AddObjectToObject(doc, "checks");
	int b;

	retort__jb_check(j, cs);
	for (b = 0; cs && b < RETORT_DRIFT_NCHECKS; b++) {
		cJSON *o = cJSON_AddObjectToObject(
			cs, retort_drift__check_name(1u << b));

		retort__jb_check(j, o);
		if (!o)
			continue;
		retort__jb_str(j, o, "status", state_name(r->checks[b].state));
		retort__jb_str(j, o, "note", r->checks[b].note);
	}
}

/* One finding as an object appended to array A. */
static int j_finding(
	retort_jb *j,
	cJSON *a,
	const retort_check_finding *f,
	retort_error *err)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		j->oom = true;
		return RETORT_OK;
	}
	retort__jb_str(j, o, "check", retort_drift__check_name(f->check));
	retort__jb_str(j, o, "kind", retort_drift__kind_name(f->kind));
	retort__jb_str(j, o, "revision", f->revision);
	retort__jb_str(j, o, "path", f->path);
	retort__jb_str(j, o, "message", f->message);
	retort__jb_str(j, o, "fix", f->fix);
	retort__jb_str(j, o, "expected", f->expected);
	retort__jb_str(j, o, "actual", f->actual);
	retort__jb_names(j, o, "revisions", f->revisions, f->nrevisions);
	return j_diff(j, o, "diff", f->diff, err);
}

/* Print DOC (taken over) into OUT with a final newline. */
static int finish(retort_jb *j, cJSON *doc, retort_buf *out, retort_error *err)
{
	char *text = doc && !j->oom ? cJSON_Print(doc) : NULL;

	cJSON_Delete(doc);
	retort_buf_clear(out);
	if (text) {
		retort_buf_puts(out, text);
		retort_buf_putc(out, '\n');
		cJSON_free(text);
	}
	if (!text || retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, "json", "out of memory");
	return RETORT_OK;
}

int retort_check_json(
	retort_buf *out, const retort_check_result *r, retort_error *err)
{
	retort_jb j = { false };
	cJSON *doc = cJSON_CreateObject(), *a;
	size_t i;
	int rc = RETORT_OK;

	retort__jb_check(&j, doc);
	if (doc) {
		retort__jb_bool(&j, doc, "ok", retort_check_ok(r));
		retort__jb_str(&j, doc, "database", r->database);
		j_revids(&j, doc, "current_revisions", &r->current);
		j_revids(&j, doc, "head_revisions", &r->heads);
		j_revids(&j, doc, "pending_migrations", &r->pending);
		j_checks(&j, doc, r);
		a = cJSON_AddArrayToObject(doc, "findings");
		retort__jb_check(&j, a);
		for (i = 0; a && rc == RETORT_OK && i < r->n; i++)
			rc = j_finding(&j, a, &r->f[i], err);
	}
	if (rc < 0) {
		cJSON_Delete(doc);
		return rc;
	}
	return finish(&j, doc, out, err);
}

int retort_status_json(
	retort_buf *out, const retort_check_result *r, retort_error *err)
{
	retort_jb j = { false };
	cJSON *doc = cJSON_CreateObject();

	retort__jb_check(&j, doc);
	if (doc) {
		retort__jb_str(
			&j, doc, "status",
			retort_health_name(retort_status_health(r)));
		j_single(&j, doc, "current_revision", &r->current);
		j_single(&j, doc, "head_revision", &r->heads);
		retort__jb_bool(&j, doc, "pending", r->pending.n > 0);
		j_revids(&j, doc, "pending_migrations", &r->pending);
		if (r->drift < 0)
			retort__jb_check(
				&j, cJSON_AddNullToObject(doc, "schema_drift"));
		else
			retort__jb_bool(&j, doc, "schema_drift", r->drift > 0);
		j_revids(&j, doc, "current_revisions", &r->current);
		j_revids(&j, doc, "head_revisions", &r->heads);
		j_revids(&j, doc, "unknown_revisions", &r->unknown);
		retort__jb_str(&j, doc, "database", r->database);
	}
	return finish(&j, doc, out, err);
}

int retort_status_error_json(
	retort_buf *out, const retort_error *failure, retort_error *err)
{
	static const char *const nulls[] = { "current_revision",
					     "head_revision", "pending",
					     "pending_migrations",
					     "schema_drift" };
	retort_jb j = { false };
	cJSON *doc = cJSON_CreateObject();
	char msg[800];
	size_t i;

	retort__jb_check(&j, doc);
	snprintf(
		msg, sizeof(msg), "%s%s%s", failure->what,
		failure->what[0] ? ": " : "", failure->why);
	if (doc) {
		retort__jb_str(&j, doc, "status", "error");
		for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
			retort__jb_check(
				&j, cJSON_AddNullToObject(doc, nulls[i]));
		retort__jb_str(&j, doc, "error", msg);
	}
	return finish(&j, doc, out, err);
}
