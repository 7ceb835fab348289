"""Faithfulness: whether a generated sentence says what its cited sentences say, not only with the same characters.

Character bigrams cannot see a reversal: "不需要增加补助资金" shares almost all of its bigrams
with "需要增加补助资金". So a sentence that passed the overlap test is aligned with the cited
sentences that cover it (at most MAX_SENTENCES, each adding something) and must then agree with
them on every point below, or it is dropped:

- polarity: each clause (split at ，；：) has the same negation, prohibition and stop words as
  the cited clause it matches best (NEGATIONS, PROHIBITIONS, STOPS, with EXEMPT compounds such as
  不断 and 未来 not counted);
- direction: a word of an antonym pair (ANTONYMS: 增加/减少, 扩大/压减 …) must not stand where
  the cited clause has its opposite;
- facts: every number with its unit, year, plan period (十四五), place (PLACES) and named subject
  (the domain dictionary's terms, bodies such as 国务院) occurs in the cited sentences;
- content: at least CONTENT_SUPPORT of the sentence's jieba content words, and CLAUSE_SUPPORT of
  each clause's, occur in the cited units (an added claim brings words of its own).

The lists are the documented ones (docs/reliability.md); tests/answer/faithfulness_redteam.jsonl
measures them (a development half and a held-out half).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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

NEGATIONS = ("不", "未", "无", "非", "没", "勿", "莫", "否")
# Compounds in which those characters do not negate (不断提高 is not a reversal of 提高).
EXEMPT = ("不断", "不仅", "不但", "不少", "不同", "不久", "未来", "无论", "非常", "毫不", "坚定不移", "无缝")
PROHIBITIONS = ("禁止", "严禁", "不得", "不准", "不许", "杜绝", "不应", "不宜")
STOPS = ("停止", "暂停", "取消", "中止", "终止", "废止", "撤销", "放弃")
# Pairs of opposites: one word standing where the cited clause has the other is a reversal.
ANTONYMS = (
    ("增加", "减少"),
    ("增长", "下降"),
    ("增长", "减少"),
    ("扩大", "压减"),
    ("扩大", "缩小"),
    ("扩大", "淘汰"),
    ("提高", "降低"),
    ("提升", "降低"),
    ("提升", "下降"),
    ("提高", "下降"),
    ("上升", "下降"),
    ("加快", "放缓"),
    ("加强", "削弱"),
    ("强化", "削弱"),
    ("强化", "弱化"),
    ("加大", "减小"),
    ("加大", "减弱"),
    ("增强", "减弱"),
    ("增强", "削弱"),
    ("鼓励", "限制"),
    ("支持", "限制"),
    ("推进", "暂停"),
    ("新建", "关闭"),
    ("较大", "较小"),
    ("明显", "没有"),
    ("壮大", "萎缩"),
    ("增大", "减小"),
    ("增大", "减少"),
    ("加强", "放松"),
    ("完善", "削弱"),
    ("先进", "落后"),
)
# Places the corpus names (and the provinces and Jiangsu's cities a model may swap in).
PLACES = (
    "江苏",
    "徐州",
    "常州",
    "南京",
    "无锡",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
    "贾汪",
    "沛县",
    "铜山",
    "泉山",
    "鼓楼",
    "云龙",
    "九里",
    "大黄山",
    "安国湖",
    "庞庄",
    "权台",
    "新沂",
    "邳州",
    "睢宁",
    "丰县",
    "戚墅堰",
    "武进",
    "新北",
    "天宁",
    "钟楼",
    "金坛",
    "溧阳",
    "经开区",
    "山西",
    "内蒙古",
    "陕西",
    "河南",
    "山东",
    "安徽",
    "河北",
    "黑龙江",
    "吉林",
    "辽宁",
    "贵州",
    "云南",
    "四川",
    "重庆",
    "甘肃",
    "宁夏",
    "新疆",
    "湖南",
    "湖北",
    "江西",
    "浙江",
    "上海",
    "北京",
    "天津",
    "广东",
    "东北",
    "西北",
    "华东",
    "长三角",
    "淮海",
)
_BODIES = re.compile(r"国务院|党中央|中央|省委|省政府|发展改革委|财政部|自然资源部|国家能源局|工业和信息化部|人民政府")
_PERIOD = re.compile(r"[十][一二三四五六七八九]五")
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:%|‰|个百分点|[万亿千百]?(?:平方公里|公里|亩|人|户|套|处|家|个|所|元|吨|项|座|条|年|度|倍))?")
_CLAUSE = re.compile(r"[，,；;：:]")
_MARKER = re.compile(r"[\[［【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]］】]")
_WORD = re.compile(r"[^\W_]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
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


def _plain(text: str) -> str:
    """NFKC without markers or thousands separators (1,700 is 1700)."""
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", _MARKER.sub("", text)))


def _normal(text: str) -> str:
    return "".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


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


def content_words(text: str) -> list[str]:
    """The jieba words that carry content: two characters or more, no stopword, not a bare number."""
    tokenizer = _tokenizer()
    words = tokenizer.words(_MARKER.sub("", text))
    skip = tokenizer.stopwords | FRAMING
    return [w for w in words if len(w) >= 2 and _WORD.fullmatch(w) and not w.isdigit() and w not in skip]


def polarity(clause: str) -> frozenset[str]:
    """The kinds of reversal a clause carries: "prohibit", "stop", "negate"."""
    return frozenset(kind for kind, _ in reversals(clause))


# One alternation, longest words first, so that 不得 is a prohibition and not a 不.
_REVERSAL = re.compile("|".join(sorted({*EXEMPT, *PROHIBITIONS, *STOPS, *NEGATIONS}, key=len, reverse=True)))
# Characters after a reversal word that name what it reverses (不坚持 → 坚持, 不快 → 快).
SCOPE = 2


def reversals(clause: str) -> list[tuple[str, str]]:
    """Each reversal word of a clause as (kind, scope): its kind and the characters it applies to (EXEMPT compounds skipped)."""
    found = []
    for match in _REVERSAL.finditer(clause):
        word = match.group(0)
        if word in EXEMPT:
            continue
        kind = "prohibit" if word in PROHIBITIONS else "stop" if word in STOPS else "negate"
        found.append((kind, _normal(clause[match.end() :])[:SCOPE]))
    return found


def _polarity_agrees(clause: str, source: str) -> bool:
    """Each reversal of the clause is the cited clause's (same kind, same scope); each of the cited clause's
    reversals whose scope the clause repeats is the clause's too (a negation of an omitted part may go)."""
    own, theirs = reversals(clause), reversals(source)
    if any(item not in theirs for item in own):
        return False
    return all(item in own for item in theirs if item[1] in _normal(clause))


def facts(text: str) -> set[str]:
    """Figures with their units, plan periods, places and named subjects: what must be found as written."""
    plain = _plain(text)
    found = {m.group(0) for m in _FIGURE.finditer(plain)} | set(_PERIOD.findall(plain)) | set(_BODIES.findall(plain))
    found |= {place for place in PLACES if place in plain}
    found |= {w for w in _tokenizer().words(plain) if w in _named_terms()}
    return found


def _pieces(text: str) -> list[str]:
    return [p for p in split_sentences(text, stops="。！？；", line_breaks=True) if _normal(p)]


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


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if _normal(c)]


def _matching_clause(clause: str, pool: list[str]) -> str:
    own = _bigrams(clause)
    return max(pool, key=lambda other: (len(own & _bigrams(other)), -len(other))) if pool else ""


def _reversed(clause: str, source: str, cited: str) -> bool:
    """A word of an antonym pair where the matching cited clause has its opposite (and not the word), or which the cited text never uses."""
    for a, b in ANTONYMS:
        if (a in clause and a not in cited) or (b in clause and b not in cited):
            return True
        for word, opposite in ((a, b), (b, a)):
            if word in clause and word not in source and opposite in source and opposite not in clause:
                return True
    return False


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence is faithful to its cited text, and if not the first reason found."""

    faithful: bool
    reason: str = ""


def _occurs(fact: str, text: str) -> bool:
    """The fact in the text, a figure not as the tail of a longer one (8万套 is not in 18万套)."""
    if not fact[:1].isdigit():
        return fact in text
    return re.search(rf"(?<![\d.]){re.escape(fact)}", text) is not None


def _places_before(text: str, figure: str) -> set[str]:
    """The place named last before each occurrence of the figure in the text (empty when none is)."""
    found = set()
    for match in re.finditer(re.escape(figure), text):
        before = [(text.rfind(place, 0, match.start()), place) for place in PLACES]
        last = max(before)
        if last[0] >= 0:
            found.add(last[1])
    return found


def _misbound(sentence: str, source: str) -> str:
    """A figure the sentence ties to one place while the cited text ties it to another ("" when none)."""
    for match in _FIGURE.finditer(sentence):
        figure = match.group(0)
        own = _places_before(sentence[: match.end()], figure)
        theirs = _places_before(source, figure)
        if own and theirs and not own & theirs:
            return figure
    return ""


def judge(sentence: str, cited: list[str], headings: str = "") -> Verdict:
    """Checks a generated sentence (markers removed) against the texts of the units it cites.

    Args:
        sentence: the generated sentence.
        cited: the cited units' bodies, in marker order.
        headings: the cited units' titles and headings: a place or subject named there (the
            document's 江苏省, 老矿区) may be the sentence's without being repeated in the body.

    Returns:
        Verdict(True) when polarity, direction, facts and content words all agree.
    """
    chosen = align(sentence, cited)
    if not chosen:
        return Verdict(False, "no cited sentence")
    sentence = _plain(sentence)
    aligned = _plain("".join(chosen))
    # the full sentences (to 。) around the chosen pieces: a subject before a ； carries over
    around = "".join(s for text in cited for s in split_sentences(text, stops="。！？") if any(c in s for c in chosen))
    around = _plain(around + headings)
    for fact in sorted(facts(sentence)):
        figure = bool(_FIGURE.fullmatch(fact) or _PERIOD.fullmatch(fact))
        if not _occurs(fact, aligned if figure else around):
            return Verdict(False, f"not in the cited sentence: {fact}")
    misbound = _misbound(sentence, around)
    if misbound:
        return Verdict(False, f"figure of another place: {misbound}")
    pool = [c for piece in chosen for c in _clauses(piece)]
    for clause in _clauses(sentence):
        source = _matching_clause(clause, pool)
        if not _polarity_agrees(clause, source):
            return Verdict(False, f"polarity differs: {clause}")
        if _reversed(clause, source, around):
            return Verdict(False, f"reversed: {clause}")
    everything = _normal(" ".join([*cited, headings]))
    words = content_words(sentence)
    if words and sum(w in everything for w in words) < CONTENT_SUPPORT * len(words):
        return Verdict(False, "content words not covered")
    for clause in _clauses(sentence):
        own = content_words(clause)
        if own and sum(w in everything for w in own) < CLAUSE_SUPPORT * len(own):
            return Verdict(False, f"clause not covered: {clause}")
    return Verdict(True)


__all__ = ["ANTONYMS", "NEGATIONS", "PLACES", "PROHIBITIONS", "STOPS", "Verdict", "align", "content_words", "facts", "judge", "polarity"]
