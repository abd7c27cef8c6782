"""Advertising efficiency this month against last month and against target.

ACoS = ad spend ÷ ad-attributed sales; TACoS = ad spend ÷ total sales (both fractions,
0.25 = 25 %). Each is a ratio of sums over the rows of a key (person, market, campaign
owner…) in a month — never a mean of ratios, so a small campaign cannot swing the
figure. Changes are in percentage points of the fraction (0.03 = +3 pp); a rise is a
deterioration (both are lower-is-better).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

AD_COLUMNS = ["ad_spend", "ad_sales", "total_sales"]
RESULT_COLUMNS = ["month", "ad_spend", "ad_sales", "total_sales", "acos", "acos_prev", "acos_change", "acos_target",
                  "acos_vs_target", "tacos", "tacos_prev", "tacos_change", "tacos_target", "tacos_vs_target",
                  "worse"]


def previous_month(month: str) -> str:
    """The month before ``month`` (YYYY-MM)."""
    return (pd.Period(month, "M") - 1).strftime("%Y-%m")


def _ratios(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    sums = frame.groupby(keys, sort=True)[AD_COLUMNS].sum(min_count=1) if keys else \
        frame[AD_COLUMNS].sum(min_count=1).to_frame().T
    with np.errstate(divide="ignore", invalid="ignore"):
        sums["acos"] = (sums["ad_spend"] / sums["ad_sales"]).where(sums["ad_sales"] > 0)
        sums["tacos"] = (sums["ad_spend"] / sums["total_sales"]).where(sums["total_sales"] > 0)
    return sums


def ad_efficiency(frame: pd.DataFrame, month: str, *, keys: Iterable[str] = ("market",),
                  targets: pd.DataFrame | None = None, tolerance: float = 0.02) -> pd.DataFrame:
    """ACoS and TACoS per key in ``month``, last month's, the change (pp) and the gap to
    target (pp; ``targets`` holds the keys and ``acos_target`` / ``tacos_target``).

    ``frame``: keys, ``month`` (YYYY-MM), ``ad_spend``, ``ad_sales``, ``total_sales`` (one
    currency). ``worse``: ACoS or TACoS rose by more than ``tolerance`` (default 2 pp)
    over last month, or is above its target by more than ``tolerance``."""
    keys = list(keys)
    missing = [c for c in [*keys, "month", *AD_COLUMNS] if c not in frame.columns]
    if missing:
        raise KpiError(f"ad_efficiency needs the column(s) {', '.join(missing)}", column=missing[0],
                       expected=", ".join([*keys, "month", *AD_COLUMNS]))
    data = frame.assign(month=frame["month"].astype(str).str.slice(0, 7))
    now = _ratios(data[data["month"] == month], keys)
    before = _ratios(data[data["month"] == previous_month(month)], keys)
    out = now.join(before[["acos", "tacos"]].rename(columns={"acos": "acos_prev", "tacos": "tacos_prev"}), how="left")
    out["acos_change"] = out["acos"] - out["acos_prev"]
    out["tacos_change"] = out["tacos"] - out["tacos_prev"]
    out = out.reset_index() if keys else out.reset_index(drop=True)
    if targets is not None:
        cols = [c for c in ("acos_target", "tacos_target") if c in targets.columns]
        out = out.merge(targets[[*keys, *cols]], on=keys, how="left") if keys else out.assign(
            **{c: targets[c].iat[0] for c in cols})
    for c in ("acos_target", "tacos_target"):
        if c not in out.columns:
            out[c] = np.nan
    out["acos_vs_target"] = out["acos"] - out["acos_target"]
    out["tacos_vs_target"] = out["tacos"] - out["tacos_target"]
    worse = np.zeros(len(out), dtype=bool)
    for c in ("acos_change", "tacos_change", "acos_vs_target", "tacos_vs_target"):
        worse |= (out[c] > tolerance + 1e-12).fillna(False).to_numpy(dtype=bool)
    out["month"] = month
    out["worse"] = worse
    return out[[*keys, *RESULT_COLUMNS]]
