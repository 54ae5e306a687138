#!/bin/sh
# Checks the package that `dossier build` writes. Two builds give the
# same manifest.json and zip, sha256sum confirms every manifest entry,
# file names follow the FDA eCopy rules, and the zip contains the folder.
# The manifest gives the right document numbers and input digest. Also
# runs `dossier init` and builds the new repository.
#
# Environment: DOSSIER (the binary), top_srcdir, DOSSIER_DATADIR (where
# models, templates, fonts and the skeleton are found; default
# $top_srcdir).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DOSSIER=${DOSSIER:-$top_srcdir/gen/dossier}
datadir=${DOSSIER_DATADIR:-$top_srcdir}
export NO_COLOR=1 LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL $*"
	failed=1
}

pass() {
	echo "PASS $*"
}

# expect_status STATUS NAME COMMAND...: stdout goes to $tmp/out, stderr to
# $tmp/err.
expect_status() {
	want=$1 test_name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$test_name"
	else
		fail "$test_name: exit status $got, expected $want"
		head -n 5 "$tmp/out" "$tmp/err"
	fi
}

# The models, templates and skeleton are copied, so that an edit to them
# while the test runs cannot make two builds differ.
mkdir "$tmp/data"
cp -R "$datadir/models" "$datadir/templates" "$datadir/skeleton" "$tmp/data/"
ln -s "$datadir/fonts" "$tmp/data/fonts"
export DOSSIER_DATADIR="$tmp/data"

# dossier init makes a repository that checks clean and builds.
repo=$tmp/new
expect_status 0 "init" "$DOSSIER" init "$repo"
if [ "$(cat "$tmp/out")" = "$repo" ]; then pass "init prints the folder"; else fail "init printed '$(cat "$tmp/out")'"; fi
expect_status 0 "init repository checks clean" "$DOSSIER" check --werror "$repo"
if grep -q '0 errors, 0 warnings, 0 notes$' "$tmp/out"; then pass "init repository has no findings"; else fail "init repository: $(tail -n 1 "$tmp/out")"; fi
expect_status 0 "init repository builds" "$DOSSIER" build "$repo" -o "$tmp/a" --zip --quiet
package=$(sed -n 1p "$tmp/out")
zip=$(sed -n 2p "$tmp/out")
pkgname=$(basename "$package")
if [ -d "$package" ] && [ "$zip" = "$package.zip" ] && [ -f "$zip" ]; then pass "build prints the folder and the zip"; else fail "build printed: $(cat "$tmp/out")"; fi
expect_status 2 "init refuses a folder with files" "$DOSSIER" init "$repo"
if grep -q "not an empty folder" "$tmp/err"; then pass "init explains the refusal"; else fail "init refusal: $(cat "$tmp/err")"; fi
touch "$tmp/file"
expect_status 2 "init refuses a file" "$DOSSIER" init "$tmp/file"
mkdir "$tmp/empty"
expect_status 0 "init into an empty folder" "$DOSSIER" init "$tmp/empty"
expect_status 2 "init without a folder" "$DOSSIER" init

# Two builds of the same input give byte-identical manifests and zips.
expect_status 0 "second build" "$DOSSIER" build "$repo" -o "$tmp/b" --zip --quiet
if cmp -s "$package/manifest.json" "$tmp/b/$pkgname/manifest.json"; then pass "manifest is deterministic"; else fail "two builds give different manifests"; diff "$package/manifest.json" "$tmp/b/$pkgname/manifest.json" | head -n 20; fi
if cmp -s "$zip" "$tmp/b/$pkgname.zip"; then pass "zip is deterministic"; else fail "two builds give different zips"; fi
if [ -z "$(find "$tmp/a" "$tmp/b" -name '.*partial*')" ]; then pass "no staging folder left"; else fail "staging left: $(find "$tmp/a" "$tmp/b" -name '.*partial*')"; fi

# Every manifest entry verifies with sha256sum, and the manifest lists
# every file of the folder.
if python3 - "$package" "$tmp/sums" <<'PY'
import json, os, sys
root = sys.argv[1]
files = json.load(open(os.path.join(root, "manifest.json")))["files"]
listed = {f["path"] for f in files} | {"manifest.json"}
present = {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns}
assert listed == present, sorted(listed ^ present)
for f in files:
    assert f["bytes"] == os.path.getsize(os.path.join(root, f["path"])), f
with open(sys.argv[2], "w") as out:
    for f in files:
        out.write("%s  %s\n" % (f["sha256"], f["path"]))
PY
then pass "manifest lists every file"; else fail "manifest and folder differ"; fi
if (cd "$package" && sha256sum --check --strict --quiet "$tmp/sums"); then pass "sha256sum verifies every entry"; else fail "sha256sum found a mismatch"; fi

# FDA eCopy names: lower case, [a-z0-9_.-] only, in subfolders too;
# documents NNN_name.pdf and .docx numbered 001, 002, ... without gaps.
if python3 - "$package" <<'PY'
import os, re, sys
root = sys.argv[1]
paths = [os.path.relpath(os.path.join(d, n), root) for d, ds, fs in os.walk(root) for n in ds + fs]
bad = [p for p in paths for part in p.split(os.sep)
       if not re.fullmatch(r"[a-z0-9_.-]+", part) or part.startswith(".")]
assert not bad, bad
names = sorted(os.listdir(root))
for ext in ("pdf", "docx"):
    docs = [n for n in names if n.endswith("." + ext)]
    assert docs, "no ." + ext
    assert all(re.fullmatch(r"[0-9]{3}_[a-z0-9-]+\." + ext, n) for n in docs), docs
    assert [int(n[:3]) for n in docs] == list(range(1, len(docs) + 1)), docs
PY
then pass "file names follow the eCopy rules"; else fail "file names"; fi

# The zip contains the package folder: entries NAME/..., in byte order,
# each dated with the build date, with the same bytes as the folder.
if python3 - "$zip" "$package" <<'PY'
import json, os, sys, zipfile
zip_path, root = sys.argv[1], sys.argv[2]
name = os.path.basename(root)
manifest = json.load(open(os.path.join(root, "manifest.json")))
day, time = manifest["date"].rstrip("Z").split("T")
when = tuple(int(x) for x in day.split("-")) + tuple(int(x) for x in time.split(":"))
when = when[:5] + (when[5] - when[5] % 2,)
with zipfile.ZipFile(zip_path) as z:
    entries = z.namelist()
    assert entries == sorted(entries), entries
    assert entries[0] == name + "/", entries[0]
    assert all(e.startswith(name + "/") for e in entries), entries
    assert all(i.date_time == when for i in z.infolist()), [i.date_time for i in z.infolist()]
    files = sorted(e[len(name) + 1:] for e in entries if not e.endswith("/"))
    present = sorted(os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns)
    assert files == present, (files, present)
    folders = sorted(e[len(name) + 1:-1] for e in entries if e.endswith("/") and e != name + "/")
    assert folders == sorted(os.path.relpath(os.path.join(d, n), root) for d, ds, _ in os.walk(root) for n in ds), folders
    for f in files:
        assert z.read(name + "/" + f) == open(os.path.join(root, f), "rb").read(), f
PY
then pass "zip contains the package folder"; else fail "zip contents"; fi

# The manifest describes the build: generator, submission type and
# documentation level from dossier.yaml, the input digest, and each
# document's number, which its PDF shows.
if python3 - "$package" "$repo" "$DOSSIER_DATADIR" <<'PY'
import glob, hashlib, json, os, subprocess, sys
root, repo, data = sys.argv[1], sys.argv[2], sys.argv[3]
m = json.load(open(os.path.join(root, "manifest.json")))
assert m["generator"].startswith("dossier "), m["generator"]
assert m["submission_type"] == "510k", m["submission_type"]
assert m["documentation_level"] == "basic", m["documentation_level"]
assert m["profile"] == "fda-premarket", m["profile"]
# The input digest: sha256sum lines of the inputs in byte order of name.
inputs = {"dossier.yaml": os.path.join(repo, "dossier.yaml")}
for path in glob.glob(os.path.join(repo, "records", "*.md")):
    inputs["records/" + os.path.basename(path)] = path
for path in glob.glob(os.path.join(data, "templates", "fda-premarket", "[0-9][0-9][0-9]-*.md")):
    inputs["templates/fda-premarket/" + os.path.basename(path)] = path
inputs["models/medical-device.yaml"] = os.path.join(data, "models", "medical-device.yaml")
lines = "".join("%s  %s\n" % (hashlib.sha256(open(inputs[n], "rb").read()).hexdigest(), n)
                for n in sorted(inputs, key=lambda n: n.encode()))
assert m["inputs"]["files"] == len(inputs), (m["inputs"], sorted(inputs))
assert m["inputs"]["sha256"] == hashlib.sha256(lines.encode()).hexdigest(), "input digest"
docs = m["documents"]
assert [d["file"] + ".pdf" for d in docs] == sorted(n for n in os.listdir(root) if n.endswith(".pdf"))
for d in docs:
    assert d["number"].startswith("EX-"), d
    text = subprocess.run(["pdftotext", os.path.join(root, d["file"] + ".pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert d["number"] in text, (d["number"], d["file"])
PY
then pass "manifest describes the build"; else fail "manifest contents"; fi

# A changed record changes the input digest.
digest() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["inputs"]["sha256"])' "$1"
}
before=$(digest "$package/manifest.json")
printf '\nOne more sentence.\n' >>"$repo/records/UN-001.md"
expect_status 0 "build after a change" "$DOSSIER" build "$repo" -o "$tmp/a" --quiet
if [ "$before" != "$(digest "$package/manifest.json")" ]; then pass "input digest follows the records"; else fail "input digest did not change"; fi

# Document numbers: PREFIX-NUMBER with the template's number, else
# PREFIX-NNN with the document's place in the package.
mkdir -p "$repo/templates/fda-premarket"
printf -- '---\ntitle: Numbered\nnumber: PLAN\n---\nText.\n' >"$repo/templates/fda-premarket/010-numbered.md"
printf -- '---\ntitle: Unnumbered\n---\nText.\n' >"$repo/templates/fda-premarket/020-unnumbered.md"
expect_status 0 "build with own templates" "$DOSSIER" build "$repo" -o "$tmp/c" --only pdf --quiet
if python3 - "$tmp/c/$pkgname" <<'PY'
import json, os, subprocess, sys
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
numbers = [(d["file"], d["number"]) for d in m["documents"]]
assert numbers == [("001_numbered", "EX-PLAN"), ("002_unnumbered", "EX-002")], numbers
text = subprocess.run(["pdftotext", os.path.join(sys.argv[1], "002_unnumbered.pdf"), "-"],
                      capture_output=True, text=True).stdout
assert "EX-002" in text
PY
then pass "document numbers"; else fail "document numbers"; fi

# A zip that dossier did not write is never replaced, and the earlier
# package stays.
echo "not a zip" >"$tmp/c/$pkgname.zip"
cp "$tmp/c/$pkgname/manifest.json" "$tmp/manifest.c"
expect_status 2 "foreign zip is refused" "$DOSSIER" build "$repo" -o "$tmp/c" --zip --quiet
if grep -q "is not a zip written by dossier" "$tmp/err"; then pass "foreign zip is explained"; else fail "foreign zip: $(tail -n 1 "$tmp/err")"; fi
if [ "$(cat "$tmp/c/$pkgname.zip")" = "not a zip" ] && cmp -s "$tmp/manifest.c" "$tmp/c/$pkgname/manifest.json"; then pass "foreign zip and earlier package kept"; else fail "foreign zip or earlier package changed"; fi
if [ -z "$(find "$tmp/c" -name '.*partial*')" ]; then pass "refused build leaves no staging"; else fail "refused build left staging"; fi

exit $failed
