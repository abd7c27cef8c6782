"""Metric computation: each registered metric as Σ numerator ÷ Σ denominator of components.

The registry (``defaults/metrics.yaml``) declares each metric once — names, unit,
direction, band and the formula in words; :data:`FORMULAS` is its implementation, keyed by
the same id (a test checks every registered metric has one). A formula names additive
*components* (:data:`COMPONENTS`, built per row by :mod:`kpi_lib.metrics.facts`), so a
person's, a team's, a market's and the client's values are all computed the same way:
sum the components, then divide — a ratio of sums, never a mean of percentages. Money is
in the client's base currency.

Per person × month (:func:`person_month_values`): the rows of each fact table that fall in
the month are attributed to the owners of the person's role (:mod:`kpi_lib.engine.attribution`),
each row weighted by the part of it inside the month × the owner's share, and summed per
person and market.

Values: ``actual = numerator ÷ Σ denominator components``; a sum metric has no
denominator (actual = numerator). A zero denominator gives NaN when the numerator is 0
too (nothing happened) and +inf otherwise (ad spend without ad sales: the worst ACoS).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.engine.attribution import attribute, unattributed_summary
from kpi_lib.errors import KpiError, did_you_mean
from kpi_lib.metrics.facts import FactTable
from kpi_lib.metrics.registry import metrics


@dataclass(frozen=True)
class Component:
    """An additive quantity summed over attributed rows: the fact table it comes from,
    its unit, whether it is money (base currency), and what it is."""

    fact: str
    unit: str
    description: str
    money: bool = False


COMPONENTS: dict[str, Component] = {
    "gmv_sales": Component("orders", "currency", "item sales of non-cancelled order lines", money=True),
    "units_sold": Component("orders", "units", "units of non-cancelled order lines"),
    "units_sold_returnable": Component("orders", "units", "units sold in stores that report returns"),
    "units_sold_stocked": Component("orders", "units", "units sold in stores that hold FBA inventory"),
    "ad_spend": Component("ads", "currency", "ad spend", money=True),
    "ad_sales": Component("ads", "currency", "ad-attributed sales", money=True),
    "ad_clicks": Component("ads", "count", "ad clicks"),
    "ad_impressions": Component("ads", "count", "ad impressions"),
    "ad_orders": Component("ads", "count", "ad-attributed orders"),
    "sessions": Component("traffic", "count", "sessions of child ASINs"),
    "units_ordered": Component("traffic", "units", "units ordered (Business Report)"),
    "revenue": Component("profit", "currency", "revenue (profit report)", money=True),
    "margin_profit": Component("profit", "currency", "revenue − COGS − first-leg freight − fees", money=True),
    "net_profit": Component("profit", "currency", "revenue − COGS − freight − fees − ad cost − refunds", money=True),
    "units_returned": Component("returns", "units", "units returned"),
    "stock_available": Component("inventory", "units", "available units at the month-end snapshot"),
    "stock_aged_90": Component("inventory", "units", "units aged over 90 days at the month-end snapshot"),
    "daily_units_shipped": Component("inventory", "units/day", "units shipped in the last 30 days ÷ 30"),
    "stockout_days": Component("stockouts", "days", "SKU-days out of stock (estimated)"),
    "messages_needing_response": Component("cs_messages", "count", "buyer messages needing a response"),
    "messages_answered_24h": Component("cs_messages", "count", "of those, answered within 24 h"),
    "messages_answered": Component("cs_messages", "count", "of those, answered"),
    "response_hours_sum": Component("cs_messages", "hours", "hours to answer, summed over answered messages"),
    "odr_defects": Component("account_health", "count", "orders with a defect (ODR window)"),
    "odr_orders": Component("account_health", "count", "orders in the ODR window"),
    "late_shipments": Component("account_health", "count", "seller-fulfilled orders shipped late"),
    "lsr_orders": Component("account_health", "count", "seller-fulfilled orders (late-shipment window)"),
    "cancellations": Component("account_health", "count", "seller cancellations before shipment"),
    "cancel_orders": Component("account_health", "count", "seller-fulfilled orders (cancellation window)"),
    "reviews_total": Component("reviews", "count", "reviews received"),
    "reviews_negative": Component("reviews", "count", "reviews of 1–2 stars"),
    "negative_reviews_answered": Component("reviews", "count", "negative reviews answered"),
    "negative_response_hours_sum": Component("reviews", "hours", "hours to answer, summed over answered negative reviews"),
    "listing_changes": Component("listing_changes", "count", "listing changes shipped"),
    "launches": Component("launches", "count", "new SKUs whose 90-day window closed"),
    "launch_successes": Component("launches", "count", "of those, reaching the sales threshold"),
    "first_leg_freight": Component("freight", "currency", "first-leg freight of shipments received", money=True),
    "inbound_units": Component("freight", "units", "units received at the marketplace warehouse"),
    "inbound_shipments": Component("appointments", "count", "inbound shipments due (appointment window ended)"),
    "inbound_on_time": Component("appointments", "count", "of those, arrived within the window"),
}


@dataclass(frozen=True)
class Formula:
    """``actual = Σ numerator ÷ Σ(denominator components)``; no denominator = a sum."""

    numerator: str
    denominator: tuple[str, ...] = ()

    @property
    def components(self) -> tuple[str, ...]:
        return (self.numerator, *self.denominator)

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(COMPONENTS[c].fact for c in self.components))

    def text(self) -> str:
        den = " + ".join(f"Σ {d}" for d in self.denominator)
        return f"Σ {self.numerator}" + (f" ÷ ({den})" if len(self.denominator) > 1 else f" ÷ {den}" if den else "")

    def evaluate(self, numerator, denominator=None):
        """Vectorised value; ``denominator`` is the summed denominator (None for sums)."""
        num = np.asarray(numerator, dtype=float)
        if not self.denominator:
            return num
        den = np.asarray(denominator, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = num / den
        return np.where(den == 0, np.where(num == 0, np.nan, np.inf), out)


def _f(num: str, *den: str) -> Formula:
    return Formula(num, tuple(den))


# One implementation per registered metric id (the registry's `formula` text says the same in words).
FORMULAS: dict[str, Formula] = {
    "gmv": _f("gmv_sales"),
    "gross_margin": _f("margin_profit", "revenue"),
    "net_margin": _f("net_profit", "revenue"),
    "net_profit": _f("net_profit"),
    "acos": _f("ad_spend", "ad_sales"),
    "tacos": _f("ad_spend", "gmv_sales"),
    "roas": _f("ad_sales", "ad_spend"),
    "ctr": _f("ad_clicks", "ad_impressions"),
    "ad_cvr": _f("ad_orders", "ad_clicks"),
    "unit_session_pct": _f("units_ordered", "sessions"),
    "sessions": _f("sessions"),
    "days_of_supply": _f("stock_available", "daily_units_shipped"),
    "sell_through": _f("units_sold_stocked", "units_sold_stocked", "stock_available"),
    "stockout_days": _f("stockout_days"),
    "aged_inventory_share": _f("stock_aged_90", "stock_available"),
    "return_rate": _f("units_returned", "units_sold_returnable"),
    "negative_review_rate": _f("reviews_negative", "reviews_total"),
    "review_response_hours": _f("negative_response_hours_sum", "negative_reviews_answered"),
    "response_rate_24h": _f("messages_answered_24h", "messages_needing_response"),
    "avg_response_hours": _f("response_hours_sum", "messages_answered"),
    "odr": _f("odr_defects", "odr_orders"),
    "late_shipment_rate": _f("late_shipments", "lsr_orders"),
    "cancel_rate": _f("cancellations", "cancel_orders"),
    "listing_updates": _f("listing_changes"),
    "launch_success_rate": _f("launch_successes", "launches"),
    "first_leg_cost_per_unit": _f("first_leg_freight", "inbound_units"),
    "inbound_on_time_rate": _f("inbound_on_time", "inbound_shipments"),
    "ad_spend": _f("ad_spend"),
}


def formula_for(metric_id: str) -> Formula:
    """The implementation of a registered metric; a KpiError with a suggestion otherwise."""
    if metric_id not in FORMULAS:
        guess = did_you_mean(metric_id, FORMULAS)
        raise KpiError(f"no formula for metric {metric_id!r}", key="metric",
                       fix=f"did you mean {guess!r}?" if guess else "see docs/metrics.md for the metric ids")
    return FORMULAS[metric_id]


def facts_needed(metric_ids: Iterable[str]) -> set[str]:
    """The fact tables the formulas of ``metric_ids`` read."""
    return {f for m in metric_ids for f in formula_for(m).facts}


def is_sum_metric(metric_id: str) -> bool:
    return not formula_for(metric_id).denominator


# -- values from summed components -------------------------------------------------------
def metric_values(sums: pd.DataFrame, metric_ids: Sequence[str], by: Sequence[str]) -> pd.DataFrame:
    """Long frame ``by… , metric_id, numerator, denominator, actual`` from a frame of
    summed components (one column per component; missing components count as absent)."""
    parts = []
    for mid in metric_ids:
        f = formula_for(mid)
        if f.numerator not in sums.columns:
            num = np.full(len(sums), np.nan)
        else:
            num = sums[f.numerator].to_numpy(dtype=float)
        if f.denominator:
            present = [d for d in f.denominator if d in sums.columns]
            den = (sums[present].sum(axis=1, min_count=1).to_numpy(dtype=float) if present
                   else np.full(len(sums), np.nan))
        else:
            den = np.full(len(sums), np.nan)
        actual = f.evaluate(num, den if f.denominator else None)
        part = sums[list(by)].copy()
        part["metric_id"] = mid
        part["numerator"] = num
        part["denominator"] = den
        part["actual"] = actual
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[*by, "metric_id", "numerator", "denominator", "actual"])
    return pd.concat(parts, ignore_index=True)


def rollup(values: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Roll a long frame of person (or any) values up to ``by`` (plus metric_id) as a
    ratio of sums: Σ numerator ÷ Σ denominator (sum metrics: Σ numerator)."""
    keys = [*by, "metric_id"]
    g = values.groupby(keys, sort=True, dropna=False).agg(
        numerator=("numerator", lambda s: s.sum(min_count=1)),
        denominator=("denominator", lambda s: s.sum(min_count=1))).reset_index()
    actual = np.full(len(g), np.nan)
    for mid, idx in g.groupby("metric_id").groups.items():
        f = formula_for(str(mid))
        rows = g.loc[idx]
        actual[g.index.get_indexer(idx)] = f.evaluate(rows["numerator"], rows["denominator"] if f.denominator else None)
    return g.assign(actual=actual)


# -- per person × month ----------------------------------------------------------------------
def month_window(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    p = pd.Period(period, freq="M")
    return p.start_time.normalize(), p.end_time.normalize()


def rows_in_window(frame: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """The rows overlapping ``first`` … ``last``, cut to it, with ``fraction`` = the part
    of each row's days inside the window (1 for a day row) and ``fact_row`` = its position
    in ``frame``."""
    s, e = frame["start"], frame["end"].fillna(frame["start"])
    inside = (s <= last) & (e >= first) & s.notna()
    sub = frame.loc[inside.to_numpy()]
    s, e = s[inside], e[inside]
    cs, ce = s.clip(lower=first), e.clip(upper=last)
    fraction = ((ce - cs).dt.days + 1) / ((e - s).dt.days + 1)
    return sub.assign(fact_row=np.flatnonzero(inside.to_numpy()), start=cs.to_numpy(), end=ce.to_numpy(),
                      fraction=fraction.to_numpy(dtype=float)).reset_index(drop=True)


def contributions(fact: FactTable, rules: pd.DataFrame, role: str, first: pd.Timestamp, last: pd.Timestamp,
                  components: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(contrib, pieces, attribution)`` of one fact table for one role and window:
    ``contrib`` has one row per (piece, owner) with ``weight`` = fraction × share and the
    component columns; ``pieces`` are the rows in the window; ``attribution`` holds the
    links and the ownership overlaps met."""
    pieces = rows_in_window(fact.frame, first, last)
    att = attribute(pieces, rules, role=role)
    links = att.links
    comps = [c for c in (components or [c for c, spec in COMPONENTS.items() if spec.fact == fact.name])
             if c in pieces.columns]
    rows = links["row"].to_numpy(np.int64)
    keep = ["market", "store", "sku", "asin", "start", "source_file", "currency", "fx_rate", "fact_row"]
    if "campaign" in pieces.columns:
        keep.insert(4, "campaign")
    taken = pieces.iloc[rows]
    columns = {"person_id": links["person_id"].reset_index(drop=True),
               "fact": pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), categories=[fact.name])}
    for c in keep + comps:
        columns[c] = taken[c].reset_index(drop=True)
    columns["weight"] = pieces["fraction"].to_numpy()[rows] * links["share"].to_numpy()
    return pd.DataFrame(columns), pieces, att


# Fact tables whose rows are built from one canonical row each (so a table can be turned
# into facts chunk by chunk); the others look across rows (shipments per shipment, the
# month-end snapshot, runs of days, launch cohorts).
ROW_WISE_FACTS = frozenset({"orders", "ads", "traffic", "profit", "returns", "cs_messages", "account_health",
                            "reviews", "listing_changes", "freight"})


def person_sums(table: pd.DataFrame, build, rules: pd.DataFrame, role: str, first: pd.Timestamp,
                last: pd.Timestamp, components: Sequence[str], *, by_month: bool = True,
                chunk_rows: int = 200_000) -> pd.DataFrame:
    """Σ component × weight per person × market (× month of the row's days) for a big
    table, without keeping the row pieces: the lean path (no lineage). ``build`` turns
    canonical rows into a row-wise fact frame (e.g. :func:`kpi_lib.metrics.facts.order_facts`);
    the table is processed ``chunk_rows`` rows at a time, so memory stays bounded whatever
    its size. Gives the same sums as :func:`contributions` + :func:`sum_contributions`."""
    by = ["person_id", "market"] + (["month"] if by_month else [])
    parts = []
    for begin in range(0, max(len(table), 1), chunk_rows):
        pieces = rows_in_window(build(table.iloc[begin:begin + chunk_rows]), first, last)
        if pieces.empty:
            continue
        links = attribute(pieces, rules, role=role).links
        if links.empty:
            continue
        rows = links["row"].to_numpy(np.int64)
        w = pieces["fraction"].to_numpy()[rows] * links["share"].to_numpy()
        data = {c: pieces[c].to_numpy(dtype=float)[rows] * w for c in components if c in pieces.columns}
        data["person_id"] = links["person_id"].reset_index(drop=True)
        data["market"] = pieces["market"].iloc[rows].reset_index(drop=True)
        if by_month:
            data["month"] = pd.DatetimeIndex(pieces["start"].to_numpy()[rows]).month
        parts.append(pd.DataFrame(data).groupby(by, observed=True, sort=False).sum().reset_index())
        del pieces, links, data
    if not parts:
        return pd.DataFrame(columns=[*by, *components])
    out = pd.concat(parts, ignore_index=True)
    out["person_id"] = out["person_id"].astype(str)
    return out.groupby(by, sort=True).sum().reset_index()


def sum_contributions(contrib: pd.DataFrame, by: Sequence[str] = ("person_id", "market")) -> pd.DataFrame:
    """Σ component × weight per ``by`` (one column per component present)."""
    comps = [c for c in contrib.columns if c in COMPONENTS]
    if contrib.empty:
        return pd.DataFrame(columns=[*by, *comps])
    weighted = contrib[comps].to_numpy(dtype=float) * contrib["weight"].to_numpy(dtype=float)[:, None]
    frame = pd.DataFrame(weighted, columns=comps)
    for k in by:
        frame[k] = contrib[k].reset_index(drop=True)
    out = frame.groupby(list(by), sort=True, dropna=False, observed=True)[comps].sum().reset_index()
    for k in by:
        if isinstance(out[k].dtype, pd.CategoricalDtype):
            out[k] = out[k].astype(str)
    return out


def complete_sums(sums: pd.DataFrame, index: pd.DataFrame, available_facts: Iterable[str]) -> pd.DataFrame:
    """``sums`` for every row of ``index`` (e.g. every person × market with ownership): a
    component of a fact table that exists but had no attributed row is 0 (an owner with no
    sales sold nothing); components of missing fact tables stay absent (no actual)."""
    keys = list(index.columns)
    out = index.drop_duplicates().merge(sums, on=keys, how="left") if len(sums) else index.drop_duplicates().copy()
    available = set(available_facts)
    for comp, spec in COMPONENTS.items():
        if spec.fact in available:
            out[comp] = out[comp].fillna(0.0) if comp in out.columns else 0.0
    return out


# The sales column each fact table's unattributed share is reported in.
SALES_COLUMN = {"orders": "gmv_sales", "ads": "ad_sales", "traffic": "ordered_sales", "profit": "revenue"}


@dataclass(frozen=True)
class RoleMonth:
    """One role's month: ``values`` long per person × market × metric (numerator,
    denominator, actual); ``contrib`` every attributed row piece (the lineage of the
    numbers); ``overlaps`` ownership conflicts met; ``unattributed`` per fact table and
    market, the rows and sales no owner of the role holds."""

    values: pd.DataFrame
    contrib: pd.DataFrame
    overlaps: pd.DataFrame
    unattributed: pd.DataFrame


def person_month_values(facts: Mapping[str, FactTable], rules: pd.DataFrame, role: str, period: str,
                        metric_ids: Sequence[str], index: pd.DataFrame | None = None) -> RoleMonth:
    """Attribute the month's rows of every fact table the metrics need to ``role``'s
    owners and compute each person × market's metrics. ``index`` (person_id, market): the
    pairs to report, with zeros where nothing was attributed."""
    first, last = month_window(period)
    parts, overlaps, missing = [], [], []
    needed = sorted(n for n in facts_needed(metric_ids) if n in facts)
    for name in needed:
        contrib, pieces, att = contributions(facts[name], rules, role, first, last)
        parts.append(contrib)
        overlaps.append(att.overlaps)
        if len(pieces):
            missing.append(unattributed_summary(pieces, att.links, table=name, role=role,
                                                sales=SALES_COLUMN.get(name), weight=pieces["fraction"].to_numpy()))
    kept = [p for p in parts if not p.empty]
    contrib = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=["person_id", "fact", "market", "weight"])
    sums = sum_contributions(contrib)
    if index is not None:
        sums = complete_sums(sums, index[["person_id", "market"]], needed)
    found = [o for o in overlaps if not o.empty]
    return RoleMonth(metric_values(sums, metric_ids, ["person_id", "market"]), contrib,
                     pd.concat(found, ignore_index=True) if found else pd.DataFrame(),
                     pd.concat(missing, ignore_index=True) if missing else pd.DataFrame())
