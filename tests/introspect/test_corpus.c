/*
** test_corpus.c -- every schema of the corpus (RETORT_CORPUS_DIR: each
** NAME.sql, with its NAME.data.sql rows when there are some) loads from
** its .sql file and from a database file made from it, with identical
** snapshots, and round-trips: snapshot -> retort_schema_to_sql() -> new
** database -> snapshot is identical.  Groups: introspect_corpus.
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "introspect.h"
#include "retort.h"
#include "run.h"

/* The names of the corpus schemas (NAME.sql without .data.sql), sorted;
 * returns their count. */
static size_t corpus_names(char ***out)
{
	DIR *d = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, len;

	cr_assert_not_null(d, "no corpus at %s", RETORT_CORPUS_DIR);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") ||
		    (len > 9 && !strcmp(e->d_name + len - 9, ".data.sql")))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		cr_assert_not_null(v);
		v[n] = strndup(e->d_name, len - 4);
		cr_assert_not_null(v[n++]);
	}
	closedir(d);
	for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	return n;
}

/* The snapshot of SOURCE as JSON (from malloc), or NULL with a failed
 * expectation. */
static char *snapshot(const char *source)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;
	retort_buf b = RETORT_BUF_INIT;

	if (retort_schema_load(&s, source, NULL, &err) != RETORT_OK) {
		cr_expect_fail("%s: %s: %s", source, err.what, err.why);
		return NULL;
	}
	cr_expect_eq(retort_schema_to_json(&b, s, &err), RETORT_OK);
	retort_schema_free(s);
	return retort_buf_detach(&b);
}

/* The snapshot of the schema that the SQL of JSON's schema creates. */
static char *round_trip(const char *json, const char *name)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL, *s2 = NULL;
	retort_buf sql = RETORT_BUF_INIT, out = RETORT_BUF_INIT;
	char *result = NULL;

	cr_assert_eq(
		retort_schema_from_json(&s, json, strlen(json), name, &err),
		RETORT_OK, "%s: %s", name, err.why);
	cr_assert_eq(
		retort_schema_to_sql(&sql, s, &err), RETORT_OK, "%s: %s", name,
		err.why);
	if (retort__schema_from_sql(&s2, sql.ptr, name, &err) == RETORT_OK &&
	    retort_schema_to_json(&out, s2, &err) == RETORT_OK)
		result = retort_buf_detach(&out);
	else
		cr_expect_fail(
			"%s: the SQL of its snapshot fails: %s: %s", name,
			err.what, err.why);
	retort_buf_dispose(&sql);
	retort_buf_dispose(&out);
	retort_schema_free(s);
	retort_schema_free(s2);
	return result;
}

/* Run the file PATH (trusted corpus SQL) in DB, if it exists. */
static void run_file(sqlite3 *db, const char *path, bool must_exist)
{
	char *sql = file_read(path, NULL), *msg = NULL;

	if (!sql) {
		cr_assert_not(must_exist, "cannot read %s", path);
		return;
	}
	cr_assert_eq(
		sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s",
		path, msg ? msg : "?");
	free(sql);
}

/* Make DB_PATH from corpus schema NAME and its rows. */
static void make_database(const char *db_path, const char *name)
{
	char path[4096];
	sqlite3 *db;

	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	/* one transaction, no fsync: thousands of statements stay quick */
	cr_assert_eq(
		sqlite3_exec(
			db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL),
		SQLITE_OK);
	snprintf(path, sizeof(path), "%s/%s.sql", RETORT_CORPUS_DIR, name);
	run_file(db, path, true);
	snprintf(path, sizeof(path), "%s/%s.data.sql", RETORT_CORPUS_DIR, name);
	run_file(db, path, false);
	cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}

Test(introspect_corpus, loads_and_round_trips, .timeout = 120)
{
	char **names, *dir = tmpdir_new(), path[4096], db[4096];
	size_t n = corpus_names(&names), i;

	cr_assert_geq(n, 20, "the corpus has %zu schemas", n);
	for (i = 0; i < n; i++) {
		char *a, *b;

		snprintf(
			path, sizeof(path), "%s/%s.sql", RETORT_CORPUS_DIR,
			names[i]);
		snprintf(db, sizeof(db), "%s/%s.db", dir, names[i]);
		make_database(db, names[i]);
		a = snapshot(path);
		b = snapshot(db);
		if (a && b)
			cr_expect_str_eq(
				a, b, "%s: .sql and .db differ", names[i]);
		free(b);
		b = a ? round_trip(a, names[i]) : NULL;
		if (b)
			cr_expect_str_eq(
				a, b, "%s: does not round-trip", names[i]);
		free(a);
		free(b);
		free(names[i]);
	}
	free(names);
	tmpdir_free(dir);
}
