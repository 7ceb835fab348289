"""Answerability: whether the best evidence answers the question asked — its words, years, period and premise.

Checked after scoring and before composing. A question whose own words the documents mostly never
use is off their subject; a year or a planning period the answering document never mentions cannot
be answered from it; a question that takes a reversal for granted ("为什么取消了…") when no
retrieved sentence says so rests on a false premise. Each rule is a property of questions and
documents in general, never a phrase of one plan.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from .analysis import Question
from .question import Candidate, Refusal

if TYPE_CHECKING:
    from ..indexing.store import Index
    from .evidence import Scorer

PREMISE_DEPTH = 6  # the best candidates searched for the reversal a question presupposes
# Intents whose stated figures are conditions the evidence must meet ("70至79周岁的…每月多少元").
CONDITIONED = frozenset({"number", "fact", "list", "time", "place", "reason", "method"})
_COMPARED = re.compile(r"(?:超过|大于|高于|多于|不少于|不低于|低于|少于|小于|不足|不到|达到|约|是)\s*\d+(?:\.\d+)?\s*%?")
# (question verbs too: "请概括…", "介绍一下…")
_QUESTION_WORDS = frozenset(
    {
        "多少", "哪些", "哪几", "哪个", "什么", "怎么", "怎样", "如何", "为什么", "为何", "是否",
        "有没有", "是不是", "吗", "呢", "请问", "一下", "分别", "主要", "概括", "介绍", "说明", "解释", "总结",
        "列举", "简述", "具体"
    }
)


class Checker:
    """The answerability rules over one index (what each document's text contains is made once)."""

    def __init__(self, index: Index, scorer: Scorer) -> None:
        self.scorer = scorer
        texts: dict[str, list[str]] = {}
        for unit in index.units:
            texts.setdefault(unit.doc_id, []).append(unit.text + unit.body)
        self.doc_texts = {d.id: squeeze(d.title + "".join(texts.get(d.id, []))) for d in index.documents}
        self.names = {name for d in index.documents for name in (*d.aliases, d.short, d.title)}

    def refusal(self, question: Question, candidates: list[Candidate]) -> Refusal | None:
        """Why the best evidence does not answer the question, or None when it may."""
        absent = self.absent_words(question)
        if absent:
            return Refusal(f"文件没有涉及“{'、'.join(absent)}”")
        docs = question.docs or tuple(dict.fromkeys(c.unit.doc_id for c in candidates[:1]))
        for year in question.years:
            if not any(f"{year}年" in self.doc_texts.get(doc, "") for doc in docs):
                return Refusal(f"文件没有给出{year}年的相关内容", cite=True)
        for period in question.periods:
            if not any(period in self.doc_texts.get(doc, "") for doc in docs):
                return Refusal(f"文件没有涉及“{period}”时期", cite=True)
        unmatched = self.unmatched_numbers(question, candidates)
        if unmatched:
            return Refusal(f"文件没有给出与“{'、'.join(unmatched)}”相应的内容", cite=True)
        if question.reversal and not any(question.reversal in squeeze(c.sentence) for c in candidates[:PREMISE_DEPTH]):
            return Refusal(f"文件没有提到“{question.reversal}”，问题的前提与文件不符", cite=True)
        return None

    def absent_words(self, question: Question) -> list[str]:
        """The question's words no document uses, when nothing it asks about is in the documents at all.

        A small corpus lacks most words of ordinary Chinese, so a missing word alone proves little (a
        paraphrase is worded unlike the text). A question is off the documents' subject when every
        content word they do use is only a place or a document's name ("明天徐州会下雨吗？"), and
        some of its words are missing.
        """
        words = [w for w in dict.fromkeys(self.scorer.tokenizer.content_words(question.focus)) if w not in _QUESTION_WORDS]
        words = [w for w in words if not re.fullmatch(r"[\d.]+", w)]
        missing = [w for w in words if squeeze(w) not in self.scorer.corpus]
        framing = set(question.places) | self.names
        topical = [w for w in words if w not in missing and w not in framing and len(w) >= 2]
        return missing if missing and not topical else []

    def unmatched_numbers(self, question: Question, candidates: list[Candidate]) -> list[str]:
        """Figures the question states as conditions ("70至79周岁") that the best evidence never mentions."""
        if question.intent not in CONDITIONED or not candidates:
            return []
        unit = candidates[0].unit
        where = squeeze(unit.body + unit.label + "".join(unit.path))
        conditions = _COMPARED.sub("", question.text)  # "超过1000" filters values; it names no thing
        stated = [n for n in question.numbers if len(re.sub(r"\D", "", n)) >= 2 and n in squeeze(conditions)]
        return [n for n in stated if re.sub(r"[^\d.]", "", n) not in where]
