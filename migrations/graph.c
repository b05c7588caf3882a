/*
** graph.c -- a project's revision graph (migrations layer): read every
** revision file of versions/, check ids and parents, order the revisions
** topologically, and answer heads, ancestry and target questions.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_int.h"

#define NONE ((size_t)-1)

/* Names of the *.sql files of a folder, sorted. */
typedef struct names {
	char **v;     /* names, from retort__malloc */
	size_t n;     /* count */
	size_t alloc; /* slots */
} names;

static void names_dispose(names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		retort__free(nm->v[i]);
	retort__free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List DIR's "*.sql" files that do not start with '.'. */
static int list_dir(names *out, const char *dir, retort_error *err)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	memset(out, 0, sizeof(*out));
	if (!d)
		return retort_error_set(
			err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_EIO,
			dir, "cannot open folder: %s%s", strerror(errno),
			errno == ENOENT ? " (run 'retort init' first)" : "");
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n < 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + n - 4, ".sql"))
			continue;
		if (out->n == out->alloc) {
			size_t na = out->alloc ? out->alloc * 2 : 32;
			char **nv = retort__realloc(out->v, na * sizeof(*nv));

			if (!nv)
				break;
			out->v = nv;
			out->alloc = na;
		}
		if (!(out->v[out->n] = retort__strdup(e->d_name)))
			break;
		out->n++;
	}
	closedir(d);
	if (e) {
		names_dispose(out);
		return retort_error_set(
			err, RETORT_ENOMEM, dir, "out of memory");
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return RETORT_OK;
}

/* Read the whole file PATH into *out (NUL-terminated, from malloc). */
static int
read_file(char **out, size_t *len, const char *path, retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	if (!f)
		return retort_error_set(
			err, RETORT_EIO, path, "cannot read: %s",
			strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		retort_buf_put(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		retort_buf_dispose(&b);
		return retort_error_set(err, RETORT_EIO, path, "read error");
	}
	fclose(f);
	*len = b.size;
	if (!(*out = retort_buf_detach(&b)))
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	return RETORT_OK;
}

/* Read and parse every file into P->files (in file-name order). */
static int load_files(retort_project *p, const names *nm, retort_error *err)
{
	retort_buf path = RETORT_BUF_INIT;
	size_t i;
	int rc = RETORT_OK;

	p->files = retort__arena_alloc(
		&p->arena, (nm->n ? nm->n : 1) * sizeof(*p->files));
	if (!p->files)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < nm->n && rc == RETORT_OK; i++) {
		char *text = NULL;
		size_t len = 0;

		retort_buf_clear(&path);
		retort_buf_printf(&path, "%s/%s", p->versions_dir, nm->v[i]);
		if (retort_buf_oom(&path)) {
			rc = retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
			break;
		}
		rc = read_file(&text, &len, path.ptr, err);
		if (rc == RETORT_OK)
			rc = retort_migrate__parse(
				&p->files[i], &p->arena,
				&(retort_source){ path.ptr, text, len }, err);
		retort__free(text);
	}
	p->n = i;
	retort_buf_dispose(&path);
	return rc;
}

static const retort_project *sort_ctx;

static int cmp_byid(const void *a, const void *b)
{
	return strcmp(
		sort_ctx->files[*(const size_t *)a].rev.id,
		sort_ctx->files[*(const size_t *)b].rev.id);
}

/* Sort ids for lookups; two files with one id are an error. */
static int index_ids(retort_project *p, retort_error *err)
{
	size_t i;

	p->byid = retort__arena_alloc(&p->arena, (p->n + 1) * sizeof(size_t));
	if (!p->byid)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < p->n; i++)
		p->byid[i] = i;
	sort_ctx = p;
	qsort(p->byid, p->n, sizeof(size_t), cmp_byid);
	for (i = 1; i < p->n; i++) {
		const retort_revfile *a = &p->files[p->byid[i - 1]];
		const retort_revfile *b = &p->files[p->byid[i]];
		char where[300];

		if (strcmp(a->rev.id, b->rev.id))
			continue;
		if (strcmp(a->rev.path, b->rev.path) > 0) {
			const retort_revfile *t = a;
			a = b;
			b = t;
		}
		snprintf(
			where, sizeof(where), "%s:%u", b->rev.path, b->id_line);
		return retort_error_set(
			err, RETORT_EINVAL, where,
			"duplicate revision id %s (also in %s)", b->rev.id,
			a->rev.path);
	}
	return RETORT_OK;
}

size_t retort_migrate__index(const retort_project *p, const char *id)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->files[p->byid[mid]].rev.id, id);

		if (!c)
			return p->byid[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* Resolve every parent id into P->parents; unknown ones are errors. */
static int link_parents(retort_project *p, retort_error *err)
{
	size_t i, j;

	p->parents =
		retort__arena_alloc(&p->arena, (p->n + 1) * sizeof(size_t *));
	if (!p->parents)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < p->n; i++) {
		const retort_revfile *f = &p->files[i];

		p->parents[i] = retort__arena_alloc(
			&p->arena, (f->rev.nparents + 1) * sizeof(size_t));
		if (!p->parents[i])
			return retort_error_set(
				err, RETORT_ENOMEM, NULL, "out of memory");
		for (j = 0; j < f->rev.nparents; j++) {
			size_t k = retort_migrate__index(p, f->rev.parents[j]);
			char where[300];

			if (k != NONE) {
				p->parents[i][j] = k;
				continue;
			}
			snprintf(
				where, sizeof(where), "%s:%u", f->rev.path,
				f->revises_line);
			return retort_error_set(
				err, RETORT_EINVAL, where,
				"revises unknown revision %s",
				f->rev.parents[j]);
		}
	}
	return RETORT_OK;
}

/* Build children lists (in index order) and the public child ids. */
static int link_children(retort_project *p, retort_error *err)
{
	size_t *count = retort__calloc(p->n + 1, sizeof(size_t));
	size_t i, j;

	p->children =
		retort__arena_alloc(&p->arena, (p->n + 1) * sizeof(size_t *));
	if (!count || !p->children)
		goto oom;
	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->files[i].rev.nparents; j++)
			count[p->parents[i][j]]++;
	for (i = 0; i < p->n; i++) {
		p->children[i] = retort__arena_alloc(
			&p->arena, (count[i] + 1) * sizeof(size_t));
		p->files[i].rev.children = retort__arena_alloc(
			&p->arena, (count[i] + 1) * sizeof(char *));
		if (!p->children[i] || !p->files[i].rev.children)
			goto oom;
		p->files[i].rev.nchildren = 0;
	}
	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->files[i].rev.nparents; j++) {
			retort_revision *par = &p->files[p->parents[i][j]].rev;

			p->children[p->parents[i][j]][par->nchildren] = i;
			((const char **)par->children)[par->nchildren++] =
				p->files[i].rev.id;
		}
	retort__free(count);
	return RETORT_OK;
oom:
	retort__free(count);
	return retort_error_set(err, RETORT_ENOMEM, NULL, "out of memory");
}

/* Describe a cycle among the revisions not ordered (DONE false). */
static int
report_cycle(const retort_project *p, const bool *done, retort_error *err)
{
	retort_buf b = RETORT_BUF_INIT;
	bool *seen = retort__calloc(p->n, sizeof(bool));
	size_t i = 0, start;
	char where[300];

	while (done[i])
		i++;
	/* every revision left has a parent left: walk up until a repeat */
	while (seen && !seen[i]) {
		size_t j = 0;

		seen[i] = true;
		while (done[p->parents[i][j]])
			j++;
		i = p->parents[i][j];
	}
	start = i;
	do {
		size_t j = 0;

		retort_buf_printf(&b, "%s -> ", p->files[i].rev.id);
		while (done[p->parents[i][j]])
			j++;
		i = p->parents[i][j];
	} while (i != start && !retort_buf_oom(&b));
	retort_buf_puts(&b, p->files[start].rev.id);
	snprintf(
		where, sizeof(where), "%s:%u", p->files[start].rev.path,
		p->files[start].revises_line);
	retort_error_set(
		err, RETORT_EINVAL, where,
		"revision cycle: %s (each revises the next)",
		retort_buf_oom(&b) || !seen ? "?" : b.ptr);
	retort_buf_dispose(&b);
	retort__free(seen);
	return RETORT_EINVAL;
}

/*
** Kahn's algorithm with a stack: a branch is finished before the next
** starts; ties follow file-name order.  ORDER receives old indexes.
*/
static int topo_order(const retort_project *p, size_t *order, retort_error *err)
{
	size_t *indeg = retort__calloc(p->n + 1, sizeof(size_t));
	size_t *stack = retort__calloc(p->n + 1, sizeof(size_t));
	bool *done = retort__calloc(p->n + 1, sizeof(bool));
	size_t i, sp = 0, k = 0;
	int rc = RETORT_OK;

	if (!indeg || !stack || !done) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	for (i = p->n; i-- > 0;) {
		indeg[i] = p->files[i].rev.nparents;
		if (!indeg[i])
			stack[sp++] = i;
	}
	while (sp) {
		size_t r = stack[--sp], c = p->files[r].rev.nchildren;

		order[k++] = r;
		done[r] = true;
		while (c-- > 0)
			if (--indeg[p->children[r][c]] == 0)
				stack[sp++] = p->children[r][c];
	}
	if (k < p->n)
		rc = report_cycle(p, done, err);
done:
	retort__free(indeg);
	retort__free(stack);
	retort__free(done);
	return rc;
}

/* Put P->files in topological order and rebuild the links. */
static int reorder(retort_project *p, retort_error *err)
{
	retort_revfile *sorted;
	size_t *order = retort__calloc(p->n + 1, sizeof(size_t));
	size_t i;
	int rc;

	if (!order)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	rc = topo_order(p, order, err);
	sorted = retort__arena_alloc(&p->arena, (p->n + 1) * sizeof(*sorted));
	if (rc == RETORT_OK && !sorted)
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK) {
		for (i = 0; i < p->n; i++)
			sorted[i] = p->files[order[i]];
		p->files = sorted;
	}
	retort__free(order);
	if (rc == RETORT_OK && (rc = index_ids(p, err)) == RETORT_OK &&
	    (rc = link_parents(p, err)) == RETORT_OK)
		rc = link_children(p, err);
	return rc;
}

static int find_heads(retort_project *p, retort_error *err)
{
	size_t i;

	p->heads = retort__arena_alloc(&p->arena, (p->n + 1) * sizeof(size_t));
	if (!p->heads)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	for (i = 0; i < p->n; i++)
		if (!p->files[i].rev.nchildren)
			p->heads[p->nheads++] = i;
	return RETORT_OK;
}

int retort_project_open(
	retort_project **out,
	const retort_migrate_options *opts,
	retort_error *err)
{
	const char *loc = opts && opts->script_location ? opts->script_location
							: "migrations";
	retort_project *p = retort__calloc(1, sizeof(*p));
	retort_buf dir = RETORT_BUF_INIT;
	names nm = { NULL, 0, 0 };
	int rc;

	*out = NULL;
	retort_buf_printf(&dir, "%s/versions", loc);
	if (!p || retort_buf_oom(&dir) ||
	    !(p->versions_dir = retort__arena_strdup(&p->arena, dir.ptr))) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = list_dir(&nm, dir.ptr, err)) < 0 ||
	    (rc = load_files(p, &nm, err)) < 0 ||
	    (rc = index_ids(p, err)) < 0 || (rc = link_parents(p, err)) < 0 ||
	    (rc = link_children(p, err)) < 0 || (rc = reorder(p, err)) < 0 ||
	    (rc = find_heads(p, err)) < 0)
		goto done;
	*out = p;
	p = NULL;
done:
	names_dispose(&nm);
	retort_buf_dispose(&dir);
	retort_project_free(p);
	return rc;
}

void retort_project_free(retort_project *p)
{
	if (!p)
		return;
	retort__arena_dispose(&p->arena);
	retort__free(p);
}

size_t retort_project_count(const retort_project *p)
{
	return p->n;
}

const retort_revision *
retort_project_revision(const retort_project *p, size_t i)
{
	return i < p->n ? &p->files[i].rev : NULL;
}

const retort_revision *
retort_project_find(const retort_project *p, const char *id)
{
	size_t i = retort_migrate__index(p, id);

	return i == NONE ? NULL : &p->files[i].rev;
}

size_t retort_project_nheads(const retort_project *p)
{
	return p->nheads;
}

const retort_revision *retort_project_head(const retort_project *p, size_t i)
{
	return i < p->nheads ? &p->files[p->heads[i]].rev : NULL;
}

void retort_migrate__mark(
	const retort_project *p, size_t rev, bool up, bool *mark)
{
	size_t i, j;

	/* files are in topological order: parents have lower indexes */
	mark[rev] = true;
	if (up) {
		for (i = rev + 1; i-- > 0;)
			for (j = 0; mark[i] && j < p->files[i].rev.nparents;
			     j++)
				mark[p->parents[i][j]] = true;
		return;
	}
	for (i = rev + 1; i < p->n; i++)
		for (j = 0; !mark[i] && j < p->files[i].rev.nparents; j++)
			mark[i] = mark[p->parents[i][j]];
}
