"""Answer: the public `Assistant` — resolve, search, then compose a cited extractive answer or refuse.

Every statement in an answer is a sentence quoted verbatim from a unit and ends with the marker
of that unit; a question the documents do not answer gets `found=False` and the nearest units.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .composition import Candidate, QuestionShape, compose, shape_of
from .config import Settings
from .conversation import document_words, resolve
from .evidence import Scorer
from .index import Index, ensure_index, load_index
from .records import Hit, Reply
from .retrieval import Retriever
from .variants import folding_table

MAX_QUESTION = 500  # characters kept for search; longer input is cut, never rejected
MAX_INPUT = 20 * MAX_QUESTION  # characters looked at at all, so that a megabyte of input costs no more than this
MAX_HISTORY = 20  # earlier questions kept (resolution itself follows at most the last three)
SEARCH_K = 8
_TERMINAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")  # ANSI colour, title...
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not tab, line breaks or form feed: those are white space
# Invisible format characters (zero-width, bidi overrides such as U+202E, BOM) and lone surrogates,
# which undecodable bytes in a command line become and which no encoder or tokenizer accepts.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def visible_text(text: object) -> str:
    """Text as typed, minus terminal escapes, control and invisible characters; nothing else changes.

    This is what the chat shows of a question: a U+202E cannot flip the rest of the line, an
    escape sequence cannot colour a terminal.
    """
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    text = _TERMINAL.sub("", text[:MAX_INPUT])
    return _INVISIBLE.sub("", _CONTROL.sub("", text))


def clean_question(question: object) -> str:
    """Text of a question with control characters removed, white space folded and length capped."""
    text = unicodedata.normalize("NFC", visible_text(question))
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]


def unmarked(text: str) -> str:
    """Text with ASCII brackets made full-width, so that a "[1]" the user typed never reads as a citation marker."""
    return text.replace("[", "［").replace("]", "］")


@dataclass(frozen=True)
class Refusal:
    """Why a question was not answered, in words for the reply."""

    reason: str


class Assistant:
    """Answers questions over an index. `ask` never raises for bad questions: it returns a Reply."""

    def __init__(self, index: Index, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.index = index
        self.retriever = Retriever(index)
        self.scorer = Scorer(index)
        self._documents = document_words(index)
        # Traditional characters are folded to simplified before a question is read, but only those
        # the documents never use themselves (著 in 显著 stays as printed), so 老礦區…發展原則 is the
        # same question as 老矿区…发展原则 for the heading and phrase matching too, not only for BM25.
        self._folding = folding_table(frozenset("".join(unit.text + unit.label for unit in index.units)))
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

    def _read(self, text: str) -> str:
        return text.translate(self._folding)

    def _history(self, history: object) -> list[str]:
        """The earlier questions, cleaned, read and without blanks (only the last MAX_HISTORY)."""
        if not isinstance(history, (list, tuple)):
            history = [] if history is None else [history]
        cleaned = (self._read(clean_question(h)) for h in history[-MAX_HISTORY:])
        return [h for h in cleaned if h]

    def resolve(self, question: str, history: list[str] | tuple[str, ...] = ()) -> str:
        """The query searched for a question in a conversation (readable form)."""
        return resolve(self._read(clean_question(question)), self._history(history), self.index.tokenizer, self._documents).shown

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
        history = self._history(history)
        if doc:
            self.index.doc_range(doc)  # unknown ids fail loudly: it is a caller's mistake
        if not _WORDLIKE.search(text):
            return Reply(
                question=text,
                query="",
                answer="请输入一个问题，例如：“江苏规划提出的采煤沉陷区治理目标是多少？”",
                found=False,
            )
        resolution = resolve(self._read(text), history, self.index.tokenizer, self._documents)
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

    def ask_batch(self, items: list[dict], doc: str | None = None) -> list[Reply]:
        """`ask` for each {"question", "history"} item."""
        return [self.ask(item["question"], item.get("history", []), doc=doc) for item in items]


__all__ = ["Assistant", "Candidate", "QuestionShape", "Refusal", "clean_question", "visible_text"]
