"""Briefings on the real corpus: verbatim quotes, citations, figures, comparisons, Word export and the brief command."""

from __future__ import annotations

import datetime

import docx
import pytest

from assistant.briefing import briefing_files, build_briefing, to_docx, to_markdown
from assistant.briefing.relevance import MAX_POINTS
from assistant.cli import main
from assistant.errors import AssistantError, CorpusError

DAY = datetime.date(2025, 1, 1)
COAL = "煤炭行业“十四五”老矿区转型发展指导意见"
JIANGSU = "江苏省“十四五”老工业地区和资源型地区振兴发展规划"
TOPICS = ["采煤沉陷区综合治理", "人才支撑", "融资支持", "工业遗产", "避险安置"]
SUBSIDENCE_TARGET = (
    "按照国家采煤沉陷区综合治理相关规划要求，完成已有采煤沉陷区治理面积42784亩（其中重点采煤沉陷区治理面积17788亩）"
    "等我省“十四五”采煤沉陷区综合治理目标任务。"
)


@pytest.fixture(scope="module")
def briefings(assistant):
    return {topic: build_briefing(assistant, topic, date=DAY) for topic in TOPICS}


def _headings(path) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text) for p in docx.Document(str(path)).paragraphs if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


@pytest.mark.parametrize("topic", TOPICS)
def test_every_quote_is_verbatim_in_its_cited_unit_and_numbered_as_a_source(briefings, topic):
    briefing = briefings[topic]
    assert briefing.covered is True
    assert briefing.citations
    for citation in briefing.citations:
        assert citation.quote and citation.quote in citation.unit.body
        assert briefing.sources[citation.ref - 1].id == citation.unit.id
    assert sorted({c.ref for c in briefing.citations}) == list(range(1, len(briefing.sources) + 1))
    for section in briefing.sections:
        assert sum(len(group.points) for group in section.groups) <= MAX_POINTS
    markdown = to_markdown(briefing)
    for point in briefing.points:
        assert f"> {point.quote} —— 《{point.unit.doc_title}》{point.unit.label} [{point.ref}]\n" in markdown


def test_the_subsidence_briefing_gives_the_area_target_with_its_clause(briefings):
    briefing = briefings["采煤沉陷区综合治理"]
    (target,) = [p for p in briefing.points if "42784亩" in p.quote]
    assert target.quote == SUBSIDENCE_TARGET
    assert (target.unit.id, target.unit.label) == ("jiangsu/ch4.1/p1", "第四章第一节 加强采煤沉陷区综合治理")
    assert f"> {SUBSIDENCE_TARGET} —— 《{JIANGSU}》第四章第一节 加强采煤沉陷区综合治理 [6]" in to_markdown(briefing)
    assert [s.doc_id for s in briefing.sections] == ["jiangsu"]
    assert [g.heading for g in briefing.sections[0].groups] == [
        "第一章 发展基础和面临形势 › 第一节 发展基础",
        "第一章 发展基础和面临形势 › 第一节 发展基础 › 专栏1 老工业地区和资源型地区基本情况",
        "第二章 总体要求 › 第三节 发展目标",
        "第四章 推动资源型地区转型发展",
        "第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理",
        "第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理 › 专栏4 资源型地区生态建设重点工程",
    ]


def test_the_subsidence_figures_come_from_the_indicator_table_and_the_boxes(briefings):
    figures = briefings["采煤沉陷区综合治理"].figures
    assert [f.citation.unit.id for f in figures] == [
        "jiangsu/table1/r11",
        "jiangsu/box1/7",
        "jiangsu/box1/8",
        "jiangsu/box5/1",
    ]
    row = figures[0]
    assert (row.indicator, row.actual, row.target, row.columns) == (
        "已有沉陷区治理面积（五年累计数）",
        "完成国家下达任务",
        "完成国家下达任务",
        ("2020年实际", "2025年目标"),
    )
    assert figures[1].indicator.startswith("重点采煤沉陷区：贾汪区重点采煤沉陷区沉陷面积约92.9平方公里")


def test_an_indicator_row_is_a_markdown_table_row(briefings):
    markdown = to_markdown(briefings["工业遗产"])
    assert "## 相关指标\n\n| 指标 | 2020年实际 | 2025年目标 | 出处 |\n| --- | --- | --- | --- |\n" in markdown
    assert f"| 工业遗产保护利用（五年累计数） | 85处 | ≥110处 | 《{JIANGSU}》表1 第6项 工业遗产保护利用 [6] |\n" in markdown
    resettlement = briefings["避险安置"].figures[0]
    assert (resettlement.citation.unit.id, resettlement.actual, resettlement.target) == ("jiangsu/table1/r4", "35471户", "≥13000户")


def test_a_topic_one_document_covers_is_compared_as_not_addressed_by_the_other(briefings):
    briefing = briefings["人才支撑"]
    assert [p.unit.id for p in briefing.points] == ["coal/11", "coal/18", "coal/18", "coal/18"]
    assert [(s.doc_id, [p.unit.id for p in s.points]) for s in briefing.comparison.stances] == [
        ("coal", ["coal/18", "coal/11", "coal/18"]),
        ("jiangsu", []),
    ]
    markdown = to_markdown(briefing)
    assert f"## 两份文件对比\n\n| 《{COAL}》 | 《{JIANGSU}》 |\n| --- | --- |\n" in markdown
    assert "—— （十八）强化人才支撑 [2] | （未涉及该主题） |\n" in markdown


def test_a_topic_both_documents_address_has_points_from_each(briefings):
    briefing = briefings["融资支持"]
    assert [(s.doc_id, [p.unit.id for p in s.points]) for s in briefing.comparison.stances] == [
        ("coal", ["coal/17", "coal/2", "coal/17"]),
        ("jiangsu", ["jiangsu/ch5.2/p5"]),
    ]
    assert [u.id for u in briefing.sources] == ["coal/2", "coal/17", "jiangsu/ch5.2/p5"]
    assert to_markdown(briefing).endswith(
        "## 出处\n\n"
        f"1. 《{COAL}》（二）存在的问题（一、发展背景），编号 coal/2\n"
        f"2. 《{COAL}》（十七）拓展融资渠道（四、保障措施），编号 coal/17\n"
        f"3. 《{JIANGSU}》第五章第二节 加大金融政策支持力度（第五章 规划实施保障 › 第二节 强化政策资金支持），编号 jiangsu/ch5.2/p5\n"
    )


@pytest.mark.parametrize(
    ("topic", "reason", "nearest"),
    [
        ("航天产业", "文件没有涉及“航天”", ("加快建设现代产业体系", "产业转型和接续替代产业取得重要进展", "加强资源型地区协同转型发展")),
        ("量子计算", "文件没有涉及“量子”", ("坚持数字赋能转型", "促进制造业服务化", "产业转型升级持续推进")),
    ],
)
def test_a_topic_the_documents_do_not_cover_names_the_nearest_topics(assistant, tmp_path, topic, reason, nearest):
    briefing = build_briefing(assistant, topic, date=DAY)
    assert (briefing.covered, briefing.reason, briefing.nearest_topics) == (False, reason, nearest)
    assert (briefing.sections, briefing.figures, briefing.comparison, briefing.sources) == ((), (), None, ())
    markdown = to_markdown(briefing)
    assert markdown.startswith(f"# 专题简报：{topic}\n\n范围：《{COAL}》、《{JIANGSU}》　生成日期：2025-01-01　")
    assert f"中没有关于“{topic}”的内容（{reason}），因此不生成简报。最接近的主题：{nearest[0]}（" in markdown
    assert "##" not in markdown
    path = to_docx(briefing, tmp_path / "brief.docx")
    assert _headings(path) == [("Title", f"专题简报：{topic}")]


def test_a_document_filter_reads_only_that_document(assistant):
    briefing = build_briefing(assistant, "避险安置", doc="coal", date=DAY)
    assert (briefing.covered, briefing.reason, briefing.scope) == (False, "没有与该主题相符的条款", f"《{COAL}》")
    only = build_briefing(assistant, "融资支持", doc="coal", date=DAY)
    assert {c.unit.doc_id for c in only.citations} == {"coal"}
    assert only.comparison is None
    with pytest.raises(CorpusError):
        build_briefing(assistant, "融资支持", doc="nope")
    with pytest.raises(AssistantError):
        build_briefing(assistant, " ？ ")


def test_the_word_file_has_real_headings_quotes_with_citations_and_tables(briefings, tmp_path):
    path = to_docx(briefings["采煤沉陷区综合治理"], tmp_path / "采煤.docx")
    headings = _headings(path)
    assert headings[:4] == [
        ("Title", "专题简报：采煤沉陷区综合治理"),
        ("Heading 1", "要点"),
        ("Heading 2", f"《{JIANGSU}》"),
        ("Heading 3", "第一章 发展基础和面临形势 › 第一节 发展基础"),
    ]
    assert [h for h in headings if h[0] == "Heading 1"] == [
        ("Heading 1", "要点"),
        ("Heading 1", "相关指标"),
        ("Heading 1", "两份文件对比"),
        ("Heading 1", "出处"),
    ]
    document = docx.Document(str(path))
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert f"{SUBSIDENCE_TARGET} —— 《{JIANGSU}》第四章第一节 加强采煤沉陷区综合治理 [6]" in quotes
    figures, comparison = document.tables
    assert [c.text for c in figures.rows[0].cells] == ["指标", "2020年实际", "2025年目标", "出处"]
    assert [c.text for c in figures.rows[1].cells] == [
        "已有沉陷区治理面积（五年累计数）",
        "完成国家下达任务",
        "完成国家下达任务",
        f"《{JIANGSU}》表1 第11项 已有沉陷区治理面积 [8]",
    ]
    assert [c.text for c in comparison.rows[0].cells] == [f"《{COAL}》", f"《{JIANGSU}》"]
    assert comparison.rows[1].cells[0].text == "（未涉及该主题）"
    sources = [p.text for p in document.paragraphs if p.text.startswith("[")]
    assert sources[5] == (
        f"[6] 《{JIANGSU}》第四章第一节 加强采煤沉陷区综合治理"
        "（第四章 推动资源型地区转型发展 › 第一节 加强重点区域综合治理），编号 jiangsu/ch4.1/p1"
    )


def test_briefing_files_writes_markdown_and_word_for_the_app(assistant, tmp_path):
    markdown, md_path, docx_path = briefing_files(assistant, "工业遗产", "jiangsu", tmp_path / "out")
    assert (md_path.name, docx_path.name) == ("工业遗产_jiangsu.md", "工业遗产_jiangsu.docx")
    assert md_path.read_text(encoding="utf-8") == markdown
    assert markdown.startswith(f"# 专题简报：工业遗产\n\n范围：《{JIANGSU}》　")
    assert _headings(docx_path)[:3] == [("Title", "专题简报：工业遗产"), ("Heading 1", "要点"), ("Heading 2", f"《{JIANGSU}》")]


def _cli(settings, *args: str) -> int:
    return main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "brief", *args])


def test_the_brief_command_prints_markdown(settings, capsys):
    assert _cli(settings, "采煤沉陷区综合治理") == 0
    out, err = capsys.readouterr()
    assert out.startswith("# 专题简报：采煤沉陷区综合治理\n\n范围：")
    assert f"> {SUBSIDENCE_TARGET} —— 《{JIANGSU}》第四章第一节 加强采煤沉陷区综合治理 [6]\n" in out
    assert err == ""


@pytest.mark.slow
def test_the_brief_command_writes_word_and_refuses_word_without_a_file(settings, tmp_path, capsys):
    out_file = tmp_path / "人才.docx"
    assert _cli(settings, "人才支撑", "--format", "docx", "--out", str(out_file)) == 0
    assert capsys.readouterr() == ("", f"Wrote {out_file}\n")
    assert _headings(out_file) == [
        ("Title", "专题简报：人才支撑"),
        ("Heading 1", "要点"),
        ("Heading 2", f"《{COAL}》"),
        ("Heading 3", "三、重点任务"),
        ("Heading 3", "四、保障措施"),
        ("Heading 1", "两份文件对比"),
        ("Heading 1", "出处"),
    ]
    assert _cli(settings, "人才支撑", "--format", "docx") == 1
    assert capsys.readouterr() == ("", "assistant: A Word briefing needs a file: add --out FILE.docx.\n")
    assert _cli(settings, "航天产业", "--out", str(tmp_path / "none.md")) == 0
    assert capsys.readouterr().err == f"Wrote {tmp_path / 'none.md'} (the documents do not cover this topic)\n"
    assert "因此不生成简报" in (tmp_path / "none.md").read_text(encoding="utf-8")
