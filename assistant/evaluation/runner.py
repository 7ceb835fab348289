"""Runner: runs retrieval configurations and the answer pipeline over a gold set and scores them.

It returns a `Report`; writing it (report.py) and gating on thresholds (gate.py) are the caller's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..answer.conversation import Resolution
from ..records import Hit, Reply
from . import metrics
from .gold import GoldItem
from .results import CONFIG_ORDER, CONTEXT_K, DEPTH, Answered, ItemResult, Ranking, Report, breakdown, summarise

if TYPE_CHECKING:
    from ..answer.assistant import Assistant
    from ..search.baseline import BaselineRetriever
    from ..search.fusion import Fusion

DEFAULT_GOLD = Path("eval/gold.jsonl")
DEFAULT_OUT = Path("eval/reports/latest")
BATCH = 32  # queries per retriever call, so that the progress bar moves

SearchFn = Callable[[list[str]], list[list[Hit]]]


class Asker(Protocol):
    """What the evaluation needs of `assistant.answer.Assistant`."""

    def ask(self, question: str, history: list[str] | None = None, doc: str | None = None) -> Reply: ...

    def resolve(self, question: str, history: Sequence[str]) -> Resolution: ...


def configurations(
    assistant: Assistant, baseline: BaselineRetriever | None, names: Sequence[str] | None = None, fusion: Fusion | None = None
) -> dict[str, SearchFn]:
    """The retrieval configurations an evaluation compares, each returning the top DEPTH hits per query.

    `bm25`, `dense` and `hybrid` are the plain retrievers; `hybrid+steering` is what the assistant
    searches with (hybrid with the question-intent rules on top); `baseline` is the usual LangChain recipe.

    Args:
        assistant: its retriever is searched (its core for the plain modes).
        baseline: the LangChain recipe; None when `baseline` is not asked for.
        names: the configurations to run, in the order to report them (all of CONFIG_ORDER when None).
        fusion: hybrid weights other than the assistant's own (the plain and the steered hybrid use them).

    Raises:
        AssistantError: an unknown configuration name, or `baseline` without a baseline retriever.
    """
    from ..errors import AssistantError

    names = list(CONFIG_ORDER if names is None else names)
    unknown = [name for name in names if name not in CONFIG_ORDER]
    if unknown:
        raise AssistantError(f"Unknown configuration {unknown[0]!r}; choose from {', '.join(CONFIG_ORDER)}.")
    steered, core = assistant.retriever, assistant.retriever.core
    if fusion is not None:
        from ..search.retriever import Retriever
        from ..search.steering import SteeredRetriever

        core = Retriever(core.index, fusion)
        steered = SteeredRetriever(core)
    found: dict[str, SearchFn] = {
        mode: (lambda queries, mode=mode: core.search_batch(queries, k=DEPTH, mode=mode)) for mode in ("bm25", "dense", "hybrid")
    }
    found["hybrid+steering"] = lambda queries: steered.search_batch(queries, k=DEPTH)
    if baseline is not None:
        found["baseline"] = lambda queries: baseline.search_batch(queries, DEPTH)
    elif "baseline" in names:
        raise AssistantError("The baseline configuration needs the baseline retriever.")
    return {name: found[name] for name in dict.fromkeys(names)}


def run_evaluation(
    gold_items: Sequence[GoldItem],
    retrievers: Mapping[str, SearchFn],
    assistant: Asker | None,
    ks: Sequence[int] = (1, 3, 5, 10),
    progress: bool = True,
    gold_path: Path | None = None,
    clock: Callable[[], float] = time.perf_counter,
    keep_order: bool = False,
    resolver: Asker | None = None,
) -> Report:
    """Scores every retrieval configuration and the answer pipeline (report.write_report writes the result).

    Args:
        gold_items: the gold set (see load_gold).
        retrievers: configuration name -> f(queries) returning the top 10 hits per query.
        assistant: answers each question (and resolves follow-ups); None skips answer metrics.
        ks: the cut-offs of recall@k.
        progress: show tqdm progress bars on stderr.
        gold_path: the gold file, recorded with its sha256 in the run info.
        clock: seconds, for timing each answer (a fake one in tests).
        resolver: resolves follow-ups when `assistant` is None (retrieval only), so that the
            configurations search what the assistant would; without either, history is joined.
        keep_order: report the configurations in `retrievers`' order (the first is what differences
            are taken against) instead of CONFIG_ORDER.

    Returns:
        The report.
    """
    items = list(gold_items)
    ks = tuple(sorted(set(ks)))
    configs = tuple(retrievers)
    if not keep_order:
        configs = tuple(sorted(configs, key=lambda name: (CONFIG_ORDER.index(name) if name in CONFIG_ORDER else len(CONFIG_ORDER), name)))
    queries = [_query(item, assistant or resolver) for item in items]
    per_config = [_rankings(config, retrievers[config], items, queries, progress) for config in configs]
    answers = _answers(items, assistant, progress, clock) if assistant is not None else [None] * len(items)
    ranks = [tuple(config_rankings[i] for config_rankings in per_config) for i in range(len(items))]
    results = tuple(ItemResult(*parts) for parts in zip(items, queries, ranks, answers, strict=True))
    headline = summarise(results, configs, ks)
    return Report(
        metrics=headline,
        by_config={
            config: {name.split("/", 1)[1]: value for name, value in headline.items() if name.startswith(f"{config}/")}
            for config in configs
        },
        by_type=breakdown(results, configs, ks, lambda item: item.type),
        by_doc=breakdown(results, configs, ks, lambda item: item.doc or "unspecified"),
        run=_run_info(items, configs, ks, assistant is not None, gold_path),
        results=results,
        configs=configs,
        ks=ks,
    )


def _rankings(config: str, search: SearchFn, items: list[GoldItem], queries: list[str], progress: bool) -> list[Ranking]:
    """One configuration's ranking of every item, searched in batches."""
    from tqdm import tqdm

    rankings: list[Ranking] = []
    with tqdm(total=len(items), desc=f"search {config}", unit="q", disable=not progress, file=sys.stderr) as bar:
        for start in range(0, len(items), BATCH):
            batch = queries[start : start + BATCH]
            hit_lists = search(batch)
            if len(hit_lists) != len(batch):
                raise ValueError(f"retriever {config!r} returned {len(hit_lists)} hit lists for {len(batch)} queries")
            rankings.extend(_rank(config, items[start + offset], hits) for offset, hits in enumerate(hit_lists))
            bar.update(len(batch))
    return rankings


def _answers(items: list[GoldItem], assistant: Asker, progress: bool, clock: Callable[[], float]) -> list[Answered | None]:
    """Every item's reply, timed and scored."""
    from tqdm import tqdm

    answers: list[Answered | None] = []
    for item in tqdm(items, desc="answer", unit="q", disable=not progress, file=sys.stderr):
        started = clock()
        reply = assistant.ask(item.question, history=list(item.history))
        answers.append(_score_reply(item, reply, (clock() - started) * 1000))
    return answers


def _query(item: GoldItem, assistant: Asker | None) -> str:
    """What every configuration searches for an item: the question as the assistant reads it (a follow-up
    resolved, traditional characters folded, an English question read as Chinese), as `assistant search` does."""
    if assistant is not None:
        return assistant.resolve(item.question, list(item.history)).query
    return " ".join([*item.history, item.question]) if item.history else item.question


def _rank(config: str, item: GoldItem, hits: Sequence[Hit]) -> Ranking:
    units = [hit.unit for hit in hits]
    forms = [metrics.unit_forms(unit) for unit in units]
    return Ranking(
        config=config,
        ids=tuple(unit.id for unit in units),
        first_ranks=metrics.first_rank_per_group(forms, item.evidence),
        chars=metrics.chars_at([unit.body for unit in units], CONTEXT_K),
        scores=tuple(float(hit.score) for hit in hits),
        relevant=tuple(bool(metrics.groups_covered(unit_forms, item.evidence)) for unit_forms in forms),
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
