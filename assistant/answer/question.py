"""Question: what every part of the answer stage shares — a question cleaned of what it must not carry,
what it asks for (its shape), the sentences of a text, a scored sentence and a refusal.

A leaf of the stage: it imports nothing else of `answer/`, so evidence, composition, the LLM writer
and the assistant all build on it without import circles.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..records import Unit

if TYPE_CHECKING:
    from ..search.steering import SteeredRetriever

MAX_QUESTION = 500  # characters kept for search; longer input is cut, never rejected
MAX_INPUT = 20 * MAX_QUESTION  # characters looked at at all, so that a megabyte of input costs no more than this
MAX_HISTORY = 20  # earlier questions kept (resolution itself follows at most the last three)
_TERMINAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")  # ANSI colour, title...
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not tab, line breaks or form feed: those are white space
# Invisible format characters (zero-width, bidi overrides such as U+202E, BOM) and lone surrogates,
# which undecodable bytes in a command line become and which no encoder or tokenizer accepts.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
STOPS = "。！？；"  # the characters that end a sentence of a unit
LEAD_MAX = 20  # a first sentence this short is a lead ("改革创新持续深化。") and is quoted with the next
_NUMERIC = re.compile(r"多少|几[个项处家户年倍成]|多大|多长|多高|比例|比重|占比|百分|增长率|治理率|目标值|数量|规模")
_LIST = re.compile(r"哪些|哪几|有什么|包括什么|包括哪|分为|几个方面|几类|主要内容|各有|都有|列举|措施|原则")
_TABLE = re.compile(r"表\s*\d|指标")
# asked quantity -> units a sentence must show next to a number
# (the money nouns after 多少 ask for an amount in 元: "多少中央补助资金")
_QUANTITIES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"多少钱|多少元|亿元|万元|价格|工资|收入是多少|资金是多少|多少\w{0,6}(?:资金|经费|投资|补助|补贴|拨款)"), ("元",)),
    (re.compile(r"百分点"), ("%", "个百分点")),
    (re.compile(r"多少[万亿]?吨|亿吨|万吨"), ("吨",)),
    (re.compile(r"多少[万亿]?人|人口|人数"), ("人",)),
    (re.compile(r"多少[万亿]?户|户数"), ("户",)),
    (re.compile(r"多少[万亿]?亩"), ("亩",)),
    (re.compile(r"多少公里|里程"), ("公里",)),
    (re.compile(r"面积"), ("平方公里", "亩", "公顷")),
    (re.compile(r"多少[万亿]?套"), ("套",)),
    (re.compile(r"多少处"), ("处",)),
    (re.compile(r"多少家"), ("家",)),
    (re.compile(r"多少个(?!百分点)"), ("个",)),
    (re.compile(r"多少分(?!之|钟)"), ("分",)),  # a score ("录取分数线是多少分")
    (re.compile(r"多少亿(?![元吨人户亩])"), ("亿",)),
    # a month or a day asked: the answer must date it to that grain ("几月份完工", "哪几天")
    (re.compile(r"几月|哪个月|哪一个月"), ("月",)),
    (re.compile(r"哪一?天|哪几天|几号|几日"), ("日",)),
    (re.compile(r"(?<!到)(?:哪一年|哪年|何年)(?!底|末)"), ("年",)),  # "哪一年开始治理" (not "到哪一年", the plan's end)
    # any other measure word after 多少 ("多少座煤矿", "多少所学校"): the answer must give a number of it
    *((re.compile(rf"多少[万亿]?{c}"), (c,)) for c in "座所名台辆间栋艘架场批棵"),
]
# each unit's quantity, named by the first unit of its alternatives (亩 and 公顷 are 平方公里: an area)
_MEASURE = {unit: wanted[0] for _, wanted in sorted(_QUANTITIES, key=lambda q: len(q[1])) for unit in wanted}
_NUMBER = r"[≥≤约近]?\d[\d.,，]*\s*(?:万|亿)?(?:余|多)?"
# What a sentence earns for giving what its question's shape asks for: the asked quantity with its
# unit counts most, any figure for a number question less, each 、-separated item of a list a little.
QUANTITY_BONUS = 0.15
FIGURE_BONUS = 0.08
ITEM_BONUS = 0.04
MAX_ITEMS = 4  # list items counted for ITEM_BONUS


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
    """Why a question was not answered, in words for the reply.

    `cite` when the documents do speak of what was asked but not of the asked detail (a year, a
    figure, a premise): the reply then quotes what they do say, so the refusal can be checked too.
    """

    reason: str
    cite: bool = False
    detail: bool = False  # only a detail is missing (a year, a figure): a yes/no question about it is answered 否


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved unit, scored against the question."""

    unit: Unit
    sentence: str  # verbatim substring of unit.body
    score: float
    rank: int  # rank of its unit in the search results
    order: int  # position of the sentence in its unit


def split_sentences(text: str, stops: str = STOPS, line_breaks: bool = False) -> list[str]:
    """The pieces of a text, each running to a run of stop characters (or to a line break, when asked).

    The one sentence splitter of the answer stage: unit bodies are split at 。！？；, a generated
    answer at 。！？ and line breaks. A run of stops with nothing before it is a piece of its own.
    """
    ends = re.escape(stops)
    other = ends + ("\n" if line_breaks else "")
    return re.findall(rf"[^{other}]+[{ends}]*|[{ends}]+", text)


def sentences(body: str) -> list[str]:
    """Splits a unit body into sentences; a short lead sentence is joined to the one after it."""
    parts = [p for p in split_sentences(body) if p.strip()]
    if len(parts) > 1 and len(parts[0]) <= LEAD_MAX and parts[0].endswith("。"):
        parts = [parts[0] + parts[1], *parts[2:]]
    return parts


ShapeKind = Literal["numeric", "list", "table", "cross", "fact"]


@dataclass(frozen=True)
class QuestionShape:
    """What kind of answer a question wants."""

    kind: ShapeKind
    units: tuple[str, ...] = ()  # units a number in the answer must carry ("户", "亩")
    docs: tuple[str, ...] = ()  # for cross questions: the documents to answer from

    def quantities(self, sentence: str) -> set[str]:
        """The asked quantities that the sentence gives with a number, each by the first of its units.

        Units of one quantity are alternatives: a sentence giving 面积 in 亩 adds nothing to one that gave
        it in 平方公里.
        """
        given = [unit for unit in self.units if re.search(_NUMBER + re.escape(unit), sentence) or _in_column(unit, sentence)]
        return {_MEASURE.get(unit, unit) for unit in given}

    def has_quantity(self, sentence: str) -> bool:
        return bool(self.quantities(sentence))

    def bonus(self, sentence: str) -> float:
        """Extra score for what the shape asks for."""
        if self.units:
            return QUANTITY_BONUS if self.has_quantity(sentence) else 0.0
        if self.kind in ("numeric", "table"):
            return FIGURE_BONUS if re.search(r"\d", sentence) else 0.0
        if self.kind == "list":
            return ITEM_BONUS * min(sentence.count("、"), MAX_ITEMS)
        return 0.0


def _in_column(unit: str, sentence: str) -> bool:
    """A table cell under a column that gives the unit: "补偿资金（万元/年） 2000" gives 万元 (and 元)."""
    return bool(re.search(rf"[（(](?:万|亿)?{re.escape(unit)}(?:/[^（）()]{{1,3}})?[）)]\s*\d", sentence))


def shape_of(question: str, query: str, retriever: SteeredRetriever) -> QuestionShape:
    """Classifies a question by what its answer must contain."""
    if retriever.is_cross(question):
        return QuestionShape("cross", docs=tuple(d.id for d in retriever.index.documents))
    return answer_shape(question)


def answer_shape(question: str) -> QuestionShape:
    """What one answer to a question must contain, whatever documents it asks of (a comparison's each part)."""
    units: tuple[str, ...] = ()
    for pattern, wanted in _QUANTITIES:
        if pattern.search(question):
            units += tuple(u for u in wanted if u not in units)
    if _TABLE.search(question) and _NUMERIC.search(question):
        return QuestionShape("table", units)
    if _NUMERIC.search(question):
        return QuestionShape("numeric", units)
    if _LIST.search(question):
        return QuestionShape("list", units)
    return QuestionShape("fact", units)


