"""Answer benchmark: warm `Assistant.ask` latency over the gold questions, and the cold start of `assistant ask`.

The cold start is what a script pays per call: a new Python process that imports the package, loads
and checks the index, answers one question and exits, timed from spawn to exit over a few runs.
Prints figures and writes bench/results/answer.md; asserts nothing.

    python bench/answer.py [--quick] [--corpus DIR] [--gold FILE] [--rounds N] [--cold N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the checkout's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import ROOT, machine, measure, percentile, questions, table, write_result

COLD_QUESTION = "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？"


def cold_starts(corpus: Path, index_dir: Path, runs: int) -> list[float]:
    """Seconds from spawning `python -m assistant ask QUESTION` to its exit, per run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ASSISTANT_LLM_BASE_URL": ""}
    argv = [sys.executable, "-m", "assistant", "--corpus", str(corpus), "--index", str(index_dir), "ask", COLD_QUESTION]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"assistant ask failed: {done.stderr.strip()}")
    return seconds


def run(corpus: Path, gold: Path, rounds: int, limit: int | None, cold: int, out_dir: Path | None = None) -> str:
    """Measures warm answers and cold starts; returns the report (Markdown).

    Args:
        corpus: the corpus folder.
        gold: gold questions (with their conversation history) to ask.
        rounds: timed passes over the questions (after one warm-up pass).
        limit: only the first `limit` questions (None: all).
        cold: how many cold `assistant ask` processes to time.
        out_dir: where to write answer.md (None: bench/results).
    """
    from assistant.answer.assistant import Assistant
    from assistant.config import Settings
    from assistant.indexing.build import build_index
    from assistant.indexing.store import load_index

    items = questions(gold, limit)
    with tempfile.TemporaryDirectory(prefix="bench-answer-") as scratch:
        settings = Settings(corpus_dir=corpus, index_dir=Path(scratch) / "index")
        build_index(settings)
        started = time.perf_counter()
        assistant = Assistant(load_index(settings), settings)
        load_seconds = time.perf_counter() - started
        warm = measure("Assistant.ask", lambda item: assistant.ask(item["question"], item["history"]), items, rounds)
        found = sum(assistant.ask(item["question"], item["history"]).found for item in items)
        starts = cold_starts(corpus, settings.index_dir, cold)

    rows = [
        [
            f"Assistant.ask, warm ({len(items)} questions x {rounds})",
            f"{warm.p50:.2f} ms",
            f"{warm.p95:.2f} ms",
            f"{max(warm.samples):.2f} ms",
        ],
        [
            f"`assistant ask` cold start ({cold} processes)",
            f"{percentile(starts, 50):.2f} s",
            f"{percentile(starts, 95):.2f} s",
            f"{max(starts):.2f} s",
        ],
    ]
    text = "\n\n".join(
        [
            f"Answer benchmark: {corpus}, extractive answers (no LLM). {machine()}.",
            table(["what", "p50", "p95", "max"], rows),
            f"Cold starts: {', '.join(f'{s:.2f} s' for s in starts)}. Index load in process: {load_seconds:.2f} s. "
            f"Answered (found) {found} of {len(items)} questions.",
        ]
    )
    write_result("answer", text, out_dir)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions (default 3)")
    parser.add_argument("--cold", type=int, default=3, help="cold `assistant ask` processes to time (default 3)")
    parser.add_argument("--quick", action="store_true", help="10 questions, 1 round, 1 cold start: checks that the benchmark runs")
    parser.add_argument("--out", type=Path, help="folder for answer.md (default bench/results)")
    args = parser.parse_args(argv)
    limit, rounds, cold = (10, 1, 1) if args.quick else (None, args.rounds, args.cold)
    print(run(args.corpus, args.gold, rounds, limit, cold, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
