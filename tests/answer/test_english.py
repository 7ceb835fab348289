"""English questions: read as the Chinese question they ask, answered in Chinese with the reading shown."""

from __future__ import annotations

import pytest

from assistant.answer.english import Reader, glossary, is_english


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How many households are relocated?", True),
        ("What is the planning period of the plan?", True),
        ("GDP增长多少？", False),  # a Chinese question with an English term
        ("江苏规划的目标是什么？", False),
        ("Plan period?", False),  # too few words to be read as a question
        ("<script>alert(1)</script>", False),  # markup, not a sentence: no function or question word
    ],
)
def test_a_question_is_english_when_most_of_its_letters_are(text, expected):
    assert is_english(text) is expected


def test_the_glossary_keys_are_singular_lower_case_phrases_with_one_chinese_term():
    table = glossary()
    assert table[("old", "mining", "area")] == "老矿区"
    assert table[("safeguard", "measure")] == "保障措施"
    assert all(all(w == w.lower() for w in key) and term.strip() for key, term in table.items())


def reader() -> Reader:
    """A reader over a small vocabulary of its own: place names come from the index, not from the glossary."""
    return Reader(frozenset(["沛县", "贾汪区", "贾汪", "徐州", "宿迁", "规划"]))


@pytest.mark.parametrize(
    ("question", "chinese"),
    [
        ("How many households does the relocation project in Jiawang District cover?", "搬迁项目贾汪区涉及多少户？"),
        ("What share of output should emerging industries reach by 2025?", "生产总值新兴产业达到2025年比重是多少？"),
        ("Why do old mining areas need to transform?", "老矿区需要转型为什么？"),
        ("Which departments are responsible for implementation?", "负责实施哪些部门？"),
        ("What safeguard measures does the guidance set out?", "保障措施指导意见有哪些？"),
        ("When will the subsidence areas in Xuzhou be treated?", "沉陷区徐州治理什么时候？"),
        ("Does the plan support Pei County?", "规划支持沛县吗？"),
        ("In which chapter is land reclamation discussed?", "土地复垦在哪一部分？"),
    ],
)
def test_an_english_question_reads_as_the_chinese_question_it_asks(question, chinese):
    assert reader().read(question).chinese == chinese


def test_a_name_the_corpus_does_not_hold_is_not_guessed_but_named():
    reading = reader().read("How many households does the relocation project in Nanjing cover?")
    assert reading.unread == ("nanjing",)


def test_a_question_mostly_of_unread_words_is_not_read_at_all():
    reading = reader().read("Will it rain in Xuzhou tomorrow?")
    assert (reading.chinese, reading.unread) == ("", ("rain", "tomorrow"))


def test_an_english_question_is_answered_in_chinese_with_its_reading_shown(assistant):
    reply = assistant.ask("How many households does the relocation project in Jiawang District cover?")
    assert reply.found is True
    assert "1363户" in reply.answer and reply.citations
    assert reply.question.startswith("How many")
    assert reply.notice.startswith("英文问题按“") and "以中文作答" in reply.notice


def test_an_english_question_about_what_the_documents_never_say_is_refused_with_the_words_named(assistant):
    reply = assistant.ask("Will it rain in Xuzhou tomorrow?")
    assert reply.found is False
    assert "rain" in reply.answer and "tomorrow" in reply.answer
