"""How well the LLM citation check separates supported sentences from wrongly cited ones, on the gold set.

No model is needed: the gold set's reference answers stand in for generated sentences. Each
reference sentence is compared with the units holding its evidence (it should pass) and with every
other retrieved unit (a wrong citation: it should fail; a few of those units do say the same thing,
so the wrong figures are an upper bound). Two neighbouring reference sentences joined into one and
cited [1][2] test the several-marker rule, against a stray marker on another retrieved unit.
Run: `python bench/citation_check.py` (uses ASSISTANT_* settings; builds the index if needed).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout this file is in, not an installed copy

from assistant.answer.assistant import SEARCH_K, Assistant
from assistant.answer.llm import _bigrams, _split, _support_text, _unique_share, check_sentences, overlap
from assistant.config import Settings
from assistant.corpus.repair import squeeze
from assistant.evaluation.gold import load_gold
from assistant.indexing.build import ensure_index
from assistant.records import Unit

GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold.jsonl"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
PART_THRESHOLDS = (0.05, 0.1, 0.15, 0.2)
FRAME = "根据文件，"  # what a model typically puts in front of a quoted fact


@dataclass(frozen=True)
class Case:
    """A reference sentence, the units holding its evidence and the other retrieved units."""

    sentence: str
    holders: tuple[Unit, ...]
    others: tuple[Unit, ...]


def cases(assistant: Assistant) -> list[Case]:
    found = []
    for item in load_gold(GOLD, None):
        if not (item.answerable and item.answer and item.evidence):
            continue
        wanted = [squeeze(text) for group in item.evidence for text in group]
        holders = tuple(u for u in assistant.index.rows if any(w in squeeze(u.text + u.body) for w in wanted))
        query = assistant.resolve(item.question, list(item.history)).query
        others = tuple(h.unit for h in assistant.retriever.search(query, k=SEARCH_K) if h.unit not in holders)
        found.extend(Case(sentence, holders, others) for sentence in _split(item.answer) if holders)
    return found


def percent(values: list[float] | list[bool], threshold: float | None = None) -> str:
    passed = [v >= threshold for v in values] if threshold is not None else values
    return f"{100 * sum(passed) / max(len(passed), 1):5.1f}%"


def single(found: list[Case]) -> None:
    right = [overlap(c.sentence, list(c.holders)) for c in found]
    framed = [overlap(FRAME + c.sentence, list(c.holders)) for c in found]
    wrong = [overlap(c.sentence, [u]) for c in found for u in c.others]
    worst = [max((overlap(c.sentence, [u]) for u in c.others), default=0.0) for c in found]
    print(f"{len(found)} reference sentences; {len(wrong)} (sentence, other retrieved unit) pairs")
    print("SUPPORT  right unit  right+frame  wrong unit  most similar wrong unit")
    for t in THRESHOLDS:
        print(f"{t:7.2f}  {percent(right, t):>10}  {percent(framed, t):>11}  {percent(wrong, t):>10}  {percent(worst, t):>23}")

    def kept(sentence: str, units: list[Unit]) -> bool:
        return bool(check_sentences(sentence + "".join(f"[{n}]" for n in range(1, len(units) + 1)), units)[0])

    rule_right = [kept(c.sentence, list(c.holders)) or any(kept(c.sentence, [u]) for u in c.holders) for c in found]
    rule_wrong = [kept(c.sentence, [u]) for c in found for u in c.others]
    print(f"whole rule (bigrams and numbers): right kept {percent(rule_right)}, wrong kept {percent(rule_wrong)}")


def several(found: list[Case]) -> None:
    right: list[float] = []
    stray: list[float] = []
    for first, second in pairwise(found):
        a, b = first.holders[0], second.holders[0]
        if a.id == b.id:
            continue
        joined = _bigrams(first.sentence.rstrip("。") + "；" + second.sentence)
        cited = [_bigrams(_support_text(a)), _bigrams(_support_text(b))]
        right.append(min(_unique_share(joined, cited, 0), _unique_share(joined, cited, 1)))
        own = _bigrams(first.sentence)
        stray.extend(_unique_share(own, [cited[0], _bigrams(_support_text(u))], 1) for u in first.others if u.id != b.id)
    print(f"\n{len(right)} joined two-unit sentences; {len(stray)} stray second markers")
    print("PART_SUPPORT  both units pass  stray marker passes")
    for t in PART_THRESHOLDS:
        print(f"{t:12.2f}  {percent(right, t):>15}  {percent(stray, t):>19}")


def main() -> None:
    settings = Settings.from_env()
    found = cases(Assistant(ensure_index(settings), settings))
    single(found)
    several(found)


if __name__ == "__main__":
    main()
