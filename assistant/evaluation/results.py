"""Results: what an evaluation measured — per item and configuration — and the metrics summed over them.

The one data shape of the evaluation: `ItemResult`s in, metric names like `hybrid+steering/recall@5`
out, per type and per document as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..records import Reply
from . import metrics
from .gold import GoldItem

#: The configurations in the order reports show them; the primary one is what the assistant searches with.
CONFIG_ORDER = ("bm25", "dense", "hybrid", "hybrid+steering", "baseline")
PRIMARY = "hybrid+steering"
DEPTH = 10  # ranks scored for MRR and nDCG; retrievers return at least this many hits
CONTEXT_K = 5  # the top units whose size is reported as chars@5 and listed in predictions


@dataclass(frozen=True)
class Ranking:
    """What one retrieval configuration returned for one gold item."""

    config: str
    ids: tuple[str, ...]  # unit ids, best first
    first_ranks: tuple[int | None, ...]  # per evidence group: rank of the first unit covering it
    chars: int  # characters in the top CONTEXT_K units
    scores: tuple[float, ...] = ()  # the retriever's score of each unit in `ids`
    relevant: tuple[bool, ...] = ()  # per unit in `ids`: it covers some evidence group


@dataclass(frozen=True)
class Answered:
    """The reply to one gold item and how it scored."""

    reply: Reply
    latency_ms: float
    keys_found: tuple[str, ...]
    keys_missing: tuple[str, ...]
    citation_recall: float
    citation_precision: float | None  # None when nothing was cited
    quote_faithfulness: float | None
    markers_valid: bool


@dataclass(frozen=True)
class ItemResult:
    """Everything measured for one gold item."""

    item: GoldItem
    query: str  # what the retrievers searched for (a follow-up resolved)
    rankings: tuple[Ranking, ...]
    answered: Answered | None

    def ranking(self, config: str) -> Ranking | None:
        return next((ranking for ranking in self.rankings if ranking.config == config), None)


@dataclass(frozen=True)
class Report:
    """The outcome of run_evaluation; `metrics` holds the headline numbers by name ("hybrid+steering/recall@5")."""

    metrics: Mapping[str, float]
    by_config: Mapping[str, Mapping[str, float]]
    by_type: Mapping[str, Mapping[str, float]]
    by_doc: Mapping[str, Mapping[str, float]]
    run: Mapping[str, Any]
    results: tuple[ItemResult, ...]
    configs: tuple[str, ...]
    ks: tuple[int, ...]

    @property
    def primary(self) -> str:
        """The configuration failures are judged by: the assistant's own (hybrid+steering) when it ran, else the first one."""
        return PRIMARY if PRIMARY in self.configs else (self.configs[0] if self.configs else "")


def retrieval_values(ranking: Ranking, ks: Sequence[int]) -> dict[str, float]:
    """One answerable item's retrieval metrics under one configuration (names without the config prefix)."""
    values: dict[str, float] = {f"recall@{k}": metrics.recall_at(ranking.first_ranks, k) for k in ks}
    values[f"mrr@{DEPTH}"] = metrics.mrr_at(ranking.first_ranks, DEPTH)
    values[f"ndcg@{DEPTH}"] = metrics.ndcg_at(ranking.first_ranks, DEPTH)
    values[f"map@{DEPTH}"] = metrics.average_precision(ranking.first_ranks, DEPTH)
    values.update({f"precision@{k}": metrics.precision_at(ranking.relevant, k) for k in ks})
    values[f"chars@{CONTEXT_K}"] = float(ranking.chars)
    return values


def answer_values(item: GoldItem, answered: Answered) -> dict[str, float | None]:
    """One item's answer metrics; None where a metric does not apply to the item (see summarise)."""
    keyed = item.answerable and bool(item.keys)
    return {
        "answer/key_coverage": len(answered.keys_found) / len(item.keys) if keyed else None,
        "answer/all_keys": float(not answered.keys_missing) if keyed else None,
        "answer/followup_all_keys": float(not answered.keys_missing) if keyed and item.type == "followup" else None,
        "answer/yesno_verdict": _verdict_right(item, answered),
        "answer/citation_recall": answered.citation_recall if item.answerable else None,
        "answer/citation_precision": answered.citation_precision if item.answerable else None,
        "answer/quote_faithfulness": answered.quote_faithfulness,
        "answer/marker_validity": float(answered.markers_valid),
        "answer/refusal_accuracy": None if item.answerable else float(not answered.reply.found),
        "answer/false_refusal_rate": float(not answered.reply.found) if item.answerable else None,
    }


# How a reference answer opens its verdict: "是的，…", "对。…" / "不是，…", "否。…", "没有…", "不对。…".
_YES = re.compile(r"^(?:是|对|正确|属实|有|会|能|可以)")
_NO = re.compile(r"^(?:否|不|没有|未|并非|无)")


def reference_verdict(answer: str) -> str:
    """是 or 否 as a yes/no item's reference answer opens, or "" when it opens with neither."""
    text = answer.strip().lstrip("“\"")
    return "否" if _NO.match(text) else ("是" if _YES.match(text) else "")


def _verdict_right(item: GoldItem, answered: Answered) -> float | None:
    """For a yes/no item whose reference answer gives a verdict: whether the reply's direct answer is that verdict."""
    expected = reference_verdict(item.answer or "") if item.type == "yesno" else ""
    return float(answered.reply.short == expected) if expected else None


def item_values(result: ItemResult, configs: Sequence[str], ks: Sequence[int]) -> dict[str, float | None]:
    """Every headline metric's value for one item ("bm25/recall@5", "answer/all_keys"); None where it does not apply.

    Averaging these over the items where they are not None gives the headline metrics (summarise), and
    resampling them gives the bootstrap CIs.
    """
    out: dict[str, float | None] = {}
    for config in configs:
        ranking = result.ranking(config)
        if ranking is not None:
            names = retrieval_values(ranking, ks)
            out.update({f"{config}/{name}": (value if result.item.answerable else None) for name, value in names.items()})
    if result.answered is not None:
        out.update(answer_values(result.item, result.answered))
    return out


def summarise(results: Sequence[ItemResult], configs: Sequence[str], ks: Sequence[int]) -> dict[str, float]:
    """The metrics over a set of item results; a metric with nothing to average over is left out.

    Retrieval and citation metrics average over answerable items, key metrics over those with keys; refusal accuracy
    over unanswerable ones; quote faithfulness over replies with citations; latency over all replies.
    """
    per_item = [item_values(result, configs, ks) for result in results]
    names = list(dict.fromkeys(name for values in per_item for name in values))
    out = {name: metrics.mean(v for values in per_item if (v := values.get(name)) is not None) for name in names}
    latencies = [result.answered.latency_ms for result in results if result.answered is not None]
    if latencies:
        out["answer/latency_p50_ms"] = metrics.percentile(latencies, 50)
        out["answer/latency_p95_ms"] = metrics.percentile(latencies, 95)
    return {name: value for name, value in out.items() if value is not None}


def breakdown(
    results: Sequence[ItemResult], configs: Sequence[str], ks: Sequence[int], key: Callable[[GoldItem], str]
) -> dict[str, dict[str, float]]:
    groups: dict[str, list[ItemResult]] = {}
    for result in results:
        groups.setdefault(key(result.item), []).append(result)
    return {name: {"items": len(members), **summarise(members, configs, ks)} for name, members in groups.items()}


def llm_usage(results: Sequence[ItemResult]) -> dict[str, int]:
    """How the LLM writer fared, read from the replies' notices: a dead endpoint must not look like success.

    Every found reply is sent to the writer; it comes back written by the LLM (possibly with sentences
    dropped by the citation check) or falls back to the extractive answer, saying why in its notice.
    """
    from ..answer.llm import _DROPPED, DECLINED, UNAVAILABLE, UNCHECKED

    dropped = re.compile(re.escape(_DROPPED).replace(r"\{n\}", r"(\d+)"))
    replies = [result.answered.reply for result in results if result.answered is not None and result.answered.reply.found]
    out = {"sent": len(replies), "unavailable": 0, "unchecked": 0, "declined": 0, "dropped_sentences": 0}
    for reply in replies:
        for name, notice in (("unavailable", UNAVAILABLE), ("unchecked", UNCHECKED), ("declined", DECLINED)):
            out[name] += notice in reply.notice
        out["dropped_sentences"] += sum(int(n) for n in dropped.findall(reply.notice))
    out["fallbacks"] = out["unavailable"] + out["unchecked"] + out["declined"]
    out["llm_answers"] = out["sent"] - out["fallbacks"]
    return out
