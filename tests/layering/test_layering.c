/*
** test_layering.c -- the module layering of STYLE.md, checked on the
** sources: cli -> migrations -> {emit, introspect} -> libdiff.  A file may
** include (with "...") only headers of its own module, of the modules
** below it, or public headers; cli may include public headers only.
** Groups: layering_includes.
*/
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Modules and the modules each may include from (besides itself). */
static const struct {
	const char *module;  /* directory */
	const char *allowed; /* space-separated lower modules */
} layers[] = {
	{ "libdiff", "" },     { "introspect", "libdiff" },
	{ "emit", "libdiff" }, { "migrations", "libdiff introspect emit" },
	{ "cli", "" },
};

/* Which module directory holds a header named NAME; NULL if none. */
static const char *module_of_header(const char *name)
{
	static char path[4096];
	size_t i;

	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		FILE *f;

		snprintf(
			path, sizeof(path), "%s/%s/%s", RETORT_SOURCE_DIR,
			layers[i].module, name);
		f = fopen(path, "r");
		if (f) {
			fclose(f);
			return layers[i].module;
		}
	}
	return NULL;
}

static bool allowed(size_t layer, const char *owner)
{
	const char *list = layers[layer].allowed;
	size_t n = strlen(owner);

	if (!strcmp(owner, layers[layer].module))
		return true;
	for (const char *p = strstr(list, owner); p; p = strstr(p + 1, owner))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* Check every #include "..." of FILE (in module LAYER). */
static int check_file(size_t layer, const char *file)
{
	char path[4096], line[1024];
	int bad = 0;
	FILE *f;

	snprintf(
		path, sizeof(path), "%s/%s/%s", RETORT_SOURCE_DIR,
		layers[layer].module, file);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char name[512];
		const char *owner;

		if (sscanf(line, " # include \"%511[^\"]\"", name) != 1)
			continue;
		if (!strncmp(name, "retort/", 7) || !strcmp(name, "retort.h"))
			continue; /* public headers: always allowed */
		owner = module_of_header(name);
		if (!owner)
			continue; /* generated or system-like header */
		if (!allowed(layer, owner)) {
			cr_log_error(
				"%s/%s includes %s of module %s",
				layers[layer].module, file, name, owner);
			bad++;
		}
	}
	fclose(f);
	return bad;
}

Test(layering_includes, modules_include_only_lower_layers)
{
	size_t i;
	int bad = 0, files = 0;

	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		char dir[4096];
		struct dirent *e;
		DIR *d;

		snprintf(
			dir, sizeof(dir), "%s/%s", RETORT_SOURCE_DIR,
			layers[i].module);
		d = opendir(dir);
		if (!d)
			continue;
		while ((e = readdir(d)) != NULL) {
			size_t n = strlen(e->d_name);

			if (n < 3 || e->d_name[0] == '.' ||
			    (strcmp(e->d_name + n - 2, ".c") &&
			     strcmp(e->d_name + n - 2, ".h")))
				continue;
			bad += check_file(i, e->d_name);
			files++;
		}
		closedir(d);
	}
	cr_expect_gt(files, 5, "the source tree was not found");
	cr_expect_eq(bad, 0, "%d upward or sideways includes", bad);
}
