#!/usr/bin/env bash
# bench/check.sh -- how fast is `retort check` on an up-to-date database next
# to `sqlite3 DB .schema` (which only prints the stored text)?  For 100, 1,000
# and 10,000 tables (bench/gen_schema.awk) it makes a project whose one
# revision creates the schema, with its Schema: line, a database at that
# revision (stamped) and the model as a JSON snapshot, checks that `retort
# check` passes, then times both tools in the same run (best of N wall-clock
# runs) and measures peak RSS with GNU time.  Goal at 10,000 tables: within
# 3x of sqlite3.  Not a test: it prints.
#
# What `check` does here: reads the revision (its checksum), opens the
# database, reads the version tables, introspects the live schema and
# compares its fingerprint with the Schema: line (checks 1-3), loads the
# model and compares its fingerprint with the head's Schema: line (check 4).
# Nothing is replayed.  Loading the model (a 47 MB snapshot at 10,000
# tables) is about as costly as the database checks together: the JSON
# reader's share.  A replay, or a model given as .sql, executes the
# 10,000 CREATE statements in memory, which SQLite does in quadratic time
# (minutes; see bench/snapshot.sh), whatever retort does.
#
#   bench/check.sh [-n RUNS] [SIZES...]      (default: -n 5 100 1000 10000)
#   RETORT=path/to/retort bench/check.sh     (default: build-release/retort)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
retort=${RETORT:-build-release/retort}
case "$retort" in /*) ;; *) retort="$PWD/$retort" ;; esac

if [ ! -x /usr/bin/time ]; then
	echo "== installing GNU time" >&2
	apt-get update -qq && apt-get install -y -qq time
fi
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 2; }
if [ ! -x "$retort" ]; then
	echo "== building $retort" >&2
	cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build-release -j2 --target retort >/dev/null
fi

work=$(mktemp -d /tmp/retort-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=bench/results
mkdir -p "$cache"
gen_id=$(cksum <bench/gen_schema.awk | cut -d' ' -f1)

# database N: the path of the N-table database (shared with snapshot.sh).
database() {
	local db="$cache/t$1-$gen_id.db"
	if [ ! -f "$db" ]; then
		echo "== generating $1 tables (once)" >&2
		awk -v n="$1" -f bench/gen_schema.awk | sqlite3 "$db.tmp" >/dev/null
		mv "$db.tmp" "$db"
	fi
	echo "$db"
}

# project N DB: a project in $work/pN at head, its database a copy of DB.
project() {
	local p="$work/p$1" fp
	mkdir -p "$p/migrations/versions"
	cp "$2" "$p/app.db"
	"$retort" snapshot "$p/app.db" -o "$p/model.json"
	fp=$(sed -n 's/^[[:space:]]*"fingerprint":[[:space:]]*"\(xxh3:[0-9a-f]*\)".*/\1/p' "$p/model.json" | head -n 1)
	[ -n "$fp" ] || { echo "bench: no fingerprint in the snapshot" >&2; exit 1; }
	{
		printf -- '-- the whole schema\n--\n-- Revision ID: 000000000001\n'
		printf -- '-- Revises:\n-- Create Date: 2026-01-01 00:00:00 UTC\n'
		printf -- '-- Schema: %s\n\n-- migrate:up\n' "$fp"
		awk -v n="$1" -f bench/gen_schema.awk | grep -v -e '^PRAGMA' -e '^BEGIN;' -e '^COMMIT;'
		printf -- '\n-- migrate:down\nSELECT 1;\n'
	} >"$p/migrations/versions/000000000001_schema.sql"
	printf '[retort]\nscript_location = migrations\ndatabase = app.db\nmodel = model.json\n' >"$p/retort.ini"
	"$retort" -c "$p/retort.ini" stamp head 2>/dev/null
	echo "$p"
}

# best COMMAND...: run COMMAND $runs times (stdout to /dev/null); sets best_s
# (fastest wall-clock seconds) and best_kb (peak RSS of that run, KB).  A
# run that exits 2 stops the benchmark (1 is a failed check: reported).
best() {
	local i t0 t1 kb st
	best_s=""
	best_kb=0
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		st=0
		/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err" || st=$?
		t1=$(date +%s%N)
		if [ "$st" -ne 0 ]; then
			echo "bench: exit $st: $*" >&2
			cat "$work/err" >&2
			exit 1
		fi
		kb=$(tail -n 1 "$work/rss")
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
		if [ -z "$best_s" ] || awk -v a="$t" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
			best_s=$t
			best_kb=$kb
		fi
	done
}

echo "retort: $("$retort" --version)"
echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
echo "machine: $(nproc) cores, $(uname -m); best of $runs runs"
echo
printf '%8s %14s %14s %7s %18s %7s %14s\n' tables "sqlite3 (s)" "check (s)" ratio "check -db (s)" ratio "check RSS"
verdict=""
for n in "${sizes[@]}"; do
	db=$(database "$n")
	p=$(project "$n" "$db")
	"$retort" -c "$p/retort.ini" check >"$work/check.out" || {
		echo "bench: retort check does not pass on the $n-table project:" >&2
		cat "$work/check.out" >&2
		exit 1
	}
	best sqlite3 "$p/app.db" .schema
	s_s=$best_s
	best "$retort" -c "$p/retort.ini" check
	c_s=$best_s c_kb=$best_kb
	best "$retort" -c "$p/retort.ini" check --pending --drift --edited
	d_s=$best_s
	ratio=$(awk -v a="$c_s" -v b="$s_s" 'BEGIN { printf "%.2f", a / b }')
	dratio=$(awk -v a="$d_s" -v b="$s_s" 'BEGIN { printf "%.2f", a / b }')
	printf '%8d %14s %14s %6sx %18s %6sx %11.1f MB\n' "$n" "$s_s" "$c_s" "$ratio" "$d_s" "$dratio" \
		"$(awk -v k="$c_kb" 'BEGIN { print k / 1024 }')"
	if [ "$n" = 10000 ]; then
		verdict=$(awk -v r="$ratio" -v d="$dratio" 'BEGIN {
			printf "goal at 10,000 tables (check <= 3x sqlite3 .schema): %s (%.2fx); checks 1-3 alone: %s (%.2fx)",
				(r <= 3) ? "met" : "MISSED", r, (d <= 3) ? "met" : "MISSED", d }')
	fi
	rm -rf "$p"
done
echo
echo "check: checks 1-4 with the model as a JSON snapshot; check -db: checks 1-3 only"
[ -z "$verdict" ] || { echo; echo "$verdict"; }
