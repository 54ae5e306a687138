#!/bin/sh
# Checks that every diagnostic code is documented and tested:
#  - each code of gen/diag-codes.def and each rule `code:` of
#    models/medical-device.yaml and templates/*/profile.yaml appears in
#    docs/diagnostics.md as a heading or in backticks;
#  - each of those codes, except `coverage` (a failing rule prints the
#    rule's own code instead), appears as `[code]` in the `expected` file
#    of at least one golden case in tests/cases.
# Environment: top_srcdir (default: the folder above this script's folder).

set -u

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
fi
catalogue=$top_srcdir/gen/diag-codes.def
model=$top_srcdir/models/medical-device.yaml
docs=$top_srcdir/docs/diagnostics.md
cases=$top_srcdir/tests/cases

for file in "$catalogue" "$model" "$docs"; do
	if [ ! -f "$file" ]; then
		echo "diagnostic-docs.sh: $file not found" >&2
		exit 1
	fi
done

# DIAG_CODE(SYMBOL, "code-name", LEVEL, "summary"): the quoted second field.
catalogue_codes=$(sed -n 's/^[[:space:]]*DIAG_CODE([^,]*,[[:space:]]*"\([^"]*\)".*/\1/p' "$catalogue")
# Rule entries of the model and of each profile's release gate
# (templates/*/profile.yaml): "  - code: name".
rule_codes=$(sed -n 's/^[[:space:]]*-[[:space:]]*code:[[:space:]]*\([a-z0-9-]*\).*/\1/p' "$model" \
	"$top_srcdir"/templates/*/profile.yaml | sort -u)

if [ -z "$catalogue_codes" ]; then
	echo "diagnostic-docs.sh: no DIAG_CODE entries found in $catalogue" >&2
	exit 1
fi
if [ -z "$rule_codes" ]; then
	echo "diagnostic-docs.sh: no rule codes found in $model" >&2
	exit 1
fi

failed=0
checked=0
for code in $catalogue_codes $rule_codes; do
	checked=$((checked + 1))
	if ! grep -q -F -e "\`$code\`" "$docs" &&
	   ! grep -q -E "^#+[[:space:]]+${code}[[:space:]]*\$" "$docs"; then
		echo "not documented in docs/diagnostics.md: $code"
		failed=$((failed + 1))
	fi
	if [ "$code" = coverage ]; then
		continue
	fi
	found=0
	for expected in "$cases"/*/expected; do
		if [ -f "$expected" ] && grep -q -F -e "[$code]" "$expected"; then
			found=1
			break
		fi
	done
	if [ "$found" -eq 0 ]; then
		echo "no golden case in tests/cases prints [$code]"
		failed=$((failed + 1))
	fi
done

if [ "$failed" -gt 0 ]; then
	echo "$failed problems found among $checked codes"
	exit 1
fi
echo "all $checked codes are documented and covered by a golden case"
exit 0
