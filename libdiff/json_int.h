/*
** json_int.h -- shared pieces of the snapshot writer (json.c), reader
** (json_read.c) and fingerprint (fingerprint.c), libdiff layer: the names
** of enum values in the snapshot format and JSON string output.
*/
#ifndef RETORT_JSON_INT_H
#define RETORT_JSON_INT_H

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

#endif /* RETORT_JSON_INT_H */
