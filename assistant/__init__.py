"""A conversational retrieval assistant over Chinese policy plans, citing the clause behind every statement.

The stages, each a subpackage that imports only the ones before it:
corpus (files → units) → indexing (units → index/) → search (query → ranked hits) →
answer (hits → Reply) → briefing (topic → Briefing) → evaluation (gold set → Report) → ui (the app).

The public names below are imported on first use, so `import assistant` (and the CLI's `--help`)
loads no model, index or web framework.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# public name -> the module that defines it
_PUBLIC = {
    "Settings": "config",
    "AssistantError": "errors",
    "CorpusError": "errors",
    "GoldFileError": "errors",
    "IndexDamaged": "errors",
    "IndexNotBuilt": "errors",
    "IndexStale": "errors",
    "IndexUnwritable": "errors",
    "SettingsError": "errors",
    "ThresholdsError": "errors",
    "Citation": "records",
    "DocumentSpec": "records",
    "Hit": "records",
    "Kind": "records",
    "ParsedDocument": "records",
    "Reply": "records",
    "Section": "records",
    "Unit": "records",
    "load_corpus": "corpus.manifest",
    "load_corpus_report": "corpus.manifest",
    "load_manifest": "corpus.manifest",
    "read_document": "corpus.readers",
    "parse_document": "corpus.structure",
    "Index": "indexing.store",
    "load_index": "indexing.store",
    "build_index": "indexing.build",
    "Retriever": "search.retriever",
    "SteeredRetriever": "search.steering",
    "Assistant": "answer.assistant",
    "Briefing": "briefing.briefing",
    "build_briefing": "briefing.briefing",
    "Comparison": "briefing.comparison",
    "compare": "briefing.comparison",
    "briefing_files": "briefing.export",
    "to_docx": "briefing.export",
    "to_markdown": "briefing.export",
    "GoldItem": "evaluation.gold",
    "load_gold": "evaluation.gold",
    "Report": "evaluation.results",
    "run_evaluation": "evaluation.runner",
    "check_thresholds": "evaluation.gate",
    "load_thresholds": "evaluation.gate",
}

__all__ = [
    "Assistant",
    "AssistantError",
    "Briefing",
    "Citation",
    "Comparison",
    "CorpusError",
    "DocumentSpec",
    "GoldFileError",
    "GoldItem",
    "Hit",
    "Index",
    "IndexDamaged",
    "IndexNotBuilt",
    "IndexStale",
    "IndexUnwritable",
    "Kind",
    "ParsedDocument",
    "Reply",
    "Report",
    "Retriever",
    "Section",
    "Settings",
    "SettingsError",
    "SteeredRetriever",
    "ThresholdsError",
    "Unit",
    "briefing_files",
    "build_briefing",
    "build_index",
    "check_thresholds",
    "compare",
    "load_corpus",
    "load_corpus_report",
    "load_gold",
    "load_index",
    "load_manifest",
    "load_thresholds",
    "parse_document",
    "read_document",
    "run_evaluation",
    "to_docx",
    "to_markdown",
]


def __getattr__(name: str) -> object:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .answer.assistant import Assistant
    from .briefing.briefing import Briefing, build_briefing
    from .briefing.comparison import Comparison, compare
    from .briefing.export import briefing_files, to_docx, to_markdown
    from .config import Settings
    from .corpus.manifest import load_corpus, load_corpus_report, load_manifest
    from .corpus.readers import read_document
    from .corpus.structure import parse_document
    from .errors import (
        AssistantError,
        CorpusError,
        GoldFileError,
        IndexDamaged,
        IndexNotBuilt,
        IndexStale,
        IndexUnwritable,
        SettingsError,
        ThresholdsError,
    )
    from .evaluation.gate import check_thresholds, load_thresholds
    from .evaluation.gold import GoldItem, load_gold
    from .evaluation.results import Report
    from .evaluation.runner import run_evaluation
    from .indexing.build import build_index
    from .indexing.store import Index, load_index
    from .records import Citation, DocumentSpec, Hit, Kind, ParsedDocument, Reply, Section, Unit
    from .search.retriever import Retriever
    from .search.steering import SteeredRetriever
