"""Results: what an evaluation measured — per item and configuration — and the metrics summed over them.

The one data shape of the evaluation: `ItemResult`s in, metric names like `hybrid+steering/recall@5`
out, per type and per document as well.
"""

from __future__ import annotations

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


def summarise(results: Sequence[ItemResult], configs: Sequence[str], ks: Sequence[int]) -> dict[str, float]:
    """The metrics over a set of item results; a metric with nothing to average over is left out.

    Retrieval and citation metrics average over answerable items, key metrics over those with keys; refusal accuracy
    over unanswerable ones; quote faithfulness over replies with citations; latency over all replies.
    """
    answerable = [result for result in results if result.item.answerable]
    out: dict[str, float | None] = {}
    for config in configs:
        ranks = [ranking for result in answerable if (ranking := result.ranking(config)) is not None]
        for k in ks:
            out[f"{config}/recall@{k}"] = metrics.mean(metrics.recall_at(r.first_ranks, k) for r in ranks)
        out[f"{config}/mrr@{DEPTH}"] = metrics.mean(metrics.mrr_at(r.first_ranks, DEPTH) for r in ranks)
        out[f"{config}/ndcg@{DEPTH}"] = metrics.mean(metrics.ndcg_at(r.first_ranks, DEPTH) for r in ranks)
        out[f"{config}/chars@{CONTEXT_K}"] = metrics.mean(r.chars for r in ranks)

    replies = [result for result in results if result.answered is not None]
    answered = [(result.item, result.answered) for result in replies if result.answered is not None]
    scored = [(item, reply) for item, reply in answered if item.answerable]
    keyed = [(item, reply) for item, reply in scored if item.keys]
    out["answer/key_coverage"] = metrics.mean(len(a.keys_found) / len(item.keys) for item, a in keyed)
    out["answer/all_keys"] = metrics.mean(float(not a.keys_missing) for _, a in keyed)
    out["answer/followup_all_keys"] = metrics.mean(float(not a.keys_missing) for item, a in keyed if item.type == "followup")
    out["answer/citation_recall"] = metrics.mean(a.citation_recall for _, a in scored)
    out["answer/citation_precision"] = metrics.mean(a.citation_precision for _, a in scored if a.citation_precision is not None)
    out["answer/quote_faithfulness"] = metrics.mean(a.quote_faithfulness for _, a in answered if a.quote_faithfulness is not None)
    out["answer/marker_validity"] = metrics.mean(float(a.markers_valid) for _, a in answered)
    out["answer/refusal_accuracy"] = metrics.mean(float(not a.reply.found) for item, a in answered if not item.answerable)
    out["answer/false_refusal_rate"] = metrics.mean(float(not a.reply.found) for _, a in scored)
    latencies = [a.latency_ms for _, a in answered]
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


