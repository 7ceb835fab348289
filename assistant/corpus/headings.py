"""Headings: how Chinese plans number their headings, and the units a heading groups.

A heading is recognised by its numbering pattern (第X章, 第X节, 第X条, 一、, （一）, 专栏 N, 表 N,
前言, markdown #), never by its position. `HeadingFamilies` lists the searchable units under each
heading so that a question naming a heading ("发展原则有哪些") can be answered from all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Unit
from .repair import display_width, normalise_spaces, squeeze

NUM = "一二三四五六七八九十百零〇两"
HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("preface", re.compile(r"^(前\s*言|序\s*言|引\s*言|结\s*束\s*语)$")),
    ("chapter", re.compile(rf"^第\s*([{NUM}\d]+)\s*章\s*(.*)$")),
    ("section", re.compile(rf"^第\s*([{NUM}\d]+)\s*节\s*(.*)$")),
    ("article", re.compile(rf"^第\s*([{NUM}\d]+)\s*条\s*(.*)$")),
    ("part", re.compile(rf"^([{NUM}]+)\s*、\s*([^。]{{1,40}})$")),
    ("clause", re.compile(rf"^[（(]\s*([{NUM}]+)\s*[）)]\s*(.*)$")),
    ("box", re.compile(r"^专\s*栏\s*(\d+)\s*(.*)$")),
    ("table", re.compile(r"^表\s*(\d+)\s*(.*)$")),
    ("markdown", re.compile(r"^(#{1,4})\s+(.+)$")),
]
# Headings that stand alone on their line; clauses and articles run on into their body.
STANDALONE = {"preface", "chapter", "section", "part", "box", "table", "markdown", "title"}
LEVEL = {"preface": 1, "part": 1, "chapter": 1, "section": 2, "clause": 3, "article": 3, "box": 4, "table": 4}


def chinese_number(text: str) -> int:
    """Converts 一…九十九 (or digits) to an int; 0 when it cannot."""
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return 0
    return total + current


def heading_kind(text: str) -> tuple[str, str, str] | None:
    """Classifies a line as a heading: (kind, number, rest) or None."""
    for kind, pattern in HEADINGS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "preface":
            return kind, "", normalise_spaces(match.group(1))
        if kind == "markdown":
            return kind, str(len(match.group(1))), match.group(2).strip()
        if kind == "part" and display_width(text) > 60:
            continue
        return kind, match.group(1), match.group(2)
    return None


_HEADING_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]?\s*|^第.+?[章节条]\s*|^(专栏|表)\s*\d+\s*")


def heading_title(heading: str) -> str:
    """A heading without its numbering: "（五）发展原则" -> "发展原则", "第二节 基本原则" -> "基本原则"."""
    return _HEADING_NUMBER.sub("", heading)


@dataclass(frozen=True)
class Family:
    """The searchable units directly under one heading, in document order."""

    title: str  # the heading without its numbering and white space: "发展原则"
    path: tuple[str, ...]  # the heading path the units share
    positions: tuple[int, ...]  # the units' positions in the rows the families were made from


class HeadingFamilies:
    """Every heading of some rows with the units under it; questions find them by the heading's title."""

    def __init__(self, rows: Sequence[Unit]) -> None:
        by_path: dict[tuple[str, ...], list[int]] = {}
        for position, unit in enumerate(rows):
            if unit.path:
                by_path.setdefault(unit.path, []).append(position)
        self.families = tuple(Family(squeeze(heading_title(path[-1])), path, tuple(found)) for path, found in by_path.items())

    def named(self, question: str, min_title: int) -> list[Family]:
        """The families whose title, at least `min_title` characters long, occurs in the question (document order)."""
        wanted = squeeze(question)
        return [family for family in self.families if len(family.title) >= min_title and family.title in wanted]
