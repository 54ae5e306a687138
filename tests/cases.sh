#!/bin/sh
# Golden cases: runs `dossier check input` in every folder of tests/cases
# and compares its standard output, followed by a line "exit: N", with the
# file `expected` of that folder.
#
#   tests/cases.sh [--update] [NAME...]
#
# --update rewrites every `expected` from the current output instead of
# comparing; review the result with git diff. NAMEs limit the run to those
# cases.
#
# Environment: DOSSIER (the binary; default $top_srcdir/gen/dossier),
# top_srcdir (default: the folder above this script's folder) and
# DOSSIER_DATADIR (where models/medical-device.yaml is found; default
# $top_srcdir).
#
# A case may hold a file `args` with extra arguments for `dossier check`,
# a file `command` holding "build" to run `dossier build` instead (its
# diagnostics and the names of the files it wrote are compared), and an
# executable `setup` that generates input too large to keep in the
# repository. A case with `setup` is copied to a temporary folder, `setup`
# runs there, and dossier runs in the copy.
#
# Each case runs under LC_ALL=C and, when `locale -a` lists it, a second
# time under de_DE.UTF-8, whose decimal separator is a comma; both runs
# must print the same. Each run is stopped after 20 seconds.

set -u

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
fi
top_srcdir=$(cd "$top_srcdir" && pwd)
DOSSIER=${DOSSIER:-$top_srcdir/gen/dossier}
# Each case runs inside its own folder, so a relative path must be made
# absolute first.
case $DOSSIER in
/*) ;;
*) DOSSIER=$(pwd)/$DOSSIER ;;
esac
DOSSIER_DATADIR=${DOSSIER_DATADIR:-$top_srcdir}
export DOSSIER_DATADIR
NO_COLOR=1
export NO_COLOR
casedir=$top_srcdir/tests/cases

update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi

if [ ! -x "$DOSSIER" ]; then
	echo "cases.sh: $DOSSIER not found or not executable; build dossier or set DOSSIER" >&2
	exit 2
fi

if command -v timeout >/dev/null 2>&1; then
	limit="timeout 20"
else
	echo "cases.sh: no timeout command; runs are not time-limited" >&2
	limit=""
fi

# A locale whose decimal separator is a comma, if the system has one.
comma_locale=$(locale -a 2>/dev/null | grep -i -E '^de_DE\.utf-?8$' | head -n 1)
if [ -z "$comma_locale" ]; then
	echo "cases.sh: locale de_DE.UTF-8 is not installed; the comma-decimal pass is skipped"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dossier-cases.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# run_case LOCALE OUTFILE: runs dossier in the current folder and writes its
# standard output and exit status to OUTFILE, standard error to OUTFILE.err.
run_case() {
	args=""
	if [ -f args ]; then
		args=$(cat args)
	fi
	# $limit and $args are split into words on purpose.
	if [ -f command ] && [ "$(cat command)" = build ]; then
		# A build case compares the diagnostics (standard error) and the
		# list of files in the package.
		rm -rf "$2.pkg"
		# shellcheck disable=SC2086
		LC_ALL=$1 $limit "$DOSSIER" build input -o "$2.pkg" --quiet $args >"$2.err" 2>"$2"
		status=$?
		if [ -d "$2.pkg" ]; then
			(cd "$2.pkg" && find . -type f | LC_ALL=C sort) >>"$2"
		fi
		rm -rf "$2.pkg"
	else
		# shellcheck disable=SC2086
		LC_ALL=$1 $limit "$DOSSIER" check input $args >"$2" 2>"$2.err"
		status=$?
	fi
	if [ "$status" -eq 124 ] && [ -n "$limit" ]; then
		echo "timed out after 20 seconds" >>"$2.err"
	fi
	echo "exit: $status" >>"$2"
}

if [ "$#" -gt 0 ]; then
	names="$*"
else
	names=$(cd "$casedir" && for d in */; do [ -d "$d" ] && printf '%s\n' "${d%/}"; done)
fi

failed=0
total=0
for name in $names; do
	src=$casedir/$name
	if [ ! -d "$src/input" ]; then
		echo "FAIL $name (no folder $src/input)"
		failed=$((failed + 1))
		continue
	fi
	total=$((total + 1))
	work=$src
	if [ -f "$src/setup" ]; then
		work=$tmp/work/$name
		mkdir -p "$tmp/work"
		cp -R "$src" "$work"
		if ! (cd "$work" && sh ./setup); then
			echo "FAIL $name (setup failed)"
			failed=$((failed + 1))
			continue
		fi
	fi
	out=$tmp/$name.out
	(cd "$work" && run_case C "$out")
	ok=1
	if [ "$update" -eq 1 ]; then
		cp "$out" "$src/expected"
	elif [ ! -f "$src/expected" ]; then
		echo "cases.sh: $name has no file 'expected'; run with --update" >&2
		ok=0
	elif ! diff -u "$src/expected" "$out"; then
		ok=0
	fi
	if [ -n "$comma_locale" ]; then
		(cd "$work" && run_case "$comma_locale" "$out.comma")
		if ! diff -u "$out" "$out.comma"; then
			echo "$name: output under $comma_locale differs from LC_ALL=C (shown above)"
			ok=0
		fi
	fi
	if [ "$ok" -eq 1 ]; then
		echo "PASS $name"
	else
		if [ -s "$out.err" ]; then
			echo "standard error of $name:"
			sed 's/^/  /' "$out.err"
		fi
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
	rm -rf "$tmp/work"
done

if [ "$update" -eq 1 ]; then
	echo "$total expected files written; review them with git diff"
fi
if [ "$failed" -gt 0 ]; then
	echo "$failed of $total cases failed"
	exit 1
fi
echo "all $total cases passed"
exit 0
