/*
** rehash.c -- `retort rehash [REV]` (migrations layer): refresh the
** "Schema:" fingerprint line of revision files to what they build,
** replayed in memory.  Revisions the database has applied are refused
** unless forced, since the edit changes the file's checksum.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "drift_int.h"

/* What rehash knows of the database. */
typedef struct dbinfo {
	bool *applied;   /* p->n: applied (ancestors of its revisions) */
	char (*sum)[22]; /* p->n: checksum recorded when applied, or "" */
	bool exists;     /* the database file exists */
} dbinfo;

static void dbinfo_dispose(dbinfo *d)
{
	retort__free(d->applied);
	retort__free(d->sum);
	memset(d, 0, sizeof(*d));
}

/* Read the recorded checksums of DB's history table into D->sum. */
static int read_sums(
	dbinfo *d,
	sqlite3 *db,
	const retort_project *p,
	const char *vt,
	retort_error *err)
{
	retort_buf q = RETORT_BUF_INIT, h = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	retort_buf_printf(&h, "%s_history", vt);
	retort_buf_puts(&q, "SELECT revision, checksum FROM ");
	retort_buf_put_ident(&q, h.ptr);
	rc = retort_buf_oom(&q) || retort_buf_oom(&h)
		     ? SQLITE_NOMEM
		     : sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *sum = (const char *)sqlite3_column_text(st, 1);
		size_t k = id ? retort_migrate__index(p, id) : (size_t)-1;

		if (k != (size_t)-1 && sum)
			snprintf(d->sum[k], sizeof(d->sum[k]), "%s", sum);
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_NOMEM)
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	else if (rc != SQLITE_DONE)
		rc = retort_error_set(
			err, RETORT_ESQLITE, h.ptr, "%s", sqlite3_errmsg(db));
	else
		rc = RETORT_OK;
	sqlite3_finalize(st);
	retort_buf_dispose(&q);
	retort_buf_dispose(&h);
	return rc;
}

/* What the database at URL (if any) has applied. */
static int
read_db(dbinfo *d,
	const char *url,
	const retort_project *p,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_dbstate state;
	sqlite3 *db = NULL;
	size_t i, k;
	int rc;

	memset(&state, 0, sizeof(state));
	d->applied = retort__calloc(p->n + 1, sizeof(bool));
	d->sum = retort__calloc(p->n + 1, sizeof(*d->sum));
	if (!d->applied || !d->sum)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (!url || !url[0])
		return RETORT_OK;
	rc = retort_migrate__open_db(&db, url, false, opts, err);
	if (rc == RETORT_ENOTFOUND) {
		retort_error_clear(err);
		return RETORT_OK;
	}
	d->exists = rc == RETORT_OK;
	if (rc == RETORT_OK)
		rc = retort_migrate__read_state(
			&state, db, retort_migrate__vt(opts), err);
	for (i = 0; rc == RETORT_OK && i < state.heads.n; i++)
		if ((k = retort_migrate__index(p, state.heads.ids[i])) !=
		    (size_t)-1)
			retort_migrate__mark(p, k, true, d->applied);
	if (rc == RETORT_OK && state.has_history)
		rc = read_sums(d, db, p, retort_migrate__vt(opts), err);
	retort_migrate__state_dispose(&state);
	sqlite3_close(db);
	return rc;
}

/* Length of the line at S (without its newline). */
static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? (size_t)(nl - s) : strlen(s);
}

/* True when the line at S is the header line "-- KEY: ...". */
static bool is_key(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	if (n < 2 || s[0] != '-' || s[1] != '-')
		return false;
	s += 2;
	n -= 2;
	if (n && *s == ' ') {
		s++;
		n--;
	}
	return n > k && !memcmp(s, key, k) && s[k] == ':';
}

/* True for a "-- migrate:up" or "-- migrate:down" line. */
static bool is_marker(const char *s, size_t n)
{
	size_t i = 2;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return n - i >= 8 && !memcmp(s + i, "migrate:", 8);
}

/*
** The header line "-- KEY: ..." of TEXT (the leading "--" lines before
** "-- migrate:up"), or NULL.
*/
static const char *find_key(const char *text, const char *key)
{
	const char *s;
	size_t n;

	for (s = text; *s == '-'; s += n + (s[n] == '\n')) {
		n = line_len(s);
		if (is_marker(s, n))
			return NULL;
		if (is_key(s, n, key))
			return s;
	}
	return NULL;
}

/*
** TEXT with its Schema: header line set to FP (replaced, or inserted
** after Create Date, Revises or Revision ID) into OUT.
*/
static void set_schema_line(retort_buf *out, const char *text, const char *fp)
{
	static const char *const after[] = { "Create Date", "Revises",
					     "Revision ID" };
	const char *schema = find_key(text, "Schema"), *at = NULL;
	size_t k, n;

	retort_buf_clear(out);
	if (schema) {
		n = line_len(schema);
		retort_buf_put(out, text, (size_t)(schema - text));
		retort_buf_printf(
			out, "-- Schema: %s%s", fp,
			n && schema[n - 1] == '\r' ? "\r" : "");
		retort_buf_puts(out, schema + n);
		return;
	}
	for (k = 0; k < 3 && !at; k++)
		if ((at = find_key(text, after[k])) != NULL) {
			n = line_len(at);
			at += n + (at[n] == '\n');
		}
	if (!at)
		at = text; /* not reached: parsed files have a Revision ID */
	retort_buf_put(out, text, (size_t)(at - text));
	retort_buf_printf(out, "-- Schema: %s\n", fp);
	retort_buf_puts(out, at);
}

/* Read PATH into B. */
static int read_text(retort_buf *b, const char *path, retort_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t got;

	if (!f)
		return retort_error_set(
			err, RETORT_EIO, path, "cannot read: %s",
			strerror(errno));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		retort_buf_put(b, chunk, got);
	if (ferror(f)) {
		fclose(f);
		return retort_error_set(err, RETORT_EIO, path, "read error");
	}
	fclose(f);
	if (retort_buf_oom(b))
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	return RETORT_OK;
}

/* Replace PATH by TEXT through a temporary file and a rename. */
static int
write_over(const char *path, const retort_buf *text, retort_error *err)
{
	retort_buf tmp = RETORT_BUF_INIT;
	struct stat st;
	FILE *f;
	int rc = RETORT_OK;

	retort_buf_printf(&tmp, "%s.rehash~", path);
	if (retort_buf_oom(&tmp))
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	f = fopen(tmp.ptr, "wb");
	if (!f)
		rc = retort_error_set(
			err, RETORT_EIO, tmp.ptr, "cannot create: %s",
			strerror(errno));
	else if (
		fwrite(text->ptr, 1, text->size, f) != text->size ||
		fflush(f) || fclose(f)) {
		f = NULL;
		rc = retort_error_set(err, RETORT_EIO, tmp.ptr, "write error");
	}
	if (rc == RETORT_OK && !stat(path, &st))
		chmod(tmp.ptr, st.st_mode & 07777);
	if (rc == RETORT_OK && rename(tmp.ptr, path))
		rc = retort_error_set(
			err, RETORT_EIO, path, "cannot replace: %s",
			strerror(errno));
	if (rc < 0)
		remove(tmp.ptr);
	retort_buf_dispose(&tmp);
	return rc;
}

/*
** Rewrite the Schema: line of REV's file to FP; *SUM_OUT gets the new
** file's checksum.  The new text must parse as the same revision.
*/
static int
rewrite(const retort_revision *rev,
	const char *fp,
	char sum_out[22],
	retort_error *err)
{
	retort_buf old = RETORT_BUF_INIT, text = RETORT_BUF_INIT;
	retort_arena arena = RETORT_ARENA_INIT;
	retort_revfile check;
	int rc = read_text(&old, rev->path, err);

	if (rc == RETORT_OK) {
		set_schema_line(&text, old.ptr, fp);
		if (retort_buf_oom(&text))
			rc = retort_error_set(
				err, RETORT_ENOMEM, rev->path, "out of memory");
	}
	if (rc == RETORT_OK)
		rc = retort_migrate__parse(
			&check, &arena,
			&(retort_source){ rev->path, text.ptr, text.size },
			err);
	if (rc == RETORT_OK &&
	    (!check.rev.schema || strcmp(check.rev.schema, fp) ||
	     strcmp(check.rev.id, rev->id)))
		rc = retort_error_set(
			err, RETORT_EINTERNAL, rev->path,
			"cannot rewrite the Schema line of this file");
	if (rc == RETORT_OK)
		rc = write_over(rev->path, &text, err);
	if (rc == RETORT_OK)
		memcpy(sum_out, check.rev.checksum, 22);
	retort__arena_dispose(&arena);
	retort_buf_dispose(&old);
	retort_buf_dispose(&text);
	return rc;
}

/* Set the recorded checksum of revision ID to SUM in the database. */
static int update_sum(
	const char *url,
	const char *id,
	const char *sum,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_buf q = RETORT_BUF_INIT, h = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	int rc = retort_migrate__open_db(&db, url, true, opts, err);

	retort_buf_printf(&h, "%s_history", retort_migrate__vt(opts));
	retort_buf_puts(&q, "UPDATE ");
	retort_buf_put_ident(&q, h.ptr);
	retort_buf_puts(&q, " SET checksum = ");
	retort_buf_put_literal(&q, sum);
	retort_buf_puts(&q, " WHERE revision = ");
	retort_buf_put_literal(&q, id);
	if (rc == RETORT_OK && retort_buf_oom(&q))
		rc = retort_error_set(err, RETORT_ENOMEM, url, "out of memory");
	if (rc == RETORT_OK &&
	    sqlite3_exec(db, q.ptr, NULL, NULL, NULL) != SQLITE_OK)
		rc = retort_error_set(
			err, RETORT_ESQLITE, h.ptr, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	retort_buf_dispose(&q);
	retort_buf_dispose(&h);
	return rc;
}

void retort_rehash_list_dispose(retort_rehash_list *list)
{
	if (!list)
		return;
	retort__free(list->items);
	list->items = NULL;
	list->n = 0;
}

/* The revisions TARGET names (NULL: all) as flags in WANT. */
static int want_target(
	bool *want,
	const retort_project *p,
	const char *target,
	retort_error *err)
{
	size_t *idx, n, i;
	int rc;

	if (!target) {
		memset(want, 1, p->n * sizeof(bool));
		return RETORT_OK;
	}
	if (!(idx = retort__malloc((p->n + 1) * sizeof(size_t))))
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	rc = retort_migrate__resolve(idx, &n, p, target, err);
	if (rc == RETORT_OK && !n)
		rc = retort_error_set(
			err, RETORT_EINVAL, target,
			"no revision to rehash (base has no file)");
	for (i = 0; rc == RETORT_OK && i < n; i++)
		want[idx[i]] = true;
	retort__free(idx);
	return rc;
}

/* Fill OUT with an item per wanted revision; refuse applied ones. */
static int plan_items(
	retort_rehash_list *out,
	const retort_project *p,
	const bool *want,
	const retort_drift_fps *fps,
	const dbinfo *d,
	bool force,
	retort_error *err)
{
	size_t i;

	out->items = retort__calloc(p->n + 1, sizeof(*out->items));
	if (!out->items)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < p->n; i++) {
		const retort_revision *rev = &p->files[i].rev;
		retort_rehash_item *it;

		if (!want[i])
			continue;
		it = &out->items[out->n++];
		snprintf(it->id, sizeof(it->id), "%s", rev->id);
		snprintf(
			it->old_schema, sizeof(it->old_schema), "%s",
			rev->schema ? rev->schema : "");
		memcpy(it->new_schema, fps->fp[i], 22);
		it->changed = strcmp(it->old_schema, it->new_schema) != 0;
		it->applied = d->applied[i];
		if (it->changed && it->applied && !force)
			return retort_error_set(
				err, RETORT_EUNSAFE, rev->path,
				"revision %s is applied to the database: "
				"rewriting its Schema line changes its checksum "
				"(use --force)",
				rev->id);
	}
	return RETORT_OK;
}

/* Rewrite the files of the changed items; refresh the database's sums. */
static int apply_items(
	retort_rehash_list *out,
	const retort_project *p,
	const dbinfo *d,
	const char *url,
	const retort_migrate_options *opts,
	retort_error *err)
{
	size_t i;
	int rc = RETORT_OK;

	for (i = 0; rc == RETORT_OK && i < out->n; i++) {
		retort_rehash_item *it = &out->items[i];
		size_t k = retort_migrate__index(p, it->id);
		const retort_revision *rev = &p->files[k].rev;
		char sum[22];

		if (!it->changed)
			continue;
		rc = rewrite(rev, it->new_schema, sum, err);
		/* only the Schema line changed: keep `check` quiet about it */
		if (rc == RETORT_OK && it->applied && d->exists &&
		    !strcmp(d->sum[k], rev->checksum)) {
			rc = update_sum(url, rev->id, sum, opts, err);
			it->db_updated = rc == RETORT_OK;
		}
	}
	return rc;
}

int retort_rehash(
	retort_rehash_list *out,
	const char *target,
	const char *url,
	bool force,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_project *p = NULL;
	retort_drift_fps fps;
	dbinfo d;
	bool *want = NULL;
	int rc;

	memset(&fps, 0, sizeof(fps));
	memset(&d, 0, sizeof(d));
	retort_rehash_list_dispose(out);
	if ((rc = retort_project_open(&p, opts, err)) < 0)
		goto done;
	if (!(want = retort__calloc(p->n + 1, sizeof(bool)))) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = want_target(want, p, target, err)) < 0 ||
	    (rc = read_db(&d, url, p, opts, err)) < 0 ||
	    (rc = retort_drift__fingerprints(
		     &fps, p, want, retort_migrate__vt(opts), err)) < 0 ||
	    (rc = plan_items(out, p, want, &fps, &d, force, err)) < 0)
		goto done;
	rc = apply_items(out, p, &d, url, opts, err);
done:
	if (rc < 0)
		retort_rehash_list_dispose(out);
	retort_drift__fps_dispose(&fps);
	dbinfo_dispose(&d);
	retort__free(want);
	retort_project_free(p);
	return rc;
}
