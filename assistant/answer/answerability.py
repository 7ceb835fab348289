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

# Words of a question about a table or box that name its columns or frame the question, not its subject.
_STRUCTURE_WORDS = frozenset({"指标", "目标", "实际", "数值", "达到", "要求", "项目", "内容", "列出", "提出", "年底", "以上"})
_INTERROGATIVE = re.compile(r"几|哪|多少|什么|怎|吗|呢")  # "几年", "哪年": question words jieba keeps whole
PREMISE_DEPTH = 6  # the best candidates searched for the reversal a question presupposes
CONDITION_DEPTH = 3  # the best candidates searched for a figure the question states as a condition
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
        # the text of every table and box, by (document, its heading): what a question pointing at one can be answered from
        structures: dict[tuple[str, str], list[str]] = {}
        for unit in index.units:
            for heading in unit.path:
                if re.match(r"表\s*\d|专栏\s*\d", heading):
                    structures.setdefault((unit.doc_id, squeeze(heading)), []).append(unit.body)
        self.structures = {key: squeeze("".join(parts)) for key, parts in structures.items()}

    def refusal(self, question: Question, candidates: list[Candidate]) -> Refusal | None:
        """Why the best evidence does not answer the question, or None when it may."""
        absent = self.absent_words(question)
        if absent:
            return Refusal(f"文件没有涉及“{'、'.join(absent)}”")
        docs = question.docs or tuple(dict.fromkeys(c.unit.doc_id for c in candidates[:1]))
        for year in question.years:
            if not any(f"{year}年" in self.doc_texts.get(doc, "") for doc in docs):
                return Refusal(f"文件没有给出{year}年的相关内容", cite=True, detail=True)
        for period in question.periods:
            if not any(period in self.doc_texts.get(doc, "") for doc in docs):
                return Refusal(f"文件没有涉及“{period}”时期", cite=True)
        outside = self.outside_pointer(question)
        if outside:
            return Refusal(f"{outside[0]}中没有“{'、'.join(outside[1])}”", cite=True)
        unmatched = self.unmatched_numbers(question, candidates)
        if unmatched:
            return Refusal(f"文件没有给出与“{'、'.join(unmatched)}”相应的内容", cite=True, detail=True)
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
        words = [w for w in words if not re.fullmatch(r"[\d.]+", w) and not _INTERROGATIVE.search(w)]
        missing = [w for w in words if squeeze(w) not in self.scorer.corpus and len(w) >= 2]
        framing = set(question.places) | self.names
        topical = [w for w in words if w not in missing and w not in framing and len(w) >= 2]
        return missing if missing and not topical else []

    def outside_pointer(self, question: Question) -> tuple[str, list[str]] | None:
        """A table or box the question points at (表1, 专栏3) that has none of the question's subject words."""
        pointer = next((p for p in question.pointers if re.match(r"表|专栏", p)), "")
        if not pointer or question.intent != "number":
            return None  # a question over a table's rows filters it; one that asks one value names its row
        texts = [t for key, t in self.structures.items() if key[1].startswith(pointer) and (not question.docs or key[0] in question.docs)]
        if not texts:
            return None
        words = [w for w in self.scorer.tokenizer.content_words(question.focus) if len(w) >= 2 and w not in _STRUCTURE_WORDS]
        words = [w for w in words if w not in pointer and w not in _QUESTION_WORDS and not any(s in w for s in _STRUCTURE_WORDS)]
        return (pointer, words) if words and not any(w in text for text in texts for w in words) else None

    def unmatched_numbers(self, question: Question, candidates: list[Candidate]) -> list[str]:
        """Figures the question states as conditions ("70至79周岁") that the best evidence never mentions."""
        if question.intent not in CONDITIONED or not candidates:
            return []
        # any of the best few units may hold the condition (the best-scored is not always the one that meets it)
        where = squeeze("".join(c.unit.body + c.unit.label + "".join(c.unit.path) for c in candidates[:CONDITION_DEPTH]))
        conditions = _COMPARED.sub("", question.text)  # "超过1000" filters values; it names no thing
        stated = [n for n in question.numbers if len(re.sub(r"\D", "", n)) >= 2 and n in squeeze(conditions)]
        return [n for n in stated if re.sub(r"[^\d.]", "", n) not in where]
