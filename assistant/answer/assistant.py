"""Answer: the public `Assistant` — resolve, search, then compose a cited extractive answer or refuse.

Every statement in an answer is a sentence quoted verbatim from a unit and ends with the marker
of that unit; a question the documents do not answer gets `found=False` and the nearest units.
"""

from __future__ import annotations

import re

from ..config import Settings
from ..indexing.build import ensure_index
from ..indexing.store import Index, load_index
from ..records import Hit, Reply
from ..search.retriever import Retriever
from ..search.steering import SteeredRetriever
from .composition import compose
from .conversation import Resolution, Resolver
from .evidence import Scorer
from .question import Refusal, clean_question, shape_of, unmarked

SEARCH_K = 8
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


class Assistant:
    """Answers questions over an index. `ask` never raises for bad questions: it returns a Reply."""

    def __init__(self, index: Index, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.index = index
        self.retriever = SteeredRetriever(Retriever(index))
        self.scorer = Scorer(index)
        self.resolver = Resolver(index)
        self._llm = None

    @classmethod
    def load(cls, settings: Settings | None = None, build: bool = False) -> Assistant:
        """Loads the index (building it first when `build` and it is missing or stale).

        Raises:
            IndexNotBuilt, IndexStale, IndexDamaged: without `build`, when the index is not usable.
        """
        settings = settings or Settings.from_env()
        index = ensure_index(settings) if build else load_index(settings)
        return cls(index, settings)

    @property
    def llm(self):
        """The optional LLM writer, created on first use when an endpoint is configured."""
        if self._llm is None and self.settings.llm_enabled:
            from .llm import LLMWriter

            self._llm = LLMWriter(self.settings)
        return self._llm

    def resolve(self, question: str, history: list[str] | tuple[str, ...] | None = ()) -> Resolution:
        """What is searched for a question in its conversation (the app, the CLI and the evaluation use this)."""
        return self.resolver.resolve(question, history)

    def ask(self, question: str, history: list[str] | tuple[str, ...] | None = None, doc: str | None = None) -> Reply:
        """Answers a question, citing the unit behind every sentence.

        Args:
            question: the user's question (any text; bad input gets a helpful reply).
            history: earlier user questions of the conversation, oldest first.
            doc: only this document id (None: all documents).

        Returns:
            A Reply; `found` is False when the documents do not answer the question.

        Raises:
            CorpusError: `doc` is not a document of the index.
        """
        text = clean_question(question)
        if doc:
            self.index.doc_range(doc)  # unknown ids fail loudly: it is a caller's mistake
        if not _WORDLIKE.search(text):
            return Reply(
                question=text,
                query="",
                answer="请输入一个问题，例如：“江苏规划提出的采煤沉陷区治理目标是多少？”",
                found=False,
            )
        resolution = self.resolver.resolve(text, history)
        hits = self.retriever.search(resolution.query, k=SEARCH_K, doc=doc)
        shape = shape_of(resolution.focus or text, resolution.shown, self.retriever)
        candidates = self.scorer.candidates(resolution.query, hits, shape, resolution.focus)
        refusal = self.scorer.refusal(resolution.query, shape, candidates)
        if refusal is not None:
            return self._refuse(text, resolution.shown, hits, refusal)
        answer, citations = compose(candidates, shape, self.index, resolution.query, resolution.focus)
        reply = Reply(question=text, query=resolution.shown, answer=answer, found=True, citations=citations)
        if self.llm is not None:
            # the cited units first (a list answer may cite units outside the hits), then the other hits
            units = {u.id: u for u in [*(c.unit for c in citations), *(h.unit for h in hits)]}
            reply = self.llm.rewrite(reply, list(units.values()))
        return reply

    def _refuse(self, question: str, query: str, hits: list[Hit], refusal: Refusal) -> Reply:
        related = tuple(hits[:3])
        lines = [f"文件中没有找到能回答这个问题的内容（{unmarked(refusal.reason)}）。", f"检索内容：{unmarked(query)}"]
        if not _CJK.search(query):
            lines.append("文件是中文的，请用中文提问，例如：“采煤沉陷区治理的目标是多少？”")
        if related:
            lines.append("以下条款可能相关：" + "；".join(f"《{h.unit.doc_title}》{h.unit.label}" for h in related) + "。")
        return Reply(question=question, query=query, answer="\n".join(lines), found=False, related=related)
