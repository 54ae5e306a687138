#!/bin/sh
# Runs the unit tests and dossier check, build, init, trace, matrix and
# sbom on the example (and on corpus SBOMs) under valgrind memcheck. Any invalid
# read or write, use of an uninitialised value or definite leak (outside
# the suppressed third-party caches) fails the test.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DOSSIER=${DOSSIER:-$top_srcdir/gen/dossier}
units=${UNITS:-$(dirname "$DOSSIER")/../tests/unit/test-units}
example=$top_srcdir/examples/infusion-pump
export NO_COLOR=1

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

memcheck() {
	name=$1
	shift
	valgrind --quiet --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite --errors-for-leak-kinds=definite \
		--suppressions="$top_srcdir/tests/valgrind.supp" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -eq 99 ]; then
		echo "FAIL $name: valgrind found errors"
		head -n 60 "$tmp/err"
		failed=1
	else
		echo "PASS $name (exit status $status)"
	fi
}

# Check runs each test in-process under valgrind and needs more time.
CK_FORK=no CK_DEFAULT_TIMEOUT=300 memcheck "unit tests" "$units"
memcheck "check" "$DOSSIER" check "$example"
memcheck "check json" "$DOSSIER" check --format json "$example"
memcheck "build" "$DOSSIER" build "$example" -o "$tmp/out-package" --zip --quiet
memcheck "init" "$DOSSIER" init "$tmp/new-repository"
memcheck "trace" "$DOSSIER" trace -C "$example" HAZ-012
memcheck "matrix" "$DOSSIER" matrix -C "$example" hazard test
memcheck "sbom export" "$DOSSIER" sbom export "$example"
corpus=$top_srcdir/../shared/corpus/sbom
if [ -d "$corpus" ]; then
	memcheck "sbom show" "$DOSSIER" sbom show --format json "$corpus/sbomqs.cdx-modtool.json" \
		"$corpus/laravel-7.12.0.bom.1.4.xml" "$corpus/appbomination.spdx.json" \
		"$corpus/cisa-case-2.vex.json"
fi
exit $failed
