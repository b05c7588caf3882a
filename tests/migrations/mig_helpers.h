/*
** mig_helpers.h -- helpers shared by the migrations tests: a temporary
** project folder, revision files written by hand, and small queries.
** Header-only (static inline) so that each test file stays standalone.
*/
#ifndef MIG_HELPERS_H
#define MIG_HELPERS_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "retort.h"

/* A temporary project: DIR/migrations/versions and DIR/app.db. */
typedef struct mig_project {
	char dir[64];                /* the folder, from mkdtemp */
	char loc[128];               /* DIR/migrations */
	char versions[160];          /* DIR/migrations/versions */
	char db[128];                /* DIR/app.db */
	retort_migrate_options opts; /* script_location = loc */
} mig_project;

static inline void mig_open(mig_project *m)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;

	snprintf(m->dir, sizeof(m->dir), "/tmp/retort-mig-XXXXXX");
	cr_assert_not_null(mkdtemp(m->dir));
	snprintf(m->loc, sizeof(m->loc), "%s/migrations", m->dir);
	snprintf(m->versions, sizeof(m->versions), "%s/versions", m->loc);
	snprintf(m->db, sizeof(m->db), "%s/app.db", m->dir);
	cr_assert_eq(mkdir(m->loc, 0777), 0);
	cr_assert_eq(mkdir(m->versions, 0777), 0);
	m->opts = o;
	m->opts.script_location = m->loc;
}

/* Remove PATH and everything below it. */
static inline void mig_rmrf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char sub[4096];
			int n;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			n = snprintf(
				sub, sizeof(sub), "%s/%s", path, e->d_name);
			if (n > 0 && (size_t)n < sizeof(sub))
				mig_rmrf(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static inline void mig_close(mig_project *m)
{
	mig_rmrf(m->dir);
}

/* Write TEXT to PATH. */
static inline void mig_write_path(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* Write a file NAME into the project's versions folder. */
static inline void
mig_write(const mig_project *m, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", m->versions, name);
	mig_write_path(path, text);
}

/* Write revision ID (parents PARENTS, "" for none) with UP and DOWN. */
static inline void
mig_rev(const mig_project *m,
	const char *id,
	const char *parents,
	const char *up,
	const char *down)
{
	char name[64], text[8192];

	snprintf(name, sizeof(name), "%s.sql", id);
	snprintf(
		text, sizeof(text),
		"-- revision %s\n--\n-- Revision ID: %s\n-- Revises:%s%s\n"
		"-- Create Date: 2026-01-01 00:00:00 UTC\n\n-- migrate:up\n%s\n"
		"-- migrate:down\n%s\n",
		id, id, parents[0] ? " " : "", parents, up, down);
	mig_write(m, name, text);
}

/* Run SQL on the database at PATH; returns the first column as text. */
static inline char *mig_query(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(
		sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
		sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/*
** The rows of the version table, sorted, joined by ','; "" if none.  In
** a static buffer, valid until the next call.
*/
static inline char *mig_versions(const char *path)
{
	static char buf[1024];
	char *s = mig_query(
		path, "SELECT group_concat(version_num, ',') FROM (SELECT "
		      "version_num FROM retort_version ORDER BY 1)");

	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	free(s);
	return buf;
}

/* Number of entries of DIR, without . and .. */
static inline int mig_count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Join the ids of L with ','. */
static inline char *mig_join(const retort_revids *l)
{
	static char buf[4096];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, l->ids[i]);
	}
	return buf;
}

#endif /* MIG_HELPERS_H */
