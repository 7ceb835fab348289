"""Metrics: pure functions that score one question's ranked units or reply against its gold item.

Evidence and keys are compared with all white space removed. A unit covers an evidence group
when its rendered sentence (`body`) or its exact text contains one of the group's alternatives,
so that a table row matches both "2025年目标 60%" and the printed cells "25 60".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from ..corpus.repair import squeeze
from ..records import Citation, Unit

_MARKER = re.compile(r"\[(\d+)\]")
#: Footnote marks a printed table puts after a cell ("工业遗产保护利用*": a five-year total); a gold
#: file copied from the printed page may leave them out.
_FOOTNOTE = re.compile(r"[*＊※]")

Groups = Sequence[Sequence[str]]


def printed_cells(unit: Unit) -> str:
    """A table row's cells in printed order without footnote marks, squeezed; "" for other units."""
    return squeeze(_FOOTNOTE.sub("", unit.text)) if unit.kind == "table_row" else ""


def unit_forms(unit: Unit) -> tuple[str, ...]:
    """The squeezed forms of a unit that evidence is looked for in: its body, its text, and a table
    row's printed cells without footnote marks (each only when different)."""
    return tuple(dict.fromkeys(form for form in (squeeze(unit.body), squeeze(unit.text), printed_cells(unit)) if form))


def groups_covered(forms: Sequence[str], groups: Groups) -> frozenset[int]:
    """Indexes (0-based) of the evidence groups that one unit covers.

    Args:
        forms: the unit's text forms (see unit_forms); squeezed here again, so raw text is fine.
        groups: evidence groups, each a list of alternative substrings.

    Returns:
        The groups with an alternative contained in one of the forms.
    """
    squeezed = [squeeze(form) for form in forms]
    return frozenset(
        index for index, group in enumerate(groups) if any(squeeze(alt) and squeeze(alt) in form for alt in group for form in squeezed)
    )


def first_rank_per_group(ranked: Sequence[Sequence[str]], groups: Groups) -> tuple[int | None, ...]:
    """For each evidence group, the 1-based rank of the first unit that covers it.

    Args:
        ranked: the forms of each ranked unit, best first.
        groups: the item's evidence groups.

    Returns:
        One rank per group, None where no ranked unit covers the group.
    """
    first: list[int | None] = [None] * len(groups)
    for rank, forms in enumerate(ranked, start=1):
        for index in groups_covered(forms, groups):
            if first[index] is None:
                first[index] = rank
    return tuple(first)


def recall_at(first_ranks: Sequence[int | None], k: int) -> float:
    """Fraction of evidence groups covered within the top k (0.0 for an item without groups)."""
    if not first_ranks:
        return 0.0
    return sum(1 for rank in first_ranks if rank is not None and rank <= k) / len(first_ranks)


def mrr_at(first_ranks: Sequence[int | None], k: int = 10) -> float:
    """Reciprocal rank of the first unit covering any group, 0.0 if none does within the top k."""
    ranks = [rank for rank in first_ranks if rank is not None and rank <= k]
    return 1.0 / min(ranks) if ranks else 0.0


def ndcg_at(first_ranks: Sequence[int | None], k: int = 10) -> float:
    """nDCG@k with binary gains: a unit is relevant when it covers a group not covered above it.

    The ideal ranking has min(#groups, k) relevant units at the top. A unit that covers two groups
    at once counts once, so such an item cannot reach 1.0; the ceiling is the same for every
    configuration, which keeps comparisons fair.
    """
    if not first_ranks:
        return 0.0
    relevant = {rank for rank in first_ranks if rank is not None and rank <= k}
    dcg = sum(1.0 / math.log2(rank + 1) for rank in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(first_ranks), k) + 1))
    return dcg / ideal


def average_precision(first_ranks: Sequence[int | None], k: int = 10) -> float:
    """AP@k over evidence groups: at each unit that covers a group not covered above it, the precision so
    far, summed and divided by the number of groups (the same relevant units as ndcg_at)."""
    if not first_ranks:
        return 0.0
    relevant = sorted({rank for rank in first_ranks if rank is not None and rank <= k})
    return sum(found / rank for found, rank in enumerate(relevant, start=1)) / len(first_ranks)


def precision_at(relevant: Sequence[bool], k: int) -> float:
    """Fraction of the top k places holding a unit that covers some evidence group (missing places count as misses)."""
    return sum(1 for flag in relevant[:k] if flag) / k


def chars_at(bodies: Sequence[str], k: int = 5) -> int:
    """Characters a reader (or an LLM) gets from the top k units: the context size."""
    return sum(len(body) for body in bodies[:k])


def strip_markers(answer: str) -> str:
    """The answer without its [n] citation markers."""
    return _MARKER.sub("", answer)


def markers(answer: str) -> list[int]:
    """The numbers of the [n] markers in an answer, in order of appearance."""
    return [int(number) for number in _MARKER.findall(answer)]


def keys_found(answer: str, keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Splits the keys into those the answer contains and those it misses.

    Args:
        answer: the reply text; its [n] markers are removed first.
        keys: gold keys, each "A|B" accepting either alternative.

    Returns:
        (found, missing), each in the keys' order.
    """
    text = squeeze(strip_markers(answer))
    found: list[str] = []
    missing: list[str] = []
    for key in keys:
        forms = [squeeze(form) for form in key.split("|")]
        (found if any(form and form in text for form in forms) else missing).append(key)
    return tuple(found), tuple(missing)


def key_coverage(answer: str, keys: Sequence[str]) -> float:
    """Fraction of keys found in the answer (0.0 when there are no keys)."""
    found, _ = keys_found(answer, keys)
    return len(found) / len(keys) if keys else 0.0


def citation_recall(citations: Iterable[Citation], groups: Groups) -> float:
    """Fraction of evidence groups covered by the cited units (0.0 when there are no groups)."""
    if not groups:
        return 0.0
    covered: set[int] = set()
    for citation in citations:
        covered |= groups_covered(unit_forms(citation.unit), groups)
    return len(covered) / len(groups)


def citation_precision(citations: Sequence[Citation], groups: Groups) -> float | None:
    """Fraction of cited units that contain any gold evidence alternative; None without citations."""
    if not citations:
        return None
    return sum(1 for citation in citations if groups_covered(unit_forms(citation.unit), groups)) / len(citations)


def quote_is_faithful(citation: Citation) -> bool:
    """True when the quote is a non-empty verbatim substring of its unit's body or text."""
    quote = citation.quote
    return bool(quote.strip()) and (quote in citation.unit.body or quote in citation.unit.text)


def quote_faithfulness(citations: Sequence[Citation]) -> float | None:
    """Fraction of citations whose quote is verbatim in its unit; None without citations."""
    if not citations:
        return None
    return sum(1 for citation in citations if quote_is_faithful(citation)) / len(citations)


def markers_valid(answer: str, citations: Iterable[Citation]) -> bool:
    """True when every [n] in the answer refers to a listed citation (vacuously true without markers)."""
    refs = {citation.ref for citation in citations}
    return all(number in refs for number in markers(answer))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks, as numpy does.

    Raises:
        ValueError: values is empty.
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean; None for no values (a metric that is undefined for the subset)."""
    values = list(values)
    return sum(values) / len(values) if values else None
