"""Facts: the canonical tables reshaped into additive *components* a metric formula sums.

A fact table has one row per source row (or per derived row: a stock-out day, a launch
cohort SKU), the attribution key (``market, store, sku, asin``, and ``campaign`` for ads),
the days it covers (``start`` … ``end``, market-local, naive; equal for a day row), its
``source_file``, ``currency`` and ``fx_rate`` where money was converted, and one float
column per component (money in base currency). Every metric is a ratio or sum of these
components (:mod:`kpi_lib.metrics.compute`), so roll-ups are sums of components.

Status semantics: a cancelled order line is not a sale; every other status counts
(pending, shipped, delivered — delivered counts as shipped —, refunded and returned lines
were sold: returns and refunds are measured by their own metrics).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.metrics.stockouts import stockout_days

KEYS = ("market", "store", "sku", "asin", "campaign")
BASE = ("start", "end", "source_file", "currency", "fx_rate")
NOT_SALES = frozenset({"cancelled"})
LAUNCH_WINDOW_DAYS = 90
LAUNCH_SUCCESS_UNITS = 60            # units sold in the first 90 days that make a launch a success
LAUNCH_GRACE_DAYS = 30               # first sales this close to the data's start are not launches


@dataclass(frozen=True)
class FactTable:
    """One fact table: its rows and the canonical table(s) it was made from."""

    name: str
    frame: pd.DataFrame
    sources: tuple[str, ...]


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[column].astype("string")


def _day(values) -> pd.Series:
    s = pd.to_datetime(values, errors="coerce")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.dt.normalize().astype("datetime64[ns]")


def _frame(src: pd.DataFrame, start, end, components: Mapping[str, np.ndarray], *, campaign: bool = False,
           fx: bool = True) -> pd.DataFrame:
    # Text columns stay Arrow-backed (no round trip through Python objects: tables have
    # millions of rows).
    out = {k: _text(src, k).reset_index(drop=True) for k in KEYS if k != "campaign" or campaign}
    out["start"] = _day(pd.Series(start)).reset_index(drop=True)
    out["end"] = _day(pd.Series(end)).reset_index(drop=True)
    out["source_file"] = _text(src, "source_file").reset_index(drop=True)
    out["currency"] = _text(src, "currency").reset_index(drop=True)
    out["fx_rate"] = _num(src, "fx_rate") if fx else np.full(len(src), np.nan)
    for name, values in components.items():
        out[name] = np.asarray(values, dtype=float)
    return pd.DataFrame(out)


def _sold(orders: pd.DataFrame) -> np.ndarray:
    status = _text(orders, "status").str.lower()
    return (~status.isin(NOT_SALES)).fillna(True).to_numpy(dtype=bool)


def _store_keys(frame: pd.DataFrame) -> pd.Series:
    return _text(frame, "market").fillna("").str.cat(_text(frame, "store").fillna(""), sep="|")


def _stores(table: pd.DataFrame | None) -> set[str]:
    if table is None or table.empty:
        return set()
    return set(_store_keys(table).unique())


def _in_stores(frame: pd.DataFrame, stores: set[str]) -> np.ndarray:
    if not stores:
        return np.zeros(len(frame), dtype=bool)
    return _store_keys(frame).isin(list(stores)).to_numpy(dtype=bool)


# -- per table ---------------------------------------------------------------------------
def order_facts(orders: pd.DataFrame, returns: pd.DataFrame | None, inventory: pd.DataFrame | None) -> pd.DataFrame:
    """Order lines on their order date: ``gmv_sales`` (item_sales in base currency),
    ``units_sold``; and the units of stores that report returns / hold FBA inventory (the
    denominators of return rate and sell-through cover the same stores as their numerators)."""
    sold = _sold(orders)
    units = np.where(sold, np.nan_to_num(_num(orders, "quantity")), 0.0)
    return _frame(orders, orders["order_date"], orders["order_date"], {
        "gmv_sales": np.where(sold, np.nan_to_num(_num(orders, "item_sales_base")), 0.0),
        "units_sold": units,
        "units_sold_returnable": np.where(_in_stores(orders, _stores(returns)), units, 0.0),
        "units_sold_stocked": np.where(_in_stores(orders, _stores(inventory)), units, 0.0),
    })


def ad_facts(ads: pd.DataFrame) -> pd.DataFrame:
    """Advertising rows over their report period (a day or a month)."""
    return _frame(ads, ads["period_start"], ads["period_end"], {
        "ad_spend": np.nan_to_num(_num(ads, "spend_base")),
        "ad_sales": np.nan_to_num(_num(ads, "attributed_sales_base")),
        "ad_clicks": np.nan_to_num(_num(ads, "clicks")),
        "ad_impressions": np.nan_to_num(_num(ads, "impressions")),
        "ad_orders": np.nan_to_num(_num(ads, "attributed_orders")),
    }, campaign=True)


def traffic_facts(traffic: pd.DataFrame) -> pd.DataFrame:
    """Child-ASIN traffic rows (store-level By Date rows are left out: their sessions are
    not the sum of the child ASINs')."""
    t = traffic[traffic["asin"].notna() | traffic["sku"].notna()] if "asin" in traffic.columns else traffic
    out = _frame(t, t["period_start"], t["period_end"], {
        "sessions": np.nan_to_num(_num(t, "sessions")),
        "units_ordered": np.nan_to_num(_num(t, "units_ordered")),
    })
    out["ordered_sales"] = _num(t, "ordered_sales_base")       # for the unattributed-sales report
    return out


def profit_facts(profit: pd.DataFrame) -> pd.DataFrame:
    """Profit per SKU × month over the month's days. ``margin_profit`` = revenue − COGS −
    first-leg freight − fees; ``net_profit`` also deducts ad cost and refunds."""
    first = pd.to_datetime(profit["month"].astype("string") + "-01", errors="coerce")
    last = first + pd.offsets.MonthEnd(0)
    rate = _num(profit, "fx_rate")
    revenue = np.nan_to_num(_num(profit, "revenue_base"))
    cost = sum(np.nan_to_num(_num(profit, f"{c}_base")) for c in ("cogs", "freight", "fees"))
    refunds = np.nan_to_num(_num(profit, "refunds") * rate)
    return _frame(profit, first, last, {
        "revenue": revenue,
        "margin_profit": revenue - cost,
        "net_profit": revenue - cost - np.nan_to_num(_num(profit, "ad_cost_base")) - refunds,
    })


def return_facts(returns: pd.DataFrame) -> pd.DataFrame:
    return _frame(returns, returns["return_date"], returns["return_date"],
                  {"units_returned": np.nan_to_num(_num(returns, "quantity"))}, fx=False)


def inventory_facts(inventory: pd.DataFrame) -> pd.DataFrame:
    """The last snapshot of each SKU in each month (the month-end stock): available units,
    units aged over 90 days, and average daily units shipped (``units_shipped_t30`` ÷ 30)."""
    inv = inventory.assign(_month=_day(inventory["snapshot_date"]).dt.strftime("%Y-%m"))
    inv = inv.sort_values("snapshot_date", kind="stable")
    last = inv.drop_duplicates(["market", "store", "sku", "_month"], keep="last")
    return _frame(last, last["snapshot_date"], last["snapshot_date"], {
        "stock_available": np.nan_to_num(_num(last, "available")),
        "stock_aged_90": np.nan_to_num(_num(last, "aged_90_plus")),
        "daily_units_shipped": np.nan_to_num(_num(last, "units_shipped_t30")) / 30.0,
    }, fx=False)


def message_facts(messages: pd.DataFrame, timezones: Mapping[str, str]) -> pd.DataFrame:
    """Buyer messages on their market-local day of arrival. Only messages needing a
    response count; a message answered within 24 h (weekends included) is on time."""
    received = messages["received_at"]
    local = pd.Series(pd.NaT, index=messages.index, dtype="datetime64[ns]")
    for market, idx in messages.groupby(messages["market"].astype("string").fillna(""), sort=False).groups.items():
        zone = timezones.get(market, "UTC")
        local.loc[idx] = received.loc[idx].dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
    needs = (messages["needs_response"].fillna(True).astype(bool).to_numpy()
             if "needs_response" in messages.columns else np.ones(len(messages), dtype=bool))
    hours = _num(messages, "response_hours")
    if np.isnan(hours).all() and "responded_at" in messages.columns:
        hours = ((messages["responded_at"] - received).dt.total_seconds() / 3600.0).to_numpy(dtype=float)
    answered = needs & ~np.isnan(hours)
    return _frame(messages, local, local, {
        "messages_needing_response": needs.astype(float),
        "messages_answered_24h": (answered & (hours <= 24.0)).astype(float),
        "response_hours_sum": np.where(answered, hours, 0.0),
        "messages_answered": answered.astype(float),
    }, fx=False)


ACCOUNT_HEALTH_METRICS = {"odr": ("odr_defects", "odr_orders"),
                          "late_shipment_rate": ("late_shipments", "lsr_orders"),
                          "cancel_rate": ("cancellations", "cancel_orders")}


def account_health_facts(health: pd.DataFrame) -> pd.DataFrame:
    """Amazon account-health rows on the last day of their window (the state at month
    end): defects ÷ orders as counts, or the rate itself when no counts are given."""
    metric = _text(health, "metric").to_numpy()
    rate, count, den = _num(health, "rate"), _num(health, "count"), _num(health, "denominator")
    num = np.where(~np.isnan(count), count, np.where(~np.isnan(den), rate * den, rate))
    den = np.where(~np.isnan(den), den, np.where(np.isnan(rate), np.nan, 1.0))
    comps = {}
    for name, (n, d) in ACCOUNT_HEALTH_METRICS.items():
        m = metric == name
        comps[n] = np.where(m, np.nan_to_num(num), 0.0)
        comps[d] = np.where(m, np.nan_to_num(den), 0.0)
    return _frame(health, health["period_end"], health["period_end"], comps, fx=False)


def review_facts(reviews: pd.DataFrame) -> pd.DataFrame:
    """Reviews on their market-local day. Negative = 1–2 stars."""
    negative = _num(reviews, "rating") <= 2
    hours = _num(reviews, "response_hours")
    answered = negative & ~np.isnan(hours)
    return _frame(reviews, reviews["review_date"], reviews["review_date"], {
        "reviews_total": np.ones(len(reviews)),
        "reviews_negative": negative.astype(float),
        "negative_response_hours_sum": np.where(answered, hours, 0.0),
        "negative_reviews_answered": answered.astype(float),
    }, fx=False)


def listing_change_facts(changes: pd.DataFrame) -> pd.DataFrame:
    return _frame(changes, changes["change_date"], changes["change_date"],
                  {"listing_changes": np.ones(len(changes))}, fx=False)


def appointment_facts(shipments: pd.DataFrame) -> pd.DataFrame:
    """Shipment lines on the last day of their appointment window. A shipment counts once:
    each of its n lines carries 1/n of it, so sums over any split of lines add up to whole
    shipments. On time = arrived within the window (not arrived = late)."""
    n_lines = shipments.groupby("shipment_id", sort=False)["shipment_id"].transform("size").to_numpy(float)
    start = _day(shipments["appointment_start"]) if "appointment_start" in shipments.columns else None
    end, arrived = _day(shipments["appointment_end"]), _day(shipments["arrival_date"])
    on_time = arrived.notna() & (arrived <= end) & (arrived >= (start.fillna(arrived) if start is not None else arrived))
    return _frame(shipments, end, end, {
        "inbound_shipments": 1.0 / n_lines,
        "inbound_on_time": on_time.to_numpy(dtype=float) / n_lines,
    }, fx=False)


def freight_facts(shipments: pd.DataFrame) -> pd.DataFrame:
    """Shipment lines on the day they arrived at the FC (units received into the
    marketplace warehouse), with their first-leg freight in base currency. Lines not
    arrived yet, or without a freight figure, are left out of both cost and units."""
    cost = _num(shipments, "freight_cost_base")
    arrived = _day(shipments["arrival_date"]).notna().to_numpy()
    known = ~np.isnan(cost) & arrived
    day = _day(shipments["arrival_date"]).fillna(_day(shipments["appointment_end"]))
    return _frame(shipments, day, day, {
        "first_leg_freight": np.where(known, cost, 0.0),
        "inbound_units": np.where(known, np.nan_to_num(_num(shipments, "units_shipped")), 0.0),
    })


def launch_facts(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per new SKU of a store on day 90 after its first sale (the cohort closes
    that month): ``launches`` = 1, ``launch_successes`` = 1 when the SKU sold at least
    :data:`LAUNCH_SUCCESS_UNITS` units in its first 90 days. SKUs whose first sale comes
    within :data:`LAUNCH_GRACE_DAYS` of the data's first day are old products, not launches."""
    sold = orders[_sold(orders) & orders["sku"].notna()]
    if sold.empty:
        return _frame(sold, sold.get("order_date", []), sold.get("order_date", []), {"launches": [], "launch_successes": []})
    day = _day(sold["order_date"])
    data_first, data_last = day.min(), day.max()
    keyed = sold.assign(_day=day.to_numpy())
    first = keyed.groupby(["market", "store", "sku"], sort=False)["_day"].transform("min")
    in_window = (keyed["_day"] - first).dt.days < LAUNCH_WINDOW_DAYS
    units = keyed["quantity"].where(in_window, 0.0)
    per = keyed.assign(_first=first, _units=units).groupby(["market", "store", "sku"], sort=False).agg(
        _first=("_first", "first"), _units=("_units", "sum"), asin=("asin", "first"),
        source_file=("source_file", "first")).reset_index()
    day90 = per["_first"] + pd.Timedelta(days=LAUNCH_WINDOW_DAYS - 1)
    cohort = per[(per["_first"] >= data_first + pd.Timedelta(days=LAUNCH_GRACE_DAYS)) & (day90 <= data_last)]
    d90 = cohort["_first"] + pd.Timedelta(days=LAUNCH_WINDOW_DAYS - 1)
    return _frame(cohort, d90, d90, {"launches": np.ones(len(cohort)),
                                     "launch_successes": (cohort["_units"] >= LAUNCH_SUCCESS_UNITS).to_numpy(float)},
                  fx=False)


def stockout_facts(orders: pd.DataFrame, inventory: pd.DataFrame | None) -> pd.DataFrame:
    """One row per estimated stock-out day of an FBA SKU (:mod:`kpi_lib.metrics.stockouts`)."""
    days = stockout_days(orders, inventory)
    return _frame(days, days["date"], days["date"], {"stockout_days": np.ones(len(days))}, fx=False)


# -- all of them ---------------------------------------------------------------------------
FACT_SOURCES: dict[str, tuple[str, ...]] = {
    "orders": ("orders",), "ads": ("ads",), "traffic": ("traffic",), "profit": ("profit",),
    "returns": ("returns",), "inventory": ("inventory",), "cs_messages": ("cs_messages",),
    "account_health": ("account_health",), "reviews": ("reviews",), "listing_changes": ("listing_changes",),
    "appointments": ("shipments",), "freight": ("shipments",), "launches": ("orders",),
    "stockouts": ("orders", "inventory"),
}


def build_facts(tables: Mapping[str, pd.DataFrame], names, *, timezones: Mapping[str, str] | None = None
                ) -> dict[str, FactTable]:
    """The fact tables ``names`` from the canonical ``tables`` (those whose source table
    is missing or empty are left out: their metrics then have no actual)."""
    timezones = timezones or {}
    out: dict[str, FactTable] = {}
    t = {k: v for k, v in tables.items() if v is not None and not v.empty}
    builders = {
        "orders": lambda: order_facts(t["orders"], t.get("returns"), t.get("inventory")),
        "ads": lambda: ad_facts(t["ads"]),
        "traffic": lambda: traffic_facts(t["traffic"]),
        "profit": lambda: profit_facts(t["profit"]),
        "returns": lambda: return_facts(t["returns"]),
        "inventory": lambda: inventory_facts(t["inventory"]),
        "cs_messages": lambda: message_facts(t["cs_messages"], timezones),
        "account_health": lambda: account_health_facts(t["account_health"]),
        "reviews": lambda: review_facts(t["reviews"]),
        "listing_changes": lambda: listing_change_facts(t["listing_changes"]),
        "appointments": lambda: appointment_facts(t["shipments"]),
        "freight": lambda: freight_facts(t["shipments"]),
        "launches": lambda: launch_facts(t["orders"]),
        "stockouts": lambda: stockout_facts(t["orders"], t.get("inventory")),
    }
    for name in names:
        needs = FACT_SOURCES[name]
        if name == "stockouts":
            needs = ("orders",)
        if all(n in t for n in needs):
            out[name] = FactTable(name, builders[name](), FACT_SOURCES[name])
    return out
