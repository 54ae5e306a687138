#!/usr/bin/env python3
"""Builds the example package and hostile inputs with `dossier build` and
checks the PDFs with real readers: pdfinfo, pdffonts, pdftotext and
pdftoppm from poppler-utils, and qpdf.

Environment: DOSSIER (the binary), top_srcdir (the source tree).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOSSIER = os.environ.get("DOSSIER") or os.path.join(TOP, "gen", "dossier")
EXAMPLE = os.path.join(TOP, "examples", "infusion-pump")
FAILURES = []


def check(condition, message):
    print(("PASS " if condition else "FAIL ") + message)
    if not condition:
        FAILURES.append(message)
    return condition


def run(args, env=None, check_status=True):
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    if check_status and result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:])
    return result


def build(repo, out, env=None):
    """Builds repo into out and returns (exit status, package folder, stderr)."""
    result = run([DOSSIER, "build", repo, "-o", out, "--quiet"], env=env, check_status=False)
    package = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return result.returncode, package, result.stderr


def pdftotext(pdf, page=None):
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return run(args + [pdf, "-"]).stdout


def page_count(pdf):
    info = run(["pdfinfo", pdf]).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def outline(pdf):
    import json
    data = json.loads(run(["qpdf", "--json=2", "--json-key=outlines", pdf]).stdout)

    def walk(items, depth):
        for item in items:
            yield depth, item["title"]
            yield from walk(item["kids"], depth + 1)
    return list(walk(data["outlines"], 1))


def example_ids():
    ids = {}
    for path in glob.glob(os.path.join(EXAMPLE, "records", "*", "*.md")):
        ids[os.path.basename(path)[:-3]] = os.path.basename(os.path.dirname(path))
    return ids


def check_pdf_hygiene(pdf, paper="letter"):
    name = os.path.basename(pdf)
    info = run(["pdfinfo", pdf]).stdout
    if paper == "letter":
        check("Page size:       612 x 792 pts (letter)" in info, name + ": Letter pages")
    else:
        check(re.search(r"Page size:\s+595\.2\d x 841\.8\d pts \(A4\)", info) is not None,
              name + ": A4 pages")
    check(re.search(r"^Encrypted:\s+no", info, re.M) is not None, name + ": not encrypted")
    check(re.search(r"^PDF version:\s+1\.5", info, re.M) is not None, name + ": PDF 1.5")
    for key in ("Title", "Author", "Subject", "Creator"):
        check(re.search(r"^%s:\s+\S" % key, info, re.M) is not None, name + ": metadata " + key)
    fonts = run(["pdffonts", pdf]).stdout.splitlines()[2:]
    check(len(fonts) > 0, name + ": lists fonts")
    for row in fonts:
        fields = row.split()
        # name type encoding emb sub uni object ID: emb is the 5th field
        # from the end.
        check(fields[-5] == "yes", name + ": font embedded: " + fields[0])
        check(re.search(r"\+(Liberation|DejaVu)", fields[0]) is not None,
              name + ": font comes from fonts/: " + fields[0])
    qpdf = run(["qpdf", "--check", pdf], check_status=False)
    check(qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout,
          name + ": qpdf --check is clean")
    raw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                         capture_output=True).stdout
    check(b"/PageMode /UseOutlines" in raw, name + ": opens with the bookmarks panel")
    for forbidden in (b"/JavaScript", b"/JS ", b"/EmbeddedFile", b"/Encrypt", b"/Launch"):
        check(forbidden not in raw, name + ": no " + forbidden.decode())
    annots = re.findall(rb"/Type /Annot\s*/Subtype /(\w+)|/Subtype /(\w+)\s*/Type /Annot", raw)
    kinds = {a or b for a, b in annots}
    check(kinds <= {b"Link"}, name + ": only link annotations (%s)" % sorted(kinds))


def check_example(out):
    status, package, stderr = build(EXAMPLE, out)
    check(status == 0, "example builds with exit status 0 (%d: %s)" % (status, stderr[-300:]))
    pdfs = sorted(glob.glob(os.path.join(package, "*.pdf")))
    check(len(pdfs) >= 3, "example has at least three PDFs")
    for name in ("manifest.json", "check-report.txt", "check-report.sarif"):
        check(os.path.exists(os.path.join(package, name)), "package has " + name)
    check(not glob.glob(os.path.join(out, ".*partial*")), "no staging folder is left behind")
    for pdf in pdfs:
        check_pdf_hygiene(pdf)

    ids = example_ids()
    texts = {os.path.basename(p): pdftotext(p) for p in pdfs}
    everything = "\n".join(texts.values())
    missing = [i for i in ids if i not in everything]
    check(not missing, "every record ID is in the package text (missing: %s)" % missing[:10])

    # The outline mirrors the headings: every record a document describes
    # has an outline entry, and each entry's title is in the text.
    srs = next(p for p in pdfs if "software-requirements" in p)
    entries = outline(srs)
    titles = [t for _, t in entries]
    srs_ids = [i for i, kind in ids.items() if kind == "software-requirement"]
    check(all(any(t.startswith(i + " ") for t in titles) for i in srs_ids),
          "requirements document: an outline entry per requirement")
    check(max(d for d, _ in entries) >= 2, "outline is nested")
    flat = re.sub(r"\s+", " ", texts[os.path.basename(srs)])
    check(all(re.sub(r"\s+", " ", t)[:40] in flat for t in titles),
          "every outline title is in the text")

    # A table of 40 or more rows spans pages and repeats its header: the
    # verification results of the traceability document.
    trace = next(p for p in pdfs if "traceability" in p)
    pages = page_count(trace)
    first = last = None
    header = r"ID\s+Title\s+Level\s+Result\s+Verifies"
    for page in range(1, pages + 1):
        text = pdftotext(trace, page)
        # The contents list the heading too; the table starts where its
        # header row is.
        if first is None and re.search(header, text):
            first = page
        if first is not None and last is None and "TEST-" in text:
            last_with_tests = page
        if first is not None and "SOUP components" in text and last is None:
            last = page
    tests = [i for i, kind in ids.items() if kind == "test"]
    check(len(tests) >= 40, "the example has 40 or more tests for the long table")
    check(first is not None and last is not None and last > first,
          "the verification table spans pages (%s to %s)" % (first, last))
    if first is not None and last is not None:
        for page in range(first, last + 1):
            text = pdftotext(trace, page)
            if re.search(r"TEST-\d+\s+\S", text):
                check(re.search(header, text) is not None, "table header repeated on page %d" % page)

    # The risk matrix is drawn: its page, rendered, has the matrix colours.
    rmf = next(p for p in pdfs if "risk-management" in p)
    matrix_page = next(page for page in range(1, page_count(rmf) + 1)
                       if "Before risk controls" in pdftotext(rmf, page))
    prefix = os.path.join(out, "matrix")
    run(["pdftoppm", "-r", "40", "-f", str(matrix_page), "-l", str(matrix_page), rmf, prefix])
    ppm = glob.glob(prefix + "*.ppm")[0]
    with open(ppm, "rb") as f:
        data = f.read()
    header = data.split(b"\n", 3)
    pixels = header[3]
    colours = {}
    for k in range(0, len(pixels) - 2, 3):
        colours[pixels[k:k + 3]] = colours.get(pixels[k:k + 3], 0) + 1
    red = sum(n for c, n in colours.items() if c[0] > 240 and 190 < c[1] < 215 and c[2] > 195)
    green = sum(n for c, n in colours.items() if 185 < c[0] < 215 and c[1] > 220 and c[2] < 215)
    check(red > 200 and green > 200, "risk matrix cells are drawn (%d red, %d green pixels)"
          % (red, green))
    return package


def package_files(package):
    """Every file of a package, as paths relative to it."""
    return sorted(os.path.relpath(os.path.join(d, n), package)
                  for d, _, names in os.walk(package) for n in names)


def check_reproducible(out, package):
    status, second, _ = build(EXAMPLE, os.path.join(out, "second"))
    same = package_files(package) == package_files(second) and all(
        open(os.path.join(package, n), "rb").read() == open(os.path.join(second, n), "rb").read()
        for n in package_files(package))
    check(status == 0 and same, "a second build is byte-identical")
    locales = run(["locale", "-a"]).stdout.split()
    comma = next((l for l in locales if l.lower() in ("de_de.utf8", "de_de.utf-8")), None)
    if comma is None:
        print("SKIP comma-decimal build: de_DE.UTF-8 is not installed")
    else:
        env = dict(os.environ, LC_ALL=comma, LANG=comma)
        status, third, _ = build(EXAMPLE, os.path.join(out, "comma"), env)
        same = package_files(package) == package_files(third) and all(
            open(os.path.join(package, n), "rb").read() == open(os.path.join(third, n), "rb").read()
            for n in package_files(package))
        check(status == 0 and same, "a build under %s is byte-identical" % comma)
    env = dict(os.environ, SOURCE_DATE_EPOCH="86400", TZ="Pacific/Kiritimati")
    status, dated, _ = build(EXAMPLE, os.path.join(out, "dated"), env)
    info = run(["pdfinfo", "-isodates", glob.glob(os.path.join(dated, "*.pdf"))[0]]).stdout
    check("1970-01-02T00:00:00" in info, "SOURCE_DATE_EPOCH sets the PDF dates")


def check_a4(out):
    repo = os.path.join(out, "a4-repo")
    shutil.copytree(EXAMPLE, repo)
    with open(os.path.join(repo, "dossier.yaml")) as f:
        text = f.read().replace("paper: letter", "paper: a4")
    with open(os.path.join(repo, "dossier.yaml"), "w") as f:
        f.write(text)
    status, package, _ = build(repo, os.path.join(out, "a4"))
    pdfs = glob.glob(os.path.join(package, "*.pdf"))
    check(status == 0 and pdfs, "A4 project builds")
    for pdf in pdfs[:1]:
        check_pdf_hygiene(pdf, paper="a4")


HOSTILE_POLICY = """
risk:
  severity: [negligible, minor, serious, critical, catastrophic]
  probability: [improbable, remote, occasional, probable, frequent]
  acceptability:
    improbable: [acceptable, acceptable, acceptable, alarp, alarp]
    remote: [acceptable, acceptable, alarp, alarp, unacceptable]
    occasional: [acceptable, alarp, alarp, unacceptable, unacceptable]
    probable: [alarp, alarp, unacceptable, unacceptable, unacceptable]
    frequent: [alarp, unacceptable, unacceptable, unacceptable, unacceptable]
"""


def write_png(path, width, height):
    """Writes an RGB PNG with horizontal bands, using only zlib."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + bytes((y % 256, 80, 160)) * width for y in range(height))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)


def check_hostile(out):
    repo = os.path.join(out, "hostile")
    os.makedirs(os.path.join(repo, "records"))
    with open(os.path.join(repo, "dossier.yaml"), "w") as f:
        f.write("project:\n  device_name: Hostile\n  version: 1\n  release_date: 2026-01-01\n"
                "model: medical-device\nrecords: [records]\n" + HOSTILE_POLICY)
    token = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 26] for i in range(10000))
    columns = ["c%02d" % i for i in range(1, 61)]
    table = "| " + " | ".join(columns) + " |\n|" + "---|" * 60 + "\n| " + \
        " | ".join("v%02d" % i for i in range(1, 61)) + " |\n"
    scripts = "Arabic: مضخة الأنسولين. Hebrew: משאבת אינסולין. Greek: αντλία. Emoji: \U0001F489."
    long_body = "\n\n".join("Paragraph %05d of the very long record. " % i + "Filler text " * 20
                            for i in range(1, 5001))
    records = {
        "UN-001": ("user-need", "A token without spaces",
                   token + "\n\n" + table + "\n" + scripts + "\n\n![A wide test image](wide.png)"),
        "UN-002": ("user-need", "A record body of several hundred pages", long_body),
    }
    for rid, (kind, title, body) in records.items():
        with open(os.path.join(repo, "records", rid + ".md"), "w") as f:
            f.write("---\nid: %s\ntype: %s\ntitle: %s\n---\n%s\n" % (rid, kind, title, body))
    # A field value taller than a page, in the record's field table.
    tall = " ".join("Source%05d" % i for i in range(1, 6001))
    with open(os.path.join(repo, "records", "UN-003.md"), "w") as f:
        f.write("---\nid: UN-003\ntype: user-need\ntitle: A tall cell\nsource: %s\n---\n" % tall)
    write_png(os.path.join(repo, "records", "wide.png"), 3000, 400)
    # One paragraph of about 500 KB: wider than Pango's 32-bit units
    # when laid out unwrapped.
    with open(os.path.join(repo, "records", "UN-004.md"), "w") as f:
        f.write("---\nid: UN-004\ntype: user-need\ntitle: One huge paragraph\n---\n"
                + " ".join("lorem%05d" % i for i in range(45000)) + " LASTWORD\n")
    tdir = os.path.join(repo, "templates", "fda-premarket")
    os.makedirs(tdir)
    with open(os.path.join(tdir, "010-all.md"), "w") as f:
        f.write("---\ntitle: Everything\nnumber: ALL\n---\n```dossier\nrecords: user-need\n```\n")
    status, package, stderr = build(repo, os.path.join(out, "hostile-out"))
    pdf = os.path.join(package, "001_all.pdf")
    check(status in (0, 1) and os.path.exists(pdf), "hostile input builds (%d)" % status)
    if not os.path.exists(pdf):
        print(stderr[-2000:])
        return
    check("glyph-missing" in stderr and "U+1F489" in stderr, "emoji is reported as glyph-missing")
    text = pdftotext(pdf)
    # The body area only (Letter, 72 dpi): the header and footer would
    # interrupt text that continues across a page break.
    body = run(["pdftotext", "-x", "0", "-y", "62", "-W", "612", "-H", "668", pdf, "-"]).stdout
    squeezed = re.sub(r"\s+", "", body)
    check(token in squeezed, "the 10,000-character token is all there")
    check(all(c in text for c in columns), "all 60 table columns are there")
    check(all(v in squeezed for v in ("v01", "v30", "v60")), "all 60 table cells are there")
    check("Paragraph 05000" in text and "Paragraph 00001" in text, "the long body is all there")
    check("lorem00000" in text and "lorem44999" in text and "LASTWORD" in text,
          "a 500 KB paragraph is all there")
    check("Source00001" in text and "Source06000" in text and "Source03000" in text,
          "a table cell taller than a page continues on the next pages")
    check("image-unreadable" not in stderr, "the PNG image is read")
    raw = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                         capture_output=True).stdout
    check(b"/Subtype /Image" in raw, "the image is in the PDF")
    check(b"/Width 3000" in raw and b"/Height 400" in raw,
          "the image keeps its pixels and is scaled on the page")
    check(page_count(pdf) > 250, "the long body runs to %d pages" % page_count(pdf))
    check(run(["qpdf", "--check", pdf], check_status=False).returncode == 0,
          "hostile PDF passes qpdf --check")


PLACEHOLDERS = re.compile(r"\bTODO\b|\bTBD\b|\bFIXME\b|\{\{|\}\}|No records of this type|lorem ipsum",
                          re.IGNORECASE)


def bookmarks(pdf):
    """The bookmarks of a PDF in reading order, as (title, page, depth)."""
    data = json.loads(run(["qpdf", "--json", "--json-key=outlines", pdf]).stdout)
    items = []

    def walk(entries, depth):
        for entry in entries:
            items.append((entry["title"], entry.get("destpageposfrom1") or 0, depth))
            walk(entry.get("kids", []), depth + 1)
    walk(data.get("outlines", []), 0)
    return items


def page_texts(pdf, titles):
    """The text of each page, without the running header and footer lines
    and the table of contents, with white space collapsed."""
    pages = run(["pdftotext", "-layout", pdf, "-"]).stdout.split("\f")
    texts = []
    toc_line = re.compile(r"^\s*(.*\S)\s{2,}\d+\s*$")
    for page in pages:
        lines = [l for l in page.splitlines() if l.strip()]
        # Contents entries: a heading's title (or the first line of a
        # wrapped one) and its page number.
        lines = [l for l in lines if not (toc_line.match(l) and any(
            t.startswith(" ".join(toc_line.match(l).group(1).split())) for t in titles))]
        # The header (number, title, revision) and the footer (Page X of Y).
        if lines and "Revision" in lines[0]:
            lines = lines[1:]
        if lines and re.search(r"Page \d+ of \d+", lines[-1]):
            lines = lines[:-1]
        texts.append(" ".join(" ".join(lines).split()))
    return texts


def check_sections(package):
    """Every section of every document has text of its own under its
    heading, and no document holds placeholder text. Headings come from
    the bookmarks; the text between one heading and the next is found in
    pdftotext's output of the pages they are on."""
    for pdf in sorted(glob.glob(os.path.join(package, "*.pdf"))):
        name = os.path.basename(pdf)
        marks_in = bookmarks(pdf)
        texts = page_texts(pdf, [" ".join(t.split()) for t, _, _ in marks_in])
        starts, joined = [], ""
        for t in texts:
            starts.append(len(joined))
            joined += t + " "
        marks = []
        cursor = 0
        for title, page, level in marks_in[1:]:
            key = " ".join(title.split())
            begin = max(cursor, starts[page - 1] if 0 < page <= len(starts) else cursor)
            at = joined.find(key, begin)
            if at < 0:
                # A long heading wraps: look for its first words.
                key = " ".join(key.split()[:4])
                at = joined.find(key, begin)
            if not check(at >= 0, "%s: heading '%s' is on its page" % (name, title)):
                continue
            marks.append((title, at, at + len(key), level))
            cursor = at + len(key)
        empty = []
        for i, (title, at, end, level) in enumerate(marks):
            following = marks[i + 1][1] if i + 1 < len(marks) else len(joined)
            body = joined[end:following].strip()
            # A heading followed by its own subsection is not empty.
            if i + 1 < len(marks) and marks[i + 1][3] > level:
                continue
            if len(body) < 3:
                empty.append(title)
        check(not empty, "%s: every one of its %d sections has content %s" % (name, len(marks), empty[:5]))
        found = PLACEHOLDERS.findall(joined)
        check(not found, "%s: no placeholder text %s" % (name, found[:5]))


def main():
    for tool in ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm", "qpdf"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (Debian packages poppler-utils and qpdf)" % tool)
            return 77
    out = tempfile.mkdtemp(prefix="dossier-pdf-")
    try:
        package = check_example(out)
        check_sections(package)
        check_reproducible(out, package)
        check_a4(out)
        check_hostile(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("all PDF checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
