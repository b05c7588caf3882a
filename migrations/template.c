/*
** template.c -- names and dates of new revision files (migrations layer):
** Alembic's file_template tokens with a file-system-safe slug, and times
** in the configured zone (UTC, a fixed offset, or local time).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "migrate_int.h"
#include "sqltok.h"

/* Longest slug, as Alembic's truncate_slug_length. */
#define SLUG_MAX 40

/* Parse "+HH", "+HH:MM" or "+HHMM" (after an optional "UTC"). */
static bool parse_offset(const char *s, long *secs)
{
	int sign, h = 0, m = 0;
	size_t n;

	if (!retort__strncasecmp(s, "UTC", 3) ||
	    !retort__strncasecmp(s, "GMT", 3))
		s += 3;
	if (*s != '+' && *s != '-')
		return false;
	sign = *s++ == '-' ? -1 : 1;
	n = strspn(s, "0123456789");
	if (n == 2 && !s[2])
		h = atoi(s);
	else if (n == 4 && !s[4])
		h = (s[0] - '0') * 10 + (s[1] - '0'), m = atoi(s + 2);
	else if (
		n == 2 && s[2] == ':' && strspn(s + 3, "0123456789") == 2 &&
		!s[5])
		h = atoi(s), m = atoi(s + 3);
	else
		return false;
	if (h > 23 || m > 59)
		return false;
	*secs = sign * (h * 3600L + m * 60L);
	return true;
}

/* Local time of T into W, its offset as "+01:00" in the label. */
static int local_time(retort_when *w, time_t t, retort_error *err)
{
	if (!localtime_r(&t, &w->tm))
		return retort_error_set(
			err, RETORT_ERROR, "timezone", "no local time");
	strftime(w->label, sizeof(w->label), "%z", &w->tm);
	/* "+0100" -> "+01:00" */
	memmove(w->label + 4, w->label + 3, 3);
	w->label[3] = ':';
	return RETORT_OK;
}

/*
** An IANA zone ("Europe/Paris"): the system's tz database, through TZ.
** Changing TZ is not thread-safe; new revisions are written by one
** command at a time.
*/
static int
zone_time(retort_when *w, time_t t, const char *tz, retort_error *err)
{
	retort_buf path = RETORT_BUF_INIT;
	const char *old = getenv("TZ");
	char *saved = old ? retort__strdup(old) : NULL;
	struct stat st;
	bool known;
	int rc;

	retort_buf_printf(&path, "/usr/share/zoneinfo/%s", tz);
	known = tz[0] != '/' && !strstr(tz, "..") && !retort_buf_oom(&path) &&
		!stat(path.ptr, &st) && S_ISREG(st.st_mode);
	retort_buf_dispose(&path);
	if (!known || (old && !saved)) {
		retort__free(saved);
		return retort_error_set(
			err, RETORT_EINVAL, "timezone",
			"unknown time zone '%s': use UTC, a fixed offset such "
			"as +02:00, a zone of the tz database such as "
			"Europe/Paris, or nothing for local time",
			tz);
	}
	setenv("TZ", tz, 1);
	tzset();
	rc = local_time(w, t, err);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	retort__free(saved);
	return rc;
}

int retort_migrate__when(
	retort_when *w, int64_t now, const char *tz, retort_error *err)
{
	time_t t = (time_t)now;
	long off = 0;

	memset(w, 0, sizeof(*w));
	w->epoch = now;
	if (!tz || !tz[0])
		return local_time(w, t, err);
	if (!retort__strcasecmp(tz, "UTC") || !retort__strcasecmp(tz, "GMT") ||
	    !strcmp(tz, "Z")) {
		gmtime_r(&t, &w->tm);
		snprintf(w->label, sizeof(w->label), "UTC");
		return RETORT_OK;
	}
	if (!parse_offset(tz, &off))
		return zone_time(w, t, tz, err);
	t += off;
	gmtime_r(&t, &w->tm);
	snprintf(
		w->label, sizeof(w->label), "%c%02d:%02d", off < 0 ? '-' : '+',
		(int)(labs(off) / 3600 % 24), (int)(labs(off) % 3600 / 60));
	return RETORT_OK;
}

/* The slug of MESSAGE: ASCII words, lower case, '_'-joined, bounded. */
static void slugify(retort_buf *out, const char *message)
{
	const char *s = message ? message : "";
	size_t start = out->size;

	while (*s) {
		size_t n = 0;

		while (s[n] && ((s[n] >= 'a' && s[n] <= 'z') ||
				(s[n] >= 'A' && s[n] <= 'Z') ||
				(s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			n++;
		if (!n) {
			s++;
			continue;
		}
		if (out->size > start)
			retort_buf_putc(out, '_');
		for (size_t i = 0; i < n; i++)
			retort_buf_putc(
				out, (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32
								  : s[i]);
		s += n;
	}
	if (out->size - start > SLUG_MAX && !retort_buf_oom(out)) {
		/* as Alembic: cut at the last word boundary, mark with '_' */
		char *cut = out->ptr + start + SLUG_MAX, *u;

		*cut = '\0';
		u = strrchr(out->ptr + start, '_');
		retort_buf_truncate(
			out,
			(size_t)((u && u > out->ptr + start ? u : cut) - out->ptr));
		retort_buf_putc(out, '_');
	}
}

/* A printf conversion spec: flags, width, precision. */
typedef struct fspec {
	bool left; /* '-' */
	bool zero; /* '0' */
	bool plus; /* '+' */
	int width; /* minimum width, 0 if none */
	int prec;  /* precision, -1 if none */
} fspec;

/* Parse SPEC (flags, width, .precision; the conversion excluded). */
static void parse_spec(fspec *f, const char *spec)
{
	memset(f, 0, sizeof(*f));
	f->prec = -1;
	for (; *spec && strchr("-+ #0", *spec); spec++) {
		f->left = f->left || *spec == '-';
		f->zero = f->zero || *spec == '0';
		f->plus = f->plus || *spec == '+';
	}
	for (; *spec >= '0' && *spec <= '9'; spec++)
		f->width = f->width * 10 + (*spec - '0');
	if (*spec == '.')
		for (f->prec = 0, spec++; *spec >= '0' && *spec <= '9'; spec++)
			f->prec = f->prec * 10 + (*spec - '0');
	if (f->width > 64)
		f->width = 64;
	if (f->prec > 64)
		f->prec = 64;
}

/* Append S padded to F's width with PAD. */
static void put_padded(retort_buf *out, const fspec *f, const char *s, char pad)
{
	int n = (int)strlen(s);

	if (!f->left)
		for (; n < f->width; n++)
			retort_buf_putc(out, pad);
	retort_buf_puts(out, s);
	if (f->left)
		for (; n < f->width; n++)
			retort_buf_putc(out, ' ');
}

/* Python's %d with spec F. */
static void put_int(retort_buf *out, const fspec *f, long long v)
{
	char digits[32], num[160];
	unsigned long long u =
		v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int n = snprintf(digits, sizeof(digits), "%llu", u), len = 0;
	fspec g = *f;

	if (v < 0 || f->plus)
		num[len++] = v < 0 ? '-' : '+';
	for (; n < f->prec; n++)
		num[len++] = '0';
	snprintf(num + len, sizeof(num) - (size_t)len, "%s", digits);
	if (f->zero && !f->left && f->prec < 0) {
		/* zero padding goes after the sign */
		int have = (int)strlen(num), i = num[0] == '-' || num[0] == '+';

		if (i)
			retort_buf_putc(out, num[0]);
		for (; have < f->width; have++)
			retort_buf_putc(out, '0');
		retort_buf_puts(out, num + i);
		return;
	}
	g.zero = false;
	put_padded(out, &g, num, ' ');
}

/* Python's %s with spec F. */
static void put_str(retort_buf *out, const fspec *f, const char *s)
{
	retort_buf t = RETORT_BUF_INIT;

	retort_buf_put(
		&t, s,
		f->prec >= 0 && (size_t)f->prec < strlen(s) ? (size_t)f->prec
							    : strlen(s));
	put_padded(out, f, t.ptr, ' ');
	retort_buf_dispose(&t);
}

/* What the tokens of a file_template stand for. */
typedef struct tokens {
	const char *rev;     /* %(rev)s */
	const char *message; /* %(slug)s is made from it */
	retort_when when;    /* the date tokens and %(epoch)s */
	retort_error *err;   /* the caller's record */
} tokens;

/* The value of date token NAME in *V; false when NAME is no date token. */
static bool date_token(const tokens *t, const char *name, long long *v)
{
	static const char *const names[] = { "year",   "month",  "day",  "hour",
					     "minute", "second", "epoch" };
	const struct tm *tm = &t->when.tm;
	const long long values[] = { tm->tm_year + 1900,
				     tm->tm_mon + 1,
				     tm->tm_mday,
				     tm->tm_hour,
				     tm->tm_min,
				     tm->tm_sec,
				     (long long)t->when.epoch };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*v = values[i];
			return true;
		}
	return false;
}

/* Render one "%(name)spec" token whose spec is SPEC (conversion last). */
static int render_token(
	retort_buf *out, const tokens *t, const char *name, const char *spec)
{
	char conv = spec[strlen(spec) - 1], num[32];
	long long v;
	fspec f;

	parse_spec(&f, spec);
	if (!strcmp(name, "rev") || !strcmp(name, "slug")) {
		retort_buf s = RETORT_BUF_INIT;

		if (conv != 's')
			return retort_error_set(
				t->err, RETORT_EINVAL, "file_template",
				"token %%(%s) is a string: write %%(%s)s", name,
				name);
		if (!strcmp(name, "rev"))
			retort_buf_puts(&s, t->rev);
		else
			slugify(&s, t->message);
		put_str(out, &f, s.ptr);
		retort_buf_dispose(&s);
		return RETORT_OK;
	}
	if (!date_token(t, name, &v))
		return retort_error_set(
			t->err, RETORT_EINVAL, "file_template",
			"unknown token %%(%s) (known: rev, slug, year, month, "
			"day, hour, minute, second, epoch)",
			name);
	if (conv == 's') {
		snprintf(num, sizeof(num), "%lld", v);
		put_str(out, &f, num);
	} else {
		put_int(out, &f, v);
	}
	return RETORT_OK;
}

/* Read "%(name)spec" at *S (just after the '%'); advances *S. */
static int template_token(retort_buf *out, const char **s, const tokens *t)
{
	const char *p = *s + 1, *close = strchr(p, ')');
	char name[32], spec[16];
	size_t n;

	if (!close || (size_t)(close - p) >= sizeof(name))
		return retort_error_set(
			t->err, RETORT_EINVAL, "file_template",
			"unterminated token '%%%.20s'", *s);
	memcpy(name, p, (size_t)(close - p));
	name[close - p] = '\0';
	p = close + 1;
	n = strspn(p, "-+ #0123456789.");
	if (n >= sizeof(spec) - 1 || (p[n] != 's' && p[n] != 'd'))
		return retort_error_set(
			t->err, RETORT_EINVAL, "file_template",
			"token %%(%s) needs a conversion: s or d", name);
	memcpy(spec, p, n + 1);
	spec[n + 1] = '\0';
	*s = p + n + 1;
	return render_token(out, t, name, spec);
}

int retort_revision_filename(
	retort_buf *out,
	const char *rev_id,
	const retort_revision_options *ro,
	retort_error *err)
{
	const char *tpl = ro->file_template && ro->file_template[0]
				  ? ro->file_template
				  : RETORT_DEFAULT_FILE_TEMPLATE,
		   *s = tpl;
	tokens t = { rev_id, ro->message, { { 0 }, 0, "" }, err };
	int rc = retort_migrate__when(
		&t.when, ro->now ? ro->now : (int64_t)time(NULL), ro->timezone,
		err);

	retort_buf_clear(out);
	while (rc == RETORT_OK && *s) {
		if (s[0] == '%' && s[1] == '%') {
			retort_buf_putc(out, '%');
			s += 2;
		} else if (s[0] == '%' && s[1] == '(') {
			s++;
			rc = template_token(out, &s, &t);
		} else {
			retort_buf_putc(out, *s++);
		}
	}
	if (rc == RETORT_OK && retort_buf_oom(out))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK &&
	    (!out->size || strchr(out->ptr, '/') || out->ptr[0] == '.'))
		rc = retort_error_set(
			err, RETORT_EINVAL, "file_template",
			"'%s' gives the file name '%s', which is empty, hidden "
			"or holds a '/'",
			tpl, out->ptr);
	return rc;
}
