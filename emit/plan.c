/*
** plan.c -- the migration plan container and its public accessors (emit
** layer): generates the upgrade from the diff and the downgrade from the
** reverse comparison (TO -> FROM with the renames reversed, so that a
** rename is undone by a rename).  Verification lives in
** migrations/verify.c, which implements retort_emit_plan().
*/
#include <sqlite3.h>
#include <string.h>

#include "plan_int.h"
#include "sqltok.h"

void retort__strvec_add(retort_strvec *sv, const char *s, size_t n)
{
	char *copy;
	size_t i;

	if (sv->oom)
		return;
	if (sv->n == sv->alloc) {
		size_t a = sv->alloc ? sv->alloc * 2 : 8;
		char **v = retort__realloc(sv->v, a * sizeof(*v));

		if (!v) {
			sv->oom = true;
			return;
		}
		sv->v = v;
		sv->alloc = a;
	}
	copy = retort__malloc(n + 1);
	if (!copy) {
		sv->oom = true;
		return;
	}
	for (i = 0; i < n; i++)
		copy[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	copy[n] = '\0';
	sv->v[sv->n++] = copy;
}

void retort__strvec_dispose(retort_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		retort__free(sv->v[i]);
	retort__free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

const char *retort_plan_upgrade(const retort_plan *plan)
{
	return plan->upgrade;
}

const char *retort_plan_downgrade(const retort_plan *plan)
{
	return plan->downgrade;
}

size_t retort_plan_nwarnings(const retort_plan *plan)
{
	return plan->warnings.n;
}

const char *retort_plan_warning(const retort_plan *plan, size_t i)
{
	return i < plan->warnings.n ? plan->warnings.v[i] : NULL;
}

void retort_plan_free(retort_plan *plan)
{
	if (!plan)
		return;
	retort__free(plan->upgrade);
	retort__free(plan->downgrade);
	retort__strvec_dispose(&plan->warnings);
	retort__strvec_dispose(&plan->down_warnings);
	retort__free(plan);
}

/* The FROM name of the table that TO names NAME, given the table
 * renames in R (N of them). */
static const char *
from_name_of(const retort_rename *r, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!r[i].table && !retort__strcasecmp(r[i].to, name))
			return r[i].from;
	return name;
}

/*
** The rename hints of the reverse comparison (TO -> FROM): each from/to
** swapped; a column rename's table is named as FROM names it.  *out is
** an array from retort__malloc() (NULL when N is 0).
*/
static int reverse_renames(
	retort_rename **out,
	const retort_rename *r,
	size_t n,
	retort_error *err)
{
	retort_rename *rev;
	size_t i;

	*out = NULL;
	if (!n)
		return RETORT_OK;
	rev = retort__calloc(n, sizeof(*rev));
	if (!rev)
		return retort_error_set(
			err, RETORT_ENOMEM, "downgrade", "out of memory");
	for (i = 0; i < n; i++) {
		rev[i].table =
			r[i].table ? from_name_of(r, n, r[i].table) : NULL;
		rev[i].from = r[i].to;
		rev[i].to = r[i].from;
	}
	*out = rev;
	return RETORT_OK;
}

/* Write the downgrade of DIFF into PLAN. */
static int plan_downgrade(
	retort_plan *plan,
	const retort_diff *diff,
	int version,
	retort_error *err)
{
	const retort_diff_options *o = retort_diff_options_of(diff);
	retort_diff_options ro = RETORT_DIFF_OPTIONS_INIT;
	retort_rename *rev = NULL;
	retort_diff *back = NULL;
	retort_buf sql = RETORT_BUF_INIT;
	int rc;

	if (o)
		ro = *o;
	rc = reverse_renames(
		&rev, ro.renames, ro.renames ? ro.nrenames : 0, err);
	if (rc < 0)
		goto done;
	ro.renames = rev;
	ro.nrenames = rev ? ro.nrenames : 0;
	rc = retort_diff_compare(
		&back, retort_diff_to(diff), retort_diff_from(diff), &ro, err);
	if (rc < 0)
		goto done;
	rc = retort__plan_script(
		&sql, &plan->down_warnings, back, version, err);
	if (rc < 0)
		goto done;
	plan->downgrade = retort_buf_detach(&sql);
	if (!plan->downgrade)
		rc = retort_error_set(
			err, RETORT_ENOMEM, "downgrade", "out of memory");
done:
	retort_buf_dispose(&sql);
	retort_diff_free(back);
	retort__free(rev);
	return rc;
}

/* The SQLite version to write for: OPTS's, else the linked library's. */
static int target_version(const retort_emit_options *opts, retort_error *err)
{
	int v = opts && opts->sqlite_version ? opts->sqlite_version
					     : sqlite3_libversion_number();

	if (v < RETORT_SQLITE_MIN)
		return retort_error_set(
			err, RETORT_EINVAL, "sqlite_version",
			"SQLite %d.%d.%d is too old: 3.35.0 or later is needed",
			v / 1000000, v / 1000 % 1000, v % 1000);
	return v;
}

int retort__plan_generate(
	retort_plan **out,
	const retort_diff *diff,
	const retort_emit_options *opts,
	retort_error *err)
{
	retort_plan *plan = NULL;
	retort_buf sql = RETORT_BUF_INIT;
	int version, rc;

	*out = NULL;
	if (opts && opts->version != RETORT_EMIT_OPTIONS_VERSION)
		return retort_error_set(
			err, RETORT_EINVAL, "retort_emit_options",
			"unknown options version %u", opts->version);
	if ((version = target_version(opts, err)) < 0)
		return version;
	plan = retort__calloc(1, sizeof(*plan));
	if (!plan)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	rc = retort__plan_script(&sql, &plan->warnings, diff, version, err);
	if (rc == RETORT_OK) {
		plan->upgrade = retort_buf_detach(&sql);
		if (!plan->upgrade)
			rc = retort_error_set(
				err, RETORT_ENOMEM, "upgrade", "out of memory");
	}
	if (rc == RETORT_OK)
		rc = plan_downgrade(plan, diff, version, err);
	if (rc == RETORT_OK && (plan->warnings.oom || plan->down_warnings.oom))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	retort_buf_dispose(&sql);
	if (rc < 0) {
		retort_plan_free(plan);
		return rc;
	}
	*out = plan;
	return RETORT_OK;
}
