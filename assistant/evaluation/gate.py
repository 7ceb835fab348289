"""Gate: thresholds an evaluation's metrics must meet, read from a file and checked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..errors import ThresholdsError
from .results import Report

#: Thresholds are read from this file next to the gold file, when it exists.
THRESHOLDS_FILE = "thresholds.json"
#: A threshold named "<metric>_max" is an upper bound on <metric>; any other name is a lower bound.
MAX_SUFFIX = "_max"


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


