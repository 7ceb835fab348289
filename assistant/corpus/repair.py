"""Text: undo what PDF-to-text extraction did to a document (line wraps, page marks, stray spaces)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# "— 19 —", "- 19 -", "第 19 页": page numbers printed in the running text.
PAGE_NUMBER = re.compile(r"^\s*(?:[—–\-－]+\s*\d+\s*[—–\-－]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$")
SENTENCE_END = tuple("。；：！？”’）)」』…")
FULL_LINE = 0.8  # a printed line this share of the page width or wider was wrapped, not ended
# An extraction "doubles" its lines (an empty line after each) when this share of the lines is
# followed by an empty one and this share of those is wrapped mid-sentence at full width.
DOUBLED_LINES = 0.8
DOUBLED_WRAPPED = 0.3
# Text whose lines are paragraphs (Word's "plain text", one paragraph a line): at least this share of
# its lines that are not headings or table rows end a sentence. Wrapped text ends far fewer (the
# shipped plans: 16–17%; Word-style text and the PDF reader's output: 86% and more).
LINE_PARAGRAPHS = 0.6
_WS = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[0-9A-Za-z%‰.+\-/°·]")


@dataclass(frozen=True)
class Line:
    """One printed line of a document, stripped, with what its raw form said about layout."""

    text: str
    number: int  # 1-based line number in the raw file
    marked_end: bool  # the raw line ended with a space (a paragraph or cell end in some extractions)
    blank: bool = False  # an empty or whitespace-only line that stands for a paragraph break


def display_width(text: str) -> int:
    """Width in half-width columns: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def normalise_spaces(text: str) -> str:
    """Removes white space except a single space between two ASCII words ("ICT 等" -> "ICT等")."""

    def keep(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before and after and _ASCII_WORD.match(before) and _ASCII_WORD.match(after):
            return " "
        return ""

    return _WS.sub(keep, text).strip()


def squeeze(text: str) -> str:
    """The text with all white space removed: how evidence and quotes are compared."""
    return _WS.sub("", text)


def physical_lines(raw: str) -> list[Line]:
    """Splits raw text into printed lines, dropping page numbers and extraction blank lines.

    Extractions that print an empty line after every line are detected (nearly every line is
    followed by an empty one, and many of those lines are wrapped mid-sentence at full width);
    in them an empty line means nothing and only a whitespace-only line marks a break. Elsewhere,
    as in text with one paragraph per line and blank lines between (Word, markdown, typed text),
    an empty line is a paragraph break.

    Args:
        raw: the document as read.

    Returns:
        The lines in order; consecutive breaks are collapsed into one blank Line.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", "  ").replace("\ufeff", "")
    rows = raw.split("\n")
    texts = [i for i, row in enumerate(rows) if row.strip()]
    followed = [rows[i].strip() for i in texts if i + 1 < len(rows) and rows[i + 1] == ""]
    width = usual_width([display_width(rows[i].strip()) for i in texts])
    wrapped = sum(1 for text in followed if not text.endswith(SENTENCE_END) and display_width(text) >= FULL_LINE * width)
    doubled = bool(texts) and len(followed) >= DOUBLED_LINES * len(texts) and wrapped >= DOUBLED_WRAPPED * len(followed)

    lines: list[Line] = []
    for number, row in enumerate(rows, start=1):
        if not row.strip():
            is_break = bool(row) if doubled else True
            if is_break and lines and not lines[-1].blank:
                lines.append(Line("", number, marked_end=True, blank=True))
            continue
        if PAGE_NUMBER.match(row):
            continue
        lines.append(Line(row.strip(), number, marked_end=row != row.rstrip()))
    while lines and lines[-1].blank:
        lines.pop()
    while lines and lines[0].blank:
        lines.pop(0)
    return lines


def page_width(lines: list[Line]) -> int:
    """The usual width of a full printed line (the most common of the wider widths)."""
    return usual_width([display_width(line.text) for line in lines if not line.blank])


def usual_width(widths: list[int]) -> int:
    """The most common of the wider half of some line widths (0 for none)."""
    widths = sorted(widths)
    if not widths:
        return 0
    upper = widths[len(widths) // 2 :]
    counts: dict[int, int] = {}
    for width in upper:
        counts[width] = counts.get(width, 0) + 1
    return max(counts, key=lambda width: (counts[width], width))


def join_lines(parts: list[str]) -> str:
    """Joins wrapped lines of one paragraph and normalises spaces.

    A break between two ASCII words ("the" / "plan") becomes a space; any other break vanishes.
    """
    joined = ""
    for part in parts:
        if joined and _ASCII_WORD.match(joined[-1]) and _ASCII_WORD.match(part[0]) and joined[-1].isalpha() and part[0].isalpha():
            joined += " "
        joined += part
    return normalise_spaces(joined)
