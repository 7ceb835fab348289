"""Evaluation: runs retrieval configurations and the answer pipeline over a gold set, scores them, gates on thresholds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import metrics
from .config import Settings
from .errors import ThresholdsError
from .gold import GoldItem, load_gold
from .records import Hit, Reply

__all__ = [
    "DEFAULT_GOLD",
    "DEFAULT_OUT",
    "Answered",
    "ItemResult",
    "Ranking",
    "Report",
    "check_thresholds",
    "load_gold",
    "load_thresholds",
    "main_eval",
    "run_evaluation",
    "summarise",
]

DEFAULT_GOLD = Path("eval/gold.jsonl")
DEFAULT_OUT = Path("eval/reports/latest")
#: Thresholds are read from this file next to the gold file, when it exists.
THRESHOLDS_FILE = "thresholds.json"
#: A threshold named "<metric>_max" is an upper bound on <metric>; any other name is a lower bound.
MAX_SUFFIX = "_max"
CONFIG_ORDER = ("bm25", "dense", "hybrid", "baseline")
DEPTH = 10  # ranks scored for MRR and nDCG; retrievers return at least this many hits
CONTEXT_K = 5  # the top units whose size is reported as chars@5 and listed in predictions
BATCH = 32  # queries per retriever call, so that the progress bar moves

SearchFn = Callable[[list[str]], list[list[Hit]]]


class Asker(Protocol):
    """What the evaluation needs of `assistant.answer.Assistant`."""

    def ask(self, question: str, history: list[str] | None = None, doc: str | None = None) -> Reply: ...

    def resolve(self, question: str, history: Sequence[str]) -> str: ...


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
    """The outcome of run_evaluation; `metrics` holds the headline numbers by name ("hybrid/recall@5")."""

    metrics: Mapping[str, float]
    by_config: Mapping[str, Mapping[str, float]]
    by_type: Mapping[str, Mapping[str, float]]
    by_doc: Mapping[str, Mapping[str, float]]
    run: Mapping[str, Any]
    results: tuple[ItemResult, ...]
    configs: tuple[str, ...]
    ks: tuple[int, ...]
    out_dir: Path

    @property
    def primary(self) -> str:
        """The configuration failures are judged by: hybrid when it ran, else the first one."""
        return "hybrid" if "hybrid" in self.configs else (self.configs[0] if self.configs else "")


def run_evaluation(
    gold_items: Sequence[GoldItem],
    retrievers: Mapping[str, SearchFn],
    assistant: Asker | None,
    out_dir: Path,
    ks: Sequence[int] = (1, 3, 5, 10),
    progress: bool = True,
    gold_path: Path | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Report:
    """Scores every retrieval configuration and the answer pipeline, and writes the report.

    Args:
        gold_items: the gold set (see load_gold).
        retrievers: configuration name -> f(queries) returning the top 10 hits per query.
        assistant: answers each question (and resolves follow-ups); None skips answer metrics.
        out_dir: where report.md, report.json, predictions.jsonl and the charts go (created).
        ks: the cut-offs of recall@k.
        progress: show tqdm progress bars on stderr.
        gold_path: the gold file, recorded with its sha256 in the run info.
        clock: seconds, for timing each answer (a fake one in tests).

    Returns:
        The report; its files are in out_dir.
    """
    from tqdm import tqdm

    from .report import write_report

    items = list(gold_items)
    ks = tuple(sorted(set(ks)))
    configs = tuple(sorted(retrievers, key=lambda name: (CONFIG_ORDER.index(name) if name in CONFIG_ORDER else len(CONFIG_ORDER), name)))
    queries = [_query(item, assistant) for item in items]

    rankings: list[list[Ranking]] = [[] for _ in items]
    for config in configs:
        with tqdm(total=len(items), desc=f"search {config}", unit="q", disable=not progress, file=sys.stderr) as bar:
            for start in range(0, len(items), BATCH):
                batch = queries[start : start + BATCH]
                hit_lists = retrievers[config](batch)
                if len(hit_lists) != len(batch):
                    raise ValueError(f"retriever {config!r} returned {len(hit_lists)} hit lists for {len(batch)} queries")
                for offset, hits in enumerate(hit_lists):
                    rankings[start + offset].append(_rank(config, items[start + offset], hits))
                bar.update(len(batch))

    answers: list[Answered | None] = [None] * len(items)
    if assistant is not None:
        for index, item in enumerate(tqdm(items, desc="answer", unit="q", disable=not progress, file=sys.stderr)):
            started = clock()
            reply = assistant.ask(item.question, history=list(item.history))
            answers[index] = _score_reply(item, reply, (clock() - started) * 1000)

    results = tuple(
        ItemResult(item, query, tuple(ranks), answer) for item, query, ranks, answer in zip(items, queries, rankings, answers, strict=True)
    )
    headline = summarise(results, configs, ks)
    report = Report(
        metrics=headline,
        by_config={
            config: {name.split("/", 1)[1]: value for name, value in headline.items() if name.startswith(f"{config}/")}
            for config in configs
        },
        by_type=_breakdown(results, configs, ks, lambda item: item.type),
        by_doc=_breakdown(results, configs, ks, lambda item: item.doc or "unspecified"),
        run=_run_info(items, configs, ks, assistant is not None, gold_path),
        results=results,
        configs=configs,
        ks=ks,
        out_dir=Path(out_dir),
    )
    write_report(report, Path(out_dir))
    return report


def _query(item: GoldItem, assistant: Asker | None) -> str:
    if not item.history:
        return item.question
    if assistant is not None:
        return assistant.resolve(item.question, list(item.history))
    return " ".join([*item.history, item.question])


def _rank(config: str, item: GoldItem, hits: Sequence[Hit]) -> Ranking:
    units = [hit.unit for hit in hits]
    return Ranking(
        config=config,
        ids=tuple(unit.id for unit in units),
        first_ranks=metrics.first_rank_per_group([metrics.unit_forms(unit) for unit in units], item.evidence),
        chars=metrics.chars_at([unit.body for unit in units], CONTEXT_K),
    )


def _score_reply(item: GoldItem, reply: Reply, latency_ms: float) -> Answered:
    found, missing = metrics.keys_found(reply.answer, item.keys)
    return Answered(
        reply=reply,
        latency_ms=latency_ms,
        keys_found=found,
        keys_missing=missing,
        citation_recall=metrics.citation_recall(reply.citations, item.evidence),
        citation_precision=metrics.citation_precision(reply.citations, item.evidence),
        quote_faithfulness=metrics.quote_faithfulness(reply.citations),
        markers_valid=metrics.markers_valid(reply.answer, reply.citations),
    )


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


def _breakdown(
    results: Sequence[ItemResult], configs: Sequence[str], ks: Sequence[int], key: Callable[[GoldItem], str]
) -> dict[str, dict[str, float]]:
    groups: dict[str, list[ItemResult]] = {}
    for result in results:
        groups.setdefault(key(result.item), []).append(result)
    return {name: {"items": len(members), **summarise(members, configs, ks)} for name, members in groups.items()}


def _run_info(
    items: Sequence[GoldItem], configs: Sequence[str], ks: Sequence[int], answered: bool, gold_path: Path | None
) -> dict[str, Any]:
    def counts(values: list[str]) -> dict[str, int]:
        return {value: values.count(value) for value in dict.fromkeys(values)}

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "gold": str(gold_path) if gold_path is not None else None,
        "gold_sha256": hashlib.sha256(Path(gold_path).read_bytes()).hexdigest() if gold_path is not None else None,
        "items": len(items),
        "answerable": sum(1 for item in items if item.answerable),
        "unanswerable": sum(1 for item in items if not item.answerable),
        "by_type": counts([item.type for item in items]),
        "by_doc": counts([item.doc or "unspecified" for item in items]),
        "configs": list(configs),
        "ks": list(ks),
        "answers": answered,
    }


def load_thresholds(path: Path) -> dict[str, float]:
    """Reads a thresholds file: {"hybrid/recall@5": 0.9, "answer/false_refusal_rate_max": 0.05, ...}.

    Names ending in "_max" are upper bounds on the metric named without the suffix; the others are
    lower bounds. Names starting with "_" are comments.

    Raises:
        ThresholdsError: the file is missing, not JSON, or a value is not a number.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdsError(f"The thresholds file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ThresholdsError(f"The thresholds file {path} is not valid JSON ({error}); fix it and run again.") from None
    if not isinstance(data, dict):
        raise ThresholdsError(f"The thresholds file {path} must hold one JSON object of metric name -> number.")
    thresholds: dict[str, float] = {}
    for name, value in data.items():
        if name.startswith("_"):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ThresholdsError(f"The thresholds file {path}: {name!r} must be a number, got {value!r}.")
        thresholds[name] = float(value)
    return thresholds


def check_thresholds(report: Report | Mapping[str, float], thresholds: Mapping[str, float]) -> list[str]:
    """One sentence per metric on the wrong side of its threshold (or missing from the report).

    Args:
        report: a Report, or its metrics mapping.
        thresholds: metric name -> minimum; "<metric>_max" -> maximum.

    Returns:
        The failures in the thresholds' order; empty when the gate passes.
    """
    values = report.metrics if isinstance(report, Report) else report
    failures: list[str] = []
    for name, limit in thresholds.items():
        is_max = name.endswith(MAX_SUFFIX)
        metric = name[: -len(MAX_SUFFIX)] if is_max else name
        if metric not in values:
            failures.append(f"{metric} is not in the report, so its threshold {_number(limit)} cannot be checked.")
        elif is_max and values[metric] > limit:
            failures.append(f"{metric} is {_number(values[metric])}, above the maximum {_number(limit)}.")
        elif not is_max and values[metric] < limit:
            failures.append(f"{metric} is {_number(values[metric])}, below the threshold {_number(limit)}.")
    return failures


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def main_eval(settings: Settings, gold: Path | None, out: Path | None, quiet: bool) -> int:
    """`assistant eval`: evaluates the built index and the assistant on a gold set.

    Thresholds are read from thresholds.json next to the gold file when there is one.

    Args:
        settings: the assistant Settings.
        gold: the gold file (default eval/gold.jsonl).
        out: the report folder (default eval/reports/latest).
        quiet: no progress bars.

    Returns:
        0 when every threshold holds, 1 when some does not (each failure printed on stderr).

    Raises:
        GoldFileError, ThresholdsError, and the index / corpus errors of loading the assistant.
    """
    from .answer import Assistant
    from .baseline import BaselineRetriever
    from .documents import load_corpus
    from .report import headline_text

    gold = Path(gold) if gold is not None else DEFAULT_GOLD
    out = Path(out) if out is not None else DEFAULT_OUT
    items = load_gold(gold, load_corpus(settings.corpus_dir))
    thresholds_path = gold.parent / THRESHOLDS_FILE
    thresholds = load_thresholds(thresholds_path) if thresholds_path.is_file() else {}

    assistant = Assistant.load(settings)
    retriever = assistant.retriever
    baseline = BaselineRetriever.from_corpus(settings.corpus_dir)
    retrievers: dict[str, SearchFn] = {
        mode: (lambda queries, mode=mode: retriever.search_batch(queries, k=DEPTH, mode=mode)) for mode in ("bm25", "dense", "hybrid")
    }
    retrievers["baseline"] = lambda queries: baseline.search_batch(queries, DEPTH)
    report = run_evaluation(items, retrievers, assistant, out, progress=not quiet, gold_path=gold)

    failures = check_thresholds(report, thresholds)
    print(headline_text(report))
    if thresholds:
        print(f"Thresholds: {len(thresholds) - len(failures)} of {len(thresholds)} met ({thresholds_path}).")
    print(f"Report: {out / 'report.md'}")
    for failure in failures:
        print(f"assistant: threshold not met: {failure}", file=sys.stderr)
    return 1 if failures else 0
