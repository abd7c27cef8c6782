"""Money-side tables of the demo: the cost table (成本表), the LingXing profit report
(利润报表-MSKU) and the 2026 budget (年度预算).

Definitions (LingXing conventions: expenses are negative numbers, local currency):

* 销售额 = ordered product sales; 平台费 = −referral fee (US 15 %, JP 12 % of sales);
  FBA发货费 = −units × FBA fee (by weight); 广告费 = −Sponsored Products spend;
  采购成本 / 头程成本 = −units × CNY unit cost / freight ÷ the month's FX rate;
  收入退款额 = −refunds of returns received in the month;
* 毛利润 = 销售额 + all the (negative) lines above; 毛利率 = 毛利润 ÷ 销售额.
LingXing books by settlement date, so its monthly sales differ slightly (< 1 %) from
the Business Report — except in :data:`company.LINGXING_CONFLICT`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.demo import seasonality as cal
from kpi_lib.demo import company as co
from kpi_lib.demo.people import owner_on, ownership

COST_COLUMNS = ["SKU", "市场", "采购成本", "头程成本", "币种"]
BUDGET_COLUMNS = ["月份", "市场", "店铺", "指标", "金额", "币种"]
PROFIT_COLUMNS = ["店铺", "国家", "msku", "asin", "sku", "品名", "销量", "销售额", "平台费", "FBA发货费",
                  "广告费", "采购成本", "头程成本", "退款量", "收入退款额", "毛利润", "毛利率", "负责人",
                  "产品开发负责人", "币种"]
REFERRAL = {"US": 0.15, "JP": 0.12}


def costs(listings: pd.DataFrame) -> pd.DataFrame:
    """成本表: CNY purchase cost and first-leg freight per SKU and market it is sold in."""
    rows = []
    for market, freight in (("US", "freight_us_cny"), ("JP", "freight_jp_cny")):
        sold = listings[listings["market"] == market].drop_duplicates("sku").sort_values("sku")
        rows += [[r.sku, market, r.unit_cost_cny, getattr(r, freight), "CNY"] for r in sold.itertuples()]
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def fba_fee(market: str, weight_kg: np.ndarray) -> np.ndarray:
    """FBA fulfilment fee per unit, local currency (a simplified size/weight tier)."""
    if market == "JP":
        return np.round(318 + 190 * weight_kg)
    return np.round(3.22 + 1.35 * weight_kg, 2)


def profit_report(facts: pd.DataFrame, ads_rows: pd.DataFrame, returns_rows: pd.DataFrame,
                  listings: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """LingXing 利润报表-MSKU rows (store × month × MSKU) with a ``month`` column.

    Only listing-months with sales, ad spend or refunds appear (like the real report).
    """
    ad = ads_rows.groupby(["store", "month", "sku"], as_index=False)["spend"].sum()
    ret = returns_rows.groupby(["store", "month", "sku"], as_index=False).agg(
        refund_units=("quantity", "sum"), refund=("refund", "sum"))
    f = facts.merge(ad, on=["store", "month", "sku"], how="left").merge(ret, on=["store", "month", "sku"], how="left")
    f = f.merge(listings[["store", "sku", "name_zh", "weight_kg", "unit_cost_cny", "freight_us_cny",
                          "freight_jp_cny"]], on=["store", "sku"], how="left")
    f[["spend", "refund_units", "refund"]] = f[["spend", "refund_units", "refund"]].fillna(0)
    f = f[(f["units"] > 0) | (f["spend"] > 0) | (f["refund_units"] > 0)].reset_index(drop=True)
    n = len(f)
    # Settlement timing: a few orders of each MSKU move across the month boundary.
    factor = 1 + rng.normal(0, 0.004, n)
    conflict_month, conflict_market, conflict_factor = co.LINGXING_CONFLICT
    factor = np.where((f["month"] == conflict_month) & (f["market"] == conflict_market),
                      factor * conflict_factor, factor)
    jp = (f["market"] == "JP").to_numpy()
    units = np.round(f["units"] * factor).astype(np.int64)
    sales = np.where(jp, np.round(f["sales"] * factor), np.round(f["sales"] * factor, 2))
    fx = np.array([co.fx(c, m) for c, m in zip(f["currency"], f["month"])])
    platform = -np.round(sales * f["market"].map(REFERRAL).to_numpy(), 2)
    fba = -np.where(jp, units * fba_fee("JP", f["weight_kg"].to_numpy()), units * fba_fee("US", f["weight_kg"].to_numpy()))
    freight_cny = np.where(jp, f["freight_jp_cny"], f["freight_us_cny"])
    cogs = -(units * f["unit_cost_cny"].to_numpy() / fx)
    freight = -(units * freight_cny / fx)
    ad_cost = -f["spend"].to_numpy()
    refund = -f["refund"].to_numpy()

    def money(x: np.ndarray) -> np.ndarray:
        return np.where(jp, np.round(x), np.round(x, 2)) + 0.0

    platform, fba, cogs, freight, ad_cost, refund = map(money, (platform, fba, cogs, freight, ad_cost, refund))
    gross = money(sales + platform + fba + cogs + freight + ad_cost + refund)
    margin = np.where(sales != 0, gross / np.where(sales == 0, 1, sales), 0.0)
    stores = {s.id: s for s in co.STORES}
    names = {p.id: p.name for p in co.PEOPLE}
    month_ends = {m: pd.Timestamp(m + "-01") + pd.offsets.MonthEnd(0) for m in co.months()}
    rows = list(ownership(listings).itertuples(index=False, name=None))
    owners = [names.get(owner_on(rows, s, k, a, month_ends[m]), "")
              for s, k, a, m in zip(f["store"], f["sku"], f["asin"], f["month"])]
    out = pd.DataFrame({
        "month": f["month"],
        "店铺": [stores[s].erp_name for s in f["store"]], "国家": [stores[s].country_zh for s in f["store"]],
        "msku": f["sku"], "asin": f["asin"], "sku": f["sku"], "品名": f["name_zh"],
        "销量": units, "销售额": sales, "平台费": platform, "FBA发货费": fba, "广告费": ad_cost,
        "采购成本": cogs, "头程成本": freight, "退款量": f["refund_units"].astype(np.int64),
        "收入退款额": refund, "毛利润": gross, "毛利率": [f"{m * 100:.2f}%" for m in margin],
        "负责人": owners, "产品开发负责人": co.PRODUCT_DEVELOPER, "币种": f["currency"],
        "store": f["store"], "market": f["market"],
    })
    return out.sort_values(["month", "店铺", "msku"], kind="stable").reset_index(drop=True)


# -- budget -------------------------------------------------------------------------
GROWTH_TARGET = {"US-Main": 1.12, "US-Home": 1.10, "Shopify-US": 1.10, "TikTok-US": 1.15, "JP-Main": 1.14}
PLANNED_TACOS = {"US-Main": 0.12, "US-Home": 0.13, "Shopify-US": 0.08, "TikTok-US": 0.10, "JP-Main": 0.065}
PLANNED_NET_MARGIN = {"US-Main": 0.12, "US-Home": 0.09, "Shopify-US": 0.15, "TikTok-US": 0.08, "JP-Main": 0.14}


def _month_level(store_id: str, month: str) -> float:
    """Average calendar multiplier of a month without events (for months before the data)."""
    spec = co.store(store_id)
    dates = pd.date_range(month + "-01", periods=pd.Period(month, "M").days_in_month, freq="D")
    from kpi_lib.demo.sales import CHANNEL_TREND

    trend = np.exp(CHANNEL_TREND.get(store_id, 0.0) * (dates - cal.ORIGIN).days.to_numpy() / 30.0)
    return float((cal.base_multiplier(spec.market, dates) * trend).mean())


def last_year_sales(orders: pd.DataFrame) -> pd.DataFrame:
    """Sales per store for each month of 2025: actual from 2025-07, estimated before
    (the seller's own records, approximated from the 2025-08/09 level and seasonality)."""
    ok = orders[orders["status"] != "Cancelled"]
    actual = ok.groupby(["store", "month"])["item_price"].sum()
    rows = []
    for spec in co.STORES:
        anchor_months = ["2025-08", "2025-09"]
        level = np.mean([actual.get((spec.id, m), 0.0) / _month_level(spec.id, m) for m in anchor_months])
        for mo in range(1, 13):
            month = f"2025-{mo:02d}"
            value = actual.get((spec.id, month)) if month >= co.FIRST_MONTH else level * _month_level(spec.id, month)
            rows.append((spec.id, spec.market, spec.currency, mo, float(value)))
    return pd.DataFrame(rows, columns=["store", "market", "currency", "month_no", "sales"])


def budget(orders: pd.DataFrame) -> pd.DataFrame:
    """2026 budget per store and month: 销售额 (last year × 1.10–1.15), 广告费 (planned
    TACoS), 净利润 (planned net margin); local currency, rounded like a finance sheet."""
    ly = last_year_sales(orders)
    rows = []
    for r in ly.itertuples(index=False):
        month = f"2026-{r.month_no:02d}"
        unit = 10_000 if r.currency == "JPY" else 100
        sales = round(r.sales * GROWTH_TARGET[r.store] / unit) * unit
        for metric, value in (("销售额", sales), ("广告费", sales * PLANNED_TACOS[r.store]),
                              ("净利润", sales * PLANNED_NET_MARGIN[r.store])):
            rows.append([month, r.market, r.store, metric, float(round(value / unit) * unit), r.currency])
    out = pd.DataFrame(rows, columns=BUDGET_COLUMNS)
    order = {m: i for i, m in enumerate(("销售额", "广告费", "净利润"))}
    return out.sort_values(["月份", "市场", "店铺", "指标"], key=lambda s: s.map(order) if s.name == "指标" else s,
                           kind="stable").reset_index(drop=True)
