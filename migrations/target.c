/*
** target.c -- targets and plans (migrations layer): resolve "head",
** "heads", "base", ids, prefixes, "+N"/"-N" and history ranges against a
** project's graph, and turn a database's heads and a target into the
** ordered steps of an upgrade, downgrade or stamp, as Alembic does.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_int.h"

#define NONE ((size_t)-1)

void retort_revids_dispose(retort_revids *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++)
		retort__free(list->ids[i]);
	retort__free(list->ids);
	list->ids = NULL;
	list->n = 0;
}

bool retort_migrate__revids_add(retort_revids *list, const char *id)
{
	char **v = retort__realloc(list->ids, (list->n + 1) * sizeof(char *));

	if (!v)
		return false;
	list->ids = v;
	if (!(v[list->n] = retort__strdup(id)))
		return false;
	list->n++;
	return true;
}

bool retort_project_is_ancestor(
	const retort_project *p,
	const retort_revision *a,
	const retort_revision *b)
{
	size_t ia = retort_migrate__index(p, a->id);
	size_t ib = retort_migrate__index(p, b->id);
	bool *mark, r;

	if (ia == NONE || ib == NONE || ia > ib)
		return false;
	if (ia == ib)
		return true;
	if (!(mark = retort__calloc(p->n, sizeof(bool))))
		return false;
	retort_migrate__mark(p, ib, true, mark);
	r = mark[ia];
	retort__free(mark);
	return r;
}

/* Error for a prefix that several ids start with, listing them. */
static int ambiguous(
	const retort_project *p,
	size_t lo,
	const char *target,
	retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t n = strlen(target);

	for (; lo < p->n && !strncmp(p->files[p->byid[lo]].rev.id, target, n);
	     lo++)
		retort_buf_printf(
			&b, "%s%s", b.size ? ", " : "",
			p->files[p->byid[lo]].rev.id);
	retort_error_set(
		err, RETORT_EINVAL, target,
		"multiple revisions start with '%s': %s", target,
		retort_buf_oom(&b) ? "?" : b.ptr);
	retort_buf_dispose(&b);
	return RETORT_EINVAL;
}

/* The revision whose id is TARGET or starts with it. */
static int find_prefix(
	size_t *out,
	const retort_project *p,
	const char *target,
	retort_error *err)
{
	size_t lo = 0, hi = p->n, n = strlen(target);

	*out = retort_migrate__index(p, target);
	if (*out != NONE)
		return RETORT_OK;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(p->files[p->byid[mid]].rev.id, target) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (n && lo < p->n &&
	    !strncmp(p->files[p->byid[lo]].rev.id, target, n)) {
		if (lo + 1 < p->n &&
		    !strncmp(p->files[p->byid[lo + 1]].rev.id, target, n))
			return ambiguous(p, lo, target, err);
		*out = p->byid[lo];
		return RETORT_OK;
	}
	return retort_error_set(
		err, RETORT_ENOTFOUND, target,
		"can't locate revision identified by '%s'", target);
}

int retort_migrate__resolve(
	size_t *out,
	size_t *n_out,
	const retort_project *p,
	const char *target,
	retort_error *err)
{
	size_t i;
	int rc;

	*n_out = 0;
	if (!strcmp(target, "base"))
		return RETORT_OK;
	if (!strcmp(target, "heads") ||
	    (!strcmp(target, "head") && p->nheads <= 1)) {
		for (i = 0; i < p->nheads; i++)
			out[(*n_out)++] = p->heads[i];
		return RETORT_OK;
	}
	if (!strcmp(target, "head"))
		return retort_error_set(
			err, RETORT_EINVAL, "head",
			"multiple head revisions are present; please specify a "
			"specific target revision, or 'heads' for all heads "
			"(or merge them with 'retort merge')");
	if ((rc = find_prefix(&i, p, target, err)) < 0)
		return rc;
	out[(*n_out)++] = i;
	return RETORT_OK;
}

/* Copy the ids of revisions IDX[0..N) into OUT (replacing it). */
static int to_revids(
	retort_revids *out,
	const retort_project *p,
	const size_t *idx,
	size_t n,
	retort_error *err)
{
	size_t i;

	retort_revids_dispose(out);
	for (i = 0; i < n; i++)
		if (!retort_migrate__revids_add(out, p->files[idx[i]].rev.id)) {
			retort_revids_dispose(out);
			return retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
		}
	return RETORT_OK;
}

int retort_project_resolve(
	retort_revids *out,
	const retort_project *p,
	const char *target,
	retort_error *err)
{
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), n;
	int rc;

	if (!idx)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	rc = retort_migrate__resolve(idx, &n, p, target, err);
	if (rc == RETORT_OK)
		rc = to_revids(out, p, idx, n, err);
	retort__free(idx);
	return rc;
}

/* What the two ends of a history range are resolved against. */
typedef struct range_ctx {
	const retort_project *p;      /* the graph */
	const retort_revids *current; /* the database's revisions, or NULL */
	retort_error *err;            /* the caller's record */
} range_ctx;

/*
** Mark in MARK one end of a history range: END (up: ancestors) or START
** (down: descendants).  EMPTY means all revisions.
*/
static int mark_end(const range_ctx *c, bool *mark, const char *spec, bool up)
{
	const retort_project *p = c->p;
	const retort_revids *current = c->current;
	retort_error *err = c->err;
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), n = 0, i;
	int rc = RETORT_OK;

	if (!idx)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (!*spec || (up && !strcmp(spec, "heads")) ||
	    (!up && !strcmp(spec, "base"))) {
		for (i = 0; i < p->n; i++)
			mark[i] = true;
	} else if (!strcmp(spec, "current")) {
		if (!current)
			rc = retort_error_set(
				err, RETORT_EINVAL, "current",
				"'current' needs a database");
		for (i = 0; current && i < current->n && rc == RETORT_OK; i++)
			rc = find_prefix(&idx[n++], p, current->ids[i], err);
	} else {
		rc = retort_migrate__resolve(idx, &n, p, spec, err);
	}
	for (i = 0; rc == RETORT_OK && i < n; i++) {
		bool *m = retort__calloc(p->n, sizeof(bool));
		size_t j;

		if (!m) {
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
			break;
		}
		retort_migrate__mark(p, idx[i], up, m);
		for (j = 0; j < p->n; j++)
			mark[j] = mark[j] || m[j];
		retort__free(m);
	}
	retort__free(idx);
	return rc;
}

int retort_project_range(
	retort_revids *out,
	const retort_project *p,
	const char *range,
	const retort_revids *current,
	retort_error *err)
{
	const char *colon = range ? strchr(range, ':') : NULL;
	range_ctx c = { p, current, err };
	bool *from = retort__calloc(p->n + 1, sizeof(bool));
	bool *to = retort__calloc(p->n + 1, sizeof(bool));
	char *start = NULL;
	int rc;

	retort_revids_dispose(out);
	if (!from || !to || (range && !(start = retort__strdup(range)))) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if (range && !colon) {
		rc = retort_error_set(
			err, RETORT_EINVAL, range,
			"history range requires [start]:[end], [start]:, or "
			":[end]");
		goto done;
	}
	if (start)
		start[colon - range] = '\0';
	if ((rc = mark_end(&c, from, start ? start : "", false)) < 0 ||
	    (rc = mark_end(&c, to, colon ? colon + 1 : "", true)) < 0)
		goto done;
	for (size_t i = p->n; i-- > 0;)
		if (from[i] && to[i] &&
		    !retort_migrate__revids_add(out, p->files[i].rev.id)) {
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
			retort_revids_dispose(out);
			break;
		}
done:
	retort__free(from);
	retort__free(to);
	retort__free(start);
	return rc;
}
