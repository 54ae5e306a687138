#!/bin/sh
# Runs every libFuzzer harness in FOLDER for FUZZ_SECONDS (default 20)
# seconds, seeded from the example repository, the models and the golden
# cases. A crash, leak or sanitizer report fails the run and leaves the
# reproducing input as crash-* or leak-* in the current folder.
#
# Usage: tests/fuzz/smoke.sh FOLDER
set -eu
bin=$1
seconds=${FUZZ_SECONDS:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"

run() {
	name=$1
	shift
	mkdir -p "$work/$name"
	echo "fuzz-$name: $seconds s"
	# The first corpus folder receives new inputs; the seed folders are
	# only read.
	"$bin/fuzz-$name" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 "$work/$name" "$@" 2>"$work/$name.log" || {
		tail -n 40 "$work/$name.log"
		echo "fuzz-$name failed"
		exit 1
	}
	grep -E '^stat::number_of_executed_units' "$work/$name.log" || true
}

run record "$top/examples/infusion-pump/records" "$top/tests/cases"
run yaml "$top/models" "$top/examples/infusion-pump"
run model "$top/models"
run render "$top/examples/infusion-pump/records/hazard"
run template "$top/templates"
run sbom "$top/examples/infusion-pump/sbom" "$top/tests/cases/sbom-findings/input/sbom" \
	"$top/tests/cases/sbom-unreadable/input/sbom"
echo "fuzz smoke run passed"
