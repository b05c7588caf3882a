/*
** retort/schema.h -- the schema model: what a snapshot holds (SPEC §2).
** A retort_schema is opaque and immutable once loaded; the records it
** hands out are const, borrowed, and live as long as the schema.
*/
#ifndef RETORT_SCHEMA_H
#define RETORT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "retort/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the snapshot JSON format that this library writes. */
#define RETORT_SNAPSHOT_FORMAT 1

/** SQLite's type affinity of a column (datatype3.html, section 3.1). */
typedef enum retort_affinity {
	RETORT_AFFINITY_BLOB = 0, /* no type, BLOB, or ANY in a STRICT table */
	RETORT_AFFINITY_TEXT,     /* CHAR, CLOB or TEXT */
	RETORT_AFFINITY_NUMERIC,  /* anything else */
	RETORT_AFFINITY_INTEGER,  /* INT anywhere in the type */
	RETORT_AFFINITY_REAL      /* REAL, FLOA or DOUB */
} retort_affinity;

/** GENERATED ALWAYS AS kind of a column. */
typedef enum retort_generated {
	RETORT_GENERATED_NONE = 0, /* an ordinary column */
	RETORT_GENERATED_VIRTUAL,  /* computed when read */
	RETORT_GENERATED_STORED    /* computed when written */
} retort_generated;

/** ON CONFLICT clause of a NOT NULL, PRIMARY KEY or UNIQUE constraint. */
typedef enum retort_conflict {
	RETORT_CONFLICT_DEFAULT = 0, /* none, or ABORT (the same) */
	RETORT_CONFLICT_ROLLBACK,
	RETORT_CONFLICT_FAIL,
	RETORT_CONFLICT_IGNORE,
	RETORT_CONFLICT_REPLACE
} retort_conflict;

/** ON DELETE / ON UPDATE action of a foreign key. */
typedef enum retort_fk_action {
	RETORT_FK_NO_ACTION = 0, /* none, or NO ACTION (the same) */
	RETORT_FK_RESTRICT,
	RETORT_FK_SET_NULL,
	RETORT_FK_SET_DEFAULT,
	RETORT_FK_CASCADE
} retort_fk_action;

/** A column of a table. */
typedef struct retort_column {
	const char *name;            /* as declared */
	const char *type;            /* declared type, normalised; "" if none */
	retort_affinity affinity;    /* from the type (STRICT: ANY is BLOB) */
	bool not_null;               /* NOT NULL constraint */
	retort_conflict not_null_on; /* its ON CONFLICT clause */
	const char *default_sql;     /* normalised DEFAULT; NULL if none */
	const char *collate;         /* COLLATE name; NULL for none or BINARY */
	unsigned pk;                 /* 1-based position in the PK, 0 if not */
	retort_generated generated;  /* GENERATED kind */
	const char *generated_sql;   /* normalised expression, or NULL */
} retort_column;

/** One term of a PRIMARY KEY, UNIQUE constraint or index. */
typedef struct retort_key_part {
	const char *column;  /* column name; NULL for an expression */
	const char *expr;    /* normalised expression; NULL for a column */
	const char *collate; /* COLLATE name; NULL for none or BINARY */
	bool desc;           /* DESC (ASC is the default) */
} retort_key_part;

/** A table's PRIMARY KEY (absent for a plain rowid table). */
typedef struct retort_primary_key {
	const char *name;             /* CONSTRAINT name, or NULL */
	const retort_key_part *parts; /* the key's columns, in key order */
	size_t nparts;                /* at least 1 */
	retort_conflict on_conflict;  /* ON CONFLICT clause */
	bool autoincrement;           /* AUTOINCREMENT (rowid alias only) */
} retort_primary_key;

/** A UNIQUE constraint (written on a column or at table level). */
typedef struct retort_unique {
	const char *name;             /* CONSTRAINT name, or NULL */
	const retort_key_part *parts; /* its columns */
	size_t nparts;                /* at least 1 */
	retort_conflict on_conflict;  /* ON CONFLICT clause */
} retort_unique;

/** A CHECK constraint (written on a column or at table level). */
typedef struct retort_check {
	const char *name; /* CONSTRAINT name, or NULL */
	const char *expr; /* normalised expression, without the parentheses */
} retort_check;

/** A FOREIGN KEY / REFERENCES constraint. */
typedef struct retort_foreign_key {
	const char *name;               /* CONSTRAINT name, or NULL */
	const char *const *columns;     /* child columns */
	size_t ncolumns;                /* at least 1 */
	const char *ref_table;          /* parent table */
	const char *const *ref_columns; /* parent columns; resolved to the
					   parent's PK when omitted and known */
	size_t nref_columns;            /* 0 when omitted and not resolvable */
	retort_fk_action on_delete;     /* ON DELETE */
	retort_fk_action on_update;     /* ON UPDATE */
	const char *match;              /* MATCH name (upper case), or NULL */
	bool deferred;                  /* DEFERRABLE INITIALLY DEFERRED */
} retort_foreign_key;

/** A CREATE INDEX index (indexes made for constraints are not listed). */
typedef struct retort_index {
	const char *name;             /* index name */
	const char *table;            /* the indexed table */
	bool unique;                  /* CREATE UNIQUE INDEX */
	const retort_key_part *parts; /* indexed columns and expressions */
	size_t nparts;                /* at least 1 */
	const char *where; /* normalised partial-index WHERE, or NULL */
} retort_index;

/** An ordinary table. */
typedef struct retort_table {
	const char *name;                       /* table name */
	bool without_rowid;                     /* WITHOUT ROWID */
	bool strict;                            /* STRICT */
	const retort_column *columns;           /* in declaration order */
	size_t ncolumns;                        /* at least 1 */
	const retort_primary_key *primary_key;  /* NULL for none */
	const retort_unique *uniques;           /* sorted (see docs) */
	size_t nuniques;                        /* count of uniques */
	const retort_check *checks;             /* sorted (see docs) */
	size_t nchecks;                         /* count of checks */
	const retort_foreign_key *foreign_keys; /* sorted (see docs) */
	size_t nforeign_keys;                   /* count of foreign_keys */
	const retort_index *indexes;            /* sorted by name */
	size_t nindexes;                        /* count of indexes */
	uint64_t fingerprint;                   /* XXH3 of the canonical form */
} retort_table;

/** A view. */
typedef struct retort_view {
	const char *name;     /* view name */
	const char *sql;      /* normalised CREATE VIEW statement */
	uint64_t fingerprint; /* XXH3 of the canonical form */
} retort_view;

/** A trigger. */
typedef struct retort_trigger {
	const char *name;     /* trigger name */
	const char *table;    /* the table or view it is attached to */
	const char *sql;      /* normalised CREATE TRIGGER statement */
	uint64_t fingerprint; /* XXH3 of the canonical form */
} retort_trigger;

/** A virtual table (FTS5, R*Tree, ...); its shadow tables are left out. */
typedef struct retort_virtual_table {
	const char *name;     /* table name */
	const char *module;   /* module name, lower case */
	const char *args;     /* normalised module arguments, or NULL */
	const char *sql;      /* normalised CREATE VIRTUAL TABLE statement */
	uint64_t fingerprint; /* XXH3 of the canonical form */
} retort_virtual_table;

typedef struct retort_schema retort_schema; /* opaque; retort_schema_free() */

/** Options for retort_schema_load(); start from RETORT_LOAD_OPTIONS_INIT. */
typedef struct retort_load_options {
	unsigned int version; /* RETORT_LOAD_OPTIONS_VERSION */
	int busy_timeout_ms;  /* wait this long for a locked database */
	const char
		*exclude_prefix; /* retort's own tables: names starting with
				    this are left out; NULL: "retort_version" */
				 /* New fields are only ever appended. */
} retort_load_options;

#define RETORT_LOAD_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_LOAD_OPTIONS_INIT \
	{ RETORT_LOAD_OPTIONS_VERSION, 5000, NULL }
/* clang-format on */

/**
 * Load a schema from any source of SPEC §1: a database file, a sqlite://
 * URL, a .sql file or folder of .sql files, a .json snapshot, or "-" for
 * standard input (database, SQL or JSON, told apart by content).
 * @param out     on success a new schema owned by the caller; else NULL
 * @param source  the source as the user wrote it
 * @param opts    options, or NULL for the defaults
 * @param err     filled in on failure; may be NULL
 * @return RETORT_OK or a negative retort_code
 */
RETORT_API int retort_schema_load(
	retort_schema **out,
	const char *source,
	const retort_load_options *opts,
	retort_error *err);

/**
 * Load a schema from a canonical JSON snapshot held in memory.
 * @param what  name of the input for error messages (a file name)
 */
RETORT_API int retort_schema_from_json(
	retort_schema **out,
	const char *json,
	size_t len,
	const char *what,
	retort_error *err);

/**
 * Write the canonical JSON snapshot of SCHEMA (with a trailing newline)
 * to OUT, replacing its contents.  Equal schemas give equal bytes.
 */
RETORT_API int retort_schema_to_json(
	retort_buf *out, const retort_schema *schema, retort_error *err);

/**
 * A sink for output written piece by piece: takes LEN bytes of DATA.
 * @return RETORT_OK, or a negative retort_code after filling ERR
 */
typedef int (*retort_write_fn)(
	void *ctx, const char *data, size_t len, retort_error *err);

/**
 * Write the same bytes as retort_schema_to_json() to SINK, in pieces of
 * about 64 KB, so that memory does not grow with the document (a
 * 10,000-table snapshot is some 50 MB).
 * @param ctx  passed to SINK
 * @return RETORT_OK, RETORT_ENOMEM, or SINK's failure (writing stops)
 */
RETORT_API int retort_schema_write_json(
	const retort_schema *schema,
	retort_write_fn sink,
	void *ctx,
	retort_error *err);

/**
 * Write SQL that creates SCHEMA in an empty database (tables in an order
 * that respects foreign keys, then indexes, views, triggers) to OUT.
 */
RETORT_API int retort_schema_to_sql(
	retort_buf *out, const retort_schema *schema, retort_error *err);

/** XXH3 fingerprint of the canonical form (equal schemas: equal value). */
RETORT_API uint64_t retort_schema_fingerprint(const retort_schema *schema);

/** Format a fingerprint as "xxh3:" and 16 hex digits into BUF[22]. */
RETORT_API void retort_fingerprint_format(char buf[22], uint64_t fp);

/** Tables, views, triggers and virtual tables, each sorted by name. */
RETORT_API size_t retort_schema_ntables(const retort_schema *schema);
RETORT_API const retort_table *
retort_schema_table(const retort_schema *schema, size_t i);
RETORT_API size_t retort_schema_nviews(const retort_schema *schema);
RETORT_API const retort_view *
retort_schema_view(const retort_schema *schema, size_t i);
RETORT_API size_t retort_schema_ntriggers(const retort_schema *schema);
RETORT_API const retort_trigger *
retort_schema_trigger(const retort_schema *schema, size_t i);
RETORT_API size_t retort_schema_nvirtual_tables(const retort_schema *schema);
RETORT_API const retort_virtual_table *
retort_schema_virtual_table(const retort_schema *schema, size_t i);

/** Find by name, ignoring ASCII case as SQLite does; NULL if absent. */
RETORT_API const retort_table *
retort_schema_find_table(const retort_schema *schema, const char *name);
RETORT_API const retort_view *
retort_schema_find_view(const retort_schema *schema, const char *name);
RETORT_API const retort_trigger *
retort_schema_find_trigger(const retort_schema *schema, const char *name);
RETORT_API const retort_virtual_table *
retort_schema_find_virtual_table(const retort_schema *schema, const char *name);
RETORT_API const retort_column *
retort_table_find_column(const retort_table *table, const char *name);

/** Free SCHEMA and everything it owns.  NULL is a no-op. */
RETORT_API void retort_schema_free(retort_schema *schema);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_SCHEMA_H */
