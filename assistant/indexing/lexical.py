"""Lexical: the BM25 index (bm25s) over the units' tokens."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# bm25s' file names in a saved index folder (BM25.save / BM25.load defaults)
PARAMS = "params.index.json"
VOCAB = "vocab.index.json"
ARRAYS = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")
# bm25s variants whose scores need an extra non-occurrence array: those are left to bm25s itself
NONOCCURRENCE_METHODS = frozenset({"bm25l", "bm25+"})


class LexicalIndex:
    """BM25 (bm25s) over unit texts; scores every unit so filters and fusion stay exact."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25  # a bm25s.BM25, or a SavedBM25 reading what one saved

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        # A document without tokens still needs a row; bm25s scores it with the empty token.
        bm25.index([tokens or [""] for tokens in token_lists], show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Opens a saved index: with numpy (memory-mapped) when bm25s saved the plain layout, else with bm25s."""
        saved = SavedBM25.open(folder)
        if saved is not None:
            return cls(saved)
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=False))

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every token of the index (jieba words, bigrams, characters): what a question's words can match."""
        return frozenset(self._bm25.vocab_dict)

    @property
    def size(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every unit for one tokenised query (zeros when no token is known).

        bm25s' per-token `np.add.at` is the fastest of the ways measured at 100k units (about 2 ms;
        an indexed add or one `np.bincount` over all postings were slower): bench/scale.py.
        """
        ids = self._bm25.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)


class SavedBM25:
    """A bm25s index folder read with numpy: the scores bm25s gives, without importing bm25s (and scipy).

    bm25s precomputes every (token, unit) score into a CSC matrix and a query adds up the columns
    of its tokens; this does the same additions in the same order (`np.add.at` per token, as
    `BM25._compute_relevance_from_scores`), so the scores are bit for bit bm25s' own
    (tests/indexing/test_store.py). Importing bm25s cost 0.1-0.2 s of every cold command.
    """

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, num_docs: int, dtype: str) -> None:
        self.vocab_dict = vocab
        self.data, self.indices, self.indptr = data, indices, indptr
        self.scores = {"num_docs": num_docs}  # where bm25s.BM25 keeps it
        self.dtype = np.dtype(dtype)

    @classmethod
    def open(cls, folder: Path) -> SavedBM25 | None:
        """The saved index in `folder`, or None when it is not the layout read here (bm25s then loads it)."""
        folder = Path(folder)
        try:
            params = json.loads((folder / PARAMS).read_text(encoding="utf-8"))
            vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
            data, indices, indptr = (np.load(folder / name, mmap_mode="r", allow_pickle=False) for name in ARRAYS)
        except (OSError, ValueError):
            return None
        if not isinstance(params, dict) or params.get("method") in NONOCCURRENCE_METHODS or not isinstance(params.get("num_docs"), int):
            return None
        if not isinstance(vocab, dict) or data.ndim != 1 or indices.shape != data.shape or indptr.ndim != 1:
            return None
        return cls(vocab, data, indices, indptr, params["num_docs"], params.get("dtype", "float32"))

    def get_tokens_ids(self, tokens: list[str]) -> list[int]:
        """The ids of the tokens the index knows, in order (as bm25s' method of that name)."""
        return [self.vocab_dict[token] for token in tokens if token in self.vocab_dict]

    def get_scores_from_ids(self, ids: list[int]) -> np.ndarray:
        """The BM25 score of every unit for these token ids (as bm25s' method of that name)."""
        ids_array = np.asarray(ids, dtype=self.indices.dtype)
        if int(ids_array.max(initial=0)) >= len(self.indptr) - 1:
            raise ValueError("a token id is beyond the index's vocabulary")
        scores = np.zeros(self.scores["num_docs"], dtype=self.dtype)
        for token in ids_array:
            start, end = self.indptr[token], self.indptr[token + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores
