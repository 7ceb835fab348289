"""Choices among what the documents list: the most and the least, the option a list leaves out, and when.

"哪个…最大" compares the figures of sibling items; "A、B、C，这几项里哪项不是…" finds the options the
list holding the others does not say; a when-question's clause takes the time that scopes it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from .analysis import Question
from .composition import Composed, Writer, done
from .figures import figures, longest_shared
from .question import Candidate, sentences

if TYPE_CHECKING:
    from .evidence import Scorer

# A time a sentence gives: a year, a date, a deadline or a period ("到2025年底", "3月25日至4月10日", "十四五期间").
TIME = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(?:底|初|中旬|上旬|下旬)"
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期|末)|年底前|月底前"
)


def with_time_scope(candidates: list[Candidate]) -> list[Candidate]:
    """A when-question's best sentence with the time that scopes it, when the time opens an earlier clause.

    "到2025年底，A；B；培训养老护理员2000人次。" gives the deadline once for every "；"-clause: a
    clause without a time of its own is quoted with the clause that opens the list.
    """
    if not candidates or TIME.search(candidates[0].sentence):
        return candidates
    best = candidates[0]
    before = sentences(best.unit.body)[: best.order]
    opener = next((s for s in reversed(before) if TIME.search(s)), None)
    if opener is None or not all(s.rstrip().endswith(("；", ";", "，")) for s in before[before.index(opener) :]):
        return candidates
    scoped = Candidate(best.unit, opener, best.score, best.rank, before.index(opener))
    return [scoped, best, *candidates[1:]]


# "哪个…最高", "…最大的是哪个": which of several things has the highest or lowest figure
MOST = re.compile(r"最(高|大|多|长|晚|低|小|少|短|早)")


SUPERLATIVE_POOL = 20  # best candidates whose sentences are the things compared


def superlative(question: Question, candidates: list[Candidate], scorer: Scorer) -> Composed | None:
    """The thing with the highest (or lowest) figure among the sentences of the best hit and its siblings.

    The things compared are the sentences of the best unit and of the units sharing its parent (the
    rows of a table, the items of a box, the "；"-clauses of a clause), each by its first figure in the
    asked unit (any unit when none is asked, never a year); all must be in one unit of measure.
    """
    most = MOST.search(question.text)
    if most is None or not candidates:
        return None
    best = candidates[0].unit
    units = question.shape.units
    pool = [c.unit for c in candidates[:SUPERLATIVE_POOL] if c.unit == best or (c.unit.doc_id, c.unit.parent) == (best.doc_id, best.parent)]
    items = []
    for unit in dict.fromkeys(pool):
        for sentence in sentences(unit.body):
            found = [f for f in figures(sentence) if not units or f[1] in units or any(u.endswith(f[1]) for u in units)]
            if found:
                items.append((found[0], sentence, unit))
    if len(items) < 2 or len({unit for (_, unit, _), _, _ in items}) != 1:
        return None
    highest = most.group(1) in "高大多长晚"
    (value, _, printed), sentence, unit = (max if highest else min)(items, key=lambda item: item[0][0])
    if sum(1 for (v, _, _), _, _ in items if v == value) > 1:
        return None  # a tie names no one thing
    writer = Writer()
    writer.quote(unit, sentence)
    return done(printed, writer, f"文件所列各项中，最{most.group(1)}的是：")


# "A、B、C、D，这几项里哪项不是…禁止的": options the question lists, and the one the text does not
_OPTIONS = re.compile(r"^(?P<options>[^？?]+?)[，,]?(?:(?:这|以下|下列|上述|其中)[^，,？?]{0,8}|(?:里|中|当中|之中))[，,]?$")


_NOT_ASKED = re.compile(r"哪(?:项|个|些|一项|一个|种)(?:不是|不属于|不在|没有|未|不)")


def not_listed(question: Question, candidates: list[Candidate]) -> Composed | None:
    """The options a question lists that the best units do not say, quoted with the units that say the rest."""
    if not _NOT_ASKED.search(question.text):
        return None
    head = question.text[: _NOT_ASKED.search(question.text).start()]
    found = _OPTIONS.search(head)
    options = [o.strip('“”" ') for o in re.split(r"[、，,]|以及|和", found.group("options") if found else "") if o.strip()]
    options = [o for o in options if 2 <= len(o) <= 12]
    trailing = re.search(r"[：:]([^：:？?]+)[？?]?$", question.text)  # "以下哪个不是…：A、B、C、D？"
    if len(options) < 3 and trailing:
        options = [o.strip('“”" ') for o in re.split(r"[、，,]|以及|和", trailing.group(1)) if 2 <= len(o.strip('“”" ')) <= 12]
    if len(options) < 3 or not candidates:
        return None

    def said(option: str, text: str) -> bool:  # most of the option's characters in one run ("擅自采砂" in "擅自采砂、取土")
        return len(longest_shared(squeeze(option), squeeze(text))) * 3 >= len(squeeze(option)) * 2

    # the list asked about: the best units of one document that each hold two or more of the options
    pool = [c.unit for c in candidates[:SUPERLATIVE_POOL] if c.unit.doc_id == candidates[0].unit.doc_id]
    lists = [u for u in dict.fromkeys(pool) if sum(said(o, u.body) for o in options) >= 2]
    absent = [o for o in options if not any(said(o, u.body) for u in lists)]
    if not lists or not absent or len(absent) == len(options):
        return None
    writer = Writer()
    for unit in lists:
        for sentence in sentences(unit.body):
            if any(said(o, sentence) for o in options if o not in absent):
                writer.quote(unit, sentence)
    names = "、".join(f"“{o}”" for o in absent)
    return done("、".join(absent), writer, f"{names}不在文件所列之中；文件列出的其余几项是：")
