#!/bin/sh
# Builds dossier out of tree, with warnings as errors in _build-check and
# with AddressSanitizer and UndefinedBehaviorSanitizer in _build-sanitize,
# and runs the whole test suite (make check) in both, the plain build also
# under valgrind memcheck; then builds the
# libFuzzer harnesses with clang in _build-fuzz and runs each for
# FUZZ_SECONDS (default 30) seconds.
# Run as root, it also enables and generates the de_DE.UTF-8 locale for
# the comma-decimal pass of the golden cases.
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$top_srcdir"
jobs=$(nproc 2>/dev/null || echo 2)

[ -x configure ] || autoreconf -fi

# A comma-decimal locale for the locale pass of the golden cases.
if ! locale -a 2>/dev/null | grep -qi '^de_DE.utf-\?8$'; then
	if [ -w /etc/locale.gen ] && command -v locale-gen >/dev/null; then
		sed -i 's/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen
		locale-gen >/dev/null 2>&1 || true
	fi
fi

# Node.js and npm for the SBOM schema check: Debian's packages, when the
# machine has no npm. A Node.js from NodeSource bundles its own npm, which
# conflicts with Debian's npm package, so it is left alone.
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi

build() {
	dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || ../configure --enable-werror "$@"; } &&
		make -j"$jobs" && make -j"$jobs" check) || {
		for log in "$dir"/tests/*.log "$dir"/tests/unit/*.log; do
			[ -f "$log" ] && { echo "== $log"; tail -n 40 "$log"; }
		done
		exit 1
	}
}

build _build-check
# Memcheck over the unit tests and the main commands, on the plain build
# (valgrind cannot run the sanitizer build).
DOSSIER=$top_srcdir/_build-check/gen/dossier top_srcdir=$top_srcdir \
	UNITS=$top_srcdir/_build-check/tests/unit/test-units tests/valgrind.sh || exit 1
# The sanitizer run makes any memory error or undefined behaviour in a test
# a failure.
G_SLICE=always-malloc G_DEBUG=gc-friendly \
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
LSAN_OPTIONS=suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	build _build-sanitize --enable-sanitizers
# The libFuzzer harnesses, each run for a bounded time from the example
# and the golden cases as seeds.
mkdir -p _build-fuzz
(cd _build-fuzz && { [ -f Makefile ] || CC=clang ../configure --enable-fuzzing; } &&
	make -j"$jobs" fuzz-smoke FUZZ_SECONDS="${FUZZ_SECONDS:-30}") || exit 1
echo "All tests passed in _build-check and _build-sanitize; the fuzz smoke run passed."
