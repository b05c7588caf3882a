/*
** migrate_int.h -- internals of the migrations layer shared by its files
** and the tests: revision scripts split into statements, revision files,
** the project's graph, the runner's plan and the database side.
*/
#ifndef RETORT_MIGRATE_INT_H
#define RETORT_MIGRATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "alloc_int.h"
#include "retort/migrate.h"

/* ------------------------------------------------------------------ */
/* Scripts (script.c)                                                  */

/* What a statement of a revision script is, for the runner. */
typedef enum retort_stmt_kind {
	RETORT_STMT_SQL = 0,  /* run as written */
	RETORT_STMT_FK_CHECK, /* PRAGMA foreign_key_check: a row is an error */
	RETORT_STMT_BEGIN,    /* BEGIN: the runner owns the transaction */
	RETORT_STMT_COMMIT,   /* COMMIT or END: likewise */
	RETORT_STMT_ROLLBACK, /* ROLLBACK (not TO): refused */
	RETORT_STMT_FK_OFF,   /* PRAGMA foreign_keys=OFF: lifted before BEGIN */
	RETORT_STMT_FK_ON     /* PRAGMA foreign_keys=ON: the runner restores */
} retort_stmt_kind;

/* One statement, borrowed from the script text it was split from. */
typedef struct retort_stmt {
	const char *sql;       /* first byte (a leading comment, or the
				  statement's first keyword) */
	size_t len;            /* up to the end of its last token, without
				  the ';' and trailing comments */
	unsigned line;         /* line of its first keyword in the file */
	retort_stmt_kind kind; /* what the runner does with it */
} retort_stmt;

/* A script split into statements. */
typedef struct retort_script {
	retort_stmt *stmts; /* in order; from retort__malloc */
	size_t n;           /* count of stmts */
	size_t alloc;       /* allocated slots */
	bool fk_off;        /* it switches foreign keys off somewhere */
} retort_script;

/*
** Split SQL (whose first line is line FIRST_LINE of its file) into
** complete statements: ';' ends a statement except inside a trigger
** body (BEGIN ... END, with CASE ... END nested).  Comment-only text
** between statements is dropped.  A ROLLBACK is refused with an error
** naming WHAT and its line.
*/
int retort_migrate__split(
	retort_script *out,
	const char *sql,
	unsigned first_line,
	const char *what,
	retort_error *err);

/* Append SQL's first 80 characters to B on one line ("..." if cut). */
void retort_migrate__abbrev(retort_buf *b, const char *sql, size_t n);

/* Free the statements of SCRIPT.  NULL is a no-op. */
void retort_migrate__script_dispose(retort_script *script);

/* ------------------------------------------------------------------ */
/* Revision files (revfile.c)                                          */

/* A parsed revision file: the public record plus what errors need. */
typedef struct retort_revfile {
	retort_revision rev;   /* strings in the project's arena */
	unsigned revises_line; /* line of the "Revises" header */
	unsigned id_line;      /* line of the "Revision ID" header */
} retort_revfile;

/* A file's text as read. */
typedef struct retort_source {
	const char *path; /* where it was read, for errors */
	const char *text; /* its bytes */
	size_t len;       /* how many */
} retort_source;

/*
** Parse revision file SRC strictly into OUT, copying strings into ARENA.
** Errors name "PATH:LINE".
*/
int retort_migrate__parse(
	retort_revfile *out,
	retort_arena *arena,
	const retort_source *src,
	retort_error *err);

/* The fields of a revision file to write. */
typedef struct retort_revfile_spec {
	const char *id;             /* 12 hex digits */
	const char *const *parents; /* down revisions */
	size_t nparents;            /* count of parents */
	const char *message;        /* may hold newlines */
	const char *create_date;    /* written as is */
	const char *schema;         /* fingerprint, or NULL */
	const char *up_sql;         /* NULL: empty */
	const char *down_sql;       /* NULL: empty */
	const char *notes;          /* comment lines (each "-- ...") written
				       before "-- migrate:up", or NULL */
} retort_revfile_spec;

/* Write the text of a revision file to OUT (appended). */
void retort_migrate__format(retort_buf *out, const retort_revfile_spec *spec);

/* True when S is exactly 12 lowercase hex digits. */
bool retort_migrate__is_revid(const char *s);

/* Format "xxh3:" and 16 hex digits of the XXH3 of DATA into BUF. */
void retort_migrate__checksum(char buf[22], const char *data, size_t len);

/* ------------------------------------------------------------------ */
/* The project (graph.c)                                               */

struct retort_project {
	retort_arena arena;    /* every string and array below */
	retort_revfile *files; /* revisions, in topological order */
	size_t n;              /* count of files */
	size_t **parents;      /* parents[i]: indexes of i's parents */
	size_t **children;     /* children[i]: indexes of i's children */
	size_t *byid;          /* indexes sorted by id (binary search) */
	size_t *heads;         /* indexes of heads, in topological order */
	size_t nheads;         /* count of heads */
	char *versions_dir;    /* the folder read, in the arena */
};

/* Index of the revision with id ID, or (size_t)-1. */
size_t retort_migrate__index(const retort_project *p, const char *id);

/*
** Mark REV in MARK (p->n entries) and close the marked set over parents
** (UP: ancestors of every marked revision at or below REV's index) or
** children (!UP: descendants of every marked revision from REV's index).
** With MARK cleared first, that is REV and its ancestors or descendants.
*/
void retort_migrate__mark(
	const retort_project *p, size_t rev, bool up, bool *mark);

/*
** Resolve TARGET to indexes into OUT (at most p->n): "head", "heads",
** "base" (none), an id or a unique prefix.  *n_out is their count.
*/
int retort_migrate__resolve(
	size_t *out,
	size_t *n_out,
	const retort_project *p,
	const char *target,
	retort_error *err);

/* Add ID to LIST (copied); false when out of memory. */
bool retort_migrate__revids_add(retort_revids *list, const char *id);

/* ------------------------------------------------------------------ */
/* The runner (runner.c, db.c)                                         */

/* One step of a plan: a revision run up or down (or a stamp). */
typedef struct retort_step {
	size_t rev;  /* index of the revision */
	bool down;   /* a downgrade */
	size_t *del; /* version rows to delete (indexes) */
	size_t ndel; /* count of del */
	size_t *ins; /* version rows to insert (indexes) */
	size_t nins; /* count of ins */
} retort_step;

/* What a command will do, computed from the current heads. */
typedef struct retort_runplan {
	retort_step *steps; /* in order */
	size_t n;           /* count of steps */
	size_t alloc;       /* allocated steps */
	bool *applied;      /* p->n entries: applied before the plan */
	bool *after;        /* p->n entries: applied after it */
	size_t *heads;      /* the version rows after it (indexes) */
	size_t nheads;      /* count of heads */
	bool stamp;         /* a stamp: no revision runs */
} retort_runplan;

/* Free the steps of PLAN.  NULL is a no-op. */
void retort_migrate__plan_dispose(retort_runplan *plan);

/* The database's state as the runner sees it. */
typedef struct retort_dbstate {
	retort_revids heads; /* rows of the version table */
	bool has_table;      /* the version table exists */
	bool has_history;    /* the history table exists */
	bool fk_on;          /* PRAGMA foreign_keys of the connection */
} retort_dbstate;

/* What to plan. */
typedef struct retort_plan_req {
	const char *target; /* as the user wrote it */
	bool down;          /* a downgrade */
	bool stamp;         /* a stamp: the version table only */
	bool purge;         /* stamp --purge: ignore the rows there */
} retort_plan_req;

/*
** Plan from the heads in STATE to REQ->target: an upgrade, a downgrade
** (relative targets +N, -N count from STATE), or a stamp (revisions after
** the target on its line are no longer applied, the target and its
** ancestors are; other branches stay unless purge).  Unknown revisions in
** STATE are an error, except for a purge.
*/
int retort_migrate__plan(
	retort_runplan *out,
	const retort_project *p,
	const retort_dbstate *state,
	const retort_plan_req *req,
	retort_error *err);

/* How retort_migrate__run() runs. */
typedef struct retort_run {
	const retort_migrate_options *opts; /* callbacks, version table */
	const char *vt;                     /* version table name */
	retort_buf *sql;                    /* offline: SQL written here */
	sqlite3 *db;                        /* online: the database */
} retort_run;

/*
** Run PLAN on RUN->db (or, with RUN->sql, write its SQL there and touch
** nothing), one transaction per step.
*/
int retort_migrate__run(
	const retort_project *p,
	const retort_runplan *plan,
	const retort_dbstate *state,
	const retort_run *run,
	retort_error *err);

/* Read the version table and the foreign-key setting of DB. */
int retort_migrate__read_state(
	retort_dbstate *out, sqlite3 *db, const char *vt, retort_error *err);

/* Free what STATE holds.  NULL is a no-op. */
void retort_migrate__state_dispose(retort_dbstate *state);

/*
** The file path that URL names: a plain path, or sqlite:///rel,
** sqlite:////abs and the sqlite+driver:// forms; a "?query" is dropped.
*/
int retort_migrate__url_path(
	retort_buf *out, const char *url, retort_error *err);

/*
** Open the database at URL: read-only (a missing file is RETORT_ENOTFOUND)
** or read-write (created when missing), with the busy timeout of OPTS.
*/
int retort_migrate__open_db(
	sqlite3 **out,
	const char *url,
	bool write,
	const retort_migrate_options *opts,
	retort_error *err);

/* The version table of OPTS (never NULL). */
const char *retort_migrate__vt(const retort_migrate_options *opts);

/* ------------------------------------------------------------------ */
/* New revisions (newrev.c, replay.c, autogen.c)                      */

/* A revision about to be written. */
typedef struct retort_newrev {
	const retort_project *p;           /* the project it joins */
	const retort_revision_options *ro; /* what the caller asked */
	size_t *parents;                   /* its parents (indexes), from
					      retort__malloc */
	size_t nparents;                   /* count of parents */
	const char *schema;                /* "Schema:" fingerprint, or NULL */
	const char *notes;                 /* comment lines, or NULL */
	const char *up_sql;                /* upgrade section, or NULL */
	const char *down_sql;              /* downgrade section, or NULL */
} retort_newrev;

/* A point in time in the configured zone (template.c). */
typedef struct retort_when {
	struct tm tm;   /* broken-down time in the zone */
	int64_t epoch;  /* seconds since the epoch */
	char label[32]; /* "UTC" or "+02:00" */
} retort_when;

/*
** Fill W for NOW in zone TZ ("UTC", "+02:00", "Europe/Paris"; NULL or "":
** local time).
*/
int retort_migrate__when(
	retort_when *w, int64_t now, const char *tz, retort_error *err);

/* Fill NR->parents from NR->ro (--head, merge, the single head). */
int retort_migrate__choose_parents(retort_newrev *nr, retort_error *err);

/* Write the file of NR into the versions folder; its path to PATH_OUT. */
int retort_migrate__write_newrev(
	retort_buf *path_out, const retort_newrev *nr, retort_error *err);

/*
** Run the statements of SQL (the section of REV starting at FIRST_LINE)
** in DB as the runner would inside its transaction: BEGIN, COMMIT and
** foreign_keys pragmas are left out.  Errors name the file and line.
*/
int retort_migrate__exec_section(
	sqlite3 *db,
	const char *sql,
	unsigned first_line,
	const char *path,
	retort_error *err);

/*
** A new sandboxed in-memory database holding what the upgrade scripts of
** PARENTS (indexes) and all their ancestors build, in topological order.
*/
int retort_migrate__replay(
	sqlite3 **out,
	const retort_project *p,
	const size_t *parents,
	size_t nparents,
	retort_error *err);

/*
** The fingerprint ("xxh3:" and 16 hex digits) of DB's schema, leaving out
** the tables whose names start with VT.
*/
int retort_migrate__fingerprint(
	char out[22], sqlite3 *db, const char *vt, retort_error *err);

/* Milliseconds of work after which a statement reports progress (tests). */
extern int retort_migrate__progress_after_ms;

#endif /* RETORT_MIGRATE_INT_H */
