/*
** diff_safety.c -- the safety class of each operation (libdiff, bottom
** layer, SPEC §3): destructive, with the reason, when applying it can
** lose data (drops, narrowing types, re-created virtual tables) or be
** refused by rows that exist (NOT NULL, CHECK, UNIQUE, FOREIGN KEY or
** PRIMARY KEY added to a table that may have rows); else safe.
*/
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

static const char *const affinity_names[] = {
	"BLOB", "TEXT", "NUMERIC", "INTEGER", "REAL",
};

/* Append NAME as the reports show names: bare when it can be. */
static void put_name(retort_buf *b, const char *name)
{
	if (retort__sql_ident_is_bare(name, strlen(name)))
		retort_buf_puts(b, name);
	else
		retort_buf_put_ident(b, name);
}

static void put_parts(retort_buf *b, const retort_key_part *p, size_t n)
{
	size_t i;

	retort_buf_putc(b, '(');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		if (p[i].column)
			put_name(b, p[i].column);
		else
			retort_buf_puts(b, p[i].expr);
	}
	retort_buf_putc(b, ')');
}

/* Start another clause of a reason. */
static void clause(retort_buf *b)
{
	if (b->size)
		retort_buf_puts(b, "; ");
}

/* True when TO narrows FROM: values stored under FROM may be converted
 * (TEXT that looks like a number becomes one, big integers become REAL)
 * under TO.  BLOB and TEXT keep every value; NUMERIC keeps numbers. */
static bool narrows(retort_affinity from, retort_affinity to)
{
	if (from == to || to == RETORT_AFFINITY_BLOB ||
	    to == RETORT_AFFINITY_TEXT)
		return false;
	if (to == RETORT_AFFINITY_NUMERIC)
		return from != RETORT_AFFINITY_INTEGER &&
		       from != RETORT_AFFINITY_REAL;
	return true;
}

/* True when column NAME is in a unique key of T (PK, UNIQUE, unique
 * index): a collation change may make existing values collide. */
static bool in_unique_key(const retort_table *t, const char *name)
{
	size_t i, k;

	for (i = 0; t->primary_key && i < t->primary_key->nparts; i++)
		if (t->primary_key->parts[i].column &&
		    !retort__strcasecmp(t->primary_key->parts[i].column, name))
			return true;
	for (i = 0; i < t->nuniques; i++)
		for (k = 0; k < t->uniques[i].nparts; k++)
			if (t->uniques[i].parts[k].column &&
			    !retort__strcasecmp(
				    t->uniques[i].parts[k].column, name))
				return true;
	for (i = 0; i < t->nindexes; i++)
		for (k = 0; t->indexes[i].unique && k < t->indexes[i].nparts;
		     k++)
			if (t->indexes[i].parts[k].column &&
			    !retort__strcasecmp(
				    t->indexes[i].parts[k].column, name))
				return true;
	return false;
}

static void alter_column(retort_buf *b, const retort_diff_op *op)
{
	const retort_column *f = op->from.column, *t = op->to.column;
	bool strict = op->from.table->strict || op->to.table->strict;

	if ((op->changes & RETORT_CHANGE_NOT_NULL) && t->not_null) {
		retort_buf_puts(b, "existing rows may hold NULL in ");
		put_name(b, t->name);
	}
	if ((op->changes & RETORT_CHANGE_TYPE) &&
	    (strict || narrows(f->affinity, t->affinity))) {
		clause(b);
		retort_buf_printf(b, "changes the type of ");
		put_name(b, t->name);
		if (strict)
			retort_buf_printf(
				b,
				" in a STRICT table from %s to %s: values that do not fit are refused",
				*f->type ? f->type : "ANY",
				*t->type ? t->type : "ANY");
		else
			retort_buf_printf(
				b,
				" from %s to %s affinity: stored values may be converted",
				affinity_names[f->affinity],
				affinity_names[t->affinity]);
	}
	if ((op->changes & RETORT_CHANGE_GENERATED) &&
	    f->generated == RETORT_GENERATED_NONE) {
		clause(b);
		put_name(b, t->name);
		retort_buf_puts(
			b,
			" becomes a generated column: its stored values are replaced");
	}
	if ((op->changes & RETORT_CHANGE_COLLATE) && t->collate &&
	    in_unique_key(op->to.table, t->name)) {
		clause(b);
		put_name(b, t->name);
		retort_buf_printf(
			b,
			" gets COLLATE %s in a unique key: existing values may collide",
			t->collate);
	}
}

static void alter_pk(retort_buf *b, const retort_diff_op *op)
{
	const retort_primary_key *f = op->from.table->primary_key;
	const retort_primary_key *t = op->to.table->primary_key;

	if (op->changes & RETORT_PK_CHANGE_ROWID_ALIAS) {
		bool now = retort_diff__rowid_alias(op->to.table);
		const retort_primary_key *k = now ? t : f;

		put_name(b, k->parts[0].column);
		retort_buf_puts(
			b,
			now ? " becomes an alias of the rowid (INTEGER PRIMARY KEY): values that are not integers are refused"
			    : " stops being an alias of the rowid (INTEGER PRIMARY KEY): rowids are no longer kept in it");
	}
	if ((op->changes & RETORT_PK_CHANGE_COLUMNS) && t) {
		clause(b);
		retort_buf_puts(b, "changes the primary key to ");
		put_parts(b, t->parts, t->nparts);
		retort_buf_puts(b, ": existing rows may violate it");
	}
	if ((op->changes & RETORT_PK_CHANGE_AUTOINCREMENT) && f &&
	    f->autoincrement) {
		clause(b);
		retort_buf_puts(
			b,
			"removes AUTOINCREMENT: ids of deleted rows may be reused");
	}
}

static void alter_options(retort_buf *b, const retort_diff_op *op)
{
	const retort_table *t = op->to.table;

	if ((op->changes & RETORT_TABLE_CHANGE_WITHOUT_ROWID) &&
	    t->without_rowid)
		retort_buf_puts(
			b,
			"makes the table WITHOUT ROWID: rowids are not kept and rows with NULL in the primary key are refused");
	if ((op->changes & RETORT_TABLE_CHANGE_STRICT) && t->strict) {
		clause(b);
		retort_buf_puts(
			b,
			"makes the table STRICT: values that do not fit the column types are refused");
	}
}

/* Reasons of the kinds that drop something. */
static void drops(retort_buf *b, const retort_diff_op *op)
{
	switch (op->kind) {
	case RETORT_OP_DROP_TABLE:
		retort_buf_puts(b, "drops table ");
		put_name(b, op->object);
		retort_buf_puts(b, " and all its rows");
		break;
	case RETORT_OP_DROP_COLUMN:
		retort_buf_puts(b, "drops column ");
		put_name(b, op->name);
		retort_buf_puts(b, " and its data");
		break;
	case RETORT_OP_DROP_VIRTUAL_TABLE:
		retort_buf_puts(b, "drops virtual table ");
		put_name(b, op->object);
		retort_buf_puts(b, " and its content");
		break;
	case RETORT_OP_REPLACE_VIRTUAL_TABLE:
		retort_buf_puts(b, "re-creates virtual table ");
		put_name(b, op->object);
		retort_buf_puts(b, " empty: its content is lost");
		break;
	default:
		break;
	}
}

/* Reasons of the kinds that add a rule existing rows must satisfy. */
static void tightens(retort_buf *b, const retort_diff_op *op)
{
	const retort_column *col = op->to.column;

	if (op->kind == RETORT_OP_ADD_COLUMN && col->not_null &&
	    !col->default_sql && col->generated == RETORT_GENERATED_NONE) {
		retort_buf_puts(b, "adds NOT NULL column ");
		put_name(b, col->name);
		retort_buf_puts(
			b, " without a default: refused if the table has rows");
	} else if (op->kind == RETORT_OP_ADD_UNIQUE) {
		retort_buf_puts(b, "existing rows may hold duplicates of ");
		put_parts(b, op->to.unique->parts, op->to.unique->nparts);
	} else if (op->kind == RETORT_OP_ADD_INDEX && op->to.index->unique) {
		retort_buf_puts(b, "existing rows may hold duplicates of ");
		put_parts(b, op->to.index->parts, op->to.index->nparts);
	} else if (op->kind == RETORT_OP_ADD_CHECK) {
		retort_buf_printf(
			b, "existing rows may violate CHECK (%s)",
			op->to.check->expr);
	} else if (op->kind == RETORT_OP_ADD_FOREIGN_KEY) {
		retort_buf_puts(
			b, "existing rows may refer to rows missing from ");
		put_name(b, op->to.foreign_key->ref_table);
	}
}

void retort_diff__classify(diff_ctx *c, diff_entry *e, bool held)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_diff_op *op = &e->op;

	if (op->kind == RETORT_OP_ALTER_COLUMN)
		alter_column(&b, op);
	else if (op->kind == RETORT_OP_ALTER_PRIMARY_KEY)
		alter_pk(&b, op);
	else if (op->kind == RETORT_OP_ALTER_TABLE_OPTIONS)
		alter_options(&b, op);
	else if (!held)
		tightens(&b, op);
	drops(&b, op);
	op->safety = b.size || b.oom ? RETORT_DESTRUCTIVE : RETORT_SAFE;
	if (b.size && !b.oom)
		op->reason =
			retort__arena_strndup(&c->diff->arena, b.ptr, b.size);
	if (op->safety == RETORT_DESTRUCTIVE && !op->reason)
		c->oom = true;
	retort_buf_dispose(&b);
}
