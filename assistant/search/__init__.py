"""Search: a query becomes ranked hits — plain BM25, dense or hybrid retrieval, with steering on top."""

from .fusion import Fusion
from .retriever import MODES, Mode, Retriever
from .steering import SteeredRetriever

__all__ = ["MODES", "Fusion", "Mode", "Retriever", "SteeredRetriever"]
