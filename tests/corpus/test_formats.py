"""Formats: the shipped plans rendered by the test as Word, as a PDF printed by chromium and as Word-style
GBK text give the same headings and units as the shipped .txt, and the same evaluation figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.formats import (
    CHROMIUM,
    differences,
    evaluate,
    parse_variant,
    render_docx,
    render_pdf,
    render_word_text,
    shipped_documents,
    write_variant,
)

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium prints the PDF")
RENDERERS = {"docx": render_docx, "gbk.txt": render_word_text, "pdf": render_pdf}


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_each_rendering_gives_the_shipped_headings_and_units(tmp_path, suffix):
    for document in shipped_documents():
        path = RENDERERS[suffix](document, tmp_path / f"{document.spec.id}.{suffix}")
        parsed = parse_variant(document, path)
        assert differences(document, parsed) == [], document.spec.id
        assert [unit.to_json() for unit in parsed.units] == [unit.to_json() for unit in document.units]


@pytest.mark.slow
@needs_chromium
def test_the_renderings_answer_the_held_out_questions_as_well_as_the_text(tmp_path):
    figures = {
        variant: evaluate(write_variant(variant, tmp_path / variant / "corpus"), tmp_path / variant)
        for variant in ("txt", "docx", "gbk", "pdf")
    }
    shipped = figures["txt"]
    for variant, found in figures.items():
        assert (found["units"], found["headings"]) == (shipped["units"], shipped["headings"]), variant
        assert abs(found["recall@5"] - shipped["recall@5"]) <= 0.02, variant
        assert abs(found["key_coverage"] - shipped["key_coverage"]) <= 0.02, variant
