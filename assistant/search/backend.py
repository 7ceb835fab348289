"""Backend: where a retriever gets its candidates from — the folder index (`local`) or Milvus (`milvus`).

The retriever keeps tokenisation, fusion and steering in Python and asks a `SearchBackend` only for
candidates: the lexical top k of the product's own tokens and the dense top k of query vectors, both
with an optional document filter. Positions are the row positions of the loaded `Index`, so every
backend returns rankings the rest of the pipeline reads alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..errors import SettingsError

if TYPE_CHECKING:
    from ..config import Settings
    from ..indexing.store import Index

LOCAL = "local"
MILVUS = "milvus"
Ranked = list[tuple[int, float]]  # (row position, score), best first


class SearchBackend(Protocol):
    """Candidates for one index: lexical and dense top k, best first, ties broken by position."""

    name: str

    @property
    def size(self) -> int:
        """How many searchable rows the backend holds."""
        ...

    def lexical(self, tokens: list[str], k: int, doc: str | None = None) -> Ranked:
        """The k best positive BM25 scores of one tokenised query (only rows of `doc` when given)."""
        ...

    def dense(self, vectors: np.ndarray, k: int, doc: str | None = None) -> list[Ranked]:
        """The k best cosines per query vector; a zero vector gets no candidates."""
        ...


def top(scores: np.ndarray, k: int, id_range: tuple[int, int] | None) -> Ranked:
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


class LocalBackend:
    """The folder index: bm25s scores every row (so filters stay exact), FAISS searches the vectors."""

    name = LOCAL

    def __init__(self, index: Index) -> None:
        self.index = index

    @property
    def size(self) -> int:
        return len(self.index.rows)

    def lexical(self, tokens: list[str], k: int, doc: str | None = None) -> Ranked:
        id_range = self.index.doc_range(doc) if doc else None
        return top(self.index.lexical.scores(tokens), k, id_range)

    def dense(self, vectors: np.ndarray, k: int, doc: str | None = None) -> list[Ranked]:
        id_range = self.index.doc_range(doc) if doc else None
        return self.index.dense.search(vectors, k, id_range)


def open_backend(settings: Settings, index: Index) -> SearchBackend:
    """The backend the settings name, over a loaded index.

    Raises:
        SettingsError: unknown backend; IndexNotBuilt / IndexStale: Milvus does not hold this build.
    """
    if settings.backend in ("", LOCAL):
        return LocalBackend(index)
    if not settings.backend.startswith(f"{MILVUS}://"):
        raise SettingsError(f"Unknown search backend {settings.backend!r}; use 'local' or a milvus:// address.")
    from .milvus import MilvusBackend

    return MilvusBackend.open(settings.backend, index)
