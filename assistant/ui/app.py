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

import gradio as gr

from ..answer.assistant import Assistant
from ..config import Settings
from ..errors import AssistantError, IndexDamaged, IndexNotBuilt, IndexStale
from ..indexing.store import warm
from ..markup import escape_markdown
from . import handlers
from .feedback import FeedbackError
from .feedback import check as check_feedback

TITLE = "政策规划问答助手"
CONCURRENCY = 8  # requests answered at once; Assistant.ask is read-only over the loaded index
QUEUE_SIZE = 256
# The app takes no files, but Gradio's upload route is always there: keep what anyone can put on
# the disk through it tiny, and let Gradio delete its cached files (uploads, the briefings and
# feedback exports offered for download) an hour after they were made.
MAX_UPLOAD = "1kb"
DELETE_CACHE = (3600, 3600)  # (how often, how old) in seconds
EXAMPLES = [
    "老矿区转型发展的发展原则有哪些？",
    "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？",
    "表1中历史遗留矿山（区）环境恢复治理率的目标是多少？",
    "贾汪区重点采煤沉陷区沉陷面积是多少？",
    "那沛县呢？",
    "两份文件在人才方面分别怎么说？",
    "指导意见提出了哪些保障措施？",
    "专栏5里各区避险安置任务各多少户？",
    "江苏规划的规划期是哪几年？",
]
INTRO = (
    f"## {TITLE}\n"
    "就《煤炭行业“十四五”老矿区转型发展指导意见》和《江苏省“十四五”老工业地区和资源型地区振兴发展规划》提问。"
    "回答中的每句话都摘自文件原文并标有来源 [n]；展开来源可看到条款全文，引用的句子以黄色标出。"
)
CSS = """
.not-found { background: #fdecea; color: #b3261e; font-weight: 600; padding: 0 .45em; border-radius: 4px; margin-right: .3em; }
.searched, .notice, .source-path, .source-open, .source-raw { color: var(--body-text-color-subdued); font-size: .9em; }
sup.marker { color: var(--color-accent); font-weight: 600; }
.source-text { color: var(--body-text-color); font-size: 1rem; line-height: 1.75; }
mark { background: #fff0a0; color: inherit; font-size: inherit; padding: 0 .1em; }
#outline .wrap { flex-direction: column; flex-wrap: nowrap; align-items: stretch; max-height: 62vh; overflow-y: auto; gap: 2px; }
#outline label { justify-content: flex-start; white-space: pre-wrap; }
.reader-path, .reader-meta { color: var(--body-text-color-subdued); font-size: .9em; }
.reader-text { font-size: 1.08em; line-height: 1.8; }
.reader-context { margin-top: 1.2em; border-top: 1px solid var(--border-color-primary); }
.reader-context-item { line-height: 1.7; color: var(--body-text-color-subdued); }
.reader-context-item.current { background: #fff0a0; color: var(--body-text-color); }
"""
FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif")
# Brings the chosen unit of the reader's outline into view inside the outline's own scroll box.
SCROLL_OUTLINE = """() => {
  const box = document.querySelector('#outline .wrap');
  const chosen = box && box.querySelector('input:checked');
  if (chosen) box.scrollTop = chosen.closest('label').offsetTop - box.offsetTop - box.clientHeight / 3;
}"""
PRIVATE = {"api_visibility": "private"}  # UI events are not part of the API; /ask is


def credentials(auth: str) -> tuple[str, str] | None:
    """The (user, password) login from ASSISTANT_AUTH="user:password"; None when it is not set.

    Raises:
        AssistantError: the value is not of the form user:password.
    """
    if not auth:
        return None
    user, _, password = auth.partition(":")
    if not user or not password:
        raise AssistantError('ASSISTANT_AUTH must look like "user:password" (both parts non-empty); unset it to serve without a login.')
    return user, password


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for `Blocks.launch`: address, login, theme and css; no extra file access."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": credentials(settings.auth),
        "auth_message": f"{TITLE}：请输入账号和密码。",
        "theme": gr.themes.Default(primary_hue="blue", font=FONTS),
        "css": CSS,
        "ssr_mode": False,
        "footer_links": ["api"],
        "max_file_size": MAX_UPLOAD,
    }


def _outline_update(choices: list, value: str | None):
    return gr.update(choices=choices, value=value)


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The app over a loaded assistant, with its queue set up.

    Args:
        assistant: the loaded assistant (shared by every session; `ask` only reads the index).
        settings: where feedback is stored (`feedback_db`).

    Returns:
        The Blocks app, not yet launched.
    """
    doc_choices = [("全部", handlers.ALL)] + [(d.short, d.id) for d in assistant.index.documents]
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(INTRO)
        with gr.Tabs(selected="chat") as tabs:
            chat = _chat_tab(assistant, settings.feedback_db, doc_choices)
            _reader_tab(assistant, doc_choices[1:], tabs, chat)
            _briefing_tab(assistant, doc_choices)
            _feedback_tab(settings.feedback_db)
        gr.api(_api(assistant), api_name="ask")
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


@dataclass(frozen=True)
class _Chat:
    """The chat tab's components that the reader tab wires to."""

    cite: gr.Dropdown
    open_cite: gr.Button
    status: gr.Markdown


def _chat_tab(assistant: Assistant, db: Path, doc_choices: list) -> _Chat:
    """问答: the chat, the document filter, examples, the copy box and feedback on each answer."""
    with gr.Tab("问答", id="chat"):
        turns = gr.State([])
        doc = gr.Radio(doc_choices, value=handlers.ALL, label="检索范围", elem_id="doc-filter")
        chatbot = gr.Chatbot(
            label="对话",
            elem_id="chat",
            height=None,
            min_height=380,
            max_height=680,
            sanitize_html=True,
            latex_delimiters=[],
            buttons=[],
            placeholder="请输入问题，或点击下方的示例问题。追问时可以直接说“那沛县呢？”。",
        )
        with gr.Row():
            question = gr.Textbox(show_label=False, placeholder="输入问题，按回车发送", scale=6, elem_id="question")
            send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
            clear = gr.Button("新对话", scale=1, elem_id="clear")
        gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="示例问题（点击填入）", examples_per_page=len(EXAMPLES))
        with gr.Row():
            cite = gr.Dropdown([], value=None, label="在阅读器中打开（最新回答的来源）", scale=5, elem_id="cite")
            open_cite = gr.Button("在阅读器中打开", scale=1, elem_id="open-cite")
        with gr.Accordion("复制回答（纯文本，含来源）", open=False):
            copy_text = gr.Textbox(show_label=False, lines=8, interactive=False, buttons=["copy"], elem_id="copy-text")
        comment = gr.Textbox(label="意见（可选）：写在这里，再对回答点赞或点踩，会一起保存", lines=2, elem_id="comment")
        status = gr.Markdown(elem_id="status")

    def ask_turn(text, chat, history, choice):
        chat, history, plain = handlers.respond(assistant, text, chat, history, choice)
        sources = handlers.last_sources(history)
        return chat, history, "", plain, gr.update(choices=sources, value=sources[0][1] if sources else None), ""

    chat_outputs = [chatbot, turns, question, copy_text, cite, status]
    for trigger in (send.click, question.submit):
        trigger(ask_turn, [question, chatbot, turns, doc], chat_outputs, **PRIVATE)
    clear.click(lambda: ([], [], "", "", gr.update(choices=[], value=None), ""), None, chat_outputs, **PRIVATE)
    chatbot.clear(lambda: ([], "", gr.update(choices=[], value=None), ""), None, [turns, copy_text, cite, status], **PRIVATE)

    def like(chat, history, note, choice, data: gr.LikeData):
        said = handlers.rate(db, chat, history, data.index, data.liked, note, choice)
        return escape_markdown(said), ("" if said.startswith("已记录") else note)

    chatbot.like(like, [chatbot, turns, comment, doc], [status, comment], **PRIVATE)
    return _Chat(cite, open_cite, status)


def _reader_tab(assistant: Assistant, doc_choices: list, tabs: gr.Tabs, chat: _Chat) -> None:
    """阅读器: a document's outline and one unit at a time; the chat's sources open here."""
    first_outline, first_unit, first_html = handlers.read_document(assistant, doc_choices[0][1])
    with gr.Tab("阅读器", id="reader"), gr.Row():
        with gr.Column(scale=2):
            reader_doc = gr.Dropdown(doc_choices, value=doc_choices[0][1], label="文件", elem_id="reader-doc")
            reader_outline = gr.Radio(first_outline, value=first_unit, label="目录", elem_id="outline")
        with gr.Column(scale=3):
            with gr.Row():
                previous = gr.Button("上一条", size="sm", elem_id="previous")
                following = gr.Button("下一条", size="sm", elem_id="next")
            unit_view = gr.HTML(first_html, elem_id="unit")

    def open_in_reader(unit_id):
        doc_id, choices, unit, page = handlers.open_unit(assistant, unit_id)
        if doc_id is None:
            return gr.Tabs(), gr.update(), gr.update(), gr.update(), "请先在上方选择一条来源。"
        return gr.Tabs(selected="reader"), doc_id, _outline_update(choices, unit), page, ""

    opened = chat.open_cite.click(open_in_reader, [chat.cite], [tabs, reader_doc, reader_outline, unit_view, chat.status], **PRIVATE)
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


def _feedback_tab(db: Path) -> None:
    """反馈: the stored thumbs and comments, exported as CSV or JSONL."""
    with gr.Tab("反馈", id="feedback"):
        gr.Markdown("用户对回答的点赞、点踩和意见保存在服务器的反馈数据库中。可导出为 CSV（Excel 可直接打开）或 JSONL。")
        with gr.Row():
            fmt = gr.Radio([("CSV", "csv"), ("JSONL", "jsonl")], value="csv", label="格式", scale=1)
            export_button = gr.Button("导出反馈", scale=1, elem_id="export")
        export_file = gr.File(label="下载", interactive=False, elem_id="export-file")
        export_status = gr.Markdown()

    def export(choice):
        path, said = handlers.export(db, choice)
        return path, escape_markdown(said)

    export_button.click(export, [fmt], [export_file, export_status], **PRIVATE)


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
    options = launch_options(settings)  # a bad login setting fails before the slow load
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
        demo.launch(**options)
    except OSError as error:  # Gradio's "Cannot find empty port", or an address this machine does not have
        raise AssistantError(
            f"Cannot serve on {settings.host}:{settings.port} (the port is taken or the address is not this machine's); "
            "set ASSISTANT_PORT / ASSISTANT_HOST to a free port and an address of this machine."
        ) from error
    finally:
        if blocked and sys.modules.get("matplotlib", ...) is None:
            del sys.modules["matplotlib"]
