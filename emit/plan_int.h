/*
** plan_int.h -- inside the migration planner (emit layer): the plan
** container, the per-table analysis shared by plan_*.c, the native ALTER
** TABLE rules and the script writer.  migrations/verify.c builds the
** public retort_emit_plan() on retort__plan_generate().
*/
#ifndef RETORT_PLAN_INT_H
#define RETORT_PLAN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc_int.h"
#include "retort/diff.h"
#include "retort/emit.h"
#include "retort/schema.h"

/* SQLite versions that change what ALTER TABLE can do (SQLITE-FACTS §1). */
#define RETORT_SQLITE_MIN      3035000 /* oldest library we write for */
#define RETORT_SQLITE_DROP_COL 3035000 /* ALTER TABLE DROP COLUMN */
#define RETORT_SQLITE_ADD_NN                                                   \
 3037000 /* ADD COLUMN NOT NULL, no default,                                   \
	    on an empty table; CHECK and                                       \
	    generated NOT NULL validated */
#define RETORT_SQLITE_CONSTRAINT                                               \
 3053000 /* ADD/DROP CONSTRAINT, SET/DROP                                      \
	    NOT NULL */

/* A growable list of strings from retort__malloc(). */
typedef struct retort_strvec {
	char **v;     /* the strings */
	size_t n;     /* count */
	size_t alloc; /* allocated slots */
	bool oom;     /* an append failed */
} retort_strvec;

/* Append a copy of S[0..N) (control characters made spaces). */
void retort__strvec_add(retort_strvec *sv, const char *s, size_t n);
/* Free every string and the list; SV is left empty. */
void retort__strvec_dispose(retort_strvec *sv);

/* The plan behind the opaque public handle. */
struct retort_plan {
	char *upgrade;               /* FROM -> TO script (retort__malloc) */
	char *downgrade;             /* TO -> FROM script (retort__malloc) */
	retort_strvec warnings;      /* the upgrade's warnings */
	retort_strvec down_warnings; /* the downgrade's warnings */
};

/*
** Generate the upgrade and downgrade scripts of DIFF for SQLite
** opts->sqlite_version (0: the linked library's), without verifying them
** (migrations/verify.c does that).  *out is a new plan freed with
** retort_plan_free(), or NULL on failure.
*/
int retort__plan_generate(
	retort_plan **out,
	const retort_diff *diff,
	const retort_emit_options *opts,
	retort_error *err);

/*
** Write the script that applies DIFF (FROM -> TO) for SQLite VERSION to
** OUT (replacing its contents; "" when DIFF is empty) and append its
** warnings to WARNINGS.
*/
int retort__plan_script(
	retort_buf *out,
	retort_strvec *warnings,
	const retort_diff *diff,
	int version,
	retort_error *err);

/*
** The CREATE statements of the part of FROM (into FROM_SQL) and of TO
** (into TO_SQL) that DIFF's scripts touch or need (plan_subset.c): what
** verification builds and compares, instead of the whole schemas.
*/
int retort__plan_subset_sql(
	retort_buf *from_sql,
	retort_buf *to_sql,
	const retort_diff *diff,
	retort_error *err);

/* The statements the script runs between BEGIN and COMMIT, for a runner
 * that manages the transaction itself: see docs/emitter.md. */
#define RETORT_PLAN_PROLOGUE "PRAGMA foreign_keys=OFF;\nBEGIN;\n"
#define RETORT_PLAN_EPILOGUE "COMMIT;\nPRAGMA foreign_keys=ON;\n"

/* ------------------------------------------------------------------ */
/* Native ALTER TABLE rules (plan_rules.c), SQLITE-FACTS §2 and §3.    */

/* True when DEFAULT text EXPR (normalised, NULL for none) is a constant
 * that ALTER TABLE ADD COLUMN accepts on a populated table: a literal,
 * NULL, TRUE/FALSE, optionally signed and in parentheses. */
bool retort__plan_default_is_constant(const char *expr);

/*
** Why column COL (of TO table T) cannot be added with ALTER TABLE ADD
** COLUMN on a populated table by SQLite VERSION, or NULL when it can.
** FK_INLINE is the single-column foreign key to write on the column, or
** NULL.  The answer is static text.
*/
const char *retort__plan_add_column_refusal(
	const retort_table *t,
	const retort_column *col,
	const retort_foreign_key *fk_inline,
	int version);

/*
** Why column COL of FROM table T cannot be dropped with ALTER TABLE DROP
** COLUMN by SQLite VERSION, or NULL when it can (once the indexes, views
** and triggers that use it are gone).  Static text.
*/
const char *retort__plan_drop_column_refusal(
	const retort_table *t, const retort_column *col, int version);

/* True when SQL text Z mentions identifier NAME (any quoting, ASCII case
 * folded) as a word, quoted name or string token. */
bool retort__plan_mentions(const char *z, const char *name);

/* ------------------------------------------------------------------ */
/* The script writer's state, shared by plan_*.c.                      */

/* What the script does with a table. */
typedef enum retort_plan_how {
	RETORT_PLAN_ADD = 0, /* CREATE TABLE */
	RETORT_PLAN_DROP,    /* DROP TABLE */
	RETORT_PLAN_NATIVE,  /* ALTER TABLE statements only */
	RETORT_PLAN_REBUILD  /* the 12-step rebuild */
} retort_plan_how;

/* One table the script changes. */
typedef struct retort_plan_table {
	const retort_table *from;   /* FROM record; NULL when added */
	const retort_table *to;     /* TO record; NULL when dropped */
	retort_plan_how how;        /* what happens to it */
	const char *why;            /* first reason to rebuild, or NULL */
	const char *cur;            /* its name at this point of the script */
	const retort_diff_op **ops; /* its operations, in diff order */
	size_t nops;                /* count of ops */
	size_t aops;                /* allocated slots of ops */
	long *src;                  /* per TO column: FROM column or -1 */
	const char **fcur;          /* per FROM column: its current name */
	bool *fdrop;                /* per FROM column: dropped */
	const retort_foreign_key **inl; /* per TO column: FK written on it
					   by a native ADD COLUMN, or NULL */
	size_t rows_step;               /* rebuild: number of its row check */
} retort_plan_table;

/* The state of one script being written. */
typedef struct retort_plan_ctx {
	const retort_diff *diff;        /* what to apply */
	const retort_schema *from;      /* its FROM schema */
	const retort_schema *to;        /* its TO schema */
	int version;                    /* SQLite the script is for */
	retort_arena arena;             /* scratch memory, freed at the end */
	retort_buf *out;                /* the script */
	retort_strvec *warnings;        /* warnings for the user */
	retort_plan_table *tables;      /* tables changed, in TO name order */
	size_t ntables;                 /* count of tables */
	const retort_diff_op **renames; /* the RENAME_TABLE ops */
	size_t nrenames;                /* count of renames */
	const retort_diff_op **misc;    /* index, view, trigger, vtab ops */
	size_t nmisc;                   /* count of misc */
	const char **names;             /* every object name of FROM and TO,
					   sorted (ASCII case folded) */
	size_t nnames;                  /* count of names */
	const char **touched;           /* names of changed tables (both
					   sides) and vtabs, sorted */
	size_t ntouched;                /* count of touched */
	bool *drop_view;                /* per FROM view: dropped by script */
	bool *drop_trigger;             /* per FROM trigger: dropped */
	bool *make_view;                /* per TO view: created by script */
	bool *make_trigger;             /* per TO trigger: created */
	const char **tmp_names;         /* temporary names handed out */
	size_t ntmp;                    /* count of tmp_names */
	size_t atmp;                    /* allocated slots of tmp_names */
	size_t nrows_steps;             /* copy checks (one per rebuild) */
	retort_buf present;             /* guard: objects that must exist */
	size_t npresent;                /* count of objects in present */
	retort_buf absent;              /* guard: objects that must not exist */
	retort_buf shape;               /* guard: VALUES rows (table, ncols) */
	size_t nshape;                  /* count of rows in shape */
	retort_buf notnull; /* guard: VALUES rows (table, col, nn) */
	size_t nnotnull;    /* count of rows in notnull */
	size_t *hslots;     /* pointer hash: table record -> entry
			       index + 1 (0: empty slot) */
	size_t hmask;       /* slots - 1 (a power of two) */
	retort_error *err;  /* where failures are recorded */
} retort_plan_ctx;

/* plan_table.c: group the diff's operations by table and decide, per
 * table, native ALTER TABLE or rebuild. */
int retort__plan_collect(retort_plan_ctx *ctx);
/* The entry for FROM table T (or TO table T when IS_TO); NULL if none. */
retort_plan_table *
retort__plan_find(retort_plan_ctx *ctx, const retort_table *t, bool is_to);

/* plan_deps.c: which views and triggers are dropped and re-created. */
int retort__plan_dependents(retort_plan_ctx *ctx);
/* Write the DROP / CREATE statements of those views and triggers. */
void retort__plan_drop_dependents(retort_plan_ctx *ctx);
int retort__plan_create_dependents(retort_plan_ctx *ctx);

/* plan_alter.c: renames and native ALTER TABLE statements. */
int retort__plan_rename_tables(retort_plan_ctx *ctx);
/* Rename the kept columns of PT whose name changes (native or rebuilt). */
int retort__plan_rename_columns(retort_plan_ctx *ctx, retort_plan_table *pt);
/* ADD COLUMN, DROP COLUMN and 3.53 constraint ALTERs of a native PT. */
int retort__plan_alter_table(retort_plan_ctx *ctx, retort_plan_table *pt);

/* plan_rebuild.c: the table rebuild (SQLITE-FACTS §4). */
int retort__plan_rebuild(retort_plan_ctx *ctx, retort_plan_table *pt);
/* CREATE INDEX for IX; records it for the guard. */
int retort__plan_create_index(retort_plan_ctx *ctx, const retort_index *ix);
/* CREATE TABLE NAME with T's definition, then T's indexes (when
 * WITH_INDEXES). */
int retort__plan_create_table(
	retort_plan_ctx *ctx,
	const retort_table *t,
	const char *name,
	bool with_indexes);

/* plan_guard.c: the checks that end the transaction. */
void retort__plan_guard_begin(retort_plan_ctx *ctx);
void retort__plan_guard_end(retort_plan_ctx *ctx);
/* Record that object NAME of sqlite_master TYPE must (not) exist. */
void retort__plan_expect(
	retort_plan_ctx *ctx, const char *type, const char *name, bool present);
/* Record that table NAME must end with NCOLS columns and that its FKs
 * (and those of its children) must hold. */
void retort__plan_expect_table(
	retort_plan_ctx *ctx, const char *name, size_t ncols);
/* Record that column COL of table TABLE must (not) be NOT NULL. */
void retort__plan_expect_notnull(
	retort_plan_ctx *ctx, const char *table, const char *col, bool nn);
/* The UPDATE that records, for check STEP, that the copy of table FROM
 * into TO ran (right after the INSERT ... SELECT). */
void retort__plan_guard_copy(
	retort_plan_ctx *ctx, size_t step, const char *from, const char *to);

/* plan_script.c: helpers for every writer. */
/* A temporary name, unique among every object name, from PREFIX and
 * BASE; allocated in the arena (NULL when out of memory). */
const char *retort__plan_tmp_name(
	retort_plan_ctx *ctx, const char *prefix, const char *base);
/* Append "-- KIND: " and TEXT with line breaks made spaces, then "\n". */
void retort__plan_comment(retort_buf *out, const char *kind, const char *text);
/* Add a warning for the user and write it as a comment at this point. */
void retort__plan_warn(retort_plan_ctx *ctx, const char *fmt, ...)
	RETORT_FORMAT(2, 3);
/* NAME as a quoted identifier for messages (arena; "?" when out of
 * memory). */
const char *retort__plan_q(retort_plan_ctx *ctx, const char *name);
/* Set an out-of-memory error unless one is recorded; returns ENOMEM. */
int retort__plan_oom(retort_plan_ctx *ctx);

#endif /* RETORT_PLAN_INT_H */
