"""Evidence: score the sentences of the retrieved units against a question, and decide when to refuse.

A sentence's score is how much of the question's weighted vocabulary (IDF over the corpus) it
covers, alone and together with its unit's heading path, plus what the question's shape asks for
(a number with the asked unit, an enumeration). The thresholds were calibrated on the gold set's
answerable and unanswerable items (README, "Answers").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from ..corpus.repair import squeeze
from ..records import Hit, Unit
from ..search.backend import DocumentUnits, LocalBackend
from .question import Candidate, QuestionShape, Refusal, sentences

if TYPE_CHECKING:
    from ..indexing.store import Index
    from ..search.backend import SearchBackend

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NUMBERED = re.compile(r"\d+\s*号线?|[A-Za-z]+\d+号?线?")  # 2号线, S1号线: numbered things must exist
# Below this the best sentence shares (almost) nothing with the question. Word overlap cannot tell
# a paraphrase from an off-topic question (both score 0.1-0.4 on the gold set), so refusals rest
# mainly on what the question names that the documents lack: places, years, numbered things,
# and quantities (户, 人, 元) that no sentence about the subject gives.
MIN_SCORE = 0.12
QUANTITY_SCORE = 0.35  # a sentence giving the asked quantity must match the question at least this well
TOKEN_WEIGHT = {"word": 1.0, "#": 0.5, "@": 0.15}  # a word says more than a bigram, a bigram more than one character
# A sentence is scored on its own words and, with this share, on its words with its headings': a
# clause's heading often names the subject its sentences leave out.
OWN_SHARE = 0.6
RANK_BONUS = 0.08  # divided by the unit's search rank + 1: retrieval's order breaks near-ties
PLACE_PENALTY = 0.3  # per place the question names that neither the sentence nor its headings mention
TOP_UNITS = 6  # the best candidates whose units must mention a place the question names
NAME_PIECE = 6  # a run of a document's title this long in a question names the document, not the topic
QUANTITY_DEPTH = 4  # how deep among the sentences about the subject the asked quantity is looked for


def _kind(token: str) -> str:
    return token[0] if token[:1] in ("#", "@") else "word"


class Scorer:
    """IDF-weighted question coverage over the corpus' units."""

    def __init__(self, index: Index, backend: SearchBackend | None = None) -> None:
        self.index = index
        self.backend = backend or LocalBackend(index)  # where the units and the corpus statistics come from
        self.tokenizer = index.tokenizer
        # the counts the build wrote (statistics.tsv); an index from before them is counted here
        statistics = self.backend.statistics()
        if statistics is not None:
            frequency: Counter[str] = Counter(statistics)
        else:
            frequency = Counter()
            for unit in index.rows:
                frequency.update(set(self.tokenizer.tokens(f"{unit.label} {unit.body}")))
        self.rows = len(index.rows)
        self.df = frequency
        names = "".join(d.title + "".join(d.aliases) for d in index.documents)
        self.corpus = squeeze(names + "".join(unit.text + unit.body for unit in index.units))
        self.doc_names = {d.id: squeeze(d.title + "".join(d.aliases)) for d in index.documents}
        names = [squeeze(d.title).replace("“", "").replace("”", "") for d in index.documents]
        names += [alias for d in index.documents for alias in d.aliases]
        self._name_pieces = frozenset(
            name[i : i + size] for name in names for size in range(NAME_PIECE, len(name) + 1) for i in range(len(name) - size + 1)
        )
        self._longest_piece = max((len(name) for name in names), default=0)
        self._short_aliases = tuple(name for name in names if len(name) < NAME_PIECE)

    @cached_property
    def by_document(self) -> Mapping[str, tuple[Unit, ...]]:
        """Every unit of each document, in order (so a composer reads one document, not the whole corpus)."""
        return DocumentUnits(self.backend, [d.id for d in self.index.documents])  # read from the backend per document

    @cached_property
    def table_headings(self) -> tuple[Unit, ...]:
        """The heading units of every table (表 N), in corpus order."""
        return tuple(u for u in self.index.units if u.kind == "heading" and re.match(r"表\s*\d", u.text) and not u.label.endswith("表头"))

    @cached_property
    def sections(self) -> dict[tuple[str, tuple[str, ...]], frozenset[str]]:
        """Every heading path of every document with the tokens of its title, made once (what summaries look through)."""
        from ..corpus.headings import heading_title

        paths = {(u.doc_id, u.path[:depth]) for u in self.index.rows for depth in range(1, len(u.path) + 1)}
        return {key: frozenset(self.tokenizer.tokens(heading_title(key[1][-1]))) for key in sorted(paths)}

    @cached_property
    def sections_with(self) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        """The sections whose title has a token (words and bigrams; single characters match too much)."""
        found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for key, tokens in self.sections.items():
            for token in tokens:
                if not token.startswith("@"):
                    found.setdefault(token, []).append(key)
        return {token: tuple(keys) for token, keys in found.items()}

    def mentions(self, unit: Unit, word: str) -> bool:
        """True when a unit, its headings or its document's name contain the word."""
        return word in squeeze(unit.body + unit.label + "".join(unit.path)) or word in self.doc_names.get(unit.doc_id, "")

    def idf(self, token: str) -> float:
        return math.log((self.rows + 1) / (self.df.get(token, 0) + 0.5))

    def without_document_names(self, query: str) -> str:
        """The question without the words that only name a document ("江苏…振兴发展规划的规划期" -> "的规划期").

        A question that names its document by title would otherwise favour sentences that repeat
        the title's words over the one that answers. Any run of at least NAME_PIECE characters of a
        title goes, longest runs first, and so does a short alias; the pieces are made once, so the
        cost does not grow with the number of documents.
        """
        text, covered = query, [False] * len(query)
        for size in range(min(len(query), self._longest_piece), NAME_PIECE - 1, -1):
            for start in range(len(query) - size + 1):
                if not any(covered[start : start + size]) and query[start : start + size] in self._name_pieces:
                    covered[start : start + size] = [True] * size
        if any(covered):
            text = re.sub(r"\x00+", " ", "".join("\x00" if hidden else ch for ch, hidden in zip(query, covered, strict=True)))
        for alias in self._short_aliases:
            text = text.replace(alias, " ")
        return text if re.search(r"[\u3400-\u9fff]", text) else query

    def weights(self, query: str, focus: str = "") -> dict[str, float]:
        """Weight of each distinct question token (unknown words weigh like the rarest).

        With a follow-up's `focus`, its words lead and the earlier question's weigh a third.
        """

        def raw(text: str) -> dict[str, float]:
            cleaned = self.without_document_names(text)
            return {t: self.idf(t) * TOKEN_WEIGHT[_kind(t)] for t in dict.fromkeys(self.tokenizer.tokens(cleaned))}

        if not focus:
            return raw(query)
        weights = {t: w / 3 for t, w in raw(query).items()}
        weights.update(raw(focus))
        return weights

    @staticmethod
    def coverage(weights: dict[str, float], tokens: set[str]) -> float:
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in tokens) / total if total > 0 else 0.0

    def candidates(self, query: str, hits: list[Hit], shape: QuestionShape, focus: str = "") -> list[Candidate]:
        """Every sentence of the hits, best first (ties by unit rank, then sentence order)."""
        weights = self.weights(query, focus)
        places = self.tokenizer.places(query)
        found: list[Candidate] = []
        for rank, hit in enumerate(hits):
            context = set(self.tokenizer.tokens(" ".join([*hit.unit.path, hit.unit.label])))
            heading_places = {
                p for p in places if p in squeeze("".join(hit.unit.path) + hit.unit.label) or p in self.doc_names[hit.unit.doc_id]
            }
            for order, sentence in enumerate(sentences(hit.unit.body)):
                own = set(self.tokenizer.tokens(sentence))
                score = OWN_SHARE * self.coverage(weights, own) + (1 - OWN_SHARE) * self.coverage(weights, own | context)
                score += RANK_BONUS / (rank + 1) + shape.bonus(sentence)
                # A question about a place wants the sentence about that place, not its neighbours; one
                # about several places ("X和Y…", "X比Y…") is answered by sentences that each name one.
                missing = [p for p in places if p not in heading_places and p not in squeeze(sentence)]
                if len(places) >= 2 and len(missing) < len(places):
                    missing = []
                score -= PLACE_PENALTY * len(missing)
                found.append(Candidate(hit.unit, sentence, score, rank, order))
        found.sort(key=lambda c: (-c.score, c.rank, c.order))
        if len(places) == 1:
            # a question about one place is answered from what is said of that place: the units that
            # name it (in a sentence, a heading or the document's name) come first, best first
            found.sort(key=lambda c: not self.mentions(c.unit, places[0]))
        return found

    def refusal(self, query: str, shape: QuestionShape, candidates: list[Candidate]) -> Refusal | None:
        """Why the documents do not answer the question, or None when they do."""
        for place in self.tokenizer.places(query):
            if place not in self.corpus:
                return Refusal(f"文件没有涉及“{place}”")
        for year in _YEAR.findall(query):
            if year not in self.corpus:
                return Refusal(f"文件没有涉及{year}年", detail=True)
        for numbered in _NUMBERED.findall(query):
            if squeeze(numbered) not in self.corpus:
                return Refusal(f"文件没有涉及“{squeeze(numbered)}”")
        if not candidates:
            return Refusal("没有检索到相关条款")
        # "<script>alert(1)</script>" shares only the "1" with the documents, which every table row
        # numbered 1 matches; a number alone never says what is asked.
        known = [t for t in self.tokenizer.tokens(query) if self.df.get(t) and not t.isdigit()]
        if not known:
            return Refusal("问题中除数字外没有文件中的词语")
        best = candidates[0]
        if best.score < MIN_SCORE:
            return Refusal("检索到的条款与问题不相符")
        places = self.tokenizer.places(query)
        top_units = {c.unit.id: c.unit for c in candidates[:TOP_UNITS]}.values()
        for place in places:
            if not any(self.mentions(u, place) for u in top_units):
                return Refusal(f"没有找到关于“{place}”的相关表述")
        if len(places) == 1 and not self.mentions(best.unit, places[0]):
            # the best sentence is about somewhere else: what it says is not said of the place asked about
            return Refusal(f"没有找到关于“{places[0]}”的相关表述", cite=True)
        if shape.units:
            # a question about several places ("贾汪区和沛县…") is answered by sentences that each name one
            about_all = all if len(places) < 2 else any
            about = [
                c
                for c in candidates[:TOP_UNITS]
                if about_all(self.mentions(c.unit, p) and (p in squeeze(c.sentence) or p not in squeeze(c.unit.body)) for p in places)
            ]
            # the number must come in a sentence that is about the question, not just any number
            if not any(shape.has_quantity(c.sentence) and c.score >= QUANTITY_SCORE for c in (about or candidates)[:QUANTITY_DEPTH]):
                asked = "时间" if set(shape.units) <= {"年", "月", "日"} else "数字"
                return Refusal(f"文件中没有给出所问的{asked}", cite=True)
        return None
