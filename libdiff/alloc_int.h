/*
** alloc_int.h -- allocation for libretort (libdiff, bottom layer): the
** malloc wrappers that debug builds can make fail on the Nth call, and
** the arena that owns a schema's strings and arrays.
*/
#ifndef RETORT_ALLOC_INT_H
#define RETORT_ALLOC_INT_H

#include <stddef.h>

void *retort__malloc(size_t n);
void *retort__calloc(size_t n, size_t size);
void *retort__realloc(void *p, size_t n);
void retort__free(void *p);
/* A copy of S from retort__malloc(), or NULL (also when S is NULL). */
char *retort__strdup(const char *s);

/*
** Fail every allocation from the Nth from now on (n >= 1), or never
** (n = 0).  For out-of-memory tests; returns the previous setting.
*/
long retort__alloc_fail_after(long n);

/* An arena: blocks freed all at once by retort__arena_dispose(). */
typedef struct retort_arena {
	struct retort_arena_block *head; /* newest block, or NULL */
} retort_arena;

#define RETORT_ARENA_INIT                                                      \
 {                                                                             \
  NULL                                                                         \
 }

/* N bytes aligned for any type, zeroed; NULL when out of memory. */
void *retort__arena_alloc(retort_arena *a, size_t n);
/* Copies into the arena; NULL when out of memory or when S is NULL. */
char *retort__arena_strdup(retort_arena *a, const char *s);
char *retort__arena_strndup(retort_arena *a, const char *s, size_t n);
void *retort__arena_memdup(retort_arena *a, const void *p, size_t n);
void retort__arena_dispose(retort_arena *a);

#endif /* RETORT_ALLOC_INT_H */
