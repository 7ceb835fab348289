"""Answer: ranked hits become a Reply — the question read, its evidence scored, a cited answer or a refusal."""

from .assistant import Assistant
from .conversation import Resolution, Resolver
from .question import clean_question, visible_text

__all__ = ["Assistant", "Resolution", "Resolver", "clean_question", "visible_text"]
