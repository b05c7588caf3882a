#!/usr/bin/env bash
# bench/rebuild.sh -- the cost of retort's table rebuild (issue 4: at most
# 1.3x the bare copy).  A table of ROWS rows is rebuilt (a column changes
# type, so SQLite's ALTER TABLE cannot do it) two ways, on fresh copies of
# the same database file, alternating, best of RUNS each:
#   script: the upgrade retort emits, run whole by the sqlite3 shell
#           (foreign keys off, transaction, copy, sqlite_sequence, drop,
#           rename, index re-creation, the final checks);
#   bare:   BEGIN; CREATE TABLE new (...); INSERT INTO new SELECT ... FROM
#           old; COMMIT -- the copy alone, nothing dropped or checked.
# The table has the same index on both sides, so both re-create it.
#
# Both are timed twice: with secure_delete as the linked SQLite has it
# (Debian builds with SQLITE_SECURE_DELETE: DROP TABLE then overwrites and
# journals every page of the old table, a cost the bare copy, which drops
# nothing, does not pay; the script leaves the user's setting alone), and
# with PRAGMA secure_delete=0, SQLite's own default, set for both.
#
# The script comes from `retort diff FROM TO --format sql` when the CLI has
# it, else from a small program built here against libretort.a (public
# API: retort_schema_load, retort_diff_compare, retort_emit_plan).
#
# Usage: bench/rebuild.sh [-b BUILD_DIR] [-r RUNS] [-n ROWS]
# Defaults: build/, 5 runs, 1000000 rows.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
runs=5
rows=1000000
while getopts "b:r:n:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	r) runs=$OPTARG ;;
	n) rows=$OPTARG ;;
	*) sed -n '2,19p' "$0"; exit 2 ;;
	esac
done

command -v sqlite3 >/dev/null || { echo "rebuild.sh: needs the sqlite3 shell" >&2; exit 2; }
work=$(mktemp -d /tmp/retort-bench-rebuild.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/from.sql" <<'EOF'
CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  qty INT, price REAL, data BLOB);
CREATE INDEX t_name ON t(name);
EOF
cat >"$work/to.sql" <<'EOF'
CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  qty NUMERIC, price REAL, data BLOB);
CREATE INDEX t_name ON t(name);
EOF

# The FROM database with ROWS rows.
sqlite3 "$work/from.db" <"$work/from.sql"
sqlite3 "$work/from.db" <<EOF
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO t(name, qty, price, data)
  SELECT 'name ' || (i * 7919 % $rows), i % 1000, i / 7.0, randomblob(16) FROM n;
EOF

# The emitted upgrade script.
emit_with_cli() {
	"$build/retort" diff "$work/from.db" "$work/to.sql" --format sql \
		>"$work/up.sql" 2>/dev/null || [[ $? -eq 1 ]]
	[[ -s $work/up.sql ]]
}
emit_with_library() {
	cat >"$work/emit.c" <<'EOF'
#include <stdio.h>
#include <retort.h>
int main(int argc, char **argv)
{
	retort_error err = RETORT_ERROR_INIT;
	retort_schema *from = NULL, *to = NULL;
	retort_diff *diff = NULL;
	retort_plan *plan = NULL;

	(void)argc;
	if (retort_schema_load(&from, argv[1], NULL, &err) < 0 ||
	    retort_schema_load(&to, argv[2], NULL, &err) < 0 ||
	    retort_diff_compare(&diff, from, to, NULL, &err) < 0 ||
	    retort_emit_plan(&plan, diff, NULL, &err) < 0) {
		fprintf(stderr, "emit: %s: %s\n", err.what, err.why);
		return 2;
	}
	fputs(retort_plan_upgrade(plan), stdout);
	return 0;
}
EOF
	cc -O2 -DRETORT_STATIC -I"$here/../include" -o "$work/emit" "$work/emit.c" \
		"$build/libretort.a" $(pkg-config --libs sqlite3 libcjson libxxhash inih)
	"$work/emit" "$work/from.db" "$work/to.sql" >"$work/up.sql"
}
if ! emit_with_cli; then
	[[ -f $build/libretort.a ]] || { echo "rebuild.sh: $build/libretort.a not found: build first" >&2; exit 2; }
	emit_with_library
fi
grep -q 'INSERT OR ABORT INTO "retort_new_t"' "$work/up.sql" ||
	{ echo "rebuild.sh: the emitted script does not rebuild t" >&2; exit 2; }

cat >"$work/bare.sql" <<'EOF'
BEGIN;
CREATE TABLE new_t(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  qty NUMERIC, price REAL, data BLOB);
INSERT INTO new_t (id, name, qty, price, data)
  SELECT id, name, qty, price, data FROM t;
CREATE INDEX new_t_name ON new_t(name);
COMMIT;
EOF

# Seconds taken by the sqlite3 shell running $1 on a fresh copy, with
# PRAGMA secure_delete=$2 first ("" leaves it as it is).
time_script() {
	local t0 t1 pre=""
	[[ -n $2 ]] && pre="PRAGMA secure_delete=$2;"
	cp "$work/from.db" "$work/run.db"
	sync
	t0=$EPOCHREALTIME
	{ echo "$pre"; cat "$1"; } | sqlite3 -bail "$work/run.db" >/dev/null
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

declare -A best
for ((i = 0; i < runs; i++)); do
	for sd in lib 0; do
		arg=$sd
		[[ $sd == lib ]] && arg=""
		best[bare$sd]=$(min "$(time_script "$work/bare.sql" "$arg")" "${best[bare$sd]:-}")
		best[script$sd]=$(min "$(time_script "$work/up.sql" "$arg")" "${best[script$sd]:-}")
	done
done
lib_sd=$(sqlite3 :memory: "PRAGMA secure_delete;")
# the script's result is right: every row kept, the AUTOINCREMENT mark too
cp "$work/from.db" "$work/run.db"
sqlite3 -bail "$work/run.db" <"$work/up.sql" >/dev/null
got=$(sqlite3 "$work/run.db" "SELECT count(*) FROM t; SELECT seq FROM sqlite_sequence WHERE name = 't';" | tr '\n' ' ')
[[ $got == "$rows $rows " ]] || { echo "rebuild.sh: wrong result: $got" >&2; exit 1; }

printf "%-10s %-16s %10s %10s %8s\n" rows secure_delete "bare s" "script s" ratio
for sd in lib 0; do
	label=$sd
	[[ $sd == lib ]] && label="$lib_sd (library)"
	awk -v n="$rows" -v l="$label" -v b="${best[bare$sd]}" -v s="${best[script$sd]}" 'BEGIN {
		printf "%-10d %-16s %10.3f %10.3f %8.2f\n", n, l, b, s, s / b
	}'
done
echo "goal: ratio at most 1.30 (best of $runs runs each, same machine, same run)"
