"""Structure: a repaired document becomes a heading tree and a list of citable units.

The parser works from heading patterns (第X章, 第X节, 第X条, 一、, （一）, 专栏 N, 表 N, 前言), never
from positions, so a new plan written in the same conventions parses the same way; a document
without recognisable headings falls back to paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..records import DocumentSpec, Kind, ParsedDocument, Section, Unit
from .headings import LEVEL, NUM, STANDALONE, chinese_number, heading_kind
from .repair import (
    FULL_LINE,
    LINE_PARAGRAPHS,
    SENTENCE_END,
    Line,
    display_width,
    join_lines,
    normalise_spaces,
    page_width,
    physical_lines,
)
from .table import Table, parse_table

_LEAD_IN_LINE = re.compile(r"^([^。；：！？，]{2,24}|[^。；：！？，]{1,10}，[^。；：！？，]{1,10})。")
_ITEM_START = re.compile(r"^(\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)]|[①-⑳])")
_NOTE_START = re.compile(r"^(\*|＊|注\s*[:：])")
_CLAUSE_NUMBER = re.compile(rf"^([（(]\s*[{NUM}]+\s*[）)]|第\s*[{NUM}\d]+\s*条)\s*")


def lead_sentence(paragraph: str) -> str:
    """The paragraph's short opening sentence (`优化产业结构。` -> `优化产业结构`), or ""."""
    end = paragraph.find("。")
    if end <= 0:
        return ""
    sentence = _ITEM_START.sub("", paragraph[:end]).strip()
    commas = sentence.count("，")
    if len(sentence) <= 40 and commas == 0 and not re.search(r"[；：！？]", sentence):
        return sentence
    if len(sentence) <= 12 and commas == 1:
        return sentence
    return ""


@dataclass
class Block:
    """A run of lines that belongs together: a heading, a paragraph or a table."""

    kind: str  # "paragraph", "table_body", or a heading kind
    lines: list[Line]
    number: str = ""
    title: str = ""
    after_break: bool = False  # a blank line stood before it


def lines_are_paragraphs(lines: list[Line]) -> bool:
    """Whether each line is a paragraph of its own, whatever its width (see LINE_PARAGRAPHS)."""
    prose = [line.text for line in lines if not line.blank and "\t" not in line.text and heading_kind(line.text) is None]
    ended = sum(1 for text in prose if text.endswith(SENTENCE_END))
    return bool(prose) and ended >= LINE_PARAGRAPHS * len(prose)


def blocks(lines: list[Line]) -> list[Block]:
    """Groups printed lines into headings, paragraphs and tables.

    In text whose lines are paragraphs (`lines_are_paragraphs`) every line ends its paragraph; a table
    whose rows have tab-separated cells ends at the first line without a tab.
    """
    if lines_are_paragraphs(lines):
        lines = [replace(line, marked_end=True) for line in lines]
    width = page_width(lines)
    out: list[Block] = []
    current: Block | None = None
    after_break = False
    table: Block | None = None

    def ends_paragraph(line: Line) -> bool:
        return line.marked_end or display_width(line.text) < FULL_LINE * width

    for index, line in enumerate(lines):
        if line.blank:
            current, table, after_break = None, None, True
            continue
        heading = heading_kind(line.text)
        if index == 0 and heading is None and display_width(line.text) < FULL_LINE * width and not line.text.endswith(SENTENCE_END):
            heading = ("title", "", line.text)
        if table is not None:
            tabbed = any("\t" in row.text for row in table.lines)
            if heading is None and not _NOTE_START.match(line.text) and not _is_lead_start(line, lines[index - 1]) and (
                not tabbed or "\t" in line.text
            ):
                table.lines.append(line)
                continue
            table = None
        if heading and heading[0] in STANDALONE:
            kind, number, title = heading
            block = Block(kind, [line], number, title, after_break)
            out.append(block)
            current = None
            if kind == "table":
                table = Block("table_body", [], number, title)
                out.append(table)
            after_break = False
            continue
        previous = lines[index - 1] if index else None
        starts = (
            current is None
            or heading is not None
            or (previous is not None and previous.text.endswith(SENTENCE_END) and ends_paragraph(previous))
            or (previous is not None and previous.marked_end)
            or _is_lead_start(line, previous)
            or (previous is not None and previous.text.endswith(SENTENCE_END) and _ITEM_START.match(line.text))
            or _NOTE_START.match(line.text) is not None
        )
        if starts:
            kind, number, title = heading if heading else ("paragraph", "", "")
            current = Block(kind, [], number, title, after_break)
            out.append(current)
            after_break = False
        current.lines.append(line)
    return [block for block in out if block.lines]


def _is_lead_start(line: Line, previous: Line | None) -> bool:
    return previous is not None and previous.text.endswith(SENTENCE_END) and bool(_LEAD_IN_LINE.match(line.text))


@dataclass
class _Node:
    kind: str
    number: str
    title: str
    heading: str
    slug: str
    label: str
    unit_ids: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    paragraphs: int = 0

    def freeze(self) -> Section:
        return Section(self.kind, self.number, self.title, self.heading, tuple(self.unit_ids), tuple(c.freeze() for c in self.children))


class _Builder:
    """Walks the blocks, keeps the stack of open headings and emits units with offsets."""

    def __init__(self, spec: DocumentSpec) -> None:
        self.spec = spec
        self.units: list[Unit] = []
        self.roots: list[_Node] = []
        self.stack: list[tuple[int, _Node]] = []
        self.text_parts: list[str] = []
        self.offset = 0
        self.top_paragraphs = 0
        self.box_open = False
        self.seen_ids: dict[str, int] = {}
        self.breaks = True  # the text has blank lines between its blocks

    # -- helpers ---------------------------------------------------------------------------
    def scope(self) -> _Node | None:
        return self.stack[-1][1] if self.stack else None

    def path(self) -> tuple[str, ...]:
        return tuple(node.heading for _, node in self.stack)

    def unique(self, unit_id: str) -> str:
        count = self.seen_ids.get(unit_id, 0) + 1
        self.seen_ids[unit_id] = count
        return unit_id if count == 1 else f"{unit_id}~{count}"

    def emit(self, kind: str, label: str, text: str, unit_id: str, sentence: str = "", path: tuple[str, ...] | None = None) -> Unit:
        if self.text_parts:
            self.text_parts.append("\n")
            self.offset += 1
        start = self.offset
        self.text_parts.append(text)
        self.offset += len(text)
        scope = self.scope()
        unit = Unit(
            id=self.unique(f"{self.spec.id}/{unit_id}"),
            doc_id=self.spec.id,
            doc_title=self.spec.title,
            kind=kind,
            label=label,
            path=self.path() if path is None else path,
            text=text,
            start=start,
            end=self.offset,
            sentence=sentence,
            parent=f"{self.spec.id}/{scope.slug}" if scope and kind != Kind.HEADING else "",
        )
        self.units.append(unit)
        if scope is not None:
            scope.unit_ids.append(unit.id)
        return unit

    def open(self, kind: str, number: str, title: str, heading: str, slug: str, label: str, level: int) -> _Node:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        node = _Node(kind, number, title, heading, slug, label)
        (self.stack[-1][1].children if self.stack else self.roots).append(node)
        self.stack.append((level, node))
        return node

    def slug_for(self, kind: str, number: int, level: int) -> str:
        parents = [node for lvl, node in self.stack if lvl < level and node.kind in {"chapter", "section", "clause", "article"}]
        if kind == "chapter":
            return f"ch{number}"
        if kind == "section":
            return f"{parents[-1].slug}.{number}" if parents else f"s{number}"
        if kind in {"clause", "article"}:
            outer = [p for p in parents if p.kind in {"chapter", "section"}]
            return f"{outer[-1].slug}.{number}" if outer else str(number)
        if kind == "part":
            return f"part{number}"
        return f"{kind}{number}"

    # -- blocks ----------------------------------------------------------------------------
    def heading(self, block: Block) -> None:
        kind = block.kind
        raw_title = join_lines([line.text for line in block.lines]) if kind == "title" else normalise_spaces(block.title)
        if kind == "title":
            self.emit(Kind.HEADING, raw_title, raw_title, "title", path=())
            return
        if kind == "preface":
            node = self.open("preface", "", raw_title, raw_title, "preface", raw_title, 1)
        elif kind == "markdown":
            level = int(block.number)
            node = self.open("section", "", raw_title, raw_title, f"h{len(self.units) + 1}", raw_title, level)
        else:
            number = chinese_number(block.number)
            level = LEVEL[kind]
            if kind in {"box", "table"}:
                while self.stack and self.stack[-1][1].kind in {"box", "table"}:
                    self.stack.pop()
            names = {
                "part": f"{block.number}、{raw_title}",
                "chapter": f"第{block.number}章 {raw_title}",
                "section": f"第{block.number}节 {raw_title}",
                "box": f"专栏{block.number} {raw_title}",
                "table": f"表{block.number} {raw_title}",
            }
            heading = names[kind].strip()
            slug = self.slug_for(kind, number, level)
            label = heading
            if kind == "section":
                chapter = next((n for _, n in reversed(self.stack) if n.kind == "chapter"), None)
                label = f"第{chapter.number}章第{block.number}节" if chapter else f"第{block.number}节"
            elif kind == "chapter":
                label = f"第{block.number}章"
            elif kind in {"box", "table"}:
                label = f"{'专栏' if kind == 'box' else '表'}{block.number} {raw_title}".strip()
            node = self.open(kind, block.number, raw_title, heading, slug, label, level)
            self.box_open = kind == "box"
        parent_path = self.path()[:-1]
        self.emit(Kind.HEADING, node.heading, node.heading, node.slug, path=parent_path)

    def paragraph(self, block: Block) -> None:
        text = join_lines([line.text for line in block.lines])
        if not text:
            return
        if block.kind in {"clause", "article"}:
            self.clause(block, text)
            return
        if self.box_open and (block.after_break or lead_sentence(text) or self.box_ends_without_break(text)):
            self.box_open = False
            while self.stack and self.stack[-1][1].kind in {"box", "table"}:
                self.stack.pop()
        scope = self.scope()
        if scope is not None and scope.kind == "box":
            scope.paragraphs += 1
            name = _item_name(text)
            label = f"{scope.label}：{name}" if name else f"{scope.label} 第{scope.paragraphs}项"
            self.emit(Kind.BOX_ITEM, label, text, f"{scope.slug}/{scope.paragraphs}")
            return
        if scope is not None and scope.kind == "table":
            if _NOTE_START.match(text):
                # A note under a table ("*为五年累计数。") belongs to the table.
                self.emit(Kind.TABLE_NOTE, f"{scope.label} 注", text, f"{scope.slug}/note")
                self.stack.pop()
                return
            self.stack.pop()
            scope = self.scope()
        if scope is None:
            self.top_paragraphs += 1
            count, slug, prefix = self.top_paragraphs, "", "引言"
        else:
            scope.paragraphs += 1
            count, slug, prefix = scope.paragraphs, scope.slug, scope.label
        lead = lead_sentence(text)
        label = f"{prefix} {lead}" if lead else f"{prefix} 第{count}段"
        unit_id = f"{slug}/p{count}" if slug else f"p{count}"
        self.emit(Kind.PARAGRAPH, label, text, unit_id)

    def box_ends_without_break(self, text: str) -> bool:
        """In text without blank lines nothing marks a box's end: after its first item, the box ends
        at the first paragraph not shaped like an item (numbered, or a short name before a colon)."""
        scope = self.scope()
        if self.breaks or scope is None or scope.kind != "box" or scope.paragraphs == 0:
            return False
        return not (_ITEM_START.match(text) or _item_name(text))

    def clause(self, block: Block, text: str) -> None:
        number = chinese_number(block.number)
        level = LEVEL[block.kind]
        slug = self.slug_for(block.kind, number, level)
        body = _CLAUSE_NUMBER.sub("", text, count=1)
        end = body.find("。")
        title = body[:end] if 0 < end <= 40 else ""
        if end < 0 and len(block.lines) == 1 and len(body) <= 40 and not re.search(r"[，；：！？]", body):
            title = body  # "（一）加强组织领导" alone in its paragraph (a Word heading): a heading, its body follows
        heading = f"（{block.number}）{title}" if block.kind == "clause" else f"第{block.number}条 {title}".strip()
        self.open(block.kind, block.number, title, heading, slug, heading, level)
        self.box_open = False
        # "（三）发展形势。" alone on its line is a heading whose body follows in paragraphs.
        kind = Kind.HEADING if block.kind == "clause" and title and body.rstrip("。") == title else Kind.CLAUSE
        self.emit(kind, heading, text, slug, path=self.path()[:-1])

    def table(self, block: Block, note: str) -> None:
        scope = self.scope()
        label = scope.label if scope else f"表{block.number}"
        slug = scope.slug if scope else f"table{block.number}"
        parsed: Table = parse_table(block.lines, note)
        if parsed.header_text:
            self.emit(Kind.HEADING, f"{label} 表头", parsed.header_text, f"{slug}/head")
        for row in parsed.rows:
            self.emit(
                Kind.TABLE_ROW,
                f"表{block.number} 第{row.number}项 {row.name}".strip(),
                row.text,
                f"{slug}/r{row.number}",
                sentence=row.sentence(f"表{block.number}"),
            )


def _item_name(text: str) -> str:
    """The name in front of a box item's colon ("南京市：…" -> "南京市"), numbering dropped."""
    head = re.split(r"[：:]", text, maxsplit=1)[0]
    if len(head) == len(text) or len(head) > 20:
        return ""
    return _ITEM_START.sub("", head).strip()


def parse_document(spec: DocumentSpec, raw: str) -> ParsedDocument:
    """Repairs and structures one document.

    Args:
        spec: the document's manifest entry.
        raw: its text as read from disk.

    Returns:
        The repaired text, its units (in order, each text[start:end]) and its heading tree.
    """
    builder = _Builder(spec)
    lines = physical_lines(raw)
    builder.breaks = any(line.blank for line in lines)
    found = blocks(lines)
    for index, block in enumerate(found):
        if block.kind == "table_body":
            following = found[index + 1] if index + 1 < len(found) else None
            note = (
                join_lines([line.text for line in following.lines])
                if following and following.kind == "paragraph" and _NOTE_START.match(following.lines[0].text)
                else ""
            )
            builder.table(block, note)
        elif block.kind in STANDALONE:
            builder.heading(block)
        else:
            builder.paragraph(block)
    return ParsedDocument(
        spec=spec, text="".join(builder.text_parts), units=tuple(builder.units), tree=tuple(n.freeze() for n in builder.roots)
    )
