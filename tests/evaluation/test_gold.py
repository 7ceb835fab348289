"""Gold files that forgive and explain: typos named, half-present evidence groups kept, printed table cells accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import GoldFileError
from assistant.evaluation import metrics
from assistant.evaluation.gold import load_gold, read_gold
from assistant.records import Unit

GOOD = {"id": "g1", "type": "fact", "doc": "coal", "question": "要加快构建什么样的空间格局？", "keys": ["一体、多翼"]}
EVIDENCE = "加快构建形成“一体、多翼、多元产业协同”的老矿区转型发展空间格局"


def write_lines(path: Path, *lines: dict) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    return path


def test_a_misspelled_field_is_an_error_naming_the_line_and_the_nearest_field(tmp_path):
    path = write_lines(
        tmp_path / "gold.jsonl",
        {**GOOD, "evidence": [[EVIDENCE]]},
        {**GOOD, "id": "g2", "evidence": [[EVIDENCE]], "histroy": ["前一个问题？"], "zzz": 1},
    )
    with pytest.raises(GoldFileError) as error:
        load_gold(path, None)
    assert str(error.value).splitlines() == [
        f"{path} has 2 problems; fix them and run again:",
        f"  {path} line 2: field 'histroy' is not a gold field; did you mean 'history'?",
        f"  {path} line 2: field 'zzz' is not a gold field; the fields are id, type, doc, question, history, keys, evidence, answer.",
    ]


def test_a_missing_alternative_is_a_warning_when_another_of_its_group_is_there(tmp_path, documents):
    path = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": [["不在语料里的句子", EVIDENCE]]})
    gold = read_gold(path, list(documents.values()))
    assert [item.id for item in gold.items] == ["g1"]
    assert gold.items[0].evidence == (("不在语料里的句子", EVIDENCE),)
    assert gold.warnings == (
        f"{path} line 1: field 'evidence[1]' substring '不在语料里的句子' is not in the corpus (compared without white space); "
        "another alternative of the group is, so the group stays.",
    )
    assert gold.skipped == ()


def test_a_group_with_no_alternative_in_the_corpus_is_an_error(tmp_path, documents):
    path = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": [[EVIDENCE], ["不在语料里的句子", "也不在"]]})
    with pytest.raises(GoldFileError) as error:
        load_gold(path, list(documents.values()))
    assert str(error.value).splitlines()[1:] == [
        f"  {path} line 1: field 'evidence[2]' substring '不在语料里的句子' is not in the corpus (compared without white space).",
        f"  {path} line 1: field 'evidence[2]' substring '也不在' is not in the corpus (compared without white space).",
    ]


def test_an_alternative_in_another_document_is_a_warning_when_one_is_in_the_named_document(tmp_path, documents):
    path = write_lines(tmp_path / "gold.jsonl", {**GOOD, "evidence": [[EVIDENCE, "工业遗产保护利用"]]})
    gold = read_gold(path, list(documents.values()))
    assert gold.warnings == (
        f"{path} line 1: field 'evidence[1]' substring '工业遗产保护利用' is not in document 'coal', only in jiangsu; "
        "another alternative of the group is, so the group stays.",
    )


def test_evidence_in_printed_table_cell_order_is_accepted(tmp_path, documents):
    item = {"id": "t1", "type": "table", "doc": "jiangsu", "question": "工业遗产保护利用2020年是多少处？", "keys": ["85"]}
    path = write_lines(tmp_path / "gold.jsonl", {**item, "evidence": [["工业遗产保护利用 处 85"]]})
    (loaded,) = load_gold(path, list(documents.values()))
    row = next(unit for unit in documents["jiangsu"].units if unit.id == "jiangsu/table1/r6")
    assert row.text == "6 工业遗产保护利用* 处 85 ≥110"
    assert metrics.groups_covered(metrics.unit_forms(row), loaded.evidence) == frozenset({0})


def test_printed_cells_drop_footnote_marks_of_table_rows_only():
    row = Unit("t/r1", "t", "", "table_row", "表1 第3项", (), "3 建设完善接续替代产业平台* 个 22 36", 0, 30, "表1 第3项 平台：22个")
    assert metrics.printed_cells(row) == "3建设完善接续替代产业平台个2236"
    assert metrics.unit_forms(row) == ("表1第3项平台：22个", "3建设完善接续替代产业平台*个2236", "3建设完善接续替代产业平台个2236")
    paragraph = Unit("t/p1", "t", "", "paragraph", "p", (), "注* 说明", 0, 5, "")
    assert metrics.printed_cells(paragraph) == ""
    assert metrics.unit_forms(paragraph) == ("注*说明",)


def test_skip_invalid_leaves_out_bad_items_and_reports_them(tmp_path, documents):
    path = write_lines(
        tmp_path / "gold.jsonl",
        {**GOOD, "evidence": [[EVIDENCE]]},
        {**GOOD, "id": "g2", "evidence": [["不在语料里的句子"]]},
        {**GOOD, "id": "g3", "evidence": [[EVIDENCE]], "anwser": "x"},
        {**GOOD, "id": "g4", "evidence": [[EVIDENCE]]},
    )
    gold = read_gold(path, list(documents.values()), skip_invalid=True)
    assert [item.id for item in gold.items] == ["g1", "g4"]
    assert gold.skipped == (
        f"{path} line 2: field 'evidence[1]' substring '不在语料里的句子' is not in the corpus (compared without white space).",
        f"{path} line 3: field 'anwser' is not a gold field; did you mean 'answer'?",
    )
    with pytest.raises(GoldFileError):
        read_gold(path, list(documents.values()))


def test_skip_invalid_with_no_valid_item_is_still_an_error(tmp_path):
    path = write_lines(tmp_path / "gold.jsonl", {"id": "g1", "type": "fact"})
    with pytest.raises(GoldFileError) as error:
        read_gold(path, None, skip_invalid=True)
    assert str(error.value).splitlines()[0] == f"The gold file {path} has no valid items:"
