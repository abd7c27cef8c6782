"""Inputs of the retro analyses, built from the canonical tables and the scorecard.

The sales deviation is read on the Business Report basis (sessions, units and ordered
sales of child ASINs, base currency), the only source that holds all three factors. Its
target is the trailing months' Business Report sales scaled by the scorecard's GMV plan
(Σ GMV target ÷ Σ trailing GMV actual of the operators), so the plan's growth carries over
while both sides stay on one basis.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpi_lib.retro.decomposition import implied_target_components

GMV_ROLE = "operations"


def traffic_by_market(traffic: pd.DataFrame, months: Sequence[str]) -> pd.DataFrame:
    """Sessions, units and sales (base currency) per market over ``months`` (child-ASIN rows)."""
    child = traffic[traffic["asin"].notna()]
    month = child["period_start"].dt.strftime("%Y-%m")
    data = child[month.isin(list(months))]
    sales = data["ordered_sales_base"] if "ordered_sales_base" in data else data["ordered_sales"]
    out = (data.assign(_sales=sales).groupby("market")
           .agg(sessions=("sessions", "sum"), units=("units_ordered", "sum"), sales=("_sales", "sum"))
           .reset_index())
    return out


def gmv_plan_factor(rows: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Per market: Σ GMV target of the month ÷ Σ GMV actual per month over the history
    panel (operators only). 1.0 where there is no history."""
    gmv = rows[(rows["metric_id"] == "gmv") & (rows["role"] == GMV_ROLE)]
    target = gmv.groupby("market")["target"].sum(min_count=1)
    hist = history[(history["metric_id"] == "gmv") & (history["role"] == GMV_ROLE)]
    per_month = hist.groupby(["market", "month"])["value"].sum(min_count=1).groupby("market").mean()
    return (target / per_month).fillna(1.0).rename("plan_factor")


def sales_deviation_inputs(traffic: pd.DataFrame, period: str, reference_months: Sequence[str],
                           plan_factor: pd.Series) -> pd.DataFrame:
    """Per market: actual sessions/units/sales of ``period`` and the target's implied
    sessions/units/sales (reference conversion and price; sales = reference monthly mean ×
    plan factor) — the columns :func:`decompose_sales_deviation` needs."""
    actual = traffic_by_market(traffic, [period]).set_index("market")
    ref = traffic_by_market(traffic, reference_months).set_index("market") / max(len(reference_months), 1)
    factor = plan_factor.reindex(actual.index).fillna(1.0)
    target_sales = ref["sales"].reindex(actual.index) * factor
    implied = implied_target_components(target_sales, ref["sessions"].reindex(actual.index),
                                        ref["units"].reindex(actual.index), ref["sales"].reindex(actual.index))
    implied.index = actual.index
    out = pd.concat([actual, implied], axis=1).reset_index()
    return out


def waterfall_effects(decomposed: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """Total target → effects → actual, as the (effect, value) rows a waterfall chart draws."""
    names = {"zh": ["目标", "流量", "转化", "客单价", "其他", "实际"],
             "en": ["Target", "Traffic", "Conversion", "Price", "Other", "Actual"]}["en" if language == "en" else "zh"]
    total = decomposed[["target_sales", "traffic_effect", "conversion_effect", "price_effect", "other_effect",
                        "actual_sales"]].sum()
    return pd.DataFrame({"effect": names, "value": total.to_numpy()})


def stockout_inputs(orders: pd.DataFrame, out_of_stock_days: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per market × SKU of ``period``: stock-out days (from :func:`kpi_lib.metrics.stockouts.
    stockout_days`), units sold and sales (base currency, cancelled lines excluded) and the
    month's days — the columns :func:`kpi_lib.retro.stockout_loss` needs. Only SKUs with
    at least one stock-out day are listed."""
    first = pd.Timestamp(f"{period}-01")
    days_in_month = int((first + pd.offsets.MonthEnd(0)).day)
    out_days = out_of_stock_days[pd.to_datetime(out_of_stock_days["date"]).dt.strftime("%Y-%m") == period]
    counted = out_days.groupby(["market", "sku"]).size().rename("stockout_days")
    if counted.empty:
        return pd.DataFrame(columns=["market", "sku", "stockout_days", "units_sold", "sales", "days"])
    month = orders["order_date"].dt.strftime("%Y-%m") == period
    sold = orders[month & (orders["status"].astype("string").str.casefold() != "cancelled").fillna(True)]
    sales = sold["item_sales_base"] if "item_sales_base" in sold else sold["item_sales"]
    totals = (sold.assign(_sales=sales).groupby(["market", "sku"])
              .agg(units_sold=("quantity", "sum"), sales=("_sales", "sum")))
    out = counted.to_frame().join(totals, how="left").fillna({"units_sold": 0.0, "sales": 0.0})
    return out.assign(days=days_in_month).reset_index()
