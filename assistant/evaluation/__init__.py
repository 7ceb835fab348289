"""Evaluation: a gold set becomes a Report — every retrieval configuration and the answers scored, gated on thresholds.

The names are loaded on first use, so that the CLI can import `evaluation.command` (its options) cheaply.
"""

from importlib import import_module

_WHERE = {
    "GoldItem": "gold",
    "load_gold": "gold",
    "read_gold": "gold",
    "Report": "results",
    "check_thresholds": "gate",
    "load_thresholds": "gate",
    "run_evaluation": "runner",
    "write_report": "report",
}

__all__ = ["GoldItem", "Report", "check_thresholds", "load_gold", "load_thresholds", "read_gold", "run_evaluation", "write_report"]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
