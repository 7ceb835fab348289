"""Export: a Briefing written as Markdown (document text escaped) or as an A4 Chinese Word handout."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..markup import escape_markdown
from ..records import Kind
from .briefing import Briefing, build_briefing, lead_in, short_ref
from .selection import own_heading

if TYPE_CHECKING:
    from ..answer.assistant import Assistant
    from ..records import Citation, Unit
    from .relevance import Figure

AUTHOR = "政策文件助手"
DEFAULT_COLUMNS = ("现状值", "目标值")  # when the table names neither column
NONE = "—"
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
LANGUAGE = "zh-CN"
# A4 with the margins of Chinese official documents (GB/T 9704: 37 mm top, 28 mm left/right, 35 mm bottom).
PAGE_MM = (210, 297)
MARGINS_MM = (37, 35, 28, 28)  # top, bottom, left, right
FIGURE_WIDTHS_MM = (56, 22, 22, 54)  # 指标, actual, target, 出处: 154 mm of text width
BOX_WIDTHS_MM = (28, 96, 30)  # 事项, 内容, 出处 of a 专栏 table
QUOTE_STYLE = "简报引文"
MAX_PROPERTY = 255  # characters Word (and python-docx) accept in a core property


def title(briefing: Briefing) -> str:
    return f"专题简报：{briefing.topic}"


def scope_line(briefing: Briefing) -> str:
    """Which documents were read, when, and how the briefing quotes them."""
    return f"范围：{briefing.scope}　生成日期：{briefing.date}　要点均为原文摘录，方括号内为出处编号。"


def not_covered_text(briefing: Briefing) -> str:
    """The short paragraph that replaces the briefing when the documents do not address the topic."""
    text = f"{briefing.scope}中没有关于“{briefing.topic}”的内容（{briefing.reason}），因此不生成简报。"
    if briefing.nearest:
        pairs = zip(briefing.nearest_topics, briefing.nearest, strict=False)
        nearest = "；".join(f"{topic}（《{unit.doc_title}》{short_ref(unit)}）" for topic, unit in pairs)
        text += f"最接近的主题：{nearest}。"
    return text


def passing_text(briefing: Briefing) -> str:
    """The paragraph that replaces the briefing when the topic is only touched in passing."""
    return f"{briefing.scope}没有专门论述“{briefing.topic}”的条款，仅零星提及（{len(briefing.mentions)}处），摘录如下，不生成简报。"


def place(point: Citation) -> str:
    """ "[n] 第四章第一节": the reference printed after a quote."""
    return f"[{point.ref}] {short_ref(point.unit)}"


def more_text(points: tuple[Citation, ...]) -> str:
    """ "另有N条相关内容：[7] 第五章第一节；[8] 专栏6 沛县" for the places a budget left out."""
    return f"另有{len(points)}条相关内容：" + "；".join(dict.fromkeys(place(p) for p in points)) + "。"


def figure_cells(figure: Figure) -> list[str]:
    """A row of the figures table: indicator, the two values, and the reference with its number."""
    return [figure.indicator, figure.actual or NONE, figure.target or NONE, place(figure.citation)]


def figure_columns(briefing: Briefing) -> tuple[str, str]:
    """The two value columns of the figures table, as the plan's indicator table names them."""
    return next((f.columns for f in briefing.figures if all(f.columns)), DEFAULT_COLUMNS)


def source_line(unit: Unit) -> str:
    """A numbered source's text: the document's full title, the clause and its heading path (no paragraph numbers)."""
    path = " › ".join(unit.path)
    label = re.sub(r"\s*第\d+段$", "", unit.label)
    return f"《{unit.doc_title}》{label}" + (f"（{path}）" if path and path != label else "")


def comparison_title(briefing: Briefing) -> str:
    count = len(briefing.sections) if len(briefing.sections) > 2 else 2
    return "两份文件对比" if count == 2 else f"{count}份文件对比"


def runs(points: tuple[Citation, ...]) -> list[tuple[bool, list[Citation]]]:
    """The points of a group in order, cut into runs of 专栏 items (shown as a table) and other quotes."""
    found: list[tuple[bool, list[Citation]]] = []
    for point in points:
        box = point.unit.kind == Kind.BOX_ITEM
        if found and found[-1][0] == box:
            found[-1][1].append(point)
        else:
            found.append((box, [point]))
    return found


def box_cells(point: Citation) -> list[str]:
    """A row of a 专栏 table: the item's name (place or task), what it says, and the reference."""
    name = own_heading(point.unit)
    text = point.quote
    if name and text.startswith(f"{name}："):
        text = text[len(name) + 1 :]
    return [name or NONE, text, place(point)]


def _md_place(point: Citation) -> str:
    """The reference after a quote in Markdown: our "[n]" as is (no link can follow it), the document's words escaped."""
    return f"[{point.ref}] {escape_markdown(short_ref(point.unit))}"


def _md_quote(point: Citation) -> str:
    lead = lead_in(point)
    head = f"【{escape_markdown(lead)}】" if lead else ""
    return f"> {head}{escape_markdown(point.quote)}　{_md_place(point)}"


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown: title, scope, 要点 per document, 相关指标, the comparison and 出处.

    Every piece of document or user text is escaped with assistant.markup: a document's `<script>` or
    `[x](javascript:…)` shows as text in the file and in the app's preview, never as markup.

    Args:
        briefing: from build_briefing.

    Returns:
        The Markdown text (ending with a newline); a short paragraph when the topic is not covered.
    """
    e = escape_markdown
    scope = f"范围：{e(briefing.scope)}　生成日期：{briefing.date}　要点均为原文摘录，方括号内为出处编号。"
    lines = [f"# {e(title(briefing))}", "", scope, ""]
    if briefing.status == "passing":
        lines += ["## 仅零星提及", "", e(passing_text(briefing)), ""]
        for point in briefing.mentions:
            lines += [_md_quote(point), ""]
        lines += _md_sources(briefing)
        return "\n".join([*lines, ""])
    if not briefing.covered:
        return "\n".join([*lines, e(not_covered_text(briefing)), ""])
    if briefing.sections:
        lines += ["## 要点", ""]
        for section in briefing.sections:
            lines += [f"### 《{e(section.title)}》", ""]
            for group in section.groups:
                lines += [f"#### {e(group.heading)}", ""]
                for box, points in runs(group.points):
                    if not box:
                        lines += [line for point in points for line in (_md_quote(point), "")]
                        continue
                    lines += ["| 事项 | 内容 | 出处 |", "| --- | --- | --- |"]
                    for point in points:
                        name, text, _ = box_cells(point)
                        lines.append(f"| {e(name)} | {e(text).replace(chr(10), ' ')} | {_md_place(point)} |")
                    lines.append("")
            if section.more:
                listed = "；".join(dict.fromkeys(_md_place(p) for p in section.more))
                lines += [f"另有{len(section.more)}条相关内容：{listed}。", ""]
    if briefing.figures:
        actual, target = figure_columns(briefing)
        lines += ["## 相关指标", "", f"| 指标 | {e(actual)} | {e(target)} | 出处 |", "| --- | --- | --- | --- |"]
        for figure in briefing.figures:
            cells = [e(c).replace("\n", " ") for c in figure_cells(figure)[:3]] + [_md_place(figure.citation)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if briefing.contrast:
        lines += [f"## {comparison_title(briefing)}", ""]
        lines += [f"- {e(line)}" for line in briefing.contrast]
        lines.append("")
    lines += _md_sources(briefing)
    return "\n".join([*lines, ""])


def _md_sources(briefing: Briefing) -> list[str]:
    lines = ["## 出处", ""]
    lines += [f"{number}\\. {escape_markdown(source_line(unit))}  " for number, unit in enumerate(briefing.sources, start=1)]
    return lines


# ---- Word -----------------------------------------------------------------------------------------


def _fonts_and_language(element, east_asian: str) -> None:
    """East Asian and Latin fonts and zh-CN on a style or run property element; theme fonts removed."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else _child(element, "w:rPr")
    fonts = _child(rpr, "w:rFonts", first=True)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    language = _child(rpr, "w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), LANGUAGE)


def _child(parent, tag: str, first: bool = False):
    """The parent's child element of a tag, added (first or last) when missing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _styles(document) -> None:
    """Chinese fonts and language on the document defaults and every style used; an upright quote style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        _fonts_and_language(rpr_default, BODY_FONT)
    for name in ("Normal", "Header", "Footer", "Table Grid"):
        _fonts_and_language(document.styles[name].element, BODY_FONT)
    document.styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = document.styles[name]
        _fonts_and_language(style.element, HEADING_FONT)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
    quote = document.styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = document.styles["Normal"]
    quote.font.italic = False
    quote.paragraph_format.left_indent = Mm(7.4)
    quote.paragraph_format.space_after = Pt(6)
    _fonts_and_language(quote.element, BODY_FONT)


def _page(document, header_text: str) -> None:
    """A4 portrait with official-document margins, the topic in the header, "第 X 页 共 Y 页" in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (Mm(m) for m in MARGINS_MM)
    header = section.header.paragraphs[0]
    header.text = header_text
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页　共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _table(document, header: list[str], rows: list[list[str]], widths_mm: tuple[int, ...]):
    """A grid table with fixed column widths and a header row repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    return table


def _quote(document, point: Citation) -> None:
    paragraph = document.add_paragraph(style=QUOTE_STYLE)
    lead = lead_in(point)
    if lead:
        paragraph.add_run(f"【{lead}】").bold = True
    paragraph.add_run(point.quote)
    paragraph.add_run(f"　{place(point)}")


def _properties(document, briefing: Briefing, now: datetime.datetime) -> None:
    properties = document.core_properties
    properties.title = title(briefing)
    properties.subject = briefing.topic
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.keywords = f"专题简报；{briefing.topic}"
    properties.comments = scope_line(briefing)[:MAX_PROPERTY]
    properties.language = LANGUAGE
    properties.created = now
    properties.modified = now
    properties.revision = 1


def to_docx(briefing: Briefing, path: Path | str, now: datetime.datetime | None = None) -> Path:
    """Writes the briefing as an A4 Word handout: Chinese fonts and language on every style, page numbers,
    the topic in the header, upright quotes with short references, tables that fit, project metadata.

    Args:
        briefing: from build_briefing.
        path: the .docx file to write.
        now: the creation time written to the metadata (the current time when None).

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.
    """
    import docx

    document = docx.Document()
    _styles(document)
    _page(document, title(briefing))
    _properties(document, briefing, now or datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None))
    document.add_heading(title(briefing), level=0)
    document.add_paragraph(scope_line(briefing))
    if briefing.status == "passing":
        document.add_heading("仅零星提及", level=1)
        document.add_paragraph(passing_text(briefing))
        for point in briefing.mentions:
            _quote(document, point)
        _docx_sources(document, briefing)
    elif not briefing.covered:
        document.add_paragraph(not_covered_text(briefing))
    else:
        if briefing.sections:
            document.add_heading("要点", level=1)
            for section in briefing.sections:
                document.add_heading(f"《{section.title}》", level=2)
                for group in section.groups:
                    document.add_heading(group.heading, level=3)
                    for box, points in runs(group.points):
                        if box:
                            _table(document, ["事项", "内容", "出处"], [box_cells(p) for p in points], BOX_WIDTHS_MM)
                        else:
                            for point in points:
                                _quote(document, point)
                if section.more:
                    document.add_paragraph(more_text(section.more))
        if briefing.figures:
            document.add_heading("相关指标", level=1)
            actual, target = figure_columns(briefing)
            _table(document, ["指标", actual, target, "出处"], [figure_cells(f) for f in briefing.figures], FIGURE_WIDTHS_MM)
        if briefing.contrast:
            document.add_heading(comparison_title(briefing), level=1)
            for line in briefing.contrast:
                document.add_paragraph(line, style="List Bullet")
        _docx_sources(document, briefing)
    path = Path(path)
    document.save(str(path))
    return path


def _docx_sources(document, briefing: Briefing) -> None:
    document.add_heading("出处", level=1)
    for number, unit in enumerate(briefing.sources, start=1):
        document.add_paragraph(f"[{number}] {source_line(unit)}")


def file_stem(topic: str, doc: str | None = None) -> str:
    """A file name for a topic's briefing: its letters and CJK characters, at most 40."""
    return (re.sub(r"[^\w\u3400-\u9fff]+", "_", topic).strip("_")[:40] or "briefing") + (f"_{doc}" if doc else "")


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
    stem = file_stem(briefing.topic, doc)
    md_path, docx_path = out_dir / f"{stem}.md", out_dir / f"{stem}.docx"
    md_path.write_text(markdown, encoding="utf-8")
    to_docx(briefing, docx_path)
    return markdown, md_path, docx_path
