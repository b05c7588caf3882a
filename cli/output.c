/*
** output.c -- writing a command's result to a file or stdout, never
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

/* Write DATA to the open FD (then closed), as the file PATH. */
static int write_fd(
	int fd,
	const char *path,
	const char *data,
	size_t len,
	retort_error *err)
{
	FILE *f = fdopen(fd, "wb");

	if (!f) {
		int e = errno;

		close(fd);
		return retort_error_set(
			err, RETORT_EIO, path, "cannot write: %s", strerror(e));
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) || ferror(f) ||
	    set_mode(fileno(f))) {
		int e = errno;

		fclose(f);
		return retort_error_set(
			err, RETORT_EIO, path, "cannot write: %s", strerror(e));
	}
	if (fclose(f))
		return retort_error_set(
			err, RETORT_EIO, path, "cannot write: %s",
			strerror(errno));
	return RETORT_OK;
}

int cli_write_output(
	const char *path, const char *data, size_t len, retort_error *err)
{
	char *tmp;
	int fd, rc;

	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len)
			return retort_error_set(
				err, RETORT_EIO, "stdout", "write error: %s",
				strerror(errno));
		return RETORT_OK;
	}
	tmp = temp_name(path);
	if (!tmp)
		return retort_error_set(
			err, RETORT_ENOMEM, path, "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = retort_error_set(
			err, RETORT_EIO, path, "cannot create: %s",
			strerror(errno));
		free(tmp);
		return rc;
	}
	rc = write_fd(fd, path, data, len, err);
	if (rc == RETORT_OK && rename(tmp, path))
		rc = retort_error_set(
			err, RETORT_EIO, path, "cannot write: %s",
			strerror(errno));
	if (rc != RETORT_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}
