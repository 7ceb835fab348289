"""Backend benchmark on the shipped corpus: local (bm25s + FAISS) vs Milvus (embedded milvus-lite), latency and gold figures.

Builds the index in a scratch folder, publishes it to a milvus-lite file, and times warm single-query
search per mode through both backends in one process; then scores both with the evaluation's own
metrics on the gold set (hybrid+steering, what the assistant searches with). Prints a table and
writes bench/results/backend.md; asserts nothing.

    python bench/backend.py [--gold FILE] [--rounds N] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import ROOT, machine, measure, table, write_result

MODES = ("bm25", "dense", "hybrid")
UNITS_HEADER = ["backend", "unit by id p50 / p95 ms", "a document's units, first read, p50 ms", "statistics ms", "same as the index"]


def run(gold: Path, rounds: int, out_dir: Path | None = None) -> str:
    from assistant.config import Settings
    from assistant.evaluation.gold import load_gold
    from assistant.evaluation.results import DEPTH
    from assistant.evaluation.runner import run_evaluation
    from assistant.indexing.build import build_index
    from assistant.indexing.store import load_index
    from assistant.search.milvus import MilvusBackend, publish
    from assistant.search.retriever import Retriever
    from assistant.search.steering import SteeredRetriever

    items = load_gold(gold, None)
    texts = [item.question for item in items]
    with tempfile.TemporaryDirectory(prefix="bench-backend-") as scratch:
        settings = Settings(corpus_dir=ROOT / "corpus", index_dir=Path(scratch) / "index")
        build_index(settings)
        index = load_index(settings)
        address = f"milvus://{Path(scratch) / 'milvus' / 'units.db'}"
        started = time.perf_counter()
        publish(index, address)
        publish_seconds = time.perf_counter() - started
        backend = MilvusBackend.open(address, index)
        retrievers = {"local": Retriever(index), "milvus": Retriever(index, backend=backend)}
        rows = []
        for name, retriever in retrievers.items():
            steered = SteeredRetriever(retriever)
            latency = [measure(mode, lambda q, r=retriever, m=mode: r.search(q, k=5, mode=m), texts, rounds) for mode in MODES]
            latency.append(measure("steered", lambda q, s=steered: s.search(q, k=5), texts, rounds))
            rows.append([name, *(f"{lat.p50:.2f} / {lat.p95:.2f}" for lat in latency)])
        ids = [unit.id for unit in index.units]
        units_rows = []
        for name, retriever in retrievers.items():  # what the viewer, briefing and answer stage read through the backend
            backend = retriever.backend
            by_id = measure("unit", backend.unit, ids, rounds)
            first = measure("units_of", backend.units_of, [d.id for d in index.documents], 1, warm=False)
            started = time.perf_counter()
            statistics = backend.statistics()
            seconds = time.perf_counter() - started
            same = all(backend.unit(i) == u for i, u in zip(ids, index.units, strict=True)) and statistics == index.statistics
            timings = [f"{by_id.p50:.2f} / {by_id.p95:.2f}", f"{first.p50:.2f}", f"{seconds * 1000:.1f}"]
            units_rows.append([name, *timings, "yes" if same else "NO"])
        steered_by_name = {name: SteeredRetriever(r) for name, r in retrievers.items()}
        configs = {name: (lambda qs, s=s: s.search_batch(qs, k=DEPTH)) for name, s in steered_by_name.items()}
        report = run_evaluation(items, configs, None, progress=False)
        backend.close()
    quality = [[name, f"{report.by_config[name]['recall@5']:.3f}", f"{report.by_config[name]['mrr@10']:.3f}"] for name in retrievers]
    header = (
        f"Backend benchmark: the shipped corpus ({len(index.rows)} searchable units), {len(texts)} gold questions x {rounds} rounds, "
        f"warm, one query per call, k=5. Publishing to milvus-lite took {publish_seconds:.1f} s. {machine()}."
    )
    text = "\n\n".join(
        [
            header,
            table(["backend", *(f"{m} p50 / p95 ms" for m in MODES), "hybrid+steering p50 / p95 ms"], rows),
            "Gold set, hybrid+steering (the assistant's search):\n\n" + table(["backend", "recall@5", "MRR@10"], quality),
            f"Units through the backend ({len(ids)} units by id x {rounds} rounds; each document's units read once, uncached; "
            "the statistics read once):\n\n"
            + table(UNITS_HEADER, units_rows),
        ]
    )
    write_result("backend", text, out_dir)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions (after one warm-up pass)")
    parser.add_argument("--out", type=Path, help="folder for backend.md (default bench/results)")
    args = parser.parse_args(argv)
    print(run(args.gold, args.rounds, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
