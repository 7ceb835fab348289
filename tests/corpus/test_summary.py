"""Summary: the build says per document what was recognised, and says so when a file came out flat."""

from __future__ import annotations

from pathlib import Path

from assistant.corpus.manifest import load_corpus
from assistant.corpus.structure import parse_document
from assistant.corpus.summary import describe, recognised
from assistant.records import DocumentSpec

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_the_shipped_plans_are_described_by_what_was_recognised():
    lines = [describe(document.spec.id, document.units) for document in load_corpus(CORPUS)]
    assert lines == [
        "coal: 45 units — 9 headings, 14 clauses, 0 专栏 (0 items), 0 table rows, 22 paragraphs",
        "jiangsu: 122 units — 28 headings, 0 clauses, 6 专栏 (29 items), 12 table rows, 52 paragraphs",
    ]


def test_a_file_that_came_out_flat_is_named_as_such():
    spec = DocumentSpec(id="flat", title="示例", short="示例", file="flat.txt")
    units = parse_document(spec, "示例规划\n\n这是一段没有任何标题的文字。\n\n这是第二段文字。\n").units
    assert recognised(units).flat is True
    assert describe("flat", units) == (
        "flat: 3 units — 1 headings, 0 clauses, 0 专栏 (0 items), 0 table rows, 2 paragraphs; "
        "no headings, clauses, 专栏 or tables were recognised: check that the file keeps its structure"
    )
