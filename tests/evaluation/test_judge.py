"""The optional LLM judge: verdicts read strictly, errors counted, and `eval --judge` against a fake OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.evaluation.judge import Verdict, parse_verdict, summary

GOLD = [
    {
        "id": "j1",
        "type": "fact",
        "doc": "coal",
        "question": "要加快构建什么样的空间格局？",
        "keys": ["一体、多翼"],
        "evidence": [["加快构建形成“一体、多翼、多元产业协同”的老矿区转型发展空间格局"]],
    },
    {"id": "j2", "type": "unanswerable", "doc": "none", "question": "苏州市的地铁规划是什么？", "keys": [], "evidence": []},
]


def test_a_verdict_is_the_first_json_object_with_values_0_or_1():
    assert parse_verdict('判断如下：{"correct": 1, "faithful": 0} 以上。') == (1.0, 0.0)
    assert parse_verdict('{"correct": true, "faithful": true}') == (1.0, 1.0)
    with pytest.raises(ValueError, match=r"'faithful' is 0\.5, not 0 or 1"):
        parse_verdict('{"correct": 1, "faithful": 0.5}')
    with pytest.raises(ValueError, match="no JSON object"):
        parse_verdict("yes")


def test_the_summary_counts_failures_and_averages_the_readable_verdicts():
    verdicts = [Verdict("a", 1.0, 1.0), Verdict("b", 0.0, 1.0), Verdict("c", None, None, "TimeoutError: slow")]
    out = summary(verdicts, resamples=200)
    assert (out["items"], out["failures"]) == (3, 1)
    assert out["correctness"]["value"] == 0.5
    assert out["faithfulness"] == {"value": 1.0, "low": 1.0, "high": 1.0}


@pytest.fixture()
def endpoint():
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            content = '{"correct": 1, "faithful": 0}'
            payload = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", ""),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    server.shutdown()
    server.server_close()


def test_eval_judge_reports_llm_verdicts_apart_from_the_deterministic_metrics(tmp_path, settings, monkeypatch, endpoint, capsys):
    url, requests = endpoint
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in GOLD), "utf-8")
    for name, value in (
        ("CORPUS_DIR", settings.corpus_dir),
        ("INDEX_DIR", settings.index_dir),
        ("LLM_BASE_URL", url),
        ("LLM_MODEL", "judge"),
    ):
        monkeypatch.setenv(f"ASSISTANT_{name}", str(value))
    out = tmp_path / "r"
    assert main(["eval", "--gold", str(gold), "--out", str(out), "--quiet", "--configs", "bm25", "--no-gate", "--judge"]) == 0
    data = json.loads((out / "report.json").read_text("utf-8"))
    judge = data["run"]["judge"]
    assert (judge["model"], judge["items"], judge["failures"]) == ("judge", 1, 0)
    assert judge["correctness"]["value"] == 1.0 and judge["faithfulness"]["value"] == 0.0
    assert not any(name.startswith("judge/") for name in data["metrics"])  # never mixed with the deterministic ones
    assert [json.loads(line) for line in (out / "judgements.jsonl").read_text("utf-8").splitlines()] == [
        {"id": "j1", "correct": 1.0, "faithful": 0.0, "error": ""}
    ]
    prompts = [r["messages"][-1]["content"] for r in requests if "You grade one answer" in r["messages"][-1]["content"]]
    assert len(prompts) == 1 and "Reference (what a correct answer states): 一体、多翼" in prompts[0]
    text = Path(out / "report.md").read_text("utf-8")
    assert "## LLM-judged (not deterministic)" in text
    assert "| judge/faithfulness | 0.000 [0.000, 0.000] |" in text
    capsys.readouterr()


def test_judge_without_an_endpoint_is_one_sentence(tmp_path, settings, monkeypatch, capsys):
    monkeypatch.delenv("ASSISTANT_LLM_BASE_URL", raising=False)
    assert main(["eval", "--gold", str(tmp_path / "none.jsonl"), "--judge"]) == 1
    assert capsys.readouterr().err == (
        "assistant: --judge needs the answers and an LLM endpoint (ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL).\n"
    )
