#!/usr/bin/python3
"""Builds the example package and hostile input with `dossier build --only
docx` and checks every DOCX with real readers: each part parses as XML,
python-docx opens the file and finds the styles and tables, LibreOffice
converts it to PDF without error and the text contains every record ID and
table header, header rows repeat, every internal link resolves to a
bookmark, and a rebuild under another time zone is byte-identical.

Environment: DOSSIER (the binary), top_srcdir (the source tree).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.dom import minidom

TOP = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOSSIER = os.environ.get("DOSSIER") or os.path.join(TOP, "gen", "dossier")
EXAMPLE = os.path.join(TOP, "examples", "infusion-pump")
FAILURES = []
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check(condition, message):
    print(("PASS " if condition else "FAIL ") + message)
    if not condition:
        FAILURES.append(message)
    return condition


def build(repo, out, env=None):
    result = subprocess.run([DOSSIER, "build", repo, "-o", out, "--only", "docx", "--quiet"],
                            capture_output=True, text=True, env=env, timeout=600)
    package = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return result.returncode, package, result.stderr


def check_parts(docx, navigation=True):
    name = os.path.basename(docx)
    with zipfile.ZipFile(docx) as z:
        names = z.namelist()
        check(names[0] == "[Content_Types].xml", name + ": content types come first")
        for part in ("word/document.xml", "word/styles.xml", "word/numbering.xml",
                     "word/settings.xml", "word/footnotes.xml", "word/header1.xml",
                     "word/footer1.xml", "docProps/core.xml", "docProps/app.xml",
                     "_rels/.rels", "word/_rels/document.xml.rels"):
            check(part in names, name + ": has " + part)
        bad = []
        for part in names:
            if part.endswith(".xml") or part.endswith(".rels"):
                try:
                    minidom.parseString(z.read(part))
                except Exception as error:  # any parse error fails the check
                    bad.append("%s (%s)" % (part, error))
        check(not bad, name + ": every part is well-formed XML %s" % bad)
        document = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
        times = {info.date_time for info in z.infolist()}
    check(len(times) == 1, name + ": every zip entry has the same time")
    for target in re.findall(r'Target="([^"]+)"', rels):
        if target.startswith("http"):
            continue
        check(("word/" + target) in names, name + ": relationship target exists: " + target)
    for part in names:
        if part.endswith(".xml") and part.startswith("word/") and "_rels" not in part:
            check(('PartName="/%s"' % part) in types, name + ": content type for " + part)
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', document))
    anchors = set(re.findall(r'<w:hyperlink w:anchor="([^"]+)"', document))
    check((anchors or not navigation) and anchors <= bookmarks,
          name + ": every internal link resolves to a bookmark (%d links, unresolved: %s)"
          % (len(anchors), sorted(anchors - bookmarks)[:5]))
    check(all(len(b) <= 40 and re.match(r"^[A-Za-z][A-Za-z0-9_]*$", b) for b in bookmarks),
          name + ": bookmark names are valid for Word")
    if navigation:
        check("<w:tblHeader/>" in document, name + ": table header rows are marked to repeat")
    if navigation:
        check('w:instrText xml:space="preserve"> TOC ' in document, name + ": has a TOC field")
    return document, bookmarks


def check_python_docx(docx):
    try:
        import docx as python_docx
    except ImportError:
        check(False, "python-docx is installed (Debian package python3-docx)")
        return
    document = python_docx.Document(docx)
    styles = {s.name for s in document.styles}
    for style in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
        check(style in styles, os.path.basename(docx) + ": python-docx finds style " + style)
    check(len(document.tables) > 0, os.path.basename(docx) + ": python-docx finds tables")


def libreoffice_text(docx, out, body_only=False):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = "file://" + os.path.join(out, "lo-profile")
    result = subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless",
                             "--convert-to", "pdf", "--outdir", out, docx],
                            capture_output=True, text=True, timeout=300)
    pdf = os.path.join(out, os.path.basename(docx)[:-5] + ".pdf")
    check(result.returncode == 0 and os.path.exists(pdf),
          os.path.basename(docx) + ": LibreOffice converts it to PDF")
    if not os.path.exists(pdf):
        print(result.stdout, result.stderr)
        return ""
    # The body area only (Letter, 72 dpi) when text must read on across
    # page breaks without the header and footer in between.
    crop = ["-x", "0", "-y", "60", "-W", "612", "-H", "672"] if body_only else []
    return subprocess.run(["pdftotext"] + crop + [pdf, "-"], capture_output=True, text=True).stdout


def main():
    for tool in ("soffice", "pdftotext"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (Debian packages libreoffice-writer-nogui, "
                  "poppler-utils)" % tool)
            return 77
    out = tempfile.mkdtemp(prefix="dossier-docx-")
    try:
        status, package, stderr = build(EXAMPLE, os.path.join(out, "a"))
        check(status == 0, "example builds DOCX with exit status 0 (%s)" % stderr[-300:])
        docxs = sorted(glob.glob(os.path.join(package, "*.docx")))
        check(len(docxs) >= 3 and not glob.glob(os.path.join(package, "*.pdf")),
              "--only docx writes only DOCX files")
        ids = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(EXAMPLE, "records", "*", "*.md"))}
        everything = ""
        for docx in docxs:
            document, bookmarks = check_parts(docx)
            check_python_docx(docx)
            text = libreoffice_text(docx, out)
            everything += text
            headers = re.findall(r"<w:tblHeader/>.*?</w:tr>", document)
            for row in headers[:5]:
                squeezed = re.sub(r"[\s\u00ad-]+", "", text)
                for cell in re.findall(r"<w:t xml:space=\"preserve\">([^<]+)</w:t>", row):
                    check(re.sub(r"[\s-]+", "", cell) in squeezed,
                          os.path.basename(docx) + ": table header in text: " + cell)
            described = {b[2:] for b in bookmarks if b.startswith("r_")}
            records = {i for i in ids if i.replace("-", "_") in described}
            check(len(records) > 0, os.path.basename(docx) + ": has a bookmark per record")
        missing = sorted(i for i in ids if i not in everything)
        check(not missing, "LibreOffice text contains every record ID (missing: %s)" % missing[:10])

        env = dict(os.environ, TZ="Asia/Kathmandu")
        status, second, _ = build(EXAMPLE, os.path.join(out, "b"), env)
        same = all(open(d, "rb").read() == open(os.path.join(second, os.path.basename(d)), "rb").read()
                   for d in docxs)
        check(status == 0 and same, "a rebuild under another TZ is byte-identical")

        repo = os.path.join(out, "hostile")
        os.makedirs(os.path.join(repo, "records"))
        shutil.copy(os.path.join(EXAMPLE, "dossier.yaml"), repo)
        token = "X" * 10000
        columns = "| " + " | ".join("c%02d" % i for i in range(60)) + " |\n|" + "---|" * 60 + "\n"
        body = (token + "\n\nArabic مضخة, Hebrew משאבה, emoji \U0001F489, CJK 胰岛素.\n\n"
                + columns + "| " + " | ".join("v%02d" % i for i in range(60)) + " |\n\n"
                + "![not an image](fake.png)\n\nA footnote[^1].\n\n[^1]: The note text.\n")
        with open(os.path.join(repo, "records", "UN-001.md"), "w") as f:
            f.write("---\nid: UN-001\ntype: user-need\ntitle: Hostile \x7f text\n---\n" + body)
        with open(os.path.join(repo, "records", "fake.png"), "w") as f:
            f.write("not a png")
        tdir = os.path.join(repo, "templates", "fda-premarket")
        os.makedirs(tdir)
        with open(os.path.join(tdir, "010-all.md"), "w") as f:
            f.write("---\ntitle: All\n---\n```dossier\nrecords: user-need\n```\n")
        status, package, stderr = build(repo, os.path.join(out, "c"))
        docx = os.path.join(package, "001_all.docx")
        check(status in (0, 1) and os.path.exists(docx), "hostile input builds a DOCX")
        check("image-unreadable" in stderr, "a fake image is reported")
        if os.path.exists(docx):
            check_parts(docx, navigation=False)
            text = libreoffice_text(docx, out, body_only=True)
            check(token in re.sub(r"\s+", "", text), "the 10,000-character token is all there")
            check("c59" in text and "v59" in text, "all 60 columns are there")
            with zipfile.ZipFile(docx) as z:
                notes = z.read("word/footnotes.xml").decode("utf-8")
            check("The note text." in notes, "the footnote is a real footnote")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("all DOCX checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
