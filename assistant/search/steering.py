"""Steering: question-intent rules applied on top of the pure retriever (the `hybrid+steering` configuration).

Three rules, each a general property of questions over several plans: a question that names one
document ("江苏…", "指导意见…") favours that document's units; a question that names a heading
("发展原则有哪些") gets the units under it right after the best hit; a question that asks what
several documents say ("两份文件…分别…") gets each document's units in turn. None applies when
the caller filters by document.
"""

from __future__ import annotations

import re
from functools import cached_property

from ..corpus.repair import squeeze
from ..records import Hit
from .retriever import CANDIDATES, Mode, Ranked, Retriever

# A heading title this long named in a question lifts the units under it: shorter titles
# ("目标", "任务") occur in questions that do not mean that heading.
MIN_HEADING = 4
# A heading with more units than this is a chapter, not a list the question asks for.
MAX_FAMILY = 8
MIN_NAME = 4  # a short name or title shorter than this is a word, not a document's name
MIN_ABBREVIATION = 5  # characters of a shortened title ("东原节水方案"): "改造方案" alone names no document
MAX_ABBREVIATION = 16
NAMED_CACHE = 256  # questions whose named documents are kept
_DOCUMENT_KIND = re.compile(r"方案|规划|意见|办法|通知|条例|规定|计划|细则|纲要|决定")
# Share of the best score given to units of the one document the question names.
DOC_BONUS = 0.3
# "两份文件分别怎么说", "对比", "异同": the question wants each document's part.
_CROSS = re.compile(r"两份|两个文件|两个规划|两部|两者|二者|双方|对比|比较|异同|分别怎么|各自怎么|都提到|共同点|不同点")


def interleave_documents(ranked: Ranked, doc_of: dict[int, str], k: int) -> Ranked:
    """Round-robin over documents (each in its own rank order) so every document gets its share."""
    queues: dict[str, Ranked] = {}
    for position, score in ranked:
        queues.setdefault(doc_of[position], []).append((position, score))
    out: Ranked = []
    while len(out) < k and any(queues.values()):
        for queue in queues.values():
            if queue and len(out) < k:
                out.append(queue.pop(0))
    return out


class SteeredRetriever:
    """The retriever with steering on top; what the assistant and the briefings search with."""

    def __init__(self, core: Retriever) -> None:
        self.core = core
        self.index = core.index
        self._named: dict[str, tuple[str, ...]] = {}  # named_documents per question: an answer asks it several times

    def search(self, query: str, k: int = 5, doc: str | None = None, mode: Mode = "hybrid") -> list[Hit]:
        return self.search_batch([query], k=k, doc=doc, mode=mode)[0]

    def search_batch(self, queries: list[str], k: int = 5, doc: str | None = None, mode: Mode = "hybrid") -> list[list[Hit]]:
        """`Retriever.search_batch`, each ranking steered by its question (unless `doc` filters it)."""
        rankings = self.core.rank_batch(queries, max(k, CANDIDATES), doc, mode)
        if doc is None:
            rankings = [self.steer(query, ranked) for query, ranked in zip(queries, rankings, strict=True)]
        return [self.core.hits(ranked, k) for ranked in rankings]

    def named_documents(self, query: str) -> list[str]:
        """Ids of the documents a question names by one of their aliases, its short name or its title.

        Else the one document whose title a shortening in the question abbreviates ("东原节水方案" for
        东原市节水型社会建设行动方案): maintainers' own plans come without aliases, and users shorten titles.
        """
        found = self._named.get(query)
        if found is None:
            wanted = _unquoted(query).replace("《", "").replace("》", "")
            found = tuple([d for d, names in self._names if any(name in wanted for name in names)] or self._abbreviated(wanted))
            if len(self._named) >= NAMED_CACHE:
                self._named.clear()
            self._named[query] = found
        return list(found)

    def _abbreviated(self, wanted: str) -> list[str]:
        """The document whose title holds, in order, every character of the longest run of the question that ends
        in a kind of document (方案, 办法…) and opens with two characters of that title; [] unless one document does."""
        best, found = 0, []
        for kind in _DOCUMENT_KIND.finditer(wanted):
            end = kind.end()
            for start in range(max(0, end - MAX_ABBREVIATION), end - MIN_ABBREVIATION + 1):
                span = wanted[start:end]
                docs = [d for d in self._title_pairs.get(span[:2], ()) if _in_order(span, self._titles[d])]
                if docs:
                    if len(span) > best:
                        best, found = len(span), docs
                    break  # the longest run ending here
        return found if len(found) == 1 else []

    @cached_property
    def _titles(self) -> dict[str, str]:
        return {d.id: _unquoted(d.title) for d in self.index.documents}

    @cached_property
    def _title_pairs(self) -> dict[str, tuple[str, ...]]:
        """Each character pair of the titles, with the documents whose titles hold it."""
        pairs: dict[str, list[str]] = {}
        for doc_id, title in self._titles.items():
            for pair in {title[i : i + 2] for i in range(len(title) - 1)}:
                pairs.setdefault(pair, []).append(doc_id)
        return {pair: tuple(ids) for pair, ids in pairs.items()}

    @cached_property
    def _names(self) -> list[tuple[str, tuple[str, ...]]]:
        """Per document, the names a question may call it by (white space and quotation marks removed)."""

        found = []
        for d in self.index.documents:
            title = _unquoted(d.title)
            undated = re.sub(r"[（(][^（）()]*\d{4}[^（）()]*[）)]$", "", title)  # "…行动计划（2024—2026年）"
            names = {_unquoted(a) for a in d.aliases} | {t for t in (_unquoted(d.short), title, undated) if len(t) >= MIN_NAME}
            found.append((d.id, tuple(sorted(n for n in names if n))))
        return found

    def is_cross(self, query: str) -> bool:
        """True when the question asks what several documents say."""
        return len(self.index.documents) > 1 and (bool(_CROSS.search(query)) or len(self.named_documents(query)) > 1)

    def steer(self, query: str, ranked: Ranked) -> Ranked:
        """Favours a document the question names and the units under a heading it names.

        Cross-document questions interleave the documents instead.
        """
        if self.is_cross(query):
            doc_of = {p: self.index.rows[p].doc_id for p, _ in ranked}  # only the candidates: rows can be 100k
            return interleave_documents(ranked, doc_of, len(ranked))
        named = self.named_documents(query)
        ranked = self._lift_families(query, ranked, named)
        doc_of = {p: self.index.rows[p].doc_id for p, _ in ranked}
        if len(named) == 1 and ranked:
            step = ranked[0][1] * DOC_BONUS
            ranked = sorted(((p, s + step if doc_of[p] == named[0] else s) for p, s in ranked), key=lambda x: (-x[1], x[0]))
        return ranked

    def _lift_families(self, query: str, ranked: Ranked, named: list[str]) -> Ranked:
        """Puts the units under a heading the question names ("发展原则有哪些") right after the best hit.

        Headings of the same title are one family (both plans may have a 保障措施 chapter); a
        family under another document than the one the question names is left alone.
        """
        by_title: dict[str, list[int]] = {}
        for family in self.index.families.named(query, MIN_HEADING):
            by_title.setdefault(family.title, []).extend(family.positions)
        lifted: list[int] = []
        for positions in by_title.values():
            if len(positions) > MAX_FAMILY or (named and self.index.rows[positions[0]].doc_id not in named):
                continue
            lifted.extend(positions)
        if not lifted or not ranked:
            return ranked
        top = ranked[0][1]
        scores = dict(ranked)
        for position in lifted:
            scores[position] = max(scores.get(position, 0.0), 0.0) + top
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _in_order(short: str, title: str) -> bool:
    """Whether every character of `short` occurs in `title`, in order."""
    at = 0
    for ch in short:
        at = title.find(ch, at) + 1
        if not at:
            return False
    return True


def _unquoted(text: str) -> str:
    """A name or question as names are matched: no white space, no quotation marks."""
    return squeeze(text).replace("“", "").replace("”", "")
