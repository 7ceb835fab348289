"""The command-line contract that evaluators and scripts depend on (DESIGN.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from assistant.cli import main


def run(capsys, settings, *args):
    code = main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_follows_the_contract(capsys, settings):
    code, out, err = run(capsys, settings, "search", "工业遗产保护利用", "-k", "3", "--json")
    assert (code, err) == (0, "")
    (line,) = out.splitlines()
    data = json.loads(line)
    assert list(data) == ["query", "hits"]
    assert data["query"] == "工业遗产保护利用"
    assert len(data["hits"]) == 3
    assert list(data["hits"][0]) == ["id", "doc_id", "doc_title", "label", "path", "text", "score"]


def test_search_batch_answers_one_line_per_input_with_follow_ups_resolved(capsys, settings, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"question": "贾汪区重点采煤沉陷区沉陷面积是多少？", "history": []}, ensure_ascii=False)
        + "\n"
        + json.dumps({"question": "那沛县呢？", "history": ["贾汪区重点采煤沉陷区沉陷面积是多少？"]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, settings, "search", "--batch", str(batch), "--json", "-k", "2")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["question"] for line in lines] == ["贾汪区重点采煤沉陷区沉陷面积是多少？", "那沛县呢？"]
    assert lines[1]["query"] == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert lines[1]["hits"][0]["id"] == "jiangsu/box1/7"


def test_ask_json_follows_the_contract(capsys, settings):
    code, out, _ = run(capsys, settings, "ask", "那沛县呢？", "--history", "贾汪区重点采煤沉陷区沉陷面积是多少？", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data)[:6] == ["question", "query", "answer", "short", "found", "citations"]
    assert data["question"] == "那沛县呢？"
    assert data["query"] == "沛县重点采煤沉陷区沉陷面积是多少？"
    assert data["found"] is True
    assert list(data["citations"][0]) == ["ref", "id", "doc_id", "doc_title", "label", "path", "text", "quote"]
    assert data["citations"][0]["id"] == "jiangsu/box1/7"


def test_ask_prints_the_answer_and_its_sources(capsys, settings):
    code, out, _ = run(capsys, settings, "ask", "老矿区转型发展的发展原则有哪些？", "--doc", "coal")
    assert code == 0
    answer, first_source = out.splitlines()[:2]
    assert answer.startswith("坚持以矿工为中心。坚持把矿工的幸福感、获得感、安全感放在首位，")
    assert (re.findall(r"\[(\d)\]", answer), answer.endswith("[5]")) == (["1", "2", "3", "4", "5"], True)
    assert first_source == "[1] 《煤炭行业“十四五”老矿区转型发展指导意见》（五）发展原则 坚持以矿工为中心"


def test_errors_are_one_sentence_and_a_nonzero_exit(capsys, settings, tmp_path):
    code, out, err = run(capsys, settings.with_overrides(index_dir=tmp_path / "none"), "search", "老矿区")
    assert (code, out) == (1, "")
    assert err == f"assistant: There is no index in {tmp_path / 'none'}; run `assistant build` (or `make run`, which builds it).\n"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    code, _, err = run(capsys, settings, "ask", "--batch", str(bad))
    assert (code, err) == (1, f"assistant: {bad} line 1 is not valid JSON; write one object per line.\n")
    code, _, err = run(capsys, settings, "search", "老矿区", "--doc", "shanxi")
    assert code == 1
    assert err.startswith("assistant: There is no document with id 'shanxi' in the index; known ids: coal, jiangsu.")


def test_python_dash_m_is_the_same_program(settings):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--corpus", str(settings.corpus_dir), "units", "--doc", "coal", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    units = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(units) == 45
    assert units[0]["id"] == "coal/title"
