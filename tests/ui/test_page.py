"""The page's intro and example questions come from the loaded documents, not from the shipped plans."""

from __future__ import annotations

from assistant.records import DocumentSpec, Kind, Unit
from assistant.ui.page import examples, generated_examples, intro, read_examples

DOCS = [
    DocumentSpec("heat", "东原市清洁取暖工作通知", "东原取暖通知", "a.txt"),
    DocumentSpec("data", "东原市政务数据共享办法", "东原数据办法", "b.txt"),
]


def _heading(doc: str, label: str, depth: int = 1) -> Unit:
    return Unit(f"{doc}/{label}", doc, "", Kind.HEADING, label, ("上级",) * depth, "", 0, 0)


UNITS = [
    _heading("heat", "东原市清洁取暖工作通知", 0),
    _heading("heat", "一、总体要求"),
    _heading("heat", "二、重点任务"),
    _heading("data", "第一章 总则"),
    _heading("data", "第二章 共享"),
    _heading("data", "附则"),
]


def test_the_intro_names_the_loaded_documents():
    assert intro("助手", DOCS) == (
        "## 助手\n就《东原市清洁取暖工作通知》和《东原市政务数据共享办法》提问。"
        "回答中的每句话都摘自文件原文并标有来源 [n]；点击 [n] 在阅读器中打开那一条，引用的句子以黄色标出。"
    )
    many = [DocumentSpec(f"d{n}", f"文件{n}", f"文{n}", "x.txt") for n in range(6)]
    assert intro("助手", many).startswith("## 助手\n就已载入的 6 份文件（《文件0》、《文件1》、《文件2》、《文件3》等）提问。")


def test_examples_come_from_examples_txt_beside_the_corpus(tmp_path):
    (tmp_path / "examples.txt").write_text("# 注释\n\n取暖补贴是多少？\n  数据怎么共享？  \n", encoding="utf-8")
    assert read_examples(tmp_path) == ["取暖补贴是多少？", "数据怎么共享？"]
    assert examples(tmp_path, DOCS, UNITS) == ["取暖补贴是多少？", "数据怎么共享？"]


def test_without_examples_txt_they_are_made_from_each_documents_first_headings(tmp_path):
    assert read_examples(tmp_path) == []
    assert (
        examples(tmp_path, DOCS, UNITS)
        == generated_examples(DOCS, UNITS)
        == [
            "东原取暖通知中“总体要求”部分讲了什么？",
            "东原数据办法中“总则”部分讲了什么？",
            "东原取暖通知中“重点任务”部分讲了什么？",
            "东原数据办法中“共享”部分讲了什么？",
        ]
    )


def test_the_shipped_corpus_has_its_examples_file(corpus_dir, index):
    shown = examples(corpus_dir, index.documents, index.units)
    assert shown[:2] == ["老矿区转型发展的发展原则有哪些？", "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"]
    assert len(shown) == 9
