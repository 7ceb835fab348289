"""Selection by coverage: what of a document a briefing on a topic quotes, and what it only lists.

General properties of Chinese policy documents decide it, never phrases of particular plans:
1. The topic's own place comes first and whole: a clause, paragraph or 专栏 item whose heading
   (its clause title, lead sentence or item name) names the topic, and every unit under a section
   or 专栏 heading that names it.
2. Then the sentences of other clauses that name the topic and add something new (most of their
   words not yet quoted), best first, within a length budget; the rest is counted and referenced
   ("另有N条相关内容"), never silently dropped. A sentence that names the topic only as one item
   of a list of three or more is referenced, not quoted.
3. Background sections (发展基础, 存在的问题, 面临形势, 基本情况 …) describe the past, not the plan's
   measures: what they say is kept apart, under 背景.
4. A topic no heading names and only a few sentences mention is touched in passing: those places
   are listed ("仅零星提及"), not padded into a briefing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..answer.question import sentences
from ..corpus.repair import squeeze
from ..records import Citation, Kind, Unit
from .terms import TopicTerms

if TYPE_CHECKING:
    from ..indexing.tokenizer import Tokenizer

# Headings of sections that describe the starting point rather than what is to be done.
BACKGROUND = re.compile(r"发展基础|存在的?(?:主要)?问题|面临(?:的)?形势|发展形势|发展背景|基本情况|发展现状|现状分析|工作基础|发展环境")
# Characters of quotes from other clauses per document, after the topic's own place (which is
# always whole): about one printed page of quotes, enough for the clauses that add something.
BUDGET = 1200
BACKGROUND_BUDGET = 500  # background is context: a few sentences of it, the rest by reference
# A topic no heading names and at most this many sentences mention is only touched in passing
# (a topic listed once among strategies, or a word inside an enumeration of facilities).
PASSING_MAX = 3
# A further sentence is quoted only when at least this share of its words is not yet quoted.
NOVELTY = 0.5
_CLAUSE = re.compile(r"[^，；。：！？]+")
QUOTED_KINDS = (Kind.CLAUSE, Kind.PARAGRAPH, Kind.BOX_ITEM)
_PARAGRAPH_NUMBER = re.compile(r"^第\d+段$")


@dataclass(frozen=True)
class Selection:
    """What one document says on a topic, sorted by role; each point's quote is verbatim in its unit."""

    doc_id: str
    home: tuple[Citation, ...] = ()  # the topic's own clauses / sections / 专栏 items, whole
    related: tuple[Citation, ...] = ()  # sentences of other clauses that add something
    background: tuple[Citation, ...] = ()  # what background sections say on it
    more: tuple[Citation, ...] = ()  # relevant sentences left out by the budget (listed by reference)

    @property
    def mentions(self) -> int:
        """Every place of the document that names the topic."""
        return len(self.home) + len(self.related) + len(self.background) + len(self.more)

    @property
    def quoted(self) -> tuple[Citation, ...]:
        return (*self.home, *self.related, *self.background)


_DOCUMENT_NUMBER = re.compile(r"^\S{1,12}[〔\[（(]\d{4}[〕\]）)]\s*\d+\s*号$")  # 鹤教发〔2024〕15号


def _addressees(sentence: str, unit: Unit) -> bool:
    """A unit that is only a line ending in "：" (a notice's 主送机关, a list's lead-in) or a 文号 says nothing on its own."""
    whole = sentence == unit.body.strip()
    return whole and (sentence.endswith(("：", ":")) or bool(_DOCUMENT_NUMBER.match(sentence)))


def own_heading(unit: Unit) -> str:
    """The unit's own heading: a clause's title, a paragraph's lead sentence, a 专栏 item's name ("" for none)."""
    label = unit.label
    if unit.kind == Kind.BOX_ITEM:
        return label.split("：", 1)[1] if "：" in label else ""
    last = label.split(" ")[-1]
    if _PARAGRAPH_NUMBER.match(last) or (unit.kind == Kind.PARAGRAPH and " " not in label):
        return ""
    return last


def is_background(unit: Unit) -> bool:
    """True for a unit inside (or being) a background section."""
    return any(BACKGROUND.search(p) for p in unit.path) or bool(BACKGROUND.search(unit.label.split(" ")[0]))


def is_home(unit: Unit, terms: TopicTerms) -> bool:
    """True when the unit's own heading or a heading above it names the topic (documents' titles aside)."""
    return terms.matches(own_heading(unit), heading=True) or any(terms.matches(p, heading=True) for p in unit.path)


class Selector:
    """Chooses a document's points on one topic (see the module's rules)."""

    def __init__(self, terms: TopicTerms, tokenizer: Tokenizer, budget: int = BUDGET) -> None:
        self.terms = terms
        self.tokenizer = tokenizer
        self.budget = budget

    def _new_words(self, sentence: str, quoted: set[str]) -> bool:
        words = set(self.tokenizer.content_words(sentence))
        return not words or len(words - quoted) / len(words) >= NOVELTY

    def listed(self, sentence: str) -> bool:
        """True when the topic is only an item of a list of three or more ("资源、产业、科教、人才、基础设施优势")."""
        clauses = [c for c in _CLAUSE.findall(sentence) if self.terms.matches(c)]
        return bool(clauses) and all(c.count("、") >= 2 for c in clauses)

    def _within(self, points: list[Citation], quoted: set[str], budget: int) -> tuple[list[Citation], list[Citation]]:
        """The points that add words, in the given order, until the budget; then the ones left out (repeats too)."""
        kept: list[Citation] = []
        left: list[Citation] = []
        used = 0
        for point in points:
            if not self._new_words(point.quote, quoted) or (used + len(point.quote) > budget and kept):
                left.append(point)
                continue
            kept.append(point)
            used += len(point.quote)
            quoted |= set(self.tokenizer.content_words(point.quote))
        return kept, left

    def select(self, units: list[Unit], whole_document: bool = False) -> Selection:
        """The Selection of one document's units (in document order).

        With `whole_document` (the document's title names the topic: a notice or plan on just this
        subject), every sentence is on the topic: those naming it come first, the rest in order, all
        within the budget.
        """
        units = [u for u in units if u.kind in QUOTED_KINDS]
        home, background, candidates, listed = [], [], [], []
        for position, unit in enumerate(units):
            home_unit = is_home(unit, self.terms)
            if home_unit and not is_background(unit):
                home.append(Citation(0, unit, unit.body.strip()))
                continue
            named = [s.strip() for s in sentences(unit.body) if self.terms.matches(s) or whole_document]
            named = [s for s in named if not _addressees(s, unit)]
            if home_unit and not named:  # a background unit under a heading on the topic
                named = [unit.body.strip()]
            for order, sentence in enumerate(named):
                point = Citation(0, unit, sentence)
                if is_background(unit):
                    background.append((position, order, point))
                elif self.listed(sentence):
                    listed.append(point)
                else:
                    hits = len(self.terms.found(sentence)) + (self.terms.phrase in squeeze(sentence))
                    candidates.append((-hits, position, order, point))
        quoted = {w for p in home for w in self.tokenizer.content_words(p.quote)}
        related, more = self._within([c[-1] for c in sorted(candidates, key=lambda c: c[:3])], quoted, self.budget)
        background, more_background = self._within([b[-1] for b in background], quoted, BACKGROUND_BUDGET)
        more += more_background + listed
        order = {unit.id: i for i, unit in enumerate(units)}

        def in_order(points: list[Citation]) -> tuple[Citation, ...]:
            return _joined(sorted(points, key=lambda p: (order[p.unit.id], p.unit.body.find(p.quote))))

        return Selection(units[0].doc_id if units else "", tuple(home), in_order(related), in_order(background), in_order(more))


def _joined(points: list[Citation]) -> tuple[Citation, ...]:
    """Points in order, with neighbouring sentences of one unit joined into one quote (still verbatim)."""
    joined: list[Citation] = []
    for point in points:
        if joined and joined[-1].unit.id == point.unit.id:
            body, last = point.unit.body, joined[-1]
            start, end = body.find(last.quote), body.find(point.quote)
            if start >= 0 and end >= 0 and not body[start + len(last.quote) : end].strip():
                joined[-1] = Citation(0, point.unit, body[start : end + len(point.quote)])
                continue
        joined.append(point)
    return tuple(joined)


def passing(selections: list[Selection]) -> bool:
    """True when the topic is only touched in passing: no own place anywhere and few mentions in all."""
    return not any(s.home for s in selections) and 0 < sum(s.mentions for s in selections) <= PASSING_MAX
