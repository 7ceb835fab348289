"""Baseline: the usual LangChain recipe, kept to measure the assistant against.

`RecursiveCharacterTextSplitter` (chunk 250, overlap 50, Chinese separators) over each file's raw
text, and BM25 over plain jieba tokens. Chunks are returned as pseudo-units so the evaluation
treats both alike.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..corpus.manifest import load_manifest
from ..corpus.readers import read_document
from ..records import Hit, Kind, Unit

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]


class BaselineRetriever:
    """Fixed-size chunks + BM25 over jieba tokens, as in most LangChain examples."""

    def __init__(self, chunks: list[Unit]) -> None:
        import bm25s
        import jieba

        self.chunks = chunks
        self._cut = jieba.lcut
        self._bm25 = bm25s.BM25()
        self._bm25.index([self._tokens(c.text) or [""] for c in chunks], show_progress=False)

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self._cut(text) if t.strip()]

    @classmethod
    def from_corpus(cls, corpus_dir: Path, chunk_size: int = 250, overlap: int = 50) -> BaselineRetriever:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=overlap, separators=SEPARATORS, keep_separator="end")
        chunks: list[Unit] = []
        for spec in load_manifest(Path(corpus_dir)):
            for number, text in enumerate(splitter.split_text(read_document(Path(corpus_dir) / spec.file)), start=1):
                chunks.append(Unit(f"baseline/{spec.id}/{number}", spec.id, spec.title, Kind.CHUNK, f"第{number}块", (), text, 0, 0))
        return cls(chunks)

    def search_batch(self, queries: list[str], k: int = 5) -> list[list[Hit]]:
        results = []
        for query in queries:
            ids = self._bm25.get_tokens_ids(self._tokens(query))
            if not ids:
                results.append([])
                continue
            scores = np.asarray(self._bm25.get_scores_from_ids(ids))
            order = np.lexsort((np.arange(len(scores)), -scores))[:k]
            results.append([Hit(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0])
        return results
