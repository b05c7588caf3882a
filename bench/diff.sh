#!/usr/bin/env bash
# bench/diff.sh -- how long `retort diff` takes beyond loading its two
# schemas (issue 3: at 10,000 tables differing in 50 places, under 100 ms).
#
# For each size it generates two schemas with bench/diff_gen.awk (the second
# differs from the first in CHANGES places), builds them as databases with
# the sqlite3 shell, writes their JSON snapshots, then times, best of RUNS:
#   load: `retort snapshot A` + `retort snapshot B` (loading alone, plus
#         writing JSON, which makes the estimate of the comparison low)
#   diff: `retort diff A B --format json`
# and prints the table, compare = diff - load, and the ratio diff / load.
#
# Usage: bench/diff.sh [-b BUILD_DIR] [-r RUNS] [-c CHANGES] [-j] [SIZE...]
#   -j  compare JSON snapshots instead of databases
# Defaults: build/, 3 runs, 50 changes, sizes 100 1000 10000.
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

# Milliseconds taken by the command, best of $runs (its output discarded;
# retort diff exits 1 when the schemas differ, which is expected here).
best_ms() {
	local best="" i t0 t1 ms
	for ((i = 0; i < runs; i++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || [[ $? -eq 1 ]]
		t1=$EPOCHREALTIME
		ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
		if [[ -z $best ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$ms
		fi
	done
	echo "$best"
}

load_both() {
	"$retort" snapshot "$1" >/dev/null && "$retort" snapshot "$2" >/dev/null
}

printf "%-8s %-6s %10s %10s %12s %8s %6s\n" tables source "load ms" "diff ms" "compare ms" ratio ops
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
	ops=$("$retort" diff "$a" "$b" --format json 2>/dev/null | grep -c '"kind"' || true)
	load=$(best_ms load_both "$a" "$b")
	diff=$(best_ms "$retort" diff "$a" "$b" --format json)
	awk -v n="$n" -v s="$src" -v l="$load" -v d="$diff" -v o="$ops" 'BEGIN {
		printf "%-8s %-6s %10.1f %10.1f %12.1f %8.2f %6d\n", n, s, l, d, d - l, d / l, o
	}'
done
echo "compare = diff - load; goal: under 100 ms at 10000 tables and $changes changes"
