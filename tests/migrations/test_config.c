/*
** test_config.c -- the retort.ini reader (migrations/config.c).
** Groups: migrations_config (keys, defaults, interpolation, paths, the
** database override order, warnings, bad values, files on disk, running
** out of memory).
*/
#define _XOPEN_SOURCE 700 /* realpath() */

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_int.h"
#include "retort/config.h"

/* A configuration file that does not exist: `here` is its folder. */
#define INI "/nonexistent/proj/retort.ini"

static retort_config *parse_ok(const char *text, const retort_config_options *o)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;
	int rc = retort_config_parse(&cfg, text, INI, o, &err);

	cr_assert_eq(rc, RETORT_OK, "%s: %s", err.what, err.why);
	cr_assert_not_null(cfg);
	return cfg;
}

/* Parse TEXT, expect CODE, and return the error record. */
static retort_error parse_fail(const char *text, int code)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = (retort_config *)1;
	int rc = retort_config_parse(&cfg, text, INI, NULL, &err);

	cr_assert_eq(rc, code, "rc %d: %s: %s", rc, err.what, err.why);
	cr_assert_null(cfg);
	cr_assert_eq(err.code, code);
	return err;
}

Test(migrations_config, defaults_without_keys)
{
	retort_config *cfg = parse_ok("", NULL);

	cr_expect_str_eq(cfg->path, INI);
	cr_expect_str_eq(cfg->here, "/nonexistent/proj");
	cr_expect_str_eq(cfg->script_location, "/nonexistent/proj/migrations");
	cr_expect_null(cfg->database);
	cr_expect_null(cfg->database_origin);
	cr_expect_null(cfg->model);
	cr_expect_str_eq(
		cfg->file_template,
		"%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s");
	cr_expect_str_eq(cfg->timezone, "UTC");
	cr_expect_eq(cfg->compare_type, RETORT_COMPARE_TYPE_DECLARED);
	cr_expect_eq(cfg->compare_server_default, 1);
	cr_expect_str_eq(cfg->version_table, "retort_version");
	cr_expect_null(cfg->naming.ix);
	cr_expect_null(cfg->naming.pk);
	cr_expect_eq(cfg->nwarnings, 0);
	retort_config_free(cfg);
}

/* The example of SPEC §5, key by key. */
Test(migrations_config, spec_example)
{
	const char *text =
		"[retort]\n"
		"script_location = migrations\n"
		"database = sqlite:///./app.db\n"
		"model = schema.sql\n"
		"file_template = "
		"%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s\n"
		"timezone = Europe/Paris\n"
		"compare_type = affinity\n"
		"compare_server_default = false\n"
		"version_table = my_versions\n"
		"\n"
		"[naming_convention]\n"
		"ix = ix_%(column_0_label)s\n"
		"uq = uq_%(table_name)s_%(column_0_name)s\n"
		"ck = ck_%(table_name)s_%(constraint_name)s\n"
		"fk = fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\n"
		"pk = pk_%(table_name)s\n";
	retort_config *cfg = parse_ok(text, NULL);

	cr_expect_str_eq(cfg->script_location, "/nonexistent/proj/migrations");
	cr_expect_str_eq(cfg->database, "/nonexistent/proj/app.db");
	cr_expect_str_eq(cfg->database_origin, INI ":3");
	cr_expect_str_eq(cfg->model, "/nonexistent/proj/schema.sql");
	cr_expect_str_eq(
		cfg->file_template,
		"%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s");
	cr_expect_str_eq(cfg->timezone, "Europe/Paris");
	cr_expect_eq(cfg->compare_type, RETORT_COMPARE_TYPE_AFFINITY);
	cr_expect_eq(cfg->compare_server_default, 0);
	cr_expect_str_eq(cfg->version_table, "my_versions");
	cr_expect_str_eq(cfg->naming.ix, "ix_%(column_0_label)s");
	cr_expect_str_eq(cfg->naming.uq, "uq_%(table_name)s_%(column_0_name)s");
	cr_expect_str_eq(
		cfg->naming.ck, "ck_%(table_name)s_%(constraint_name)s");
	cr_expect_str_eq(
		cfg->naming.fk,
		"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s");
	cr_expect_str_eq(cfg->naming.pk, "pk_%(table_name)s");
	cr_expect_eq(cfg->nwarnings, 0);
	retort_config_free(cfg);
}

Test(migrations_config, sqlalchemy_url_is_database)
{
	retort_config *cfg = parse_ok(
		"[retort]\nsqlalchemy.url = sqlite:////var/db/x.db\n", NULL);

	cr_expect_str_eq(cfg->database, "/var/db/x.db");
	cr_expect_str_eq(cfg->database_origin, INI ":2");
	retort_config_free(cfg);
}

Test(migrations_config, database_and_alias_together_is_an_error)
{
	retort_error err = parse_fail(
		"[retort]\ndatabase = a.db\nsqlalchemy.url = b.db\n",
		RETORT_EINVAL);

	cr_expect_str_eq(err.what, INI ":3");
	cr_expect(strstr(err.why, "sqlalchemy.url"), "%s", err.why);
	cr_expect(strstr(err.why, "line 2"), "%s", err.why);
}

Test(migrations_config, url_and_path_forms)
{
	static const struct {
		const char *value, *path;
	} cases[] = {
		{ "sqlite:///app.db", "/nonexistent/proj/app.db" },
		{ "sqlite:///./data/app.db", "/nonexistent/proj/data/app.db" },
		{ "sqlite:////abs/app.db", "/abs/app.db" },
		{ "sqlite+aiosqlite:///a.db", "/nonexistent/proj/a.db" },
		{ "sqlite+pysqlite:////b.db", "/b.db" },
		{ "SQLite:///c.db", "/nonexistent/proj/c.db" },
		{ "plain.db", "/nonexistent/proj/plain.db" },
		{ "/abs/plain.db", "/abs/plain.db" },
		{ "%(here)s/h.db", "/nonexistent/proj/h.db" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		retort_config *cfg;

		snprintf(
			text, sizeof(text), "[retort]\ndatabase=%s\n",
			cases[i].value);
		cfg = parse_ok(text, NULL);
		cr_expect_str_eq(
			cfg->database, cases[i].path, "%s", cases[i].value);
		retort_config_free(cfg);
	}
}

Test(migrations_config, bad_database_urls)
{
	static const char *const bad[] = { "postgresql://u@h/db", "sqlite://",
					   "sqlite:///",
					   "sqlite:///a.db?mode=ro",
					   "sqlite:relative.db?x" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		retort_error err;

		snprintf(
			text, sizeof(text), "[retort]\n\ndatabase = %s\n",
			bad[i]);
		if (!strcmp(bad[i], "sqlite:relative.db?x")) {
			/* not a URL at all: a (strange) relative file name */
			retort_config *cfg = parse_ok(text, NULL);

			cr_expect_str_eq(
				cfg->database,
				"/nonexistent/proj/sqlite:relative.db?x");
			retort_config_free(cfg);
			continue;
		}
		err = parse_fail(text, RETORT_EINVAL);
		cr_expect_str_eq(err.what, INI ":3", "%s", bad[i]);
		cr_expect(strstr(err.why, "database"), "%s", err.why);
	}
}

Test(migrations_config, empty_database_is_unset)
{
	retort_config *cfg = parse_ok("[retort]\ndatabase =\n", NULL);

	cr_expect_null(cfg->database);
	retort_config_free(cfg);
}

Test(migrations_config, override_order)
{
	const char *text = "[retort]\ndatabase = sqlite:///file.db\n";
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_config *cfg;

	o.env_database = "sqlite:///env.db";
	cfg = parse_ok(text, &o);
	cr_expect_str_eq(cfg->database, "env.db"); /* relative to the cwd */
	cr_expect_str_eq(cfg->database_origin, "RETORT_DATABASE");
	retort_config_free(cfg);

	o.database = "/x/cli.db";
	cfg = parse_ok(text, &o);
	cr_expect_str_eq(cfg->database, "/x/cli.db");
	cr_expect_str_eq(cfg->database_origin, "--db");
	retort_config_free(cfg);

	o.database = "";
	o.env_database = "";
	cfg = parse_ok(text, &o);
	cr_expect_str_eq(cfg->database, "/nonexistent/proj/file.db");
	retort_config_free(cfg);
}

Test(migrations_config, bad_override_names_its_origin)
{
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;

	o.database = "mysql://localhost/x";
	cr_assert_eq(
		retort_config_parse(&cfg, "", INI, &o, &err), RETORT_EINVAL);
	cr_expect_null(cfg);
	cr_expect_str_eq(err.what, "--db");
	cr_expect(strstr(err.why, "not a SQLite database URL"), "%s", err.why);

	retort_error_clear(&err);
	o.database = NULL;
	o.env_database = "sqlite://";
	cr_assert_eq(
		retort_config_parse(&cfg, "", INI, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(err.what, "RETORT_DATABASE");
}

Test(migrations_config, percent_interpolation)
{
	retort_config *cfg = parse_ok(
		"[retort]\n"
		"file_template = 100%%_%(here)s_50% off_%d_%%(rev)s_%\n"
		"version_table = v%%\n",
		NULL);

	cr_expect_str_eq(
		cfg->file_template,
		"100%_/nonexistent/proj_50% off_%d_%(rev)s_%");
	cr_expect_str_eq(cfg->version_table, "v%");
	retort_config_free(cfg);
}

Test(migrations_config, unknown_interpolation_is_an_error)
{
	retort_error err = parse_fail(
		"[retort]\n; comment\nfile_template = %(rev)s_x\n",
		RETORT_EINVAL);

	cr_expect_str_eq(err.what, INI ":3");
	cr_expect(strstr(err.why, "file_template"), "%s", err.why);
	cr_expect(strstr(err.why, "'%(rev)s'"), "%s", err.why);
}

Test(migrations_config, paths_relative_to_the_file)
{
	retort_config *cfg = parse_ok(
		"[retort]\nscript_location = db/migs\nmodel = ./model/\n",
		NULL);

	cr_expect_str_eq(cfg->script_location, "/nonexistent/proj/db/migs");
	cr_expect_str_eq(cfg->model, "/nonexistent/proj/model/");
	retort_config_free(cfg);

	cfg = parse_ok(
		"[retort]\nscript_location = /srv/m\nmodel = sqlite:///m.db\n",
		NULL);
	cr_expect_str_eq(cfg->script_location, "/srv/m");
	cr_expect_str_eq(cfg->model, "/nonexistent/proj/m.db");
	retort_config_free(cfg);

	cfg = parse_ok("[retort]\nmodel = -\n", NULL);
	cr_expect_str_eq(cfg->model, "-");
	retort_config_free(cfg);
}

Test(migrations_config, unknown_keys_are_warnings)
{
	retort_config *cfg = parse_ok(
		"[retort]\nfoo = 1\n[naming_convention]\nzz = x\n"
		"[loggers]\nkeys = root\n",
		NULL);

	cr_assert_eq(cfg->nwarnings, 2);
	cr_expect_str_eq(
		cfg->warnings[0],
		INI ":2: unknown key 'foo' in [retort], ignored");
	cr_expect_str_eq(
		cfg->warnings[1],
		INI ":4: unknown key 'zz' in [naming_convention], ignored");
	retort_config_free(cfg);
}

Test(migrations_config, keys_outside_retort_are_ignored)
{
	retort_config *cfg = parse_ok(
		"compare_type = nonsense\n[alembic]\ncompare_type = x\n", NULL);

	cr_expect_eq(cfg->compare_type, RETORT_COMPARE_TYPE_DECLARED);
	cr_expect_eq(cfg->nwarnings, 0);
	retort_config_free(cfg);
}

Test(migrations_config, compare_type_values)
{
	static const struct {
		const char *text;
		retort_compare_type t;
	} cases[] = {
		{ "declared", RETORT_COMPARE_TYPE_DECLARED },
		{ "Affinity", RETORT_COMPARE_TYPE_AFFINITY },
		{ "OFF", RETORT_COMPARE_TYPE_OFF },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		char text[128];
		retort_config *cfg;

		snprintf(
			text, sizeof(text), "[retort]\ncompare_type=%s\n",
			cases[i].text);
		cfg = parse_ok(text, NULL);
		cr_expect_eq(
			cfg->compare_type, cases[i].t, "%s", cases[i].text);
		retort_config_free(cfg);
	}
}

Test(migrations_config, bad_values_name_key_and_line)
{
	static const struct {
		const char *text, *what, *why;
	} cases[] = {
		{ "[retort]\ncompare_type = exact\n", INI ":2",
		  "bad value 'exact' for compare_type (expected declared, affinity or off)" },
		{ "[retort]\n\ncompare_server_default = maybe\n", INI ":3",
		  "bad value 'maybe' for compare_server_default (expected true or false)" },
		{ "[retort]\nversion_table =\n", INI ":2",
		  "empty value for version_table" },
		{ "[retort]\nscript_location =\n", INI ":2",
		  "empty value for script_location" },
		{ "[naming_convention]\nix =\n", INI ":2",
		  "empty value for ix" },
		{ "[retort]\ntimezone = UTC\ntimezone = CET\n", INI ":3",
		  "duplicate key 'timezone' in [retort] (first at line 2)" },
		{ "[retort]\nmodel = a.sql\n  b.sql\n", INI ":3",
		  "continuation lines are not supported (value of model)" },
		{ "[retort]\nthis is not a key\n", INI ":2",
		  "syntax error (expected [section] or key = value)" },
		{ "[retort\n", INI ":1",
		  "syntax error (expected [section] or key = value)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		retort_error err = parse_fail(cases[i].text, RETORT_EINVAL);

		cr_expect_str_eq(err.what, cases[i].what, "case %zu", i);
		cr_expect_str_eq(err.why, cases[i].why, "case %zu", i);
	}
}

Test(migrations_config, indented_first_key_is_not_a_continuation)
{
	retort_config *cfg = parse_ok(
		"[retort]\n  timezone = CET\n; c\n[naming_convention]\n  ix = i\n",
		NULL);

	cr_expect_str_eq(cfg->timezone, "CET");
	cr_expect_str_eq(cfg->naming.ix, "i");
	retort_config_free(cfg);
}

Test(migrations_config, long_line_is_an_error_not_a_cut)
{
	char text[600];
	retort_error err;

	snprintf(text, sizeof(text), "[retort]\nmodel = %0400d\n", 7);
	err = parse_fail(text, RETORT_EINVAL);
	cr_expect_str_eq(err.what, INI ":2");
	cr_expect(strstr(err.why, "line longer than"), "%s", err.why);
}

/* A temporary folder, removed with everything in it by the fixture. */
static char tmpdir[64];

static void make_tmp(void)
{
	strcpy(tmpdir, "/tmp/retort-config-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

static void write_file(const char *name, const char *text, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(text, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

TestSuite(migrations_config_file, .init = make_tmp, .fini = remove_tmp);

Test(migrations_config_file, named_file_here_is_its_real_folder)
{
	char path[256], real[PATH_MAX];
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;

	write_file("x.ini", "[retort]\ndatabase = sqlite:///app.db\n", 36);
	snprintf(path, sizeof(path), "%s/x.ini", tmpdir);
	cr_assert_not_null(realpath(tmpdir, real));
	o.path = path;
	cr_assert_eq(
		retort_config_load(&cfg, &o, &err), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(cfg->path, path);
	cr_expect_str_eq(cfg->here, real);
	cr_expect(strncmp(cfg->database, real, strlen(real)) == 0);
	cr_expect_str_eq(cfg->database + strlen(real), "/app.db");
	retort_config_free(cfg);
}

Test(migrations_config_file, finds_retort_ini_in_the_cwd)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;

	write_file("retort.ini", "[retort]\ncompare_type = off\n", 28);
	cr_assert_eq(chdir(tmpdir), 0);
	cr_assert_eq(
		retort_config_load(&cfg, NULL, &err), RETORT_OK, "%s", err.why);
	cr_expect_str_eq(cfg->path, "retort.ini");
	cr_expect_eq(cfg->compare_type, RETORT_COMPARE_TYPE_OFF);
	retort_config_free(cfg);
}

Test(migrations_config_file, no_file_gives_defaults_or_an_error)
{
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;
	char real[PATH_MAX];

	cr_assert_eq(chdir(tmpdir), 0);
	cr_assert_not_null(realpath(tmpdir, real));
	o.database = "sqlite:///d.db";
	cr_assert_eq(
		retort_config_load(&cfg, &o, &err), RETORT_OK, "%s", err.why);
	cr_expect_null(cfg->path);
	cr_expect_str_eq(cfg->here, real);
	cr_expect_str_eq(cfg->database, "d.db");
	retort_config_free(cfg);

	o.require_file = true;
	cr_assert_eq(retort_config_load(&cfg, &o, &err), RETORT_ENOTFOUND);
	cr_expect_null(cfg);
	cr_expect_str_eq(err.what, "retort.ini");
	cr_expect_str_eq(
		err.why, "no configuration file in the current folder");
}

Test(migrations_config_file, missing_named_file_is_an_error)
{
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/none.ini", tmpdir);
	o.path = path;
	cr_assert_eq(retort_config_load(&cfg, &o, &err), RETORT_ENOTFOUND);
	cr_expect_null(cfg);
	cr_expect_str_eq(err.what, path);
	cr_expect_str_eq(err.why, "cannot open: No such file or directory");
}

Test(migrations_config_file, binary_file_is_an_error)
{
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_config *cfg = NULL;
	char path[256];

	write_file("bin.ini", "[retort]\n\0\1\2", 12);
	snprintf(path, sizeof(path), "%s/bin.ini", tmpdir);
	o.path = path;
	cr_assert_eq(retort_config_load(&cfg, &o, &err), RETORT_EINVAL);
	cr_expect_str_eq(err.why, "not a text file (it holds NUL bytes)");

	o.path = tmpdir; /* a folder */
	retort_error_clear(&err);
	cr_assert_eq(retort_config_load(&cfg, &o, &err), RETORT_EIO);
	cr_expect_str_eq(err.what, tmpdir);
}

/* Every allocation failure gives RETORT_ENOMEM and leaks nothing. */
Test(migrations_config, out_of_memory)
{
	const char *text = "[retort]\ndatabase = a.db\nfoo = 1\nmodel = m.sql\n"
			   "[naming_convention]\nix = ix_%(table_name)s\n";
	retort_config_options o = RETORT_CONFIG_OPTIONS_INIT;
	long n;
	int rc = RETORT_ENOMEM;

	o.env_database = "env.db";
	for (n = 1; rc == RETORT_ENOMEM && n < 1000; n++) {
		retort_error err = RETORT_ERROR_INIT;
		retort_config *cfg = NULL;

		retort__alloc_fail_after(n);
		rc = retort_config_parse(&cfg, text, INI, &o, &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_OK) {
			cr_expect_eq(cfg->nwarnings, 1);
			retort_config_free(cfg);
			break;
		}
		cr_expect_eq(rc, RETORT_ENOMEM, "at allocation %ld", n);
		cr_expect_null(cfg);
	}
	cr_expect_eq(rc, RETORT_OK);
	cr_expect_gt(n, 3, "no allocation was ever failed");
}

Test(migrations_config, naming_templates_keep_their_tokens)
{
	retort_config *cfg = parse_ok(
		"[naming_convention]\nix = ix_%(here)s_%%(table_name)s_%x\n",
		NULL);

	cr_expect_str_eq(cfg->naming.ix, "ix_%(here)s_%(table_name)s_%x");
	retort_config_free(cfg);
}
