/*
** test_e2e_main.c -- the retort binary's global behaviour, end to end:
** --help, --version, help, unknown commands and options, exit statuses,
** and a failed write to stdout.
** Groups: cli_main.
*/
#include <criterion/criterion.h>
#include <string.h>

#include "retort.h"
#include "run.h"

Test(cli_main, version)
{
	const char *want = "retort " RETORT_VERSION " (SQLite ";
	run_result r;

	run_retort(&r, NULL, "--version", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, want, strlen(want)), "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_result_dispose(&r);
}

Test(cli_main, help_lists_commands_and_exit_statuses)
{
	run_result r;

	run_retort(&r, NULL, "--help", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "usage: retort"), "%s", r.out);
	cr_expect(strstr(r.out, "\n  help "), "%s", r.out);
	cr_expect(strstr(r.out, "--db URL"), "%s", r.out);
	cr_expect(strstr(r.out, "2 error"), "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_result_dispose(&r);

	run_retort(&r, NULL, "help", NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "usage: retort"), "%s", r.out);
	run_result_dispose(&r);
}

Test(cli_main, no_command_is_a_usage_error)
{
	run_result r;

	run_retort(&r, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect(!strncmp(r.err, "usage: retort", 13), "%s", r.err);
	run_result_dispose(&r);
}

Test(cli_main, unknown_command)
{
	run_result r;

	run_retort(&r, NULL, "frobnicate", "x", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(
		r.err,
		"retort: 'frobnicate' is not a retort command (see 'retort --help')\n");
	run_result_dispose(&r);

	run_retort(&r, NULL, "help", "frobnicate", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err,
		"retort: 'frobnicate' is not a retort command (see 'retort --help')\n");
	run_result_dispose(&r);
}

Test(cli_main, unknown_and_incomplete_global_options)
{
	run_result r;

	run_retort(&r, NULL, "--frob", "help", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err,
		"retort: unknown option '--frob' (see 'retort --help')\n");
	run_result_dispose(&r);

	run_retort(&r, NULL, "--db", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err,
		"retort: option '--db' needs a value (see 'retort --help')\n");
	run_result_dispose(&r);
}

Test(cli_main, stdout_write_error_is_exit_2)
{
	run_options o = { .stdout_path = "/dev/full" };
	run_result r;

	run_retort(&r, &o, "--help", NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(
		r.err,
		"retort: stdout: write error: No space left on device\n");
	run_result_dispose(&r);
}
