"""One seaborn theme for every chart in every report."""
from __future__ import annotations

from kpi_lib.reports.fonts import register_matplotlib_fonts

PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#f79646", "#4bacc6", "#8064a2", "#7f7f7f"]


def use_theme(language: str = "zh") -> None:
    """Apply the suite's chart theme. Call it before plotting (after any other seaborn call:
    ``sns.set_theme`` resets fonts)."""
    import matplotlib as mpl
    import seaborn as sns

    families = register_matplotlib_fonts(language)
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE,
                  rc={"font.family": families, "figure.dpi": 110, "savefig.dpi": 200,
                      "figure.figsize": (8.0, 4.0), "axes.titleweight": "bold",
                      "axes.spines.top": False, "axes.spines.right": False})
    mpl.rcParams["font.family"] = families
