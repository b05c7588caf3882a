/*
** newrev.c -- writing new revision files (migrations layer): parents
** ("head", --head, --splice, merges), ids, the Schema fingerprint of a
** hand-written revision (its parents replayed), and the file itself,
** never over an existing one.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "migrate_int.h"

/* A random revision id not used in P, into ID[13]. */
static int new_id(char id[13], const retort_project *p, retort_error *err)
{
	static unsigned long counter;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		unsigned char bytes[6];
		FILE *f = fopen("/dev/urandom", "rb");
		size_t i, got = f ? fread(bytes, 1, sizeof(bytes), f) : 0;

		if (f)
			fclose(f);
		if (got != sizeof(bytes)) {
			/* no /dev/urandom: hash the time, pid and a counter */
			struct timespec ts;
			uint64_t seed[4], h;

			clock_gettime(CLOCK_REALTIME, &ts);
			seed[0] = (uint64_t)ts.tv_sec;
			seed[1] = (uint64_t)ts.tv_nsec;
			seed[2] = (uint64_t)getpid();
			seed[3] = counter++;
			h = XXH3_64bits(seed, sizeof(seed));
			memcpy(bytes, &h, sizeof(bytes));
		}
		for (i = 0; i < 6; i++)
			snprintf(id + 2 * i, 3, "%02x", bytes[i]);
		if (!retort_project_find(p, id))
			return RETORT_OK;
	}
	return retort_error_set(
		err, RETORT_ERROR, NULL, "cannot find an unused revision id");
}

/* Add index I to the parents list unless there already. */
static void add_parent(size_t *par, size_t *n, size_t i)
{
	size_t k;

	for (k = 0; k < *n; k++)
		if (par[k] == i)
			return;
	par[(*n)++] = i;
}

int retort_migrate__choose_parents(retort_newrev *nr, retort_error *err)
{
	const retort_project *p = nr->p;
	const retort_revision_options *ro = nr->ro;
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), k, j, m;
	int rc = RETORT_OK;

	nr->nparents = 0;
	nr->parents = retort__malloc((p->n + 1) * sizeof(size_t));
	if (!idx || !nr->parents) {
		retort__free(idx);
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	}
	if (!ro->nheads && p->nheads > 1)
		rc = retort_error_set(
			err, RETORT_EINVAL, "head",
			"multiple heads are present; please specify the head "
			"revision on which the new revision should be based "
			"(--head), or perform a merge");
	for (k = 0; rc == RETORT_OK && k < p->nheads && !ro->nheads; k++)
		add_parent(nr->parents, &nr->nparents, p->heads[k]);
	for (k = 0; rc == RETORT_OK && k < ro->nheads; k++) {
		rc = retort_migrate__resolve(idx, &m, p, ro->heads[k], err);
		for (j = 0; rc == RETORT_OK && j < m; j++) {
			if (p->files[idx[j]].rev.nchildren && !ro->splice) {
				rc = retort_error_set(
					err, RETORT_EINVAL, ro->heads[k],
					"revision %s is not a head revision; "
					"please specify --splice to create a "
					"new branch from this revision",
					p->files[idx[j]].rev.id);
				break;
			}
			add_parent(nr->parents, &nr->nparents, idx[j]);
		}
	}
	retort__free(idx);
	if (rc == RETORT_OK && ro->merge && nr->nparents < 2)
		rc = retort_error_set(
			err, RETORT_EINVAL, "merge",
			"nothing to merge: the revisions given are %zu distinct "
			"revision%s",
			nr->nparents, nr->nparents == 1 ? "" : "s");
	return rc;
}

/* Write TEXT to the new file PATH; never replaces an existing file. */
static int
write_new_file(const char *path, const retort_buf *text, retort_error *err)
{
	FILE *f = fopen(path, "wx");

	if (!f)
		return retort_error_set(
			err, errno == EEXIST ? RETORT_EUNSAFE : RETORT_EIO,
			path, "cannot create: %s", strerror(errno));
	if (fwrite(text->ptr, 1, text->size, f) != text->size || fflush(f)) {
		fclose(f);
		remove(path);
		return retort_error_set(err, RETORT_EIO, path, "write error");
	}
	if (fclose(f)) {
		remove(path);
		return retort_error_set(err, RETORT_EIO, path, "write error");
	}
	return RETORT_OK;
}

/* The revision's id: --rev-id checked, or a new random one. */
static int
pick_id(char id[13],
	const retort_project *p,
	const retort_revision_options *ro,
	retort_error *err)
{
	const retort_revision *old;

	if (!ro->rev_id)
		return new_id(id, p, err);
	if (!retort_migrate__is_revid(ro->rev_id))
		return retort_error_set(
			err, RETORT_EINVAL, ro->rev_id,
			"a revision id is 12 lowercase hex digits");
	if ((old = retort_project_find(p, ro->rev_id)) != NULL)
		return retort_error_set(
			err, RETORT_EINVAL, ro->rev_id,
			"revision %s exists already (%s)", ro->rev_id,
			old->path);
	memcpy(id, ro->rev_id, 13);
	return RETORT_OK;
}

/* Build the file's text into TEXT and its name into NAME. */
static int
compose(retort_buf *text,
	retort_buf *name,
	const retort_newrev *nr,
	retort_error *err)
{
	const retort_revision_options *ro = nr->ro;
	const char **ids = retort__calloc(nr->nparents + 1, sizeof(char *));
	const char *msg =
		ro->message && ro->message[0] ? ro->message : "empty message";
	int64_t now = ro->now ? ro->now : (int64_t)time(NULL);
	retort_revision_options named = *ro;
	retort_revfile_spec spec;
	retort_buf date = RETORT_BUF_INIT;
	char id[13], day[64];
	retort_when w;
	size_t i;
	int rc;

	if (!ids)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	named.message = msg;
	named.now = now;
	if ((rc = pick_id(id, nr->p, ro, err)) < 0 ||
	    (rc = retort_migrate__when(&w, now, ro->timezone, err)) < 0 ||
	    (rc = retort_revision_filename(name, id, &named, err)) < 0)
		goto done;
	for (i = 0; i < nr->nparents; i++)
		ids[i] = nr->p->files[nr->parents[i]].rev.id;
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &w.tm);
	retort_buf_printf(&date, "%s %s", day, w.label);
	spec = (retort_revfile_spec){ id,         ids,          nr->nparents,
				      msg,        date.ptr,     nr->schema,
				      nr->up_sql, nr->down_sql, nr->notes };
	retort_migrate__format(text, &spec);
	retort_buf_puts(name, ".sql");
	if (retort_buf_oom(text) || retort_buf_oom(name) ||
	    retort_buf_oom(&date))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
done:
	retort_buf_dispose(&date);
	retort__free(ids);
	return rc;
}

int retort_migrate__write_newrev(
	retort_buf *path_out, const retort_newrev *nr, retort_error *err)
{
	retort_buf text = RETORT_BUF_INIT, name = RETORT_BUF_INIT;
	retort_arena arena = RETORT_ARENA_INIT;
	retort_revfile check;
	int rc;

	retort_buf_clear(path_out);
	if ((rc = compose(&text, &name, nr, err)) < 0)
		goto done;
	retort_buf_printf(path_out, "%s/%s", nr->p->versions_dir, name.ptr);
	if (retort_buf_oom(path_out)) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	/* what we write must read back: a message cannot break the header */
	rc = retort_migrate__parse(
		&check, &arena,
		&(retort_source){ path_out->ptr, text.ptr, text.size }, err);
	if (rc == RETORT_OK)
		rc = write_new_file(path_out->ptr, &text, err);
done:
	if (rc < 0)
		retort_buf_clear(path_out);
	retort__arena_dispose(&arena);
	retort_buf_dispose(&text);
	retort_buf_dispose(&name);
	return rc;
}

/* The fingerprint of what the parents of NR build, into FP. */
static int parents_fingerprint(
	char fp[22], const retort_newrev *nr, const char *vt, retort_error *err)
{
	sqlite3 *db = NULL;
	int rc = retort_migrate__replay(
		&db, nr->p, nr->parents, nr->nparents, err);

	if (rc == RETORT_OK)
		rc = retort_migrate__fingerprint(fp, db, vt, err);
	sqlite3_close(db);
	return rc;
}

int retort_revision_write(
	retort_buf *path_out,
	const retort_revision_options *ropts,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_revision_options none = RETORT_REVISION_OPTIONS_INIT;
	retort_project *p = NULL;
	retort_newrev nr;
	char fp[22];
	int rc;

	memset(&nr, 0, sizeof(nr));
	retort_buf_clear(path_out);
	nr.ro = ropts ? ropts : &none;
	nr.up_sql = nr.ro->up_sql;
	nr.down_sql = nr.ro->down_sql;
	nr.schema = nr.ro->schema;
	if ((rc = retort_project_open(&p, opts, err)) < 0)
		goto done;
	nr.p = p;
	if ((rc = retort_migrate__choose_parents(&nr, err)) < 0)
		goto done;
	/* a hand-written revision starts with its parents' schema */
	if (!nr.schema && !nr.up_sql &&
	    (rc = parents_fingerprint(fp, &nr, retort_migrate__vt(opts), err)) <
		    0)
		goto done;
	if (!nr.schema && !nr.up_sql)
		nr.schema = fp;
	rc = retort_migrate__write_newrev(path_out, &nr, err);
done:
	retort__free(nr.parents);
	retort_project_free(p);
	return rc;
}
