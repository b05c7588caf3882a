/*
** output.c -- writing a command's result to stdout or to a file, never
** leaving a partial file behind: a temporary file in the same folder is
** written, flushed, closed and then renamed over the target (cli layer).
*/
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file's name: PATH plus ".tmp-XXXXXX", for mkstemp(). */
static char *temp_name(const char *path)
{
	static const char suffix[] = ".tmp-XXXXXX";
	size_t n = strlen(path);
	char *t = malloc(n + sizeof(suffix));

	if (!t)
		return NULL;
	memcpy(t, path, n);
	memcpy(t + n, suffix, sizeof(suffix));
	return t;
}

/* Give the temporary file the mode a new file would get (umask). */
static int set_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	return fchmod(fd, 0666 & ~mask);
}

int cli_out_open(cli_out *o, const char *path, retort_error *err)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return RETORT_OK;
	}
	o->path = path;
	o->tmp = temp_name(path);
	if (!o->tmp)
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	fd = mkstemp(o->tmp);
	if (fd >= 0 && set_mode(fd) == 0)
		o->f = fdopen(fd, "wb");
	if (!o->f) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return retort_error_set(
			err, RETORT_EIO, path, "cannot create: %s",
			strerror(e));
	}
	return RETORT_OK;
}

int cli_out_write(void *ctx, const char *data, size_t len, retort_error *err)
{
	cli_out *o = ctx;

	if (fwrite(data, 1, len, o->f) == len)
		return RETORT_OK;
	return retort_error_set(
		err, RETORT_EIO, o->path ? o->path : "stdout",
		"write error: %s", strerror(errno));
}

int cli_out_close(cli_out *o, int rc, retort_error *err)
{
	if (!o->tmp) /* stdout: main() checks it at exit */
		return rc;
	if (rc == RETORT_OK && (fflush(o->f) || ferror(o->f)))
		rc = retort_error_set(
			err, RETORT_EIO, o->path, "write error: %s",
			strerror(errno));
	if (fclose(o->f) && rc == RETORT_OK)
		rc = retort_error_set(
			err, RETORT_EIO, o->path, "write error: %s",
			strerror(errno));
	if (rc == RETORT_OK && rename(o->tmp, o->path))
		rc = retort_error_set(
			err, RETORT_EIO, o->path, "cannot write: %s",
			strerror(errno));
	if (rc != RETORT_OK)
		unlink(o->tmp);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

int cli_write_output(
	const char *path, const char *data, size_t len, retort_error *err)
{
	cli_out o;
	int rc = cli_out_open(&o, path, err);

	if (rc != RETORT_OK)
		return rc;
	return cli_out_close(&o, cli_out_write(&o, data, len, err), err);
}
