"""Briefing: a topic turned into a cited handout — the topic's own clauses whole, what other clauses add,
background apart, what was left out by reference, indicator rows, and how the documents differ.

Selection is by coverage (selection.py), topic words are matched as words and widened by the thesaurus
(terms.py). A topic only touched in passing is reported as "仅零星提及" with its places; a topic the
documents do not address gives a short "not covered" briefing naming the nearest topics.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..records import Citation, DocumentSpec, Kind, Unit
from .relevance import Figure, Sources, TopicReader, clean_topic, documents_of, topic_of
from .selection import Selection, Selector, own_heading, passing
from .terms import TopicTerms

if TYPE_CHECKING:
    from ..answer.assistant import Assistant

Status = Literal["covered", "passing", "absent"]
Role = Literal["home", "related", "background"]
RELATED = "其他相关条款"
BACKGROUND = "背景"
_ROW = re.compile(r"^表\s*\d+\s*第\s*\d+\s*项\s*(?P<name>[^：]+)：(?P<values>.*?)(?:（[^（）：]+：[^（）]*）)?$")
MAX_NAMED = 3  # silent documents named one by one in the comparison; more are counted
SHORT_CLAUSE = 12  # a clause title up to this long is its own short reference: "（三）加强组织领导"


@dataclass(frozen=True)
class Group:
    """Points under one heading of a document: the topic's own section, other clauses, or background."""

    heading: str  # "第三章第二节 <节标题>", "其他相关条款", "背景"
    points: tuple[Citation, ...]  # quote: verbatim in unit.body; ref: its number in the sources
    role: Role = "home"


@dataclass(frozen=True)
class DocumentPoints:
    """One document's points, the topic's own sections first; `more` were left out by the length budget."""

    doc_id: str
    title: str
    groups: tuple[Group, ...]
    more: tuple[Citation, ...] = ()
    short: str = ""


@dataclass(frozen=True)
class Briefing:
    """A cited briefing on a topic; `status` says whether the documents cover it, touch it, or not."""

    topic: str
    scope: str  # which documents were read: "《A》、《B》"
    date: str  # ISO date of the briefing
    covered: bool
    sections: tuple[DocumentPoints, ...] = ()
    figures: tuple[Figure, ...] = ()
    contrast: tuple[str, ...] = ()  # how the documents differ on the topic (empty: one document, or nothing to say)
    sources: tuple[Unit, ...] = ()  # source n is sources[n - 1]
    nearest: tuple[Unit, ...] = ()  # when not covered: the closest units
    reason: str = ""  # when not covered: why, in words
    status: Status = "covered"
    mentions: tuple[Citation, ...] = ()  # when touched in passing: every place, quoted

    @property
    def points(self) -> tuple[Citation, ...]:
        """Every quoted point, in the order of the briefing."""
        return tuple(point for section in self.sections for group in section.groups for point in group.points)

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every numbered reference of the briefing: points, left-out places, figures, mentions."""
        more = tuple(p for s in self.sections for p in s.more)
        return (*self.points, *more, *(figure.citation for figure in self.figures), *self.mentions)

    @property
    def nearest_topics(self) -> tuple[str, ...]:
        """Headings close to an uncovered topic, worded as topics to try instead."""
        return tuple(dict.fromkeys(topic_of(unit) for unit in self.nearest))


def short_ref(unit: Unit) -> str:
    """A unit's place in a few characters: "第四章第一节", "（三）加强组织领导", "专栏2 某市", "表1 第6项"."""
    label = unit.label
    if unit.kind == Kind.BOX_ITEM:
        box = label.split(" ")[0]
        name = own_heading(unit)
        return f"{box} {name}" if name and len(name) <= 8 else box
    if unit.kind == Kind.TABLE_ROW:
        found = re.match(r"表\s*\d+\s*第\s*\d+\s*项", label)
        return found.group(0) if found else label.split(" ")[0]
    if unit.kind == Kind.CLAUSE:
        number = re.match(r"[（(][一二三四五六七八九十百\d]+[）)]|第[一二三四五六七八九十百零\d]+条", label)
        return label if len(label) <= SHORT_CLAUSE or not number else number.group(0)
    return label.split(" ")[0]


def lead_in(point: Citation) -> str:
    """What a quote from inside a unit needs before it to be understood: the unit's heading or opening clause."""
    body = point.unit.body
    if body.strip().startswith(point.quote):
        return ""
    heading = own_heading(point.unit)
    if heading and point.unit.kind != Kind.BOX_ITEM:
        return heading
    opening = re.match(r"[^。；：]{4,40}：", body)
    return opening.group(0).rstrip("：") if opening else ""


def _home_heading(unit: Unit, terms: TopicTerms) -> str:
    """The heading a point of the topic's own place is grouped under: the section heading that names it, or the unit's."""
    for depth, heading in enumerate(unit.path):
        if terms.matches(heading, heading=True):
            chapter = re.match(r"第[一二三四五六七八九十百\d]+章", unit.path[0]) if depth else None
            return f"{chapter.group(0)}{heading}" if chapter and re.match(r"第[一二三四五六七八九十百\d]+节", heading) else heading
    return unit.label if unit.kind != Kind.BOX_ITEM else f"{unit.label.split('：')[0]}"


def _groups(selection: Selection, terms: TopicTerms, sources: Sources) -> tuple[Group, ...]:
    home: dict[str, list[Citation]] = {}
    for point in selection.home:
        home.setdefault(_home_heading(point.unit, terms), []).append(sources(point))
    groups = [Group(heading, tuple(points)) for heading, points in home.items()]
    if selection.related:
        groups.append(Group(RELATED, tuple(sources(p) for p in selection.related), "related"))
    if selection.background:
        groups.append(Group(BACKGROUND, tuple(sources(p) for p in selection.background), "background"))
    return tuple(groups)


def figures_of(assistant: Assistant, terms: TopicTerms, doc_ids: list[str]) -> list[Figure]:
    """Indicator table rows whose indicator name names the topic (as words), in document order."""
    found = []
    in_order = [d.id for d in assistant.index.documents if d.id in doc_ids]
    for unit in (u for units in assistant.backend.units_of_each(in_order, (Kind.TABLE_ROW,)).values() for u in units):
        parsed = _ROW.match(unit.body)
        if parsed is None or not terms.matches(parsed.group("name"), heading=True):
            continue
        values = dict(part.split(" ", 1) for part in re.split(r"，(?=\S+ )", parsed.group("values")) if " " in part)
        actual = next((k for k in values if "实际" in k or "现状" in k or "基期" in k), "")
        target = next((k for k in values if "目标" in k), "")
        citation = Citation(0, unit, unit.body)
        found.append(Figure(parsed.group("name"), values.get(actual, ""), values.get(target, ""), citation, (actual, target)))
    return found


def contrast(documents: list[DocumentSpec], selections: dict[str, Selection], figures: list[Figure], terms: TopicTerms) -> tuple[str, ...]:
    """What differs between the documents on the topic, in sentences; empty for one document or nothing covered.

    Per document: whether it treats the topic in a clause of its own (which), only mentions it, or is
    silent; then what only one document has (indicator rows, 专栏 items).
    """
    if len(documents) < 2:
        return ()
    name = {d.id: f"《{d.short or d.title}》" for d in documents}
    lines = []
    silent = [d.id for d in documents if not selections[d.id].mentions]
    speaking = [d.id for d in documents if d.id not in silent]
    if not speaking:
        return ()
    if silent:
        others = "、".join(name[d] for d in silent) if len(silent) <= MAX_NAMED else f"其余{len(silent)}份文件"
        lines.append(f"只有{'、'.join(name[d] for d in speaking)}涉及该主题，{others}未涉及。")
    for doc_id in speaking:
        selection = selections[doc_id]
        own = list(dict.fromkeys(_home_heading(p.unit, terms) for p in selection.home))
        count = selection.mentions
        if own:
            lines.append(f"{name[doc_id]}设专门条款：{'；'.join(own)}（共{count}处相关内容）。")
        elif any(terms.matches(d.title, heading=True) for d in documents if d.id == doc_id):
            lines.append(f"{name[doc_id]}全文以此为主题（{count}处内容）。")
        else:
            lines.append(f"{name[doc_id]}没有专门条款，只在其他条款中提到（{count}处）。")
    with_rows = {f.citation.unit.doc_id for f in figures}
    if with_rows and len(speaking) > 1 and len(with_rows) < len(speaking):
        lines.append(f"只有{'、'.join(name[d] for d in speaking if d in with_rows)}设有相关量化指标。")
    boxes = {d: sum(1 for p in selections[d].home if p.unit.kind == Kind.BOX_ITEM) for d in speaking}
    if len(speaking) > 1 and sum(1 for n in boxes.values() if n) == 1:
        (doc_id,) = [d for d, n in boxes.items() if n]
        lines.append(f"只有{name[doc_id]}以专栏列出重点项目（{boxes[doc_id]}项）。")
    return tuple(lines)


def build_briefing(assistant: Assistant, topic: str, doc: str | None = None, date: datetime.date | None = None) -> Briefing:
    """Builds a briefing on a topic from the indexed documents.

    Args:
        assistant: a loaded Assistant (its index and tokenizer are used; search only for an uncovered topic).
        topic: the subject, e.g. "采煤沉陷区综合治理".
        doc: only this document id (None: every document, with a comparison).
        date: the date printed on the briefing (today when None).

    Returns:
        A Briefing: `status` "covered"; "passing" with `mentions` when the topic is only touched;
        "absent" (`covered` False, with `nearest_topics`) when the documents do not address it.

    Raises:
        AssistantError: the topic is empty. CorpusError: `doc` is not a document of the index.
    """
    topic = clean_topic(topic)
    documents = documents_of(assistant, [doc] if doc else None)
    doc_ids = [d.id for d in documents]
    scope = "、".join(f"《{d.title}》" for d in documents)
    day = (date or datetime.date.today()).isoformat()
    tokenizer = assistant.index.tokenizer
    terms = TopicTerms(topic, tokenizer)
    selector = Selector(terms, tokenizer)
    units = {d: list(found) for d, found in assistant.backend.units_of_each(doc_ids).items()}
    titled = {d.id for d in documents if terms.matches(d.title, heading=True)}
    selections = {d: selector.select(units[d], whole_document=d in titled) for d in doc_ids}
    figures = figures_of(assistant, terms, doc_ids)
    if not figures and passing(list(selections.values())):
        sources = Sources()
        mentions = tuple(sources(p) for d in doc_ids for p in (*selections[d].quoted, *selections[d].more))
        reason = f"文件没有专门论述“{topic}”的条款，仅零星提及"
        return Briefing(topic, scope, day, False, sources=tuple(sources.units.values()), reason=reason, status="passing", mentions=mentions)
    if not figures and not any(s.mentions for s in selections.values()):
        reader = TopicReader(assistant, topic, doc_ids)
        absent = reader.absent()
        reason = f"文件没有涉及“{'、'.join(absent)}”" if absent else "没有与该主题相符的条款"
        return Briefing(topic, scope, day, False, nearest=tuple(reader.nearest()), reason=reason, status="absent")

    sources = Sources()  # numbered in reading order: points, left-out places, figures
    sections = []
    for d in documents:
        groups = _groups(selections[d.id], terms, sources)
        if groups:
            sections.append(DocumentPoints(d.id, d.title, groups, short=d.short))
    sections = [replace(s, more=tuple(sources(p) for p in selections[s.doc_id].more)) for s in sections]
    figures = [replace(figure, citation=sources(figure.citation)) for figure in figures]
    lines = contrast(documents, selections, figures, terms)
    return Briefing(topic, scope, day, True, tuple(sections), tuple(figures), lines, tuple(sources.units.values()))
