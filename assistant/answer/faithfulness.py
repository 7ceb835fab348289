"""Faithfulness: whether a generated sentence says what its cited sentences say, not only with the same characters.

Character bigrams cannot see a reversal: "不需要增加补助资金" shares almost all of its bigrams
with "需要增加补助资金". So a sentence that passed the overlap test is aligned with the cited
sentences that cover it (at most MAX_SENTENCES, each adding something); each of its clauses is
matched with the cited clause, or pair of adjacent clauses, that shares most bigrams with it; and
it must agree with them on every point below, or it is dropped. Numerals are compared as digits
(两个 is 2个, 百分之十 is 10%, 一年 is 1年: `arabic`).

- polarity: each clause (split at ，；：) has the same negation, prohibition and stop words as
  the cited clause it matches (NEGATIONS, PROHIBITIONS, STOPS, with EXEMPT compounds such as
  不断 and 未来 not counted, and bounds such as 不超过2年 left to the bounds rule);
- direction: a word of a DIRECTIONS pair (增加/减少, 扩大/压减 …) must not stand where the cited
  clause has its opposite, nor be used at all when the cited sentences never use it or a
  SYNONYMS mate of it; a word of an OPPOSITES pair (城市/农村, 首次/再次, 地表/地下 …) must not
  stand where the cited clause has its opposite;
- bounds: a figure's bound (BOUNDS: 以上, 不少于, 之后 … against 以下, 不超过, 之前, 最高 …) must
  not be the opposite of the one the cited text gives the same figure (85%以上 is not 85%以下,
  3月31日前 is not 3月31日后);
- scope: a word of SCOPE (全部, 所有, 一律, 彻底 …; 部分, 个别 …; 只, 仅 …) must be in the matching
  cited clause: a model that widens 部分 to 全部, or narrows 所有 to 只有部分, says something else;
- modality: a strong obligation (OBLIGATIONS: 必须, 务必, 一律 …) or a free choice (CHOICES:
  自行, 自愿, 酌情 …) must be in the cited sentences; an obligation (应当, 必须, 须) may not stand
  where the matching cited clause only permits or encourages (可, 可以, 鼓励, 允许: PERMISSIONS),
  nor a permission where it obliges;
- facts: every number with its unit, year, plan period (十四五), place (PLACES, and any name
  ending in 省/市/县/区 whose two characters are no verb nor a common noun's) and named subject
  (the domain dictionary's terms, bodies such as 国务院 and any name ending in 局/厅/委/办/室)
  occurs in the cited sentences;
- binding: a figure stays with its place, its year (a comparison's base such as 较2023年
  aside) and its quoted name (“煤改气”), the last ones written before it; a figure right after a
  clause without figures that copies one cited sentence (对举报瞒报事故的，…) is in that sentence;
  and a clause may not take, from the cited segment it copies (most bigrams, digits aside), one
  figure (with its bound; fractions such as 三分之二 too), body, place, level (省级, 村级) or period
  (每月, 每季度) swapped for another of the same kind (集中供水率 88% given 自来水普及率's 85%,
  县级's 每月 given to 村级) when no cited segment holding the sentence's value matches nearly as
  well, or when the clause has none of that segment's own words;
- order: the words on either side of a verb or preposition the clause shares with a cited
  clause stay on their sides (A向B is not B向A, 由A担任B is not 由B担任A), and two verbs of the
  sentence in two clauses do not take each other's words (优先保障A，兼顾B is not 优先保障B，兼顾A);
- replacement: a clause that copies its cited clause (COPY_SHARE of its bigrams) may not replace
  one of its words by the opposite (CHAR_OPPOSITES such as 多/少, and the pairs above) or a noun
  phrase by another the citation uses elsewhere (扶持龙头企业 → 扶持小微企业);
- content: at least CONTENT_SUPPORT of the sentence's jieba content words, and CLAUSE_SUPPORT of
  each clause's, occur in the cited units (a SYNONYMS mate counts), and no clause brings
  ADDED_WORDS or more words of its own (an added claim brings words of its own).

The lists are the documented ones (docs/reliability.md); tests/answer/faithfulness_redteam.jsonl
measures them (splits tuned on, and splits run once).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise

from .lexicon import (
    ANTONYMS,
    AUTHORITY,
    BODIES,
    BOUNDS,
    CHAR_OPPOSITES,
    CHOICES,
    COMMON_BEFORE,
    COMMON_FEATURE,
    COPY_SHARE,
    DIRECTIONS,
    EXEMPT,
    NAMED_BODY,
    NAMED_FEATURE,
    NAMED_PLACE,
    NEGATIONS,
    NOT_IN_NAMES,
    OBLIGATIONS,
    OBLIGE,
    OPPOSITES,
    PERMIT,
    PLACES,
    PROHIBITIONS,
    REGION,
    SCOPE,
    STOPS,
    SYNONYMS,
)
from .question import split_sentences

# Cited sentences a generated sentence may draw on: a model joins two or three, rarely more.
MAX_SENTENCES = 3
# A further cited sentence joins the alignment only when it brings at least this many of the
# generated sentence's bigrams (and MIN_GAIN_SHARE of them) that the chosen ones lack: a swapped
# figure ("沛县…92.9平方公里", 92.9 being 贾汪区's) brings only its digits, 2 bigrams.
MIN_GAIN = 4
MIN_GAIN_SHARE = 0.15
# Share of the sentence's content words (jieba, two characters or more, no stopwords or numbers)
# found in the cited units. The red-team development half: faithful paraphrases keep >= 0.8,
# added claims fall to 0.4-0.7.
CONTENT_SUPPORT = 0.75
# Each clause on its own: an added clause ("并将建成国家级旅游度假区") has almost none.
CLAUSE_SUPPORT = 0.5
# Content words of one clause found nowhere in the cited units (nor a synonym of them): an added
# claim ("并免征企业所得税三年") brings two or more; a faithful paraphrase brings at most one (a
# connective or a word of its own framing) on the red team and the gold reference answers.
ADDED_WORDS = 2
# ... and at least this share of the clause's content words (a long faithful clause may bring two
# words of its own: 2 of 5 on the gold reference answers, where "并免征企业所得税三年" brings 2 of 4).
ADDED_SHARE = 0.45
# A figure (or body, place, level, period) swapped within the citation: the cited clause the
# generated one copies (most bigrams, digits aside) holds another value of the same kind, and no
# clause holding the generated value matches nearly as well (at most this share of the bigrams).
SWAP_MARGIN = 0.6
# Share of a figure-less clause's bigrams found in one cited sentence for that sentence to be its
# context (对举报瞒报、谎报事故的 copies its sentence whole; 根据规划 copies none).
CONTEXT_MATCH = 0.8

# A target told as done: 已达到 where the cited sentence says 到2027年…达到 (a plan's aim, not a fact).
_DONE = re.compile(r"已经?(?:达到|达|完成|实现|建成|超过|覆盖)")
_FUTURE = re.compile(r"到\s*\d{4}\s*年|力争|将要|计划|目标|预计")
_LEVEL = re.compile(r"国家级|省部级|[省市县区乡镇村]级")
_PERIODS = re.compile(r"每(?:半年|年|季度|季|月|旬|周|日|天)")
_PERIOD = re.compile(r"[十][一二三四五六七八九]五")
_UNITS = "平方公里|平方米|立方米|公里|公顷|亩|人次|人|户|套|处|家|个|所|元|吨|项|座|条|年|月|日|度|倍|次|场|批|名"
_FIGURE = re.compile(rf"\d+(?:\.\d+)?(?:%|‰|个百分点|[万亿千百]?(?:{_UNITS}))?")
_YEAR = re.compile(r"\d{4}年")
_FRACTION = re.compile(r"[一二三四五六七八九十\d]+分之[一二三四五六七八九十\d]+")
_QUOTED = re.compile(r"“([^”]{2,12})”")
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")
# A year after these is the base of a comparison (较2023年下降10%), not the year of the figure.
_BASE = ("较", "比", "与", "同")
# Clauses end at ，；： (not a colon between digits: 4.3：44.1：51.6 is one figure), segments also at 、.
# Texts are compared after NFKC, which writes ！？； as !?;.
SENTENCE_STOPS = "。！？!?"
PIECE_STOPS = SENTENCE_STOPS + "；;"
_CLAUSE = re.compile(r"[，,；;]|(?<!\d)[：:]|[：:](?!\d)")
_SEGMENT = re.compile(r"[，,；;、]|(?<!\d)[：:]|[：:](?!\d)")
_MARKER = re.compile(r"[\[［【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]］】]")
WORD = re.compile(r"[^\W_]+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_LOCK = threading.Lock()
# Words a model frames a sentence with (根据规划，…；文件提出…): they need no support.
FRAMING = frozenset(
    [
        "根据",
        "规划",
        "文件",
        "意见",
        "提出",
        "要求",
        "指出",
        "明确",
        "强调",
        "方面",
        "其中",
        "包括",
        "以及",
        "同时",
        "此外",
        "另外",
        "已经",
        "将要",
        "需要",
        "可以",
    ]
)
# Words that join equals: the words on their two sides may change places (A和B is B和A).
COORDINATORS = frozenset(
    ("和", "与", "及", "以及", "或", "或者", "并", "并且", "同", "跟", "而", "且", "、", "的", "地", "得", "了", "着", "过")
)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_CN_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百]+)(?:点([零〇一二三四五六七八九]+))?")
# A numeral is a number before a unit or 万/亿 (两个, 一年, 三万人); elsewhere it is a word's (一批, 九里, 退二进三).
_UNIT_AFTER = re.compile(r"[万亿年月日个次项倍所家座处条名人户亩元吨套场]|平方|立方|公里|公顷")


def _value(numeral: str) -> int | None:
    """The value of a Chinese numeral written with 十/百/千 (二十五 25, 一百二十 120), None if it is not one (四五, 十四五)."""
    total, digit, last = 0, None, 10**6
    for char in numeral:
        if char in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[char] or None
        else:
            unit = _CN_UNITS[char]
            if unit >= last:
                return None
            total += (digit or 1) * unit
            digit, last = None, unit
    return total + (digit or 0)


def arabic(text: str) -> str:
    """Chinese numerals as digits: 两个 → 2个, 三年 → 3年, 一百二十处 → 120处, 百分之十 → 10%, 十四五 as it is."""

    def percent(match: re.Match) -> str:
        whole = _value(match.group(1))
        if whole is None:
            return match.group(0)
        fraction = "".join(str(_CN_DIGITS[c]) for c in match.group(2) or "")
        return f"{whole}.{fraction}%" if fraction else f"{whole}%"

    def number(match: re.Match) -> str:
        numeral = match.group(0)
        if not _UNIT_AFTER.match(match.string, match.end()):
            return numeral
        value = _value(numeral)
        return numeral if value is None else str(value)

    return _CN_NUMBER.sub(number, _CN_PERCENT.sub(percent, text))


def _plain(text: str) -> str:
    """NFKC without markers or thousands separators (1,700 is 1700)."""
    return THOUSANDS.sub("", unicodedata.normalize("NFKC", _MARKER.sub("", text)))


def _normal(text: str) -> str:
    return "".join(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _bigrams(text: str) -> set[str]:
    normal = _normal(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)} or ({normal} if normal else set())


@lru_cache(maxsize=1)
def _tokenizer():
    from ..indexing.tokenizer import Tokenizer

    with _LOCK:
        return Tokenizer()


@lru_cache(maxsize=1)
def _named_terms() -> frozenset[str]:
    from ..indexing.tokenizer import _data_file

    lines = _data_file("domain_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _mates() -> dict[str, frozenset[str]]:
    """Each SYNONYMS word with the words of its groups."""
    mates: dict[str, set[str]] = {}
    for group in SYNONYMS:
        for word in group:
            mates.setdefault(word, set()).update(group)
    return {word: frozenset(group) for word, group in mates.items()}


def _covered(word: str, text: str) -> bool:
    return any(mate in text for mate in _mates().get(word, (word,)))


def content_words(text: str) -> list[str]:
    """The jieba words that carry content: two characters or more, no stopword, not a bare number."""
    tokenizer = _tokenizer()
    words = tokenizer.words(_MARKER.sub("", text))
    skip = tokenizer.stopwords | FRAMING
    return [w for w in words if len(w) >= 2 and WORD.fullmatch(w) and not w.isdigit() and w not in skip]


def polarity(clause: str) -> frozenset[str]:
    """The kinds of reversal a clause carries: "prohibit", "stop", "negate"."""
    return frozenset(kind for kind, _ in reversals(clause))


# One alternation, longest words first, so that 不得 is a prohibition and not a 不.
_REVERSAL = re.compile("|".join(sorted({*EXEMPT, *PROHIBITIONS, *STOPS, *NEGATIONS}, key=len, reverse=True)))
# Characters after a reversal word that name what it reverses (不坚持 → 坚持, 不快 → 快).
SCOPE_CHARS = 2
# Characters after a reversal word that must be written as in the cited text when the clause draws it from a cited
# clause other than the one it matches (不能处理的, four characters: a phrase, not a coincidence).
REVERSAL_CONTEXT = 4
# A bound written with 不 before a figure (不超过2年, 不少于50项) is a bound, not a negation.
_NEGATED_BOUND = re.compile(r"不(?:超过|高于|低于|少于|多于|大于|小于|足|到)(?=\d)")


def _written(clause: str, item: tuple[str, str], cited: str) -> bool:
    """The reversal word of the item, with REVERSAL_CONTEXT characters after it (at least all but one, at the clause's
    end), word for word in the (normalised) cited text."""
    plain = _normal(clause)
    for match in _REVERSAL.finditer(plain):
        after = plain[match.end() : match.end() + REVERSAL_CONTEXT]
        if after[:SCOPE_CHARS] == item[1] and len(after) >= REVERSAL_CONTEXT - 1 and match.group(0) + after in cited:
            return True
    return False


def reversals(clause: str) -> list[tuple[str, str]]:
    """Each reversal word of a clause as (kind, scope): its kind and the characters it applies to (EXEMPT compounds skipped)."""
    clause = _NEGATED_BOUND.sub(lambda m: "#" * len(m.group(0)), arabic(clause))
    found = []
    for match in _REVERSAL.finditer(clause):
        word = match.group(0)
        if word in EXEMPT:
            continue
        kind = "prohibit" if word in PROHIBITIONS else "stop" if word in STOPS else "negate"
        found.append((kind, _normal(clause[match.end() :])[:SCOPE_CHARS]))
    return found


def _polarity_agrees(clause: str, source: str, cited: str = "") -> bool:
    """Each reversal of the clause is the cited clause's (same kind, same scope), or is written in the cited text with
    the same REVERSAL_CONTEXT characters after it (a clause merging two cited ones); each of the cited clause's
    reversals whose scope the clause repeats is the clause's too (a negation of an omitted part may go)."""
    own, theirs = reversals(clause), reversals(source)
    written = _normal(cited)
    if any(item not in theirs and not _written(clause, item, written) for item in own):
        return False
    return all(item in own for item in theirs if item[1] in _normal(clause))


def _names(text: str, pattern: re.Pattern) -> set[str]:
    names = (m.group(0) for m in pattern.finditer(text))
    return {n for n in names if n[1] not in COMMON_BEFORE[n[-1]] and not set(n[:2]) & NOT_IN_NAMES}


def _bodies(text: str) -> set[str]:
    return set(BODIES.findall(text)) | _names(text, NAMED_BODY)


def _places(text: str) -> set[str]:
    """PLACES in the text, and names before 省/市/县/区 whose two characters are not a verb (报送市交通运输局 names no place)."""
    from ..indexing.tokenizer import is_noun

    return {place for place in PLACES if place in text} | {n for n in _names(text, NAMED_PLACE) if is_noun(n[:2])}


def _features(text: str) -> set[str]:
    """Named waters, regions and authorities: 岚湖湿地, 东部丘陵, 林业主管部门 (a model swaps one for another)."""
    from ..indexing.tokenizer import is_noun

    named = {
        m.group(0)
        for m in NAMED_FEATURE.finditer(text)
        if m.group(1) not in COMMON_FEATURE and not set(m.group(1)) & NOT_IN_NAMES and is_noun(m.group(1))
    }
    named |= {m.group(0) for m in REGION.finditer(text)}
    named |= {m.group(0) for m in AUTHORITY.finditer(text) if m.group(1) not in COMMON_FEATURE}
    return named


def facts(text: str) -> set[str]:
    """Figures with their units, plan periods, places and named subjects: what must be found as written."""
    plain = _plain(text)
    found = {m.group(0) for m in _FIGURE.finditer(plain)} | set(_PERIOD.findall(plain)) | _bodies(plain) | _places(plain)
    found |= _features(plain)
    found |= {w for w in _tokenizer().words(plain) if w in _named_terms()}
    return found


def _pieces(text: str) -> list[str]:
    return [p for p in split_sentences(text, stops=PIECE_STOPS, line_breaks=True) if _normal(p)]


def align(sentence: str, cited: list[str]) -> list[str]:
    """The cited sentences (at most MAX_SENTENCES) that together cover the generated sentence, best first."""
    own = _bigrams(sentence)
    options = [(piece, _bigrams(piece)) for text in cited for piece in _pieces(text)]
    chosen: list[str] = []
    covered: set[str] = set()
    while options and len(chosen) < MAX_SENTENCES:
        piece, grams = max(options, key=lambda option: len((own & option[1]) - covered))
        gain = len((own & grams) - covered)
        if gain == 0 or (chosen and (gain < MIN_GAIN or gain < MIN_GAIN_SHARE * len(own))):
            break
        chosen.append(piece)
        covered |= grams
        options = [option for option in options if option[0] != piece]
    return chosen


def _clauses(text: str, pattern: re.Pattern = _CLAUSE) -> list[str]:
    return [c for c in pattern.split(text) if _normal(c)]


def _windows(pieces: list[str], pattern: re.Pattern = _CLAUSE) -> list[str]:
    """The clauses of the pieces, and each two adjacent clauses of one piece joined (a model merges two into one)."""
    found = []
    for piece in pieces:
        clauses = _clauses(piece, pattern)
        found.extend(clauses)
        found.extend(f"{a}，{b}" for a, b in pairwise(clauses))
    return found


def _matching_clause(clause: str, pool: list[str]) -> str:
    own = _bigrams(clause)
    return max(pool, key=lambda other: (len(own & _bigrams(other)), -len(other))) if pool else ""


def _substituted(word: str, opposite: str, clause: str, source: str) -> bool:
    return word in clause and word not in source and opposite in source and opposite not in clause


def _reversed(clause: str, source: str, cited: str) -> bool:
    """A direction word where the matching cited clause has its opposite, or which the cited text never uses (nor a synonym);
    an opposite where the matching cited clause has the other word."""
    for a, b in DIRECTIONS:
        for word, opposite in ((a, b), (b, a)):
            if word in clause and not _covered(word, cited):
                return True
            if _substituted(word, opposite, clause, source):
                return True
    return any(_substituted(word, opposite, clause, source) for a, b in OPPOSITES for word, opposite in ((a, b), (b, a)))


def _bound_of(text: str, start: int, end: int) -> str:
    """The bound ("lower", "upper" or "") of the figure at text[start:end] (by the bound written before or after it)."""
    before, after = text[max(0, start - 5) : start], re.sub(r"^[万亿千百]", "", text[end : end + 4])
    after = after[1:] if after[:1] in ("底", "末", "初") else after
    kinds = set()
    for words in (
        [(w, kind) for (kind, side), ws in BOUNDS.items() for w in ws if side == "before" and before.endswith(w)],
        [(w, kind) for (kind, side), ws in BOUNDS.items() for w in ws if side == "after" and after.startswith(w)],
    ):
        if words:  # the longest word written there: 不少于 is not 少于
            kinds.add(max(words, key=lambda item: len(item[0]))[1])
    return kinds.pop() if len(kinds) == 1 else ""


def _figures(text: str) -> list[tuple[str, str]]:
    """Each figure of a text with its bound: ("85%", "lower"); fractions (三分之二) too."""
    return [(m.group(0), _bound_of(text, m.start(), m.end())) for pattern in (_FIGURE, _FRACTION) for m in pattern.finditer(text)]


def _bound_reversed(sentence: str, cited: str) -> str:
    """A figure the sentence bounds one way while the cited text bounds it only the other way ("" when none)."""
    theirs = _figures(cited)
    for figure, bound in _figures(sentence):
        bounds = {b for f, b in theirs if f == figure}
        if bound and bounds and bound not in bounds and "" not in bounds:
            return figure
    return ""


def _scope_added(clause: str, source: str, cited: str) -> str:
    """A scope word of the clause that the matching cited clause does not have, and that the cited sentences do not
    have either or where the matching clause has a scope word of another kind (所有 against 部分) ("" when none)."""
    clause, source = (text.replace("不仅", "").replace("只要", "") for text in (clause, source))
    for kind, words in SCOPE.items():
        others = [w for other, ws in SCOPE.items() if other != kind for w in ws if w in source]
        for word in words:
            if word in clause and word not in source and (word not in cited or others):
                return word
    return ""


def _modality_reversed(clause: str, source: str, cited: str) -> str:
    """The modal word of the clause the citation does not allow ("" when none)."""
    for word in (*OBLIGATIONS, *CHOICES):
        if word in clause and word not in cited:
            return word
    obliges, permits = OBLIGE.search(clause), PERMIT.search(clause)
    if obliges and not OBLIGE.search(source) and PERMIT.search(source):
        return obliges.group(0)
    if permits and not PERMIT.search(source) and OBLIGE.search(source):
        return permits.group(0)
    return ""


def _slots(text: str, numerals: bool = False) -> dict[str, set[str]]:
    """What a clause binds together, by kind: figures (with their bound), bodies, places, levels, periods.

    With numerals (a cited clause), its Chinese numerals count as figures too (一年 is 1年).
    """
    found: dict[str, set[str]] = {}
    for figure, bound in _figures(arabic(text) if numerals else text):
        if not _YEAR.fullmatch(figure) and not _BARE_YEAR.fullmatch(figure):
            unit = "fraction" if _FRACTION.fullmatch(figure) else re.sub(r"^[\d.]+", "", figure)
            found.setdefault(f"figure {unit}", set()).add(f"{figure} {bound}".strip())
    found["body"] = _bodies(text)
    found["place"] = _places(text)
    found["level"] = set(_LEVEL.findall(text))
    found["period"] = {p.replace("每天", "每日") for p in _PERIODS.findall(text)}  # 每天 and 每日 are one period
    return {kind: values for kind, values in found.items() if values}


def _has(value: str, slots: dict[str, set[str]], kind: str) -> bool:
    """The value among the slots of its kind; a figure without a bound matches it with any bound, and the other way."""
    if not kind.startswith("figure"):
        return value in slots.get(kind, set())
    figure, _, bound = value.partition(" ")
    return any(f == figure and (not bound or not b or b == bound) for f, _, b in (v.partition(" ") for v in slots.get(kind, ())))


def _digitless(text: str) -> set[str]:
    return _bigrams(re.sub(r"[\d.%]+", "", text))


def _bare(segment: str) -> bool:
    """A segment with no verb of its own (徐州市2017和2018年度、…): it shares the predicate of the one after it."""
    from ..indexing.tokenizer import is_noun

    return all(is_noun(w) or w[:1].isdigit() or not _content_or_figure(w) for w in _tokens(segment))


def _holding(pieces: list[str]) -> list[str]:
    """The segments of the pieces, and each bare segment joined to the rest of its clause (A、B、C等七个园区)."""
    found = []
    for clause in (c for piece in pieces for c in _clauses(piece)):
        segments = _clauses(clause, _SEGMENT)
        found.extend(segments)
        found.extend("，".join(segments[i:]) for i in range(len(segments) - 1) if _bare(segments[i]))
    return found


def _swapped(clause: str, segments: list[str], holding: list[str], headings: str = "") -> str:
    """A value of the clause swapped for another of the same kind in the cited clause it copies ("" when none).

    A place or body the cited unit's title or headings name (the document's 鹤溪市) is the clause's
    subject, not a swap.
    """
    own = _slots(clause)
    for part in _clauses(clause, _SEGMENT):
        grams = _digitless(part)
        if not own or not segments:
            return ""
        best = max(segments, key=lambda segment: (len(grams & _digitless(segment)), -len(segment)))
        best_overlap = len(grams & _digitless(best))
        theirs = _slots(best, True)
        # the clause's other values may be the cited clause's when it gives two (A和B分别为X和Y)
        mine = own if "分别" in clause else _slots(part)
        for kind, values in _slots(part).items():
            others = [v for v in theirs.get(kind, ()) if not _has(v, mine, kind)]
            for value in sorted(values):
                if _has(value, theirs, kind) or not others or (kind in ("place", "body") and value in headings):
                    continue
                holders = [s for s in holding if _has(value, _slots(s, True), kind) and not _conflicts(_slots(part), _slots(s, True))]
                if all(_elsewhere(grams, _digitless(best), _digitless(s), best_overlap) for s in holders):
                    return value
    return ""


def _elsewhere(grams: set[str], best: set[str], holder: set[str], best_overlap: int) -> bool:
    """Whether a cited segment holding the clause's value is another segment than the one the clause copies: it matches
    far less well (SWAP_MARGIN), or the clause has none of its own words and some of the copied one's (乡镇带宽… 50兆
    when 50兆 is 村（社区）带宽's)."""
    if len(grams & holder) < SWAP_MARGIN * best_overlap:
        return True
    return not grams & (holder - best) and bool(grams & (best - holder))


def _conflicts(own: dict[str, set[str]], theirs: dict[str, set[str]]) -> bool:
    """Whether the cited clause gives, of a kind both name, only values the clause does not have (20%以上 against 20%以内)."""
    return any(
        not any(_has(v, theirs, kind) for v in values) and not any(_has(v, own, kind) for v in theirs[kind])
        for kind, values in own.items()
        if kind in theirs
    )


def _tokens(text: str) -> list[str]:
    """The clause's words for the order test: content words of two characters or more, figures whole, other words kept as pivots."""
    out: list[str] = []
    plain = _plain(text)
    position = 0
    for figure in _FIGURE.finditer(plain):
        out.extend(_tokenizer().words(plain[position : figure.start()]))
        out.append(figure.group(0))
        position = figure.end()
    out.extend(_tokenizer().words(plain[position:]))
    return [w for w in out if WORD.fullmatch(w)]


def _sides(words: list[str], pivot: str) -> tuple[set[str], set[str]]:
    at = words.index(pivot)
    keep = _content_or_figure
    return {w for w in words[:at] if keep(w)}, {w for w in words[at + 1 :] if keep(w)}


def _content_or_figure(word: str) -> bool:
    tokenizer = _tokenizer()
    return (len(word) >= 2 and word not in tokenizer.stopwords and word not in FRAMING) or word[:1].isdigit()


def _crossed(clause: str, sources: list[str], cited: str) -> str:
    """A verb or preposition (a pivot) the clause shares with a cited clause, with a word moved from its one side to its
    other and another moved back, or replaced by a noun the citation does not have ("" when none)."""
    words = _tokens(clause)
    tokenized = [_tokens(source) for source in sources]
    for pivot in sorted(_pivots(words)):
        before, after = _sides(words, pivot)
        before, after = before - after, after - before  # a word on both sides has no side
        holders = [source for source in tokenized if source.count(pivot) == 1]
        sides = [_sides(source, pivot) for source in holders]
        for their_before, their_after in sides:
            back = (after & their_before) - their_after
            forth = (before & their_after) - their_before
            new = {w for w in before if not w[:1].isdigit() and w not in cited}
            if not back or not (forth or new):
                continue
            # the same two words in the clause's order in another cited clause: not a reversal
            moved = forth or new
            if not any(moved & b and back & a for b, a in sides):
                return pivot
    return ""


def _pivots(words: list[str]) -> set[str]:
    """The words of a clause that relate the words around them: verbs and prepositions written once (not 和, 的, figures)."""
    from ..indexing.tokenizer import is_noun

    return {w for w in words if words.count(w) == 1 and w not in COORDINATORS and not is_noun(w) and not w[:1].isdigit()}


def _exchanged(clauses: list[str], sources: list[str]) -> str:
    """Two verbs of the sentence, each in a clause of its own as in the citation, that took each other's words on one side
    (优先保障A，兼顾B written 优先保障B，兼顾A; A负责X，B承担Y written B负责X，A承担Y) ("" when none)."""
    own = _instances(clauses)
    theirs = _instances(sources)
    count = {word: (sum(x[1] == word for x in own), sum(x[1] == word for x in theirs)) for word in {x[1] for x in own}}
    for (i, p, mine_p), (k, q, mine_q) in combinations(own, 2):
        # two verbs, each written once in the sentence and once in the citation
        if i == k or count[p] != (1, 1) or count[q] != (1, 1):
            continue
        (_, _, their_p), (_, _, their_q) = (next(x for x in theirs if x[1] == word) for word in (p, q))
        if next(x[0] for x in theirs if x[1] == p) == next(x[0] for x in theirs if x[1] == q):
            continue
        if any(_leans(mine_p[side], mine_q[side], their_q[side], their_p[side]) for side in (0, 1)):
            return f"{p}/{q}"
    return ""


def _instances(clauses: list[str]) -> list[tuple[int, str, tuple[set[str], set[str]]]]:
    """(clause number, pivot, its two sides) for each pivot of each clause."""
    found = []
    for i, words in enumerate(map(_tokens, clauses)):
        found.extend((i, pivot, _sides(words, pivot)) for pivot in sorted(_pivots(words)))
    return found


def _leans(mine_p: set[str], mine_q: set[str], their_p: set[str], their_q: set[str]) -> bool:
    """Whether the first side holds a word only their_p's side has (and the second side does not), and the second side
    one only their_q's has (and the first does not): a word moved each way."""
    only_p, only_q = their_p - their_q, their_q - their_p
    return bool((mine_p & only_p) - mine_q) and bool((mine_q & only_q) - mine_p)


def _replaced(clause: str, source: str, cited: str) -> str:
    """A word of the matching cited clause that the clause, otherwise copying it, replaced ("" when none): by its opposite
    (多 → 少, 退出 → 进入: CHAR_OPPOSITES and the pairs above) or by a word the citation uses elsewhere (优势企业 → 中小企业).

    Only a one- or two-word replacement counts, in a clause that shares at least COPY_SHARE of its bigrams with the
    cited clause: a model rewording a sentence replaces more, and its own words are the content test's.
    """
    import difflib

    grams = _bigrams(clause)
    if not grams or len(grams & _bigrams(source)) < COPY_SHARE * len(grams):
        return ""
    mine, theirs = _tokenizer().words(clause), _tokenizer().words(source)
    pairs = {*DIRECTIONS, *OPPOSITES, *CHAR_OPPOSITES}
    for op, i, j, k, m in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if op != "replace" or j - i > 2 or m - k > 2:
            continue
        new, old = "".join(mine[i:j]), "".join(theirs[k:m])
        if (new, old) in pairs or (old, new) in pairs:
            return f"{old} → {new}"
        words = _content_or_figure
        # a noun phrase (three characters or more: 中小企业 for 优势企业), not a verb or an adverb a model rewords
        if (
            min(len(new), len(old)) >= 3
            and all(words(w) and not w[:1].isdigit() for w in mine[i:j])
            and all(words(w) and not w[:1].isdigit() for w in theirs[k:m])
            and new in cited
            and new not in source
            and old not in clause
            and not _covered(new, old)
        ):
            return f"{old} → {new}"
    return ""


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence is faithful to its cited text, and if not the first reason found."""

    faithful: bool
    reason: str = ""


def _occurs(fact: str, text: str) -> bool:
    """The fact in the text, a figure not as the tail of a longer one (8万套 is not in 18万套).

    A figure may be written with another magnitude (1.2万个 for 12000个, 3500元 for 0.35万元), and
    a table cell may give it bare under a column that names the unit (1500 under "（万元/年）"): the
    same value in the same unit occurs.
    """
    if not fact[:1].isdigit():
        return fact in text
    return re.search(rf"(?<![\d.]){re.escape(fact)}", text) is not None or _same_value(fact, text)


_VALUE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?")
_MAGNITUDES = {"": 1.0, "万": 1e4, "亿": 1e8}


def _same_value(fact: str, text: str) -> bool:
    """The fact's value (number × 万/亿) in its unit among the text's figures, a bare one taking a unit the text names."""
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(万|亿)?(.+)", fact)
    if found is None or found.group(3) in ("%", "年", "月", "日", "个百分点"):
        return False  # a share, a date or a plain number is compared as written
    value, unit = float(found.group(1)) * _MAGNITUDES[found.group(2) or ""], found.group(3)
    for figure in _VALUE.finditer(text):
        after = text[figure.end() : figure.end() + len(unit)]
        magnitude = figure.group(2) or ""
        if after != unit:
            # a bare cell under a column that names its unit: "（万元/年） … 1500"
            column = next((m for m in ("亿", "万", "") if f"（{m}{unit}" in text or f"({m}{unit}" in text), None)
            if column is None or magnitude or re.match(r"\s*[\u4e00-\u9fff%]", text[figure.end() :]):
                continue
            magnitude = column
        if abs(float(figure.group(1)) * _MAGNITUDES[magnitude] - value) < 1e-6 * max(value, 1.0):
            return True
    return False


def _qualifiers_before(text: str, figure: str) -> dict[str, set[str]]:
    """By kind, the place, the year and the quoted name (“煤改气”) written last before each occurrence of the figure."""
    found: dict[str, set[str]] = {"place": set(), "year": set(), "quote": set()}
    for match in re.finditer(rf"(?<![\d.]){re.escape(figure)}", text):
        head = text[: match.start()]
        last = max((head.rfind(place), place) for place in PLACES)
        if last[0] >= 0:
            found["place"].add(last[1])
        years = [m.group(0) for m in _YEAR.finditer(head) if head[m.start() - 1 : m.start()] not in _BASE]
        if years and not _YEAR.fullmatch(figure):
            found["year"].add(years[-1])
        quotes = _QUOTED.findall(head)
        if quotes:
            found["quote"].add(quotes[-1])
    return found


def _misbound(sentence: str, source: str) -> str:
    """A figure the sentence ties to one place, year or quoted name while the cited text ties it to another ("" when none)."""
    for match in _FIGURE.finditer(sentence):
        figure = match.group(0)
        own = _qualifiers_before(sentence[: match.end()], figure)
        theirs = _qualifiers_before(source, figure)
        if any(own[kind] and theirs[kind] and not own[kind] & theirs[kind] for kind in own):
            return figure
    return ""


def _context_misbound(sentence: str, pieces: list[str]) -> str:
    """A figure given just after a clause without figures (对举报瞒报事故的，…) that the cited sentence this clause copies does not hold.

    Such a clause, ending in a comma, is the condition or subject of the clause after it; when it
    copies one cited sentence (CONTEXT_MATCH of its bigrams, in one sentence only) the figures of
    the next clause must be in that sentence.
    """
    context = None
    for clause, end in re.findall(r"([^，,；;：:]+)([，,；;：:]?)", sentence):
        figures = [f for f in _FIGURE.findall(clause) if not _YEAR.fullmatch(f) and not _BARE_YEAR.fullmatch(f)]
        for figure in figures:
            holders = [piece for piece in pieces if _occurs(figure, piece) or _occurs(figure, arabic(piece))]
            if context is not None and holders and context not in holders:
                return figure
        context = None
        grams = _bigrams(clause)
        if not figures and grams and end in "，,":  # a condition or subject for the clause after the comma
            shares = [len(grams & _bigrams(piece)) / len(grams) for piece in pieces]
            best = max(shares, default=0.0)
            if best >= CONTEXT_MATCH and shares.count(best) == 1:
                context = pieces[shares.index(best)]
    return ""


def _uncovered(words: list[str], text: str) -> list[str]:
    return [w for w in words if not _covered(w, text)]


def as_cited(sentence: str, headings: str) -> str:
    """The sentence's facts as the citation writes them: a document named by its title (《…“十四五”…》) carries no
    facts of its own, and a fraction written 2/3 is 三分之二."""
    sentence = re.sub(r"《([^》]+)》", lambda m: "" if m.group(1) in headings else m.group(0), sentence)
    return re.sub(r"(?<![\d.])([1-9])\s*/\s*([1-9]|10)(?![\d.])", lambda m: f"{_CN[int(m[2])]}分之{_CN[int(m[1])]}", sentence)


_CN = "零一二三四五六七八九十"


def judge(sentence: str, cited: list[str], headings: str = "") -> Verdict:
    """Checks a generated sentence (markers removed) against the texts of the units it cites.

    Args:
        sentence: the generated sentence.
        cited: the cited units' bodies, in marker order.
        headings: the cited units' titles and headings: a place or subject named there (the
            document's 江苏省, 老矿区) may be the sentence's without being repeated in the body.

    Returns:
        Verdict(True) when polarity, direction, bounds, scope, modality, facts, binding, order
        and content words all agree.
    """
    cited = [_plain(text) for text in cited]
    headings = _plain(headings)
    sentence = _plain(sentence)
    chosen = align(sentence, cited)
    if not chosen:
        return Verdict(False, "no cited sentence")
    aligned = "".join(chosen)
    # the full sentences (to 。) around the chosen pieces: a subject before a ； carries over
    sentences = [s for text in cited for s in split_sentences(text, stops=SENTENCE_STOPS) if any(c in s for c in chosen)]
    around = "".join(sentences) + headings
    for fact in sorted(facts(as_cited(sentence, headings))):
        figure = bool(_FIGURE.fullmatch(fact) or _PERIOD.fullmatch(fact))
        if not (_occurs(fact, aligned) or _occurs(fact, arabic(aligned))) if figure else fact not in around:
            return Verdict(False, f"not in the cited sentence: {fact}")
    misbound = _misbound(sentence, around)
    if misbound:
        return Verdict(False, f"figure of another place, year or name: {misbound}")
    misbound = _context_misbound(sentence, [p for s in sentences for p in _pieces(s)])
    if misbound:
        return Verdict(False, f"figure of another case: {misbound}")
    if _DONE.search(sentence) and not _DONE.search(around) and _FUTURE.search(around):
        return Verdict(False, "a target told as done")
    bound = _bound_reversed(sentence, arabic(aligned))
    if bound:
        return Verdict(False, f"bound reversed: {bound}")
    pool = _windows(sentences)
    segments = [s for piece in chosen for s in _clauses(piece, _SEGMENT)]
    holding = _holding(chosen)
    single = [c for piece in chosen for c in _clauses(piece)]
    for clause in _clauses(sentence):
        source = _matching_clause(clause, pool)
        if not _polarity_agrees(clause, source, around):
            return Verdict(False, f"polarity differs: {clause}")
        if _reversed(clause, source, around):
            return Verdict(False, f"reversed: {clause}")
        checks = (
            ("scope word not in the cited clause", _scope_added(clause, source, aligned)),
            ("modality differs", _modality_reversed(clause, source, around)),
            ("swapped within the citation", _swapped(clause, segments, holding, headings)),
            ("words moved across", _crossed(clause, single, " ".join([*cited, headings]))),
            ("word replaced", _replaced(clause, source, " ".join(cited))),
        )
        for reason, found in checks:
            if found:
                return Verdict(False, f"{reason}: {found} ({clause})")
    exchanged = _exchanged(_clauses(sentence), single)
    if exchanged:
        return Verdict(False, f"words exchanged between verbs: {exchanged}")
    everything = _normal(" ".join([*cited, headings]))
    words = content_words(sentence)
    if words and len(words) - len(_uncovered(words, everything)) < CONTENT_SUPPORT * len(words):
        return Verdict(False, "content words not covered")
    for clause in _clauses(sentence):
        own = content_words(clause)
        missing = _uncovered(own, everything)
        added = len(missing) >= ADDED_WORDS and len(missing) >= ADDED_SHARE * len(own)
        if own and (len(own) - len(missing) < CLAUSE_SUPPORT * len(own) or added):
            return Verdict(False, f"clause not covered: {clause} ({'、'.join(missing)})")
    return Verdict(True)


__all__ = [
    "ANTONYMS",
    "DIRECTIONS",
    "NEGATIONS",
    "OPPOSITES",
    "PLACES",
    "PROHIBITIONS",
    "STOPS",
    "SYNONYMS",
    "Verdict",
    "align",
    "arabic",
    "content_words",
    "facts",
    "judge",
    "polarity",
]
