"""Timing: latency samples, percentiles, sizes on disk and Markdown tables shared by the benchmarks."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Latency:
    """Per-call latencies of one configuration, in milliseconds."""

    name: str
    samples: tuple[float, ...]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


def percentile(samples: Iterable[float], q: float) -> float:
    """The q-th percentile with linear interpolation (numpy's default), 0 for no samples."""
    values = sorted(samples)
    if not values:
        return 0.0
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def measure(name: str, call: Callable[[object], object], items: list, rounds: int = 1, warm: bool = True) -> Latency:
    """Calls `call(item)` for every item `rounds` times (after one untimed pass when warm).

    Returns:
        The latency of every call, in milliseconds.
    """
    if warm:
        for item in items:
            call(item)
    samples = []
    for _ in range(rounds):
        for item in items:
            started = time.perf_counter()
            call(item)
            samples.append((time.perf_counter() - started) * 1000)
    return Latency(name, tuple(samples))


def folder_size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def megabytes(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports kilobytes)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def questions(gold: Path, limit: int | None = None) -> list[dict]:
    """The {"question", "history"} items of a gold file (no validation: benchmarks only need the text)."""
    items = []
    for line in Path(gold).read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            items.append({"question": data["question"], "history": list(data.get("history", []))})
    return items[:limit] if limit else items


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base > 0 else "n/a"


def machine() -> str:
    """One line about where the figures were measured (cores and load matter on a shared machine)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, load average {load:.1f} at the start, Python {sys.version.split()[0]}"


def write_result(name: str, text: str, out_dir: Path | None = None) -> Path:
    """Writes bench/results/<name>.md (or into out_dir) and returns the path."""
    folder = Path(out_dir) if out_dir else ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path
