/*
** init.c -- `retort init`: scaffold a project (migrations layer):
** retort.ini with every key of SPEC §5 explained, an example model and
** migrations/versions/.  Never overwrites anything.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "migrate_int.h"

static const char ini_text[] =
	"# retort.ini -- configuration of a retort project.\n"
	"# As in Alembic's ini files: %% stands for %, %(here)s is this\n"
	"# file's folder, and relative paths are relative to this folder.\n"
	"\n"
	"[retort]\n"
	"# Folder of the project's scripts; revision files live in its\n"
	"# versions/ subfolder.\n"
	"script_location = migrations\n"
	"\n"
	"# The database to migrate: a path, or a URL such as\n"
	"# sqlite:///relative/path.db or sqlite:////absolute/path.db.\n"
	"# sqlalchemy.url is accepted instead.  The environment variable\n"
	"# RETORT_DATABASE and the --db option override it (--db wins).\n"
	"database = sqlite:///./app.db\n"
	"\n"
	"# The model: the schema the application wants.  A .sql file, a\n"
	"# folder of .sql files, a database or a .json snapshot.\n"
	"model = schema.sql\n"
	"\n"
	"# Name of new revision files, without \".sql\".  Tokens: %(rev)s,\n"
	"# %(slug)s, %(year)d, %(month).2d, %(day).2d, %(hour).2d,\n"
	"# %(minute).2d, %(second).2d, %(epoch)s (written with %% below).\n"
	"file_template = "
	"%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_"
	"%%(slug)s\n"
	"\n"
	"# Time zone of Create Date and of file names: UTC, a fixed offset\n"
	"# such as +02:00, a tz database zone such as Europe/Paris, or empty\n"
	"# for the local time.\n"
	"timezone = UTC\n"
	"\n"
	"# How column types compare: declared (the declared types, case and\n"
	"# spaces normalised), affinity (SQLite's type affinity only), off.\n"
	"compare_type = declared\n"
	"\n"
	"# Compare DEFAULT expressions: true or false.\n"
	"compare_server_default = true\n"
	"\n"
	"# Table holding the database's current revision(s); the applied\n"
	"# revisions' checksums go to <version_table>_history.\n"
	"version_table = retort_version\n"
	"\n"
	"[naming_convention]\n"
	"# Names for constraints that have none (Alembic's tokens).\n"
	"ix = ix_%(column_0_label)s\n"
	"uq = uq_%(table_name)s_%(column_0_name)s\n"
	"ck = ck_%(table_name)s_%(constraint_name)s\n"
	"fk = fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\n"
	"pk = pk_%(table_name)s\n";

static const char schema_text[] =
	"-- schema.sql -- the model: the schema this application wants.\n"
	"-- Edit it, then run:\n"
	"--   retort revision --autogenerate -m \"describe the change\"\n"
	"--   retort upgrade\n"
	"\n"
	"CREATE TABLE users (\n"
	"\tid INTEGER PRIMARY KEY,\n"
	"\temail TEXT NOT NULL UNIQUE,\n"
	"\tcreated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
	");\n";

/* PATH joined from DIR and NAME into B (cleared first). */
static void join(retort_buf *b, const char *dir, const char *name)
{
	retort_buf_clear(b);
	retort_buf_printf(b, "%s/%s", dir, name);
}

/* Create folder PATH and its missing parents. */
static int make_dirs(const char *path, retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;
	int rc = RETORT_OK;

	retort_buf_puts(&b, path);
	if (retort_buf_oom(&b))
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 1; i <= b.size && rc == RETORT_OK; i++) {
		char c = b.ptr[i];

		if (c != '/' && c != '\0')
			continue;
		b.ptr[i] = '\0';
		if (mkdir(b.ptr, 0777) && errno != EEXIST)
			rc = retort_error_set(
				err, RETORT_EIO, b.ptr,
				"cannot create folder: %s", strerror(errno));
		b.ptr[i] = c;
	}
	retort_buf_dispose(&b);
	return rc;
}

/* Write TEXT to the new file PATH. */
static int write_file(const char *path, const char *text, retort_error *err)
{
	FILE *f = fopen(path, "wx");
	size_t n = strlen(text);

	if (!f)
		return retort_error_set(
			err, errno == EEXIST ? RETORT_EUNSAFE : RETORT_EIO,
			path, "cannot create: %s", strerror(errno));
	if (fwrite(text, 1, n, f) != n || fclose(f))
		return retort_error_set(err, RETORT_EIO, path, "write error");
	return RETORT_OK;
}

int retort_project_init(const char *dir, retort_error *err)
{
	static const char *const parts[] = { "retort.ini", "schema.sql",
					     "migrations" };
	retort_buf path = RETORT_BUF_INIT;
	struct stat st;
	size_t i;
	int rc = RETORT_OK;

	if (!dir || !dir[0])
		dir = ".";
	for (i = 0; i < 3 && rc == RETORT_OK; i++) {
		join(&path, dir, parts[i]);
		if (!retort_buf_oom(&path) && !stat(path.ptr, &st))
			rc = retort_error_set(
				err, RETORT_EUNSAFE, path.ptr,
				"exists already: not overwriting a project");
	}
	if (rc == RETORT_OK)
		rc = make_dirs(dir, err);
	join(&path, dir, "migrations/versions");
	if (rc == RETORT_OK)
		rc = make_dirs(path.ptr, err);
	join(&path, dir, "retort.ini");
	if (rc == RETORT_OK)
		rc = write_file(path.ptr, ini_text, err);
	join(&path, dir, "schema.sql");
	if (rc == RETORT_OK)
		rc = write_file(path.ptr, schema_text, err);
	if (rc == RETORT_OK && retort_buf_oom(&path))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	retort_buf_dispose(&path);
	return rc;
}
