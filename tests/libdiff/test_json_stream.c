/*
** test_json_stream.c -- retort_schema_write_json(): the snapshot written
** to a sink in pieces (libdiff/json.c).
** Groups: libdiff_json_stream (same bytes as retort_schema_to_json(),
** pieces, a failing sink, running out of memory).
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "introspect.h"
#include "retort/schema.h"

/* What the test sink saw. */
typedef struct sink_state {
	retort_buf all; /* every byte, in order */
	int calls;      /* number of calls */
	size_t largest; /* largest piece */
	int fail_at;    /* fail on this call (1-based); 0: never */
	bool discard;   /* keep nothing (allocates nothing) */
} sink_state;

static int sink(void *ctx, const char *data, size_t len, retort_error *err)
{
	sink_state *s = ctx;

	if (++s->calls == s->fail_at)
		return retort_error_set(err, RETORT_EIO, "sink", "disk full");
	if (len > s->largest)
		s->largest = len;
	if (!s->discard)
		retort_buf_put(&s->all, data, len);
	return RETORT_OK;
}

/* A schema of N tables made from SQL. */
static retort_schema *schema_of(int n)
{
	retort_buf sql = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *s = NULL;
	int i;

	for (i = 0; i < n; i++)
		retort_buf_printf(
			&sql,
			"CREATE TABLE t%04d (id INTEGER PRIMARY KEY, name TEXT "
			"NOT NULL DEFAULT 'x', v REAL CHECK (v > 0), p INT "
			"REFERENCES t%04d);\nCREATE INDEX i%04d ON t%04d (name);\n",
			i, i ? i - 1 : 0, i, i);
	cr_assert(!retort_buf_oom(&sql));
	cr_assert_eq(
		retort__schema_from_sql(&s, sql.ptr, "gen.sql", &err),
		RETORT_OK, "%s: %s", err.what, err.why);
	retort_buf_dispose(&sql);
	return s;
}

Test(libdiff_json_stream, same_bytes_as_to_json_in_pieces)
{
	retort_schema *s = schema_of(400);
	retort_buf want = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	sink_state st = { RETORT_BUF_INIT, 0, 0, 0, false };

	cr_assert_eq(retort_schema_to_json(&want, s, &err), RETORT_OK);
	cr_assert_gt(want.size, 3 * 65536, "the schema is too small to test");
	cr_assert_eq(retort_schema_write_json(s, sink, &st, &err), RETORT_OK);
	cr_expect_eq(st.all.size, want.size);
	cr_expect(!memcmp(st.all.ptr, want.ptr, want.size), "bytes differ");
	cr_expect_gt(st.calls, 2);
	cr_expect_lt(st.largest, 2 * 65536, "pieces grow: %zu", st.largest);
	retort_buf_dispose(&st.all);
	retort_buf_dispose(&want);
	retort_schema_free(s);
}

Test(libdiff_json_stream, small_schema_in_one_piece)
{
	retort_schema *s = schema_of(1);
	retort_buf want = RETORT_BUF_INIT;
	retort_error err = RETORT_ERROR_INIT;
	sink_state st = { RETORT_BUF_INIT, 0, 0, 0, false };

	cr_assert_eq(retort_schema_to_json(&want, s, &err), RETORT_OK);
	cr_assert_eq(retort_schema_write_json(s, sink, &st, &err), RETORT_OK);
	cr_expect_eq(st.calls, 1);
	cr_expect_str_eq(st.all.ptr, want.ptr);
	retort_buf_dispose(&st.all);
	retort_buf_dispose(&want);
	retort_schema_free(s);
}

Test(libdiff_json_stream, a_failing_sink_stops_the_writing)
{
	retort_schema *s = schema_of(400);
	retort_error err = RETORT_ERROR_INIT;
	sink_state st = { RETORT_BUF_INIT, 0, 0, 2, false };

	cr_expect_eq(retort_schema_write_json(s, sink, &st, &err), RETORT_EIO);
	cr_expect_eq(st.calls, 2, "the sink was called after failing");
	cr_expect_str_eq(err.what, "sink");
	cr_expect_str_eq(err.why, "disk full");
	retort_buf_dispose(&st.all);
	retort_schema_free(s);
}

Test(libdiff_json_stream, out_of_memory)
{
	retort_schema *s = schema_of(3);
	long n;
	int rc = RETORT_ENOMEM;

	for (n = 1; rc == RETORT_ENOMEM && n < 10000; n++) {
		retort_error err = RETORT_ERROR_INIT;
		sink_state st = { RETORT_BUF_INIT, 0, 0, 0, true };

		retort__alloc_fail_after(n);
		rc = retort_schema_write_json(s, sink, &st, &err);
		retort__alloc_fail_after(0);
		if (rc == RETORT_ENOMEM)
			cr_expect_eq(err.code, RETORT_ENOMEM);
		retort_buf_dispose(&st.all);
	}
	cr_expect_eq(rc, RETORT_OK);
	cr_expect_gt(n, 2, "no allocation was ever failed");
	retort_schema_free(s);
}
