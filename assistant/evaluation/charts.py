"""Charts: recall over k per configuration, and rates per question type, as PNG files (matplotlib loaded on use)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .results import Report

CHARTS = ("recall_at_k.png", "by_type.png")
TYPE_NAMES_ZH = {
    "fact": "事实",
    "numeric": "数值",
    "table": "表格",
    "list": "列举",
    "paraphrase": "改写",
    "followup": "追问",
    "cross": "跨文件",
    "summary": "概括",
    "yesno": "是非",
    "count": "计数",
    "arithmetic": "计算",
    "unanswerable": "无答案",
}


def cjk_font(names: Sequence[str] | None = None) -> str | None:
    """An installed font family that has Chinese glyphs (Noto Sans CJK SC preferred), or None.

    Args:
        names: font family names to choose from; those matplotlib knows when None.
    """
    if names is None:
        from matplotlib import font_manager

        names = [font.name for font in font_manager.fontManager.ttflist]
    candidates = sorted({name for name in names if "CJK" in name or name.startswith(("Source Han Sans", "WenQuanYi"))})
    preferred = [name for name in candidates if name.startswith("Noto Sans CJK SC")]
    return (preferred or candidates or [None])[0]


def draw_charts(report: Report, out_dir: Path) -> list[Path]:
    """Draws recall_at_k.png (recall per configuration over k) and by_type.png (primary recall@5, answer
    all-keys rate and refusal accuracy per question type); labels are ASCII unless a CJK font is installed.

    Returns:
        The charts drawn (none when there is nothing to plot).
    """
    import matplotlib
    from matplotlib.figure import Figure

    font = cjk_font()
    style = {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    drawn: list[Path] = []
    with matplotlib.rc_context(style):
        if report.configs:
            figure = Figure(figsize=(6.4, 4.0), dpi=110)
            axes = figure.subplots()
            for config in report.configs:
                values = [report.by_config[config].get(f"recall@{k}") for k in report.ks]
                axes.plot(report.ks, [float("nan") if v is None else v for v in values], marker="o", label=config)
            axes.set(xlabel="k", ylabel="recall@k", title="Evidence recall by rank cut-off", xticks=list(report.ks), ylim=(0, 1.02))
            axes.grid(alpha=0.3)
            axes.legend()
            figure.tight_layout()
            drawn.append(out_dir / CHARTS[0])
            figure.savefig(drawn[-1])

        k = 5 if 5 in report.ks else max(report.ks, default=5)
        series = [
            (f"{report.primary}/recall@{k}", f"{report.primary} recall@{k}"),
            ("answer/all_keys", "answer has all keys"),
            ("answer/refusal_accuracy", "refusal accuracy"),
        ]
        series = [(name, label) for name, label in series if any(name in values for values in report.by_type.values())]
        if series:
            types = list(report.by_type)
            figure = Figure(figsize=(max(6.4, 0.9 * len(types) + 1), 4.0), dpi=110)
            axes = figure.subplots()
            width = 0.8 / len(series)
            for index, (name, label) in enumerate(series):
                heights = [report.by_type[kind].get(name, float("nan")) for kind in types]
                axes.bar([x + (index - (len(series) - 1) / 2) * width for x in range(len(types))], heights, width, label=label)
            labels = [f"{kind}\n{TYPE_NAMES_ZH.get(kind, '')}" if font else kind for kind in types]
            axes.set_xticks(range(len(types)), labels)
            axes.set(ylabel="rate", title="By question type", ylim=(0, 1.02))
            axes.grid(axis="y", alpha=0.3)
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14 if font else -0.08), ncol=len(series), frameon=False)
            figure.tight_layout()
            drawn.append(out_dir / CHARTS[1])
            figure.savefig(drawn[-1])
    return drawn
