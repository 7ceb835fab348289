"""English questions: read with a bilingual glossary and the corpus's own place names in pinyin, answered in Chinese.

No translation model is reachable offline, so an English question is turned into the Chinese question it
asks: its question form ("how many households" → 多少户, "why" → 为什么, "which departments" → 哪些部门)
from a fixed table, its terms from `data/glossary_en.tsv` (general policy vocabulary, longest phrase
first), its years as 2025年, and its proper nouns from the indexed documents' own place and document names
matched by pinyin ("Jiawang District" → 贾汪区). Words it cannot read are named, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from ..indexing.tokenizer import place_names

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
MIN_WORDS = 3  # fewer English words than this is a Chinese question with a term in it ("GDP是多少")
_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|[a-z][a-z'’-]*|[\u3400-\u9fff]+")
MAX_PHRASE = 5  # words in the longest glossary phrase
PLACE_SUFFIXES = "省市县区镇乡村"  # what "Jiangsu Province", "Pei County", "Jiawang District" end in

COUNTED = "counted"  # the unit of a "how many" question is the noun after it: "how many households" → 多少户
# The question form, matched at the start of the lower-cased question: (pattern, Chinese cue, the unit asked).
FORMS: tuple[tuple[re.Pattern, str, str], ...] = tuple(
    (re.compile(pattern), cue, unit)
    for pattern, cue, unit in (
        (r"^(?:in )?(?:which|what) (?:chapter|section|part|article|clause)s?\b", "在哪一部分", ""),
        (r"^(?:how many|how much)\b", "多少", COUNTED),
        (r"^(?:what|which) (?:share|proportion|percentage)\b", "多少", "比重"),
        (r"^(?:what|which) (?:ratio|rate)\b", "多少", "比例"),
        (r"^(?:by )?(?:when|what year|which year|what date|what time)\b", "什么时候", ""),
        (r"^why\b", "为什么", ""),
        (r"^how (?:do|does|did|will|would|can|could|should|shall|is|are|to)\b", "如何", ""),
        (r"^how\b", "如何", ""),
        (r"^(?:who|which (?:department|agency|agencies|bod(?:y|ies)|organ|institution|authorit(?:y|ies))s?)\b", "哪些部门", ""),
        (r"^(?:where|which (?:area|region|place|city|cities|count(?:y|ies)|district|province)s?)\b", "哪些地区", ""),
        (r"^what (?:does|do) .+ mean\b", "是指什么", ""),
        (r"^what is meant by\b", "是指什么", ""),
        (r"^(?:what|which) (?:are|were)\b", "有哪些", ""),
        # "what safeguard measures …": a plural noun within the next three words asks for a list
        (r"^(?:which|what)(?= (?!is\b|was\b|does\b|has\b|this\b|it\b)(?:[a-z-]+ ){0,2}[a-z-]{2,}[^s']s\b)", "有哪些", ""),
        (r"^(?:list|name)\b", "有哪些", ""),
        (r"^(?:what|which)\b", "是什么", ""),
        (r"^(?:is|are|was|were|does|do|did|will|would|can|could|should|has|have|must)\b", "吗", ""),
    )
)



@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """English function and question words (data/stopwords_en.txt): they carry no topic of their own."""
    text = (resources.files("assistant") / "data" / "stopwords_en.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))



def is_english(text: str) -> bool:
    """Whether a question is written in English: three English words or more, among them a function or question word,
    and more English letters than Chinese characters."""
    words = _LATIN_WORD.findall(text)
    letters = sum(len(w) for w in words)
    # a sentence of English has function or question words ("what", "the", "is"); markup or code has none
    grammatical = any(w.lower() in _stopwords() for w in words)
    return len(words) >= MIN_WORDS and letters > 2 * len(_CJK.findall(text)) and grammatical


def _singular(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s").rstrip("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, ...], str]:
    """The glossary: English phrase (singular words) → Chinese term."""
    text = (resources.files("assistant") / "data" / "glossary_en.tsv").read_text(encoding="utf-8")
    table: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, _, chinese = line.partition("\t")
        key = tuple(_singular(w) for w in english.lower().split())
        if key and chinese.strip():
            table[key] = chinese.strip()
    return table


def _lookup(table: dict[tuple[str, ...], str], words: list[str]) -> str | None:
    """The glossary term of a phrase, its last word also tried without -ing/-ed/-d (transforming → transform)."""
    *head, last = words
    for form in (last, last[:-3], last[:-3] + "e", last[:-2], last[:-1]) if len(last) > 4 else (last,):
        found = table.get((*head, form))
        if found:
            return found
    return None


@dataclass(frozen=True)
class Reading:
    """An English question read as Chinese: the question to answer and the words that could not be read."""

    chinese: str
    unread: tuple[str, ...]


class Reader:
    """Reads English questions against one index (its vocabulary gives the place names)."""

    def __init__(self, vocabulary: frozenset[str], documents: tuple = ()) -> None:
        self.vocabulary = vocabulary
        self.documents = documents

    @cached_property
    def _names(self) -> dict[str, str]:
        """Pinyin (no tones, no spaces) → a place or document name of the corpus; stems of 贾汪区-like names too."""
        from pypinyin import lazy_pinyin

        gazetteer = place_names()
        names = {w for w in self.vocabulary if len(w) >= 2 and _CJK.match(w) and w in gazetteer}
        for spec in self.documents:
            names.update(a for a in spec.aliases if len(a) <= 4)
        table: dict[str, str] = {}
        for name in sorted(names, key=len):  # the shorter name of a sound wins: 江苏 before 江苏省
            table.setdefault("".join(lazy_pinyin(name)), name)
            if len(name) >= 3 and name[-1] in PLACE_SUFFIXES:
                table.setdefault("".join(lazy_pinyin(name[:-1])), name[:-1])
        return table

    @cached_property
    def _short_names(self) -> dict[tuple[str, str], str]:
        """(pinyin of the stem, suffix) → a two-character place of the corpus (沛县: ("pei", "县")), read once."""
        from pypinyin import lazy_pinyin

        return {
            ("".join(lazy_pinyin(w[0])), w[1]): w
            for w in sorted(self.vocabulary)
            if len(w) == 2 and w[1] in PLACE_SUFFIXES and _CJK.match(w)
        }

    def _place(self, word: str, following: str | None) -> tuple[str | None, bool]:
        """The corpus name a romanised word spells, joined with a following 区/县/市 word when the joined name exists."""
        name = self._names.get(word.replace("-", "").replace("'", ""))
        suffix = glossary().get((following,), "") if following else ""
        if name and suffix in tuple(PLACE_SUFFIXES) and name + suffix in self.vocabulary:
            return name + suffix, True
        if name is None and suffix in tuple(PLACE_SUFFIXES):  # "Pei County": a one-character stem is read only with its suffix
            short = self._short_names.get((word, suffix))
            if short:
                return short, True
        return name, False

    def read(self, question: str) -> Reading:
        """The Chinese question an English one asks (its cue last), and the words left unread."""
        lowered = question.strip().lower().replace("’", "'")
        cue, unit, rest = "", "", lowered
        for pattern, chinese, asked in FORMS:
            match = pattern.match(lowered)
            if match:
                cue, unit, rest = chinese, asked, lowered[match.end():]
                break
        tokens = [_singular(t) if t[0].isalpha() and t not in _stopwords() else t for t in _TOKEN.findall(rest)]
        terms: list[str] = []
        unread: list[str] = []
        i = 0
        table = glossary()
        while i < len(tokens):
            token = tokens[i]
            if token[0].isdigit():
                year = re.fullmatch(r"(19|20)\d\d", token)
                terms.append(token + "年" if year else token)
                i += 1
                continue
            if _CJK.match(token):
                terms.append(token)
                i += 1
                continue
            for size in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                chinese = _lookup(table, tokens[i:i + size])
                if chinese and not (size == 1 and token in _stopwords()):
                    if unit == COUNTED and not terms:
                        unit = chinese  # "how many households …": 户 is what is counted
                    else:
                        terms.append(chinese)
                    i += size
                    break
            else:
                if token not in _stopwords():
                    name, joined = self._place(token, tokens[i + 1] if i + 1 < len(tokens) else None)
                    if name:
                        terms.append(name)
                        i += 1 + joined
                        continue
                    unread.append(token)
                i += 1
        # a term that another term already contains ("森林覆盖率" and "率") is said once
        kept = list(dict.fromkeys(t for t in terms if t))
        body = "".join(t for t in kept if not any(t != other and t in other for other in kept))
        if unread and not any(t not in self._names.values() and not t[0].isdigit() for t in kept):
            # "Will it rain in Xuzhou tomorrow?": nothing read but a place (and figures): nothing to search for
            return Reading("", tuple(dict.fromkeys(unread)))
        if cue == "吗":
            chinese = f"{body}吗？"
        elif cue == "多少" and unit in ("比重", "比例"):
            chinese = f"{body}{unit}是多少？"
        elif cue == "多少":
            chinese = f"{body}多少{'' if unit == COUNTED else unit}？"
        elif cue:
            chinese = f"{body}{cue}？"
        else:
            chinese = f"{body}是什么？" if body else ""
        return Reading(chinese if body else "", tuple(dict.fromkeys(unread)))
