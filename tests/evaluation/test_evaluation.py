"""Evaluation: gold files are checked line by line, metrics score exactly, a run writes the whole report."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

import pytest

from assistant.answer.conversation import Resolution
from assistant.cli import main
from assistant.errors import GoldFileError, ThresholdsError
from assistant.evaluation import metrics
from assistant.evaluation.gate import check_thresholds, load_thresholds
from assistant.evaluation.gold import GoldItem, load_gold
from assistant.evaluation.report import cjk_font, write_report
from assistant.evaluation.runner import run_evaluation
from assistant.records import Citation, Hit, Reply, Unit

ROOT = Path(__file__).resolve().parents[2]


def unit(unit_id: str, text: str, sentence: str = "") -> Unit:
    return Unit(
        id=unit_id,
        doc_id=unit_id.split("/")[0],
        doc_title="",
        kind="paragraph",
        label=unit_id,
        path=(),
        text=text,
        start=0,
        end=len(text),
        sentence=sentence,
    )


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n", "utf-8")
    return path


# --- retrieval metrics ---------------------------------------------------------------------------

ROW = unit(
    "jiangsu/table1/r10",
    "10 生态环境 历史遗留矿山（区）环境恢复治理率 % 25 60",
    "表1 第10项 历史遗留矿山（区）环境恢复治理率：2020年实际 25%，2025年目标 60%（类别：生态环境）",
)


def test_unit_forms_are_squeezed_body_then_text():
    assert metrics.unit_forms(ROW) == (
        "表1第10项历史遗留矿山（区）环境恢复治理率：2020年实际25%，2025年目标60%（类别：生态环境）",
        "10生态环境历史遗留矿山（区）环境恢复治理率%2560",
    )
    assert metrics.unit_forms(unit("a/1", "苹果 很甜")) == ("苹果很甜",)


def test_a_group_is_covered_by_the_sentence_or_the_printed_cells():
    groups = [["治理率%2560"], ["2025年目标 60%"], ["不存在", "生态 环境"], ["不存在"]]
    assert metrics.groups_covered(metrics.unit_forms(ROW), groups) == frozenset({0, 1, 2})


def test_first_rank_per_group_keeps_the_first_covering_rank():
    ranked = [("无关",), ("香蕉是黄的",), ("橙子和香蕉",), ("梨",)]
    assert metrics.first_rank_per_group(ranked, [["香蕉"], ["橙子", "桔子"], ["苹果"]]) == (2, 3, None)
    assert metrics.first_rank_per_group([], [["香蕉"]]) == (None,)


def test_recall_mrr_and_ndcg_from_first_ranks():
    ranks = (2, None, 4)
    assert [metrics.recall_at(ranks, k) for k in (1, 3, 5, 10)] == [0.0, 1 / 3, 2 / 3, 2 / 3]
    assert metrics.mrr_at(ranks) == 0.5
    assert metrics.mrr_at((None, 11)) == 0.0
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at(ranks) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert metrics.ndcg_at((1, 2)) == 1.0
    assert metrics.ndcg_at((None,)) == 0.0


def test_ndcg_counts_a_unit_covering_two_groups_once():
    assert metrics.ndcg_at((1, 1)) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_chars_at_sums_the_top_bodies():
    assert metrics.chars_at(["苹果很甜", "香蕉", "橙子是圆的"], k=2) == 6
    assert metrics.chars_at([], k=5) == 0


# --- answer metrics ------------------------------------------------------------------------------


def test_keys_are_found_with_markers_removed_and_alternatives_accepted():
    answer = "新增避险安置1.3[1]万户，沉陷面积 54.48 平方公里[2]。"
    assert metrics.strip_markers(answer) == "新增避险安置1.3万户，沉陷面积 54.48 平方公里。"
    assert metrics.keys_found(answer, ["1.3万户|13000", "54.48平方公里", "16.55万人"]) == (
        ("1.3万户|13000", "54.48平方公里"),
        ("16.55万人",),
    )
    assert metrics.key_coverage(answer, ["13000|1.3万户", "16.55万人"]) == 0.5


def test_citation_recall_precision_quotes_and_markers():
    groups = [["香蕉"], ["橙子"], ["梨子"]]
    citations = (
        Citation(1, unit("b/1", "香蕉是黄的"), "香蕉是黄的"),
        Citation(2, unit("b/2", "橙子是圆的"), "橙子是方的"),
        Citation(4, unit("x/1", "无关内容"), "  "),
    )
    assert metrics.citation_recall(citations, groups) == 2 / 3
    assert metrics.citation_precision(citations, groups) == 2 / 3
    assert metrics.citation_precision((), groups) is None
    assert metrics.quote_faithfulness(citations) == 1 / 3
    assert metrics.quote_faithfulness(()) is None
    assert metrics.quote_is_faithful(Citation(1, ROW, "2025年目标 60%")) is True
    assert metrics.quote_is_faithful(Citation(1, ROW, "2025年目标60%")) is False
    assert metrics.markers_valid("香蕉[1]，橙子[2][4]", citations) is True
    assert metrics.markers_valid("香蕉[1]，梨子[3]", citations) is False
    assert metrics.markers_valid("没有标记", ()) is True


def test_percentile_interpolates_like_numpy():
    assert metrics.percentile([40, 10, 30, 20], 50) == 25.0
    assert metrics.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert metrics.percentile([7.0], 95) == 7.0


# --- gold files ----------------------------------------------------------------------------------

GOOD = {"id": "g1", "type": "fact", "doc": "coal", "question": "要加快构建什么样的空间格局？", "history": [], "keys": ["一体、多翼"]}
GOOD_EVIDENCE = [["加快构建形成“一体、多翼、多元产业协同”的老矿区转型发展空间格局"]]


def test_shipped_gold_set_validates_against_the_corpus(documents):
    items = load_gold(ROOT / "eval" / "gold.jsonl", list(documents.values()))
    assert len(items) == 194
    assert len({item.id for item in items}) == 194
    assert Counter(item.type for item in items) == {
        "fact": 37,
        "numeric": 36,
        "list": 31,
        "paraphrase": 23,
        "unanswerable": 21,
        "followup": 18,
        "table": 17,
        "cross": 11,
    }
    assert Counter(item.doc for item in items) == {"jiangsu": 115, "coal": 47, "none": 21, "both": 11}
    assert items[144] == GoldItem(
        id="q145",
        type="followup",
        doc="jiangsu",
        question="那沛县呢？",
        history=("贾汪区重点采煤沉陷区沉陷面积是多少？",),
        keys=("54.48", "16.55万人"),
        evidence=(("54.48平方公里，涉及16.55万人",),),
        answer="沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。",
        line=145,
    )


def test_a_good_line_loads_and_a_missing_doc_is_inferred_from_the_evidence(tmp_path, documents):
    path = write_lines(
        tmp_path / "gold.jsonl", {**GOOD, "doc": None, "evidence": GOOD_EVIDENCE}, "", {**GOOD, "id": "g2", "evidence": GOOD_EVIDENCE}
    )
    items = load_gold(path, list(documents.values()))
    assert [(item.id, item.doc, item.line) for item in items] == [("g1", "coal", 1), ("g2", "coal", 3)]


def test_a_single_problem_is_one_sentence_naming_the_line(tmp_path):
    path = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": GOOD_EVIDENCE}, '{"id": "g2", "type": ')
    with pytest.raises(GoldFileError) as error:
        load_gold(path, None)
    assert str(error.value) == f"{path} line 2: not valid JSON (Expecting value at column 22). Fix the gold file and run again."


def test_all_problems_are_listed_with_line_and_field(tmp_path, documents):
    path = write_lines(
        tmp_path / "gold.jsonl",
        {**GOOD, "evidence": GOOD_EVIDENCE},
        {"id": "g2", "type": "Guess!", "question": "？", "evidence": [["不在语料里的句子"]], "keys": "70%"},
        {"id": "g1", "type": "fact", "doc": "coal", "question": "重复？", "evidence": GOOD_EVIDENCE},
        {"id": "g4", "type": "unanswerable", "doc": "none", "question": "苏州？", "keys": ["面积"], "evidence": []},
        {"id": "g5", "type": "numeric", "doc": "jiangsu", "question": "多少？", "keys": ["99.9%"], "evidence": [[]]},
        {"id": "g6", "type": "followup", "doc": "coal", "question": "那呢？", "keys": ["一体|"], "evidence": GOOD_EVIDENCE},
        {"id": "g7", "type": "fact", "doc": "jiangsu", "question": "空间格局？", "evidence": GOOD_EVIDENCE},
        ["not", "an", "object"],
    )
    with pytest.raises(GoldFileError) as error:
        load_gold(path, list(documents.values()))
    assert str(error.value).splitlines() == [
        f"{path} has 11 problems; fix them and run again:",
        f"  {path} line 2: field 'keys' must be a list of non-empty strings, got \"70%\".",
        f"  {path} line 2: field 'type' 'Guess!' is not a label of lower-case letters, digits, '_' or '-' "
        "(e.g. fact, numeric, table, list).",
        f"  {path} line 2: field 'evidence[1]' substring '不在语料里的句子' is not in the corpus (compared without white space).",
        f"  {path} line 3: field 'id' 'g1' is already used on line 1.",
        f"  {path} line 4: an unanswerable item must have empty 'keys' and 'evidence'.",
        f"  {path} line 5: field 'evidence[1]' is an empty group; give at least one substring.",
        f"  {path} line 5: field 'keys' entry '99.9%' occurs neither in the evidence nor in the corpus.",
        f"  {path} line 6: field 'keys' entry '一体|' has an empty alternative around '|'.",
        f"  {path} line 6: field 'history' is empty; a followup item needs the earlier questions.",
        f"  {path} line 7: field 'evidence[1]' substring {GOOD_EVIDENCE[0][0]!r} is not in document 'jiangsu', only in coal.",
        f"  {path} line 8: not a JSON object; write one {{...}} item per line.",
    ]


def test_missing_fields_and_a_long_list_of_problems_are_counted(tmp_path):
    lines = [{"id": f"g{n}", "type": "fact"} for n in range(1, 13)]
    path = write_lines(tmp_path / "gold.jsonl", *lines)
    with pytest.raises(GoldFileError) as error:
        load_gold(path, None)
    message = str(error.value).splitlines()
    assert message[0] == f"{path} has 24 problems; fix them and run again:"
    assert message[1:3] == [
        f"  {path} line 1: field 'question' must be a non-empty string, got missing.",
        f"  {path} line 1: field 'evidence' is empty; an answerable item needs at least one evidence group.",
    ]
    assert len(message) == 22
    assert message[-1] == "  … and 4 more."


def test_a_missing_or_empty_gold_file_is_one_sentence(tmp_path):
    with pytest.raises(GoldFileError) as error:
        load_gold(tmp_path / "nope.jsonl", None)
    assert str(error.value) == f"The gold file {tmp_path / 'nope.jsonl'} does not exist; pass --gold FILE with a JSON-lines gold set."
    with pytest.raises(GoldFileError) as error:
        load_gold(write_lines(tmp_path / "empty.jsonl", ""), None)
    assert str(error.value) == f"The gold file {tmp_path / 'empty.jsonl'} has no items; write one JSON object per line."


# --- a full run with fakes -----------------------------------------------------------------------

UNITS = {
    u.id: u
    for u in [
        unit("a/1", "苹果很甜"),
        unit("b/1", "香蕉是黄的"),
        unit("b/2", "橙子是圆的"),
        unit("a/2", "梨子多汁"),
        unit("x/1", "无关内容"),
    ]
}
FAKE_GOLD = [
    {"id": "q1", "type": "fact", "doc": "a", "question": "苹果怎么样？", "keys": ["苹果"], "evidence": [["苹果"]]},
    {"id": "q2", "type": "list", "doc": "b", "question": "有哪些水果？", "keys": ["香蕉", "橙子|桔子"], "evidence": [["香蕉"], ["橙子"]]},
    {
        "id": "q3",
        "type": "followup",
        "doc": "a",
        "question": "那梨呢？",
        "history": ["苹果怎么样？"],
        "keys": ["梨子"],
        "evidence": [["梨子"]],
    },
    {"id": "q4", "type": "unanswerable", "doc": "none", "question": "西瓜多少钱？", "keys": [], "evidence": []},
]
RANKED = {
    "hybrid+steering": {
        "苹果怎么样？": ["a/1"],
        "有哪些水果？": ["b/1", "x/1", "b/2"],
        "梨子怎么样？": ["x/1", "a/2"],
        "西瓜多少钱？": ["x/1"],
    },
    "bm25": {"苹果怎么样？": ["x/1", "a/1"], "有哪些水果？": ["b/2"], "梨子怎么样？": [], "西瓜多少钱？": []},
}
REPLIES = {
    "苹果怎么样？": ("苹果很甜[1]", True, [(1, "a/1", "苹果很甜")], 0.25),
    "有哪些水果？": ("香蕉是黄的[1]，还有桔子[3]", True, [(1, "b/1", "香蕉是黄"), (2, "x/1", "不在文中")], 0.5),
    "那梨呢？": ("文件中没有相关信息。", False, [], 0.125),
    "西瓜多少钱？": ("文件中没有相关信息。", False, [], 1.0),
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeAssistant:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.asked: list[tuple[str, list[str]]] = []

    def resolve(self, question: str, history: list[str]) -> Resolution:
        if not history:  # every question is searched as the assistant reads it; a stand-alone one reads as itself
            return Resolution(question, question, False)
        assert (question, history) == ("那梨呢？", ["苹果怎么样？"])
        return Resolution("梨子怎么样？", "梨子怎么样？", True)

    def ask(self, question: str, history: list[str] | None = None, doc: str | None = None) -> Reply:
        self.asked.append((question, history))
        answer, found, cited, seconds = REPLIES[question]
        self.clock.now += seconds
        citations = tuple(Citation(ref, UNITS[unit_id], quote) for ref, unit_id, quote in cited)
        return Reply(question, question, answer, found, citations)


def fake_search(config: str):
    def search(queries: list[str]) -> list[list[Hit]]:
        return [[Hit(UNITS[unit_id], 1.0) for unit_id in RANKED[config][query]] for query in queries]

    return search


LATENCY_1000 = {"answer/latency_p50_ms": 1000.0, "answer/latency_p95_ms": 1000.0}
UNITS_HIT = Hit(UNITS["a/1"], 1.0)


@pytest.fixture()
def fake_run(tmp_path):
    gold_path = write_lines(tmp_path / "gold.jsonl", *FAKE_GOLD)
    clock = FakeClock()
    assistant = FakeAssistant(clock)
    retrievers = {"hybrid+steering": fake_search("hybrid+steering"), "bm25": fake_search("bm25")}
    report = run_evaluation(load_gold(gold_path, None), retrievers, assistant, progress=False, gold_path=gold_path, clock=clock)
    write_report(report, tmp_path / "out")
    return report, assistant, tmp_path / "out"


def test_run_scores_configurations_and_answers_exactly(fake_run):
    report, assistant, _ = fake_run
    assert assistant.asked == [("苹果怎么样？", []), ("有哪些水果？", []), ("那梨呢？", ["苹果怎么样？"]), ("西瓜多少钱？", [])]
    assert report.configs == ("bm25", "hybrid+steering")
    expected = {
        "bm25/recall@1": 1 / 6,
        "bm25/recall@3": 0.5,
        "bm25/recall@5": 0.5,
        "bm25/recall@10": 0.5,
        "bm25/mrr@10": 0.5,
        "bm25/ndcg@10": (1 / math.log2(3) + 1 / (1 + 1 / math.log2(3))) / 3,
        "hybrid+steering/recall@1": 0.5,
        "hybrid+steering/recall@3": 1.0,
        "hybrid+steering/recall@5": 1.0,
        "hybrid+steering/recall@10": 1.0,
        "hybrid+steering/mrr@10": 2.5 / 3,
        "hybrid+steering/ndcg@10": (1 + 1.5 / (1 + 1 / math.log2(3)) + 1 / math.log2(3)) / 3,
        "hybrid+steering/chars@5": 26 / 3,
        "answer/key_coverage": 2 / 3,
        "answer/all_keys": 2 / 3,
        "answer/followup_all_keys": 0.0,
        "answer/citation_recall": 0.5,
        "answer/citation_precision": 0.75,
        "answer/quote_faithfulness": 0.75,
        "answer/marker_validity": 0.75,
        "answer/refusal_accuracy": 1.0,
        "answer/false_refusal_rate": 1 / 3,
        "answer/latency_p50_ms": 375.0,
        "answer/latency_p95_ms": 925.0,
    }
    assert {name: report.metrics[name] for name in expected} == pytest.approx(expected)
    assert report.by_type["unanswerable"] == {"items": 1, "answer/marker_validity": 1.0, "answer/refusal_accuracy": 1.0, **LATENCY_1000}
    assert report.by_doc["b"]["hybrid+steering/recall@1"] == 0.5
    assert report.by_config["bm25"]["chars@5"] == 13 / 3


def test_run_writes_report_files(fake_run):
    report, _, out = fake_run
    assert sorted(path.name for path in out.iterdir()) == [
        "by_type.png",
        "predictions.jsonl",
        "recall_at_k.png",
        "report.json",
        "report.md",
    ]
    assert (out / "recall_at_k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "by_type.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    data = json.loads((out / "report.json").read_text("utf-8"))
    assert set(data) == {"run", "metrics", "ci95", "differences", "by_config", "by_type", "by_doc"}
    assert data["ci95"]["hybrid+steering/mrr@10"] == [0.5, 1.0]
    assert data["differences"]["reference"] == "bm25"
    assert data["differences"]["by_config"]["hybrid+steering"]["map@10"] == {
        "value": 0.444444,
        "low": 0.333333,
        "high": 0.5,
        "items": 3,
        "differing": 3,
        "significant": True,
    }
    assert data["run"]["gold_sha256"] == report.run["gold_sha256"]
    assert len(data["run"]["gold_sha256"]) == 64
    assert {key: data["run"][key] for key in ("items", "answerable", "unanswerable", "configs", "ks", "answers")} == {
        "items": 4,
        "answerable": 3,
        "unanswerable": 1,
        "configs": ["bm25", "hybrid+steering"],
        "ks": [1, 3, 5, 10],
        "answers": True,
    }
    assert data["run"]["by_type"] == {"fact": 1, "list": 1, "followup": 1, "unanswerable": 1}
    assert data["metrics"]["hybrid+steering/mrr@10"] == 0.833333
    assert data["by_config"]["hybrid+steering"]["recall@1"] == 0.5
    assert data["by_type"]["list"]["items"] == 1

    lines = [json.loads(line) for line in (out / "predictions.jsonl").read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2", "q3", "q4"]
    assert lines[1] == {
        "id": "q2",
        "type": "list",
        "doc": "b",
        "question": "有哪些水果？",
        "history": [],
        "query": "有哪些水果？",
        "retrieval": {
            "bm25": {
                "top10": [{"id": "b/2", "score": 1.0}],
                "group_ranks": [None, 1],
                "covered@5": [2],
                "metrics": {
                    **{"recall@1": 0.5, "recall@3": 0.5, "recall@5": 0.5, "recall@10": 0.5, "mrr@10": 1.0, "ndcg@10": 0.613147},
                    **{"map@10": 0.5, "precision@1": 1.0, "precision@3": 0.333333, "precision@5": 0.2, "precision@10": 0.1, "chars@5": 5.0},
                },
            },
            "hybrid+steering": {
                "top10": [{"id": "b/1", "score": 1.0}, {"id": "x/1", "score": 1.0}, {"id": "b/2", "score": 1.0}],
                "group_ranks": [1, 3],
                "covered@5": [1, 2],
                "metrics": {
                    **{"recall@1": 0.5, "recall@3": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 0.919721},
                    **{"map@10": 0.833333, "precision@1": 1.0, "precision@3": 0.666667, "precision@5": 0.4, "precision@10": 0.2},
                    "chars@5": 14.0,
                },
            },
        },
        "reply": {
            "query": "有哪些水果？",
            "answer": "香蕉是黄的[1]，还有桔子[3]",
            "short": "",
            "found": True,
            "citations": [{"ref": 1, "id": "b/1", "quote": "香蕉是黄"}, {"ref": 2, "id": "x/1", "quote": "不在文中"}],
            "notice": "",
        },
        "answer_metrics": {
            "answer/key_coverage": 1.0,
            "answer/all_keys": 1.0,
            "answer/followup_all_keys": None,
            "answer/yesno_verdict": None,
            "answer/citation_recall": 0.5,
            "answer/citation_precision": 0.5,
            "answer/quote_faithfulness": 0.5,
            "answer/marker_validity": 0.0,
            "answer/refusal_accuracy": None,
            "answer/false_refusal_rate": 0.0,
        },
        "keys_found": ["香蕉", "橙子|桔子"],
        "keys_missing": [],
        "latency_ms": 500.0,
    }
    assert lines[2]["query"] == "梨子怎么样？"


def test_report_md_has_tables_charts_and_failures(fake_run):
    _, _, out = fake_run
    text = (out / "report.md").read_text("utf-8")
    retrieval = text.split("## Retrieval\n\n")[1].split("\n\n")[0]
    assert retrieval.splitlines() == [
        "| metric | bm25 | hybrid+steering |",
        "|---|---:|---:|",
        "| recall@1 | 0.167 [0.000, 0.500] | 0.500 [0.000, 1.000] |",
        "| recall@3 | 0.500 [0.000, 1.000] | 1.000 [1.000, 1.000] |",
        "| recall@5 | 0.500 [0.000, 1.000] | 1.000 [1.000, 1.000] |",
        "| recall@10 | 0.500 [0.000, 1.000] | 1.000 [1.000, 1.000] |",
        "| mrr@10 | 0.500 [0.000, 1.000] | 0.833 [0.500, 1.000] |",
        "| ndcg@10 | 0.415 [0.000, 0.631] | 0.850 [0.631, 1.000] |",
        "| map@10 | 0.333 [0.000, 0.500] | 0.778 [0.500, 1.000] |",
        "| precision@1 | 0.333 [0.000, 1.000] | 0.667 [0.000, 1.000] |",
        "| precision@3 | 0.222 [0.000, 0.333] | 0.444 [0.333, 0.667] |",
        "| precision@5 | 0.133 [0.000, 0.200] | 0.267 [0.200, 0.400] |",
        "| precision@10 | 0.067 [0.000, 0.100] | 0.133 [0.100, 0.200] |",
        "| chars@5 | 4 | 9 |",
    ]
    differences = text.split("## Differences against bm25\n\n")[1].split("\n\n")[1].splitlines()
    # a difference whose interval contains 0 is marked n.s. and not bolded; one that excludes 0 is bolded
    assert differences[2] == "| recall@1 | +0.333 [+0.000, +1.000] n.s. (1 differ) |"
    assert differences[8] == "| map@10 | **+0.444** [+0.333, +0.500] (3 differ) |"
    assert "| answer/false_refusal_rate | 0.333 [0.000, 1.000] | 3 |" in text
    assert "| answer/latency_p95_ms | 925.0 | – |" in text
    assert "| unanswerable | 1 | – | – | – | – | – | – | 1.000 | – |" in text
    assert "![recall_at_k.png](recall_at_k.png)\n![by_type.png](by_type.png)" in text
    failed = text.split("## Failed questions (2)\n\n")[1].splitlines()
    assert failed == [
        "- **q2** (list, b) 有哪些水果？ — a [n] marker points at no citation; a quote is not verbatim in its unit.",
        "- **q3** (followup, a) 那梨呢？ (searched: 梨子怎么样？) — refused although the documents answer it.",
    ]


def test_run_without_an_assistant_joins_history_and_skips_answer_metrics(tmp_path):
    items = load_gold(write_lines(tmp_path / "gold.jsonl", *FAKE_GOLD), None)
    seen: list[str] = []

    def search(queries: list[str]) -> list[list[Hit]]:
        seen.extend(queries)
        return [[UNITS_HIT] for _ in queries]

    report = run_evaluation(items, {"dense": search}, None, ks=(5, 1), progress=False)
    assert seen == ["苹果怎么样？", "有哪些水果？", "苹果怎么样？ 那梨呢？", "西瓜多少钱？"]
    assert report.ks == (1, 5)
    assert report.metrics == {
        "dense/recall@1": 1 / 3,
        "dense/recall@5": 1 / 3,
        "dense/mrr@10": 1 / 3,
        "dense/ndcg@10": 1 / 3,
        "dense/map@10": 1 / 3,
        "dense/precision@1": 1 / 3,
        "dense/precision@5": 1 / 15,
        "dense/chars@5": 4.0,
    }
    assert report.run["gold"] is None


def test_importing_the_evaluation_loads_no_plotting_or_progress_library():
    code = (
        "import sys, assistant.evaluation.runner, assistant.evaluation.report; "
        "print(sorted(m for m in ('matplotlib', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_cjk_font_prefers_simplified_chinese_noto():
    assert cjk_font(["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
    assert cjk_font(["DejaVu Sans", "WenQuanYi Zen Hei"]) == "WenQuanYi Zen Hei"
    assert cjk_font(["DejaVu Sans"]) is None


# --- thresholds ----------------------------------------------------------------------------------


def test_check_thresholds_says_which_metric_failed_and_how():
    values = {"hybrid/recall@5": 0.8487, "hybrid/mrr@10": 0.8, "answer/false_refusal_rate": 0.1, "answer/latency_p95_ms": 20.0}
    thresholds = {
        "hybrid/recall@5": 0.9,
        "hybrid/mrr@10": 0.8,
        "answer/false_refusal_rate_max": 0.05,
        "answer/latency_p95_ms_max": 2000,
        "dense/recall@5": 0.5,
    }
    assert check_thresholds(values, thresholds) == [
        "hybrid/recall@5 is 0.8487, below the threshold 0.9.",
        "answer/false_refusal_rate is 0.1, above the maximum 0.05.",
        "dense/recall@5 is not in the report, so its threshold 0.5 cannot be checked.",
    ]
    assert check_thresholds(values, {"hybrid/mrr@10": 0.8}) == []


def test_check_thresholds_reads_a_report(fake_run):
    report, _, _ = fake_run
    thresholds = {"hybrid+steering/recall@5": 0.9, "answer/refusal_accuracy": 0.85, "answer/false_refusal_rate_max": 0.05}
    assert check_thresholds(report, thresholds) == ["answer/false_refusal_rate is 0.3333, above the maximum 0.05."]


def test_shipped_thresholds_load_and_comments_are_skipped():
    thresholds = load_thresholds(ROOT / "eval" / "thresholds.json")
    assert "_about" not in thresholds
    wanted = {"hybrid+steering/recall@5", "hybrid+steering/mrr@10", "answer/key_coverage", "answer/refusal_accuracy"}
    assert wanted | {"answer/false_refusal_rate_max"} <= set(thresholds)
    assert all(isinstance(value, float) and 0 < value <= 1 for value in thresholds.values())


def test_a_bad_thresholds_file_is_one_sentence(tmp_path):
    path = tmp_path / "thresholds.json"
    path.write_text('{"hybrid/recall@5": "high"}', "utf-8")
    with pytest.raises(ThresholdsError) as error:
        load_thresholds(path)
    assert str(error.value) == f"The thresholds file {path}: 'hybrid/recall@5' must be a number, got 'high'."


# --- the CLI hook, wired to fake modules --------------------------------------------------------


def test_the_eval_command_builds_the_configurations_prints_the_headline_and_gates(tmp_path, monkeypatch, capsys, corpus_dir):
    gold = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": GOOD_EVIDENCE})
    (tmp_path / "thresholds.json").write_text('{"hybrid+steering/recall@5": 0.9, "baseline/recall@1": 0.5}', "utf-8")
    space = unit("coal/8", "加快构建形成“一体、多翼、多元产业协同”的老矿区转型发展空间格局。")
    calls: list[tuple] = []

    class Retriever:
        def search_batch(self, queries, k, doc=None, mode="hybrid"):
            calls.append(("search_batch", mode, k))
            return [[] for _ in queries]

    class SteeredRetriever:
        core = Retriever()

        def search_batch(self, queries, k, doc=None, mode="hybrid"):
            calls.append(("steered search_batch", mode, k))
            return [[Hit(space, 1.0)] for _ in queries]

    class BaselineRetriever:
        @classmethod
        def from_corpus(cls, corpus):
            calls.append(("BaselineRetriever.from_corpus", corpus))
            return cls()

        def search_batch(self, queries, k):
            calls.append(("baseline", k))
            return [[] for _ in queries]

    class Assistant:
        retriever = SteeredRetriever()

        @classmethod
        def load(cls, settings):
            calls.append(("Assistant.load", settings.corpus_dir))
            return cls()

        def resolve(self, question, history):
            return Resolution(question, question, False)

        def ask(self, question, history=None, doc=None):
            return Reply(question, question, "“一体、多翼、多元产业协同”的空间格局[1]", True, (Citation(1, space, "一体、多翼"),))

    for name, value in (("search.baseline", BaselineRetriever), ("answer.assistant", Assistant)):
        monkeypatch.setitem(sys.modules, f"assistant.{name}", types.SimpleNamespace(**{value.__name__: value}))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_dir))

    assert main(["eval", "--gold", str(gold), "--out", str(tmp_path / "report"), "--quiet"]) == 1
    assert calls == [
        ("Assistant.load", corpus_dir),
        ("BaselineRetriever.from_corpus", corpus_dir),
        ("search_batch", "bm25", 10),
        ("search_batch", "dense", 10),
        ("search_batch", "hybrid", 10),
        ("steered search_batch", "hybrid", 10),
        ("baseline", 10),
    ]
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == [
        "metric                   bm25            dense           hybrid  hybrid+steering         baseline",
        "recall@1                0.000            0.000            0.000            1.000            0.000",
        "recall@3                0.000            0.000            0.000            1.000            0.000",
    ]
    assert "answer/key_coverage        1.000" in out
    assert out.splitlines()[-2:] == [
        f"Thresholds: 1 of 2 met ({tmp_path / 'thresholds.json'}).",
        f"Report: {tmp_path / 'report' / 'report.md'}",
    ]
    assert err == "assistant: threshold not met: baseline/recall@1 is 0, below the threshold 0.5.\n"


def test_a_new_question_style_is_a_type_of_its_own(tmp_path, documents):
    path = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": GOOD_EVIDENCE, "type": "english"})
    (item,) = load_gold(path, list(documents.values()))
    assert (item.type, item.answerable) == ("english", True)


# --- comparing two runs --------------------------------------------------------------------------


def test_eval_compare_reports_a_known_difference_and_the_items_that_changed(tmp_path, capsys):
    items = load_gold(write_lines(tmp_path / "gold.jsonl", *FAKE_GOLD), None)
    for name, ranked in (("a", "bm25"), ("b", "hybrid+steering")):
        order = {**RANKED[ranked], "苹果怎么样？ 那梨呢？": RANKED[ranked]["梨子怎么样？"]}  # no resolver: history joined

        def search(queries, order=order):
            return [[Hit(UNITS[unit_id], 1.0) for unit_id in order[query]] for query in queries]

        write_report(run_evaluation(items, {"bm25": search}, None, progress=False), tmp_path / name)
    assert main(["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "4 items in both; B − A paired by item, 95 % bootstrap CI (1000 resamples, seed 0); n.s. = CI contains 0."
    rows = {line.split()[0]: line for line in out[4:] if line.startswith("bm25/")}
    assert rows["bm25/recall@5"].split() == ["bm25/recall@5", "0.500", "1.000", "+0.500", "[+0.000,", "+1.000]", "n.s.", "(2", "differ)"]
    assert rows["bm25/map@10"].split()[3:6] == ["+0.444", "[+0.333,", "+0.500]"]
    changed = out[out.index("Changed items (3):") + 1 :]
    assert changed == [
        "  q1: bm25/mrr@10 0.500→1.000",
        "  q2: bm25/recall@5 0.500→1.000",
        "  q3: bm25/recall@5 0.000→1.000; bm25/mrr@10 0.000→0.500",
    ]


def test_eval_compare_of_a_folder_without_a_report_is_one_sentence(tmp_path, capsys):
    assert main(["eval", "compare", str(tmp_path), str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"assistant: {tmp_path} is not a report folder of `assistant eval`")


def test_a_retrieval_only_run_still_resolves_follow_ups_with_the_resolver(tmp_path):
    items = load_gold(write_lines(tmp_path / "gold.jsonl", *FAKE_GOLD), None)
    seen: list[str] = []

    def search(queries: list[str]) -> list[list[Hit]]:
        seen.extend(queries)
        return [[UNITS_HIT] for _ in queries]

    report = run_evaluation(items, {"bm25": search}, None, progress=False, resolver=FakeAssistant(FakeClock()))
    assert seen == ["苹果怎么样？", "有哪些水果？", "梨子怎么样？", "西瓜多少钱？"]
    assert not any(name.startswith("answer/") for name in report.metrics)


def test_a_yes_no_item_s_verdict_is_read_from_its_reference_answer():
    from assistant.evaluation.results import reference_verdict

    answers = ("是的，文件提出…", "对。", "不是。目标是60%", "否，方向相反", "没有给出", "不能超过", "规划期为2021至2025年")
    assert [reference_verdict(a) for a in answers] == ["是", "是", "否", "否", "否", "否", ""]
