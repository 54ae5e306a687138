#!/bin/sh
# Reads every Doorstop tree of the shared real-world corpus: the record
# count dossier prints must equal the number of item files, and the exit
# status must be 0 or 1 (findings), never 2 (could not run).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DOSSIER=${DOSSIER:-$top_srcdir/gen/dossier}
corpus=$top_srcdir/../shared/corpus/records/doorstop

if [ ! -d "$corpus" ]; then
	echo "SKIP: no corpus at $corpus"
	exit 77
fi

failed=0
for tree in "$corpus"/*/; do
	tree=${tree%/}
	# Item files: *.yml and *.md in every folder that contains a .doorstop.yml.
	items=0
	for config in $(find "$tree" -name .doorstop.yml); do
		dir=$(dirname "$config")
		n=$(find "$dir" -maxdepth 1 -type f \( -name '*.yml' -o -name '*.md' \) ! -name '.*' | wc -l)
		items=$((items + n))
	done
	out=$(NO_COLOR=1 "$DOSSIER" check "$tree" 2>&1)
	status=$?
	summary=$(printf '%s\n' "$out" | tail -n 1)
	records=$(printf '%s\n' "$summary" | sed -n 's/^.*: \([0-9]*\) records in .*$/\1/p')
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		echo "FAIL $tree: exit status $status"
		printf '%s\n' "$out" | tail -n 5
		failed=1
	elif [ "$records" != "$items" ]; then
		echo "FAIL $tree: $records records read, $items item files"
		failed=1
	else
		echo "PASS $tree: $records records, exit $status"
	fi
done
exit $failed
