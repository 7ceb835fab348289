"""The shipped plans as maintainers really have them: rendered as Word, as a printed PDF and as Word-style text.

Each variant is made from the units of the shipped .txt files (so nothing large is committed) and
written with a copy of documents.toml pointing at it; `evaluate` builds each variant's index and
runs the held-out evaluation on it. Prints the figures; asserts nothing (tests/corpus/test_formats.py does).

    python bench/formats.py [--out DIR] [--gold FILE] [--variants txt,docx,gbk,pdf]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VARIANTS = ("txt", "docx", "gbk", "pdf")
_CLAUSE = re.compile(r"^（([一二三四五六七八九十]+)）")


# -- what the renderers walk -------------------------------------------------------------------
def shipped_documents(corpus: Path = ROOT / "corpus"):
    """The shipped plans as parsed from their .txt files."""
    from assistant.corpus.manifest import load_corpus

    return load_corpus(corpus)


def _blocks(document) -> Iterable[tuple[str, object]]:
    """The document as render blocks: ("title"|"h1"|"h2"|"p"|"clause", text), ("box", (caption, items)),
    ("table", (caption, header, rows, note))."""
    from assistant.records import Kind

    units = list(document.units)
    index = 0
    while index < len(units):
        unit = units[index]
        index += 1
        slug = unit.id.split("/", 1)[1]
        if unit.kind == Kind.HEADING and slug == "title":
            yield "title", unit.text
        elif unit.kind == Kind.HEADING and re.match(r"^box\d+$", slug):
            items = []
            while index < len(units) and units[index].kind == Kind.BOX_ITEM:
                items.append(units[index].text)
                index += 1
            yield "box", (unit.text, items)
        elif unit.kind == Kind.HEADING and re.match(r"^table\d+$", slug):
            header: list[str] = []
            rows: list[list[str]] = []
            note = ""
            while index < len(units) and units[index].id.startswith(f"{unit.id}/"):
                part = units[index]
                index += 1
                if part.kind == Kind.TABLE_ROW:
                    rows.append(part.text.split())
                elif part.kind == Kind.TABLE_NOTE:
                    note = part.text
                else:
                    header = part.text.split()
            yield "table", (unit.text, header, rows, note)
        elif unit.kind == Kind.HEADING and (slug.startswith(("part", "ch", "preface")) and "." not in slug):
            yield "h1", unit.text
        elif unit.kind == Kind.HEADING and slug.startswith("ch"):
            yield "h2", unit.text
        elif unit.kind in {Kind.CLAUSE, Kind.HEADING} and _CLAUSE.match(unit.text):
            yield "clause", unit.text
        else:
            yield "p", unit.text


def _spans(header: list[str], rows: list[list[str]]) -> list[list[tuple[str, int]]]:
    """Each row's cells with their row span: a row with fewer cells than the header continues the
    leading (merged) cells of the row above, which therefore span down to it."""
    out: list[list[tuple[str, int]]] = []
    owners: list[tuple[int, int]] = []  # per column: (row index, cell index) of the cell printed there
    for number, cells in enumerate(rows):
        missing = len(header) - len(cells)
        printed = [cells[0], *cells[1:]] if missing <= 0 else cells
        row: list[tuple[str, int]] = []
        columns = [0, *range(1 + missing, len(header))] if missing > 0 else list(range(len(header)))
        new_owners = list(owners) if owners else [(0, 0)] * len(header)
        for cell, column in zip(printed, columns, strict=False):
            row.append((cell, 1))
            new_owners[column] = (number, len(row) - 1)
        for column in range(1, 1 + max(missing, 0)):
            owner_row, owner_cell = owners[column]
            text, span = out[owner_row][owner_cell]
            out[owner_row][owner_cell] = (text, span + 1)
        owners = new_owners
        out.append(row)
    return out


# -- HTML for chromium -------------------------------------------------------------------------
_CSS = """
@page { size: A4; margin: 25mm 22mm 25mm 22mm;
  @top-center { content: "%(running)s"; font-size: 9pt; color: #444; }
  @bottom-center { content: "— " counter(page) " —"; font-size: 10.5pt; } }
body { font-family: "Noto Sans CJK SC"; font-size: 12pt; line-height: 1.6; }
h1.title { font-size: 20pt; text-align: center; font-weight: bold; margin: 0 0 18pt; }
h1 { font-size: 16pt; font-weight: bold; text-align: center; margin: 18pt 0 10pt; }
h2 { font-size: 14pt; font-weight: bold; margin: 14pt 0 8pt; }
p { text-indent: 2em; margin: 0 0 6pt; text-align: justify; }
div.box { border: 1.2pt solid #000; padding: 6pt 10pt; margin: 10pt 0; break-inside: avoid; }
div.box p.caption { text-indent: 0; text-align: center; font-weight: bold; }
p.caption { text-indent: 0; text-align: center; font-weight: bold; margin-top: 10pt; }
table { border-collapse: collapse; width: 100%%; font-size: 10.5pt; margin-bottom: 6pt; }
th, td { border: 0.8pt solid #000; padding: 3pt 4pt; text-align: center; }
thead { display: table-header-group; }
tr.page { break-before: page; }
"""


def render_html(document, split_row: int = 6) -> str:
    """The document as an HTML page for printing: headings in larger bold type, 专栏 in a bordered
    box, each table with merged (rowspan) cells, a header repeated on every page (the page breaks
    before row `split_row`), a running header and `— N —` page numbers in the footer."""
    body: list[str] = []
    for kind, value in _blocks(document):
        if kind == "title":
            body.append(f'<h1 class="title">{html.escape(value)}</h1>')
        elif kind in {"h1", "h2"}:
            body.append(f"<{kind}>{html.escape(value)}</{kind}>")
        elif kind == "box":
            caption, items = value
            inner = "".join(f"<p>{html.escape(item)}</p>" for item in items)
            body.append(f'<div class="box"><p class="caption">{html.escape(caption)}</p>{inner}</div>')
        elif kind == "table":
            caption, header, rows, note = value
            head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
            lines = []
            for number, row in enumerate(_spans(header, rows), start=1):
                cells = "".join(
                    f'<td rowspan="{span}">{html.escape(text)}</td>' if span > 1 else f"<td>{html.escape(text)}</td>" for text, span in row
                )
                lines.append(f'<tr class="page">{cells}</tr>' if number == split_row else f"<tr>{cells}</tr>")
            table = f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'
            body.append(f'<p class="caption">{html.escape(caption)}</p>{table}')
            if note:
                body.append(f"<p>{html.escape(note)}</p>")
        else:
            body.append(f"<p>{html.escape(value)}</p>")
    css = _CSS % {"running": document.spec.short.replace('"', "")}
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head><body>{"".join(body)}</body></html>'


def render_pdf(document, path: Path) -> Path:
    """Prints the document's HTML to `path` with Debian's headless chromium."""
    path = Path(path)
    work = Path(tempfile.mkdtemp(prefix="chromium-", dir=path.parent))
    try:
        page = work / "page.html"
        page.write_text(render_html(document), encoding="utf-8")
        profile = f"--user-data-dir={work / 'profile'}"
        command = [CHROMIUM, *CHROMIUM_FLAGS, profile, "--no-pdf-header-footer", f"--print-to-pdf={path}", page.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


# -- comparing a variant with the shipped text -------------------------------------------------
def parse_variant(document, path: Path):
    """The variant file `path` of a shipped document, read and structured under the document's entry."""
    from assistant.corpus.readers import read_document
    from assistant.corpus.structure import parse_document

    return parse_document(document.spec, read_document(path))


def differences(expected, actual) -> list[str]:
    """What differs between two parses of a document: headings, and the unit text of every clause, box
    item and table row (by id), one line each ("" when they agree)."""
    from assistant.records import Kind

    def headings(parsed) -> list[str]:
        return [unit.text for unit in parsed.units if unit.kind == Kind.HEADING]

    out = []
    if headings(expected) != headings(actual):
        missing = [h for h in headings(expected) if h not in headings(actual)]
        extra = [h for h in headings(actual) if h not in headings(expected)]
        out.append(f"headings differ: missing {missing}, extra {extra}")
    theirs = {unit.id: unit for unit in actual.units}
    for unit in expected.units:
        other = theirs.get(unit.id)
        if other is None:
            out.append(f"{unit.id} ({unit.kind}) missing")
        elif (other.kind, other.label, other.path, other.text) != (unit.kind, unit.label, unit.path, unit.text):
            found, wanted = f"{other.kind} {other.label!r} {other.text[:60]!r}", f"{unit.kind} {unit.label!r} {unit.text[:60]!r}"
            out.append(f"{unit.id} differs: {found}, not {wanted}")
    known = {unit.id for unit in expected.units}
    out.extend(f"{unit.id} ({unit.kind}) extra: {unit.text[:60]!r}" for unit in actual.units if unit.id not in known)
    return out


# -- Word-style plain text ---------------------------------------------------------------------
def render_word_text(document, path: Path) -> Path:
    """The document as Word saves plain text in GBK: one paragraph a line, no blank lines, CRLF, table
    cells separated by tabs (a cell under a merged one left empty)."""
    lines: list[str] = []
    for kind, value in _blocks(document):
        if kind == "box":
            caption, items = value
            lines.extend([caption, *items])
        elif kind == "table":
            caption, header, rows, note = value
            lines.extend([caption, "\t".join(header)])
            for cells in rows:
                missing = len(header) - len(cells)
                lines.append("\t".join([cells[0], *[""] * max(missing, 0), *cells[1:]]))
            if note:
                lines.append(note)
        else:
            lines.append(value)
    Path(path).write_bytes("\r\n".join(lines).encode("gbk") + b"\r\n")
    return Path(path)


# -- Word --------------------------------------------------------------------------------------
_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
<w:lvlText w:val="（%1）"/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>"""


def render_docx(document, path: Path) -> Path:
    """The document as a Word file: headings in Heading styles, clauses （一）… as Word automatic
    numbering (the number is not in the text), each 专栏 a one-column table, each table a Word table
    with vertically merged cells."""
    import docx
    from docx.oxml import parse_xml

    word = docx.Document()
    numbering = word.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(parse_xml(f'<w:num {namespace} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for kind, value in _blocks(document):
        if kind == "title":
            word.add_paragraph(value, style="Title")
        elif kind in {"h1", "h2"}:
            word.add_heading(value, level=1 if kind == "h1" else 2)
        elif kind == "clause":
            paragraph = word.add_paragraph(_CLAUSE.sub("", value))
            properties = paragraph._p.get_or_add_pPr()
            properties.append(parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                '<w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'
            ))
        elif kind == "box":
            caption, items = value
            table = word.add_table(rows=2, cols=1)
            table.style = "Table Grid"
            table.cell(0, 0).text = caption
            cell = table.cell(1, 0)
            cell.text = items[0]
            for item in items[1:]:
                cell.add_paragraph(item)
        elif kind == "table":
            caption, header, rows, note = value
            word.add_paragraph(caption)
            spans = _spans(header, rows)
            table = word.add_table(rows=1 + len(rows), cols=len(header))
            table.style = "Table Grid"
            for column, name in enumerate(header):
                table.cell(0, column).text = name
            for number, row in enumerate(spans, start=1):
                columns = [column for column in range(len(header)) if not _covered(spans, number - 1, column, len(header))]
                for (text, span), column in zip(row, columns, strict=False):
                    top = table.cell(number, column)
                    top.text = text
                    if span > 1:
                        top.merge(table.cell(number + span - 1, column))
                        top.text = text
            if note:
                word.add_paragraph(note)
        else:
            word.add_paragraph(value)
    word.save(str(path))
    return Path(path)


def _covered(spans: list[list[tuple[str, int]]], row: int, column: int, width: int) -> bool:
    """Whether a merged cell from a row above covers (row, column)."""
    for above in range(row):
        printed = len(spans[above])
        missing = width - printed
        columns = [0, *range(1 + missing, width)] if missing > 0 else list(range(width))
        for (_, span), at in zip(spans[above], columns, strict=False):
            if at == column and above + span > row:
                return True
    return False


# -- evaluating the variants -------------------------------------------------------------------
def write_variant(variant: str, folder: Path, corpus: Path = ROOT / "corpus") -> Path:
    """A corpus folder holding the shipped plans as `variant` (txt, docx, gbk, pdf) and a documents.toml pointing at them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = (corpus / "documents.toml").read_text(encoding="utf-8")
    for document in shipped_documents(corpus):
        name = Path(document.spec.file)
        if variant == "txt":
            target = folder / name.name
            shutil.copyfile(corpus / name, target)
        else:
            target = folder / (f"{name.stem}.gbk.txt" if variant == "gbk" else f"{name.stem}.{variant}")
            {"docx": render_docx, "gbk": render_word_text, "pdf": render_pdf}[variant](document, target)
        manifest = manifest.replace(f'file = "{name}"', f'file = "{target.name}"')
    (folder / "documents.toml").write_text(manifest, encoding="utf-8")
    return folder


def evaluate(corpus: Path, work: Path, gold: Path = ROOT / "eval" / "heldout.jsonl") -> dict:
    """Builds the variant's index and runs the evaluation: units, headings, hybrid+steering recall@5, key coverage."""
    from assistant.corpus.manifest import load_corpus
    from assistant.records import Kind

    index, out = Path(work) / "index", Path(work) / "report"
    program = [sys.executable, "-m", "assistant", "--corpus", str(corpus), "--index", str(index)]
    subprocess.run([*program, "build"], check=True, capture_output=True, cwd=ROOT)
    # eval exits non-zero when a threshold of eval/thresholds.json is missed; the figures are still written.
    subprocess.run([*program, "eval", "--gold", str(gold), "--out", str(out), "--quiet"], capture_output=True, cwd=ROOT)
    metrics = json.loads((out / "report.json").read_text(encoding="utf-8"))["metrics"]
    units = [unit for document in load_corpus(corpus) for unit in document.units]
    return {
        "units": len(units),
        "headings": sum(1 for unit in units if unit.kind == Kind.HEADING),
        "recall@5": metrics["hybrid+steering/recall@5"],
        "key_coverage": metrics["answer/key_coverage"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the variants and their indexes here (default: a temporary folder)")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "heldout.jsonl")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="formats-"))
    print("| variant | units | headings | recall@5 (hybrid+steering) | key coverage |\n|---|---|---|---|---|")
    for variant in args.variants.split(","):
        corpus = write_variant(variant, work / variant / "corpus")
        found = evaluate(corpus, work / variant, args.gold)
        print(f"| {variant} | {found['units']} | {found['headings']} | {found['recall@5']:.3f} | {found['key_coverage']:.3f} |", flush=True)
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
