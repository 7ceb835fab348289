"""The regression gate: the suite on the shipped gold set must meet eval/thresholds.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus.manifest import load_corpus
from assistant.evaluation.gate import check_thresholds, load_thresholds
from assistant.evaluation.gold import load_gold
from assistant.evaluation.runner import configurations, run_evaluation
from assistant.search.baseline import BaselineRetriever

EVAL = Path(__file__).resolve().parents[2] / "eval"


@pytest.mark.slow
def test_the_shipped_gold_set_meets_the_thresholds(assistant, settings, tmp_path):
    items = load_gold(EVAL / "gold.jsonl", load_corpus(settings.corpus_dir))
    retrievers = configurations(assistant, BaselineRetriever.from_corpus(settings.corpus_dir))
    report = run_evaluation(items, retrievers, assistant, progress=False)
    assert check_thresholds(report, load_thresholds(EVAL / "thresholds.json")) == []
    # what the assistant searches with must beat the usual recipe on both headline retrieval metrics
    metrics = report.metrics
    assert metrics["hybrid+steering/recall@5"] > metrics["baseline/recall@5"]
    assert metrics["hybrid+steering/mrr@10"] > metrics["baseline/mrr@10"]
    assert report.configs == ("bm25", "dense", "hybrid", "hybrid+steering", "baseline")
