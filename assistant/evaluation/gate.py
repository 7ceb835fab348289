"""Gate: thresholds an evaluation's metrics must meet, read from a file, chosen for a gold file and checked.

Thresholds are tuned on one gold file: a thresholds file records which (`_gold`, `_gold_sha256`) and
gates only that file unless it is passed explicitly (`--thresholds FILE`); `--no-gate` turns it off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ThresholdsError
from .results import Report

#: Thresholds are read from this file next to the gold file, when it exists.
THRESHOLDS_FILE = "thresholds.json"
#: A threshold named "<metric>_max" is an upper bound on <metric>; any other name is a lower bound.
MAX_SUFFIX = "_max"
#: Comment fields of a thresholds file naming the gold file its numbers were tuned on.
GOLD_NAME = "_gold"
GOLD_SHA = "_gold_sha256"


@dataclass(frozen=True)
class Gate:
    """The thresholds that apply to one run, where they come from, and why they apply or not."""

    thresholds: dict[str, float] = field(default_factory=dict)
    source: str | None = None  # the thresholds file
    applied: bool = False
    reason: str = ""
    warning: str = ""  # e.g. the gold file changed since the thresholds were tuned


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def choose_gate(gold: Path, thresholds: Path | None = None, no_gate: bool = False) -> Gate:
    """The gate for a run on `gold`.

    Args:
        gold: the gold file evaluated.
        thresholds: a thresholds file given explicitly: it applies whatever gold file it was tuned on.
        no_gate: no gate at all.

    Returns:
        With neither, the thresholds.json beside the gold file applies only when it names this gold
        file (`_gold`); a different content (`_gold_sha256`) still applies, with a warning. A file
        without `_gold` applies as before.

    Raises:
        ThresholdsError: a thresholds file that applies is malformed.
    """
    if no_gate:
        return Gate(reason="--no-gate")
    if thresholds is not None:
        return Gate(load_thresholds(thresholds), str(thresholds), True, "given with --thresholds")
    beside = Path(gold).parent / THRESHOLDS_FILE
    if not beside.is_file():
        return Gate(reason=f"no {THRESHOLDS_FILE} beside the gold file; pass --thresholds FILE to gate it")
    name, digest = gold_target(beside)
    if name is None:
        reason = f"{beside} names no gold file ({GOLD_NAME}); it applies to every file beside it"
        return Gate(load_thresholds(beside), str(beside), True, reason)
    if name != Path(gold).name:
        reason = f"{beside} was tuned for {name}, not {Path(gold).name}; pass --thresholds FILE to gate this file"
        return Gate(source=str(beside), reason=reason)
    warning = ""
    if digest and digest != sha256(gold):
        warning = f"{name} has changed since {beside} was tuned (sha256 {digest[:12]}); re-tune the thresholds"
    return Gate(load_thresholds(beside), str(beside), True, f"{beside} was tuned for {name}", warning)


def gold_target(path: Path) -> tuple[str | None, str | None]:
    """The gold file name and sha256 a thresholds file says it was tuned on (None where it says nothing)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, None  # load_thresholds says what is wrong
    if not isinstance(data, dict):
        return None, None
    name, digest = data.get(GOLD_NAME), data.get(GOLD_SHA)
    return (name if isinstance(name, str) else None), (digest if isinstance(digest, str) else None)


def gate_record(gate: Gate, values: Mapping[str, float]) -> dict[str, Any]:
    """What the report records of the gate: its source, whether it applied and why, every threshold and its result."""
    checks = []
    for name, limit in gate.thresholds.items():
        is_max = name.endswith(MAX_SUFFIX)
        metric = name[: -len(MAX_SUFFIX)] if is_max else name
        value = values.get(metric)
        passed = value is not None and (value <= limit if is_max else value >= limit)
        checks.append(
            {"threshold": name, "metric": metric, "bound": "max" if is_max else "min", "limit": limit, "value": value, "passed": passed}
        )
    result = "not applied" if not gate.applied else ("passed" if all(check["passed"] for check in checks) else "failed")
    return {
        "source": gate.source,
        "applied": gate.applied,
        "reason": gate.reason,
        "warning": gate.warning,
        "result": result,
        "checks": checks,
    }


def load_thresholds(path: Path) -> dict[str, float]:
    """Reads a thresholds file: {"hybrid+steering/recall@5": 0.9, "answer/false_refusal_rate_max": 0.05, ...}.

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
