"""The two shipped plans parse into the exact structure and units a reader sees in them."""

from __future__ import annotations

import itertools
import re

from assistant.corpus.readers import read_document
from assistant.corpus.repair import PAGE_NUMBER, squeeze
from assistant.corpus.structure import parse_document
from assistant.records import SEARCHABLE_KINDS, DocumentSpec, Kind

CLAUSES = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八"]


def test_coal_has_four_parts_and_eighteen_clauses_in_order(documents):
    coal = documents["coal"]
    assert [part.heading for part in coal.sections("part")] == [
        "一、发展背景",
        "二、指导思想、发展原则和主要目标",
        "三、重点任务",
        "四、保障措施",
    ]
    assert [clause.number for clause in coal.sections("clause")] == CLAUSES
    assert [len(part.children) for part in coal.tree if part.kind == "part"] == [3, 3, 8, 4]


def test_jiangsu_has_preface_chapters_sections_boxes_and_table(documents):
    jiangsu = documents["jiangsu"]
    assert [node.kind for node in jiangsu.tree] == ["preface", "chapter", "chapter", "chapter", "chapter", "chapter"]
    assert [c.heading for c in jiangsu.sections("chapter")] == [
        "第一章 发展基础和面临形势",
        "第二章 总体要求",
        "第三章 推动老工业地区创新发展",
        "第四章 推动资源型地区转型发展",
        "第五章 规划实施保障",
    ]
    assert len(jiangsu.sections("section")) == 14
    assert [len(c.children) for c in jiangsu.sections("chapter")] == [2, 3, 3, 3, 3]
    assert [box.number for box in jiangsu.sections("box")] == ["1", "2", "3", "4", "5", "6"]
    assert [box.title for box in jiangsu.sections("box")][3] == "资源型地区生态建设重点工程"
    (table,) = jiangsu.sections("table")
    assert table.heading == "表1 “十四五”老工业地区和资源型地区振兴发展目标"
    rows = [u for u in jiangsu.units if u.kind == Kind.TABLE_ROW]
    assert [u.id for u in rows] == [f"jiangsu/table1/r{n}" for n in range(1, 13)]


def test_table_rows_keep_their_cells(documents):
    units = {u.id: u for u in documents["jiangsu"].units}
    assert units["jiangsu/table1/head"].text == "序号 类别 指标 单位 2020年实际 2025年目标"
    assert units["jiangsu/table1/r4"].text == "4 城市更新和避险安置 新增避险安置户数* 户 35471 ≥13000"
    assert units["jiangsu/table1/r4"].sentence == (
        "表1 第4项 新增避险安置户数（五年累计数）：2020年实际 35471户，2025年目标 ≥13000户（类别：城市更新和避险安置）"
    )
    assert units["jiangsu/table1/r10"].text == "10 生态环境 历史遗留矿山（区）环境恢复治理率 % 25 60"
    assert units["jiangsu/table1/r10"].sentence == (
        "表1 第10项 历史遗留矿山（区）环境恢复治理率：2020年实际 25%，2025年目标 60%（类别：生态环境）"
    )
    # A row printed without its merged category cell inherits it from the row above.
    assert units["jiangsu/table1/r5"].text == "5 城镇保障型住房建设量* 万套 18 ≥30"
    assert units["jiangsu/table1/r5"].sentence.endswith("2020年实际 18万套，2025年目标 ≥30万套（类别：城市更新和避险安置）")
    assert units["jiangsu/table1/r11"].label == "表1 第11项 已有沉陷区治理面积"
    assert units["jiangsu/table1/note"].text == "*为五年累计数。"


def test_units_cover_the_source_losslessly(documents, corpus_dir):
    for document in documents.values():
        raw = read_document(corpus_dir / document.spec.file)
        expected = squeeze("\n".join(line for line in raw.splitlines() if not PAGE_NUMBER.match(line)))
        assert squeeze("".join(unit.text for unit in document.units)) == expected


def test_offsets_point_at_the_unit_text(documents):
    for document in documents.values():
        for unit in document.units:
            assert document.text[unit.start : unit.end] == unit.text


def test_no_page_numbers_page_spaces_or_fused_headings(documents):
    for document in documents.values():
        units = document.units
        for unit in units:
            assert "—19—" not in squeeze(unit.text)
            assert unit.text == unit.text.strip()
            assert "\n" not in unit.text
        fused = [
            before.id
            for before, heading in itertools.pairwise(units)
            if heading.kind == Kind.HEADING and before.kind != Kind.HEADING and squeeze(before.text).endswith(squeeze(heading.text))
        ]
        assert fused == []
        assert [u.id for u in units if u.kind != Kind.HEADING and re.search(r"第[一二三四五六七八九十]+[章节]\s", u.text)] == []


def test_labels_paths_and_first_sentences(documents):
    units = {u.id: u for d in documents.values() for u in d.units}
    clause = units["coal/12"]
    assert (clause.kind, clause.label, clause.path) == (Kind.CLAUSE, "（十二）着力推动老矿区绿色低碳发展", ("三、重点任务",))
    assert clause.text.startswith("（十二）着力推动老矿区绿色低碳发展。贯彻落实碳达峰、碳中和战略，推动实施碳减排行动。")
    lead = units["coal/1/p1"]
    assert lead.label == "（一）发展基础 改革创新持续深化"
    assert lead.path == ("一、发展背景", "（一）发展基础")
    assert lead.text.startswith("改革创新持续深化。煤炭供给侧结构性改革深入推进")
    assert units["coal/3"].kind == Kind.HEADING
    assert units["coal/3/p2"].text.startswith("综合来看，“十四五”时期")
    first = units["jiangsu/ch4.1/p1"]
    assert first.label == "第四章第一节 加强采煤沉陷区综合治理"
    assert first.path == ("第四章 推动资源型地区转型发展", "第一节 加强重点区域综合治理")
    assert first.text.startswith("加强采煤沉陷区综合治理。坚持综合治理，")
    assert "面积42784亩（其中重点采煤沉陷区治理面积17788亩）" in first.text
    item = units["jiangsu/box1/7"]
    assert item.label == "专栏1 老工业地区和资源型地区基本情况：重点采煤沉陷区"
    assert item.text.startswith("重点采煤沉陷区：贾汪区重点采煤沉陷区沉陷面积约92.9平方公里，涉及约5.9万人。")
    assert units["jiangsu/box1/1"].text.startswith("1.老工业地区：根据《全国老工业基地调整改造规划（2013-2022年）》")
    # The paragraph after 专栏1 belongs to the section again, not to the box.
    assert units["jiangsu/ch1.1/p8"].text.startswith("全省老工业地区和资源型地区发展仍存在不平衡不充分的问题")
    # The paragraph after 专栏5 is a lead paragraph of its section.
    assert units["jiangsu/ch4.3/p2"].label == "第四章第三节 提升基本公共服务保障水平"
    assert units["jiangsu/ch4.2/p1"].text.count("电子与ICT等产业") == 1


def test_every_searchable_unit_has_a_parent_heading_path(documents):
    pathless = [u.id for d in documents.values() for u in d.units if u.kind in SEARCHABLE_KINDS and not u.path]
    assert pathless == ["coal/p1"]  # the guidance's opening paragraph stands before any heading


def test_parsing_is_deterministic(documents, corpus_dir):
    coal = documents["coal"]
    again = parse_document(coal.spec, read_document(corpus_dir / coal.spec.file))
    assert again == coal


SPEC = DocumentSpec(id="demo", title="示例规划", short="示例", file="demo.txt")


def test_a_new_plan_with_chapters_articles_and_items_parses_by_pattern():
    raw = "\n".join(
        [
            "第一章 总则",
            "第一条 为推动示例地区转型发展，制定本规划。",
            "第二条 本规划适用于示例市。",
            "第二章 主要任务",
            "第三条 加快产业升级。",
            "1. 发展新材料产业。",
            "2. 发展新能源产业。",
            "专栏 1 重点项目",
            "甲项目：新建厂房。",
            "",
            "第四条 加强保障。",
        ]
    )
    doc = parse_document(SPEC, raw)
    assert [(u.id, u.kind, u.label) for u in doc.units] == [
        ("demo/ch1", "heading", "第一章 总则"),
        ("demo/ch1.1", "clause", "第一条 为推动示例地区转型发展，制定本规划"),
        ("demo/ch1.2", "clause", "第二条 本规划适用于示例市"),
        ("demo/ch2", "heading", "第二章 主要任务"),
        ("demo/ch2.3", "clause", "第三条 加快产业升级"),
        ("demo/ch2.3/p1", "paragraph", "第三条 加快产业升级 发展新材料产业"),
        ("demo/ch2.3/p2", "paragraph", "第三条 加快产业升级 发展新能源产业"),
        ("demo/box1", "heading", "专栏1 重点项目"),
        ("demo/box1/1", "box_item", "专栏1 重点项目：甲项目"),
        ("demo/ch2.4", "clause", "第四条 加强保障"),
    ]
    assert doc.units[5].path == ("第二章 主要任务", "第三条 加快产业升级")


def test_a_document_without_headings_falls_back_to_paragraphs():
    raw = "这是第一段，没有任何标题。\n\n这是第二段，也没有标题，但它足够长。"
    doc = parse_document(SPEC, raw)
    assert [(u.id, u.kind, u.text) for u in doc.units] == [
        ("demo/p1", "paragraph", "这是第一段，没有任何标题。"),
        ("demo/p2", "paragraph", "这是第二段，也没有标题，但它足够长。"),
    ]


def test_a_clause_heading_alone_in_its_paragraph_is_a_heading_over_its_body():
    # Word headings and markdown give "（一）加强组织领导" a paragraph of its own, without a full stop.
    raw = "一、保障措施\n\n（一）加强组织领导\n\n加强组织领导。各地要建立工作机制。\n"
    doc = parse_document(SPEC, raw)
    assert [(u.id, u.kind, u.label, u.path) for u in doc.units] == [
        ("demo/part1", "heading", "一、保障措施", ()),
        ("demo/1", "heading", "（一）加强组织领导", ("一、保障措施",)),
        ("demo/1/p1", "paragraph", "（一）加强组织领导 加强组织领导", ("一、保障措施", "（一）加强组织领导")),
    ]


def test_a_table_without_a_number_column_has_one_row_per_line():
    raw = "表 1 主要指标\n指标 2020年 2025年\n产值 100 200\n就业 10 20\n\n第一条 以上指标按年度考核。\n"
    rows = [u for u in parse_document(SPEC, raw).units if u.kind == Kind.TABLE_ROW]
    assert [(u.id, u.label, u.text, u.sentence) for u in rows] == [
        ("demo/table1/r1", "表1 第1项 产值", "产值 100 200", "表1 第1项 产值：2020年 100，2025年 200"),
        ("demo/table1/r2", "表1 第2项 就业", "就业 10 20", "表1 第2项 就业：2020年 10，2025年 20"),
    ]


def test_a_header_of_two_rows_names_each_column_by_its_lower_cell():
    # a Word table whose 指标值 cell spans 2023年 and 2027年目标 prints its header as two rows
    raw = "\n".join(
        [
            "表1 主要指标",
            "序号 指标 单位 指标值 属性",
            "序号 2023年 2027年目标 属性",
            "1 示例床位数 张 42 45 预期性",
            "2 示例覆盖率 % 65 100 约束性",
        ]
    )
    rows = [u for u in parse_document(SPEC, raw).units if u.kind == Kind.TABLE_ROW]
    assert [u.sentence for u in rows] == [
        "表1 第1项 示例床位数：2023年 42张，2027年目标 45张，属性 预期性",
        "表1 第2项 示例覆盖率：2023年 65%，2027年目标 100%，属性 约束性",
    ]
