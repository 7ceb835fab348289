"""Answerability: whether the best evidence answers the question asked — its words, years, period and premise.

Checked after scoring and before composing. A question whose own words the documents mostly never
use is off their subject; a year or a planning period the answering document never mentions cannot
be answered from it; a question that takes a reversal for granted ("为什么取消了…") when no
retrieved sentence says so rests on a false premise. Each rule is a property of questions and
documents in general, never a phrase of one plan.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from ..indexing.tokenizer import is_noun, place_names
from .analysis import Question
from .question import Candidate, Refusal

if TYPE_CHECKING:
    from ..indexing.store import Index
    from .evidence import Scorer

# Words of a question about a table or box that name its columns or frame the question, not its subject.
_STRUCTURE_WORDS = frozenset({"指标", "目标", "实际", "数值", "达到", "要求", "项目", "内容", "列出", "提出", "年底", "以上"})
_INTERROGATIVE = re.compile(r"几|哪|多少|什么|怎|吗|呢")  # "几年", "哪年": question words jieba keeps whole
MEMBERSHIP_DEPTH = 12  # the best sentences searched for one that lists a thing as the class a question says
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


# Asking words around which a question's asked head sits: "…的房价是多少", "需要提交哪些材料".
_ASKING = re.compile(r"多少|什么|哪些|哪几|哪个|哪类|哪种|几|怎么|怎样|如何|何时|多大|多长|多高|多久|多远")
# Words between the head and the asking word that carry no subject ("…目标是多少", "…需要提交哪些").
_LINKS = frozenset(
    {
        "是", "有", "为", "的", "要", "需要", "需", "应", "应当", "应该", "将", "会", "能", "可以", "可", "达到", "达",
        "占", "约", "共", "一共", "分别", "各", "给", "了", "都", "还", "又", "得", "到", "被", "把", "对", "按",
        "合计", "总共", "共计", "总计", "加起来", "相差", "之和", "之差", "之", "差", "和", "三项", "两项", "几项",
    }
)
# Heads that say what kind of answer is wanted, not what it is about: never asked of the evidence.
_GENERIC_HEADS = frozenset(
    {
        "目标", "内容", "情况", "方面", "要求", "时间", "时候", "地方", "地区", "东西", "事情", "问题", "意思", "方式",
        "方法", "办法", "措施", "举措", "做法", "作用", "意义", "特点", "标准", "水平", "程度", "数量", "数额", "金额",
        "规模", "比例", "比重", "面积", "人口", "人数", "户数", "总量", "数字", "数据", "指标", "项目", "工作", "任务",
        "重点", "领域", "政策", "原因", "阶段", "部分", "类型", "形式", "条件", "规定", "安排", "目的", "思路", "路径",
        "目标值", "指标值", "数值", "实际值", "值",
    }
)  # fmt: skip
# Kinds of answer a text names literally when it gives them: channels, contacts and papers of a procedure.
LITERAL_CATEGORIES = frozenset(
    {
        "网站", "网址", "网页", "平台", "电话", "热线", "邮箱", "地址", "窗口", "材料", "证明", "证件", "表格", "二维码",
        "公众号", "链接", "账号", "公司", "银行",
    }
)
_CATEGORY = re.compile(r"哪一?家|哪个|哪些|哪几个|哪几类|哪一类|哪类|哪种|哪一种|什么样的|什么|何种")  # "…哪个网站", "…什么材料"
# "把X列为Y", "X被确定为Y": a membership a question may take for granted
_MEMBERSHIP = re.compile(
    r"(?:把|将)([\u4e00-\u9fff]{2,10}?)(?:列为|列入|确定为|纳入|认定为|划为|定为)([\u4e00-\u9fff“”]{2,12}?)(?:的|[？?，,。]|$)"
    r"|([\u4e00-\u9fff]{2,10}?)被(?:列为|列入|确定为|纳入|认定为|划为|定为)([\u4e00-\u9fff“”]{2,12}?)(?:的|[？?，,。]|$)"
)
HEAD_DEPTH = 3  # the best candidates whose units must name the asked head
# "什么称号", "哪些载体" ask for an instance of the head, which the text names without the head word;
# "…的房价是多少" asks a figure of the head, which a sentence giving it names.
ASKED_HEADS = frozenset({"number", "sum", "difference"})


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

    def refusal(self, question: Question, candidates: list[Candidate], follow_up: bool = False) -> Refusal | None:
        """Why the best evidence does not answer the question, or None when it may.

        A follow-up's resolved question carries the earlier subject's words ("镇江的呢？" after
        "徐州的鼓楼老工业区…" reads "镇江的鼓楼老工业区…"), so its asked heads are not held against it.
        """
        absent = self.absent_words(question) or self.everyday_words(question)
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
        missing = [] if follow_up else self.missing_heads(question, candidates) or self.unnamed_category(question, candidates)
        if missing:
            return Refusal(f"文件没有给出关于“{'、'.join(missing)}”的内容", cite=True)
        if question.reversal and not any(question.reversal in squeeze(c.sentence) for c in candidates[:PREMISE_DEPTH]):
            return Refusal(f"文件没有提到“{question.reversal}”，问题的前提与文件不符", cite=True)
        member = self.unfounded_membership(question, candidates)
        if member:
            return Refusal(f"文件没有把“{member[0]}”列为“{member[1]}”，问题的前提与文件不符", cite=True)
        return None

    def unfounded_membership(self, question: Question, candidates: list[Candidate]) -> tuple[str, str] | None:
        """(thing, class) when a question takes for granted that a thing is listed as a class no evidence lists it as.

        "为什么把甲市列为示范城市？" presupposes the listing; when none of the best units names both
        甲市 and 示范城市 (in its text or headings), the premise is not the documents'. A yes/no
        question asks whether it holds, and is answered so.
        """
        claim = _MEMBERSHIP.search(question.text)
        if not claim or question.intent == "yesno":
            return None
        thing, kind = (re.sub(r"^(?:为什么|为何|因何)", "", squeeze(part).strip("“”\"")) for part in claim.groups() if part)
        if len(thing) < 2 or len(kind) < 2 or _INTERROGATIVE.search(thing + kind):
            return None  # "哪些城市被列为…", "被列为什么项目" ask the listing; they take none for granted
        # one sentence (with its headings) must name both: a unit listing several classes names many things
        held = [squeeze(c.sentence + "".join(c.unit.path)) for c in candidates[:MEMBERSHIP_DEPTH]]
        return None if any(_named(thing, text) and _named(kind, text) for text in held) else (thing, kind)

    def absent_words(self, question: Question) -> list[str]:
        """The question's words no document uses, when nothing it asks about is in the documents at all.

        A small corpus lacks most words of ordinary Chinese, so a missing word alone proves little (a
        paraphrase is worded unlike the text). A question is off the documents' subject when every
        content word they do use is only a place or a document's name ("明天徐州会下雨吗？"), and
        some of its words are missing.
        """
        words = [w for w in dict.fromkeys(self.scorer.tokenizer.content_words(question.focus)) if w not in _QUESTION_WORDS]
        words = [w for w in words if not re.fullmatch(r"[\d.]+", w) and not _INTERROGATIVE.search(w)]
        # a longer word most of whose character pairs the documents use is theirs in other words (建设项目 ~ 建设工程项目)
        missing = [w for w in words if len(w) >= 2 and not self._known(squeeze(w))]
        framing = set(question.places) | self.names
        topical = [w for w in words if w not in missing and w not in framing and len(w) >= 2]
        return missing if missing and not topical else []

    def everyday_words(self, question: Question) -> list[str]:
        """The everyday matters (data/everyday_words.txt: weather, share prices…) the question names and the documents never do."""
        text = squeeze(question.text)
        found = [w for w in _everyday() if w in text and w not in self.scorer.corpus]
        return [w for w in found if not any(w != other and w in other for other in found)]  # 天气预报, not 天气 too

    def _known(self, word: str) -> bool:
        """A word the documents use, or, for a longer word, most of whose character pairs they use (the bigrams of
        the index's statistics: no scan of the text)."""
        if word in self.scorer.corpus:
            return True
        pairs = [word[i : i + 2] for i in range(len(word) - 1)]
        return len(word) >= 3 and sum(1 for p in pairs if self.scorer.df.get(f"#{p}")) * 2 > len(pairs)

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

    def asked_heads(self, question: Question) -> list[str]:
        """The nouns that say what a figure is asked of: the noun phrase before the asking word.

        "徐州的房价调控目标是多少？" asks a figure of 房价调控 (目标 only frames it). Generic heads
        (目标, 面积, 比重) are left to the other rules; a verb or a pronoun ends the phrase.
        """
        words = _joined_characters(self.scorer.tokenizer.words(question.text))
        at = next((i for i, w in enumerate(words) if _ASKING.search(w)), None)
        if at is None:
            return []
        framing = set(question.places) | self.names

        def head(word: str) -> bool:
            return len(word) >= 2 and bool(re.fullmatch(r"[\u3400-\u9fff]+", word)) and word not in framing and not _ASKING.search(word)

        heads: list[str] = []
        for word in reversed(words[:at]):
            if word in _LINKS and not heads:
                continue  # "…的目标是多少": links and generic heads before the first head are skipped
            if not head(word) or not is_noun(word) or word in place_names():
                break
            if word not in _GENERIC_HEADS and word not in _QUESTION_WORDS:
                heads.insert(0, word)
                if len(heads) >= 2:
                    break
        return heads

    def missing_heads(self, question: Question, candidates: list[Candidate]) -> list[str]:
        """The asked heads that none of the best evidence's units, headings or documents name."""
        if question.intent not in ASKED_HEADS or not candidates:
            return []
        where = squeeze(
            "".join(c.unit.body + c.unit.label + "".join(c.unit.path) + c.unit.doc_title for c in candidates[:HEAD_DEPTH])
        )
        return [h for h in self.asked_heads(question) if not _named(h, where)]

    def unnamed_category(self, question: Question, candidates: list[Candidate]) -> list[str]:
        """The channel or paper a question asks for ("在哪个网站下载", "需要提交哪些材料") when its document never names it.

        The noun right after the asking word is what kind of thing the answer is. Most kinds are named
        by their instances without the word ("哪些载体" → 园区、基地; "什么称号" → 全国文明城市), so
        only LITERAL_CATEGORIES are held to it: a text that says where to apply, what to hand in or
        whom to call uses those very words (网站, 材料, 电话). A document that never does, does not say.
        """
        found = _CATEGORY.search(question.text)
        if not found or not candidates:
            return []
        words = self.scorer.tokenizer.words(question.text[found.end() :])
        category = words[0] if words else ""
        if category not in LITERAL_CATEGORIES:
            return []
        docs = question.docs or (candidates[0].unit.doc_id,)
        return [] if any(_named(category, self.doc_texts.get(doc, "")) for doc in docs) else [category]

    def unmatched_numbers(self, question: Question, candidates: list[Candidate]) -> list[str]:
        """Figures the question states as conditions ("70至79周岁") that the best evidence never mentions."""
        if question.intent not in CONDITIONED or not candidates:
            return []
        # any of the best few units may hold the condition (the best-scored is not always the one that meets it)
        where = squeeze("".join(c.unit.body + c.unit.label + "".join(c.unit.path) for c in candidates[:CONDITION_DEPTH]))
        conditions = _COMPARED.sub("", question.text)  # "超过1000" filters values; it names no thing
        stated = [n for n in question.numbers if len(re.sub(r"\D", "", n)) >= 2 and n in squeeze(conditions)]
        return [n for n in stated if re.sub(r"[^\d.]", "", n) not in where]


@lru_cache(maxsize=1)
def _everyday() -> tuple[str, ...]:
    text = (resources.files("assistant") / "data" / "everyday_words.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _named(word: str, text: str) -> bool:
    """A word is named by a text that has it, or, for a longer word, most of its character pairs ("工业总产值" ~ "工业产值")."""
    if word in text:
        return True
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    return len(word) >= 3 and sum(1 for p in pairs if p in text) * 2 > len(pairs)


def _joined_characters(words: list[str]) -> list[str]:
    """Runs of single characters joined: a word the dictionaries lack comes out of jieba as characters ("漏", "损", "率")."""
    joined: list[str] = []
    run = ""
    for word in [*words, ""]:
        if len(word) == 1 and re.fullmatch(r"[\u3400-\u9fff]", word) and word not in _LINKS:
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        if word:
            joined.append(word)
    return joined
