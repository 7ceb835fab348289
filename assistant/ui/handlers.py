"""UI handlers: plain functions over the public API that the Gradio app wires to its events.

They take and return plain values (chat messages, replies, strings) so they can be tested
without a browser; every error becomes one Chinese sentence, never a traceback.
"""

from __future__ import annotations

import atexit
import hmac
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..answer.assistant import Assistant
from ..answer.question import visible_text
from ..errors import AssistantError, CorpusError, IndexDamaged, IndexNotBuilt, IndexStale
from ..markup import escape_markdown
from ..records import Reply, Unit
from .feedback import DOWN, UP, Feedback, FeedbackError, add_comment, export_feedback, record, withdraw
from .presentation import error_messages, outline, plain_text, reply_messages, source_choices, unit_html

log = logging.getLogger(__name__)

ALL = "all"  # the document filter's value for every document


def doc_filter(choice: str | None) -> str | None:
    """The document id for a filter choice (None for all documents)."""
    return None if not choice or choice == ALL else choice


FEEDBACK_PROBLEMS = {
    "damaged": "反馈数据库 {path} 已损坏或不是 SQLite 文件，请管理员把它改名移走，系统会自动新建一个",
    "unopenable": "无法打开反馈数据库 {path}，请管理员检查该路径所在的文件夹是否存在、是否可写",
    "unwritable": "无法写入 {path}，请管理员检查该路径及其权限",
    "locked": "反馈数据库 {path} 正被其他程序长时间占用，请稍后再试",
}


def chinese_error(error: Exception) -> str:
    """One Chinese sentence for an error raised while serving a request (logged in full for the operator)."""
    if isinstance(error, FeedbackError):
        return FEEDBACK_PROBLEMS.get(error.problem, "反馈数据有误：{path}").format(path=error.path or "") + "。"
    if isinstance(error, CorpusError):
        return "所选文件不在索引中，请改选“全部”或其他文件后再问一次。"
    if isinstance(error, (IndexNotBuilt, IndexStale, IndexDamaged)):
        return "检索索引暂时不可用，请管理员运行 `assistant build` 重建索引后再试。"
    log.error("request failed", exc_info=error)
    if isinstance(error, AssistantError):
        return f"处理这个问题时出错：{error}"
    return "处理这个问题时出错了，请稍后再试；如果反复出现，请联系管理员查看服务日志。"


def message_text(content: object) -> str:
    """The text of a chat message's content: a plain string, or Gradio 6's list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, Sequence):
        return "".join(message_text(block) for block in content)
    return ""


def history_questions(history: object) -> list[str]:
    """Earlier user questions from an API caller: a list of strings or of {"role", "content"} messages."""
    if not history:
        return []
    if isinstance(history, str):
        return [history]
    questions = []
    for item in history:  # type: ignore[union-attr]
        if isinstance(item, str):
            questions.append(item)
        elif isinstance(item, dict) and item.get("role", "user") == "user":
            questions.append(message_text(item.get("content")))
    return [q for q in questions if q.strip()]


BAD_QUESTION = "问题必须是一段文字（字符串），请把问题作为文字发送。"
BAD_HISTORY = "history 必须是之前问题的列表（每项是文字，或含 role 和 content 的消息），请改正后再发送。"
BAD_DOC = "doc 必须是文件编号（文字）或留空，请改正后再发送。"


def _is_message(item: object) -> bool:
    return isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("role", "user"), str))


def request_problem(question: object, history: object = None, doc: object = None) -> str:
    """The one Chinese sentence that says what is wrong with an /ask request, or "" when it can be answered.

    A question must be a string (None is taken as no question, which the reply asks for); history
    None, a string, or a list of strings / {"role", "content"} messages; doc None or a string.
    """
    if question is not None and not isinstance(question, str):
        return BAD_QUESTION
    listed = isinstance(history, list) and all(_is_message(item) for item in history)
    if history is not None and not isinstance(history, str) and not listed:
        return BAD_HISTORY
    if doc is not None and not isinstance(doc, str):
        return BAD_DOC
    return ""


def ask_json(assistant: Assistant, question: str, history: object = None, doc: str | None = None) -> dict:
    """The /ask API: the DESIGN.md reply shape, or {"error": sentence} for a request that cannot be served.

    Args:
        assistant: the loaded assistant.
        question: the question.
        history: earlier user questions (strings or chat messages), oldest first.
        doc: a document id, or None / "" / "all" for every document.
    """
    problem = request_problem(question, history, doc)
    if problem:  # the caller's mistake: one sentence back, nothing in the log
        return {"question": question if isinstance(question, str) else "", "error": problem}
    try:
        reply = assistant.ask(question, history_questions(history), doc=doc_filter(doc))
    except Exception as error:  # the API answers with a sentence, like the chat does
        return {"question": question, "error": chinese_error(error)}
    data = reply.to_json()
    data["question"] = question
    return data


def respond(assistant: Assistant, question: str, chat: list, turns: list[Reply], doc: str | None) -> tuple[list, list[Reply], str]:
    """Answers the next question of a conversation.

    Args:
        assistant: the loaded assistant.
        question: what the user typed.
        chat: the chat messages so far.
        turns: the replies so far, one per user message (their questions are the history).
        doc: the document filter choice.

    Returns:
        The new chat messages, the new turns, and the reply as plain text to copy.
    """
    question = visible_text(question).strip()  # what the chat shows: no escapes, no U+202E flipping the line
    if not question:
        return list(chat or []), list(turns or []), ""
    history = [turn.question for turn in turns or [] if turn.question]
    try:
        reply = assistant.ask(question, history, doc=doc_filter(doc))
        shown = reply_messages(reply)
    except Exception as error:
        reply = Reply(question=question, query="", answer=chinese_error(error), found=False, notice="error")
        shown = error_messages(reply.answer)
    chat = [*(chat or []), {"role": "user", "content": escape_markdown(question)}, *shown]
    return chat, [*(turns or []), reply], plain_text(reply)


def last_sources(turns: list[Reply]) -> list[tuple[str, str]]:
    """(label, unit id) of the sources of the latest reply, for the "open in the reader" menu."""
    return source_choices(turns[-1]) if turns else []


def turn_of(chat: list, index: object) -> int:
    """The number of the turn (0-based) that the chat message at `index` belongs to, or -1."""
    position = index[0] if isinstance(index, (list, tuple)) else index
    if not isinstance(position, int) or not chat or position < 0:
        return -1
    roles = [message.get("role") if isinstance(message, dict) else getattr(message, "role", "") for message in chat[: position + 1]]
    return roles.count("user") - 1


def answer_key(session: str, number: int) -> str:
    """What identifies an answer for its one rating: the chat session and the turn's number."""
    return f"{session}/{number}" if session else ""


def rate(
    db: Path, chat: list, turns: list[Reply], index: object, liked: object, comment: str = "", doc: str | None = None, session: str = ""
) -> str:
    """Stores a thumbs up/down on the answer at a chat index; returns a Chinese status sentence.

    With a session, an answer has one rating: a second click changes it, and a thumb clicked off
    removes it.

    Args:
        db: the feedback database.
        chat: the chat messages.
        turns: the replies, one per user message.
        index: the index of the rated message (Gradio's LikeData.index).
        liked: True for up, False for down; anything else is a withdrawn rating.
        comment: an optional comment to store with the rating.
        doc: the document filter choice in force.
        session: the chat session ("" stores every click as a record of its own).
    """
    number = turn_of(chat, index)
    if not 0 <= number < len(turns or []):
        return "没有找到要评价的回答，请对一条回答点赞或点踩。"
    key = answer_key(session, number)
    try:
        if liked is not True and liked is not False:
            return "已取消对这条回答的评价。" if withdraw(db, key) else "已取消评价（之前保存的反馈保留在记录中）。"
        record(db, Feedback.of_reply(turns[number], UP if liked else DOWN, comment or "", doc_filter(doc) or "", key))
    except Exception as error:
        return f"反馈没有保存（回答本身不受影响）：{chinese_error(error)}"
    return "已记录您的反馈，谢谢！" + ("（含意见）" if (comment or "").strip() else "")


def comment_on(db: Path, session: str, number: int, comment: str) -> str:
    """Adds a comment to the rating of answer `number`; returns a Chinese status sentence."""
    if not (comment or "").strip():
        return "意见是空的，请先写下意见再保存。"
    try:
        saved = add_comment(db, answer_key(session, number), comment)
    except Exception as error:
        return f"意见没有保存：{chinese_error(error)}"
    return "已保存您的意见，谢谢！" if saved else "请先对这条回答点赞或点踩，再保存意见。"


def is_admin(admin: tuple[str, str] | None, user: object, password: object) -> bool:
    """Whether a user name and password are the admin account's (compared in constant time)."""
    if admin is None or not isinstance(user, str) or not isinstance(password, str):
        return False
    same_user = hmac.compare_digest(user.encode(), admin[0].encode())
    return hmac.compare_digest(password.encode(), admin[1].encode()) and same_user


DOWNLOAD_AGE = 3600  # seconds a folder of files offered for download is kept


def download_folder(prefix: str) -> Path:
    """A new folder for files offered for download, under this process's one download root.

    Folders older than DOWNLOAD_AGE are removed when a new one is made (the browser has fetched them by
    then), and the root goes when the process ends, so briefings and exports do not pile up in /tmp.
    """
    root = _download_root()
    for old in root.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > DOWNLOAD_AGE:
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))


@lru_cache(maxsize=1)
def _download_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="assistant-downloads-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def export(db: Path, fmt: str, admin: tuple[str, str] | None = None, user: str = "", password: str = "") -> tuple[str | None, str]:
    """Exports the feedback to a new temporary file for download; returns (path or None, status sentence).

    Only for the admin account: without one set (ASSISTANT_ADMIN) or with other credentials nothing is written.
    """
    if not is_admin(admin, user, password):
        return None, "账号或密码不对，请输入管理员账号和密码（ASSISTANT_ADMIN）后再导出。"
    fmt = fmt if fmt in ("csv", "jsonl") else "csv"
    target = download_folder("feedback-") / f"feedback.{fmt}"
    try:
        count = export_feedback(db, target, fmt)
    except Exception as error:
        return None, f"无法导出：{chinese_error(error)}"
    return str(target), f"已导出 {count} 条反馈（{fmt.upper()}），请点击下载。"


def brief(assistant: Assistant, topic: str, choice: str | None) -> tuple[str, list[str] | None]:
    """A briefing on a topic for the 专题简报 tab: (Markdown preview, [md path, docx path] or None)."""
    from ..briefing.export import briefing_files

    doc = None if choice in (None, "", ALL) else choice
    if not (topic or "").strip():
        return "请先输入一个主题（例如：采煤沉陷区综合治理），再点击“生成简报”。", None
    try:
        markdown, md_path, docx_path = briefing_files(assistant, topic or "", doc, download_folder("briefing-"))
    except Exception as error:
        return f"无法生成简报：{chinese_error(error)}", None
    return markdown, [str(md_path), str(docx_path)]


def find_unit(assistant: Assistant, unit_id: str | None) -> Unit | None:
    """The unit with an id, or None (asked of the search backend: the folder index or Milvus)."""
    return assistant.backend.unit(unit_id) if unit_id else None


def read_document(assistant: Assistant, doc_id: str) -> tuple[list[tuple[str, str]], str | None, str]:
    """The reader opened at the start of a document: (outline, first unit id, unit HTML)."""
    choices = outline(assistant.backend.units_of(doc_id), doc_id)
    first = choices[0][1] if choices else None
    return choices, first, read_unit(assistant, first)


def read_unit(assistant: Assistant, unit_id: str | None) -> str:
    """The reader's HTML for a unit (a hint when there is none)."""
    unit = find_unit(assistant, unit_id)
    if unit is None:
        return '<div class="reader-unit">请在左侧目录中选择要阅读的条款。</div>'
    return unit_html(assistant.backend.units_of(unit.doc_id), unit)


def open_unit(assistant: Assistant, unit_id: str | None, quote: str = "") -> tuple[str | None, list[tuple[str, str]], str | None, str]:
    """The reader opened at a unit: (document id, outline, unit id, unit HTML with `quote` marked); all None/empty when unknown."""
    unit = find_unit(assistant, unit_id)
    if unit is None:
        return None, [], None, read_unit(assistant, None)
    units = assistant.backend.units_of(unit.doc_id)
    return unit.doc_id, outline(units, unit.doc_id), unit.id, unit_html(units, unit, quote)


def cited(turns: list[Reply], target: str) -> tuple[str, str] | None:
    """(unit id, quote) of source [n] of turn t, for the page's "turn:n" (a click on [n]); None when there is none."""
    turn, _, ref = (target or "").partition(":")
    if not (turn.isdigit() and ref.isdigit()) or int(turn) >= len(turns or []):
        return None
    reply = turns[int(turn)]
    citation = next((c for c in reply.citations if c.ref == int(ref)), None)
    return (citation.unit.id, citation.quote) if citation else None


def step(assistant: Assistant, unit_id: str | None, delta: int) -> tuple[str | None, str]:
    """The previous (-1) or next (+1) unit of the same document: (unit id, unit HTML)."""
    unit = find_unit(assistant, unit_id)
    if unit is None:
        return unit_id, read_unit(assistant, unit_id)
    ids = [u.id for u in assistant.backend.units_of(unit.doc_id)]
    target = ids[max(0, min(len(ids) - 1, ids.index(unit.id) + delta))]
    return target, read_unit(assistant, target)
