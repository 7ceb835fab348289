"""Comparisons on the real corpus: per-document quotes, the topic of a comparison question, the chat text."""

from __future__ import annotations

import pytest

from assistant.briefing.comparison import compare, comparison_text, comparison_topic
from assistant.errors import AssistantError, CorpusError


def test_compare_quotes_up_to_three_sentences_per_document(assistant):
    comparison = compare(assistant, "人才")
    assert [(s.doc_id, [(p.ref, p.unit.id) for p in s.points]) for s in comparison.stances] == [
        ("coal", [(1, "coal/18"), (2, "coal/11"), (3, "coal/1/p5")]),
        ("jiangsu", []),
    ]
    assert all(p.quote in p.unit.body for p in comparison.citations)


def test_a_topic_neither_document_covers_has_no_points(assistant):
    assert [(s.doc_id, s.points) for s in compare(assistant, "航天产业").stances] == [("coal", ()), ("jiangsu", ())]


def test_compare_checks_its_inputs(assistant):
    assert [s.doc_id for s in compare(assistant, "融资支持", ["jiangsu"]).stances] == ["jiangsu"]
    with pytest.raises(CorpusError):
        compare(assistant, "融资支持", ["nope"])
    with pytest.raises(AssistantError):
        compare(assistant, "")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("两份文件在人才方面分别怎么说？", "人才"),
        ("江苏规划和指导意见在采煤沉陷区治理上有何不同？", "采煤沉陷区治理"),
        ("对比两份文件关于融资支持的规定", "融资支持"),
        ("两份文件对工业遗产的表述有何异同？", "工业遗产"),
        ("比较两者的绿色低碳发展要求", "绿色低碳发展"),
        ("两份文件分别怎么说？", "两份文件分别怎么说？"),
    ],
)
def test_the_topic_of_a_comparison_question(question, topic):
    assert comparison_topic(question) == topic


def test_the_chat_text_gives_one_line_per_document_with_markers(assistant):
    comparison = compare(assistant, comparison_topic("两份文件在工业遗产方面分别怎么说？"))
    titles = {d.id: d.short for d in assistant.index.documents}
    assert comparison_text(comparison, titles) == (
        "《老矿区转型指导意见》：未涉及该主题。\n"
        "《江苏老工业和资源型地区规划》："
        "开展资源认定管理。全面梳理老工业地区近现代工业发展脉络，深化老工业地区工业遗产普查，厘清工业遗产家底，建立工业遗产清单，"
        "积极组织申报国家工业遗产。[1]"
        "推进重点保护展示。加强重点工业遗产本体保护和周边环境治理，消除工业遗产安全隐患，保护历史文化遗存的真实性和完整性。[2]"
        "创新工业遗产利用模式。推进老工业地区工业遗产保护利用重点工程建设，促进工业遗产与现代商务融合，培育发展工业设计、工业创意、"
        "艺术创作等文化创意产业，加快发展生产、文化、教育、休闲等一体化的工业文化旅游。[3]"
    )
