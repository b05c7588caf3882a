/*
** diff_time.c -- in-process timer for bench/diff.sh: loads two schema
** sources, then times retort_diff_compare() and the text report alone,
** which the command line cannot separate from loading.  Prints one line:
** "load_ms compare_ms report_ms operations" (compare and report: best of
** RUNS).  Built by bench/diff.sh against the static library.
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <retort.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int fail(const retort_error *err)
{
	fprintf(stderr, "diff_time: %s: %s\n", err->what, err->why);
	return 2;
}

int main(int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *a = NULL, *b = NULL;
	retort_buf out = RETORT_BUF_INIT;
	double t0, load, best_cmp = 1e99, best_rep = 1e99;
	size_t nops = 0;
	int runs = argc > 3 ? atoi(argv[3]) : 5, i;

	if (argc < 3) {
		fprintf(stderr, "usage: diff_time FROM TO [RUNS]\n");
		return 2;
	}
	t0 = now_ms();
	if (retort_schema_load(&a, argv[1], NULL, &err) ||
	    retort_schema_load(&b, argv[2], NULL, &err))
		return fail(&err);
	load = now_ms() - t0;
	for (i = 0; i < runs; i++) {
		retort_diff *d = NULL;
		double t1 = now_ms(), t2;

		if (retort_diff_compare(&d, a, b, NULL, &err))
			return fail(&err);
		t2 = now_ms();
		if (retort_report_text(&out, d, false, &err))
			return fail(&err);
		best_cmp = t2 - t1 < best_cmp ? t2 - t1 : best_cmp;
		best_rep = now_ms() - t2 < best_rep ? now_ms() - t2 : best_rep;
		nops = retort_diff_count(d);
		retort_diff_free(d);
	}
	printf("%.1f %.2f %.2f %zu\n", load, best_cmp, best_rep, nops);
	retort_buf_dispose(&out);
	retort_schema_free(a);
	retort_schema_free(b);
	return 0;
}
