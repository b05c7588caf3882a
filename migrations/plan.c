/*
** plan.c -- from a database's heads and a target to the ordered steps of
** an upgrade, a downgrade or a stamp (migrations layer).  The version
** table holds the heads of the applied set, as Alembic's alembic_version
** does: an upgrade of R replaces those of R's parents that are rows by R;
** a downgrade of R puts back the parents that no other row covers.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_int.h"

#define NONE ((size_t)-1)

/* The planner's working state. */
typedef struct planner {
	const retort_project *p; /* the graph */
	retort_runplan *out;     /* the plan being built */
	bool *cur;               /* applied set as the steps go */
	bool *vt;                /* version rows as the steps go */
	retort_error *err;       /* the caller's record */
} planner;

static int oom(planner *pl)
{
	return retort_error_set(pl->err, RETORT_ENOMEM, NULL, "out of memory");
}

void retort_migrate__plan_dispose(retort_runplan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n; i++) {
		retort__free(plan->steps[i].del);
		retort__free(plan->steps[i].ins);
	}
	retort__free(plan->steps);
	retort__free(plan->applied);
	retort__free(plan->after);
	retort__free(plan->heads);
	memset(plan, 0, sizeof(*plan));
}

/* Map the database's rows to indexes; unknown ids are an error. */
static int load_state(planner *pl, const retort_dbstate *state)
{
	const retort_project *p = pl->p;
	size_t i, n = p->n + 1;

	pl->out->applied = retort__calloc(n, sizeof(bool));
	pl->out->after = retort__calloc(n, sizeof(bool));
	pl->out->heads = retort__calloc(n, sizeof(size_t));
	pl->cur = retort__calloc(n, sizeof(bool));
	pl->vt = retort__calloc(n, sizeof(bool));
	if (!pl->out->applied || !pl->out->after || !pl->out->heads ||
	    !pl->cur || !pl->vt)
		return oom(pl);
	for (i = 0; state && i < state->heads.n; i++) {
		size_t r = retort_migrate__index(p, state->heads.ids[i]);

		if (r == NONE)
			return retort_error_set(
				pl->err, RETORT_ENOTFOUND, state->heads.ids[i],
				"the database is at revision %s, which no "
				"revision file provides (restore the file, or "
				"'retort stamp --purge' to reset)",
				state->heads.ids[i]);
		pl->vt[r] = true;
		retort_migrate__mark(p, r, true, pl->cur);
	}
	memcpy(pl->out->applied, pl->cur, p->n * sizeof(bool));
	return RETORT_OK;
}

/* Append a step for revision R; fills its version-row changes. */
static int add_step(planner *pl, size_t r, bool down)
{
	const retort_project *p = pl->p;
	const retort_revision *rev = &p->files[r].rev;
	retort_runplan *o = pl->out;
	retort_step *st;
	size_t j, k;

	if (o->n == o->alloc) {
		size_t na = o->alloc ? o->alloc * 2 : 8;
		retort_step *ns = retort__realloc(o->steps, na * sizeof(*ns));

		if (!ns)
			return oom(pl);
		o->steps = ns;
		o->alloc = na;
	}
	st = &o->steps[o->n];
	memset(st, 0, sizeof(*st));
	st->rev = r;
	st->down = down;
	st->del = retort__malloc((rev->nparents + 1) * sizeof(size_t));
	st->ins = retort__malloc((rev->nparents + 1) * sizeof(size_t));
	o->n++;
	if (!st->del || !st->ins)
		return oom(pl);
	if (!down) {
		for (j = 0; j < rev->nparents; j++)
			if (pl->vt[p->parents[r][j]]) {
				st->del[st->ndel++] = p->parents[r][j];
				pl->vt[p->parents[r][j]] = false;
			}
		st->ins[st->nins++] = r;
		pl->vt[r] = pl->cur[r] = true;
		return RETORT_OK;
	}
	st->del[st->ndel++] = r;
	pl->vt[r] = pl->cur[r] = false;
	for (j = 0; j < rev->nparents; j++) {
		size_t par = p->parents[r][j];
		bool covered = false;

		for (k = 0; k < p->files[par].rev.nchildren; k++)
			covered = covered || pl->cur[p->children[par][k]];
		if (!covered && !pl->vt[par]) {
			st->ins[st->nins++] = par;
			pl->vt[par] = true;
		}
	}
	return RETORT_OK;
}

/* N from "+N" or "-N" (SIGN), or 0 when TARGET is not of that form. */
static long relative(const char *target, char sign)
{
	char *end;
	long n;

	if (target[0] != sign || target[1] < '0' || target[1] > '9')
		return 0;
	n = strtol(target + 1, &end, 10);
	return *end || n <= 0 ? 0 : n;
}

/* "+N": N single steps, each the only revision ready to run. */
static int plan_up_relative(planner *pl, const char *target, long n)
{
	const retort_project *p = pl->p;
	long k;
	int rc = RETORT_OK;

	for (k = 0; k < n && rc == RETORT_OK; k++) {
		size_t i, j, ready = NONE, nready = 0;

		for (i = 0; i < p->n; i++) {
			bool ok = !pl->cur[i];

			for (j = 0; ok && j < p->files[i].rev.nparents; j++)
				ok = pl->cur[p->parents[i][j]];
			if (ok && nready++ == 0)
				ready = i;
		}
		if (nready > 1)
			return retort_error_set(
				pl->err, RETORT_EINVAL, target,
				"relative upgrade is ambiguous: several "
				"revisions could come next (%s and others); "
				"name a target revision",
				p->files[ready].rev.id);
		if (!nready)
			return retort_error_set(
				pl->err, RETORT_EINVAL, target,
				"relative revision %s didn't produce %ld "
				"migrations (only %ld pending)",
				target, n, k);
		rc = add_step(pl, ready, false);
	}
	return rc;
}

static int plan_up(planner *pl, const char *target)
{
	const retort_project *p = pl->p;
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), n, i;
	bool *goal = retort__calloc(p->n + 1, sizeof(bool));
	int rc;

	if (!idx || !goal) {
		rc = oom(pl);
		goto done;
	}
	if ((rc = retort_migrate__resolve(idx, &n, p, target, pl->err)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (pl->cur[idx[i]] && !pl->vt[idx[i]]) {
			rc = retort_error_set(
				pl->err, RETORT_EINVAL, target,
				"destination %s is not a valid upgrade target "
				"from current head(s): it is already applied",
				p->files[idx[i]].rev.id);
			goto done;
		}
		retort_migrate__mark(p, idx[i], true, goal);
	}
	for (i = 0; i < p->n && rc == RETORT_OK; i++)
		if (goal[i] && !pl->cur[i])
			rc = add_step(pl, i, false);
done:
	retort__free(idx);
	retort__free(goal);
	return rc;
}

/* "-N": undo the newest head N times. */
static int plan_down_relative(planner *pl, const char *target, long n)
{
	const retort_project *p = pl->p;
	long k;
	int rc = RETORT_OK;

	for (k = 0; k < n && rc == RETORT_OK; k++) {
		size_t i = p->n, head = NONE;

		while (i-- > 0 && head == NONE)
			if (pl->vt[i])
				head = i;
		if (head == NONE)
			return retort_error_set(
				pl->err, RETORT_EINVAL, target,
				"relative revision %s didn't produce %ld "
				"migrations (only %ld applied)",
				target, n, k);
		rc = add_step(pl, head, true);
	}
	return rc;
}

/* To TARGET: undo every applied revision that descends from it. */
static int plan_down(planner *pl, const char *target)
{
	const retort_project *p = pl->p;
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), n, i;
	bool *undo = retort__calloc(p->n + 1, sizeof(bool));
	int rc;

	if (!idx || !undo) {
		rc = oom(pl);
		goto done;
	}
	if ((rc = retort_migrate__resolve(idx, &n, p, target, pl->err)) < 0)
		goto done;
	if (!n) /* base */
		memcpy(undo, pl->cur, p->n * sizeof(bool));
	for (i = 0; i < n; i++) {
		if (!pl->cur[idx[i]]) {
			rc = retort_error_set(
				pl->err, RETORT_EINVAL, target,
				"destination %s is not a valid downgrade target "
				"from current head(s): it is not applied",
				p->files[idx[i]].rev.id);
			goto done;
		}
		retort_migrate__mark(p, idx[i], false, undo);
	}
	for (i = 0; i < n; i++)
		undo[idx[i]] = false;
	for (i = p->n; i-- > 0 && rc == RETORT_OK;)
		if (undo[i] && pl->cur[i])
			rc = add_step(pl, i, true);
done:
	retort__free(idx);
	retort__free(undo);
	return rc;
}

/* Fill OUT->after and OUT->heads from the simulation. */
static void finish(planner *pl)
{
	size_t i;

	memcpy(pl->out->after, pl->cur, pl->p->n * sizeof(bool));
	for (i = 0; i < pl->p->n; i++)
		if (pl->vt[i])
			pl->out->heads[pl->out->nheads++] = i;
}

/* Plan an upgrade or a downgrade to REQ->target. */
static int plan_run(planner *pl, const retort_plan_req *req)
{
	const char *target = req->target;
	long n;

	if (!req->down && relative(target, '-'))
		return retort_error_set(
			pl->err, RETORT_EINVAL, target,
			"an upgrade goes forward: use 'downgrade %s'", target);
	if (req->down && relative(target, '+'))
		return retort_error_set(
			pl->err, RETORT_EINVAL, target,
			"a downgrade goes back: use 'upgrade %s'", target);
	if (!req->down && (n = relative(target, '+')) > 0)
		return plan_up_relative(pl, target, n);
	if (req->down && (n = relative(target, '-')) > 0)
		return plan_down_relative(pl, target, n);
	return req->down ? plan_down(pl, target) : plan_up(pl, target);
}

/*
** A stamp to TARGET: revisions after it on its line are no longer
** applied, it and its ancestors are; the rows are the heads of that set.
*/
static int plan_stamp(planner *pl, const char *target)
{
	const retort_project *p = pl->p;
	bool *drop = retort__calloc(p->n + 1, sizeof(bool));
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), n, i, k;
	int rc = RETORT_OK;

	pl->out->stamp = true;
	if (!idx || !drop) {
		rc = oom(pl);
		goto done;
	}
	if ((rc = retort_migrate__resolve(idx, &n, p, target, pl->err)) < 0)
		goto done;
	if (!n) /* base */
		memset(pl->cur, 0, p->n * sizeof(bool));
	for (i = 0; i < n; i++)
		retort_migrate__mark(p, idx[i], false, drop);
	for (i = 0; i < p->n; i++)
		pl->cur[i] = pl->cur[i] && !drop[i];
	for (i = 0; i < n; i++)
		retort_migrate__mark(p, idx[i], true, pl->cur);
	for (i = 0; i < p->n; i++) {
		pl->vt[i] = pl->cur[i];
		for (k = 0; pl->vt[i] && k < p->files[i].rev.nchildren; k++)
			pl->vt[i] = !pl->cur[p->children[i][k]];
	}
done:
	retort__free(idx);
	retort__free(drop);
	return rc;
}

int retort_migrate__plan(
	retort_runplan *out,
	const retort_project *p,
	const retort_dbstate *state,
	const retort_plan_req *req,
	retort_error *err)
{
	planner pl = { p, out, NULL, NULL, err };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_state(&pl, req->stamp && req->purge ? NULL : state);
	if (rc == RETORT_OK)
		rc = req->stamp ? plan_stamp(&pl, req->target)
				: plan_run(&pl, req);
	if (rc == RETORT_OK)
		finish(&pl);
	retort__free(pl.cur);
	retort__free(pl.vt);
	if (rc < 0)
		retort_migrate__plan_dispose(out);
	return rc;
}
