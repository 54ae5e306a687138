#!/usr/bin/env python3
"""Tests SBOM reading and export with real files and real readers.

- Every SBOM of the real-world corpus is read with `dossier sbom show`, and
  its component count must equal a count made here from the file itself.
- The CycloneDX JSON and XML files of one project give the same components.
- `dossier sbom export` and the example's CycloneDX files must validate
  against the official CycloneDX 1.6 JSON schema.
- Each hostile SBOM gives its diagnostic, without a crash or a hang.

Environment: DOSSIER (the binary), top_srcdir (the source tree),
NODE_DEPS (a folder for the npm packages of the schema check; default
tests/node under the build folder).
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

TOP = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOSSIER = os.environ.get("DOSSIER") or os.path.join(TOP, "gen", "dossier")
CORPUS = os.path.join(TOP, "..", "shared", "corpus", "sbom")
EXAMPLE = os.path.join(TOP, "examples", "infusion-pump")
FAILURES = []


def check(condition, message):
    print(("PASS " if condition else "FAIL ") + message)
    if not condition:
        FAILURES.append(message)
    return condition


def run(args, timeout=120, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)


# ---- Counting components independently of dossier ----

def count_cyclonedx_json(doc):
    """Every entry under `components`, nested ones included; not
    metadata.component and not pedigree entries."""
    def walk(items):
        n = 0
        for c in items or []:
            n += 1 + walk(c.get("components"))
        return n
    return walk(doc.get("components"))


def count_cyclonedx_xml(path):
    root = ET.parse(path).getroot()
    ns = root.tag[1:].split("}")[0]

    def walk(components):
        n = 0
        if components is None:
            return 0
        for c in components.findall("{%s}component" % ns):
            n += 1 + walk(c.find("{%s}components" % ns))
        return n
    return walk(root.find("{%s}components" % ns))


def count_spdx(doc):
    described = set(doc.get("documentDescribes", []))
    for rel in doc.get("relationships", []):
        if rel.get("relationshipType") == "DESCRIBES" and rel.get("spdxElementId") == "SPDXRef-DOCUMENT":
            described.add(rel.get("relatedSpdxElement"))
        if rel.get("relationshipType") == "DESCRIBED_BY" and rel.get("relatedSpdxElement") == "SPDXRef-DOCUMENT":
            described.add(rel.get("spdxElementId"))
    return sum(1 for p in doc.get("packages", []) if p.get("SPDXID") not in described)


def expected_count(path):
    if path.endswith(".xml"):
        return count_cyclonedx_xml(path)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return count_spdx(doc) if "spdxVersion" in doc else count_cyclonedx_json(doc)


def show(paths, fmt="json"):
    return run([DOSSIER, "sbom", "show", "--format", fmt] + paths, env=dict(os.environ, NO_COLOR="1"))


def corpus():
    if not os.path.isdir(CORPUS):
        print("SKIP corpus: no folder " + CORPUS)
        return
    for name in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, name)
        result = show([path])
        check(result.returncode in (0, 1), "%s: exit status %d (0 or 1 expected)" % (name, result.returncode))
        try:
            components = json.loads(result.stdout)
        except ValueError:
            check(False, "%s: standard output is JSON" % name)
            continue
        expected = expected_count(path)
        check(len(components) == expected,
              "%s: %d components read, %d in the file" % (name, len(components), expected))
        # Every finding is a diagnostic line with a code, never a stray message.
        stray = [l for l in result.stderr.splitlines() if l and not l.rstrip().endswith("]")
                 and not l.startswith("  ") and ": note: " not in l]
        check(not stray, "%s: every line on standard error is a diagnostic %s" % (name, stray[:2]))

    # One project, two formats: the same components.
    def key_set(path):
        items = json.loads(show([path]).stdout)
        return sorted((c["name"], c["version"], c["purl"], c["supplier"], tuple(c["licences"])) for c in items)
    a = key_set(os.path.join(CORPUS, "laravel-7.12.0.bom.1.3.json"))
    b = key_set(os.path.join(CORPUS, "laravel-7.12.0.bom.1.4.xml"))
    check(len(a) > 0 and a == b, "laravel CycloneDX 1.3 JSON and 1.4 XML give the same %d components" % len(a))

    # A VEX read with nothing else still names its vulnerabilities.
    vex = show([os.path.join(CORPUS, "cisa-case-2.vex.json")], "text")
    check(vex.returncode in (0, 1), "the standalone VEX file reads")
    # The placeholders of a template SBOM are reported.
    spdm = show([os.path.join(CORPUS, "libspdm.sbom.cdx.json")], "text")
    check("[sbom-placeholder]" in spdm.stderr, "unexpanded @VCS_VERSION@ placeholders are reported")


# ---- Hostile input ----

def hostile():
    tmp = tempfile.mkdtemp(prefix="dossier-sbom-")
    cases = []

    def add(name, text, code):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        cases.append((name, path, code))

    add("truncated.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "a"', "sbom-unreadable")
    add("neither.json", '{"hello": "world"}', "sbom-unknown-format")
    add("neither.txt", "SPDXVersion: SPDX-2.3\n", "sbom-unknown-format")
    add("empty.json", "", "sbom-unknown-format")
    add("deep.json", '{"bomFormat":"CycloneDX","specVersion":"1.5","components":' + "[" * 100000 + "]" * 100000 + "}",
        "sbom-limit")
    add("laughs.xml", """<?xml version="1.0"?>
<!DOCTYPE bom [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&f;</name></component></components></bom>
""", "sbom-xml-doctype")
    add("external.xml", """<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&x;</name></component></components></bom>
""", "sbom-xml-doctype")
    # More components than limits.records allows records (200,000), in
    # 600 KB: each would become a record with its findings.
    add("empty-objects.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' +
        ",".join(["{}"] * 200001) + "]}", "sbom-limit")
    add("bad-utf8.json", b'{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"\xff"}]}', "invalid-utf8")
    # 10,000 components in one 10,000-deep dependency chain, closed into a
    # cycle at the end.
    n = 10000
    comps = [{"type": "library", "bom-ref": "c%d" % i, "name": "c%d" % i, "version": "1",
              "supplier": {"name": "s"}, "purl": "pkg:generic/c%d@1" % i} for i in range(n)]
    deps = [{"ref": "c%d" % i, "dependsOn": ["c%d" % ((i + 1) % n)]} for i in range(n)]
    add("chain.json", json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                                  "metadata": {"timestamp": "2026-01-01T00:00:00Z", "authors": [{"name": "a"}]},
                                  "components": comps, "dependencies": deps}), "sbom-dependency-cycle")
    add("unknown-ref.json", json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                                        "components": [{"type": "library", "name": "x", "bom-ref": "x"}],
                                        "dependencies": [{"ref": "x", "dependsOn": ["nowhere"]}]}), "sbom-unknown-ref")
    for name, path, code in cases:
        try:
            result = show([path])
        except subprocess.TimeoutExpired:
            check(False, "%s: finishes within the time limit" % name)
            continue
        check(result.returncode in (0, 1) and ("[%s]" % code) in result.stderr,
              "%s: exit %d with [%s]" % (name, result.returncode, code))
        check("AddressSanitizer" not in result.stderr and result.returncode >= 0,
              "%s: no crash" % name)
    chain = json.loads(show([os.path.join(tmp, "chain.json")]).stdout)
    check(len(chain) == n, "the 10,000-deep chain reads all %d components" % n)

    # A file over limits.sbom_bytes is refused with a diagnostic, unread.
    repo = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(repo, "records"))
    with open(os.path.join(repo, "dossier.yaml"), "w") as f:
        f.write("records: [records]\nsbom: [big.json]\nlimits:\n  sbom_bytes: 1000\n")
    with open(os.path.join(repo, "big.json"), "w") as f:
        f.write(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps[:100]}))
    result = run([DOSSIER, "check", repo])
    check("[file-too-large]" in result.stdout, "an SBOM over limits.sbom_bytes gives file-too-large")
    # Many tiny values cost json-glib far more memory per byte than a real
    # SBOM: the value count is limited before parsing.
    with open(os.path.join(repo, "dossier.yaml"), "w") as f:
        f.write("records: [records]\nsbom: [dense.json]\nlimits:\n  sbom_values: 1000\n")
    with open(os.path.join(repo, "dense.json"), "w") as f:
        f.write('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' +
                ",".join(["[1]"] * 2000) + "]}")
    result = run([DOSSIER, "check", repo])
    check("limits.sbom_values" in result.stdout and "[sbom-limit]" in result.stdout,
          "an SBOM with more values than limits.sbom_values gives sbom-limit")
    # A lone surrogate escape and a terminal escape sequence never reach
    # the output.
    add("surrogate.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": '
        '[{"name": "a\\ud800b\\u001b[2J", "version": "1"}]}', "invalid-utf8")
    result = show([os.path.join(tmp, "surrogate.json")])
    name = json.loads(result.stdout)[0]["name"]
    check("[invalid-utf8]" in result.stderr and "\x1b" not in name and "\ufffd" in name and
          name.startswith("a") and name.endswith("[2J"),
          "a lone surrogate and an escape sequence are read as U+FFFD")


# ---- Export against the official schema ----

def schema():
    deps = os.environ.get("NODE_DEPS") or os.path.join(os.getcwd(), "tests", "node")
    here = os.path.join(TOP, "tests", "sbom-schema")
    if not os.path.isdir(os.path.join(deps, "node_modules", "@cyclonedx", "cyclonedx-library")):
        os.makedirs(deps, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            with open(os.path.join(here, name), "rb") as src, open(os.path.join(deps, name), "wb") as dst:
                dst.write(src.read())
        result = run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], timeout=600, cwd=deps)
        if not check(result.returncode == 0, "npm installs the CycloneDX validator"):
            print(result.stderr[-2000:])
            return
    tmp = tempfile.mkdtemp(prefix="dossier-export-")
    out = os.path.join(tmp, "export.cdx.json")
    result = run([DOSSIER, "sbom", "export", EXAMPLE, "-o", out])
    check(result.returncode == 0, "sbom export of the example exits 0 (%s)" % result.stderr[-300:])
    again = os.path.join(tmp, "again.cdx.json")
    run([DOSSIER, "sbom", "export", EXAMPLE, "-o", again])
    check(open(out, "rb").read() == open(again, "rb").read(), "two exports are byte-identical")
    doc = json.load(open(out))
    names = {c["name"] for c in doc.get("components", [])}
    check(len(doc.get("components", [])) >= 8 and "mbedtls" in names,
          "the export lists the example's SOUP components")
    eos = [p for c in doc["components"] for p in c.get("properties", [])
           if p["name"] == "cdx:lifecycle:milestone:endOfSupport"]
    check(len(eos) == len(doc["components"]), "every exported component carries its end-of-support date")
    check(any(v["id"] == "CVE-2024-23170" for v in doc.get("vulnerabilities", [])),
          "vulnerabilities of the SBOM reach the export")
    example_sbom = [os.path.join(EXAMPLE, "sbom", name)
                    for name in ("ip200-firmware.cdx.json", "lumen-connect.vex.cdx.json")]
    result = run(["node", os.path.join(here, "validate.mjs"), out] + example_sbom, cwd=deps,
                 env=dict(os.environ, NODE_PATH=os.path.join(deps, "node_modules")))
    check(result.returncode == 0, "the export and the example's CycloneDX files validate against the "
          "CycloneDX 1.6 JSON schema\n" + result.stdout[-2000:] + result.stderr[-2000:])


corpus()
hostile()
schema()
if FAILURES:
    print("%d failures" % len(FAILURES))
    sys.exit(1)
