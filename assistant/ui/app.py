"""UI: the Gradio app for officials — chat with cited sources, a document reader, feedback, and the /ask API.

`build_app` lays the app out and wires its events to the plain functions of `ui_handlers`;
`launch` loads (building when needed) the index and serves the app on ASSISTANT_HOST:ASSISTANT_PORT.
"""

# No `from __future__ import annotations`: gr.api reads the /ask endpoint's types from live annotations.

import os
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from uuid import uuid4

import gradio as gr
from starlette.middleware import Middleware

from ..answer.assistant import Assistant
from ..config import Settings
from ..errors import AssistantError, IndexDamaged, IndexNotBuilt, IndexStale
from ..indexing.store import warm
from ..markup import escape_markdown
from . import handlers
from .assets import AFTER_ANSWER, CSS, HEAD, JUMP_TARGET, PLACE_RATING, SCROLL_OUTLINE
from .feedback import FeedbackError
from .feedback import check as check_feedback
from .guard import AskGuard
from .page import examples, intro

TITLE = "政策规划问答助手"
CONCURRENCY = 8  # requests answered at once; Assistant.ask is read-only over the loaded index
QUEUE_SIZE = 256
# The app takes no files, but Gradio's upload route is always there: keep what anyone can put on
# the disk through it tiny, and let Gradio delete its cached files (uploads, the briefings and
# feedback exports offered for download) an hour after they were made.
MAX_UPLOAD = "1kb"
DELETE_CACHE = (3600, 3600)  # (how often, how old) in seconds
FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif")
# The chat box fills the screen below the filter, leaving the input row on screen under it.
CHAT_HEIGHT = "calc(100vh - 250px)"
PRIVATE = {"api_visibility": "private"}  # UI events are not part of the API; /ask is


def credentials(auth: str, variable: str = "ASSISTANT_AUTH") -> tuple[str, str] | None:
    """The (user, password) from a "user:password" setting (ASSISTANT_AUTH, ASSISTANT_ADMIN); None when it is not set.

    Raises:
        AssistantError: the value is not of the form user:password.
    """
    if not auth:
        return None
    user, _, password = auth.partition(":")
    if not user or not password:
        unset = "serve without a login" if variable == "ASSISTANT_AUTH" else "serve without a feedback export"
        raise AssistantError(f'{variable} must look like "user:password" (both parts non-empty); unset it to {unset}.')
    return user, password


def launch_options(settings: Settings, demo: gr.Blocks | None = None) -> dict:
    """Keyword arguments for `Blocks.launch`: address, login, theme, css and page script; no extra file access.

    With the app to serve, its /ask requests are checked by `AskGuard` (a 422 for bad field types).
    """
    credentials(settings.admin, "ASSISTANT_ADMIN")  # a bad admin setting fails before the slow load
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": credentials(settings.auth),
        "auth_message": f"{TITLE}：请输入账号和密码。",
        "theme": gr.themes.Default(primary_hue="blue", font=FONTS),
        "css": CSS,
        "head": HEAD,
        "ssr_mode": False,
        "footer_links": ["api"],
        "max_file_size": MAX_UPLOAD,
        "app_kwargs": {"middleware": [Middleware(AskGuard, blocks=demo)]} if demo is not None else {},
    }


def _outline_update(choices: list, value: str | None):
    return gr.update(choices=choices, value=value)


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The app over a loaded assistant, with its queue set up.

    Args:
        assistant: the loaded assistant (shared by every session; `ask` only reads the index).
        settings: where feedback is stored (`feedback_db`), the corpus folder (its examples.txt) and
            the admin account (`admin`; without it there is no feedback export in the app).

    Returns:
        The Blocks app, not yet launched.
    """
    documents = assistant.index.documents
    doc_choices = [("全部", handlers.ALL)] + [(d.short, d.id) for d in documents]
    questions = examples(settings.corpus_dir, documents, assistant.index.units)
    admin = credentials(settings.admin, "ASSISTANT_ADMIN")
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(intro(TITLE, documents), elem_id="intro")
        with gr.Tabs(selected="chat") as tabs:
            chat = _chat_tab(assistant, settings.feedback_db, doc_choices, questions)
            _reader_tab(assistant, doc_choices[1:], tabs, chat)
            _briefing_tab(assistant, doc_choices)
            if admin is not None:  # no admin, no export: not even an event a script could call
                _feedback_tab(settings.feedback_db, admin)
        gr.api(_api(assistant), api_name="ask")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


@dataclass(frozen=True)
class _Chat:
    """The chat tab's components that the reader tab wires to."""

    turns: gr.State
    jump: gr.Textbox
    jump_go: gr.Button
    status: gr.Markdown


def _chat_tab(assistant: Assistant, db: Path, doc_choices: list, questions: list[str]) -> _Chat:
    """问答: the chat, the document filter, examples, and a rating box by the thumbs of each answer."""
    with gr.Tab("问答", id="chat"):
        turns = gr.State([])
        session = gr.State("")
        rated = gr.State(-1)  # the turn whose rating the box shows
        doc = gr.Radio(doc_choices, value=handlers.ALL, label="检索范围", elem_id="doc-filter")
        chatbot = gr.Chatbot(
            show_label=False,
            elem_id="chat",
            height=CHAT_HEIGHT,
            min_height=320,
            autoscroll=False,  # the page script scrolls to the newest question instead of the bottom
            sanitize_html=True,
            latex_delimiters=[],
            buttons=[],
            placeholder="请输入问题，或点击下方的示例问题；追问时只说变化的部分即可，例如“那……呢？”。",
        )
        search_all = gr.Button("在全部文件中检索", visible=False, size="sm", elem_id="search-all")
        with gr.Row(elem_id="ask-row"):
            question = gr.Textbox(show_label=False, placeholder="输入问题，按回车发送", scale=6, elem_id="question")
            send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
            clear = gr.Button("新对话", scale=1, min_width=80, elem_id="clear")
        status = gr.Markdown(elem_id="status")
        if questions:
            gr.Examples([[q] for q in questions], inputs=[question], label="示例问题（点击填入）", examples_per_page=len(questions))
        copies = gr.JSON([], visible="hidden", elem_id="copies")  # each turn's plain text, for the copy buttons
        jump = gr.Textbox(visible="hidden", elem_id="jump")
        jump_go = gr.Button(visible="hidden", elem_id="jump-go")
        with gr.Column(visible=False, variant="panel", elem_id="rating-box") as rating_box:
            rating_status = gr.Markdown(elem_id="rating-status")
            comment = gr.Textbox(show_label=False, placeholder="意见（可选）：哪里不对、缺了什么", lines=2, elem_id="comment")
            with gr.Row():
                save_comment = gr.Button("保存意见", variant="primary", size="sm", elem_id="save-comment")
                close_box = gr.Button("关闭", size="sm", elem_id="close-rating")

    def ask_turn(text, chat, history, choice, key):
        chat, history, _ = handlers.respond(assistant, text, chat, history, choice)
        filtered_refusal = bool(history) and not history[-1].found and handlers.doc_filter(choice) is not None
        plain = [handlers.plain_text(reply) for reply in history]
        return chat, history, "", plain, gr.update(visible=filtered_refusal), "", key or uuid4().hex, gr.update(visible=False)

    chat_outputs = [chatbot, turns, question, copies, search_all, status, session, rating_box]
    for trigger in (send.click, question.submit):
        asked = trigger(ask_turn, [question, chatbot, turns, doc, session], chat_outputs, **PRIVATE)
        asked.then(None, [copies], None, js=AFTER_ANSWER, **PRIVATE)

    def everywhere(history):
        return handlers.ALL, history[-1].question if history else ""

    again = search_all.click(everywhere, [turns], [doc, question], **PRIVATE)
    again = again.then(ask_turn, [question, chatbot, turns, doc, session], chat_outputs, **PRIVATE)
    again.then(None, [copies], None, js=AFTER_ANSWER, **PRIVATE)

    def restart():
        return [], [], "", [], gr.update(visible=False), "", uuid4().hex, gr.update(visible=False)

    clear.click(restart, None, chat_outputs, **PRIVATE)
    chatbot.clear(restart, None, chat_outputs, **PRIVATE)

    def like(chat, history, choice, key, data: gr.LikeData):
        said = handlers.rate(db, chat, history, data.index, data.liked, "", choice, key)
        number = handlers.turn_of(chat, data.index)
        rating = {True: "赞", False: "踩"}.get(data.liked, "")
        if said.startswith("已记录"):  # in place, by the thumbs: which answer, which rating, and that a comment may follow
            said = f"第 {number + 1} 条回答：{rating}。{said}可以在下面补充意见。"
        return gr.update(visible=True), escape_markdown(said), "", number

    liked = chatbot.like(like, [chatbot, turns, doc, session], [rating_box, rating_status, comment, rated], **PRIVATE)
    liked.then(None, js=PLACE_RATING, **PRIVATE)

    def keep_comment(key, number, text):
        return escape_markdown(handlers.comment_on(db, key, number, text))

    for trigger in (save_comment.click, comment.submit):
        trigger(keep_comment, [session, rated, comment], [rating_status], **PRIVATE)
    close_box.click(lambda: gr.update(visible=False), None, [rating_box], **PRIVATE)
    return _Chat(turns, jump, jump_go, status)


def _reader_tab(assistant: Assistant, doc_choices: list, tabs: gr.Tabs, chat: _Chat) -> None:
    """阅读器: a document's outline and one unit at a time; a click on [n] in the chat opens that source here."""
    first_outline, first_unit, first_html = handlers.read_document(assistant, doc_choices[0][1])
    with gr.Tab("阅读器", id="reader"), gr.Row(elem_id="reader-row"):
        with gr.Column(scale=2, min_width=260):
            reader_doc = gr.Dropdown(doc_choices, value=doc_choices[0][1], label="文件", elem_id="reader-doc")
            reader_outline = gr.Radio(first_outline, value=first_unit, label="目录", elem_id="outline")
        with gr.Column(scale=3, min_width=300):
            with gr.Row():
                previous = gr.Button("上一条", size="sm", elem_id="previous")
                following = gr.Button("下一条", size="sm", elem_id="next")
            unit_view = gr.HTML(first_html, elem_id="unit")

    def open_cited(history, target):
        found = handlers.cited(history, target)
        if found is None:
            return gr.Tabs(), gr.update(), gr.update(), gr.update(), "没有找到这条来源，请点击最新回答中的 [n] 再试。"
        doc_id, choices, unit, page = handlers.open_unit(assistant, *found)
        return gr.Tabs(selected="reader"), doc_id, _outline_update(choices, unit), page, ""

    outputs = [tabs, reader_doc, reader_outline, unit_view, chat.status]
    opened = chat.jump_go.click(open_cited, [chat.turns, chat.jump], outputs, js=JUMP_TARGET, **PRIVATE)
    opened.then(None, js=SCROLL_OUTLINE, **PRIVATE)

    def show_document(doc_id):
        choices, unit, page = handlers.read_document(assistant, doc_id)
        return _outline_update(choices, unit), page

    reader_doc.input(show_document, [reader_doc], [reader_outline, unit_view], **PRIVATE)
    reader_outline.input(partial(handlers.read_unit, assistant), [reader_outline], [unit_view], **PRIVATE)
    for button, delta in ((previous, -1), (following, 1)):
        moved = button.click(partial(handlers.step, assistant, delta=delta), [reader_outline], [reader_outline, unit_view], **PRIVATE)
        moved.then(None, js=SCROLL_OUTLINE, **PRIVATE)


def _briefing_tab(assistant: Assistant, doc_choices: list) -> None:
    """专题简报: a topic in, a cited briefing previewed and offered as Markdown and Word."""
    with gr.Tab("专题简报", id="briefing"):
        gr.Markdown("输入一个主题，生成按文件和章节归纳的要点，每条都是原文引文并注明出处；可下载 Markdown 或 Word。")
        with gr.Row():
            hint = "例如：采煤沉陷区综合治理、人才支撑、工业遗产"
            brief_topic = gr.Textbox(label="主题", placeholder=hint, scale=4, elem_id="brief-topic")
            brief_doc = gr.Dropdown(doc_choices, value=handlers.ALL, label="文件", scale=2, elem_id="brief-doc")
            brief_button = gr.Button("生成简报", variant="primary", scale=1, elem_id="brief")
        brief_files = gr.File(label="下载 Markdown / Word", file_count="multiple", interactive=False, elem_id="brief-files")
        brief_view = gr.Markdown(elem_id="brief-view", sanitize_html=True, latex_delimiters=[])
    for trigger in (brief_button.click, brief_topic.submit):
        trigger(partial(handlers.brief, assistant), [brief_topic, brief_doc], [brief_view, brief_files], **PRIVATE)


def _feedback_tab(db: Path, admin: tuple[str, str]) -> None:
    """反馈 (only with an admin account): the stored ratings and comments, exported as CSV or JSONL after the admin's password."""
    with gr.Tab("反馈导出", id="feedback"):
        gr.Markdown("导出用户对回答的评价和意见（时间为北京时间）。CSV 可用 Excel 直接打开；只有管理员账号可以导出。")
        with gr.Row():
            user = gr.Textbox(label="管理员账号", scale=2, elem_id="admin-user")
            password = gr.Textbox(label="密码", type="password", scale=2, elem_id="admin-password")
            fmt = gr.Radio([("CSV", "csv"), ("JSONL", "jsonl")], value="csv", label="格式", scale=1)
            export_button = gr.Button("导出反馈", scale=1, elem_id="export")
        export_file = gr.File(label="下载", interactive=False, elem_id="export-file")
        export_status = gr.Markdown(elem_id="export-status")

    def export(choice, name, secret):
        path, said = handlers.export(db, choice, admin, name, secret)
        return path, escape_markdown(said), ""

    export_button.click(export, [fmt, user, password], [export_file, export_status, password], **PRIVATE)


def _api(assistant: Assistant):
    """The /ask endpoint's function (its signature and docstring are the API's)."""

    def ask(question: str, history: list[str] | None = None, doc: str | None = None) -> dict:
        """Answers a question with citations.

        Args:
            question: the question, in Chinese.
            history: earlier user questions of the conversation, oldest first.
            doc: a document id ("coal", "jiangsu") or "all" / empty for every document.
        """
        return handlers.ask_json(assistant, question, history, doc)

    return ask


def launch(settings: Settings | None = None) -> None:
    """Loads the assistant (building the index when it is missing or stale) and serves the app until stopped.

    Listens on settings.host:settings.port; asks for a login when settings.auth ("user:password",
    from ASSISTANT_AUTH) is set.

    Raises:
        AssistantError: bad ASSISTANT_AUTH, or the corpus cannot be indexed.
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings.from_env()
    launch_options(settings)  # a bad login or admin setting fails before the slow load
    print(f"Loading the index in {settings.index_dir} (building it first when missing or stale)…", file=sys.stderr)
    try:
        assistant = Assistant.load(settings)
    except (IndexNotBuilt, IndexStale, IndexDamaged) as reason:  # a build repairs all of these
        print(f"Rebuilding: {reason}", file=sys.stderr)
        assistant = Assistant.load(settings, build=True)
    warm(assistant.index)
    try:
        check_feedback(settings.feedback_db)
    except FeedbackError as error:  # answers do not need it: serve, and say what to do
        print(f"warning: {error} Until then the app answers but cannot store feedback.", file=sys.stderr)
    demo = build_app(assistant, settings)
    # Gradio imports matplotlib around every event to pin its backend: 0.5-1 s on the first answer
    # after a start. The app draws no plot, so while it serves that import fails fast and is skipped.
    blocked = sys.modules.setdefault("matplotlib", None) is None
    try:
        demo.launch(**launch_options(settings, demo))
    except OSError as error:  # Gradio's "Cannot find empty port", or an address this machine does not have
        raise AssistantError(
            f"Cannot serve on {settings.host}:{settings.port} (the port is taken or the address is not this machine's); "
            "set ASSISTANT_PORT / ASSISTANT_HOST to a free port and an address of this machine."
        ) from error
    finally:
        if blocked and sys.modules.get("matplotlib", ...) is None:
            del sys.modules["matplotlib"]
