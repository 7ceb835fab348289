"""Composition: what a question asks for (its shape) and the cited answer built from scored sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .evidence import Candidate, sentences
from .records import Citation, Unit
from .text import heading_title, squeeze

if TYPE_CHECKING:
    from .index import Index
    from .retrieval import Retriever

_NUMERIC = re.compile(r"多少|几[个项处家户年倍成]|多大|多长|多高|比例|比重|占比|百分|增长率|治理率|目标值|数量|规模")
_LIST = re.compile(r"哪些|哪几|有什么|包括什么|包括哪|分为|几个方面|几类|主要内容|各有|都有|列举|措施|原则")
_TABLE = re.compile(r"表\s*\d|指标")
# asked quantity -> units a sentence must show next to a number
_QUANTITIES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"多少钱|多少元|亿元|万元|价格|工资|收入是多少|资金是多少"), ("元",)),
    (re.compile(r"多少吨|亿吨|万吨"), ("吨",)),
    (re.compile(r"多少人|人口|人数"), ("人",)),
    (re.compile(r"多少户|户数"), ("户",)),
    (re.compile(r"多少亩"), ("亩",)),
    (re.compile(r"多少公里|里程"), ("公里",)),
    (re.compile(r"面积"), ("平方公里", "亩", "公顷")),
    (re.compile(r"多少套"), ("套",)),
    (re.compile(r"多少处"), ("处",)),
    (re.compile(r"多少家"), ("家",)),
    (re.compile(r"多少个"), ("个",)),
]
_NUMBER = r"[≥≤约近]?\d[\d.,，]*\s*(?:万|亿)?(?:余|多)?"
MAX_SENTENCES = 3
UNSURE = 0.3  # best sentence score under which an answer shows the best sentence of up to three units
MAX_LIST_UNITS = 8


@dataclass(frozen=True)
class QuestionShape:
    """What kind of answer a question wants."""

    kind: str  # "numeric", "list", "table", "cross" or "fact"
    units: tuple[str, ...] = ()  # units a number in the answer must carry ("户", "亩")
    docs: tuple[str, ...] = ()  # for cross questions: the documents to answer from

    def quantities(self, sentence: str) -> set[str]:
        """The asked units that the sentence gives with a number."""
        return {unit for unit in self.units if re.search(_NUMBER + re.escape(unit), sentence)}

    def has_quantity(self, sentence: str) -> bool:
        return bool(self.quantities(sentence))

    def bonus(self, sentence: str) -> float:
        """Extra score for what the shape asks for."""
        if self.units:
            return 0.15 if self.has_quantity(sentence) else 0.0
        if self.kind in ("numeric", "table"):
            return 0.08 if re.search(r"\d", sentence) else 0.0
        if self.kind == "list":
            return 0.04 * min(sentence.count("、"), 4)
        return 0.0


def shape_of(question: str, query: str, retriever: Retriever) -> QuestionShape:
    """Classifies a question by what its answer must contain."""
    if retriever.is_cross(question):
        return QuestionShape("cross", docs=tuple(d["id"] for d in retriever.index.documents))
    units: tuple[str, ...] = ()
    for pattern, wanted in _QUANTITIES:
        if pattern.search(question):
            units += tuple(u for u in wanted if u not in units)
    if _TABLE.search(question) and _NUMERIC.search(question):
        return QuestionShape("table", units)
    if _NUMERIC.search(question):
        return QuestionShape("numeric", units)
    if _LIST.search(question):
        return QuestionShape("list", units)
    return QuestionShape("fact", units)


class _Writer:
    """Collects quoted sentences and numbers citations in order of first use."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.parts: list[str] = []

    def ref(self, unit: Unit, quote: str) -> int:
        for citation in self.citations:
            if citation.unit.id == unit.id:
                return citation.ref
        self.citations.append(Citation(len(self.citations) + 1, unit, quote))
        return len(self.citations)

    def quote(self, unit: Unit, sentence: str, prefix: str = "") -> None:
        sentence = sentence.strip()
        self.parts.append(f"{prefix}{sentence}[{self.ref(unit, sentence)}]")

    def text(self, separator: str = "") -> str:
        return separator.join(self.parts)


def _first_sentence(unit: Unit) -> str:
    """The unit's opening sentence as printed: a lead ("坚持改革创新。") or a clause title."""
    match = re.match(r"[^。！？；]+[。！？；]?", unit.body)
    return match.group(0) if match else unit.body


def _named_family(query: str, candidates: list[Candidate], index: Index) -> list[Unit]:
    """The units under a heading the question names ("发展原则", "保障措施"), in document order.

    When several headings match, the one whose units rank best in the candidates wins.
    """
    wanted = squeeze(query)
    rank = {}
    for position, candidate in enumerate(candidates):
        rank.setdefault(candidate.unit.path, position)
    families: dict[tuple[str, ...], list[Unit]] = {}
    for unit in index.rows:
        if unit.path and len(heading_title(unit.path[-1])) >= 2 and squeeze(heading_title(unit.path[-1])) in wanted:
            families.setdefault(unit.path, []).append(unit)
    ranked = sorted((path for path in families if path in rank), key=lambda path: rank[path])
    for path in ranked:
        if 2 <= len(families[path]) <= MAX_LIST_UNITS:
            return families[path]
    return []


def _enumeration(best: Candidate) -> list[str]:
    """A sentence announcing a list ("…问题：一是…") followed by the sentences that make the list."""
    if not (best.sentence.endswith("：") or "一是" in best.sentence):
        return [best.sentence]
    following = sentences(best.unit.body)[best.order :]
    listed = [following[0]]
    for sentence in following[1:]:
        if re.match(r"^[二三四五六七八九十]是|^\d+[.、]|^（[二三四五六七八九十\d]+）", sentence) and len(listed) < 8:
            listed.append(sentence)
        else:
            break
    return listed


def compose(
    candidates: list[Candidate], shape: QuestionShape, index: Index, query: str, focus: str = ""
) -> tuple[str, tuple[Citation, ...]]:
    """Builds the answer text with [n] markers and its citations.

    Args:
        candidates: scored sentences, best first (not empty).
        shape: what the question asks for.
        index: for the units under a heading a list question names.
        query: the (resolved) question.
        focus: for a follow-up, its own words (they, not the earlier question, name a list heading).

    Returns:
        (answer, citations); every sentence of the answer ends with the marker of its unit.
    """
    writer = _Writer()
    best = candidates[0]
    if shape.kind == "cross":
        titles = {d["id"]: d.get("short") or d["title"] for d in index.documents}
        by_doc: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            chosen_here = by_doc.setdefault(candidate.unit.doc_id, [])
            if not chosen_here or (
                len(chosen_here) < 2 and candidate.unit.id != chosen_here[0].unit.id and candidate.score >= 0.85 * chosen_here[0].score
            ):
                chosen_here.append(candidate)
        for doc_id in sorted(by_doc, key=lambda d: (-by_doc[d][0].score, d)):
            picked = by_doc[doc_id]
            if picked[0].score < 0.4 * best.score:
                continue
            for number, candidate in enumerate(picked):
                writer.quote(candidate.unit, candidate.sentence, prefix=f"《{titles.get(doc_id, doc_id)}》：" if number == 0 else "")
            writer.parts[-1] += "\n"
        return writer.text().strip(), tuple(writer.citations)

    if shape.kind == "list":
        family = _named_family(focus or query, candidates, index)
        if family:
            for unit in family:
                writer.quote(unit, _first_sentence(unit))
            return writer.text(), tuple(writer.citations)
        listed = _enumeration(best)
        if len(listed) > 1:
            for sentence in listed:
                writer.quote(best.unit, sentence)
            return writer.text(), tuple(writer.citations)

    chosen: list[Candidate] = [best]
    covered = shape.quantities(best.sentence)
    # A weak best match (a question worded unlike the text) is not trusted alone: the best
    # sentences of the next units are shown too, so the right one is more likely among them.
    unsure = best.score < UNSURE
    for candidate in candidates[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        if any(squeeze(candidate.sentence) in squeeze(c.sentence) or squeeze(c.sentence) in squeeze(candidate.sentence) for c in chosen):
            continue
        if unsure:
            if all(candidate.unit.id != c.unit.id for c in chosen):
                chosen.append(candidate)
            continue
        # a second asked quantity (公里 and 处) earns a place even below the usual bar
        adds_quantity = bool(shape.quantities(candidate.sentence) - covered) and candidate.score >= 0.5 * best.score
        if candidate.score < 0.8 * best.score and not adds_quantity:
            continue
        if shape.kind in ("numeric", "table") and not re.search(r"\d", candidate.sentence):
            continue
        chosen.append(candidate)
        covered |= shape.quantities(candidate.sentence)
    # Read in document order within a unit, units in the order they were chosen.
    first_seen = {unit_id: i for i, unit_id in reversed(list(enumerate(c.unit.id for c in chosen)))}
    chosen.sort(key=lambda c: (first_seen[c.unit.id], c.order))
    for candidate in chosen:
        writer.quote(candidate.unit, candidate.sentence)
    return writer.text(), tuple(writer.citations)
