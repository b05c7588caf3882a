/*
** test_plan_support.h -- shared by the emitter's end-to-end tests
** (test_plan*.c, test_rebuild*.c, test_random.c): build FROM and TO from
** SQL, plan with verification, apply the upgrade to a database holding
** rows, and check schema, integrity, foreign keys and every surviving
** value; then the downgrade.
*/
#ifndef RETORT_TEST_PLAN_SUPPORT_H
#define RETORT_TEST_PLAN_SUPPORT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "retort.h"

/* One end-to-end case. */
typedef struct tp_case {
	const char *from;             /* FROM schema SQL */
	const char *to;               /* TO schema SQL */
	const char *fill;             /* rows for FROM, or NULL */
	const retort_rename *renames; /* rename hints, or NULL */
	size_t nrenames;              /* count of renames */
	bool no_downgrade;            /* skip applying the downgrade */
	bool expect_fail;             /* the upgrade must fail on the rows,
					 leaving the database unchanged */
} tp_case;

/* What a case left for further checks (free with tp_result_dispose). */
typedef struct tp_result {
	retort_plan *plan; /* the verified plan */
	sqlite3 *db;       /* the database after the upgrade (and the
			      downgrade, unless no_downgrade) */
	char *errmsg;      /* the upgrade's error when expect_fail */
} tp_result;

/* Prepended to failure messages (e.g. a random case's seed); "". */
extern const char *tp_label;

/* A new :memory: database with SQL run in it (the test fails if not). */
sqlite3 *tp_open(const char *sql);
/* Run SQL in DB; SQLite's rc; the message (sqlite3_malloc) in *msg. */
int tp_exec(sqlite3 *db, const char *sql, char **msg);
/* The schema of SQL (introspected in memory). */
retort_schema *tp_schema(const char *sql);
/* The schema of DB. */
retort_schema *tp_schema_of(sqlite3 *db);
/* The number of differences between schemas A and B. */
size_t tp_ndiff(const retort_schema *a, const retort_schema *b);
/* The verified plan from FROM to TO SQL (fails the test on error). */
retort_plan *
tp_plan(const char *from,
	const char *to,
	const retort_rename *renames,
	size_t nrenames);
/* Every row of TABLE as quote()d COLS (sorted lines, from malloc). */
char *
tp_rows(sqlite3 *db, const char *table, const char *const *cols, size_t n);
/* The result of SELECT SQL as text: one line per row, "|" between
 * values (from malloc). */
char *tp_query(sqlite3 *db, const char *sql);
/* PRAGMA integrity_check is "ok" (one known 3.40 false positive aside). */
void tp_expect_integrity(sqlite3 *db);
/* PRAGMA foreign_key_check is empty. */
void tp_expect_fk_clean(sqlite3 *db);
/* Run case C: plan, fill, upgrade, check, downgrade, check. */
void tp_run(const tp_case *c, tp_result *r);
void tp_result_dispose(tp_result *r);
/* True when SQL text S contains NEEDLE. */
bool tp_has(const char *s, const char *needle);

#endif /* RETORT_TEST_PLAN_SUPPORT_H */
