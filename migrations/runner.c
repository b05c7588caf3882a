/*
** runner.c -- run a plan (migrations layer): each revision in its own
** transaction together with its version-table update, or, offline, the
** same statements written out as SQL.
**
** Transactions and foreign keys (SPEC §4, SQLITE-FACTS §5): the runner
** owns the transaction, so BEGIN, COMMIT and END statements of a script
** are dropped, and a ROLLBACK is refused when the file is read.
** "PRAGMA foreign_keys" cannot change inside a transaction, so when a
** script switches foreign keys off anywhere, the runner does it before
** its BEGIN (only if the connection has them on), runs
** "PRAGMA foreign_key_check" before COMMIT and switches them back on after
** COMMIT or ROLLBACK; the script's own foreign_keys pragmas are dropped.
** A "PRAGMA foreign_key_check" that returns a row fails the revision.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "migrate_int.h"
#include "sqltok.h"

int retort_migrate__progress_after_ms = 500;

/* One statement the runner executes (or prints). */
typedef struct unit {
	const char *sql;       /* its text */
	size_t len;            /* its length */
	unsigned line;         /* line in the revision file; 0: the runner's */
	retort_stmt_kind kind; /* SQL, FK_CHECK, or BEGIN (the runner's) */
	int expect;            /* rows it must change, or -1 */
} unit;

/* The statements of one step. */
typedef struct units {
	unit *v;      /* in order */
	size_t n;     /* count */
	size_t alloc; /* slots */
	char **own;   /* the runner's texts, freed with the step */
	size_t nown;  /* count of own */
} units;

/* Progress of the statement being run. */
typedef struct progress {
	const retort_migrate_options *opts; /* the callback */
	sqlite3_stmt *st;                   /* the statement */
	const char *rev;                    /* revision id */
	char *table;                        /* the table read, or NULL */
	int64_t total;                      /* its rows, or -1 */
	double t0;                          /* start (seconds) */
	double last;                        /* last report, or 0 */
} progress;

/* The runner's state. */
typedef struct runner {
	sqlite3 *db;                 /* NULL offline */
	const retort_project *p;     /* the graph */
	const retort_runplan *plan;  /* what to do */
	const retort_dbstate *state; /* the database before */
	const retort_run *run;       /* options */
	retort_error *err;           /* the caller's record */
	bool *rows;                  /* version rows as the steps go */
	bool has_table;              /* version table exists by now */
	bool has_history;            /* history table exists by now */
	const retort_revision *rev;  /* the revision run, NULL for a stamp */
	const char *at;              /* the version rows before the step */
	progress prog;               /* progress of the current statement */
} runner;

static int oom(runner *r)
{
	return retort_error_set(r->err, RETORT_ENOMEM, NULL, "out of memory");
}

static void units_dispose(units *u)
{
	size_t i;

	for (i = 0; i < u->nown; i++)
		retort__free(u->own[i]);
	retort__free(u->own);
	retort__free(u->v);
	memset(u, 0, sizeof(*u));
}

/* Append a unit; false when out of memory. */
static bool add_unit(units *u, const unit *x)
{
	if (u->n == u->alloc) {
		size_t na = u->alloc ? u->alloc * 2 : 16;
		unit *nv = retort__realloc(u->v, na * sizeof(*nv));

		if (!nv)
			return false;
		u->v = nv;
		u->alloc = na;
	}
	u->v[u->n++] = *x;
	return true;
}

/* Append the runner's own statement held in B (taken over). */
static bool add_own(units *u, retort_buf *b, retort_stmt_kind kind, int expect)
{
	char **no = retort__realloc(u->own, (u->nown + 1) * sizeof(char *));
	unit x = { NULL, 0, 0, kind, expect };

	if (!no || retort_buf_oom(b)) {
		if (no)
			u->own = no;
		retort_buf_dispose(b);
		return false;
	}
	u->own = no;
	x.len = b->size;
	if (!(x.sql = u->own[u->nown] = retort_buf_detach(b)))
		return false;
	u->nown++;
	return add_unit(u, &x);
}

static bool add_text(units *u, const char *text, retort_stmt_kind kind)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_puts(&b, text);
	return add_own(u, &b, kind, -1);
}

/* A list of revision ids as SQL literals: ('a', 'b'). */
static void
put_id_list(retort_buf *b, const retort_project *p, const size_t *idx, size_t n)
{
	size_t i;

	retort_buf_putc(b, '(');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_buf_put_literal(b, p->files[idx[i]].rev.id);
	}
	retort_buf_putc(b, ')');
}

/* The history table's name: the version table's + "_history". */
static void put_history(retort_buf *b, const char *vt)
{
	retort_buf h = RETORT_BUF_INIT;

	retort_buf_printf(&h, "%s_history", vt);
	retort_buf_put_ident(b, h.ptr);
	retort_buf_dispose(&h);
}

/* CREATE TABLE statements for whichever version table is missing. */
static bool add_creates(runner *r, units *u)
{
	const char *vt = r->run->vt;
	retort_buf b = RETORT_BUF_INIT;
	bool ok = true;

	if (!r->has_table) {
		retort_buf h = RETORT_BUF_INIT;

		retort_buf_puts(&b, "CREATE TABLE ");
		retort_buf_put_ident(&b, vt);
		retort_buf_puts(
			&b, " (version_num VARCHAR(32) NOT NULL, CONSTRAINT ");
		retort_buf_printf(&h, "%s_pkc", vt);
		retort_buf_put_ident(&b, h.ptr);
		retort_buf_puts(&b, " PRIMARY KEY (version_num))");
		retort_buf_dispose(&h);
		ok = add_own(u, &b, RETORT_STMT_SQL, -1);
		r->has_table = true;
	}
	if (ok && !r->has_history) {
		retort_buf_puts(&b, "CREATE TABLE ");
		put_history(&b, vt);
		retort_buf_puts(
			&b,
			" (revision VARCHAR(32) NOT NULL PRIMARY KEY, "
			"checksum TEXT NOT NULL, applied_at TEXT NOT NULL)");
		ok = add_own(u, &b, RETORT_STMT_SQL, -1);
		r->has_history = true;
	}
	return ok;
}

/* DELETE and INSERT on the version table for a step. */
static bool add_rows(runner *r, units *u, const retort_step *st)
{
	const size_t *del = st->del, *ins = st->ins;
	size_t ndel = st->ndel, nins = st->nins, i;
	retort_buf b = RETORT_BUF_INIT;

	if (ndel) {
		retort_buf_puts(&b, "DELETE FROM ");
		retort_buf_put_ident(&b, r->run->vt);
		retort_buf_puts(&b, " WHERE version_num IN ");
		put_id_list(&b, r->p, del, ndel);
		if (!add_own(u, &b, RETORT_STMT_SQL, (int)ndel))
			return false;
	}
	for (i = 0; i < ndel; i++)
		r->rows[del[i]] = false;
	if (!nins)
		return true;
	retort_buf_puts(&b, "INSERT INTO ");
	retort_buf_put_ident(&b, r->run->vt);
	retort_buf_puts(&b, " (version_num) VALUES ");
	for (i = 0; i < nins; i++) {
		retort_buf_puts(&b, i ? ", (" : "(");
		retort_buf_put_literal(&b, r->p->files[ins[i]].rev.id);
		retort_buf_putc(&b, ')');
		r->rows[ins[i]] = true;
	}
	return add_own(u, &b, RETORT_STMT_SQL, (int)nins);
}

/* Record (or forget) revision I in the history table. */
static bool add_history(runner *r, units *u, size_t i, bool applied)
{
	const retort_revision *rev = &r->p->files[i].rev;
	retort_buf b = RETORT_BUF_INIT;

	if (!applied) {
		retort_buf_puts(&b, "DELETE FROM ");
		put_history(&b, r->run->vt);
		retort_buf_puts(&b, " WHERE revision = ");
		retort_buf_put_literal(&b, rev->id);
		return add_own(u, &b, RETORT_STMT_SQL, -1);
	}
	retort_buf_puts(&b, "INSERT OR REPLACE INTO ");
	put_history(&b, r->run->vt);
	retort_buf_puts(&b, " (revision, checksum, applied_at) VALUES (");
	retort_buf_put_literal(&b, rev->id);
	retort_buf_puts(&b, ", ");
	retort_buf_put_literal(&b, rev->checksum);
	retort_buf_puts(&b, ", strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
	return add_own(u, &b, RETORT_STMT_SQL, -1);
}

/* The statements of a revision step, in the order they run. */
static int build_step(
	runner *r, const retort_step *st, const retort_script *body, units *u)
{
	bool fk = body->fk_off && r->state->fk_on, ok;
	size_t i;

	ok = (!fk || add_text(u, "PRAGMA foreign_keys=OFF", RETORT_STMT_SQL)) &&
	     add_text(u, "BEGIN IMMEDIATE", RETORT_STMT_BEGIN) &&
	     add_creates(r, u);
	for (i = 0; ok && i < body->n; i++) {
		const retort_stmt *s = &body->stmts[i];
		unit x = { s->sql, s->len, s->line, s->kind, -1 };

		if (s->kind == RETORT_STMT_SQL ||
		    s->kind == RETORT_STMT_FK_CHECK)
			ok = add_unit(u, &x);
	}
	ok = ok &&
	     (!fk ||
	      add_text(u, "PRAGMA foreign_key_check", RETORT_STMT_FK_CHECK)) &&
	     add_rows(r, u, st) && add_history(r, u, st->rev, !st->down) &&
	     add_text(u, "COMMIT", RETORT_STMT_COMMIT) &&
	     (!fk || add_text(u, "PRAGMA foreign_keys=ON", RETORT_STMT_SQL));
	return ok ? RETORT_OK : oom(r);
}

/* The statements of a stamp: the version rows and the history only. */
static int build_stamp(runner *r, units *u)
{
	const retort_runplan *pl = r->plan;
	retort_step rows = { 0, false, NULL, 0, pl->heads, pl->nheads };
	retort_buf b = RETORT_BUF_INIT;
	size_t i, n = 0,
		  *after = retort__malloc((r->p->n + 1) * sizeof(size_t));
	bool ok;

	if (!after)
		return oom(r);
	for (i = 0; i < r->p->n; i++)
		if (pl->after[i])
			after[n++] = i;
	ok = add_text(u, "BEGIN IMMEDIATE", RETORT_STMT_BEGIN) &&
	     add_creates(r, u);
	retort_buf_puts(&b, "DELETE FROM ");
	retort_buf_put_ident(&b, r->run->vt);
	ok = ok && add_own(u, &b, RETORT_STMT_SQL, -1);
	memset(r->rows, 0, r->p->n * sizeof(bool));
	ok = ok && add_rows(r, u, &rows);
	retort_buf_puts(&b, "DELETE FROM ");
	put_history(&b, r->run->vt);
	if (n) {
		retort_buf_puts(&b, " WHERE revision NOT IN ");
		put_id_list(&b, r->p, after, n);
	}
	ok = ok && add_own(u, &b, RETORT_STMT_SQL, -1);
	for (i = 0; ok && i < n; i++)
		if (!pl->applied[after[i]])
			ok = add_history(r, u, after[i], true);
	ok = ok && add_text(u, "COMMIT", RETORT_STMT_COMMIT);
	retort_buf_dispose(&b);
	retort__free(after);
	return ok ? RETORT_OK : oom(r);
}

/* Join the ids of revisions IDX[0..N) with ", " into B. */
static void
put_ids(retort_buf *b, const retort_project *p, const size_t *idx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		retort_buf_printf(
			b, "%s%s", i ? ", " : "", p->files[idx[i]].rev.id);
}

/* The first line of a revision's message. */
static void put_first_line(retort_buf *b, const char *msg)
{
	const char *nl = strchr(msg, '\n');

	retort_buf_put(b, msg, nl ? (size_t)(nl - msg) : strlen(msg));
}

/* Alembic's log line for step ST: "Running upgrade a -> b, msg". */
static void describe(retort_buf *b, runner *r, const retort_step *st)
{
	const retort_revision *rev;
	size_t i = 0;

	retort_buf_clear(b);
	if (!st) { /* a stamp */
		const retort_runplan *pl = r->plan;

		retort_buf_puts(b, "Running stamp_revision ");
		for (i = 0; i < r->state->heads.n; i++)
			retort_buf_printf(
				b, "%s%s", i ? ", " : "",
				r->state->heads.ids[i]);
		retort_buf_puts(b, " -> ");
		put_ids(b, r->p, pl->heads, pl->nheads);
		return;
	}
	rev = &r->p->files[st->rev].rev;
	retort_buf_printf(b, "Running %s ", st->down ? "downgrade" : "upgrade");
	if (st->down) {
		retort_buf_printf(b, "%s -> ", rev->id);
		put_ids(b, r->p, r->p->parents[st->rev], rev->nparents);
	} else {
		put_ids(b, r->p, r->p->parents[st->rev], rev->nparents);
		retort_buf_printf(b, " -> %s", rev->id);
	}
	retort_buf_puts(b, ", ");
	put_first_line(b, rev->message);
}

/* Offline: append the step's statements to the output. */
static void
print_units(runner *r, const char *text, const char *path, const units *u)
{
	retort_buf *out = r->run->sql;
	size_t i;

	retort_buf_printf(out, "-- %s\n", text);
	if (path)
		retort_buf_printf(out, "-- %s\n", path);
	for (i = 0; i < u->n; i++) {
		retort_buf_put(out, u->v[i].sql, u->v[i].len);
		retort_buf_puts(out, ";\n");
	}
	retort_buf_putc(out, '\n');
}

/*
** Rows read so far by the full scans of ST, or -1 when unknown.  SQLite
** counts the steps to the next row, one less than the rows read; a copy
** by the transfer optimisation ("INSERT INTO t SELECT * FROM u" of the
** same shape) counts none.
*/
static int64_t rows_read(sqlite3_stmt *st)
{
	int n = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);

	return n > 0 ? (int64_t)n + 1 : -1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Report the progress of the running statement (SQLite's handler). */
static int on_progress(void *ctx)
{
	progress *pg = ctx;
	retort_migrate_progress info;
	double t = now_seconds();

	if ((t - pg->t0) * 1000 < retort_migrate__progress_after_ms ||
	    (pg->last && t - pg->last < 0.2))
		return 0;
	pg->last = t;
	info.revision = pg->rev;
	info.table = pg->table;
	info.rows = rows_read(pg->st);
	info.total = pg->total;
	info.elapsed = t - pg->t0;
	info.done = false;
	pg->opts->progress(pg->opts->ctx, &info);
	return 0;
}

/*
** The table an "INSERT ... SELECT ... FROM t" statement copies from, or
** NULL: the first FROM at parenthesis depth 0 after a top-level SELECT.
*/
static char *copy_source(const char *sql, size_t n)
{
	size_t off = 0;
	int depth = 0, state = 0; /* 0 start, 1 INSERT seen, 2 SELECT, 3 FROM */

	while (off < n) {
		retort_token t;
		size_t len = retort__sql_token(sql + off, n - off, &t);

		off += len;
		if (t.type == RETORT_TK_SPACE || t.type == RETORT_TK_COMMENT)
			continue;
		if (t.type == RETORT_TK_PUNCT && t.n == 1)
			depth += t.z[0] == '(' ? 1 : t.z[0] == ')' ? -1 : 0;
		if (state == 0 && t.type == RETORT_TK_WORD)
			state = (t.n == 6 &&
				 !retort__strncasecmp(t.z, "INSERT", 6)) ||
						(t.n == 7 &&
						 !retort__strncasecmp(
							 t.z, "REPLACE", 7))
					? 1
					: -1;
		else if (
			depth == 0 && t.type == RETORT_TK_WORD && t.n == 6 &&
			state == 1 && !retort__strncasecmp(t.z, "SELECT", 6))
			state = 2;
		else if (
			depth == 0 && t.type == RETORT_TK_WORD && t.n == 4 &&
			state == 2 && !retort__strncasecmp(t.z, "FROM", 4))
			state = 3;
		else if (
			state == 3 && (t.type == RETORT_TK_WORD ||
				       t.type == RETORT_TK_QUOTED)) {
			retort_buf b = RETORT_BUF_INIT;

			retort__sql_unquote(&b, &t);
			return retort_buf_detach(&b);
		} else if (state == 3) {
			return NULL;
		}
		if (state < 0)
			return NULL;
	}
	return NULL;
}

/* Count the rows of TABLE, or -1. */
static int64_t count_rows(sqlite3 *db, const char *table)
{
	retort_buf q = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	retort_buf_puts(&q, "SELECT count(*) FROM ");
	retort_buf_put_ident(&q, table);
	if (!retort_buf_oom(&q) &&
	    sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	retort_buf_dispose(&q);
	return n;
}

/* Start watching statement ST (its text: N bytes at SQL). */
static void
progress_start(runner *r, sqlite3_stmt *st, const char *sql, size_t n)
{
	progress *pg = &r->prog;

	if (!r->run->opts || !r->run->opts->progress)
		return;
	memset(pg, 0, sizeof(*pg));
	pg->opts = r->run->opts;
	pg->st = st;
	pg->rev = r->rev ? r->rev->id : "";
	pg->total = -1;
	pg->table = copy_source(sql, n);
	if (pg->table)
		pg->total = count_rows(r->db, pg->table);
	pg->t0 = now_seconds();
	sqlite3_progress_handler(r->db, 1000, on_progress, pg);
}

/*
** Stop watching; a statement that reported gets a final "done" call
** (OK: it succeeded, so a copy read all its source's rows).
*/
static void progress_end(runner *r, bool ok)
{
	progress *pg = &r->prog;

	if (!pg->opts)
		return;
	sqlite3_progress_handler(r->db, 0, NULL, NULL);
	if (pg->last) {
		retort_migrate_progress info = { pg->rev,
						 pg->table,
						 rows_read(pg->st),
						 pg->total,
						 now_seconds() - pg->t0,
						 true };

		if (ok && pg->table && pg->total >= 0)
			info.rows = pg->total;
		pg->opts->progress(pg->opts->ctx, &info);
	}
	retort__free(pg->table);
	memset(pg, 0, sizeof(*pg));
}

/* The current version rows as "a, b", or "base". */
static void put_rows(retort_buf *b, const runner *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->p->n; i++)
		if (r->rows[i])
			retort_buf_printf(
				b, "%s%s", n++ ? ", " : "",
				r->p->files[i].rev.id);
	if (!n)
		retort_buf_puts(b, "base");
}

/* Record the failure of statement SQL (in unit U) of the current step. */
static int fail_stmt(runner *r, const unit *u, const char *sql, const char *why)
{
	const retort_revision *rev = r->rev;
	retort_buf what = RETORT_BUF_INIT, msg = RETORT_BUF_INIT;
	unsigned line = u->line;
	const char *c;

	for (c = u->sql; line && c < sql; c++)
		line += *c == '\n';
	if (line)
		retort_buf_printf(&what, "%s:%u", rev ? rev->path : "?", line);
	else
		retort_buf_puts(&what, rev ? rev->path : r->run->vt);
	retort_buf_printf(&msg, "%s, in statement \"", why);
	retort_migrate__abbrev(&msg, sql, (size_t)(u->sql + u->len - sql));
	retort_buf_printf(&msg, "\"; the database stays at %s", r->at);
	if (r->err && r->err->code == RETORT_OK && r->db)
		r->err->sqlite_rc = sqlite3_extended_errcode(r->db);
	retort_error_set(
		r->err, RETORT_ESQLITE, retort_buf_oom(&what) ? "?" : what.ptr,
		"%s", retort_buf_oom(&msg) ? why : msg.ptr);
	retort_buf_dispose(&what);
	retort_buf_dispose(&msg);
	return RETORT_ESQLITE;
}

/* The first row of a failed foreign_key_check, as a message. */
static void fk_message(retort_buf *b, sqlite3_stmt *st)
{
	retort_buf_printf(
		b,
		"foreign key check failed: a row of %s (rowid %s) refers to "
		"a missing row of %s",
		(const char *)sqlite3_column_text(st, 0),
		sqlite3_column_type(st, 1) == SQLITE_NULL
			? "none"
			: (const char *)sqlite3_column_text(st, 1),
		(const char *)sqlite3_column_text(st, 2));
}

/* Check that the version table holds what the plan expects. */
static int verify_rows(runner *r, const bool *expect)
{
	retort_dbstate now;
	size_t i, n = 0;
	bool same = true;
	int rc = retort_migrate__read_state(&now, r->db, r->run->vt, r->err);

	if (rc < 0)
		return rc;
	for (i = 0; i < now.heads.n && same; i++) {
		size_t k = retort_migrate__index(r->p, now.heads.ids[i]);

		same = k != (size_t)-1 && expect[k];
	}
	for (i = 0; i < r->p->n; i++)
		n += expect[i];
	same = same && n == now.heads.n;
	retort_migrate__state_dispose(&now);
	if (same)
		return RETORT_OK;
	return retort_error_set(
		r->err, RETORT_ERROR, r->run->vt,
		"the version table changed while the migration was planned "
		"(another migration running?); expected %s",
		r->at);
}

/* Step statement ST of unit U (its text at SQL) to its end. */
static int
step_stmt(runner *r, const unit *u, sqlite3_stmt *st, const char *sql)
{
	retort_buf fk = RETORT_BUF_INIT;
	int src, rc = RETORT_OK;

	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if (u->kind == RETORT_STMT_FK_CHECK) {
			fk_message(&fk, st);
			break;
		}
	progress_end(r, src == SQLITE_DONE);
	if (fk.size)
		rc = fail_stmt(r, u, sql, fk.ptr);
	else if (src != SQLITE_DONE)
		rc = fail_stmt(r, u, sql, sqlite3_errmsg(r->db));
	else if (u->expect >= 0 && sqlite3_changes(r->db) != u->expect)
		rc = retort_error_set(
			r->err, RETORT_ERROR, r->run->vt,
			"the version table changed while the migration was "
			"planned (another migration running?); the database "
			"stays at %s",
			r->at);
	retort_buf_dispose(&fk);
	return rc;
}

/* Execute unit U (every statement in its text). */
static int exec_unit(runner *r, const unit *u)
{
	const char *sql = u->sql, *end = u->sql + u->len;
	int rc = RETORT_OK;

	while (sql < end && rc == RETORT_OK) {
		sqlite3_stmt *st = NULL;
		const char *tail = end;

		if (sqlite3_prepare_v2(
			    r->db, sql, (int)(end - sql), &st, &tail))
			return fail_stmt(r, u, sql, sqlite3_errmsg(r->db));
		if (!st)
			break;
		progress_start(r, st, sql, (size_t)(tail - sql));
		rc = step_stmt(r, u, st, sql);
		sqlite3_finalize(st);
		sql = tail;
	}
	return rc;
}

/* Run the units of one step; BEFORE: the version rows expected. */
static int run_units(runner *r, const units *u, const bool *before)
{
	size_t i;
	int rc = RETORT_OK;

	for (i = 0; i < u->n && rc == RETORT_OK; i++) {
		rc = exec_unit(r, &u->v[i]);
		if (rc == RETORT_OK && u->v[i].kind == RETORT_STMT_BEGIN &&
		    !r->plan->stamp)
			rc = verify_rows(r, before);
	}
	if (rc == RETORT_OK)
		return rc;
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	if (r->state->fk_on)
		sqlite3_exec(r->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return rc;
}

/* The statements of step ST (NULL: the stamp) into U. */
static int build(runner *r, const retort_step *st, units *u)
{
	const retort_revision *rev = r->rev;
	retort_script body;
	int rc;

	if (!st)
		return build_stamp(r, u);
	rc = retort_migrate__split(
		&body, st->down ? rev->down_sql : rev->up_sql,
		(st->down ? rev->down_line : rev->up_line) + 1, rev->path,
		r->err);
	if (rc == RETORT_OK)
		rc = build_step(r, st, &body, u);
	retort_migrate__script_dispose(&body);
	return rc;
}

/* Tell the caller what is about to run (Alembic's log line TEXT). */
static void notify(const runner *r, const retort_step *st, const char *text)
{
	retort_migrate_event ev = { st ? (st->down ? "downgrade" : "upgrade")
				       : "stamp",
				    r->rev, text };

	if (r->run->opts && r->run->opts->notify)
		r->run->opts->notify(r->run->opts->ctx, &ev);
}

/* Notify, then run or print step ST (NULL: the stamp). */
static int do_step(runner *r, const retort_step *st)
{
	retort_buf text = RETORT_BUF_INIT, at = RETORT_BUF_INIT;
	units u = { NULL, 0, 0, NULL, 0 };
	bool *before = retort__malloc((r->p->n + 1) * sizeof(bool));
	int rc = RETORT_OK;

	r->rev = st ? &r->p->files[st->rev].rev : NULL;
	if (before)
		memcpy(before, r->rows, r->p->n * sizeof(bool));
	put_rows(&at, r);
	describe(&text, r, st);
	r->at = at.ptr;
	if (!before || retort_buf_oom(&text) || retort_buf_oom(&at))
		rc = oom(r);
	if (rc == RETORT_OK)
		rc = build(r, st, &u);
	if (rc == RETORT_OK)
		notify(r, st, text.ptr);
	if (rc == RETORT_OK && r->run->sql)
		print_units(r, text.ptr, r->rev ? r->rev->path : NULL, &u);
	else if (rc == RETORT_OK)
		rc = run_units(r, &u, before);
	r->at = NULL;
	units_dispose(&u);
	retort_buf_dispose(&text);
	retort_buf_dispose(&at);
	retort__free(before);
	return rc;
}

int retort_migrate__run(
	const retort_project *p,
	const retort_runplan *plan,
	const retort_dbstate *state,
	const retort_run *run,
	retort_error *err)
{
	runner r;
	size_t i;
	int rc = RETORT_OK;

	memset(&r, 0, sizeof(r));
	r.db = run->db;
	r.p = p;
	r.plan = plan;
	r.state = state;
	r.run = run;
	r.err = err;
	r.has_table = state->has_table;
	r.has_history = state->has_history;
	r.rows = retort__calloc(p->n + 1, sizeof(bool));
	if (!r.rows)
		return oom(&r);
	for (i = 0; i < state->heads.n; i++) {
		size_t k = retort_migrate__index(p, state->heads.ids[i]);

		if (k != (size_t)-1)
			r.rows[k] = true;
	}
	if (plan->stamp)
		rc = do_step(&r, NULL);
	for (i = 0; i < plan->n && rc == RETORT_OK; i++)
		rc = do_step(&r, &plan->steps[i]);
	if (run->sql && rc == RETORT_OK && retort_buf_oom(run->sql))
		rc = oom(&r);
	retort__free(r.rows);
	return rc;
}
