/*
** test_fingerprint.c -- XXH3 fingerprints of the comparison form.
** Groups: libdiff_fingerprint (equal for differences of identifier case,
** quoting, spacing, DEFAULT spelling, COLLATE BINARY and constraint
** order; different for every real change; the formatted string).
*/
#include <criterion/criterion.h>
#include <string.h>

#include "model_int.h"

retort_schema *json_test_full_schema_edit(void (*edit)(retort_schema *));

/* Tables as the full schema adds them (before finish sorts them). */
#define PARENT(s) (&(s)->tables[0])
#define KV(s)     (&(s)->tables[1])
#define ORDER(s)  (&(s)->tables[2])
#define COL(t, i) ((retort_column *)&(t)->columns[i])

static uint64_t fp_of(void (*edit)(retort_schema *))
{
	retort_schema *s = json_test_full_schema_edit(edit);
	uint64_t fp = retort_schema_fingerprint(s);

	retort_schema_free(s);
	return fp;
}

/* Every name in another letter case, every expression re-spelled with
 * other quoting, spacing and keyword case. */
static void recase(retort_schema *s)
{
	retort_table *o = ORDER(s);
	retort_key_part *p = (retort_key_part *)o->indexes[0].parts;

	o->name = "ORDER";
	COL(o, 0)->name = "ID";
	COL(o, 1)->name = "A B";
	COL(o, 1)->type = "VARCHAR( 20 )";
	COL(o, 1)->collate = "nocase";
	COL(o, 3)->generated_sql = "[A B]||'z'";
	COL(o, 6)->generated_sql = "\"N\"*2";
	((retort_check *)o->checks)[0].expr = "\"N\">=0";
	((retort_check *)o->checks)[0].name = "CK_N";
	((retort_index *)o->indexes)[0].name = "IX ORDER";
	((retort_index *)o->indexes)[0].table = "Order";
	((retort_index *)o->indexes)[0].where = "N>0 /* c */";
	p[1].expr = "LOWER( [WE\"IRD] )";
	((retort_foreign_key *)o->foreign_keys)[0].ref_table = "PARENT";
	s->views[0].sql = "create view V as select \"id\", [a b] from "
			  "[order] where n>0";
	s->views[0].name = "V";
	s->triggers[0].table = "Order";
	s->vtabs[0].module = "FTS5";
}

Test(libdiff_fingerprint, case_and_quoting_do_not_count)
{
	retort_schema *a = json_test_full_schema_edit(NULL);
	retort_schema *b = json_test_full_schema_edit(recase);
	size_t i;

	cr_expect_eq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	for (i = 0; i < retort_schema_ntables(a); i++)
		cr_expect_eq(
			retort_schema_table(a, i)->fingerprint,
			retort_schema_table(b, i)->fingerprint, "table %zu", i);
	cr_expect_eq(
		retort_schema_view(a, 0)->fingerprint,
		retort_schema_view(b, 0)->fingerprint);
	retort_schema_free(a);
	retort_schema_free(b);
}

static void default_spellings(retort_schema *s)
{
	COL(ORDER(s), 4)->default_sql = "((0))"; /* NUMERIC: (0) is 0 */
	COL(PARENT(s), 1)->default_sql = NULL;   /* DEFAULT NULL: none */
	COL(KV(s), 0)->collate = "BINARY";       /* the default collation */
}

/* An index part without COLLATE uses its column's collation. */
static void implicit_collate(retort_schema *s)
{
	((retort_key_part *)ORDER(s)->indexes[0].parts)[0].collate = NULL;
}

static void quoted_zero(retort_schema *s)
{
	COL(ORDER(s), 4)->default_sql = "'0'"; /* same value when NUMERIC */
}

/* The two uniques of "order" swapped, and its checks swapped. */
static void constraint_order(retort_schema *s)
{
	retort_table *o = ORDER(s);
	retort_unique u = o->uniques[0];
	retort_check c = o->checks[0];

	((retort_unique *)o->uniques)[0] = o->uniques[1];
	((retort_unique *)o->uniques)[1] = u;
	((retort_check *)o->checks)[0] = o->checks[1];
	((retort_check *)o->checks)[1] = c;
}

Test(libdiff_fingerprint, equal_spellings_do_not_count)
{
	uint64_t base = fp_of(NULL);

	cr_expect_eq(fp_of(default_spellings), base);
	cr_expect_eq(fp_of(quoted_zero), base);
	cr_expect_eq(fp_of(implicit_collate), base);
	cr_expect_eq(fp_of(constraint_order), base);
}

static void e_type(retort_schema *s)
{
	COL(ORDER(s), 1)->type = "varchar(21)";
}
static void e_not_null(retort_schema *s)
{
	COL(ORDER(s), 2)->not_null = true;
}
static void e_conflict(retort_schema *s)
{
	COL(ORDER(s), 1)->not_null_on = RETORT_CONFLICT_IGNORE;
}
static void e_default(retort_schema *s)
{
	COL(ORDER(s), 2)->default_sql = "(1.5+3)";
}
static void e_folding(retort_schema *s)
{
	COL(ORDER(s), 2)->default_sql = "3.5"; /* no constant folding */
}
static void e_blob_zero(retort_schema *s)
{
	COL(ORDER(s), 6)->generated = RETORT_GENERATED_NONE;
	COL(ORDER(s), 6)->generated_sql = NULL;
	COL(ORDER(s), 6)->default_sql = "'0'";
}
static void e_blob_zero_number(retort_schema *s)
{
	COL(ORDER(s), 6)->generated = RETORT_GENERATED_NONE;
	COL(ORDER(s), 6)->generated_sql = NULL;
	COL(ORDER(s), 6)->default_sql = "0";
}
static void e_collate(retort_schema *s)
{
	COL(ORDER(s), 1)->collate = "RTRIM";
}
static void e_generated(retort_schema *s)
{
	COL(ORDER(s), 6)->generated = RETORT_GENERATED_VIRTUAL;
}
static void e_column_order(retort_schema *s)
{
	retort_column c = *COL(ORDER(s), 4);

	*COL(ORDER(s), 4) = *COL(ORDER(s), 5);
	*COL(ORDER(s), 5) = c;
}
static void e_column_name(retort_schema *s)
{
	COL(ORDER(s), 5)->name = "parent2";
	((const char **)ORDER(s)->foreign_keys[0].columns)[0] = "parent2";
}
static void e_check(retort_schema *s)
{
	((retort_check *)ORDER(s)->checks)[0].expr = "n > 0";
}
static void e_check_name(retort_schema *s)
{
	((retort_check *)ORDER(s)->checks)[1].name = "ck_len";
}
static void e_unique(retort_schema *s)
{
	((retort_unique *)ORDER(s)->uniques)[0].on_conflict =
		RETORT_CONFLICT_DEFAULT;
}
static void e_fk_action(retort_schema *s)
{
	((retort_foreign_key *)ORDER(s)->foreign_keys)[0].on_delete =
		RETORT_FK_RESTRICT;
}
static void e_fk_deferred(retort_schema *s)
{
	((retort_foreign_key *)ORDER(s)->foreign_keys)[0].deferred = false;
}
static void e_index_where(retort_schema *s)
{
	((retort_index *)ORDER(s)->indexes)[0].where = NULL;
}
static void e_index_desc(retort_schema *s)
{
	((retort_key_part *)ORDER(s)->indexes[0].parts)[1].desc = false;
}
static void e_index_unique(retort_schema *s)
{
	((retort_index *)ORDER(s)->indexes)[0].unique = false;
}
static void e_pk_order(retort_schema *s)
{
	((retort_key_part *)KV(s)->primary_key->parts)[0].desc = false;
}
static void e_autoinc(retort_schema *s)
{
	((retort_primary_key *)ORDER(s)->primary_key)->autoincrement = false;
}
static void e_without_rowid(retort_schema *s)
{
	KV(s)->without_rowid = false;
}
static void e_strict(retort_schema *s)
{
	KV(s)->strict = false;
}
static void e_table_name(retort_schema *s)
{
	KV(s)->name = "kv2";
}
static void e_view(retort_schema *s)
{
	s->views[0].sql = "CREATE VIEW v AS SELECT id FROM \"order\"";
}
static void e_view_literal_case(retort_schema *s)
{
	s->vtabs[0].args = "body, tokenize = 'PORTER'";
	s->vtabs[0].sql = "CREATE VIRTUAL TABLE docs USING fts5(body, "
			  "tokenize = 'PORTER')";
}
static void e_trigger(retort_schema *s)
{
	s->triggers[0].sql = "CREATE TRIGGER trg BEFORE INSERT ON \"order\" "
			     "BEGIN SELECT 1; END";
}

Test(libdiff_fingerprint, real_changes_count)
{
	static void (*const edits[])(retort_schema *) = {
		e_type,
		e_not_null,
		e_conflict,
		e_default,
		e_folding,
		e_blob_zero,
		e_collate,
		e_generated,
		e_column_order,
		e_column_name,
		e_check,
		e_check_name,
		e_unique,
		e_fk_action,
		e_fk_deferred,
		e_index_where,
		e_index_desc,
		e_index_unique,
		e_pk_order,
		e_autoinc,
		e_without_rowid,
		e_strict,
		e_table_name,
		e_view,
		e_view_literal_case,
		e_trigger,
	};
	uint64_t base = fp_of(NULL);
	size_t i;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++)
		cr_expect_neq(fp_of(edits[i]), base, "edit %zu", i);
	/* '0' and 0 store different values in a BLOB-affinity column */
	cr_expect_neq(fp_of(e_blob_zero), fp_of(e_blob_zero_number));
}

Test(libdiff_fingerprint, table_covers_its_indexes)
{
	retort_schema *a = json_test_full_schema_edit(NULL);
	retort_schema *b = json_test_full_schema_edit(e_index_where);
	const retort_table *ta = retort_schema_find_table(a, "order");
	const retort_table *tb = retort_schema_find_table(b, "order");

	cr_assert(ta && tb);
	cr_expect_neq(ta->fingerprint, tb->fingerprint);
	cr_expect_eq(
		retort_schema_find_table(a, "kv")->fingerprint,
		retort_schema_find_table(b, "kv")->fingerprint);
	retort_schema_free(a);
	retort_schema_free(b);
}

Test(libdiff_fingerprint, format)
{
	char buf[22];

	retort_fingerprint_format(buf, 0x0123456789abcdefULL);
	cr_expect_str_eq(buf, "xxh3:0123456789abcdef");
	retort_fingerprint_format(buf, 0);
	cr_expect_str_eq(buf, "xxh3:0000000000000000");
}
