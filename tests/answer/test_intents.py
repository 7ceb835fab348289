"""Answers by intent on the shipped plans: summaries, table filters, counts, sums and differences, yes/no, comparisons, refusals."""

from __future__ import annotations

import re

import pytest

from assistant.answer import comparison
from assistant.answer.analysis import intent_of
from assistant.answer.intents import counted_noun, figures


def refs(reply) -> list[str]:
    return [c.unit.id for c in reply.citations]


def test_a_summary_gives_the_sections_own_points(assistant):
    reply = assistant.ask("第三章主要讲了什么？")
    assert reply.short == "推动老工业地区创新发展共3个方面"
    assert reply.answer == (
        "“推动老工业地区创新发展”包括3个方面：第一节 推动制造业竞争优势重构[1]第二节 推动工业遗产保护利用[2]第三节 推动老工业区改造升级[3]"
    )
    # "保障措施": the section is found by its own title, "措施" only says a list is wanted
    assert refs(assistant.ask("江苏规划有哪些保障措施？")) == ["jiangsu/ch5.1", "jiangsu/ch5.2", "jiangsu/ch5.3"]
    # a clause whose paragraphs sit under it is a section too
    goals = assistant.ask("指导意见提出的发展目标包括哪几个方面？")
    assert goals.short == "发展目标共6个方面"
    assert {c.unit.doc_id for c in goals.citations} == {"coal"}


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("表1里生态环境类有哪些指标？", [10, 11, 12]),
        ("表1中2025年目标带“≥”号的有哪几项？", [4, 5, 6, 7, 8, 9]),
        ("表1中哪些指标的2025年目标值低于2020年实际值？", [4, 7, 9]),
        ("表1中哪些指标的2025年目标没有给出具体数值？", [11, 12]),
        ("表1中以“处”为单位的指标有哪些？", [6, 8]),
    ],
)
def test_a_table_question_gets_every_qualifying_row_counted(assistant, question, rows):
    reply = assistant.ask(question)
    assert refs(reply) == [f"jiangsu/table1/r{n}" for n in rows]
    assert reply.short.startswith(f"共{len(rows)}项：")


def test_counts_of_structure_of_a_heading_and_of_what_a_clause_names(assistant):
    assert assistant.ask("江苏那个规划里一共搞了几个专栏啊？").short == "共6个"
    assert assistant.ask("表1一共有多少项指标？").short.startswith("共12项：")
    assert assistant.ask("指导意见的发展原则有几条？").short == "共5条"
    assert assistant.ask("专栏1列出了几个独立工矿区？").short == "共2个"
    # the plan prints the number itself: it is quoted, not counted anew
    printed = assistant.ask("徐州经济技术开发区要治理几座废弃露采矿山？")
    assert (printed.short, "7座" in printed.answer) == ("7座", True)
    assert counted_noun("专栏5列了几个避险安置项目？") == "避险安置项目"


def test_a_summary_worded_unlike_any_title_gives_the_points_under_the_clause_it_finds(assistant):
    # no title says "进展": the best hit is the clause "（一）发展基础。…", whose paragraphs are the points
    reply = assistant.ask("指导意见回顾“十三五”时，老矿区在哪几个方面有了进展？请概括一下。")
    assert reply.short == "发展基础共7个方面"
    assert [c.unit.id for c in reply.citations] == [f"coal/1/p{n}" for n in range(1, 8)]


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("贾汪区和沛县重点采煤沉陷区一共涉及多少人？", "5.9万人 + 16.55万人 = 22.45万人。"),
        ("三个重点采煤沉陷区的沉陷面积合计多少平方公里？", "92.9平方公里 + 54.48平方公里 + 66.6平方公里 = 213.98平方公里。"),
        ("历史遗留矿山（区）环境恢复治理率要提高多少个百分点？", "60% − 25% = 35个百分点。"),
        ("常州天宁雕庄老工业区比镇江京口谏壁老工业区面积小多少平方公里？", "12.54平方公里 − 11平方公里 = 1.54平方公里。"),
    ],
)
def test_a_sum_or_difference_shows_the_figures_and_the_calculation(assistant, question, shown):
    reply = assistant.ask(question)
    assert reply.answer.startswith(shown + "依据：")
    assert reply.short == shown.split(" = ")[1].rstrip("。")
    # every figure of the calculation is in a sentence the answer quotes (each quote verbatim in its cited unit)
    quoted = reply.answer.split("依据：", 1)[1]
    assert all(c.quote in c.unit.body for c in reply.citations)
    assert all(printed in quoted for printed in re.findall(r"\d+(?:\.\d+)?万?(?:平方公里|人|%)", shown.split(" = ")[0]))


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("常州大明纱厂入选国家工业遗产名录了吗？", "是"),
        ("宿迁市是资源枯竭城市吗？", "否"),  # 宿迁市 is named, as a 再生型城市
        ("丰县属于重点采煤沉陷区吗？", "否"),  # it is a 一般采煤沉陷区
        ("指导意见提出的老矿区转型发展空间格局是“一体两翼”吗？", "否"),  # the quoted term is not the plan's
        ("江苏规划提出历史遗留矿山治理率目标是70%吗？", "否"),  # the plan says 60%
        ("表1中城镇新增就业人数的2025年目标比2020年实际高吗？", "否"),  # 200万 < 302万
        ("江苏规划的规划期是到2030年吗？", "否"),  # it is 2021至2025年
    ],
)
def test_a_yes_no_question_opens_with_yes_or_no_from_the_evidence(assistant, question, short):
    reply = assistant.ask(question)
    assert (reply.found, reply.short, reply.answer.startswith(f"{short}。")) == (True, short, True)


def test_a_question_the_documents_do_not_answer_is_refused_with_what_they_do_say(assistant):
    forest = assistant.ask("表1中森林覆盖率2025年要达到多少？")
    assert (forest.found, "（表1中没有“森林、覆盖率”）" in forest.answer) == (False, True)
    premise = assistant.ask("江苏规划为什么取消了采煤沉陷区治理？")
    assert premise.found is False
    assert premise.answer.count("文件提到的是：") == len(premise.citations) == 1  # the refusal is checkable too
    assert assistant.ask("明天徐州会下雨吗？").citations == ()  # nothing the documents say is on it


def test_follow_ups_keep_the_subject_or_ask_what_is_meant(assistant):
    alone = assistant.ask("那沛县呢？")
    assert (alone.found, alone.notice) == (False, "问题缺少所指的对象（如“那沛县呢？”“它的面积是多少？”），请补充完整后再问。")
    pronoun = assistant.ask("它的发展定位是什么？", ["徐州经开区大黄山独立工矿区面积有多大？"])
    assert pronoun.query == "徐州经开区大黄山独立工矿区的发展定位是什么？"
    first = assistant.ask("第一条具体是怎么说的？", ["指导意见的发展原则有几条？"])
    assert (refs(first), first.answer.startswith("坚持以矿工为中心。")) == (["coal/5/p1"], True)


def test_a_sum_over_a_column_and_figures_asked_for_each_thing(assistant):
    # "2025年目标" names the column: the targets are added, not the 2020 values
    assert assistant.ask("表1中工业遗产保护利用和公共服务设施2025年目标合计多少处？").short == "1810处"
    both = assistant.ask("新增避险安置户数和工业遗产保护利用的2025年目标分别是多少？")
    assert (both.short, refs(both)) == ("13000户、110处", ["jiangsu/table1/r4", "jiangsu/table1/r6"])


def test_figures_are_read_with_their_units_and_magnitudes():
    assert figures("涉及约5.9万人，沉陷面积约92.9平方公里，目标≥13000户、60%") == [
        (59000.0, "人", "5.9万人"),
        (92.9, "平方公里", "92.9平方公里"),
        (13000.0, "户", "13000户"),
        (60.0, "%", "60%"),
    ]


def test_a_bound_the_evidence_negates_contradicts_the_question_and_the_same_bound_does_not():
    from assistant.answer.intents import _contradicts_bound

    assert _contradicts_bound("用于日常养护的比例可以低于40%吗？", "其中用于日常养护的比例不低于40%。")
    assert _contradicts_bound("奖励金额能超过30万元吗？", "单个案件的奖励金额最高不超过30万元。")
    assert not _contradicts_bound("是否按每百户不少于20平方米配建？", "按照每百户不少于20平方米的标准配建。")
    assert not _contradicts_bound("比例可以低于40%吗？", "资金实行专款专用。")  # no bound said: nothing contradicted


def test_a_direction_the_evidence_gives_the_other_way_round_is_reversed():
    from assistant.answer.intents import _reverses_direction

    text = "实现发展动力由要素驱动、投资驱动向创新驱动转变。"
    assert _reverses_direction("是不是要推动发展动力由创新驱动向投资驱动转变？", text)
    assert not _reverses_direction("是不是要推动发展动力由投资驱动向创新驱动转变？", text)


def test_a_yes_no_claim_in_words_the_documents_never_use_is_not_answered_no(assistant):
    from assistant.answer.assistant import UNDECIDED

    reply = assistant.ask("要不要专门搭一个班子来抓老矿区的转型工作？")
    assert reply.found is True and reply.short == ""
    assert reply.answer.startswith(UNDECIDED) and "领导机构" in reply.answer
    assert assistant.ask("指导意见是不是要推动发展动力由创新驱动向投资驱动转变？").short == "否"


def test_a_why_question_puts_the_sentence_stating_a_reason_first():
    from assistant.answer.intents import reasons_first
    from assistant.answer.question import Candidate
    from assistant.records import Kind, Unit

    unit = Unit(id="d/1", doc_id="d", doc_title="T", kind=Kind.PARAGRAPH, label="第1段", path=(), text="x", start=0, end=1)
    plain = Candidate(unit, "老矿区转型发展取得明显成效。", 0.40, 0, 0)
    reason = Candidate(unit, "推动老矿区转型发展，既是区域协调发展的客观需要，也是高质量发展的必然要求。", 0.35, 0, 1)
    assert [c.sentence for c in reasons_first([plain, reason])] == [reason.sentence, plain.sentence]


@pytest.mark.parametrize(
    "defining",
    [
        "江苏省资源型城市为徐州市贾汪区、徐州市和宿迁市。",  # X为…
        "打造一批集城市记忆、知识传播、文化创意于一体的“生活秀带”。",  # a description ending in 的 before X
        "强调要把欠发达地区、革命老区、民族地区等特殊类型地区发展放在更加重要的位置。",  # an enumeration ending in 等
    ],
)
def test_a_definition_question_puts_the_sentence_that_says_what_its_term_is_first(defining):
    from assistant.answer.intents import definitions_first
    from assistant.answer.question import Candidate
    from assistant.records import Kind, Unit

    unit = Unit(id="d/1", doc_id="d", doc_title="T", kind=Kind.PARAGRAPH, label="第1段", path=(), text="x", start=0, end=1)
    mention = Candidate(unit, "推进资源型城市、生活秀带和特殊类型地区振兴发展取得显著成效。", 0.40, 0, 0)
    defined = Candidate(unit, defining, 0.33, 0, 1)
    terms = ["资源型城市", "生活秀带", "特殊类型地区"]
    assert definitions_first([mention, defined], terms)[0].sentence == defining


def test_a_table_query_reads_units_named_in_words_and_terms_it_negates(assistant):
    # "以百分比计" asks for the rows given in %, and no 百分比 is a word the rows must contain
    percent = assistant.ask("表1中以百分比计的指标有哪些，2025年各要达到多少？")
    assert percent.short.startswith("共3项：") and all("%" in c.quote for c in percent.citations)
    # "不是五年累计数的" keeps the rows that do not say it (the table marks it with *)
    not_cumulative = assistant.ask("表1中不是五年累计数的指标有哪些？")
    assert not_cumulative.found and not any("五年累计数" in c.unit.sentence for c in not_cumulative.citations)
    # 百分比's 比 compares nothing: this is no difference question
    assert intent_of("表1中以百分比计的指标有哪些，2025年各要达到多少？", False) == "table"


def test_a_sum_whose_calculation_is_not_found_gives_no_short_answer(assistant):
    reply = assistant.ask("表1里所有指标的2020年实际值加起来一共是多少？")  # figures of different units: no sum
    assert reply.short == ""


@pytest.mark.parametrize(
    ("question", "short", "quoted"),
    [
        ("三个重点采煤沉陷区里哪个沉陷面积最大？", "92.9平方公里", "贾汪区重点采煤沉陷区"),
        ("四个老工业城市的老工业区，哪个面积最小？", "11平方公里", "天宁雕庄老工业区"),
    ],
)
def test_a_superlative_compares_the_figures_of_the_sibling_items(assistant, question, short, quoted):
    reply = assistant.ask(question)
    assert reply.short == short and quoted in reply.answer and len(reply.citations) == 1
    assert intent_of("单个案件的奖励金额最高是多少？", False) != "superlative"  # a cap is a figure, not a comparison


@pytest.mark.parametrize(
    "question",
    ["南京、徐州、苏州、镇江这几个城市里，哪个不是江苏的老工业城市？", "以下哪个不是江苏的老工业城市：南京、徐州、苏州、镇江？"],
)
def test_which_option_is_not_on_the_list_answers_with_the_list(assistant, question):
    reply = assistant.ask(question)
    assert (reply.found, reply.short) == (True, "苏州")
    assert reply.answer.startswith("“苏州”不在文件所列之中；") and "南京市、徐州市、常州市、镇江市" in reply.answer


def test_a_chapter_and_section_pointer_summarises_that_section(assistant):
    reply = assistant.ask("江苏规划第四章第二节主要讲了什么？")
    assert reply.short == "加快培育接续替代产业共2个方面"


def test_a_list_asked_of_a_place_is_not_answered_by_a_section_that_never_names_it(assistant):
    # the section on 接续替代产业 matches the words, but its points are not 泉山区九里's industries
    reply = assistant.ask("泉山区九里呢？", ["贾汪区接续替代产业重点发展哪些？"])
    assert "智能制造、新能源新材料和节能环保三大产业" in reply.answer and "个方面" not in reply.short
    # a place that only names the document ("江苏规划") keeps the section's summary
    assert assistant.ask("江苏规划有哪些保障措施？").short.endswith("共3个方面")


def test_which_document_said_it_names_the_document_first(assistant):
    reply = assistant.ask("城镇新增就业不少于二百万人，这是哪份文件提的？")
    assert reply.short == "《江苏省“十四五”老工业地区和资源型地区振兴发展规划》"
    assert reply.answer.startswith(reply.short + "。原文：") and "200万人" in reply.answer
    assert assistant.ask("“腾笼换鸟”是哪个文件里的说法？").short == "《煤炭行业“十四五”老矿区转型发展指导意见》"


def test_rows_whose_target_is_below_their_baseline_in_either_word_order(assistant):
    expected = "共3项：新增避险安置户数、城镇新增就业人数、修复和新建各类道路里程"
    assert assistant.ask("表1里有哪些指标的2025年目标值比2020年实际值还低？").short == expected
    assert assistant.ask("表1中哪些指标2020年实际比2025年目标高？").short == expected


def test_a_comparison_of_two_facets_quotes_each_document_on_each(assistant):
    # the 江苏 plan says nothing of 人才 but speaks of 就业: it is not silent
    reply = assistant.ask("两份文件在人才和就业方面分别提出了什么？")
    assert reply.short == "两份文件都有涉及"
    assert "领军人才" in reply.answer and {c.unit.doc_id for c in reply.citations} == {"coal", "jiangsu"}
    assert comparison.topic_facets("青川和岚山的老旧小区改造标准一样吗？") == []  # a 和 between sides is no facet
    assert comparison.topic_facets("两份文件在人才和就业方面分别提出了什么？") == ["人才", "就业"]


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("江苏规划一共有几章？", "共5章"),
        ("江苏规划第三章有几节？", "共3节"),  # only the sections of the chapter pointed at
        ("指导意见分为几个部分？", "共4个部分"),  # a document headed 一、二、… has parts, not chapters
        ("指导意见第四部分讲的是什么？", "保障措施共4个方面"),  # 第四部分 is the part headed 四、
    ],
)
def test_the_documents_own_structure_is_counted_and_pointed_at(assistant, question, short):
    assert assistant.ask(question).short == short


def test_a_summary_section_is_found_by_its_topic_not_the_asking_words(assistant):
    # 哪些 is no topic: 目标 finds "第三节 发展目标", whose paragraphs are the points
    reply = assistant.ask("江苏规划的主要目标有哪些方面？")
    assert reply.short == "发展目标共5个方面" and "接续替代产业" in reply.answer
    # 包括 asks too: "主要包括哪几个方面" finds the same section, not the box whose sentences say 主要包括
    assert assistant.ask("江苏规划的发展目标主要包括哪几个方面？").short == "发展目标共5个方面"


def test_bare_keywords_quote_the_clause_on_them(assistant):
    # no asking word: what the clause that speaks of the keywords says, in its order
    reply = assistant.ask("人才支撑 老矿区")
    assert reply.answer.startswith("（十八）强化人才支撑。") and "股票期权" in reply.answer
    assert len({c.unit.id for c in reply.citations}) == 1


def test_a_count_the_text_states_is_quoted_with_its_own_measure_word(assistant):
    # "有4市为老工业城市": 市, the noun's own last character, is the measure word of the stated count
    reply = assistant.ask("江苏有几个老工业城市？")
    assert reply.short == "4市" and "南京市、徐州市、常州市、镇江市" in reply.answer
