/*
** ddl_table.c -- CREATE TABLE to a retort_table (introspect layer).
** Follows parse.y's create_table, columnlist, carglist/ccons, conslist/
** tcons and table_option_set; a constraint written on a column gives the
** same record as the one written at table level (SPEC §8).
*/
#include <stdio.h>
#include <string.h>

#include "ddl_int.h"
#include "model_int.h"

/* The table being built. */
struct tb {
	ddl_parser *p;           /* the cursor */
	retort_table *t;         /* the result */
	retort_column *cols;     /* columns */
	size_t ncols, acols;     /* count, capacity */
	retort_primary_key *pk;  /* the PRIMARY KEY, or NULL */
	retort_unique *uqs;      /* UNIQUE constraints */
	size_t nuqs, auqs;       /* count, capacity */
	retort_check *cks;       /* CHECK constraints */
	size_t ncks, acks;       /* count, capacity */
	retort_foreign_key *fks; /* foreign keys */
	size_t nfks, afks;       /* count, capacity */
	const char *cname;       /* pending CONSTRAINT name, or NULL */
};

/* Words that start a table constraint (none is a fallback ID). */
static bool at_tcons(const ddl_parser *p)
{
	return retort_ddl__is_kw(p, "CONSTRAINT") ||
	       retort_ddl__is_kw(p, "PRIMARY") ||
	       retort_ddl__is_kw(p, "UNIQUE") ||
	       retort_ddl__is_kw(p, "CHECK") || retort_ddl__is_kw(p, "FOREIGN");
}

/* True at a word of a type name (parse.y's ids: ID or STRING; GENERATED
 * starts a constraint there instead). */
static bool at_type_word(const ddl_parser *p)
{
	const retort_token *t = &p->tok;

	if (t->type == RETORT_TK_QUOTED || t->type == RETORT_TK_STRING)
		return true;
	if (t->type != RETORT_TK_WORD || retort_ddl__is_kw(p, "GENERATED"))
		return false;
	return !retort__sql_is_keyword(t->z, t->n) ||
	       retort_ddl__is_fallback(t);
}

/* Parse an optional "ON CONFLICT resolvetype". */
static retort_conflict onconf(ddl_parser *p)
{
	static const struct {
		const char *word;
		retort_conflict value;
	} map[] = {
		{ "ROLLBACK", RETORT_CONFLICT_ROLLBACK },
		{ "ABORT", RETORT_CONFLICT_DEFAULT },
		{ "FAIL", RETORT_CONFLICT_FAIL },
		{ "IGNORE", RETORT_CONFLICT_IGNORE },
		{ "REPLACE", RETORT_CONFLICT_REPLACE },
	};
	size_t i;

	if (!retort_ddl__accept_kw(p, "ON"))
		return RETORT_CONFLICT_DEFAULT;
	if (!retort_ddl__expect_kw(p, "CONFLICT"))
		return RETORT_CONFLICT_DEFAULT;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (retort_ddl__accept_kw(p, map[i].word))
			return map[i].value;
	retort_ddl__syntax(p);
	return RETORT_CONFLICT_DEFAULT;
}

/* Parse a foreign key action (refact). */
static retort_fk_action refact(ddl_parser *p)
{
	if (retort_ddl__accept_kw(p, "SET")) {
		if (retort_ddl__accept_kw(p, "NULL"))
			return RETORT_FK_SET_NULL;
		retort_ddl__expect_kw(p, "DEFAULT");
		return RETORT_FK_SET_DEFAULT;
	}
	if (retort_ddl__accept_kw(p, "CASCADE"))
		return RETORT_FK_CASCADE;
	if (retort_ddl__accept_kw(p, "RESTRICT"))
		return RETORT_FK_RESTRICT;
	if (retort_ddl__expect_kw(p, "NO"))
		retort_ddl__expect_kw(p, "ACTION");
	return RETORT_FK_NO_ACTION;
}

/*
** Parse "[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]" when present
** (NOT already consumed when NOT_SEEN); true when it was there, with
** *DEFERRED set.
*/
static bool defer_clause(ddl_parser *p, bool not_seen, bool *deferred)
{
	bool neg = not_seen;

	if (!not_seen && retort_ddl__is_kw(p, "NOT")) {
		retort_token next;

		retort_ddl__peek(p, &next);
		if (next.type != RETORT_TK_WORD || next.n != 10 ||
		    retort__strncasecmp(next.z, "DEFERRABLE", 10))
			return false;
		retort_ddl__next(p);
		neg = true;
	}
	if (!retort_ddl__accept_kw(p, "DEFERRABLE")) {
		if (neg)
			retort_ddl__syntax(p);
		return neg;
	}
	*deferred = false;
	if (retort_ddl__accept_kw(p, "INITIALLY")) {
		if (retort_ddl__accept_kw(p, "DEFERRED"))
			*deferred = !neg;
		else
			retort_ddl__expect_kw(p, "IMMEDIATE");
	}
	return true;
}

/*
** Parse "(name [COLLATE x] [ASC|DESC], ...)" (parse.y's eidlist) into an
** array of names.
*/
static void
name_list(ddl_parser *p, const char *const **names_out, size_t *n_out)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;

	retort_ddl__expect_punct(p, "(");
	do {
		const char **slot =
			retort_ddl__push(p, &names, &n, &cap, sizeof(*names));

		if (!slot)
			break;
		*slot = retort_ddl__name(p);
		retort_ddl__collate(p, &ok);
		if (!retort_ddl__accept_kw(p, "ASC"))
			retort_ddl__accept_kw(p, "DESC");
	} while (!p->rc && retort_ddl__accept_punct(p, ","));
	retort_ddl__expect_punct(p, ")");
	*names_out = names;
	*n_out = n;
}

/* Parse what follows REFERENCES into FK (parse.y's refargs). */
static void references(ddl_parser *p, retort_foreign_key *fk)
{
	fk->ref_table = retort_ddl__name(p);
	if (retort_ddl__is_punct(p, "("))
		name_list(p, &fk->ref_columns, &fk->nref_columns);
	while (!p->rc) {
		if (retort_ddl__accept_kw(p, "MATCH")) {
			fk->match =
				retort_ddl__strupper(p, retort_ddl__name(p));
		} else if (retort_ddl__accept_kw(p, "ON")) {
			if (retort_ddl__accept_kw(p, "DELETE"))
				fk->on_delete = refact(p);
			else if (retort_ddl__accept_kw(p, "UPDATE"))
				fk->on_update = refact(p);
			else if (retort_ddl__expect_kw(p, "INSERT"))
				refact(p); /* accepted and ignored */
		} else {
			break;
		}
	}
}

/* A new foreign key named by the pending CONSTRAINT, or NULL. */
static retort_foreign_key *new_fk(struct tb *b)
{
	retort_foreign_key *fk = retort_ddl__push(
		b->p, &b->fks, &b->nfks, &b->afks, sizeof(*b->fks));

	if (fk)
		fk->name = b->cname;
	return fk;
}

/* Record a one-column key part array for column COL. */
static retort_key_part *col_part(struct tb *b, const char *col, bool desc)
{
	retort_key_part *kp = retort__arena_alloc(b->p->arena, sizeof(*kp));

	if (!kp) {
		retort_ddl__fail(b->p, RETORT_ENOMEM, "out of memory");
		return NULL;
	}
	kp->column = col;
	kp->desc = desc;
	return kp;
}

/* Record the table's PRIMARY KEY (a second one is an error). */
static retort_primary_key *new_pk(struct tb *b)
{
	if (b->pk) {
		retort_ddl__fail(
			b->p, RETORT_EINVAL, "more than one primary key");
		return NULL;
	}
	b->pk = retort__arena_alloc(b->p->arena, sizeof(*b->pk));
	if (!b->pk)
		retort_ddl__fail(b->p, RETORT_ENOMEM, "out of memory");
	else
		b->pk->name = b->cname;
	return b->pk;
}

/* Record a CHECK whose parenthesised expression is at the cursor. */
static void add_check(struct tb *b)
{
	retort_check *ck;
	size_t start = 0, end = 0;

	if (!retort_ddl__group(b->p, &start, &end))
		return;
	ck = retort_ddl__push(
		b->p, &b->cks, &b->ncks, &b->acks, sizeof(*b->cks));
	if (!ck)
		return;
	ck->name = b->cname;
	ck->expr = retort_ddl__norm(b->p, start, end, 0);
}

/* Record a UNIQUE constraint on PARTS. */
static void add_unique(struct tb *b, retort_key_part *parts, size_t n)
{
	retort_unique *uq = retort_ddl__push(
		b->p, &b->uqs, &b->nuqs, &b->auqs, sizeof(*b->uqs));

	if (!uq)
		return;
	uq->name = b->cname;
	uq->parts = parts;
	uq->nparts = n;
	uq->on_conflict = onconf(b->p);
}

/* Column PRIMARY KEY [ASC|DESC] [conflict] [AUTOINCREMENT]. */
static void col_pk(struct tb *b, retort_column *col)
{
	ddl_parser *p = b->p;
	retort_primary_key *pk;
	bool desc = false;

	retort_ddl__expect_kw(p, "KEY");
	if (retort_ddl__accept_kw(p, "DESC"))
		desc = true;
	else
		retort_ddl__accept_kw(p, "ASC");
	pk = new_pk(b);
	if (!pk)
		return;
	pk->parts = col_part(b, col->name, desc);
	pk->nparts = 1;
	pk->on_conflict = onconf(p);
	pk->autoincrement = retort_ddl__accept_kw(p, "AUTOINCREMENT");
}

/* Column DEFAULT: keep the raw text; made canonical at the end, when the
 * column's affinity is known (STRICT comes last). */
static void col_default(struct tb *b, retort_column *col)
{
	ddl_parser *p = b->p;
	size_t start = retort_ddl__start(p), a, e;

	if (retort_ddl__is_punct(p, "(")) {
		retort_ddl__group(p, &a, &e);
	} else {
		if (retort_ddl__is_punct(p, "-") ||
		    retort_ddl__is_punct(p, "+"))
			retort_ddl__next(p);
		if (p->tok.type == RETORT_TK_EOF ||
		    p->tok.type == RETORT_TK_PUNCT) {
			retort_ddl__syntax(p);
			return;
		}
		retort_ddl__next(p);
	}
	if (p->rc)
		return;
	col->default_sql = retort__arena_strndup(
		p->arena, p->sql + start, p->prev_end - start);
	if (!col->default_sql)
		retort_ddl__fail(p, RETORT_ENOMEM, "out of memory");
}

/* Column [GENERATED ALWAYS] AS (expr) [VIRTUAL|STORED]. */
static void col_generated(struct tb *b, retort_column *col)
{
	ddl_parser *p = b->p;
	size_t start = 0, end = 0;

	if (retort_ddl__accept_kw(p, "GENERATED"))
		retort_ddl__expect_kw(p, "ALWAYS");
	retort_ddl__expect_kw(p, "AS");
	if (!retort_ddl__group(p, &start, &end))
		return;
	col->generated_sql = retort_ddl__norm(p, start, end, 0);
	col->generated = RETORT_GENERATED_VIRTUAL;
	if (retort_ddl__accept_kw(p, "STORED"))
		col->generated = RETORT_GENERATED_STORED;
	else
		retort_ddl__accept_kw(p, "VIRTUAL");
}

/* Column REFERENCES ...: a foreign key of that one column. */
static void col_references(struct tb *b, retort_column *col)
{
	retort_foreign_key *fk = new_fk(b);
	const char **cols;

	if (!fk)
		return;
	cols = retort__arena_alloc(b->p->arena, sizeof(*cols));
	if (!cols) {
		retort_ddl__fail(b->p, RETORT_ENOMEM, "out of memory");
		return;
	}
	cols[0] = col->name;
	fk->columns = cols;
	fk->ncolumns = 1;
	references(b->p, fk);
}

/* NULL, NOT NULL or NOT DEFERRABLE, each with its tail. */
static void col_null(struct tb *b, retort_column *col)
{
	ddl_parser *p = b->p;
	bool deferred = false;

	if (retort_ddl__accept_kw(p, "NULL")) {
		onconf(p); /* NULL is no constraint */
		return;
	}
	retort_ddl__expect_kw(p, "NOT");
	if (retort_ddl__accept_kw(p, "NULL")) {
		col->not_null = true;
		col->not_null_on = onconf(p);
	} else if (defer_clause(p, true, &deferred) && b->nfks) {
		b->fks[b->nfks - 1].deferred = deferred;
	}
}

/* One column constraint (ccons); false when the cursor is at none. */
static bool col_constraint(struct tb *b, retort_column *col)
{
	ddl_parser *p = b->p;
	bool ok = true, deferred = false;

	if (retort_ddl__accept_kw(p, "DEFAULT"))
		col_default(b, col);
	else if (retort_ddl__is_kw(p, "NULL") || retort_ddl__is_kw(p, "NOT"))
		col_null(b, col);
	else if (retort_ddl__accept_kw(p, "PRIMARY"))
		col_pk(b, col);
	else if (retort_ddl__accept_kw(p, "UNIQUE"))
		add_unique(b, col_part(b, col->name, false), 1);
	else if (retort_ddl__accept_kw(p, "CHECK"))
		add_check(b);
	else if (retort_ddl__accept_kw(p, "REFERENCES"))
		col_references(b, col);
	else if (retort_ddl__is_kw(p, "COLLATE"))
		col->collate = retort_ddl__collate(p, &ok);
	else if (
		retort_ddl__is_kw(p, "GENERATED") || retort_ddl__is_kw(p, "AS"))
		col_generated(b, col);
	else if (defer_clause(p, false, &deferred)) {
		if (b->nfks)
			b->fks[b->nfks - 1].deferred = deferred;
	} else
		return false;
	return !p->rc;
}

/* A column definition: name, type, constraints. */
static void column_def(struct tb *b)
{
	ddl_parser *p = b->p;
	retort_column *col = retort_ddl__push(
		p, &b->cols, &b->ncols, &b->acols, sizeof(*b->cols));
	size_t start, a, e;

	if (!col)
		return;
	col->name = retort_ddl__name(p);
	col->type = "";
	if (at_type_word(p)) {
		start = retort_ddl__start(p);
		while (at_type_word(p))
			retort_ddl__next(p);
		if (retort_ddl__is_punct(p, "("))
			retort_ddl__group(p, &a, &e);
		col->type = retort_ddl__upper(p, start, p->prev_end);
	}
	/* As in SQLite, a CONSTRAINT name holds for every constraint after
	 * it until the next name, column or comma between table
	 * constraints ("CONSTRAINT c" alone is valid too). */
	b->cname = NULL;
	for (;;) {
		if (retort_ddl__accept_kw(p, "CONSTRAINT"))
			b->cname = retort_ddl__name(p);
		else if (!col_constraint(b, col))
			break;
	}
}

/* PRIMARY KEY (...) [AUTOINCREMENT inside] [conflict]. */
static void table_pk(struct tb *b)
{
	ddl_parser *p = b->p;
	retort_key_part *parts = NULL;
	retort_primary_key *pk;
	size_t n = 0;
	bool autoinc = false;

	retort_ddl__expect_kw(p, "KEY");
	retort_ddl__expect_punct(p, "(");
	if (!retort_ddl__key_parts(p, &parts, &n, &autoinc))
		return;
	retort_ddl__expect_punct(p, ")");
	pk = new_pk(b);
	if (!pk)
		return;
	pk->parts = parts;
	pk->nparts = n;
	pk->autoincrement = autoinc;
	pk->on_conflict = onconf(p);
}

/* FOREIGN KEY (cols) REFERENCES ... [defer clause]. */
static void table_fk(struct tb *b)
{
	ddl_parser *p = b->p;
	retort_foreign_key *fk;

	retort_ddl__expect_kw(p, "KEY");
	fk = new_fk(b);
	if (!fk)
		return;
	name_list(p, &fk->columns, &fk->ncolumns);
	retort_ddl__expect_kw(p, "REFERENCES");
	references(p, fk);
	defer_clause(p, false, &fk->deferred);
}

/* One table constraint (tcons). */
static void table_constraint(struct tb *b)
{
	ddl_parser *p = b->p;
	retort_key_part *parts = NULL;
	size_t n = 0;

	if (retort_ddl__accept_kw(p, "CONSTRAINT")) {
		b->cname = retort_ddl__name(p);
	} else if (retort_ddl__accept_kw(p, "PRIMARY")) {
		table_pk(b);
	} else if (retort_ddl__accept_kw(p, "UNIQUE")) {
		retort_ddl__expect_punct(p, "(");
		if (retort_ddl__key_parts(p, &parts, &n, NULL) &&
		    retort_ddl__expect_punct(p, ")"))
			add_unique(b, parts, n);
	} else if (retort_ddl__accept_kw(p, "CHECK")) {
		add_check(b);
		onconf(p);
	} else if (retort_ddl__accept_kw(p, "FOREIGN")) {
		table_fk(b);
	} else {
		retort_ddl__syntax(p);
	}
}

/* The parenthesised list: columns, then table constraints (commas
 * between those are optional, as in SQLite). */
static void element_list(struct tb *b)
{
	ddl_parser *p = b->p;

	retort_ddl__expect_punct(p, "(");
	do {
		if (at_tcons(p))
			break;
		column_def(b);
	} while (!p->rc && retort_ddl__accept_punct(p, ","));
	while (!p->rc && !retort_ddl__is_punct(p, ")")) {
		table_constraint(b);
		if (retort_ddl__accept_punct(p, ","))
			b->cname = NULL; /* parse.y's tconscomma */
	}
	retort_ddl__expect_punct(p, ")");
	if (!p->rc && !b->ncols)
		retort_ddl__fail(p, RETORT_EINVAL, "no columns");
}

/* Record an unknown table option OPT as an error. */
static void bad_option(ddl_parser *p, const char *opt)
{
	char why[128];

	snprintf(why, sizeof(why), "unknown table option: %.40s", opt);
	retort_ddl__fail(p, RETORT_EINVAL, why);
}

/* WITHOUT ROWID and STRICT, comma separated. */
static void table_options(struct tb *b)
{
	ddl_parser *p = b->p;
	const char *opt;

	if (p->tok.type == RETORT_TK_EOF || retort_ddl__is_punct(p, ";"))
		return;
	do {
		if (retort_ddl__accept_kw(p, "WITHOUT")) {
			opt = retort_ddl__name(p);
			if (opt && retort__strcasecmp(opt, "rowid"))
				bad_option(p, opt);
			b->t->without_rowid = true;
			continue;
		}
		opt = retort_ddl__name(p);
		if (opt && retort__strcasecmp(opt, "strict"))
			bad_option(p, opt);
		b->t->strict = true;
	} while (!p->rc && retort_ddl__accept_punct(p, ","));
}

/* Affinities, canonical defaults and pk positions, then hand the arrays
 * to the table. */
static int finalize(struct tb *b)
{
	ddl_parser *p = b->p;
	retort_table *t = b->t;
	size_t i, j;

	for (i = 0; i < b->ncols && !p->rc; i++) {
		retort_column *c = &b->cols[i];
		int rc;

		c->affinity = retort__affinity_of(c->type);
		if (t->strict && !retort__strcasecmp(c->type, "ANY"))
			c->affinity = RETORT_AFFINITY_BLOB;
		if (!c->default_sql)
			continue;
		rc = retort__ddl_default(
			&c->default_sql, p->arena, c->default_sql, c->affinity);
		if (rc)
			retort_ddl__fail(
				p, rc,
				rc == RETORT_ENOMEM ? "out of memory"
						    : "bad DEFAULT expression");
	}
	for (j = 0; b->pk && j < b->pk->nparts; j++)
		for (i = 0; i < b->ncols; i++)
			if (b->pk->parts[j].column &&
			    !retort__strcasecmp(
				    b->pk->parts[j].column, b->cols[i].name))
				b->cols[i].pk = (unsigned)j + 1;
	/* a WITHOUT ROWID table's key columns are NOT NULL whether written
	 * or not (SQLite enforces it; table_xinfo reports it) */
	for (i = 0; t->without_rowid && i < b->ncols; i++)
		if (b->cols[i].pk)
			b->cols[i].not_null = true;
	t->columns = b->cols;
	t->ncolumns = b->ncols;
	t->primary_key = b->pk;
	t->uniques = b->uqs;
	t->nuniques = b->nuqs;
	t->checks = b->cks;
	t->nchecks = b->ncks;
	t->foreign_keys = b->fks;
	t->nforeign_keys = b->nfks;
	return p->rc;
}

int retort__ddl_parse_table(
	retort_table *t,
	retort_arena *arena,
	const char *sql,
	const char *what,
	retort_error *err)
{
	ddl_parser p;
	struct tb b;

	memset(t, 0, sizeof(*t));
	memset(&b, 0, sizeof(b));
	b.p = &p;
	b.t = t;
	retort_ddl__init(&p, arena, sql, what, err);
	p.stmt = "CREATE TABLE";
	if (retort_ddl__create_prefix(&p, "TABLE", NULL))
		t->name = retort_ddl__qualified_name(&p);
	element_list(&b);
	table_options(&b);
	if (retort_ddl__finish(&p) == RETORT_OK)
		finalize(&b);
	if (p.rc)
		memset(t, 0, sizeof(*t));
	return p.rc;
}
