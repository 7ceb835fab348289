"""Backend: where a retriever gets its candidates from — the folder index (`local`) or Milvus (`milvus`).

The retriever keeps tokenisation, fusion and steering in Python and asks a `SearchBackend` only for
candidates: the lexical top k of the product's own tokens and the dense top k of query vectors, both
with an optional document filter. Positions are the row positions of the loaded `Index`, so every
backend returns rankings the rest of the pipeline reads alike.

The units themselves come through it too: one by id (the viewer), every unit of one document,
optionally of some kinds (the composers, the briefing), and the corpus statistics the answer scorer
weighs words by. Walks of the whole corpus stay on the loaded units (docs/deployment.md lists them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..errors import SettingsError

if TYPE_CHECKING:
    from ..config import Settings
    from ..indexing.store import Index
    from ..records import Unit

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

    def unit(self, unit_id: str) -> Unit | None:
        """The unit with an id (searchable or not), or None."""
        ...

    def units_of(self, doc_id: str, kinds: Collection[str] | None = None) -> tuple[Unit, ...]:
        """Every unit of a document in document order (only those of `kinds` when given); () for an unknown id."""
        ...

    def units_of_each(self, doc_ids: list[str], kinds: Collection[str] | None = None) -> dict[str, tuple[Unit, ...]]:
        """`units_of` for several documents at once (a briefing over every plan reads them together)."""
        ...

    def statistics(self) -> dict[str, int] | None:
        """Per token, how many searchable units hold it (label and body); None for an index from before the counts."""
        ...


class DocumentUnits(Mapping[str, tuple["Unit", ...]]):
    """Each document's units as a mapping, read from a backend when a document is asked for (not all at once)."""

    def __init__(self, backend: SearchBackend, doc_ids: list[str]) -> None:
        self._backend = backend
        self._doc_ids = doc_ids
        self._known = frozenset(doc_ids)

    def __getitem__(self, doc_id: str) -> tuple[Unit, ...]:
        if doc_id not in self._known:
            raise KeyError(doc_id)
        return self._backend.units_of(doc_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)


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

    def unit(self, unit_id: str) -> Unit | None:
        return self._by_id.get(unit_id) if isinstance(unit_id, str) else None

    def units_of(self, doc_id: str, kinds: Collection[str] | None = None) -> tuple[Unit, ...]:
        units = self._by_document.get(doc_id, ())
        return units if kinds is None else tuple(u for u in units if u.kind in kinds)

    def units_of_each(self, doc_ids: list[str], kinds: Collection[str] | None = None) -> dict[str, tuple[Unit, ...]]:
        return {doc_id: self.units_of(doc_id, kinds) for doc_id in doc_ids}

    def statistics(self) -> dict[str, int] | None:
        return self.index.statistics

    @cached_property
    def _by_id(self) -> dict[str, Unit]:
        return {unit.id: unit for unit in self.index.units}

    @cached_property
    def _by_document(self) -> dict[str, tuple[Unit, ...]]:
        found: dict[str, list[Unit]] = {}
        for unit in self.index.units:
            found.setdefault(unit.doc_id, []).append(unit)
        return {doc_id: tuple(units) for doc_id, units in found.items()}


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
