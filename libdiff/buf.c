/*
** buf.c -- retort_buf, the growable string with sticky out-of-memory
** (libdiff, bottom layer).  Identifiers and literals are quoted here and
** nowhere else.
*/
#include <stdio.h>
#include <string.h>

#include "alloc_int.h"
#include "retort/common.h"

char retort_buf__initstr[1];

/* Make room for N more bytes plus the NUL; false (and oom) on failure. */
static bool grow(retort_buf *buf, size_t n)
{
	size_t want, asize;
	char *p;

	if (buf->oom)
		return false;
	want = buf->size + n + 1;
	if (want < n) {
		buf->oom = true;
		return false;
	}
	if (want <= buf->asize)
		return true;
	asize = buf->asize ? buf->asize : 64;
	while (asize < want) {
		if (asize > ((size_t)-1) / 2) {
			asize = want;
			break;
		}
		asize *= 2;
	}
	p = retort__realloc(buf->asize ? buf->ptr : NULL, asize);
	if (!p) {
		buf->oom = true;
		return false;
	}
	if (!buf->asize)
		p[0] = '\0';
	buf->ptr = p;
	buf->asize = asize;
	return true;
}

void retort_buf_put(retort_buf *buf, const char *data, size_t len)
{
	if (!grow(buf, len))
		return;
	if (len)
		memmove(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void retort_buf_puts(retort_buf *buf, const char *s)
{
	retort_buf_put(buf, s, strlen(s));
}

void retort_buf_putc(retort_buf *buf, char c)
{
	retort_buf_put(buf, &c, 1);
}

void retort_buf_printf(retort_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf->oom = true;
		return;
	}
	if (!grow(buf, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
}

/* Append S between QUOTE characters, doubling any QUOTE inside. */
static void put_quoted(retort_buf *buf, const char *s, char quote)
{
	const char *q;

	retort_buf_putc(buf, quote);
	while ((q = strchr(s, quote)) != NULL) {
		retort_buf_put(buf, s, (size_t)(q - s) + 1);
		retort_buf_putc(buf, quote);
		s = q + 1;
	}
	retort_buf_puts(buf, s);
	retort_buf_putc(buf, quote);
}

void retort_buf_put_ident(retort_buf *buf, const char *name)
{
	put_quoted(buf, name, '"');
}

void retort_buf_put_literal(retort_buf *buf, const char *s)
{
	put_quoted(buf, s, '\'');
}

void retort_buf_clear(retort_buf *buf)
{
	retort_buf_truncate(buf, 0);
}

void retort_buf_truncate(retort_buf *buf, size_t len)
{
	if (len >= buf->size)
		return;
	buf->size = len;
	if (buf->asize)
		buf->ptr[len] = '\0';
}

bool retort_buf_oom(const retort_buf *buf)
{
	return buf->oom;
}

char *retort_buf_detach(retort_buf *buf)
{
	char *s;

	if (buf->oom) {
		retort_buf_dispose(buf);
		return NULL;
	}
	s = buf->asize ? buf->ptr : retort__strdup("");
	buf->ptr = retort_buf__initstr;
	buf->size = buf->asize = 0;
	return s;
}

void retort_buf_dispose(retort_buf *buf)
{
	if (!buf)
		return;
	if (buf->asize)
		retort__free(buf->ptr);
	buf->ptr = retort_buf__initstr;
	buf->size = buf->asize = 0;
	buf->oom = false;
}
