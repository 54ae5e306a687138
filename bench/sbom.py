#!/usr/bin/env python3
"""Benchmarks `dossier sbom show` against a JSON parse floor and two peers.

Inputs, each read by every command:

  airflow    ../shared/corpus/sbom/apache_airflow-sbom-2.8.0-python3.10.json,
             the largest real SBOM of the corpus (CycloneDX 1.5, cdxgen)
  cdx-N      a CycloneDX 1.6 JSON SBOM of N components, written to a
             temporary folder by the seeded generator below (--sizes),
             about 1.2 KB per component: 100,000 components stay under the
             128 MiB that dossier reads from one SBOM (limits.sbom_bytes)

Commands, alternating within each round so that machine load affects them
alike:

  dossier        dossier sbom show --format json FILE > /dev/null
                 (parses, reads every component, dependency and
                 vulnerability, runs the NTIA minimum-element, duplicate,
                 cycle, placeholder, licence, vulnerability-analysis and
                 reference checks, prints the components as JSON and the
                 findings as diagnostics)
  python_parse   python3 -c 'import json,sys; json.load(open(sys.argv[1]))'
                 (the floor: parses into Python objects, nothing else)
  jq_walk        jq '[.. | objects | select(has("bom-ref"))] | length'
                 (parses and walks every object, counting bom-refs)
  cdx_validate   the JsonStrictValidator of the CycloneDX JavaScript library
                 (@cyclonedx/cyclonedx-library, the version that
                 tests/sbom-schema pins) for the file's specVersion: parses
                 and validates against the bundled JSON schema, with no
                 NTIA, cycle or reference checks

Each command runs RUNS times. GNU time (/usr/bin/time -v) gives the wall
time and peak resident memory of each run, and the table shows the
medians, with the time ratio to the python_parse floor and the peak memory
divided by the file size.

Usage: bench/sbom.py [--sizes "10000 50000 100000"] [--runs 5] [--seed 42]
                     [--validator-runs N] [--validator-max 50000]
                     [--json] [--write] [--no-install]
       bench/sbom.py --generate N FILE [--seed 42]

The CycloneDX library's time grows with the square of the component
count (the schema's uniqueItems makes its validator compare every pair of
components): about 15 s at 10,000 components and 5 minutes at 50,000 on
two cores. --validator-runs lowers its run count, and files of more than
--validator-max components are not given to it.

--json prints one JSON object per input; --write rewrites the SBOM import
section of bench/RESULTS.md. --generate writes one generated SBOM and
exits, for profiling. Run as root, the script installs GNU time and jq
with apt-get when they are missing, and the CycloneDX library with npm ci
into NODE_DEPS (default ~/.cache/dossier-bench/node), unless --no-install.
The build to measure is _build-check/gen/dossier, else _build/gen/dossier,
else _build-bench/gen/dossier, the first that has the sbom command;
DOSSIER overrides. Measure a build without sanitizers.
"""
import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_FILE = os.path.join(TOP, "..", "shared", "corpus", "sbom",
                           "apache_airflow-sbom-2.8.0-python3.10.json")
SCHEMA_PACKAGE = os.path.join(TOP, "tests", "sbom-schema")
COMMANDS = ["dossier", "python_parse", "jq_walk", "cdx_validate"]
LABELS = {
    "dossier": "dossier sbom show --format json",
    "python_parse": "python3 json.load (floor)",
    "jq_walk": "jq bom-ref walk",
    "cdx_validate": "CycloneDX JS library, strict validation",
}
# Goals for the generated file of GOAL_SIZE components: dossier's time at
# most MAX_FLOOR_RATIO times the python_parse floor's, and its peak memory
# at most MAX_MEMORY_PER_FILE_BYTE times the file size.
GOAL_SIZE = 50000
MAX_FLOOR_RATIO = 3.0
MAX_MEMORY_PER_FILE_BYTE = 10.0

# Validates one CycloneDX JSON file with the library installed in DEPS for
# the given specVersion. Exit status 0 when valid, 1 when not, with the
# number of schema errors on standard output.
VALIDATOR_SCRIPT = r"""
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const [deps, specVersion, file] = process.argv.slice(2)
const require = createRequire(deps + '/')
const { Validation } = require('@cyclonedx/cyclonedx-library')
const validator = new Validation.JsonStrictValidator(specVersion)
const errors = await validator.validate(readFileSync(file, 'utf8'))
console.log(errors === null ? 'valid' : `invalid: ${errors.length} schema errors`)
process.exit(errors === null ? 0 : 1)
"""


# ---- The generated SBOM ----

WORDS = ["json", "http", "yaml", "log", "crypto", "xml", "async", "data", "zlib", "net", "core",
         "fast", "tiny", "micro", "secure", "stream", "cache", "config", "time", "date", "path",
         "url", "text", "byte", "buffer", "event", "task", "queue", "shell", "term", "color",
         "form", "mail", "image", "audio", "font", "grid", "table", "graph", "metric"]
ROLES = ["parser", "utils", "client", "server", "kit", "lib", "tools", "codec", "bindings",
         "helpers", "runtime", "engine", "driver", "adapter", "schema", "loader"]
ORGANISATIONS = ["Acme Software", "Northwind Labs", "Blue Harbor Systems", "Open Widgets Foundation",
                 "Kestrel Devices", "Lumen Medical", "Tidewater Computing", "Granite Libraries",
                 "Polar Code Cooperative", "Silverline Networks", "Juniper Toolsmiths",
                 "Orchid Data", "Helix Components", "Meridian Open Source", "Cobalt Foundry"]
LICENCE_IDS = ["MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "ISC", "GPL-2.0-only",
               "LGPL-2.1-or-later", "MPL-2.0", "Zlib", "Unlicense", "EPL-2.0", "0BSD",
               "Python-2.0"]
LICENCE_EXPRESSIONS = ["Apache-2.0 OR MIT", "(MIT OR Apache-2.0) AND BSD-3-Clause",
                       "GPL-2.0-or-later WITH Classpath-exception-2.0",
                       "MPL-2.0 AND (BSD-2-Clause OR MIT)", "LGPL-2.1-only OR GPL-3.0-only",
                       "BSD-3-Clause AND Zlib"]
LICENCE_NAMES = ["Zope Public License", "Public domain", "See LICENSE file in the source archive",
                 "Proprietary licence, redistribution with the device only",
                 "Historical Permission Notice"]
STATES = [("not_affected", 40), ("resolved", 20), ("exploitable", 10), ("in_triage", 15),
          ("false_positive", 10), ("resolved_with_pedigree", 5)]
JUSTIFICATIONS = ["code_not_present", "code_not_reachable", "requires_configuration",
                  "requires_environment", "protected_by_mitigating_control"]


def weighted(rng, choices):
    """Picks one value of a list of (value, weight) pairs."""
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def new_identity(rng, seen_identities):
    """Returns (ecosystem, group, name, version), a tuple not yet in seen_identities, and adds it."""
    while True:
        ecosystem = weighted(rng, [("npm", 35), ("pypi", 25), ("maven", 25), ("golang", 10),
                                   ("generic", 5)])
        words = rng.sample(WORDS, rng.choice([1, 1, 2]))
        name = "-".join(words + [rng.choice(ROLES)])
        group = ""
        if ecosystem == "npm" and rng.random() < 0.3:
            group = "@" + rng.choice(WORDS)
        elif ecosystem == "maven":
            group = "org." + rng.choice(WORDS) + "." + rng.choice(WORDS)
        elif ecosystem == "golang":
            group = "github.com/" + rng.choice(WORDS) + "-" + rng.choice(ROLES)
        version = "%d.%d.%d" % (rng.randrange(0, 12), rng.randrange(0, 30), rng.randrange(0, 40))
        if ecosystem == "golang":
            version = "v" + version
        key = (ecosystem, group, name, version)
        if key not in seen_identities:
            seen_identities.add(key)
            return key


def purl_of(ecosystem, group, name, version):
    """Returns the package URL and the bom-ref (the purl with its @ unescaped, as cdxgen writes)."""
    if ecosystem == "npm" and group:
        purl = "pkg:npm/%%40%s/%s@%s" % (group[1:], name, version)
        return purl, "pkg:npm/%s/%s@%s" % (group, name, version)
    if ecosystem in ("maven", "golang"):
        purl = "pkg:%s/%s/%s@%s" % (ecosystem, group, name, version)
        if ecosystem == "maven":
            purl += "?type=jar"
        return purl, purl
    purl = "pkg:%s/%s@%s" % (ecosystem, name, version)
    return purl, purl


def licences_of(rng):
    shape = weighted(rng, [("id", 55), ("expression", 20), ("name", 20), ("none", 5)])
    if shape == "id":
        ids = rng.sample(LICENCE_IDS, rng.choice([1, 1, 1, 2]))
        return [{"license": {"id": i}} for i in ids]
    if shape == "expression":
        return [{"expression": rng.choice(LICENCE_EXPRESSIONS)}]
    if shape == "name":
        return [{"license": {"name": rng.choice(LICENCE_NAMES)}}]
    return None


def component(rng, identity):
    """Returns the CycloneDX entry of one component with the given identity."""
    ecosystem, group, name, version = identity
    purl, ref = purl_of(*identity)
    organisation = rng.choice(ORGANISATIONS)
    slug = organisation.lower().replace(" ", "-")

    entry = {"type": weighted(rng, [("library", 90), ("framework", 7), ("application", 3)]),
             "bom-ref": ref}
    # About one component in twenty names no supplier, so the NTIA supplier
    # check has findings to print. Real SBOMs miss more: 1,574 of the 1,749
    # components of the Airflow SBOM name none.
    if rng.random() < 0.95:
        entry["supplier"] = {"name": organisation, "url": ["https://%s.example" % slug]}
    if group:
        entry["group"] = group
    entry["name"] = name
    entry["version"] = version

    if rng.random() < 0.6:
        entry["description"] = "%s %s for %s applications" % (
            rng.choice(WORDS).capitalize(), rng.choice(ROLES), rng.choice(WORDS))
    hashes = [{"alg": "SHA-256", "content": "%064x" % rng.getrandbits(256)}]
    if rng.random() < 0.3:
        hashes.append({"alg": "SHA-512", "content": "%0128x" % rng.getrandbits(512)})
    entry["hashes"] = hashes

    licences = licences_of(rng)
    if licences:
        entry["licenses"] = licences
    entry["purl"] = purl
    if ecosystem == "generic":
        entry["cpe"] = "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*" % (slug, name, version)

    if rng.random() < 0.5:
        entry["externalReferences"] = [
            {"type": "vcs", "url": "https://git.%s.example/%s.git" % (slug, name)},
            {"type": "website", "url": "https://%s.example/%s" % (slug, name)}]
    if rng.random() < 0.3:
        entry["properties"] = [
            {"name": "cdx:lifecycle:milestone:endOfSupport",
             "value": "20%02d-%02d-01" % (rng.randrange(25, 36), rng.randrange(1, 13))},
            {"name": "dossier:levelOfSupport",
             "value": rng.choice(["maintained", "security fixes only", "community"])}]
    return entry


def dependency_graph(rng, n):
    """Returns the dependsOn index lists of n components.

    Each component depends on 0 to 5 components after it, so the graph has
    no cycle. One chain of n/10 consecutive components, each depending on
    the next, gives the cycle check one long path to walk.
    """
    targets = []
    for i in range(n):
        count = min(n - 1 - i, weighted(rng, [(0, 25), (1, 20), (2, 20), (3, 15), (4, 10),
                                               (5, 10)]))
        targets.append(sorted(rng.sample(range(i + 1, n), count)) if count else [])
    chain_start = n // 3
    for i in range(chain_start, min(n - 1, chain_start + n // 10)):
        if i + 1 not in targets[i]:
            targets[i] = sorted(targets[i][:4] + [i + 1])
    return targets, chain_start


def vulnerability(rng, index, components):
    affected = rng.choice(components)
    score = round(rng.uniform(2.0, 10.0), 1)
    severity = ("critical" if score >= 9.0 else "high" if score >= 7.0 else
                "medium" if score >= 4.0 else "low")
    if rng.random() < 0.8:
        vulnerability_id = "CVE-%d-%d" % (rng.randrange(2015, 2027), 10000 + index)
        source = {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/" + vulnerability_id}
    else:
        vulnerability_id = "GHSA-%04x-%04x-%04x" % (index, rng.getrandbits(16), rng.getrandbits(16))
        source = {"name": "GitHub", "url": "https://github.com/advisories/" + vulnerability_id}
    state = weighted(rng, STATES)
    analysis = {"state": state, "detail": "Assessed against the device configuration: %s."
                % state.replace("_", " ")}
    if state == "not_affected":
        analysis["justification"] = rng.choice(JUSTIFICATIONS)
    if state in ("exploitable", "in_triage"):
        analysis["response"] = rng.sample(["update", "workaround_available", "will_not_fix"], 1)
    elif state == "resolved":
        analysis["response"] = ["update"]
    return {
        "bom-ref": "vulnerability-%d" % index,
        "id": vulnerability_id,
        "source": source,
        "ratings": [{"source": {"name": source["name"]}, "score": score, "severity": severity,
                     "method": "CVSSv31",
                     "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
        "cwes": [rng.choice([20, 79, 119, 200, 400, 787])],
        "description": "A crafted input to %s can exhaust memory." % affected["name"],
        "published": "2025-%02d-%02dT00:00:00Z" % (rng.randrange(1, 13), rng.randrange(1, 29)),
        "analysis": analysis,
        "affects": [{"ref": affected["bom-ref"],
                     "versions": [{"version": affected["version"], "status": "affected"}]}],
    }


def generate(n, seed):
    """Returns a CycloneDX 1.6 document of n components, the same for the same n and seed."""
    rng = random.Random("%d-%d" % (seed, n))
    seen_identities = set()
    components = [component(rng, new_identity(rng, seen_identities)) for _ in range(n)]
    targets, chain_start = dependency_graph(rng, n)
    refs = [c["bom-ref"] for c in components]
    product = "product-infusion-pump-firmware"
    roots = sorted(set(rng.sample(range(n), min(n, 20))) | {chain_start})
    dependencies = [{"ref": product, "dependsOn": [refs[i] for i in roots]}]
    dependencies += [{"ref": refs[i], "dependsOn": [refs[j] for j in targets[i]]}
                     for i in range(n)]
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:%s" % uuid.UUID(int=rng.getrandbits(128), version=4),
        "version": 1,
        "metadata": {
            "timestamp": "2026-01-15T09:30:00Z",
            "lifecycles": [{"phase": "build"}],
            "tools": {"components": [{"type": "application", "name": "dossier-bench-sbom",
                                      "version": "1"}]},
            "authors": [{"name": "Firmware build team", "email": "build@lumen-medical.example"}],
            "component": {"type": "firmware", "bom-ref": product,
                          "name": "infusion-pump-firmware", "version": "2.4.0",
                          "supplier": {"name": "Lumen Medical"}},
            "supplier": {"name": "Lumen Medical"},
        },
        "components": components,
        "dependencies": dependencies,
        "vulnerabilities": [vulnerability(rng, i, components) for i in range(max(1, n // 100))],
    }


def write_generated(n, seed, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(generate(n, seed), f, indent=2)
        f.write("\n")


# ---- Tools and measuring ----

def find_dossier():
    if os.environ.get("DOSSIER"):
        return os.environ["DOSSIER"]
    for build in ("_build-check", "_build", "_build-bench"):
        path = os.path.join(TOP, build, "gen", "dossier")
        if not os.path.exists(path):
            continue
        usage = subprocess.run([path, "sbom"], capture_output=True, text=True)
        if "unknown command" in usage.stderr:
            print("bench/sbom.py: %s has no sbom command; skipped as out of date" % path,
                  file=sys.stderr)
            continue
        return path
    sys.exit("bench/sbom.py: no dossier build with the sbom command found; build one "
             "(mkdir -p _build-bench && cd _build-bench && ../configure && make gen/dossier) "
             "or set DOSSIER")


def warn_about_build(dossier):
    with open(dossier, "rb") as f:
        if b"__asan_init" in f.read():
            print("bench/sbom.py: %s is built with AddressSanitizer; its times and memory "
                  "are not those of a release build" % dossier, file=sys.stderr)
    sources = [os.path.join(TOP, "gen", name) for name in os.listdir(os.path.join(TOP, "gen"))
               if name.endswith((".c", ".h"))]
    if sources and max(os.path.getmtime(s) for s in sources) > os.path.getmtime(dossier):
        print("bench/sbom.py: %s is older than the sources in gen/; rebuild it to measure "
              "the current code" % dossier, file=sys.stderr)


def node_deps():
    return os.environ.get("NODE_DEPS") or os.path.join(
        os.path.expanduser("~"), ".cache", "dossier-bench", "node")


def validator_installed():
    return os.path.isdir(os.path.join(node_deps(), "node_modules", "@cyclonedx",
                                      "cyclonedx-library"))


def install(no_install):
    missing = [p for p, tool in (("time", "/usr/bin/time"), ("jq", "jq")) if shutil.which(tool) is None]
    if missing and not no_install:
        if os.geteuid() != 0:
            print("bench/sbom.py: missing %s; install them or run as root" % ", ".join(missing),
                  file=sys.stderr)
        else:
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
                           check=True, env=env, stdout=subprocess.DEVNULL)
    if shutil.which("/usr/bin/time") is None:
        sys.exit("bench/sbom.py: GNU time (/usr/bin/time) is missing; install the Debian package time")
    if validator_installed() or no_install or shutil.which("npm") is None:
        return
    deps = node_deps()
    os.makedirs(deps, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(os.path.join(SCHEMA_PACKAGE, name), os.path.join(deps, name))
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=deps,
                            capture_output=True, text=True)
    if result.returncode != 0:
        print("bench/sbom.py: npm ci of the CycloneDX library failed; its row is left out\n"
              + result.stderr[-2000:], file=sys.stderr)


def available(name):
    if name == "jq_walk":
        return shutil.which("jq") is not None
    if name == "cdx_validate":
        return shutil.which("node") is not None and validator_installed()
    return True


def command_line(name, dossier, path, spec_version, validator):
    return {
        "dossier": [dossier, "sbom", "show", "--format", "json", path],
        "python_parse": [sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))", path],
        "jq_walk": ["jq", '[.. | objects | select(has("bom-ref"))] | length', path],
        "cdx_validate": ["node", validator, node_deps(), spec_version, path],
    }[name]


def measure(args, keep_output=False):
    """Returns (seconds, peak MB, exit status, standard output) of one run, from GNU time -v.

    Standard output is kept only with keep_output, for commands that print
    a short result. Otherwise it goes to /dev/null like standard error.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name] + args,
                                stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, text=True)
        text = open(report.name).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, peak, result.returncode, (result.stdout or "").strip()


def describe(name, path, dossier):
    """Counts the entries of the file and runs dossier once, outside the timing, for its findings."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    info = {"input": name, "bytes": os.path.getsize(path),
            "spec_version": document.get("specVersion", "?"),
            "components": len(document.get("components", [])),
            "dependencies": len(document.get("dependencies", [])),
            "vulnerabilities": len(document.get("vulnerabilities", []))}
    result = subprocess.run([dossier, "sbom", "show", "--format", "json", path],
                            capture_output=True, text=True)
    info["dossier_exit"] = result.returncode
    info["dossier_components"] = len(json.loads(result.stdout)) if result.returncode in (0, 1) else None
    codes = {}
    for code in re.findall(r"\[([a-z-]+)\]$", result.stderr, flags=re.M):
        codes[code] = codes.get(code, 0) + 1
    info["dossier_diagnostics"] = codes
    return info


def run_input(name, path, args, dossier, validator):
    info = describe(name, path, dossier)
    info["load_before"] = os.getloadavg()[0]
    commands = [c for c in COMMANDS if available(c)]
    # A file over limits.sbom_bytes (128 MiB by default, and `sbom show`
    # reads no dossier.yaml that could raise it) is rejected unread, so
    # timing dossier on it would measure nothing.
    if "file-too-large" in info["dossier_diagnostics"]:
        commands.remove("dossier")
        info["dossier_rejected"] = True
    if "cdx_validate" in commands and info["components"] > args.validator_max:
        commands.remove("cdx_validate")
        info["cdx_skipped"] = True

    samples = {command: [] for command in commands}
    failures = {command: 0 for command in commands}
    outputs = {}
    for round_index in range(args.runs):
        for command in commands:
            if command == "cdx_validate" and round_index >= args.validator_runs:
                continue
            seconds, peak, status, output = measure(
                command_line(command, dossier, path, info["spec_version"], validator),
                keep_output=command in ("jq_walk", "cdx_validate"))
            # dossier exits 1 when it reports an error-level finding, and the
            # validator when the file is invalid. Both still did all their work.
            if status == 0 or (status == 1 and command in ("dossier", "cdx_validate")):
                samples[command].append((seconds, peak))
                outputs[command] = output
            else:
                failures[command] += 1
        print("  %s: round %d of %d done" % (name, round_index + 1, args.runs), file=sys.stderr)
    for command, count in failures.items():
        if count:
            print("bench/sbom.py: %s failed %d times on %s" % (command, count, name),
                  file=sys.stderr)

    if outputs.get("jq_walk", "").isdigit():
        info["jq_bom_refs"] = int(outputs["jq_walk"])
    if "cdx_validate" in outputs:
        info["cdx_verdict"] = outputs["cdx_validate"]
    info["seconds"] = {k: round(statistics.median(s for s, _ in v), 3)
                       for k, v in samples.items() if v}
    info["peak_mb"] = {k: round(statistics.median(m for _, m in v), 1)
                       for k, v in samples.items() if v}
    info["runs"] = {k: len(v) for k, v in samples.items()}
    info["load_after"] = os.getloadavg()[0]
    return info


# ---- Reporting ----

def input_summary(r):
    diagnostics = ", ".join("%d %s" % (count, code)
                            for code, count in sorted(r["dossier_diagnostics"].items(),
                                                      key=lambda item: (-item[1], item[0])))
    text = ("%s: CycloneDX %s, %.1f MB, %d components, %d dependency entries, %d "
            "vulnerabilities; dossier printed %s components and %s"
            % (r["input"], r["spec_version"], r["bytes"] / 1024 / 1024, r["components"],
               r["dependencies"], r["vulnerabilities"], r["dossier_components"],
               diagnostics or "no diagnostics"))
    if r.get("jq_bom_refs") is not None:
        text += "; jq counted %d bom-refs" % r["jq_bom_refs"]
    if r.get("cdx_verdict"):
        text += "; the CycloneDX library: %s" % r["cdx_verdict"]
    if r.get("dossier_rejected"):
        text += ("; dossier rejected the file as larger than limits.sbom_bytes, so it was "
                 "not timed")
    if r.get("cdx_skipped"):
        text += ("; the CycloneDX library was not run on this file, because its time grows "
                 "with the square of the component count")
    text += (". Load average (1 minute) %.1f before the runs and %.1f after"
             % (r["load_before"], r["load_after"]))
    return text + "."


def table(r):
    s, m = r["seconds"], r["peak_mb"]
    floor = s.get("python_parse")
    lines = ["| command | runs | median s | peak MB | peak / file size | this / python floor |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for command in COMMANDS:
        if command not in s:
            continue
        lines.append("| %s | %d | %.2f | %.1f | %.1f | %s |" % (
            LABELS[command], r["runs"][command], s[command], m[command],
            m[command] * 1024 * 1024 / r["bytes"],
            "%.2f" % (s[command] / floor) if floor else "–"))
    return "\n".join(lines)


def goals(results):
    """States the goals for the generated file of GOAL_SIZE components, if it was measured."""
    r = next((x for x in results if x["input"] == "cdx-%d" % GOAL_SIZE), None)
    if r is None or "dossier" not in r["seconds"] or "python_parse" not in r["seconds"]:
        return ""
    ratio = r["seconds"]["dossier"] / r["seconds"]["python_parse"]
    memory = r["peak_mb"]["dossier"] * 1024 * 1024 / r["bytes"]
    lines = []
    lines.append("- %s: `dossier sbom show` within %.0fx of the python parse floor at %d "
                 "components (%.2fx)" % ("met" if ratio <= MAX_FLOOR_RATIO else "not met yet",
                                         MAX_FLOOR_RATIO, GOAL_SIZE, ratio))
    lines.append("- %s: peak memory at most %.0fx the file size at %d components (%.2fx)"
                 % ("met" if memory <= MAX_MEMORY_PER_FILE_BYTE else "not met yet",
                    MAX_MEMORY_PER_FILE_BYTE, GOAL_SIZE, memory))
    return "\n".join(lines)


def report(results):
    parts = []
    for r in results:
        parts += ["### " + r["input"], "", input_summary(r), "", table(r), ""]
    text = goals(results)
    if text:
        parts += ["Goals:", "", text]
    return "\n".join(parts).rstrip("\n")


def tool_versions(dossier):
    def first_line(args):
        try:
            result = subprocess.run(args, capture_output=True, text=True)
        except OSError:
            return None
        return (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else None
    versions = [first_line([dossier, "--version"]), "Python %s" % platform.python_version()]
    jq = first_line(["jq", "--version"])
    if jq:
        versions.append(jq)
    node = first_line(["node", "--version"])
    if node and validator_installed():
        with open(os.path.join(node_deps(), "node_modules", "@cyclonedx", "cyclonedx-library",
                               "package.json")) as f:
            library = json.load(f)["version"]
        versions.append("Node.js %s with @cyclonedx/cyclonedx-library %s" % (node, library))
    return ", ".join(v for v in versions if v)


def build_flags(dossier):
    """Returns ", built with CFLAGS ..." from the Makefile of the binary's build folder, or ""."""
    makefile = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(dossier))), "Makefile")
    try:
        with open(makefile) as f:
            flags = re.search(r"^CFLAGS = (.*)$", f.read(), flags=re.M)
    except OSError:
        return ""
    return ", built with CFLAGS `%s`" % flags.group(1).strip() if flags else ""


def machine():
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kilobytes = next(int(line.split()[1]) for line in open("/proc/meminfo")
                         if line.startswith("MemTotal:"))
        memory = ", %.0f GiB" % (kilobytes / 1024 / 1024)
    except (OSError, StopIteration):
        pass
    return "%d cores (%s)%s, %s" % (os.cpu_count(), cpu, memory, platform.platform())


def write_results(results, args, dossier):
    path = os.path.join(TOP, "bench", "RESULTS.md")
    command = "bench/sbom.py --sizes \"%s\" --runs %d --validator-runs %d --write" % (
        args.sizes, args.runs, args.validator_runs)
    section = "\n".join([
        "<!-- bench/sbom start: rewritten by bench/sbom.py --write -->",
        "## SBOM import",
        "",
        "Command: `%s`, on %s." % (command, time.strftime("%Y-%m-%d")),
        "Machine: %s; %s." % (machine(), tool_versions(dossier)),
        "The dossier binary is %s%s." % (os.path.relpath(dossier, TOP), build_flags(dossier)),
        "Each cell is the median of the runs column, and the commands alternate within each",
        "round. GNU time measures each run's wall time (to 10 ms) and peak resident memory.",
        "Each input's summary gives the 1-minute load average before and after its runs: a",
        "load above the core count means that other jobs shared the machine.",
        "",
        "The inputs are the largest SBOM of the test corpus (Apache Airflow 2.8.0, made by",
        "cdxgen) and CycloneDX 1.6 JSON files that the script generates with seed %d, about"
        % args.seed,
        "1.2 KB per component. Each component has a purl bom-ref, a supplier (one in twenty",
        "has none), a SHA-256 hash (and a SHA-512 one on some), a licence as an SPDX ID, an",
        "expression or a free-text name, and on some a description, links and support",
        "properties. Each component depends on 0 to 5 later ones, a tenth of them form one",
        "long chain, and one component in a hundred has a vulnerability with a CVSS rating",
        "and an analysis. A file of 200,000 components (222 MB) is over the 128 MiB that",
        "dossier reads from one SBOM (limits.sbom_bytes, which `sbom show` cannot raise), so",
        "dossier rejects it with `file-too-large`, and the default sizes stop at 100,000.",
        "",
        "- **dossier sbom show --format json**: parses the file, reads every component,",
        "  dependency and vulnerability, runs the NTIA minimum-element, duplicate,",
        "  dependency-cycle, placeholder, licence-expression, vulnerability-analysis and",
        "  reference checks, and prints the components as JSON and the findings as",
        "  diagnostics (both to /dev/null).",
        "- **python3 json.load (floor)**: Python's C JSON decoder turns the file into",
        "  Python objects and nothing more, the least work a tool that reads the whole",
        "  document does.",
        "- **jq bom-ref walk**: `jq '[.. | objects | select(has(\"bom-ref\"))] | length'`",
        "  parses the file and visits every object once; it checks nothing.",
        "- **CycloneDX JS library, strict validation**: the official JavaScript library's",
        "  `JsonStrictValidator` for the file's specVersion, started with Node.js: parses",
        "  the file and validates it against the CycloneDX JSON schema. It checks the",
        "  structure and the formats, not the NTIA elements, cycles or references. Its",
        "  time grows with the square of the component count, because the schema marks",
        "  `components` as `uniqueItems` and its validator (Ajv) compares every pair:",
        "  fast-deep-equal's `equal` took 63 % of a Node.js CPU profile at 10,000.",
        "",
        report(results),
        "<!-- bench/sbom end -->",
    ])
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    if "<!-- bench/sbom start" in text:
        text = re.sub(r"<!-- bench/sbom start.*?<!-- bench/sbom end -->", lambda _: section,
                      text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000 50000 100000",
                        help="component counts of the generated SBOMs (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default: 5)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default: 42)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the SBOM import section of bench/RESULTS.md")
    parser.add_argument("--no-install", action="store_true",
                        help="install nothing, leave out the commands whose tool is missing")
    parser.add_argument("--validator-runs", type=int, default=None,
                        help="runs of the CycloneDX library (default: --runs)")
    parser.add_argument("--validator-max", type=int, default=50000,
                        help="largest component count the CycloneDX library is run on "
                             "(default: %(default)s)")
    parser.add_argument("--generate", nargs=2, metavar=("N", "FILE"),
                        help="write a generated SBOM of N components to FILE and exit")
    args = parser.parse_args()

    if args.validator_runs is None:
        args.validator_runs = args.runs
    if args.generate:
        write_generated(int(args.generate[0]), args.seed, args.generate[1])
        return 0

    if not os.path.exists(CORPUS_FILE):
        sys.exit("bench/sbom.py: the corpus SBOM %s is missing" % CORPUS_FILE)
    install(args.no_install)
    dossier = find_dossier()
    warn_about_build(dossier)

    work = tempfile.mkdtemp(prefix="dossier-bench-sbom-")
    results = []
    try:
        validator = os.path.join(work, "validate.mjs")
        with open(validator, "w") as f:
            f.write(VALIDATOR_SCRIPT)
        inputs = [("airflow", None)] + [("cdx-%d" % int(n), int(n)) for n in args.sizes.split()]
        for name, size in inputs:
            path = CORPUS_FILE
            if size is not None:
                path = os.path.join(work, name + ".cdx.json")
                write_generated(size, args.seed, path)
            result = run_input(name, path, args, dossier, validator)
            results.append(result)
            if args.json:
                print(json.dumps(result, sort_keys=True))
            if size is not None:
                os.remove(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if not args.json:
        print(report(results))
    if args.write:
        write_results(results, args, dossier)
    return 0


if __name__ == "__main__":
    sys.exit(main())
