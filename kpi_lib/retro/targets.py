"""Suggested next-cycle targets: a documented blend of what people actually did and
what was asked of them.

For each key (person × metric, …)::

    anchor     = mean of the last ``trailing`` months' actuals (default 3)
    improved   = anchor × (1 + growth)   for higher-is-better metrics
                 anchor × (1 − growth)   for lower-is-better metrics
    blended    = blend × improved + (1 − blend) × current target      (blend default 0.5)
    suggested  = blended, kept within current target × (1 ± max_change)  (default 20 %)

Band metrics (e.g. days of supply 30–60) keep their current target: the band is policy.
Why a blend: the trailing actual alone rewards a bad quarter with an easy target and
punishes a good one; the current target alone ignores what the market allowed. The
clamp stops one odd month from moving a target by more than a fifth per cycle. A key
without a current target gets the improved trailing actual (nothing to blend with).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kpi_lib.texts import text

SUGGEST_COLUMNS = ["direction", "current_target", "trailing_actual", "months_used", "growth", "blended",
                   "suggested_target", "change_pct", "clamped", "rationale"]


def _direction(metric_id: object) -> str:
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(str(metric_id))
    return metric.direction if metric is not None else "higher"


def suggest_next_targets(actuals: pd.DataFrame, targets: pd.DataFrame, month: str, *,
                         keys: Iterable[str] = ("person_id", "metric_id"), trailing: int = 3, blend: float = 0.5,
                         growth: float | Mapping[str, float] = 0.0, max_change: float = 0.2,
                         language: str = "zh") -> pd.DataFrame:
    """Keys + ``SUGGEST_COLUMNS``, one row per key of ``targets``.

    ``actuals``: keys, month, value (the metric's actual); ``targets``: keys, target (the
    current cycle's); ``month``: the last closed month (the trailing window ends there);
    ``growth``: a fraction, or per metric id. See the module docstring for the rule."""
    keys = list(keys)
    if not 0 <= blend <= 1:
        raise ValueError("blend is a fraction between 0 and 1")
    start = (pd.Period(month, "M") - (trailing - 1)).strftime("%Y-%m")
    acts = actuals.assign(month=actuals["month"].astype(str).str.slice(0, 7),
                          value=pd.to_numeric(actuals["value"], errors="coerce").astype(float))
    acts = acts[(acts["month"] >= start) & (acts["month"] <= month) & acts["value"].notna()]
    trailing_mean = acts.groupby(keys)["value"].mean().rename("trailing_actual")
    used = acts.groupby(keys)["month"].nunique().rename("months_used")
    out = targets[[*keys, "target"]].rename(columns={"target": "current_target"}).copy()
    out = out.join(trailing_mean, on=keys).join(used, on=keys)
    out["months_used"] = out["months_used"].fillna(0).astype(int)
    out["current_target"] = pd.to_numeric(out["current_target"], errors="coerce").astype(float)
    metric_ids = out["metric_id"] if "metric_id" in out.columns else pd.Series(None, index=out.index)
    out["direction"] = metric_ids.map(_direction)
    g = metric_ids.map(lambda m: float(growth.get(m, 0.0)) if isinstance(growth, Mapping) else float(growth))
    out["growth"] = g.astype(float)
    sign = np.where(out["direction"] == "lower", -1.0, 1.0)
    improved = out["trailing_actual"] * (1 + sign * out["growth"])
    has_target = out["current_target"].notna()
    blended = np.where(has_target, blend * improved + (1 - blend) * out["current_target"], improved)
    blended = pd.Series(blended, index=out.index).where(out["trailing_actual"].notna(), out["current_target"])
    out["blended"] = blended
    low = out["current_target"] * (1 - max_change)
    high = out["current_target"] * (1 + max_change)
    lo, hi = np.minimum(low, high), np.maximum(low, high)          # negative targets flip the bounds
    clamped = has_target & ((blended < lo - 1e-12) | (blended > hi + 1e-12))
    suggested = blended.where(~has_target, blended.clip(lower=lo, upper=hi))
    band = out["direction"] == "band"
    suggested = suggested.where(~band, out["current_target"])
    out["suggested_target"] = suggested
    out["clamped"] = (clamped & ~band).astype(bool)
    out["change_pct"] = ((out["suggested_target"] - out["current_target"]) / out["current_target"].abs()).where(
        has_target & (out["current_target"] != 0))
    out["rationale"] = [_rationale(r, trailing, blend, max_change, language) for r in out.to_dict("records")]
    return out[[*keys, *SUGGEST_COLUMNS]].reset_index(drop=True)


def _rationale(r: dict, trailing: int, blend: float, max_change: float, language: str) -> str:
    if r["direction"] == "band":
        return text("retro.target_band", language)
    if pd.isna(r["trailing_actual"]):
        return text("retro.target_no_actuals", language)
    if pd.isna(r["current_target"]):
        return text("retro.target_no_target", language, months=r["months_used"], actual=r["trailing_actual"],
                    growth=r["growth"])
    out = text("retro.target_blend", language, months=r["months_used"], actual=r["trailing_actual"],
               growth=r["growth"], blend=blend, target=r["current_target"], blended=r["blended"])
    if r["clamped"]:
        out += text("retro.target_clamped", language, max_change=max_change, suggested=r["suggested_target"])
    return out
