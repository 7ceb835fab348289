"""Evaluation: a gold set becomes a Report — every retrieval configuration and the answers scored, gated on thresholds."""

from .gate import check_thresholds, load_thresholds
from .gold import GoldItem, load_gold
from .report import write_report
from .results import Report
from .runner import run_evaluation

__all__ = ["GoldItem", "Report", "check_thresholds", "load_gold", "load_thresholds", "run_evaluation", "write_report"]
