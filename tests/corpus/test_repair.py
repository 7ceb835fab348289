"""Repair of extraction damage: spaces, page numbers, line joins."""

from assistant.corpus.repair import join_lines, normalise_spaces, physical_lines


def test_spaces_around_digits_and_latin_inside_chinese_are_removed():
    assert normalise_spaces("到 2025 年，电子与 ICT 等产业") == "到2025年，电子与ICT等产业"
    assert normalise_spaces("1. 老 工 业 地 区 ： 根 据") == "1.老工业地区：根据"
    assert normalise_spaces("% 45.2 50.5") == "% 45.2 50.5"


def test_page_numbers_and_extraction_blank_lines_are_dropped():
    raw = "第一行文字，\n\n 第二行在新页，\n\n— 19 —\n\n第三行。 \n\n"
    lines = physical_lines(raw)
    assert [line.text for line in lines] == ["第一行文字，", "第二行在新页，", "第三行。"]
    assert [line.marked_end for line in lines] == [False, False, True]


def test_a_whitespace_only_line_is_a_break_in_doubled_extractions():
    raw = "甲。\n\n \n\n乙。\n\n"
    assert [line.blank for line in physical_lines(raw)] == [False, True, False]


def test_wrapped_lines_join_without_losing_characters():
    assert join_lines(["高新技术产业产值占规模以上", "工业总产值比重"]) == "高新技术产业产值占规模以上工业总产值比重"
    assert join_lines(["the plan", "works"]) == "the plan works"


def test_one_paragraph_per_line_with_blank_lines_between_keeps_every_break():
    # Word, markdown and typed text look like a doubled extraction, but their lines end sentences.
    raw = "第一章 总则\n\n第一条 为推动示例地区转型发展，根据有关规定，制定本规划。\n\n第二条 本规划适用于示例市全域范围。\n\n"
    assert [line.blank for line in physical_lines(raw)] == [False, True, False, True, False]


def test_a_doubled_extraction_wraps_mid_sentence_and_its_empty_lines_mean_nothing():
    raw = (
        "煤炭行业老矿区是新中国煤炭工业的摇篮和重要的能\n\n源基地，为新中国革命和建设作出了历史性贡献。近年来，\n\n"
        "随着资源枯竭，问题凸显。\n\n \n\n第二段。\n\n"
    )
    assert [(line.text, line.blank) for line in physical_lines(raw)] == [
        ("煤炭行业老矿区是新中国煤炭工业的摇篮和重要的能", False),
        ("源基地，为新中国革命和建设作出了历史性贡献。近年来，", False),
        ("随着资源枯竭，问题凸显。", False),
        ("", True),
        ("第二段。", False),
    ]
