/*
** alloc.c -- malloc wrappers with failure injection, and the arena that
** owns a schema (libdiff, bottom layer).
*/
#include "alloc_int.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

static long fail_countdown; /* 0: never fail; else fail when it hits 1 */

static int should_fail(void)
{
	if (fail_countdown <= 0)
		return 0;
	if (fail_countdown == 1)
		return 1; /* stays at 1: every later call fails too */
	fail_countdown--;
	return 0;
}

long retort__alloc_fail_after(long n)
{
	long old = fail_countdown;

	fail_countdown = n < 0 ? 0 : n;
	return old;
}

void *retort__malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *retort__calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *retort__realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void retort__free(void *p)
{
	free(p);
}

char *retort__strdup(const char *s)
{
	size_t n;
	char *copy;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	copy = retort__malloc(n);
	if (copy)
		memcpy(copy, s, n);
	return copy;
}

/* One block of an arena; the payload follows the header. */
struct retort_arena_block {
	struct retort_arena_block *next;           /* older block */
	size_t used;                               /* bytes handed out */
	size_t size;                               /* payload size */
	alignas(max_align_t) unsigned char data[]; /* the payload */
};

#define ARENA_BLOCK 65536

void *retort__arena_alloc(retort_arena *a, size_t n)
{
	struct retort_arena_block *b = a->head;
	size_t align = alignof(max_align_t);
	size_t need = (n + align - 1) & ~(align - 1);

	if (need < n)
		return NULL; /* overflow */
	if (!b || b->size - b->used < need) {
		size_t size = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;

		b = retort__malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		if (need > ARENA_BLOCK / 4 && a->head) {
			/* a big block goes behind the current one, which
			 * keeps its free space */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

void *retort__arena_memdup(retort_arena *a, const void *p, size_t n)
{
	void *copy = retort__arena_alloc(a, n);

	if (copy && n)
		memcpy(copy, p, n);
	return copy;
}

char *retort__arena_strndup(retort_arena *a, const char *s, size_t n)
{
	char *copy;

	if (!s)
		return NULL;
	copy = retort__arena_alloc(a, n + 1);
	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\0';
	}
	return copy;
}

char *retort__arena_strdup(retort_arena *a, const char *s)
{
	return s ? retort__arena_strndup(a, s, strlen(s)) : NULL;
}

void retort__arena_dispose(retort_arena *a)
{
	struct retort_arena_block *b = a->head;

	while (b) {
		struct retort_arena_block *next = b->next;

		retort__free(b);
		b = next;
	}
	a->head = NULL;
}
