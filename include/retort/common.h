/*
** retort/common.h -- basics shared by every part of the public API:
** the export macro, result codes, the error record and the string buffer.
** Nothing here allocates behind the caller's back except retort_buf.
*/
#ifndef RETORT_COMMON_H
#define RETORT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RETORT_STATIC)
# define RETORT_API
#elif defined(__GNUC__)
# define RETORT_API __attribute__((visibility("default")))
#else
# define RETORT_API
#endif

#if defined(__GNUC__)
# define RETORT_FORMAT(f, a) __attribute__((format(printf, f, a)))
#else
# define RETORT_FORMAT(f, a)
#endif

/** Version of the library, as a string and as a number (MMmmpp). */
#define RETORT_VERSION        "0.1.0"
#define RETORT_VERSION_NUMBER 100

/** Result codes: 0 is success, failures are negative. */
typedef enum retort_code {
	RETORT_OK = 0,         /* success */
	RETORT_ERROR = -1,     /* generic failure */
	RETORT_ENOMEM = -2,    /* out of memory */
	RETORT_EINVAL = -3,    /* bad input: malformed file, bad option value */
	RETORT_ENOTFOUND = -4, /* a file, object or revision does not exist */
	RETORT_ESQLITE = -5,   /* SQLite reported an error (see sqlite_rc) */
	RETORT_EIO = -6,       /* reading or writing a file failed */
	RETORT_EUNSAFE = -7,  /* refused: the input tried something forbidden */
	RETORT_EINTERNAL = -8 /* a bug: an internal check failed */
} retort_code;

/**
 * An error record filled by the lowest level that knows the subject.
 * It never allocates, so even out-of-memory can be reported.  A caller
 * declares one with RETORT_ERROR_INIT and passes its address; the first
 * error set wins (later calls keep it unchanged).
 */
typedef struct retort_error {
	int code;       /* a retort_code; RETORT_OK when nothing failed */
	int sqlite_rc;  /* SQLite's extended result code, or 0 */
	char what[256]; /* the subject: a file, "file:line", an object */
	char why[512];  /* what went wrong, lower case, no full stop */
} retort_error;

/* clang-format off */
#define RETORT_ERROR_INIT { 0, 0, "", "" }
/* clang-format on */

/**
 * Record an error in ERR unless one is already recorded.
 * @param err   the record, or NULL (then nothing is recorded)
 * @param code  a negative retort_code
 * @param what  the subject, or NULL
 * @param fmt   printf format of the reason
 * @return CODE, so that callers can write `return retort_error_set(...)`
 */
RETORT_API int retort_error_set(
	retort_error *err, int code, const char *what, const char *fmt, ...)
	RETORT_FORMAT(4, 5);

/** The same as retort_error_set() with a va_list. */
RETORT_API int retort_error_vset(
	retort_error *err,
	int code,
	const char *what,
	const char *fmt,
	va_list ap) RETORT_FORMAT(4, 0);

/** Fill ERR's subject if it is still empty (callers add context). */
RETORT_API void retort_error_set_what(retort_error *err, const char *what);

/** Reset ERR to "no error".  NULL is a no-op. */
RETORT_API void retort_error_clear(retort_error *err);

/**
 * A growable string.  ptr is never NULL (it starts at a static "");
 * appends that fail for lack of memory set a sticky oom flag and become
 * no-ops, so a builder checks retort_buf_oom() once at the end.
 */
typedef struct retort_buf {
	char *ptr;    /* NUL-terminated contents; never NULL */
	size_t size;  /* length of the contents, without the NUL */
	size_t asize; /* bytes allocated; 0 while ptr is the static "" */
	bool oom;     /* set when an allocation failed */
} retort_buf;

RETORT_API extern char retort_buf__initstr[];

/* clang-format off */
#define RETORT_BUF_INIT { retort_buf__initstr, 0, 0, false }
/* clang-format on */

/** Append LEN bytes of DATA. */
RETORT_API void retort_buf_put(retort_buf *buf, const char *data, size_t len);
/** Append the NUL-terminated string S. */
RETORT_API void retort_buf_puts(retort_buf *buf, const char *s);
/** Append one byte. */
RETORT_API void retort_buf_putc(retort_buf *buf, char c);
/** Append printf-formatted text.  Never use it to paste SQL names. */
RETORT_API void retort_buf_printf(retort_buf *buf, const char *fmt, ...)
	RETORT_FORMAT(2, 3);
/** Append NAME as an SQL identifier: double quotes, inner quotes doubled. */
RETORT_API void retort_buf_put_ident(retort_buf *buf, const char *name);
/** Append S as an SQL string literal: single quotes, inner quotes doubled. */
RETORT_API void retort_buf_put_literal(retort_buf *buf, const char *s);
/** Forget the contents but keep the allocation. */
RETORT_API void retort_buf_clear(retort_buf *buf);
/** Shorten the contents to LEN bytes (LEN <= size). */
RETORT_API void retort_buf_truncate(retort_buf *buf, size_t len);
/** True when an append failed for lack of memory. */
RETORT_API bool retort_buf_oom(const retort_buf *buf);
/**
 * Hand the contents over: a string from malloc() that the caller frees
 * with free(); NULL when the buffer ran out of memory.  BUF is reset.
 */
RETORT_API char *retort_buf_detach(retort_buf *buf);
/** Free the contents and reset BUF.  NULL is a no-op. */
RETORT_API void retort_buf_dispose(retort_buf *buf);

#ifdef __cplusplus
}
#endif

#endif /* RETORT_COMMON_H */
