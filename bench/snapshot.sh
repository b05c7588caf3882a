#!/usr/bin/env bash
# bench/snapshot.sh -- how fast is `retort snapshot` next to `sqlite3 DB
# .schema` (which only prints the stored text), and how much memory does
# it take?  Generates databases of 100, 1,000 and 10,000 tables with
# bench/gen_schema.awk, times both tools on each in the same run (best of
# N wall-clock runs) and measures peak RSS with GNU time.  Goal at 10,000
# tables: within 2x of sqlite3 and under 100 MB.  Not a test: it prints.
# The databases are kept in bench/results/ (ignored by git) and reused
# while gen_schema.awk is unchanged: sqlite3 takes minutes to create the
# 10,000-table one (each CREATE scans sqlite_schema, so n CREATEs cost
# n^2).
#
#   bench/snapshot.sh [-n RUNS] [SIZES...]      (default: -n 5 100 1000 10000)
#   RETORT=path/to/retort bench/snapshot.sh     (default: build-release/retort)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
retort=${RETORT:-build-release/retort}

if [ ! -x /usr/bin/time ]; then
	echo "== installing GNU time" >&2
	apt-get update -qq && apt-get install -y -qq time
fi
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 2; }
if [ -z "${RETORT:-}" ]; then # our own build, brought up to date
	echo "== building $retort" >&2
	cmake -S . -B build-release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build-release -j2 --target retort >/dev/null
fi

work=$(mktemp -d /tmp/retort-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
cache=bench/results
mkdir -p "$cache"
gen_id=$(cksum <bench/gen_schema.awk | cut -d' ' -f1)

# database N: the path of the N-table database, made if not cached.
database() {
	local db="$cache/t$1-$gen_id.db"
	if [ ! -f "$db" ]; then
		echo "== generating $1 tables (once)" >&2
		awk -v n="$1" -f bench/gen_schema.awk | sqlite3 "$db.tmp" >/dev/null
		mv "$db.tmp" "$db"
	fi
	echo "$db"
}

# best COMMAND...: run COMMAND $runs times (stdout to /dev/null); sets
# best_s (fastest wall-clock seconds), best_cpu (user + system seconds of
# that run: less sensitive to a busy machine) and best_kb (its peak RSS,
# KB).  A failing run stops the benchmark.
best() {
	local i t0 t1 kb cpu t
	best_s=""
	best_kb=0
	best_cpu=0
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null 2>"$work/err" || {
			echo "bench: failed: $*" >&2
			cat "$work/err" >&2
			exit 1
		}
		t1=$(date +%s%N)
		kb=$(tail -n 1 "$work/rss" | cut -d' ' -f1)
		cpu=$(tail -n 1 "$work/rss" | awk '{ printf "%.2f", $2 + $3 }')
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
		if [ -z "$best_s" ] || awk -v a="$t" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
			best_s=$t
			best_kb=$kb
			best_cpu=$cpu
		fi
	done
}

echo "retort: $("$retort" --version)"
echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); best of $runs runs"
echo
printf '%7s %8s %16s %16s %13s %11s %11s\n' tables "db (MB)" "sqlite3 s (cpu)" "retort s (cpu)" "ratio (cpu)" "retort RSS" "sqlite3 RSS"
verdict=""
for n in "${sizes[@]}"; do
	db=$(database "$n")
	size=$(awk -v b="$(stat -c %s "$db")" 'BEGIN { printf "%.1f", b / 1048576 }')
	best sqlite3 "$db" .schema
	s_s=$best_s s_kb=$best_kb s_cpu=$best_cpu
	best "$retort" snapshot "$db"
	r_s=$best_s r_kb=$best_kb r_cpu=$best_cpu
	ratio=$(awk -v a="$r_s" -v b="$s_s" 'BEGIN { printf "%.2f", a / b }')
	cratio=$(awk -v a="$r_cpu" -v b="$s_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%7d %8s %16s %16s %13s %8.1f MB %8.1f MB\n' "$n" "$size" "$s_s ($s_cpu)" "$r_s ($r_cpu)" "${ratio}x (${cratio}x)" \
		"$(awk -v k="$r_kb" 'BEGIN { print k / 1024 }')" "$(awk -v k="$s_kb" 'BEGIN { print k / 1024 }')"
	if [ "$n" = 10000 ]; then
		verdict=$(awk -v r="$ratio" -v c="$cratio" -v k="$r_kb" 'BEGIN {
			printf "goal at 10,000 tables (<= 2x sqlite3, < 100 MB): %s (%.2fx wall clock, %.2fx cpu, %.1f MB)",
				(r <= 2 && k < 102400) ? "met" : "MISSED", r, c, k / 1024 }')
	fi
done
[ -z "$verdict" ] || { echo; echo "$verdict"; }
