#!/bin/sh
# Times `dossier check` on N generated records (default 20,000) beside two
# baselines measured in the same run on the same files:
#   read floor  - `cat` of every record file, the cost of reading the bytes;
#   PyYAML      - a Python script that splits and parses every frontmatter
#                 with PyYAML's C loader, what an in-house checking script
#                 would do before any check.
# Each command runs RUNS times (default 5); the median wall time and the
# peak resident memory (GNU time) are printed as a Markdown table row.
#
# Usage: bench/check.sh [N] [RUNS]   (from the top of the source tree,
# after a build in _build; needs python3, python3-yaml and GNU time)
set -eu
n=${1:-20000}
runs=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
dossier=${DOSSIER:-$top/_build/gen/dossier}
gen=$top/../shared/bench/gen-records.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$gen" "$n" "$work" --seed 42
# The generator writes links and the risk fields but not every field the
# default model requires; a copy of the model without required flags keeps
# the run about loading and linking, not about printing missing-field
# errors.
mkdir -p "$work/models"
sed 's/required: true/required: false/' "$top/models/medical-device.yaml" \
	>"$work/models/bench.yaml"
sed -e 's|^model: .*|model: models/bench.yaml|' \
	"$top/examples/infusion-pump/dossier.yaml" >"$work/dossier.yaml"
cat >"$work/pyyaml-load.py" <<'PY'
import os, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
count = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            text = open(os.path.join(root, name), encoding="utf-8").read()
            _, front, _ = text.split("---\n", 2)
            yaml.load(front, Loader=loader)
            count += 1
print(count, "records")
PY

# median_run LABEL COMMAND...: prints "seconds kilobytes" of the median run.
median_run() {
	label=$1
	shift
	: >"$work/times"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$work/one" "$@" >/dev/null 2>&1 || true
		# GNU time writes a status line first when the command exits non-zero.
		tail -n 1 "$work/one" >>"$work/times"
		i=$((i + 1))
	done
	sort -n "$work/times" | sed -n "$(((runs + 1) / 2))p"
}

files=$(find "$work/records" -name '*.md' | wc -l)
bytes=$(find "$work/records" -name '*.md' -exec cat {} + | wc -c)
set -- $(median_run dossier "$dossier" check "$work")
d_time=$1 d_mem=$2
set -- $(median_run cat sh -c "find '$work/records' -name '*.md' -exec cat {} + >/dev/null")
c_time=$1 c_mem=$2
set -- $(median_run pyyaml python3 "$work/pyyaml-load.py" "$work/records")
p_time=$1 p_mem=$2
summary=$("$dossier" check "$work" | tail -n 1 | sed "s|$work|DIR|")

echo "records: $files files, $bytes bytes; dossier says: $summary"
echo
echo "| command | median wall s | peak RSS MB | dossier time ratio |"
echo "| --- | ---: | ---: | ---: |"
awk -v d="$d_time" -v dm="$d_mem" -v c="$c_time" -v cm="$c_mem" -v p="$p_time" -v pm="$p_mem" 'BEGIN {
	printf "| dossier check | %.2f | %.1f | 1.00 |\n", d, dm / 1024
	printf "| read floor (cat) | %.2f | %.1f | %.2f |\n", c, cm / 1024, (c > 0 ? d / c : 0)
	printf "| PyYAML frontmatter load | %.2f | %.1f | %.2f |\n", p, pm / 1024, (p > 0 ? d / p : 0)
}'
