/*
** files.c -- test support: temporary folders under /tmp removed with
** their contents, small file helpers, and SQLite databases made from SQL
** text for the end-to-end tests.
*/
#define _XOPEN_SOURCE 700 /* nftw() */

#include "run.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

char *tmpdir_new(void)
{
	char *dir = strdup("/tmp/retort-test-XXXXXX");

	cr_assert_not_null(dir);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	return dir;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tmpdir_free(char *dir)
{
	if (!dir)
		return;
	/* children first (FTW_DEPTH), without following symbolic links */
	cr_expect_eq(
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0,
		"cannot remove %s", dir);
	free(dir);
}

char *test_dir;

void test_dir_make(void)
{
	test_dir = tmpdir_new();
}

void test_dir_remove(void)
{
	tmpdir_free(test_dir);
	test_dir = NULL;
}

const char *path_in(const char *dir, const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

void file_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len, "%s", path);
	cr_assert_eq(fclose(f), 0, "%s", path);
}

void file_write_text(const char *path, const char *text)
{
	file_write(path, text, strlen(text));
}

char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 4096, got;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	cr_assert_not_null(buf);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int dir_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

void db_create(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc = sqlite3_open(path, &db);

	cr_assert_eq(rc, SQLITE_OK, "%s: %s", path, sqlite3_errmsg(db));
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", path, msg ? msg : "?");
	cr_assert_eq(sqlite3_close(db), SQLITE_OK);
}
