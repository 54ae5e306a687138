#!/bin/sh
# Kills a build with SIGKILL while it renders and checks that the earlier
# package is untouched and that the next build removes the dead build's
# staging folder. Also checks that a build never removes the staging
# folder of another build that is still running.
#
# Environment: DOSSIER (the binary), top_srcdir, DOSSIER_DATADIR (where
# models, templates and fonts are found; default $top_srcdir).
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

# The models and templates are copied, so that an edit to them while the
# test runs cannot make two builds differ.
mkdir "$tmp/data"
cp -R "$datadir/models" "$datadir/templates" "$tmp/data/"
ln -s "$datadir/fonts" "$tmp/data/fonts"
export DOSSIER_DATADIR="$tmp/data"
repo=$tmp/example
cp -R "$top_srcdir/examples/infusion-pump" "$repo"
out=$tmp/out

# The example may have findings: status 1 still writes the package, and
# every later build must end with the same status.
"$DOSSIER" build "$repo" -o "$out" --quiet >"$tmp/first.out" 2>"$tmp/first.err"
first_status=$?
if [ "$first_status" -le 1 ]; then pass "first build"; else fail "first build: exit $first_status: $(tail -n 1 "$tmp/first.err")"; exit 1; fi
package=$(head -n 1 "$tmp/first.out")
name=$(basename "$package")
cp "$package/manifest.json" "$tmp/manifest.first"

# verify_package: the folder contains exactly the files of its manifest,
# and sha256sum confirms each of them.
verify_package() {
	python3 - "$1" "$tmp/sums" <<'PY' || return 1
import json, os, sys
root = sys.argv[1]
files = json.load(open(os.path.join(root, "manifest.json")))["files"]
listed = {f["path"] for f in files} | {"manifest.json"}
present = {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns}
if listed != present:
    sys.exit("manifest and folder differ: %s" % sorted(listed ^ present))
with open(sys.argv[2], "w") as out:
    for f in files:
        out.write("%s  %s\n" % (f["sha256"], f["path"]))
PY
	(cd "$1" && sha256sum --check --strict --quiet "$tmp/sums")
}

staging_folders() {
	find "$out" -maxdepth 1 -name ".$name.partial-*"
}

# wait_rendering PID: waits until the build PID has a file in its staging
# package folder, so it is rendering. Returns 1 when the build ended
# first.
wait_rendering() {
	i=0
	while [ "$i" -lt 3000 ]; do
		for dir in "$out"/.$name.partial-*/"$name"; do
			if [ -d "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
				return 0
			fi
		done
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# A second build, killed while it renders. The example builds in seconds,
# so a build that ends before the poll finds it rendering is tried again.
killed=0
attempt=0
while [ "$killed" -eq 0 ] && [ "$attempt" -lt 20 ]; do
	attempt=$((attempt + 1))
	"$DOSSIER" build "$repo" -o "$out" --quiet >/dev/null 2>&1 &
	pid=$!
	if wait_rendering "$pid"; then
		kill -KILL "$pid"
		# The shell reports the killed job on standard error.
		wait "$pid" 2>/dev/null
		status=$?
		[ "$status" -eq 137 ] && killed=1
	else
		wait "$pid"
	fi
done
if [ "$killed" -eq 1 ]; then pass "build killed while rendering (attempt $attempt)"; else fail "no build could be killed while rendering in 20 attempts"; exit 1; fi
if [ -n "$(staging_folders)" ]; then pass "killed build left its staging folder"; else fail "killed build left no staging folder"; fi
if cmp -s "$tmp/manifest.first" "$package/manifest.json"; then pass "earlier manifest unchanged"; else fail "earlier manifest changed"; fi
if verify_package "$package"; then pass "earlier package verifies with sha256sum"; else fail "earlier package does not verify"; fi

# A third build removes the dead build's staging folder.
"$DOSSIER" build "$repo" -o "$out" --quiet >/dev/null 2>"$tmp/third.err"
status=$?
if [ "$status" -eq "$first_status" ]; then pass "third build"; else fail "third build: exit $status: $(tail -n 1 "$tmp/third.err")"; fi
if [ -z "$(staging_folders)" ]; then pass "no staging folder left"; else fail "staging folders left: $(staging_folders)"; fi
if cmp -s "$tmp/manifest.first" "$package/manifest.json"; then pass "third build gives the same manifest"; else fail "third build's manifest differs"; fi
if verify_package "$package"; then pass "third package verifies with sha256sum"; else fail "third package does not verify"; fi

# A build must leave a running build's staging folder alone: build A is
# stopped while it renders, build B runs to the end, then A goes on.
running=0
attempt=0
while [ "$running" -eq 0 ] && [ "$attempt" -lt 20 ]; do
	attempt=$((attempt + 1))
	"$DOSSIER" build "$repo" -o "$out" --quiet >/dev/null 2>"$tmp/a.err" &
	pid=$!
	if wait_rendering "$pid"; then
		kill -STOP "$pid"
		running=1
	else
		wait "$pid"
	fi
done
if [ "$running" -eq 0 ]; then
	fail "no build could be stopped while rendering in 20 attempts"
	exit 1
fi
a_staging=$(staging_folders)
"$DOSSIER" build "$repo" -o "$out" --quiet >/dev/null 2>"$tmp/b.err"
status=$?
if [ "$status" -eq "$first_status" ]; then pass "build beside a running build"; else fail "build beside a running build: exit $status: $(tail -n 1 "$tmp/b.err")"; fi
if [ -n "$a_staging" ] && [ -d "$a_staging" ]; then pass "running build's staging folder kept"; else fail "running build's staging folder was removed"; fi
kill -CONT "$pid"
wait "$pid"
status=$?
if [ "$status" -eq "$first_status" ]; then pass "stopped build finishes"; else fail "stopped build: exit $status: $(tail -n 1 "$tmp/a.err")"; fi
if [ -z "$(staging_folders)" ]; then pass "no staging folder left after both"; else fail "staging folders left: $(staging_folders)"; fi
if verify_package "$package"; then pass "package verifies after both"; else fail "package does not verify after both"; fi

exit $failed
