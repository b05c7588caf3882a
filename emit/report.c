/*
** report.c -- the reports of a diff (emit layer; SPEC §3, §6): a text
** report grouped by table with +/-/~ markers, destructive operations
** flagged and possible renames suggested with the exact flag, ANSI colour
** on request; and the JSON list of operations of docs/diff-json.md.
*/
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alloc_int.h"
#include "json_int.h"
#include "retort/emit.h"
#include "sqltok.h"

/* ---------------------------------------------------------------------
** Text: pieces
*/

/* Colours, used only when the caller asks. */
#define C_ADD   "\033[32m"
#define C_DROP  "\033[31m"
#define C_ALTER "\033[33m"
#define C_WARN  "\033[1;31m"
#define C_HINT  "\033[36m"
#define C_OFF   "\033[0m"

/* The state of a text report. */
typedef struct tw {
	retort_buf *b;           /* output */
	bool color;              /* ANSI colours */
	const retort_diff *diff; /* the diff */
} tw;

/* Append NAME as reports show names: bare when it can be, else quoted. */
static void put_name(retort_buf *b, const char *name)
{
	if (name && retort__sql_ident_is_bare(name, strlen(name)))
		retort_buf_puts(b, name);
	else
		retort_buf_put_ident(b, name ? name : "");
}

static void put_names(retort_buf *b, const char *const *v, size_t n)
{
	size_t i;

	retort_buf_putc(b, '(');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		put_name(b, v[i]);
	}
	retort_buf_putc(b, ')');
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
		if (p[i].collate)
			retort_buf_printf(b, " COLLATE %s", p[i].collate);
		if (p[i].desc)
			retort_buf_puts(b, " DESC");
	}
	retort_buf_putc(b, ')');
}

/* A column as SQL declares it: name type and constraints. */
static void put_column(retort_buf *b, const retort_column *c)
{
	put_name(b, c->name);
	if (c->type && *c->type)
		retort_buf_printf(b, " %s", c->type);
	if (c->not_null)
		retort_buf_puts(b, " NOT NULL");
	if (c->default_sql)
		retort_buf_printf(b, " DEFAULT %s", c->default_sql);
	if (c->collate)
		retort_buf_printf(b, " COLLATE %s", c->collate);
	if (c->generated != RETORT_GENERATED_NONE)
		retort_buf_printf(
			b, " GENERATED ALWAYS AS (%s) %s",
			c->generated_sql ? c->generated_sql : "",
			c->generated == RETORT_GENERATED_STORED ? "STORED"
								: "VIRTUAL");
}

static void put_index(retort_buf *b, const retort_index *ix)
{
	retort_buf_puts(b, ix->unique ? "unique index " : "index ");
	put_name(b, ix->name);
	retort_buf_putc(b, ' ');
	put_parts(b, ix->parts, ix->nparts);
	if (ix->where)
		retort_buf_printf(b, " WHERE %s", ix->where);
}

static const char *const action_sql[] = {
	"NO ACTION", "RESTRICT", "SET NULL", "SET DEFAULT", "CASCADE",
};

static void put_fk(retort_buf *b, const retort_foreign_key *fk)
{
	put_names(b, fk->columns, fk->ncolumns);
	retort_buf_puts(b, " REFERENCES ");
	put_name(b, fk->ref_table);
	if (fk->nref_columns) {
		retort_buf_putc(b, ' ');
		put_names(b, fk->ref_columns, fk->nref_columns);
	}
	if (fk->on_delete)
		retort_buf_printf(
			b, " ON DELETE %s", action_sql[fk->on_delete]);
	if (fk->on_update)
		retort_buf_printf(
			b, " ON UPDATE %s", action_sql[fk->on_update]);
	if (fk->match)
		retort_buf_printf(b, " MATCH %s", fk->match);
	if (fk->deferred)
		retort_buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
}

/* "constraint NAME " when there is a name. */
static void put_cname(retort_buf *b, const char *name)
{
	if (!name)
		return;
	put_name(b, name);
	retort_buf_putc(b, ' ');
}

/* Append N spaces (N <= 16). */
static void indent_by(retort_buf *b, int n)
{
	retort_buf_put(b, "                ", (size_t)n);
}

/* Start a line: indentation, colour and marker. */
static void line_start(tw *w, int indent, char marker)
{
	const char *col = marker == '+'   ? C_ADD
			  : marker == '-' ? C_DROP
					  : C_ALTER;

	indent_by(w->b, indent);
	if (w->color)
		retort_buf_puts(w->b, col);
	retort_buf_putc(w->b, marker);
	retort_buf_putc(w->b, ' ');
}

static void line_end(tw *w)
{
	if (w->color)
		retort_buf_puts(w->b, C_OFF);
	retort_buf_putc(w->b, '\n');
}

/* Append S quoted for a POSIX shell when it needs it. */
static void put_shell(retort_buf *b, const char *s)
{
	const char *p;

	if (*s &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.=,/:@%+-") == strlen(s)) {
		retort_buf_puts(b, s);
		return;
	}
	retort_buf_putc(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			retort_buf_puts(b, "'\\''");
		else
			retort_buf_putc(b, *p);
	}
	retort_buf_putc(b, '\'');
}

/* The lines under an operation: its destructive reason and its possible
 * rename. */
static void notes(tw *w, int indent, const retort_diff_op *op)
{
	if (op->safety == RETORT_DESTRUCTIVE) {
		indent_by(w->b, indent + 2);
		if (w->color)
			retort_buf_puts(w->b, C_WARN);
		retort_buf_printf(
			w->b, "! destructive: %s",
			op->reason ? op->reason : "may lose data");
		line_end(w);
	}
	if (op->rename_hint) {
		indent_by(w->b, indent + 2);
		if (w->color)
			retort_buf_puts(w->b, C_HINT);
		retort_buf_puts(w->b, "possible rename: --rename ");
		put_shell(w->b, op->rename_hint);
		line_end(w);
	}
}

/* ---------------------------------------------------------------------
** Text: one line per operation
*/

static void put_default(retort_buf *b, const char *d)
{
	retort_buf_puts(b, d ? d : "(none)");
}

static void put_generated(retort_buf *b, const retort_column *c)
{
	if (c->generated == RETORT_GENERATED_NONE)
		retort_buf_puts(b, "(none)");
	else
		retort_buf_printf(
			b, "AS (%s) %s",
			c->generated_sql ? c->generated_sql : "",
			c->generated == RETORT_GENERATED_STORED ? "STORED"
								: "VIRTUAL");
}

/* "column x: type A -> B, NOT NULL added, ..." */
static void put_alter_column(retort_buf *b, const retort_diff_op *op)
{
	const retort_column *f = op->from.column, *t = op->to.column;
	unsigned ch = op->changes;

	retort_buf_puts(b, "column ");
	put_name(b, t->name);
	retort_buf_putc(b, ':');
	if (ch & RETORT_CHANGE_TYPE)
		retort_buf_printf(
			b, " type %s -> %s,", *f->type ? f->type : "(none)",
			*t->type ? t->type : "(none)");
	if (ch & RETORT_CHANGE_NOT_NULL)
		retort_buf_printf(
			b, " NOT NULL %s,", t->not_null ? "added" : "dropped");
	if (ch & RETORT_CHANGE_NOT_NULL_ON)
		retort_buf_printf(
			b, " NOT NULL ON CONFLICT %s -> %s,",
			retort__json_enum_name(
				retort__json_conflict, f->not_null_on),
			retort__json_enum_name(
				retort__json_conflict, t->not_null_on));
	if (ch & RETORT_CHANGE_DEFAULT) {
		retort_buf_puts(b, " DEFAULT ");
		put_default(b, f->default_sql);
		retort_buf_puts(b, " -> ");
		put_default(b, t->default_sql);
		retort_buf_putc(b, ',');
	}
	if (ch & RETORT_CHANGE_COLLATE)
		retort_buf_printf(
			b, " COLLATE %s -> %s,",
			f->collate ? f->collate : "BINARY",
			t->collate ? t->collate : "BINARY");
	if (ch & RETORT_CHANGE_GENERATED) {
		retort_buf_puts(b, " generated ");
		put_generated(b, f);
		retort_buf_puts(b, " -> ");
		put_generated(b, t);
		retort_buf_putc(b, ',');
	}
	retort_buf_truncate(b, b->size - 1); /* the last ',' */
}

static void put_pk(retort_buf *b, const retort_primary_key *pk)
{
	if (pk)
		put_parts(b, pk->parts, pk->nparts);
	else
		retort_buf_puts(b, "(none)");
}

/* True when T's primary key is an alias of the rowid: one column
 * declared INTEGER in a rowid table. */
static bool rowid_alias(const retort_table *t)
{
	const retort_column *c;

	if (t->without_rowid || !t->primary_key ||
	    t->primary_key->nparts != 1 || !t->primary_key->parts[0].column)
		return false;
	c = retort_table_find_column(t, t->primary_key->parts[0].column);
	return c && c->type && !retort__strcasecmp(c->type, "INTEGER");
}

static void put_alter_pk(retort_buf *b, const retort_diff_op *op)
{
	const retort_primary_key *f = op->from.table->primary_key;
	const retort_primary_key *t = op->to.table->primary_key;
	unsigned ch = op->changes;

	retort_buf_puts(b, "primary key ");
	put_pk(b, f);
	if (ch & RETORT_PK_CHANGE_COLUMNS) {
		retort_buf_puts(b, " -> ");
		put_pk(b, t);
	}
	if (ch & RETORT_PK_CHANGE_ROWID_ALIAS)
		retort_buf_puts(
			b, rowid_alias(op->to.table)
				   ? ", now an alias of the rowid"
				   : ", no longer an alias of the rowid");
	if (ch & RETORT_PK_CHANGE_AUTOINCREMENT)
		retort_buf_printf(
			b, ", AUTOINCREMENT %s",
			t && t->autoincrement ? "added" : "removed");
	if (ch & RETORT_PK_CHANGE_CONFLICT)
		retort_buf_puts(b, ", ON CONFLICT changed");
	if (ch & RETORT_PK_CHANGE_NAME) {
		retort_buf_puts(b, ", name ");
		put_name(b, f->name);
		retort_buf_puts(b, " -> ");
		put_name(b, t->name);
	}
}

static void put_options(retort_buf *b, const retort_diff_op *op)
{
	const retort_table *t = op->to.table;

	retort_buf_puts(b, "table options:");
	if (op->changes & RETORT_TABLE_CHANGE_WITHOUT_ROWID)
		retort_buf_printf(
			b, " WITHOUT ROWID %s%s",
			t->without_rowid ? "added" : "removed",
			op->changes & RETORT_TABLE_CHANGE_STRICT ? "," : "");
	if (op->changes & RETORT_TABLE_CHANGE_STRICT)
		retort_buf_printf(
			b, " STRICT %s", t->strict ? "added" : "removed");
}

static void put_order(retort_buf *b, const retort_table *t)
{
	size_t i;

	retort_buf_putc(b, '(');
	for (i = 0; i < t->ncolumns; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		put_name(b, t->columns[i].name);
	}
	retort_buf_putc(b, ')');
}

/* The text of a constraint line (after the marker). */
static void put_constraint(retort_buf *b, const retort_diff_op *op)
{
	const retort_op_side *s =
		op->to.unique || op->to.check || op->to.foreign_key ? &op->to
								    : &op->from;

	if (s->unique) {
		retort_buf_puts(b, "unique ");
		put_cname(b, op->name);
		put_parts(b, s->unique->parts, s->unique->nparts);
	} else if (s->check) {
		retort_buf_puts(b, "check ");
		put_cname(b, op->name);
		retort_buf_printf(b, "(%s)", s->check->expr);
	} else {
		retort_buf_puts(b, "foreign key ");
		put_cname(b, op->name);
		put_fk(b, s->foreign_key);
	}
}

/* The marker of an operation's line. */
static char marker_of(retort_op_kind k)
{
	switch (k) {
	case RETORT_OP_ADD_TABLE:
	case RETORT_OP_ADD_COLUMN:
	case RETORT_OP_ADD_INDEX:
	case RETORT_OP_ADD_UNIQUE:
	case RETORT_OP_ADD_CHECK:
	case RETORT_OP_ADD_FOREIGN_KEY:
	case RETORT_OP_ADD_VIEW:
	case RETORT_OP_ADD_TRIGGER:
	case RETORT_OP_ADD_VIRTUAL_TABLE:
		return '+';
	case RETORT_OP_DROP_TABLE:
	case RETORT_OP_DROP_COLUMN:
	case RETORT_OP_DROP_INDEX:
	case RETORT_OP_DROP_UNIQUE:
	case RETORT_OP_DROP_CHECK:
	case RETORT_OP_DROP_FOREIGN_KEY:
	case RETORT_OP_DROP_VIEW:
	case RETORT_OP_DROP_TRIGGER:
	case RETORT_OP_DROP_VIRTUAL_TABLE:
		return '-';
	default:
		return '~';
	}
}

/* The text of the line of an operation inside a group. */
static void put_op(retort_buf *b, const retort_diff_op *op)
{
	switch (op->kind) {
	case RETORT_OP_ADD_COLUMN:
	case RETORT_OP_DROP_COLUMN:
		retort_buf_puts(b, "column ");
		put_column(b, op->to.column ? op->to.column : op->from.column);
		break;
	case RETORT_OP_RENAME_COLUMN:
		retort_buf_puts(b, "column ");
		put_name(b, op->from.column->name);
		retort_buf_puts(b, " renamed to ");
		put_name(b, op->to.column->name);
		break;
	case RETORT_OP_ALTER_COLUMN:
		put_alter_column(b, op);
		break;
	case RETORT_OP_REORDER_COLUMNS:
		retort_buf_puts(b, "column order ");
		put_order(b, op->from.table);
		retort_buf_puts(b, " -> ");
		put_order(b, op->to.table);
		break;
	case RETORT_OP_ALTER_PRIMARY_KEY:
		put_alter_pk(b, op);
		break;
	case RETORT_OP_ALTER_TABLE_OPTIONS:
		put_options(b, op);
		break;
	case RETORT_OP_ADD_INDEX:
	case RETORT_OP_DROP_INDEX:
		put_index(b, op->to.index ? op->to.index : op->from.index);
		break;
	case RETORT_OP_ADD_TRIGGER:
	case RETORT_OP_DROP_TRIGGER:
	case RETORT_OP_REPLACE_TRIGGER:
		retort_buf_puts(b, "trigger ");
		put_name(b, op->object);
		if (op->kind == RETORT_OP_REPLACE_TRIGGER)
			retort_buf_puts(b, " (redefined)");
		break;
	default:
		put_constraint(b, op);
		break;
	}
}

/* ---------------------------------------------------------------------
** Text: groups
*/

enum { CAT_TABLE = 0, CAT_VTAB, CAT_VIEW };

/* An operation and the group it is shown in. */
struct gitem {
	int cat;          /* CAT_* */
	const char *name; /* the group's table, vtab or view */
	size_t i;         /* index of the operation */
};

static int gitem_cmp(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;
	int d;

	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	if ((d = retort__strcasecmp(x->name, y->name)))
		return d;
	return (x->i > y->i) - (x->i < y->i);
}

/* The TO name of FROM table NAME (a renamed table's new name). */
static const char *renamed(const retort_diff *d, const char *name)
{
	size_t i;

	for (i = 0; i < retort_diff_count(d); i++) {
		const retort_diff_op *op = retort_diff_get(d, i);

		if (op->kind == RETORT_OP_RENAME_TABLE &&
		    !retort__strcasecmp(op->from.table->name, name))
			return op->to.table->name;
	}
	return name;
}

/* The group of a trigger: its table's, or its view's. */
static void
trigger_group(const retort_diff *d, const retort_diff_op *op, struct gitem *g)
{
	const retort_trigger *t =
		op->to.trigger ? op->to.trigger : op->from.trigger;
	const retort_schema *s =
		op->to.trigger ? retort_diff_to(d) : retort_diff_from(d);

	g->name = op->to.trigger ? t->table : renamed(d, t->table);
	g->cat = !retort_schema_find_table(s, t->table) &&
				 retort_schema_find_view(s, t->table)
			 ? CAT_VIEW
			 : CAT_TABLE;
}

static void group_of(const retort_diff *d, size_t i, struct gitem *g)
{
	const retort_diff_op *op = retort_diff_get(d, i);

	g->i = i;
	g->cat = CAT_TABLE;
	g->name = op->object;
	if (op->to.table || op->from.table)
		g->name = op->to.table ? op->to.table->name
				       : op->from.table->name;
	else if (op->to.virtual_table || op->from.virtual_table)
		g->cat = CAT_VTAB;
	else if (op->to.view || op->from.view)
		g->cat = CAT_VIEW;
	else if (op->to.trigger || op->from.trigger)
		trigger_group(d, op, g);
}

/* The operation of kind K in group G[0..N), or NULL. */
static const retort_diff_op *find_kind(
	const retort_diff *d, const struct gitem *g, size_t n, retort_op_kind k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (retort_diff_get(d, g[i].i)->kind == k)
			return retort_diff_get(d, g[i].i);
	return NULL;
}

/* The columns and constraints of a new table, one line each. */
static void new_table_lines(tw *w, const retort_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		line_start(w, 4, '+');
		retort_buf_puts(w->b, "column ");
		put_column(w->b, &t->columns[i]);
		line_end(w);
	}
	if (t->primary_key) {
		line_start(w, 4, '+');
		retort_buf_puts(w->b, "primary key ");
		put_parts(w->b, t->primary_key->parts, t->primary_key->nparts);
		if (t->primary_key->autoincrement)
			retort_buf_puts(w->b, " AUTOINCREMENT");
		line_end(w);
	}
	for (i = 0; i < t->nuniques + t->nchecks + t->nforeign_keys; i++) {
		retort_diff_op op;

		memset(&op, 0, sizeof(op));
		if (i < t->nuniques)
			op.to.unique = &t->uniques[i];
		else if (i < t->nuniques + t->nchecks)
			op.to.check = &t->checks[i - t->nuniques];
		else
			op.to.foreign_key =
				&t->foreign_keys[i - t->nuniques - t->nchecks];
		op.name = *(const char *const *)(op.to.unique ? (const void *)op.to.unique
					       : op.to.check ? (const void *)op.to.check
							     : (const void *)op.to.foreign_key);
		line_start(w, 4, '+');
		put_constraint(w->b, &op);
		line_end(w);
	}
}

/* The header line of a table group, and the new table's lines. */
static void table_header(tw *w, const struct gitem *g, size_t n)
{
	const retort_diff_op *add =
		find_kind(w->diff, g, n, RETORT_OP_ADD_TABLE);
	const retort_diff_op *drop =
		find_kind(w->diff, g, n, RETORT_OP_DROP_TABLE);
	const retort_diff_op *ren =
		find_kind(w->diff, g, n, RETORT_OP_RENAME_TABLE);
	const retort_diff_op *head = add ? add : drop ? drop : ren;

	line_start(w, 0, add ? '+' : drop ? '-' : '~');
	retort_buf_puts(w->b, "table ");
	if (ren) {
		put_name(w->b, ren->from.table->name);
		retort_buf_puts(w->b, " renamed to ");
	}
	put_name(w->b, g->name);
	line_end(w);
	if (head)
		notes(w, 0, head);
	if (add)
		new_table_lines(w, add->to.table);
}

/* The header of a view group: one line for its view operations. */
static void view_header(tw *w, const struct gitem *g, size_t n)
{
	const retort_diff_op *add =
		find_kind(w->diff, g, n, RETORT_OP_ADD_VIEW);
	const retort_diff_op *drop =
		find_kind(w->diff, g, n, RETORT_OP_DROP_VIEW);
	const retort_diff_op *rep =
		find_kind(w->diff, g, n, RETORT_OP_REPLACE_VIEW);

	line_start(w, 0, add && !drop ? '+' : drop && !add ? '-' : '~');
	retort_buf_puts(w->b, "view ");
	put_name(w->b, g->name);
	if (rep)
		retort_buf_puts(w->b, " (redefined)");
	else if (add && drop)
		retort_buf_puts(
			w->b,
			add->to.view->fingerprint ==
					drop->from.view->fingerprint
				? " (dropped and created again: it reads an object that changes)"
				: " (redefined: dropped first, created after the tables)");
	line_end(w);
}

static void vtab_header(tw *w, const struct gitem *g, size_t n)
{
	const retort_diff_op *op = retort_diff_get(w->diff, g[0].i);
	const retort_virtual_table *v = op->to.virtual_table
						? op->to.virtual_table
						: op->from.virtual_table;

	(void)n;
	line_start(w, 0, marker_of(op->kind));
	retort_buf_puts(w->b, "virtual table ");
	put_name(w->b, g->name);
	retort_buf_printf(w->b, " USING %s", v->module ? v->module : "");
	if (v->args)
		retort_buf_printf(w->b, "(%s)", v->args);
	if (op->kind == RETORT_OP_REPLACE_VIRTUAL_TABLE)
		retort_buf_puts(w->b, " (redefined)");
	line_end(w);
	notes(w, 0, op);
}

/* True when OP is shown by its group's header. */
static bool in_header(const retort_diff_op *op)
{
	switch (op->kind) {
	case RETORT_OP_ADD_TABLE:
	case RETORT_OP_DROP_TABLE:
	case RETORT_OP_RENAME_TABLE:
	case RETORT_OP_ADD_VIEW:
	case RETORT_OP_DROP_VIEW:
	case RETORT_OP_REPLACE_VIEW:
	case RETORT_OP_ADD_VIRTUAL_TABLE:
	case RETORT_OP_DROP_VIRTUAL_TABLE:
	case RETORT_OP_REPLACE_VIRTUAL_TABLE:
		return true;
	default:
		return false;
	}
}

/* The ADD of the same index or trigger as DROP in G[0..N), if any: the
 * pair is shown as one changed line. */
static const retort_diff_op *
partner(const retort_diff *d,
	const struct gitem *g,
	size_t n,
	const retort_diff_op *drop)
{
	retort_op_kind k = drop->kind == RETORT_OP_DROP_INDEX
				   ? RETORT_OP_ADD_INDEX
				   : RETORT_OP_ADD_TRIGGER;
	size_t i;

	if (drop->kind != RETORT_OP_DROP_INDEX &&
	    drop->kind != RETORT_OP_DROP_TRIGGER)
		return NULL;
	for (i = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(d, g[i].i);
		const char *a = op->name ? op->name : op->object;
		const char *b = drop->name ? drop->name : drop->object;

		if (op->kind == k && !retort__strcasecmp(a, b))
			return op;
	}
	return NULL;
}

/* One line for OP (and its ADD partner when it is a DROP). */
static void
op_line(tw *w, const struct gitem *g, size_t n, const retort_diff_op *op)
{
	const retort_diff_op *add = partner(w->diff, g, n, op);

	line_start(w, 4, add ? '~' : marker_of(op->kind));
	if (add && op->kind == RETORT_OP_DROP_INDEX) {
		put_index(w->b, op->from.index);
		retort_buf_puts(w->b, " -> ");
		put_parts(w->b, add->to.index->parts, add->to.index->nparts);
		if (add->to.index->where)
			retort_buf_printf(
				w->b, " WHERE %s", add->to.index->where);
		if (add->to.index->unique != op->from.index->unique)
			retort_buf_puts(
				w->b, add->to.index->unique ? " UNIQUE"
							    : " not UNIQUE");
	} else if (add) {
		retort_buf_puts(w->b, "trigger ");
		put_name(w->b, op->object);
		retort_buf_puts(
			w->b, op->from.trigger->fingerprint ==
					      add->to.trigger->fingerprint
				      ? " (dropped and created again)"
				      : " (redefined)");
	} else {
		put_op(w->b, op);
	}
	line_end(w);
	notes(w, 4, op);
	if (add)
		notes(w, 4, add);
}

/* True when OP is the ADD half of a pair shown at its DROP. */
static bool shown_with_drop(
	const retort_diff *d,
	const struct gitem *g,
	size_t n,
	const retort_diff_op *op)
{
	size_t i;

	if (op->kind != RETORT_OP_ADD_INDEX &&
	    op->kind != RETORT_OP_ADD_TRIGGER)
		return false;
	for (i = 0; i < n; i++) {
		const retort_diff_op *x = retort_diff_get(d, g[i].i);

		if (partner(d, g, n, x) == op)
			return true;
	}
	return false;
}

static void group(tw *w, const struct gitem *g, size_t n)
{
	size_t i;

	if (g->cat == CAT_TABLE)
		table_header(w, g, n);
	else if (g->cat == CAT_VIEW)
		view_header(w, g, n);
	else
		vtab_header(w, g, n);
	for (i = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(w->diff, g[i].i);

		if (in_header(op) || shown_with_drop(w->diff, g, n, op))
			continue;
		op_line(w, g, n, op);
	}
}

/* The summary: counts, then each possible rename's flag once. */
static void summary(tw *w)
{
	size_t n = retort_diff_count(w->diff), i, j, ndes = 0;

	for (i = 0; i < n; i++)
		ndes += retort_diff_get(w->diff, i)->safety ==
			RETORT_DESTRUCTIVE;
	retort_buf_printf(
		w->b, "\n%zu operation%s, %zu destructive\n", n,
		n == 1 ? "" : "s", ndes);
	for (i = 0, j = 0; i < n; i++) {
		const retort_diff_op *op = retort_diff_get(w->diff, i);

		/* each hint is on a DROP and an ADD: show it at the DROP */
		if (!op->rename_hint || marker_of(op->kind) != '-')
			continue;
		if (!j++)
			retort_buf_puts(
				w->b,
				"possible renames (add the flag to keep the data):\n");
		retort_buf_puts(w->b, "  --rename ");
		put_shell(w->b, op->rename_hint);
		retort_buf_putc(w->b, '\n');
	}
}

int retort_report_text(
	retort_buf *out, const retort_diff *diff, bool color, retort_error *err)
{
	size_t n = retort_diff_count(diff), i, j;
	struct gitem *g;
	tw w;

	retort_buf_clear(out);
	if (!n) {
		retort_buf_puts(out, "no differences\n");
		return retort_buf_oom(out) ? retort_error_set(
						     err, RETORT_ENOMEM,
						     "report", "out of memory")
					   : RETORT_OK;
	}
	g = retort__malloc(n * sizeof(*g));
	if (!g)
		return retort_error_set(
			err, RETORT_ENOMEM, "report", "out of memory");
	for (i = 0; i < n; i++)
		group_of(diff, i, &g[i]);
	if (n > 1)
		qsort(g, n, sizeof(*g), gitem_cmp);
	w.b = out;
	w.color = color;
	w.diff = diff;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && g[j].cat == g[i].cat &&
				!retort__strcasecmp(g[j].name, g[i].name);
		     j++)
			;
		group(&w, g + i, j - i);
	}
	summary(&w);
	retort__free(g);
	if (retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, "report", "out of memory");
	return RETORT_OK;
}

/* ---------------------------------------------------------------------
** JSON (docs/diff-json.md)
*/

static void
j_enum(retort_jb *j,
       cJSON *o,
       const char *key,
       const char *const *names,
       unsigned v)
{
	retort__jb_str(j, o, key, retort__json_enum_name(names, v));
}

/* A new object appended to array A (NULL A: a detached object). */
static cJSON *j_elem(retort_jb *j, cJSON *a)
{
	cJSON *o = cJSON_CreateObject();

	if (o && a && !cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		o = NULL;
	}
	retort__jb_check(j, o);
	return o;
}

static void j_parts(retort_jb *j, cJSON *o, const retort_key_part *p, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, "parts");
	size_t i;

	retort__jb_check(j, a);
	for (i = 0; a && i < n; i++) {
		cJSON *e = j_elem(j, a);

		if (!e)
			return;
		retort__jb_str(j, e, "column", p[i].column);
		retort__jb_str(j, e, "expr", p[i].expr);
		retort__jb_str(j, e, "collate", p[i].collate);
		retort__jb_bool(j, e, "desc", p[i].desc);
	}
}

static void j_column(retort_jb *j, cJSON *o, const retort_column *c)
{
	retort__jb_str(j, o, "name", c->name);
	retort__jb_str(j, o, "type", c->type ? c->type : "");
	j_enum(j, o, "affinity", retort__json_affinity, c->affinity);
	retort__jb_bool(j, o, "not_null", c->not_null);
	j_enum(j, o, "not_null_on_conflict", retort__json_conflict,
	       c->not_null_on);
	retort__jb_str(j, o, "default", c->default_sql);
	retort__jb_str(j, o, "collate", c->collate);
	retort__jb_check(j, cJSON_AddNumberToObject(o, "pk", c->pk));
	j_enum(j, o, "generated", retort__json_generated, c->generated);
	retort__jb_str(j, o, "generated_expr", c->generated_sql);
}

static void j_index(retort_jb *j, cJSON *o, const retort_index *ix)
{
	retort__jb_str(j, o, "name", ix->name);
	retort__jb_str(j, o, "table", ix->table);
	retort__jb_bool(j, o, "unique", ix->unique);
	j_parts(j, o, ix->parts, ix->nparts);
	retort__jb_str(j, o, "where", ix->where);
}

static void j_fk(retort_jb *j, cJSON *o, const retort_foreign_key *fk)
{
	retort__jb_str(j, o, "name", fk->name);
	retort__jb_names(j, o, "columns", fk->columns, fk->ncolumns);
	retort__jb_str(j, o, "ref_table", fk->ref_table);
	retort__jb_names(
		j, o, "ref_columns", fk->ref_columns, fk->nref_columns);
	j_enum(j, o, "on_delete", retort__json_action, fk->on_delete);
	j_enum(j, o, "on_update", retort__json_action, fk->on_update);
	retort__jb_str(j, o, "match", fk->match);
	retort__jb_bool(j, o, "deferred", fk->deferred);
}

static void j_pk(retort_jb *j, cJSON *o, const retort_table *t)
{
	const retort_primary_key *pk = t->primary_key;
	cJSON *k;

	if (!pk) {
		retort__jb_check(j, cJSON_AddNullToObject(o, "primary_key"));
		return;
	}
	k = cJSON_AddObjectToObject(o, "primary_key");
	retort__jb_check(j, k);
	if (!k)
		return;
	retort__jb_str(j, k, "name", pk->name);
	j_parts(j, k, pk->parts, pk->nparts);
	j_enum(j, k, "on_conflict", retort__json_conflict, pk->on_conflict);
	retort__jb_bool(j, k, "autoincrement", pk->autoincrement);
	retort__jb_bool(j, k, "rowid_alias", rowid_alias(t));
}

/* An array KEY of N records of SIZE bytes at V written by FN. */
static void
j_list(retort_jb *j,
       cJSON *o,
       const char *key,
       const void *v,
       size_t n,
       size_t size,
       void (*fn)(retort_jb *, cJSON *, const void *))
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	size_t i;

	retort__jb_check(j, a);
	for (i = 0; a && i < n; i++) {
		cJSON *e = j_elem(j, a);

		if (e)
			fn(j, e, (const char *)v + i * size);
	}
}

static void j_column_v(retort_jb *j, cJSON *o, const void *r)
{
	j_column(j, o, r);
}

static void j_unique_v(retort_jb *j, cJSON *o, const void *r)
{
	const retort_unique *u = r;

	retort__jb_str(j, o, "name", u->name);
	j_parts(j, o, u->parts, u->nparts);
	j_enum(j, o, "on_conflict", retort__json_conflict, u->on_conflict);
}

static void j_check_v(retort_jb *j, cJSON *o, const void *r)
{
	retort__jb_str(j, o, "name", ((const retort_check *)r)->name);
	retort__jb_str(j, o, "expr", ((const retort_check *)r)->expr);
}

static void j_fk_v(retort_jb *j, cJSON *o, const void *r)
{
	j_fk(j, o, r);
}

static void j_table(retort_jb *j, cJSON *o, const retort_table *t)
{
	retort__jb_str(j, o, "name", t->name);
	retort__jb_bool(j, o, "without_rowid", t->without_rowid);
	retort__jb_bool(j, o, "strict", t->strict);
	j_list(j, o, "columns", t->columns, t->ncolumns, sizeof(*t->columns),
	       j_column_v);
	j_pk(j, o, t);
	j_list(j, o, "uniques", t->uniques, t->nuniques, sizeof(*t->uniques),
	       j_unique_v);
	j_list(j, o, "checks", t->checks, t->nchecks, sizeof(*t->checks),
	       j_check_v);
	j_list(j, o, "foreign_keys", t->foreign_keys, t->nforeign_keys,
	       sizeof(*t->foreign_keys), j_fk_v);
}

/* The details of one side of OP for its kind (null when the side has no
 * record). */
static void
j_side(retort_jb *j,
       cJSON *o,
       const retort_diff_op *op,
       const retort_op_side *s)
{
	switch (op->kind) {
	case RETORT_OP_ADD_TABLE:
	case RETORT_OP_DROP_TABLE:
		j_table(j, o, s->table);
		break;
	case RETORT_OP_RENAME_TABLE:
		retort__jb_str(j, o, "name", s->table->name);
		break;
	case RETORT_OP_ALTER_TABLE_OPTIONS:
		retort__jb_bool(j, o, "without_rowid", s->table->without_rowid);
		retort__jb_bool(j, o, "strict", s->table->strict);
		break;
	case RETORT_OP_ALTER_PRIMARY_KEY:
		j_pk(j, o, s->table);
		break;
	case RETORT_OP_REORDER_COLUMNS:
		j_list(j, o, "columns", s->table->columns, s->table->ncolumns,
		       sizeof(*s->table->columns), j_column_v);
		break;
	default:
		if (s->column)
			j_column(j, o, s->column);
		else if (s->index)
			j_index(j, o, s->index);
		else if (s->unique)
			j_unique_v(j, o, s->unique);
		else if (s->check)
			j_check_v(j, o, s->check);
		else if (s->foreign_key)
			j_fk(j, o, s->foreign_key);
		break;
	}
}

/* The record of side S that OP is about, or NULL (then the side is
 * null in the JSON). */
static const void *
side_record(const retort_diff_op *op, const retort_op_side *s)
{
	switch (op->kind) {
	case RETORT_OP_ADD_TABLE:
	case RETORT_OP_DROP_TABLE:
	case RETORT_OP_RENAME_TABLE:
	case RETORT_OP_ALTER_TABLE_OPTIONS:
	case RETORT_OP_ALTER_PRIMARY_KEY:
	case RETORT_OP_REORDER_COLUMNS:
		return s->table;
	default:
		break;
	}
	if (s->column || s->index || s->unique || s->check || s->foreign_key)
		return s;
	if (s->view)
		return s->view;
	if (s->trigger)
		return s->trigger;
	return s->virtual_table;
}

static void j_object_side(
	retort_jb *j,
	cJSON *o,
	const retort_diff_op *op,
	const retort_op_side *s)
{
	if (s->view) {
		retort__jb_str(j, o, "name", s->view->name);
		retort__jb_str(j, o, "sql", s->view->sql);
	} else if (s->trigger) {
		retort__jb_str(j, o, "name", s->trigger->name);
		retort__jb_str(j, o, "table", s->trigger->table);
		retort__jb_str(j, o, "sql", s->trigger->sql);
	} else if (s->virtual_table) {
		retort__jb_str(j, o, "name", s->virtual_table->name);
		retort__jb_str(j, o, "module", s->virtual_table->module);
		retort__jb_str(j, o, "args", s->virtual_table->args);
		retort__jb_str(j, o, "sql", s->virtual_table->sql);
	} else {
		j_side(j, o, op, s);
	}
}

/* The names of the bits of OP->changes. */
static void j_changes(retort_jb *j, cJSON *o, const retort_diff_op *op)
{
	static const char *const col[] = {
		"type",    "not_null",  "default",
		"collate", "generated", "not_null_on_conflict"
	};
	static const char *const pk[] = { "columns", "on_conflict",
					  "autoincrement", "rowid_alias",
					  "name" };
	static const char *const opt[] = { "without_rowid", "strict" };
	const char *names[6];
	const char *const *v = op->kind == RETORT_OP_ALTER_COLUMN        ? col
			       : op->kind == RETORT_OP_ALTER_PRIMARY_KEY ? pk
									 : opt;
	size_t nv = op->kind == RETORT_OP_ALTER_COLUMN        ? 6
		    : op->kind == RETORT_OP_ALTER_PRIMARY_KEY ? 5
							      : 2,
	       i, n = 0;

	for (i = 0; i < nv; i++)
		if (op->changes & (1u << i))
			names[n++] = v[i];
	retort__jb_names(j, o, "changes", names, n);
}

static void j_op(retort_jb *j, cJSON *a, const retort_diff_op *op)
{
	cJSON *o = j_elem(j, a), *side;
	int k;

	if (!o)
		return;
	retort__jb_str(j, o, "kind", retort_op_kind_name(op->kind));
	retort__jb_str(j, o, "object", op->object);
	retort__jb_str(j, o, "name", op->name);
	retort__jb_str(
		j, o, "safety",
		op->safety == RETORT_DESTRUCTIVE ? "destructive" : "safe");
	retort__jb_str(j, o, "reason", op->reason);
	retort__jb_str(j, o, "rename_hint", op->rename_hint);
	j_changes(j, o, op);
	for (k = 0; k < 2; k++) {
		const retort_op_side *s = k ? &op->to : &op->from;
		const char *key = k ? "to" : "from";

		if (!side_record(op, s)) {
			retort__jb_check(j, cJSON_AddNullToObject(o, key));
			continue;
		}
		side = cJSON_AddObjectToObject(o, key);
		retort__jb_check(j, side);
		if (side)
			j_object_side(j, side, op, s);
	}
}

static cJSON *j_document(retort_jb *j, const retort_diff *diff)
{
	size_t n = retort_diff_count(diff), i, ndes = 0;
	cJSON *doc = j_elem(j, NULL), *ops;

	if (!doc)
		return NULL;
	for (i = 0; i < n; i++)
		ndes += retort_diff_get(diff, i)->safety == RETORT_DESTRUCTIVE;
	retort__jb_str(j, doc, "format", "retort-diff");
	retort__jb_check(j, cJSON_AddNumberToObject(doc, "version", 1));
	retort__jb_bool(j, doc, "equal", n == 0);
	retort__jb_check(
		j, cJSON_AddNumberToObject(doc, "operation_count", (double)n));
	retort__jb_check(
		j, cJSON_AddNumberToObject(
			   doc, "destructive_count", (double)ndes));
	ops = cJSON_AddArrayToObject(doc, "operations");
	retort__jb_check(j, ops);
	for (i = 0; ops && i < n; i++)
		j_op(j, ops, retort_diff_get(diff, i));
	return doc;
}

int retort_report_json(
	retort_buf *out, const retort_diff *diff, retort_error *err)
{
	retort_jb j = { false };
	cJSON *doc = j_document(&j, diff);
	char *text = doc && !j.oom ? cJSON_Print(doc) : NULL;

	cJSON_Delete(doc);
	retort_buf_clear(out);
	if (text) {
		retort_buf_puts(out, text);
		retort_buf_putc(out, '\n');
		cJSON_free(text);
	}
	if (!text || retort_buf_oom(out))
		return retort_error_set(
			err, RETORT_ENOMEM, "report", "out of memory");
	return RETORT_OK;
}
