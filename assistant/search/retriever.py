"""Retriever: plain BM25, dense and hybrid search over the units of an index, with a document filter.

The pure search core: no question-intent rules live here (steering.py applies those on top), so
`mode="bm25"` is BM25 and nothing else.
"""

from __future__ import annotations

from typing import Literal, get_args

from ..config import Settings
from ..errors import AssistantError
from ..indexing.store import Index, load_index
from ..records import Hit
from .backend import LocalBackend, Ranked, SearchBackend, open_backend
from .backend import top as _top  # noqa: F401  (tests and older callers import it from here)
from .fusion import Fusion, score_fusion

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[Mode, ...] = get_args(Mode)
CANDIDATES = 50  # per side, before fusion (and before steering re-orders them)


class Retriever:
    """Searches an index; `search` is `search_batch([q])[0]`.

    The backend (the folder index by default, or Milvus) only supplies candidates; tokenising the
    query, encoding it and fusing the two sides happen here, so every backend ranks alike.
    """

    def __init__(self, index: Index, fusion: Fusion | None = None, backend: SearchBackend | None = None) -> None:
        self.index = index
        self.fusion = fusion or Fusion()
        self.backend: SearchBackend = backend or LocalBackend(index)

    @classmethod
    def load(cls, settings: Settings) -> Retriever:
        """The index of the settings, searched through the backend they name (ASSISTANT_BACKEND)."""
        index = load_index(settings)
        return cls(index, backend=open_backend(settings, index))

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
        if doc:
            self.index.doc_range(doc)  # an unknown document is a CorpusError whatever the backend
        lexical = [self.backend.lexical(self.index.tokenizer.tokens(q), depth, doc) for q in queries] if mode != "dense" else []
        dense = self.backend.dense(self.index.embedder.encode(list(queries)), depth, doc) if mode != "bm25" else []
        if mode == "bm25":
            return lexical
        if mode == "dense":
            return dense
        return [score_fusion(lex, den, self.fusion) for lex, den in zip(lexical, dense, strict=True)]

    def hits(self, ranked: Ranked, k: int) -> list[Hit]:
        """The first k of a ranking as hits."""
        return [Hit(self.index.rows[p], s) for p, s in ranked[:k]]
