/*
** diff_int.h -- inside the comparator (libdiff, bottom layer): the diff
** container, the state of one comparison, and the pieces it is built
** from (matching, tables, constraints, views, hints, safety, order).
** diff.c drives; each diff_*.c file owns one concern.
*/
#ifndef RETORT_DIFF_INT_H
#define RETORT_DIFF_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "alloc_int.h"
#include "retort/diff.h"

struct retort_diff {
	retort_arena arena;              /* ops, strings, option copies */
	const retort_schema *from;       /* FROM schema (borrowed) */
	const retort_schema *to;         /* TO schema (borrowed) */
	retort_diff_options opts;        /* copy; pointers into arena */
	retort_naming_convention naming; /* copy of *opts.naming */
	retort_diff_op *ops;             /* in application order */
	size_t nops;                     /* count of ops */
};

/*
** Phases, in the order operations are applied (diff_order.c explains
** why): what goes away first, renames, then what is new or changed.
*/
enum diff_phase {
	PH_DROP_TRIGGER = 0, /* triggers that go or are re-created */
	PH_DROP_VIEW,        /* views that go or are re-created */
	PH_DROP_INDEX,       /* every index that goes or changes */
	PH_LOOSEN,           /* constraints dropped from kept tables */
	PH_DROP_TABLE,       /* tables and virtual tables that go */
	PH_RENAME_TABLE,     /* table renames, chains in a valid order */
	PH_ADD_TABLE,        /* new tables with their indexes; vtabs */
	PH_ALTER_TABLE,      /* kept tables, one group per table */
	PH_ADD_VIEW,         /* new and redefined views */
	PH_ADD_TRIGGER       /* new and redefined triggers */
};

/* An operation being built, with its place in the final order. */
typedef struct diff_entry {
	retort_diff_op op;  /* the operation */
	int phase;          /* enum diff_phase */
	const void *anchor; /* record whose dependency rank orders it */
	size_t rank;        /* position of anchor in its phase's order */
	size_t sub;         /* order inside one anchor's group */
	size_t seq;         /* creation order, for stability */
} diff_entry;

/* A sorted set of names compared ignoring ASCII case. */
typedef struct diff_names {
	const char **v; /* the names (borrowed) */
	size_t n, a;    /* count, allocated */
} diff_names;

/* A table of FROM matched with a table of TO. */
typedef struct diff_tpair {
	const retort_table *from; /* FROM side */
	const retort_table *to;   /* TO side */
	bool renamed;             /* matched through a --rename hint */
	bool altered;             /* has PH_LOOSEN/PH_ALTER_TABLE ops */
} diff_tpair;

/* The state of one retort_diff_compare() call. */
typedef struct diff_ctx {
	retort_diff *diff;               /* the diff being built */
	const retort_diff_options *opts; /* the diff's copy */
	retort_error *err;               /* the caller's error record */
	retort_arena scratch;            /* keys and lists, freed at end */
	diff_entry *ents;                /* operations built so far */
	size_t nents, aents;             /* count, allocated */
	diff_tpair *pairs;               /* matched tables (compared) */
	size_t npairs, apairs;           /* count, allocated */
	const retort_table **dropped;    /* FROM tables that go */
	size_t ndropped, adropped;       /* count, allocated */
	const retort_table **added;      /* TO tables that are new */
	size_t nadded, aadded;           /* count, allocated */
	const retort_table **rn_from;    /* table renames: FROM records */
	const retort_table **rn_to;      /* ... and their TO records */
	size_t nrn;                      /* count of table renames */
	diff_names touched;  /* tables and vtabs that change in structure */
	diff_names breaking; /* objects dropped before others are altered */
	retort_buf b1, b2;   /* scratch buffers */
	bool oom;            /* an allocation failed where no code could
				be returned */
	const retort_table *key_table; /* whose key parts are being keyed */
} diff_ctx;

/* diff.c */
void *retort_diff__push(void **arr, size_t *n, size_t *a, size_t size);
#define DIFF_PUSH(arr, n, a)                                                   \
 retort_diff__push((void **)&(arr), &(n), &(a), sizeof(*(arr)))
diff_entry *retort_diff__add(
	diff_ctx *c, retort_op_kind kind, const char *object, const char *name);
const char *retort_diff__printf(diff_ctx *c, const char *fmt, ...)
	RETORT_FORMAT(2, 3);

/* diff_names (diff_order.c) */
int retort_diff__names_add(diff_names *s, const char *name);
void retort_diff__names_sort(diff_names *s);
bool retort_diff__names_has(const diff_names *s, const char *name);
void retort_diff__names_dispose(diff_names *s);

/* diff_match.c: renames, pairing of objects by name */
int retort_diff__check_renames(diff_ctx *c);
const retort_rename *
retort_diff__table_rename(const diff_ctx *c, const char *from_name);
size_t retort_diff__rename_depth(const diff_ctx *c, const retort_rename *r);
const char *retort_diff__map_table(const diff_ctx *c, const char *from_name);
const char *retort_diff__map_column(
	const diff_ctx *c, const char *to_table, const char *from_col);
const retort_rename *retort_diff__column_rename(
	const diff_ctx *c, const char *to_table, const char *name, bool to);
int retort_diff__tables(diff_ctx *c);
int retort_diff__vtabs(diff_ctx *c);

/* diff_key.c: comparison keys */
int retort_diff__expr_key(
	diff_ctx *c, const char **out, const char *expr, const char *to_table);
bool retort_diff__type_eq(const char *a, const char *b);
bool retort_diff__collate_eq(const char *a, const char *b);
bool retort_diff__rowid_alias(const retort_table *t);
const char *
retort_diff__part_collate(const retort_table *t, const retort_key_part *p);
const char *retort_diff__fold(diff_ctx *c, const char *s);

/* diff_table.c: one matched pair of tables */
int retort_diff__table_pair(diff_ctx *c, diff_tpair *p);
int retort_diff__table_add(diff_ctx *c, const retort_table *t);
int retort_diff__table_drop(diff_ctx *c, const retort_table *t);

/* diff_cons.c: constraints and indexes of a matched pair */
int retort_diff__constraints(diff_ctx *c, diff_tpair *p);
int retort_diff__indexes(diff_ctx *c, diff_tpair *p);
const char *retort_diff__convention_name(
	diff_ctx *c, char kind, const retort_table *t, const void *record);

/* diff_views.c: views and triggers, after the tables */
int retort_diff__views(diff_ctx *c);
int retort_diff__triggers(diff_ctx *c);
bool retort_diff__sql_reads(
	diff_ctx *c, const char *sql, const diff_names *set);

/* diff_hint.c: possible renames */
int retort_diff__table_hints(diff_ctx *c);
int retort_diff__column_hints(
	diff_ctx *c,
	const diff_tpair *p,
	const size_t *drops,
	size_t ndrops,
	const size_t *adds,
	size_t nadds);

/* diff_safety.c: the safety class and reason of an entry; HELD: the rows
 * already satisfy what it adds (a new, empty table; a constraint that
 * existed under another name or with other actions) */
void retort_diff__classify(diff_ctx *c, diff_entry *e, bool held);

/* diff_order.c: ranks and the final order */
int retort_diff__order(diff_ctx *c);

#endif /* RETORT_DIFF_INT_H */
