"""Corpus: document files become citable units (read, repaired, structured by their headings)."""

from .manifest import load_corpus, load_corpus_report, load_manifest, scan_corpus
from .readers import read_document
from .structure import parse_document

__all__ = ["load_corpus", "load_corpus_report", "load_manifest", "parse_document", "read_document", "scan_corpus"]
