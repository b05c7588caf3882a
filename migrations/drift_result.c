/*
** drift_result.c -- the result of `retort check` (migrations layer):
** findings, the state of each check, the revisions read, and the
** schemas and diffs the findings point into; names used in --json.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drift_int.h"

static const char *const check_names[RETORT_DRIFT_NCHECKS] = {
	"pending", "drift", "edited", "model", "revisions"
};

int retort_drift__bit(unsigned check)
{
	int b;

	for (b = 0; b < RETORT_DRIFT_NCHECKS; b++)
		if (check == 1u << b)
			return b;
	return -1;
}

const char *retort_drift__check_name(unsigned check)
{
	int b = retort_drift__bit(check);

	return b < 0 ? "?" : check_names[b];
}

const char *retort_check_name(retort_check_flag check)
{
	return retort_drift__check_name(check);
}

const char *retort_drift__kind_name(retort_finding_kind kind)
{
	switch (kind) {
	case RETORT_FINDING_PENDING:
		return "pending";
	case RETORT_FINDING_UNKNOWN_REVISION:
		return "unknown_revision";
	case RETORT_FINDING_SCHEMA_DRIFT:
		return "schema_drift";
	case RETORT_FINDING_EDITED_REVISION:
		return "edited_revision";
	case RETORT_FINDING_MISSING_FILE:
		return "missing_file";
	case RETORT_FINDING_MODEL_AHEAD:
		return "model_ahead";
	case RETORT_FINDING_STALE_SCHEMA:
		return "stale_schema";
	case RETORT_FINDING_NO_SCHEMA:
		return "no_schema";
	}
	return "?";
}

const char *retort_finding_kind_name(retort_finding_kind kind)
{
	return retort_drift__kind_name(kind);
}

const char *retort_drift__strdup(retort_check_result *r, const char *s)
{
	return s ? retort__arena_strdup(&r->arena, s) : NULL;
}

retort_check_finding *retort_drift__add(
	retort_check_result *r,
	unsigned check,
	retort_finding_kind kind,
	const char *revision,
	const char *message,
	const char *fix)
{
	retort_check_finding *f;

	if (r->n == r->alloc) {
		size_t na = r->alloc ? 2 * r->alloc : 8;
		retort_check_finding *nf =
			retort__realloc(r->f, na * sizeof(*nf));

		if (!nf)
			return NULL;
		r->f = nf;
		r->alloc = na;
	}
	f = &r->f[r->n];
	memset(f, 0, sizeof(*f));
	f->check = (retort_check_flag)check;
	f->kind = kind;
	f->revision = retort_drift__strdup(r, revision);
	f->message = retort_drift__strdup(r, message);
	f->fix = retort_drift__strdup(r, fix);
	if ((revision && !f->revision) || !f->message || !f->fix)
		return NULL;
	r->n++;
	return f;
}

bool retort_drift__keep(
	retort_check_result *r, retort_schema *schema, retort_diff *diff)
{
	retort_schema **ns =
		retort__realloc(r->schemas, (r->nschemas + 1) * sizeof(*ns));
	retort_diff **nd = NULL;

	if (ns)
		r->schemas = ns;
	if (ns && diff)
		nd = retort__realloc(r->diffs, (r->ndiffs + 1) * sizeof(*nd));
	if (nd)
		r->diffs = nd;
	if (!ns || (diff && !nd)) {
		retort_diff_free(diff);
		retort_schema_free(schema);
		return false;
	}
	r->schemas[r->nschemas++] = schema;
	if (diff)
		r->diffs[r->ndiffs++] = diff;
	return true;
}

void retort_drift__state(
	retort_check_result *r,
	unsigned check,
	retort_check_state state,
	const char *fmt,
	...)
{
	int b = retort_drift__bit(check);
	char note[1024];
	va_list ap;

	if (b < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	retort__free(r->checks[b].note);
	r->checks[b].state = state;
	r->checks[b].note = retort__strdup(note); /* NULL: shown as "" */
}

void retort_check_result_free(retort_check_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ndiffs; i++)
		retort_diff_free(r->diffs[i]);
	for (i = 0; i < r->nschemas; i++)
		retort_schema_free(r->schemas[i]);
	for (i = 0; i < RETORT_DRIFT_NCHECKS; i++)
		retort__free(r->checks[i].note);
	retort__free(r->diffs);
	retort__free(r->schemas);
	retort__free(r->f);
	retort__free(r->database);
	retort_revids_dispose(&r->current);
	retort_revids_dispose(&r->heads);
	retort_revids_dispose(&r->pending);
	retort_revids_dispose(&r->unknown);
	retort__arena_dispose(&r->arena);
	retort__free(r);
}

bool retort_check_ok(const retort_check_result *r)
{
	size_t i;

	for (i = 0; i < RETORT_DRIFT_NCHECKS; i++)
		if (r->checks[i].state == RETORT_CHECK_FAILED)
			return false;
	return r->n == 0;
}

size_t retort_check_nfindings(const retort_check_result *r)
{
	return r->n;
}

const retort_check_finding *
retort_check_finding_at(const retort_check_result *r, size_t i)
{
	return i < r->n ? &r->f[i] : NULL;
}

retort_check_state retort_check_state_of(
	const retort_check_result *r,
	retort_check_flag check,
	const char **note)
{
	int b = retort_drift__bit(check);

	if (note)
		*note = b >= 0 && r->checks[b].note ? r->checks[b].note : "";
	return b < 0 ? RETORT_CHECK_NOT_RUN : r->checks[b].state;
}

const retort_revids *retort_check_current(const retort_check_result *r)
{
	return &r->current;
}

const retort_revids *retort_check_heads(const retort_check_result *r)
{
	return &r->heads;
}

const retort_revids *retort_check_pending(const retort_check_result *r)
{
	return &r->pending;
}
