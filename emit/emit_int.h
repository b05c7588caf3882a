/*
** emit_int.h -- internals of the emit layer: CREATE statements generated
** from the model (ddl.c), shared by retort_schema_to_sql() and the
** migration planner.  Every function appends one statement (without the
** final ';') or clause to OUT and returns RETORT_OK, or RETORT_ENOMEM
** when OUT ran out of memory (OUT's sticky flag stays set).
*/
#ifndef RETORT_EMIT_INT_H
#define RETORT_EMIT_INT_H

#include <stdbool.h>

#include "retort/schema.h"

/*
** CREATE TABLE for T: columns (retort__emit_column_def), then the table
** constraints PRIMARY KEY (unless written on its column, see below),
** UNIQUE, CHECK and FOREIGN KEY, then WITHOUT ROWID and STRICT.  NAME
** overrides t->name (a rebuild under a temporary name); NULL: t->name.
*/
int retort__emit_create_table(
	retort_buf *out, const retort_table *t, const char *name);

/*
** The definition of column C of table T, as in CREATE TABLE and ALTER
** TABLE ADD COLUMN: name, type, then the constraints that belong to the
** column itself: PRIMARY KEY only for a single-column AUTOINCREMENT key
** (SQLite accepts AUTOINCREMENT nowhere else), NOT NULL with its ON
** CONFLICT, DEFAULT (a literal as is, anything else in parentheses),
** COLLATE, GENERATED ALWAYS AS (...) VIRTUAL|STORED.  UNIQUE, CHECK and
** REFERENCES are table constraints: see retort__emit_references() for
** an ADD COLUMN that needs one.
*/
int retort__emit_column_def(
	retort_buf *out, const retort_column *c, const retort_table *t);

/* True when T's primary key is written on its column (AUTOINCREMENT). */
bool retort__emit_pk_on_column(const retort_table *t);

/*
** The REFERENCES clause of FK: REFERENCES "parent"("cols") and its ON
** DELETE, ON UPDATE, MATCH and DEFERRABLE INITIALLY DEFERRED parts (the
** tail of a FOREIGN KEY table constraint, or a column constraint).
*/
int retort__emit_references(retort_buf *out, const retort_foreign_key *fk);

/* CREATE [UNIQUE] INDEX "name" ON "table"(parts) [WHERE expr]. */
int retort__emit_create_index(retort_buf *out, const retort_index *ix);

/* The stored, normalised CREATE VIEW / CREATE TRIGGER / CREATE VIRTUAL
 * TABLE statement. */
int retort__emit_create_view(retort_buf *out, const retort_view *v);
int retort__emit_create_trigger(retort_buf *out, const retort_trigger *t);
int retort__emit_create_virtual_table(
	retort_buf *out, const retort_virtual_table *v);

#endif /* RETORT_EMIT_INT_H */
