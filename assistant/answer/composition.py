"""Composition: the cited answer built from scored sentences, by what the question asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from ..records import Citation, Unit
from .question import LEAD_MAX, Candidate, QuestionShape, sentences, split_sentences

if TYPE_CHECKING:
    from ..indexing.store import Index

MAX_SENTENCES = 3  # an answer quotes the best sentence and at most two that score nearly as well
UNSURE = 0.3  # best sentence score under which an answer shows the best sentence of up to three units
NEARLY_AS_GOOD = 0.8  # a further sentence is quoted when it scores this share of the best one
SECOND_QUANTITY = 0.5  # ... or this share, when it gives an asked quantity the others lack (公里 and 处)
PER_DOCUMENT = 2  # a comparison quotes at most this many sentences of each document
SECOND_IN_DOCUMENT = 0.85  # the second one when it scores this share of the document's best
SILENT_DOCUMENT = 0.4  # a document whose best sentence scores under this share of the overall best says nothing on it
MAX_LIST_UNITS = 8  # a heading with more units is a chapter, not the list asked for
MIN_LIST_UNITS = 2  # one unit under a heading is no list
MIN_LIST_TITLE = 2  # a list question names its heading in full ("原则", "保障措施")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")


class Writer:
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


def first_sentences(unit: Unit) -> str:
    """A list item as printed: its opening sentence, and the next one when the first is only a title.

    "（三）加强领导。" alone says nothing; with the sentence after it the item reads whole.
    """
    pieces = [p for p in split_sentences(unit.body) if p.strip()]
    if not pieces:
        return unit.body
    if len(pieces) > 1 and len(squeeze(pieces[0])) <= LEAD_MAX:
        return pieces[0] + pieces[1]
    return pieces[0]


def named_family(query: str, candidates: list[Candidate], index: Index) -> list[Unit]:
    """The units under a heading the question names ("发展原则", "保障措施"), in document order.

    When several headings match, the one whose units rank best in the candidates wins.
    """
    rank: dict[tuple[str, ...], int] = {}
    for position, candidate in enumerate(candidates):
        rank.setdefault(candidate.unit.path, position)
    named = [family for family in index.families.named(query, MIN_LIST_TITLE) if family.path in rank]
    for family in sorted(named, key=lambda family: rank[family.path]):
        if MIN_LIST_UNITS <= len(family.positions) <= MAX_LIST_UNITS:
            return keyed_to([index.rows[position] for position in family.positions], index.tokenizer.places(query))
    return []


_KEY = re.compile(r"^(?:\d+[.、．]\s*)?([^：:，,。；]{1,16})[：:]")  # "镇江：重点推进…", "2.资源型地区：…"


def keyed_to(units: list[Unit], places: list[str]) -> list[Unit]:
    """The members of a list keyed by place ("南京：…", "镇江：…") whose key is a place the question names.

    "专栏2里镇江重点推进哪些项目？" asks for 镇江's member alone. Members not keyed by place, or
    keys the question does not name, leave the list whole.
    """
    keys = [_KEY.match(squeeze(u.body)) for u in units]
    if not places or sum(1 for k in keys if k) < MIN_LIST_UNITS:
        return units
    named = [u for u, k in zip(units, keys, strict=True) if k and any(p in k.group(1) for p in places)]
    return named or units


ITEM = re.compile(r"^[一二三四五六七八九十]是|^\d+[.、．]|^[（(][一二三四五六七八九十\d]+[）)]|^[①-⑳]")
_ANNOUNCES = re.compile(r"[：:]\s*(?:[一二三四五六七八九十]是|\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[①-⑳])|[：:]$|一是")
MAX_ITEMS = 12  # items of one enumeration quoted


def enumeration_of(best: Candidate) -> list[str]:
    """A sentence announcing a list ("…问题：一是…", "…下列行为：（一）…；") and the sentences that make the list.

    The list runs on while sentences open with an item mark, or while the one before ended with
    "；" (items of a "：…；…；…。" list), and stops at the sentence that closes it.
    """
    if not _ANNOUNCES.search(best.sentence):
        return [best.sentence]
    following = sentences(best.unit.body)[best.order :]
    listed = [following[0]]
    for sentence in following[1:]:
        if len(listed) >= MAX_ITEMS or not (ITEM.match(sentence) or listed[-1].rstrip().endswith("；")):
            break
        listed.append(sentence)
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
    writer = Writer()
    if shape.kind == "cross":
        _per_document(candidates, index, writer)
        return writer.text().strip(), tuple(writer.citations)
    if shape.kind == "list" and _listed(candidates, index, focus or query, writer):
        return writer.text(), tuple(writer.citations)
    for candidate in _best_sentences(candidates, shape, _asked_words(index, f"{query} {focus}")):
        writer.quote(candidate.unit, candidate.sentence)
    return writer.text(), tuple(writer.citations)


def _per_document(candidates: list[Candidate], index: Index, writer: Writer) -> None:
    """A comparison: each document's best sentence (and a second nearly as good), best document first, one line each."""
    best = candidates[0]
    titles = {d.id: d.short or d.title for d in index.documents}
    by_doc: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        chosen_here = by_doc.setdefault(candidate.unit.doc_id, [])
        if not chosen_here or (
            len(chosen_here) < PER_DOCUMENT
            and candidate.unit.id != chosen_here[0].unit.id
            and candidate.score >= SECOND_IN_DOCUMENT * chosen_here[0].score
        ):
            chosen_here.append(candidate)
    for doc_id in sorted(by_doc, key=lambda d: (-by_doc[d][0].score, d)):
        picked = by_doc[doc_id]
        if picked[0].score < SILENT_DOCUMENT * best.score:
            continue
        for number, candidate in enumerate(picked):
            writer.quote(candidate.unit, candidate.sentence, prefix=f"《{titles.get(doc_id, doc_id)}》：" if number == 0 else "")
        writer.parts[-1] += "\n"


def _listed(candidates: list[Candidate], index: Index, query: str, writer: Writer) -> bool:
    """A list: the units under the heading the question names, else the enumeration the best sentence opens; False for neither."""
    family = named_family(query, candidates, index)
    if family:
        for unit in family:
            writer.quote(unit, first_sentences(unit))
        return True
    best = candidates[0]
    listed = enumeration_of(best)
    for sentence in listed if len(listed) > 1 else ():
        writer.quote(best.unit, sentence)
    return len(listed) > 1


def _asked_words(index: Index, query: str) -> frozenset[str]:
    """The question's content words of two or more characters: what a further quoted sentence must add to."""
    return frozenset(squeeze(w) for w in index.tokenizer.content_words(query) if len(w) >= 2)


def _figures(sentence: str) -> set[str]:
    """The figures a sentence gives as values: numbers with a decimal point or of two or more digits, not years or item numbers."""
    return {f for f in _FIGURE.findall(sentence) if ("." in f or len(f) >= 2) and not re.fullmatch(r"(?:19|20)\d\d", f)}


def _best_sentences(candidates: list[Candidate], shape: QuestionShape, words: frozenset[str] = frozenset()) -> list[Candidate]:
    """The best sentence and up to two more that score nearly as well and add to it, in reading order.

    A further sentence must add something the chosen ones lack: a word of the question they do not
    contain, or an asked quantity they do not give. One that only repeats them (the same figure from
    the text and from its table, a neighbouring clause on the same words) is padding and is left out.
    """
    best = candidates[0]
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
        adds_quantity = bool(shape.quantities(candidate.sentence) - covered) and candidate.score >= SECOND_QUANTITY * best.score
        if candidate.score < NEARLY_AS_GOOD * best.score and not adds_quantity:
            continue
        if shape.kind in ("numeric", "table") and not re.search(r"\d", candidate.sentence):
            continue
        said = squeeze("".join(c.sentence + c.unit.label + "".join(c.unit.path) for c in chosen))
        adds_word = any(w in squeeze(candidate.sentence) and w not in said for w in words)
        repeats_figures = shape.kind in ("numeric", "table") and bool(_figures(candidate.sentence) & _figures(said))
        if not adds_quantity and repeats_figures and not adds_word:
            continue
        chosen.append(candidate)
        covered |= shape.quantities(candidate.sentence)
    # Read in document order within a unit, units in the order they were chosen.
    first_seen = {unit_id: i for i, unit_id in reversed(list(enumerate(c.unit.id for c in chosen)))}
    return sorted(chosen, key=lambda c: (first_seen[c.unit.id], c.order))


@dataclass(frozen=True)
class Composed:
    """An answer: the direct answer, the cited text, its citations; `found` False when the documents lack it."""

    short: str
    answer: str
    citations: tuple[Citation, ...]
    found: bool = True


def done(short: str, writer: Writer, lead: str = "", separator: str = "") -> Composed:
    return Composed(short, lead + writer.text(separator), tuple(writer.citations))
