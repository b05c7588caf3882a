/*
** test_diff_oom.c -- out of memory at every allocation of a comparison
** and of the text report: each failing run returns RETORT_ENOMEM with
** nothing leaked (checked under ASan), and the run that succeeds gives
** the same diff as an unhindered one.
** Groups: libdiff_diff_oom.
*/
#include <criterion/criterion.h>
#include <stdlib.h>

#include "alloc_int.h"
#include "retort/emit.h"
#include "test_diff_util.h"

static const char *const a =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
	"CREATE TABLE c(id INT PRIMARY KEY, p_id INT REFERENCES p, x TEXT,"
	" CHECK (x <> ''));"
	"CREATE INDEX ix_c ON c(x);"
	"CREATE TABLE gone(a INT, b TEXT);"
	"CREATE VIEW v AS SELECT * FROM c;"
	"CREATE VIEW w AS SELECT id FROM v;"
	"CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 1; END;"
	"CREATE VIRTUAL TABLE f USING fts5(body);";

static const char *const b =
	"CREATE TABLE q(id INTEGER PRIMARY KEY, name TEXT UNIQUE, extra INT);"
	"CREATE TABLE c(id INTEGER PRIMARY KEY, p_id INT REFERENCES q ON DELETE CASCADE,"
	" y TEXT NOT NULL DEFAULT '', z INT, CHECK (y <> ''), UNIQUE(z));"
	"CREATE INDEX ix_c ON c(y, z);"
	"CREATE TABLE came(a INT, b TEXT);"
	"CREATE VIEW v AS SELECT id, y FROM c;"
	"CREATE VIEW w AS SELECT id FROM v;"
	"CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 2; END;"
	"CREATE VIRTUAL TABLE f USING fts5(body, title);";

static const retort_naming_convention nc = {
	"ix_%(column_0_label)s",
	"uq_%(table_name)s_%(column_0_name)s",
	"ck_%(table_name)s_%(constraint_name)s",
	"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
	"pk_%(table_name)s",
};

Test(libdiff_diff_oom, every_allocation_of_compare_and_report)
{
	retort_schema *x = sch(a), *y = sch(b);
	retort_rename r[] = { { NULL, "p", "q" }, { "c", "x", "y" } };
	retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
	retort_diff *ref = NULL, *d = NULL;
	retort_buf want = RETORT_BUF_INIT, got = RETORT_BUF_INIT;
	long n;
	int rc;

	o.renames = r;
	o.nrenames = 2;
	o.naming = &nc;
	cr_assert_eq(retort_diff_compare(&ref, x, y, &o, NULL), RETORT_OK);
	cr_assert_eq(retort_report_text(&want, ref, false, NULL), RETORT_OK);
	for (n = 1;; n++) {
		retort_error err = RETORT_ERROR_INIT;

		retort_buf_dispose(&got); /* its out-of-memory flag is sticky */
		retort__alloc_fail_after(n);
		rc = retort_diff_compare(&d, x, y, &o, &err);
		if (rc == RETORT_OK) {
			rc = retort_report_text(&got, d, false, &err);
			if (rc != RETORT_OK)
				retort_diff_free(d);
		}
		retort__alloc_fail_after(0);
		if (rc == RETORT_OK)
			break;
		cr_assert_eq(
			rc, RETORT_ENOMEM, "allocation %ld: %d %s", n, rc,
			err.why);
		cr_assert_str_eq(err.why, "out of memory", "allocation %ld", n);
		cr_assert_lt(n, 100000, "never succeeds");
	}
	cr_expect_gt(n, 10, "the loop failed allocations");
	cr_expect_str_eq(got.ptr, want.ptr);
	retort_diff_free(d);
	retort_diff_free(ref);
	retort_buf_dispose(&want);
	retort_buf_dispose(&got);
	retort_schema_free(x);
	retort_schema_free(y);
}
