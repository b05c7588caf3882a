/*
** db.c -- the database side of the runner (migrations layer): URLs to
** paths, opening a database, reading the version table and the
** foreign-key setting, and online backups.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "migrate_int.h"

const char *retort_migrate__vt(const retort_migrate_options *opts)
{
	return opts && opts->version_table && opts->version_table[0]
		       ? opts->version_table
		       : RETORT_DEFAULT_VERSION_TABLE;
}

int retort_migrate__url_path(
	retort_buf *out, const char *url, retort_error *err)
{
	const char *sep = url ? strstr(url, "://") : NULL;
	const char *path = url, *q;

	retort_buf_clear(out);
	if (!url || !url[0])
		return retort_error_set(
			err, RETORT_EINVAL, "database",
			"no database given (set 'database' in retort.ini, "
			"RETORT_DATABASE or --db)");
	if (sep) {
		size_t scheme = (size_t)(sep - url);

		if (scheme < 6 || strncmp(url, "sqlite", 6) ||
		    (scheme > 6 && url[6] != '+'))
			return retort_error_set(
				err, RETORT_EINVAL, url,
				"not a SQLite URL: expected sqlite:///path or "
				"sqlite+driver:///path");
		path = sep + 3;
		if (path[0] == '/')
			path++;
		else if (path[0] && path[0] != '?')
			return retort_error_set(
				err, RETORT_EINVAL, url,
				"a SQLite URL has no host: write sqlite:///%s",
				path);
		if (!path[0] || path[0] == '?')
			path = ":memory:";
	}
	q = sep ? strchr(path, '?') : NULL;
	retort_buf_put(out, path, q ? (size_t)(q - path) : strlen(path));
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, url, "out of memory");
	return RETORT_OK;
}

/* Record SQLite's error on DB (or RC) about WHAT. */
static int sqlite_fail(sqlite3 *db, int rc, const char *what, retort_error *err)
{
	if (err && err->code == RETORT_OK)
		err->sqlite_rc = db ? sqlite3_extended_errcode(db) : rc;
	return retort_error_set(
		err, RETORT_ESQLITE, what, "%s",
		db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

int retort_migrate__open_db(
	sqlite3 **out,
	const char *url,
	bool write,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_buf path = RETORT_BUF_INIT;
	int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
			  : SQLITE_OPEN_READONLY;
	struct stat st;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	if ((rc = retort_migrate__url_path(&path, url, err)) < 0)
		goto done;
	if (!write && strcmp(path.ptr, ":memory:") && stat(path.ptr, &st)) {
		rc = retort_error_set(
			err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_EIO,
			path.ptr, "cannot open database: %s", strerror(errno));
		goto done;
	}
	rc = sqlite3_open_v2(path.ptr, &db, flags, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(
			db, opts ? opts->busy_timeout_ms : 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(
			db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
			NULL);
	if (rc != SQLITE_OK) {
		rc = sqlite_fail(db, rc, path.ptr, err);
		sqlite3_close(db);
		goto done;
	}
	*out = db;
done:
	retort_buf_dispose(&path);
	return rc;
}

void retort_migrate__state_dispose(retort_dbstate *state)
{
	if (!state)
		return;
	retort_revids_dispose(&state->heads);
	memset(state, 0, sizeof(*state));
}

/* Read the rows of the version table VT into OUT->heads. */
static int
read_rows(retort_dbstate *out, sqlite3 *db, const char *vt, retort_error *err)
{
	retort_buf q = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	retort_buf_puts(&q, "SELECT version_num FROM ");
	retort_buf_put_ident(&q, vt);
	retort_buf_puts(&q, " ORDER BY rowid");
	if (retort_buf_oom(&q)) {
		rc = retort_error_set(err, RETORT_ENOMEM, vt, "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL) != SQLITE_OK) {
		rc = sqlite_fail(db, 0, vt, err);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (!retort_migrate__revids_add(&out->heads, id ? id : "")) {
			rc = retort_error_set(
				err, RETORT_ENOMEM, vt, "out of memory");
			goto done;
		}
	}
	rc = rc == SQLITE_DONE ? RETORT_OK : sqlite_fail(db, 0, vt, err);
done:
	sqlite3_finalize(st);
	retort_buf_dispose(&q);
	return rc;
}

int retort_migrate__read_state(
	retort_dbstate *out, sqlite3 *db, const char *vt, retort_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = sqlite3_prepare_v2(
		db,
		"SELECT (SELECT count(*) FROM sqlite_master WHERE type = "
		"'table' AND name = ?1 COLLATE NOCASE), "
		"(SELECT foreign_keys FROM pragma_foreign_keys), "
		"(SELECT count(*) FROM sqlite_master WHERE type = "
		"'table' AND name = (?1 || '_history') COLLATE NOCASE)",
		-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, vt, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		out->has_table = sqlite3_column_int(st, 0) > 0;
		out->fk_on = sqlite3_column_int(st, 1) != 0;
		out->has_history = sqlite3_column_int(st, 2) > 0;
		rc = SQLITE_OK;
	} else {
		rc = SQLITE_ERROR;
	}
	if (rc != SQLITE_OK)
		rc = sqlite_fail(db, 0, vt, err);
	sqlite3_finalize(st);
	if (rc == RETORT_OK && out->has_table)
		rc = read_rows(out, db, vt, err);
	if (rc < 0)
		retort_migrate__state_dispose(out);
	return rc;
}

/* Copy SRC's main database into the new file PATH. */
static int backup_to(sqlite3 *src, const char *path, retort_error *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc = sqlite3_open_v2(
		path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

	if (rc == SQLITE_OK) {
		bk = sqlite3_backup_init(dst, "main", src, "main");
		if (!bk) {
			rc = sqlite_fail(dst, 0, path, err);
			sqlite3_close(dst);
			remove(path);
			return rc;
		}
		while ((rc = sqlite3_backup_step(bk, 256)) == SQLITE_OK ||
		       rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(rc == SQLITE_OK ? 0 : 10);
		sqlite3_backup_finish(bk);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK) {
		if (err && err->code == RETORT_OK)
			err->sqlite_rc = rc;
		retort_error_set(
			err, RETORT_ESQLITE, path, "backup failed: %s",
			dst && sqlite3_errcode(dst) ? sqlite3_errmsg(dst)
						    : sqlite3_errstr(rc));
		sqlite3_close(dst);
		remove(path);
		return RETORT_ESQLITE;
	}
	if (sqlite3_close(dst) != SQLITE_OK)
		return retort_error_set(
			err, RETORT_EIO, path, "cannot close the backup");
	return RETORT_OK;
}

int retort_migrate_backup(
	retort_buf *path_out,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_buf path = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	struct stat st;
	struct tm tm;
	time_t now = time(NULL);
	int rc;

	retort_buf_clear(path_out);
	if ((rc = retort_migrate__url_path(&path, url, err)) < 0 ||
	    (rc = retort_migrate__open_db(&db, url, false, opts, err)) < 0)
		goto done;
	gmtime_r(&now, &tm);
	retort_buf_printf(
		&path, ".backup.%04d%02d%02d_%02d%02d%02d", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (retort_buf_oom(&path)) {
		rc = retort_error_set(err, RETORT_ENOMEM, url, "out of memory");
		goto done;
	}
	if (!stat(path.ptr, &st)) {
		rc = retort_error_set(
			err, RETORT_EUNSAFE, path.ptr,
			"backup file exists already; not overwriting it");
		goto done;
	}
	if ((rc = backup_to(db, path.ptr, err)) < 0)
		goto done;
	retort_buf_puts(path_out, path.ptr);
	if (retort_buf_oom(path_out))
		rc = retort_error_set(err, RETORT_ENOMEM, url, "out of memory");
done:
	sqlite3_close(db);
	retort_buf_dispose(&path);
	return rc;
}
