"""One seaborn theme for every chart in every report.

Print resolution: ``savefig.dpi`` is 200. In a notebook, the inline backend ignores
``savefig.dpi`` (IPython renders at ``figure.dpi``), so :func:`use_theme` also switches the
inline backend to "retina" PNGs: twice ``figure.dpi`` (200 dpi) in the file, shown at the
normal size on screen, sharp on paper.
"""
from __future__ import annotations

from kpi_lib.reports.fonts import register_matplotlib_fonts

PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#f79646", "#4bacc6", "#8064a2", "#7f7f7f"]
FIGURE_DPI = 100
SAVEFIG_DPI = 200


def theme_rc(language: str = "zh") -> dict:
    """The matplotlib settings of the theme (after seaborn's whitegrid style)."""
    return {"font.family": register_matplotlib_fonts(language), "figure.dpi": FIGURE_DPI,
            "savefig.dpi": SAVEFIG_DPI, "savefig.bbox": "tight", "figure.figsize": (8.0, 4.0),
            "axes.titleweight": "bold", "axes.titlesize": 12, "axes.labelsize": 10,
            "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9,
            "axes.spines.top": False, "axes.spines.right": False}


def use_theme(language: str = "zh") -> None:
    """Apply the suite's chart theme. Call it before plotting (after any other seaborn call:
    ``sns.set_theme`` resets fonts). The chart functions call it themselves."""
    import matplotlib as mpl
    import seaborn as sns

    rc = theme_rc(language)
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, rc=rc)
    mpl.rcParams["font.family"] = rc["font.family"]  # seaborn resets the family list
    _retina_inline()


def _retina_inline() -> None:
    """Print-resolution PNGs in notebooks (only inside a Jupyter kernel)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:  # IPython is optional outside notebooks
        return
