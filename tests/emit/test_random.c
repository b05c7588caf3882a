/*
** test_random.c -- seeded random schema pairs through the emitter: a
** random FROM schema, a random set of changes to it (columns added,
** dropped, renamed, retyped, NOT NULL and defaults toggled, indexes,
** UNIQUE, CHECK and foreign keys added and dropped, tables added,
** dropped and renamed, WITHOUT ROWID / STRICT / primary key toggled,
** views and triggers), rows that both sides accept, and the full
** end-to-end check of test_plan_support.c both ways.  RETORT_SOAK=N runs
** N pairs instead of the default; RETORT_SEED=S starts at seed S.
** Groups: emit_random.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqltok.h"
#include "test_plan_support.h"

#define DEFAULT_PAIRS 300 /* about 10 s */
#define MAX_TABLES    6
#define MAX_COLS      9
#define MAX_INDEXES   3
#define NROWS         4

/* ------------------------------------------------------------------ */
/* A small schema model the generator owns (names may be hostile).     */

typedef struct rcol {
	int uid;          /* identity across FROM and TO */
	char name[32];    /* column name */
	const char *type; /* declared type ("" for none) */
	bool not_null;    /* NOT NULL */
	int dflt;         /* 0 none, else DEFAULT of this small integer */
	int gen;          /* 0 no, 1 VIRTUAL, 2 STORED (id * 2) */
	bool unique;      /* a UNIQUE table constraint on it */
	bool check;       /* a CHECK table constraint on it */
	int fk;           /* 0 none, else the uid+1 of the parent table */
	bool nocase;      /* COLLATE NOCASE */
} rcol;

typedef struct rindex {
	int uid;     /* identity (its name is derived) */
	int col_uid; /* the indexed column */
	bool unique; /* CREATE UNIQUE INDEX */
	bool desc;   /* DESC */
} rindex;

typedef struct rtable {
	int uid;                 /* identity across FROM and TO */
	char name[32];           /* table name */
	int pk;                  /* 0 none, 1 id INTEGER PRIMARY KEY (rowid
				    alias), 2 PRIMARY KEY(id) on an INT id */
	bool autoinc;            /* AUTOINCREMENT (pk 1 only) */
	bool without_rowid;      /* WITHOUT ROWID (needs pk 2) */
	bool strict;             /* STRICT */
	rcol cols[MAX_COLS];     /* cols[0] is always "id" */
	int ncols;               /* count of cols */
	rindex idx[MAX_INDEXES]; /* indexes */
	int nidx;                /* count of idx */
	bool view;               /* a view "v_<name>" reads it */
	bool trigger;            /* a trigger logs inserts into it */
} rtable;

typedef struct rschema {
	rtable t[MAX_TABLES]; /* tables */
	int n;                /* count of tables */
} rschema;

/* xorshift64*: the generator's only source of randomness. */
static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static int next_uid = 1;

static const char *const name_pool[] = {
	"order", "a b",  "we\"ird", "ünï",  "select", "x",    "Group",
	"col;",  "v'al", "é",       "data", "k",      "from", "t-1",
};
static const char *const type_pool[] = {
	"INTEGER", "TEXT",        "REAL", "BLOB", "ANY",
	"NUMERIC", "VARCHAR(10)", "",     "INT",
};

/* True when NAME is used by a column of T (ASCII case folded). */
static bool col_taken(const rtable *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!retort__strcasecmp(t->cols[i].name, name))
			return true;
	return false;
}

static bool table_taken(const rschema *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!retort__strcasecmp(s->t[i].name, name))
			return true;
	return !retort__strcasecmp(name, "log") ||
	       !retort__strncasecmp(name, "v_", 2);
}

/* A fresh column name for T (OUT may be a name inside T). */
static void col_name(const rtable *t, char *out)
{
	char name[32];

	do
		snprintf(name, 32, "%s%u", name_pool[rnd(14)], rnd(100));
	while (col_taken(t, name));
	memcpy(out, name, sizeof(name));
}

/* A fresh table name for S (OUT may be a name inside S). */
static void table_name(const rschema *s, char *out)
{
	char name[32];

	do
		snprintf(name, 32, "%s%u", name_pool[rnd(14)], rnd(1000));
	while (table_taken(s, name));
	memcpy(out, name, sizeof(name));
}

/* True when TYPE may appear in a STRICT table. */
static bool strict_type(const char *type)
{
	return !strcmp(type, "INTEGER") || !strcmp(type, "TEXT") ||
	       !strcmp(type, "REAL") || !strcmp(type, "BLOB") ||
	       !strcmp(type, "ANY") || !strcmp(type, "INT");
}

/* True when T may become STRICT: strict types only, and no default
 * that a STRICT column would refuse (the generator's defaults are small
 * integers, which a BLOB column refuses). */
static bool all_strict_types(const rtable *t)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strict_type(t->cols[i].type) ||
		    (t->cols[i].dflt && !strcmp(t->cols[i].type, "BLOB")))
			return false;
	return true;
}

/* True when C may have a default in T. */
static bool may_default(const rtable *t, const rcol *c)
{
	return !t->strict || strcmp(c->type, "BLOB");
}

/* A random ordinary column for T. */
static rcol new_col(const rtable *t)
{
	rcol c;

	memset(&c, 0, sizeof(c));
	c.uid = next_uid++;
	col_name(t, c.name);
	c.type = t->strict ? (const char *[]){ "INTEGER", "TEXT", "REAL",
					       "BLOB", "ANY" }[rnd(5)]
			   : type_pool[rnd(9)];
	if (!may_default(t, &c)) {
		c.not_null = false;
	} else if (rnd(4) == 0) {
		c.not_null = true;
		c.dflt = 1 + (int)rnd(9);
	} else if (rnd(3) == 0) {
		c.dflt = 1 + (int)rnd(9);
	}
	c.nocase = !strcmp(c.type, "TEXT") && rnd(4) == 0;
	return c;
}

static rtable new_table(const rschema *s)
{
	rtable t;
	int i, n = 1 + (int)rnd(4);

	memset(&t, 0, sizeof(t));
	t.uid = next_uid++;
	table_name(s, t.name);
	t.pk = (int)rnd(3);
	t.autoinc = t.pk == 1 && rnd(3) == 0;
	t.without_rowid = t.pk == 2 && rnd(3) == 0;
	t.strict = rnd(4) == 0;
	t.cols[0].uid = next_uid++;
	strcpy(t.cols[0].name, "id");
	t.cols[0].type = t.pk == 1 ? "INTEGER" : "INT";
	t.cols[0].not_null = t.pk == 2;
	t.ncols = 1;
	for (i = 0; i < n; i++)
		t.cols[t.ncols++] = new_col(&t);
	return t;
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

static void put_id(retort_buf *b, const char *name)
{
	retort_buf_put_ident(b, name);
}

static const rtable *table_by_uid(const rschema *s, int uid)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->t[i].uid == uid)
			return &s->t[i];
	return NULL;
}

static const rcol *col_by_uid(const rtable *t, int uid)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].uid == uid)
			return &t->cols[i];
	return NULL;
}

static void render_col(retort_buf *b, const rtable *t, const rcol *c)
{
	put_id(b, c->name);
	if (*c->type)
		retort_buf_printf(b, " %s", c->type);
	if (c == &t->cols[0] && t->pk == 1)
		retort_buf_puts(
			b, t->autoinc ? " PRIMARY KEY AUTOINCREMENT"
				      : " PRIMARY KEY");
	if (c->not_null)
		retort_buf_puts(b, " NOT NULL");
	if (c->dflt)
		retort_buf_printf(b, " DEFAULT %d", c->dflt);
	if (c->nocase)
		retort_buf_puts(b, " COLLATE NOCASE");
	if (c->gen)
		retort_buf_printf(
			b, " GENERATED ALWAYS AS (\"id\" * 2) %s",
			c->gen == 2 ? "STORED" : "VIRTUAL");
}

static void render_constraints(retort_buf *b, const rschema *s, const rtable *t)
{
	int i;

	if (t->pk == 2)
		retort_buf_puts(b, ", PRIMARY KEY (\"id\")");
	for (i = 0; i < t->ncols; i++) {
		const rcol *c = &t->cols[i];
		const rtable *p = c->fk ? table_by_uid(s, c->fk - 1) : NULL;

		if (c->unique) {
			retort_buf_puts(b, ", UNIQUE (");
			put_id(b, c->name);
			retort_buf_putc(b, ')');
		}
		if (c->check) {
			retort_buf_puts(b, ", CHECK (");
			put_id(b, c->name);
			retort_buf_puts(b, " IS NOT NULL OR ");
			put_id(b, c->name);
			retort_buf_puts(b, " IS NULL)");
		}
		if (p) {
			retort_buf_puts(b, ", FOREIGN KEY (");
			put_id(b, c->name);
			retort_buf_puts(b, ") REFERENCES ");
			put_id(b, p->name);
			retort_buf_puts(b, "(\"id\") ON DELETE CASCADE");
		}
	}
}

static void render_table(retort_buf *b, const rschema *s, const rtable *t)
{
	int i;

	retort_buf_puts(b, "CREATE TABLE ");
	put_id(b, t->name);
	retort_buf_puts(b, " (");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		render_col(b, t, &t->cols[i]);
	}
	render_constraints(b, s, t);
	retort_buf_putc(b, ')');
	if (t->without_rowid)
		retort_buf_puts(b, " WITHOUT ROWID");
	if (t->strict)
		retort_buf_puts(b, t->without_rowid ? ", STRICT" : " STRICT");
	retort_buf_puts(b, ";\n");
	for (i = 0; i < t->nidx; i++) {
		const rcol *c = col_by_uid(t, t->idx[i].col_uid);

		retort_buf_printf(
			b, "CREATE %sINDEX \"ix%d\" ON ",
			t->idx[i].unique ? "UNIQUE " : "", t->idx[i].uid);
		put_id(b, t->name);
		retort_buf_putc(b, '(');
		put_id(b, c->name);
		retort_buf_puts(b, t->idx[i].desc ? " DESC);\n" : ");\n");
	}
}

/* Views and triggers are named after the table's uid, so that a table
 * rename changes their text, not their name. */
static void render_deps(retort_buf *b, const rtable *t)
{
	if (t->view) {
		retort_buf_printf(
			b, "CREATE VIEW \"v_%d\" AS SELECT \"id\" FROM ",
			t->uid);
		put_id(b, t->name);
		retort_buf_puts(b, ";\n");
	}
	if (t->trigger) {
		retort_buf_printf(
			b, "CREATE TRIGGER \"tr_%d\" AFTER INSERT ON ", t->uid);
		put_id(b, t->name);
		retort_buf_puts(
			b, " BEGIN INSERT INTO \"log\" VALUES "
			   "('ins;' || new.\"id\"); END;\n");
	}
}

static char *render(const rschema *s)
{
	retort_buf b = RETORT_BUF_INIT;
	int i;

	retort_buf_puts(&b, "CREATE TABLE \"log\" (\"what\" TEXT);\n");
	for (i = 0; i < s->n; i++)
		render_table(&b, s, &s->t[i]);
	for (i = 0; i < s->n; i++)
		render_deps(&b, &s->t[i]);
	return retort_buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* Mutations: FROM -> TO                                               */

typedef struct renames {
	retort_rename r[32];   /* hints */
	char names[32][3][32]; /* storage of their strings */
	size_t n;              /* count */
} renames;

static void
hint(renames *rn, const char *table, const char *from, const char *to)
{
	size_t i = rn->n++;

	snprintf(rn->names[i][0], 32, "%s", table ? table : "");
	snprintf(rn->names[i][1], 32, "%s", from);
	snprintf(rn->names[i][2], 32, "%s", to);
	rn->r[i].table = table ? rn->names[i][0] : NULL;
	rn->r[i].from = rn->names[i][1];
	rn->r[i].to = rn->names[i][2];
}

/* The rename hints: tables and columns whose uid kept, name changed. */
static void find_renames(const rschema *from, const rschema *to, renames *rn)
{
	int i, j;

	for (i = 0; i < to->n; i++) {
		const rtable *t = &to->t[i], *f = table_by_uid(from, t->uid);

		if (!f)
			continue;
		if (strcmp(f->name, t->name))
			hint(rn, NULL, f->name, t->name);
		for (j = 0; j < t->ncols; j++) {
			const rcol *fc = col_by_uid(f, t->cols[j].uid);

			if (fc && strcmp(fc->name, t->cols[j].name))
				hint(rn, t->name, fc->name, t->cols[j].name);
		}
	}
}

/* True when column UID of T is used by an index. */
static bool indexed(const rtable *t, int uid)
{
	int i;

	for (i = 0; i < t->nidx; i++)
		if (t->idx[i].col_uid == uid)
			return true;
	return false;
}

static void drop_col(rtable *t, int i)
{
	memmove(&t->cols[i], &t->cols[i + 1],
		(size_t)(t->ncols - i - 1) * sizeof(rcol));
	t->ncols--;
}

/* A random column other than id (and not generated), or -1. */
static int pick_col(const rtable *t)
{
	int i = t->ncols > 1 ? 1 + (int)rnd((unsigned)t->ncols - 1) : -1;

	return i > 0 && !t->cols[i].gen ? i : -1;
}

static void mutate_column(rschema *s, rtable *t)
{
	int i = pick_col(t), k = (int)rnd(10);
	rcol *c = i > 0 ? &t->cols[i] : NULL;

	if (k == 0 && t->ncols < MAX_COLS) {
		rcol n = new_col(t);
		int at = rnd(2) ? t->ncols : 1 + (int)rnd((unsigned)t->ncols);

		if (rnd(5) == 0 && !t->strict)
			n.gen = 1 + (int)rnd(2), n.not_null = false, n.dflt = 0;
		memmove(&t->cols[at + 1], &t->cols[at],
			(size_t)(t->ncols - at) * sizeof(rcol));
		t->cols[at] = n;
		t->ncols++;
	} else if (!c) {
		return;
	} else if (k == 1 && !indexed(t, c->uid)) {
		drop_col(t, i);
	} else if (k == 2) {
		col_name(t, c->name);
	} else if (k == 3 && !t->strict) {
		c->type = type_pool[rnd(9)];
		c->nocase = false;
	} else if (k == 4 && may_default(t, c)) {
		c->not_null = !c->not_null;
		if (c->not_null && !c->dflt)
			c->dflt = 3;
	} else if (k == 5 && may_default(t, c)) {
		c->dflt = c->dflt ? 0 : 5;
		c->not_null = c->not_null && c->dflt;
	} else if (k == 6) {
		c->unique = !c->unique;
	} else if (k == 7) {
		c->check = !c->check;
	} else if (k == 8 && !strcmp(c->type, "INTEGER")) {
		const rtable *p = &s->t[rnd((unsigned)s->n)];

		c->fk = c->fk ? 0 : p->pk ? p->uid + 1 : 0;
	} else if (k == 9) {
		c->nocase = !c->nocase && !strcmp(c->type, "TEXT");
	}
}

static void mutate_table(rschema *s, rtable *t)
{
	int k = (int)rnd(8);

	if (k == 0) {
		table_name(s, t->name);
	} else if (k == 1 && t->pk == 2) {
		t->without_rowid = !t->without_rowid;
	} else if (k == 2) {
		t->strict = !t->strict && all_strict_types(t);
	} else if (k == 3 && t->nidx < MAX_INDEXES && t->ncols > 1) {
		rindex *x = &t->idx[t->nidx++];

		x->uid = next_uid++;
		x->col_uid = t->cols[1 + rnd((unsigned)t->ncols - 1)].uid;
		x->unique = rnd(2);
		x->desc = rnd(2);
	} else if (k == 4 && t->nidx) {
		int j = (int)rnd((unsigned)t->nidx);

		t->nidx--;
		t->idx[j] = t->idx[t->nidx];
	} else if (k == 5) {
		t->view = !t->view;
		t->trigger = !t->trigger && rnd(2);
	} else if (k == 6 && !t->without_rowid) {
		/* primary key: none <-> PRIMARY KEY(id) */
		t->pk = t->pk == 2 ? 0 : t->pk == 0 ? 2 : 1;
		t->cols[0].not_null = t->pk == 2;
	} else if (k == 7 && t->pk == 1) {
		t->autoinc = !t->autoinc;
	}
}

/* Remove foreign keys to the table with uid UID. */
static void unlink_parent(rschema *s, int uid)
{
	int i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->t[i].ncols; j++)
			if (s->t[i].cols[j].fk == uid + 1)
				s->t[i].cols[j].fk = 0;
}

static void mutate(rschema *s)
{
	int steps = 1 + (int)rnd(4), i;

	for (i = 0; i < steps; i++) {
		int k = (int)rnd(10);

		if (k == 0 && s->n < MAX_TABLES) {
			s->t[s->n] = new_table(s);
			s->n++;
		} else if (k == 1 && s->n > 1) {
			int j = (int)rnd((unsigned)s->n);

			unlink_parent(s, s->t[j].uid);
			s->t[j] = s->t[--s->n];
		} else if (k < 4) {
			mutate_table(s, &s->t[rnd((unsigned)s->n)]);
		} else {
			mutate_column(s, &s->t[rnd((unsigned)s->n)]);
		}
	}
}

/* True when the FROM rows of column C (uid) of table TUID hold parent
 * ids (1..NROWS) or NULL: integer-valued, or new with a small default. */
static bool fk_values_ok(const rschema *from, int tuid, const rcol *c)
{
	const rtable *f = table_by_uid(from, tuid);
	const rcol *fc = f ? col_by_uid(f, c->uid) : NULL;

	if (!f)
		return true; /* a new table has no rows */
	if (!fc)
		return c->dflt <= NROWS;
	return !strcmp(fc->type, "INTEGER") || !strcmp(fc->type, "INT") ||
	       !strcmp(fc->type, "NUMERIC");
}

/*
** Keep only the foreign keys that the rows satisfy: an INTEGER child
** column with parent ids in it, a parent with a key on id that has rows
** (it is in FROM too).  FROM is NULL when S is FROM itself.
*/
static void fix_fks(rschema *s, const rschema *from)
{
	int i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->t[i].ncols; j++) {
			rcol *c = &s->t[i].cols[j];
			const rtable *p =
				c->fk ? table_by_uid(s, c->fk - 1) : NULL;
			bool ok = p && p->pk && !strcmp(c->type, "INTEGER");

			if (ok && from)
				ok = table_by_uid(from, p->uid) &&
				     fk_values_ok(from, s->t[i].uid, c);
			if (!ok)
				c->fk = 0;
		}
}

/* A STRICT table of TO refuses a value of another type: a column whose
 * type changed takes its FROM type back, or the table stays lax. */
static void fix_strict(rschema *to, const rschema *from)
{
	int i, j;

	for (i = 0; i < to->n; i++) {
		rtable *t = &to->t[i];
		const rtable *f = table_by_uid(from, t->uid);

		for (j = 0; t->strict && f && j < t->ncols; j++) {
			const rcol *fc = col_by_uid(f, t->cols[j].uid);

			if (!fc || !strcmp(fc->type, t->cols[j].type))
				continue;
			if (strict_type(fc->type))
				t->cols[j].type = fc->type;
			else
				t->strict = false;
		}
	}
}

/* A new column of an old table holds its default in every row: no
 * UNIQUE constraint or unique index on it then. */
static void fix_uniques(rschema *to, const rschema *from)
{
	int i, j, k;

	for (i = 0; i < to->n; i++) {
		rtable *t = &to->t[i];
		const rtable *f = table_by_uid(from, t->uid);

		for (j = 0; f && j < t->ncols; j++) {
			rcol *c = &t->cols[j];

			if (col_by_uid(f, c->uid) || (!c->dflt && !c->gen))
				continue;
			c->unique = false;
			for (k = 0; k < t->nidx; k++)
				if (t->idx[k].col_uid == c->uid)
					t->idx[k].unique = false;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Rows both sides accept                                              */

/* True when the column with uid UID may hold NULL on both sides. */
static bool nullable(const rschema *to, int tuid, const rcol *c)
{
	const rtable *t = table_by_uid(to, tuid);
	const rcol *tc = t ? col_by_uid(t, c->uid) : NULL;

	return !c->not_null && (!tc || !tc->not_null);
}

/* A value for column C in row R (1-based): distinct per row, of the
 * column's kind, NULL sometimes where both sides allow it. */
static void put_value(
	retort_buf *b, const rschema *to, const rtable *t, const rcol *c, int r)
{
	const char *ty = c->type;

	if (c != &t->cols[0] && r == NROWS && nullable(to, t->uid, c)) {
		retort_buf_puts(b, "NULL");
		return;
	}
	if (c == &t->cols[0] || !strcmp(ty, "INTEGER") || !strcmp(ty, "INT") ||
	    !strcmp(ty, "NUMERIC"))
		retort_buf_printf(b, "%d", r);
	else if (!strcmp(ty, "REAL"))
		retort_buf_printf(b, "%d.25", r);
	else if (!strcmp(ty, "BLOB"))
		retort_buf_printf(b, "x'00%02x'", r);
	else if (!strcmp(ty, "TEXT") || !strcmp(ty, "VARCHAR(10)"))
		retort_buf_printf(b, "'ü;''%d'", r);
	else
		retort_buf_printf(
			b, r % 2 ? "'%lld€'" : "%lld",
			r * 1000003LL + 9223372036LL);
}

static char *fill(const rschema *from, const rschema *to)
{
	retort_buf b = RETORT_BUF_INIT;
	int i, j, r;

	for (i = 0; i < from->n; i++) {
		const rtable *t = &from->t[i];

		for (r = 1; r <= NROWS; r++) {
			bool first = true;

			retort_buf_puts(&b, "INSERT INTO ");
			put_id(&b, t->name);
			retort_buf_puts(&b, " (");
			for (j = 0; j < t->ncols; j++) {
				if (t->cols[j].gen)
					continue;
				if (!first)
					retort_buf_puts(&b, ", ");
				first = false;
				put_id(&b, t->cols[j].name);
			}
			retort_buf_puts(&b, ") VALUES (");
			first = true;
			for (j = 0; j < t->ncols; j++) {
				if (t->cols[j].gen)
					continue;
				if (!first)
					retort_buf_puts(&b, ", ");
				first = false;
				put_value(&b, to, t, &t->cols[j], r);
			}
			retort_buf_puts(&b, ");\n");
		}
		if (t->autoinc)
			retort_buf_printf(
				&b, "UPDATE sqlite_sequence SET seq = %d;\n",
				NROWS + 5);
	}
	return retort_buf_detach(&b);
}

/* ------------------------------------------------------------------ */

static void run_pair(unsigned long long seed)
{
	static char label[200];
	rschema from, to;
	renames rn;
	char *fs, *ts, *data;
	tp_case c;
	tp_result r;
	int i, n;

	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	memset(&from, 0, sizeof(from));
	memset(&rn, 0, sizeof(rn));
	n = 1 + (int)rnd(MAX_TABLES - 2);
	for (i = 0; i < n; i++) {
		from.t[from.n] = new_table(&from);
		from.n++;
	}
	for (i = 0; i < 3; i++)
		mutate_table(&from, &from.t[rnd((unsigned)from.n)]);
	fix_fks(&from, NULL);
	to = from;
	mutate(&to);
	fix_fks(&to, &from);
	fix_uniques(&to, &from);
	fix_strict(&to, &from);
	fix_fks(&to, &from);
	find_renames(&from, &to, &rn);
	fs = render(&from);
	ts = render(&to);
	data = fill(&from, &to);
	snprintf(label, sizeof(label), "seed %llu: ", seed);
	tp_label = label;
	memset(&c, 0, sizeof(c));
	c.from = fs;
	c.to = ts;
	c.fill = data;
	c.renames = rn.r;
	c.nrenames = rn.n;
	tp_run(&c, &r);
	tp_result_dispose(&r);
	tp_label = "";
	free(fs);
	free(ts);
	free(data);
}

Test(emit_random, schema_pairs, .timeout = 600)
{
	const char *soak = getenv("RETORT_SOAK"),
		   *start = getenv("RETORT_SEED");
	unsigned long long n = soak ? strtoull(soak, NULL, 10) : DEFAULT_PAIRS;
	unsigned long long s0 = start ? strtoull(start, NULL, 10) : 1, i;

	for (i = 0; i < n; i++)
		run_pair(s0 + i);
}
