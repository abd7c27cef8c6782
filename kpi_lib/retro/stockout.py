"""Sales lost to stock-outs: days out of stock × run-rate units per day × price.

``run_rate_units`` is the units a SKU sells per day *while in stock*; given directly
(e.g. a trailing 30-day rate) or computed as ``units_sold ÷ (days − stockout_days)``
from the month itself. ``price`` is the average selling price (given, or ``sales ÷
units_sold``). A SKU out of stock all month with no rate given has no run rate: its
loss is unknown (NaN), never 0.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError


def stockout_loss(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``run_rate_units`` (units/day), ``price`` (money per unit),
    ``lost_units`` and ``lost_sales`` (money) added per row (SKU × month …).

    Needs ``stockout_days`` and either ``run_rate_units`` or ``units_sold`` + ``days``
    (days in the period); and either ``price`` or ``sales`` + ``units_sold``."""
    if "stockout_days" not in frame.columns:
        raise KpiError("stockout_loss needs the column stockout_days", column="stockout_days")
    out = frame.copy()
    days_out = pd.to_numeric(out["stockout_days"], errors="coerce").astype(float)
    if "run_rate_units" in out.columns and out["run_rate_units"].notna().any():
        rate = pd.to_numeric(out["run_rate_units"], errors="coerce").astype(float)
    elif {"units_sold", "days"} <= set(out.columns):
        in_stock = pd.to_numeric(out["days"], errors="coerce").astype(float) - days_out
        rate = (pd.to_numeric(out["units_sold"], errors="coerce").astype(float) / in_stock).where(in_stock > 0)
    else:
        raise KpiError("stockout_loss needs run_rate_units, or units_sold and days", column="run_rate_units",
                       fix="give the trailing units per in-stock day, or the month's units sold and its days")
    if "price" in out.columns and out["price"].notna().any():
        price = pd.to_numeric(out["price"], errors="coerce").astype(float)
    elif {"sales", "units_sold"} <= set(out.columns):
        units = pd.to_numeric(out["units_sold"], errors="coerce").astype(float)
        price = (pd.to_numeric(out["sales"], errors="coerce").astype(float) / units).where(units > 0)
    else:
        raise KpiError("stockout_loss needs price, or sales and units_sold", column="price")
    out["run_rate_units"] = rate
    out["price"] = price
    out["lost_units"] = np.where(days_out == 0, 0.0, days_out * rate)
    out["lost_sales"] = np.where(days_out == 0, 0.0, out["lost_units"] * price)
    return out


def summarise_loss(losses: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Stock-out days, lost units and lost sales totalled by ``by`` (largest loss first)."""
    out = losses.groupby(list(by), sort=False)[["stockout_days", "lost_units", "lost_sales"]].sum(min_count=1)
    return out.sort_values("lost_sales", ascending=False).reset_index()
