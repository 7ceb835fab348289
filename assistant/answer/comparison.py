"""Comparisons: what each document says on one topic, one part per document, and a silent one said so.

The documents compared are the two the question names, every document (when few), those the search
finds (when many), or one per side a question names by place ("青川和岚山各有什么规定？": each
place's document that speaks to the topic best). A topic "在X和Y方面" is compared facet by facet.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from .composition import Composed, Writer
from .conversation import Resolution
from .question import Candidate, QuestionShape, answer_shape
from .summaries import GENERIC_HEADS

if TYPE_CHECKING:
    from ..indexing.store import Index
    from ..search.steering import SteeredRetriever
    from .evidence import Scorer

FACT = QuestionShape("fact")
COMPARE_BAR = 0.3  # a document's best sentence must score this to count as addressing a compared topic
MAX_FACET = 6  # characters of one facet of a compared topic ("人才", "金融支持")
TOPIC_SHARE = 0.34  # ... and hold this share of the topic's words (by weight; one word of a two-word "或" topic)
_COMPARE_FRAME = re.compile(
    r"这?两(?:份|个|部)(?:文件|规划|意见)?|两者|二者|双方|分别|各自|各有|都|对比|比较|异同|有何|不同|相同|怎么说|说了什么|有什么|哪些|"
    r"请问|它们|表述|提法|说法"
)
_COMPARE_VERBS = re.compile(r"提出|提到|规定|明确|要求|目标|成效|举措|做法|安排|部署|怎么|什么|如何|各自|分别|展开|期间")
_ABOUT = re.compile(r"在(.+?)(?:方面|领域|问题上|工作上|上(?=[，,、]))")
# Words that compare sides a question names ("青川和岚山各有什么规定", "…的标准有什么不同").
# (各 before a verb, "各奖励多少", compares; before a noun, "各地", "各级", it does not)
_COMPARING = re.compile(
    r"不同|不一样|一样吗|相同|区别|差别|差异|异同|相比|对比|比较|各自|分别|各(?![地级类项种部区县市乡镇省村个条位方家所界族国])"
)
_ISSUER = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:省|市|县|区|自治州|自治县)")  # the place a document's title opens with
PER_SIDE = 3  # sentences quoted for one document's part: its best on the topic and those nearly as good
NEAR_SIDE = 0.7  # ... scoring at least this share of its best
SIDE_BAR = 0.12  # ... or this, on a side a question names by place whose document was chosen for the topic
SIDE_DEPTH = 50  # hits searched for the document of each side a comparison names by place
MAX_SILENT = 3  # a comparison over this many documents or fewer says of each silent one that it is silent
STRONG_MATCH = 0.5  # a best sentence this good answers a comparison even when the topic's own words are not in it


def is_frame(word: str) -> bool:
    """A word that frames a comparison question rather than name its topic (提出, 目标, 成效, 分别…)."""
    return bool(GENERIC_HEADS.fullmatch(word) or _COMPARE_VERBS.fullmatch(word))


def without_frame(text: str) -> str:
    """A comparison question without the words that frame it as one."""
    return re.sub(r"\s+", " ", _COMPARE_FRAME.sub(" ", text)).strip() or text


def comparison_topic(text: str) -> str:
    """What a comparison question compares: the X of "在X方面", else the question without its comparison frame."""
    about = _ABOUT.search(text)
    if about:
        return about.group(1).strip()
    return re.sub(r"\s+", " ", _COMPARE_FRAME.sub(" ", text)).strip() or text


def topic_facets(text: str) -> list[str]:
    """The facets of "在X和Y方面" ("人才和就业" → 人才, 就业), each a short noun; [] when the question names none.

    Only a topic the question frames as 方面/领域 is split: elsewhere a 和 may be part of one thing's
    name ("中央和省级资金") or join the sides compared.
    """
    about = _ABOUT.search(text)
    if not about:
        return []
    facets = [f.strip() for f in re.split(r"和|与|及|以及|、", about.group(1)) if f.strip()]
    return facets if len(facets) >= 2 and all(2 <= len(f) <= MAX_FACET for f in facets) else []


def per_document(
    found: dict[str, list[Candidate]],
    titles: dict[str, str],
    topic: dict[str, float],
    silent: bool = True,
    each: bool = False,
    bar: float = COMPARE_BAR,
) -> Composed:
    """One part per document in index order, best sentences quoted; a silent document says so.

    A sentence speaks to the topic when it scores `bar` (COMPARE_BAR unless a side was chosen for the
    topic) and it or its headings contain at least TOPIC_SHARE of the topic's words (by weight): a
    sentence on 人口 says nothing on 人才.
    """
    writer, lines, silent, says_silent = Writer(), [], [], silent
    for doc_id, candidates in found.items():
        good = [c for c in candidates if c.score >= bar and speaks_of(c, topic)]
        if not good:
            if says_silent:
                lines.append(f"《{titles[doc_id]}》：未涉及该内容。")
            silent.append(titles[doc_id])
            continue
        picked = [good[0], *[c for c in good[1:PER_SIDE] if c.sentence != good[0].sentence and c.score >= NEAR_SIDE * good[0].score]]
        if each:  # one sentence per facet of the topic, each found for its facet
            picked = list({c.sentence: c for c in good}.values())
        start = len(writer.parts)
        for candidate in picked:
            writer.quote(candidate.unit, candidate.sentence)
        lines.append(f"《{titles[doc_id]}》：" + "".join(writer.parts[start:]))
    spoken = [t for t in titles.values() if t not in silent]
    if not says_silent:
        short = f"{len(spoken)}份文件涉及" if spoken else ""
    else:
        many = "两" if len(spoken) == 2 else str(len(spoken))
        short = f"{many}份文件都有涉及" if not silent else (f"仅《{spoken[0]}》涉及" if len(spoken) == 1 else "")
    return Composed(short, "\n".join(lines), tuple(writer.citations), found=bool(spoken))


def speaks_of(candidate: Candidate, topic: dict[str, float]) -> bool:
    where = squeeze(candidate.sentence + "".join(candidate.unit.path))
    total = sum(topic.values())
    return total <= 0 or sum(w for word, w in topic.items() if word in where) >= TOPIC_SHARE * total


class Comparer:
    """Comparisons over one index: the documents of each side, and each document's part on the topic."""

    def __init__(self, index: Index, retriever: SteeredRetriever, scorer: Scorer, k: int) -> None:
        self.index, self.retriever, self.scorer, self.k = index, retriever, scorer, k

    def parties(self, text: str, places: list[str]) -> list[list[str]]:
        """The documents of each side a question compares by place or name ("青川和岚山各有什么规定？").

        A side is a place that documents' titles name (the issuing city or county) or a document the
        question names; two or more sides and a comparing word make a comparison of their documents,
        each side answered from its document that speaks to the topic best. Empty otherwise.
        """
        if not _COMPARING.search(text) or len(self.index.documents) < 2:
            return []
        named = self.retriever.named_documents(text)
        sides = [[d] for d in named]
        # the places that issue the documents count even when the dictionaries do not know them (鹤溪市)
        issuers = [p for p in self.issuers if p in text]
        for place in dict.fromkeys([*places, *issuers]):
            own = [d.id for d in self.index.documents if place in d.title and d.id not in named]
            if own and not any(place in d.title for d in self.index.documents if d.id in named):
                sides.append(own)
        return sides if len(sides) >= 2 else []

    def compare(self, resolution: Resolution, parties: list[list[str]] | None = None) -> Composed:
        """A comparison: each document's part, searched in that document alone; a silent one says so (found False: none speaks).

        Sentences are scored for the question's shape: "各要建设多少个…" wants each document's figure.
        """
        asked_text = resolution.focus or resolution.shown
        # each part's figure when figures are asked ("各要建设多少个…"); else the topic alone decides
        shape = answer_shape(asked_text)
        shape = shape if shape.kind in ("numeric", "table") else FACT
        topic = comparison_topic(asked_text)
        # searched and scored with all that is asked of the topic ("在组织领导上…建立什么机构"), judged by the topic
        searched = without_frame(self.scorer.without_document_names(asked_text))
        named = self.retriever.named_documents(resolution.shown)
        documents = [d for d in self.index.documents if d.id in named] if len(named) >= 2 else list(self.index.documents)
        if parties:
            # the places and names say which sides, the rest is the topic (a document's alias may be its topic too)
            sideless = self.without_sides(asked_text)
            searched, topic = without_frame(sideless), comparison_topic(sideless)
            named = [self.best_of(searched, side) for side in parties]
            documents = [d for d in self.index.documents if d.id in named]
        # each document's sentences from the cross-document search first (it takes turns between
        # the documents), then, for a document with nothing on the topic there, from its own search
        hits = self.retriever.search(resolution.query, k=self.k)
        overall = self.scorer.candidates(searched, hits, shape)
        topic_words = self.index.tokenizer.content_words(topic if parties else self.scorer.without_document_names(topic))
        words = {w: self.scorer.idf(w) for w in dict.fromkeys(topic_words) if not is_frame(w)}
        if len(documents) > MAX_SILENT:
            # many documents, none named: compare those the search found, without a search per document
            present = {c.unit.doc_id for c in overall}
            documents = [d for d in documents if d.id in present]
        found = {}
        for d in documents:
            found[d.id] = [c for c in overall if c.unit.doc_id == d.id]
            # a document with nothing on the topic in the search across documents, or no figure on it for
            # "各要建设多少个…" (that search gives each document only a few places), is searched alone
            on_topic = [c for c in found[d.id] if speaks_of(c, words)]
            figureless = shape is not FACT and not any(shape.bonus(c.sentence) for c in on_topic)
            if len(documents) <= MAX_SILENT and (not on_topic or figureless):
                own = self.retriever.search(searched, k=self.k, doc=d.id)
                seen = {(c.unit.id, c.sentence) for c in found[d.id]}
                found[d.id] += [c for c in self.scorer.candidates(searched, own, shape) if (c.unit.id, c.sentence) not in seen]
                found[d.id].sort(key=lambda c: -c.score)
        # with many documents and none named, only those that speak to the topic are compared
        titles = {d.id: d.short or d.title for d in documents}
        facets = topic_facets(asked_text)
        if facets and len(documents) <= MAX_SILENT:
            # "人才和就业": each document on each facet, so a document that speaks of one of them is not silent
            for d in documents:
                found[d.id] = []
                for facet in facets:
                    facet_words = {w: self.scorer.idf(w) for w in self.index.tokenizer.content_words(facet) if not is_frame(w)}
                    own = self.scorer.candidates(facet, self.retriever.search(facet, k=self.k, doc=d.id), FACT)
                    found[d.id] += [c for c in own if speaks_of(c, facet_words)][:1]
            composed = per_document(found, titles, {}, silent=True, each=True)
            if composed.found:
                return composed
        composed = per_document(found, titles, words, silent=len(self.index.documents) <= MAX_SILENT or len(named) >= 2)
        if not composed.found and parties:
            # each side's document was chosen for the topic: a sentence on the topic's words is its part, however it is worded
            composed = per_document(found, titles, words, bar=SIDE_BAR)
        if not composed.found and (parties or (overall and overall[0].score >= STRONG_MATCH)):
            # the topic is worded unlike the text but the documents clearly speak to the question: answer per document
            composed = per_document(found, titles, {}, silent=len(self.index.documents) <= MAX_SILENT or len(named) >= 2)
        return composed

    @cached_property
    def issuers(self) -> list[str]:
        """The place each document's title opens with ("鹤溪市政府关于…" → 鹤溪), longest first."""
        found = {m.group(1) for d in self.index.documents for m in [_ISSUER.match(d.title)] if m}
        return sorted(found, key=len, reverse=True)

    def without_sides(self, text: str) -> str:
        """A comparison of places without the places' names ("甲市和乙县的养老补贴…" → "的养老补贴…")."""
        places = sorted({*self.index.tokenizer.places(text), *(p for p in self.issuers if p in text)}, key=len, reverse=True)
        named = "|".join(map(re.escape, places))
        return re.sub(f"(?:{named})(?:省|市|县|区)?(?:和|与|及|、|跟|同)?", "", text) if places else text

    def best_of(self, searched: str, documents: list[str]) -> str:
        """Of one side's documents, the one the search ranks highest for the topic (the first when none is found)."""
        if len(documents) == 1:
            return documents[0]
        hits = self.retriever.search(searched, k=SIDE_DEPTH)
        return next((h.unit.doc_id for h in hits if h.unit.doc_id in documents), documents[0])
