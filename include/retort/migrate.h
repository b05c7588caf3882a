/*
** retort/migrate.h -- projects, revision files and the Alembic-style
** runner (SPEC §5, §7).  A retort_project is the revision graph read from
** a project's versions/ folder; the retort_migrate_* calls are what an
** application does at start-up and in a health check.
**
** Alembic equivalents:
**   initialize_database(url)        retort_migrate_initialize()
**   run_migrations(url, "head")     retort_migrate_upgrade(url, NULL, ...)
**   downgrade_migrations(url, "-1") retort_migrate_downgrade(url, NULL, ...)
**   get_current_revision(url)       retort_migrate_current() (n == 0: none)
**   get_head_revision()             retort_migrate_heads()
**   check_pending_migrations(url)   retort_migrate_pending() (n > 0)
**   get_migration_history()         retort_project_open() and
**                                   retort_project_revision() (revision,
**                                   parents, message)
**   stamp_revision(url, rev)        retort_migrate_stamp()
** The library never prints: errors come back in a retort_error, progress
** through the callbacks of retort_migrate_options.
*/
#ifndef RETORT_MIGRATE_H
#define RETORT_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "retort/common.h"
#include "retort/diff.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Length of a revision id: 12 lowercase hex digits. */
#define RETORT_REVID_LEN 12

/** Default name of the version table (SPEC §5). */
#define RETORT_DEFAULT_VERSION_TABLE "retort_version"

/** Default file_template (SPEC §5, after the INI's %% unescaping). */
#define RETORT_DEFAULT_FILE_TEMPLATE                                           \
 "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s"

/**
 * One revision file, parsed.  Borrowed from its retort_project and valid
 * as long as it; every string is NUL-terminated and never NULL unless
 * said so.
 */
typedef struct retort_revision {
	const char *id;              /* 12 lowercase hex digits */
	const char *const *parents;  /* the revisions it revises ("down
					revisions"), as written */
	size_t nparents;             /* 0: a base; 2 or more: a merge */
	const char *const *children; /* revisions that revise this one, in
					the project's order */
	size_t nchildren;            /* 0: a head; 2 or more: a branch point */
	const char *message;         /* first paragraph of the header */
	const char *doc;             /* the whole header comment without its
					"-- " prefixes (what `show` prints) */
	const char *create_date;     /* "Create Date" as written, or NULL */
	const char *schema;          /* "Schema" fingerprint ("xxh3:" and 16
					hex digits) or NULL */
	const char *path;            /* the file, as found in versions/ */
	const char *checksum;        /* XXH3 of the file's bytes, written as
					"xxh3:" and 16 hex digits */
	const char *up_sql;          /* text after "-- migrate:up" */
	const char *down_sql;        /* text after "-- migrate:down"; "" when
					the file has no such section */
	unsigned up_line;            /* line of the "-- migrate:up" marker */
	unsigned down_line;          /* line of "-- migrate:down", or 0 */
} retort_revision;

/**
 * A list of revision ids owned by the caller; free it with
 * retort_revids_dispose().  Declare with RETORT_REVIDS_INIT.
 */
typedef struct retort_revids {
	size_t n;   /* number of ids */
	char **ids; /* n NUL-terminated ids; NULL when n is 0 */
} retort_revids;

/* clang-format off */
#define RETORT_REVIDS_INIT { 0, NULL }
/* clang-format on */

/** Free the ids of LIST and reset it.  NULL is a no-op. */
RETORT_API void retort_revids_dispose(retort_revids *list);

/** What the runner is about to do, for retort_migrate_notify_fn. */
typedef struct retort_migrate_event {
	const char *verb;                /* "upgrade", "downgrade", "stamp" */
	const retort_revision *revision; /* the revision run, or NULL for
					    a stamp */
	const char *text;                /* Alembic's log line, e.g.
					    "Running upgrade a -> b, msg" */
} retort_migrate_event;

/** Called before each revision runs (and once for a stamp). */
typedef void (*retort_migrate_notify_fn)(
	void *ctx, const retort_migrate_event *event);

/** How far a long statement has got, for retort_migrate_progress_fn. */
typedef struct retort_migrate_progress {
	const char *revision; /* id of the revision being run */
	const char *table;    /* table whose rows are read (a copy), or
				 NULL when unknown */
	int64_t rows;         /* rows read so far, or -1 when SQLite does
				 not tell (a same-shape "SELECT *" copy) */
	int64_t total;        /* rows in that table, or -1 when unknown */
	double elapsed;       /* seconds since the statement started */
	bool done;            /* the statement finished (last call) */
} retort_migrate_progress;

/**
 * Called about five times a second while a statement runs for longer
 * than a fraction of a second, and once with done set when it ends.
 */
typedef void (*retort_migrate_progress_fn)(
	void *ctx, const retort_migrate_progress *progress);

/** Options of every retort_migrate_* call; RETORT_MIGRATE_OPTIONS_INIT. */
typedef struct retort_migrate_options {
	unsigned int version;        /* RETORT_MIGRATE_OPTIONS_VERSION */
	const char *script_location; /* project folder that holds versions/;
					NULL: "migrations" */
	const char *version_table;   /* NULL: "retort_version"; the history
					table is its name + "_history" */
	int busy_timeout_ms;         /* wait this long for a locked database */
	retort_migrate_notify_fn notify;     /* NULL: silent */
	retort_migrate_progress_fn progress; /* NULL: no progress reports */
	void *ctx;                           /* passed to both callbacks */
	/* New fields are only ever appended. */
} retort_migrate_options;

#define RETORT_MIGRATE_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_MIGRATE_OPTIONS_INIT \
	{ RETORT_MIGRATE_OPTIONS_VERSION, NULL, NULL, 5000, NULL, NULL, NULL }
/* clang-format on */

/* ------------------------------------------------------------------ */
/* The revision graph                                                  */

typedef struct retort_project retort_project; /* opaque; _free() */

/**
 * Read and check every *.sql file of OPTS->script_location/versions:
 * strict headers, unique ids, known parents, no cycle.
 * @param out  on success a new project owned by the caller; else NULL
 * @param opts options (script_location), or NULL for the defaults
 * @param err  on failure names the file and line ("x.sql:3")
 * @return RETORT_OK, RETORT_ENOTFOUND (no versions/ folder),
 *         RETORT_EINVAL (a bad file or graph), RETORT_EIO, RETORT_ENOMEM
 */
RETORT_API int retort_project_open(
	retort_project **out,
	const retort_migrate_options *opts,
	retort_error *err);

/** Free PROJECT and its revisions.  NULL is a no-op. */
RETORT_API void retort_project_free(retort_project *project);

/** Number of revisions. */
RETORT_API size_t retort_project_count(const retort_project *project);

/**
 * The i-th revision in topological order: every revision comes after its
 * parents, bases first, a branch finished before the next one starts.
 * NULL if i is out of range.
 */
RETORT_API const retort_revision *
retort_project_revision(const retort_project *project, size_t i);

/** The revision with exactly this id, or NULL. */
RETORT_API const retort_revision *
retort_project_find(const retort_project *project, const char *id);

/** Heads (revisions with no children), in topological order. */
RETORT_API size_t retort_project_nheads(const retort_project *project);
RETORT_API const retort_revision *
retort_project_head(const retort_project *project, size_t i);

/** True when A is B or one of B's ancestors. */
RETORT_API bool retort_project_is_ancestor(
	const retort_project *project,
	const retort_revision *a,
	const retort_revision *b);

/**
 * Resolve an absolute target: "head" (the only head; an error when there
 * are several), "heads", "base" (no revision), a full id, or a unique
 * prefix of one (an ambiguous prefix is an error listing candidates).
 * @param out  the revisions, replacing OUT's contents
 */
RETORT_API int retort_project_resolve(
	retort_revids *out,
	const retort_project *project,
	const char *target,
	retort_error *err);

/**
 * The revisions of a history range "START:END" (either side may be
 * empty; START defaults to base, END to heads; "current" means CURRENT):
 * those that descend from START (inclusive) and lead to END (inclusive),
 * newest first, as `alembic history -r` lists them.
 * @param current  the database's revisions, or NULL when not known
 */
RETORT_API int retort_project_range(
	retort_revids *out,
	const retort_project *project,
	const char *range,
	const retort_revids *current,
	retort_error *err);

/** What retort_revision_format() writes (Alembic's cmd_format). */
enum retort_revfmt_flag {
	RETORT_REVFMT_VERBOSE = 1u << 0, /* the log entry: "Rev:", "Parent:"
					    or "Merges:", "Branches into:",
					    "Path:" and the header text */
	RETORT_REVFMT_PARENTS = 1u << 1, /* "parents -> id" ("<base>") */
	RETORT_REVFMT_DOC = 1u << 2,     /* ", message" at the end */
	RETORT_REVFMT_TREE = 1u << 3,    /* " (branchpoint)", " (mergepoint)"
					    (and " (head)") */
	RETORT_REVFMT_HEAD = 1u << 4,    /* " (head)" */
	RETORT_REVFMT_CURRENT = 1u << 5  /* " (current)": the database is
					    at this revision */
};

/**
 * Append REV described as Alembic's commands print it to OUT: one line
 * without its newline ("9b8c7d6e5f4a -> 3f2a9c1b7d4e (head), add users"
 * for `history`), or with RETORT_REVFMT_VERBOSE the multi-line log entry
 * of `show` and `--verbose`, ending with an empty line.
 * @param flags  retort_revfmt_flag values
 */
RETORT_API void retort_revision_format(
	retort_buf *out, const retort_revision *rev, unsigned flags);

/* ------------------------------------------------------------------ */
/* Running revisions against a database                                */
/*
 * How a revision runs.  Each revision is one transaction, BEGIN IMMEDIATE
 * ... COMMIT, that also updates the version table (the current heads, as
 * Alembic's alembic_version) and <version_table>_history (revision,
 * checksum of the file as applied, applied_at in UTC): a failure, or a
 * kill -9, leaves the database at the previous revision.  The runner owns
 * the transaction, so a script's own BEGIN, COMMIT and END statements are
 * left out and a ROLLBACK is refused.  PRAGMA foreign_keys cannot change
 * inside a transaction: when a script switches foreign keys off anywhere
 * (as the emitter's table rebuilds do, before their BEGIN), the runner
 * switches them off before its BEGIN if the connection has them on, runs
 * PRAGMA foreign_key_check before COMMIT, and switches them back on after
 * COMMIT or ROLLBACK; the script's foreign_keys pragmas are left out.  A
 * PRAGMA foreign_key_check in a script that returns a row fails the
 * revision.  Offline mode (retort_migrate_upgrade_sql()) prints exactly these
 * statements.  Before each revision the runner also reads the version
 * table (not printed) to refuse to run when another process has migrated
 * the database since the plan was made.
 */

/**
 * The database's current revisions (the rows of its version table).
 * An uninitialised or missing database gives an empty list; the database
 * is opened read-only and never created.  URL is a path or a sqlite://
 * URL of SPEC §1.
 */
RETORT_API int retort_migrate_current(
	retort_revids *out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err);

/** The project's head revisions (one, unless it has unmerged branches). */
RETORT_API int retort_migrate_heads(
	retort_revids *out,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * The revisions an upgrade to "heads" would run, in order; an empty list
 * means the database is up to date.
 */
RETORT_API int retort_migrate_pending(
	retort_revids *out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * Upgrade the database at URL to TARGET (NULL: "head"): "head", "heads",
 * a full id, a unique prefix, or "+N".  Each revision runs in its own
 * transaction together with its version-table update; on failure the
 * database stays at the previous revision and ERR names the file and
 * line of the statement and SQLite's message.  The database file is
 * created when missing.
 */
RETORT_API int retort_migrate_upgrade(
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * Downgrade the database at URL to TARGET (NULL: "-1"): "base", a full
 * id or unique prefix (its descendants are undone), or "-N".
 */
RETORT_API int retort_migrate_downgrade(
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * Bring a new database to head: an error (RETORT_EUNSAFE) when its
 * version table already holds a revision.
 */
RETORT_API int retort_migrate_initialize(
	const char *url, const retort_migrate_options *opts, retort_error *err);

/**
 * Set the version table to TARGET ("base", "head", "heads", an id or a
 * prefix) without running any revision.  Revisions on other branches
 * stay; with PURGE the table is emptied first (this also clears a
 * revision that no file provides).
 */
RETORT_API int retort_migrate_stamp(
	const char *url,
	const char *target,
	bool purge,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * Offline mode (`upgrade --sql`): write to OUT (replacing its contents)
 * exactly the SQL that the upgrade to TARGET would run, touching nothing.
 * TARGET may be "FROM:TO" to start at FROM; otherwise the start is the
 * database's current revision when URL names an existing database
 * (opened read-only), else base.
 */
RETORT_API int retort_migrate_upgrade_sql(
	retort_buf *out,
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err);

/** The same for `downgrade --sql` (TARGET NULL: "-1"). */
RETORT_API int retort_migrate_downgrade_sql(
	retort_buf *out,
	const char *url,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * Copy the database at URL to "PATH.backup.YYYYMMDD_HHMMSS" (UTC) with
 * SQLite's online backup API; refuses to overwrite a file.
 * @param path_out  receives the backup's path
 */
RETORT_API int retort_migrate_backup(
	retort_buf *path_out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err);

/* ------------------------------------------------------------------ */
/* Writing revision files                                              */

/** What retort_revision_write() writes; RETORT_REVISION_OPTIONS_INIT. */
typedef struct retort_revision_options {
	unsigned int version;      /* RETORT_REVISION_OPTIONS_VERSION */
	const char *message;       /* -m; NULL: "empty message" */
	const char *rev_id;        /* --rev-id (12 lowercase hex digits);
				      NULL: a random id */
	const char *const *heads;  /* parents as targets ("head", "heads",
				      "base", ids, prefixes); NULL: the
				      single head */
	size_t nheads;             /* count of heads */
	bool splice;               /* allow a parent that is not a head */
	const char *file_template; /* NULL: RETORT_DEFAULT_FILE_TEMPLATE */
	const char *timezone;      /* "UTC", "+02:00", "Europe/Paris" (the
				      tz database; sets TZ for a moment,
				      not thread-safe); NULL or "": local
				      time */
	const char *up_sql;        /* upgrade section; NULL: empty */
	const char *down_sql;      /* downgrade section; NULL: empty */
	const char *schema;        /* "Schema:" fingerprint; NULL: none */
	int64_t now;               /* seconds since the epoch for Create
				      Date and the name; 0: the clock */
	bool merge;                /* a merge: two or more distinct parents
				      are required */
	const char *model;         /* autogenerate: the model's schema
				      source (SPEC §1) */
	const char *from_db;       /* autogenerate: compare this database
				      (which must be at the parents) instead
				      of replaying the revisions; NULL */
	const retort_diff_options *diff; /* autogenerate: comparison
					    options, naming convention and
					    rename hints; NULL: defaults */
	/* New fields are only ever appended. */
} retort_revision_options;

#define RETORT_REVISION_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_REVISION_OPTIONS_INIT \
	{ RETORT_REVISION_OPTIONS_VERSION, NULL, NULL, NULL, 0, false, \
	  NULL, NULL, NULL, NULL, NULL, 0, false, NULL, NULL, NULL }
/* clang-format on */

/**
 * Write a new revision file into OPTS->script_location/versions (a merge
 * when it has several parents) and return its path.  Refuses to
 * overwrite a file, and checks the new graph before writing.
 * @param path_out  receives the new file's path
 */
RETORT_API int retort_revision_write(
	retort_buf *path_out,
	const retort_revision_options *ropts,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * `revision --autogenerate`: compare what the revisions build (replayed in
 * a sandboxed in-memory database, or ROPTS->from_db) with ROPTS->model,
 * and write a revision whose migrate:up and migrate:down sections are the
 * emitter's verified SQL, with the Schema fingerprint of the result.
 * Destructive operations and possible renames are listed in a comment
 * block of the file and in REPORT.
 * @param path_out  the new file's path; empty when there were no changes
 *                  ("No changes detected": nothing is written)
 * @param report    lines for the user (replacing its contents): one
 *                  "Detected ..." line per operation, then "warning: ..."
 *                  lines; may be NULL
 */
RETORT_API int retort_revision_autogenerate(
	retort_buf *path_out,
	retort_buf *report,
	const retort_revision_options *ropts,
	const retort_migrate_options *opts,
	retort_error *err);

/**
 * The name (without ".sql") of the file of revision REV_ID:
 * ROPTS->file_template (NULL: RETORT_DEFAULT_FILE_TEMPLATE) rendered with
 * Alembic's tokens %(rev)s %(slug)s %(year)d %(month).2d %(day).2d
 * %(hour).2d %(minute).2d %(second).2d %(epoch)s (and %% for %), at
 * ROPTS->now in ROPTS->timezone.  The slug of ROPTS->message is made of
 * its ASCII letters and digits, lower case, joined by '_', at most 40
 * characters.  Replaces OUT's contents.
 */
RETORT_API int retort_revision_filename(
	retort_buf *out,
	const char *rev_id,
	const retort_revision_options *ropts,
	retort_error *err);

/**
 * Scaffold a project in DIR (created when missing): retort.ini with every
 * key of SPEC §5 commented, an example schema.sql and migrations/versions/.
 * Refuses (RETORT_EUNSAFE) when DIR already holds any of them.
 */
RETORT_API int retort_project_init(const char *dir, retort_error *err);

/* ================================================================== */
/* Drift detection: check, status, drift-sql, rehash (issue 6).        */
/* Added by the drift work (migrations/check.c, status.c, drift_sql.c, */
/* rehash.c); the --json objects are documented in docs/check.md.      */
/* ================================================================== */

struct retort_diff;         /* retort/diff.h */
struct retort_diff_options; /* retort/diff.h */

/** What retort_check_run() checks (SPEC §5, `retort check`). */
typedef enum retort_check_flag {
	RETORT_CHECK_PENDING = 1u << 0,  /* 1: the database is at head and
					    every revision it records has
					    a file */
	RETORT_CHECK_DRIFT = 1u << 1,    /* 2: its schema is what its current
					    revision builds (fingerprint of
					    the Schema: line, then the
					    structural diff) */
	RETORT_CHECK_EDITED = 1u << 2,   /* 3: no applied revision file was
					    edited (checksums) */
	RETORT_CHECK_MODEL = 1u << 3,    /* 4: the model has no change that
					    the revisions lack */
	RETORT_CHECK_REVISIONS = 1u << 4 /* every revision's Schema: line is
					    what it builds (replays them) */
} retort_check_flag;

/** The checks that read the database. */
#define RETORT_CHECK_DB                                                        \
 (RETORT_CHECK_PENDING | RETORT_CHECK_DRIFT | RETORT_CHECK_EDITED)
/** What `retort check` runs by default: checks 1 to 4. */
#define RETORT_CHECK_DEFAULT (RETORT_CHECK_DB | RETORT_CHECK_MODEL)
/** What `retort check --no-db` runs. */
#define RETORT_CHECK_NO_DB (RETORT_CHECK_MODEL | RETORT_CHECK_REVISIONS)

/** The outcome of one check. */
typedef enum retort_check_state {
	RETORT_CHECK_NOT_RUN = 0, /* not asked for */
	RETORT_CHECK_PASSED,      /* ran, found nothing */
	RETORT_CHECK_FAILED,      /* ran, found something (see findings) */
	RETORT_CHECK_SKIPPED      /* asked for but could not run (why in
				     its note: no model configured, ...) */
} retort_check_state;

/** What a finding is about. */
typedef enum retort_finding_kind {
	RETORT_FINDING_PENDING = 0,      /* revisions not applied yet */
	RETORT_FINDING_UNKNOWN_REVISION, /* the database is at a revision no
					    file provides */
	RETORT_FINDING_SCHEMA_DRIFT,     /* the schema differs from what its
					    revision builds */
	RETORT_FINDING_EDITED_REVISION,  /* an applied file has changed */
	RETORT_FINDING_MISSING_FILE,     /* an applied revision (not current)
					    has no file any more */
	RETORT_FINDING_MODEL_AHEAD,      /* the model has changes that no
					    revision captures */
	RETORT_FINDING_STALE_SCHEMA,     /* a Schema: line is not what its
					    revision builds */
	RETORT_FINDING_NO_SCHEMA         /* a revision has no Schema: line */
} retort_finding_kind;

/**
 * One failure found by retort_check_run().  Borrowed from its result;
 * strings are never NULL unless said so.
 */
typedef struct retort_check_finding {
	retort_check_flag check;      /* the check that found it */
	retort_finding_kind kind;     /* what it is */
	const char *revision;         /* the revision concerned, or NULL */
	const char *message;          /* what is wrong, one line */
	const char *fix;              /* the command that fixes it, one line */
	const char *expected;         /* the fingerprint or checksum recorded,
					 or NULL */
	const char *actual;           /* the one found, or NULL */
	const char *path;             /* the revision's file, or NULL */
	const char *const *revisions; /* PENDING: the revisions to apply,
					 in order; else NULL */
	size_t nrevisions;            /* count of revisions */
	const struct retort_diff *diff; /* SCHEMA_DRIFT: from what the
					   revisions build to the database;
					   MODEL_AHEAD: from what they build
					   to the model; else NULL */
} retort_check_finding;

/** Options of retort_check_run(); start from RETORT_CHECK_OPTIONS_INIT. */
typedef struct retort_check_options {
	unsigned int version; /* RETORT_CHECK_OPTIONS_VERSION */
	unsigned checks;      /* retort_check_flag bits; 0: the default */
	const char *model;    /* the model's schema source; NULL: the model
				 check is skipped */
	const struct retort_diff_options *diff; /* how schemas compare
						   (compare_type, naming);
						   NULL: the defaults */
	/* New fields are only ever appended. */
} retort_check_options;

#define RETORT_CHECK_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_CHECK_OPTIONS_INIT \
	{ RETORT_CHECK_OPTIONS_VERSION, 0, NULL, NULL }
/* clang-format on */

typedef struct retort_check_result retort_check_result; /* opaque */

/**
 * Run the checks of COPTS against the database at URL (not opened when
 * only the model and revisions checks run), the project of OPTS and the
 * model.  A check that fails is a finding in the result, not an error;
 * errors are what prevents checking (an unreadable revision file, a
 * missing database, a model that does not load).  The database is
 * opened read-only and never created.
 * @param out  on success a new result owned by the caller; else NULL
 * @return RETORT_OK, RETORT_ENOTFOUND (no database file or versions
 *         folder), RETORT_EINVAL, RETORT_ESQLITE, RETORT_EIO,
 *         RETORT_ENOMEM
 */
RETORT_API int retort_check_run(
	retort_check_result **out,
	const char *url,
	const retort_check_options *copts,
	const retort_migrate_options *opts,
	retort_error *err);

/** Free RESULT.  NULL is a no-op. */
RETORT_API void retort_check_result_free(retort_check_result *result);

/** True when every check that ran passed. */
RETORT_API bool retort_check_ok(const retort_check_result *result);

/** Number of findings, and the i-th (NULL past the end). */
RETORT_API size_t retort_check_nfindings(const retort_check_result *result);
RETORT_API const retort_check_finding *
retort_check_finding_at(const retort_check_result *result, size_t i);

/**
 * The outcome of CHECK (one retort_check_flag bit) and, in *NOTE when
 * NOTE is not NULL, a line saying what was found or why it was skipped
 * (borrowed; "" when none).
 */
RETORT_API retort_check_state retort_check_state_of(
	const retort_check_result *result,
	retort_check_flag check,
	const char **note);

/** The stable names used in --json: "pending", "drift", "edited",
 * "model", "revisions"; and "pending", "unknown_revision", ... */
RETORT_API const char *retort_check_name(retort_check_flag check);
RETORT_API const char *retort_finding_kind_name(retort_finding_kind kind);

/** The database's revisions, the project's heads, and the revisions an
 * upgrade to heads would run (empty lists when not read). */
RETORT_API const retort_revids *
retort_check_current(const retort_check_result *result);
RETORT_API const retort_revids *
retort_check_heads(const retort_check_result *result);
RETORT_API const retort_revids *
retort_check_pending(const retort_check_result *result);

/**
 * Write RESULT as the `retort check --json` object of docs/check.md to
 * OUT (replacing its contents, with a final newline).
 */
RETORT_API int retort_check_json(
	retort_buf *out, const retort_check_result *result, retort_error *err);

/** The health verdict of retort_status_json(). */
typedef enum retort_health {
	RETORT_HEALTHY = 0, /* at head, no drift */
	RETORT_WARNING,     /* revisions pending, no drift */
	RETORT_UNHEALTHY    /* schema drift, or at an unknown revision */
} retort_health;

/**
 * What a health endpoint reports (`retort status`): run the pending and
 * drift checks on the database at URL.
 * @param out    on success a new result; see retort_status_health()
 * @param copts  only its diff options are used; NULL: the defaults
 */
RETORT_API int retort_status_run(
	retort_check_result **out,
	const char *url,
	const retort_check_options *copts,
	const retort_migrate_options *opts,
	retort_error *err);

/** The verdict of a result of retort_status_run() (or of the pending and
 * drift checks of retort_check_run()). */
RETORT_API retort_health
retort_status_health(const retort_check_result *result);

/** "healthy", "warning" or "error". */
RETORT_API const char *retort_health_name(retort_health health);

/**
 * Write the `retort status --json` object of docs/check.md to OUT
 * (replacing its contents, with a final newline): status,
 * current_revision, head_revision, pending_migrations, schema_drift.
 */
RETORT_API int retort_status_json(
	retort_buf *out, const retort_check_result *result, retort_error *err);

/**
 * Write the `retort status --json` object for a status that could not be
 * read (FAILURE, e.g. a missing database): {"status": "error", "error":
 * "<what>: <why>", ...} with the other keys null, to OUT.
 */
RETORT_API int retort_status_error_json(
	retort_buf *out, const retort_error *failure, retort_error *err);

/**
 * Write to OUT (replacing its contents) a standalone SQL query for the
 * plain sqlite3 shell that prints one row (drift, type, name) per object
 * of the database's schema that is missing, extra or different compared
 * with what TARGET builds ("head" when NULL; "heads", "base", an id or a
 * unique prefix), and no row when it matches.  Its limits are in
 * docs/check.md.
 */
RETORT_API int retort_drift_sql(
	retort_buf *out,
	const char *target,
	const retort_migrate_options *opts,
	retort_error *err);

/** One revision looked at by retort_rehash(). */
typedef struct retort_rehash_item {
	char id[RETORT_REVID_LEN + 1]; /* the revision */
	char old_schema[22];           /* its Schema: line before, or "" */
	char new_schema[22];           /* what it builds */
	bool changed;                  /* its file was rewritten */
	bool applied;                  /* the database has applied it */
	bool db_updated;               /* the database's checksum of the
					  file was refreshed too */
} retort_rehash_item;

/** What retort_rehash() did; free with retort_rehash_list_dispose(). */
typedef struct retort_rehash_list {
	retort_rehash_item *items; /* in topological order */
	size_t n;                  /* count of items */
} retort_rehash_list;

/* clang-format off */
#define RETORT_REHASH_LIST_INIT { NULL, 0 }
/* clang-format on */

/** Free the items of LIST and reset it.  NULL is a no-op. */
RETORT_API void retort_rehash_list_dispose(retort_rehash_list *list);

/**
 * Refresh the Schema: fingerprint of revision TARGET (an id, a unique
 * prefix, "head" or "heads"; NULL: every revision) to what it builds,
 * replaying the revisions in memory; only lines that change are
 * rewritten.  A revision that the database at URL (NULL or a missing
 * file: none) has applied is refused with RETORT_EUNSAFE unless FORCE;
 * when forced, the database's recorded checksum of the file is
 * refreshed too if it matched the file before (only the Schema: line
 * changed), so that `check` does not report it as edited.
 * @param out  the revisions looked at (replaced)
 */
RETORT_API int retort_rehash(
	retort_rehash_list *out,
	const char *target,
	const char *url,
	bool force,
	const retort_migrate_options *opts,
	retort_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_MIGRATE_H */
