/*
** retort/diff.h -- compare two schemas into an ordered list of operations
** (SPEC §3).  A retort_diff borrows records from both schemas: free the
** diff before either schema.
*/
#ifndef RETORT_DIFF_H
#define RETORT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "retort/common.h"
#include "retort/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct retort_diff retort_diff; /* opaque; see retort_diff_free() */

/** How declared column types are compared (compare_type). */
typedef enum retort_compare_type {
	RETORT_COMPARE_TYPE_DECLARED = 0, /* declared types, normalised */
	RETORT_COMPARE_TYPE_AFFINITY,     /* only the type affinity */
	RETORT_COMPARE_TYPE_OFF           /* types are not compared */
} retort_compare_type;

/** The Alembic-style naming convention ([naming_convention]). */
typedef struct retort_naming_convention {
	const char *ix; /* index names, or NULL */
	const char *uq; /* UNIQUE constraint names, or NULL */
	const char *ck; /* CHECK constraint names, or NULL */
	const char *fk; /* FOREIGN KEY constraint names, or NULL */
	const char *pk; /* PRIMARY KEY constraint names, or NULL */
} retort_naming_convention;

/** A rename hint: --rename OLD=NEW or --rename TABLE.OLD=NEW. */
typedef struct retort_rename {
	const char *table; /* NULL for a table rename; else the table (as
			      the target names it) whose column is renamed */
	const char *from;  /* old name (FROM side) */
	const char *to;    /* new name (TO side) */
} retort_rename;

/** Options for retort_diff_compare(); start from RETORT_DIFF_OPTIONS_INIT. */
typedef struct retort_diff_options {
	unsigned int version;             /* RETORT_DIFF_OPTIONS_VERSION */
	retort_compare_type compare_type; /* default: DECLARED */
	int compare_server_default;       /* default: 1 */
	const retort_naming_convention *naming; /* or NULL for none */
	const retort_rename *renames;           /* rename hints, or NULL */
	size_t nrenames;                        /* count of renames */
	/* New fields are only ever appended. */
} retort_diff_options;

#define RETORT_DIFF_OPTIONS_VERSION 1
/* clang-format off */
#define RETORT_DIFF_OPTIONS_INIT \
	{ RETORT_DIFF_OPTIONS_VERSION, RETORT_COMPARE_TYPE_DECLARED, 1, NULL, \
	  NULL, 0 }
/* clang-format on */

/** What an operation does.  The order of this list is not the order of
 * operations in a diff (see retort_diff_get()). */
typedef enum retort_op_kind {
	RETORT_OP_ADD_TABLE = 0,       /* to.table */
	RETORT_OP_DROP_TABLE,          /* from.table */
	RETORT_OP_RENAME_TABLE,        /* from.table -> to.table */
	RETORT_OP_ALTER_TABLE_OPTIONS, /* WITHOUT ROWID or STRICT changed */
	RETORT_OP_ALTER_PRIMARY_KEY,   /* PK columns/order/AUTOINCREMENT/name */
	RETORT_OP_REORDER_COLUMNS,     /* same columns, another order */
	RETORT_OP_ADD_COLUMN,          /* to.column */
	RETORT_OP_DROP_COLUMN,         /* from.column */
	RETORT_OP_RENAME_COLUMN,       /* from.column -> to.column */
	RETORT_OP_ALTER_COLUMN,      /* from.column -> to.column; see changes */
	RETORT_OP_ADD_INDEX,         /* to.index */
	RETORT_OP_DROP_INDEX,        /* from.index */
	RETORT_OP_ADD_UNIQUE,        /* to.unique */
	RETORT_OP_DROP_UNIQUE,       /* from.unique */
	RETORT_OP_ADD_CHECK,         /* to.check */
	RETORT_OP_DROP_CHECK,        /* from.check */
	RETORT_OP_ADD_FOREIGN_KEY,   /* to.foreign_key */
	RETORT_OP_DROP_FOREIGN_KEY,  /* from.foreign_key */
	RETORT_OP_ADD_VIEW,          /* to.view */
	RETORT_OP_DROP_VIEW,         /* from.view */
	RETORT_OP_REPLACE_VIEW,      /* from.view -> to.view */
	RETORT_OP_ADD_TRIGGER,       /* to.trigger */
	RETORT_OP_DROP_TRIGGER,      /* from.trigger */
	RETORT_OP_REPLACE_TRIGGER,   /* from.trigger -> to.trigger */
	RETORT_OP_ADD_VIRTUAL_TABLE, /* to.virtual_table */
	RETORT_OP_DROP_VIRTUAL_TABLE,   /* from.virtual_table */
	RETORT_OP_REPLACE_VIRTUAL_TABLE /* from.virtual_table -> to.vt */
} retort_op_kind;

/** What changed in a RETORT_OP_ALTER_COLUMN (bit flags). */
typedef enum retort_column_change {
	RETORT_CHANGE_TYPE = 1u << 0,       /* declared type or affinity */
	RETORT_CHANGE_NOT_NULL = 1u << 1,   /* NOT NULL added or removed */
	RETORT_CHANGE_DEFAULT = 1u << 2,    /* DEFAULT expression */
	RETORT_CHANGE_COLLATE = 1u << 3,    /* COLLATE */
	RETORT_CHANGE_GENERATED = 1u << 4,  /* GENERATED kind or expression */
	RETORT_CHANGE_NOT_NULL_ON = 1u << 5 /* NOT NULL's ON CONFLICT clause */
} retort_column_change;

/** What changed in a RETORT_OP_ALTER_PRIMARY_KEY (bit flags). */
typedef enum retort_pk_change {
	RETORT_PK_CHANGE_COLUMNS = 1u << 0,       /* key columns, their order,
						     DESC or COLLATE; or a key
						     added or dropped */
	RETORT_PK_CHANGE_CONFLICT = 1u << 1,      /* ON CONFLICT clause */
	RETORT_PK_CHANGE_AUTOINCREMENT = 1u << 2, /* AUTOINCREMENT */
	RETORT_PK_CHANGE_ROWID_ALIAS = 1u << 3,   /* INTEGER PRIMARY KEY (an
						     alias of the rowid) or
						     not: INT PRIMARY KEY */
	RETORT_PK_CHANGE_NAME = 1u << 4           /* CONSTRAINT name */
} retort_pk_change;

/** What changed in a RETORT_OP_ALTER_TABLE_OPTIONS (bit flags). */
typedef enum retort_table_change {
	RETORT_TABLE_CHANGE_WITHOUT_ROWID = 1u << 0, /* WITHOUT ROWID */
	RETORT_TABLE_CHANGE_STRICT = 1u << 1         /* STRICT */
} retort_table_change;

/** Whether applying an operation can lose or refuse existing data. */
typedef enum retort_safety {
	RETORT_SAFE = 0,   /* keeps every row and value */
	RETORT_DESTRUCTIVE /* see the op's reason */
} retort_safety;

/** One side (FROM or TO) of an operation: the record concerned. */
typedef struct retort_op_side {
	const retort_table *table;                 /* the table, or NULL */
	const retort_column *column;               /* for column ops */
	const retort_index *index;                 /* for index ops */
	const retort_unique *unique;               /* for UNIQUE ops */
	const retort_check *check;                 /* for CHECK ops */
	const retort_foreign_key *foreign_key;     /* for FOREIGN KEY ops */
	const retort_view *view;                   /* for view ops */
	const retort_trigger *trigger;             /* for trigger ops */
	const retort_virtual_table *virtual_table; /* for virtual table ops */
} retort_op_side;

/**
 * One operation.  Records are borrowed from the two schemas.  Names are
 * those the object has when the operation applies: operations ordered
 * before a table's RENAME_TABLE (drops of its indexes and constraints)
 * use its FROM name, later ones its TO name; DROP_COLUMN uses the FROM
 * column name, the other column operations the TO one.  For operations
 * inside a table that exists on both sides (columns, indexes,
 * constraints, primary key, options, renames), from.table and to.table
 * are both set; the sub-record (column, index, ...) only on the side
 * that has it.  A new table's indexes are ADD_INDEX operations after its
 * ADD_TABLE; a dropped table's indexes are DROP_INDEX before its
 * DROP_TABLE, and its triggers DROP_TRIGGER.  For a new constraint
 * without a name, name is what the naming convention calls it (the
 * name the emitter should give it), or NULL.
 */
typedef struct retort_diff_op {
	retort_op_kind kind;  /* what it does */
	const char *object;   /* the table (for column, index, constraint
				 and table ops), view, trigger or vtab */
	const char *name;     /* column, index or constraint name, or NULL */
	retort_op_side from;  /* the FROM side (NULL records for additions) */
	retort_op_side to;    /* the TO side (NULL records for drops) */
	unsigned changes;     /* bit flags: retort_column_change for
				 ALTER_COLUMN, retort_pk_change for
				 ALTER_PRIMARY_KEY, retort_table_change for
				 ALTER_TABLE_OPTIONS; else 0 */
	retort_safety safety; /* safe or destructive */
	const char *reason;   /* why destructive (or a warning), or NULL */
	const char *rename_hint; /* for a drop/add that looks like a rename:
				    the --rename argument that makes it one */
} retort_diff_op;

/**
 * Compare two schemas.  Objects match by name ignoring ASCII case, or
 * through the rename hints; what SQLite treats as the same is no
 * difference (SPEC §8).  Equal fingerprints skip equal objects.
 * @param out  on success a new diff owned by the caller; NULL on failure
 * @param from the starting schema
 * @param to   the target schema
 * @param opts options, or NULL for the defaults; copied, with the naming
 *             convention and the renames, so they need not outlive the call
 * @param err  filled in on failure
 * @return RETORT_OK; RETORT_EINVAL for a bad option or rename (renamed
 *         twice, a cycle, names differing only in case); RETORT_ENOTFOUND
 *         for a rename naming no table or column (err->what is the
 *         --rename argument); RETORT_ENOMEM
 */
RETORT_API int retort_diff_compare(
	retort_diff **out,
	const retort_schema *from,
	const retort_schema *to,
	const retort_diff_options *opts,
	retort_error *err);

/** Number of operations; 0 means the schemas are equivalent. */
RETORT_API size_t retort_diff_count(const retort_diff *diff);

/**
 * The i-th operation, in an order that is valid to apply; NULL past the
 * end.  Borrowed from DIFF.  The order (docs/diff-json.md, section 3):
 * triggers and views that go or are re-created (dependants first);
 * indexes that go or change; constraints dropped from kept tables;
 * tables and virtual tables that go (tables referencing others first);
 * table renames; new tables (referenced tables first) each followed by
 * its indexes, new and redefined virtual tables; then each kept table's
 * changes in one group (referenced tables first: DROP_COLUMN,
 * RENAME_COLUMN, ALTER_COLUMN, ADD_COLUMN, ALTER_PRIMARY_KEY,
 * ALTER_TABLE_OPTIONS, REORDER_COLUMNS, ADD_UNIQUE, ADD_CHECK,
 * ADD_FOREIGN_KEY, ADD_INDEX); new and redefined views (what they read
 * first); new and redefined triggers.  A redefined view or trigger is a
 * REPLACE_* only when nothing it reads changes; otherwise, and for an
 * unchanged one that reads a view dropped on the way (or is attached to
 * one), it is a DROP_* early and an ADD_* late.
 */
RETORT_API const retort_diff_op *
retort_diff_get(const retort_diff *diff, size_t i);

/** The schemas and options the diff was made from (borrowed). */
RETORT_API const retort_schema *retort_diff_from(const retort_diff *diff);
RETORT_API const retort_schema *retort_diff_to(const retort_diff *diff);
RETORT_API const retort_diff_options *
retort_diff_options_of(const retort_diff *diff);

/** Short stable name of an operation kind ("add_table", ...). */
RETORT_API const char *retort_op_kind_name(retort_op_kind kind);

/** What a naming-convention template is rendered for. */
typedef struct retort_naming_subject {
	const char *table;              /* the table */
	const char *const *columns;     /* the constraint's columns, or NULL */
	size_t ncolumns;                /* count of columns */
	const char *ref_table;          /* referred table (fk), or NULL */
	const char *constraint_name;    /* the constraint's own name, or NULL */
	const char *const *ref_columns; /* referred columns (fk), or NULL */
	size_t nref_columns;            /* count of ref_columns */
} retort_naming_subject;

/**
 * Render an Alembic naming-convention template for a constraint or index
 * into OUT (replacing its contents).
 * @return RETORT_OK; RETORT_EINVAL for an unknown token (err says which);
 *         RETORT_ENOTFOUND when the template needs a value the subject
 *         lacks, e.g. %(constraint_name)s of an unnamed CHECK: leave the
 *         constraint unnamed
 */
RETORT_API int retort_naming_render(
	retort_buf *out,
	const char *name_template,
	const retort_naming_subject *subject,
	retort_error *err);

/**
 * Append the --rename argument that R stands for to OUT: "old=new" or
 * "table.old=new", a name holding '.', '=' or '"' written in double
 * quotes with inner quotes doubled (SPEC §8).
 * @return RETORT_OK or RETORT_ENOMEM
 */
RETORT_API int retort_rename_format(retort_buf *out, const retort_rename *r);

/**
 * Parse a --rename argument ("old=new", "table.old=new", names in double
 * quotes where they hold '.' or '=') into OUT.
 * @param out     its strings point into STORAGE
 * @param storage replaced by the names; keep it while OUT is used
 * @return RETORT_OK; RETORT_EINVAL (err says why) for a malformed one
 */
RETORT_API int retort_rename_parse(
	retort_rename *out,
	retort_buf *storage,
	const char *arg,
	retort_error *err);

/** Free DIFF and everything it owns.  NULL is a no-op. */
RETORT_API void retort_diff_free(retort_diff *diff);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_DIFF_H */
