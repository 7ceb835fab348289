"""Indexing: units become the index folder (BM25 over jieba tokens, FAISS vectors, the embedder, a manifest)."""

from .build import BuildReport, build_index, ensure_index
from .store import Index, load_index

__all__ = ["BuildReport", "Index", "build_index", "ensure_index", "load_index"]
