"""Cited extractive answers, refusals and follow-ups on the real corpus."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from assistant.errors import CorpusError

EVAL = Path(__file__).resolve().parents[2] / "eval"
GOLD = EVAL / "gold.jsonl"
GOLD_FILES = (GOLD, EVAL / "heldout.jsonl", EVAL / "styles.jsonl")
SILENT = "：未涉及该内容。"


def test_a_numeric_answer_quotes_the_sentence_with_its_figure(assistant):
    reply = assistant.ask("江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？")
    assert reply.found is True
    assert reply.answer == (
        "按照国家采煤沉陷区综合治理相关规划要求，完成已有采煤沉陷区治理面积42784亩（其中重点采煤沉陷区治理面积17788亩）"
        "等我省“十四五”采煤沉陷区综合治理目标任务。[1]"
    )
    (citation,) = reply.citations
    assert (citation.ref, citation.unit.id, citation.unit.label) == (1, "jiangsu/ch4.1/p1", "第四章第一节 加强采煤沉陷区综合治理")
    assert citation.quote in citation.unit.body


def test_a_list_question_naming_a_heading_lists_its_clauses(assistant):
    reply = assistant.ask("老矿区转型发展的发展原则有哪些？")
    # each item whole: "坚持以矿工为中心。" alone would be a bare heading
    leads = ["坚持以矿工为中心。", "坚持改革创新。", "坚持统筹谋划。", "坚持绿色低碳发展。", "坚持数字赋能转型。"]
    items = [item for item in re.split(r"(?<=\])", reply.answer) if item]
    assert [item[: len(lead)] for item, lead in zip(items, leads, strict=True)] == leads
    # a lead and the sentence after it, verbatim
    assert all(c.quote.startswith(lead) and len(c.quote) > len(lead) for c, lead in zip(reply.citations, leads, strict=True))
    assert [c.unit.id for c in reply.citations] == [f"coal/5/p{n}" for n in range(1, 6)]


def test_a_table_question_reads_the_row_as_a_sentence(assistant):
    reply = assistant.ask("表1中历史遗留矿山（区）环境恢复治理率2020年实际和2025年目标是多少？")
    assert reply.citations[0].unit.id == "jiangsu/table1/r10"
    assert "2020年实际 25%，2025年目标 60%" in reply.answer


def test_a_follow_up_is_resolved_and_shows_what_was_searched(assistant):
    reply = assistant.ask("那沛县呢？", history=["贾汪区重点采煤沉陷区沉陷面积是多少？"])
    assert reply.query == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert reply.answer == "沛县重点采煤沉陷区沉陷面积约54.48平方公里，涉及16.55万人。[1]"
    assert reply.citations[0].unit.id == "jiangsu/box1/7"


def test_a_cross_document_question_answers_for_each_document_and_says_when_one_is_silent(assistant):
    reply = assistant.ask("两份文件在人才方面分别怎么说？")
    coal, jiangsu = reply.answer.split("\n")
    # the Jiangsu plan never uses the word 人才: it is silent, not padded with a sentence on 人口
    assert {c.unit.doc_id for c in reply.citations} == {"coal"}
    assert (reply.citations[0].unit.id, coal.startswith("《老矿区转型指导意见》：")) == ("coal/18", True)
    assert (jiangsu, reply.short) == ("《江苏老工业和资源型地区规划》：未涉及该内容。", "仅《老矿区转型指导意见》涉及")
    both = assistant.ask("两份文件在工业遗产方面分别怎么说？")
    assert {c.unit.doc_id for c in both.citations} == {"jiangsu"}


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("苏州市老工业区的面积是多少？", "文件没有涉及“苏州市”"),
        ("到2035年江苏老工业地区高新技术产业产值比重要达到多少？", "文件没有涉及2035年"),
        ("南京地铁2号线延长线什么时候建成？", "文件没有涉及“2号线”"),
        ("常州天宁雕庄老工业区涉及多少人口？", "文件中没有给出所问的数字"),
        ("明天徐州的天气怎么样？", "检索到的条款与问题不相符"),
        ("明天徐州会下雨吗？", "文件没有涉及“明天、下雨”"),
        ("江苏规划为什么取消了采煤沉陷区治理？", "文件没有提到“取消”，问题的前提与文件不符"),
        # a listing taken for granted that no sentence makes (贾汪区 is the one 资源枯竭城市)
        ("为什么江苏规划把常州列为资源枯竭城市？", "文件没有把“常州”列为“资源枯竭城市”，问题的前提与文件不符"),
        ("表1中历史遗留矿山（区）环境恢复治理率2030年的目标是多少？", "文件没有涉及2030年"),
        # a figure asked of something no retrieved unit names (目标 only frames it)
        ("徐州的调控目标是多少？", "文件没有给出关于“调控”的内容"),
        # everyday matters the documents never mention, asked with their words
        ("徐州的房价调控目标是多少？", "文件没有涉及“房价”"),
        ("徐州下周天气怎么样，会不会影响采煤沉陷区治理工程施工？", "文件没有涉及“天气”"),
    ],
)
def test_questions_the_documents_do_not_answer_are_refused_helpfully(assistant, question, reason):
    reply = assistant.ask(question)
    assert reply.found is False
    # at most one citation: what the documents do say on it, quoted so the refusal can be checked
    assert len(reply.citations) == reply.answer.count("文件提到的是：") <= 1
    assert f"（{reason}）" in reply.answer
    assert reply.related
    assert reply.answer.endswith("。")


@pytest.mark.parametrize(
    "question",
    [
        "老矿区新兴产业增加值占老矿区生产总值的比重要达到多少？",  # 重要 is no noun: the phrase ends at it
        "潘安湖湿地的面积有多大？",  # 面积 is generic: the quantity rule judges it
        "它们的面积分别是多少？",  # a pronoun is not what a figure is asked of
    ],
)
def test_a_figure_asked_of_what_the_evidence_names_is_not_refused(assistant, question):
    history = ["江苏有哪几个独立工矿区？"] if question.startswith("它们") else []
    assert assistant.ask(question, history).found is True


@pytest.mark.parametrize("question", ["", "   ", "？？！", None])
def test_empty_questions_get_a_prompt_not_an_error(assistant, question):
    reply = assistant.ask(question)
    assert (reply.found, reply.citations) == (False, ())
    assert reply.answer.startswith("请输入一个问题")


def test_a_huge_question_is_answered_in_bounded_time(assistant):
    started = time.perf_counter()
    reply = assistant.ask("采煤沉陷区" * 4000)
    assert len(reply.question) == 500
    assert time.perf_counter() - started < 10


def test_the_document_filter_is_honoured(assistant):
    reply = assistant.ask("采煤沉陷区综合治理有什么要求？", doc="coal")
    assert {c.unit.doc_id for c in reply.citations} <= {"coal"}
    with pytest.raises(CorpusError):
        assistant.ask("采煤沉陷区", doc="nope")


def gold_items() -> list:
    """Every question of the shipped gold and held-out sets, as pytest params named by their ids."""
    items = [json.loads(line) for path in GOLD_FILES for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(item, id=f"{item['id']}") for item in items]


@pytest.mark.parametrize("item", gold_items())
def test_every_gold_answer_quotes_verbatim_and_every_marker_points_at_a_citation(assistant, item):
    reply = assistant.ask(item["question"], item["history"])
    refs = [c.ref for c in reply.citations]
    assert refs == list(range(1, len(refs) + 1))
    assert len({c.unit.id for c in reply.citations}) == len(refs)
    assert [c.ref for c in reply.citations if not (c.quote and c.quote in c.unit.body)] == []
    assert {int(m) for m in re.findall(r"\[(\d+)\]", reply.answer)} == set(refs)
    # every statement of an answer ends with its marker (a refusal has no statements), but for the line
    # of a comparison that says a document is silent: there is nothing to cite for silence
    statements = [s.strip() for s in re.split(r"(?<=\])", reply.answer.strip()) if s.strip()] if reply.found else []
    statements = [line for s in statements for line in s.split("\n") if not line.endswith(SILENT)]
    assert [s for s in statements if not re.search(r"\[\d+\]$", s)] == []


@pytest.mark.parametrize(
    ("question", "where"),
    [("指导意见哪一条讲人才？", "强化人才支撑"), ("规划里讲工业遗产保护的是哪一部分？", "推动工业遗产保护利用")],
)
def test_a_locate_question_names_the_section_in_words_with_its_sentence(assistant, question, where):
    reply = assistant.ask(question)
    assert reply.found and where in reply.short
    first = reply.answer.splitlines()[0]
    assert first.startswith("《") and where in first.split("：")[0] and first.endswith("[1]")
    assert reply.citations[0].quote in reply.citations[0].unit.body


def test_a_how_question_quotes_the_measures_of_its_clause_in_order(assistant):
    reply = assistant.ask("怎样拓宽老矿区转型的融资渠道？")
    (citation,) = reply.citations
    quoted = re.findall(r"([^\]]+)\[1\]", reply.answer)
    assert len(quoted) >= 2 and all(q in citation.unit.body for q in quoted)
    assert [citation.unit.body.index(q) for q in quoted] == sorted(citation.unit.body.index(q) for q in quoted)


def test_two_questions_in_one_are_answered_in_turn_with_one_numbering(assistant):
    reply = assistant.ask("2025年高新技术产业产值比重的目标是多少？研发经费支出占比的目标呢？")
    assert reply.found and reply.short == "50.5%；3.3%"
    assert [c.ref for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)} == {c.ref for c in reply.citations}
    # a part the documents do not answer says so in its place; the rest is still answered
    mixed = assistant.ask("贾汪区避险搬迁安置项目共多少户？明天徐州会下雨吗？")
    assert mixed.found and "1363户" in mixed.answer and "下雨" not in mixed.answer
    assert mixed.notice.startswith("文件没有回答“明天徐州会下雨吗？”（")


def test_a_count_of_a_measure_word_the_evidence_never_gives_is_refused(assistant):
    assert not assistant.ask("指导意见规定老矿区每年要关闭多少座煤矿？").found
    assert assistant.ask("徐州开发区有多少座废弃露采矿山要治理？").short == "7座"


@pytest.mark.parametrize(
    ("question", "short"),
    [
        # 占比 holds a 比 that compares nothing; the part that is a year takes its own year's figure
        ("高新技术产业产值占比2025年目标比2020年提高几个百分点？", "5.3个百分点"),
        # 涉及 holds a 及 that joins nothing; "涉及的人数" is what is asked of the first part, not its name
        ("贾汪区重点采煤沉陷区涉及的人数比铜山区多多少？", "1.22万人"),
        ("铜山区和贾汪区重点采煤沉陷区的面积一共多少平方公里？", "159.5平方公里"),
    ],
)
def test_a_sum_or_difference_takes_each_part_s_figure_in_the_asked_unit(assistant, question, short):
    reply = assistant.ask(question)
    assert reply.short == short
    assert "=" in reply.answer and reply.citations


@pytest.mark.parametrize(
    ("question", "short"),
    [
        # the years name the columns of one row: each year's own figure, never the first one twice
        ("研发经费支出占地区生产总值比重从2020年到2025年提高多少个百分点？", "0.5个百分点"),
        # "A比B": the 和 inside a side's name joins nothing; 目标 and 实际 name the row's two columns
        ("修复和新建各类道路里程的目标比实际少多少公里？", "160公里"),
        ("表1中工业遗产保护利用的目标值与现状值之差是多少？", "25处"),
        # a figure the question states is where it starts from, not what it asks
        ("城镇保障型住房建设量要从18万套增加到多少？", "30万套"),
    ],
)
def test_a_difference_reads_each_side_from_its_own_column(assistant, question, short):
    assert assistant.ask(question).short == short


def test_a_difference_never_subtracts_figures_of_another_unit_than_the_one_asked(assistant):
    reply = assistant.ask("贾汪区避险安置涉及的人数比沛县多多少？")  # the texts give 户, not 人, for these projects
    assert "户" not in reply.short


def test_members_asked_of_a_thing_come_from_the_sentence_that_says_what_it_includes(assistant):
    reply = assistant.ask("江苏的独立工矿区有哪些？")  # 专栏1: 独立工矿区包括…九里…、…大黄山…
    assert reply.found is True
    assert "九里独立工矿区" in reply.answer and "大黄山独立工矿区" in reply.answer


def test_two_questions_in_one_sentence_are_answered_each(assistant):
    from assistant.answer.assistant import question_parts

    assert question_parts("泉山区采煤沉陷区沉陷面积是多少，涉及多少人？") == ["泉山区采煤沉陷区沉陷面积是多少？", "涉及多少人？"]
    # the second half names no subject: it takes the first half's
    assert question_parts("“十三五”末全省历史遗留矿山（区）环境恢复治理率是多少，到2025年要达到多少？")[1] == (
        "全省历史遗留矿山（区）环境恢复治理率到2025年要达到多少？"
    )
    assert question_parts("是否支持贾汪区，还是支持沛县？") == ["是否支持贾汪区，还是支持沛县？"]  # one choice, not two questions
    # pasted context before a colon: the questions after it
    long = (
        "我们是一个区的发改局，正在准备规划中期评估材料，材料下周一要交到市里，里面有一段写的是生态修复的进展和下一步打算，"
        "领导让我核对一下省里规划对历史遗留矿山治理的要求，请帮忙看看：“十三五”末全省历史遗留矿山（区）环境恢复治理率是多少，到2025年要达到多少？"
    )
    assert len(long) > 120 and len(question_parts(long)) == 2
    reply = assistant.ask(long)
    assert reply.found and "25%" in reply.answer


def test_the_figure_of_the_place_asked_is_the_short_answer(assistant):
    # one sentence gives every place's figure: the short answer is 沛县's, not the first
    assert assistant.ask("沛县的避险安置项目有多少户？").short == "1946户"


def test_a_word_the_documents_use_in_a_longer_form_is_not_off_their_subject(assistant):
    # 重点项目 ~ 重点工程项目: not "文件没有涉及" (a word with none of its pairs still is: 下雨)
    assert assistant.ask("江苏规划里徐州有哪些重点项目？").found
    assert not assistant.ask("明天徐州会下雨吗？").found


def test_a_month_or_a_score_the_documents_never_give_is_not_answered_with_the_things_other_figures(assistant):
    # the project's household count is given, its completion month is not
    reply = assistant.ask("贾汪区避险搬迁安置项目计划在几月份完工？")
    assert not reply.found and "没有给出所问的时间" in reply.answer
    assert "1363户" in reply.answer  # what the documents do say, cited
    assert assistant.ask("江苏规划的规划期是哪几年？").found
    # a year asked ("哪一年开始治理") of a sentence that gives none; "到哪一年" asks the plan's end, which it gives
    assert "没有给出所问的时间" in assistant.ask("潘安湖湿地是哪一年开始治理的？").answer
    # a listing the documents make is no false premise; a question asking the listing takes none for granted
    assert assistant.ask("贾汪区为什么被列为资源枯竭城市？").found and assistant.ask("江苏省有哪些城市被列为老工业城市？").found
    assert assistant.ask("江苏规划到哪一年？").found


def test_pasted_context_then_two_questions_answers_both_with_each_sentence_once(assistant):
    # the second half ("到2025年要达到多少") takes the subject of the question after the colon, not the context
    text = (
        "我们在准备规划中期评估材料，领导让我核对一下省里规划的要求：“十三五”末全省历史遗留矿山（区）环境恢复治理率是多少，"
        "到2025年要达到多少？"
    )
    reply = assistant.ask(text)
    assert reply.short == "25%；60%"
    quoted = [c.quote for c in reply.citations]
    assert len(quoted) == len(set(quoted)) and reply.answer.count("累计实施废弃露采矿山治理87处") == 1


def test_a_sum_never_adds_one_indicator_s_baseline_and_target(assistant):
    # the table row (2020年实际 35471户，2025年目标 ≥13000户) is one indicator; the box lists five places' figures
    reply = assistant.ask("专栏5里所有地区的避险安置户数加起来是多少？")
    assert reply.short == "10010户" and reply.answer.startswith("1363户 + 1946户 + 1893户 + 2726户 + 2082户 = 10010户")


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("贾汪区面积是612平方公里，对不对？", "是"),  # a statement to verify: 对不对, 对吧
        ("贾汪区被列为再生型城市，对吧？", "否"),
        ("江苏有5个老工业城市，对吗？", "否"),  # "有4市为老工业城市"
        ("江苏有4个老工业城市，对吗？", "是"),
    ],
)
def test_a_statement_to_verify_gets_its_verdict(assistant, claim, verdict):
    assert assistant.ask(claim).short == verdict
