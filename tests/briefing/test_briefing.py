"""Briefings on the real corpus: selection by coverage, words as words, passing mentions, comparison, indicators, handout text."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from assistant.briefing import build_briefing, to_markdown
from assistant.briefing.briefing import lead_in, short_ref
from assistant.briefing.scoring import read_topics, score, summary
from assistant.briefing.selection import Selector
from assistant.briefing.terms import TopicTerms, load_thesaurus
from assistant.errors import AssistantError, CorpusError

DAY = datetime.date(2025, 1, 1)
COAL = "煤炭行业“十四五”老矿区转型发展指导意见"
JIANGSU = "江苏省“十四五”老工业地区和资源型地区振兴发展规划"
TOPICS = Path(__file__).resolve().parents[2] / "eval" / "briefings.jsonl"  # the trainer gold file


@pytest.fixture(scope="module")
def briefings(assistant):
    topics = ["采煤沉陷区综合治理", "人才支撑", "工业遗产", "避险安置", "资金", "新农村建设", "安全生产"]
    return {topic: build_briefing(assistant, topic, date=DAY) for topic in topics}


def _ids(points) -> list[str]:
    return [p.unit.id for p in points]


def test_the_topics_own_clause_comes_first_and_whole(briefings):
    (section,) = briefings["采煤沉陷区综合治理"].sections
    first, box = section.groups[:2]
    assert (first.heading, first.role, _ids(first.points)) == ("第四章第一节 加强采煤沉陷区综合治理", "home", ["jiangsu/ch4.1/p1"])
    assert first.points[0].quote == first.points[0].unit.body.strip()  # whole, with the 贾汪/沛县/铜山 strategies
    assert "沛县等人口密集型沉陷区" in first.points[0].quote and "铜山区采煤沉陷区" in first.points[0].quote
    assert (box.heading, _ids(box.points)) == ("专栏4 资源型地区生态建设重点工程", ["jiangsu/box4/1"])
    assert [g.role for g in section.groups] == ["home", "home", "related", "background"]
    assert "jiangsu/ch5.2/p4" in _ids(section.groups[2].points)  # 占补平衡: another clause that adds something


def test_a_section_whose_heading_is_the_topic_is_taken_whole_with_its_box(briefings):
    (section,) = briefings["工业遗产"].sections
    home = section.groups[0]
    assert home.heading == "第三章第二节 推动工业遗产保护利用"
    assert _ids(home.points) == [f"jiangsu/ch3.2/p{i}" for i in range(1, 5)] + [f"jiangsu/box2/{i}" for i in range(1, 5)]


def test_background_sections_are_only_under_the_background_heading(briefings):
    for briefing in briefings.values():
        for section in briefing.sections:
            for group in section.groups:
                in_background = [
                    any(w in "".join(p.unit.path) + p.unit.label for w in ("发展基础", "存在的问题", "发展背景")) for p in group.points
                ]
                assert all(in_background) if group.role == "background" else not any(in_background), group.heading
                assert (group.heading == "背景") == (group.role == "background")


def test_a_length_budget_lists_what_it_left_out(assistant, briefings):
    section = briefings["采煤沉陷区综合治理"].sections[0]
    assert len(section.more) == 13
    markdown = to_markdown(briefings["采煤沉陷区综合治理"])
    assert "另有13条相关内容：[" in markdown
    units = [u for u in assistant.index.units if u.doc_id == "jiangsu"]
    tight = Selector(TopicTerms("采煤沉陷区综合治理", assistant.index.tokenizer), assistant.index.tokenizer, budget=100).select(units)
    assert (len(tight.related), _ids(tight.home)) == (2, ["jiangsu/ch4.1/p1", "jiangsu/box4/1"])  # the topic's own place is never cut
    wide = Selector(TopicTerms("采煤沉陷区综合治理", assistant.index.tokenizer), assistant.index.tokenizer).select(units)

    def places(selection):
        return {p.unit.id for p in (*selection.home, *selection.related, *selection.background, *selection.more)}

    assert places(tight) == places(wide) and len(tight.more) > len(wide.more)  # nothing lost: more is listed


def test_topic_words_match_as_words_not_characters(assistant):
    tokenizer = assistant.index.tokenizer
    safety = TopicTerms("安全生产", tokenizer)
    assert [
        safety.matches(s)
        for s in ("提高职业安全健康水平", "把矿工的安全感放在首位", "充分发挥老矿区的区域能源安全保障作用", "开展安全生产大检查")
    ] == [
        False,
        False,
        False,
        True,
    ]
    talent = TopicTerms("人才支撑", tokenizer)
    assert talent.terms[0][0] == "人才"
    assert [talent.matches(s, heading=True) for s in ("（十八）强化人才支撑", "积极引进创业投资基金")] == [True, False]
    subsidence = TopicTerms("采煤沉陷区综合治理", tokenizer)
    assert [
        subsidence.matches(s) for s in ("贾汪区重点采煤沉陷区沉陷面积约92.9平方公里", "对采煤沉陷区开发整理成耕地", "综合治理模式")
    ] == [True, True, False]


def test_the_thesaurus_widens_a_topic_so_synonyms_give_one_briefing(assistant, briefings):
    assert load_thesaurus().widen("资金")[:1] == ("资金",) and "金融" in load_thesaurus().widen("资金")
    sources = {topic: [u.id for u in build_briefing(assistant, topic, date=DAY).sources] for topic in ("金融", "融资", "融资支持")}
    assert all(ids == [u.id for u in briefings["资金"].sources] for ids in sources.values())
    assert [g.heading for s in briefings["资金"].sections for g in s.groups if g.role == "home"] == [
        "（十七）拓展融资渠道",
        "第五章第二节 强化政策资金支持",
    ]


def test_a_topic_touched_in_passing_lists_its_places_instead_of_a_briefing(briefings):
    briefing = briefings["新农村建设"]
    assert (briefing.status, briefing.covered, briefing.sections, _ids(briefing.mentions)) == ("passing", False, (), ["jiangsu/ch4.1/p1"])
    markdown = to_markdown(briefing)
    assert "## 仅零星提及\n\n" in markdown and "没有专门论述“新农村建设”的条款，仅零星提及（1处）" in markdown
    assert "\n## 出处\n\n1\\. 《" + JIANGSU + "》第四章第一节 加强采煤沉陷区综合治理（" in markdown


def test_a_topic_the_plans_do_not_cover_is_not_padded_from_other_words(briefings):
    briefing = briefings["安全生产"]
    assert (briefing.status, briefing.points, briefing.sources) == ("absent", (), ())
    assert "安全感" not in to_markdown(briefing) and "能源安全" not in to_markdown(briefing)


def test_the_comparison_states_one_sided_coverage_and_is_left_out_for_one_document(assistant, briefings):
    assert briefings["人才支撑"].contrast == (
        "只有《老矿区转型指导意见》涉及该主题，《江苏老工业和资源型地区规划》未涉及。",
        "《老矿区转型指导意见》设专门条款：（十八）强化人才支撑（共7处相关内容）。",
    )
    assert briefings["资金"].contrast == (
        "《老矿区转型指导意见》设专门条款：（十七）拓展融资渠道（共2处相关内容）。",
        "《江苏老工业和资源型地区规划》设专门条款：第五章第二节 强化政策资金支持（共6处相关内容）。",
    )
    assert "## 两份文件对比\n\n- 只有《老矿区转型指导意见》涉及该主题" in to_markdown(briefings["人才支撑"])
    assert build_briefing(assistant, "人才支撑", doc="coal", date=DAY).contrast == ()
    assert "对比" not in to_markdown(build_briefing(assistant, "人才支撑", doc="coal", date=DAY))


def test_indicator_rows_match_on_their_name_as_words_with_their_values(briefings):
    (heritage,) = briefings["工业遗产"].figures
    assert (heritage.citation.unit.id, heritage.indicator, heritage.actual, heritage.target) == (
        "jiangsu/table1/r6",
        "工业遗产保护利用（五年累计数）",
        "85处",
        "≥110处",
    )
    (resettlement,) = briefings["避险安置"].figures
    assert (resettlement.citation.unit.id, resettlement.actual, resettlement.target) == ("jiangsu/table1/r4", "35471户", "≥13000户")
    assert [f.citation.unit.id for f in briefings["采煤沉陷区综合治理"].figures] == ["jiangsu/table1/r11"]
    assert briefings["人才支撑"].figures == ()
    markdown = to_markdown(briefings["工业遗产"])
    assert "| 工业遗产保护利用（五年累计数） | 85处 | ≥110处 | [15] 表1 第6项 |\n" in markdown


def test_a_handout_cites_short_places_and_gives_quotes_their_lead_in(briefings):
    briefing = briefings["采煤沉陷区综合治理"]
    markdown = to_markdown(briefing)
    assert "　[1] 第四章第一节\n" in markdown
    assert "第8段" not in markdown and "jiangsu/" not in markdown
    listed = next(p for p in briefing.points if "四是生态修复" in p.quote)
    assert (short_ref(listed.unit), lead_in(listed)) == ("第一章第一节", "全省老工业地区和资源型地区发展仍存在不平衡不充分的问题")
    assert listed.quote.startswith("三是民生改善任务依然较重") and listed.quote.endswith("治理难度和成本投入增大。")  # neighbours joined
    assert "> 【全省老工业地区和资源型地区发展仍存在不平衡不充分的问题】三是民生改善任务依然较重" in markdown
    assert short_ref(briefings["人才支撑"].sources[0]) == "（十八）强化人才支撑"


@pytest.mark.parametrize("topic", ["采煤沉陷区综合治理", "人才支撑", "工业遗产", "避险安置", "资金"])
def test_every_quote_is_verbatim_in_its_cited_unit_and_numbered_as_a_source(briefings, topic):
    briefing = briefings[topic]
    assert briefing.covered is True
    for citation in briefing.citations:
        assert citation.quote and citation.quote in citation.unit.body
        assert briefing.sources[citation.ref - 1].id == citation.unit.id
    assert sorted({c.ref for c in briefing.citations}) == list(range(1, len(briefing.sources) + 1))


def test_a_document_filter_and_bad_input(assistant):
    briefing = build_briefing(assistant, "避险安置", doc="coal", date=DAY)
    assert (briefing.covered, briefing.scope) == (False, f"《{COAL}》")
    with pytest.raises(CorpusError):
        build_briefing(assistant, "融资支持", doc="nope")
    with pytest.raises(AssistantError):
        build_briefing(assistant, " ？ ")


def test_the_tune_topics_are_complete(assistant):
    scores = [score(build_briefing(assistant, item["topic"], date=DAY), item) for item in read_topics(TOPICS, "tune")]
    assert summary(scores) == {"topics": 11, "complete": 11, "status_right": 11, "coverage": 1.0, "off_topic": 0.0}
