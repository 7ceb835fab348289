"""Retrieval: BM25, dense and hybrid search over units, with a document filter and top-k."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .config import Settings
from .errors import AssistantError
from .index import Index, load_index
from .records import Hit
from .text import heading_title, squeeze

MODES = ("bm25", "dense", "hybrid")
CANDIDATES = 50  # per side, before fusion
MIN_HEADING = 4  # a heading title this long named in a question lifts the units under it
MAX_FAMILY = 8
# "两份文件分别怎么说", "对比", "异同": the question wants each document's part.
_CROSS = re.compile(r"两份|两个文件|两个规划|两部|两者|二者|双方|对比|比较|异同|分别怎么|各自怎么|都提到|共同点|不同点")


@dataclass(frozen=True)
class Fusion:
    """How hybrid search combines the two sides; chosen by measurement on the gold set (README).

    `method` "score": BM25 scaled to the query's best score plus `dense` x cosine (the default: the
    corpus-trained embedder is weak, so it breaks ties and rescues questions BM25 misses entirely);
    "rrf": weighted reciprocal-rank fusion with constant `k`.
    """

    method: str = "score"
    lexical: float = 1.0
    dense: float = 0.2
    k: int = 20
    doc_bonus: float = 0.3  # share of the best score given to units of a document the question names


def score_fusion(lexical: list[tuple[int, float]], dense: list[tuple[int, float]], weights: tuple[float, float]) -> list[tuple[int, float]]:
    """Normalised BM25 plus weighted cosine over the union of candidates; ties broken by position."""
    best = max((s for _, s in lexical), default=0.0)
    scores: dict[int, float] = {}
    for position, score in lexical:
        scores[position] = weights[0] * (score / best if best > 0 else 0.0)
    for position, cosine in dense:
        scores[position] = scores.get(position, 0.0) + weights[1] * max(cosine, 0.0)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def rrf(rankings: list[list[int]], weights: list[float], k: int) -> list[tuple[int, float]]:
    """Fuses ranked lists of positions; ties are broken by position so results are deterministic.

    Args:
        rankings: one ranked list of unit positions per source.
        weights: one weight per source.
        k: the RRF constant (smaller trusts the top ranks more).

    Returns:
        (position, fused score), best first.
    """
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, position in enumerate(ranking):
            scores[position] = scores.get(position, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def interleave_documents(ranked: list[tuple[int, float]], doc_of: Sequence[str] | Mapping[int, str], k: int) -> list[tuple[int, float]]:
    """Round-robin over documents (each in its own rank order) so every document gets its share."""
    queues: dict[str, list[tuple[int, float]]] = {}
    for position, score in ranked:
        queues.setdefault(doc_of[position], []).append((position, score))
    out: list[tuple[int, float]] = []
    while len(out) < k and any(queues.values()):
        for queue in queues.values():
            if queue and len(out) < k:
                out.append(queue.pop(0))
    return out


def _top(scores: np.ndarray, k: int, id_range: tuple[int, int] | None) -> list[tuple[int, float]]:
    """Positions of the k best positive scores, ties broken by position.

    Only scores at least the k-th largest can be in the top k: `np.partition` finds that value in
    linear time, so only the few candidates above it are sorted (the same result as sorting all).
    """
    offset = 0
    if id_range is not None:
        offset, scores = id_range[0], scores[id_range[0] : id_range[1]]
    if k <= 0 or len(scores) == 0:
        return []
    if len(scores) > k:
        threshold = max(float(np.partition(scores, len(scores) - k)[len(scores) - k]), 0.0)
        candidates = np.flatnonzero(scores >= threshold) if threshold > 0 else np.flatnonzero(scores > 0)
    else:
        candidates = np.flatnonzero(scores > 0)
    order = np.lexsort((candidates, -scores[candidates]))[:k]
    return [(int(candidates[i]) + offset, float(scores[candidates[i]])) for i in order]


class Retriever:
    """Searches an index; `search` is `search_batch([q])[0]`."""

    def __init__(self, index: Index, fusion: Fusion | None = None) -> None:
        self.index = index
        self.fusion = fusion or Fusion()
        # rows under each heading title ("发展原则" -> the five principles), for questions that name one
        self._families: dict[str, list[int]] = {}
        for position, unit in enumerate(index.rows):
            if unit.path:
                title = squeeze(heading_title(unit.path[-1]))
                if len(title) >= MIN_HEADING:
                    self._families.setdefault(title, []).append(position)

    @classmethod
    def load(cls, settings: Settings) -> Retriever:
        return cls(load_index(settings))

    def search(self, query: str, k: int = 5, doc: str | None = None, mode: str = "hybrid") -> list[Hit]:
        return self.search_batch([query], k=k, doc=doc, mode=mode)[0]

    def search_batch(self, queries: list[str], k: int = 5, doc: str | None = None, mode: str = "hybrid") -> list[list[Hit]]:
        """Ranked hits per query.

        Args:
            queries: questions or search strings.
            k: hits per query.
            doc: only this document id (None: all).
            mode: "bm25", "dense" or "hybrid".

        Returns:
            One list of at most k hits per query, best first (empty when nothing matches).

        Raises:
            AssistantError: unknown mode; CorpusError: unknown document.
        """
        if mode not in MODES:
            raise AssistantError(f"Unknown search mode {mode!r}; use one of {', '.join(MODES)}.")
        id_range = self.index.doc_range(doc) if doc else None
        depth = max(k, CANDIDATES)
        lexical = [self._lexical(q, depth, id_range) for q in queries] if mode != "dense" else None
        dense = self._dense(queries, depth, id_range) if mode != "bm25" else None
        results: list[list[Hit]] = []
        for i, query in enumerate(queries):
            if mode == "bm25":
                ranked = lexical[i]
            elif mode == "dense":
                ranked = dense[i]
            else:
                if self.fusion.method == "rrf":
                    ranked = rrf(
                        [[p for p, _ in lexical[i]], [p for p, _ in dense[i]]],
                        [self.fusion.lexical, self.fusion.dense],
                        self.fusion.k,
                    )
                else:
                    ranked = score_fusion(lexical[i], dense[i], (self.fusion.lexical, self.fusion.dense))
                if not lexical[i]:
                    # Nothing in the question matched a word of the corpus: a dense-only match is
                    # weak evidence; halve it so the answer stage can tell.
                    ranked = [(p, s * 0.5) for p, s in ranked]
            if doc is None:
                ranked = self._steer(query, ranked)
            results.append([Hit(self.index.rows[p], s) for p, s in ranked[:k]])
        return results

    def named_documents(self, query: str) -> list[str]:
        """Ids of the documents a question names by one of their aliases."""
        return [d["id"] for d in self.index.documents if any(alias in query for alias in d.get("aliases", ()))]

    def is_cross(self, query: str) -> bool:
        """True when the question asks what several documents say."""
        return len(self.index.documents) > 1 and (bool(_CROSS.search(query)) or len(self.named_documents(query)) > 1)

    def _steer(self, query: str, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
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
            step = ranked[0][1] * self.fusion.doc_bonus
            ranked = sorted(((p, s + step if doc_of[p] == named[0] else s) for p, s in ranked), key=lambda x: (-x[1], x[0]))
        return ranked

    def _lexical(self, query: str, k: int, id_range: tuple[int, int] | None) -> list[tuple[int, float]]:
        scores = self.index.lexical.scores(self.index.tokenizer.tokens(query))
        return _top(scores, k, id_range)

    def _dense(self, queries: list[str], k: int, id_range: tuple[int, int] | None) -> list[list[tuple[int, float]]]:
        vectors = self.index.embedder.encode(list(queries))
        return self.index.dense.search(vectors, k, id_range)

    def _lift_families(self, query: str, ranked: list[tuple[int, float]], named: list[str]) -> list[tuple[int, float]]:
        """Puts the units under a heading the question names ("发展原则有哪些") right after the best hit."""
        wanted = squeeze(query)
        lifted: list[int] = []
        for title, positions in self._families.items():
            if title in wanted and len(positions) <= MAX_FAMILY:
                if named and self.index.rows[positions[0]].doc_id not in named:
                    continue
                lifted.extend(positions)
        if not lifted or not ranked:
            return ranked
        top = ranked[0][1]
        scores = dict(ranked)
        for position in lifted:
            scores[position] = max(scores.get(position, 0.0), 0.0) + top
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def lexical_scores(self, query: str) -> np.ndarray:
        """Raw BM25 score of every row (for answer calibration)."""
        return self.index.lexical.scores(self.index.tokenizer.tokens(query))
