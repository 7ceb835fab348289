"""Terms: a topic's core words, widened by the thesaurus, matched as words of a text (never as characters).

"采煤沉陷区综合治理" has the core 采煤沉陷区 (综合治理 only says what is done with it); a text matches
when each core term, or one of its synonyms, ends where a jieba word of the text ends and starts
at or inside a word: 重点采煤沉陷区 is a 采煤沉陷区, 安全感 and 能源安全保障 do not make 安全生产. The whole
topic as typed matches too. The thesaurus is a data file beside this module (thesaurus.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from ..indexing.tokenizer import normalise

if TYPE_CHECKING:
    from ..indexing.tokenizer import Tokenizer

THESAURUS = Path(__file__).with_name("thesaurus.toml")


@dataclass(frozen=True)
class Thesaurus:
    """Words that only say what is done with a subject, and groups of words naming one subject."""

    actions: frozenset[str]
    groups: tuple[frozenset[str], ...]

    def widen(self, term: str) -> tuple[str, ...]:
        """The term and the members of every group it belongs to, the term first."""
        found = [term]
        for group in self.groups:
            if term in group:
                found += sorted(group - {term}, key=lambda w: (-len(w), w))
        return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4)
def load_thesaurus(path: Path = THESAURUS) -> Thesaurus:
    """The thesaurus file (thesaurus.toml beside this module unless told)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    groups = tuple(frozenset(words) for words in data.get("synonyms", {}).values())
    return Thesaurus(frozenset(data.get("actions", [])), groups)


class TopicTerms:
    """The core terms of a topic (each with its synonyms) and word-boundary matching against texts."""

    def __init__(self, topic: str, tokenizer: Tokenizer, thesaurus: Thesaurus | None = None) -> None:
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus or load_thesaurus()
        self.phrase = squeeze(normalise(topic))
        self.actions = self.thesaurus.actions
        words = [self._without_action(w) for w in tokenizer.content_words(topic)]
        runs: list[str] = []
        previous_core = False
        for word in words:
            core = word not in self.actions
            if core and previous_core:
                runs[-1] += word
            elif core:
                runs.append(word)
            previous_core = core
        if not runs:  # a topic made only of actions ("建设") keeps them
            runs = [w for w in words if w]
        self.terms: tuple[tuple[str, ...], ...] = tuple(self.thesaurus.widen(run) for run in dict.fromkeys(runs))
        self._ends: dict[str, tuple[str, set[int], dict[int, int]]] = {}

    def _without_action(self, word: str) -> str:
        """A compound word without a trailing action ("人才支撑" -> "人才"), when two characters or more remain."""
        if word in self.actions:
            return word
        for action in sorted(self.actions, key=len, reverse=True):
            if word.endswith(action) and len(word) - len(action) >= 2:
                return word[: -len(action)]
        return word

    def _segmented(self, text: str) -> tuple[str, set[int], dict[int, int]]:
        """The squeezed normalised text, its word starts, and for each character the end of its word."""
        if text not in self._ends:
            plain = squeeze(normalise(text))
            starts: set[int] = set()
            end_of: dict[int, int] = {}
            position = 0
            for word in self.tokenizer.words(plain):
                at = plain.find(word, position)
                if at < 0:
                    continue
                starts.add(at)
                for i in range(at, at + len(word)):
                    end_of[i] = at + len(word)
                position = at + len(word)
            self._ends[text] = (plain, starts, end_of)
        return self._ends[text]

    def _found(self, word: str, text: str, loose: bool = False) -> bool:
        plain, starts, end_of = self._segmented(text)
        start = plain.find(word)
        while start >= 0:
            end = start + len(word)
            word_end = end_of.get(end - 1, end)
            # the term ends with a word, or inside one whose rest is an action (人才 in 人才支撑)
            if word_end == end or plain[end:word_end] in self.actions:
                return True
            # in a heading, the term may also begin a compound (融资 in 拓展融资渠道)
            if loose and start in starts:
                return True
            start = plain.find(word, start + 1)
        return False

    def found(self, text: str, heading: bool = False) -> list[str]:
        """The terms of the topic (their first form) that the text names, as words.

        A heading names a term also when a compound begins with it ("拓展融资渠道" names 融资): a
        heading is short and all about its subject, where a sentence mentions many things.
        """
        return [alternatives[0] for alternatives in self.terms if any(self._found(w, text, heading) for w in alternatives)]

    def matches(self, text: str, heading: bool = False) -> bool:
        """True when the text names the topic: the topic as typed, or every core term (or a synonym) as a word."""
        if not text:
            return False
        if len(self.phrase) >= 2 and self.phrase in squeeze(normalise(text)):
            return True
        return bool(self.terms) and len(self.found(text, heading)) == len(self.terms)

    def words(self) -> tuple[str, ...]:
        """Every form of every term, for display and tests."""
        return tuple(w for alternatives in self.terms for w in alternatives)
