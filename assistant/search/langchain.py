"""Retriever adapter: the assistant's search as a LangChain `BaseRetriever`, for composing chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ..records import Hit
from .retriever import Retriever


def hit_to_document(hit: Hit) -> Document:
    """A LangChain Document whose metadata carries everything needed to cite the unit."""
    unit = hit.unit
    return Document(
        page_content=unit.body,
        id=unit.id,
        metadata={
            "id": unit.id,
            "doc_id": unit.doc_id,
            "doc_title": unit.doc_title,
            "label": unit.label,
            "path": list(unit.path),
            "score": float(hit.score),
            "citation": f"《{unit.doc_title}》{unit.label}",
        },
    )


class PolicyRetriever(BaseRetriever):
    """`PolicyRetriever(retriever=Retriever.load(settings), k=5).invoke("采煤沉陷区治理目标")`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # a Retriever or a SteeredRetriever (Any keeps pydantic from inspecting it)
    k: int = 5
    doc: str | None = None
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        searcher: Retriever = self.retriever
        return [hit_to_document(hit) for hit in searcher.search(query, k=self.k, doc=self.doc, mode=self.mode)]
