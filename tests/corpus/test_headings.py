"""Headings: numbering patterns, titles without numbering, and the units each heading groups."""

from __future__ import annotations

from assistant.corpus.headings import HeadingFamilies, chinese_number, heading_kind, heading_title
from assistant.records import Kind, Unit


def unit(unit_id: str, path: tuple[str, ...]) -> Unit:
    return Unit(unit_id, "d", "D", Kind.PARAGRAPH, unit_id, path, "正文。", 0, 3)


def test_headings_are_recognised_by_their_numbering():
    assert heading_kind("第四章 推动资源型地区转型发展") == ("chapter", "四", "推动资源型地区转型发展")
    assert heading_kind("第十二条 各级人民政府应当加强领导") == ("article", "十二", "各级人民政府应当加强领导")
    assert heading_kind("（五）发展原则") == ("clause", "五", "发展原则")
    assert heading_kind("专栏 3 重点工程") == ("box", "3", "重点工程")
    assert heading_kind("前 言") == ("preface", "", "前言")
    assert heading_kind("加快构建现代产业体系。") is None
    assert [chinese_number(text) for text in ("十二", "二十", "九十九", "7", "甲")] == [12, 20, 99, 7, 0]


def test_a_title_is_the_heading_without_its_numbering():
    assert [heading_title(h) for h in ("（五）发展原则", "第二节 基本原则", "专栏4 重大项目", "一、总体要求", "表1 主要指标")] == [
        "发展原则",
        "基本原则",
        "重大项目",
        "总体要求",
        "主要指标",
    ]


def test_a_question_finds_the_families_of_the_headings_it_names():
    rows = [
        unit("a/1", ("第二章 总体要求", "第二节 基本原则")),
        unit("a/2", ("第二章 总体要求", "第二节 基本原则")),
        unit("a/3", ("第二章 总体要求", "第三节 发展目标")),
        unit("b/1", ("（五）基本原则",)),
        unit("b/2", ()),
    ]
    families = HeadingFamilies(rows)
    named = families.named("两份文件的基本原则有什么不同？", min_title=4)
    assert [(f.title, f.path[-1], f.positions) for f in named] == [
        ("基本原则", "第二节 基本原则", (0, 1)),
        ("基本原则", "（五）基本原则", (3,)),
    ]
    assert families.named("发展目标", min_title=5) == []  # a title shorter than asked is not looked for
    assert [f.positions for f in families.named("发 展 目 标是什么", min_title=4)] == [(2,)]  # white space does not matter
