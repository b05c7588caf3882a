/*
** introspect.h -- SQLite database to schema model (introspect layer).
** Internal API shared with migrations/ and the tests.
*/
#ifndef RETORT_INTROSPECT_H
#define RETORT_INTROSPECT_H

#include <sqlite3.h>

#include "retort/schema.h"

/*
** Read the schema of DB's main database into a new schema.  PRAGMAs
** (table_list, table_xinfo, index_list, index_xinfo, foreign_key_list)
** give the structure; the DDL parser adds what they hide.  Shadow tables,
** sqlite_* objects and tables whose names start with the options'
** exclude_prefix are left out.  WHAT names the source in errors.
*/
int retort__introspect(
	retort_schema **out,
	sqlite3 *db,
	const char *what,
	const retort_load_options *opts,
	retort_error *err);

/*
** Open a new in-memory database hardened for untrusted SQL: defensive
** mode, no extension loading, and an authorizer that refuses ATTACH,
** DETACH, VACUUM INTO and any function or pragma that reads or writes
** files.  *out is NULL on failure.
*/
int retort__sandbox_open(sqlite3 **out, retort_error *err);

/*
** Run the SQL script SQL (from file WHAT) in DB, statement by statement;
** an error names WHAT, the line of the failing statement and SQLite's
** message.
*/
int retort__exec_script(
	sqlite3 *db, const char *sql, const char *what, retort_error *err);

/* Execute SQL text in a sandboxed :memory: database and introspect it. */
int retort__schema_from_sql(
	retort_schema **out,
	const char *sql,
	const char *what,
	retort_error *err);

#endif /* RETORT_INTROSPECT_H */
