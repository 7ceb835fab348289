"""The brief command: many topics in one process, Markdown and Word in one run, exact messages."""

from __future__ import annotations

import docx

from assistant.cli import main


def _cli(settings, *args: str) -> int:
    return main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), "brief", *args])


def test_many_topics_in_both_formats_in_one_call(settings, tmp_path, capsys):
    out = tmp_path / "简报"
    assert _cli(settings, "工业遗产", "人才支撑", "新农村建设", "航天产业", "--format", "md,docx", "--out", str(out)) == 0
    _, err = capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}.{ext}" for t in ("工业遗产", "人才支撑", "新农村建设", "航天产业") for ext in ("md", "docx")
    )
    assert err.splitlines() == [
        f"Wrote {out / '工业遗产.md'}",
        f"Wrote {out / '工业遗产.docx'}",
        f"Wrote {out / '人才支撑.md'}",
        f"Wrote {out / '人才支撑.docx'}",
        f"Wrote {out / '新农村建设.md'} (the documents only mention this topic in passing)",
        f"Wrote {out / '新农村建设.docx'} (the documents only mention this topic in passing)",
        f"Wrote {out / '航天产业.md'} (the documents do not cover this topic)",
        f"Wrote {out / '航天产业.docx'} (the documents do not cover this topic)",
    ]
    assert (out / "人才支撑.md").read_text(encoding="utf-8").startswith("# 专题简报：人才支撑\n")
    assert docx.Document(str(out / "人才支撑.docx")).core_properties.title == "专题简报：人才支撑"


def test_one_topic_prints_markdown_or_writes_the_named_file(settings, tmp_path, capsys):
    assert _cli(settings, "避险安置") == 0
    out, err = capsys.readouterr()
    assert out.startswith("# 专题简报：避险安置\n\n范围：") and err == ""
    target = tmp_path / "避险.docx"
    assert _cli(settings, "避险安置", "--out", str(target)) == 0
    assert capsys.readouterr().err == f"Wrote {target}\n"
    assert docx.Document(str(target)).sections[0].header.paragraphs[0].text == "专题简报：避险安置"


def test_bad_requests_get_one_line(settings, capsys):
    assert _cli(settings, "人才支撑", "--format", "docx") == 1
    assert capsys.readouterr().err == "assistant: A Word briefing needs a place: add --out FILE.docx or --out FOLDER.\n"
    assert _cli(settings, "人才支撑", "--format", "pdf") == 1
    assert capsys.readouterr().err == "assistant: Unknown format in --format pdf; use md, docx or md,docx.\n"
