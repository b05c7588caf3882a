/*
** newrev.c -- writing new revision files (migrations layer): parents
** ("head", --head, merges), ids, file names from Alembic's file_template
** with a file-system-safe slug, Create Date in the configured time zone.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "migrate_int.h"
#include "sqltok.h"

/* Longest slug, as Alembic's truncate_slug_length. */
#define SLUG_MAX 40

/* A point in time in the configured zone. */
typedef struct when {
	struct tm tm;   /* broken-down local time of the zone */
	int64_t epoch;  /* seconds since the epoch */
	char label[32]; /* "UTC" or "+02:00" */
} when;

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

/* Fill W for NOW in zone TZ (NULL or "": local time). */
static int when_at(when *w, int64_t now, const char *tz, retort_error *err)
{
	time_t t = (time_t)now;
	long off = 0;

	memset(w, 0, sizeof(*w));
	w->epoch = now;
	if (!tz || !tz[0]) {
		if (!localtime_r(&t, &w->tm))
			return retort_error_set(
				err, RETORT_ERROR, "timezone", "no local time");
		strftime(w->label, sizeof(w->label), "%z", &w->tm);
		/* "+0100" -> "+01:00" */
		memmove(w->label + 4, w->label + 3, 3);
		w->label[3] = ':';
		return RETORT_OK;
	}
	if (!retort__strcasecmp(tz, "UTC") || !retort__strcasecmp(tz, "GMT") ||
	    !strcmp(tz, "Z")) {
		gmtime_r(&t, &w->tm);
		snprintf(w->label, sizeof(w->label), "UTC");
		return RETORT_OK;
	}
	if (!parse_offset(tz, &off))
		return retort_error_set(
			err, RETORT_EINVAL, "timezone",
			"unsupported time zone '%s': use UTC, a fixed offset "
			"such as +02:00, or nothing for local time",
			tz);
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

/* Render one "%(name)spec" token whose spec is SPEC (conversion last). */
static int render_token(
	retort_buf *out,
	const char *name,
	const char *spec,
	const char *rev,
	const char *message,
	const when *w,
	retort_error *err)
{
	const struct tm *tm = &w->tm;
	char conv = spec[strlen(spec) - 1];
	long long v;
	fspec f;

	parse_spec(&f, spec);
	if (!strcmp(name, "rev") || !strcmp(name, "slug")) {
		retort_buf s = RETORT_BUF_INIT;

		if (conv != 's')
			return retort_error_set(
				err, RETORT_EINVAL, "file_template",
				"token %%(%s) is a string: write %%(%s)s", name,
				name);
		if (!strcmp(name, "rev"))
			retort_buf_puts(&s, rev);
		else
			slugify(&s, message);
		put_str(out, &f, s.ptr);
		retort_buf_dispose(&s);
		return RETORT_OK;
	}
	if (!strcmp(name, "year"))
		v = tm->tm_year + 1900;
	else if (!strcmp(name, "month"))
		v = tm->tm_mon + 1;
	else if (!strcmp(name, "day"))
		v = tm->tm_mday;
	else if (!strcmp(name, "hour"))
		v = tm->tm_hour;
	else if (!strcmp(name, "minute"))
		v = tm->tm_min;
	else if (!strcmp(name, "second"))
		v = tm->tm_sec;
	else if (!strcmp(name, "epoch"))
		v = (long long)w->epoch;
	else
		return retort_error_set(
			err, RETORT_EINVAL, "file_template",
			"unknown token %%(%s) (known: rev, slug, year, month, "
			"day, hour, minute, second, epoch)",
			name);
	if (conv == 's') {
		char num[32];

		snprintf(num, sizeof(num), "%lld", v);
		put_str(out, &f, num);
	} else {
		put_int(out, &f, v);
	}
	return RETORT_OK;
}
/* Read "%(name)spec" at *S (just after the '%'); advances *S. */
static int template_token(
	retort_buf *out,
	const char **s,
	const char *rev,
	const char *message,
	const when *w,
	retort_error *err)
{
	const char *p = *s + 1, *close = strchr(p, ')');
	char name[32], spec[16];
	size_t n;

	if (!close || (size_t)(close - p) >= sizeof(name))
		return retort_error_set(
			err, RETORT_EINVAL, "file_template",
			"unterminated token '%%%.20s'", *s);
	memcpy(name, p, (size_t)(close - p));
	name[close - p] = '\0';
	p = close + 1;
	n = strspn(p, "-+ #0123456789.");
	if (n >= sizeof(spec) - 1 || (p[n] != 's' && p[n] != 'd'))
		return retort_error_set(
			err, RETORT_EINVAL, "file_template",
			"token %%(%s) needs a conversion: s or d", name);
	memcpy(spec, p, n + 1);
	spec[n + 1] = '\0';
	*s = p + n + 1;
	return render_token(out, name, spec, rev, message, w, err);
}

int retort_revision_filename(
	retort_buf *out,
	const char *file_template,
	const char *rev_id,
	const char *message,
	int64_t now,
	const char *timezone,
	retort_error *err)
{
	const char *tpl = file_template && file_template[0]
				  ? file_template
				  : RETORT_DEFAULT_FILE_TEMPLATE,
		   *s = tpl;
	when w;
	int rc = when_at(&w, now ? now : (int64_t)time(NULL), timezone, err);

	retort_buf_clear(out);
	while (rc == RETORT_OK && *s) {
		if (s[0] == '%' && s[1] == '%') {
			retort_buf_putc(out, '%');
			s += 2;
		} else if (s[0] == '%' && s[1] == '(') {
			s++;
			rc = template_token(out, &s, rev_id, message, &w, err);
		} else {
			retort_buf_putc(out, *s++);
		}
	}
	if (rc == RETORT_OK && retort_buf_oom(out))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (rc == RETORT_OK && (!out->size || strchr(out->ptr, '/') ||
				!strcmp(out->ptr, ".") || out->ptr[0] == '.'))
		rc = retort_error_set(
			err, RETORT_EINVAL, "file_template",
			"'%s' gives the file name '%s', which is empty, hidden "
			"or holds a '/'",
			tpl, out->ptr);
	return rc;
}

/* A random revision id not used in P, into ID[13]. */
static int new_id(char id[13], const retort_project *p, retort_error *err)
{
	static unsigned long counter;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		unsigned char bytes[6];
		FILE *f = fopen("/dev/urandom", "rb");
		size_t i, got = f ? fread(bytes, 1, sizeof(bytes), f) : 0;

		if (f)
			fclose(f);
		if (got != sizeof(bytes)) {
			/* no /dev/urandom: hash the time, pid and a counter */
			struct timespec ts;
			uint64_t seed[4], h;

			clock_gettime(CLOCK_REALTIME, &ts);
			seed[0] = (uint64_t)ts.tv_sec;
			seed[1] = (uint64_t)ts.tv_nsec;
			seed[2] = (uint64_t)getpid();
			seed[3] = counter++;
			h = XXH3_64bits(seed, sizeof(seed));
			memcpy(bytes, &h, sizeof(bytes));
		}
		for (i = 0; i < 6; i++)
			snprintf(id + 2 * i, 3, "%02x", bytes[i]);
		if (!retort_project_find(p, id))
			return RETORT_OK;
	}
	return retort_error_set(
		err, RETORT_ERROR, NULL, "cannot find an unused revision id");
}

/* Add index I to the parents list unless there already. */
static void add_parent(size_t *par, size_t *n, size_t i)
{
	size_t k;

	for (k = 0; k < *n; k++)
		if (par[k] == i)
			return;
	par[(*n)++] = i;
}

/* The new revision's parents (indexes) from ROPTS->heads. */
static int choose_parents(
	size_t *par,
	size_t *n,
	const retort_project *p,
	const retort_revision_options *ro,
	retort_error *err)
{
	size_t *idx = retort__malloc((p->n + 1) * sizeof(size_t)), k, j, m;
	int rc = RETORT_OK;

	*n = 0;
	if (!idx)
		return retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
	if (!ro->nheads && p->nheads > 1)
		rc = retort_error_set(
			err, RETORT_EINVAL, "head",
			"multiple heads are present; please specify the head "
			"revision on which the new revision should be based "
			"(--head), or perform a merge");
	for (k = 0; rc == RETORT_OK && k < p->nheads && !ro->nheads; k++)
		add_parent(par, n, p->heads[k]);
	for (k = 0; rc == RETORT_OK && k < ro->nheads; k++) {
		rc = retort_migrate__resolve(idx, &m, p, ro->heads[k], err);
		for (j = 0; rc == RETORT_OK && j < m; j++) {
			if (p->files[idx[j]].rev.nchildren && !ro->splice) {
				rc = retort_error_set(
					err, RETORT_EINVAL, ro->heads[k],
					"revision %s is not a head revision; "
					"please specify --splice to create a new "
					"branch from this revision",
					p->files[idx[j]].rev.id);
				break;
			}
			add_parent(par, n, idx[j]);
		}
	}
	retort__free(idx);
	if (rc == RETORT_OK && ro->merge && *n < 2)
		rc = retort_error_set(
			err, RETORT_EINVAL, "merge",
			"nothing to merge: the revisions given are %zu distinct "
			"revision%s",
			*n, *n == 1 ? "" : "s");
	return rc;
}

/* Write TEXT to the new file PATH; never replaces an existing file. */
static int
write_new_file(const char *path, const retort_buf *text, retort_error *err)
{
	FILE *f = fopen(path, "wx");

	if (!f)
		return retort_error_set(
			err, errno == EEXIST ? RETORT_EUNSAFE : RETORT_EIO,
			path, "cannot create: %s", strerror(errno));
	if (fwrite(text->ptr, 1, text->size, f) != text->size || fflush(f)) {
		fclose(f);
		remove(path);
		return retort_error_set(err, RETORT_EIO, path, "write error");
	}
	if (fclose(f)) {
		remove(path);
		return retort_error_set(err, RETORT_EIO, path, "write error");
	}
	return RETORT_OK;
}

/* The revision's id: --rev-id checked, or a new random one. */
static int
pick_id(char id[13],
	const retort_project *p,
	const retort_revision_options *ro,
	retort_error *err)
{
	const retort_revision *old;

	if (!ro->rev_id)
		return new_id(id, p, err);
	if (!retort_migrate__is_revid(ro->rev_id))
		return retort_error_set(
			err, RETORT_EINVAL, ro->rev_id,
			"a revision id is 12 lowercase hex digits");
	if ((old = retort_project_find(p, ro->rev_id)) != NULL)
		return retort_error_set(
			err, RETORT_EINVAL, ro->rev_id,
			"revision %s exists already (%s)", ro->rev_id,
			old->path);
	memcpy(id, ro->rev_id, 13);
	return RETORT_OK;
}

/* Build the file's text into TEXT and its name into NAME. */
static int
compose(retort_buf *text,
	retort_buf *name,
	const retort_project *p,
	const retort_revision_options *ro,
	retort_error *err)
{
	size_t *par = retort__malloc((p->n + 1) * sizeof(size_t)), npar = 0, i;
	const char **ids = retort__calloc(p->n + 1, sizeof(char *));
	const char *msg =
		ro->message && ro->message[0] ? ro->message : "empty message";
	int64_t now = ro->now ? ro->now : (int64_t)time(NULL);
	retort_revfile_spec spec;
	retort_buf date_buf = RETORT_BUF_INIT;
	char id[13], date[64];
	when w;
	int rc;

	if (!par || !ids) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = choose_parents(par, &npar, p, ro, err)) < 0 ||
	    (rc = pick_id(id, p, ro, err)) < 0 ||
	    (rc = when_at(&w, now, ro->timezone, err)) < 0 ||
	    (rc = retort_revision_filename(
		     name, ro->file_template, id, msg, now, ro->timezone,
		     err)) < 0)
		goto done;
	for (i = 0; i < npar; i++)
		ids[i] = p->files[par[i]].rev.id;
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &w.tm);
	retort_buf_printf(&date_buf, "%s %s", date, w.label);
	spec = (retort_revfile_spec){ id,         ids,          npar,
				      msg,        date_buf.ptr, ro->schema,
				      ro->up_sql, ro->down_sql };
	retort_migrate__format(text, &spec);
	retort_buf_puts(name, ".sql");
	if (retort_buf_oom(text) || retort_buf_oom(name))
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
done:
	retort_buf_dispose(&date_buf);
	retort__free(par);
	retort__free(ids);
	return rc;
}

int retort_revision_write(
	retort_buf *path_out,
	const retort_revision_options *ropts,
	const retort_migrate_options *opts,
	retort_error *err)
{
	retort_revision_options none = RETORT_REVISION_OPTIONS_INIT;
	retort_buf text = RETORT_BUF_INIT, name = RETORT_BUF_INIT;
	retort_project *p = NULL;
	retort_revfile check;
	retort_arena arena = RETORT_ARENA_INIT;
	int rc;

	retort_buf_clear(path_out);
	if ((rc = retort_project_open(&p, opts, err)) < 0 ||
	    (rc = compose(&text, &name, p, ropts ? ropts : &none, err)) < 0)
		goto done;
	retort_buf_printf(path_out, "%s/%s", p->versions_dir, name.ptr);
	if (retort_buf_oom(path_out)) {
		rc = retort_error_set(
			err, RETORT_ENOMEM, NULL, "out of memory");
		goto done;
	}
	/* what we write must read back: a message cannot break the header */
	rc = retort_migrate__parse(
		&check, &arena, path_out->ptr, text.ptr, text.size, err);
	if (rc == RETORT_OK)
		rc = write_new_file(path_out->ptr, &text, err);
done:
	if (rc < 0)
		retort_buf_clear(path_out);
	retort__arena_dispose(&arena);
	retort_buf_dispose(&text);
	retort_buf_dispose(&name);
	retort_project_free(p);
	return rc;
}
