"""Analysis: what a question asks — its intent, focus, attribute and constraints — read from Chinese question patterns.

The patterns are data (the tables below), each a general property of Chinese questions, never a
phrase of the shipped plans: the interrogative (多少, 哪些, 是否, 为什么…) and a few cue words decide
the intent; what is left after the question words is the focus; years, periods, places, a named
document and structural pointers (第三章, 专栏4, 表1) are constraints an answer must meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..corpus.repair import squeeze
from .question import QuestionShape, shape_of

if TYPE_CHECKING:
    from ..indexing.tokenizer import Tokenizer
    from ..search.steering import SteeredRetriever

Intent = Literal[
    "comparison", "locate", "count", "sum", "difference", "superlative", "negative", "yesno", "summary", "table", "list",
    "number", "time", "place",
    "reason", "method", "fact",
]

_COUNTED = (
    r"(?<!哪)几(?:个(?!百分点)|项|条|类|大|部分|处|座|家|所|种|批|章|节)|多少项|多少条|多少类|多少章|"
    r"多少个(?:指标|方面|项目|任务|原则|地区|城市|区县|县区|部分|重点|类别|领域|园区|专栏|章|节)"
)
_DIFFERENCE = (
    r"相差|差距|差多少|之差|差额|差值|(?:增加|提高|提升|增长|下降|减少|降低|扩大|缩小)了?(?:多少|几个百分点)|多了多少|少了多少|高出|低了多少|"
    r"(?<![百分占对相之])比(?![重例率]).{1,20}?(?:多|少|高|低|大|小|长|短).{0,6}?(?:多少|几个百分点)"
)
_SUPERLATIVE = r"(?:哪|谁)[^，。？?]{0,14}?最(?:高|大|多|长|晚|低|小|少|短|早)|最(?:高|大|多|长|低|小|少|短)的?(?:是|为)(?:哪|谁)"
_SUMMARY = (
    r"主要内容|主要讲|讲了什么|讲的是什么|讲了哪些|概括|概述|总体要求|总体思路|主要目标|哪些方面|哪几个方面|"
    r"几个方面|重点任务|主要任务|总的来说"
)
# "哪一章讲了X", "在哪一节", "第几部分", "哪里提到X": where the documents say it, not what they say
# ("哪几条" enumerates: a list question).
LOCATE = re.compile(
    r"(?:哪一|哪个|第几)(?:章|节|条|款|部分|篇|专栏|段)|在哪(?:一|个)?(?:章|节|条|部分)|"
    r"(?:哪里|什么地方|何处)(?:讲|提|写|谈|说|规定|涉及)|出处|出自"
)
# Tried in order; the first that matches is the intent. Locate comes first ("第几部分" is no count);
# count comes before sum ("一共有多少项指标"
# counts items, "一共要安置多少户" adds figures) and both before the plain number question.
INTENT_PATTERNS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("locate", LOCATE),
    # "帮我梳理几个要点", "概括为几个方面": the points are asked for, not how many
    ("summary", re.compile(r"(?:梳理|归纳|提炼|概括|概述|盘点|总结)[^，。？?]{0,8}?几(?:个|条|点)?(?:要点|方面|点)")),
    ("count", re.compile(_COUNTED)),
    ("sum", re.compile(r"一共|合计|总共|共计|总计|加起来|之和|总和|累计共")),
    ("difference", re.compile(_DIFFERENCE)),
    # "哪个…最高", "…最大的是哪个": one of several things by its figure ("最高不超过多少" asks a figure)
    ("superlative", re.compile(_SUPERLATIVE)),
    # (a statement to verify: "…，对不对？", "…，对吧？")
    (
        "yesno",
        re.compile(r"是否|有没有|是不是|能不能|能否|可否|会不会|要不要|对不对|(?:对|是|没错)吧[？?！!。\s]*$|(?<![什怎多那这])[吗么嘛][？?！!。\s]*$"),
    ),
    ("summary", re.compile(_SUMMARY)),
    # a question over a table's rows, not the value of one indicator ("表1中X的目标是多少" is a number question)
    ("table", re.compile(r"(?:表\s*\d|指标).{0,30}?(?:哪些|哪几|哪一些|有什么|各项|都有)|(?:哪些|哪几|什么|各项)指标|指标有哪些")),
    ("time", re.compile(r"何时|什么时候|哪一年|哪年|哪几年|期限|规划期|起止|到哪一年")),
    ("list", re.compile(r"哪些|哪几|有什么|包括什么|包括哪|分为|都有|列举|原则")),
    ("number", re.compile(r"多少|几[个项处家户年倍成]|多大|多长|多高|多远|比例|比重|占比|百分|增长率|治理率|目标值|规模")),
    ("place", re.compile(r"哪里|在哪|哪个地区|哪些地区|哪个城市|位于|分布在")),
    ("reason", re.compile(r"为什么|为何|原因是|什么原因|缘何")),
    ("method", re.compile(r"如何|怎样|怎么|采取什么|哪些措施|什么措施|举措")),
)
# The words that frame a question rather than say what it is about (whole jieba words: "里" goes, "里程" stays).
FRAME_WORDS = frozenset(
    {
        "请问", "请", "一下", "根据", "文件", "规划", "意见", "里", "中", "提出", "提到", "明确",
        "规定", "要求", "的", "了", "是", "有", "在", "和", "与", "及", "多少", "几", "哪些",
        "哪几", "哪个", "哪里", "什么", "怎么", "怎样", "如何", "为什么", "为何", "是否", "有没有",
        "是不是", "吗", "呢", "么", "一共", "合计", "总共", "分别", "各自", "主要", "方面", "内容"
    }
)
_PUNCTUATION = re.compile(r"^[？?。！!，,、：:；;“”\"'（）()\s]+$")

# What a question can ask of its focus; the first one named is the attribute.
ATTRIBUTES = (
    "面积", "人口", "人数", "户数", "套数", "里程", "比重", "占比", "治理率", "增长率", "下降率", "产值", "投资", "资金",
    "目标", "任务", "定位", "原则", "措施", "期限", "规划期", "范围", "重点", "路径", "机制", "要求",
)  # fmt: skip
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"[“\"]?(十[一二三四五六七八九]五)[”\"]?")
_POINTER = re.compile(r"第[一二三四五六七八九十百\d]+(?:[章节条]|部分)|专栏\s*\d+|表\s*\d+")
_STRUCTURAL = re.compile(r"第\s*\d+\s*[项条章节款]|(?:表|专栏|图)\s*\d+")
_NUMBER_IN_QUESTION = re.compile(r"\d+(?:\.\d+)?\s*(?:%|个百分点|万|亿)?")
# A false premise shows as a reversal the question takes for granted ("为什么取消了…").
REVERSALS = ("取消", "废止", "废除", "停止", "暂停", "叫停", "放弃", "撤销")


@dataclass(frozen=True)
class Question:
    """A question as the answer stage understands it."""

    text: str  # the question as searched (a follow-up resolved)
    intent: Intent
    focus: str  # what it is about, without question words: "某示范区面积"
    attribute: str  # what it asks of the focus ("面积"), or ""
    shape: QuestionShape  # how sentences are scored for it (units a number must carry, cross documents)
    docs: tuple[str, ...] = ()  # documents it must be answered from (named or filtered); () for all
    years: tuple[str, ...] = ()  # "2025"
    periods: tuple[str, ...] = ()  # "十四五"
    places: tuple[str, ...] = ()
    pointers: tuple[str, ...] = ()  # "第三章", "专栏4", "表1"
    numbers: tuple[str, ...] = ()  # figures the question itself states ("60%"), for yes/no checks
    reversal: str = ""  # a reversal word the question presupposes ("取消")

    @property
    def wants_number(self) -> bool:
        return self.intent in ("number", "sum", "difference") or bool(self.shape.units)


def intent_of(text: str, cross: bool) -> Intent:
    """The intent of a question (see INTENT_PATTERNS); a cross-document question is a comparison."""
    if cross:
        return "comparison"
    options = _WHICH_NOT.search(text)
    if options and text.count("、") >= 2:
        return "negative"  # "A、B、C，这几项里哪项不是…": which of the options the documents do not say
    intent = next((intent for intent, pattern in INTENT_PATTERNS if pattern.search(text)), "fact")
    if intent == "count" and _ADDED_PARTS.search(text):
        return "sum"  # "A和B一共要新增几个" adds the figures of the things it names; "一共有几项" counts items
    return intent


_WHICH_NOT = re.compile(r"哪(?:项|个|些|一项|一个|种)(?:不是|不属于|不在|没有|未|不)")
# Things joined before a sum word: the question adds their figures ("5A级和4A级景区一共新增几个").
_ADDED_PARTS = re.compile(r"[\u4e00-\u9fff\w”]{2,}(?:和|与|及|、)[\u4e00-\u9fff\w“]{2,}[^，。？?]*?(?:一共|合计|总共|共计|总计|加起来)")


def focus_of(text: str, tokenizer: Tokenizer, names: tuple[str, ...] = ()) -> str:
    """The question without its frame words and document names."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return "".join(w for w in tokenizer.words(text) if w not in FRAME_WORDS and not _PUNCTUATION.match(w))


def analyse(
    text: str, shown: str, retriever: SteeredRetriever, places: list[str], doc: str | None = None, shape: QuestionShape | None = None
) -> Question:
    """Reads a question.

    Args:
        text: the question as searched (a follow-up resolved into a whole question).
        shown: its readable form (what intent and focus are read from).
        retriever: for the documents the question names.
        places: the place names in it (the tokenizer's gazetteer).
        doc: the document filter, if any.
        shape: how its sentences are scored, when the caller has it.

    Returns:
        The analysed question; `docs` is the filter, else the one document it names.
    """
    cross = retriever.is_cross(shown)
    named = retriever.named_documents(shown)
    docs = (doc,) if doc else (tuple(named) if len(named) == 1 and not cross else ())
    aliases = tuple(alias for d in retriever.index.documents for alias in (*d.aliases, d.title, d.short))
    reversal = next((word for word in REVERSALS if word in shown), "")
    return Question(
        text=text,
        intent=intent_of(shown, cross),
        focus=focus_of(shown, retriever.index.tokenizer, aliases),
        attribute=next((a for a in ATTRIBUTES if a in shown), ""),
        shape=shape or shape_of(shown, text, retriever),
        docs=docs,
        # a follow-up ("研发经费的目标呢？") keeps the year of the question it follows
        years=tuple(dict.fromkeys(_YEAR.findall(shown) or _YEAR.findall(text))),
        periods=tuple(dict.fromkeys(_PERIOD.findall(shown))),
        places=tuple(dict.fromkeys(places)),
        pointers=tuple(dict.fromkeys(squeeze(p) for p in _POINTER.findall(shown))),
        numbers=tuple(squeeze(n) for n in _NUMBER_IN_QUESTION.findall(_STRUCTURAL.sub("", _YEAR.sub("", shown)))),
        reversal=reversal,
    )
