/*
** diff_order.c -- the order in which a diff's operations apply (libdiff,
** bottom layer).  Phases first (diff_int.h): triggers and views that go,
** indexes and constraints that go, tables that go (dependants first),
** table renames (chains in order), new tables (FK targets first), changes
** to kept tables (one group per table, FK targets first), then views
** (what they read first) and triggers.  Dependencies come from foreign
** keys and, for views, from the names among their tokens.
*/
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"
#include "sqltok.h"

/* ---------------------------------------------------------------------
** Name sets
*/

static int name_cmp(const void *a, const void *b)
{
	return retort__strcasecmp(
		*(const char *const *)a, *(const char *const *)b);
}

int retort_diff__names_add(diff_names *s, const char *name)
{
	const char **slot = DIFF_PUSH(s->v, s->n, s->a);

	if (!slot)
		return RETORT_ENOMEM;
	*slot = name;
	return RETORT_OK;
}

void retort_diff__names_sort(diff_names *s)
{
	size_t i, k = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), name_cmp);
	for (i = 0; i < s->n; i++)
		if (!k || retort__strcasecmp(s->v[k - 1], s->v[i]))
			s->v[k++] = s->v[i];
	s->n = k;
}

bool retort_diff__names_has(const diff_names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), name_cmp);
}

void retort_diff__names_dispose(diff_names *s)
{
	retort__free(s->v);
	s->v = NULL;
	s->n = s->a = 0;
}

/* ---------------------------------------------------------------------
** Dependency order
*/

/* An object to order: a table or a view (both start with their name). */
struct node {
	const char *name; /* its name */
	const void *rec;  /* the record */
	size_t first;     /* its first edge in the sorted edge list */
	size_t nedges;    /* count of its edges */
	size_t rank;      /* 1-based position once ordered */
	int state;        /* 0 new, 1 being visited, 2 done */
};

/* An edge: node U depends on node V. */
struct edge {
	size_t u, v; /* dependant, dependency */
};

/* The nodes and edges of one ordering. */
struct graph {
	struct node *nodes; /* sorted by name */
	size_t n, a;        /* count, allocated */
	struct edge *edges; /* sorted by u */
	size_t ne, ae;      /* count, allocated */
};

static int node_cmp(const void *a, const void *b)
{
	return retort__strcasecmp(
		((const struct node *)a)->name, ((const struct node *)b)->name);
}

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	return (x->v > y->v) - (x->v < y->v);
}

/* Index of the node named NAME, or (size_t)-1. */
static size_t find_node(const struct graph *g, const char *name)
{
	struct node key;
	const struct node *hit;

	key.name = name;
	hit = g->n ? bsearch(&key, g->nodes, g->n, sizeof(key), node_cmp)
		   : NULL;
	return hit ? (size_t)(hit - g->nodes) : (size_t)-1;
}

static int add_node(struct graph *g, const void *rec)
{
	struct node *nd = DIFF_PUSH(g->nodes, g->n, g->a);

	if (!nd)
		return RETORT_ENOMEM;
	nd->name = *(const char *const *)rec;
	nd->rec = rec;
	return RETORT_OK;
}

/* Node U depends on the node named NAME, if there is one (not U). */
static int add_edge(struct graph *g, size_t u, const char *name)
{
	size_t v = find_node(g, name);
	struct edge *e;

	if (v == (size_t)-1 || v == u)
		return RETORT_OK;
	e = DIFF_PUSH(g->edges, g->ne, g->ae);
	if (!e)
		return RETORT_ENOMEM;
	e->u = u;
	e->v = v;
	return RETORT_OK;
}

/* Edges of table nodes: each foreign key to another node. */
static int table_edges(struct graph *g)
{
	size_t i, k;
	int rc = RETORT_OK;

	for (i = 0; i < g->n; i++) {
		const retort_table *t = g->nodes[i].rec;

		for (k = 0; rc == RETORT_OK && k < t->nforeign_keys; k++)
			rc = add_edge(g, i, t->foreign_keys[k].ref_table);
	}
	return rc;
}

/* Edges of view nodes: each name among the tokens that is a node. */
static int view_edges(diff_ctx *c, struct graph *g)
{
	size_t i, pos, n;
	retort_token tok;
	int rc = RETORT_OK;

	for (i = 0; rc == RETORT_OK && i < g->n; i++) {
		const char *sql = ((const retort_view *)g->nodes[i].rec)->sql;

		n = strlen(sql);
		for (pos = 0; rc == RETORT_OK && pos < n;) {
			pos += retort__sql_token(sql + pos, n - pos, &tok);
			if (tok.type != RETORT_TK_WORD &&
			    tok.type != RETORT_TK_QUOTED)
				continue;
			retort_buf_clear(&c->b1);
			retort__sql_unquote(&c->b1, &tok);
			rc = add_edge(g, i, c->b1.ptr);
		}
	}
	return rc;
}

/*
** Rank the nodes so that each comes after what it depends on (a
** depth-first search in name order, iterative so that long chains need
** no deep stack).  A cycle is cut where it is met.
*/
static int rank_nodes(struct graph *g)
{
	size_t *stack, *next, sp = 0, pos = 0, r, i;

	if (g->ne > 1)
		qsort(g->edges, g->ne, sizeof(*g->edges), edge_cmp);
	for (i = 0; i < g->ne; i++)
		if (!g->nodes[g->edges[i].u].nedges++)
			g->nodes[g->edges[i].u].first = i;
	stack = retort__malloc((g->n + 1) * sizeof(*stack));
	next = retort__calloc(g->n + 1, sizeof(*next));
	if (!stack || !next) {
		retort__free(stack);
		retort__free(next);
		return RETORT_ENOMEM;
	}
	for (r = 0; r < g->n; r++) {
		if (g->nodes[r].state)
			continue;
		g->nodes[r].state = 1;
		stack[sp++] = r;
		while (sp) {
			struct node *nd = &g->nodes[stack[sp - 1]];
			size_t w;

			if (next[stack[sp - 1]] == nd->nedges) {
				nd->state = 2;
				nd->rank = ++pos;
				sp--;
				continue;
			}
			w = g->edges[nd->first + next[stack[sp - 1]]++].v;
			if (!g->nodes[w].state) {
				g->nodes[w].state = 1;
				stack[sp++] = w;
			}
		}
	}
	retort__free(stack);
	retort__free(next);
	return RETORT_OK;
}

/*
** Give the entries of PHASE whose anchor is a node of G the node's rank;
** REVERSE puts dependants first (for drops).
*/
static void
apply_ranks(diff_ctx *c, const struct graph *g, int phase, bool reverse)
{
	size_t i, k;

	for (i = 0; i < c->nents; i++) {
		diff_entry *e = &c->ents[i];

		if (e->phase != phase || !e->anchor)
			continue;
		k = find_node(g, *(const char *const *)e->anchor);
		if (k != (size_t)-1 && g->nodes[k].rec == e->anchor)
			e->rank = reverse ? g->n + 1 - g->nodes[k].rank
					  : g->nodes[k].rank;
	}
}

static void graph_dispose(struct graph *g)
{
	retort__free(g->nodes);
	retort__free(g->edges);
	memset(g, 0, sizeof(*g));
}

/* The distinct anchors of PHASE's entries, as the nodes of G sorted by
 * name (one schema's names are unique ignoring case). */
static int anchors(diff_ctx *c, struct graph *g, int phase)
{
	size_t i, k = 0;

	for (i = 0; i < c->nents; i++) {
		const diff_entry *e = &c->ents[i];

		if (e->phase == phase && e->anchor &&
		    add_node(g, e->anchor) < 0)
			return RETORT_ENOMEM;
	}
	if (g->n > 1)
		qsort(g->nodes, g->n, sizeof(*g->nodes), node_cmp);
	for (i = 0; i < g->n; i++)
		if (!k || g->nodes[k - 1].rec != g->nodes[i].rec)
			g->nodes[k++] = g->nodes[i];
	g->n = k;
	return RETORT_OK;
}

/* Rank the entries of PHASE by the dependencies of their anchors. */
static int rank_phase(diff_ctx *c, int phase, bool views, bool reverse)
{
	struct graph g;
	int rc;

	memset(&g, 0, sizeof(g));
	rc = anchors(c, &g, phase);
	if (rc == RETORT_OK && g.n > 1)
		rc = views ? view_edges(c, &g) : table_edges(&g);
	if (rc == RETORT_OK)
		rc = rank_nodes(&g);
	if (rc == RETORT_OK)
		apply_ranks(c, &g, phase, reverse);
	graph_dispose(&g);
	return rc;
}

/* ---------------------------------------------------------------------
** The final order
*/

/* Order of the kinds inside one phase and one anchor's group. */
static int kind_order(retort_op_kind k)
{
	static const retort_op_kind order[] = {
		RETORT_OP_DROP_TRIGGER,      RETORT_OP_DROP_VIEW,
		RETORT_OP_DROP_INDEX,        RETORT_OP_DROP_FOREIGN_KEY,
		RETORT_OP_DROP_CHECK,        RETORT_OP_DROP_UNIQUE,
		RETORT_OP_DROP_TABLE,        RETORT_OP_DROP_VIRTUAL_TABLE,
		RETORT_OP_RENAME_TABLE,      RETORT_OP_ADD_TABLE,
		RETORT_OP_ADD_VIRTUAL_TABLE, RETORT_OP_REPLACE_VIRTUAL_TABLE,
		RETORT_OP_DROP_COLUMN,       RETORT_OP_RENAME_COLUMN,
		RETORT_OP_ALTER_COLUMN,      RETORT_OP_ADD_COLUMN,
		RETORT_OP_ALTER_PRIMARY_KEY, RETORT_OP_ALTER_TABLE_OPTIONS,
		RETORT_OP_REORDER_COLUMNS,   RETORT_OP_ADD_UNIQUE,
		RETORT_OP_ADD_CHECK,         RETORT_OP_ADD_FOREIGN_KEY,
		RETORT_OP_ADD_INDEX,         RETORT_OP_ADD_VIEW,
		RETORT_OP_REPLACE_VIEW,      RETORT_OP_ADD_TRIGGER,
		RETORT_OP_REPLACE_TRIGGER,
	};
	int i;

	for (i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (order[i] == k)
			return i;
	return i;
}

static int size_cmp(size_t a, size_t b)
{
	return (a > b) - (a < b);
}

static int entry_cmp(const void *a, const void *b)
{
	const diff_entry *x = a, *y = b;
	int d;

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if ((d = size_cmp(x->rank, y->rank)))
		return d;
	if ((d = kind_order(x->op.kind) - kind_order(y->op.kind)))
		return d;
	if ((d = size_cmp(x->sub, y->sub)))
		return d;
	return size_cmp(x->seq, y->seq);
}

int retort_diff__order(diff_ctx *c)
{
	retort_diff *d = c->diff;
	size_t i;
	int rc;

	if ((rc = rank_phase(c, PH_DROP_TABLE, false, true)) < 0 ||
	    (rc = rank_phase(c, PH_ADD_TABLE, false, false)) < 0 ||
	    (rc = rank_phase(c, PH_ALTER_TABLE, false, false)) < 0 ||
	    (rc = rank_phase(c, PH_DROP_VIEW, true, true)) < 0 ||
	    (rc = rank_phase(c, PH_ADD_VIEW, true, false)) < 0)
		return rc;
	if (c->nents > 1)
		qsort(c->ents, c->nents, sizeof(*c->ents), entry_cmp);
	d->ops = retort__arena_alloc(
		&d->arena, (c->nents + 1) * sizeof(*d->ops));
	if (!d->ops)
		return RETORT_ENOMEM;
	for (i = 0; i < c->nents; i++)
		d->ops[i] = c->ents[i].op;
	d->nops = c->nents;
	return RETORT_OK;
}
