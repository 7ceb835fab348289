"""Layout: a printed PDF read by the positions of its characters, not by text order alone.

pdfplumber (MIT, over pdfminer.six) gives every character with its box, font and size, and every
ruled line and rectangle; pypdf gives text runs only. From those positions this module drops the
page furniture (running headers and footers, page numbers), keeps a heading (a line in a larger or
another font) apart from the text that follows it, starts a paragraph at a first-line indent or
after a short line, rebuilds each ruled table row by row from its cells (merged cells kept in their
column, a header repeated on a new page dropped, a table continued over pages joined) and keeps a
bordered box (专栏) together over a page break.

The result is text `parse_document` understands: blocks separated by blank lines, one paragraph a
line, a table as its caption and one line per row, a box as its caption and one item a line.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .headings import heading_kind
from .normalise import normalise_characters
from .repair import PAGE_NUMBER, SENTENCE_END, join_lines, normalise_spaces
from .table import table_rows

# A line repeated at the same height on this share of the pages (digits aside) is a running header or footer.
FURNITURE_SHARE = 0.5
FURNITURE_TOLERANCE = 4.0  # points: how far the same running line may move between pages
INDENT = 0.8  # a line starting this many character widths right of the text's left edge opens a paragraph
SHORT_LINE = 1.5  # a line ending this many character widths before the right edge closes its paragraph
HEADING_SIZE = 0.5  # points: a line printed this much larger than the body text is a heading
EDGE = 2.0  # points: how far apart two ruled edges may be and still be the same
HEADING_GAP = 1.6  # a wrapped heading's lines are at most this many line heights apart
_BOLD = re.compile(r"bold|heavy|black|semibold|demibold|medium|hei|黑", re.IGNORECASE)
_BOX = re.compile(r"^专\s*栏\s*\d+")
_CAPTION = re.compile(r"^表\s*\d+")
_DIGITS = re.compile(r"\d+")
_ITEM = re.compile(r"^(\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)]|[①-⑳])")  # a numbered item opens a paragraph after a sentence end


@dataclass
class _Line:
    """A printed line: its text, where it stands, and the style it is printed in."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    frame: tuple[float, float] | None = None  # the left and right border of the box it stands in


@dataclass
class _Grid:
    """A ruled table on one page: its rows of cell texts (None where a merged cell covers the place)."""

    page: int
    top: float
    columns: tuple[float, ...]  # the x of each column's left border
    rows: list[list[str | None]]


@dataclass
class _Frame:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    grids: list[_Grid] = field(default_factory=list)


def pdf_text(pdf) -> str:
    """The text of an open pdfplumber PDF, laid out as blocks for `parse_document`.

    Args:
        pdf: a `pdfplumber.PDF`.

    Returns:
        The text ("" when no page has extractable characters).
    """
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer logs every font quirk of Chromium's PDFs
    pages = [_read_page(number, page) for number, page in enumerate(pdf.pages)]
    _drop_furniture(pages, [float(page.height) for page in pdf.pages])
    return _assemble(pages)


# -- one page ----------------------------------------------------------------------------------
def _read_page(number: int, page) -> _Page:
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    grids = [_grid(number, page, table) for table in tables if len(table.columns) >= 2]
    boxes = [table.bbox for table in tables if len(table.columns) >= 2]
    frames = _frames(number, page, boxes)

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside)
    lines = []
    for found in text_page.extract_text_lines(return_chars=True, strip=True, keep_blank_chars=True):
        chars = [char for char in found["chars"] if char["text"].strip()]
        if not chars:
            continue
        fonts = Counter(_font(char["fontname"]) for char in chars)
        line = _Line(
            text=normalise_characters(found["text"]),
            page=number,
            x0=min(char["x0"] for char in chars),
            x1=max(char["x1"] for char in chars),
            top=found["top"],
            bottom=found["bottom"],
            size=round(statistics.median(char["size"] for char in chars), 1),
            font=fonts.most_common(1)[0][0] if len(fonts) == 1 else "mixed",
        )
        line.frame = next(((f.x0, f.x1) for f in frames if f.x0 < line.x0 and line.x1 < f.x1 and f.top < line.top < f.bottom), None)
        lines.append(line)
    return _Page(lines, grids)


def _font(name: str) -> str:
    """The font without its subset prefix ("AAAAAA+NotoSansCJKsc-Bold" -> "NotoSansCJKsc-Bold")."""
    return name.split("+", 1)[-1]


def _grid(number: int, page, table) -> _Grid:
    """The table's rows from its cells' positions.

    A cell spanning rows gives its text to its first row and None to the rows below; a cell spanning
    columns appears once. A place no ruled cell starts at or covers is a merged cell whose lower rule
    the page break left undrawn: it runs down to the next cell of its column.
    """
    cells = [tuple(cell) for cell in table.cells]
    columns = _cluster(sorted(cell[0] for cell in cells))
    tops = _cluster(sorted(cell[1] for cell in cells))
    bottom = table.bbox[3]
    starts = {(_index(columns, cell[0]), _index(tops, cell[1])): cell for cell in cells}
    covered: dict[tuple[int, int], str] = {}  # (column, row) -> "row" (covered from above) or "column"
    for (column, row), cell in starts.items():
        for c in range(column, len(columns)):
            for r in range(row, len(tops)):
                if (c, r) != (column, row) and columns[c] < cell[2] - EDGE and tops[r] < cell[3] - EDGE:
                    covered[(c, r)] = "column" if c > column else "row"
    rows: list[list[str | None]] = []
    for r, top in enumerate(tops):
        row: list[str | None] = []
        for c, left in enumerate(columns):
            if covered.get((c, r)) == "column":
                continue
            if covered.get((c, r)) == "row":
                row.append(None)
                continue
            cell = starts.get((c, r))
            if cell is None:
                below = [tops[k] for k in range(r + 1, len(tops)) if (c, k) in starts]
                right = columns[c + 1] if c + 1 < len(columns) else table.bbox[2]
                cell = (left, top, right, below[0] if below else bottom)
                for k in range(r + 1, len(tops)):
                    if tops[k] < cell[3] - EDGE:
                        covered[(c, k)] = "row"
            row.append(_cell_text(page.within_bbox(cell).extract_text(x_tolerance=1.5)))
        rows.append(row)
    return _Grid(number, table.bbox[1], tuple(round(x) for x in columns), rows)


def _cluster(values: list[float]) -> list[float]:
    """The distinct positions among some sorted positions (those within EDGE of each other are one)."""
    out: list[float] = []
    for value in values:
        if not out or value - out[-1] > EDGE:
            out.append(value)
    return out


def _index(positions: list[float], value: float) -> int:
    return min(range(len(positions)), key=lambda i: abs(positions[i] - value))


def _cell_text(text: str) -> str:
    return normalise_spaces(join_lines([normalise_characters(line.strip()) for line in text.split("\n") if line.strip()]))


def _frames(number: int, page, tables: list[tuple[float, float, float, float]]) -> list[_Frame]:
    """Bordered boxes: two vertical rules of the same height with no rule between them (a one-column frame).

    A box broken over a page is drawn open at the break, so only its sides are required.
    """
    verticals: dict[tuple[int, int], set[int]] = {}
    for edge in page.edges:
        if edge["orientation"] != "v" or edge["bottom"] - edge["top"] < 12:
            continue
        key = (round(edge["top"] / EDGE), round(edge["bottom"] / EDGE))
        verticals.setdefault(key, set()).add(round(edge["x0"]))
    frames = []
    for (top, bottom), found in verticals.items():
        xs: list[int] = []
        for x in sorted(found):
            if not xs or x - xs[-1] > 2 * EDGE:  # a rule drawn as a thin rectangle has two edges
                xs.append(x)
        if len(xs) != 2:
            continue
        x0, x1 = xs
        frame = _Frame(number, x0, x1, top * EDGE, bottom * EDGE)
        if not any(t[0] - EDGE <= x0 and x1 <= t[2] + EDGE and t[1] - EDGE <= frame.top <= t[3] for t in tables):
            frames.append(frame)
    return frames


# -- page furniture ----------------------------------------------------------------------------
def _drop_furniture(pages: list[_Page], heights: list[float]) -> None:
    """Removes running headers and footers and page numbers.

    A line is furniture when, digits aside, the same text stands at the same height on at least
    half of the pages (two at least), or when it is a page number (`— 3 —`, `第3页`, a bare number
    counting with the pages) at the top or foot of its page.
    """
    seen: dict[str, list[tuple[int, float]]] = {}
    for page in pages:
        for line in page.lines:
            seen.setdefault(_DIGITS.sub("#", line.text.replace(" ", "")), []).append((line.page, line.top))
    needed = max(2, FURNITURE_SHARE * len(pages))
    running: set[tuple[str, int]] = set()
    for key, places in seen.items():
        for _, top in places:
            same = {page for page, other in places if abs(other - top) <= FURNITURE_TOLERANCE}
            if len(same) >= needed:
                running.update((key, round(other)) for page, other in places if abs(other - top) <= FURNITURE_TOLERANCE)
    for number, page in enumerate(pages):
        kept = []
        for index, line in enumerate(page.lines):
            key = (_DIGITS.sub("#", line.text.replace(" ", "")), round(line.top))
            at_edge = index in {0, len(page.lines) - 1}
            if key in running or (at_edge and _is_page_number(line.text, number)):
                continue
            kept.append(line)
        page.lines = kept


def _is_page_number(text: str, page: int) -> bool:
    if PAGE_NUMBER.match(text):
        return True
    bare = text.strip().split("/")[0].strip()
    return bare.isdigit() and int(bare) in {page, page + 1}


# -- the whole document ------------------------------------------------------------------------
def _assemble(pages: list[_Page]) -> str:
    """The blocks of every page in reading order, tables and boxes joined across page breaks."""
    lines = [line for page in pages for line in page.lines]
    if not lines and not any(page.grids for page in pages):
        return ""
    body_size, body_font = _body_style(lines)
    blocks: list[list[str]] = []
    state = _State(body_size, body_font, lines)
    for page in pages:
        items: list[tuple[float, object]] = [(line.top, line) for line in page.lines] + [(grid.top, grid) for grid in page.grids]
        for _, item in sorted(items, key=lambda pair: pair[0]):
            if isinstance(item, _Grid):
                state.table(item, blocks)
            else:
                state.line(item, blocks)
    state.close(blocks)
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def _body_style(lines: list[_Line]) -> tuple[float, str]:
    """The size and font most characters are printed in."""
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
        fonts[line.font] += len(line.text)
    return (sizes.most_common(1)[0][0] if sizes else 0.0), (fonts.most_common(1)[0][0] if fonts else "")


class _State:
    """What is open while the lines go by: a paragraph, a heading, a box, a table."""

    def __init__(self, body_size: float, body_font: str, lines: list[_Line]) -> None:
        self.body_size = body_size
        self.body_font = body_font
        self.paragraph: list[_Line] = []
        self.heading: list[_Line] = []
        self.box: list[str] | None = None  # the box's lines so far: caption, then one item a line
        self.box_frame: tuple[float, float] | None = None
        self.grid: _Grid | None = None  # the table being read, continued over pages
        self.table_rows: list[list[str | None]] = []
        self.caption: str = ""
        self.edges = _text_edges(lines)
        self.first = True

    # -- lines -----------------------------------------------------------------------------
    def is_heading(self, line: _Line) -> bool:
        if line.size < self.body_size - 0.1:
            return False
        return line.size >= self.body_size + HEADING_SIZE or (line.font not in {self.body_font, "mixed"} and bool(_BOLD.search(line.font)))

    def line(self, line: _Line, blocks: list[list[str]]) -> None:
        self.end_table(blocks)
        pending = (self.paragraph or self.heading or [None])[-1]
        if pending is not None and pending.frame != line.frame:
            self.end_paragraph(blocks)
            self.end_heading(blocks)
        if self.box is not None and line.frame != self.box_frame:
            self.end_box(blocks)
        if self.is_heading(line):
            self.end_paragraph(blocks)
            if self.heading and not self.continues_heading(line):
                self.end_heading(blocks)
            self.heading.append(line)
            return
        self.end_heading(blocks)
        if self.paragraph and self.starts_paragraph(line):
            self.end_paragraph(blocks)
        self.paragraph.append(line)

    def continues_heading(self, line: _Line) -> bool:
        last = self.heading[-1]
        same = (line.size, line.font) == (last.size, last.font) and line.page == last.page
        return same and line.top - last.top <= HEADING_GAP * (last.bottom - last.top) and heading_kind(line.text) is None

    def starts_paragraph(self, line: _Line) -> bool:
        last = self.paragraph[-1]
        left, _ = self.edges.get(line.frame, (line.x0, line.x1))
        _, last_right = self.edges.get(last.frame, (last.x0, last.x1))
        width = line.size or 1.0
        # A line opening with a heading's numbering starts anew, as in the text parser; an item number only after a sentence end.
        numbered = heading_kind(line.text) is not None or (last.text.endswith(SENTENCE_END) and _ITEM.match(line.text) is not None)
        return line.x0 >= left + INDENT * width or last.x1 <= last_right - SHORT_LINE * width or numbered

    def end_paragraph(self, blocks: list[list[str]]) -> None:
        if not self.paragraph:
            return
        lines, self.paragraph = self.paragraph, []
        self.emit(_joined([line.text for line in lines]), lines[0].frame, blocks)

    def end_heading(self, blocks: list[list[str]]) -> None:
        if not self.heading:
            return
        lines, self.heading = self.heading, []
        text = _joined([line.text for line in lines])
        self.emit(text, lines[0].frame, blocks, heading_size=lines[0].size)

    def emit(self, text: str, frame: tuple[float, float] | None, blocks: list[list[str]], heading_size: float = 0.0) -> None:
        """One paragraph or heading: into the open box as an item, else as a block of its own."""
        first, self.first = self.first, False
        if frame is not None:
            if self.box is None and _BOX.match(text):
                self.box, self.box_frame = [" ".join(text.split())], frame
                return
            if self.box is None and blocks and len(blocks[-1]) == 1 and _BOX.match(blocks[-1][0]):
                self.box, self.box_frame = [blocks.pop()[0]], frame  # the caption stood just above the frame
            if self.box is not None:
                self.box.append(f"{text} ")  # the parser's mark for an item's end
                return
        if heading_size and heading_kind(text) is not None:
            text = " ".join(text.split())
        elif heading_size and not first:
            # A heading without a Chinese number: its level from its size (the larger, the higher).
            text = f"{'#' * (1 if heading_size >= self.body_size + 4 * HEADING_SIZE else 2)} {text}"
        blocks.append([text])

    def end_box(self, blocks: list[list[str]]) -> None:
        if self.box is not None:
            blocks.append(self.box)
        self.box, self.box_frame = None, None

    # -- tables ----------------------------------------------------------------------------
    def table(self, grid: _Grid, blocks: list[list[str]]) -> None:
        self.close(blocks, keep_table=True)
        if self.grid is not None and self.grid.columns == grid.columns and grid.page == self.grid.page + 1:
            rows = grid.rows[1:] if grid.rows and self.table_rows and grid.rows[0] == self.table_rows[0] else grid.rows
            self.table_rows.extend(rows)  # the table goes on over the page break, its header printed again
            self.grid = grid
            return
        self.end_table(blocks)
        self.grid, self.table_rows = grid, list(grid.rows)
        if blocks and len(blocks[-1]) == 1 and _CAPTION.match(blocks[-1][0]):
            self.caption = blocks.pop()[0]
        else:
            self.caption = ""

    def end_table(self, blocks: list[list[str]]) -> None:
        if self.grid is None:
            return
        rows = table_rows(self.table_rows)
        self.grid, self.table_rows = None, []
        if rows:
            tables = sum(1 for block in blocks if block and _CAPTION.match(block[0]))
            blocks.append([self.caption or f"表 {tables + 1}", *rows])
        self.caption = ""

    def close(self, blocks: list[list[str]], keep_table: bool = False) -> None:
        self.end_paragraph(blocks)
        self.end_heading(blocks)
        self.end_box(blocks)
        if not keep_table:
            self.end_table(blocks)


def _joined(texts: list[str]) -> str:
    """Wrapped lines as one line, spaces inside each kept for the parser (`第一章 总则`); a break between
    two ASCII words becomes a space, any other vanishes."""
    joined = ""
    for text in texts:
        if joined and joined[-1].isascii() and joined[-1].isalnum() and text[0].isascii() and text[0].isalpha():
            joined += " "
        joined += text
    return " ".join(joined.split())


def _text_edges(lines: list[_Line]) -> dict[tuple[float, float] | None, tuple[float, float]]:
    """The left and right edge of the text in the page body and in each box (its lines' extremes)."""
    edges: dict[tuple[float, float] | None, tuple[float, float]] = {}
    for line in lines:
        left, right = edges.get(line.frame, (line.x0, line.x1))
        edges[line.frame] = (min(left, line.x0), max(right, line.x1))
    return edges
