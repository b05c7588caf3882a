/*
** plan_subset.c -- the part of a schema that verification rebuilds (emit
** layer).  Running a script on a copy of the whole FROM schema costs what
** SQLite's ALTER TABLE costs there: every RENAME or DROP COLUMN re-parses
** the whole schema, about a second each at 10,000 tables.  A script only
** names the objects its diff touches, so verification builds those and
** what they need: the objects the operations name, and every object
** whose fingerprint differs between the schemas (so that an operation
** missing from the diff is still caught); the tables with a
** foreign key to them (a rename rewrites those) and the tables they
** point to; every view and trigger that mentions or sits on one of them
** or on such a view (the script drops and re-creates those); and, to a
** fixed point, everything those views mention (a RENAME re-parses every
** view and fails on a missing name).  A statement of the
** script that strays outside the subset fails on it, so verification
** still catches it.
*/
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"
#include "plan_int.h"
#include "sqltok.h"

/* A set of names, kept sorted (ASCII case folded). */
typedef struct nameset {
	const char **v; /* the names (borrowed) */
	size_t n;       /* count */
	size_t alloc;   /* allocated slots */
	bool oom;       /* an insert failed */
} nameset;

/* Index where NAME is or would go in S; *found says which. */
static size_t ns_find(const nameset *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = retort__strcasecmp(name, s->v[mid]);

		if (d == 0) {
			*found = true;
			return mid;
		}
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static bool ns_has(const nameset *s, const char *name)
{
	bool found;

	ns_find(s, name, &found);
	return found;
}

/* Add NAME to S; true when it was not there. */
static bool ns_add(nameset *s, const char *name)
{
	bool found;
	size_t i = ns_find(s, name, &found);

	if (found || !name || s->oom)
		return false;
	if (s->n == s->alloc) {
		size_t a = s->alloc ? s->alloc * 2 : 32;
		const char **v = retort__realloc((void *)s->v, a * sizeof(*v));

		if (!v) {
			s->oom = true;
			return false;
		}
		s->v = v;
		s->alloc = a;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = name;
	s->n++;
	return true;
}

/* Add the names that operation OP is about. */
static void add_op_names(nameset *s, const retort_diff_op *op)
{
	const retort_op_side *side[2] = { &op->from, &op->to };
	size_t k;

	ns_add(s, op->object);
	for (k = 0; k < 2; k++) {
		if (side[k]->table)
			ns_add(s, side[k]->table->name);
		if (side[k]->index)
			ns_add(s, side[k]->index->table);
		if (side[k]->view)
			ns_add(s, side[k]->view->name);
		if (side[k]->trigger)
			ns_add(s, side[k]->trigger->name);
		if (side[k]->virtual_table)
			ns_add(s, side[k]->virtual_table->name);
	}
}

/* Add the objects of A that B lacks or has in another form (by name and
 * fingerprint): what differs whatever the operations say, so that an
 * operation missing from the diff is caught too. */
static void
add_differences(nameset *s, const retort_schema *a, const retort_schema *b)
{
	size_t i;

	for (i = 0; i < retort_schema_ntables(a); i++) {
		const retort_table *t = retort_schema_table(a, i);
		const retort_table *o = retort_schema_find_table(b, t->name);

		if (!o || o->fingerprint != t->fingerprint)
			ns_add(s, t->name);
	}
	for (i = 0; i < retort_schema_nviews(a); i++) {
		const retort_view *v = retort_schema_view(a, i);
		const retort_view *o = retort_schema_find_view(b, v->name);

		if (!o || o->fingerprint != v->fingerprint)
			ns_add(s, v->name);
	}
	for (i = 0; i < retort_schema_ntriggers(a); i++) {
		const retort_trigger *t = retort_schema_trigger(a, i);
		const retort_trigger *o =
			retort_schema_find_trigger(b, t->name);

		if (!o || o->fingerprint != t->fingerprint)
			ns_add(s, t->name);
	}
	for (i = 0; i < retort_schema_nvirtual_tables(a); i++) {
		const retort_virtual_table *v =
			retort_schema_virtual_table(a, i);
		const retort_virtual_table *o =
			retort_schema_find_virtual_table(b, v->name);

		if (!o || o->fingerprint != v->fingerprint)
			ns_add(s, v->name);
	}
}

/* Add the tables of SC that point to, or are pointed to by, a table of
 * BASE (one level: enough for the rewrites a rename makes). */
static void
add_fk_neighbours(nameset *s, const nameset *base, const retort_schema *sc)
{
	size_t i, j;

	for (i = 0; i < retort_schema_ntables(sc); i++) {
		const retort_table *t = retort_schema_table(sc, i);
		bool in = ns_has(base, t->name);

		for (j = 0; j < t->nforeign_keys; j++) {
			const char *p = t->foreign_keys[j].ref_table;

			if (in)
				ns_add(s, p);
			else if (ns_has(base, p))
				ns_add(s, t->name);
		}
	}
}

/* True when SQL text Z names any name of S. */
static bool mentions_any(const char *z, const nameset *s)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t len = strlen(z), pos = 0;
	bool hit = false;

	while (!hit && pos < len) {
		retort_token t;

		pos += retort__sql_token(z + pos, len - pos, &t);
		if (t.type != RETORT_TK_WORD && t.type != RETORT_TK_QUOTED &&
		    t.type != RETORT_TK_STRING)
			continue;
		retort_buf_clear(&b);
		retort__sql_unquote(&b, &t);
		hit = retort_buf_oom(&b) || ns_has(s, b.ptr);
	}
	retort_buf_dispose(&b);
	return hit;
}

/* True when NAME is a table, view or virtual table of SC; its canonical
 * spelling (borrowed from SC) in *out. */
static bool
object_named(const retort_schema *sc, const char *name, const char **out)
{
	const retort_table *t = retort_schema_find_table(sc, name);
	const retort_view *v = t ? NULL : retort_schema_find_view(sc, name);
	const retort_virtual_table *vt =
		t || v ? NULL : retort_schema_find_virtual_table(sc, name);

	*out = t ? t->name : v ? v->name : vt ? vt->name : NULL;
	return *out != NULL;
}

/* Add every object of FROM or TO that SQL text Z mentions. */
static bool
add_mentioned(nameset *s, const char *z, const retort_schema *const sc[2])
{
	retort_buf b = RETORT_BUF_INIT;
	size_t len = strlen(z), pos = 0, k;
	bool grew = false;

	while (pos < len) {
		retort_token t;
		const char *name;

		pos += retort__sql_token(z + pos, len - pos, &t);
		if (t.type != RETORT_TK_WORD && t.type != RETORT_TK_QUOTED &&
		    t.type != RETORT_TK_STRING)
			continue;
		retort_buf_clear(&b);
		retort__sql_unquote(&b, &t);
		for (k = 0; k < 2 && !retort_buf_oom(&b); k++)
			if (object_named(sc[k], b.ptr, &name))
				grew |= ns_add(s, name);
	}
	if (retort_buf_oom(&b))
		s->oom = true;
	retort_buf_dispose(&b);
	return grew;
}

/*
** One round over the views and triggers of SC[K]: those that sit on or
** mention a name of SEED (what the operations name, and the views and
** triggers found so far) join SEED -- the script drops and re-creates
** them -- and S, with everything they mention.
*/
static bool add_dependents(
	nameset *seed, nameset *s, const retort_schema *const sc[2], size_t k)
{
	bool grew = false;
	size_t i;

	for (i = 0; i < retort_schema_nviews(sc[k]); i++) {
		const retort_view *v = retort_schema_view(sc[k], i);

		if (ns_has(seed, v->name) || mentions_any(v->sql, seed)) {
			grew |= ns_add(seed, v->name);
			ns_add(s, v->name);
			add_mentioned(s, v->sql, sc);
		}
	}
	for (i = 0; i < retort_schema_ntriggers(sc[k]); i++) {
		const retort_trigger *t = retort_schema_trigger(sc[k], i);

		if (ns_has(seed, t->name) || ns_has(seed, t->table) ||
		    mentions_any(t->sql, seed)) {
			grew |= ns_add(seed, t->name);
			ns_add(s, t->name);
			ns_add(s, t->table);
			add_mentioned(s, t->sql, sc);
		}
	}
	return grew;
}

/* One round over the views of SC[K] in S: what they mention joins S (a
 * RENAME re-parses every view and fails on a missing name). */
static bool
add_view_needs(nameset *s, const retort_schema *const sc[2], size_t k)
{
	bool grew = false;
	size_t i;

	for (i = 0; i < retort_schema_nviews(sc[k]); i++) {
		const retort_view *v = retort_schema_view(sc[k], i);

		if (ns_has(s, v->name))
			grew |= add_mentioned(s, v->sql, sc);
	}
	return grew;
}

/* Write the CREATE statements of the objects of SC named in S. */
static int
put_subset(retort_buf *out, const retort_schema *sc, const nameset *s)
{
	size_t i, j;
	int rc = RETORT_OK;

	for (i = 0; i < retort_schema_ntables(sc); i++) {
		const retort_table *t = retort_schema_table(sc, i);

		if (!ns_has(s, t->name))
			continue;
		rc |= retort__emit_create_table(out, t, NULL);
		retort_buf_puts(out, ";\n");
		for (j = 0; j < t->nindexes; j++) {
			rc |= retort__emit_create_index(out, &t->indexes[j]);
			retort_buf_puts(out, ";\n");
		}
	}
	for (i = 0; i < retort_schema_nvirtual_tables(sc); i++) {
		const retort_virtual_table *v =
			retort_schema_virtual_table(sc, i);

		if (ns_has(s, v->name)) {
			rc |= retort__emit_create_virtual_table(out, v);
			retort_buf_puts(out, ";\n");
		}
	}
	for (i = 0; i < retort_schema_nviews(sc); i++)
		if (ns_has(s, retort_schema_view(sc, i)->name)) {
			rc |= retort__emit_create_view(
				out, retort_schema_view(sc, i));
			retort_buf_puts(out, ";\n");
		}
	for (i = 0; i < retort_schema_ntriggers(sc); i++)
		if (ns_has(s, retort_schema_trigger(sc, i)->name)) {
			rc |= retort__emit_create_trigger(
				out, retort_schema_trigger(sc, i));
			retort_buf_puts(out, ";\n");
		}
	return rc || retort_buf_oom(out) ? RETORT_ENOMEM : RETORT_OK;
}

int retort__plan_subset_sql(
	retort_buf *from_sql,
	retort_buf *to_sql,
	const retort_diff *diff,
	retort_error *err)
{
	const retort_schema *sc[2] = { retort_diff_from(diff),
				       retort_diff_to(diff) };
	nameset base = { NULL, 0, 0, false }, s = { NULL, 0, 0, false };
	size_t i, k;
	bool grew = true;
	int rc;

	for (i = 0; i < retort_diff_count(diff); i++)
		add_op_names(&base, retort_diff_get(diff, i));
	add_differences(&base, sc[0], sc[1]);
	add_differences(&base, sc[1], sc[0]);
	for (i = 0; i < base.n; i++)
		ns_add(&s, base.v[i]);
	for (k = 0; k < 2; k++)
		add_fk_neighbours(&s, &base, sc[k]);
	while (grew && !s.oom && !base.oom)
		grew = add_dependents(&base, &s, sc, 0) |
		       add_dependents(&base, &s, sc, 1);
	for (grew = true; grew && !s.oom;)
		grew = add_view_needs(&s, sc, 0) | add_view_needs(&s, sc, 1);
	rc = s.oom || base.oom ? RETORT_ENOMEM : RETORT_OK;
	if (rc == RETORT_OK)
		rc = put_subset(from_sql, sc[0], &s);
	if (rc == RETORT_OK)
		rc = put_subset(to_sql, sc[1], &s);
	retort__free((void *)base.v);
	retort__free((void *)s.v);
	if (rc < 0)
		return retort_error_set(
			err, rc, "verification", "out of memory");
	return RETORT_OK;
}
