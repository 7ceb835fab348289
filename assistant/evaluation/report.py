"""Report: writes an evaluation's report.md, report.json, predictions.jsonl and charts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import bootstrap
from .bootstrap import Interval
from .charts import CHARTS, cjk_font, draw_charts
from .results import CONTEXT_K, DEPTH, ItemResult, Report, item_values

__all__ = ["CHARTS", "cjk_font", "draw_charts", "markdown", "report_json", "write_report"]

#: Metrics whose value is a size or a time, not a rate: no interval, no difference.
NO_CI = ("chars@", "_ms")

ANSWER_METRICS = (
    "answer/key_coverage",
    "answer/all_keys",
    "answer/followup_all_keys",
    "answer/yesno_verdict",
    "answer/citation_recall",
    "answer/citation_precision",
    "answer/quote_faithfulness",
    "answer/marker_validity",
    "answer/refusal_accuracy",
    "answer/false_refusal_rate",
    "answer/latency_p50_ms",
    "answer/latency_p95_ms",
)


@dataclass(frozen=True)
class Confidence:
    """Paired-bootstrap intervals of a report: per headline metric, and per difference against the first configuration."""

    intervals: Mapping[str, Interval]
    differences: Mapping[str, Mapping[str, Interval]]  # config -> metric (without prefix) -> config − first
    resamples: int
    seed: int


def confidence(report: Report, resamples: int = bootstrap.RESAMPLES, seed: int = bootstrap.SEED) -> Confidence:
    """The bootstrap intervals of every rate metric of the report, and of each configuration minus the first one."""
    per_item = [item_values(result, report.configs, report.ks) for result in report.results]
    indices = bootstrap.resample_indices(len(per_item), resamples, seed)

    def column(name: str) -> list[float | None]:
        return [values.get(name) for values in per_item]

    intervals = {
        name: interval
        for name in report.metrics
        if not any(mark in name for mark in NO_CI) and (interval := bootstrap.mean_interval(column(name), indices)) is not None
    }
    differences: dict[str, dict[str, Interval]] = {}
    first = report.configs[0] if report.configs else None
    for config in report.configs[1:]:
        differences[config] = {
            name: interval
            for name in retrieval_names(report)
            if not any(mark in name for mark in NO_CI)
            and (interval := bootstrap.difference_interval(column(f"{first}/{name}"), column(f"{config}/{name}"), indices)) is not None
        }
    return Confidence(intervals, differences, resamples, seed)


def write_report(report: Report, out_dir: Path, resamples: int = bootstrap.RESAMPLES, seed: int = bootstrap.SEED) -> tuple[Path, ...]:
    """Writes every report file into out_dir (created; earlier charts that no longer apply are removed).

    Args:
        report: what run_evaluation returned.
        out_dir: the report folder.
        resamples, seed: of the paired bootstrap behind every interval.

    Returns:
        The paths written: report.md, report.json, predictions.jsonl, then the charts.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CHARTS:
        (out_dir / name).unlink(missing_ok=True)
    charts = draw_charts(report, out_dir)
    intervals = confidence(report, resamples, seed)
    paths = (out_dir / "report.md", out_dir / "report.json", out_dir / "predictions.jsonl")
    paths[0].write_text(markdown(report, [path.name for path in charts], intervals), encoding="utf-8")
    paths[1].write_text(json.dumps(report_json(report, intervals), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with paths[2].open("w", encoding="utf-8") as handle:
        for result in report.results:
            handle.write(json.dumps(prediction(result, report), ensure_ascii=False) + "\n")
    return (*paths, *charts)


def _interval_json(interval: Interval) -> dict[str, Any]:
    out = {"value": round(interval.value, 6), "low": round(interval.low, 6), "high": round(interval.high, 6), "items": interval.items}
    return out


def report_json(report: Report, intervals: Confidence | None = None) -> dict[str, Any]:
    """The content of report.json: run info, headline metrics, their intervals, the differences and the breakdowns."""

    def rounded(values: Mapping[str, float]) -> dict[str, float]:
        return {name: round(value, 6) for name, value in values.items()}

    intervals = intervals or confidence(report)
    first = report.configs[0] if report.configs else None
    return {
        "run": dict(report.run),
        "metrics": rounded(report.metrics),
        "ci95": {name: [round(i.low, 6), round(i.high, 6)] for name, i in intervals.intervals.items()},
        "differences": {
            "reference": first,
            "resamples": intervals.resamples,
            "seed": intervals.seed,
            "by_config": {
                config: {name: {**_interval_json(i), "differing": i.differing, "significant": i.significant} for name, i in values.items()}
                for config, values in intervals.differences.items()
            },
        },
        "by_config": {config: rounded(values) for config, values in report.by_config.items()},
        "by_type": {name: rounded(values) for name, values in report.by_type.items()},
        "by_doc": {name: rounded(values) for name, values in report.by_doc.items()},
    }


def prediction(result: ItemResult, report: Report | None = None) -> dict[str, Any]:
    """One line of predictions.jsonl: each configuration's top 10 with scores and the item's metrics, and the reply."""
    item, answered = result.item, result.answered
    reply = answered.reply if answered is not None else None
    values = item_values(result, report.configs, report.ks) if report is not None else {}
    return {
        "id": item.id,
        "type": item.type,
        "doc": item.doc,
        "question": item.question,
        "history": list(item.history),
        "query": result.query,
        "retrieval": {
            ranking.config: {
                f"top{DEPTH}": [
                    {"id": unit_id, "score": round(score, 6)}
                    for unit_id, score in zip(ranking.ids[:DEPTH], ranking.scores[:DEPTH], strict=False)
                ]
                or list(ranking.ids[:DEPTH]),
                "group_ranks": list(ranking.first_ranks),
                f"covered@{CONTEXT_K}": [
                    n for n, rank in enumerate(ranking.first_ranks, start=1) if rank is not None and rank <= CONTEXT_K
                ],
                "metrics": {
                    name.split("/", 1)[1]: _round(value) for name, value in values.items() if name.startswith(f"{ranking.config}/")
                },
            }
            for ranking in result.rankings
        },
        "reply": None
        if reply is None
        else {
            "query": reply.query,
            "answer": reply.answer,
            "short": reply.short,
            "found": reply.found,
            "citations": [{"ref": c.ref, "id": c.unit.id, "quote": c.quote} for c in reply.citations],
            "notice": reply.notice,
        },
        "answer_metrics": {name: _round(value) for name, value in values.items() if name.startswith("answer/")} if answered else None,
        "keys_found": list(answered.keys_found) if answered is not None else None,
        "keys_missing": list(answered.keys_missing) if answered is not None else None,
        "latency_ms": round(answered.latency_ms, 1) if answered is not None else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def retrieval_names(report: Report) -> list[str]:
    """The per-configuration metric names, in table order: recall@k…, mrr@10, ndcg@10, map@10, precision@k…, chars@5."""
    recall = [f"recall@{k}" for k in report.ks]
    precision = [f"precision@{k}" for k in report.ks]
    return [*recall, f"mrr@{DEPTH}", f"ndcg@{DEPTH}", f"map@{DEPTH}", *precision, f"chars@{CONTEXT_K}"]


def fmt(name: str, value: float | None) -> str:
    """A metric value as shown in tables: sizes as integers, milliseconds to 0.1, rates to 0.001."""
    if value is None:
        return "–"
    if name == "items" or "chars@" in name:
        return f"{value:.0f}"
    if name.endswith("_ms"):
        return f"{value:.1f}"
    return f"{value:.3f}"


#: The differences the console shows (report.md has them all).
CONSOLE_DIFFERENCES = ("recall@5", f"mrr@{DEPTH}")


def headline_text(report: Report, intervals: Confidence | None = None) -> str:
    """The headline numbers as a plain-text table for the console, then each configuration minus the first with its CI."""
    lines: list[str] = []
    if report.configs:
        width = max(9, *(len(config) for config in report.configs))
        lines.append("metric".ljust(12) + "".join(config.rjust(width + 2) for config in report.configs))
        for name in retrieval_names(report):
            cells = [fmt(name, report.by_config[config].get(name)) for config in report.configs]
            lines.append(name.ljust(12) + "".join(cell.rjust(width + 2) for cell in cells))
    if len(report.configs) > 1:
        intervals = intervals or confidence(report)
        lines.append("")
        for config, values in intervals.differences.items():
            shown = [f"{name} {difference_cell(values[name]).replace('**', '')}" for name in CONSOLE_DIFFERENCES if name in values]
            lines.append(f"{config} − {report.configs[0]}: " + "; ".join(shown))
    answer = [(name, report.metrics[name]) for name in ANSWER_METRICS if name in report.metrics]
    if answer:
        if lines:
            lines.append("")
        width = max(len(name) for name, _ in answer)
        lines.extend(f"{name.ljust(width)}  {fmt(name, value)}" for name, value in answer)
    return "\n".join(lines)


def failures(report: Report) -> list[tuple[ItemResult, list[str]]]:
    """The items that went wrong, each with what was missing (judged on the primary configuration)."""
    out: list[tuple[ItemResult, list[str]]] = []
    for result in report.results:
        item, answered, problems = result.item, result.answered, []
        ranking = result.ranking(report.primary)
        if item.answerable and ranking is not None:
            missed = [group for group, rank in zip(item.evidence, ranking.first_ranks, strict=True) if rank is None or rank > CONTEXT_K]
            if missed:
                shown = "; ".join("「" + " / ".join(group) + "」" for group in missed)
                problems.append(f"{report.primary} top {CONTEXT_K} misses {shown}")
        if answered is not None:
            if not item.answerable and answered.reply.found:
                problems.append("answered although the documents do not cover it")
            if item.answerable and not answered.reply.found:
                problems.append("refused although the documents answer it")
            elif answered.keys_missing:
                problems.append("answer lacks " + ", ".join(answered.keys_missing))
            if not answered.markers_valid:
                problems.append("a [n] marker points at no citation")
            if answered.quote_faithfulness is not None and answered.quote_faithfulness < 1:
                problems.append("a quote is not verbatim in its unit")
        if problems:
            out.append((result, problems))
    return out


def with_ci(name: str, value: float | None, interval: Interval | None) -> str:
    """A value with its 95 % interval: "0.863 [0.82, 0.90]"."""
    shown = fmt(name, value)
    return shown if interval is None or value is None else f"{shown} [{interval.low:.3f}, {interval.high:.3f}]"


def difference_cell(interval: Interval | None) -> str:
    """A difference with its interval; bold when the interval excludes 0, else marked "n.s."."""
    if interval is None:
        return "–"
    shown = f"{interval.value:+.3f}"
    span = f"[{interval.low:+.3f}, {interval.high:+.3f}]"
    if interval.significant:
        return f"**{shown}** {span} ({interval.differing} differ)"
    return f"{shown} {span} n.s. ({interval.differing} differ)"


def markdown(report: Report, charts: Sequence[str], intervals: Confidence | None = None) -> str:
    """The content of report.md."""
    intervals = intervals or confidence(report)
    run = report.run
    sha = run.get("gold_sha256") or ""
    gold = f"gold `{run['gold']}` (sha256 `{sha[:12]}`), " if run.get("gold") else ""
    parts = [
        "# Evaluation report",
        "",
        f"Run {run['date']}; {gold}{run['items']} items ({run['answerable']} answerable, {run['unanswerable']} unanswerable).",
        "Evidence and keys are compared with all white space removed; retrieval metrics are over answerable items.",
        f"Brackets are 95 % paired-bootstrap intervals ({intervals.resamples} resamples of the items, seed {intervals.seed}).",
    ]
    parts += _run_lines(run)
    if report.configs:
        parts += [
            "",
            "## Retrieval",
            "",
            _table(
                ["metric", *report.configs],
                [
                    [name, *(with_ci(name, report.by_config[c].get(name), intervals.intervals.get(f"{c}/{name}")) for c in report.configs)]
                    for name in retrieval_names(report)
                ],
            ),
        ]
    if intervals.differences:
        first = report.configs[0]
        names = [name for name in retrieval_names(report) if any(name in values for values in intervals.differences.values())]
        parts += [
            "",
            f"## Differences against {first}",
            "",
            f"Each configuration minus {first}, paired by item; **bold** when the 95 % interval excludes 0, "
            "otherwise n.s. (not significant); “differ” counts the items whose values differ.",
            "",
            _table(
                ["metric", *intervals.differences],
                [[name, *(difference_cell(v.get(name)) for v in intervals.differences.values())] for name in names],
            ),
        ]
    answer = [name for name in ANSWER_METRICS if name in report.metrics]
    if answer:
        rows = [
            [
                name,
                with_ci(name, report.metrics[name], intervals.intervals.get(name)),
                str(ci.items) if (ci := intervals.intervals.get(name)) else "–",
            ]
            for name in answer
        ]
        parts += ["", "## Answers", "", _table(["metric", "value [95 % CI]", "items"], rows)]
    parts += _judge_lines(run.get("judge"))
    parts += _gate_lines(run.get("gate"))
    for title, breakdown in (("type", report.by_type), ("doc", report.by_doc)):
        columns = _breakdown_columns(report, breakdown)
        rows = [[name, *(fmt(column, values.get(column)) for column in columns)] for name, values in breakdown.items()]
        parts += ["", f"## By {title}", "", _table([title, *columns], rows)]
    if charts:
        parts += ["", "## Charts", "", *(f"![{name}]({name})" for name in charts)]
    failed = failures(report)
    parts += ["", f"## Failed questions ({len(failed)})", ""]
    for result, problems in failed:
        item = result.item
        searched = f" (searched: {result.query})" if result.query != item.question else ""
        parts.append(f"- **{item.id}** ({item.type}, {item.doc}) {item.question}{searched} — {'; '.join(problems)}.")
    if not failed:
        parts.append("None.")
    return "\n".join(parts) + "\n"


def _run_lines(run: Mapping[str, Any]) -> list[str]:
    """The run info of the command (corpus, index, embedder, fusion, LLM, version, commit), when recorded."""
    if "corpus_hash" not in run:
        return []
    index, llm, fusion = run.get("index") or {}, run.get("llm") or {}, run.get("fusion") or {}
    embedder = run.get("embedder") or {}
    lines = [
        "",
        "## Run",
        "",
        f"- corpus `{run.get('corpus_dir')}` (hash `{(run.get('corpus_hash') or '')[:12]}`); index `{index.get('dir')}` "
        f"(built {index.get('created')}, {index.get('units')} units, format {index.get('format')})",
        f"- embedder `{embedder.get('name')}` (dim {embedder.get('dim')}, fingerprint `{embedder.get('fingerprint')}`); "
        f"fusion lexical {fusion.get('lexical')} + dense {fusion.get('dense')}",
        f"- package {run.get('package_version')}, commit `{run.get('git_commit')}`",
    ]
    if llm.get("enabled"):
        usage = llm.get("usage") or {}
        lines.append(
            f"- LLM `{llm.get('model')}` at `{llm.get('host')}`: {usage.get('llm_answers')} of {usage.get('sent')} answers written by it, "
            f"{usage.get('fallbacks')} fell back to the extractive answer ({usage.get('unavailable')} endpoint unavailable, "
            f"{usage.get('unchecked')} failed the citation check, {usage.get('declined')} declined), "
            f"{usage.get('dropped_sentences')} sentences dropped"
        )
    else:
        lines.append("- LLM: none (extractive answers)")
    if run.get("skipped"):
        lines.append(f"- {len(run['skipped'])} invalid gold items left out (--skip-invalid); see report.json run.skipped")
    return lines


def _judge_lines(judge: Mapping[str, Any] | None) -> list[str]:
    """The LLM-judged section, apart from the deterministic metrics."""
    if not judge:
        return []

    def shown(value: Mapping[str, float] | None) -> str:
        return "–" if value is None else f"{value['value']:.3f} [{value['low']:.3f}, {value['high']:.3f}]"

    return [
        "",
        "## LLM-judged (not deterministic)",
        "",
        f"Judged by `{judge.get('model')}` at `{judge.get('host')}` over {judge['items']} answered, answerable items "
        f"({judge['failures']} verdicts could not be had); depends on the judging model, never gated.",
        "",
        _table(
            ["metric", "value [95 % CI]"],
            [["judge/correctness", shown(judge.get("correctness"))], ["judge/faithfulness", shown(judge.get("faithfulness"))]],
        ),
    ]


def _gate_lines(gate: Mapping[str, Any] | None) -> list[str]:
    """The gate section: where the thresholds come from, whether they applied, every threshold and its result."""
    if not gate:
        return []
    lines = ["", "## Gate", "", f"Result: **{gate['result']}** — {gate['reason']}."]
    if gate.get("warning"):
        lines.append(f"Warning: {gate['warning']}.")
    if gate.get("checks"):
        rows = [
            [
                c["metric"],
                "≤" if c["bound"] == "max" else "≥",
                fmt(c["metric"], c["limit"]),
                fmt(c["metric"], c["value"]),
                "yes" if c["passed"] else "**no**",
            ]
            for c in gate["checks"]
        ]
        lines += ["", _table(["metric", "bound", "threshold", "value", "met"], rows)]
    return lines


def _breakdown_columns(report: Report, breakdown: Mapping[str, Mapping[str, float]]) -> list[str]:
    k = 5 if 5 in report.ks else max(report.ks, default=5)
    wanted = ["items", *(f"{config}/recall@{k}" for config in report.configs), f"{report.primary}/mrr@{DEPTH}", *ANSWER_METRICS[:2]]
    wanted += ["answer/citation_recall", "answer/refusal_accuracy", "answer/false_refusal_rate"]
    present = {name for values in breakdown.values() for name in values}
    return [name for name in dict.fromkeys(wanted) if name in present]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
