"""Comparison: what each document says on a topic, side by side, each point quoted and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Citation
from .relevance import Sources, TopicReader, cite, clean_topic, documents_of

if TYPE_CHECKING:
    from ..answer.assistant import Assistant

NOT_ADDRESSED = "未涉及该主题。"
_ABOUT = re.compile(r"在(.+?)(?:方面|领域|问题上|上)")
# the words that frame a comparison question rather than name its topic
_FRAME = re.compile(
    r"这?两(?:份|个|部)(?:文件|规划|意见)?|两者|二者|双方|分别|各自|都|对比|比较|异同|有何|有哪些|哪些|有什么|怎么说|如何|"
    r"是怎样|提到了?|说了|的?规定|的?表述|的?要求|关于|不同点|共同点|不同|相同|吗|呢|[？?。！!，,、]"
)


@dataclass(frozen=True)
class Stance:
    """What one document says on the topic (no points: it does not address it)."""

    doc_id: str
    title: str
    points: tuple[Citation, ...]


@dataclass(frozen=True)
class Comparison:
    """What each document says on a topic, side by side."""

    topic: str
    stances: tuple[Stance, ...]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(point for stance in self.stances for point in stance.points)


def stances(reader: TopicReader, documents: list[dict], sources: Sources) -> tuple[Stance, ...]:
    """Each document's best sentences on the reader's topic, numbered by `sources`."""
    return tuple(Stance(d.id, d.title, tuple(sources(cite(c)) for c in reader.compared(d.id))) for d in documents)


def compare(assistant: Assistant, topic: str, doc_ids: list[str] | None = None) -> Comparison:
    """What each document says on a topic: up to three quoted sentences each, with citations.

    Args:
        assistant: a loaded Assistant.
        topic: the subject, e.g. "人才支撑" (the X of "两份文件在X方面分别怎么说").
        doc_ids: the documents to compare (None: all, in the order of the index).

    Returns:
        One Stance per document, best sentence first; a document that does not address the topic
        has no points. Citations are numbered 1… across the comparison.

    Raises:
        AssistantError: the topic is empty. CorpusError: an unknown document id.
    """
    topic = clean_topic(topic)
    documents = documents_of(assistant, doc_ids)
    reader = TopicReader(assistant, topic, [d.id for d in documents])
    if reader.absent():
        return Comparison(topic, tuple(Stance(d.id, d.title, ()) for d in documents))
    return Comparison(topic, stances(reader, documents, Sources()))


def comparison_topic(question: str) -> str:
    """The topic of a comparison question: "两份文件在人才方面分别怎么说？" -> "人才".

    Args:
        question: a question that asks what several documents say.

    Returns:
        The X of "在X方面/上", else the question without its comparison words (the question itself
        when nothing else is left).
    """
    about = _ABOUT.search(question)
    if about:
        return about.group(1).strip()
    rest = re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip()
    return re.sub(r"^(?:对|就|的)\s*|\s*的$", "", rest) or question


def comparison_text(comparison: Comparison, titles: dict[str, str]) -> str:
    """A chat answer: one line per document, "《short》：quote[n]quote[n]" or "《short》：未涉及该主题。".

    Args:
        comparison: from compare (its citations are numbered 1…).
        titles: the name to show per document id (e.g. the short titles of documents.toml).

    Returns:
        The answer text; every quote ends with the marker of its citation.
    """
    lines = []
    for stance in comparison.stances:
        said = "".join(f"{point.quote}[{point.ref}]" for point in stance.points) or NOT_ADDRESSED
        lines.append(f"《{titles.get(stance.doc_id, stance.title)}》：{said}")
    return "\n".join(lines)
