/*
** config.c -- the retort.ini reader (migrations layer): inih parses the
** lines, a key table checks and stores the [retort] values and the
** [naming_convention] templates, %-interpolation and path resolution
** follow SPEC §8, and the database override order is --db >
** RETORT_DATABASE > the file.
*/
#define _XOPEN_SOURCE 700 /* realpath() */

#include "retort/config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "alloc_int.h"
#include "retort/migrate.h"

/* Largest retort.ini read; anything bigger is not a configuration. */
#ifndef RETORT_CONFIG_MAX_SIZE
# define RETORT_CONFIG_MAX_SIZE (1024 * 1024)
#endif

/* A retort_config and what owns its strings. */
typedef struct config_impl {
	retort_config pub;  /* what the caller sees; first member */
	retort_arena arena; /* every string of pub */
	const char **warn;  /* warnings (strings in the arena) */
	size_t nwarn;       /* count of warn */
	size_t awarn;       /* slots allocated in warn */
} config_impl;

/* The state of one parse. */
typedef struct parse_state {
	config_impl *cfg;     /* the configuration being filled */
	const char *text;     /* the next line to hand to inih */
	int line;             /* number of the line inih is looking at */
	bool continued;       /* that line starts with white space */
	int key_lines[16];    /* line of each [retort] key seen, or 0 */
	int naming_lines[8];  /* line of each naming key seen, or 0 */
	bool has_prev;        /* a key was seen in the current section */
	const char *db_value; /* the file's database, resolved, or NULL */
	int db_line;          /* its line */
	int rc;               /* first error, or RETORT_OK */
	retort_error *err;    /* where the first error goes */
} parse_state;

typedef int (*key_setter)(
	parse_state *st, const char *key, const char *value, size_t off);

/* A [retort] key: its name, how it is checked, where it is stored. */
typedef struct config_key {
	const char *name; /* key as written in the file */
	key_setter set;   /* checks and stores the value */
	size_t off;       /* offset of the field in retort_config */
} config_key;

static int set_path(parse_state *, const char *, const char *, size_t);
static int set_source(parse_state *, const char *, const char *, size_t);
static int set_database(parse_state *, const char *, const char *, size_t);
static int set_string(parse_state *, const char *, const char *, size_t);
static int set_compare(parse_state *, const char *, const char *, size_t);
static int set_bool(parse_state *, const char *, const char *, size_t);

#define FIELD(f) offsetof(retort_config, f)

/* The [retort] keys of SPEC §5.  Adding a key is one line here. */
static const config_key retort_keys[] = {
	{ "script_location", set_path, FIELD(script_location) },
	{ "database", set_database, FIELD(database) },
	{ "sqlalchemy.url", set_database, FIELD(database) },
	{ "model", set_source, FIELD(model) },
	{ "file_template", set_string, FIELD(file_template) },
	{ "timezone", set_string, FIELD(timezone) },
	{ "compare_type", set_compare, FIELD(compare_type) },
	{ "compare_server_default", set_bool, FIELD(compare_server_default) },
	{ "version_table", set_string, FIELD(version_table) },
};

#define NKEYS (sizeof(retort_keys) / sizeof(retort_keys[0]))
_Static_assert(NKEYS <= 16, "parse_state.key_lines is too small");

/* The [naming_convention] keys. */
static const config_key naming_keys[] = {
	{ "ix", set_string, FIELD(naming.ix) },
	{ "uq", set_string, FIELD(naming.uq) },
	{ "ck", set_string, FIELD(naming.ck) },
	{ "fk", set_string, FIELD(naming.fk) },
	{ "pk", set_string, FIELD(naming.pk) },
};

#define NNAMING (sizeof(naming_keys) / sizeof(naming_keys[0]))
_Static_assert(NNAMING <= 8, "parse_state.naming_lines is too small");

/* Record the first error of the parse as "file:line" plus WHY. */
static int parse_error(parse_state *st, int code, const char *fmt, ...)
	RETORT_FORMAT(3, 4);

static int parse_error(parse_state *st, int code, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (st->rc != RETORT_OK)
		return st->rc;
	snprintf(what, sizeof(what), "%s:%d", st->cfg->pub.path, st->line);
	va_start(ap, fmt);
	retort_error_vset(st->err, code, what, fmt, ap);
	va_end(ap);
	st->rc = code;
	return code;
}

static int oom(parse_state *st)
{
	return parse_error(st, RETORT_ENOMEM, "out of memory");
}

/* Copy S into the configuration's arena; NULL when out of memory. */
static const char *keep(config_impl *cfg, const char *s)
{
	return retort__arena_strdup(&cfg->arena, s);
}

static int add_warning(config_impl *cfg, const char *text)
{
	const char *copy = keep(cfg, text);

	if (!copy)
		return RETORT_ENOMEM;
	if (cfg->nwarn == cfg->awarn) {
		size_t n = cfg->awarn ? 2 * cfg->awarn : 4;
		const char **w = retort__realloc(cfg->warn, n * sizeof(*w));

		if (!w)
			return RETORT_ENOMEM;
		cfg->warn = w;
		cfg->awarn = n;
	}
	cfg->warn[cfg->nwarn++] = copy;
	cfg->pub.warnings = cfg->warn;
	cfg->pub.nwarnings = cfg->nwarn;
	return RETORT_OK;
}

/*
** Expand VALUE into OUT as Alembic's ini files do (SPEC §8): "%%" is "%",
** "%(here)s" the config file's folder, and a "%" that starts neither is
** kept.  Any other "%(name)s" is an error written to WHY, unless HERE is
** NULL: [naming_convention] templates keep their %(token)s as written
** (SPEC §5 writes them so).
*/
static int interpolate(
	retort_buf *out,
	const char *value,
	const char *here,
	char *why,
	size_t whylen)
{
	const char *p = value;

	retort_buf_clear(out);
	while (*p) {
		const char *end;

		if (p[0] != '%' || (p[1] != '%' && p[1] != '(')) {
			retort_buf_putc(out, *p++);
			continue;
		}
		if (p[1] == '%') {
			retort_buf_putc(out, '%');
			p += 2;
			continue;
		}
		if (!here) {
			retort_buf_putc(out, *p++);
			continue;
		}
		if (!strncmp(p, "%(here)s", 8)) {
			retort_buf_puts(out, here);
			p += 8;
			continue;
		}
		end = strchr(p, ')');
		snprintf(
			why, whylen,
			"unknown interpolation '%.*s' (only %%(here)s; write "
			"%%%% for a literal %%)",
			end ? (int)(end - p + 2 > 40 ? 40 : end - p + 2) : 2,
			p);
		return RETORT_EINVAL;
	}
	return retort_buf_oom(out) ? RETORT_ENOMEM : RETORT_OK;
}

/* True when S is a path that does not depend on the working folder. */
static bool is_absolute(const char *s)
{
	return s[0] == '/';
}

/* Join BASE and the relative path REL into OUT, dropping leading "./". */
static void join_path(retort_buf *out, const char *base, const char *rel)
{
	while (rel[0] == '.' && rel[1] == '/')
		for (rel += 2; *rel == '/'; rel++)
			;
	retort_buf_clear(out);
	retort_buf_puts(out, base);
	if (!*rel)
		return;
	if (out->size == 0 || out->ptr[out->size - 1] != '/')
		retort_buf_putc(out, '/');
	retort_buf_puts(out, rel);
}

/* Length of the scheme prefix ending in "://" of a sqlite URL, or 0. */
static size_t url_prefix(const char *s)
{
	static const char *const schemes[] = { "sqlite://",
					       "sqlite+aiosqlite://",
					       "sqlite+pysqlite://" };
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncasecmp(s, schemes[i], strlen(schemes[i])))
			return strlen(schemes[i]);
	return 0;
}

int retort_config_database_path(
	retort_buf *out,
	const char *database,
	const char *base,
	retort_error *err)
{
	size_t n = url_prefix(database);
	const char *path = database;

	if (n) {
		if (database[n] != '/' || !database[n + 1])
			return retort_error_set(
				err, RETORT_EINVAL, database,
				"a database URL needs a file: sqlite:///relative.db or sqlite:////absolute.db");
		path = database + n + 1; /* sqlite:/// + path */
		if (strchr(path, '?'))
			return retort_error_set(
				err, RETORT_EINVAL, database,
				"URL query parameters are not supported");
	} else if (strstr(database, "://")) {
		return retort_error_set(
			err, RETORT_EINVAL, database,
			"not a SQLite database URL (sqlite:///path)");
	}
	if (!*path)
		return retort_error_set(
			err, RETORT_EINVAL, database, "empty database path");
	if (base && !is_absolute(path))
		join_path(out, base, path);
	else {
		retort_buf_clear(out);
		retort_buf_puts(out, path);
	}
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, database, "out of memory");
	return RETORT_OK;
}

/* Store VALUE (already in the arena) at byte offset OFF of the record. */
static void store(parse_state *st, size_t off, const void *value, size_t n)
{
	memcpy((char *)&st->cfg->pub + off, value, n);
}

static int store_string(parse_state *st, size_t off, const char *value)
{
	const char *copy = keep(st->cfg, value);

	if (!copy)
		return oom(st);
	store(st, off, &copy, sizeof(copy));
	return RETORT_OK;
}

static int
set_string(parse_state *st, const char *key, const char *value, size_t off)
{
	if (!*value)
		return parse_error(
			st, RETORT_EINVAL, "empty value for %s", key);
	return store_string(st, off, value);
}

/* A path relative to the config file's folder (SPEC §8). */
static int
set_path(parse_state *st, const char *key, const char *value, size_t off)
{
	retort_buf b = RETORT_BUF_INIT;
	int rc;

	if (!*value)
		return parse_error(
			st, RETORT_EINVAL, "empty value for %s", key);
	if (is_absolute(value))
		return store_string(st, off, value);
	join_path(&b, st->cfg->pub.here, value);
	rc = retort_buf_oom(&b) ? oom(st) : store_string(st, off, b.ptr);
	retort_buf_dispose(&b);
	return rc;
}

/* The file's database: a URL or a path, relative to the file's folder. */
static int
set_database(parse_state *st, const char *key, const char *value, size_t off)
{
	retort_error e = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	int rc;

	(void)off;
	if (st->db_line)
		return parse_error(
			st, RETORT_EINVAL,
			"%s: the database is already given at line %d", key,
			st->db_line);
	if (!*value) { /* unset, as Alembic allows: --db may give it */
		st->db_value = NULL;
		return RETORT_OK;
	}
	rc = retort_config_database_path(&b, value, st->cfg->pub.here, &e);
	if (rc == RETORT_OK) {
		st->db_value = keep(st->cfg, b.ptr);
		st->db_line = st->line;
		rc = st->db_value ? RETORT_OK : oom(st);
	} else {
		rc = parse_error(st, rc, "bad value for %s: %s", key, e.why);
	}
	retort_buf_dispose(&b);
	return rc;
}

/* The model: any schema source; URLs and paths relative to the file. */
static int
set_source(parse_state *st, const char *key, const char *value, size_t off)
{
	if (url_prefix(value)) {
		retort_error e = RETORT_ERROR_INIT;
		retort_buf b = RETORT_BUF_INIT;
		int rc = retort_config_database_path(
			&b, value, st->cfg->pub.here, &e);

		if (rc == RETORT_OK)
			rc = store_string(st, off, b.ptr);
		else
			rc = parse_error(
				st, rc, "bad value for %s: %s", key, e.why);
		retort_buf_dispose(&b);
		return rc;
	}
	if (!strcmp(value, "-"))
		return store_string(st, off, value);
	return set_path(st, key, value, off);
}

static int
set_compare(parse_state *st, const char *key, const char *value, size_t off)
{
	static const char *const names[] = { "declared", "affinity", "off" };
	retort_compare_type t;

	for (t = RETORT_COMPARE_TYPE_DECLARED; t <= RETORT_COMPARE_TYPE_OFF;
	     t++)
		if (!strcasecmp(value, names[t])) {
			store(st, off, &t, sizeof(t));
			return RETORT_OK;
		}
	return parse_error(
		st, RETORT_EINVAL,
		"bad value '%s' for %s (expected declared, affinity or off)",
		value, key);
}

/* Booleans as Python's configparser reads them. */
static int
set_bool(parse_state *st, const char *key, const char *value, size_t off)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	int v;
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(value, yes[i]) || !strcasecmp(value, no[i])) {
			v = !strcasecmp(value, yes[i]);
			store(st, off, &v, sizeof(v));
			return RETORT_OK;
		}
	}
	return parse_error(
		st, RETORT_EINVAL,
		"bad value '%s' for %s (expected true or false)", value, key);
}

/*
** A key seen a second time is an error naming both lines; LINES holds
** the line where each key of a section was first seen.
*/
static int check_duplicate(
	parse_state *st,
	int *lines,
	size_t i,
	const char *section,
	const char *key)
{
	if (lines[i])
		return parse_error(
			st, RETORT_EINVAL,
			"duplicate key '%s' in [%s] (first at line %d)", key,
			section, lines[i]);
	lines[i] = st->line;
	return RETORT_OK;
}

static int unknown_key(parse_state *st, const char *section, const char *key)
{
	char text[512];

	snprintf(
		text, sizeof(text), "%s:%d: unknown key '%s' in [%s], ignored",
		st->cfg->pub.path, st->line, key, section);
	return add_warning(st->cfg, text) ? oom(st) : RETORT_OK;
}

/* Find KEY in the section's TABLE of N keys and set it. */
static int
on_key(parse_state *st, const char *section, const char *key, const char *value)
{
	bool ours = !strcmp(section, "retort");
	const config_key *table = ours ? retort_keys : naming_keys;
	size_t i, n = ours ? NKEYS : NNAMING;
	int *lines = ours ? st->key_lines : st->naming_lines;

	for (i = 0; i < n; i++) {
		if (strcmp(key, table[i].name))
			continue;
		if (check_duplicate(st, lines, i, section, key))
			return st->rc;
		return table[i].set(st, key, value, table[i].off);
	}
	return unknown_key(st, section, key);
}

/* inih's callback: one "key = value" line.  Always returns 1: errors are
 * kept in the state, and the reader stops feeding lines after one. */
static int
on_value(void *user, const char *section, const char *key, const char *value)
{
	parse_state *st = user;
	retort_buf b = RETORT_BUF_INIT;
	char why[128];
	int rc;

	if (st->rc != RETORT_OK)
		return 1;
	st->has_prev = true;
	if (strcmp(section, "retort") && strcmp(section, "naming_convention"))
		return 1; /* other sections ([loggers], ...) are not ours */
	if (st->continued) {
		parse_error(
			st, RETORT_EINVAL,
			"continuation lines are not supported (value of %s)",
			key);
		return 1;
	}
	rc = interpolate(
		&b, value, strcmp(section, "retort") ? NULL : st->cfg->pub.here,
		why, sizeof(why));
	if (rc == RETORT_EINVAL)
		parse_error(st, rc, "bad value for %s: %s", key, why);
	else if (rc != RETORT_OK)
		oom(st);
	else
		on_key(st, section, key, b.ptr);
	retort_buf_dispose(&b);
	return 1;
}

/* inih's reader: hands over one line of st->text, counting lines. */
static char *next_line(char *str, int num, void *stream)
{
	parse_state *st = stream;
	const char *nl, *lead;
	size_t n;

	if (st->rc != RETORT_OK || !*st->text)
		return NULL;
	nl = strchr(st->text, '\n');
	n = nl ? (size_t)(nl - st->text) + 1 : strlen(st->text);
	st->line++;
	if (n + 1 > (size_t)num) { /* inih would cut it silently */
		parse_error(
			st, RETORT_EINVAL, "line longer than %d characters",
			num - 3);
		return NULL;
	}
	st->continued = false;
	for (lead = st->text; *lead == ' ' || *lead == '\t'; lead++)
		;
	if (*lead == '[') /* a new section: inih forgets the last key */
		st->has_prev = false;
	else if (lead > st->text && !strchr(";#\r\n", *lead))
		st->continued = st->has_prev; /* inih: a continuation line */
	memcpy(str, st->text, n);
	str[n] = '\0';
	st->text += n;
	return str;
}

/*
** The folder of the file PATH, absolute (SPEC §8: %(here)s).  The path
** need not exist: then it is resolved against the working folder.
*/
static int find_here(config_impl *cfg, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	retort_buf dir = RETORT_BUF_INIT;
	char cwd[4096], *real;
	int rc = RETORT_OK;

	if (slash == path && slash)
		retort_buf_puts(&dir, "/");
	else if (slash)
		retort_buf_put(&dir, path, (size_t)(slash - path));
	else
		retort_buf_puts(&dir, ".");
	real = retort_buf_oom(&dir) ? NULL : realpath(dir.ptr, NULL);
	if (real) {
		cfg->pub.here = keep(cfg, real);
		free(real);
	} else if (!retort_buf_oom(&dir) && is_absolute(dir.ptr)) {
		cfg->pub.here = keep(cfg, dir.ptr);
	} else if (getcwd(cwd, sizeof(cwd))) {
		retort_buf abs = RETORT_BUF_INIT;

		join_path(&abs, cwd, strcmp(dir.ptr, ".") ? dir.ptr : "");
		cfg->pub.here =
			retort_buf_oom(&abs) ? NULL : keep(cfg, abs.ptr);
		retort_buf_dispose(&abs);
	} else {
		rc = RETORT_EIO;
	}
	retort_buf_dispose(&dir);
	if (rc == RETORT_OK && !cfg->pub.here)
		rc = RETORT_ENOMEM;
	return rc;
}

/* A configuration with every default, for the file PATH (or none). */
static int config_new(config_impl **out, const char *path, retort_error *err)
{
	config_impl *cfg = retort__calloc(1, sizeof(*cfg));
	int rc;

	*out = NULL;
	if (!cfg)
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	cfg->pub.compare_type = RETORT_COMPARE_TYPE_DECLARED;
	cfg->pub.compare_server_default = 1;
	rc = find_here(cfg, path);
	if (rc == RETORT_OK && path) {
		cfg->pub.path = keep(cfg, path);
		rc = cfg->pub.path ? RETORT_OK : RETORT_ENOMEM;
	}
	if (rc != RETORT_OK) {
		retort_config_free(&cfg->pub);
		return retort_error_set(
			err, rc, path ? path : ".",
			rc == RETORT_ENOMEM ? "out of memory"
					    : "cannot find the working folder");
	}
	*out = cfg;
	return RETORT_OK;
}

/* Defaults that depend on `here`, for keys the file did not set. */
static int fill_defaults(config_impl *cfg)
{
	retort_config *c = &cfg->pub;
	retort_buf b = RETORT_BUF_INIT;

	if (!c->script_location) {
		join_path(&b, c->here, "migrations");
		c->script_location =
			retort_buf_oom(&b) ? NULL : keep(cfg, b.ptr);
	}
	retort_buf_dispose(&b);
	if (!c->file_template)
		c->file_template = keep(cfg, RETORT_DEFAULT_FILE_TEMPLATE);
	if (!c->timezone)
		c->timezone = keep(cfg, "UTC");
	if (!c->version_table)
		c->version_table = keep(cfg, RETORT_DEFAULT_VERSION_TABLE);
	return c->script_location && c->file_template && c->timezone &&
			       c->version_table
		       ? RETORT_OK
		       : RETORT_ENOMEM;
}

/* Apply the override order --db > RETORT_DATABASE > the file. */
static int pick_database(
	config_impl *cfg,
	const parse_state *st,
	const retort_config_options *opts,
	retort_error *err)
{
	retort_error e = RETORT_ERROR_INIT;
	retort_buf b = RETORT_BUF_INIT;
	const char *value = NULL, *origin = NULL;
	char where[300];
	int rc;

	if (opts && opts->database && *opts->database) {
		value = opts->database;
		origin = "--db";
	} else if (opts && opts->env_database && *opts->env_database) {
		value = opts->env_database;
		origin = "RETORT_DATABASE";
	} else if (st && st->db_value) {
		snprintf(
			where, sizeof(where), "%s:%d", cfg->pub.path,
			st->db_line);
		cfg->pub.database = st->db_value;
		cfg->pub.database_origin = keep(cfg, where);
		return cfg->pub.database_origin ? RETORT_OK : RETORT_ENOMEM;
	} else {
		return RETORT_OK;
	}
	rc = retort_config_database_path(&b, value, NULL, &e);
	if (rc != RETORT_OK) {
		retort_buf_dispose(&b);
		return retort_error_set(err, rc, origin, "%s", e.why);
	}
	cfg->pub.database = keep(cfg, b.ptr);
	cfg->pub.database_origin = origin;
	retort_buf_dispose(&b);
	return cfg->pub.database ? RETORT_OK : RETORT_ENOMEM;
}

/* Run inih over TEXT into CFG; the first error wins. */
static int parse_text(
	config_impl *cfg, parse_state *st, const char *text, retort_error *err)
{
	int line;

	memset(st, 0, sizeof(*st));
	st->cfg = cfg;
	st->text = text;
	st->err = err;
	line = ini_parse_stream(next_line, st, on_value, st);
	if (st->rc != RETORT_OK)
		return st->rc;
	if (line > 0) {
		st->line = line;
		return parse_error(
			st, RETORT_EINVAL,
			"syntax error (expected [section] or key = value)");
	}
	return line < 0 ? parse_error(st, RETORT_ENOMEM, "out of memory")
			: RETORT_OK;
}

int retort_config_parse(
	retort_config **out,
	const char *text,
	const char *path,
	const retort_config_options *opts,
	retort_error *err)
{
	config_impl *cfg = NULL;
	parse_state st;
	int rc;

	*out = NULL;
	rc = config_new(&cfg, path ? path : RETORT_CONFIG_FILE, err);
	if (rc != RETORT_OK)
		return rc;
	rc = parse_text(cfg, &st, text, err);
	if (rc == RETORT_OK && fill_defaults(cfg) != RETORT_OK)
		rc = retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	if (rc == RETORT_OK)
		rc = pick_database(cfg, &st, opts, err);
	if (rc != RETORT_OK) {
		retort_config_free(&cfg->pub);
		return rc;
	}
	*out = &cfg->pub;
	return RETORT_OK;
}

/* Read the whole file PATH into TEXT (replacing its contents). */
static int read_file(retort_buf *text, const char *path, retort_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	int rc = RETORT_OK;

	if (!f)
		return retort_error_set(
			err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_EIO,
			path, "cannot open: %s", strerror(errno));
	retort_buf_clear(text);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	       text->size <= RETORT_CONFIG_MAX_SIZE)
		retort_buf_put(text, chunk, n);
	if (ferror(f))
		rc = retort_error_set(
			err, RETORT_EIO, path, "cannot read: %s",
			strerror(errno));
	else if (retort_buf_oom(text))
		rc = retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	else if (text->size > RETORT_CONFIG_MAX_SIZE)
		rc = retort_error_set(
			err, RETORT_EINVAL, path,
			"too large for a configuration file");
	else if (memchr(text->ptr, '\0', text->size))
		rc = retort_error_set(
			err, RETORT_EINVAL, path,
			"not a text file (it holds NUL bytes)");
	fclose(f);
	return rc;
}

int retort_config_load(
	retort_config **out,
	const retort_config_options *opts,
	retort_error *err)
{
	const char *path = opts ? opts->path : NULL;
	retort_buf text = RETORT_BUF_INIT;
	config_impl *cfg = NULL;
	int rc;

	*out = NULL;
	if (!path && access(RETORT_CONFIG_FILE, F_OK) == 0)
		path = RETORT_CONFIG_FILE;
	if (!path && opts && opts->require_file)
		return retort_error_set(
			err, RETORT_ENOTFOUND, RETORT_CONFIG_FILE,
			"no configuration file in the current folder");
	if (!path) { /* no file: the defaults and the overrides */
		rc = config_new(&cfg, NULL, err);
		if (rc == RETORT_OK && fill_defaults(cfg) != RETORT_OK)
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
		if (rc == RETORT_OK)
			rc = pick_database(cfg, NULL, opts, err);
		if (rc != RETORT_OK) {
			retort_config_free(cfg ? &cfg->pub : NULL);
			return rc;
		}
		*out = &cfg->pub;
		return RETORT_OK;
	}
	rc = read_file(&text, path, err);
	if (rc == RETORT_OK)
		rc = retort_config_parse(out, text.ptr, path, opts, err);
	retort_buf_dispose(&text);
	return rc;
}

void retort_config_free(retort_config *config)
{
	config_impl *cfg = (config_impl *)config;

	if (!cfg)
		return;
	retort__arena_dispose(&cfg->arena);
	retort__free(cfg->warn);
	retort__free(cfg);
}
