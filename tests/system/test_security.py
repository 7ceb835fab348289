"""Security: what a question can do to the page, which address the app listens on, which files it serves, and its login."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.records import Unit
from assistant.ui import app as ui
from assistant.ui.handlers import brief, rate, respond
from assistant.ui.presentation import plain_text, reply_messages, unit_html

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "老矿区<iframe src=javascript:alert(1)>转型",
    "[点我](javascript:alert(1)) ![x](http://127.0.0.1:1/x.png) **粗** $x^2$ `code` <b>加粗</b>",
    "'; DROP TABLE feedback; --",
    "\x1b[31m老矿区\x1b[0m\x00",
    "\u202e老矿区转型发展的发展原则有哪些？",
    "&lt;script&gt;已经转义的&amp;",
]
ALLOWED_TAGS = {"span", "sup", "mark"}  # what the presentation itself writes
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shown(chat: list[dict]) -> list[str]:
    """Every piece of text the chat renders as Markdown: contents and source titles."""
    return [m["content"] for m in chat] + [m["metadata"]["title"] for m in chat if "metadata" in m]


# --- nothing a user types is rendered as markup -----------------------------------------------


@pytest.mark.parametrize("question", HOSTILE)
def test_a_hostile_question_is_shown_as_text_in_the_chat(assistant, question):
    chat, turns, _ = respond(assistant, question, [], [], "all")
    assert len(turns) == 1
    for text in shown(chat):
        assert {tag.lower() for _, tag in TAG.findall(text)} <= ALLOWED_TAGS, text
        assert not re.search(r"[\x00-\x08\x0e-\x1f\u202a-\u202e]", text)
        assert "javascript:" not in text  # the colon is a character reference, so no link can form
        assert "](" not in text and "**" not in text and "$x" not in text
    # the user's own message: every special is a character reference, and it reads back as typed
    user = chat[0]["content"]
    assert "<" not in user and ">" not in user
    assert plain_text(turns[0]).startswith("问：")


def test_the_escaped_question_reads_back_as_typed(assistant):
    import html

    question = "[点我](javascript:alert(1)) <b>加粗</b> &amp;"
    chat, _, _ = respond(assistant, question, [], [], "all")
    assert html.unescape(chat[0]["content"]) == question


def test_a_refusal_quoting_the_question_is_escaped(assistant):
    chat, turns, _ = respond(assistant, "<img src=x onerror=alert(1)>", [], [], "all")
    assert turns[0].found is False
    # issue 15: a refusal no longer repeats the question (as 检索内容); the question is shown, escaped, once
    assert chat[0]["content"] == "&lt;img src&#61;x onerror&#61;alert&#40;1&#41;&gt;"
    assert "<img" not in chat[1]["content"]
    assert chat[1]["content"].startswith('<span class="not-found">未找到</span> ')


def test_document_text_with_markup_is_escaped_in_sources_and_the_reader():
    body = "第一句<script>alert(1)</script>。第二句<img src=x onerror=alert(2)>。"
    unit = Unit("d/1", "d", "<b>文件</b>", "paragraph", "<i>标签</i>", ("<章>",), body, 0, len(body))
    from assistant.records import Citation, Reply

    reply = Reply("问", "问", "第一句<script>alert(1)</script>。[1]", True, (Citation(1, unit, "第一句<script>alert(1)</script>。"),))
    for text in [*shown(reply_messages(reply)), unit_html([unit], unit)]:
        assert {tag.lower() for _, tag in TAG.findall(text)} <= ALLOWED_TAGS | {"div", "h3", "h4", "p"}, text


def test_a_hostile_briefing_topic_is_text_in_the_preview_and_the_files(assistant):
    markdown, files = brief(assistant, "<script>alert(1)</script><img src=x onerror=alert(1)>", None)
    escaped = "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;&lt;img src&#61;x onerror&#61;alert&#40;1&#41;&gt;"
    assert markdown.startswith(f"# 专题简报：{escaped}\n")
    assert "<script" not in markdown and "<img" not in markdown
    assert [Path(f).suffix for f in files] == [".md", ".docx"]
    assert all(re.fullmatch(r"\w+\.\w+", Path(f).name) for f in files)  # nothing of the markup in a file name
    assert Path(files[0]).read_text(encoding="utf-8") == markdown


def test_feedback_with_sql_in_it_is_stored_as_text(assistant, tmp_path):
    from assistant.ui.feedback import read_feedback

    db = tmp_path / "feedback.sqlite3"
    question = "'; DROP TABLE feedback; --"
    chat, turns, _ = respond(assistant, question, [], [], "all")
    assert rate(db, chat, turns, 1, False, "x'); DELETE FROM feedback; --") == "已记录您的反馈，谢谢！（含意见）"
    assert rate(db, chat, turns, 1, True) == "已记录您的反馈，谢谢！"
    stored = read_feedback(db)
    assert [(f.question, f.comment) for f in stored] == [(question, "x'); DELETE FROM feedback; --"), (question, "")]


# --- where the app listens, and its options -------------------------------------------------------


def test_the_app_listens_on_localhost_unless_told_otherwise():
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env({}).host == "127.0.0.1"
    options = ui.launch_options(Settings.from_env({}))
    assert (options["server_name"], options["server_port"], options["auth"]) == ("127.0.0.1", 7860, None)
    assert options["max_file_size"] == "1kb"
    assert not {"share", "allowed_paths", "root_path"} & set(options)
    told = ui.launch_options(Settings.from_env({"ASSISTANT_HOST": "0.0.0.0", "ASSISTANT_AUTH": "official:pass:word"}))
    assert (told["server_name"], told["auth"]) == ("0.0.0.0", ("official", "pass:word"))


# --- files: only what the app needs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def app(assistant, settings, tmp_path_factory):
    """The app as `assistant serve` launches it, on a free port of 127.0.0.1; yields (url, settings)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    db = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    served = settings.with_overrides(feedback_db=db, port=free_port())
    rate(db, *respond(assistant, "江苏规划的规划期是哪几年？", [], [], "all")[:2], 1, True)  # a database to try to fetch
    demo = ui.build_app(assistant, served)
    _, url, _ = demo.launch(**(ui.launch_options(served) | {"prevent_thread_lock": True, "quiet": True}))
    yield url.rstrip("/"), served
    demo.close()


def forbidden_paths(settings: Settings) -> list[str]:
    """Files the app must not serve: system files, the repository, the index and the feedback database."""
    return [
        "/file=/etc/passwd",
        "/gradio_api/file=/etc/passwd",
        "/file=../corpus/documents.toml",
        "/gradio_api/file=../corpus/documents.toml",
        "/gradio_api/file=corpus/documents.toml",  # the tests run from the repository: a real relative path
        f"/gradio_api/file={ROOT}/corpus/documents.toml",
        f"/gradio_api/file={ROOT}/README.md",
        f"/gradio_api/file={ROOT}/assistant/config.py",
        "/gradio_api/file=pyproject.toml",
        f"/gradio_api/file={settings.index_dir}/manifest.json",
        f"/gradio_api/file={settings.feedback_db}",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/gradio_api/file=/proc/self/environ",
        "/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/gradio_api/file=" + "../" * 12 + "etc/passwd",
    ]


def test_no_file_outside_what_the_app_needs_is_served(app):
    url, settings = app
    secrets = [b"root:", b"[[documents]]", b"ASSISTANT_", b"SQLite format", b'"unit_count"']
    refused = {}
    with httpx.Client(timeout=30) as client:
        for path in forbidden_paths(settings):
            response = client.get(url + path)
            refused[path] = response.status_code
            assert not any(secret in response.content for secret in secrets), path
    assert {path: code for path, code in refused.items() if code not in (403, 404)} == {}


def test_the_app_still_serves_its_page_and_api(app):
    url, _ = app
    with httpx.Client(timeout=30) as client:
        assert client.get(url + "/").status_code == 200
        assert list(client.get(url + "/gradio_api/info").json()["named_endpoints"]) == ["/ask"]


def test_uploads_are_capped_since_the_app_takes_no_files(app):
    url, _ = app
    with httpx.Client(timeout=30) as client:
        big = client.post(url + "/gradio_api/upload", files={"files": ("big.bin", b"x" * 10_000)})
        small = client.post(url + "/gradio_api/upload", files={"files": ("x.html", b"<script>alert(1)</script>")})
        assert big.status_code == 413
        assert small.status_code == 200
        # what an upload puts there comes back as a download, never as a page of this site
        fetched = client.get(url + "/gradio_api/file=" + small.json()[0])
    assert fetched.headers["content-disposition"].startswith("attachment")
    assert "html" not in fetched.headers["content-type"]


# --- the login ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(assistant, settings, tmp_path_factory):
    """The app with ASSISTANT_AUTH set; yields its URL."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    served = Settings.from_env({"ASSISTANT_AUTH": "official:pass-word"})
    served = settings.with_overrides(auth=served.auth, port=free_port(), feedback_db=tmp_path_factory.mktemp("fb") / "f.sqlite3")
    demo = ui.build_app(assistant, served)
    _, url, _ = demo.launch(**(ui.launch_options(served) | {"prevent_thread_lock": True, "quiet": True}))
    yield url.rstrip("/")
    demo.close()


ASK = {"data": ["江苏规划的规划期是哪几年？", [], None]}


def test_with_a_login_set_nothing_but_the_login_page_answers_without_it(guarded):
    with httpx.Client(timeout=30) as client:
        refused = {
            "ask": client.post(guarded + "/gradio_api/call/ask", json=ASK).status_code,
            "run": client.post(guarded + "/gradio_api/run/ask", json=ASK).status_code,
            "queue": client.post(guarded + "/gradio_api/queue/join", json=ASK | {"fn_index": 0, "session_hash": "s"}).status_code,
            "config": client.get(guarded + "/config").status_code,
            "info": client.get(guarded + "/gradio_api/info").status_code,
            "upload": client.post(guarded + "/gradio_api/upload", files={"files": ("x.txt", b"x")}).status_code,
            "file": client.get(guarded + "/gradio_api/file=/etc/passwd").status_code,
        }
        wrong = client.post(guarded + "/login", data={"username": "official", "password": "guess"})
    assert refused == dict.fromkeys(refused, 401)
    assert wrong.status_code == 400


def test_with_the_login_the_api_answers(guarded):
    with httpx.Client(timeout=30) as client:
        assert client.post(guarded + "/login", data={"username": "official", "password": "pass-word"}).json() == {"success": True}
        event = client.post(guarded + "/gradio_api/call/ask", json=ASK).json()["event_id"]
        stream = client.get(f"{guarded}/gradio_api/call/ask/{event}").text
    assert "event: complete" in stream
    assert '"found": true' in stream


# --- files from outside the corpus (issue 20, finding 2) -----------------------------------------

SECRET = "第一章 机密\n\n一、管理员口令\n\n管理员口令是hunter2，请勿外传。\n"


def test_files_outside_the_corpus_are_refused_by_the_build_and_never_answered(settings, tmp_path, capsys):
    import shutil

    from assistant.answer.assistant import Assistant
    from assistant.cli import main
    from assistant.indexing.store import load_index

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_dir, index)  # the unchanged documents are reused: a quick build
    (tmp_path / "outside").mkdir()
    for name in ("x.txt", "y.txt", "z.txt"):
        (tmp_path / "outside" / name).write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path / "outside" / "z.txt", corpus / "z.txt")
    with open(corpus / "documents.toml", "a", encoding="utf-8") as manifest:
        manifest.write('\n[[document]]\nid = "x"\ntitle = "机密一"\nfile = "../outside/x.txt"\n')
        manifest.write(f'\n[[document]]\nid = "y"\ntitle = "机密二"\nfile = "{tmp_path / "outside" / "y.txt"}"\n')
    assert main(["--corpus", str(corpus), "--index", str(index), "build"]) == 0
    err = capsys.readouterr().err
    refusal = "is outside the corpus folder {corpus} (paths and symlinks must stay inside it), so it is not read"
    refused = refusal.format(corpus=corpus)
    assert f"warning: {corpus / '../outside/x.txt'} {refused} (entry 3, file ../outside/x.txt, was left out).\n" in err
    assert f"warning: {tmp_path / 'outside' / 'y.txt'} {refusal.format(corpus=corpus)} (entry 4, file" in err
    assert f"warning: {corpus / 'z.txt'} {refusal.format(corpus=corpus)}.\n" in err
    built = Settings(corpus_dir=corpus, index_dir=index)
    loaded = load_index(built)
    assert [d["id"] for d in loaded.manifest["documents"]] == ["coal", "jiangsu"]
    assert all("hunter2" not in unit.body for unit in loaded.units)
    reply = Assistant(loaded, built).ask("管理员口令是什么？")
    assert "hunter2" not in reply.answer and not reply.found
