"""How the LLM faithfulness check does: the red-team file's rates, and what it costs on the gold set's reference answers.

Red team: every sentence of tests/answer/faithfulness_redteam.jsonl through `check_sentences`,
cited [1] to its corpus sentence, per split (dropped share of manipulated, kept share of faithful).
Gold: each reference sentence against the units holding its evidence (should be kept) and against
every other retrieved unit (a wrong citation: should be dropped), with and without the
faithfulness step, the cases of bench/citation_check.py.
Run: `python bench/faithfulness.py` (uses ASSISTANT_* settings; builds the index if needed);
`--misses` also prints each red-team item judged wrongly and each reference sentence dropped, with
the check's reason.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout this file is in, not an installed copy

from assistant.answer import llm
from assistant.answer.assistant import SEARCH_K, Assistant
from assistant.answer.faithfulness import judge
from assistant.config import Settings
from assistant.corpus.repair import squeeze
from assistant.evaluation.gold import load_gold
from assistant.indexing.build import ensure_index
from assistant.records import Unit

ROOT = Path(__file__).resolve().parents[1]
RED_TEAM = ROOT / "tests" / "answer" / "faithfulness_redteam.jsonl"
GOLD = ROOT / "eval" / "gold.jsonl"


def kept(sentence: str, units: list[Unit]) -> bool:
    return bool(llm.check_sentences(sentence + "".join(f"[{n}]" for n in range(1, len(units) + 1)), units)[0])


def reason(sentence: str, units: list[Unit]) -> str:
    """Why the whole check drops the sentence: the faithfulness verdict's reason, or the overlap test's."""
    headings = " ".join(" ".join([unit.doc_title, *unit.path, unit.label]) for unit in units)
    verdict = judge(sentence, [unit.body for unit in units], headings)
    return verdict.reason or "overlap or numbers (llm.check_sentences)"


def red_team(misses: bool = False) -> None:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for item in map(json.loads, RED_TEAM.read_text(encoding="utf-8").splitlines()):
        unit = Unit("doc/1", "doc", item["title"], "paragraph", "第1段", (), item["source"], 0, len(item["source"]))
        right = kept(item["sentence"], [unit]) == (item["expect"] == "keep")
        if misses and not right:
            why = reason(item["sentence"], [unit]) if item["expect"] == "keep" else "kept"
            print(f"  miss {item['id']} {item['split']} {item['kind']} (expected {item['expect']}): {item['sentence']} — {why}")
        counts[item["split"], item["expect"]][0] += right
        counts[item["split"], item["expect"]][1] += 1
    for split in dict.fromkeys(split for split, _ in counts):
        (d, dn), (k, kn) = counts[split, "drop"], counts[split, "keep"]
        print(f"red team {split:9} manipulated dropped {d}/{dn} ({d / dn:.0%}), faithful kept {k}/{kn} ({k / kn:.0%})")


def gold(assistant: Assistant, misses: bool = False) -> None:
    cases = []
    for item in load_gold(GOLD, None):
        if not (item.answerable and item.answer and item.evidence):
            continue
        wanted = [squeeze(text) for group in item.evidence for text in group]
        holders = [u for u in assistant.index.rows if any(w in squeeze(u.text + u.body) for w in wanted)]
        query = assistant.resolve(item.question, list(item.history)).query
        others = [h.unit for h in assistant.retriever.search(query, k=SEARCH_K) if h.unit not in holders]
        cases.extend((sentence, holders, others) for sentence in llm._split(item.answer) if holders)
    for name, step in (("bigrams and numbers only", lambda plain, cited: True), ("with faithfulness", llm._faithful)):
        original, llm._faithful = llm._faithful, step
        try:
            right = [kept(s, holders) or any(kept(s, [u]) for u in holders) for s, holders, _ in cases]
            wrong = [kept(s, [u]) for s, _, others in cases for u in others]
        finally:
            llm._faithful = original
        if misses and step is llm._faithful:
            for (sentence, holders, _), ok in zip(cases, right, strict=True):
                if not ok:
                    print(f"  dropped reference sentence: {sentence} — {reason(sentence, holders)}")
        print(
            f"gold {name:25} reference sentences kept {sum(right)}/{len(right)} ({sum(right) / len(right):.1%}), "
            f"wrong citations kept {sum(wrong)}/{len(wrong)} ({sum(wrong) / len(wrong):.1%})"
        )


def main() -> None:
    misses = "--misses" in sys.argv[1:]
    red_team(misses)
    settings = Settings.from_env()
    gold(Assistant(ensure_index(settings), settings), misses)


if __name__ == "__main__":
    main()
