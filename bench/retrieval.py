"""Retrieval benchmark on the shipped corpus: build time, index size, warm search latency per mode vs the LangChain baseline.

Everything runs in one process, so the ratios against the baseline compare like with like on this
machine at this moment. Prints figures and writes bench/results/retrieval.md; asserts nothing.

    python bench/retrieval.py [--quick] [--corpus DIR] [--gold FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import ROOT, folder_size, machine, measure, megabytes, questions, ratio, table, write_result

MODES = ("bm25", "dense", "hybrid")


def run(corpus: Path, gold: Path, rounds: int, limit: int | None, out_dir: Path | None = None) -> str:
    """Measures everything and returns the report (Markdown).

    Args:
        corpus: the corpus folder.
        gold: gold questions to search for.
        rounds: timed passes over the questions (after one warm-up pass).
        limit: only the first `limit` questions (None: all).
        out_dir: where to write retrieval.md (None: bench/results).
    """
    from assistant.config import Settings
    from assistant.indexing.build import build_index
    from assistant.indexing.store import load_index
    from assistant.search.baseline import BaselineRetriever
    from assistant.search.retriever import Retriever
    from assistant.search.steering import SteeredRetriever

    items = questions(gold, limit)
    texts = [item["question"] for item in items]
    header = f"Retrieval benchmark: {corpus}, {len(texts)} questions x {rounds} rounds, warm. {machine()}."
    started = time.perf_counter()
    import sentence_transformers  # noqa: F401  (a one-off cost of the first build in a process, shown apart)

    import_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as scratch:
        settings = Settings(corpus_dir=corpus, index_dir=Path(scratch) / "index")
        started = time.perf_counter()
        report = build_index(settings)
        build_seconds = time.perf_counter() - started
        started = time.perf_counter()
        build_index(settings)
        rebuild_seconds = time.perf_counter() - started
        size = folder_size(settings.index_dir)
        started = time.perf_counter()
        retriever = Retriever(load_index(settings))
        load_seconds = time.perf_counter() - started

        started = time.perf_counter()
        baseline = BaselineRetriever.from_corpus(corpus)
        baseline_seconds = time.perf_counter() - started

        latencies = [measure("baseline (LangChain chunks + BM25)", lambda q: baseline.search_batch([q], k=5), texts, rounds)]
        for mode in MODES:
            latencies.append(measure(mode, lambda q, mode=mode: retriever.search(q, k=5, mode=mode), texts, rounds))
        steered = SteeredRetriever(retriever)
        latencies.append(measure("hybrid+steering", lambda q: steered.search(q, k=5), texts, rounds))

    base = latencies[0]
    search_rows = [[lat.name, f"{lat.p50:.2f}", f"{lat.p95:.2f}", ratio(lat.p50, base.p50), ratio(lat.p95, base.p95)] for lat in latencies]
    build_rows = [
        ["import sentence-transformers + torch (once per process)", f"{import_seconds:.2f} s", ""],
        ["index build from scratch", f"{build_seconds:.2f} s", ratio(build_seconds, baseline_seconds)],
        ["rebuild, nothing changed (all reused)", f"{rebuild_seconds:.2f} s", ratio(rebuild_seconds, baseline_seconds)],
        ["index load", f"{load_seconds:.2f} s", ""],
        ["baseline chunk + BM25 build (in memory)", f"{baseline_seconds:.2f} s", "1.00x"],
    ]
    text = "\n\n".join(
        [
            header,
            f"Index: {report.documents} documents, {report.units} units ({report.searchable} searchable), "
            f"{megabytes(size)} on disk (bm25 + vectors + embedder + units).",
            table(["step", "time", "vs baseline build"], build_rows),
            table(["search (k=5)", "p50 ms", "p95 ms", "p50 vs baseline", "p95 vs baseline"], search_rows),
        ]
    )
    write_result("retrieval", text, out_dir)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions (default 3)")
    parser.add_argument("--quick", action="store_true", help="10 questions, 1 round: checks that the benchmark runs")
    parser.add_argument("--out", type=Path, help="folder for retrieval.md (default bench/results)")
    args = parser.parse_args(argv)
    limit, rounds = (10, 1) if args.quick else (None, args.rounds)
    print(run(args.corpus, args.gold, rounds, limit, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
