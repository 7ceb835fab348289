"""The regression gate: the suite on the shipped gold set must meet eval/thresholds.json."""

from __future__ import annotations

from pathlib import Path

from assistant.baseline import BaselineRetriever
from assistant.documents import load_corpus
from assistant.evaluation import DEPTH, check_thresholds, load_thresholds, run_evaluation
from assistant.gold import load_gold

EVAL = Path(__file__).resolve().parents[1] / "eval"


def test_the_shipped_gold_set_meets_the_thresholds(assistant, settings, tmp_path):
    items = load_gold(EVAL / "gold.jsonl", load_corpus(settings.corpus_dir))
    baseline = BaselineRetriever.from_corpus(settings.corpus_dir)
    retrievers = {
        mode: (lambda queries, mode=mode: assistant.retriever.search_batch(queries, k=DEPTH, mode=mode))
        for mode in ("bm25", "dense", "hybrid")
    }
    retrievers["baseline"] = lambda queries: baseline.search_batch(queries, DEPTH)
    report = run_evaluation(items, retrievers, assistant, tmp_path, progress=False)
    assert check_thresholds(report, load_thresholds(EVAL / "thresholds.json")) == []
    # hybrid must beat the usual recipe on both headline retrieval metrics
    metrics = report.metrics
    assert metrics["hybrid/recall@5"] > metrics["baseline/recall@5"]
    assert metrics["hybrid/mrr@10"] > metrics["baseline/mrr@10"]
    assert (tmp_path / "report.md").is_file()
