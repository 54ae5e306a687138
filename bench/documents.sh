#!/bin/sh
# Times `dossier build --only pdf` and `--only docx` on generated records
# beside pandoc turning the same records, concatenated into one Markdown
# file, into PDF through pdflatex and into DOCX. All run on the same files
# in the same run; each command runs RUNS times (default 3) and the median
# wall time and that run's peak resident memory are printed as Markdown
# table rows.
#
# Usage: bench/documents.sh [RUNS] N...   (default: 3 runs of 1000 and 5000)
# FORMATS="pdf docx" (the default) picks the formats to time.
# Needs a build in _build, python3, GNU time, and for the comparison
# pandoc and a LaTeX (Debian: pandoc texlive-latex-base
# texlive-latex-recommended texlive-fonts-recommended lmodern); without
# them only dossier is timed.
set -eu
runs=${1:-3}
[ $# -gt 0 ] && shift
sizes=${*:-1000 5000}
formats=${FORMATS:-pdf docx}
want() { case " $formats " in *" $1 "*) return 0 ;; esac; return 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
dossier=${DOSSIER:-$top/_build/gen/dossier}
gen=$top/../shared/bench/gen-records.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# median_run COMMAND...: prints "seconds kilobytes" of the median run.
median_run() {
	: >"$work/times"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$work/one" "$@" >/dev/null 2>&1 || true
		# GNU time writes a status line first when the command fails.
		tail -n 1 "$work/one" >>"$work/times"
		i=$((i + 1))
	done
	sort -n "$work/times" | sed -n "$(((runs + 1) / 2))p"
}

echo "| records | command | median wall s | peak RSS MB | pages | ratio to pandoc |"
echo "| ---: | --- | ---: | ---: | ---: | ---: |"
for n in $sizes; do
	repo=$work/repo-$n
	python3 "$gen" "$n" "$repo" --seed 42 >/dev/null
	mkdir -p "$repo/models" "$repo/templates/all"
	sed 's/required: true/required: false/' "$top/models/medical-device.yaml" \
		>"$repo/models/bench.yaml"
	sed -e 's|^model: .*|model: models/bench.yaml|' \
		"$top/examples/infusion-pump/dossier.yaml" >"$repo/dossier.yaml"
	cp "$top/bench/templates/all/010-all.md" "$repo/templates/all/"
	# The same records as one Markdown file: a section per record.
	python3 - "$repo" >"$work/all-$n.md" <<'PY'
import glob, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "records", "*", "*.md"))):
    text = open(path, encoding="utf-8").read()
    _, front, body = text.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
    print("## %s – %s\n" % (fields["id"], fields["title"]))
    for key, value in fields.items():
        if key not in ("id", "title"):
            print("- **%s**: %s" % (key, value))
    print("\n" + body)
PY
	d_time="" d_mem="" pages="" x_time="" x_mem=""
	if want pdf; then
		set -- $(median_run "$dossier" build "$repo" -p all -o "$work/out-$n" --only pdf --quiet)
		d_time=$1 d_mem=$2
		pages=$(pdfinfo "$work"/out-$n/*/001_all.pdf 2>/dev/null | sed -n 's/^Pages: *//p')
	fi
	if want docx; then
		set -- $(median_run "$dossier" build "$repo" -p all -o "$work/docx-$n" --only docx --quiet)
		x_time=$1 x_mem=$2
	fi
	p_time="" p_mem="" p_pages="" q_time="" q_mem=""
	if want pdf && command -v pandoc >/dev/null && command -v pdflatex >/dev/null; then
		set -- $(median_run pandoc "$work/all-$n.md" -o "$work/pandoc-$n.pdf" \
			--pdf-engine=pdflatex -V geometry:margin=1in)
		p_time=$1 p_mem=$2
		p_pages=$(pdfinfo "$work/pandoc-$n.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	fi
	if want docx && command -v pandoc >/dev/null; then
		set -- $(median_run pandoc "$work/all-$n.md" -o "$work/pandoc-$n.docx")
		q_time=$1 q_mem=$2
	fi
	awk -v n="$n" -v d="$d_time" -v dm="$d_mem" -v pg="${pages:-?}" \
	    -v p="$p_time" -v pm="$p_mem" -v ppg="${p_pages:-?}" \
	    -v x="$x_time" -v xm="$x_mem" -v q="$q_time" -v qm="$q_mem" 'BEGIN {
		ratio = (p != "" && d > 0) ? sprintf("%.1fx faster", p / d) : "(no pandoc)"
		if (d != "")
			printf "| %d | dossier build --only pdf | %.2f | %.1f | %s | %s |\n", n, d, dm / 1024, pg, ratio
		if (p != "")
			printf "| %d | pandoc --pdf-engine=pdflatex | %.2f | %.1f | %s | 1.0 |\n", n, p, pm / 1024, ppg
		ratio = (q != "" && x > 0) ? sprintf("%.1fx faster", q / x) : "(no pandoc)"
		if (x != "")
			printf "| %d | dossier build --only docx | %.2f | %.1f | | %s |\n", n, x, xm / 1024, ratio
		if (q != "")
			printf "| %d | pandoc -o out.docx | %.2f | %.1f | | 1.0 |\n", n, q, qm / 1024
	}'
done
