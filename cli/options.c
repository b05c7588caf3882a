/*
** options.c -- one option table per command drives both getopt_long and
** --help; global options (-c FILE, --db URL) are accepted after the
** command name too, and the set-up the command needs (retort.ini, a
** database) runs once the options are read (cli layer).
*/
#include "cli.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ids of the options every command accepts. */
enum { OPT_HELP = 'h', OPT_CONFIG = 'c', OPT_DB = 1000 };

/* Appended to every command's table. */
static const cli_option global_options[] = {
	{ OPT_HELP, "help", NULL, "show this help" },
	{ OPT_CONFIG, "config", "FILE", "read FILE instead of ./retort.ini" },
	{ OPT_DB, "db", "URL", "the database (overrides retort.ini)" },
	{ 0, NULL, NULL, NULL }
};

/* Add one option to getopt_long's tables. */
static void add_option(cli_parser *p, size_t *nlong, const cli_option *o)
{
	if (o->id < 256) {
		size_t n = strlen(p->shorts);

		assert(n + 3 < sizeof(p->shorts)); /* else widen shorts */
		p->shorts[n++] = (char)o->id;
		if (o->arg)
			p->shorts[n++] = ':';
		p->shorts[n] = '\0';
	}
	if (o->long_name) {
		assert(*nlong + 1 < sizeof(p->longs) / sizeof(p->longs[0]));
		p->longs[*nlong].name = o->long_name;
		p->longs[*nlong].has_arg =
			o->arg ? required_argument : no_argument;
		p->longs[*nlong].flag = NULL;
		p->longs[*nlong].val = o->id;
		(*nlong)++;
	}
}

void cli_parser_init(
	cli_parser *p,
	cli_ctx *cli,
	int argc,
	char **argv,
	const cli_usage *usage)
{
	const cli_option *o;
	size_t nlong = 0;

	memset(p, 0, sizeof(*p));
	p->cli = cli;
	p->argc = argc;
	p->argv = argv;
	p->usage = usage;
	strcpy(p->shorts, ":"); /* report a missing argument as ':' */
	for (o = usage->options; o->id; o++)
		add_option(p, &nlong, o);
	for (o = global_options; o->id; o++)
		add_option(p, &nlong, o);
	optind = 0; /* glibc: start afresh (main() used getopt already) */
	opterr = 0; /* we print our own messages */
}

/* The name of the option at ARGV[optind - 1] for messages. */
static const char *bad_option(const cli_parser *p, char *buf, size_t n)
{
	const char *word = p->argv[optind - 1];

	if (optopt && optopt < 256 && strncmp(word, "--", 2))
		snprintf(buf, n, "-%c", optopt);
	else
		snprintf(buf, n, "%.*s", (int)strcspn(word, "="), word);
	return buf;
}

static void print_help(const cli_usage *usage);

/* Load retort.ini and check the database, as p->cli->needs says. */
static int set_up(cli_parser *p)
{
	cli_ctx *cli = p->cli;
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	size_t i;

	if (!(cli->needs & (CLI_NEED_CONFIG | CLI_NEED_PROJECT | CLI_NEED_DB)))
		return CLI_ARGS_DONE;
	o.path = cli->config_path;
	o.database = cli->db;
	o.env_database = getenv("RETORT_DATABASE");
	o.require_file = (cli->needs & CLI_NEED_PROJECT) != 0;
	if (retort_config_load(&cli->config, &o, &err) != RETORT_OK) {
		if (err.code == RETORT_ENOTFOUND && !cli->config_path)
			fprintf(stderr,
				"retort: %s: %s (run 'retort init' or give -c FILE)\n",
				err.what, err.why);
		else
			cli_status(err.code, &err);
		return CLI_ARGS_FAIL;
	}
	for (i = 0; i < cli->config->nwarnings; i++)
		cli_warn(cli->config->warnings[i]);
	if ((cli->needs & CLI_NEED_DB) && !cli->config->database) {
		cli_fail(
			cli->cmd,
			"no database: set database in retort.ini, RETORT_DATABASE or --db");
		return CLI_ARGS_FAIL;
	}
	return CLI_ARGS_DONE;
}

int cli_getopt(cli_parser *p)
{
	char name[64];
	int c;

	for (;;) {
		c = getopt_long(p->argc, p->argv, p->shorts, p->longs, NULL);
		p->arg = optarg;
		switch (c) {
		case -1:
			return set_up(p);
		case OPT_HELP:
			print_help(p->usage);
			return CLI_ARGS_EXIT;
		case OPT_CONFIG:
			p->cli->config_path = optarg;
			continue;
		case OPT_DB:
			p->cli->db = optarg;
			continue;
		case ':':
			cli_usage_error(
				p, "option '%s' needs a value",
				bad_option(p, name, sizeof(name)));
			return CLI_ARGS_FAIL;
		case '?':
			cli_usage_error(
				p, "unknown option '%s'",
				bad_option(p, name, sizeof(name)));
			return CLI_ARGS_FAIL;
		default:
			return c;
		}
	}
}

int cli_getopt_status(int end)
{
	return end == CLI_ARGS_EXIT ? CLI_OK : CLI_ERROR;
}

int cli_usage_error(const cli_parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "retort: %s: ", p->cli->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n(see 'retort %s --help')\n",
		p->usage->synopsis, p->cli->cmd);
	return CLI_ERROR;
}

/* Print the options of TABLE as an aligned list. */
static void print_options(const cli_option *table)
{
	const cli_option *o;

	for (o = table; o->id; o++) {
		char left[64];
		int n = 0;

		if (o->id < 256 && o->long_name)
			n = snprintf(
				left, sizeof(left), "-%c, --%s", o->id,
				o->long_name);
		else if (o->id < 256)
			n = snprintf(left, sizeof(left), "-%c", o->id);
		else
			n = snprintf(
				left, sizeof(left), "    --%s", o->long_name);
		if (o->arg && n > 0 && (size_t)n < sizeof(left))
			snprintf(
				left + n, sizeof(left) - (size_t)n, " %s",
				o->arg);
		printf("  %-28s %s\n", left, o->help);
	}
}

/* Print --help for USAGE to stdout. */
static void print_help(const cli_usage *usage)
{
	printf("usage: %s\n\n%s\n", usage->synopsis, usage->about);
	if (usage->options[0].id) {
		printf("\nOptions:\n");
		print_options(usage->options);
	}
	printf("\nGlobal options (before or after the command):\n");
	print_options(global_options);
}
