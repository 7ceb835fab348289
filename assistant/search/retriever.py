"""Retriever: plain BM25, dense and hybrid search over the units of an index, with a document filter.

The pure search core: no question-intent rules live here (steering.py applies those on top), so
`mode="bm25"` is BM25 and nothing else.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

from ..config import Settings
from ..errors import AssistantError
from ..indexing.store import Index, load_index
from ..records import Hit
from .fusion import Fusion, score_fusion

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[Mode, ...] = get_args(Mode)
CANDIDATES = 50  # per side, before fusion (and before steering re-orders them)
Ranked = list[tuple[int, float]]  # (row position, score), best first


def _top(scores: np.ndarray, k: int, id_range: tuple[int, int] | None) -> Ranked:
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

    @classmethod
    def load(cls, settings: Settings) -> Retriever:
        return cls(load_index(settings))

    def search(self, query: str, k: int = 5, doc: str | None = None, mode: Mode = "hybrid") -> list[Hit]:
        return self.search_batch([query], k=k, doc=doc, mode=mode)[0]

    def search_batch(self, queries: list[str], k: int = 5, doc: str | None = None, mode: Mode = "hybrid") -> list[list[Hit]]:
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
        return [self.hits(ranked, k) for ranked in self.rank_batch(queries, max(k, CANDIDATES), doc, mode)]

    def rank_batch(self, queries: list[str], depth: int, doc: str | None = None, mode: Mode = "hybrid") -> list[Ranked]:
        """The candidate positions of each query with their scores, best first, at most `depth` per side.

        Raises:
            AssistantError: unknown mode; CorpusError: unknown document.
        """
        if mode not in MODES:
            raise AssistantError(f"Unknown search mode {mode!r}; use one of {', '.join(MODES)}.")
        id_range = self.index.doc_range(doc) if doc else None
        lexical = [self._lexical(q, depth, id_range) for q in queries] if mode != "dense" else []
        dense = self._dense(queries, depth, id_range) if mode != "bm25" else []
        if mode == "bm25":
            return lexical
        if mode == "dense":
            return dense
        return [score_fusion(lex, den, self.fusion) for lex, den in zip(lexical, dense, strict=True)]

    def hits(self, ranked: Ranked, k: int) -> list[Hit]:
        """The first k of a ranking as hits."""
        return [Hit(self.index.rows[p], s) for p, s in ranked[:k]]

    def _lexical(self, query: str, k: int, id_range: tuple[int, int] | None) -> Ranked:
        scores = self.index.lexical.scores(self.index.tokenizer.tokens(query))
        return _top(scores, k, id_range)

    def _dense(self, queries: list[str], k: int, id_range: tuple[int, int] | None) -> list[Ranked]:
        vectors = self.index.embedder.encode(list(queries))
        return self.index.dense.search(vectors, k, id_range)
