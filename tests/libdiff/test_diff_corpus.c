/*
** test_diff_corpus.c -- the comparator on the 25 real schemas of
** ../shared/corpus: each equals itself and its own re-creation from
** retort_schema_to_sql(); from and to an empty schema every object is
** added or dropped in a valid order; the real version pairs (synapse
** v54/v72, zabbix 3.0/6.0, headscale) compare both ways with well-formed
** operations.
** Groups: libdiff_diff_corpus.
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_diff_util.h"

/* The contents of corpus file NAME; the caller frees it. */
static char *slurp(const char *name)
{
	char path[4096];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", RETORT_CORPUS_DIR, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static retort_schema *corpus(const char *name)
{
	char *sql = slurp(name);
	retort_schema *s = sch(sql);

	free(sql);
	return s;
}

static retort_diff *cmp(const retort_schema *a, const retort_schema *b)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_diff *d = NULL;

	cr_assert_eq(
		retort_diff_compare(&d, a, b, NULL, &err), RETORT_OK, "%s: %s",
		err.what, err.why);
	return d;
}

/* The invariants every operation keeps: the records its kind names are
 * there, a destructive one says why. */
static void check_op(const retort_diff_op *op, const char *what)
{
	const char *k = retort_op_kind_name(op->kind);
	bool add = !strncmp(k, "add_", 4), drop = !strncmp(k, "drop_", 5);

	cr_expect_not_null(op->object, "%s: %s without object", what, k);
	if (op->safety == RETORT_DESTRUCTIVE)
		cr_expect_not_null(
			op->reason, "%s: %s without reason", what, k);
	else
		cr_expect_null(
			op->reason, "%s: safe %s with a reason", what, k);
	if (add || drop) {
		const retort_op_side *s = add ? &op->to : &op->from;

		cr_expect(
			s->table || s->view || s->trigger || s->virtual_table,
			"%s: %s without its record", what, k);
	}
	if (op->kind == RETORT_OP_ALTER_COLUMN)
		cr_expect(
			op->from.column && op->to.column && op->changes,
			"%s: alter_column %s.%s", what, op->object, op->name);
}

/* The index of the first op of KIND whose record is named NAME. */
static size_t first(const retort_diff *d, retort_op_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < retort_diff_count(d); i++) {
		const retort_diff_op *op = retort_diff_get(d, i);

		if (op->kind == kind && !retort__strcasecmp(op->object, name))
			return i;
	}
	return (size_t)-1;
}

/* From an empty schema: each table after the tables it references
 * (unless they reference it back: a cycle), views and triggers last. */
static void check_creation_order(
	const retort_schema *s, const retort_diff *d, const char *what)
{
	size_t i, k, last_table = 0;

	for (i = 0; i < retort_schema_ntables(s); i++) {
		const retort_table *t = retort_schema_table(s, i);
		size_t at = first(d, RETORT_OP_ADD_TABLE, t->name);

		cr_assert_neq(
			at, (size_t)-1, "%s: table %s not added", what,
			t->name);
		last_table = at > last_table ? at : last_table;
		for (k = 0; k < t->nforeign_keys; k++) {
			const retort_table *p = retort_schema_find_table(
				s, t->foreign_keys[k].ref_table);
			size_t pk, j;
			bool back = false;

			if (!p || p == t)
				continue;
			for (j = 0; j < p->nforeign_keys; j++)
				back |= !retort__strcasecmp(
					p->foreign_keys[j].ref_table, t->name);
			pk = first(d, RETORT_OP_ADD_TABLE, p->name);
			cr_expect(
				back || pk < at,
				"%s: %s added before its parent %s", what,
				t->name, p->name);
		}
	}
	for (i = 0; i < retort_diff_count(d); i++) {
		retort_op_kind kind = retort_diff_get(d, i)->kind;

		if (kind == RETORT_OP_ADD_VIEW || kind == RETORT_OP_ADD_TRIGGER)
			cr_expect_gt(
				i, last_table,
				"%s: view or trigger before a table", what);
	}
}

/* Every corpus schema name (NAME.sql, not NAME.data.sql). */
static size_t corpus_names(char names[][256], size_t max)
{
	DIR *dir = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	size_t n = 0, len;

	cr_assert_not_null(dir);
	while ((e = readdir(dir)) && n < max) {
		len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") ||
		    (len > 9 && !strcmp(e->d_name + len - 9, ".data.sql")))
			continue;
		snprintf(names[n++], 256, "%s", e->d_name);
	}
	closedir(dir);
	return n;
}

Test(libdiff_diff_corpus, every_schema)
{
	static char names[64][256];
	size_t n = corpus_names(names, 64), i, k;
	retort_schema *empty = sch("");

	cr_assert_geq(n, 25);
	for (i = 0; i < n; i++) {
		retort_schema *s = corpus(names[i]), *again;
		retort_buf sql = RETORT_BUF_INIT;
		retort_diff *d;

		d = cmp(s, s);
		cr_expect_eq(
			retort_diff_count(d), 0, "%s differs from itself",
			names[i]);
		retort_diff_free(d);
		cr_assert_eq(retort_schema_to_sql(&sql, s, NULL), RETORT_OK);
		again = sch(sql.ptr);
		d = cmp(s, again);
		cr_expect_eq(
			retort_diff_count(d), 0,
			"%s differs from its re-creation", names[i]);
		retort_diff_free(d);
		d = cmp(empty, s);
		for (k = 0; k < retort_diff_count(d); k++)
			check_op(retort_diff_get(d, k), names[i]);
		check_creation_order(s, d, names[i]);
		retort_diff_free(d);
		d = cmp(s, empty);
		cr_expect_eq(
			count_kind(d, RETORT_OP_DROP_TABLE),
			retort_schema_ntables(s));
		retort_diff_free(d);
		retort_schema_free(again);
		retort_schema_free(s);
		retort_buf_dispose(&sql);
	}
	retort_schema_free(empty);
}

Test(libdiff_diff_corpus, real_version_pairs)
{
	static const char *const pairs[][2] = {
		{ "synapse_v54.sql", "synapse_v72.sql" },
		{ "zabbix_3.0.sql", "zabbix_6.0.sql" },
		{ "headscale.sql", "headscale_0.26.0_dump.sql" },
	};
	size_t i, k, j;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		retort_schema *a = corpus(pairs[i][0]),
			      *b = corpus(pairs[i][1]);

		for (j = 0; j < 2; j++) {
			retort_diff *d = j ? cmp(b, a) : cmp(a, b);

			cr_expect_gt(
				retort_diff_count(d), 0, "%s / %s", pairs[i][0],
				pairs[i][1]);
			for (k = 0; k < retort_diff_count(d); k++)
				check_op(retort_diff_get(d, k), pairs[i][j]);
			retort_diff_free(d);
		}
		retort_schema_free(a);
		retort_schema_free(b);
	}
}
