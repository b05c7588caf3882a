/*
** model_int.h -- inside the schema model (libdiff, bottom layer): the
** container, and how loaders (introspection, JSON) build one.  A loader
** creates a schema, adds records whose strings and arrays it allocates in
** the schema's arena, then calls retort_schema__finish().
*/
#ifndef RETORT_MODEL_INT_H
#define RETORT_MODEL_INT_H

#include "alloc_int.h"
#include "retort/schema.h"

struct retort_schema {
	retort_arena arena;          /* owns every string and array */
	retort_table *tables;        /* sorted by name once finished */
	size_t ntables, atables;     /* count, allocated */
	retort_view *views;          /* sorted by name once finished */
	size_t nviews, aviews;       /* count, allocated */
	retort_trigger *triggers;    /* sorted by name once finished */
	size_t ntriggers, atriggers; /* count, allocated */
	retort_virtual_table *vtabs; /* sorted by name once finished */
	size_t nvtabs, avtabs;       /* count, allocated */
	uint64_t fingerprint;        /* of the whole canonical form */
};

/* A new empty schema, or NULL when out of memory. */
retort_schema *retort_schema__new(void);

/*
** Append a zeroed record and return it, or NULL when out of memory.  The
** pointer stays valid only until the next add of the same kind.
*/
retort_table *retort_schema__add_table(retort_schema *s);
retort_view *retort_schema__add_view(retort_schema *s);
retort_trigger *retort_schema__add_trigger(retort_schema *s);
retort_virtual_table *retort_schema__add_virtual_table(retort_schema *s);

/*
** Put a built schema in canonical form: objects sorted by name (ASCII case
** folded), constraints sorted by their comparison keys, column pk
** positions filled from the primary keys, omitted FK parent columns
** resolved, fingerprints computed.  WHAT names the input for errors (two
** objects with one name, a PK naming no column).
*/
int retort_schema__finish(
	retort_schema *s, const char *what, retort_error *err);

/* The comparison key of an expression (see RETORT_NORM_FOLD); a string
 * in the arena, or NULL when out of memory.  NULL EXPR gives "". */
const char *retort_schema__fold(retort_schema *s, const char *expr);

/*
** Fingerprints (fingerprint.c): XXH3 over the canonical comparison form,
** in which names are case folded and expressions are comparison keys, so
** that schemas that compare equal have equal fingerprints.
*/
uint64_t retort__fingerprint_table(const retort_table *t);
uint64_t retort__fingerprint_view(const retort_view *v);
uint64_t retort__fingerprint_trigger(const retort_trigger *t);
uint64_t retort__fingerprint_vtab(const retort_virtual_table *v);
uint64_t retort__fingerprint_schema(const retort_schema *s);

/* SQLite's affinity rules for a declared type (datatype3.html 3.1). */
retort_affinity retort__affinity_of(const char *type);

#endif /* RETORT_MODEL_INT_H */
