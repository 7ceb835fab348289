"""`assistant eval --briefings` on a small trainer file and the shipped index: figures per split, targets, report, checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.evaluation.briefings import read_briefing_gold

EVAL = Path(__file__).resolve().parents[2] / "eval"
TOPICS = [
    {"topic": "避险安置", "split": "tune", "kind": "covered", "keys": ["加快实施居民避险安置", "35471"], "off": []},
    {"topic": "人才引进", "split": "tune", "kind": "covered", "keys": ["选聘储备一批高层次人才"], "off": ["创业投资基金"]},
    {"topic": "新农村建设", "split": "heldout", "kind": "passing", "keys": ["新农村建设"], "off": []},
    {"topic": "航天产业", "split": "heldout", "kind": "absent", "keys": [], "off": []},
]


def _write(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), "utf-8")
    return path


def test_briefings_are_reported_per_split_beside_the_targets(tmp_path, env, capsys):
    gold, out = _write(tmp_path / "b.jsonl", TOPICS), tmp_path / "r"
    assert main(["eval", "--briefings", str(gold), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Briefings tune: 2 topics, 2 complete, status right 2; key-point coverage 1.000 (target ≥ 0.9, met)" in printed
    assert "Briefings heldout: 2 topics" in printed and "Briefings all: 4 topics" in printed
    assert "off-topic points 0.0% (target ≤ 5%, met)" in printed
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["targets"] == {"coverage": 0.9, "off_topic": 0.05}
    assert list(report["splits"]) == ["tune", "heldout"]
    assert report["all"]["coverage"] == 1.0 and report["all"]["topics"] == 4
    assert [t["status"] for t in report["topics"]] == ["covered", "covered", "passing", "absent"]
    assert report["run"]["corpus_dir"] == str(env.corpus_dir)
    md = (out / "report.md").read_text("utf-8")
    assert "| tune | 2 | 2 | 2 | 1.000 (met) | 0.0% (met) |" in md and "| 航天产业 | heldout | absent | absent | 0/0 | 0/0 | — |" in md


def test_a_briefing_below_target_exits_1_unless_no_gate(tmp_path, env, capsys):
    wrong = [{"topic": "航天产业", "split": "tune", "kind": "covered", "keys": ["加快实施居民避险安置"], "off": []}]
    gold, out = _write(tmp_path / "b.jsonl", wrong), tmp_path / "r"
    assert main(["eval", "--briefings", str(gold), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "key-point coverage 0.000 (target ≥ 0.9, NOT met)" in captured.out and "briefing targets not met" in captured.err
    assert "| 航天产业 | tune | covered | absent | 0/1 | 0/0 | 加快实施居民避险安置 |" in (out / "report.md").read_text("utf-8")
    assert main(["eval", "--briefings", str(gold), "--out", str(out), "--no-gate"]) == 0


@pytest.mark.parametrize(
    "item, message",
    [
        ({"topic": "资金", "keys": ["这句话不在文件里"]}, "is in no document of the index"),
        ({"topic": "资金", "kind": "maybe"}, "kind must be one of covered, passing, absent"),
        ({"topic": "资金", "key": ["资金"]}, "(not 'key')"),
    ],
)
def test_a_bad_trainer_file_is_one_sentence(item, message, tmp_path, env, capsys):
    assert main(["eval", "--briefings", str(_write(tmp_path / "b.jsonl", [item])), "--out", str(tmp_path / "r")]) == 1
    assert message in capsys.readouterr().err


def test_the_shipped_trainer_file_has_the_topics_the_issue_asks_for(assistant):
    items = read_briefing_gold(EVAL / "briefings.jsonl", assistant)  # every key point is in some document
    kinds = [item["kind"] for item in items]
    assert len(items) >= 15 and kinds.count("absent") >= 4 and kinds.count("passing") >= 3
    assert {item["split"] for item in items} == {"tune", "heldout"}
