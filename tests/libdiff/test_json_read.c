/*
** test_json_read.c -- the strict snapshot reader.
** Groups: libdiff_json_read (round trips, hand-edited documents that are
** accepted, and every error: malformed JSON, deep nesting, format and
** version, missing, mistyped, unknown and duplicate keys, enum values,
** SQL that cannot be pasted, duplicate names, fingerprint mismatch).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

retort_schema *json_test_full_schema(void);
char *json_test_read_file(const char *path, size_t *len);

static char *to_json(const retort_schema *s)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_schema_to_json(&b, s, &err), RETORT_OK, "%s", err.why);
	return retort_buf_detach(&b);
}

/* Load TEXT; on success return the schema, else NULL with ERR set. */
static retort_schema *load(const char *text, retort_error *err)
{
	retort_schema *s = (retort_schema *)1;
	int rc = retort_schema_from_json(&s, text, strlen(text), "t.json", err);

	if (rc == RETORT_OK) {
		cr_assert(s);
		cr_assert_eq(err->code, RETORT_OK);
	} else {
		cr_assert_null(s);
		cr_assert_eq(rc, err->code);
	}
	return s;
}

Test(libdiff_json_read, round_trip_is_byte_identical)
{
	retort_schema *a = json_test_full_schema(), *b;
	retort_error err = RETORT_ERROR_INIT;
	char *ja = to_json(a), *jb;

	b = load(ja, &err);
	cr_assert(b, "%s", err.why);
	jb = to_json(b);
	cr_expect_str_eq(ja, jb);
	cr_expect_eq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	free(ja);
	free(jb);
	retort_schema_free(a);
	retort_schema_free(b);
}

/* The golden document of the full schema. */
static char *golden(void)
{
	return json_test_read_file(
		RETORT_SOURCE_DIR "/tests/data/json/full.expected", NULL);
}

/* A copy of SRC (malloc) with the first FROM replaced by TO. */
static char *edit(const char *src, const char *from, const char *to)
{
	const char *at = strstr(src, from);
	size_t n = strlen(src) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	cr_assert(at, "\"%s\" not found", from);
	cr_assert(out);
	memcpy(out, src, (size_t)(at - src));
	strcpy(out + (at - src), to);
	strcat(out, at + strlen(from));
	return out;
}

static void expect_error(const char *text, const char *why)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = load(text, &err);

	cr_expect_null(s);
	retort_schema_free(s);
	cr_expect_eq(err.code, RETORT_EINVAL);
	cr_expect_str_eq(err.what, "t.json");
	cr_expect_str_eq(err.why, why);
}

/* The golden document with FROM replaced by TO must fail with WHY. */
static void expect_edit_error(const char *from, const char *to, const char *why)
{
	char *g = golden(), *e = edit(g, from, to);

	expect_error(e, why);
	free(e);
	free(g);
}

Test(libdiff_json_read, golden_file_loads)
{
	retort_error err = RETORT_ERROR_INIT;
	char *g = golden(), *j;
	retort_schema *s = load(g, &err);

	cr_assert(s, "%s", err.why);
	cr_expect_eq(retort_schema_ntables(s), 3);
	cr_expect_str_eq(
		retort_schema_table(s, 1)->columns[3].name,
		"\xc3\xbcn\xc3\xaf");
	j = to_json(s);
	cr_expect_str_eq(j, g);
	free(j);
	free(g);
	retort_schema_free(s);
}

Test(libdiff_json_read, malformed_json)
{
	expect_error(
		"{\"format\": \"retort-snapshot\",\n  \"version\": }",
		"malformed JSON at byte 43 (line 2, column 14)");
	expect_error("", "malformed JSON: empty input");
	expect_error(" \n", "malformed JSON: empty input");
	expect_error(
		"{} x", "malformed JSON: text after the document at byte "
			"3 (line 1, column 4)");
	expect_error("[1]", "expected a JSON object");
	expect_error("\"retort\"", "expected a JSON object");
}

Test(libdiff_json_read, nul_byte)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;

	cr_expect_eq(
		retort_schema_from_json(&s, "{\"a\0\": 1}", 9, "t.json", &err),
		RETORT_EINVAL);
	cr_expect_null(s);
	cr_expect_str_eq(
		err.why, "malformed JSON: a NUL byte at byte 3 (line "
			 "1, column 4)");
}

/* Not NUL-terminated input: only LEN bytes are read. */
Test(libdiff_json_read, reads_only_len_bytes)
{
	retort_error err = RETORT_ERROR_INIT;
	char *g = golden();
	size_t len = strlen(g);
	char *copy = malloc(len + 5);
	retort_schema *s = NULL;

	memcpy(copy, g, len);
	memcpy(copy + len, "xxxx", 5); /* past LEN: must not be read */
	cr_expect_eq(
		retort_schema_from_json(&s, copy, len, "t.json", &err),
		RETORT_OK, "%s", err.why);
	retort_schema_free(s);
	free(copy);
	free(g);
}

Test(libdiff_json_read, deep_nesting_is_an_error)
{
	size_t n = 100000;
	char *deep = malloc(2 * n + 1);

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	expect_error(
		deep, "malformed JSON: nested deeper than 64 levels at "
		      "byte 64 (line 1, column 65)");
	memset(deep, '{', n); /* unterminated objects too */
	deep[n] = '\0';
	expect_error(
		deep, "malformed JSON: nested deeper than 64 levels at "
		      "byte 64 (line 1, column 65)");
	free(deep);
}

/* A copy of SRC without its "fingerprint" line. */
static char *strip_fingerprint(const char *src)
{
	const char *at = strstr(src, "  \"fingerprint\": ");
	const char *nl = at ? strchr(at, '\n') : NULL;
	char *out = malloc(strlen(src) + 1);

	cr_assert(nl && out);
	memcpy(out, src, (size_t)(at - src));
	strcpy(out + (at - src), nl + 1);
	return out;
}

/* The golden document edited (FROM to TO) and without its fingerprint
 * must load. */
static void expect_edit_ok(const char *from, const char *to)
{
	retort_error err = RETORT_ERROR_INIT;
	char *g = golden(), *e = edit(g, from, to), *f = strip_fingerprint(e);
	retort_schema *s = load(f, &err);

	cr_expect(s, "%s -> %s: %s", from, to, err.why);
	retort_schema_free(s);
	free(f);
	free(e);
	free(g);
}

/* Brackets and braces inside strings are not nesting. */
Test(libdiff_json_read, brackets_in_strings)
{
	char name[300] = "\"name\": \"";

	memset(name + 9, '[', 200);
	strcpy(name + 209, "{\\\"\",");
	expect_edit_ok("\"name\": \"kv\",", name);
}

/* A CASE ... END inside a trigger is not its END. */
Test(libdiff_json_read, trigger_with_case)
{
	expect_edit_ok(
		"SET best = new.id",
		"SET best = CASE WHEN new.id > 0 THEN new.id END");
}

Test(libdiff_json_read, fingerprint_must_match)
{
	retort_error err = RETORT_ERROR_INIT;
	char *g = golden(), *e = edit(g, "\"n >= 0\"", "\"n >= 1\""), *f;
	retort_schema *a = load(g, &err), *b;

	cr_assert(a, "%s", err.why);
	b = load(e, &err);
	cr_expect_null(b);
	cr_expect_eq(err.code, RETORT_EINVAL);
	cr_expect(
		strstr(err.why, "fingerprint: xxh3:") == err.why, "%s",
		err.why);
	cr_expect(
		strstr(err.why, "the snapshot was edited by hand; remove "
				"the \"fingerprint\" key to accept the "
				"edit"),
		"%s", err.why);
	/* without the key, the edit is accepted */
	retort_error_clear(&err);
	f = strip_fingerprint(e);
	b = load(f, &err);
	cr_assert(b, "%s", err.why);
	cr_expect_neq(
		retort_schema_fingerprint(a), retort_schema_fingerprint(b));
	retort_schema_free(a);
	retort_schema_free(b);
	free(f);
	free(e);
	free(g);
}

/* Objects and constraints in another order load into the canonical
 * model: the same JSON comes out. */
Test(libdiff_json_read, any_order_is_accepted)
{
	static const char doc[] =
		"{\"format\": \"retort-snapshot\", \"version\": 1, "
		"\"tables\": [%s, %s], \"views\": [], \"triggers\": [], "
		"\"virtual_tables\": []}";
	static const char ta[] =
		"{\"name\": \"b\", \"without_rowid\": false, \"strict\": "
		"false, \"columns\": [{\"name\": \"x\", \"type\": \"\", "
		"\"affinity\": \"blob\", \"not_null\": false, "
		"\"not_null_on_conflict\": \"abort\", \"default\": null, "
		"\"collate\": null, \"pk\": 0, \"generated\": \"none\", "
		"\"generated_expr\": null}], \"primary_key\": null, "
		"\"uniques\": [], \"checks\": [{\"name\": null, \"expr\": "
		"\"x > 1\"}, {\"name\": null, \"expr\": \"x < 9\"}], "
		"\"foreign_keys\": [], \"indexes\": []}";
	char *tb = edit(ta, "\"b\"", "\"a\""), *tb2, *d1, *d2, *j1, *j2;
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s1, *s2;

	tb2 =
		edit(tb, "\"x > 1\"}, {\"name\": null, \"expr\": \"x < 9\"",
		     "\"x < 9\"}, {\"name\": null, \"expr\": \"x > 1\"");
	d1 = malloc(2 * sizeof(ta) + sizeof(doc));
	d2 = malloc(2 * sizeof(ta) + sizeof(doc));
	sprintf(d1, doc, ta, tb);
	sprintf(d2, doc, tb2, ta);
	s1 = load(d1, &err);
	cr_assert(s1, "%s", err.why);
	s2 = load(d2, &err);
	cr_assert(s2, "%s", err.why);
	j1 = to_json(s1);
	j2 = to_json(s2);
	cr_expect_str_eq(j1, j2);
	free(j1);
	free(j2);
	retort_schema_free(s1);
	retort_schema_free(s2);
	free(d1);
	free(d2);
	free(tb);
	free(tb2);
}

Test(libdiff_json_read, format_and_version)
{
	expect_edit_error(
		"\"retort-snapshot\"", "\"other\"",
		"not a retort snapshot (expected \"format\": "
		"\"retort-snapshot\")");
	expect_edit_error(
		"\"format\"", "\"Format\"",
		"not a retort snapshot (expected \"format\": "
		"\"retort-snapshot\")");
	expect_edit_error(
		"\"version\": 1", "\"version\": 7",
		"unsupported snapshot version 7 (this retort reads "
		"version 1)");
	expect_edit_error(
		"\"version\": 1", "\"version\": \"1\"",
		"version: expected an integer");
	expect_edit_error(
		"\"version\": 1", "\"version\": 1.5",
		"version: expected an integer");
	expect_edit_error(
		"\"version\": 1", "\"version\": 1e300",
		"version: expected an integer");
	/* a newer version is reported as such, not as unknown keys */
	expect_edit_error(
		"\"version\": 1,", "\"version\": 2, \"new\": [],",
		"unsupported snapshot version 2 (this retort reads "
		"version 1)");
	expect_edit_error(
		"\"xxh3:", "\"md5:",
		"fingerprint: expected \"xxh3:\" and 16 lower-case "
		"hex digits");
}

Test(libdiff_json_read, missing_mistyped_unknown_duplicate)
{
	expect_edit_error(
		"\"strict\": true,\n", "", "tables[0].strict: missing");
	expect_edit_error(
		"\"strict\": true,", "\"strict\": 1,",
		"tables[0].strict: expected true or false");
	expect_edit_error(
		"\"type\": \"TEXT\"", "\"type\": 5",
		"tables[0].columns[0].type: expected a string");
	expect_edit_error(
		"\"default\": null", "\"default\": false",
		"tables[0].columns[0].default: expected a string or "
		"null");
	expect_edit_error(
		"\"strict\": true,", "\"strict\": true, \"colour\": 1,",
		"tables[0].colour: unknown key");
	expect_edit_error(
		"\"strict\": true,", "\"strict\": true, \"strict\": true,",
		"tables[0].strict: duplicate key");
	expect_edit_error(
		"\"name\": \"kv\"", "\"Name\": \"kv\"",
		"tables[0].Name: unknown key");
	expect_edit_error(
		"\"tables\": [", "\"tables\": 3, \"x\": [", "x: unknown key");
	expect_edit_error(
		"\"views\": [", "\"views\": {}, \"y\": [", "y: unknown key");
	expect_edit_error(
		"\"views\": [\n", "\"views\": 4, \"y\": [\n", "y: unknown key");
}

Test(libdiff_json_read, arrays_and_objects_have_their_types)
{
	expect_edit_error(
		"\"views\": [\n", "\"views\": {}, \"x\": [\n",
		"x: unknown key");
	expect_edit_error(
		"\"columns\": [", "\"columns\": {}, \"c\": [",
		"tables[0].c: unknown key");
	expect_edit_error(
		"\"uniques\": [],", "\"uniques\": {},",
		"tables[0].uniques: expected an array");
	expect_edit_error(
		"\"checks\": [],", "\"checks\": [3],",
		"tables[0].checks[0]: expected an object");
	expect_edit_error(
		"\"primary_key\": {", "\"primary_key\": 5, \"p\": {",
		"tables[0].p: unknown key");
	expect_edit_error(
		"\"columns\": [\"parent\"]", "\"columns\": [\"parent\", 4]",
		"tables[1].foreign_keys[0].columns[1]: expected a "
		"string");
	expect_edit_error(
		"\"virtual_tables\": [", "\"virtual_tables\": [1, ",
		"virtual_tables[0]: expected an object");
}

Test(libdiff_json_read, enum_values)
{
	expect_edit_error(
		"\"on_delete\": \"cascade\"", "\"on_delete\": \"explode\"",
		"tables[1].foreign_keys[0].on_delete: unknown value "
		"\"explode\" (expected one of: no_action, restrict, "
		"set_null, set_default, cascade)");
	expect_edit_error(
		"\"affinity\": \"text\"", "\"affinity\": \"TEXT\"",
		"tables[0].columns[0].affinity: unknown value "
		"\"TEXT\" (expected one of: blob, text, numeric, "
		"integer, real)");
	expect_edit_error(
		"\"generated\": \"none\"", "\"generated\": \"always\"",
		"tables[0].columns[0].generated: unknown value "
		"\"always\" (expected one of: none, virtual, stored)");
	expect_edit_error(
		"\"on_conflict\": \"rollback\"", "\"on_conflict\": null",
		"tables[0].primary_key.on_conflict: expected a "
		"string");
}

Test(libdiff_json_read, model_rules)
{
	expect_edit_error(
		"\"name\": \"v\",", "\"name\": \"K\",",
		"tables[0].columns[1].name: a second column \"K\"");
	expect_edit_error(
		"\"pk\": 2", "\"pk\": 1",
		"tables[0].columns[0].pk: 1 disagrees with "
		"primary_key (2)");
	expect_edit_error(
		"\"pk\": 2", "\"pk\": -1",
		"tables[0].columns[0].pk: -1 is out of range (0 to "
		"65536)");
	expect_edit_error(
		"{\"column\": \"v\"", "{\"column\": \"w\"",
		"tables[0].primary_key.parts[0].column: table \"kv\" "
		"has no column \"w\"");
	expect_edit_error(
		"{\"column\": \"v\", \"expr\": null",
		"{\"column\": null, \"expr\": \"v\"",
		"tables[0].primary_key.parts[0].expr: only an index "
		"can have expressions");
	expect_edit_error(
		"{\"column\": \"v\", \"expr\": null",
		"{\"column\": \"v\", \"expr\": \"v\"",
		"tables[0].primary_key.parts[0]: expected one of "
		"\"column\" and \"expr\"");
	expect_edit_error(
		"\"parts\": [\n          {\"column\": \"v\", "
		"\"expr\": null, \"collate\": null, \"desc\": true},\n"
		"          {\"column\": \"k\", \"expr\": null, "
		"\"collate\": \"NOCASE\", \"desc\": false}\n        ]",
		"\"parts\": []",
		"tables[0].primary_key.parts: expected at least one "
		"part");
	expect_edit_error(
		"\"generated\": \"none\",\n          "
		"\"generated_expr\": null",
		"\"generated\": \"none\",\n          "
		"\"generated_expr\": \"1\"",
		"tables[0].columns[0].generated_expr: expected null");
	expect_edit_error(
		"\"ref_columns\": [\"id\"]", "\"ref_columns\": [\"id\", \"x\"]",
		"tables[1].foreign_keys[0].ref_columns: expected as many "
		"names as columns (1) or none");
	expect_edit_error(
		"\"columns\": [\"parent\"]", "\"columns\": [\"nope\"]",
		"tables[1].foreign_keys[0].columns[0]: table "
		"\"order\" has no column \"nope\"");
	expect_edit_error(
		"\"table\": \"order\",\n          \"unique\"",
		"\"table\": \"kv\",\n          \"unique\"",
		"tables[1].indexes[0].table: \"kv\" is not the table "
		"the index is listed under");
}

Test(libdiff_json_read, duplicate_object_names)
{
	expect_edit_error(
		"\"name\": \"docs\"", "\"name\": \"KV\"",
		"virtual_tables[0].sql: creates an object of another "
		"name");
	expect_edit_error(
		"{\n      \"name\": \"parent\",",
		"{\n      \"name\": \"Order\",", "two objects named 'order'");
}

Test(libdiff_json_read, sql_that_cannot_be_pasted)
{
	expect_edit_error(
		"\"n >= 0\"", "\"n >= 0); DROP TABLE kv; --\"",
		"tables[1].checks[1].expr: has unbalanced "
		"parentheses");
	expect_edit_error(
		"\"n >= 0\"", "\"n >= 0; DROP TABLE kv\"",
		"tables[1].checks[1].expr: contains ';'");
	expect_edit_error(
		"\"'x'\"", "\"'x' -- c\"",
		"tables[1].columns[1].default: contains a comment");
	expect_edit_error(
		"\"'x'\"", "\"'x\"",
		"tables[1].columns[1].default: is not SQL (an "
		"unterminated quote or a stray byte)");
	expect_edit_error(
		"\"'x'\"", "\" \"",
		"tables[1].columns[1].default: is empty or "
		"incomplete");
	expect_edit_error(
		"\"VARCHAR(20)\"", "\"INTEGER PRIMARY KEY\"",
		"tables[1].columns[1].type: is not a type name");
	expect_edit_error(
		"\"VARCHAR(20)\"", "\"INT, x\"",
		"tables[1].columns[1].type: is not a type name");
	expect_edit_error(
		"CREATE VIEW v AS", "CREATE VIEW w AS",
		"views[0].sql: creates an object of another name");
	expect_edit_error(
		"CREATE VIEW v AS", "CREATE TABLE v AS",
		"views[0].sql: does not start with the statement's "
		"keywords");
	expect_edit_error(
		"WHERE n > 0\"", "WHERE n > 0; DROP TABLE kv\"",
		"views[0].sql: contains ';'");
	expect_edit_error(
		"new.parent; END\"", "new.parent; END; DROP TABLE kv\"",
		"triggers[0].sql: has text after its END");
	expect_edit_error(
		"new.parent; END\"", "new.parent;\"",
		"triggers[0].sql: does not end with END");
	expect_edit_error(
		"\"args\": \"body, tokenize = 'porter'\"",
		"\"args\": \"body); DROP TABLE kv; (\"",
		"virtual_tables[0].args: has unbalanced parentheses");
}

/* Failing each allocation in turn gives RETORT_ENOMEM (and no leak under
 * the sanitizers) until the load succeeds. */
Test(libdiff_json_read, out_of_memory)
{
	char *g = golden();
	long n;
	int rc = RETORT_ENOMEM;

	for (n = 1; rc == RETORT_ENOMEM && n < 100000; n++) {
		retort_error err = RETORT_ERROR_INIT;
		retort_schema *s = (retort_schema *)1;

		retort__alloc_fail_after(n);
		rc = retort_schema_from_json(&s, g, strlen(g), "t.json", &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_ENOMEM) {
			cr_assert_null(s);
			cr_assert_eq(err.code, RETORT_ENOMEM);
		} else {
			cr_assert_eq(rc, RETORT_OK, "%ld: %s", n, err.why);
		}
		retort_schema_free(rc == RETORT_OK ? s : NULL);
	}
	cr_expect_eq(rc, RETORT_OK);
	cr_expect_gt(n, 10);
	free(g);
}
