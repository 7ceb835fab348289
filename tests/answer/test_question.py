"""Question: the one sentence splitter, and how a question is cleaned before it is read."""

from __future__ import annotations

from assistant.answer.question import MAX_QUESTION, answer_shape, clean_question, sentences, split_sentences, unmarked


def test_a_body_splits_at_stops_and_a_short_lead_stays_with_the_next_sentence():
    body = "坚持改革创新。深化体制机制改革；激发市场活力！推进什么？最后一句"
    assert split_sentences(body) == ["坚持改革创新。", "深化体制机制改革；", "激发市场活力！", "推进什么？", "最后一句"]
    assert sentences(body) == ["坚持改革创新。深化体制机制改革；", "激发市场活力！", "推进什么？", "最后一句"]
    assert sentences("这是一个足够长的首句，所以它不是一句引导语。第二句。") == ["这是一个足够长的首句，所以它不是一句引导语。", "第二句。"]


def test_a_generated_answer_splits_at_line_breaks_and_keeps_runs_of_stops_together():
    text = "第一句。[1]\n- 第二项[2]\n第三句！？"
    assert split_sentences(text, stops="。！？", line_breaks=True) == ["第一句。", "[1]", "- 第二项[2]", "第三句！？"]
    assert split_sentences("。。开头是标点", stops="。") == ["。。", "开头是标点"]
    assert split_sentences("") == []


def test_a_question_is_cleaned_of_what_it_must_not_carry():
    assert clean_question("\x1b[31m老矿区\u200b  转型\x00发展\u202e？ ") == "老矿区 转型发展？"
    assert clean_question(None) == ""
    assert len(clean_question("问" * 10 * MAX_QUESTION)) == MAX_QUESTION
    assert unmarked("见[1]") == "见［1］"


def test_units_of_one_quantity_are_alternatives_so_a_second_area_adds_nothing():
    from assistant.answer.question import QuestionShape

    shape = QuestionShape("numeric", ("人", "平方公里", "亩", "公顷"))  # "多大面积，涉及多少人"
    assert shape.quantities("沉陷面积约54.48平方公里，涉及16.55万人。") == shape.quantities("复垦2万余亩，涉及3万人。")
    assert shape.quantities("复垦2万余亩。") < shape.quantities("面积约3平方公里，涉及5488人。")


def test_a_score_an_amount_in_yi_a_month_or_a_day_is_a_quantity_the_answer_must_give():
    assert answer_shape("录取分数线是多少分？").units == ("分",)
    assert answer_shape("基金规模是多少亿？").units == ("亿",)
    assert answer_shape("项目计划在几月份完工？").units == ("月",)
    assert answer_shape("主汛期是哪几天？").units == ("日",)
    month = answer_shape("几月开工？")
    assert month.has_quantity("2024年6月开工。") and not month.has_quantity("项目共1363户。")
    assert answer_shape("需要多少分钟？").units == ()  # 分钟 is no score
