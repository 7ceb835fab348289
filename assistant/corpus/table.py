"""Table: rebuild a table whose cells the extraction broke over lines, one row at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .repair import Line, normalise_spaces

_YEAR = re.compile(r"(\d)\s+(年)")
_NUMERIC = re.compile(r"^[≥≤><＞＜约]?\s*[-\d.]+$")
_NOTE_MEANING = re.compile(r"^[*＊]\s*(?:为|表示|指)?(.+?)。?$")


@dataclass(frozen=True)
class Row:
    """One table row: its printed cells, and every column filled in (merged cells inherited)."""

    number: str
    printed: tuple[str, ...]  # the cells as printed, number first
    columns: tuple[str, ...]  # header names
    cells: tuple[str, ...]  # one value per column, merged cells filled from the row above
    note: str = ""  # what a trailing * means ("五年累计数")
    numbered: bool = True  # the first cell is the row's number (False for Word / markdown tables without one)

    @property
    def text(self) -> str:
        return " ".join(self.printed)

    def _column(self, *names: str) -> int:
        for index, column in enumerate(self.columns):
            if any(name in column for name in names):
                return index
        return -1

    @property
    def name(self) -> str:
        """The row's indicator / item name without its footnote mark."""
        index = self._column("指标", "项目", "名称", "内容")
        if index < 0:
            index = 1 if self.numbered and len(self.cells) > 1 else 0
        return self.cells[index].rstrip("*＊")

    def sentence(self, table_label: str) -> str:
        """The row as a sentence: `表1 第10项 历史遗留矿山（区）环境恢复治理率：2020年实际 25%，2025年目标 60%`."""
        number = self._column("序号", "编号")
        name = self._column("指标", "项目", "名称", "内容")
        if name < 0:
            name = 1 if self.numbered and len(self.cells) > 1 else 0
        unit_col = self._column("单位")
        category = self._column("类别", "分类", "领域")
        unit = self.cells[unit_col] if unit_col >= 0 else ""
        parts = []
        for index, (column, value) in enumerate(zip(self.columns, self.cells, strict=True)):
            if index in {number, name, unit_col, category} or not value:
                continue
            shown = f"{value}{unit}" if unit and _NUMERIC.match(value) else value
            parts.append(f"{column} {shown}")
        indicator = self.cells[name]
        starred = indicator.endswith(("*", "＊"))
        title = indicator.rstrip("*＊") + (f"（{self.note}）" if starred and self.note else "")
        sentence = f"{table_label} 第{self.number}项 {title}：{'，'.join(parts)}"
        if category >= 0 and self.cells[category]:
            sentence += f"（{self.columns[category]}：{self.cells[category]}）"
        return sentence


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def header_text(self) -> str:
        return " ".join(self.header)


def _segments(lines: list[Line]) -> list[str]:
    """Cell runs: lines joined until a line that the extraction marked as ending a cell run."""
    marked = any(line.marked_end for line in lines)
    segments: list[str] = []
    current = ""
    for line in lines:
        current += line.text
        if line.marked_end or not marked:
            segments.append(current)
            current = ""
    if current:
        segments.append(current)
    return [_YEAR.sub(r"\1\2", segment) for segment in segments]


def parse_table(lines: list[Line], note: str = "") -> Table:
    """Parses the body lines of a table (after its caption).

    Rows start with their number (1, 2, …); cells are separated by spaces; a cell broken over
    lines is joined back; a row with fewer cells than the header inherits the leading
    (merged) cells of the row above.

    Args:
        lines: the printed lines between the caption and the note.
        note: the footnote under the table ("*为五年累计数。"), used to explain a trailing *.

    Returns:
        The header and the rows.
    """
    meaning = _NOTE_MEANING.match(note.strip())
    note_text = meaning.group(1) if meaning else ""
    segments = [segment for segment in _segments(lines) if segment.split()]
    if any("\t" in segment for segment in segments):
        # Cells separated by tabs (Word's plain text): an empty cell is a merged one or a blank, not nothing.
        segments = table_rows([[normalise_spaces(cell) for cell in segment.split("\t")] for segment in segments])
    header: list[str] = []
    header_rows: list[list[str]] = []
    raw_rows: list[tuple[str, list[str]]] = []
    expected = 1
    for segment in segments:
        tokens = segment.split()
        if not tokens:
            continue
        if tokens[0] == str(expected):
            raw_rows.append((tokens[0], tokens[1:]))
            expected += 1
        elif raw_rows:
            raw_rows[-1][1].extend(tokens)
        else:
            header.extend(tokens)
            header_rows.append(tokens)
    if not raw_rows and len(segments) > 1:
        return _unnumbered(segments, note_text)
    cells_wide = max((len(cells) + 1 for _, cells in raw_rows), default=0)
    if len(header_rows) == 1 and header and header[0] in header[1:]:
        # two header rows printed on one run ("序号 指标 … 属性 序号 2023年 …"): the first name opens each
        again = header.index(header[0], 1)
        header_rows = [header[:again], header[again:]]
    combined = _two_row_header(header_rows, cells_wide) if cells_wide and len(header) > cells_wide else None
    if combined:
        header = combined
    width = max(len(header), cells_wide)
    columns = tuple(header) if len(header) == width else tuple(header + [f"列{i + 1}" for i in range(len(header), width)])
    rows: list[Row] = []
    previous: tuple[str, ...] = ("",) * (width - 1)
    for number, cells in raw_rows:
        printed = (number, *cells)
        missing = (width - 1) - len(cells)
        filled = (*previous[:missing], *cells) if missing > 0 else tuple(cells)
        rows.append(Row(number, printed, columns, (number, *filled), note_text))
        previous = filled
    return Table(tuple(header), tuple(rows))


def _two_row_header(rows: list[list[str]], width: int) -> list[str] | None:
    """One name per column from a header of two rows whose lower row splits one upper cell.

    "序号 指标 单位 指标值 属性" over "序号 2023年 2027年目标 属性": the lower row's new names
    (2023年, 2027年目标) take the place of the upper cell they sit under, the one before the next
    name both rows share (指标值); the columns are 序号 指标 单位 2023年 2027年目标 属性. None when
    the rows do not fit the table's width that way.
    """
    if len(rows) != 2:
        return None
    upper, lower = rows
    new = [t for t in lower if t not in upper]
    if not new or len(upper) - 1 + len(new) != width:
        return None
    after = next((t for t in lower[lower.index(new[-1]) + 1 :] if t in upper), None)
    at = upper.index(after) - 1 if after is not None else len(upper) - 1
    if at < 0 or upper[at] in lower:
        return None
    return [*upper[:at], *new, *upper[at + 1 :]]


def _unnumbered(segments: list[str], note: str) -> Table:
    """A table whose rows carry no number: the first line is the header, each later line a row."""
    header = segments[0].split()
    body = [segment.split() for segment in segments[1:]]
    width = max(len(header), *(len(cells) for cells in body))
    columns = tuple(header + [f"列{i + 1}" for i in range(len(header), width)])
    rows = tuple(
        Row(str(number), tuple(cells), columns, tuple(cells + [""] * (width - len(cells))), note, numbered=False)
        for number, cells in enumerate(body, start=1)
    )
    return Table(tuple(header), rows)


def table_rows(rows: list[list[str | None]]) -> list[str]:
    """One line per table row, cells joined by a space, merged cells kept in their columns.

    A cell covered by a merged cell above (None, or empty under a cell the page break cut) is left
    out while it leads the row after its number, as a printed table shows it (the parser inherits
    leading cells from the row above); elsewhere it repeats the value above, so no value moves under
    another header. Any other empty cell is shown as `—`.
    """
    out: list[str] = []
    above: list[str] = []
    for row in rows:
        values: list[str] = []
        cells: list[str] = []
        leading = True
        for index, cell in enumerate(row):
            merged = cell is None or (cell == "" and index < len(above) and bool(above[index]) and leading and index > 0)
            value = above[index] if merged and index < len(above) else (cell or "")
            values.append(value)
            if merged and leading and index > 0:
                continue
            if index > 0:
                leading = False
            cells.append(value or "—")
        above = values
        if any(values):
            out.append(" ".join(cells))
    return out
