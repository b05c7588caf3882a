/*
** json_build.c -- a cJSON document builder with sticky out-of-memory
** (libdiff, bottom layer), shared by the JSON reports of the diff and of
** `retort check`/`status`.
*/
#include "json_int.h"

void retort__jb_check(retort_jb *j, const void *p)
{
	if (!p)
		j->oom = true;
}

void retort__jb_str(retort_jb *j, cJSON *o, const char *key, const char *s)
{
	retort__jb_check(
		j, s ? cJSON_AddStringToObject(o, key, s)
		     : cJSON_AddNullToObject(o, key));
}

void retort__jb_bool(retort_jb *j, cJSON *o, const char *key, bool v)
{
	retort__jb_check(j, cJSON_AddBoolToObject(o, key, v));
}

void retort__jb_names(
	retort_jb *j, cJSON *o, const char *key, const char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	size_t i;

	retort__jb_check(j, a);
	for (i = 0; a && i < n; i++) {
		cJSON *s = cJSON_CreateString(v[i]);

		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			j->oom = true;
		}
	}
}
