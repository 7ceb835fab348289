"""Reliability: bad questions, damaged state, concurrency and failing dependencies.

Every bad question gets a clear reply (or one error line) within BOUND seconds through
`Assistant.ask`, the CLI and the app's /ask API. Every damaged file is named in one sentence with
the command that repairs it, and the app's start repairs what a build can repair. Concurrent
questions and feedback writes are all answered and stored. A dead, slow, trickling or garbled LLM
endpoint costs at most its timeout plus a small grace. docs/reliability.md lists what held.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.answer.assistant import Assistant
from assistant.answer.llm import UNAVAILABLE
from assistant.answer.question import MAX_QUESTION
from assistant.cli import main
from assistant.evaluation.gold import load_gold
from assistant.evaluation.metrics import percentile
from assistant.indexing.store import load_index
from assistant.records import Reply
from assistant.ui import app as ui
from assistant.ui.feedback import Feedback, read_feedback, record
from assistant.ui.handlers import BAD_DOC, BAD_HISTORY, BAD_QUESTION, ask_json, rate, respond

ROOT = Path(__file__).resolve().parents[2]
BOUND = 5.0  # seconds any one question may take, generously
QUESTION = "老矿区转型发展的发展原则有哪些？"
# each principle quoted whole: its lead and the sentence that says what it means
PRINCIPLES = (
    "坚持以矿工为中心。坚持把矿工的幸福感、获得感、安全感放在首位，提高职工收入水平，优化收入分配结构，开发更多就业岗位，提高就业创业质量，改善工作场所环境和条件，提高职业安全健康水平，健全多层次社会保障体系，让转型发展成果更多惠及广大矿工。[1]"
    "坚持改革创新。坚定不移深化改革，加快形成同市场有效对接、充满内在活力的新体制机制，提高矿区资源配置效率。[2]"
    "坚持统筹谋划。立足矿区实际、着眼长远发展，遵循经济社会发展规律和企业发展规律，以需求为导向，尽力而为、量力而行，有所为有所不为，稳步推进老矿区现代化产业体系建设，使老矿区发展与经济发展阶段相适应、与区域发展进程相协调，不断推动老矿区高质量发展取得阶段性成果。[3]"
    "坚持绿色低碳发展。树立尊重自然、顺应自然、保护自然的发展理念，持续压减淘汰落后产能、发展先进产能，推进清洁生产，发展循环经济，推广应用先进节能减排技术，加强煤炭资源节约和综合利用，建设绿色低碳循环经济体系，促进矿区与自然和谐共生、与生态协调发展。[4]"
    "坚持数字赋能转型。突出数字技术、智能技术牵引、支撑作用，深化数字技术、智能技术在矿区的集成应用，利用互联网、物联网、大数据、云计算、人工智能等先进技术，培育发展新业态新模式，推动煤炭经济向绿色化、网络化、智能化、服务化转变，提高老矿区经济发展质量和效益。[5]"
)
PRINCIPLE_IDS = [f"coal/5/p{n}" for n in range(1, 6)]
PROMPT = "请输入一个问题，例如：“江苏规划提出的采煤沉陷区治理目标是多少？”"
IN_CHINESE = "文件是中文的，请用中文提问，例如：“采煤沉陷区治理的目标是多少？”"
NUMBERS_ONLY = "文件中没有找到能回答这个问题的内容（问题中除数字外没有文件中的词语）。"
REBUILD = "run `assistant build` (or `make index`) to rebuild it."

# Each bad question with what its reply must be: "prompt" (asked to type a question), "principles"
# (the same answer as the clean question), "numbers-only" / "nothing" (a refusal that says why and
# asks for Chinese), or "cut" (answered as its first MAX_QUESTION characters).
BAD_QUESTIONS = {
    "empty": ("", "prompt"),
    "blank": ("   \t\n\u3000 ", "prompt"),
    "punctuation": ("？？！！。。……——", "prompt"),
    "nul": ("\x00", "prompt"),
    "20000-chars": ("采煤沉陷区综合治理" * 2222 + "采煤", "cut"),
    "nul-inside": ("老矿区\x00转型发展的发展原则有哪些？", "principles"),
    "ansi-colour": ("\x1b[31m老矿区转型发展的发展原则有哪些？\x1b[0m", "principles"),
    "rtl-override": ("\u202e老矿区转型发展的发展原则有哪些？", "principles"),
    "zero-width": ("老矿区\u200b转型发展的\ufeff发展原则有哪些？", "principles"),
    "traditional": ("老礦區轉型發展的發展原則有哪些？", "principles"),
    "script": ("<script>alert(1)</script>", "numbers-only"),
    "img-onerror": ("<img src=x onerror=alert(1)>", "numbers-only"),
    "sql": ("'; DROP TABLE feedback; --", "nothing"),
    "english": ("What is the subsidence area target?", "english"),  # read as 沉陷区目标是什么？ and answered in Chinese
    "english-offtopic": ("Will it rain in Xuzhou tomorrow?", "refused"),
}
CASES = [pytest.param(question, kind, id=name) for name, (question, kind) in BAD_QUESTIONS.items()]


def check_reply(reply: Reply, question: str, kind: str, assistant: Assistant) -> None:
    """Asserts what a bad question's reply must be (see BAD_QUESTIONS): (what is seen, what is wanted) per kind."""
    nothing = f"文件中没有找到能回答这个问题的内容（没有检索到相关条款）。\n检索内容：{question}\n{IN_CHINESE}"
    expectations = {
        "prompt": lambda: ((reply.found, reply.answer, reply.citations, reply.query), (False, PROMPT, (), "")),
        "principles": lambda: (
            (reply.found, reply.answer, reply.query, [c.unit.id for c in reply.citations]),
            (True, PRINCIPLES, QUESTION, PRINCIPLE_IDS),
        ),
        "cut": lambda: ((len(question), reply, len(reply.query)), (20_000, assistant.ask(question[:MAX_QUESTION]), MAX_QUESTION)),
        "numbers-only": lambda: (
            (reply.found, reply.citations, reply.answer.splitlines()[:3]),
            (False, (), [NUMBERS_ONLY, f"检索内容：{question}", IN_CHINESE]),
        ),
        "nothing": lambda: ((reply.found, reply.citations, reply.related, reply.answer), (False, (), (), nothing)),
        "english": lambda: ((reply.found, reply.notice.startswith("英文问题按“"), bool(reply.citations)), (True, True, True)),
        "refused": lambda: ((reply.found, reply.citations, reply.answer.startswith("文件中没有找到")), (False, (), True)),
    }
    seen, wanted = expectations[kind]()
    assert seen == wanted


# --- bad questions through Assistant.ask, the CLI and the app ----------------------------------


@pytest.mark.parametrize(("question", "kind"), CASES)
def test_a_bad_question_gets_a_clear_reply_in_bounded_time(assistant, question, kind):
    started = time.perf_counter()
    reply = assistant.ask(question)
    assert time.perf_counter() - started < BOUND
    check_reply(reply, question, kind, assistant)


def test_a_traditional_question_finds_what_the_simplified_one_does(assistant):
    simplified = assistant.ask(QUESTION)
    traditional = assistant.ask("老礦區轉型發展的發展原則有哪些？")
    assert (traditional.answer, traditional.citations) == (simplified.answer, simplified.citations)
    assert (traditional.question, traditional.query) == ("老礦區轉型發展的發展原則有哪些？", QUESTION)
    # characters that are a simplified word of their own stay as the documents print them (显著)
    assert assistant.ask("治理成效显著吗？").query == "治理成效显著吗？"


def test_a_marker_typed_in_a_question_never_reads_as_a_citation(assistant):
    reply = assistant.ask("2035年的目标[1][2]是什么？")
    assert (reply.found, reply.citations) == (False, ())
    assert reply.answer.splitlines()[:2] == [
        "文件中没有找到能回答这个问题的内容（文件没有涉及2035年）。",
        "检索内容：2035年的目标［1］［2］是什么？",
    ]


def cli(capsys, settings, *args: str) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    code = main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args])
    seconds = time.perf_counter() - started
    out, err = capsys.readouterr()
    return code, out, err, seconds


@pytest.mark.parametrize(("question", "kind"), CASES)
def test_a_bad_question_through_the_cli_prints_the_reply(capsys, settings, assistant, question, kind):
    code, out, err, seconds = cli(capsys, settings, "ask", question, "--json")
    assert (code, err) == (0, "")
    assert seconds < BOUND + 5  # the command also loads the index
    data = json.loads(out)
    assert data == assistant.ask(question).to_json() | {"question": question}
    code, out, err, _ = cli(capsys, settings, "ask", question)
    assert (code, err) == (0, "")
    assert out.startswith(assistant.ask(question).answer.splitlines()[0])


@pytest.mark.parametrize(("question", "kind"), [*CASES, pytest.param("\udcff老矿区", "", id="lone-surrogate")])
def test_a_bad_query_through_cli_search_prints_hits(capsys, settings, question, kind):
    code, out, err, _ = cli(capsys, settings, "search", question, "--json", "-k", "3")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["query", "hits"]
    assert len(data["query"]) <= MAX_QUESTION
    assert len(data["hits"]) == (0 if kind in ("prompt", "nothing", "refused") else 3)  # no word of the documents: no hits


def test_undecodable_bytes_on_the_command_line_are_answered_not_a_traceback(settings):
    question = b"\xff\xfe" + QUESTION.encode("utf-8")  # not UTF-8: Python hands them over as lone surrogates
    command = [sys.executable, "-m", "assistant", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([*command, "ask", question, "--json"], capture_output=True, env=env, cwd=ROOT, timeout=120, check=False)
    assert (result.returncode, result.stderr) == (0, b"")
    data = json.loads(result.stdout)
    assert (data["question"], data["answer"]) == ("??" + QUESTION, PRINCIPLES)


def test_a_usage_error_is_one_line_and_a_question_may_start_with_a_dash(capsys, settings):
    with pytest.raises(SystemExit) as exited:
        main(["ask", "--nope"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "assistant: unrecognized arguments: --nope; see `assistant --help` (a question starting with - goes after --).\n"
    )
    code, out, err, _ = cli(capsys, settings, "ask", "--json", "--", "-江苏规划的规划期是哪几年？")
    assert (code, err) == (0, "")
    assert json.loads(out)["found"] is True


def test_an_unexpected_failure_is_one_line_unless_debugging(capsys, settings, monkeypatch):
    def broken(self, question, history=None, doc=None):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(Assistant, "ask", broken)
    code, out, err, _ = cli(capsys, settings, "ask", QUESTION)
    assert (code, out, err) == (1, "", "assistant: unexpected RuntimeError (boom second line); rerun with --debug for the traceback.\n")
    with pytest.raises(RuntimeError, match="boom"):
        main(["--debug", "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir), "ask", QUESTION])


def test_a_value_error_is_a_bug_to_show_not_a_setting_to_hide(capsys, settings, monkeypatch):
    # settings raise SettingsError (exit 2, one sentence); any other ValueError is unexpected and --debug shows it
    monkeypatch.setenv("ASSISTANT_PORT", "eighty")
    assert main(["units"]) == 2
    assert capsys.readouterr().err == "assistant: ASSISTANT_PORT must be a number, got 'eighty'.\n"
    monkeypatch.delenv("ASSISTANT_PORT")

    def broken(self, question, history=None, doc=None):
        raise ValueError("a bug")

    monkeypatch.setattr(Assistant, "ask", broken)
    code, _out, err, _ = cli(capsys, settings, "ask", QUESTION)
    assert (code, err) == (1, "assistant: unexpected ValueError (a bug); rerun with --debug for the traceback.\n")
    with pytest.raises(ValueError, match="a bug"):
        main(["--debug", "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir), "ask", QUESTION])


@pytest.fixture(scope="module")
def app_url(assistant, settings, tmp_path_factory):
    """The app served on a free port of 127.0.0.1, as `assistant serve` launches it; yields its URL."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    served = settings.with_overrides(feedback_db=tmp_path_factory.mktemp("feedback") / "feedback.sqlite3", port=free_port())
    demo = ui.build_app(assistant, served)
    _, url, _ = demo.launch(**(ui.launch_options(served) | {"prevent_thread_lock": True, "quiet": True}))
    yield url
    demo.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ask_over_http(url: str, question: object, history: object = (), doc: object = None, timeout: float = 60) -> tuple[dict, float]:
    """One /ask call over Gradio's plain HTTP API: (the result, seconds)."""
    import httpx

    endpoint = url.rstrip("/") + "/gradio_api/call/ask"
    with httpx.Client(timeout=timeout) as client:
        started = time.perf_counter()
        # ASCII JSON, so that even a lone surrogate travels (as \ud800), as any JSON client may send it
        body = json.dumps({"data": [question, list(history) if isinstance(history, tuple) else history, doc]})
        posted = client.post(endpoint, content=body.encode("ascii"), headers={"Content-Type": "application/json"})
        posted.raise_for_status()
        lines = client.get(f"{endpoint}/{posted.json()['event_id']}").text.splitlines()
        seconds = time.perf_counter() - started
    events = dict(zip(lines[::3], lines[1::3], strict=False))
    assert "event: complete" in events, lines
    return json.loads(events["event: complete"].removeprefix("data: "))[0], seconds


@pytest.mark.parametrize(("question", "kind"), CASES)
def test_a_bad_question_through_the_app_api_gets_the_same_reply(app_url, assistant, question, kind):
    result, seconds = ask_over_http(app_url, question)
    assert seconds < BOUND
    assert result == assistant.ask(question).to_json() | {"question": question}


UNKNOWN_DOC = "所选文件不在索引中，请改选“全部”或其他文件后再问一次。"


@pytest.mark.parametrize(
    ("question", "history", "doc", "fields", "wanted"),
    [
        (None, None, None, ("question", "answer", "found"), (None, PROMPT, False)),
        (42, {"not": "a list"}, 3.5, None, {"question": "", "error": BAD_QUESTION}),  # issue 15: non-strings refused
        ("那沛县呢？", "贾汪区重点采煤沉陷区沉陷面积是多少？", "", ("query", "found"), ("沛县重点采煤沉陷区沉陷面积是多少？", True)),
        (QUESTION, [None, 7, {"role": "user", "content": None}, ["x"]], "all", None, {"question": QUESTION, "error": BAD_HISTORY}),
        (QUESTION, [], ["coal"], None, {"question": QUESTION, "error": BAD_DOC}),
        ("\ud800" + QUESTION, [], None, ("answer", "found"), (PRINCIPLES, True)),
    ],
    ids=["nulls", "number-dict-float", "history-as-one-string", "junk-history", "list-doc", "lone-surrogate"],
)
def test_malformed_api_arguments_get_a_reply_or_one_sentence(app_url, question, history, doc, fields, wanted):
    result, seconds = ask_over_http(app_url, question, history, doc)
    assert seconds < BOUND
    # the whole result (an error) or the fields that matter
    assert (result if fields is None else tuple(result[field] for field in fields)) == wanted


# --- the property: whatever is typed, a Reply whose citations hold ------------------------------

WORDS = [
    "老矿区",
    "采煤沉陷区",
    "沛县",
    "那沛县呢？",
    "多少",
    "哪些",
    "2025年",
    "表1",
    "[1]",
    "发展原则",
    "江苏",
    "礦區",
    "专栏5",
    "两份文件",
    "分别",
]
TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=8).map("".join),
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(question=TEXT, history=st.lists(TEXT, max_size=4))
def test_any_text_and_history_get_a_reply_whose_quotes_and_markers_hold(assistant, question, history):
    reply = assistant.ask(question, history, doc=None)
    assert isinstance(reply, Reply)
    markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)})
    assert markers == [c.ref for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    assert all(c.quote and c.quote in c.unit.body for c in reply.citations)
    # an answer cites; a refusal cites at most what the documents do say on it
    assert reply.found == bool(reply.citations) or (not reply.found and len(reply.citations) == 1 and "文件提到的是：" in reply.answer)
    assert len(reply.query) <= 3 * MAX_QUESTION  # a follow-up is searched with its earlier question


# --- damaged state ------------------------------------------------------------------------------


def copy_index(settings, tmp_path: Path):
    target = tmp_path / "index"
    shutil.copytree(settings.index_dir, target)
    return settings.with_overrides(index_dir=target)


def _manifest(index_dir: Path, change) -> None:
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty_folder(path: Path) -> None:
    for entry in path.iterdir():
        entry.unlink()


# (what is damaged, how, the sentence that names it with its repair)
DAMAGES = {
    "units-truncated": (
        lambda d: _truncate(d / "docs" / "coal.units.jsonl"),
        "{d}/docs/coal.units.jsonl is missing or truncated; " + REBUILD,
    ),
    "vectors-missing": (lambda d: (d / "vectors.faiss").unlink(), "{d}/vectors.faiss is missing or truncated; " + REBUILD),
    "bm25-emptied": (lambda d: _empty_folder(d / "bm25"), "The index in {d} cannot be read (FileNotFoundError); " + REBUILD),
    "unit-count-wrong": (
        lambda d: _manifest(d, lambda m: m.update(unit_count=m["unit_count"] + 1)),
        "The files in {d} disagree on the number of units; " + REBUILD,
    ),
    "manifest-field-missing": (
        lambda d: _manifest(d, lambda m: m.pop("documents")),
        "{d}/manifest.json lacks part of what a build writes; " + REBUILD,
    ),
    "manifest-random-bytes": (
        lambda d: (d / "manifest.json").write_bytes(random.Random(1).randbytes(600)),
        "{d}/manifest.json is damaged; " + REBUILD,
    ),
    "embedder-damaged": (
        lambda d: (d / "embedder" / "model.safetensors").write_bytes(random.Random(2).randbytes(4096)),
        "The embedder in {d}/embedder cannot be loaded; " + REBUILD,
    ),
    "index-missing": (shutil.rmtree, "There is no index in {d}; run `assistant build` (or `make run`, which builds it)."),
}


@pytest.mark.parametrize(("damage", "sentence"), DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_index_is_named_in_one_line_with_its_repair(capsys, settings, tmp_path, damage, sentence):
    copied = copy_index(settings, tmp_path)
    damage(copied.index_dir)
    for command in (["ask", QUESTION], ["search", "老矿区", "--json"]):
        code, out, err, _ = cli(capsys, copied, *command)
        assert (code, out, err) == (1, "", f"assistant: {sentence.format(d=copied.index_dir)}\n")


class _NoServer:
    def launch(self, **options):
        self.options = options


@pytest.fixture
def serve(monkeypatch, tmp_path):
    """Runs `assistant serve` up to the point of serving; returns (exit code, the loaded assistant or None)."""
    served: list[Assistant] = []

    def build_app(assistant, settings):
        served.append(assistant)
        return _NoServer()

    monkeypatch.setattr(ui, "build_app", build_app)
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(tmp_path / "feedback" / "feedback.sqlite3"))

    def run(settings) -> tuple[int, Assistant | None]:
        code = main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "serve"])
        return code, (served[-1] if served else None)

    return run


def test_the_app_rebuilds_a_damaged_index_when_it_starts(settings, tmp_path, serve, capsys):
    copied = copy_index(settings, tmp_path)
    for name in ("units-truncated", "vectors-missing", "bm25-emptied"):
        DAMAGES[name][0](copied.index_dir)
    code, served = serve(copied)
    assert code == 0
    assert capsys.readouterr().err == (
        f"Loading the index in {copied.index_dir} (building it first when missing or stale)…\n"
        f"Rebuilding: {copied.index_dir}/docs/coal.units.jsonl is missing or truncated; {REBUILD}\n"
    )
    assert (served.ask(QUESTION).answer, len(load_index(copied).units)) == (PRINCIPLES, 167)


def test_an_index_folder_that_cannot_be_written_is_one_sentence_from_build_and_serve(settings, tmp_path, serve, capsys):
    # Tests run as root here, where chmod 0o500 does not stop writes; a folder whose parent is a
    # FILE cannot be made by anyone, which is what a read-only or wrong mount looks like to a build.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    unwritable = settings.with_overrides(index_dir=blocker / "index")
    sentence = (
        f"assistant: Cannot write the index to {blocker / 'index'} ({blocker} is a file, not a folder); "
        f"move {blocker} away, or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere.\n"
    )
    code, out, err, _ = cli(capsys, unwritable, "build")
    assert (code, out, err) == (1, "", sentence)
    code, served = serve(unwritable)
    assert (code, served) == (1, None)
    assert capsys.readouterr().err.splitlines(keepends=True)[-1] == sentence
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 0o500; the parent-is-a-file test covers this")
def test_a_read_only_parent_folder_is_one_sentence(settings, tmp_path, capsys):
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        code, _, err, _ = cli(capsys, settings.with_overrides(index_dir=parent / "index"), "build")
    finally:
        parent.chmod(0o700)
    assert code == 1
    assert err == (
        f"assistant: Cannot write the index to {parent / 'index'} (Permission denied); "
        f"make {parent} writable for this user, or pass --index DIR (or set ASSISTANT_INDEX_DIR) to build it elsewhere.\n"
    )


def _random_bytes_db(path: Path) -> Path:
    path.write_bytes(random.Random(3).randbytes(8192))
    return path


def test_a_corrupt_feedback_database_is_one_sentence_everywhere_and_answers_go_on(
    settings, assistant, tmp_path, serve, capsys, monkeypatch
):
    db = _random_bytes_db(tmp_path / "feedback.sqlite3")
    repair = f"The feedback database {db} is damaged or not an SQLite file; move it aside (mv {db} {db}.damaged) and a new one is started."
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(db))
    assert main(["feedback", "--export", str(tmp_path / "out.csv")]) == 1
    assert capsys.readouterr().err == f"assistant: {repair}\n"
    # the app starts, says what to do, and answers
    code, served = serve(settings)
    assert code == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"warning: {repair} Until then the app answers but cannot store feedback."
    chat, turns, _ = respond(served, QUESTION, [], [], "all")
    assert turns[0].answer == PRINCIPLES
    assert rate(db, chat, turns, 1, True) == (
        f"反馈没有保存（回答本身不受影响）：反馈数据库 {db} 已损坏或不是 SQLite 文件，请管理员把它改名移走，系统会自动新建一个。"
    )
    # the repair works: moved aside, a new database is started
    db.rename(db.with_suffix(".damaged"))
    assert rate(db, chat, turns, 1, True) == "已记录您的反馈，谢谢！"
    assert [f.question for f in read_feedback(db)] == [QUESTION]


def test_a_feedback_database_in_an_impossible_place_is_one_sentence(assistant, tmp_path, serve, settings, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    db = blocker / "feedback.sqlite3"
    chat, turns, _ = respond(assistant, QUESTION, [], [], "all")
    assert rate(db, chat, turns, 1, False) == f"反馈没有保存（回答本身不受影响）：无法写入 {db}，请管理员检查该路径及其权限。"
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(db))
    code, _ = serve(settings)
    assert code == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"warning: The feedback database {db} cannot be written")


def test_serving_on_a_taken_port_is_one_sentence(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_FEEDBACK_DB", str(tmp_path / "f.sqlite3"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("ASSISTANT_PORT", str(port))
        code = main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "serve"])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"assistant: Cannot serve on 127.0.0.1:{port} (the port is taken or the address is not this machine's); "
        "set ASSISTANT_PORT / ASSISTANT_HOST to a free port and an address of this machine."
    )


# --- concurrency --------------------------------------------------------------------------------

CONCURRENT_QUESTIONS = 50
FEEDBACK_WRITERS = 20
RATINGS_EACH = 10


def test_fifty_simultaneous_questions_and_twenty_feedback_writers(app_url, assistant, tmp_path):
    items = load_gold(ROOT / "eval" / "gold.jsonl", None)[::3][:CONCURRENT_QUESTIONS]
    assert len(items) == CONCURRENT_QUESTIONS
    expected = [assistant.ask(item.question, list(item.history)).to_json() | {"question": item.question} for item in items]
    db = tmp_path / "feedback.sqlite3"
    chat, turns, _ = respond(assistant, QUESTION, [], [], "all")
    start = threading.Barrier(CONCURRENT_QUESTIONS + FEEDBACK_WRITERS)

    def ask(item):
        start.wait()
        try:
            return ask_over_http(app_url, item.question, list(item.history), None, timeout=120)
        except Exception as error:  # counted as a failure, reported below
            return {"error": repr(error)}, float("nan")

    def write(writer: int) -> list[str]:
        start.wait()
        return [rate(db, chat, turns, 1, n % 2 == 0, f"writer {writer} rating {n}") for n in range(RATINGS_EACH)]

    with ThreadPoolExecutor(max_workers=CONCURRENT_QUESTIONS + FEEDBACK_WRITERS) as pool:
        asked = [pool.submit(ask, item) for item in items]
        written = [pool.submit(write, writer) for writer in range(FEEDBACK_WRITERS)]
        results = [future.result() for future in asked]
        said = [sentence for future in written for sentence in future.result()]

    seconds = [s for _, s in results if s == s]
    failures = [item.id for item, (result, _), want in zip(items, results, expected, strict=True) if result != want]
    print(
        f"\n{CONCURRENT_QUESTIONS} simultaneous /ask requests: {len(failures)} failures, "
        f"p50 {percentile(seconds, 50) * 1000:.0f} ms, p95 {percentile(seconds, 95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms; "
        f"{FEEDBACK_WRITERS} feedback writers x {RATINGS_EACH}: {len(read_feedback(db))} rows stored"
    )
    assert failures == []
    assert said == ["已记录您的反馈，谢谢！（含意见）"] * (FEEDBACK_WRITERS * RATINGS_EACH)
    stored = read_feedback(db)
    assert sorted(f.comment for f in stored) == sorted(
        f"writer {w} rating {n}" for w in range(FEEDBACK_WRITERS) for n in range(RATINGS_EACH)
    )
    assert sorted(f.id for f in stored) == list(range(1, FEEDBACK_WRITERS * RATINGS_EACH + 1))


def test_feedback_writers_in_several_processes_and_threads_lose_nothing(tmp_path):
    db = tmp_path / "feedback.sqlite3"
    script = (
        "import sys, threading\n"
        "from assistant.ui.feedback import Feedback, record\n"
        "def write(t):\n"
        "    for n in range(10):\n"
        "        record(sys.argv[1], Feedback('up', f'{sys.argv[2]}-{t}-{n}', 'a', '[]'))\n"
        "threads = [threading.Thread(target=write, args=(t,)) for t in range(5)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(db), f"p{k}"], cwd=ROOT, env=env, stderr=subprocess.PIPE) for k in range(4)
    ]
    with ThreadPoolExecutor(max_workers=FEEDBACK_WRITERS) as pool:
        list(pool.map(lambda n: record(db, Feedback("down", f"main-{n}", "a", "[]")), range(FEEDBACK_WRITERS * 5)))
    errors = [worker.communicate(timeout=180)[1].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, errors
    assert not any("database is locked" in error for error in errors)
    assert len(read_feedback(db)) == 4 * 5 * 10 + FEEDBACK_WRITERS * 5


# --- a failing LLM endpoint ---------------------------------------------------------------------

LLM_TIMEOUT = 1.0


class _Endpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint misbehaving as `server.mode` says: slow, trickle or garbage."""

    def log_message(self, *args):  # quiet
        pass

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        mode = self.server.mode
        try:
            if mode == "slow":
                self.server.stop.wait(LLM_TIMEOUT * 4)
                return
            if mode == "answer":  # a well-formed completion holding server.content
                body = json.dumps(
                    {"id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": self.server.content}, "finish_reason": "stop"}]},
                    ensure_ascii=False,
                ).encode()  # fmt: skip
                self._send(body)
                return
            if mode == "garbage":
                body = random.Random(4).randbytes(2048)
                self._send(body)
                return
            # trickle: a byte now and then, never the whole answer, so no single read times out
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            while not self.server.stop.wait(LLM_TIMEOUT / 4):
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:  # the client gave up
            pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    server.daemon_threads = True
    server.stop = threading.Event()
    server.mode = "slow"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["down", "slow", "trickle", "garbage"])
def test_a_failing_llm_endpoint_gives_the_extractive_answer_within_its_timeout(index, settings, endpoint, mode):
    import langchain_openai  # noqa: F401  (imported before timing: the first import takes seconds)

    endpoint.mode = mode
    port = free_port() if mode == "down" else endpoint.server_address[1]  # nothing listens on a fresh free port
    llm = settings.with_overrides(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_model="fake", llm_timeout=LLM_TIMEOUT)
    with_llm = Assistant(index, llm)
    extractive = Assistant(index, settings).ask(QUESTION)
    started = time.perf_counter()
    reply = with_llm.ask(QUESTION)
    seconds = time.perf_counter() - started
    assert reply == replace(extractive, notice=UNAVAILABLE)
    assert seconds < with_llm.llm.deadline + 0.5
    assert with_llm.llm.deadline == LLM_TIMEOUT * 1.5
    # the app's /ask handler says the same, in the reply's notice
    assert ask_json(with_llm, QUESTION) == extractive.to_json() | {"question": QUESTION, "notice": UNAVAILABLE}


REVERSED = [
    "老矿区转型发展不坚持以矿工为中心，不需要提高职工收入水平。[1]",
    "要持续扩大落后产能、发展先进产能，暂停清洁生产，发展循环经济。[4]",
    "老矿区转型发展要坚持以矿工为中心，不需要提高职工收入水平。[1]",
]


@pytest.mark.parametrize("content", REVERSED, ids=["negated", "antonym", "half-negated"])
def test_an_llm_answer_reversing_the_plan_gives_the_extractive_answer(index, settings, endpoint, content):
    from assistant.answer.llm import UNCHECKED

    endpoint.mode, endpoint.content = "answer", content
    llm = settings.with_overrides(llm_base_url=f"http://127.0.0.1:{endpoint.server_address[1]}/v1", llm_model="fake", llm_timeout=5.0)
    extractive = Assistant(index, settings).ask(QUESTION)
    assert [c.unit.id for c in extractive.citations][:4] == PRINCIPLE_IDS[:4]  # [1] and [4] of the prompt
    assert Assistant(index, llm).ask(QUESTION) == replace(extractive, notice=UNCHECKED)


def test_a_huge_llm_answer_gives_the_extractive_answer_with_a_notice(index, settings, endpoint):
    from assistant.answer.llm import TOO_LONG

    endpoint.mode, endpoint.content = "answer", "坚持以矿工为中心。[1]" * 200_000  # 2.4 MB of JSON
    llm = settings.with_overrides(llm_base_url=f"http://127.0.0.1:{endpoint.server_address[1]}/v1", llm_model="fake", llm_timeout=5.0)
    extractive = Assistant(index, settings).ask(QUESTION)
    started = time.perf_counter()
    reply = Assistant(index, llm).ask(QUESTION)
    print(f"\n2.4 MB answer: extractive reply after {time.perf_counter() - started:.2f} s")
    assert reply == replace(extractive, notice=TOO_LONG)
