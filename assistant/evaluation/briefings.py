"""Briefings against the trainer gold file: `assistant eval --briefings [FILE]` (default eval/briefings.jsonl).

Each line of the file is a topic with the status a trainer expects (covered, passing, absent), the key
points a complete briefing quotes (evidence substrings of the documents) and text it must not quote
(`off`); see assistant/briefing/scoring.py. Per split (tune, heldout, …) and over all topics this reports
the key-point coverage (key points quoted / key points) and the share of off-topic points (quoted points
containing an `off` substring / quoted points), beside the targets: coverage ≥ 0.9, off-topic ≤ 5 %.
Off-topic is only what the file names as such: a point that is padding but not listed is not counted.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..answer.assistant import Assistant

DEFAULT_BRIEFINGS = Path("eval/briefings.jsonl")
DEFAULT_BRIEFINGS_OUT = Path("eval/reports/briefings")
#: The issue's targets: key-point coverage at least, share of off-topic points at most.
COVERAGE_TARGET = 0.9
OFF_TOPIC_TARGET = 0.05
KINDS = ("covered", "passing", "absent")
FIELDS = {"topic", "split", "kind", "keys", "off"}


def read_briefing_gold(path: Path, assistant: Assistant) -> list[dict]:
    """The topics of a briefings gold file, checked: known fields and kinds, and every key point in some document.

    Raises:
        AssistantError: a missing file, a bad line, or a key point no document contains (a typo would count as missed).
    """
    import re

    from ..briefing.scoring import read_topics
    from ..errors import AssistantError

    if not Path(path).is_file():
        raise AssistantError(f"No briefings gold file at {path}.")
    try:
        items = read_topics(path)
    except json.JSONDecodeError as error:
        raise AssistantError(f"{path}: line {error.lineno} is not JSON.") from error
    text = "\n".join(re.sub(r"\s+", "", unit.body) for unit in assistant.index.units)
    for number, item in enumerate(items, 1):
        where = f"{path}: topic {number} ({item.get('topic')!r})"
        unknown = sorted(set(item) - FIELDS)
        if unknown or not isinstance(item.get("topic"), str) or not item["topic"].strip():
            extra = f" (not {unknown[0]!r})." if unknown else "."
            raise AssistantError(f"{where}: needs a topic and only the fields {', '.join(sorted(FIELDS))}{extra}")
        if item.get("kind", "covered") not in KINDS:
            raise AssistantError(f"{where}: kind must be one of {', '.join(KINDS)}.")
        for key in item.get("keys", []):
            if re.sub(r"\s+", "", key) not in text:
                raise AssistantError(f"{where}: the key point {key!r} is in no document of the index.")
    return items


def _verdict(figures: dict) -> dict:
    return {
        **figures,
        "coverage_met": figures["coverage"] >= COVERAGE_TARGET,
        "off_topic_met": figures["off_topic"] <= OFF_TOPIC_TARGET,
    }


def evaluate_briefings(assistant: Assistant, items: list[dict], date: datetime.date | None = None) -> dict[str, Any]:
    """Builds a briefing per topic and scores it; per-split and overall figures with the targets, and every topic's row."""
    from dataclasses import asdict

    from ..briefing.briefing import build_briefing
    from ..briefing.scoring import score, summary

    scores = [score(build_briefing(assistant, item["topic"], date=date), item) for item in items]
    splits = list(dict.fromkeys(s.split or "-" for s in scores))
    by_split = {split: _verdict(summary([s for s in scores if (s.split or "-") == split])) for split in splits}
    return {
        "targets": {"coverage": COVERAGE_TARGET, "off_topic": OFF_TOPIC_TARGET},
        "splits": by_split,
        "all": _verdict(summary(scores)),
        "topics": [{**asdict(s), "missing": list(s.missing), "complete": s.complete} for s in scores],
    }


def _mark(met: bool) -> str:
    return "met" if met else "NOT met"


def summary_lines(result: dict[str, Any]) -> list[str]:
    """One line per split and one for all topics, the targets beside the figures."""
    lines = []
    for name, figures in [*result["splits"].items(), ("all", result["all"])]:
        lines.append(
            f"Briefings {name}: {figures['topics']} topics, {figures['complete']} complete, status right {figures['status_right']}; "
            f"key-point coverage {figures['coverage']:.3f} (target ≥ {COVERAGE_TARGET}, {_mark(figures['coverage_met'])}), "
            f"off-topic points {figures['off_topic']:.1%} (target ≤ {OFF_TOPIC_TARGET:.0%}, {_mark(figures['off_topic_met'])})"
        )
    return lines


def markdown(result: dict[str, Any], gold: Path) -> str:
    """report.md of a briefings run."""
    rows = [
        "# Briefing evaluation",
        "",
        f"Gold file: `{gold}`. Coverage = key points quoted / key points; off-topic = quoted points containing a listed",
        "`off` substring / quoted points (padding the file does not name is not counted).",
        "",
        f"| split | topics | complete | status right | key-point coverage (target ≥ {COVERAGE_TARGET}) "
        f"| off-topic points (target ≤ {OFF_TOPIC_TARGET:.0%}) |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in [*result["splits"].items(), ("all", result["all"])]:
        rows.append(
            f"| {name} | {f['topics']} | {f['complete']} | {f['status_right']} | {f['coverage']:.3f} ({_mark(f['coverage_met'])}) "
            f"| {f['off_topic']:.1%} ({_mark(f['off_topic_met'])}) |"
        )
    rows += ["", "| topic | split | expected | got | key points | off-topic / points | missing |", "|---|---|---|---|---|---|---|"]
    for t in result["topics"]:
        missing = "、".join(t["missing"]) or "—"
        rows.append(
            f"| {t['topic']} | {t['split']} | {t['kind']} | {t['status']} | {t['keys_found']}/{t['keys']} "
            f"| {t['off_topic']}/{t['points']} | {missing} |"
        )
    return "\n".join(rows) + "\n"


def write_briefing_report(result: dict[str, Any], out: Path, gold: Path) -> None:
    """report.json (figures, targets, every topic, the run info) and report.md in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps({"gold": str(gold), **result}, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out / "report.md").write_text(markdown(result, gold), "utf-8")
