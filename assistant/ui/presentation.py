"""Presentation: replies and units as escaped chat messages, reader HTML and plain text.

Everything a user or a document wrote is escaped before it is put into markup. Chat messages are
rendered by Gradio as Markdown; `markup.escape_markdown` is the one rule for that.
"""

from __future__ import annotations

import html
import re

from ..markup import escape_markdown
from ..records import Kind, Reply, Unit

PATH_SEPARATOR = " › "
KINDS = {
    "heading": "标题",
    "clause": "条款",
    "paragraph": "段落",
    "box_item": "专栏条目",
    "table_row": "表格行",
    "table_note": "表格说明",
}
_MARKER = re.compile(r"&#91;(\d+)&#93;")
_SECTION_CODE = re.compile(r"^(?:第[一二三四五六七八九十]+章(?:第[一二三四五六七八九十]+节)?|表\d+) (?=\S)")
OUTLINE_WIDTH = 34  # characters of a label shown in the reader's outline
_PARAGRAPH_ONLY = re.compile(r"(?:^|\s)第\d+段$")  # a paragraph label without a lead sentence


# What the engine appends to a refusal that the chat shows otherwise: the searched text (the
# question itself, or the 检索 line) and the related clauses (their own collapsible messages).
_REFUSAL_EXTRAS = ("检索内容：", "以下条款可能相关：")


def _markers(escaped: str) -> str:
    """Shows the escaped [n] markers of an answer as small clickable superscripts (the page script opens the reader)."""
    return _MARKER.sub(r'<sup class="marker" title="在阅读器中打开来源 &#91;\1&#93;">&#91;\1&#93;</sup>', escaped)


def refusal_text(answer: str) -> str:
    """A refusal without the lines the chat shows elsewhere: what was searched and the related clauses."""
    return "\n".join(line for line in answer.splitlines() if not line.startswith(_REFUSAL_EXTRAS)).strip()


def citation_title(ref: int, unit: Unit) -> str:
    """The one-line title of a source: "[1] 《title》 label"."""
    return f"[{ref}] 《{unit.doc_title}》 {unit.label}"


def highlighted(body: str, quote: str) -> str:
    """Escaped body text with the quoted sentence wrapped in <mark> (unmarked when not found)."""
    at = body.find(quote) if quote else -1
    if at < 0:
        return escape_markdown(body)
    end = at + len(quote)
    return f"{escape_markdown(body[:at])}<mark>{escape_markdown(quote)}</mark>{escape_markdown(body[end:])}"


def source_content(unit: Unit, quote: str = "", ref: int | None = None) -> str:
    """The content of a collapsible source: heading path, full unit text (quote marked), reader hint."""
    path = PATH_SEPARATOR.join([f"《{unit.doc_title}》", *unit.path])
    text = f'<span class="source-text">{highlighted(unit.body, quote)}</span>'
    lines = [f'<span class="source-path">{escape_markdown(path)}</span>', "", text]
    if unit.sentence and unit.text != unit.sentence:
        lines += ["", f'<span class="source-raw">原文：{escape_markdown(unit.text)}</span>']
    if ref is not None:
        lines += ["", f'<span class="source-open">在阅读器中查看上下文 <sup class="marker">&#91;{ref}&#93;</sup></span>']
    return "\n".join(lines)


# A span, not a <button>: a chat message holds only the few tags the security tests allow (span, sup, mark).
COPY_BUTTON = '<span class="copy-answer" role="button" tabindex="0" title="复制回答和编号来源（纯文本）">复制回答</span>'


def reply_messages(reply: Reply) -> list[dict]:
    """The assistant's chat messages for a reply: the answer, then one collapsible message per source.

    The direct answer (`short`) comes first in bold, and the answer ends with a copy button. A reply
    that was not found starts with a "未找到" badge, says it in one sentence and lists the nearest
    clauses once, as possibly related; a rewritten follow-up shows "检索：" with what was searched.
    """
    if reply.found:
        answer = _markers(escape_markdown(reply.answer))
        parts = [f"**{escape_markdown(reply.short)}**", answer] if reply.short else [answer]
        if reply.query and reply.query != reply.question:
            parts.append(f'<span class="searched">检索：{escape_markdown(reply.query)}</span>')
    else:
        parts = [f'<span class="not-found">未找到</span> {_markers(escape_markdown(refusal_text(reply.answer)))}']
    if reply.notice:
        parts.append(f'<span class="notice">注：{escape_markdown(reply.notice)}</span>')
    parts.append(COPY_BUTTON)
    messages = [{"role": "assistant", "content": "\n\n".join(parts)}]
    for citation in reply.citations:
        messages.append(
            {
                "role": "assistant",
                "content": source_content(citation.unit, citation.quote, citation.ref),
                "metadata": {"title": escape_markdown(citation_title(citation.ref, citation.unit)), "status": "done"},
            }
        )
    for hit in reply.related:
        messages.append(
            {
                "role": "assistant",
                "content": source_content(hit.unit),
                "metadata": {"title": escape_markdown(f"可能相关：《{hit.unit.doc_title}》 {hit.unit.label}"), "status": "done"},
            }
        )
    return messages


def error_messages(text: str) -> list[dict]:
    """An error sentence as an assistant message, styled like a reply that was not found."""
    return [{"role": "assistant", "content": f'<span class="not-found">出错</span> {escape_markdown(text)}'}]


def plain_text(reply: Reply) -> str:
    """A reply as plain text to copy: question, answer, what was searched, and every source."""
    answer = reply.answer if reply.found else refusal_text(reply.answer)
    lines = [f"问：{reply.question}", *([f"直接回答：{reply.short}"] if reply.found and reply.short else []), f"答：{answer}"]
    if reply.found and reply.query and reply.query != reply.question:
        lines.append(f"检索：{reply.query}")
    if reply.notice:
        lines.append(f"注：{reply.notice}")
    if reply.citations:
        lines.append("来源：")
        for citation in reply.citations:
            unit = citation.unit
            lines.append(citation_title(citation.ref, unit))
            lines.append(f"    位置：{PATH_SEPARATOR.join([f'《{unit.doc_title}》', *unit.path])}")
            lines.append(f"    原文：{citation.quote or unit.body}")
    if reply.related:
        lines.append("可能相关：")
        lines.extend(f"《{hit.unit.doc_title}》 {hit.unit.label}" for hit in reply.related)
    return "\n".join(lines)


def source_choices(reply: Reply) -> list[tuple[str, str]]:
    """(label, unit id) of each source of a reply, for the "open in the reader" menu."""
    choices = [(citation_title(c.ref, c.unit), c.unit.id) for c in reply.citations]
    choices += [(f"可能相关：《{h.unit.doc_title}》 {h.unit.label}", h.unit.id) for h in reply.related]
    return choices


def outline(units: tuple[Unit, ...] | list[Unit], doc_id: str) -> list[tuple[str, str]]:
    """The reader's outline of a document: (indented label, unit id), in document order.

    Units are indented by their depth; those with units under them (headings, clauses with
    paragraphs) get "▸", the others "·". A label that repeats its parent's is shortened.
    """
    mine = [unit for unit in units if unit.doc_id == doc_id]
    labels = {unit.id: unit.label for unit in mine}
    parents = {unit.parent for unit in mine if unit.parent and unit.parent != unit.id}
    choices = []
    for unit in mine:
        label = unit.label
        parent = labels.get(unit.parent, "") if unit.parent != unit.id else ""
        if parent and label.startswith(parent) and label[len(parent) :].strip(" ：:"):
            label = label[len(parent) :].strip(" ：:")
        elif unit.kind != Kind.HEADING:
            label = _SECTION_CODE.sub("", label) or label
        if _PARAGRAPH_ONLY.search(label):  # "引言 第1段" says nothing: show how the paragraph begins
            label = f"{label}：{unit.body.strip()}"
        if len(label) > OUTLINE_WIDTH:
            label = label[: OUTLINE_WIDTH - 1] + "…"
        bullet = "▸ " if unit.kind == Kind.HEADING or unit.id in parents else "· "
        choices.append(("\u3000" * len(unit.path) + bullet + label, unit.id))
    return choices


def context_of(units: tuple[Unit, ...] | list[Unit], unit: Unit) -> list[Unit]:
    """The units read together with a unit: its enclosing clause, section or box, in order."""
    key = unit.parent or unit.id
    return [u for u in units if u.doc_id == unit.doc_id and (u.id == key or u.parent == key)]


def _marked_html(body: str, quote: str) -> str:
    """HTML-escaped text with the quoted sentence in <mark> (unmarked when it is not there)."""
    at = body.find(quote) if quote else -1
    if at < 0:
        return html.escape(body)
    end = at + len(quote)
    return f"{html.escape(body[:at])}<mark>{html.escape(quote)}</mark>{html.escape(body[end:])}"


def unit_html(units: tuple[Unit, ...] | list[Unit], unit: Unit, quote: str = "") -> str:
    """The reader's view of a unit: path, label, full text (the quoted sentence marked), then its section with the unit marked."""
    esc = html.escape
    path = PATH_SEPARATOR.join(esc(part) for part in [f"《{unit.doc_title}》", *unit.path])
    text = _marked_html(unit.body, quote)
    raw = f'<p class="reader-raw">原文：{esc(unit.text)}</p>' if unit.sentence and unit.sentence != unit.text else ""
    context = []
    for other in context_of(units, unit):
        css = "reader-context-item current" if other.id == unit.id else "reader-context-item"
        context.append(f'<p class="{css}" data-unit="{esc(other.id)}">{esc(other.body)}</p>')
    section = f'<div class="reader-context"><h4>所在部分全文</h4>{"".join(context)}</div>' if len(context) > 1 else ""
    return (
        f'<div class="reader-unit" data-unit="{esc(unit.id)}">'
        f'<div class="reader-path">{path}</div>'
        f'<h3 class="reader-label">{esc(unit.label)}</h3>'
        f'<p class="reader-text">{text}</p>{raw}'
        f'<div class="reader-meta">{esc(KINDS.get(unit.kind, unit.kind))}</div>'
        f"{section}</div>"
    )
