/*
** ddl.h -- the parser of stored CREATE statements (introspect layer).
** It recovers what no PRAGMA shows (CHECK constraints, constraint names,
** COLLATE, GENERATED expressions, AUTOINCREMENT, ON CONFLICT, DEFERRABLE,
** index expressions and WHERE) from sqlite_schema.sql text, following
** SQLite's grammar (parse.y) and quoting rules (sqltok.h).
**
** Every string and array it produces is allocated in ARENA; expressions
** are normalised with retort__sql_normalize() (display form).  On failure
** it returns RETORT_EINVAL and fills ERR with WHAT and the reason.
*/
#ifndef RETORT_DDL_H
#define RETORT_DDL_H

#include "alloc_int.h"
#include "retort/schema.h"

/*
** Parse CREATE TABLE into T: name, without_rowid, strict, columns (name,
** normalised type, affinity, not_null and its conflict clause, DEFAULT,
** COLLATE, GENERATED), primary_key (column or table constraint, with
** AUTOINCREMENT), uniques, checks and foreign_keys in declaration order.
** Indexes and fingerprints are left empty.  default_sql is already the
** canonical form (retort__ddl_default() under the column's affinity);
** pk positions are filled; the key columns of a WITHOUT ROWID table are
** not_null (SQLite enforces it and table_xinfo reports it).
*/
int retort__ddl_parse_table(
	retort_table *t,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/* Parse CREATE [UNIQUE] INDEX into IX: name, table, unique, parts, where. */
int retort__ddl_parse_index(
	retort_index *ix,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/* Parse CREATE VIEW into V: name, and sql (the normalised statement, with
 * TEMP / IF NOT EXISTS / schema qualifier removed). */
int retort__ddl_parse_view(
	retort_view *v,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/* Parse CREATE TRIGGER into T: name, table, normalised sql. */
int retort__ddl_parse_trigger(
	retort_trigger *t,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/* Parse CREATE VIRTUAL TABLE into V: name, module (lower case), args
 * (normalised text between the parentheses, or NULL), normalised sql. */
int retort__ddl_parse_virtual_table(
	retort_virtual_table *v,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err);

/*
** The canonical form of a DEFAULT expression for a column of affinity AFF
** (SPEC §8): outer parentheses dropped; a literal that SQLite would store
** as the same value under AFF written one way ('0' and 0 on an INTEGER
** column both become 0; an identifier default is the string it stands
** for); DEFAULT NULL is NULL (no default).  Anything else is the
** normalised expression.  Returns a string in ARENA; *out is NULL for no
** default.
*/
int retort__ddl_default(
	const char **out,
	retort_arena *arena,
	const char *expr,
	retort_affinity aff);

#endif /* RETORT_DDL_H */
