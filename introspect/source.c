/*
** source.c -- retort_schema_load(): every schema source of SPEC §1 (a
** database file, a sqlite:// URL, a .sql file or folder, a JSON snapshot,
** "-" for stdin), told apart by content (introspect layer).
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "alloc_int.h"
#include "introspect.h"
#include "sandbox_int.h"
#include "sqltok.h"

/* The 16 bytes every SQLite database file starts with. */
static const char sqlite_header[16] = "SQLite format 3";

#define STDIN_NAME "stdin"

/* The options to use: OPTS or the defaults. */
static const retort_load_options *options(const retort_load_options *opts)
{
	static const retort_load_options defaults = RETORT_LOAD_OPTIONS_INIT;

	return opts ? opts : &defaults;
}

/* Map errno E on WHAT to a retort error. */
static int errno_error(retort_error *err, const char *what, int e)
{
	if (e == ENOENT || e == ENOTDIR)
		return retort_error_set(
			err, RETORT_ENOTFOUND, what,
			"no such file or directory");
	return retort_error_set(err, RETORT_EIO, what, "%s", strerror(e));
}

/* Read the whole of F (named WHAT) into OUT. */
static int
read_stream(FILE *f, const char *what, retort_buf *out, retort_error *err)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		retort_buf_put(out, chunk, n);
	if (ferror(f))
		return retort_error_set(
			err, RETORT_EIO, what, "cannot read: %s",
			strerror(errno));
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, what, "out of memory");
	return RETORT_OK;
}

static int read_file(const char *path, retort_buf *out, retort_error *err)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return errno_error(err, path, errno);
	rc = read_stream(f, path, out, err);
	fclose(f);
	return rc;
}

/* True when the N bytes at Z start like a SQLite database file (the
 * header without its NUL: a file cut inside it is still a database to
 * be reported as damaged, not SQL). */
static bool is_database(const char *z, size_t n)
{
	return n >= 15 && !memcmp(z, sqlite_header, 15);
}

/* Read the first bytes of file PATH: *IS_DB tells whether they are a
 * SQLite database header. */
static int read_head(const char *path, bool *is_db, retort_error *err)
{
	char head[16];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return errno_error(err, path, errno);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	*is_db = is_database(head, n);
	return RETORT_OK;
}

/* True when the first non-blank byte of Z[0..N) is '{'. */
static bool is_json(const char *z, size_t n)
{
	size_t i = 0;

	while (i < n &&
	       (z[i] == ' ' || z[i] == '\t' || z[i] == '\n' || z[i] == '\r'))
		i++;
	return i < n && z[i] == '{';
}

static bool ends_with_sql(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && !retort__strcasecmp(name + n - 4, ".sql");
}

/* ------------------------------------------------------------------ */
/* Databases                                                           */

/* Make a database opened from a file as safe as it can be to read. */
static void harden_reader(sqlite3 *db, int busy_timeout_ms)
{
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_timeout_ms);
	/* only PRAGMAs run on it: no view is queried, no trigger fires */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
}

/* "file:PATH?mode=ro" with PATH percent-encoded where URIs need it. */
static void put_uri(retort_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;

	/* an absolute path gets an empty authority: "file:///abs" */
	retort_buf_puts(b, path[0] == '/' ? "file://" : "file:");
	for (; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' ||
		    *p >= 0x7f) {
			retort_buf_putc(b, '%');
			retort_buf_putc(b, hex[*p >> 4]);
			retort_buf_putc(b, hex[*p & 15]);
		} else {
			retort_buf_putc(b, (char)*p);
		}
	}
	retort_buf_puts(b, "?mode=ro");
}

/* Introspect DB (then closed) as source WHAT. */
static int introspect_and_close(
	retort_schema **out,
	sqlite3 *db,
	const char *what,
	const retort_load_options *opts,
	retort_error *err)
{
	int rc = retort__introspect(out, db, what, opts, err);

	sqlite3_close(db);
	return rc;
}

/* Open the database file PATH read-only and introspect it. */
static int load_database(
	retort_schema **out,
	const char *path,
	const char *what,
	const retort_load_options *opts,
	retort_error *err)
{
	retort_buf uri = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	int rc;

	put_uri(&uri, path);
	if (retort_buf_oom(&uri))
		return retort_error_set(
			err, RETORT_ENOMEM, what, "out of memory");
	rc = sqlite3_open_v2(
		uri.ptr, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	retort_buf_dispose(&uri);
	if (rc != SQLITE_OK) {
		rc = retort_error_set(
			err, RETORT_ESQLITE, what, "%s",
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return rc;
	}
	harden_reader(db, opts->busy_timeout_ms);
	return introspect_and_close(out, db, what, opts, err);
}

/* Introspect the database image Z[0..N) (from stdin) in memory. */
static int load_image(
	retort_schema **out,
	const char *z,
	size_t n,
	const retort_load_options *opts,
	retort_error *err)
{
	sqlite3 *db = NULL;
	unsigned char *copy;
	int rc;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		sqlite3_close(db);
		return retort_error_set(
			err, RETORT_ENOMEM, STDIN_NAME, "out of memory");
	}
	copy = sqlite3_malloc64(n);
	if (!copy) {
		sqlite3_close(db);
		return retort_error_set(
			err, RETORT_ENOMEM, STDIN_NAME, "out of memory");
	}
	memcpy(copy, z, n);
	/* a WAL database's image reads as a rollback one: no WAL here */
	if (n > 19 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;
	rc = sqlite3_deserialize(
		db, "main", copy, (sqlite3_int64)n, (sqlite3_int64)n,
		SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		rc = retort_error_set(
			err, RETORT_ESQLITE, STDIN_NAME, "%s",
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	harden_reader(db, opts->busy_timeout_ms);
	return introspect_and_close(out, db, STDIN_NAME, opts, err);
}

/* ------------------------------------------------------------------ */
/* SQL                                                                 */

/* Execute each of the N scripts (files PATHS[i], texts SQLS[i] or read
 * from the file when NULL) into one sandbox, and introspect it as WHAT. */
static int load_sql(
	retort_schema **out,
	const char *const *paths,
	size_t n,
	const char *text,
	const char *what,
	const retort_load_options *opts,
	retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	size_t i;
	int rc;

	if ((rc = retort__sandbox_open(&db, err)) < 0)
		return rc;
	for (i = 0; i < n && rc == RETORT_OK; i++) {
		const char *sql = text;
		size_t len = text ? strlen(text) : 0;

		if (!text) {
			retort_buf_clear(&b);
			if ((rc = read_file(paths[i], &b, err)) < 0)
				break;
			sql = b.ptr;
			len = b.size;
		}
		rc = retort__check_sql_text(sql, len, paths[i], err);
		if (rc == RETORT_OK)
			rc = retort__exec_script(db, sql, paths[i], err);
	}
	retort_buf_dispose(&b);
	if (rc < 0) {
		sqlite3_close(db);
		return rc;
	}
	return introspect_and_close(out, db, what, opts, err);
}

int retort__schema_from_sql(
	retort_schema **out,
	const char *sql,
	const char *what,
	retort_error *err)
{
	const char *name = what ? what : "SQL";

	*out = NULL;
	return load_sql(out, &name, 1, sql, name, options(NULL), err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the path P (taken: from retort_buf_detach()) to *V (*N of
 * *CAP); false when out of memory (then P is freed). */
static bool push_path(char ***v, size_t *n, size_t *cap, retort_buf *p)
{
	char **nv;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;

		nv = retort__realloc(*v, c * sizeof(**v));
		if (!nv) {
			retort_buf_dispose(p);
			return false;
		}
		*v = nv;
		*cap = c;
	}
	if (retort_buf_oom(p)) {
		retort_buf_dispose(p);
		return false;
	}
	(*v)[(*n)++] = retort_buf_detach(p);
	return true;
}

/* The paths of the .sql files in folder DIR, sorted by name; on failure
 * *OUT still holds the *N paths read so far. */
static int
list_sql_files(const char *dir, char ***out, size_t *n, retort_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int rc = RETORT_OK;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno_error(err, dir, errno);
	while (rc == RETORT_OK && (e = readdir(d)) != NULL) {
		struct stat st;
		retort_buf p = RETORT_BUF_INIT;

		if (!ends_with_sql(e->d_name))
			continue;
		retort_buf_printf(&p, "%s/%s", dir, e->d_name);
		if (!retort_buf_oom(&p) &&
		    (stat(p.ptr, &st) || !S_ISREG(st.st_mode)))
			retort_buf_dispose(&p); /* a folder, a broken link */
		else if (!push_path(out, n, &cap, &p))
			rc = retort_error_set(
				err, RETORT_ENOMEM, dir, "out of memory");
	}
	closedir(d);
	if (rc == RETORT_OK && *n > 1)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return rc;
}

/* A folder of .sql files, executed in name order into one database. */
static int load_folder(
	retort_schema **out,
	const char *dir,
	const retort_load_options *opts,
	retort_error *err)
{
	char **files = NULL;
	size_t n = 0, i;
	int rc = list_sql_files(dir, &files, &n, err);

	if (rc == RETORT_OK && n == 0)
		rc = retort_error_set(
			err, RETORT_EINVAL, dir,
			"no .sql files in this folder");
	if (rc == RETORT_OK)
		rc = load_sql(
			out, (const char *const *)files, n, NULL, dir, opts,
			err);
	for (i = 0; i < n; i++)
		free(files[i]); /* from retort_buf_detach() */
	retort__free(files);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Telling sources apart                                               */

/* Content Z[0..N) read from WHAT that is not a database: JSON or SQL. */
static int load_text(
	retort_schema **out,
	const char *z,
	size_t n,
	const char *what,
	const retort_load_options *opts,
	retort_error *err)
{
	int rc;

	if (is_json(z, n))
		return retort_schema_from_json(out, z, n, what, err);
	if (!ends_with_sql(what) && !retort__is_sql_text(z, n))
		return retort_error_set(
			err, RETORT_EINVAL, what,
			"not a schema source: neither a SQLite database, a SQL script nor a JSON snapshot");
	rc = retort__check_sql_text(z, n, what, err);
	return rc < 0 ? rc : load_sql(out, &what, 1, z, what, opts, err);
}

/* A file or folder named PATH. */
static int load_path(
	retort_schema **out,
	const char *path,
	const retort_load_options *opts,
	retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	struct stat st;
	bool is_db = false;
	int rc;

	if (stat(path, &st))
		return errno_error(err, path, errno);
	if (S_ISDIR(st.st_mode))
		return load_folder(out, path, opts, err);
	if ((rc = read_head(path, &is_db, err)) < 0)
		return rc;
	if (is_db) /* not read whole: it may be large */
		return load_database(out, path, path, opts, err);
	if ((rc = read_file(path, &b, err)) < 0)
		return rc;
	rc = load_text(out, b.ptr, b.size, path, opts, err);
	retort_buf_dispose(&b);
	return rc;
}

/* Standard input: a database image, JSON or SQL. */
static int load_stdin(
	retort_schema **out, const retort_load_options *opts, retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	int rc = read_stream(stdin, STDIN_NAME, &b, err);

	if (rc == RETORT_OK && is_database(b.ptr, b.size))
		rc = load_image(out, b.ptr, b.size, opts, err);
	else if (rc == RETORT_OK)
		rc = load_text(out, b.ptr, b.size, STDIN_NAME, opts, err);
	retort_buf_dispose(&b);
	return rc;
}

/*
** If SOURCE is a SQLAlchemy-style URL (sqlite:// or sqlite+DRIVER://),
** put its database path in PATH (":memory:" for none) and return true.
** sqlite:///rel/path is relative, sqlite:////abs/path absolute; a
** ?query is ignored.
*/
static bool url_path(const char *source, retort_buf *path)
{
	const char *p = source + 6, *end;

	if (retort__strncasecmp(source, "sqlite", 6))
		return false;
	if (*p == '+')
		for (p++; (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_';
		     p++)
			;
	if (strncmp(p, "://", 3))
		return false;
	p += 3;
	end = p + strcspn(p, "?");
	if (p == end || (p + 1 == end && *p == '/')) {
		retort_buf_puts(path, ":memory:");
		return true;
	}
	if (*p == '/')
		p++; /* the third slash ends the empty host */
	retort_buf_put(path, p, (size_t)(end - p));
	return true;
}

/* A database named by a URL: it must exist and be a database (or an
 * empty file, which SQLite takes for an empty database). */
static int load_url(
	retort_schema **out,
	const char *source,
	const char *path,
	const retort_load_options *opts,
	retort_error *err)
{
	struct stat st;
	bool is_db = false;
	int rc;

	if (!strcmp(path, ":memory:"))
		return retort__schema_from_sql(out, "", source, err);
	if (stat(path, &st))
		return errno_error(err, source, errno);
	if (S_ISDIR(st.st_mode))
		return retort_error_set(
			err, RETORT_EINVAL, source,
			"is a folder, not a SQLite database");
	if ((rc = read_head(path, &is_db, err)) < 0)
		return rc;
	if (st.st_size > 0 && !is_db)
		return retort_error_set(
			err, RETORT_EINVAL, source, "not a SQLite database");
	return load_database(out, path, source, opts, err);
}

int retort_schema_load(
	retort_schema **out,
	const char *source,
	const retort_load_options *opts,
	retort_error *err)
{
	retort_buf path = RETORT_BUF_INIT;
	int rc;

	*out = NULL;
	opts = options(opts);
	if (!source || !*source)
		return retort_error_set(
			err, RETORT_EINVAL, NULL, "no schema source given");
	if (!strcmp(source, "-"))
		return load_stdin(out, opts, err);
	if (!url_path(source, &path))
		return load_path(out, source, opts, err);
	if (retort_buf_oom(&path))
		rc = retort_error_set(
			err, RETORT_ENOMEM, source, "out of memory");
	else
		rc = load_url(out, source, path.ptr, opts, err);
	retort_buf_dispose(&path);
	return rc;
}
