"""Relevance: scored sentences on a topic for the chat's comparisons and for the nearest topics of an uncovered one.

(Briefings select by coverage in selection.py.) The answer stage's scorer is reused:
the topic is searched (overall and in each document), every sentence of the hits is scored by its
IDF-weighted coverage of the topic (alone and with its clause's headings), and only sentences above
the bar count. A topic whose main words the documents never use is not covered at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..answer.question import Candidate, QuestionShape, clean_question
from ..corpus.repair import squeeze
from ..errors import AssistantError
from ..records import Citation, DocumentSpec, Hit, Kind, Unit

if TYPE_CHECKING:
    from ..answer.assistant import Assistant

SEARCH_K = 20  # hits per search: overall and in each document
# Calibrated on topics the documents cover and topics they do not (README, "Briefings for
# trainers"): sentences on the topic score 0.45-1.08; sentences that share only the generic half
# of a topic ("支撑" of 人才支撑, "支持" of 融资支持, "引进" of 外资引进) score 0.28-0.44.
BAR = 0.45
ABSENT_SHARE = 1 / 3  # topic words the documents never use carrying this share of its weight: not covered
MAX_COMPARED = 3  # sentences per document in a comparison
NEAREST = 3
_FACT = QuestionShape("fact")
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[章节条])+\s*|^[（(][一二三四五六七八九十\d]+[）)]\s*|^[一二三四五六七八九十]+、\s*"
)


@dataclass(frozen=True)
class Figure:
    """A number on the topic: a row of an indicator table, or a 专栏 item that gives a quantity."""

    indicator: str  # the indicator's name, or the whole 专栏 item
    actual: str  # e.g. "35471户" ("" for a 专栏 item)
    target: str  # e.g. "≥13000户"
    citation: Citation  # quote: the row rendered as a sentence, or the 专栏 item
    columns: tuple[str, str] = ("", "")  # the table's names for `actual` and `target` ("2020年实际", "2025年目标")


def topic_of(unit: Unit) -> str:
    """A unit's subject as a topic: "（三）加强组织领导" -> "加强组织领导", a 专栏 item -> the box's title."""
    label = unit.label
    if unit.kind == Kind.TABLE_ROW:
        return re.sub(r"^表\s*\d+\s*第\s*\d+\s*项\s*", "", label)
    if unit.kind == Kind.BOX_ITEM:
        return re.sub(r"\s*第\d+项$", "", re.sub(r"^专栏\s*\d+\s*", "", label).split("：")[0])
    last = label.split(" ")[-1]
    if re.fullmatch(r"第\d+段", last) and unit.path:
        last = unit.path[-1].split(" ")[-1]
    return _NUMBERING.sub("", last) or last


class TopicReader:
    """The scored sentences of one topic in some documents, and what a briefing takes from them."""

    def __init__(self, assistant: Assistant, topic: str, doc_ids: list[str]) -> None:
        self.assistant = assistant
        self.topic = topic
        self.doc_ids = doc_ids
        index = assistant.index
        hits: dict[str, Hit] = {}
        searches = [None, *doc_ids] if len(doc_ids) > 1 else doc_ids
        for doc in searches:
            for hit in assistant.retriever.search(topic, k=SEARCH_K, doc=doc):
                hits.setdefault(hit.unit.id, hit)
        # Tables and 专栏 boxes are where the figures are; a plan has few, so all are read.
        in_order = [d.id for d in index.documents if d.id in doc_ids]  # index order, as the rows are
        for units in assistant.backend.units_of_each(in_order, (Kind.BOX_ITEM, Kind.TABLE_ROW)).values():
            for unit in units:
                hits.setdefault(unit.id, Hit(unit, 0.0))
        self.candidates = assistant.scorer.candidates(topic, list(hits.values()), _FACT)
        self.weights = assistant.scorer.weights(topic)

    def absent(self) -> list[str]:
        """The topic's words that no document uses, when they carry much of its weight."""
        scorer = self.assistant.scorer
        words = list(dict.fromkeys(scorer.tokenizer.content_words(scorer.without_document_names(self.topic))))
        missing = [w for w in words if squeeze(w) not in scorer.corpus]
        total = sum(scorer.idf(w) for w in words)
        return missing if total > 0 and sum(scorer.idf(w) for w in missing) >= ABSENT_SHARE * total else []

    def relevant(self, doc_id: str, bar: float = BAR) -> list[Candidate]:
        """A document's sentences above the bar (tables apart), best first, without duplicates."""
        kept: list[Candidate] = []
        seen: set[str] = set()
        for candidate in self.candidates:
            if candidate.unit.doc_id != doc_id or candidate.unit.kind in (Kind.TABLE_ROW, Kind.TABLE_NOTE) or candidate.score < bar:
                continue
            text = squeeze(candidate.sentence)
            if text in seen:
                continue
            seen.add(text)
            kept.append(candidate)
        return kept

    def compared(self, doc_id: str) -> list[Candidate]:
        """A document's best sentences on the topic, one per clause first."""
        relevant = self.relevant(doc_id)
        firsts: dict[str, Candidate] = {}
        for candidate in relevant:
            firsts.setdefault(candidate.unit.id, candidate)
        ordered = list(firsts.values()) + [c for c in relevant if c not in firsts.values()]
        return ordered[:MAX_COMPARED]

    def nearest(self) -> list[Unit]:
        """The best scored clauses and paragraphs, one per topic (专栏 items and rows match on stray characters)."""
        seen: dict[str, Unit] = {}
        for candidate in self.candidates:
            if candidate.unit.kind in (Kind.BOX_ITEM, Kind.TABLE_ROW, Kind.TABLE_NOTE):
                continue
            seen.setdefault(topic_of(candidate.unit), candidate.unit)
            if len(seen) >= NEAREST:
                break
        return list(seen.values())


class Sources:
    """Numbers the cited units in order of first use; `units` become the sources list."""

    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}

    def __call__(self, point: Citation) -> Citation:
        self.units.setdefault(point.unit.id, point.unit)
        return replace(point, ref=list(self.units).index(point.unit.id) + 1)


def cite(candidate: Candidate) -> Citation:
    """A scored sentence as an unnumbered citation (Sources numbers it)."""
    return Citation(0, candidate.unit, candidate.sentence.strip())


def documents_of(assistant: Assistant, wanted: list[str] | None) -> list[DocumentSpec]:
    """The index's documents (all, or the wanted ids in index order).

    Raises:
        CorpusError: an unknown id.
    """
    for doc_id in wanted or []:
        assistant.index.doc_range(doc_id)
    return [d for d in assistant.index.documents if wanted is None or d.id in wanted]


def clean_topic(topic: str) -> str:
    """The topic as searched.

    Raises:
        AssistantError: the topic has no words.
    """
    text = clean_question(topic)
    if not re.search(r"[\w\u3400-\u9fff]", text):
        raise AssistantError("Give a topic, for example 采煤沉陷区综合治理.")
    return text
