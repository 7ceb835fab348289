"""Briefing: a topic becomes a cited handout — key points per document, figures, a comparison, sources."""

from .briefing import Briefing, DocumentPoints, Group, build_briefing
from .comparison import Comparison, Stance, compare, comparison_text, comparison_topic
from .export import briefing_files, to_docx, to_markdown
from .relevance import Figure, topic_of

__all__ = [
    "Briefing",
    "Comparison",
    "DocumentPoints",
    "Figure",
    "Group",
    "Stance",
    "briefing_files",
    "build_briefing",
    "compare",
    "comparison_text",
    "comparison_topic",
    "to_docx",
    "to_markdown",
    "topic_of",
]
