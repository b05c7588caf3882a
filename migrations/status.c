/*
** status.c -- `retort status` (migrations layer): what an application's
** health endpoint reports, from the pending and drift checks of
** check.c: healthy (at head, no drift), warning (revisions pending) or
** error (schema drift, or a revision no file provides).
*/
#include "drift_int.h"

int retort_status_run(
	retort_check_result **out,
	const char *url,
	const retort_check_options *copts,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_check_options co = RETORT_CHECK_OPTIONS_INIT;

	co.diff = copts ? copts->diff : NULL;
	co.checks = RETORT_CHECK_PENDING | RETORT_CHECK_DRIFT;
	return retort_check_run(out, url, &co, opts, err);
}

retort_health retort_status_health(const retort_check_result *r)
{
	if (r->drift > 0 || r->unknown.n)
		return RETORT_UNHEALTHY;
	if (r->pending.n)
		return RETORT_WARNING;
	return RETORT_HEALTHY;
}

const char *retort_health_name(retort_health health)
{
	switch (health) {
	case RETORT_HEALTHY:
		return "healthy";
	case RETORT_WARNING:
		return "warning";
	case RETORT_UNHEALTHY:
		break;
	}
	return "error";
}
