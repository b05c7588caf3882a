/*
** drift_replay.c -- what revisions build, for drift detection
** (migrations layer): the fingerprint of each revision from one replay
** of the graph in memory, the schema a set of revisions builds, and the
** live database's schema without retort's own tables.
*/
#include <string.h>

#include "drift_int.h"
#include "introspect.h"

void retort_drift__fp(char buf[22], const retort_schema *schema)
{
	retort_fingerprint_format(buf, retort_schema_fingerprint(schema));
}

int retort_drift__read(
	retort_schema **out,
	sqlite3 *db,
	const char *what,
	const char *vt,
	retort_error *err)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;

	lo.exclude_prefix = vt;
	return retort__introspect(out, db, what, &lo, err);
}

bool retort_drift__indexes(
	size_t *out, const retort_project *p, const retort_revids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++) {
		out[i] = retort_migrate__index(p, ids->ids[i]);
		if (out[i] == (size_t)-1)
			return false;
	}
	return true;
}

int retort_drift__built(
	retort_schema **out,
	const retort_project *p,
	const size_t *idx,
	size_t n,
	const char *vt,
	retort_error *err)
{
	sqlite3 *db = NULL;
	int rc = retort_migrate__replay(&db, p, idx, n, err);

	*out = NULL;
	if (rc == RETORT_OK)
		rc = retort_drift__read(out, db, "the revisions", vt, err);
	sqlite3_close(db);
	return rc;
}

void retort_drift__fps_dispose(retort_drift_fps *fps)
{
	if (!fps)
		return;
	retort__free(fps->fp);
	sqlite3_close(fps->db);
	memset(fps, 0, sizeof(*fps));
}

/*
** True when APPLIED (what DB holds) is exactly revision I's ancestors
** without I, which ANC (scratch, p->n entries) receives.
*/
static bool
ready_for(const retort_project *p, size_t i, const bool *applied, bool *anc)
{
	size_t k;

	memset(anc, 0, p->n * sizeof(bool));
	retort_migrate__mark(p, i, true, anc);
	anc[i] = false;
	for (k = 0; k < p->n; k++)
		if (anc[k] != applied[k])
			return false;
	return true;
}

/* Bring S->db to revision I (applying it, or replaying afresh). */
static int
step_to(retort_drift_fps *s,
	const retort_project *p,
	size_t i,
	bool *applied,
	bool *anc,
	retort_error *err)
{
	const retort_revision *rev = &p->files[i].rev;

	if (!ready_for(p, i, applied, anc)) {
		sqlite3_close(s->db);
		s->db = NULL;
		s->all = false;
		memset(applied, 0, p->n * sizeof(bool));
		if (rev->nparents) {
			int rc = retort_migrate__replay(
				&s->db, p, p->parents[i], rev->nparents, err);

			if (rc < 0)
				return rc;
			retort_migrate__mark(p, i, true, applied);
			applied[i] = false;
		}
	}
	if (!s->db) {
		int rc = retort_migrate__replay(&s->db, p, NULL, 0, err);

		if (rc < 0)
			return rc;
	}
	applied[i] = true;
	return retort_migrate__exec_section(
		s->db, rev->up_sql, rev->up_line + 1, rev->path, err);
}

int retort_drift__fingerprints(
	retort_drift_fps *out,
	const retort_project *p,
	const bool *want,
	const char *vt,
	retort_error *err)
{
	bool *applied = retort__calloc(2 * p->n + 1, sizeof(bool));
	bool *anc = applied + p->n;
	size_t i, last = 0;
	int rc = RETORT_OK;

	memset(out, 0, sizeof(*out));
	out->fp = retort__calloc(p->n + 1, sizeof(*out->fp));
	if (!applied || !out->fp) {
		retort__free(applied);
		retort__free(out->fp);
		out->fp = NULL;
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	}
	for (i = 0; i < p->n; i++)
		if (want[i])
			last = i + 1;
	out->all = true;
	for (i = 0; rc == RETORT_OK && i < last; i++) {
		rc = step_to(out, p, i, applied, anc, err);
		if (rc == RETORT_OK && want[i])
			rc = retort_migrate__fingerprint(
				out->fp[i], out->db, vt, err);
	}
	out->all = out->all && last == p->n && p->n > 0;
	retort__free(applied);
	if (rc < 0)
		retort_drift__fps_dispose(out);
	return rc;
}
