"""Feedback: stored durably in SQLite, read back, exported, written concurrently, and damage reported in one sentence."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.ui.feedback import Feedback, FeedbackError, export_feedback, read_feedback, record
from assistant.ui.handlers import comment_on, export, rate, respond

ROOT = Path(__file__).resolve().parents[2]
CITATION = [{"ref": 1, "id": "coal/5/p1", "doc_id": "coal", "doc_title": "T", "label": "L", "path": ["P"], "text": "X", "quote": "X"}]


def _item(number: int = 1, rating: str = "up", comment: str = "") -> Feedback:
    citations = json.dumps(CITATION, ensure_ascii=False)
    return Feedback(rating, f"问题{number}", f"回答{number}[1]", citations, query=f"检索{number}", comment=comment)


def _damage(db: Path) -> Path:
    db.write_bytes(b"this is not a database" * 100)
    return db


def test_a_record_is_stored_and_read_back_with_its_utc_time(tmp_path):
    db = tmp_path / "sub" / "feedback.sqlite3"
    assert record(db, _item(1, "down", "引用不对")) == 1
    (stored,) = read_feedback(db)
    assert (stored.id, stored.rating, stored.question, stored.query, stored.answer, stored.comment, stored.doc) == (
        1,
        "down",
        "问题1",
        "检索1",
        "回答1[1]",
        "引用不对",
        "",
    )
    assert json.loads(stored.citations) == CITATION
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stored.created)


def test_the_database_uses_wal_mode(tmp_path):
    import sqlite3

    db = tmp_path / "feedback.sqlite3"
    record(db, _item())
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_reply_becomes_a_record_with_its_citations(assistant):
    reply = assistant.ask("江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？")
    item = Feedback.of_reply(reply, "up", "  很准确  ", "jiangsu")
    assert (item.question, item.query, item.found, item.comment, item.doc) == (reply.question, reply.query, True, "很准确", "jiangsu")
    assert [c["id"] for c in json.loads(item.citations)] == ["jiangsu/ch4.1/p1"]


def test_a_rating_other_than_up_or_down_is_refused(tmp_path):
    with pytest.raises(FeedbackError, match=r"^A rating is 'up' or 'down', not 'meh'\.$"):
        record(tmp_path / "f.sqlite3", _item(rating="meh"))


def test_export_as_csv_opens_in_excel_and_keeps_the_citations(tmp_path):
    db = tmp_path / "f.sqlite3"
    record(db, _item(1, "up"))
    record(db, _item(2, "down", "缺少来源, 且有“引号”"))
    out = tmp_path / "out" / "feedback.csv"
    assert export_feedback(db, out) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read UTF-8
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["编号", "时间", "问题", "检索", "回答", "评价", "意见", "引用", "是否找到", "检索范围"]
    assert [row[:1] + row[2:] for row in rows[1:]] == [
        ["1", "问题1", "检索1", "回答1[1]", "赞", "", "[1] 《T》 L：X", "是", "全部"],
        ["2", "问题2", "检索2", "回答2[1]", "踩", "缺少来源, 且有“引号”", "[1] 《T》 L：X", "是", "全部"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[1]) for row in rows[1:])


def test_export_times_are_china_standard_time(tmp_path):
    db = tmp_path / "f.sqlite3"
    record(db, Feedback("up", "问", "答", "[]", created="2026-12-31T17:30:00+00:00"))
    out = tmp_path / "f.jsonl"
    export_feedback(db, out)
    assert json.loads(out.read_text(encoding="utf-8"))["时间"] == "2027-01-01 01:30:00"


def test_export_as_json_lines_is_chosen_by_the_file_name(tmp_path):
    db = tmp_path / "f.sqlite3"
    record(db, _item(1, "down", "x"))
    out = tmp_path / "feedback.jsonl"
    assert export_feedback(db, out) == 1
    (line,) = out.read_text(encoding="utf-8").splitlines()
    data = json.loads(line)
    assert {k: v for k, v in data.items() if k != "时间"} == {
        "编号": 1,
        "问题": "问题1",
        "检索": "检索1",
        "回答": "回答1[1]",
        "评价": "踩",
        "意见": "x",
        "引用": "[1] 《T》 L：X",
        "是否找到": "是",
        "检索范围": "全部",
    }


def test_export_without_a_database_writes_an_empty_file(tmp_path):
    out = tmp_path / "f.jsonl"
    assert export_feedback(tmp_path / "none.sqlite3", out, "jsonl") == 0
    assert out.read_text(encoding="utf-8") == ""
    assert not (tmp_path / "none.sqlite3").exists()


def test_an_unknown_export_format_is_refused(tmp_path):
    with pytest.raises(FeedbackError, match=r"^Feedback is exported as csv or jsonl, not 'xlsx'\.$"):
        export_feedback(tmp_path / "f.sqlite3", tmp_path / "f.xlsx", "xlsx")


def test_a_damaged_database_gives_one_sentence_that_says_what_to_do(tmp_path):
    db = _damage(tmp_path / "f.sqlite3")
    expected = (
        f"The feedback database {db} is damaged or not an SQLite file; move it aside (mv {db} {db}.damaged) and a new one is started."
    )
    for action in (lambda: record(db, _item()), lambda: read_feedback(db), lambda: export_feedback(db, tmp_path / "o.csv")):
        with pytest.raises(FeedbackError) as caught:
            action()
        assert (str(caught.value), caught.value.problem, caught.value.path) == (expected, "damaged", db)


def test_a_database_that_cannot_be_opened_says_so(tmp_path):
    db = tmp_path / "is-a-folder"
    db.mkdir()
    with pytest.raises(FeedbackError) as caught:
        record(db, _item())
    assert caught.value.problem == "unopenable"
    assert str(caught.value) == f"The feedback database {db} cannot be opened; check that its folder exists and is writable."


def test_many_threads_write_at_once_and_nothing_is_lost(tmp_path):
    db = tmp_path / "f.sqlite3"
    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(lambda n: record(db, _item(n)), range(200)))
    assert sorted(ids) == list(range(1, 201))
    assert sorted(item.question for item in read_feedback(db)) == sorted(f"问题{n}" for n in range(200))


def test_several_processes_write_at_once_without_database_is_locked(tmp_path):
    db = tmp_path / "f.sqlite3"
    script = (
        "import sys\n"
        "from assistant.ui.feedback import Feedback, record\n"
        "for n in range(40):\n"
        "    record(sys.argv[1], Feedback('up', f'{sys.argv[2]}-{n}', 'a', '[]'))\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(db), f"p{k}"], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
        for k in range(4)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: record(db, _item(n)), range(40)))
    errors = [worker.communicate(timeout=120)[1].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], errors
    assert len(read_feedback(db)) == 200


def test_a_thumb_in_the_chat_stores_the_rated_turn(assistant, tmp_path):
    db = tmp_path / "f.sqlite3"
    chat, turns, _ = respond(assistant, "贾汪区重点采煤沉陷区沉陷面积是多少？", [], [], "all")
    chat, turns, _ = respond(assistant, "那沛县呢？", chat, turns, "jiangsu")
    source_of_second = len(chat) - 1  # Gradio reports the last message of the rated group
    assert rate(db, chat, turns, source_of_second, False, "想看铜山区", "jiangsu") == "已记录您的反馈，谢谢！（含意见）"
    assert rate(db, chat, turns, 1, True) == "已记录您的反馈，谢谢！"
    first, second = read_feedback(db)
    assert (first.question, first.query, first.rating, first.comment, first.doc) == (
        "那沛县呢？",
        "沛县重点采煤沉陷区沉陷面积是多少？",
        "down",
        "想看铜山区",
        "jiangsu",
    )
    assert [c["id"] for c in json.loads(first.citations)] == ["jiangsu/box1/7"]
    assert (second.question, second.rating, second.comment) == ("贾汪区重点采煤沉陷区沉陷面积是多少？", "up", "")


def test_a_withdrawn_thumb_or_an_empty_chat_stores_nothing(assistant, tmp_path):
    db = tmp_path / "f.sqlite3"
    chat, turns, _ = respond(assistant, "江苏规划的规划期是哪几年？", [], [], "all")
    assert rate(db, chat, turns, 1, "") == "已取消评价（之前保存的反馈保留在记录中）。"
    assert rate(db, [], [], 0, True) == "没有找到要评价的回答，请对一条回答点赞或点踩。"
    assert not db.exists()


def test_a_thumb_on_a_damaged_database_is_one_chinese_sentence(assistant, tmp_path):
    db = _damage(tmp_path / "f.sqlite3")
    chat, turns, _ = respond(assistant, "江苏规划的规划期是哪几年？", [], [], "all")
    assert rate(db, chat, turns, 1, True) == (
        f"反馈没有保存（回答本身不受影响）：反馈数据库 {db} 已损坏或不是 SQLite 文件，请管理员把它改名移走，系统会自动新建一个。"
    )


def test_the_cli_exports_feedback(tmp_path, monkeypatch, capsys):
    db = tmp_path / "f.sqlite3"
    record(db, _item())
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(db))
    out = tmp_path / "export.jsonl"
    assert main(["feedback", "--export", str(out)]) == 0
    assert capsys.readouterr().err == f"Exported 1 feedback records from {db} to {out}.\n"
    assert json.loads(out.read_text(encoding="utf-8"))["问题"] == "问题1"


def test_the_cli_reports_a_damaged_database_in_one_line(tmp_path, monkeypatch, capsys):
    db = _damage(tmp_path / "f.sqlite3")
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(db))
    assert main(["feedback", "--export", str(tmp_path / "x.csv")]) == 1
    assert capsys.readouterr().err == (
        f"assistant: The feedback database {db} is damaged or not an SQLite file; "
        f"move it aside (mv {db} {db}.damaged) and a new one is started.\n"
    )


ADMIN = ("boss", "pass-word")


def test_the_feedback_tab_exports_a_file_to_download_for_the_admin_only(tmp_path):
    db = tmp_path / "f.sqlite3"
    record(db, _item())
    refused = (None, "账号或密码不对，请输入管理员账号和密码（ASSISTANT_ADMIN）后再导出。")
    assert export(db, "jsonl") == refused
    assert export(db, "jsonl", ADMIN, "boss", "wrong") == refused
    assert export(db, "jsonl", None, "boss", "pass-word") == refused
    path, said = export(db, "jsonl", ADMIN, "boss", "pass-word")
    assert said == "已导出 1 条反馈（JSONL），请点击下载。"
    assert json.loads(Path(path).read_text(encoding="utf-8"))["问题"] == "问题1"
    assert export(_damage(db), "csv", ADMIN, *ADMIN) == (
        None,
        f"无法导出：反馈数据库 {db} 已损坏或不是 SQLite 文件，请管理员把它改名移走，系统会自动新建一个。",
    )


def test_one_rating_per_answer_a_second_click_changes_it_and_the_comment_is_kept(assistant, tmp_path):
    db = tmp_path / "f.sqlite3"
    chat, turns, _ = respond(assistant, "江苏规划的规划期是哪几年？", [], [], "all")
    chat, turns, _ = respond(assistant, "贾汪区重点采煤沉陷区沉陷面积是多少？", chat, turns, "all")
    assert rate(db, chat, turns, 1, True, session="s1") == "已记录您的反馈，谢谢！"
    assert comment_on(db, "s1", 0, "  很清楚 ") == "已保存您的意见，谢谢！"
    assert rate(db, chat, turns, 1, False, session="s1") == "已记录您的反馈，谢谢！"
    assert rate(db, chat, turns, 1, True, session="s1") == "已记录您的反馈，谢谢！"
    assert rate(db, chat, turns, len(chat) - 1, False, session="s1") == "已记录您的反馈，谢谢！"
    assert [(f.key, f.rating, f.question, f.comment) for f in read_feedback(db)] == [
        ("s1/0", "up", "江苏规划的规划期是哪几年？", "很清楚"),
        ("s1/1", "down", "贾汪区重点采煤沉陷区沉陷面积是多少？", ""),
    ]
    assert rate(db, chat, turns, 1, None, session="s1") == "已取消对这条回答的评价。"
    assert [f.key for f in read_feedback(db)] == ["s1/1"]
    assert comment_on(db, "s1", 0, "还有意见") == "请先对这条回答点赞或点踩，再保存意见。"
    assert comment_on(db, "s1", 1, "  ") == "意见是空的，请先写下意见再保存。"


def test_a_database_from_before_keys_gets_the_column(tmp_path):
    import sqlite3

    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, rating TEXT NOT NULL,"
            " question TEXT NOT NULL, query TEXT NOT NULL, answer TEXT NOT NULL, found INTEGER NOT NULL,"
            " citations TEXT NOT NULL, comment TEXT NOT NULL, doc TEXT NOT NULL)"
        )
        connection.execute("INSERT INTO feedback VALUES (1, '2026-01-01T00:00:00+00:00', 'up', '问', '问', '答', 1, '[]', '', '')")
    record(db, _item(2))
    assert [(f.id, f.key) for f in read_feedback(db)] == [(1, ""), (2, "")]


def test_download_folders_share_one_root_and_old_ones_are_removed():
    """Briefings and exports written for download do not pile up in /tmp (issue 20, finding 7)."""
    import os
    import subprocess
    import sys

    from assistant.ui import handlers

    first = handlers.download_folder("briefing-")
    second = handlers.download_folder("feedback-")
    assert first.parent == second.parent and first.parent.name.startswith("assistant-downloads-")
    os.utime(first, (0, 0))  # older than DOWNLOAD_AGE
    handlers.download_folder("briefing-")
    assert not first.exists() and second.exists()
    # the root itself goes when the process ends
    code = "from assistant.ui import handlers; print(handlers.download_folder('briefing-').parent)"
    root = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert root and not os.path.exists(root)
