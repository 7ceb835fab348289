"""App load: 20 gradio_client clients ask 20 gold questions at once through /ask; prints p50/p95 latency.

    python -m bench.app_load [--rounds 5] [--url http://127.0.0.1:7860/]

Without --url it builds (or reuses) the index in ASSISTANT_INDEX_DIR, starts the app on a free
port of 127.0.0.1 and stops it afterwards. Figures are printed, never asserted; tests/test_ui.py
asserts only that every answer is right and none is lost.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold.jsonl"
#: Gold questions of every type with known keys and evidence: facts, numbers, table rows, lists,
#: follow-ups (with history), comparisons across documents, and questions the documents do not answer.
GOLD_IDS = (
    "q001", "q007", "q009",  # fact
    "q041", "q044", "q047", "q049",  # numeric
    "q077", "q083", "q085",  # table
    "q091", "q094", "q097",  # list
    "q145", "q147", "q151",  # follow-up
    "q165", "q170",  # across both documents
    "q174", "q180",  # not answered by the documents
)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """One client's question, what /ask returned, and how long it took."""

    item: object  # GoldItem
    result: dict
    seconds: float


def gold_items(ids: tuple[str, ...] = GOLD_IDS) -> list:
    """The gold items with these ids, in this order."""
    from assistant.evaluation.gold import load_gold

    by_id = {item.id: item for item in load_gold(GOLD, None)}
    return [by_id[i] for i in ids]


def problems(item, result: dict, units: dict | None = None) -> list[str]:
    """What is wrong with an /ask result for a gold item (empty when it is right).

    Right means: answered exactly when the gold item is answerable, every key in the answer,
    and every evidence group covered by a cited unit's text.

    Args:
        item: the gold item.
        result: what /ask returned.
        units: unit id -> Unit, so evidence can match a table row's printed cells too
            (the API's `text` is the row rendered as a sentence); None checks `text` only.
    """
    from assistant.evaluation.metrics import groups_covered, keys_found

    if "error" in result:
        return [f"{item.id}: error {result['error']}"]
    found = []
    if result.get("found") != item.answerable:
        found.append(f"{item.id}: found={result.get('found')}, expected {item.answerable}")
    missing = keys_found(result.get("answer", ""), item.keys)[1]
    if missing:
        found.append(f"{item.id}: answer lacks {', '.join(missing)}")
    covered = set()
    for citation in result.get("citations", []):
        unit = (units or {}).get(citation["id"])
        covered |= groups_covered([citation["text"], *([unit.text] if unit else [])], item.evidence)
    if len(covered) < len(item.evidence):
        found.append(f"{item.id}: citations cover {len(covered)} of {len(item.evidence)} evidence groups")
    return found


def ask_concurrently(url: str, items: list, rounds: int = 1) -> list[Outcome]:
    """Each item asked by its own client, all clients starting together, `rounds` times over.

    Returns:
        One Outcome per item and round, in item order within each round.
    """
    from gradio_client import Client

    def one(client, item, start: threading.Barrier) -> Outcome:
        start.wait()
        began = time.perf_counter()
        result = client.predict(item.question, list(item.history), None, api_name="/ask")
        return Outcome(item, result, time.perf_counter() - began)

    clients = [Client(url, verbose=False) for _ in items]
    outcomes: list[Outcome] = []
    for _ in range(rounds):
        start = threading.Barrier(len(items))
        with ThreadPoolExecutor(max_workers=len(items)) as pool:
            outcomes.extend(pool.map(one, clients, items, [start] * len(items)))
    for client in clients:
        client.close()
    return outcomes


def ask_over_http(url: str, items: list) -> list[Outcome]:
    """The same as one round of `ask_concurrently`, over Gradio's plain HTTP API without gradio_client.

    This separates the server's latency from the client library's own work (20 gradio_client
    clients in one process keep a small machine's CPUs busy).
    """
    import httpx

    endpoint = url.rstrip("/") + "/gradio_api/call/ask"
    start = threading.Barrier(len(items))

    def one(item):
        with httpx.Client(timeout=120) as client:
            start.wait()
            began = time.perf_counter()
            event = client.post(endpoint, json={"data": [item.question, list(item.history), None]}).json()["event_id"]
            lines = client.get(f"{endpoint}/{event}").text.splitlines()
            seconds = time.perf_counter() - began
        payload = next((line[5:] for previous, line in itertools.pairwise(lines) if previous == "event: complete"), "[{}]")
        return Outcome(item, json.loads(payload)[0], seconds)

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(one, items))


def _figures(name: str, outcomes: list[Outcome], units: dict) -> list[str]:
    from assistant.evaluation.metrics import percentile

    seconds = [o.seconds for o in outcomes]
    wrong = [p for o in outcomes for p in problems(o.item, o.result, units)]
    right = sum(1 for o in outcomes if not problems(o.item, o.result, units))
    print(
        f"{name}: {len(outcomes)} requests, latency p50 {percentile(seconds, 50) * 1000:.0f} ms, "
        f"p95 {percentile(seconds, 95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms; correct {right}/{len(outcomes)}"
    )
    return wrong


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="how many times the 20 clients ask together (default 5)")
    parser.add_argument("--url", help="an app that is already running (default: start one)")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.answer.assistant import Assistant
    from assistant.config import Settings
    from assistant.indexing.store import warm
    from assistant.ui.app import build_app, launch_options

    demo = None
    url = args.url
    settings = Settings.from_env().with_overrides(host="127.0.0.1", port=free_port())
    assistant = Assistant.load(settings, build=True)  # also to check table-row evidence against the cells
    units = {unit.id: unit for unit in assistant.index.units}
    if not url:
        warm(assistant.index)
        demo = build_app(assistant, settings)
        _, url, _ = demo.launch(**(launch_options(settings) | {"prevent_thread_lock": True, "quiet": True}))
    try:
        items = gold_items()
        ask_concurrently(url, items[:2])  # the first requests pay for lazy set-up; not measured
        began = time.perf_counter()
        outcomes = ask_concurrently(url, items, args.rounds)
        wall = time.perf_counter() - began
        raw = [outcome for _ in range(args.rounds) for outcome in ask_over_http(url, items)]
    finally:
        if demo is not None:
            demo.close()
    print(f"{len(items)} concurrent clients x {args.rounds} rounds, {os.cpu_count()} CPUs; gradio_client rounds took {wall:.1f} s")
    wrong = _figures("gradio_client", outcomes, units) + _figures("plain HTTP", raw, units)
    for problem in wrong:
        print(f"  {problem}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
