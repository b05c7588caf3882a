/*
** run.c -- test support: run the real retort binary with arguments,
** stdin, environment and working folder, capturing stdout, stderr and
** the exit status; under valgrind when RETORT_VALGRIND=1, where an exit
** status of 99 (valgrind found an error) fails the test.
*/
#define _XOPEN_SOURCE 700 /* setenv() and friends, with <stdlib.h> */

#include "run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds a run may take before it is killed (a hang fails the test). */
#define RUN_TIMEOUT 300

/* A file for one captured stream, already unlinked: only FD remains. */
static int capture_file(void)
{
	char name[] = "/tmp/retort-run-XXXXXX";
	int fd = mkstemp(name);

	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(name);
	return fd;
}

/*
** Read FD to its end into a new string.  A terminal's master side ends
** with EIO once the child has closed it, which ends the reading too.
*/
static char *read_all(int fd, size_t *len)
{
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	ssize_t got;

	cr_assert_not_null(buf);
	while ((got = read(fd, buf + n, cap - n)) > 0 ||
	       (got < 0 && errno == EINTR)) {
		n += got > 0 ? (size_t)got : 0;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The whole of the file FD, from its start, as a new string. */
static char *slurp(int fd, size_t *len)
{
	lseek(fd, 0, SEEK_SET);
	return read_all(fd, len);
}

static bool use_valgrind(void)
{
	const char *v = getenv("RETORT_VALGRIND");

	return v && !strcmp(v, "1");
}

/* In the child: environment, folder, streams; then exec. Never returns. */
static void
child(const run_options *o, const char *const *argv, int in, int out, int err)
{
	const char *const *e;

	unsetenv("RETORT_DATABASE");
	unsetenv("NO_COLOR");
	for (e = o->env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char name[256];

		if (!eq) {
			unsetenv(*e);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		setenv(name, eq + 1, 1);
	}
	if ((o->cwd && chdir(o->cwd)) || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		_exit(127);
	alarm(RUN_TIMEOUT); /* survives exec: SIGALRM ends a hung run */
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* The command line: [valgrind options] RETORT_BINARY ARGS. */
static const char **build_argv(const char *const *args, const char *vglog)
{
	static char logopt[128];
	size_t n = 0, i;
	const char **argv;

	while (args[n])
		n++;
	argv = calloc(n + 8, sizeof(*argv));
	cr_assert_not_null(argv);
	i = 0;
	if (vglog) {
		snprintf(logopt, sizeof(logopt), "--log-file=%s", vglog);
		argv[i++] = "/usr/bin/valgrind";
		argv[i++] = "-q";
		argv[i++] = "--error-exitcode=99";
		argv[i++] = "--leak-check=full";
		argv[i++] = "--errors-for-leak-kinds=definite";
		argv[i++] = logopt;
	}
	argv[i++] = RETORT_BINARY;
	memcpy(argv + i, args, (n + 1) * sizeof(*argv));
	return argv;
}

/* Fail the test with valgrind's report when it found an error. */
static void check_valgrind(const run_result *r, const char *vglog)
{
	size_t n;
	int fd = open(vglog, O_RDONLY);
	char *report = fd >= 0 ? slurp(fd, &n) : NULL;

	if (fd >= 0)
		close(fd);
	unlink(vglog);
	cr_assert_neq(
		r->status, 99, "valgrind found errors in retort:\n%s",
		report ? report : "(no report)");
	free(report);
}

/* A pseudo-terminal for stdout: *master to read, returns the slave. */
static int open_tty(int *master)
{
	int slave;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert(*master >= 0, "posix_openpt: %s", strerror(errno));
	cr_assert_eq(grantpt(*master), 0);
	cr_assert_eq(unlockpt(*master), 0);
	slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	cr_assert(slave >= 0, "%s: %s", ptsname(*master), strerror(errno));
	return slave;
}

void run_retortv(
	run_result *r, const run_options *opts, const char *const *args)
{
	static const run_options none = { 0 };
	char vglog[] = "/tmp/retort-vg-XXXXXX";
	int in, out, err, status, master = -1;
	const char **argv;
	pid_t pid;

	opts = opts ? opts : &none;
	if (use_valgrind()) {
		int fd = mkstemp(vglog);

		cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
		close(fd);
	}
	argv = build_argv(args, use_valgrind() ? vglog : NULL);
	in = capture_file();
	if (opts->in && opts->in_len)
		cr_assert_eq(
			write(in, opts->in, opts->in_len),
			(ssize_t)opts->in_len);
	lseek(in, 0, SEEK_SET);
	if (opts->tty)
		out = open_tty(&master);
	else if (opts->stdout_path)
		out = open(opts->stdout_path, O_WRONLY);
	else
		out = capture_file();
	cr_assert(out >= 0, "%s: %s", opts->stdout_path, strerror(errno));
	err = capture_file();
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		child(opts, argv, in, out, err);
	free(argv);
	r->out_len = 0;
	if (opts->tty) {
		close(out); /* the child holds the only other end */
		out = master;
		r->out = read_all(master, &r->out_len);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status)
				      : 128 + WTERMSIG(status);
	if (!opts->tty)
		r->out = opts->stdout_path ? strdup("")
					   : slurp(out, &r->out_len);
	cr_assert_not_null(r->out);
	r->err = slurp(err, &r->err_len);
	close(in);
	close(out);
	close(err);
	if (use_valgrind())
		check_valgrind(r, vglog);
}

void run_retort(run_result *r, const run_options *opts, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, opts);
	while ((args[n] = va_arg(ap, const char *)) != NULL)
		cr_assert_lt(++n, sizeof(args) / sizeof(args[0]) - 1);
	va_end(ap);
	run_retortv(r, opts, args);
}

void run_result_dispose(run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
