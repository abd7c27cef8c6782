"""Report charts, all drawn with the suite's theme (:func:`kpi_lib.reports.theme.use_theme`).

Each function takes prepared data (no computation beyond layout) and returns the figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

LABELS = {
    "coverage_title": {"zh": "数据覆盖（行数，按月）", "en": "Data coverage (rows per month)"},
    "month": {"zh": "月份", "en": "Month"},
}


def _label(key: str, language: str) -> str:
    return LABELS[key].get(language) or LABELS[key]["zh"]


def coverage_heatmap(matrix: pd.DataFrame, *, language: str = "zh"):
    """Rows per table × market and month; empty cells (gaps) stand out in white."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if matrix.empty:
        return None
    labels = [f"{t} · {m}" for t, m in matrix.index]
    height = max(2.5, 0.32 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(9.5, height))
    shown = np.log10(matrix.replace(0, np.nan))
    sns.heatmap(shown, ax=ax, cmap="Blues", cbar=False, linewidths=0.5, linecolor="#eeeeee",
                annot=matrix.replace(0, np.nan).map(lambda v: "" if pd.isna(v) else f"{int(v):,}"),
                fmt="", annot_kws={"fontsize": 6})
    ax.set_yticks(np.arange(len(labels)) + 0.5, labels, rotation=0, fontsize=8)
    ax.set_xticks(np.arange(matrix.shape[1]) + 0.5, list(matrix.columns), rotation=45, ha="right", fontsize=8)
    ax.set_xlabel(_label("month", language))
    ax.set_ylabel("")
    ax.set_title(_label("coverage_title", language))
    fig.tight_layout()
    plt.show()
    return fig
