"""Unit economics for advertising targets: break-even ACoS and the ACoS / TACoS that leave
a desired net margin.

Definitions (all money per unit sold, in one currency — convert first; margins and ACoS
are fractions of the selling price, 0.25 = 25 %):

* **pre-ad margin** = (price − COGS − first-leg freight − platform and FBA fees − returns
  allowance) ÷ price. The returns allowance is the expected cost of returns per unit
  sold (e.g. return rate × the loss per returned unit);
* **break-even ACoS** = the pre-ad margin: at that ACoS an ad-driven sale earns exactly
  0 (ad cost per unit = ACoS × price);
* **net margin** on all sales = pre-ad margin − TACoS, and TACoS = ACoS × the ad-attributed
  share of sales; so the **target TACoS** for a desired net margin is
  pre-ad margin − desired net margin, and the **target ACoS** = target TACoS ÷
  ad-attributed share (with share 1, i.e. judging ad sales on their own,
  target ACoS = break-even ACoS − desired net margin).

A pre-ad margin at or below the desired margin leaves no room for ads: the target is
clipped at 0 and ``ad_room`` is False. Prices are as the buyer pays them on the market
(JP prices include consumption tax; take it out of ``price`` for a like-for-like margin).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

COST_COLUMNS = ("price", "cogs", "first_leg", "fees", "returns_allowance")
OUTPUT_COLUMNS = ["pre_ad_margin", "break_even_acos", "target_tacos", "target_acos", "ad_room"]


def _arr(x) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(np.ravel(np.asarray(x, dtype=object))), errors="coerce"), dtype=float)


def pre_ad_margin(price, cogs, first_leg=0.0, fees=0.0, returns_allowance=0.0):
    """(price − cogs − first_leg − fees − returns_allowance) ÷ price, a fraction of price.
    Scalars or arrays; a price ≤ 0 gives NaN."""
    p, c, f, e, r = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                                          (price, cogs, first_leg, fees, returns_allowance)))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p > 0, (p - c - f - e - r) / p, np.nan)
    return float(out) if out.ndim == 0 else out


def break_even_acos(price, cogs, first_leg=0.0, fees=0.0, returns_allowance=0.0):
    """The ACoS at which an ad-driven sale earns exactly 0: the pre-ad margin."""
    return pre_ad_margin(price, cogs, first_leg, fees, returns_allowance)


def target_tacos(margin, desired_net_margin):
    """TACoS leaving ``desired_net_margin`` on all sales: pre-ad ``margin`` − desired,
    clipped at 0 (no room for ads)."""
    out = np.maximum(np.asarray(margin, dtype=float) - np.asarray(desired_net_margin, dtype=float), 0.0)
    return float(out) if out.ndim == 0 else out


def target_acos(margin, desired_net_margin, ad_sales_share=1.0):
    """ACoS leaving ``desired_net_margin`` on all sales when ``ad_sales_share`` (0–1] of
    sales are ad-attributed: (margin − desired) ÷ share, clipped at 0. With share 1 it is
    the break-even ACoS minus the desired margin."""
    share = np.asarray(ad_sales_share, dtype=float)
    if np.any(~(share > 0)) or np.any(share > 1):
        raise KpiError("the ad-attributed share of sales is a fraction above 0 and at most 1",
                       key="ad_sales_share", found=ad_sales_share, fix="e.g. 0.4 when ads drive 40 % of sales")
    out = np.asarray(target_tacos(margin, desired_net_margin), dtype=float) / share
    return float(out) if out.ndim == 0 else out


def unit_economics(costs: pd.DataFrame, *, desired_net_margin: float = 0.10, ad_sales_share: float = 1.0
                   ) -> pd.DataFrame:
    """Per row of ``costs`` (per SKU or product line: price, cogs and optionally
    first_leg, fees, returns_allowance — one currency per row): the input columns plus
    :data:`OUTPUT_COLUMNS`. ``desired_net_margin`` and ``ad_sales_share`` may also be
    columns of ``costs`` (a column wins over the argument)."""
    for c in ("price", "cogs"):
        if c not in costs.columns:
            raise KpiError(f"unit economics need the column {c}", column=c,
                           expected="price, cogs (+ first_leg, fees, returns_allowance), per unit sold")
    v = {c: _arr(costs[c]) if c in costs.columns else np.zeros(len(costs)) for c in COST_COLUMNS}
    desired = _arr(costs["desired_net_margin"]) if "desired_net_margin" in costs.columns else desired_net_margin
    share = _arr(costs["ad_sales_share"]) if "ad_sales_share" in costs.columns else ad_sales_share
    margin = np.asarray(pre_ad_margin(*(v[c] for c in COST_COLUMNS)), dtype=float)
    tacos = np.asarray(target_tacos(margin, desired), dtype=float)
    acos = np.asarray(target_acos(margin, desired, share), dtype=float)
    room = margin - np.asarray(desired, dtype=float) > 0
    return costs.assign(pre_ad_margin=margin, break_even_acos=margin, target_tacos=tacos,
                        target_acos=np.where(np.isnan(margin), np.nan, acos), ad_room=room)
