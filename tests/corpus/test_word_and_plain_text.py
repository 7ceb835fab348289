"""Word files and Word-style plain text: automatic numbering, merged cells, text boxes, one paragraph a line."""

from __future__ import annotations

import docx
from docx.oxml import parse_xml

from assistant.corpus.readers import read_document
from assistant.corpus.structure import parse_document
from assistant.corpus.table import table_rows
from assistant.corpus.word import chinese_count, format_number
from assistant.records import DocumentSpec

SPEC = DocumentSpec(id="demo", title="示例规划", short="示例", file="demo")
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_chinese_counting_and_other_word_number_formats():
    assert [chinese_count(n) for n in (1, 10, 12, 20, 35, 100, 105, 118)] == [
        "一",
        "十",
        "十二",
        "二十",
        "三十五",
        "一百",
        "一百零五",
        "一百一十八",
    ]
    assert [
        format_number(3, kind) for kind in ("decimal", "decimalEnclosedCircle", "lowerLetter", "upperRoman", "ideographTraditional")
    ] == ["3", "③", "c", "III", "丙"]


def test_automatic_numbering_a_merged_cell_and_a_text_box_are_read_back_into_the_text(tmp_path):
    word = docx.Document()
    numbering = word.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%1）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    word.add_heading("第一章 总则", level=1)
    for text in ("加强组织领导。建立工作机制。", "强化资金保障。加大投入。"):
        word.add_paragraph(text)._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>'))
    anchor = word.add_paragraph("")
    anchor._p.append(
        parse_xml(
            f'<w:r {W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
            "<w:p><w:r><w:t>文本框里的说明文字。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    word.add_paragraph("表1 主要指标")
    table = word.add_table(rows=4, cols=4)
    for r, row in enumerate(
        [
            ["序号", "指标", "单位", "目标"],
            ["1", "就业人数", "万人", "200"],
            ["2", "新增户数", "户", "300"],
            ["3", "道路里程", "公里", "400"],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 2).merge(table.cell(3, 2)).text = "户"  # a unit merged down, not leading: it must stay in its column
    path = tmp_path / "demo.docx"
    word.save(str(path))

    text = read_document(path)
    assert "（一） 加强组织领导。建立工作机制。" in text and "（二） 强化资金保障。加大投入。" in text
    assert "文本框里的说明文字。" in text
    assert "3 道路里程 户 400" in text
    units = parse_document(SPEC, text).units
    assert [(u.id, u.label) for u in units if u.kind == "clause"] == [
        ("demo/ch1.1", "（一）加强组织领导"),
        ("demo/ch1.2", "（二）强化资金保障"),
    ]


def test_table_rows_leave_out_leading_merged_cells_and_keep_the_others_in_their_columns():
    rows = [["序号", "类别", "指标", "单位"], ["1", "产业", "产值", "%"], ["2", None, "经费", None], ["3", "", "平台", ""]]
    assert table_rows(rows) == ["序号 类别 指标 单位", "1 产业 产值 %", "2 经费 %", "3 平台 —"]


def test_word_style_text_keeps_long_one_line_paragraphs_apart_and_ends_a_box_at_the_next_paragraph():
    long = "坚持创新驱动发展，" * 12 + "全面提升产业竞争力。"
    text = "\r\n".join(
        [
            "第一章 总体要求",
            long,
            long.replace("创新", "协调"),
            "专栏1 重点项目",
            "南京：建设一批项目。",
            "徐州：改造一批厂房。",
            "全省各地要结合实际抓好落实，确保各项任务取得实效，切实推动规划目标如期实现。",
            "表1 主要指标",
            "序号\t类别\t指标\t目标",
            "1\t产业\t产值\t50",
            "2\t\t经费\t3",
            "第二章 保障措施",
            "加强组织领导。建立健全工作机制。",
        ]
    )
    units = parse_document(SPEC, text)
    assert [(u.id, u.kind) for u in units.units] == [
        ("demo/ch1", "heading"),
        ("demo/ch1/p1", "paragraph"),
        ("demo/ch1/p2", "paragraph"),
        ("demo/box1", "heading"),
        ("demo/box1/1", "box_item"),
        ("demo/box1/2", "box_item"),
        ("demo/ch1/p3", "paragraph"),
        ("demo/table1", "heading"),
        ("demo/table1/head", "heading"),
        ("demo/table1/r1", "table_row"),
        ("demo/table1/r2", "table_row"),
        ("demo/ch2", "heading"),
        ("demo/ch2/p1", "paragraph"),
    ]
    assert units.units[10].text == "2 经费 3"
