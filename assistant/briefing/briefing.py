"""Briefing: a topic turned into quoted, cited key points per document, figures, a comparison and sources.

Points are the topic's relevant sentences (relevance.py), a few per clause and at most eight per
document, grouped by document and heading. A topic the documents do not address gives a short
"not covered" briefing naming the nearest topics, never an empty or padded document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..answer.evidence import Candidate
from ..records import Citation, Unit
from .comparison import Comparison, stances
from .relevance import Figure, Sources, TopicReader, cite, clean_topic, documents_of, topic_of

if TYPE_CHECKING:
    from ..answer.assistant import Assistant


@dataclass(frozen=True)
class Group:
    """The key points under one heading path of a document."""

    heading: str  # "第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理"
    points: tuple[Citation, ...]  # quote: a sentence of unit.body, verbatim; ref: its number in the sources


@dataclass(frozen=True)
class DocumentPoints:
    """One document's key points, grouped by heading in document order."""

    doc_id: str
    title: str
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Briefing:
    """A cited briefing on a topic; `covered` is False when the documents do not address it."""

    topic: str
    scope: str  # which documents were read: "《A》、《B》"
    date: str  # ISO date of the briefing
    covered: bool
    sections: tuple[DocumentPoints, ...] = ()
    figures: tuple[Figure, ...] = ()
    comparison: Comparison | None = None  # None for one document
    sources: tuple[Unit, ...] = ()  # source n is sources[n - 1]
    nearest: tuple[Unit, ...] = ()  # when not covered: the closest units
    reason: str = ""  # when not covered: why, in words

    @property
    def points(self) -> tuple[Citation, ...]:
        """Every key point, in the order of the briefing."""
        return tuple(point for section in self.sections for group in section.groups for point in group.points)

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every quote of the briefing: key points, figures and comparison."""
        compared = self.comparison.citations if self.comparison else ()
        return (*self.points, *(figure.citation for figure in self.figures), *compared)

    @property
    def nearest_topics(self) -> tuple[str, ...]:
        """Headings close to an uncovered topic, worded as topics to try instead."""
        return tuple(dict.fromkeys(topic_of(unit) for unit in self.nearest))


def _heading(unit: Unit) -> str:
    return " › ".join(unit.path) if unit.path else unit.label.split(" ")[0]


def build_briefing(assistant: Assistant, topic: str, doc: str | None = None, date: datetime.date | None = None) -> Briefing:
    """Builds a briefing on a topic from the indexed documents.

    Args:
        assistant: a loaded Assistant (its index, retriever and scorer are used).
        topic: the subject, e.g. "采煤沉陷区综合治理".
        doc: only this document id (None: every document, with a comparison).
        date: the date printed on the briefing (today when None).

    Returns:
        A Briefing; `covered` is False, with `nearest_topics`, when the documents do not address the topic.

    Raises:
        AssistantError: the topic is empty. CorpusError: `doc` is not a document of the index.
    """
    topic = clean_topic(topic)
    documents = documents_of(assistant, [doc] if doc else None)
    doc_ids = [d.id for d in documents]
    scope = "、".join(f"《{d.title}》" for d in documents)
    day = (date or datetime.date.today()).isoformat()
    reader = TopicReader(assistant, topic, doc_ids)
    absent = reader.absent()
    figures = [] if absent else reader.figures()
    taken = {f.citation.unit.id for f in figures}
    chosen = {} if absent else {doc_id: reader.points(doc_id, taken) for doc_id in doc_ids}
    if not figures and not any(chosen.values()):
        reason = f"文件没有涉及“{'、'.join(absent)}”" if absent else "没有与该主题相符的条款"
        return Briefing(topic, scope, day, False, nearest=tuple(reader.nearest()), reason=reason)

    sources = Sources()  # numbered in reading order: key points, figures, comparison
    sections = []
    for d in documents:
        groups: dict[str, list[Candidate]] = {}
        for candidate in chosen[d.id]:
            groups.setdefault(_heading(candidate.unit), []).append(candidate)
        if groups:
            cited = tuple(Group(h, tuple(sources(cite(c)) for c in points)) for h, points in groups.items())
            sections.append(DocumentPoints(d.id, d.title, cited))
    figures = [replace(figure, citation=sources(figure.citation)) for figure in figures]
    comparison = Comparison(topic, stances(reader, documents, sources)) if len(documents) > 1 else None
    return Briefing(topic, scope, day, True, tuple(sections), tuple(figures), comparison, tuple(sources.units.values()))
