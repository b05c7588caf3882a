#!/usr/bin/env bash
# bench/diff.sh -- how long `retort diff` takes beyond loading its two
# schemas (issue 3: at 10,000 tables differing in 50 places, under 100 ms).
#
# For each size it generates two schemas with bench/diff_gen.awk (the second
# differs from the first in CHANGES places) and builds them as databases
# with the sqlite3 shell (-j: also as JSON snapshots, which are then the
# sources).  Then it times, best of RUNS, in CPU time (see best_ms):
#   load:   `retort snapshot A` + `retort snapshot B`: loading alone (plus
#           writing the JSON)
#   self:   `retort diff A A --format json`: loading twice, and a comparison
#           that the fingerprints settle at once
#   diff:   `retort diff A B --format json`
# and the ratio diff / load.  As comparing takes milliseconds where
# loading takes seconds, the command line cannot show it apart from the
# noise of loading: bench/diff_time.c, built here against the static
# library, loads both sources once and times retort_diff_compare() and the
# text report alone (wall time, best of RUNS): "compare ms", "report ms".
#
# Usage: bench/diff.sh [-b BUILD_DIR] [-r RUNS] [-c CHANGES] [-j] [SIZE...]
# Defaults: build/, 3 runs, 50 changes, sizes 100 1000 10000.  Build with
# -DCMAKE_BUILD_TYPE=Release for figures worth quoting.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
runs=3
changes=50
json=0
while getopts "b:r:c:jh" opt; do
	case $opt in
	b) build=$OPTARG ;;
	r) runs=$OPTARG ;;
	c) changes=$OPTARG ;;
	j) json=1 ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sizes=("${@:-100 1000 10000}")
read -r -a sizes <<<"${sizes[*]}"

retort="$build/retort"
lib="$build/libretort.a"
if [[ ! -x $retort ]]; then
	echo "diff.sh: $retort not found: build first (cmake --build build)" >&2
	exit 2
fi
command -v sqlite3 >/dev/null || { echo "diff.sh: needs the sqlite3 shell" >&2; exit 2; }
for cmd in diff snapshot; do
	if ! "$retort" "$cmd" --help >/dev/null 2>&1; then
		echo "diff.sh: this retort has no '$cmd' command" >&2
		exit 2
	fi
done

work=$(mktemp -d /tmp/retort-bench-diff.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ ! -f $lib ]]; then
	echo "diff.sh: $lib not found: build first" >&2
	exit 2
fi
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$here/../include" \
	"$here/diff_time.c" "$lib" \
	$(pkg-config --libs sqlite3 libcjson libxxhash inih) -o "$work/diff_time"

# Milliseconds of CPU (user + system) taken by the command, best of
# $runs: CPU time, not wall time, because the machines this runs on are
# shared and a few hundred milliseconds of waiting would hide what is
# measured.  Its output is discarded; retort diff exits 1 when the schemas
# differ, which is expected here.
best_ms() {
	local best="" i t ms
	for ((i = 0; i < runs; i++)); do
		t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1 || [[ $? -eq 1 ]]; } 2>&1 )
		ms=$(awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.1f", (a[1] + a[2]) * 1000 }')
		if [[ -z $best ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$ms
		fi
	done
	echo "$best"
}

load_both() {
	"$retort" snapshot "$1" >/dev/null && "$retort" snapshot "$2" >/dev/null
}

printf "%-7s %-5s %9s %9s %9s %6s %11s %10s %5s\n" tables src "load ms" \
	"self ms" "diff ms" ratio "compare ms" "report ms" ops
for n in "${sizes[@]}"; do
	a="$work/a$n.db" b="$work/b$n.db"
	awk -v n="$n" -v variant=0 -v changes="$changes" -f "$here/diff_gen.awk" | sqlite3 "$a"
	awk -v n="$n" -v variant=1 -v changes="$changes" -f "$here/diff_gen.awk" | sqlite3 "$b"
	src=db
	if ((json)); then
		"$retort" snapshot "$a" -o "$work/a$n.json"
		"$retort" snapshot "$b" -o "$work/b$n.json"
		a="$work/a$n.json" b="$work/b$n.json" src=json
	fi
	load=$(best_ms load_both "$a" "$b")
	self=$(best_ms "$retort" diff "$a" "$a" --format json)
	diff=$(best_ms "$retort" diff "$a" "$b" --format json)
	read -r _ cmp rep ops < <("$work/diff_time" "$a" "$b" "$runs")
	awk -v n="$n" -v s="$src" -v l="$load" -v e="$self" -v d="$diff" \
		-v c="$cmp" -v r="$rep" -v o="$ops" 'BEGIN {
		printf "%-7s %-5s %9.1f %9.1f %9.1f %6.2f %11.2f %10.2f %5d\n",
			n, s, l, e, d, d / l, c, r, o
	}'
done
echo "load/self/diff: CPU ms of the command, best of $runs; compare/report: in-process wall ms, best of $runs"
echo "goal: compare under 100 ms at 10000 tables and $changes changes"
