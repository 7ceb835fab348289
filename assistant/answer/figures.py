"""Figures: the numbers a text gives, with their units and magnitudes, read alike by every intent.

"5.9万人", "92.9平方公里", "≥13000户", "60%" and a table cell under a column that names its unit
("补偿资金（万元/年） 2000") are figures; years and item numbers are not.
"""

from __future__ import annotations

import re

# A figure with its unit: "5.9万人", "92.9平方公里", "≥13000户", "60%".
UNIT = r"平方公里|公里|公顷|亩|人|户|套|处|个|家|元|吨|%|座|所|名|台|辆|间|栋|艘|架|场|批|棵"


# ... or a table cell whose column gives the unit: "补偿资金（万元/年） 2000" is 2000万元
FIGURE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?)\s*(?P<mag>万|亿)?\s*(?P<unit>{UNIT})"
    rf"|[（(](?P<cmag>万|亿)?(?P<cunit>{UNIT})(?:/[年月日户人个])?[）)]\s*(?P<cnum>\d+(?:\.\d+)?)(?![\d.])"
)


MAGNITUDE = {"": 1.0, "万": 1e4, "亿": 1e8}


def figures(text: str) -> list[tuple[float, str, str]]:
    """Every figure of a text: (value in plain units, unit, as printed)."""
    return [found for _, found in figures_at(text)]


def number(value: float) -> str:
    """A value as a person writes it: no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def amount(value: float, unit: str, magnitude: str) -> str:
    """A figure with its unit, in 万 or 亿 when the figures it came from all were ("" for plain)."""
    return f"{number(value / MAGNITUDE[magnitude])}{magnitude}{unit}"


def common_magnitude(printed: list[str]) -> str:
    """The magnitude (万, 亿) every printed figure carries, else ""."""
    return next((m for m in ("亿", "万") if all(m in p for p in printed)), "")


# The column a side of a comparison names within one row or sentence: a year, or a target against a baseline.
COLUMN = re.compile(r"(?:19|20)\d{2}年|目标|实际|现状|基期|预期")


def shared(text: str, sentence: str) -> int:
    """The length of the longest run of characters a question and a sentence share (what the operands have in common)."""
    return len(longest_shared(text, sentence))


def longest_shared(text: str, sentence: str) -> str:
    """The longest run of characters of text that occurs in sentence ("示范园区")."""
    best = ""
    for start in range(len(text)):
        size = len(best) + 1
        while start + size <= len(text) and text[start : start + size] in sentence:
            best, size = text[start : start + size], size + 1
    return best


YEAR_IN = re.compile(r"(?:19|20)\d{2}年")


def figures_at(text: str) -> list[tuple[int, tuple[float, str, str]]]:
    found = []
    for m in FIGURE.finditer(text):
        if m["num"]:
            found.append((m.start(), (float(m["num"]) * MAGNITUDE[m["mag"] or ""], m["unit"], m.group(0))))
        else:  # the value of a column that gives its unit, printed as a person would write it
            magnitude = m["cmag"] or ""
            found.append((m.start("cnum"), (float(m["cnum"]) * MAGNITUDE[magnitude], m["cunit"], f"{m['cnum']}{magnitude}{m['cunit']}")))
    return found
