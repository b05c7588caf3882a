/*
** retort/emit.h -- turn a diff into SQLite SQL (SPEC §4) and into reports.
** A retort_plan owns its text; it does not borrow from the diff.
*/
#ifndef RETORT_EMIT_H
#define RETORT_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/common.h"
#include "retort/diff.h"
#include "retort/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct retort_plan retort_plan; /* opaque; see retort_plan_free() */

/** Options for retort_emit_plan(); start from RETORT_EMIT_OPTIONS_INIT. */
typedef struct retort_emit_options {
	unsigned int version; /* RETORT_EMIT_OPTIONS_VERSION */
	int sqlite_version;   /* SQLite the SQL is for (3053000 style);
				 0: the linked library's */
	int verify;           /* run the upgrade and downgrade in memory and
				 check the results (SPEC §4); default 1 */
			      /* New fields are only ever appended. */
} retort_emit_options;

#define RETORT_EMIT_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_EMIT_OPTIONS_INIT { RETORT_EMIT_OPTIONS_VERSION, 0, 1 }
/* clang-format on */

/**
 * Plan the SQL that turns DIFF's FROM schema into its TO schema, and the
 * SQL that turns it back.
 * @param out  on success a new plan owned by the caller; NULL on failure
 * @param diff the comparison (its renames become native renames)
 * @param opts options, or NULL for the defaults
 * @param err  filled in on failure; a plan that fails verification is
 *             RETORT_EINTERNAL
 */
RETORT_API int retort_emit_plan(
	retort_plan **out,
	const retort_diff *diff,
	const retort_emit_options *opts,
	retort_error *err);

/** The upgrade script (FROM to TO); "" when there is nothing to do. */
RETORT_API const char *retort_plan_upgrade(const retort_plan *plan);
/** The downgrade script (TO back to FROM). */
RETORT_API const char *retort_plan_downgrade(const retort_plan *plan);
/** Warnings for the user (rows that may not satisfy a change, ...). */
RETORT_API size_t retort_plan_nwarnings(const retort_plan *plan);
RETORT_API const char *retort_plan_warning(const retort_plan *plan, size_t i);
/** Free PLAN.  NULL is a no-op. */
RETORT_API void retort_plan_free(retort_plan *plan);

/**
 * Write a readable report of DIFF (grouped by table, +/-/~ markers,
 * destructive operations flagged, rename suggestions) to OUT.
 * @param color  use ANSI colours
 */
RETORT_API int retort_report_text(
	retort_buf *out,
	const retort_diff *diff,
	bool color,
	retort_error *err);

/** Write DIFF as the documented JSON list of operations to OUT. */
RETORT_API int
retort_report_json(retort_buf *out, const retort_diff *diff, retort_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_EMIT_H */
