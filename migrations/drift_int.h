/*
** drift_int.h -- internals of drift detection (migrations layer), shared
** by check.c, status.c, drift_sql.c, rehash.c and the drift_*.c files:
** what revisions build (replayed in memory with replay.c), fingerprints of each
** revision, the live database's schema, and the check result's insides.
*/
#ifndef RETORT_DRIFT_INT_H
#define RETORT_DRIFT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "migrate_int.h"
#include "retort/diff.h"
#include "retort/schema.h"

/* ------------------------------------------------------------------ */
/* What revisions build (drift_replay.c)                               */

/* Fingerprints of revisions, from one pass over the graph. */
typedef struct retort_drift_fps {
	char (*fp)[22]; /* p->n entries: "xxh3:..." or "" when not computed */
	sqlite3 *db;    /* after the pass: the sandbox, or NULL */
	bool all;       /* DB holds every revision, applied in topological
			   order (what the heads build) */
} retort_drift_fps;

/*
** Compute the fingerprint of what each revision marked in WANT builds
** (itself and its ancestors), replaying the graph once in topological
** order and starting afresh only where a branch requires it.  VT names
** retort's tables (left out).  Free OUT with retort_drift__fps_dispose().
*/
int retort_drift__fingerprints(
	retort_drift_fps *out,
	const retort_project *p,
	const bool *want,
	const char *vt,
	retort_error *err);

/* Free what FPS holds.  NULL is a no-op. */
void retort_drift__fps_dispose(retort_drift_fps *fps);

/*
** The schema that revisions IDX[0..N) and their ancestors build (N == 0:
** the empty schema), introspected from a replay; WHAT names it in
** errors.
*/
int retort_drift__built(
	retort_schema **out,
	const retort_project *p,
	const size_t *idx,
	size_t n,
	const char *vt,
	retort_error *err);

/* Introspect DB's main schema leaving out VT's tables. */
int retort_drift__read(
	retort_schema **out,
	sqlite3 *db,
	const char *what,
	const char *vt,
	retort_error *err);

/* "xxh3:..." of SCHEMA into BUF[22]. */
void retort_drift__fp(char buf[22], const retort_schema *schema);

/*
** Indexes of the revisions named by IDS into OUT (IDS->n entries);
** false when one has no file.
*/
bool retort_drift__indexes(
	size_t *out, const retort_project *p, const retort_revids *ids);

/* ------------------------------------------------------------------ */
/* The check result (check.c, drift_result.c)                          */

/* One check's outcome, as retort_check_state_of() reports it. */
typedef struct retort_drift_state {
	retort_check_state state; /* not run, passed, failed, skipped */
	char *note;               /* what was found or why skipped (owned) */
} retort_drift_state;

/* Number of checks (the bits of retort_check_flag). */
#define RETORT_DRIFT_NCHECKS 5

struct retort_check_result {
	retort_check_finding *f; /* findings, in the order found */
	size_t n;                /* count of f */
	size_t alloc;            /* allocated slots of f */
	retort_arena arena;      /* strings of the findings */
	retort_drift_state checks[RETORT_DRIFT_NCHECKS]; /* by bit number */
	retort_revids current;   /* the database's revisions */
	retort_revids heads;     /* the project's heads */
	retort_revids pending;   /* revisions an upgrade would run */
	retort_revids unknown;   /* current revisions with no file */
	int drift;               /* 1 drift, 0 none, -1 not known */
	char *database;          /* the database's path, or NULL */
	retort_schema **schemas; /* schemas the diffs borrow from */
	size_t nschemas;         /* count of schemas */
	retort_diff **diffs;     /* diffs of the findings (owned) */
	size_t ndiffs;           /* count of diffs */
};

/* Bit number (0..RETORT_DRIFT_NCHECKS-1) of the check flag CHECK. */
int retort_drift__bit(unsigned check);

/* The stable name of a check flag ("pending", "drift", ...). */
const char *retort_drift__check_name(unsigned check);

/* The stable name of a finding kind ("pending", "schema_drift", ...). */
const char *retort_drift__kind_name(retort_finding_kind kind);

/*
** Append a finding to R; its strings are copied.  Returns the stored
** finding (for the caller to add revisions or a diff), NULL when out of
** memory.
*/
retort_check_finding *retort_drift__add(
	retort_check_result *r,
	unsigned check,
	retort_finding_kind kind,
	const char *revision,
	const char *message,
	const char *fix);

/* Copy S into R's arena; NULL when out of memory (or S is NULL). */
const char *retort_drift__strdup(retort_check_result *r, const char *s);

/* Take ownership of SCHEMA (and, when not NULL, DIFF) in R. */
bool retort_drift__keep(
	retort_check_result *r, retort_schema *schema, retort_diff *diff);

/* Set the state of CHECK with a printf-style note. */
void retort_drift__state(
	retort_check_result *r,
	unsigned check,
	retort_check_state state,
	const char *fmt,
	...) RETORT_FORMAT(4, 5);

#endif /* RETORT_DRIFT_INT_H */
