"""Export: a Briefing written as Markdown or as a Word file with real heading styles."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .briefing import Briefing, build_briefing

if TYPE_CHECKING:
    from ..answer.assistant import Assistant
    from ..records import Citation, Unit
    from .comparison import Comparison
    from .relevance import Figure

DEFAULT_COLUMNS = ("2020年实际", "2025年目标")
NOT_ADDRESSED = "（未涉及该主题）"
NONE = "—"


def title(briefing: Briefing) -> str:
    return f"专题简报：{briefing.topic}"


def scope_line(briefing: Briefing) -> str:
    """Which documents were read, when, and how the briefing quotes them."""
    return f"范围：{briefing.scope}　生成日期：{briefing.date}　要点均为原文摘录，每条注明出处。"


def not_covered_text(briefing: Briefing) -> str:
    """The short paragraph that replaces the briefing when the documents do not address the topic."""
    text = f"{briefing.scope}中没有关于“{briefing.topic}”的内容（{briefing.reason}），因此不生成简报。"
    if briefing.nearest:
        nearest = "；".join(f"{topic}（{reference(unit)}）" for topic, unit in zip(briefing.nearest_topics, briefing.nearest, strict=False))
        text += f"最接近的主题：{nearest}。"
    return text


def comparison_title(comparison: Comparison) -> str:
    count = len(comparison.stances)
    return "两份文件对比" if count == 2 else f"{count}份文件对比"


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """Side by side: row i holds each document's i-th quote with its reference."""
    depth = max(1, *(len(s.points) for s in comparison.stances))
    return [
        [
            f"{s.points[row].quote} {cited(s.points[row], with_document=False)}"
            if row < len(s.points)
            else (NOT_ADDRESSED if row == 0 else "")
            for s in comparison.stances
        ]
        for row in range(depth)
    ]


def figure_cells(figure: Figure) -> list[str]:
    """A row of the figures table: indicator, the two values, and the reference with its number."""
    unit = figure.citation.unit
    return [figure.indicator, figure.actual or NONE, figure.target or NONE, f"{reference(unit)} [{figure.citation.ref}]"]


def figure_columns(briefing: Briefing) -> tuple[str, str]:
    """The two value columns of the figures table, as the plan's indicator table names them."""
    return next((f.columns for f in briefing.figures if all(f.columns)), DEFAULT_COLUMNS)


def reference(unit: Unit) -> str:
    """The clause reference of a unit: 《title》label."""
    return f"《{unit.doc_title}》{unit.label}"


def cited(point: Citation, with_document: bool = True) -> str:
    """ "—— 《title》label [n]", the reference after a quote."""
    return f"—— {reference(point.unit) if with_document else point.unit.label} [{point.ref}]"


def source_line(unit: Unit) -> str:
    """A numbered source's text: reference, heading path and unit id."""
    path = " › ".join(unit.path)
    return reference(unit) + (f"（{path}）" if path else "") + f"，编号 {unit.id}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown: title, scope, 要点, 相关指标, comparison and 出处.

    Args:
        briefing: from build_briefing.

    Returns:
        The Markdown text (ending with a newline); a short paragraph when the topic is not covered.
    """
    # The topic is whatever the user typed; in Markdown "<script>" would be live HTML (the app
    # previews this text, and viewers render the file): its < > & become entities, nothing else changes.
    briefing = replace(briefing, topic=html.escape(briefing.topic, quote=False))
    lines = [f"# {title(briefing)}", "", scope_line(briefing), ""]
    if not briefing.covered:
        return "\n".join([*lines, not_covered_text(briefing), ""])
    if briefing.sections:
        lines += ["## 要点", ""]
        for section in briefing.sections:
            lines += [f"### 《{section.title}》", ""]
            for group in section.groups:
                lines += [f"#### {group.heading}", ""]
                for point in group.points:
                    lines += [f"> {point.quote} {cited(point)}", ""]
    if briefing.figures:
        actual, target = figure_columns(briefing)
        lines += ["## 相关指标", "", f"| 指标 | {actual} | {target} | 出处 |", "| --- | --- | --- | --- |"]
        for figure in briefing.figures:
            lines.append("| " + " | ".join(_cell(c) for c in figure_cells(figure)) + " |")
        lines.append("")
    if briefing.comparison is not None:
        stances = briefing.comparison.stances
        lines += [f"## {comparison_title(briefing.comparison)}", ""]
        lines.append("| " + " | ".join(_cell(f"《{s.title}》") for s in stances) + " |")
        lines.append("| " + " | ".join("---" for _ in stances) + " |")
        lines += ["| " + " | ".join(_cell(c) for c in cells) + " |" for cells in comparison_rows(briefing.comparison)]
        lines.append("")
    lines += ["## 出处", ""]
    lines += [f"{number}. {source_line(unit)}" for number, unit in enumerate(briefing.sources, start=1)]
    return "\n".join([*lines, ""])


def _fonts(document) -> None:
    """Chinese fonts for body text and headings (Word otherwise falls back per machine)."""
    from docx.oxml.ns import qn

    for name, font in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "黑体"), ("Heading 3", "黑体")):
        style = document.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font)


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    return table


def to_docx(briefing: Briefing, path: Path | str) -> Path:
    """Writes the briefing as a Word file: Title, Heading 1-3, quotes with their references, tables.

    Args:
        briefing: from build_briefing.
        path: the .docx file to write.

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.
    """
    import docx

    document = docx.Document()
    _fonts(document)
    document.core_properties.title = title(briefing)
    document.add_heading(title(briefing), level=0)
    document.add_paragraph(scope_line(briefing))
    if not briefing.covered:
        document.add_paragraph(not_covered_text(briefing))
    else:
        if briefing.sections:
            document.add_heading("要点", level=1)
            for section in briefing.sections:
                document.add_heading(f"《{section.title}》", level=2)
                for group in section.groups:
                    document.add_heading(group.heading, level=3)
                    for point in group.points:
                        paragraph = document.add_paragraph(style="Quote")
                        paragraph.add_run(point.quote)
                        paragraph.add_run(f" {cited(point)}").italic = False
        if briefing.figures:
            document.add_heading("相关指标", level=1)
            actual, target = figure_columns(briefing)
            _table(document, ["指标", actual, target, "出处"], [figure_cells(f) for f in briefing.figures])
        if briefing.comparison is not None:
            stances = briefing.comparison.stances
            document.add_heading(comparison_title(briefing.comparison), level=1)
            _table(document, [f"《{s.title}》" for s in stances], comparison_rows(briefing.comparison))
        document.add_heading("出处", level=1)
        for number, unit in enumerate(briefing.sources, start=1):
            document.add_paragraph(f"[{number}] {source_line(unit)}")
    path = Path(path)
    document.save(str(path))
    return path


def briefing_files(assistant: Assistant, topic: str, doc: str | None, out_dir: Path) -> tuple[str, Path, Path]:
    """Builds a briefing and writes it as Markdown and Word (for the app's download buttons).

    Args:
        assistant: a loaded Assistant.
        topic: the subject.
        doc: only this document id (None or "": every document).
        out_dir: folder for the two files (created when missing).

    Returns:
        (markdown text, path of the .md file, path of the .docx file).

    Raises:
        AssistantError: the topic is empty. CorpusError: unknown `doc`. OSError: out_dir is not writable.
    """
    briefing = build_briefing(assistant, topic, doc or None)
    markdown = to_markdown(briefing)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = (re.sub(r"[^\w\u3400-\u9fff]+", "_", briefing.topic).strip("_")[:40] or "briefing") + (f"_{doc}" if doc else "")
    md_path, docx_path = out_dir / f"{stem}.md", out_dir / f"{stem}.docx"
    md_path.write_text(markdown, encoding="utf-8")
    to_docx(briefing, docx_path)
    return markdown, md_path, docx_path
