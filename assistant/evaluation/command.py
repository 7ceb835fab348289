"""Command: `assistant eval` — its options, the configurations to run, the run info, the gate, and `eval compare`.

Only argparse is imported at the top: the CLI builds its parser on every call, and the evaluation
(models, plotting) is loaded when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings

CONFIGS = ("bm25", "dense", "hybrid", "hybrid+steering", "baseline")
#: What `--configs` runs when not given: every configuration, differences taken against bm25.
DEFAULT_CONFIGS = "bm25,dense,hybrid,hybrid+steering,baseline"
DEFAULT_KS = "1,3,5,10"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `assistant eval` (and `assistant eval compare RUN_A RUN_B`)."""
    parser.add_argument("runs", nargs="*", metavar="compare RUN_A RUN_B", help="compare two report folders instead of running")
    parser.add_argument("--gold", type=Path, help="gold JSONL file (default eval/gold.jsonl)")
    parser.add_argument("--out", type=Path, help="report folder (default eval/reports/latest)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--configs",
        default=DEFAULT_CONFIGS,
        help=f"comma-separated configurations, the first is what differences are taken against (default {DEFAULT_CONFIGS})",
    )
    parser.add_argument("--k", default=DEFAULT_KS, help=f"comma-separated cut-offs of recall@k and precision@k (default {DEFAULT_KS})")
    parser.add_argument(
        "--fusion-weight", type=float, metavar="W", help="weight of the dense cosine in hybrid fusion (default: the assistant's)"
    )
    parser.add_argument(
        "--index", type=Path, dest="eval_index", metavar="DIR", help="index folder to evaluate (default: the global --index)"
    )
    parser.add_argument("--no-answers", action="store_true", help="retrieval only: do not run the answer pipeline")
    gate = parser.add_mutually_exclusive_group()
    gate.add_argument("--thresholds", type=Path, metavar="FILE", help="gate on this thresholds file, whatever gold file it was tuned on")
    gate.add_argument("--no-gate", action="store_true", help="no gate: exit 0 whatever the metrics")
    parser.add_argument("--skip-invalid", action="store_true", help="leave out (and list) invalid gold items instead of stopping")
    parser.add_argument("--require-llm", action="store_true", help="exit 1 unless the LLM endpoint is configured and answered")
    parser.add_argument(
        "--judge", action="store_true", help="also have the LLM endpoint judge correctness and faithfulness (reported apart, never gated)"
    )
    parser.add_argument("--resamples", type=int, default=1000, metavar="N", help="paired-bootstrap resamples for the CIs (default 1000)")
    parser.add_argument("--export-trec", type=Path, metavar="DIR", help="also write TREC qrels and one run file per configuration")
    parser.add_argument(
        "--briefings",
        nargs="?",
        const=Path("eval/briefings.jsonl"),
        type=Path,
        metavar="FILE",
        help="evaluate briefings instead: key-point coverage and off-topic points per split against FILE "
        "(default eval/briefings.jsonl), report in --out (default eval/reports/briefings); exit 1 below target unless --no-gate",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`assistant eval`: the chosen configurations and the answers on a gold set; exit 1 when the gate fails."""
    from ..errors import AssistantError

    if args.runs:
        if args.runs[0] != "compare" or len(args.runs) != 3:
            raise AssistantError("Use `assistant eval compare RUN_A RUN_B` (two report folders), or options only to run.")
        return compare(Path(args.runs[1]), Path(args.runs[2]))
    if getattr(args, "briefings", None) is not None:
        return evaluate_briefings(args, settings)
    return evaluate(args, settings)


def evaluate_briefings(args: argparse.Namespace, settings: Settings) -> int:
    """`assistant eval --briefings [FILE]`: every topic's briefing scored; figures per split beside the targets."""
    from ..answer.assistant import Assistant
    from ..errors import AssistantError
    from .briefings import DEFAULT_BRIEFINGS_OUT, evaluate_briefings, read_briefing_gold, summary_lines, write_briefing_report

    if args.gold is not None:
        raise AssistantError("--briefings evaluates briefings against its own file; leave out --gold.")
    if args.eval_index is not None:
        settings = settings.with_overrides(index_dir=args.eval_index)
    out = Path(args.out) if args.out is not None else DEFAULT_BRIEFINGS_OUT
    assistant = Assistant.load(settings)
    items = read_briefing_gold(args.briefings, assistant)
    result = evaluate_briefings(assistant, items)
    result["run"] = run_info(settings, getattr(assistant.index, "manifest", {}), None)
    write_briefing_report(result, out, args.briefings)
    for line in summary_lines(result):
        print(line)
    print(f"Report: {out / 'report.md'}")
    met = all(f["coverage_met"] and f["off_topic_met"] for f in [*result["splits"].values(), result["all"]])
    if not met and not args.no_gate:
        print("assistant: briefing targets not met (coverage ≥ 0.9, off-topic ≤ 5 %); --no-gate to exit 0.", file=sys.stderr)
        return 1
    return 0


def _listed(text: str, name: str) -> list[str]:
    from ..errors import AssistantError

    values = [part.strip() for part in text.split(",") if part.strip()]
    if not values:
        raise AssistantError(f"--{name} needs at least one value.")
    return list(dict.fromkeys(values))


def parse_configs(text: str) -> list[str]:
    """`--configs bm25,hybrid` → ["bm25", "hybrid"], checked.

    Raises:
        AssistantError: empty, or an unknown name.
    """
    from ..errors import AssistantError

    names = _listed(text, "configs")
    unknown = [name for name in names if name not in CONFIGS]
    if unknown:
        raise AssistantError(f"--configs: unknown configuration {unknown[0]!r}; choose from {', '.join(CONFIGS)}.")
    return names


def parse_ks(text: str) -> list[int]:
    """`--k 1,3,5,10` → [1, 3, 5, 10], each a positive integer.

    Raises:
        AssistantError: empty, or not a positive integer.
    """
    from ..errors import AssistantError

    ks = []
    for part in _listed(text, "k"):
        if not part.isdigit() or int(part) < 1:
            raise AssistantError(f"--k: {part!r} is not a positive integer; write e.g. --k 1,3,5,10.")
        ks.append(int(part))
    return ks


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses
    import json

    from ..answer.assistant import Assistant
    from ..corpus.manifest import load_corpus
    from ..errors import AssistantError
    from ..search.fusion import Fusion
    from .gate import check_thresholds, choose_gate, gate_record
    from .gold import read_gold
    from .report import confidence, headline_text, write_report
    from .results import llm_usage
    from .runner import DEFAULT_GOLD, DEFAULT_OUT, configurations, run_evaluation

    configs, ks = parse_configs(args.configs), parse_ks(args.k)
    if args.fusion_weight is not None and not args.fusion_weight >= 0:
        raise AssistantError("--fusion-weight must be a number of at least 0 (the weight of the dense cosine).")
    if args.require_llm and args.no_answers:
        raise AssistantError("--require-llm needs the answers; leave out --no-answers.")
    if args.judge and (args.no_answers or not settings.llm_enabled):
        raise AssistantError("--judge needs the answers and an LLM endpoint (ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL).")
    if args.require_llm and not settings.llm_enabled:
        raise AssistantError("--require-llm: no LLM endpoint is configured; set ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL.")
    if args.eval_index is not None:
        settings = settings.with_overrides(index_dir=args.eval_index)
    gold = Path(args.gold) if args.gold is not None else DEFAULT_GOLD
    out = Path(args.out) if args.out is not None else DEFAULT_OUT
    gate = choose_gate(gold, args.thresholds, args.no_gate)

    documents = load_corpus(settings.corpus_dir)
    gold_file = read_gold(gold, documents, skip_invalid=args.skip_invalid)
    for warning in gold_file.warnings:
        print(f"assistant: warning: {warning}", file=sys.stderr)
    for problem in gold_file.skipped:
        print(f"assistant: skipped: {problem}", file=sys.stderr)

    assistant = Assistant.load(settings)
    fusion = Fusion(dense=args.fusion_weight) if args.fusion_weight is not None else None
    if fusion is not None:  # the answers search with the same weights as the configurations
        from ..search.retriever import Retriever
        from ..search.steering import SteeredRetriever

        assistant.retriever = SteeredRetriever(Retriever(assistant.index, fusion))
    baseline = None
    if "baseline" in configs:
        from ..search.baseline import BaselineRetriever

        baseline = BaselineRetriever.from_corpus(settings.corpus_dir)
    retrievers = configurations(assistant, baseline, configs, fusion)
    answerer = None if args.no_answers else assistant
    report = run_evaluation(
        gold_file.items, retrievers, answerer, ks=ks, progress=not args.quiet, gold_path=gold, keep_order=True, resolver=assistant
    )

    llm = llm_usage(report.results) if settings.llm_enabled and answerer is not None else None
    extra = run_info(
        settings, getattr(getattr(assistant, "index", None), "manifest", {}), fusion or getattr(assistant.retriever.core, "fusion", None)
    )
    extra["skipped"] = list(gold_file.skipped)
    extra["gold_warnings"] = len(gold_file.warnings)
    extra["llm"]["usage"] = llm
    extra["gate"] = gate_record(gate, report.metrics)
    extra["bootstrap"] = {"resamples": args.resamples, "seed": BOOTSTRAP_SEED}
    verdicts = []
    if args.judge:
        from .judge import endpoint_completer, judge_results, summary

        verdicts = judge_results(report.results, endpoint_completer(settings))
        extra["judge"] = {"model": settings.llm_model, "host": extra["llm"]["host"], **summary(verdicts, args.resamples)}
    report = dataclasses.replace(report, run={**report.run, **extra})
    write_report(report, out, resamples=args.resamples)
    if args.judge:
        with (out / "judgements.jsonl").open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(dataclasses.asdict(v), ensure_ascii=False) + "\n" for v in verdicts)
    if args.export_trec is not None:
        from .trec import export_trec

        export_trec(report, documents, args.export_trec)

    print(headline_text(report, confidence(report, args.resamples)))
    failures = check_thresholds(report, gate.thresholds) if gate.applied else []
    if gate.warning:
        print(f"assistant: warning: {gate.warning}.", file=sys.stderr)
    if gate.applied:
        print(f"Thresholds: {len(gate.thresholds) - len(failures)} of {len(gate.thresholds)} met ({gate.source}).")
    else:
        print(f"No gate: {gate.reason}.")
    if llm is not None:
        print(
            f"LLM: {llm['llm_answers']} of {llm['sent']} answers written by the LLM, {llm['fallbacks']} fell back "
            f"({llm['unavailable']} endpoint unavailable), {llm['dropped_sentences']} sentences dropped."
        )
    print(f"Report: {out / 'report.md'}")
    for failure in failures:
        print(f"assistant: threshold not met: {failure}", file=sys.stderr)
    rc = 1 if failures else 0
    if args.require_llm and llm is not None and (llm["unavailable"] or not llm["llm_answers"]):
        print(
            f"assistant: --require-llm: the LLM endpoint did not answer ({llm['unavailable']} of {llm['sent']} replies fell back "
            "because it was unavailable).",
            file=sys.stderr,
        )
        rc = 1
    return rc


#: The seed of every paired bootstrap, so that a report's CIs are reproducible.
BOOTSTRAP_SEED = 0


def run_info(settings: Settings, manifest: dict[str, Any], fusion: Any) -> dict[str, Any]:
    """What a run was made with: the corpus and index (from its manifest), the embedder, the fusion, the LLM, the package and the commit."""
    from importlib import metadata
    from urllib.parse import urlsplit

    try:
        version = metadata.version("assistant")
    except metadata.PackageNotFoundError:
        version = None
    host = urlsplit(settings.llm_base_url).netloc if settings.llm_enabled else None
    return {
        "corpus_dir": str(settings.corpus_dir),
        "corpus_hash": manifest.get("corpus_hash"),
        "index": {
            "dir": str(settings.index_dir),
            "format": manifest.get("format"),
            "created": manifest.get("created"),
            "units": manifest.get("unit_count"),
            "searchable": manifest.get("searchable_count"),
            "versions": manifest.get("versions"),
        },
        "embedder": manifest.get("embedder"),
        "fusion": {"lexical": fusion.lexical, "dense": fusion.dense} if fusion is not None else None,
        "llm": {"enabled": settings.llm_enabled, "model": settings.llm_model or None, "host": host},
        "package_version": version,
        "git_commit": git_commit(),
    }


def git_commit() -> str | None:
    """The commit of the package's checkout, with "+dirty" when tracked files changed; None outside git."""
    import subprocess

    where = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=where, capture_output=True, text=True, timeout=5, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if status.strip() else "")


def compare(run_a: Path, run_b: Path) -> int:
    """`assistant eval compare RUN_A RUN_B`: per-metric differences B − A with paired-bootstrap CIs and the items that changed."""
    from .comparison import compare_runs

    print(compare_runs(run_a, run_b))
    return 0
