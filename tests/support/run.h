/*
** run.h -- test support: run the real retort binary (RETORT_BINARY) and
** capture its stdout, stderr and exit status, under valgrind when
** RETORT_VALGRIND=1; and the temporary folders and files e2e tests use.
*/
#ifndef RETORT_TEST_RUN_H
#define RETORT_TEST_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* What a run of the binary gave. */
typedef struct run_result {
	int status;     /* exit status; 128 + N when killed by signal N */
	char *out;      /* stdout, NUL-terminated (from malloc) */
	size_t out_len; /* its length */
	char *err;      /* stderr, NUL-terminated (from malloc) */
	size_t err_len; /* its length */
} run_result;

/* How to run it; a zeroed struct (or NULL) is the default. */
typedef struct run_options {
	const char *in;          /* stdin's contents; NULL: /dev/null */
	size_t in_len;           /* length of in */
	const char *const *env;  /* "NAME=value" to set or "NAME" to
				    unset, NULL-terminated; NULL: none */
	const char *cwd;         /* working folder; NULL: the test's */
	const char *stdout_path; /* send stdout to this file (e.g. /dev/full)
				    instead of capturing it */
	bool tty;                /* stdout is a terminal (a pty; its
				    output has "\r\n" line ends) */
} run_options;

/*
** Run RETORT_BINARY with the NULL-terminated argument list ARGS (argv[1]
** on), wait for it and fill R (free it with run_result_dispose()).
** RETORT_DATABASE and NO_COLOR are removed from its environment unless
** OPTS->env sets them.  A run that valgrind finds faulty (exit 99) fails
** the calling Criterion test with valgrind's report.
*/
void run_retortv(
	run_result *r, const run_options *opts, const char *const *args);

/* The same with the arguments inline: run_retort(&r, NULL, "diff", a, b,
 * NULL). */
void run_retort(run_result *r, const run_options *opts, ...);

/* Free what R holds. */
void run_result_dispose(run_result *r);

/*
** The running test's temporary folder: test_dir_make() (a TestSuite's
** .init) makes it, test_dir_remove() (its .fini) removes it with its
** contents.  Each Criterion test runs in a process of its own.
*/
extern char *test_dir;
void test_dir_make(void);
void test_dir_remove(void);

/* A new empty folder under /tmp (from malloc); the test fails if it
 * cannot be made. */
char *tmpdir_new(void);

/* Remove DIR and everything in it, then free DIR.  NULL is a no-op. */
void tmpdir_free(char *dir);

/* DIR/NAME in a static buffer (valid until the next call). */
const char *path_in(const char *dir, const char *name);

/* Write LEN bytes of DATA to PATH (fails the test on error). */
void file_write(const char *path, const char *data, size_t len);

/* Write the string TEXT to PATH. */
void file_write_text(const char *path, const char *text);

/* The contents of PATH (from malloc, NUL-terminated), or NULL. */
char *file_read(const char *path, size_t *len);

/* Whether PATH exists. */
bool file_exists(const char *path);

/* Number of entries in DIR (without . and ..). */
int dir_count(const char *dir);

/* Create the SQLite database PATH by running SQL in it (fails the test
 * on error). */
void db_create(const char *path, const char *sql);

#endif /* RETORT_TEST_RUN_H */
