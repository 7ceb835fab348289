"""The app as `launch` serves it, over raw HTTP: the feedback export only for the admin account (also through
Gradio's queue/join, which answers "private" events too), and /ask refusing wrong field types with a 422."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from assistant.errors import AssistantError
from assistant.markup import escape_markdown
from assistant.ui.feedback import Feedback, record
from assistant.ui.handlers import BAD_HISTORY, BAD_QUESTION
from bench.app_load import free_port

ADMIN = "boss:pass-word"
COMMENT = "秘密意见：只有管理员能看"
REFUSED = "账号或密码不对，请输入管理员账号和密码（ASSISTANT_ADMIN）后再导出。"


def _serve(assistant, settings, tmp_path_factory, admin: str):
    from assistant.ui.app import build_app, launch_options

    db = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    record(db, Feedback("down", "问题", "回答", "[]", comment=COMMENT))
    served = settings.with_overrides(feedback_db=db, port=free_port(), admin=admin)
    demo = build_app(assistant, served)
    _, url, _ = demo.launch(**(launch_options(served, demo) | {"prevent_thread_lock": True, "quiet": True}))
    return demo, url.rstrip("/")


@pytest.fixture(scope="module")
def guarded(assistant, settings, tmp_path_factory):
    demo, url = _serve(assistant, settings, tmp_path_factory, ADMIN)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def open_app(assistant, settings, tmp_path_factory):
    demo, url = _serve(assistant, settings, tmp_path_factory, "")
    yield url
    demo.close()


def _config(url: str) -> dict:
    return httpx.get(f"{url}/config", timeout=30).json()


def _component(config: dict, elem_id: str) -> int | None:
    return next((c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id), None)


def _join(url: str, fn_index: int, data: list, trigger_id: int | None = None) -> list:
    """Calls an event the way the page does (queue/join, then the event stream); returns its output data."""
    session = f"probe{fn_index}"
    with httpx.Client(timeout=60) as client:
        payload = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": trigger_id}
        client.post(f"{url}/gradio_api/queue/join", json=payload).raise_for_status()
        with client.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line.removeprefix("data: ")) if line.startswith("data: ") else {}
                if message.get("msg") == "process_completed":
                    return message["output"].get("data", [])
    return []


def _export_event(config: dict) -> tuple[int, int]:
    button = _component(config, "export")
    (dependency,) = [d for d in config["dependencies"] if [button, "click"] in [list(t) for t in d["targets"]]]
    return dependency["id"], button


def test_without_an_admin_account_the_app_offers_no_export_at_all(open_app):
    config = _config(open_app)
    assert [_component(config, name) for name in ("export", "export-file", "admin-password")] == [None, None, None]
    files = {c["id"] for c in config["components"] if c["type"] == "file"}
    (brief_files,) = files  # the only download left is the briefing's
    assert _component(config, "brief-files") == brief_files
    assert "导出反馈" not in httpx.get(open_app, timeout=30).text + json.dumps(config, ensure_ascii=False)


def test_with_an_admin_account_queue_join_without_the_password_gets_no_export(guarded):
    config = _config(guarded)
    fn_index, button = _export_event(config)
    for user, password in [("", ""), ("boss", "wrong"), ("someone", "pass-word")]:
        output = _join(guarded, fn_index, ["csv", user, password], button)
        assert output[0] is None
        assert output[1] == escape_markdown(REFUSED)  # shown as Markdown
        assert COMMENT not in json.dumps(output, ensure_ascii=False)
    path = _join(guarded, fn_index, ["csv", "boss", "pass-word"], button)[0]["path"]
    assert COMMENT in httpx.get(f"{guarded}/gradio_api/file={path}", timeout=30).content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        ([{"q": "江苏规划的规划期是哪几年？"}, [], None], BAD_QUESTION),
        ([42, [], None], BAD_QUESTION),
        (["江苏规划的规划期是哪几年？", 5, None], BAD_HISTORY),
        (["江苏规划的规划期是哪几年？", [1, 2], None], BAD_HISTORY),
    ],
    ids=["dict-question", "number-question", "number-history", "numbers-in-history"],
)
def test_ask_with_a_wrong_field_type_is_a_422_with_one_chinese_sentence_and_no_traceback(guarded, data, sentence, caplog):
    caplog.set_level(logging.DEBUG)
    for route in ("/gradio_api/call/ask", "/gradio_api/run/ask"):
        response = httpx.post(guarded + route, json={"data": data}, timeout=30)
        assert (response.status_code, response.json()) == (422, {"error": sentence})
    config = _config(guarded)
    ask = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "ask")
    joined = httpx.post(guarded + "/gradio_api/queue/join", json={"data": data, "fn_index": ask, "session_hash": "s"}, timeout=30)
    assert (joined.status_code, joined.json()) == (422, {"error": sentence})
    assert "Traceback" not in caplog.text


def test_ask_with_good_fields_still_answers_through_the_guard(guarded):
    posted = httpx.post(guarded + "/gradio_api/call/ask", json={"data": ["江苏规划的规划期是哪几年？", [], None]}, timeout=30)
    assert posted.status_code == 200
    lines = httpx.get(f"{guarded}/gradio_api/call/ask/{posted.json()['event_id']}", timeout=60).text.splitlines()
    assert json.loads(lines[lines.index("event: complete") + 1].removeprefix("data: "))[0]["found"] is True


def test_a_bad_admin_setting_fails_in_one_sentence(settings):
    from assistant.ui.app import launch_options

    with pytest.raises(
        AssistantError, match=r'^ASSISTANT_ADMIN must look like "user:password" \(both parts non-empty\); unset it to serve'
    ):
        launch_options(settings.with_overrides(admin="boss"))


def test_ask_json_refuses_wrong_types_in_one_sentence_without_logging(assistant, caplog):
    from assistant.ui.handlers import BAD_DOC, ask_json

    caplog.set_level(logging.DEBUG)
    assert ask_json(assistant, {"q": "x"}) == {"question": "", "error": BAD_QUESTION}
    assert ask_json(assistant, "江苏规划的规划期是哪几年？", 5) == {"question": "江苏规划的规划期是哪几年？", "error": BAD_HISTORY}
    assert ask_json(assistant, "江苏规划的规划期是哪几年？", [], 3) == {"question": "江苏规划的规划期是哪几年？", "error": BAD_DOC}
    assert caplog.records == []
