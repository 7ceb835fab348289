"""Comparison: two report folders side by side — per-metric differences with paired-bootstrap CIs, and the items that changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import AssistantError
from . import bootstrap
from .report import difference_cell, fmt

#: Per-item metrics whose change is listed item by item (the others only move the table).
WATCHED = ("recall@5", "mrr@10", "answer/all_keys", "answer/key_coverage", "answer/refusal_accuracy", "answer/false_refusal_rate")


def read_run(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, float | None]]]:
    """A report folder's report.json and, per item id, its per-item metric values ("bm25/recall@5", "answer/all_keys").

    Raises:
        AssistantError: the folder has no readable report.json or predictions.jsonl.
    """
    folder = Path(folder)
    try:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        lines = (folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AssistantError(
            f"{folder} is not a report folder of `assistant eval` ({error.__class__.__name__}); pass --out folders."
        ) from None
    items: dict[str, dict[str, float | None]] = {}
    for line in lines:
        if not line.strip():
            continue
        prediction = json.loads(line)
        values: dict[str, float | None] = {}
        for config, retrieval in (prediction.get("retrieval") or {}).items():
            values.update({f"{config}/{name}": value for name, value in (retrieval.get("metrics") or {}).items()})
        values.update(prediction.get("answer_metrics") or {})
        items[prediction["id"]] = values
    if items and not any(items.values()):
        raise AssistantError(f"{folder}/predictions.jsonl has no per-item metrics; rerun `assistant eval` to write them.")
    return report, items


def compare_runs(run_a: Path, run_b: Path, resamples: int = bootstrap.RESAMPLES, seed: int = bootstrap.SEED) -> str:
    """The comparison of two runs as text: each metric both report, B − A over the items both scored, its CI, and changed items.

    Args:
        run_a, run_b: report folders written by `assistant eval --out`.
        resamples, seed: of the paired bootstrap.

    Raises:
        AssistantError: a folder is not a report folder, or the runs share no item.
    """
    report_a, items_a = read_run(run_a)
    report_b, items_b = read_run(run_b)
    common = [item_id for item_id in items_a if item_id in items_b]
    if not common:
        raise AssistantError(f"{run_a} and {run_b} share no gold item id; compare runs on the same gold set.")
    names = [name for name in report_a["metrics"] if name in report_b["metrics"] and not name.endswith("_ms") and "chars@" not in name]
    indices = bootstrap.resample_indices(len(common), resamples, seed)
    rows = []
    for name in names:
        interval = bootstrap.difference_interval([items_a[i].get(name) for i in common], [items_b[i].get(name) for i in common], indices)
        rows.append((name, fmt(name, report_a["metrics"][name]), fmt(name, report_b["metrics"][name]), difference_cell(interval)))
    width = max([len("metric"), *(len(row[0]) for row in rows)])
    lines = [
        f"A: {run_a} ({report_a['run'].get('date')}, gold {report_a['run'].get('gold')}, commit {report_a['run'].get('git_commit')})",
        f"B: {run_b} ({report_b['run'].get('date')}, gold {report_b['run'].get('gold')}, commit {report_b['run'].get('git_commit')})",
        f"{len(common)} items in both; B − A paired by item, 95 % bootstrap CI ({resamples} resamples, seed {seed}); n.s. = CI contains 0.",
        "",
        f"{'metric'.ljust(width)}  {'A':>7}  {'B':>7}  B − A [95 % CI]",
    ]
    lines += [f"{name.ljust(width)}  {a:>7}  {b:>7}  {cell.replace('**', '')}" for name, a, b, cell in rows]
    changed = changed_items(common, items_a, items_b, names)
    lines += ["", f"Changed items ({len(changed)}):"]
    lines += [f"  {item_id}: " + "; ".join(changes) for item_id, changes in changed] or ["  none"]
    return "\n".join(lines)


def changed_items(
    common: list[str], items_a: dict[str, dict[str, float | None]], items_b: dict[str, dict[str, float | None]], names: list[str]
) -> list[tuple[str, list[str]]]:
    """Per item id, the watched metrics whose value differs between the runs ("bm25/mrr@10 0.500→1.000")."""
    watched = [name for name in names if name.endswith(WATCHED) or name in WATCHED]
    out = []
    for item_id in common:
        changes = []
        for name in watched:
            a, b = items_a[item_id].get(name), items_b[item_id].get(name)
            if a != b:
                changes.append(f"{name} {fmt(name, a)}→{fmt(name, b)}")
        if changes:
            out.append((item_id, changes))
    return out
