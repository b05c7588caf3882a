/*
** check.c -- `retort check` (migrations layer, SPEC §5): is the database
** at head, is its schema what its revision builds, were applied revision
** files edited, does the model hold changes no revision captures, and do
** the revisions' Schema: lines say what they build.  Failures become
** findings of the result; errors are what prevents checking.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drift_int.h"

/* The state of one run. */
typedef struct checker {
	retort_check_result *r;             /* what is found */
	const retort_check_options *co;     /* what to check */
	unsigned checks;                    /* retort_check_flag bits */
	const retort_migrate_options *opts; /* project, version table */
	const char *vt;                     /* version table */
	retort_project *p;                  /* the revisions */
	sqlite3 *db;                        /* the database, or NULL */
	retort_dbstate state;               /* its version rows */
	retort_drift_fps fps;               /* the revisions check's replay */
	bool *stale;                        /* p->n: Schema: line found stale */
	retort_error *err;                  /* the caller's record */
} checker;

static int oom(checker *c)
{
	return retort_error_set(c->err, RETORT_ENOMEM, NULL, "out of memory");
}

/* Room for a message line; longer ones are cut (lists stay whole in
 * the findings).  Fixed arrays: a message never fails to allocate. */
#define MSG_MAX 1024

/* Format a message line into OUT[MSG_MAX]. */
static void say(char *out, const char *fmt, ...) RETORT_FORMAT(2, 3);

static void say(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, MSG_MAX, fmt, ap);
	va_end(ap);
}

/* The ids of L joined by ", " into OUT[MSG_MAX / 2]; "base" if none. */
static const char *ids_text(char *out, const retort_revids *l)
{
	size_t i, used = 0, room = MSG_MAX / 2;

	out[0] = '\0';
	for (i = 0; i < l->n && used + RETORT_REVID_LEN + 6 < room; i++)
		used += (size_t)snprintf(
			out + used, room - used, "%s%s", i ? ", " : "",
			l->ids[i]);
	if (i < l->n)
		snprintf(out + used, room - used, ", ...");
	if (!l->n)
		snprintf(out, room, "base");
	return out;
}

/* Copy the ids of FROM into TO; false when out of memory. */
static bool copy_ids(retort_revids *to, const retort_revids *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		if (!retort_migrate__revids_add(to, from->ids[i]))
			return false;
	return true;
}

/* Record the unknown current revisions; *ANY: there is one. */
static int find_unknown(checker *c, bool *any)
{
	char m[MSG_MAX];
	size_t i;
	int rc = RETORT_OK;

	*any = false;
	for (i = 0; rc == RETORT_OK && i < c->r->current.n; i++) {
		const char *id = c->r->current.ids[i];

		if (retort_project_find(c->p, id))
			continue;
		*any = true;
		say(m,
		    "the database is at revision %s, which no revision file "
		    "provides",
		    id);
		if (!retort_migrate__revids_add(&c->r->unknown, id) ||
		    !retort_drift__add(
			    c->r, RETORT_CHECK_PENDING,
			    RETORT_FINDING_UNKNOWN_REVISION, id, m,
			    "restore that revision's file (from version "
			    "control), or record the right revision with "
			    "'retort stamp --purge REV'"))
			rc = oom(c);
	}
	return rc;
}

/* The revisions an upgrade to heads would run, into c->r->pending. */
static int find_pending(checker *c)
{
	retort_plan_req heads = { "heads", false, false, false };
	retort_runplan plan;
	size_t i;
	int rc = retort_migrate__plan(&plan, c->p, &c->state, &heads, c->err);

	for (i = 0; rc == RETORT_OK && i < plan.n; i++)
		if (!retort_migrate__revids_add(
			    &c->r->pending,
			    c->p->files[plan.steps[i].rev].rev.id))
			rc = oom(c);
	retort_migrate__plan_dispose(&plan);
	return rc;
}

/* Check 1: the database is at head, at revisions that have files. */
static int check_pending(checker *c)
{
	char at[MSG_MAX / 2], m[MSG_MAX], h[MSG_MAX / 2];
	retort_check_finding *f;
	bool unknown;
	int rc = find_unknown(c, &unknown);

	if (rc == RETORT_OK && unknown) {
		retort_drift__state(
			c->r, RETORT_CHECK_PENDING, RETORT_CHECK_FAILED,
			"the database is at a revision no file provides");
		goto done;
	}
	if (rc == RETORT_OK)
		rc = find_pending(c);
	if (rc < 0)
		goto done;
	ids_text(at, &c->r->current);
	ids_text(h, &c->r->heads);
	if (!c->r->pending.n) {
		retort_drift__state(
			c->r, RETORT_CHECK_PENDING, RETORT_CHECK_PASSED,
			"the database is at head (%s)", at);
		goto done;
	}
	say(m, "the database is at %s, %zu revision%s behind head %s", at,
	    c->r->pending.n, c->r->pending.n == 1 ? "" : "s", h);
	f = retort_drift__add(
		c->r, RETORT_CHECK_PENDING, RETORT_FINDING_PENDING, NULL, m,
		c->r->heads.n > 1 ? "retort upgrade heads"
				  : "retort upgrade head");
	if (!f) {
		rc = oom(c);
		goto done;
	}
	f->revisions = (const char *const *)c->r->pending.ids;
	f->nrevisions = c->r->pending.n;
	retort_drift__state(
		c->r, RETORT_CHECK_PENDING, RETORT_CHECK_FAILED, "%s", m);
done:
	return rc;
}

/* Compare FROM and TO with the check's options into *out. */
static int
compare(checker *c,
	retort_diff **out,
	const retort_schema *from,
	const retort_schema *to)
{
	return retort_diff_compare(out, from, to, c->co->diff, c->err);
}

/* True when SCHEMA holds no object. */
static bool is_empty(const retort_schema *s)
{
	return !retort_schema_ntables(s) && !retort_schema_nviews(s) &&
	       !retort_schema_ntriggers(s) && !retort_schema_nvirtual_tables(s);
}

/*
** Report that revision REV's Schema: line is not BUILT (what it builds),
** under the revisions check, unless that check runs and will say so.
*/
static int report_stale(checker *c, size_t rev, const char *built)
{
	const retort_revision *rv = &c->p->files[rev].rev;
	char m[MSG_MAX], fix[MSG_MAX];
	retort_check_finding *f;
	int rc = RETORT_OK;

	if ((c->checks & RETORT_CHECK_REVISIONS) || c->stale[rev])
		return RETORT_OK;
	c->stale[rev] = true;
	say(m, "revision %s records Schema %s but builds %s", rv->id,
	    rv->schema, built);
	snprintf(fix, sizeof(fix), "retort rehash --force %s", rv->id);
	f = retort_drift__add(
		c->r, RETORT_CHECK_REVISIONS, RETORT_FINDING_STALE_SCHEMA,
		rv->id, m, fix);
	if (f) {
		f->expected = retort_drift__strdup(c->r, rv->schema);
		f->actual = retort_drift__strdup(c->r, built);
		f->path = retort_drift__strdup(c->r, rv->path);
		retort_drift__state(
			c->r, RETORT_CHECK_REVISIONS, RETORT_CHECK_FAILED, "%s",
			m);
	}
	if (!f || !f->expected || !f->actual || !f->path)
		rc = oom(c);
	return rc;
}

/*
** Hand FROM, TO and their DIFF over to the result (OK: the finding that
** points to DIFF was stored); on failure all three are freed.
*/
static int keep_pair(
	checker *c,
	bool ok,
	retort_schema *from,
	retort_schema *to,
	retort_diff *diff)
{
	if (!ok) {
		retort_diff_free(diff);
		retort_schema_free(from);
		retort_schema_free(to);
		return oom(c);
	}
	if (!retort_drift__keep(c->r, from, NULL)) {
		retort_diff_free(diff);
		retort_schema_free(to);
		return oom(c);
	}
	return retort_drift__keep(c->r, to, diff) ? RETORT_OK : oom(c);
}

/* Record the drift finding: DIFF from BUILT to LIVE (all taken over). */
static int drift_found(
	checker *c,
	retort_schema *built,
	retort_schema *live,
	retort_diff *diff,
	const char *recorded)
{
	const retort_revids *cur = &c->r->current;
	char m[MSG_MAX], at[MSG_MAX / 2];
	retort_check_finding *f;
	char fp[22];
	size_t n = retort_diff_count(diff);

	retort_drift__fp(fp, live);
	ids_text(at, cur);
	say(m,
	    "the schema differs from what %s%s builds (%zu difference%s): "
	    "it was changed outside the migrations",
	    cur->n ? (cur->n > 1 ? "revisions " : "revision ") : "", at, n,
	    n == 1 ? "" : "s");
	f = retort_drift__add(
		c->r, RETORT_CHECK_DRIFT, RETORT_FINDING_SCHEMA_DRIFT,
		cur->n == 1 ? cur->ids[0] : NULL, m,
		"undo the change, or add it to the model, run 'retort "
		"revision --autogenerate -m MSG' and 'retort stamp head'");
	if (f) {
		f->diff = diff;
		f->expected = retort_drift__strdup(c->r, recorded);
		f->actual = retort_drift__strdup(c->r, fp);
		retort_drift__state(
			c->r, RETORT_CHECK_DRIFT, RETORT_CHECK_FAILED, "%s", m);
	}
	c->r->drift = 1;
	return keep_pair(
		c, f && f->actual && (!recorded || f->expected), built, live,
		diff);
}

/* Check 2 the slow way: replay the current revisions and compare. */
static int drift_by_diff(
	checker *c, retort_schema *live, const size_t *idx, const char *rec)
{
	const retort_revids *cur = &c->r->current;
	retort_schema *built = NULL;
	retort_diff *diff = NULL;
	char fp[22];
	int rc = retort_drift__built(&built, c->p, idx, cur->n, c->vt, c->err);

	if (rc == RETORT_OK)
		rc = compare(c, &diff, built, live);
	if (rc == RETORT_OK && retort_diff_count(diff))
		return drift_found(c, built, live, diff, rec);
	if (rc == RETORT_OK) {
		retort_drift__fp(fp, built);
		c->r->drift = 0;
		retort_drift__state(
			c->r, RETORT_CHECK_DRIFT, RETORT_CHECK_PASSED,
			"the schema is what %s builds (compared)",
			cur->n ? cur->ids[0] : "base");
		if (cur->n == 1 && rec && strcmp(rec, fp))
			rc = report_stale(c, idx[0], fp);
	}
	retort_diff_free(diff);
	retort_schema_free(built);
	retort_schema_free(live);
	return rc;
}

/* Check 2: the schema is what the current revision builds. */
static int check_drift(checker *c)
{
	const retort_revids *cur = &c->r->current;
	size_t *idx = retort__malloc((cur->n + 1) * sizeof(size_t));
	retort_schema *live = NULL;
	const char *rec = NULL;
	char fp[22];
	int rc;

	if (!idx)
		return oom(c);
	if (!retort_drift__indexes(idx, c->p, cur)) {
		retort__free(idx);
		retort_drift__state(
			c->r, RETORT_CHECK_DRIFT, RETORT_CHECK_SKIPPED,
			"the database is at a revision no file provides");
		return RETORT_OK;
	}
	rc = retort_drift__read(&live, c->db, c->r->database, c->vt, c->err);
	if (rc == RETORT_OK && cur->n == 1)
		rec = c->p->files[idx[0]].rev.schema;
	if (rc == RETORT_OK)
		retort_drift__fp(fp, live);
	if (rc == RETORT_OK &&
	    ((rec && !strcmp(rec, fp)) || (!cur->n && is_empty(live)))) {
		c->r->drift = 0;
		retort_drift__state(
			c->r, RETORT_CHECK_DRIFT, RETORT_CHECK_PASSED,
			"the schema is what %s builds (%s)",
			cur->n ? cur->ids[0] : "base", fp);
		retort_schema_free(live);
	} else if (rc == RETORT_OK) {
		rc = drift_by_diff(c, live, idx, rec);
	}
	retort__free(idx);
	return rc;
}

/* Check 3 for one history row: revision ID applied with checksum SUM. */
static int edited_row(checker *c, const char *id, const char *sum, int *bad)
{
	const retort_revision *rev = retort_project_find(c->p, id);
	char m[MSG_MAX], fix[MSG_MAX];
	retort_check_finding *f = NULL;
	size_t i;

	for (i = 0; !rev && i < c->r->unknown.n; i++)
		if (!strcmp(c->r->unknown.ids[i], id))
			return RETORT_OK; /* check 1 reports it */
	if (rev && !strcmp(rev->checksum, sum))
		return RETORT_OK;
	++*bad;
	if (!rev) {
		say(m, "revision %s was applied but no file provides it", id);
		f = retort_drift__add(
			c->r, RETORT_CHECK_EDITED, RETORT_FINDING_MISSING_FILE,
			id, m,
			"restore that revision's file (from version control)");
	} else {
		say(m, "revision %s (%s) was edited after it was applied", id,
		    rev->path);
		snprintf(
			fix, sizeof(fix),
			"restore %s as it was applied, and put new changes in "
			"a new revision ('retort revision -m MSG')",
			rev->path);
		f = retort_drift__add(
			c->r, RETORT_CHECK_EDITED,
			RETORT_FINDING_EDITED_REVISION, id, m, fix);
		if (f && !(f->path = retort_drift__strdup(c->r, rev->path)))
			f = NULL;
		if (f &&
		    !(f->actual = retort_drift__strdup(c->r, rev->checksum)))
			f = NULL;
	}
	if (f && !(f->expected = retort_drift__strdup(c->r, sum)))
		f = NULL;
	return f ? RETORT_OK : oom(c);
}

/* Record SQLite's error on the database. */
static int db_fail(checker *c)
{
	if (c->err && c->err->code == RETORT_OK)
		c->err->sqlite_rc = sqlite3_extended_errcode(c->db);
	return retort_error_set(
		c->err, RETORT_ESQLITE, c->r->database, "%s",
		sqlite3_errmsg(c->db));
}

/* Check 3: applied revision files are as they were applied. */
static int check_edited(checker *c)
{
	retort_buf q = RETORT_BUF_INIT, h = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = RETORT_OK, bad = 0, n = 0;

	if (!c->state.has_history && !c->state.has_table) {
		retort_drift__state(
			c->r, RETORT_CHECK_EDITED, RETORT_CHECK_PASSED,
			"no revision applied yet");
		return RETORT_OK;
	}
	if (!c->state.has_history) {
		retort_drift__state(
			c->r, RETORT_CHECK_EDITED, RETORT_CHECK_SKIPPED,
			"the database records no checksums (no %s_history "
			"table)",
			c->vt);
		return RETORT_OK;
	}
	retort_buf_printf(&h, "%s_history", c->vt);
	retort_buf_puts(&q, "SELECT revision, checksum FROM ");
	retort_buf_put_ident(&q, h.ptr);
	retort_buf_puts(&q, " ORDER BY rowid");
	if (retort_buf_oom(&q) || retort_buf_oom(&h))
		rc = oom(c);
	else if (sqlite3_prepare_v2(c->db, q.ptr, -1, &st, NULL) != SQLITE_OK)
		rc = db_fail(c);
	while (rc == RETORT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *sum = (const char *)sqlite3_column_text(st, 1);

		n++;
		rc = edited_row(c, id ? id : "", sum ? sum : "", &bad);
	}
	if (rc == SQLITE_DONE)
		rc = RETORT_OK;
	else if (rc > 0)
		rc = db_fail(c);
	if (rc == RETORT_OK && bad)
		retort_drift__state(
			c->r, RETORT_CHECK_EDITED, RETORT_CHECK_FAILED,
			"%d of %d applied revision files changed", bad, n);
	else if (rc == RETORT_OK)
		retort_drift__state(
			c->r, RETORT_CHECK_EDITED, RETORT_CHECK_PASSED,
			"%d applied revision file%s unchanged", n,
			n == 1 ? "" : "s");
	sqlite3_finalize(st);
	retort_buf_dispose(&q);
	retort_buf_dispose(&h);
	return rc;
}

/* The revisions check for revision I, whose replay gives FP. */
static int revision_line(checker *c, size_t i, const char *fp, int *bad)
{
	const retort_revision *rev = &c->p->files[i].rev;
	char m[MSG_MAX], fix[MSG_MAX];
	retort_check_finding *f;

	if (rev->schema && !strcmp(rev->schema, fp))
		return RETORT_OK;
	++*bad;
	c->stale[i] = true;
	if (rev->schema)
		say(m, "revision %s records Schema %s but builds %s", rev->id,
		    rev->schema, fp);
	else
		say(m, "revision %s has no Schema line (it builds %s)", rev->id,
		    fp);
	snprintf(fix, sizeof(fix), "retort rehash %s", rev->id);
	f = retort_drift__add(
		c->r, RETORT_CHECK_REVISIONS,
		rev->schema ? RETORT_FINDING_STALE_SCHEMA
			    : RETORT_FINDING_NO_SCHEMA,
		rev->id, m, fix);
	if (!f || !(f->path = retort_drift__strdup(c->r, rev->path)) ||
	    !(f->actual = retort_drift__strdup(c->r, fp)))
		return oom(c);
	if (rev->schema &&
	    !(f->expected = retort_drift__strdup(c->r, rev->schema)))
		return oom(c);
	return RETORT_OK;
}

/* Every revision's Schema: line is what it builds. */
static int check_revisions(checker *c)
{
	bool *want = retort__malloc((c->p->n + 1) * sizeof(bool));
	size_t i;
	int rc, bad = 0;

	if (!want)
		return oom(c);
	memset(want, 1, (c->p->n + 1) * sizeof(bool));
	rc = retort_drift__fingerprints(&c->fps, c->p, want, c->vt, c->err);
	for (i = 0; rc == RETORT_OK && i < c->p->n; i++)
		rc = revision_line(c, i, c->fps.fp[i], &bad);
	if (rc == RETORT_OK && bad)
		retort_drift__state(
			c->r, RETORT_CHECK_REVISIONS, RETORT_CHECK_FAILED,
			"%d of %zu revisions record a wrong or no Schema line",
			bad, c->p->n);
	else if (rc == RETORT_OK)
		retort_drift__state(
			c->r, RETORT_CHECK_REVISIONS, RETORT_CHECK_PASSED,
			"the Schema line of each of the %zu revision%s is what "
			"it builds",
			c->p->n, c->p->n == 1 ? "" : "s");
	retort__free(want);
	return rc;
}

/* What the heads build: from the revisions check's replay if it has it. */
static int built_heads(checker *c, retort_schema **out)
{
	size_t *idx;
	retort_revids *h = &c->r->heads;
	int rc;

	if (c->fps.all && c->fps.db)
		return retort_drift__read(
			out, c->fps.db, "the revisions", c->vt, c->err);
	idx = retort__malloc((h->n + 1) * sizeof(size_t));
	if (!idx)
		return oom(c);
	retort_drift__indexes(idx, c->p, h);
	rc = retort_drift__built(out, c->p, idx, h->n, c->vt, c->err);
	retort__free(idx);
	return rc;
}

/* Check 4 the slow way: diff what the heads build with MODEL. */
static int model_by_diff(checker *c, retort_schema *model)
{
	retort_schema *built = NULL;
	retort_diff *diff = NULL;
	char m[MSG_MAX];
	retort_check_finding *f;
	size_t n;
	int rc = built_heads(c, &built);

	if (rc == RETORT_OK)
		rc = compare(c, &diff, built, model);
	if (rc < 0 || !(n = retort_diff_count(diff))) {
		if (rc == RETORT_OK)
			retort_drift__state(
				c->r, RETORT_CHECK_MODEL, RETORT_CHECK_PASSED,
				"the model is what the revisions build "
				"(compared)");
		retort_diff_free(diff);
		retort_schema_free(built);
		retort_schema_free(model);
		return rc;
	}
	say(m, "the model (%s) has %zu change%s that no revision captures",
	    c->co->model, n, n == 1 ? "" : "s");
	f = retort_drift__add(
		c->r, RETORT_CHECK_MODEL, RETORT_FINDING_MODEL_AHEAD, NULL, m,
		"retort revision --autogenerate -m MSG");
	if (f) {
		f->diff = diff;
		retort_drift__state(
			c->r, RETORT_CHECK_MODEL, RETORT_CHECK_FAILED, "%s", m);
	}
	return keep_pair(c, f != NULL, built, model, diff);
}

/* Check 4: the model has no change that the revisions lack. */
static int check_model(checker *c)
{
	retort_load_options lo = RETORT_LOAD_OPTIONS_INIT;
	const retort_revision *head;
	retort_schema *model = NULL;
	char fp[22];
	int rc;

	if (!c->co->model) {
		retort_drift__state(
			c->r, RETORT_CHECK_MODEL, RETORT_CHECK_SKIPPED,
			"no model configured (set 'model' in retort.ini)");
		return RETORT_OK;
	}
	lo.exclude_prefix = c->vt;
	if ((rc = retort_schema_load(&model, c->co->model, &lo, c->err)) < 0)
		return rc;
	retort_drift__fp(fp, model);
	head = c->p->nheads == 1 ? &c->p->files[c->p->heads[0]].rev : NULL;
	/* a head's Schema: line equal to the model's fingerprint: nothing to
	   replay (unless that line was found stale) */
	if (head && head->schema && !strcmp(head->schema, fp) &&
	    !c->stale[c->p->heads[0]]) {
		retort_drift__state(
			c->r, RETORT_CHECK_MODEL, RETORT_CHECK_PASSED,
			"the model is what head %s builds (%s)", head->id, fp);
		retort_schema_free(model);
		return RETORT_OK;
	}
	return model_by_diff(c, model);
}

/* Open the database and read its version rows. */
static int open_db(checker *c, const char *url)
{
	retort_buf path = RETORT_BUF_INIT;
	int rc = retort_migrate__url_path(&path, url, c->err);

	if (rc == RETORT_OK && !(c->r->database = retort__strdup(path.ptr)))
		rc = oom(c);
	retort_buf_dispose(&path);
	if (rc == RETORT_OK)
		rc = retort_migrate__open_db(
			&c->db, url, false, c->opts, c->err);
	if (rc == RETORT_ENOTFOUND && c->err)
		snprintf(
			c->err->why, sizeof(c->err->why), "%s",
			"the database does not exist (check only the revisions "
			"and the model with --no-db)");
	if (rc == RETORT_OK)
		rc = retort_migrate__read_state(
			&c->state, c->db, c->vt, c->err);
	if (rc == RETORT_OK && !copy_ids(&c->r->current, &c->state.heads))
		rc = oom(c);
	return rc;
}

/* Run the checks of C in order; the revisions check before the model. */
static int run(checker *c, const char *url)
{
	int rc = retort_project_resolve(&c->r->heads, c->p, "heads", c->err);

	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_DB))
		rc = open_db(c, url);
	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_PENDING))
		rc = check_pending(c);
	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_DRIFT))
		rc = check_drift(c);
	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_EDITED))
		rc = check_edited(c);
	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_REVISIONS))
		rc = check_revisions(c);
	if (rc == RETORT_OK && (c->checks & RETORT_CHECK_MODEL))
		rc = check_model(c);
	return rc;
}

int retort_check_run(
	retort_check_result **out,
	const char *url,
	const retort_check_options *copts,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_check_options none = RETORT_CHECK_OPTIONS_INIT;
	checker c;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.co = copts ? copts : &none;
	c.checks = c.co->checks ? c.co->checks : RETORT_CHECK_DEFAULT;
	c.opts = opts;
	c.vt = retort_migrate__vt(opts);
	c.err = err;
	if (c.checks & ~(unsigned)(RETORT_CHECK_DB | RETORT_CHECK_NO_DB))
		return retort_error_set(
			err, RETORT_EINVAL, "checks", "unknown check flags %#x",
			c.checks);
	c.r = retort__calloc(1, sizeof(*c.r));
	if (!c.r)
		return oom(&c);
	c.r->drift = -1;
	rc = retort_project_open(&c.p, opts, err);
	if (rc == RETORT_OK &&
	    !(c.stale = retort__calloc(c.p->n + 1, sizeof(bool))))
		rc = oom(&c);
	if (rc == RETORT_OK)
		rc = run(&c, url);
	retort_drift__fps_dispose(&c.fps);
	retort_migrate__state_dispose(&c.state);
	sqlite3_close(c.db);
	retort__free(c.stale);
	retort_project_free(c.p);
	if (rc < 0) {
		retort_check_result_free(c.r);
		return rc;
	}
	*out = c.r;
	return RETORT_OK;
}
