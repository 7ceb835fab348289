"""Word: what a .docx keeps outside the paragraph text — automatic numbering, merged table cells,
text boxes and footnotes — read back into text (readers.py walks the body)."""

from __future__ import annotations

from collections.abc import Iterator

from .repair import normalise_spaces

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def chinese_count(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if number <= 0:
        return str(number)
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return _DIGITS[number // 10] + "十" + (_DIGITS[number % 10] if number % 10 else "")
    rest = number % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else (_DIGITS[1] if rest < 20 else "") + chinese_count(rest))
    return _DIGITS[number // 100] + "百" + tail if number < 1000 else str(number)


def _roman(number: int) -> str:
    out = ""
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"))
    for value, letters in (*values, (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def format_number(number: int, kind: str) -> str:
    """A list number in one of Word's number formats (w:numFmt); unknown formats fall back to digits."""
    if kind in {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCountingThousand", "ideographDigital"}:
        return chinese_count(number)
    if kind in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 0 < number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if kind in {"ideographTraditional"} and 0 < number <= len(_TIANGAN):
        return _TIANGAN[number - 1]
    if kind in {"lowerLetter", "upperLetter"} and number > 0:
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter if kind == "lowerLetter" else letter.upper()
    if kind in {"lowerRoman", "upperRoman"} and number > 0:
        return _roman(number) if kind == "lowerRoman" else _roman(number).upper()
    if kind == "decimalFullWidth":
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(number))
    return str(number)


def _attr(element, name: str, default: str = "") -> str:
    return element.get(f"{_W}{name}", default) if element is not None else default


class Numbering:
    """Word's automatic numbering: renders the number a numbered paragraph shows, counting as Word does."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) -> (format, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        self.abstract_of: dict[str, str] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # no numbering part: nothing is numbered
            return
        abstracts: dict[str, dict[int, tuple[str, str, int]]] = {}
        for abstract in root.iter(f"{_W}abstractNum"):
            levels = {}
            for level in abstract.iter(f"{_W}lvl"):
                start = level.find(f"{_W}start")
                levels[int(_attr(level, "ilvl", "0"))] = (
                    _attr(level.find(f"{_W}numFmt"), "val", "decimal"),
                    _attr(level.find(f"{_W}lvlText"), "val", ""),
                    int(_attr(start, "val", "1") or 1),
                )
            abstracts[_attr(abstract, "abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            abstract = _attr(num.find(f"{_W}abstractNumId"), "val")
            num_id = _attr(num, "numId")
            self.abstract_of[num_id] = abstract
            for ilvl, level in abstracts.get(abstract, {}).items():
                self.levels[(num_id, ilvl)] = level

    def label(self, paragraph) -> str:
        """The number the paragraph shows ("（一）", "1.", "第一章"), or "" when it has none."""
        num_id, ilvl = _num_properties(paragraph)
        if not num_id or num_id == "0" or (num_id, ilvl) not in self.levels:
            return ""
        kind, text, _ = self.levels[(num_id, ilvl)]
        if kind in {"bullet", "none"}:
            return ""
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        counters[ilvl] = counters.get(ilvl, self.levels[(num_id, ilvl)][2] - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        for level in range(ilvl + 1):
            level_kind, _, start = self.levels.get((num_id, level), ("decimal", "", 1))
            value = counters.get(level, start)
            text = text.replace(f"%{level + 1}", format_number(value, level_kind))
        return text


def _num_properties(paragraph) -> tuple[str, int]:
    """(numId, ilvl) from the paragraph's own properties, else from its style or the styles it is based on."""
    sources = [paragraph._p.pPr]
    style = paragraph.style
    for _ in range(4):
        if style is None:
            break
        sources.append(style.element.pPr)
        style = style.base_style
    for properties in sources:
        num = properties.find(f"{_W}numPr") if properties is not None else None
        if num is not None and num.find(f"{_W}numId") is not None:
            return _attr(num.find(f"{_W}numId"), "val"), int(_attr(num.find(f"{_W}ilvl"), "val", "0") or 0)
    return "", 0


def text_box_paragraphs(element) -> list[str]:
    """The paragraphs of the text boxes anchored in a paragraph (each box once: its VML fallback copy is skipped)."""
    out = []
    for box in element.iter(f"{_W}txbxContent"):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        for paragraph in box.iter(f"{_W}p"):
            text = "".join(node.text or "" for node in paragraph.iter(f"{_W}t"))
            if text.strip():
                out.append(" ".join(text.split()))
    return out


def footnotes(document) -> dict[str, str]:
    """Footnote (and endnote) texts by id, separators left out."""
    from docx.oxml import parse_xml

    notes: dict[str, str] = {}
    for relationship in document.part.rels.values():
        if not relationship.reltype.endswith(("/footnotes", "/endnotes")) or relationship.is_external:
            continue
        root = parse_xml(relationship.target_part.blob)
        for note in root:
            if _attr(note, "type") in {"separator", "continuationSeparator", "continuationNotice"}:
                continue
            text = "".join(node.text or "" for node in note.iter(f"{_W}t"))
            if text.strip():
                notes[_attr(note, "id")] = " ".join(text.split())
    return notes


def footnote_references(element) -> Iterator[str]:
    """The ids of the footnotes and endnotes a paragraph refers to, in order."""
    for reference in element.iter(f"{_W}footnoteReference", f"{_W}endnoteReference"):
        yield _attr(reference, "id")


def table_cells(table) -> list[list[str | None]]:
    """The rows of a Word table as cell texts: a cell merged across columns appears once, a cell
    merged down from the row above is None (so the row keeps its columns)."""
    rows: list[list[str | None]] = []
    above: list = []
    for row in table.rows:
        cells: list[str | None] = []
        seen: list = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            column = len(seen)
            seen.append(cell._tc)
            merged = column < len(above) and above[column] is cell._tc
            cells.append(None if merged else normalise_spaces(cell.text))
        above = seen
        if any(cells):
            rows.append(cells)
    return rows
