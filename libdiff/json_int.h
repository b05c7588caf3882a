/*
** json_int.h -- shared pieces of the snapshot writer (json.c), reader
** (json_read.c) and fingerprint (fingerprint.c), libdiff layer: the names
** of enum values in the snapshot format and JSON string output.
*/
#ifndef RETORT_JSON_INT_H
#define RETORT_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "retort/common.h"

/* The "format" member of every snapshot. */
#define RETORT_JSON_FORMAT_NAME "retort-snapshot"

/* Names of enum values, indexed by value, NULL-terminated. */
extern const char *const retort__json_affinity[];  /* retort_affinity */
extern const char *const retort__json_generated[]; /* retort_generated */
extern const char *const retort__json_conflict[];  /* retort_conflict */
extern const char *const retort__json_action[];    /* retort_fk_action */

/* The name of value V in NAMES, or "?" when V is out of range. */
const char *retort__json_enum_name(const char *const *names, unsigned v);

/* Append S as a JSON string: quotes, escapes for '"', '\' and control
 * characters; other bytes (UTF-8) as they are. */
void retort__json_put_string(retort_buf *b, const char *s);

/*
** A cJSON document builder with sticky out-of-memory, shared by the JSON
** reports (emit/report.c, migrations/drift_json.c): every helper records a
** failed cJSON call in the builder, which the caller tests once at the end.
*/
typedef struct retort_jb {
	bool oom; /* a cJSON allocation failed */
} retort_jb;

/* Record a failure when P (the result of a cJSON call) is NULL. */
void retort__jb_check(retort_jb *j, const void *p);
/* Add KEY: S to O, or KEY: null when S is NULL. */
void retort__jb_str(retort_jb *j, cJSON *o, const char *key, const char *s);
/* Add KEY: V to O. */
void retort__jb_bool(retort_jb *j, cJSON *o, const char *key, bool v);
/* Add KEY: [the N strings of V] to O. */
void retort__jb_names(
	retort_jb *j,
	cJSON *o,
	const char *key,
	const char *const *v,
	size_t n);

#endif /* RETORT_JSON_INT_H */
