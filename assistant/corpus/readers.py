"""Readers: a .txt, .md, .docx or .pdf file becomes plain text that the structure parser understands."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import CorpusError
from .headings import heading_kind
from .normalise import normalise_characters
from .repair import normalise_spaces
from .table import table_rows
from .word import Numbering, footnote_references, footnotes, table_cells, text_box_paragraphs

SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CAPTION = re.compile(r"^表\s*\d+")
_BOX = re.compile(r"^专\s*栏\s*\d+")
_STYLE_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_STYLE_TITLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def read_document(path: Path) -> str:
    """Reads a document file as text that `parse_document` can structure.

    Args:
        path: a .txt, .md, .docx or .pdf file (the suffix decides how it is read).

    Returns:
        The text: paragraphs separated by blank lines where the format knows them, headings on
        their own lines (`第一章 …`, or `# …` for styled headings without a Chinese number),
        each table after a `表 N` caption with one row per line.

    Raises:
        CorpusError: the file is missing, empty, of an unsupported type, not text, or unreadable.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise CorpusError(f"{path} has an unsupported file type ({suffix or 'no suffix'}); use .txt, .md, .docx or .pdf.")
    if not path.is_file():
        raise CorpusError(f"{path} does not exist; check the file name.")
    if path.stat().st_size == 0:
        raise CorpusError(f"{path} is empty; put the document's text in it or remove it from the corpus.")
    text = normalise_characters(reader(path))
    if not text.strip():
        raise CorpusError(f"{path} contains no text; put the document's text in it or remove it from the corpus.")
    return text


def decode_text(path: Path, data: bytes) -> str:
    """Decodes the bytes of a text file: UTF-8 (BOM or not), UTF-16 with a BOM, GB18030, then a guess.

    Raises:
        CorpusError: the bytes are binary (NUL or control bytes) or no encoding fits.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(path, data.decode(encoding))
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        raise _not_text(path)
    # GB18030 is a superset of GBK and GB2312; a strict decode rarely accepts another encoding's bytes,
    # except Big5's, which it reads as mojibake: see _big5.
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _checked(path, _big5(data) or text if encoding == "gb18030" else text)
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise _not_text(path)
    return _checked(path, str(guess))


# Big5 bytes read as GBK land largely in GBK's rows of kana, Greek and Cyrillic (Big5's lead bytes
# 0xA4-0xA7 are those rows), which Chinese plans hardly use. A GB18030 reading with more than this
# share of such letters among its non-ASCII characters, while a Big5 reading has none, is Big5.
# (Big5 text of the corpus: 15-25% of its characters; the GB18030 and UTF-8 corpus files: 0%.)
BIG5_SIGNS = 0.02
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u2500-\u257f]")


def _big5(data: bytes) -> str:
    """The text of Big5 (traditional Chinese) bytes that GB18030 also accepts, or "" when they are not Big5."""
    try:
        as_gb = data.decode("gb18030")
        as_big5 = data.decode("cp950")
    except UnicodeDecodeError:
        return ""
    wide = sum(ord(c) > 127 for c in as_gb) or 1
    if len(_FOREIGN.findall(as_gb)) / wide > BIG5_SIGNS and not _FOREIGN.search(as_big5):
        return as_big5
    return ""


def _checked(path: Path, text: str) -> str:
    if len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise _not_text(path)
    return text


def _not_text(path: Path) -> CorpusError:
    return CorpusError(f"{path} is not a text file (it looks binary or its encoding is unknown); save it as UTF-8 text and rebuild.")


def _read_txt(path: Path) -> str:
    return decode_text(path, path.read_bytes())


def _read_md(path: Path) -> str:
    return markdown_to_text(decode_text(path, path.read_bytes()))


# -- Markdown ------------------------------------------------------------------------------------
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_LIST_MARK = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_INLINE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),  # images carry no text to cite
    (re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])"), r"\1"),  # a link keeps its text
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    # Single-star emphasis only when the stars hug the words: a footnote mark "户数* 户" stays.
    (re.compile(r"(?<!\*)\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)"), r"\1"),
]


def markdown_to_text(source: str) -> str:
    """Strips markdown markup that is not content, keeping headings, code text and tables.

    `#` headings stay (the parser reads `#` to `####`) unless their text is already a Chinese
    heading (`## 第一章 总则` becomes `第一章 总则`); emphasis, link syntax, images, list and quote
    marks go; a fenced block keeps its lines verbatim; a table becomes one line per row after a
    `表 N` caption (the table's own caption when the line before it is one).

    Args:
        source: the markdown text.

    Returns:
        Plain text with blank lines between blocks.
    """
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]  # YAML front matter is metadata, not text
    out: list[str] = []
    tables = 0
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            else:
                out.append(line)
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            continue
        if "|" in line and index < len(lines) and _TABLE_SEPARATOR.match(lines[index]) and "|" in lines[index]:
            tables += 1
            index = _md_table(lines, index - 1, out, tables)
            continue
        if _LINK_DEFINITION.match(line) or (_RULE.match(line) and not (_SETEXT.match(line) and out and out[-1])):
            out.append("")
            continue
        match = _SETEXT.match(line)
        if match and out and out[-1] and not _MD_HEADING.match(out[-1]):
            out[-1] = _heading(1 if match.group(1)[0] == "=" else 2, out[-1])
            out.append("")
            continue
        match = _MD_HEADING.match(line)
        if match:
            out.extend(["", _heading(len(match.group(1)), _inline(match.group(2))), ""])
            continue
        line = _QUOTE.sub("", line)
        if _LIST_ITEM.match(line) and out and out[-1]:
            out.append("")  # each list item is a paragraph of its own, never joined to the one before
        out.append(_inline(_LIST_MARK.sub("", line, count=1)))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip("\n")) + "\n"


def _md_table(lines: list[str], start: int, out: list[str], number: int) -> int:
    """Appends the markdown table whose header is lines[start] as one line per row after its caption; returns the next line's index."""
    rows = [_cells(lines[start])]
    index = start + 2  # past the header and the separator
    while index < len(lines) and "|" in lines[index] and lines[index].strip():
        rows.append(_cells(lines[index]))
        index += 1
    while out and not out[-1]:
        out.pop()
    caption = [] if out and _CAPTION.match(out[-1]) and (len(out) == 1 or not out[-2]) else ["", f"表 {number}"]
    out.extend([*caption, *table_lines(rows), ""])
    return index


def _heading(level: int, text: str) -> str:
    """A `#` heading line, or the bare text when it already is a Chinese heading (第一章, 一、, （一）…)."""
    text = " ".join(text.split())
    found = heading_kind(text)
    if found is not None and found[0] != "markdown":
        return text
    return f"{'#' * min(level, 4)} {text}"


def _inline(line: str) -> str:
    """The line without inline markup; a backslash-escaped character stays, without its backslash."""
    # Escaped characters hide behind NUL-delimited indexes (decoded text never holds a NUL).
    protected: list[str] = []

    def protect(match: re.Match[str]) -> str:
        protected.append(match.group(1))
        return f"\x00{len(protected) - 1}\x00"

    line = _ESCAPED.sub(protect, line)
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], line)


def _cells(row: str) -> list[str]:
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return [normalise_spaces(_inline(cell)) for cell in cells]


def table_lines(rows: list[list[str]]) -> list[str]:
    """One line per table row, cells joined by a single space; an empty cell is shown as `—`.

    The dash keeps the columns aligned, so a value is never read under the wrong header.
    """
    return [" ".join(cell or "—" for cell in row) for row in rows]


# -- Word ----------------------------------------------------------------------------------------
def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises zip, XML and key errors alike on a damaged file
        raise CorpusError(f"{path} is not a readable Word .docx file; open and save it again in Word, or export it as PDF.") from None
    blocks: list[list[str]] = []
    tables = 0
    numbering = Numbering(document)
    notes = footnotes(document)
    for element in _body_elements(document.element.body):
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            lines = [line.strip() for line in paragraph.text.split("\n") if line.strip()]
            number = numbering.label(paragraph)
            if lines and number:
                lines[0] = f"{number} {lines[0]}"  # automatic numbering is not in the text: render it back
            if lines:
                blocks.append(_paragraph_lines(lines, _heading_level(paragraph), first=not blocks))
            blocks.extend([line] for line in text_box_paragraphs(element))
            blocks.extend([f"注：{notes[key]}"] for key in footnote_references(element) if key in notes)
            continue
        table = Table(element, document)
        box = _box_lines(table, blocks[-1] if blocks else [])
        if box is not None:
            # A 专栏 drawn as a one-column table: caption, then one item per line, each ended by a
            # space (the parser's mark for a paragraph end); the blank line after it closes the box.
            if _BOX.match(box[0]):
                blocks.append(box)
            else:
                blocks[-1].extend(box)
            continue
        body = table_rows(table_cells(table))
        if not body:
            continue
        tables += 1
        if blocks and len(blocks[-1]) == 1 and _CAPTION.match(blocks[-1][0]):
            blocks[-1].extend(body)
        else:
            blocks.append([f"表 {tables}", *body])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _body_elements(body) -> Iterator:
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt)."""
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in {"p", "tbl"}:
            yield child
        elif tag == "sdt":
            for content in child.iterchildren():
                if content.tag.endswith("}sdtContent"):
                    yield from _body_elements(content)


def _heading_level(paragraph) -> int:
    """0 for a Title paragraph, 1–4 for a heading style (or a style based on one), -1 otherwise."""
    style = paragraph.style
    for _ in range(4):
        if style is None:
            break
        name = (style.name or "").strip()
        if _STYLE_TITLE.match(name):
            return 0
        match = _STYLE_HEADING.match(name)
        if match:
            return min(max(int(match.group(1)), 1), 4)
        style = style.base_style
    return -1


def _paragraph_lines(lines: list[str], level: int, first: bool) -> list[str]:
    if level < 0:
        return lines
    text = " ".join(" ".join(lines).split())
    if level == 0 and first:
        return [text]  # the parser takes a short first line as the document title
    return [_heading(max(level, 1), text)]


def _box_lines(table, previous: list[str]) -> list[str] | None:
    """The lines of a 专栏 box drawn as a one-column table (caption inside it or just before it), else None."""
    paragraphs: list[str] = []
    for row in table.rows:
        cells = {id(cell._tc): cell for cell in row.cells}
        if len(cells) != 1:
            return None
        for cell in cells.values():
            paragraphs.extend(" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip())
    if paragraphs and _BOX.match(paragraphs[0]):
        return [paragraphs[0]] + [f"{line} " for line in paragraphs[1:]]
    if paragraphs and len(previous) == 1 and _BOX.match(previous[0]):
        return [f"{line} " for line in paragraphs]
    return None


# -- PDF -----------------------------------------------------------------------------------------
def _read_pdf(path: Path) -> str:
    import pdfplumber
    from pypdf import PdfReader

    from .layout import pdf_text

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(f"{path} is an encrypted PDF; save an unprotected copy and rebuild.")
        with pdfplumber.open(str(path)) as pdf:
            text = pdf_text(pdf)
    except CorpusError:
        raise
    except Exception:  # pypdf and pdfminer raise many kinds of errors (and need `cryptography` for AES) on such files
        raise CorpusError(
            f"{path} is not a readable PDF (it is damaged or its encryption is not supported); "
            "export it again or supply a .txt or .docx version."
        ) from None
    if not text.strip():
        raise CorpusError(f"{path} has no extractable text (a scanned PDF?); run OCR on it or supply a .txt or .docx version.")
    return text


_READERS: dict[str, Callable[[Path], str]] = {".txt": _read_txt, ".md": _read_md, ".docx": _read_docx, ".pdf": _read_pdf}
