"""Briefings on documents of other shapes (eval/other: notices without clause numbers, 第X条 regulations, Word plans)."""

from __future__ import annotations

import datetime

import pytest

from assistant.briefing import build_briefing, to_markdown

DAY = datetime.date(2025, 1, 1)


@pytest.mark.slow
def test_a_topic_several_documents_are_about_is_briefed_from_each(other):
    briefing = build_briefing(other, "职业教育", date=DAY)
    assert [s.doc_id for s in briefing.sections] == ["hx-vocational-notice", "qc-vocational-plan", "jl-vocational-opinions"]
    assert briefing.contrast[0] == (
        "只有《鹤溪中职招生通知》、《青川职业教育三年行动计划》、《江岭职业教育改革意见》涉及该主题，其余29份文件未涉及。"
    )
    quotes = [p.quote for p in briefing.points]
    assert not any(q.endswith("：") or q.endswith("号") for q in quotes)  # a notice's addressees and 文号 are not points
    assert any(q.startswith("2024年全市中等职业学校招生计划为2.15万人，比上年增加800人") for q in quotes)


@pytest.mark.slow
def test_a_regulation_topic_takes_its_articles_and_an_indicator_row_its_values(other):
    community = build_briefing(other, "老旧小区改造", date=DAY)
    assert community.sections[0].groups[0].heading.startswith("第五条 ")
    safety = build_briefing(other, "安全生产", date=DAY)
    assert "生产安全事故死亡人数下降率（以2020年为基数）" in [f.indicator for f in safety.figures]
    assert build_briefing(other, "航天产业", date=DAY).status == "absent"
    assert "<script" not in to_markdown(safety)
