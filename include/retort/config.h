/*
** retort/config.h -- the project configuration, retort.ini (SPEC §5, §8):
** the [retort] keys and [naming_convention], with the database override
** order --db > RETORT_DATABASE > the file.  Values come back resolved.
*/
#ifndef RETORT_CONFIG_H
#define RETORT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/common.h"
#include "retort/diff.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The name of the configuration file looked for in the current folder. */
#define RETORT_CONFIG_FILE "retort.ini"

/**
 * A loaded configuration.  Every string is owned by the record and lives
 * until retort_config_free(); paths are resolved as SPEC §8 says
 * (relative to the config file's folder).  Keys that the file does not
 * set hold their defaults.
 */
typedef struct retort_config {
	const char *path; /* the file read, or NULL when none was found */
	const char *here; /* its folder (absolute); the cwd without a file */
	const char *script_location; /* revisions' folder; default
					"<here>/migrations" */
	const char *database;        /* database file path (URL form
					removed), or NULL when none is set */
	const char *database_origin; /* where database came from: "--db",
					"RETORT_DATABASE" or "file:line";
					NULL when database is NULL */
	const char *model;           /* the model's schema source, or NULL */
	const char *file_template;   /* revision file name template, after
					%% interpolation; default
					RETORT_DEFAULT_FILE_TEMPLATE */
	const char *timezone;        /* Create Date's zone; default "UTC" */
	retort_compare_type compare_type; /* default: DECLARED */
	int compare_server_default;       /* default: 1 */
	const char *version_table;        /* default "retort_version" */
	retort_naming_convention naming;  /* [naming_convention]; all NULL
					     when the section is absent */
	const char *const *warnings;      /* "file:line: unknown key 'x' in
					     [retort]" ...; for the caller
					     to show */
	size_t nwarnings;                 /* count of warnings */
} retort_config;

/** Options for retort_config_load(); start from RETORT_CONFIG_OPTIONS_INIT. */
typedef struct retort_config_options {
	unsigned int version;     /* RETORT_CONFIG_OPTIONS_VERSION */
	const char *path;         /* -c FILE: must exist; NULL: ./retort.ini
				     when there is one */
	const char *database;     /* --db: wins over everything; NULL: none */
	const char *env_database; /* the value of RETORT_DATABASE, or NULL
				     (the library reads no environment) */
	bool require_file;        /* no file found is an error */
				  /* New fields are only ever appended. */
} retort_config_options;

#define RETORT_CONFIG_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_CONFIG_OPTIONS_INIT \
	{ RETORT_CONFIG_OPTIONS_VERSION, NULL, NULL, NULL, false }
/* clang-format on */

/**
 * Find and read the configuration: opts->path, else ./retort.ini when it
 * exists, else the defaults (then `path` is NULL and `here` the cwd).
 * Unknown keys become warnings; a bad value is RETORT_EINVAL with
 * err->what "file:line" and a why that names the key.
 * @param out   on success a new configuration owned by the caller (free
 *              it with retort_config_free()); NULL on failure
 * @param opts  options, or NULL for the defaults
 * @param err   filled in on failure; may be NULL
 * @return RETORT_OK, RETORT_ENOTFOUND (the file named by opts->path or,
 *         with require_file, ./retort.ini does not exist), RETORT_EIO,
 *         RETORT_EINVAL or RETORT_ENOMEM
 */
RETORT_API int retort_config_load(
	retort_config **out,
	const retort_config_options *opts,
	retort_error *err);

/**
 * Read a configuration from TEXT, as if it were the file PATH (which
 * need not exist: it names the file in messages and gives `here`).
 * opts->path and opts->require_file are ignored.
 * @return as retort_config_load()
 */
RETORT_API int retort_config_parse(
	retort_config **out,
	const char *text,
	const char *path,
	const retort_config_options *opts,
	retort_error *err);

/**
 * Turn a database given as a sqlite:// URL (sqlite:///relative,
 * sqlite:////absolute, sqlite+aiosqlite:///..., sqlite+pysqlite:///...)
 * or as a plain path into a file path, resolving a relative path against
 * BASE (NULL: leave it relative).  Replaces OUT's contents.
 * @return RETORT_OK, or RETORT_EINVAL for a URL retort cannot use
 *         (another scheme, no path, query parameters)
 */
RETORT_API int retort_config_database_path(
	retort_buf *out,
	const char *database,
	const char *base,
	retort_error *err);

/** Free CONFIG and everything it owns.  NULL is a no-op. */
RETORT_API void retort_config_free(retort_config *config);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_CONFIG_H */
