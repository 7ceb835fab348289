"""Summary: what the parser recognised in a document, so that a maintainer sees at once when a file came out flat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Kind, Unit


@dataclass(frozen=True)
class Recognised:
    """Counts of a document's units by what they are."""

    units: int
    headings: int  # every heading unit: title, chapters, sections, clause headings, 专栏 and table captions
    clauses: int  # numbered clauses with their own body （七）…, 第七条…
    boxes: int  # 专栏
    box_items: int
    table_rows: int
    paragraphs: int

    @property
    def flat(self) -> bool:
        """No structure beyond a title: the reader or the file lost it (a scanned or flattened file?)."""
        return self.headings <= 1 and not (self.clauses or self.box_items or self.table_rows)


def recognised(units: Sequence[Unit]) -> Recognised:
    """Counts what a document's units are."""

    def count(kind: Kind) -> int:
        return sum(1 for unit in units if unit.kind == kind)

    boxes = sum(1 for unit in units if unit.kind == Kind.HEADING and unit.id.split("/", 1)[-1].startswith("box"))
    return Recognised(
        units=len(units),
        headings=count(Kind.HEADING),
        clauses=count(Kind.CLAUSE),
        boxes=boxes,
        box_items=count(Kind.BOX_ITEM),
        table_rows=count(Kind.TABLE_ROW),
        paragraphs=count(Kind.PARAGRAPH),
    )


def describe(doc_id: str, units: Sequence[Unit]) -> str:
    """One line for the build output: `coal: 45 units — 9 headings, 14 clauses, 0 专栏 (0 items), 0 table rows, 22 paragraphs`."""
    found = recognised(units)
    line = (
        f"{doc_id}: {found.units} units — {found.headings} headings, {found.clauses} clauses, "
        f"{found.boxes} 专栏 ({found.box_items} items), {found.table_rows} table rows, {found.paragraphs} paragraphs"
    )
    if found.flat:
        line += "; no headings, clauses, 专栏 or tables were recognised: check that the file keeps its structure"
    return line
