"""The faithfulness check on LLM sentences: a red-team file of manipulated sentences and faithful paraphrases built from the corpus.

tests/answer/faithfulness_redteam.jsonl was written before the check: 50 manipulated sentences
(negations, prohibitions, stops, antonyms, swapped figures, places, years and subjects, added
claims) and 50 faithful paraphrases, each with the corpus sentence it cites. The "dev" half was
used to tune the check, the "held-out" half was run once afterwards; a "blind" set of 12 + 12 from
sentences not used before was written after the first version of the check and run once before
its last change; "blind2" (15 + 15) was written after the last change and was never tuned on, so
its rate is below the 95 % asked (docs/reliability.md gives every run, and the misses that changed
the check).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.faithfulness import judge, polarity, reversals
from assistant.answer.llm import check_sentences
from assistant.records import Unit

ITEMS = [json.loads(line) for line in (Path(__file__).parent / "faithfulness_redteam.jsonl").read_text(encoding="utf-8").splitlines()]
DROP_RATE = 0.95
KEEP_RATE = 0.95


def unit_for(item: dict) -> Unit:
    return Unit("doc/1", "doc", item["title"], "paragraph", "第1段", (), item["source"], 0, len(item["source"]))


def kept(item: dict) -> bool:
    """What check_sentences (the whole check the writer applies) does with the item's sentence cited [1]."""
    accepted, _ = check_sentences(item["sentence"] + "[1]", [unit_for(item)])
    return bool(accepted)


def rates(split: str) -> tuple[float, float]:
    chosen = [item for item in ITEMS if item["split"] == split]
    manipulated = [item for item in chosen if item["expect"] == "drop"]
    faithful = [item for item in chosen if item["expect"] == "keep"]
    drop = sum(not kept(item) for item in manipulated) / len(manipulated)
    keep = sum(kept(item) for item in faithful) / len(faithful)
    print(f"{split}: dropped {drop:.0%} of {len(manipulated)} manipulated, kept {keep:.0%} of {len(faithful)} faithful")
    return drop, keep


def test_the_red_team_file_has_every_kind_in_both_halves():
    assert len(ITEMS) == 154
    assert sum(item["expect"] == "drop" for item in ITEMS) == 77
    for split in ("dev", "held-out"):
        kinds = {item["kind"] for item in ITEMS if item["split"] == split}
        assert kinds == {"negation", "prohibition", "stop", "antonym", "number", "place", "year", "subject", "added", "faithful"}
    assert all(item["source"] in item["source"] for item in ITEMS)


@pytest.mark.parametrize("split", ["dev", "held-out", "blind"])
def test_manipulated_sentences_are_dropped_and_faithful_paraphrases_kept(split):
    drop, keep = rates(split)
    assert drop >= DROP_RATE
    assert keep >= KEEP_RATE


def test_the_set_written_after_the_last_change_is_measured_not_tuned():
    drop, keep = rates("blind2")
    # missed: a swapped direction (从服务型制造向生产型制造) and an added 免征企业所得税三年 (docs/reliability.md)
    assert (round(drop * 15), round(keep * 15)) == (13, 15)


def test_the_issues_two_reversals_are_dropped():
    miners = next(item for item in ITEMS if item["id"] == "rt001")
    green = next(item for item in ITEMS if item["id"] == "rt002")
    assert not kept(miners) and not kept(green)
    assert judge(miners["sentence"], [miners["source"]], miners["title"]).reason == "polarity differs: 老矿区转型发展不坚持以矿工为中心"


@pytest.mark.parametrize(
    ("clause", "kinds"),
    [
        ("不断提高职工收入水平", set()),
        ("坚定不移深化改革", set()),
        ("不需要提高职工收入水平", {"negate"}),
        ("严禁新建煤矿", {"prohibit"}),
        ("不得新建煤矿", {"prohibit"}),
        ("暂停清洁生产", {"stop"}),
        ("未来五年", set()),
        ("不采用非实物保护模式", {"negate"}),
    ],
)
def test_polarity_counts_reversal_words_not_compounds(clause, kinds):
    assert polarity(clause) == frozenset(kinds)


def test_a_reversal_applies_to_what_follows_it():
    assert reversals("不采用非实物保护模式") == [("negate", "采用"), ("negate", "实物")]
    assert reversals("部分地区转型步伐不快") == [("negate", "快")]
    # the cited clause negates 实物, which the generated clause leaves out: no disagreement
    cited = "对已消失的重要工业遗产采用非实物保护模式，在原遗址位置进行虚拟复原。"
    assert judge("对已消失的重要工业遗产，可在原遗址位置进行虚拟复原。", [cited]).faithful


def test_a_figure_must_match_whole_and_with_its_place():
    subsidence = next(item for item in ITEMS if item["source"].startswith("重点采煤沉陷区"))
    assert judge("沛县重点采煤沉陷区沉陷面积约54.48平方公里。", [subsidence["source"]]).faithful
    # aligned with 铜山区's sentence, which holds 4.68万人 but not 沛县
    assert judge("沛县重点采煤沉陷区涉及4.68万人。", [subsidence["source"]]).reason == "not in the cited sentence: 沛县"
    assert judge("沛县和铜山区重点采煤沉陷区分别涉及4.68万人和16.55万人。", [subsidence["source"]]).faithful is False
    assert judge("沛县重点采煤沉陷区涉及6.55万人。", [subsidence["source"]]).reason == "not in the cited sentence: 6.55万人"

