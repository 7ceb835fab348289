"""Page: the intro and the example questions of the app, derived from the loaded documents.

Titles come from the corpus manifest (through the index); examples from `examples.txt` beside the
corpus, one question a line, or, without that file, from each document's first headings, so that
another corpus gets a page of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..corpus.manifest import EXAMPLES
from ..records import DocumentSpec, Kind, Unit

MAX_EXAMPLES = 9  # one screen of example buttons on a laptop
TITLES_SHOWN = 4  # more titles than this are summarised as "N 份文件"
_DIGITS = "一二三四五六七八九十百零〇"
_NUMBERING = re.compile(rf"^(?:第[{_DIGITS}\d]+[章节条部分篇]|[{_DIGITS}]+、|（[{_DIGITS}]+）|\d+[.、．])\s*")
_PARAGRAPH_NUMBER = re.compile(r"第\d+段")  # a paragraph label without a lead sentence
EACH = 3  # examples per document at most
_GENERIC = {"前言", "引言", "附则", "附件", "目录"}


def intro(title: str, documents: tuple[DocumentSpec, ...] | list[DocumentSpec]) -> str:
    """The Markdown intro: what the app is and which documents it answers from."""
    names = [f"《{d.title}》" for d in documents]
    if not names:
        scope = "尚未载入文件，请管理员把文件放进文件夹并运行 `assistant build`。"
    elif len(names) <= TITLES_SHOWN:
        scope = f"就{'和'.join(names) if len(names) == 2 else '、'.join(names)}提问。"
    else:
        scope = f"就已载入的 {len(names)} 份文件（{'、'.join(names[:TITLES_SHOWN])}等）提问。"
    how = "回答中的每句话都摘自文件原文并标有来源 [n]；点击 [n] 在阅读器中打开那一条，引用的句子以黄色标出。"
    return f"## {title}\n{scope}{how}"


def read_examples(corpus_dir: Path) -> list[str]:
    """The questions of examples.txt beside the corpus (blank lines and # comments skipped); [] without the file."""
    path = Path(corpus_dir) / EXAMPLES
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")][:MAX_EXAMPLES]


def _topic(unit: Unit) -> str:
    return _NUMBERING.sub("", unit.label).strip(" ：:")


def _heading_questions(document: DocumentSpec, units: list[Unit]) -> list[str]:
    topics: list[str] = []
    for unit in units:
        if unit.kind != Kind.HEADING or (not unit.path and unit.label == document.title):
            continue
        topic = _topic(unit)
        if topic and topic not in _GENERIC and topic != document.title and topic not in topics:
            topics.append(topic)
    return [f"{document.short}中“{topic}”部分讲了什么？" for topic in topics]


def _lead_questions(document: DocumentSpec, units: list[Unit]) -> list[str]:
    """For a document without headings: its paragraphs labelled by a lead sentence ("引言 落实运行补贴政策")."""
    topics: list[str] = []
    for unit in units:
        topic = unit.label.split(" ")[-1]
        if unit.kind != Kind.HEADING and not _PARAGRAPH_NUMBER.fullmatch(topic) and topic not in topics:
            topics.append(topic)
    return [f"{document.short}关于“{topic}”是怎么说的？" for topic in topics]


def generated_examples(documents: tuple[DocumentSpec, ...] | list[DocumentSpec], units: tuple[Unit, ...] | list[Unit]) -> list[str]:
    """Example questions made from each document's first headings ("《short》中“topic”部分讲了什么？"), or,
    for a document without headings, from its first lead sentences."""
    per_document: list[list[str]] = []
    for document in documents:
        mine = [unit for unit in units if unit.doc_id == document.id]
        per_document.append((_heading_questions(document, mine) or _lead_questions(document, mine))[:EACH])
    # Take the documents in turn so that every one shows up before any shows a second example.
    mixed = [questions[k] for k in range(EACH) for questions in per_document if k < len(questions)]
    return mixed[:MAX_EXAMPLES]


def examples(corpus_dir: Path, documents: tuple[DocumentSpec, ...] | list[DocumentSpec], units: tuple[Unit, ...] | list[Unit]) -> list[str]:
    """The example questions for the page: examples.txt beside the corpus, else generated from the headings."""
    return read_examples(corpus_dir) or generated_examples(documents, units)
