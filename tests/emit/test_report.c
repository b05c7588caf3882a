/*
** test_report.c -- the text and JSON reports of a diff, against golden
** files in tests/data/report/ (RETORT_UPDATE_GOLDEN=1 rewrites them).
** Groups: emit_report (text layout, colour, JSON document, empty diff).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "introspect.h"
#include "retort.h"

static const char *const from_sql =
	"CREATE TABLE orgs(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE users(id INT PRIMARY KEY, org_id INT REFERENCES orgs,"
	" email VARCHAR(100), legacy TEXT, nick TEXT, CHECK (email <> ''));"
	"CREATE INDEX ix_users_email ON users(email);"
	"CREATE TABLE old_log(id INTEGER PRIMARY KEY, msg TEXT);"
	"CREATE VIEW v_users AS SELECT id, email FROM users;"
	"CREATE TRIGGER tr_users AFTER INSERT ON users BEGIN SELECT 1; END;"
	"CREATE VIRTUAL TABLE docs USING fts5(body);";

static const char *const to_sql =
	"CREATE TABLE orgs(id INTEGER PRIMARY KEY, name TEXT NOT NULL, \"plan\" TEXT DEFAULT 'free');"
	"CREATE TABLE users(id INTEGER PRIMARY KEY, org_id INT REFERENCES orgs ON DELETE CASCADE,"
	" email TEXT NOT NULL, nick TEXT, handle TEXT COLLATE NOCASE UNIQUE,"
	" CHECK (email <> ''));"
	"CREATE UNIQUE INDEX ix_users_email ON users(email);"
	"CREATE TABLE event_log(id INTEGER PRIMARY KEY, msg TEXT);"
	"CREATE VIEW v_users AS SELECT id, email, handle FROM users;"
	"CREATE TRIGGER tr_users AFTER INSERT ON users BEGIN SELECT 2; END;"
	"CREATE VIRTUAL TABLE docs USING fts5(body, title);";

static retort_schema *sch(const char *sql)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	cr_assert_eq(
		retort__schema_from_sql(&s, sql, "test.sql", &err), RETORT_OK,
		"%s: %s", err.what, err.why);
	return s;
}

/* The contents of golden file NAME, or of OUT after writing it when
 * RETORT_UPDATE_GOLDEN is set.  The caller frees the result. */
static char *golden(const char *name, const char *out)
{
	char path[4096];
	FILE *f;
	long n;
	char *s;

	snprintf(
		path, sizeof(path), "%s/tests/data/report/%s",
		RETORT_SOURCE_DIR, name);
	if (getenv("RETORT_UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "cannot write %s", path);
		fputs(out, f);
		fclose(f);
	}
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot read %s", path);
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

/* The diff of FROM and TO and both schemas, freed by done(). */
struct fx {
	retort_schema *a, *b;
	retort_diff *d;
};

static struct fx make(const char *a, const char *b)
{
	retort_error err = RETORT_ERROR_INIT;
	struct fx x;

	x.a = sch(a);
	x.b = sch(b);
	cr_assert_eq(
		retort_diff_compare(&x.d, x.a, x.b, NULL, &err), RETORT_OK,
		"%s", err.why);
	return x;
}

static void done(struct fx *x)
{
	retort_diff_free(x->d);
	retort_schema_free(x->a);
	retort_schema_free(x->b);
}

Test(emit_report, text_golden)
{
	struct fx x = make(from_sql, to_sql);
	retort_buf b = RETORT_BUF_INIT;
	char *want;

	cr_assert_eq(retort_report_text(&b, x.d, false, NULL), RETORT_OK);
	want = golden("diff.txt", b.ptr);
	cr_expect_str_eq(b.ptr, want);
	cr_expect_null(strchr(b.ptr, '\033'), "no colour unless asked");
	free(want);
	retort_buf_dispose(&b);
	done(&x);
}

Test(emit_report, text_colour_only_when_asked)
{
	struct fx x = make(from_sql, to_sql);
	retort_buf plain = RETORT_BUF_INIT, col = RETORT_BUF_INIT;
	char *p, *q;

	cr_assert_eq(retort_report_text(&plain, x.d, false, NULL), RETORT_OK);
	cr_assert_eq(retort_report_text(&col, x.d, true, NULL), RETORT_OK);
	cr_expect_not_null(strstr(col.ptr, "\033[32m+ "), "green additions");
	cr_expect_not_null(strstr(col.ptr, "\033[31m- "), "red drops");
	cr_expect_not_null(
		strstr(col.ptr, "\033[1;31m! destructive"), "flagged");
	/* without the escapes, the same text */
	for (p = q = col.ptr; *p;) {
		if (*p == '\033') {
			p = strchr(p, 'm') + 1;
			continue;
		}
		*q++ = *p++;
	}
	*q = '\0';
	cr_expect_str_eq(col.ptr, plain.ptr);
	retort_buf_dispose(&plain);
	retort_buf_dispose(&col);
	done(&x);
}

Test(emit_report, json_golden)
{
	struct fx x = make(from_sql, to_sql);
	retort_buf b = RETORT_BUF_INIT;
	char *want;
	cJSON *doc, *ops;

	cr_assert_eq(retort_report_json(&b, x.d, NULL), RETORT_OK);
	want = golden("diff.json", b.ptr);
	cr_expect_str_eq(b.ptr, want);
	doc = cJSON_Parse(b.ptr);
	cr_assert_not_null(doc, "valid JSON");
	ops = cJSON_GetObjectItemCaseSensitive(doc, "operations");
	cr_expect_eq((size_t)cJSON_GetArraySize(ops), retort_diff_count(x.d));
	cr_expect(
		cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(doc, "equal")));
	cJSON_Delete(doc);
	free(want);
	retort_buf_dispose(&b);
	done(&x);
}

Test(emit_report, json_fields_of_every_operation)
{
	struct fx x = make(from_sql, to_sql);
	retort_buf b = RETORT_BUF_INIT;
	static const char *const keys[] = {
		"kind",        "object",  "name", "safety", "reason",
		"rename_hint", "changes", "from", "to",
	};
	cJSON *doc, *op;
	size_t k;

	cr_assert_eq(retort_report_json(&b, x.d, NULL), RETORT_OK);
	doc = cJSON_Parse(b.ptr);
	cr_assert_not_null(doc);
	cJSON_ArrayForEach(
		op, cJSON_GetObjectItemCaseSensitive(doc, "operations"))
	{
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			cr_expect_not_null(
				cJSON_GetObjectItemCaseSensitive(op, keys[k]),
				"operation without %s", keys[k]);
	}
	cJSON_Delete(doc);
	retort_buf_dispose(&b);
	done(&x);
}

Test(emit_report, empty_diff)
{
	struct fx x = make(from_sql, from_sql);
	retort_buf b = RETORT_BUF_INIT;
	cJSON *doc;

	cr_assert_eq(retort_report_text(&b, x.d, true, NULL), RETORT_OK);
	cr_expect_str_eq(b.ptr, "no differences\n");
	cr_assert_eq(retort_report_json(&b, x.d, NULL), RETORT_OK);
	doc = cJSON_Parse(b.ptr);
	cr_assert_not_null(doc);
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "equal")));
	cr_expect_eq(
		cJSON_GetArraySize(
			cJSON_GetObjectItemCaseSensitive(doc, "operations")),
		0);
	cJSON_Delete(doc);
	retort_buf_dispose(&b);
	done(&x);
}

Test(emit_report, renames_and_hints)
{
	struct fx x = make(
		"CREATE TABLE \"my table\"(id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE \"my table\"(id INTEGER PRIMARY KEY, b TEXT);");
	retort_buf b = RETORT_BUF_INIT;

	cr_assert_eq(retort_report_text(&b, x.d, false, NULL), RETORT_OK);
	cr_expect_str_eq(
		b.ptr, "~ table \"my table\"\n"
		       "    - column a TEXT\n"
		       "      ! destructive: drops column a and its data\n"
		       "      possible rename: --rename 'my table.a=b'\n"
		       "    + column b TEXT\n"
		       "      possible rename: --rename 'my table.a=b'\n"
		       "\n"
		       "2 operations, 1 destructive\n"
		       "possible renames (add the flag to keep the data):\n"
		       "  --rename 'my table.a=b'\n");
	retort_buf_dispose(&b);
	done(&x);
}
