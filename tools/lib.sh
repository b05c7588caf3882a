# tools/lib.sh -- shared by tools/demo and tools/test (sourced, not run):
# install the Debian packages that are missing, and configure and build
# retort in a build folder of the source tree.

# Packages retort needs to build, test and benchmark (Debian 12).
RETORT_PACKAGES=(build-essential cmake pkg-config sqlite3 libsqlite3-dev
	libcjson-dev libxxhash-dev libcriterion-dev libinih-dev valgrind time)

# Install what is missing; nothing at all (not even apt-get update) when
# everything is there, so that a second run works offline.
retort_install_deps() {
	local missing=() p sudo=()
	for p in "${RETORT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || {
			echo "retort: installing ${missing[*]} needs root" >&2
			return 1
		}
		sudo=(sudo)
	fi
	echo "== installing: ${missing[*]}"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"
}

# retort_build DIR [cmake options...]: configure (once) and build in DIR.
retort_build() {
	local dir=$1
	shift
	echo "== building in $dir"
	mkdir -p "$dir"
	cmake -S . -B "$dir" "$@" >"$dir/configure.log" 2>&1 || {
		cat "$dir/configure.log" >&2
		return 1
	}
	cmake --build "$dir" -j2 >/dev/null
}
