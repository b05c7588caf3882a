/*
** test_plan_corpus.c -- the emitter on the real schemas of the corpus
** (RETORT_CORPUS_DIR): every schema created from nothing and dropped
** again with its rows in it, and the real evolutions the corpus holds
** (synapse v54 -> v72, zabbix 3.0 -> 6.0, headscale 0.26 -> current), both
** ways, with the corpus rows where the change allows them -- and a loud,
** traceless failure where it does not.
** Groups: emit_plan_corpus.
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "test_plan_support.h"

/* The contents of corpus file NAME, or NULL when there is none. */
static char *corpus(const char *name)
{
	char path[1024];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", RETORT_CORPUS_DIR, name);
	return file_exists(path) ? file_read(path, &len) : NULL;
}

/* Run FROM.sql (+ its rows) -> TO.sql both ways. */
static void evolve(const char *from, const char *to, bool with_rows)
{
	char f[256], t[256], d[256];
	char *fs, *ts, *data;
	tp_case c;
	tp_result r;

	snprintf(f, sizeof(f), "%s.sql", from);
	snprintf(t, sizeof(t), "%s.sql", to);
	snprintf(d, sizeof(d), "%s.data.sql", from);
	fs = corpus(f);
	ts = corpus(t);
	data = with_rows ? corpus(d) : NULL;
	cr_assert(fs && ts, "corpus files %s, %s", f, t);
	memset(&c, 0, sizeof(c));
	c.from = fs;
	c.to = ts;
	c.fill = data;
	tp_run(&c, &r);
	tp_result_dispose(&r);
	free(fs);
	free(ts);
	free(data);
}

Test(emit_plan_corpus, synapse_v54_to_v72_and_back)
{
	evolve("synapse_v54", "synapse_v72", false);
}

Test(emit_plan_corpus, synapse_v72_with_rows_to_v54)
{
	evolve("synapse_v72", "synapse_v54", true);
}

Test(emit_plan_corpus, headscale_0_26_with_rows_to_current)
{
	evolve("headscale_0.26.0_dump", "headscale", true);
}

Test(emit_plan_corpus, zabbix_3_to_6)
{
	evolve("zabbix_3.0", "zabbix_6.0", false);
}

Test(emit_plan_corpus, zabbix_3_rows_refuse_zabbix_6)
{
	/* zabbix 6 adds NOT NULL columns without defaults to tables that
	 * hold rows: the upgrade must fail and change nothing */
	char *fs = corpus("zabbix_3.0.sql"), *ts = corpus("zabbix_6.0.sql");
	char *data = corpus("zabbix_3.0.data.sql");
	tp_case c;
	tp_result r;

	cr_assert(fs && ts && data);
	memset(&c, 0, sizeof(c));
	c.from = fs;
	c.to = ts;
	c.fill = data;
	c.expect_fail = true;
	tp_run(&c, &r);
	cr_expect(
		tp_has(r.errmsg, "NOT NULL constraint failed"), "%s",
		r.errmsg ? r.errmsg : "(none)");
	tp_result_dispose(&r);
	free(fs);
	free(ts);
	free(data);
}

Test(emit_plan_corpus, every_schema_from_nothing_and_back)
{
	DIR *dir = opendir(RETORT_CORPUS_DIR);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(dir);
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char name[256], *sql, *data;
		tp_case c;
		tp_result r;

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") ||
		    strstr(e->d_name, ".data.sql"))
			continue;
		sql = corpus(e->d_name);
		snprintf(
			name, sizeof(name), "%.*s.data.sql", (int)len - 4,
			e->d_name);
		data = corpus(name);
		memset(&c, 0, sizeof(c));
		/* drop it all, with its rows; the downgrade makes it again */
		c.from = sql;
		c.to = "";
		c.fill = data;
		tp_label = e->d_name;
		tp_run(&c, &r);
		tp_result_dispose(&r);
		tp_label = "";
		free(sql);
		free(data);
		n++;
	}
	closedir(dir);
	cr_expect_geq(n, 25);
}
