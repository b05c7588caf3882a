/*
** main.c -- the retort command: global options, then a command table
** (cli layer: a thin client of the public API).
*/
#include <stdio.h>
#include <string.h>

#include "retort.h"

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("retort %s\n", RETORT_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: retort <command> [<args>]\n");
	return 2;
}
