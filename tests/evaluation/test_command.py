"""`assistant eval` end to end on a small gold file and the shipped index: options, run info, the honest gate, TREC, compare."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.evaluation.gate import choose_gate, sha256

EVAL = Path(__file__).resolve().parents[2] / "eval"
ITEMS = [
    {
        "id": "s1",
        "type": "fact",
        "doc": "coal",
        "question": "要加快构建什么样的空间格局？",
        "keys": ["一体、多翼"],
        "evidence": [["加快构建形成“一体、多翼、多元产业协同”的老矿区转型发展空间格局"]],
    },
    {
        "id": "s2",
        "type": "table",
        "doc": "jiangsu",
        "question": "工业遗产保护利用2020年是多少处？",
        "keys": ["85"],
        "evidence": [["工业遗产保护利用 处 85"]],
    },
    {"id": "s3", "type": "unanswerable", "doc": "none", "question": "苏州市的地铁规划是什么？", "keys": [], "evidence": []},
]


@pytest.fixture()
def gold(tmp_path) -> Path:
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in ITEMS), "utf-8")
    return path


def test_the_shipped_thresholds_gate_only_the_gold_file_they_were_tuned_on():
    assert json.loads((EVAL / "thresholds.json").read_text("utf-8"))["_gold"] == "gold.jsonl"
    assert choose_gate(EVAL / "gold.jsonl").applied
    held_out = choose_gate(EVAL / "heldout.jsonl")
    assert (held_out.applied, held_out.thresholds) == (False, {})
    assert held_out.reason == (
        f"{EVAL / 'thresholds.json'} was tuned for gold.jsonl, not heldout.jsonl; pass --thresholds FILE to gate this file"
    )
    explicit = choose_gate(EVAL / "heldout.jsonl", thresholds=EVAL / "thresholds.json")
    assert explicit.applied and explicit.thresholds["hybrid+steering/recall@5"] == 0.93
    assert choose_gate(EVAL / "gold.jsonl", no_gate=True).applied is False


def test_a_changed_gold_file_is_still_gated_with_a_warning(tmp_path, gold):
    (tmp_path / "thresholds.json").write_text(json.dumps({"_gold": "small.jsonl", "_gold_sha256": "0" * 64, "bm25/recall@5": 0.5}), "utf-8")
    gate = choose_gate(gold)
    assert (gate.applied, gate.thresholds) == (True, {"bm25/recall@5": 0.5})
    assert gate.warning == (
        f"small.jsonl has changed since {tmp_path / 'thresholds.json'} was tuned (sha256 000000000000); re-tune the thresholds"
    )
    tuned = {"_gold": "small.jsonl", "_gold_sha256": sha256(gold), "bm25/recall@5": 0.5}
    (tmp_path / "thresholds.json").write_text(json.dumps(tuned), "utf-8")
    assert choose_gate(gold).warning == ""


def test_eval_runs_the_chosen_configurations_and_records_the_run(tmp_path, gold, env, capsys):
    out, trec = tmp_path / "report", tmp_path / "trec"
    args = ["eval", "--gold", str(gold), "--out", str(out), "--quiet", "--configs", "hybrid,bm25", "--k", "1,5"]
    assert main([*args, "--fusion-weight", "0.3", "--no-answers", "--export-trec", str(trec)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["metric", "hybrid", "bm25"]
    assert "No gate: no thresholds.json beside the gold file; pass --thresholds FILE to gate it." in printed
    assert [line for line in printed if line.startswith("bm25 − hybrid: ")] == [
        "bm25 − hybrid: recall@5 +0.000 [+0.000, +0.000] n.s. (0 differ); mrr@10 +0.000 [+0.000, +0.000] n.s. (0 differ)"
    ]
    data = json.loads((out / "report.json").read_text("utf-8"))
    run = data["run"]
    manifest = json.loads((env.index_dir / "manifest.json").read_text("utf-8"))
    assert (run["configs"], run["ks"], run["answers"], run["items"]) == (["hybrid", "bm25"], [1, 5], False, 3)
    assert run["fusion"] == {"lexical": 1.0, "dense": 0.3}
    assert run["corpus_hash"] == manifest["corpus_hash"]
    assert run["embedder"] == manifest["embedder"]
    assert run["index"]["dir"] == str(env.index_dir)
    assert run["llm"] == {"enabled": False, "model": None, "host": None, "usage": None}
    assert run["package_version"] == "0.1.0"
    assert run["git_commit"] is None or len(run["git_commit"].split("+")[0]) == 40
    assert run["gate"]["result"] == "not applied"
    assert run["bootstrap"] == {"resamples": 1000, "seed": 0}
    assert data["differences"]["reference"] == "hybrid"
    assert set(data["differences"]["by_config"]) == {"bm25"}
    # the table row written in printed cell order is found
    assert data["metrics"]["bm25/recall@5"] == 1.0
    assert not any(name.startswith("answer/") for name in data["metrics"])
    qrels = (trec / "qrels.txt").read_text("utf-8").splitlines()
    assert "s2 0 jiangsu/table1/r6 1" in qrels
    assert not any(line.startswith("s3 ") for line in qrels)
    run_lines = (trec / "run.bm25.txt").read_text("utf-8").splitlines()
    assert [line.split()[:4] for line in run_lines[:1]] == [["s1", "Q0", "coal/8", "1"]]
    assert run_lines[0].split()[5] == "bm25" and len(run_lines) == 20
    assert sorted(path.name for path in trec.iterdir()) == ["qrels.txt", "run.bm25.txt", "run.hybrid.txt"]


def test_explicit_thresholds_gate_any_gold_file_and_the_report_records_every_threshold(tmp_path, gold, env, capsys):
    thresholds = tmp_path / "mine.json"
    thresholds.write_text(json.dumps({"bm25/recall@5": 0.9, "bm25/recall@1": 1.01, "answer/false_refusal_rate_max": 0.5}), "utf-8")
    args = ["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--quiet", "--configs", "bm25", "--thresholds", str(thresholds)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "assistant: threshold not met: bm25/recall@1 is 1, below the threshold 1.01." in err
    gate = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))["run"]["gate"]
    assert (gate["applied"], gate["result"], gate["source"]) == (True, "failed", str(thresholds))
    assert [(c["metric"], c["bound"], c["limit"], c["passed"]) for c in gate["checks"]] == [
        ("bm25/recall@5", "min", 0.9, True),
        ("bm25/recall@1", "min", 1.01, False),
        ("answer/false_refusal_rate", "max", 0.5, True),
    ]
    assert "Result: **failed** — given with --thresholds." in (tmp_path / "r" / "report.md").read_text("utf-8")
    assert main([*args[:-2], "--no-gate"]) == 0


def test_a_dead_llm_endpoint_with_require_llm_exits_1(tmp_path, gold, env, monkeypatch, capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "tiny")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "2")
    args = ["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--quiet", "--configs", "bm25", "--no-gate"]
    assert main([*args, "--require-llm"]) == 1
    out, err = capsys.readouterr()
    assert "LLM: 0 of 2 answers written by the LLM, 2 fell back (2 endpoint unavailable), 0 sentences dropped." in out
    assert "assistant: --require-llm: the LLM endpoint did not answer (2 of 2 replies fell back because it was unavailable)." in err
    run = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))["run"]
    assert run["llm"]["host"] == f"127.0.0.1:{port}"
    assert run["llm"]["usage"]["unavailable"] == 2
    # without --require-llm the run passes, but the report says the answers fell back
    assert main(args) == 0
    assert "2 fell back to the extractive answer (2 endpoint unavailable" in (tmp_path / "r" / "report.md").read_text("utf-8")


def test_require_llm_without_an_endpoint_is_one_sentence(tmp_path, gold, env, capsys):
    assert main(["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--require-llm"]) == 1
    assert capsys.readouterr().err == (
        "assistant: --require-llm: no LLM endpoint is configured; set ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL.\n"
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--configs", "bm25,hybird"],
            "--configs: unknown configuration 'hybird'; choose from bm25, dense, hybrid, hybrid+steering, baseline.",
        ),
        (["--k", "1,0"], "--k: '0' is not a positive integer; write e.g. --k 1,3,5,10."),
        (["--fusion-weight", "-1"], "--fusion-weight must be a number of at least 0 (the weight of the dense cosine)."),
        (["compare", "only-one"], "Use `assistant eval compare RUN_A RUN_B` (two report folders), or options only to run."),
    ],
)
def test_bad_options_are_one_sentence(option, message, tmp_path, gold, env, capsys):
    assert main(["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), *option]) == 1
    assert capsys.readouterr().err == f"assistant: {message}\n"


def test_skip_invalid_runs_the_valid_items_and_lists_the_others(tmp_path, gold, env, capsys):
    with gold.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**ITEMS[0], "id": "s4", "histroy": []}, ensure_ascii=False) + "\n")
    args = ["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--quiet", "--configs", "bm25", "--no-answers"]
    assert main(args) == 1
    assert "did you mean 'history'?" in capsys.readouterr().err
    assert main([*args, "--skip-invalid"]) == 0
    assert capsys.readouterr().err == f"assistant: skipped: {gold} line 4: field 'histroy' is not a gold field; did you mean 'history'?\n"
    run = json.loads((tmp_path / "r" / "report.json").read_text("utf-8"))["run"]
    assert (run["items"], len(run["skipped"])) == (3, 1)


def test_eval_index_points_the_run_at_another_index_folder(tmp_path, gold, env, capsys):
    missing = tmp_path / "no-index"
    assert main(["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--index", str(missing), "--no-gate"]) == 1
    assert str(missing) in capsys.readouterr().err
