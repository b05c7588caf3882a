/*
** retort.h -- umbrella header of libretort, the SQLite schema
** autogenerate and migration library.  Users write #include <retort.h>.
*/
#ifndef RETORT_H
#define RETORT_H

#include "retort/common.h"
#include "retort/config.h"
#include "retort/diff.h"
#include "retort/emit.h"
#include "retort/migrate.h"
#include "retort/schema.h"

#endif /* RETORT_H */
