"""A conversational retrieval assistant over Chinese policy plans, citing the clause behind every statement."""

from .config import Settings
from .documents import load_corpus, load_corpus_report, load_manifest
from .errors import AssistantError, CorpusError, IndexDamaged, IndexNotBuilt, IndexStale
from .readers import read_document
from .records import DocumentSpec, ParsedDocument, Section, Unit
from .structure import parse_document

__all__ = [
    "AssistantError",
    "CorpusError",
    "DocumentSpec",
    "IndexDamaged",
    "IndexNotBuilt",
    "IndexStale",
    "ParsedDocument",
    "Section",
    "Settings",
    "Unit",
    "load_corpus",
    "load_corpus_report",
    "load_manifest",
    "parse_document",
    "read_document",
]
