"""Sums and differences: the figures of the things a question adds or compares, quoted, and the calculation shown.

The things are the parts of the question around 和、与、及、比 ("贾汪区和沛县…", "A比B多多少");
each is found in a sentence by the longest run of its words, and its figure is the first in the
asked unit after it. A difference of two years or two columns of one row reads each side's figure.
"""

from __future__ import annotations

import re
from collections import Counter

from ..records import Kind
from .analysis import ATTRIBUTES, Question
from .composition import Composed, Writer, done
from .figures import COLUMN, YEAR_IN, amount, common_magnitude, figures, figures_at, longest_shared, shared
from .question import Candidate


def arithmetic(question: Question, candidates: list[Candidate], places: list[str]) -> Composed | None:
    """A sum or difference of figures the documents give, with the figures quoted and the calculation shown.

    The things added or compared are the parts of the question around 和、与、及、比 ("贾汪区和沛县…",
    "村道拓宽比县乡道改造多多少"); each is found in a sentence by the longest run of its words, and
    its figure is the first in the asked unit after it. Without such parts, a difference takes the
    two figures of the best sentence that has two (a baseline and a target), and a sum adds the
    figures of every part of the best clause that names what is counted ("三个开发区的面积合计").
    """
    units = ("%",) if "百分点" in question.text else question.shape.units
    parts = _operands(question.text)
    firsts = [True, *[False] * len(parts)]
    terms = [_figure_for(part, first, candidates, units, question.text) for first, part in zip(firsts, parts, strict=False)]
    terms = _one_document(terms, parts, firsts, candidates, units, question.text)
    # a side that is only a year ("2025年比2020年底提高多少") names no thing: each year's figure of the asked one
    bare_year = any(len(YEAR_IN.sub("", re.sub(r"[底末初]", "", part))) < 2 for part in parts)
    if (len(terms) < 2 or not all(terms) or bare_year) and question.intent == "difference" and len(question.years) == 2:
        terms = _by_years(question, candidates, units)  # "从2020年底到2025年要提高多少": one figure per year
    if len(terms) < 2 or not all(terms):
        terms = _pair(candidates, units) if question.intent == "difference" else _listed_terms(question.text, candidates, units)
    terms = [t for t in terms if t]
    if len(terms) < 2 or len({unit for _, (_, unit, _), _ in terms}) != 1:
        return None
    if question.intent == "difference" and _same_figure(terms[0], terms[1]):
        terms = _by_columns(question, terms[0][2], units)  # both sides read one figure: the columns they name tell them apart
        if not terms:
            return None  # the parts were not told apart, and 0 would be a wrong answer
    unit = terms[0][1][1]
    magnitude = common_magnitude([printed for _, (_, _, printed), _ in terms])
    if question.intent == "difference":
        (_, first, _), (_, second, _) = terms[0], terms[1]
        result = abs(first[0] - second[0])
        shown = f"{max(first, second)[2]} − {min(first, second)[2]}"  # the larger first: "小多少" is a positive number too
        total = amount(result, "个百分点" if unit == "%" else unit, magnitude)
    else:
        shown = " + ".join(printed for _, (_, _, printed), _ in terms)
        total = amount(sum(value for _, (value, _, _), _ in terms), unit, magnitude)
    writer = Writer()
    for sentence, candidate in {c.sentence: c for _, _, c in terms}.items():
        writer.quote(candidate.unit, sentence)
    return done(total, writer, f"{shown} = {total}。依据：")


def _one_document(
    terms: list, parts: list[str], firsts: list[bool], candidates: list[Candidate], units: tuple[str, ...], text: str
) -> list:
    """The terms read again from one document when they came from several and that one names every part.

    Figures added or compared belong to one account ("方案中A、B、C三项合计"); a part whose words
    another document happens to use too is read where its fellows are.
    """
    docs = Counter(t[2].unit.doc_id for t in terms if t)
    if len(docs) < 2:
        return terms
    for doc, _ in docs.most_common():
        own = [c for c in candidates if c.unit.doc_id == doc]
        again = [_figure_for(part, first, own, units, text) for first, part in zip(firsts, parts, strict=False)]
        if all(again):
            return again
    return terms


def _column_terms(text: str, candidates: list[Candidate], units: tuple[str, ...]):
    """ "三个考核断面…合计多少万元": the asked-unit figure of every row of the best row's table, when the rows are as many as stated."""
    row = next((c for c in candidates[:3] if c.unit.kind == Kind.TABLE_ROW), None)
    stated = re.search(r"([两三四五六七八九])个", text)
    if row is None or not stated:
        return []
    rows = {c.unit.id: c for c in candidates if c.unit.kind == Kind.TABLE_ROW and c.unit.parent == row.unit.parent}
    terms = [("", found[0], c) for c in rows.values() for found in [[f for f in figures(c.sentence) if f[1] in units]] if found]
    return terms if len(terms) == _COUNT_WORDS.index(stated.group(1)) + 2 == len(rows) else []


def _same_figure(first, second) -> bool:
    """Two terms that are one figure of one sentence (the same value printed alike, from the same sentence)."""
    return first[2].sentence == second[2].sentence and first[1] == second[1]


def per_operand(question: Question, candidates: list[Candidate]) -> Composed | None:
    """ "X和Y的目标分别是多少？": each thing's figure, from the sentence that names it."""
    parts = _operands(question.text)
    if len(parts) < 2 or "分别" not in question.text:
        return None
    firsts = [True, *[False] * len(parts)]
    # the asked unit where the thing has it, else its own ("户数和工业遗产…" asks for 户 and 处)
    units = question.shape.units
    terms = [
        _figure_for(part, first, candidates, units, question.text) or _figure_for(part, first, candidates, (), question.text)
        for first, part in zip(firsts, parts, strict=False)
    ]
    if not all(terms):
        return None
    writer = Writer()
    for sentence, candidate in {c.sentence: c for _, _, c in terms}.items():
        writer.quote(candidate.unit, sentence)
    return done("、".join(printed for _, (_, _, printed), _ in terms), writer)


def _operands(text: str, tails: bool = False) -> list[str]:
    """The parts of a question that name what is added or compared (empty when it names one thing).

    With `tails`, each part keeps what it asks of its thing ("…里程的目标"), which tells apart two
    columns of one row.
    """
    asked = re.split(r"(?:一共|合计|总共|共计|加起来|相差|分别|各)?(?:要|将|需|能)?(?:多|少|高|低|大|小)?(?:多少|几)", text)[0]
    # "A比B多多少" compares two sides: a 和 inside a side belongs to its name ("供水和排水管网的目标比实际少")
    # … and "A与B相差多少" too, when one 与 (跟, 同) parts them: each side may hold a 和 of its own
    joins = next((j for j in (_THAN, _WITH) if len(j.split(asked)) == 2), _JOINS)
    # "A和B、C、D四项合计": a count the question states tells the list's 、 from a 和 inside one of its things
    stated = re.search(r"([两三四五六七八九])(?:项|个|类|处|笔|部分)", asked)
    if stated and joins is _JOINS and len(re.split(r"、", asked)) == _COUNT_WORDS.index(stated.group(1)) + 2:
        joins = re.compile(r"、")
    asked = asked[: stated.start()] + asked[stated.end() :] if stated else asked
    parts = [p.strip("，,。？? 的") for p in joins.split(asked)]
    parts = parts if tails else [_ASKED_TAIL.sub("", p) for p in parts]
    return [p for p in parts if len(p) >= 2] if len(parts) >= 2 else []


def _by_columns(question: Question, candidate: Candidate, units: tuple[str, ...]):
    """ "…的目标比实际少多少": each side's figure from after the column it names, in the one sentence both sides read."""
    sides = _operands(question.text, tails=True)
    if len(sides) != 2:
        return []
    terms = []
    for side in sides:
        named = [m.group(0) for m in COLUMN.finditer(side) if m.group(0) in candidate.sentence]
        if not named:
            return []
        rest = re.split(r"[。；]", candidate.sentence[candidate.sentence.rfind(named[-1]) :])[0]
        found = [f for f in figures(rest) if not units or f[1] in units]
        if not found:
            return []
        terms.append((named[-1], found[0], candidate))
    return [] if _same_figure(*terms) else terms


# What joins the things added or compared; the 及 of 涉及 and the 比 of 占比/比重 join nothing.
_JOINS = re.compile(r"和|与|(?<![涉以普波来危顾触])及|、|跟|同|(?<![占对相之])比(?![重例率])")


_THAN = re.compile(r"(?<![占对相之])比(?![重例率])")


_WITH = re.compile(r"与|跟|同")


_COUNT_WORDS = "两三四五六七八九"  # ... "二" reads as 两


# What a part asks of the thing it names ("贾汪区…涉及的人数"): the thing is matched in the text without it.
_ASKED_TAIL = re.compile(r"(?:(?:涉及|包括|拥有|共有)?的?(?:" + "|".join(ATTRIBUTES) + r"|户数|人口|人数|数量|规模|金额))+$")


def _figure_for(part: str, first: bool, candidates: list[Candidate], units: tuple[str, ...], text: str = ""):
    """The figure that belongs to one part: after the longest run of its words in a sentence, in the asked unit.

    The first part of "X和Y" ends in what it names ("岚山县2024年"), the later ones begin with it
    ("2025年合计…"): the run is taken from that end.
    """
    best, best_key = None, (False, 0, 0, 0)
    # the column the question asks the figure for ("2025年目标"); a bare year ("2024年和2025年合计") is a thing added
    column = re.findall(r"((?:19|20)\d{2})年(?:目标|实际|末|底)", text)[-1:]
    for order, candidate in enumerate(candidates[:30]):
        sentence = candidate.sentence
        runs = [part[i:] for i in range(len(part) - 1)] if first else [part[:i] for i in range(len(part), 1, -1)]
        run = next((r for r in runs if r in sentence), "")
        if len(run) < 2:
            continue
        for start in [m.start() for m in re.finditer(re.escape(run), sentence)]:
            rest = re.split(r"[。；]", sentence[start + len(run) :])[0]
            # "…2025年目标合计多少": the figure of the column the question names, when the sentence has it
            # a part that is itself a year ("比2020年提高多少") takes its own year's figure, not the named column's
            at = -1 if YEAR_IN.search(run) else next((rest.index(f"{y}年") for y in column if f"{y}年" in rest), -1)
            rest = rest[at:] if at >= 0 else rest
            found = [f for f in figures_at(rest) if not units or f[1][1] in units or any(u.endswith(f[1][1]) for u in units)]
            if found:
                key = (at >= 0 or not column, len(run), shared(text, sentence), -found[0][0] - order)
                if key > best_key:
                    best, best_key = (run, found[0][1], candidate), key
    return best


def _by_years(question: Question, candidates: list[Candidate], units: tuple[str, ...]):
    """The asked quantity in each of the question's two years, each from a sentence that names the year."""
    terms = []
    for year in sorted(question.years):
        best, best_key = None, (0, 0)
        for order, candidate in enumerate(candidates[:30]):
            sentence = candidate.sentence
            if f"{year}年" not in sentence:
                continue
            run = longest_shared(re.sub(r"\d{4}年底?", "", question.text), sentence)
            if len(run) < 3:
                continue
            rest = re.split(r"[。；]", sentence[sentence.find(run) + len(run) :])[0]
            # a row gives every year's figure after its name ("2020年实际 2.8%，2025年目标 3.3%"): the year's own
            rest = rest[rest.find(f"{year}年") :] if f"{year}年" in rest else rest
            found = [f for f in figures(rest) if not units or f[1] in units]
            if found and (len(run), -order) > best_key:
                best, best_key = (year, found[0], candidate), (len(run), -order)
        terms.append(best)
    return terms if all(terms) else []


def _pair(candidates: list[Candidate], units: tuple[str, ...]):
    """Two figures of the same unit in the best sentence that has them (a row's baseline and target)."""
    for candidate in candidates[:5]:
        found = [f for f in figures(candidate.sentence) if not units or f[1] in units]  # never a figure of another unit
        same = [f for f in found if f[1] == found[0][1]] if found else []
        if len(same) >= 2:
            return [("", same[0], candidate), ("", same[-1], candidate)]
    return []


def _listed_terms(text: str, candidates: list[Candidate], units: tuple[str, ...]):
    """Every figure in the asked unit of the parts of the best clause that name what the question adds up."""
    named = re.search(r"(?:几|两|三|四|五|六|七|八|九|十|\d+)个([\u4e00-\u9fff]{2,12}?)的", text)
    if not units:
        return []
    if not named:  # "各项目一共安置多少户": every figure in the asked unit of the best sentence that lists several
        for candidate in candidates[:3]:
            if candidate.unit.kind == Kind.TABLE_ROW:
                continue  # a row's figures are one indicator's baseline and target: never added together
            found = [f for f in figures(candidate.sentence) if f[1] in units]
            if len(found) >= 2:
                return [("", f, candidate) for f in found]
        return _column_terms(text, candidates, units)
    for candidate in candidates[:8]:
        parts = [p for p in re.split(r"[。；]", candidate.unit.body) if named.group(1) in p]
        found = [(p, next((f for f in figures(p) if f[1] in units), None)) for p in parts]
        terms = [("", f, Candidate(candidate.unit, p, candidate.score, candidate.rank, 0)) for p, f in found if f]
        if len(terms) >= 2:
            return terms
    return []
