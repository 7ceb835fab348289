"""The frozen records that stages pass to each other."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    """What a unit is. Headings are kept as units so that the units of a document cover its text
    losslessly, but they are not indexed on their own (their text is in every child's path)."""

    HEADING = "heading"
    CLAUSE = "clause"  # numbered clause （七） / 第七条 with its own body
    PARAGRAPH = "paragraph"  # a paragraph, labelled by its lead sentence when it has one
    BOX_ITEM = "box_item"  # one item of a 专栏 box
    TABLE_ROW = "table_row"  # one row of a table, also rendered as a sentence
    TABLE_NOTE = "table_note"  # header or footnote text of a table
    CHUNK = "chunk"  # a fixed-size piece of the LangChain baseline, not a unit of the product


# The headings a document's tree is made of (corpus/headings.py recognises them by their numbering).
SectionKind = Literal["preface", "part", "chapter", "section", "clause", "article", "box", "table", "markdown"]

SEARCHABLE_KINDS = frozenset({Kind.CLAUSE, Kind.PARAGRAPH, Kind.BOX_ITEM, Kind.TABLE_ROW, Kind.TABLE_NOTE})


@dataclass(frozen=True)
class DocumentSpec:
    """One entry of corpus/documents.toml."""

    id: str
    title: str
    short: str
    file: str
    period: str = ""
    issuer: str = ""
    aliases: tuple[str, ...] = ()  # words by which a question names this document ("江苏", "指导意见")


@dataclass(frozen=True)
class Unit:
    """The smallest citable piece of a document.

    `text` is the exact repaired text, `start`/`end` its offsets in the repaired document
    text; `sentence` is what is read and indexed (the text itself, or a table row rendered
    as a sentence).
    """

    id: str  # "coal/12", "jiangsu/4.1/p1", "jiangsu/table1/r10": stable across rebuilds
    doc_id: str
    doc_title: str
    kind: Kind
    label: str  # "（十二）着力推动老矿区绿色低碳发展"
    path: tuple[str, ...]  # headings above the unit, outermost first
    text: str
    start: int
    end: int
    sentence: str = ""
    parent: str = ""  # id of the enclosing clause / section / box ("" at top level)

    @property
    def body(self) -> str:
        """The text to read and search: the rendered sentence where there is one."""
        return self.sentence or self.text

    def to_json(self) -> dict:
        data = asdict(self)
        data["path"] = list(self.path)
        data["kind"] = str(self.kind)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Unit:
        """The unit `to_json` wrote."""
        return cls(**{**data, "path": tuple(data["path"]), "kind": Kind(data["kind"])})

    def reference(self) -> dict:
        """How search results and citations name a unit: id, doc_id, doc_title, label, path, text."""
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "label": self.label,
            "path": list(self.path),
            "text": self.body,
        }


@dataclass(frozen=True)
class Section:
    """A node of a document's heading tree (part, chapter, section, clause, box, table)."""

    kind: SectionKind
    number: str  # "一", "十二", "4", "1" ("" when unnumbered)
    title: str
    heading: str  # the heading as printed (normalised): "第四章 推动资源型地区转型发展"
    unit_ids: tuple[str, ...] = ()
    children: tuple[Section, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """A document after repair and structuring."""

    spec: DocumentSpec
    text: str  # repaired text; every unit is text[start:end]
    units: tuple[Unit, ...]
    tree: tuple[Section, ...] = field(default=())

    def sections(self, kind: SectionKind) -> list[Section]:
        """Every section of a kind, in document order."""
        found: list[Section] = []

        def walk(nodes: tuple[Section, ...]) -> None:
            for node in nodes:
                if node.kind == kind:
                    found.append(node)
                walk(node.children)

        walk(self.tree)
        return found


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    unit: Unit
    score: float

    def to_json(self) -> dict:
        """The DESIGN.md search contract: id, doc_id, doc_title, label, path, text, score."""
        return {**self.unit.reference(), "score": round(float(self.score), 6)}


@dataclass(frozen=True)
class Citation:
    """A cited unit: `ref` is the number of its [n] marker in the answer."""

    ref: int
    unit: Unit
    quote: str  # a verbatim substring of unit.body: the sentence that supports the statement

    def to_json(self) -> dict:
        """The DESIGN.md citation contract: ref, id, doc_id, doc_title, label, path, text, quote."""
        return {"ref": self.ref, **self.unit.reference(), "quote": self.quote}


@dataclass(frozen=True)
class Reply:
    """What `Assistant.ask` returns.

    `answer` carries [n] markers that point at `citations`; `short` is the direct answer (a value,
    a list, 是/否) or empty; `found` is False when the documents do not answer the question, and then
    `related` offers the nearest units (and `citations`, if any, what the documents do say); `query` is
    what was actually searched after follow-up resolution; `notice` explains a fallback (e.g. the LLM
    endpoint failed and the extractive answer is shown) or what a question lacks.
    """

    question: str
    query: str
    answer: str
    found: bool
    citations: tuple[Citation, ...] = ()
    related: tuple[Hit, ...] = ()
    notice: str = ""
    short: str = ""

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "query": self.query,
            "answer": self.answer,
            "short": self.short,
            "found": self.found,
            "citations": [citation.to_json() for citation in self.citations],
            "related": [hit.to_json() for hit in self.related],
            "notice": self.notice,
        }
