"""Question analysis: intents from Chinese question patterns, focus and constraints — on questions about no plan in particular."""

from __future__ import annotations

import pytest

from assistant.answer.analysis import analyse, focus_of, intent_of

# One question per intent, none of them about the shipped plans: the patterns are Chinese, not these documents'.
INTENTS = [
    ("某省“十四五”期间要新建多少公里农村公路？", "number"),
    ("方案一共有几项重点任务？", "count"),
    ("城区和郊县一共要改造多少户？", "sum"),
    ("普及率要提高多少个百分点？", "difference"),
    ("甲县比乙县多多少公顷？", "difference"),
    ("该办法是否适用于农村地区？", "yesno"),
    ("养老补贴是按月发放吗？", "yesno"),
    ("养老补贴按月发放，对不对？", "yesno"),
    ("第二章主要讲了什么？", "summary"),
    ("实施方案的主要目标有哪些方面？", "summary"),
    ("去年取得了哪些成绩？帮我梳理几个要点。", "summary"),  # points asked for, not how many
    ("概括一下，方案一共有几项重点任务？", "count"),  # a count asked after the word, not the points
    ("表2中哪些指标是约束性的？", "table"),
    ("补助对象包括哪些人？", "list"),
    ("条例从什么时候开始施行？", "time"),
    ("示范区位于哪里？", "place"),
    ("为什么要开展清洁取暖改造？", "reason"),
    ("如何申请创业担保贷款？", "method"),
    ("这项工作由哪个部门牵头？", "fact"),
    ("补助标准是什么？", "fact"),
]


@pytest.mark.parametrize(("question", "intent"), INTENTS, ids=[intent for _, intent in INTENTS])
def test_the_intent_comes_from_the_question_words(question, intent):
    assert intent_of(question, cross=False) == intent


def test_a_question_about_several_documents_is_a_comparison_and_what_is_not_a_question_word_stays(index):
    assert intent_of("两份文件对补贴标准分别怎么规定？", cross=True) == "comparison"
    assert intent_of("它的发展定位是什么？", cross=False) == "fact"  # 什么 ends in 么 but asks no yes/no
    assert intent_of("这些措施中哪几个方面最重要？", cross=False) == "summary"
    assert focus_of("请问某市规划里提出的新建公路里程是多少？", index.tokenizer, ("某市规划",)) == "新建公路里程"


def test_constraints_are_read_from_the_question(steered, index):
    text = "“十四五”期间表1中江苏2030年以上60%的指标有哪些？为什么取消了？"
    question = analyse(text, text, steered, index.tokenizer.places(text))
    assert (question.years, question.periods, question.pointers, question.reversal) == (("2030",), ("十四五",), ("表1",), "取消")
    assert question.docs == ("jiangsu",)  # named by its alias: a constraint the answer must meet
    assert question.numbers == ("60%",)  # figures it states (not the table's number, not the year)
    assert analyse(text, text, steered, [], doc="coal").docs == ("coal",)  # the filter wins


def test_several_questions_in_a_row_are_split_and_one_question_is_not():
    from assistant.answer.assistant import question_parts

    assert question_parts("A区面积多大？涉及多少人？") == ["A区面积多大？", "涉及多少人？"]
    assert question_parts("规划期是哪几年？") == ["规划期是哪几年？"]
    assert question_parts("真的吗？好？") == ["真的吗？好？"]  # "好？" asks nothing of its own


def test_a_conjunction_before_a_unit_of_government_and_a_verb_are_no_places(index):
    # jieba tags 和县 and 新建 as places; in "市和县按比例分担", "新建改建道路" they are not
    assert index.tokenizer.places("资金由市和县按比例分担，新建改建道路1400公里") == []
    assert index.tokenizer.places("贾汪区和沛县") == ["贾汪区", "沛县"]
