/*
** test_json_model.c -- hand-built schemas shared by the JSON, fingerprint
** and DDL tests (no tests of its own): json_test_full_schema() uses every
** field of the model, with hostile identifiers.
*/
#include <criterion/criterion.h>
#include <string.h>

#include "model_int.h"

#define DUP(s, arr) retort__arena_memdup(&(s)->arena, arr, sizeof(arr))

/* Table "order": every column and constraint feature. */
static void add_order(retort_schema *s)
{
	static const retort_column cols[] = {
		{ "id", "INTEGER", RETORT_AFFINITY_INTEGER, false,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0, RETORT_GENERATED_NONE,
		  NULL },
		{ "a b", "VARCHAR(20)", RETORT_AFFINITY_TEXT, true,
		  RETORT_CONFLICT_REPLACE, "'x'", "NOCASE", 0,
		  RETORT_GENERATED_NONE, NULL },
		{ "we\"ird", "REAL", RETORT_AFFINITY_REAL, false,
		  RETORT_CONFLICT_DEFAULT, "1.5 + 2", NULL, 0,
		  RETORT_GENERATED_NONE, NULL },
		{ "\xc3\xbcn\xc3\xaf", "TEXT", RETORT_AFFINITY_TEXT, false,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0,
		  RETORT_GENERATED_VIRTUAL, "\"a b\" || 'z'" },
		{ "n", "NUMERIC", RETORT_AFFINITY_NUMERIC, true,
		  RETORT_CONFLICT_DEFAULT, "0", NULL, 0, RETORT_GENERATED_NONE,
		  NULL },
		{ "parent", "INTEGER", RETORT_AFFINITY_INTEGER, false,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0, RETORT_GENERATED_NONE,
		  NULL },
		{ "total", "", RETORT_AFFINITY_BLOB, false,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0,
		  RETORT_GENERATED_STORED, "n * 2" },
	};
	static const retort_key_part pk_parts[] = { { "id", NULL, NULL,
						      false } };
	static const retort_key_part uq_parts[] = {
		{ "a b", NULL, "NOCASE", true },
		{ "n", NULL, NULL, false },
	};
	static const retort_key_part uq2_parts[] = { { "we\"ird", NULL, NULL,
						       false } };
	static const retort_key_part ix_parts[] = {
		{ "a b", NULL, "NOCASE", false },
		{ NULL, "lower(\"we\"\"ird\")", "RTRIM", true },
	};
	static const char *const fk_cols[] = { "parent" };
	static const char *const fk_ref[] = { "id" };
	retort_primary_key pk = { NULL, NULL, 1, RETORT_CONFLICT_DEFAULT,
				  true };
	retort_unique uq[] = { { "uq_ab", NULL, 2, RETORT_CONFLICT_IGNORE },
			       { NULL, NULL, 1, RETORT_CONFLICT_DEFAULT } };
	retort_check ck[] = { { "ck_n", "n >= 0" },
			      { NULL, "length(\"a b\") < 20" } };
	retort_foreign_key fk = { "fk_parent",
				  NULL,
				  1,
				  "parent",
				  NULL,
				  1,
				  RETORT_FK_CASCADE,
				  RETORT_FK_SET_NULL,
				  "SIMPLE",
				  true };
	retort_index ix = { "ix order", "order", true, NULL, 2, "n > 0" };
	retort_table *t = retort_schema__add_table(s);

	cr_assert(t);
	t->name = "order";
	t->columns = DUP(s, cols);
	t->ncolumns = sizeof(cols) / sizeof(cols[0]);
	pk.parts = DUP(s, pk_parts);
	t->primary_key = retort__arena_memdup(&s->arena, &pk, sizeof(pk));
	uq[0].parts = DUP(s, uq_parts);
	uq[1].parts = DUP(s, uq2_parts);
	t->uniques = DUP(s, uq);
	t->nuniques = 2;
	t->checks = DUP(s, ck);
	t->nchecks = 2;
	fk.columns = DUP(s, fk_cols);
	fk.ref_columns = DUP(s, fk_ref);
	t->foreign_keys = retort__arena_memdup(&s->arena, &fk, sizeof(fk));
	t->nforeign_keys = 1;
	ix.parts = DUP(s, ix_parts);
	t->indexes = retort__arena_memdup(&s->arena, &ix, sizeof(ix));
	t->nindexes = 1;
}

/* Table parent (a foreign key cycle with "order", REFERENCES without
 * columns) and table kv (WITHOUT ROWID, STRICT, composite named PK). */
static void add_parent_kv(retort_schema *s)
{
	static const retort_column pcols[] = {
		{ "id", "INTEGER", RETORT_AFFINITY_INTEGER, false,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0, RETORT_GENERATED_NONE,
		  NULL },
		{ "best", "INT", RETORT_AFFINITY_INTEGER, false,
		  RETORT_CONFLICT_DEFAULT, "NULL", NULL, 0,
		  RETORT_GENERATED_NONE, NULL },
	};
	static const retort_column kcols[] = {
		{ "k", "TEXT", RETORT_AFFINITY_TEXT, true,
		  RETORT_CONFLICT_DEFAULT, NULL, NULL, 0, RETORT_GENERATED_NONE,
		  NULL },
		{ "v", "ANY", RETORT_AFFINITY_BLOB, true,
		  RETORT_CONFLICT_DEFAULT, "CURRENT_TIMESTAMP", NULL, 0,
		  RETORT_GENERATED_NONE, NULL },
	};
	static const retort_key_part ppk[] = { { "id", NULL, NULL, false } };
	static const retort_key_part kpk[] = {
		{ "v", NULL, NULL, true },
		{ "k", NULL, "NOCASE", false },
	};
	static const char *const fk_cols[] = { "best" };
	retort_primary_key pk1 = { NULL, NULL, 1, RETORT_CONFLICT_DEFAULT,
				   false };
	retort_primary_key pk2 = { "pk_kv", NULL, 2, RETORT_CONFLICT_ROLLBACK,
				   false };
	retort_foreign_key fk = { NULL,
				  NULL,
				  1,
				  "order",
				  NULL,
				  0,
				  RETORT_FK_NO_ACTION,
				  RETORT_FK_RESTRICT,
				  NULL,
				  false };
	retort_table *t = retort_schema__add_table(s);

	cr_assert(t);
	pk1.parts = DUP(s, ppk);
	pk2.parts = DUP(s, kpk);
	fk.columns = DUP(s, fk_cols);
	t->name = "parent";
	t->columns = DUP(s, pcols);
	t->ncolumns = 2;
	t->primary_key = retort__arena_memdup(&s->arena, &pk1, sizeof(pk1));
	t->foreign_keys = retort__arena_memdup(&s->arena, &fk, sizeof(fk));
	t->nforeign_keys = 1;
	t = retort_schema__add_table(s);
	cr_assert(t);
	t->name = "kv";
	t->without_rowid = true;
	t->strict = true;
	t->columns = DUP(s, kcols);
	t->ncolumns = 2;
	t->primary_key = retort__arena_memdup(&s->arena, &pk2, sizeof(pk2));
}

static void add_others(retort_schema *s)
{
	retort_view *v = retort_schema__add_view(s);
	retort_trigger *tr;
	retort_virtual_table *vt;

	cr_assert(v);
	v->name = "v";
	v->sql = "CREATE VIEW v AS SELECT id, \"a b\" FROM \"order\" WHERE "
		 "n > 0";
	tr = retort_schema__add_trigger(s);
	cr_assert(tr);
	tr->name = "trg";
	tr->table = "order";
	tr->sql = "CREATE TRIGGER trg AFTER INSERT ON \"order\" BEGIN UPDATE "
		  "parent SET best = new.id WHERE id = new.parent; END";
	vt = retort_schema__add_virtual_table(s);
	cr_assert(vt);
	vt->name = "docs";
	vt->module = "fts5";
	vt->args = "body, tokenize = 'porter'";
	vt->sql = "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = "
		  "'porter')";
}

retort_schema *json_test_full_schema(void);
retort_schema *json_test_full_schema_edit(void (*edit)(retort_schema *));

/*
** The full schema, with EDIT (or nothing) applied to the records before
** retort_schema__finish(): tables[0] is parent, [1] kv, [2] "order"; every
** array is in the arena and may be changed through a cast.
*/
retort_schema *json_test_full_schema_edit(void (*edit)(retort_schema *))
{
	retort_schema *s = retort_schema__new();
	retort_error err = RETORT_ERROR_INIT;

	cr_assert(s);
	add_others(s);
	add_parent_kv(s);
	add_order(s);
	if (edit)
		edit(s);
	cr_assert_eq(
		retort_schema__finish(s, "full", &err), RETORT_OK, "%s",
		err.why);
	return s;
}

retort_schema *json_test_full_schema(void)
{
	return json_test_full_schema_edit(NULL);
}
