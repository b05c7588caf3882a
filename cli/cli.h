/*
** cli.h -- what the retort command's files share (cli layer): the
** command context and its set-up flags, the option parser that drives
** both getopt_long and --help, error and exit-status helpers, output.
*/
#ifndef RETORT_CLI_H
#define RETORT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "retort.h"

/* Exit statuses (SPEC §6). */
enum cli_status {
	CLI_OK = 0,        /* success, no differences */
	CLI_DIFFERENT = 1, /* differences, drift, pending revisions */
	CLI_ERROR = 2      /* any error: usage, input, SQLite */
};

/* What a command needs before it runs (the `needs` of the table). */
enum cli_need {
	CLI_NEED_CONFIG = 1u << 0,  /* read retort.ini when there is one */
	CLI_NEED_PROJECT = 1u << 1, /* a retort.ini must exist */
	CLI_NEED_DB = 1u << 2       /* a database must be configured */
};

/* The state shared by main() and a command. */
typedef struct cli_ctx {
	const char *cmd;         /* the command's name ("diff") */
	unsigned needs;          /* cli_need flags, from the command table */
	const char *config_path; /* -c FILE, or NULL */
	const char *db;          /* --db URL, or NULL */
	retort_config *config;   /* loaded by the set-up; NULL without
				    CLI_NEED_* flags */
} cli_ctx;

/* A command: returns a cli_status; ARGV[0] is the command's name. */
typedef int (*cli_fn)(cli_ctx *cli, int argc, char **argv);

/* One option of a command (the table ends with an all-zero entry). */
typedef struct cli_option {
	int id;                /* a short option letter, or >= 256 for a
				  long-only option */
	const char *long_name; /* "format", or NULL for a short-only one */
	const char *arg;       /* the argument's name ("FILE"); NULL for a
				  flag */
	const char *help;      /* one line for --help */
} cli_option;

/* Usage of a command: what --help prints and the parser reads. */
typedef struct cli_usage {
	const char *synopsis;      /* "retort diff [<options>] FROM TO" */
	const char *about;         /* a paragraph on what it does */
	const cli_option *options; /* the option table */
} cli_usage;

/* The parser over one command's arguments (see cli_getopt()). */
typedef struct cli_parser {
	cli_ctx *cli;            /* the context: gets -c and --db */
	int argc;                /* the command's arguments */
	char **argv;             /* ARGV[0] is the command's name */
	const cli_usage *usage;  /* options and help text */
	const char *arg;         /* the current option's argument */
	struct option longs[40]; /* getopt_long's table */
	char shorts[80];         /* getopt_long's short options */
} cli_parser;

/* What cli_getopt() returns besides an option's id. */
enum cli_getopt_end {
	CLI_ARGS_DONE = -1, /* options parsed and set-up done: the
			       operands start at argv[optind] */
	CLI_ARGS_EXIT = -2, /* --help printed: exit 0 */
	CLI_ARGS_FAIL = -3  /* a usage or set-up error was printed: exit 2 */
};

/* Start parsing ARGC/ARGV of the command with usage USAGE. */
void cli_parser_init(
	cli_parser *p,
	cli_ctx *cli,
	int argc,
	char **argv,
	const cli_usage *usage);

/*
** The next option's id (its argument in p->arg), or a cli_getopt_end.
** Global options (-c, --db) and --help are handled here; at the end of
** the options the set-up that the command's `needs` ask for is done.
*/
int cli_getopt(cli_parser *p);

/* The exit status for a cli_getopt_end other than CLI_ARGS_DONE. */
int cli_getopt_status(int end);

/* Print "retort: <cmd>: <why>" and the usage line; returns CLI_ERROR. */
int cli_usage_error(const cli_parser *p, const char *fmt, ...)
	RETORT_FORMAT(2, 3);

/*
** The exit status of a library result: RC itself when it is >= 0, else
** CLI_ERROR after printing "retort: <what>: <why>" from ERR.
*/
int cli_status(int rc, const retort_error *err);

/* Print "retort: <what>: <why>" (WHAT may be NULL); returns CLI_ERROR. */
int cli_fail(const char *what, const char *fmt, ...) RETORT_FORMAT(2, 3);

/* Print "retort: warning: <text>" on stderr. */
void cli_warn(const char *text);

/* Whether to colour stdout: a terminal, and NO_COLOR unset or empty. */
bool cli_use_color(void);

/* An output being written: stdout, or a file replaced only when whole. */
typedef struct cli_out {
	const char *path; /* the target file; NULL for stdout */
	char *tmp;        /* the temporary file beside it (from malloc) */
	FILE *f;          /* where the bytes go */
} cli_out;

/*
** Start writing to PATH (NULL or "-": stdout): a temporary file in the
** same folder, so that PATH is never partial.
*/
int cli_out_open(cli_out *o, const char *path, retort_error *err);

/* Write LEN bytes of DATA to the cli_out CTX (a retort_write_fn). */
int cli_out_write(void *ctx, const char *data, size_t len, retort_error *err);

/*
** Finish: when RC is RETORT_OK, flush and close the temporary file and
** rename it over the target; otherwise remove it.  Returns RC, or the
** failure to finish.  Stdout is left to main()'s check at exit.
*/
int cli_out_close(cli_out *o, int rc, retort_error *err);

/* Write LEN bytes of DATA to PATH (NULL or "-": stdout) in one go. */
int cli_write_output(
	const char *path, const char *data, size_t len, retort_error *err);

/* Rename hints from --rename arguments (SPEC §8), owned by the list. */
typedef struct cli_renames {
	retort_rename *items; /* the hints, in the order given */
	char **blocks;        /* one malloc() block of names per hint */
	size_t n;             /* count of items and blocks */
} cli_renames;

/* clang-format off */
#define CLI_RENAMES_INIT { NULL, NULL, 0 }
/* clang-format on */

/*
** Parse ARG ("OLD=NEW", "TABLE.OLD=NEW", names with "." or "=" double
** quoted) and append it to R.  RETORT_EINVAL with err set on bad syntax.
*/
int cli_renames_add(cli_renames *r, const char *arg, retort_error *err);

/* Free what R owns and reset it. */
void cli_renames_dispose(cli_renames *r);

/* The commands (one cli/cmd_<name>.c each). */
int cmd_snapshot(cli_ctx *cli, int argc, char **argv);
int cmd_diff(cli_ctx *cli, int argc, char **argv);
int cmd_init(cli_ctx *cli, int argc, char **argv);
int cmd_revision(cli_ctx *cli, int argc, char **argv);
int cmd_upgrade(cli_ctx *cli, int argc, char **argv);
int cmd_downgrade(cli_ctx *cli, int argc, char **argv);
int cmd_current(cli_ctx *cli, int argc, char **argv);
int cmd_heads(cli_ctx *cli, int argc, char **argv);
int cmd_branches(cli_ctx *cli, int argc, char **argv);
int cmd_history(cli_ctx *cli, int argc, char **argv);
int cmd_show(cli_ctx *cli, int argc, char **argv);
int cmd_stamp(cli_ctx *cli, int argc, char **argv);
int cmd_merge(cli_ctx *cli, int argc, char **argv);
int cmd_check(cli_ctx *cli, int argc, char **argv);
int cmd_status(cli_ctx *cli, int argc, char **argv);
int cmd_drift_sql(cli_ctx *cli, int argc, char **argv);
int cmd_rehash(cli_ctx *cli, int argc, char **argv);

/* The migrate options of the loaded configuration, with the progress
 * display on a terminal (cli/cmd_upgrade.c). */
void cli_migrate_options(const cli_ctx *cli, retort_migrate_options *out);

#endif /* RETORT_CLI_H */
