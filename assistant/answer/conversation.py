"""Conversation: turn a follow-up ("那沛县呢？", "其中重点沉陷区是多少？") into a self-contained query.

No LLM: the earlier question supplies what the follow-up leaves out. A place (or year) in the
follow-up replaces the one of the same kind in the earlier question; otherwise the follow-up's
own words are searched together with the earlier question, weighted higher so they lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING

from ..indexing.tokenizer import Tokenizer, folding_table, is_noun, place_names
from .analysis import ATTRIBUTES, FRAME_WORDS
from .english import Reader, is_english
from .question import MAX_HISTORY, clean_question

if TYPE_CHECKING:
    from ..indexing.store import Index

# Openers and endings that mark an elliptical follow-up, and words that point back.
_FOLLOW_OPENER = re.compile(r"^(那么?|那在|还有|另外|再问|然后|接着|同样|以及|而)")
_FOLLOW_ENDING = re.compile(r"(呢|的呢|怎么样|如何)[？?。！!\s]*$")
_ANAPHORA = re.compile(r"它们|它|其中|其他|其余|该|这些|那些|上述|前述|这个|那个|这一|此项")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_TRAILING = re.compile(r"[？?。！!\s]+$")
_LEADING = re.compile(r"^(那么|那|还有|另外|再问|然后|接着|同样|以及|而)")
MAX_TURNS = 3  # how far back a chain of follow-ups is followed
_BEFORE_THING = frozenset("对给为向在从把将和与及，,、：:")  # where a 的 phrase before a thing begins
MAX_SIBLING = 20  # characters of a "那X呢？" whose X may take the place of a thing the earlier question named


@dataclass(frozen=True)
class Resolution:
    """The query to search and the readable form to show ("what was searched")."""

    query: str
    shown: str
    rewritten: bool
    focus: str = ""  # the follow-up's own words when they were searched together with an earlier question
    context: str = ""  # the earlier question they were searched with
    unclear: bool = False  # a follow-up with no earlier question to lean on: ask what is meant


# A question that cannot stand alone: an elliptical "那沛县呢？" or one that opens by pointing back.
_ELLIPTICAL = re.compile(r"^(?:那么?|还有|另外)?[^，。？?]{0,12}(?:呢|的呢)[？?！!。\s]*$")
_POINTING = re.compile(r"^(?:那么?)?(?:它们|它|其中|其|这些|那些|上述|前述)")
# "它的发展定位是什么？" after a question about a place: the pronoun stands for the earlier subject.
_PRONOUN = re.compile(r"它们|它|该地|该区|该市|该县|这里|那里")
# Where the subject of a question ends: at its first function word or question word.
_SUBJECT_END = re.compile(r"的|是|有|在|要|将|如何|怎么|怎样|多少|哪|几|面积|人口|人数|户数|目标|定位|位于")
_SUBJECT_FRAME = re.compile(r"^.{0,12}?(?:规划|意见|文件)(?:里|中|提出)?[，,、]?")


def _strip(question: str) -> str:
    return _TRAILING.sub("", question.strip())


def is_follow_up(question: str, tokenizer: Tokenizer) -> bool:
    """True when the question leans on an earlier one (ellipsis or a word pointing back)."""
    text = _strip(question)
    if not text:
        return False
    if _FOLLOW_OPENER.search(text) or _FOLLOW_ENDING.search(question.strip()) or _ANAPHORA.search(text):
        return True
    return len(tokenizer.content_words(text)) <= 2 and len(text) <= 12


def _kinds(text: str, tokenizer: Tokenizer) -> dict[str, list[str]]:
    return {"place": tokenizer.places(text), "year": [y.replace(" ", "") for y in _YEAR.findall(text)]}


def resolve(question: str, history: list[str], tokenizer: Tokenizer, documents: frozenset[str] = frozenset()) -> Resolution:
    """Resolves a question against the earlier questions of the conversation.

    Args:
        question: the new question.
        history: earlier user questions, oldest first.
        tokenizer: for places and content words.
        documents: words that name a whole document (aliases such as 江苏); never swapped out.

    Returns:
        The query to search; `rewritten` is False when the question stands on its own.
    """
    question = question.strip()
    earlier = [h for h in history if h and h.strip()][-MAX_TURNS:]
    if not earlier:
        return Resolution(question, question, False, unclear=needs_context(question))
    if not is_follow_up(question, tokenizer):
        return Resolution(question, question, False)
    previous = resolve(earlier[-1], earlier[:-1], tokenizer, documents).shown
    base = _strip(previous)
    focus = _LEADING.sub("", _strip(question))
    focus = re.sub(r"(的呢|呢|怎么样|如何)$", "", focus).strip()
    subject = subject_of(base, tokenizer, documents)
    if subject and _PRONOUN.search(focus):
        # a pronoun takes the earlier subject and the question keeps its own intent
        whole = _PRONOUN.sub(subject, focus, count=1) + "？"
        return Resolution(whole, whole, True)

    new, old = _kinds(focus, tokenizer), _kinds(base, tokenizer)
    # Places that name a whole document ("江苏") frame the question; they are not what is swapped.
    old["place"] = [p for p in old["place"] if p not in documents and p not in new["place"]]
    for kind in ("place", "year"):
        if new[kind] and old[kind]:
            # The first old place takes all the new ones ("大黄山" -> "泉山区九里"); other old ones go.
            rewritten = base.replace(old[kind][0], "".join(new[kind]), 1)
            for before in old[kind][1:]:
                rewritten = rewritten.replace(before, "", 1)
            extra = focus
            for word in new[kind]:
                extra = extra.replace(word, "")
            extra = re.sub(r"^(那个|这个|的)+|(那个|这个)?(呢|的呢)[？?]?", "", extra).strip("，,？? 的")
            shown = f"{rewritten}？" if not extra else f"{rewritten}，{extra}？"
            return Resolution(shown, shown, True)
    switched = _switched_topic(focus, base, tokenizer, documents) if _ELLIPTICAL.match(question) else ""
    if not switched and re.search(r"呢[？?！!。\s]*$", question) and len(focus) <= MAX_SIBLING:
        switched = _sibling(focus, base, tokenizer)
    if switched:
        return Resolution(switched, switched, True)
    # The follow-up's own words lead; the earlier question supplies the topic.
    shown = f"{base}——{_strip(question)}？"
    return Resolution(f"{focus} {focus} {base}", shown, True, focus=focus, context=base)


_TOPIC_SUFFIX = re.compile(r"(?:方面|领域|这块|这一块|这一方面|上)$")


def _switched_topic(focus: str, base: str, tokenizer: Tokenizer, documents: frozenset[str]) -> str:
    """"融资方面呢？" after "指导意见对人才支撑有什么要求？": the new topic takes the old one's place in the
    earlier question, whose document and what it asks of the topic stay ("指导意见对融资有什么要求？").

    Only when the follow-up names a topic of its own (words the earlier question lacks) and asks no
    attribute ("那治理面积呢？" asks something else of the same subject); "" otherwise.
    """
    focus = _TOPIC_SUFFIX.sub("", focus) or focus
    new = [w for w in tokenizer.content_words(focus) if w not in FRAME_WORDS]
    if not new or any(w in base for w in new) or any(a in focus for a in ATTRIBUTES):
        return ""
    if all(w in documents for w in new):
        # "那指导意见呢？": the same question of another document
        old = max((d for d in documents if d in base), key=len, default="")
        return re.sub(re.escape(old) + "(?:规划|意见|文件)?", focus, base, count=1) + "？" if old else ""
    topic = [
        w for w in tokenizer.content_words(base)
        if w not in FRAME_WORDS and w not in documents and w not in ATTRIBUTES and not _YEAR.fullmatch(w)
    ]
    spans = [(base.find(w), base.find(w) + len(w)) for w in topic if w in base]
    if not spans:
        return ""
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    return f"{base[:start]}{focus}{base[end:]}？"


def _sibling(focus: str, base: str, tokenizer: Tokenizer) -> str:
    """"那社区服务站呢？" after "对新建街道服务中心给多少补助？": a thing of the same kind takes the earlier one's place.

    The follow-up names a thing that shares a word with one the earlier question asked about (服务站
    ~ 服务中心 by 服务) and adds words of its own. The earlier thing is the run of nouns around the
    shared words; the follow-up's words replace it, and what the earlier question asked of it stays.
    "" when the follow-up asks an attribute ("那治理面积呢？"), states a figure ("100周岁以上的呢？" is a
    condition of the same thing), shares nothing, or adds nothing.
    """
    new = [w for w in tokenizer.content_words(focus) if len(w) >= 2 and w not in FRAME_WORDS]
    if not new or re.search(r"\d", focus) or any(a in focus for a in ATTRIBUTES) or all(w in base for w in new):
        return ""
    words = tokenizer.words(base)
    starts = [0, *accumulate(len(w) for w in words)]
    shared = [i for i, w in enumerate(words) if len(w) >= 2 and w in new]
    if not shared:
        return ""

    def thing(word: str) -> bool:  # a word of the earlier thing's name: a noun, not a place, a number or an asking word
        return len(word) >= 2 and is_noun(word) and word not in place_names() and not re.search(r"\d|多少|哪|什么|几", word)

    first, last = min(shared), max(shared)
    while first > 0 and thing(words[first - 1]):
        first -= 1
    while last + 1 < len(words) and thing(words[last + 1]):
        last += 1
    if first > 1 and words[first - 1] == "的":
        # "对新建并运营的街道服务中心": what the 的 phrase says of the earlier thing is not said of the new one
        start = first - 2
        while start > 0 and words[start - 1] not in _BEFORE_THING and not re.search(r"[省市县区]$", words[start - 1]):
            start -= 1
        first = start
    elif first > 1 and words[first - 2] in _BEFORE_THING and len(words[first - 1]) >= 2 and not is_noun(words[first - 1]):
        first -= 1  # "对新建街道服务中心": the verb that qualifies the earlier thing goes with it
    return f"{base[: starts[first]]}{focus}{base[starts[last + 1] :]}？"


def needs_context(question: str) -> bool:
    """True for a question that leans on an earlier one it does not have ("那沛县呢？", "它的面积是多少？")."""
    text = question.strip()
    return bool(_ELLIPTICAL.match(text) or _POINTING.match(text))


def subject_of(question: str, tokenizer: Tokenizer, documents: frozenset[str] = frozenset()) -> str:
    """What an earlier question was about, when it named a place: "某县甲工矿区面积有多大" -> "某县甲工矿区".

    Only a question about a place has a subject a pronoun can stand for; others return "".
    """
    places = [p for p in tokenizer.places(question) if p not in documents]
    if not places:
        return ""
    text = _SUBJECT_FRAME.sub("", question)
    start = text.find(places[0])
    if start < 0:
        return ""
    end = _SUBJECT_END.search(text, start + len(places[0]))
    return text[start : end.start() if end else len(text)].strip("，,。？? ")


def document_words(index: Index) -> frozenset[str]:
    """Every alias by which a question can name a document of the index."""
    return frozenset(alias for d in index.documents for alias in d.aliases)


class Resolver:
    """Reads a question in its conversation: cleaned, traditional characters folded, a follow-up resolved.

    The one way a question becomes a query: the assistant, the CLI's search and the evaluation all
    use it, so what is evaluated is what is answered.
    """

    def __init__(self, index: Index) -> None:
        self._index = index
        self.tokenizer = index.tokenizer
        self.documents = document_words(index)
        # Traditional characters are folded to simplified before a question is read, but only those
        # the documents never use themselves (著 in 显著 stays as printed), so 老礦區…發展原則 is the
        # same question as 老矿区…发展原则 for the heading and phrase matching too, not only for BM25.
        self.folding = folding_table(frozenset("".join(unit.text + unit.label for unit in index.units)))

    def read(self, text: object) -> str:
        """A question or an earlier question as it is read: cleaned and folded."""
        return clean_question(text).translate(self.folding)

    def history(self, history: object) -> list[str]:
        """The earlier questions, read and without blanks (only the last MAX_HISTORY)."""
        if not isinstance(history, (list, tuple)):
            history = [] if history is None else [history]
        return [h for h in (self.read(h) for h in history[-MAX_HISTORY:]) if h]

    def resolve(self, question: object, history: object = ()) -> Resolution:
        """The query to search for a question after the earlier questions of its conversation."""
        text = self.read(question)
        if is_english(text):
            # "How many households…": searched as the Chinese question it reads as (ask shows the reading)
            text = self.english.read(text).chinese or text
        return resolve(text, self.history(history), self.tokenizer, self.documents)

    @cached_property
    def english(self) -> Reader:
        """The reader of English questions, over this index's vocabulary and document names."""
        return Reader(self._index.lexical.vocabulary, self._index.documents)
