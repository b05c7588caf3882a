/*
** test_json.c -- the canonical JSON snapshot: the writer's output against
** golden files, determinism, and (test_json_read.c) the reader.
** Groups: libdiff_json (writer: golden output, empty schema, order of
** creation, trailing newline).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

retort_schema *json_test_full_schema(void);
retort_schema *json_test_full_schema_edit(void (*edit)(retort_schema *));
char *json_test_read_file(const char *path, size_t *len);

/* The contents of PATH from malloc(), NUL-terminated; fails the test if
 * it cannot be read. */
char *json_test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	cr_assert(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	cr_assert(p);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* The JSON of S as a malloc()ed string. */
static char *to_json(const retort_schema *s)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	cr_assert_eq(
		retort_schema_to_json(&b, s, &err), RETORT_OK, "%s", err.why);
	return retort_buf_detach(&b);
}

/* Compare GOT with the golden file NAME under tests/data/json. */
static void expect_golden(const char *got, const char *name)
{
	char path[1024];
	char *want;
	size_t i;

	snprintf(
		path, sizeof(path), "%s/tests/data/json/%s", RETORT_SOURCE_DIR,
		name);
	want = json_test_read_file(path, NULL);
	for (i = 0; got[i] && got[i] == want[i]; i++)
		;
	cr_expect(
		got[i] == want[i],
		"%s differs at byte %zu: got \"%.40s\", want \"%.40s\"", name,
		i, got + i, want + i);
	free(want);
}

Test(libdiff_json, golden_full_schema)
{
	retort_schema *s = json_test_full_schema();
	char *got = to_json(s);

	expect_golden(got, "full.expected");
	free(got);
	retort_schema_free(s);
}

Test(libdiff_json, empty_schema)
{
	retort_schema *s = retort_schema__new();
	retort_error err = RETORT_ERROR_INIT;
	char *got;

	cr_assert_eq(retort_schema__finish(s, "empty", &err), RETORT_OK);
	got = to_json(s);
	expect_golden(got, "empty.expected");
	free(got);
	retort_schema_free(s);
}

/* Reverse the order in which tables were added and of their
 * constraints and indexes. */
static void reverse_tables(retort_schema *s)
{
	retort_table tmp = s->tables[0];
	retort_check c;
	retort_table *o;

	s->tables[0] = s->tables[2];
	s->tables[2] = tmp;
	o = &s->tables[0];
	c = o->checks[0];
	((retort_check *)o->checks)[0] = o->checks[1];
	((retort_check *)o->checks)[1] = c;
}

Test(libdiff_json, order_of_creation_does_not_count)
{
	retort_schema *a = json_test_full_schema();
	retort_schema *b = json_test_full_schema_edit(reverse_tables);
	char *ja = to_json(a), *jb = to_json(b);

	cr_expect_str_eq(ja, jb);
	free(ja);
	free(jb);
	retort_schema_free(a);
	retort_schema_free(b);
}

Test(libdiff_json, replaces_buffer_and_ends_with_newline)
{
	retort_schema *s = json_test_full_schema();
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;

	retort_buf_puts(&b, "old contents");
	cr_assert_eq(retort_schema_to_json(&b, s, &err), RETORT_OK);
	cr_expect_eq(b.ptr[0], '{');
	cr_expect_eq(b.ptr[b.size - 1], '\n');
	cr_expect_neq(b.ptr[b.size - 2], '\n');
	retort_buf_dispose(&b);
	retort_schema_free(s);
}

Test(libdiff_json, escapes_control_characters)
{
	retort_buf b = RETORT_BUF_INIT;
	extern void retort__json_put_string(retort_buf *, const char *);

	retort__json_put_string(&b, "a\"b\\c\n\t\r\x01\x1f\xc3\xbc/");
	cr_expect_str_eq(
		b.ptr, "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\xc3\xbc/\"");
	retort_buf_dispose(&b);
}

Test(libdiff_json, out_of_memory_is_reported)
{
	retort_schema *s = json_test_full_schema();
	retort_buf b = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	int rc;

	retort__alloc_fail_after(1);
	rc = retort_schema_to_json(&b, s, &err);
	retort__alloc_fail_after(0);
	cr_expect_eq(rc, RETORT_ENOMEM);
	cr_expect_str_eq(err.why, "out of memory");
	retort_buf_dispose(&b);
	retort_schema_free(s);
}
