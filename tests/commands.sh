#!/bin/sh
# Runs the command-line interface on the bundled example: exit statuses,
# the trace and matrix commands, and the JSON and SARIF reports read back
# with Python's json module.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DOSSIER=${DOSSIER:-$top_srcdir/gen/dossier}
example=$top_srcdir/examples/infusion-pump
export NO_COLOR=1 LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL $*"
	failed=1
}

# expect_status STATUS NAME COMMAND...
expect_status() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$name: exit status $got, expected $want"
		head -n 5 "$tmp/out" "$tmp/err"
	else
		echo "PASS $name"
	fi
}

# expect_line NAME PATTERN: the last command's stdout has a matching line.
expect_line() {
	if grep -q -e "$2" "$tmp/out"; then
		echo "PASS $1"
	else
		fail "$1: no line matches '$2'"
		head -n 20 "$tmp/out"
	fi
}

expect_status 0 "example is clean" "$DOSSIER" check "$example"
expect_line "summary counts records" '^.*: [0-9][0-9]* records in [0-9]* files; 0 errors, 0 warnings'
records=$(sed -n 's/^.*: \([0-9]*\) records in .*$/\1/p' "$tmp/out")
if [ "${records:-0}" -ge 150 ]; then echo "PASS example has $records records"; else fail "example has only ${records:-0} records"; fi
expect_status 0 "werror on clean example" "$DOSSIER" check --werror "$example"

expect_status 0 "version" "$DOSSIER" --version
expect_line "version text" '^dossier [0-9]'
expect_status 0 "help" "$DOSSIER" --help
expect_line "help lists check" 'check \[DIR\]'
expect_status 0 "check help" "$DOSSIER" check --help
expect_status 2 "no command" "$DOSSIER"
expect_status 2 "unknown command" "$DOSSIER" frobnicate
expect_status 2 "unknown option" "$DOSSIER" check --colour=maybe "$example"
expect_status 2 "bad format" "$DOSSIER" check --format xml "$example"
expect_status 2 "missing folder" "$DOSSIER" check "$tmp/nowhere"
mkdir "$tmp/empty"
expect_status 2 "folder without project" "$DOSSIER" check "$tmp/empty"

# JSON and SARIF reports of a repository with findings.
mkdir -p "$tmp/repo/records"
# The example's settings without its SBOM list: this repository has no SBOM.
sed '/^sbom:/,/^$/d' "$example/dossier.yaml" >"$tmp/repo/dossier.yaml"
cat >"$tmp/repo/records/RC-001.md" <<'REC'
---
id: RC-001
type: risk-control
title: Dose limit
control_type: protective-measure
mitigates: [HAZ-404]
---
Body.
REC
expect_status 1 "findings exit 1" "$DOSSIER" check "$tmp/repo"
expect_line "dangling link reported" "records/RC-001.md:6:13: error: link 'mitigates' to 'HAZ-404' does not resolve"
expect_status 1 "json report" "$DOSSIER" check --format json "$tmp/repo"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["records"] == 1, d["records"]
codes = [x["code"] for x in d["diagnostics"]]
assert "dangling-link" in codes, codes
assert all(x["line"] >= 0 and x["file"] for x in d["diagnostics"])
' "$tmp/out"; then echo "PASS json parses"; else fail "json report"; fi
expect_status 1 "sarif report" "$DOSSIER" check --format sarif "$tmp/repo"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
for r in run["results"]:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
    assert r["level"] in ("error", "warning", "note")
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith(".md")
    assert loc["region"]["startLine"] >= 1
assert any(r["ruleId"] == "dangling-link" for r in run["results"])
' "$tmp/out"; then echo "PASS sarif structure"; else fail "sarif report"; fi

# Trace and matrix on the example.
first_hazard=$(ls "$example/records/hazard" | head -n 1 | sed 's/\.md$//')
expect_status 0 "trace hazard" "$DOSSIER" trace -C "$example" "$first_hazard"
expect_line "trace shows downstream" '^downstream:'
expect_line "trace shows a control" '^  mitigates RC-'
expect_status 0 "trace up only" "$DOSSIER" trace --up -C "$example" "$first_hazard"
if grep -q '^downstream:' "$tmp/out"; then fail "trace --up printed downstream"; else echo "PASS trace up only"; fi
expect_status 1 "trace unknown id" "$DOSSIER" trace -C "$example" NO-SUCH-ID
expect_status 0 "matrix" "$DOSSIER" matrix -C "$example" hazard test
expect_line "matrix summary" '^[0-9]* hazard records, [0-9]* with no test$'
expect_line "matrix row lists tests" "^$first_hazard  *TEST-"

expect_status 0 "matrix csv" "$DOSSIER" matrix --csv -C "$example" user-need software-requirement
expect_line "csv header" '^user-need,title,software-requirement'
if [ "$(head -n 1 "$tmp/out" | od -An -c | tr -d ' \n' | tail -c 4)" = '\r\n' ]; then echo "PASS csv lines end with CRLF"; else fail "csv lines do not end with CRLF"; fi
expect_status 2 "matrix unknown type" "$DOSSIER" matrix -C "$example" hazard widget
# A model named by a path outside the repository is not read.
mkdir -p "$tmp/outside/records"
printf 'model: ../../../../../../etc/passwd\nrecords: [records]\n' >"$tmp/outside/dossier.yaml"
expect_status 2 "model outside the repository" "$DOSSIER" check "$tmp/outside"
if grep -q "must name a file inside the repository" "$tmp/err"; then echo "PASS model path confined"; else fail "model path outside the repository was read"; fi
# A title a spreadsheet would run as a formula is written as text.
mkdir -p "$tmp/formula/records"
printf 'records: [records]\n' >"$tmp/formula/dossier.yaml"
printf -- '---\nid: UN-001\ntype: user-need\ntitle: "=HYPERLINK(\\"x\\")"\n---\n' >"$tmp/formula/records/UN-001.md"
"$DOSSIER" matrix --csv -C "$tmp/formula" user-need software-requirement >"$tmp/out" 2>/dev/null
expect_line "csv formula made text" "^UN-001,\"'=HYPERLINK("

# A build writes only into its output folder: nothing in the repository
# is newer than a marker file made before it.
copy=$tmp/readonly-example
cp -R "$example" "$copy"
touch "$tmp/marker"
sleep 1
expect_status 0 "build from a copy" "$DOSSIER" build "$copy" -o "$tmp/elsewhere" --quiet
if [ -z "$(find "$copy" -newer "$tmp/marker")" ]; then echo "PASS build writes nothing into the repository"; else fail "build wrote into the repository: $(find "$copy" -newer "$tmp/marker" | head -n 3)"; fi

# The output folder may not be inside a records folder, where the next run
# would read the package back.
expect_status 2 "output inside records folder" "$DOSSIER" build "$copy" -o "$copy/records/out" --quiet
if grep -q "inside the records folder" "$tmp/err"; then echo "PASS output folder rule is explained"; else fail "no explanation for the output folder: $(tail -n 1 "$tmp/err")"; fi

# A write that fails (here: over a 100 KB file-size limit, as on a full
# disk) is a clear error, and the earlier package stays as it was.
before=$(cat "$tmp"/elsewhere/*/manifest.json | cksum)
(ulimit -f 100; "$DOSSIER" build "$copy" -o "$tmp/elsewhere" --quiet) >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && grep -q "no package was written" "$tmp/err"; then echo "PASS failed write is reported"; else fail "failed write: exit $status, $(tail -n 1 "$tmp/err")"; fi
after=$(cat "$tmp"/elsewhere/*/manifest.json | cksum)
if [ "$before" = "$after" ] && [ -z "$(find "$tmp/elsewhere" -name '.*partial*')" ]; then echo "PASS earlier package intact, no staging left"; else fail "earlier package changed or staging left"; fi

# Two runs give identical reports.
"$DOSSIER" check --format sarif "$example" >"$tmp/a"
"$DOSSIER" check --format sarif "$example" >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then echo "PASS report is deterministic"; else fail "two runs differ"; fi

exit $failed
