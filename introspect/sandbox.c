/*
** sandbox.c -- untrusted SQL (a schema model, a revision) run in a
** hardened :memory: database, and SQL scripts run statement by statement
** with file:line errors (introspect layer).  Nothing here may read or
** write a file: an authorizer refuses whatever could.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "alloc_int.h"
#include "introspect.h"
#include "sandbox_int.h"
#include "sqltok.h"

/* Why the authorizer refused the last statement; owned by the database
 * (freed by the destructor of the sandbox_refusal function). */
struct sandbox {
	char refused[300]; /* "X is not allowed in a schema model: why" */
};

/* Pragmas a model may run, read or set: none touches a file or the
 * process (sorted, lower case, for bsearch). */
static const char *const safe_pragmas[] = {
	"analysis_limit",
	"application_id",
	"auto_vacuum",
	"automatic_index",
	"busy_timeout",
	"cache_size",
	"cache_spill",
	"case_sensitive_like",
	"cell_size_check",
	"checkpoint_fullfsync",
	"collation_list",
	"compile_options",
	"count_changes",
	"data_version",
	"database_list",
	"default_cache_size",
	"defer_foreign_keys",
	"empty_result_callbacks",
	"encoding",
	"foreign_key_check",
	"foreign_key_list",
	"foreign_keys",
	"freelist_count",
	"full_column_names",
	"fullfsync",
	"function_list",
	"ignore_check_constraints",
	"incremental_vacuum",
	"index_info",
	"index_list",
	"index_xinfo",
	"integrity_check",
	"journal_mode",
	"journal_size_limit",
	"legacy_alter_table",
	"legacy_file_format",
	"locking_mode",
	"max_page_count",
	"mmap_size",
	"module_list",
	"optimize",
	"page_count",
	"page_size",
	"pragma_list",
	"query_only",
	"quick_check",
	"read_uncommitted",
	"recursive_triggers",
	"reverse_unordered_selects",
	"secure_delete",
	"short_column_names",
	"shrink_memory",
	"synchronous",
	"table_info",
	"table_list",
	"table_xinfo",
	"threads",
	"user_version",
	"wal_autocheckpoint",
	"wal_checkpoint",
};

/* Pragmas a model may read but not set: setting them would weaken the
 * sandbox or write temporary files. */
static const char *const read_only_pragmas[] = {
	"schema_version",
	"temp_store",
	"trusted_schema",
	"writable_schema",
};

/* SQL functions that reach outside the database, and why. */
static const struct {
	const char *name; /* function name, lower case */
	const char *why;  /* the reason given in the error */
} unsafe_functions[] = {
	{ "edit", "it runs an editor on a temporary file" },
	{ "fts3_tokenizer", "it could load native code" },
	{ "load_extension", "it could load native code" },
	{ "readfile", "it could read files" },
	{ "writefile", "it could write files" },
};

static int cmp_name(const void *key, const void *elem)
{
	return retort__strcasecmp(key, *(const char *const *)elem);
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
	return name && bsearch(name, list, n, sizeof(*list), cmp_name);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Decide on a PRAGMA NAME (VALUE: NULL when read); 0 or SQLITE_DENY. */
static int
authorize_pragma(struct sandbox *sb, const char *name, const char *value)
{
	if (in_list(name, safe_pragmas, COUNT(safe_pragmas)))
		return SQLITE_OK;
	if (!value &&
	    in_list(name, read_only_pragmas, COUNT(read_only_pragmas)))
		return SQLITE_OK;
	if (value && in_list(name, read_only_pragmas, COUNT(read_only_pragmas)))
		snprintf(
			sb->refused, sizeof(sb->refused),
			"setting PRAGMA %s is not allowed in a schema model: it could weaken the sandbox or write files",
			name);
	else
		snprintf(
			sb->refused, sizeof(sb->refused),
			"PRAGMA %s is not allowed in a schema model: only pragmas that cannot touch files are",
			name ? name : "");
	return SQLITE_DENY;
}

static int authorize_function(struct sandbox *sb, const char *name)
{
	size_t i;

	for (i = 0; name && i < COUNT(unsafe_functions); i++)
		if (!retort__strcasecmp(name, unsafe_functions[i].name)) {
			snprintf(
				sb->refused, sizeof(sb->refused),
				"%s() is not allowed in a schema model: %s",
				unsafe_functions[i].name,
				unsafe_functions[i].why);
			return SQLITE_DENY;
		}
	return SQLITE_OK;
}

/* The authorizer (sqlite3_set_authorizer): refuses what could reach a
 * file, and records why in the sandbox. */
static int authorize(
	void *arg,
	int action,
	const char *a1,
	const char *a2,
	const char *db,
	const char *trigger)
{
	struct sandbox *sb = arg;

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_ATTACH:
		snprintf(
			sb->refused, sizeof(sb->refused),
			"ATTACH is not allowed in a schema model: it could read or write files");
		return SQLITE_DENY;
	case SQLITE_DETACH:
		snprintf(
			sb->refused, sizeof(sb->refused),
			"DETACH is not allowed in a schema model: it has no database to detach");
		return SQLITE_DENY;
	case SQLITE_PRAGMA:
		return authorize_pragma(sb, a1, a2);
	case SQLITE_FUNCTION:
		return authorize_function(sb, a2);
	default:
		return SQLITE_OK;
	}
}

/* SQL function retort_sandbox_refusal(): the last refusal's text. */
static void refusal_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sandbox *sb = sqlite3_user_data(ctx);

	(void)argc;
	(void)argv;
	if (sb->refused[0])
		sqlite3_result_text(ctx, sb->refused, -1, SQLITE_TRANSIENT);
}

/*
** Harden DB (a fresh :memory: database) and install the authorizer.
** Takes SB in all cases: the function that owns it frees it when DB
** closes (or at once if it cannot be registered).
*/
static int harden(sqlite3 *db, struct sandbox *sb)
{
	int rc;

	rc = sqlite3_create_function_v2(
		db, "retort_sandbox_refusal", 0, SQLITE_UTF8, sb, refusal_func,
		NULL, NULL, retort__free);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(
			db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	/* TRUSTED_SCHEMA stays on: SQLite 3.40 does not mark the JSON
	 * functions innocuous, so real schemas (generated columns using
	 * ->>) would fail; the authorizer vets every function call, in
	 * views, triggers and defaults included. */
	/* temporary tables and indexes stay in memory, never in a file */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA temp_store=MEMORY", 0, 0, 0);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return sqlite3_set_authorizer(db, authorize, sb);
}

int retort__sandbox_open(sqlite3 **out, retort_error *err)
{
	struct sandbox *sb = retort__calloc(1, sizeof(*sb));
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	if (!sb)
		return retort_error_set(
			err, RETORT_ENOMEM, ":memory:", "out of memory");
	rc = sqlite3_open_v2(
		":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
		NULL);
	if (rc == SQLITE_OK)
		rc = harden(db, sb); /* takes SB */
	else
		retort__free(sb);
	if (rc != SQLITE_OK) {
		rc = retort_error_set(
			err,
			rc == SQLITE_NOMEM ? RETORT_ENOMEM : RETORT_ESQLITE,
			":memory:", "cannot open the sandbox database: %s",
			db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return RETORT_OK;
}

/* Length of the UTF-8 sequence at Z (N bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *z, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (z[0] < 0x80)
		return z[0] ? 1 : 0;
	if (z[0] >= 0xc2 && z[0] <= 0xdf)
		len = 2, cp = z[0] & 0x1f;
	else if (z[0] >= 0xe0 && z[0] <= 0xef)
		len = 3, cp = z[0] & 0x0f;
	else if (z[0] >= 0xf0 && z[0] <= 0xf4)
		len = 4, cp = z[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((z[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (z[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool retort__is_sql_text(const char *z, size_t n)
{
	const unsigned char *p = (const unsigned char *)z;
	size_t i = 0, len;

	while (i < n) {
		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		len = utf8_len(p + i, n - i);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

int retort__check_sql_text(
	const char *z, size_t n, const char *what, retort_error *err)
{
	if (memchr(z, '\0', n))
		return retort_error_set(
			err, RETORT_EINVAL, what,
			"not a SQL text file: it holds NUL bytes");
	if (!retort__is_sql_text(z, n))
		return retort_error_set(
			err, RETORT_EINVAL, what,
			"not a SQL text file: it is not valid UTF-8");
	return RETORT_OK;
}

/* Number of newlines in [A, B). */
static unsigned long count_lines(const char *a, const char *b)
{
	unsigned long n = 0;

	for (; a < b; a++)
		n += *a == '\n';
	return n;
}

/* Z past white space and comments (END: the end of the script). */
static const char *skip_blank(const char *z, const char *end)
{
	retort_token tok;

	while (z < end) {
		size_t n = retort__sql_token(z, (size_t)(end - z), &tok);

		if (tok.type != RETORT_TK_SPACE &&
		    tok.type != RETORT_TK_COMMENT)
			break;
		z += n;
	}
	return z;
}

/* True when the statement at Z starts with the keyword VACUUM. */
static bool is_vacuum(const char *z, const char *end)
{
	retort_token tok;

	retort__sql_token(z, (size_t)(end - z), &tok);
	return tok.type == RETORT_TK_WORD && tok.n == 6 &&
	       !retort__strncasecmp(tok.z, "vacuum", 6);
}

/* Copy the sandbox's reason for refusing into WHY (WHY_SIZE bytes);
 * false when DB is no sandbox. */
static bool sandbox_refusal(sqlite3 *db, char *why, size_t why_size)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(
		    db, "SELECT retort_sandbox_refusal()", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		snprintf(why, why_size, "%s", sqlite3_column_text(st, 0));
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

/* Record the failure RC of the statement at Z (line LINE of WHAT). */
static int script_error(
	sqlite3 *db,
	int rc,
	const char *z,
	const char *end,
	const char *what,
	unsigned long line,
	retort_error *err)
{
	char where[256], why[512];
	int code = RETORT_ESQLITE;

	snprintf(where, sizeof(where), "%s:%lu", what ? what : "SQL", line);
	snprintf(why, sizeof(why), "%s", sqlite3_errmsg(db));
	if ((rc & 0xff) == SQLITE_NOMEM) {
		code = RETORT_ENOMEM;
	} else if (
		(rc & 0xff) == SQLITE_AUTH ||
		!strncmp(why, "not authorized", 14)) {
		/* a refused function is SQLITE_ERROR "not authorized to
		 * use function: f"; the rest is SQLITE_AUTH */
		code = RETORT_EUNSAFE;
		if (is_vacuum(z, end))
			snprintf(
				why, sizeof(why),
				"VACUUM is not allowed in a schema model: VACUUM INTO could write a file");
		else
			sandbox_refusal(db, why, sizeof(why));
	}
	code = retort_error_set(err, code, where, "%s", why);
	if (err && err->code == code && code == RETORT_ESQLITE)
		err->sqlite_rc = rc;
	return code;
}

/* Run the one statement at *Z and move *Z past it; RC from SQLite. */
static int run_statement(sqlite3 *db, const char **z)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, *z, -1, &st, &tail);
	if (rc != SQLITE_OK)
		return rc;
	if (st) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return sqlite3_extended_errcode(db);
	}
	*z = tail && tail > *z ? tail : *z + strlen(*z);
	return SQLITE_OK;
}

int retort__exec_script(
	sqlite3 *db, const char *sql, const char *what, retort_error *err)
{
	const char *z = sql, *end = sql + strlen(sql), *counted = sql;
	unsigned long line = 1;
	int rc;

	if (!retort__is_sql_text(sql, (size_t)(end - sql)))
		return retort_error_set(
			err, RETORT_EINVAL, what,
			"not a SQL text file: it is not valid UTF-8");
	if (end - z >= 3 && !memcmp(z, "\xef\xbb\xbf", 3))
		z += 3; /* a byte order mark, as some editors write */
	for (;;) {
		z = skip_blank(z, end);
		if (z >= end)
			break;
		line += count_lines(counted, z);
		counted = z;
		rc = run_statement(db, &z);
		if (rc != SQLITE_OK)
			return script_error(
				db, rc, counted, end, what, line, err);
	}
	return RETORT_OK;
}
