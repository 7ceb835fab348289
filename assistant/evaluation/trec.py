"""TREC export: qrels and one run file per configuration, readable by trec_eval and ranx.

A gold item names evidence substrings, not units; the qrels list every unit of the corpus that
covers one of the item's evidence groups (relevance 1), and every retrieved piece that does which is
not a corpus unit (the baseline's chunks), so trec_eval's figures count units, while the report's
recall and MAP count groups (a group several units cover is found once).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..records import ParsedDocument
from . import metrics
from .results import Report


def export_trec(report: Report, documents: Sequence[ParsedDocument], out_dir: Path) -> list[Path]:
    """Writes qrels.txt ("qid 0 unit-id 1") and run.<config>.txt ("qid Q0 unit-id rank score config") into out_dir.

    Unanswerable items have no relevant unit and are left out of both (trec_eval ignores a query without qrels).

    Returns:
        The files written, qrels first.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    units = [(unit, metrics.unit_forms(unit)) for document in documents for unit in document.units]
    answerable = [result for result in report.results if result.item.answerable]
    qrels = out_dir / "qrels.txt"
    with qrels.open("w", encoding="utf-8") as handle:
        for result in answerable:
            relevant = [unit.id for unit, forms in units if metrics.groups_covered(forms, result.item.evidence)]
            for ranking in result.rankings:
                relevant += [unit_id for unit_id, flag in zip(ranking.ids, ranking.relevant, strict=False) if flag]
            handle.writelines(f"{result.item.id} 0 {unit_id} 1\n" for unit_id in dict.fromkeys(relevant))
    written = [qrels]
    for config in report.configs:
        path = out_dir / f"run.{config}.txt"
        with path.open("w", encoding="utf-8") as handle:
            for result in answerable:
                ranking = result.ranking(config)
                if ranking is None:
                    continue
                scores = ranking.scores or tuple(float(len(ranking.ids) - rank) for rank in range(len(ranking.ids)))
                for rank, (unit_id, score) in enumerate(zip(ranking.ids, scores, strict=False), start=1):
                    # trec_eval sorts by score: make ties follow the rank the configuration gave
                    handle.write(f"{result.item.id} Q0 {unit_id} {rank} {score - rank * 1e-9:.9f} {config}\n")
        written.append(path)
    return written
