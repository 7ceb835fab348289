"""A conversational retrieval assistant over Chinese policy plans, citing the clause behind every statement."""

from .answer import Assistant
from .briefing import Briefing, Comparison, briefing_files, build_briefing, compare, to_docx, to_markdown
from .config import Settings
from .documents import load_corpus, load_corpus_report, load_manifest
from .errors import AssistantError, CorpusError, GoldFileError, IndexDamaged, IndexNotBuilt, IndexStale, IndexUnwritable, ThresholdsError
from .evaluation import Report, check_thresholds, load_thresholds, run_evaluation
from .gold import GoldItem, load_gold
from .readers import read_document
from .records import Citation, DocumentSpec, Hit, ParsedDocument, Reply, Section, Unit
from .retrieval import Retriever
from .structure import parse_document

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
    "IndexDamaged",
    "IndexNotBuilt",
    "IndexStale",
    "IndexUnwritable",
    "ParsedDocument",
    "Reply",
    "Report",
    "Retriever",
    "Section",
    "Settings",
    "ThresholdsError",
    "Unit",
    "briefing_files",
    "build_briefing",
    "check_thresholds",
    "compare",
    "load_corpus",
    "load_corpus_report",
    "load_gold",
    "load_manifest",
    "load_thresholds",
    "parse_document",
    "read_document",
    "run_evaluation",
    "to_docx",
    "to_markdown",
]
