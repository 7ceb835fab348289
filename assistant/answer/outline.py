"""Outline: the points of a whole document, for "这份通知主要从哪几个方面…" when no section is asked.

A document with chapters or parts has its top-level headings as its points. A notice written as
plain paragraphs has none; its points are the paragraphs that open alike ("在降低成本方面，…",
"一是…", "（一）…"), the parallel openers Chinese notices use in place of headings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from ..indexing.tokenizer import is_noun
from ..records import Kind
from .composition import Writer, first_sentences
from .intents import GENERIC_HEADS, Composed, done

if TYPE_CHECKING:
    from .analysis import Question
    from .evidence import Scorer

MIN_POINTS = 2
MAX_POINTS = 12
# Openers of parallel paragraphs, in the order tried: the first that opens two or more paragraphs wins.
PARALLEL = (
    re.compile(r"^在[^，。；]{2,16}?方面[，,]"),
    re.compile(r"^[一二三四五六七八九十]+是"),
    re.compile(r"^（[一二三四五六七八九十]+）"),
    re.compile(r"^第[一二三四五六七八九十]+[，,、]"),
    re.compile(r"^[一二三四五六七八九十]+、"),
)
_ASKING = re.compile(r"哪|什么|怎么|如何|多少|几|包括|包含|涵盖")


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
        if len(w) >= 2 and is_noun(w) and not _held(squeeze(w), title) and GENERIC_HEADS.sub("", w) and not _ASKING.search(w)
        and w not in question.places
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


def _held(word: str, title: str) -> bool:
    """A word of the title, or every character pair of it ("纾困" in "…纾困发展的通知")."""
    return word in title or all(word[i : i + 2] in title for i in range(len(word) - 1))
