"""Fairness of the pilot scores: do junior and senior staff, US and JP staff, have the
same chance under the scheme?

Per grouping dimension (``level``, ``market`` by default) the score distribution of each
group (n, mean, median, quartiles, min, max, in points) and the share of people reaching
``threshold`` (default 100 points = on target). A dimension is flagged when the share
reaching the threshold differs between its best and worst group by more than
``tolerance`` (default 0.25 = 25 percentage points), or their mean scores differ by more
than ``mean_tolerance`` points (default 15). Groups with fewer than ``min_group`` people
(default 2) are shown but not compared: one person is not a group.

A person working on several markets (``markets`` / ``market`` ``US,JP``) counts in each.
Outputs are group aggregates; no person id or name appears.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib.texts import text

DISTRIBUTION_COLUMNS = ["dimension", "group", "n", "mean", "median", "p25", "p75", "min", "max", "share_reaching"]
FLAG_COLUMNS = ["dimension", "best_group", "worst_group", "share_gap", "mean_gap", "tolerance", "mean_tolerance",
                "flagged", "note"]


def _exploded(scores: pd.DataFrame, dimension: str) -> pd.DataFrame:
    if dimension != "market" or dimension not in scores.columns:
        return scores
    markets = scores["market"].astype("string").str.replace("，", ",").str.split(",")
    out = scores.assign(market=markets).explode("market")
    out["market"] = out["market"].str.strip()
    return out


def score_distribution(scores: pd.DataFrame, *, by: Iterable[str] = ("level", "market"),
                       score_column: str = "total_score", threshold: float = 100.0) -> pd.DataFrame:
    """Score distribution per group of each dimension in ``by`` (``DISTRIBUTION_COLUMNS``;
    scores in points, ``share_reaching`` the fraction of the group at or above
    ``threshold``). People without a score are left out."""
    records = []
    for dimension in by:
        if dimension not in scores.columns:
            continue
        frame = _exploded(scores[scores[score_column].notna()], dimension)
        for group, g in frame.groupby(dimension, sort=True):
            s = g[score_column].astype(float)
            records.append({"dimension": dimension, "group": str(group), "n": int(len(s)), "mean": float(s.mean()),
                            "median": float(s.median()), "p25": float(s.quantile(0.25)),
                            "p75": float(s.quantile(0.75)), "min": float(s.min()), "max": float(s.max()),
                            "share_reaching": float((s >= threshold - 1e-9).mean())})
    return pd.DataFrame(records, columns=DISTRIBUTION_COLUMNS)


def fairness_flags(distribution: pd.DataFrame, *, tolerance: float = 0.25, mean_tolerance: float = 15.0,
                   min_group: int = 2, language: str = "zh") -> pd.DataFrame:
    """One row per dimension: best and worst group (by share reaching the threshold, then
    mean), the gaps, and ``flagged`` when a gap exceeds its tolerance (``FLAG_COLUMNS``).
    A dimension with fewer than two comparable groups is not flagged."""
    records = []
    for dimension, d in distribution.groupby("dimension", sort=False):
        comparable = d[d["n"] >= min_group]
        if len(comparable) < 2:
            records.append({"dimension": dimension, "best_group": None, "worst_group": None, "share_gap": np.nan,
                            "mean_gap": np.nan, "tolerance": tolerance, "mean_tolerance": mean_tolerance,
                            "flagged": False, "note": text("pilot.fair_not_comparable", language,
                                                           dimension=dimension, min_group=min_group)})
            continue
        ranked = comparable.sort_values(["share_reaching", "mean"], ascending=False)
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        share_gap = float(best["share_reaching"] - worst["share_reaching"])
        mean_gap = float(comparable["mean"].max() - comparable["mean"].min())
        flagged = share_gap > tolerance + 1e-12 or mean_gap > mean_tolerance + 1e-12
        key = "pilot.fair_flag" if flagged else "pilot.fair_ok"
        records.append({"dimension": dimension, "best_group": best["group"], "worst_group": worst["group"],
                        "share_gap": share_gap, "mean_gap": mean_gap, "tolerance": tolerance,
                        "mean_tolerance": mean_tolerance, "flagged": bool(flagged),
                        "note": text(key, language, dimension=dimension, best=best["group"], worst=worst["group"],
                                     share_gap=share_gap, mean_gap=mean_gap, tolerance=tolerance,
                                     mean_tolerance=mean_tolerance)})
    out = pd.DataFrame(records, columns=FLAG_COLUMNS)
    out["flagged"] = out["flagged"].astype(bool)
    return out
