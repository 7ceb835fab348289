"""Summaries: a section's own points, the article a question points at, and a named document's outline.

The section is the one a pointer names (第三章, 第四部分), else the heading whose title covers the
question best, else the clause the best hit opens. A document asked for nothing but its outline has
its top-level headings as its points, or, for a notice written as plain paragraphs, the paragraphs
that open alike ("在降低成本方面，…", "一是…", "（一）…"), the parallel openers Chinese notices use in
place of headings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..corpus.headings import heading_title
from ..corpus.repair import squeeze
from ..indexing.tokenizer import is_noun
from ..records import Kind
from .composition import Composed, Writer, done, first_sentences, keyed_to
from .question import Candidate, sentences

if TYPE_CHECKING:
    from ..indexing.store import Index
    from .analysis import Question
    from .evidence import Scorer

MAX_POINTS = 12  # a summary lists at most this many points of its section
SECTION_BAR = 0.3  # share of the question's focus weight a heading title must cover to be the section summarised
RANK_STEP = 0.01  # between headings whose titles cover the question alike, the one above the better hit wins
UNRANKED = 25  # the rank given to a heading none of whose units was retrieved

_ASKING_WORDS = re.compile(r"哪些|哪几|哪个|什么|怎么|怎样|如何|多少|几个")  # what asks, not what the section is about
# A summary's 包括 asks too ("实施目标主要包括哪几个方面"); a list's names its members ("X包括哪些" → "X包括A、B").
_SUMMARY_ASKING = re.compile(_ASKING_WORDS.pattern + r"|(?:主要)?(?:包括|包含|涵盖)|哪")
GENERIC_HEADS = re.compile(r"措施|举措|任务|工作|内容|方面|情况|问题|要求|有关|相关|主要|重点|具体")


def summarise(question: Question, candidates: list[Candidate], index: Index, scorer: Scorer) -> Composed | None:
    """A section's own points: its sub-headings, or the lead sentences of its paragraphs and clauses."""
    section = _section(question, candidates, index, scorer)
    if section is None:
        return None
    doc_id, path = section
    children = [u for u in scorer.by_document.get(doc_id, ()) if u.path == path]
    headings = [u for u in children if u.kind == Kind.HEADING and not u.label.endswith("表头")]
    points = headings if len(headings) >= 2 else keyed_to([u for u in children if u.kind != Kind.HEADING], list(question.places))
    points = points[:MAX_POINTS]
    if not points:
        return None
    quoted = squeeze("".join(u.text if u.kind == Kind.HEADING else first_sentences(u) for u in points))
    title = squeeze(points[0].doc_title)
    places = [p for p in question.places if p not in title]  # "江苏规划有哪些…" names the document, not a place of it
    if question.intent == "list" and places and not any(p in quoted for p in places):
        return None  # "甲县重点发展哪些产业": a section none of whose points names the place is not its list
    writer = Writer()
    if len(points) == 1:  # a section of one paragraph: its sentences are its points
        for sentence in sentences(points[0].body)[:MAX_POINTS]:
            writer.quote(points[0], sentence)
        return done("", writer)
    for unit in points:
        writer.quote(unit, unit.text if unit.kind == Kind.HEADING else first_sentences(unit))
    title = heading_title(path[-1])
    return done(f"{title}共{len(points)}个方面", writer, f"“{title}”包括{len(points)}个方面：")


def _section(question: Question, candidates: list[Candidate], index: Index, scorer: Scorer) -> tuple[str, tuple[str, ...]] | None:
    """The section the question asks to summarise, as (document, heading path).

    Named by a pointer (第三章), else the heading above the hits whose title covers the question best:
    every heading path of the document is a section, whether its heading is a unit of its own
    (第三章 …) or the title of a clause whose paragraphs sit under it (（六）发展目标).
    """
    sections = scorer.sections
    paths = {p: sections[p] for p in sections if not question.docs or p[0] in question.docs} if question.pointers else {}
    # "第四章第二节": the section whose path holds every pointer in turn, the deepest first pointer on its own
    nested = [p for p in paths if len(question.pointers) > 1 and _holds_pointers(p[1], question.pointers)]
    if nested:
        return min(nested, key=lambda p: len(p[1]))
    for pointer in question.pointers:
        named = sorted((p for p in paths if squeeze(p[1][-1]).startswith(pointer)), key=lambda p: len(p[1]))
        # "第四部分" (or 第四章) of a document whose parts are headed "四、…"
        part = re.fullmatch(r"第([一二三四五六七八九十]+)(?:部分|章)", pointer)
        named = named or [p for p in paths if part and len(p[1]) == 1 and squeeze(p[1][0]).startswith(part.group(1) + "、")]
        if named:
            return named[0]
    # "保障措施" asks for the 保障 section: generic head nouns say what kind of answer, not which section
    # (unless nothing else is left: "重点任务共有几项" asks for the 重点任务 section)
    base = re.sub(r"[共几多少项个条类]", "", scorer.without_document_names(question.focus)) or question.focus or question.text
    asking = _SUMMARY_ASKING if question.intent == "summary" else _ASKING_WORDS
    stripped = GENERIC_HEADS.sub("", asking.sub("", base))
    rank: dict[tuple[str, tuple[str, ...]], int] = {}
    for position, candidate in enumerate(candidates[:20]):
        for depth in range(1, len(candidate.unit.path) + 1):
            rank.setdefault((candidate.unit.doc_id, candidate.unit.path[:depth]), position)
    topics = [stripped] if scorer.tokenizer.content_words(stripped) else [base]
    if question.docs:
        # within the document the question names: its generic heads may be a section's title ("主要任务"), and
        # the words of its own title describe the document, not one of its sections ("江岭省深化…改革的主要任务")
        titles = squeeze("".join(d.title for d in index.documents if d.id in question.docs))
        untitled = "".join(w for w in scorer.tokenizer.words(asking.sub("", base)) if not _in_title(squeeze(w), titles))
        topics += [t for t in dict.fromkeys([asking.sub("", base), untitled]) if t and t not in topics]
    best = None
    for topic in topics:  # the topic without generic heads first, then with them ("主要任务有哪些" → 主要任务)
        best = _titled(question, topic, scorer, sections, rank)
        if best is not None:
            break
    if question.intent == "summary":
        own = _own_section(candidates, scorer)
        # a title that only covers the section above the best hit's own ("发展背景" over "（一）发展基础")
        if best is None or (own and own[0] == best[0] and own[1][: len(best[1])] == best[1]):
            best = own or best
    return best


def _in_title(word: str, title: str, step: int = 2) -> bool:
    """Whether a title holds the word, or every character pair of it (深化改革 in "深化…建设改革"): the pairs
    side by side (step 2), or, stricter, every overlapping pair (step 1: "纾困" in "…纾困发展的通知")."""
    return word in title or (len(word) >= 2 and all(word[i : i + 2] in title for i in range(0, len(word) - 1, step)))


def _titled(question: Question, topic: str, scorer: Scorer, sections: dict, rank: dict) -> tuple[str, tuple[str, ...]] | None:
    """The section whose title covers the topic best (at least SECTION_BAR), nearer the best hits among equals."""
    weights = scorer.weights(topic)
    # only sections whose titles share a word or bigram with the topic can cover it
    near = {key for token in weights for key in scorer.sections_with.get(token, ()) if not question.docs or key[0] in question.docs}
    best, best_score = None, SECTION_BAR
    for key in sorted(near):
        tokens = sections[key]
        if not tokens or key[1][-1].endswith("表头"):
            continue
        score = scorer.coverage(weights, tokens) - RANK_STEP * rank.get(key, UNRANKED)
        if score > best_score:
            best, best_score = key, score
    return best


def pointed_article(question: Question, candidates: list[Candidate], scorer: Scorer) -> Composed | None:
    """"第八条规定了什么？": the whole article the question points at, every sentence of it quoted (its list items too)."""
    pointer = next((p for p in question.pointers if re.fullmatch(r"第[一二三四五六七八九十百\d]+条", p)), None)
    if pointer is None or question.wants_number:
        return None
    docs = question.docs or tuple(dict.fromkeys(c.unit.doc_id for c in candidates[:1]))
    named = re.compile(rf"{pointer}(?![一二三四五六七八九十百\d])")
    unit = next((u for d in docs for u in scorer.by_document.get(d, ()) if named.match(squeeze(u.label))), None)
    if unit is None:
        return None
    writer = Writer()
    for sentence in sentences(unit.body)[:MAX_POINTS]:
        writer.quote(unit, sentence)
    return done("", writer)


def _holds_pointers(path: tuple[str, ...], pointers: tuple[str, ...]) -> bool:
    """True when the path's headings start with the pointers in order, the last heading with the last pointer."""
    at = 0
    for heading in path:
        if at < len(pointers) and squeeze(heading).startswith(pointers[at]):
            at += 1
    return at == len(pointers) and squeeze(path[-1]).startswith(pointers[-1])


def _own_section(candidates: list[Candidate], scorer: Scorer) -> tuple[str, tuple[str, ...]] | None:
    """The section the best hit opens: a clause with paragraphs under it ("（一）发展基础。…" above its points).

    A summary question worded unlike any title ("取得了哪些方面的成绩") finds the clause that
    introduces its points; the points are the paragraphs under that clause.
    """
    best = candidates[0].unit
    children = [u for u in scorer.by_document.get(best.doc_id, ()) if u.parent == best.id and u.id != best.id]
    if len(children) >= 2 and (best.doc_id, children[0].path) in scorer.sections:
        return best.doc_id, children[0].path
    return None


# -- a named document's outline ------------------------------------------------------------------

MIN_POINTS = 2
# Openers of parallel paragraphs, in the order tried: the first that opens two or more paragraphs wins.
PARALLEL = (
    re.compile(r"^在[^，。；]{2,16}?方面[，,]"),
    re.compile(r"^[一二三四五六七八九十]+是"),
    re.compile(r"^（[一二三四五六七八九十]+）"),
    re.compile(r"^第[一二三四五六七八九十]+[，,、]"),
    re.compile(r"^[一二三四五六七八九十]+、"),
)
_OUTLINE_ASKING = re.compile(r"哪|什么|怎么|如何|多少|几|包括|包含|涵盖")  # a word with any of these asks; it names no topic


def outline(question: Question, scorer: Scorer) -> Composed | None:
    """The points of the one document the question names, when the question asks of it nothing but its outline.

    None when the question names a topic of its own (a noun its document's title does not hold), or
    the document has neither top-level headings nor parallel paragraphs.
    """
    if len(question.docs) != 1:
        return None
    units = scorer.by_document.get(question.docs[0], ())
    if not units:
        return None
    title = squeeze(units[0].doc_title)
    words = scorer.tokenizer.content_words(scorer.without_document_names(question.focus))
    topical = [
        w for w in words
        if len(w) >= 2 and is_noun(w) and GENERIC_HEADS.sub("", w) and not _OUTLINE_ASKING.search(w)
        and not _in_title(squeeze(w), title, step=1) and w not in question.places
    ]  # fmt: skip
    if topical:
        return None
    points = [u for u in units if u.kind == Kind.HEADING and not u.path and squeeze(u.text) != title]
    if len(points) < MIN_POINTS:
        paragraphs = [u for u in units if u.kind != Kind.HEADING]
        points = next((found for p in PARALLEL if len(found := [u for u in paragraphs if p.match(u.body.strip())]) >= MIN_POINTS), [])
    if len(points) < MIN_POINTS:
        return None
    writer = Writer()
    for unit in points[:MAX_POINTS]:
        writer.quote(unit, unit.text if unit.kind == Kind.HEADING else first_sentences(unit))
    count = len(points[:MAX_POINTS])
    return done(f"共{count}个方面", writer, f"《{units[0].doc_title}》主要包括{count}个方面：")
