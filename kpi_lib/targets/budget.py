"""Budget decomposition (预算分解法): an annual (or monthly) budget → months by the
seasonality index → markets → stores → people by ownership share, as targets per
person × market × metric × month.

Definitions:

* amounts are split in the currency's **minor unit** (JPY and KRW: 1; USD, CNY, EUR…:
  0.01) by the **largest-remainder method**: each part gets the whole minor units of its
  exact quota (total × weight ÷ Σ weights), and the units left over go one each to the
  parts with the largest fractional remainders (ties to the earlier part). The parts of
  every split therefore add up **exactly** to the amount split, and so do the people's
  targets to the budget. An amount finer than the minor unit (¥100.5) is first rounded
  half up to it (``rounded`` column says so);
* **month split**: an annual line is split over the 12 months of its year by the
  market's seasonality index (:func:`kpi_lib.targets.seasonality.seasonality_index`);
* **market / store split**: a line without a market (or market ``ALL``) is split by
  market shares, a line without a store by store shares within its market
  (:func:`shares_from_history` makes both from past sales);
* **people split**: a line is split by the people's ownership shares of its market and
  store (a share row with an empty store covers every store of the market). Shares of a
  market/store summing below 1 leave the rest **unassigned** (a row with an empty
  person_id, never dropped); above 1 is an error.

Money stays in each line's currency; convert with :mod:`kpi_lib.fx` before comparing
with a metric kept in the base currency (GMV is). Every function returns new frames.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

# Decimal places of each currency's minor unit (ISO 4217); unlisted currencies use 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "USD": 2, "CNY": 2, "EUR": 2, "GBP": 2,
               "CAD": 2, "AUD": 2, "MXN": 2, "SGD": 2, "HKD": 2, "TWD": 2, "BRL": 2}
# Budget measures and the metric each one sets the target of.
MEASURE_METRICS = {"gmv": "gmv", "net_profit": "net_profit", "ad_spend": "ad_spend"}
ALL_MARKETS = "ALL"
BUDGET_COLUMNS = ["person_id", "market", "metric_id", "month", "target", "method", "measure", "currency",
                  "target_minor", "share", "budget_amount", "season_index", "annual_amount", "stores", "rounded"]
LINE_COLUMNS = ["month", "market", "store", "measure", "amount", "amount_minor", "currency", "season_index",
                "annual_amount", "rounded"]


# -- money in minor units ------------------------------------------------------------------
def minor_unit(currency: str) -> int:
    """Decimal places of ``currency``'s minor unit (JPY 0, USD/CNY 2)."""
    return MINOR_UNITS.get(str(currency).upper(), 2)


def to_minor(amount: float, currency: str) -> int:
    """``amount`` in whole minor units, rounded half up (decimal, so 0.285 USD → 29)."""
    if amount is None or pd.isna(amount):
        raise KpiError("a budget amount is empty", column="amount", fix="fill in every budget line's amount")
    return int(Decimal(str(float(amount))).scaleb(minor_unit(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(units, currency: str):
    """Minor units back to the currency amount (float; exact for JPY)."""
    return np.asarray(units, dtype=np.int64) / (10 ** minor_unit(currency))


def largest_remainder(total: int, weights: Sequence[float]) -> np.ndarray:
    """Split the integer ``total`` into integer parts proportional to ``weights``
    (non-negative, not all 0) that add up to ``total`` exactly (Hamilton's method; a
    negative total, e.g. a planned loss, is split as its absolute value)."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise KpiError("nothing to split the amount over", found=list(np.ravel(w)))
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise KpiError("split weights must be non-negative numbers, not all zero", found=w.tolist(),
                       fix="check the seasonality index or the shares")
    total = int(total)
    sign, units = (-1 if total < 0 else 1), abs(total)
    quotas = units * (w / w.sum())
    parts = np.floor(quotas).astype(np.int64)
    left = units - int(parts.sum())
    # Float quotas can land a hair off an integer; the leftover stays within [0, n].
    left = max(0, min(left, len(w)))
    order = np.argsort(-(quotas - parts), kind="stable")
    parts[order[:left]] += 1
    if int(parts.sum()) != units:  # a pathological float case: settle on the largest part
        parts[int(np.argmax(w))] += units - int(parts.sum())
    return sign * parts


def split_amount(amount: float, weights: Sequence[float], currency: str) -> np.ndarray:
    """``amount`` split by ``weights`` to the currency's minor unit; the parts (currency
    amounts) add up to ``amount`` rounded to the minor unit."""
    return from_minor(largest_remainder(to_minor(amount, currency), weights), currency)


# -- shares -----------------------------------------------------------------------------
def shares_from_history(history: pd.DataFrame, *, by: Sequence[str] = ("market",), within: Sequence[str] = (),
                        value: str = "amount") -> pd.DataFrame:
    """Each group's share of past sales: ``by`` columns + ``share`` (fraction), summing to
    1 within each ``within`` group. ``by=("market",)`` gives market shares;
    ``by=("market", "store"), within=("market",)`` gives store shares per market."""
    by, within = list(by), list(within)
    missing = [c for c in [*by, value] if c not in history.columns]
    if missing:
        raise KpiError(f"the history needs the column(s) {', '.join(missing)}", column=missing[0])
    totals = history.groupby(by, as_index=False, dropna=False)[value].sum()
    totals[value] = totals[value].clip(lower=0)
    denom = totals.groupby(within)[value].transform("sum") if within else totals[value].sum()
    out = totals.assign(share=totals[value] / denom)[[*by, "share"]]
    return out.fillna({"share": 0.0})


def _is_blank(series: pd.Series) -> pd.Series:
    s = series.astype("object")
    return s.isna() | (s.astype(str).str.strip() == "")


# -- months --------------------------------------------------------------------------------
def annual_to_months(annual: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """Annual budget lines (``year, market, [store,] measure, amount, currency``) split over
    their 12 months by the market's seasonality ``index`` (market, month 1–12, index).
    Returns :data:`LINE_COLUMNS`, one row per line × month; each line's months add up to
    its amount exactly."""
    _require(annual, ("year", "market", "measure", "amount", "currency"), "annual_to_months",
             "one row per year × market (× store) × measure")
    rows = []
    for line in annual.to_dict("records"):
        market, currency = str(line["market"]), str(line["currency"])
        idx = index[index["market"] == market].sort_values("month")
        if len(idx) != 12:
            raise KpiError(f"no seasonality index for market {market}", key="index",
                           expected="12 months per market", found=sorted(index["market"].unique().tolist()),
                           fix=f"compute seasonality_index(history, year=..., markets=[{market!r}, ...])")
        minor = to_minor(line["amount"], currency)
        parts = largest_remainder(minor, idx["index"].to_numpy(dtype=float))
        rounded = minor / 10 ** minor_unit(currency) != float(line["amount"])
        store = line.get("store")
        for month, part, s in zip(idx["month"], parts, idx["index"]):
            rows.append({"month": f"{int(line['year']):04d}-{int(month):02d}", "market": market,
                         "store": None if store is None or pd.isna(store) else store,
                         "measure": line["measure"], "amount": float(from_minor(part, currency)),
                         "amount_minor": int(part), "currency": currency, "season_index": float(s),
                         "annual_amount": float(line["amount"]), "rounded": bool(rounded)})
    return pd.DataFrame(rows, columns=LINE_COLUMNS)


def monthly_lines(budget: pd.DataFrame) -> pd.DataFrame:
    """Budget lines already given per month (the canonical ``budget`` table) as
    :data:`LINE_COLUMNS` (no seasonality applied: the client's own phasing is kept)."""
    _require(budget, ("month", "market", "measure", "amount", "currency"), "monthly_lines",
             "one row per month × market (× store) × measure")
    out = []
    for line in budget.to_dict("records"):
        currency = str(line["currency"])
        minor = to_minor(line["amount"], currency)
        store = line.get("store")
        out.append({"month": str(line["month"])[:7], "market": line["market"],
                    "store": None if store is None or pd.isna(store) or str(store).strip() == "" else store,
                    "measure": line["measure"], "amount": float(from_minor(minor, currency)), "amount_minor": minor,
                    "currency": currency, "season_index": np.nan, "annual_amount": np.nan,
                    "rounded": minor / 10 ** minor_unit(currency) != float(line["amount"])})
    return pd.DataFrame(out, columns=LINE_COLUMNS)


# -- markets and stores ----------------------------------------------------------------------
def _split_lines(lines: pd.DataFrame, todo: pd.Series, shares: pd.DataFrame, key: str,
                 group: Sequence[str], what: str) -> pd.DataFrame:
    keep = lines[~todo.to_numpy()]
    out = [keep]
    for line in lines[todo.to_numpy()].to_dict("records"):
        s = shares
        for g in group:
            s = s[s[g] == line[g]]
        s = s[s["share"] > 0]
        if s.empty:
            where = ", ".join(f"{g} {line[g]}" for g in group) or "the budget"
            raise KpiError(f"no {what} shares for {where}", key=what,
                           fix=f"pass {what} shares (e.g. shares_from_history) covering every line to split")
        parts = largest_remainder(line["amount_minor"], s["share"].to_numpy(dtype=float))
        for value, part in zip(s[key], parts):
            out.append(pd.DataFrame([{**line, key: value, "amount_minor": int(part),
                                      "amount": float(from_minor(part, line["currency"]))}]))
    return pd.concat(out, ignore_index=True)[LINE_COLUMNS]


def split_markets(lines: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Lines without a market (empty or ``ALL``) split over ``shares`` (market, share);
    other lines unchanged. The currency is kept (a company budget stays in its currency)."""
    todo = _is_blank(lines["market"]) | (lines["market"].astype(str) == ALL_MARKETS)
    return _split_lines(lines, todo, shares, "market", (), "market")


def split_stores(lines: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Lines without a store whose market has store ``shares`` (market, store, share)
    split over its stores; other lines unchanged."""
    todo = _is_blank(lines["store"]) & lines["market"].isin(shares["market"].unique())
    return _split_lines(lines, todo, shares, "store", ("market",), "store")


# -- people ---------------------------------------------------------------------------------
def check_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """The ownership shares (person_id, market, store, share) checked: shares are 0–1
    and sum to at most 1 per market × store. Returns a clean copy (empty store → None)."""
    _require(shares, ("person_id", "market", "share"), "check_shares", "person_id, market, store, share")
    s = shares.copy()
    if "store" not in s.columns:
        s["store"] = None
    s["store"] = s["store"].astype("object").where(~_is_blank(s["store"]), None)
    s["share"] = pd.to_numeric(s["share"], errors="coerce")
    bad = s["share"].isna() | (s["share"] < 0) | (s["share"] > 1 + 1e-9)
    if bad.any():
        i = bad[bad].index[0]
        raise KpiError(f"person {s.at[i, 'person_id']} has a share outside 0–1", column="share",
                       row=int(i), found=shares.at[i, "share"], fix="shares are fractions (60 % is 0.6)")
    sums = s.groupby([s["market"], s["store"].fillna("")])["share"].sum()
    over = sums[sums > 1 + 1e-6]
    if len(over):
        (market, store), total = over.index[0], over.iloc[0]
        raise KpiError(f"the shares of market {market}" + (f", store {store}" if store else "")
                       + f" add up to {total:g}, more than 1", column="share",
                       fix="each store's (or market's) budget can be handed out at most once; lower the shares")
    return s


def split_people(lines: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Each budget line split over the people who own its market/store: the line columns
    + ``person_id`` (empty for the unassigned rest) and ``share``. Store lines use the
    store's share rows, falling back to the market-wide rows (empty store)."""
    s = check_shares(shares)
    out = []
    for line in lines.to_dict("records"):
        in_market = s[s["market"] == line["market"]]
        store = line.get("store")
        rows = in_market[in_market["store"] == store] if store is not None else in_market.iloc[0:0]
        if rows.empty:
            rows = in_market[in_market["store"].isna()]
        if rows.empty and store is None and in_market["store"].notna().any():
            raise KpiError(f"the budget of market {line['market']} ({line['month']}) has no store, but the shares "
                           "are per store", key="shares",
                           fix="split the budget by store first (split_stores), or give market-wide shares "
                               "(empty store)")
        people = rows.groupby("person_id", sort=False)["share"].sum()
        rest = max(0.0, 1.0 - float(people.sum()))
        weights = [*people.to_numpy(dtype=float), rest] if rest > 1e-12 else list(people.to_numpy(dtype=float))
        owners = [*people.index, None] if rest > 1e-12 else list(people.index)
        if not owners:
            owners, weights = [None], [1.0]
        parts = largest_remainder(line["amount_minor"], weights)
        for person, weight, part in zip(owners, weights, parts):
            out.append({**line, "person_id": person, "share": float(weight), "amount_minor": int(part),
                        "amount": float(from_minor(part, line["currency"]))})
    return pd.DataFrame(out, columns=[*LINE_COLUMNS, "person_id", "share"])


# -- the method -------------------------------------------------------------------------------
def budget_targets(budget: pd.DataFrame, shares: pd.DataFrame, *, index: pd.DataFrame | None = None,
                   market_shares: pd.DataFrame | None = None, store_shares: pd.DataFrame | None = None,
                   measures: Mapping[str, str] = MEASURE_METRICS, level: str = "market") -> pd.DataFrame:
    """Targets by budget decomposition (:data:`BUDGET_COLUMNS`).

    ``budget``: annual lines (``year`` column; split by ``index``) or the canonical monthly
    ``budget`` table (``month`` YYYY-MM). ``shares``: person_id, market, store, share.
    ``market_shares`` / ``store_shares``: to split lines without a market / store.
    ``level``: ``market`` (default: one row per person × market × metric × month, summed
    over stores, ``stores`` lists them) or ``store`` (one row per store).

    ``target`` is in the line's ``currency``; ``target_minor`` the same in minor units
    (integers: the people's targets of a month add up exactly to its budget). ``share`` is
    the person's share of the market's (or store's) budget of that month. Rows with an
    empty ``person_id`` are budget nobody owns: assign it or leave it out of scoring."""
    if level not in ("market", "store"):
        raise KpiError(f"unknown level {level!r}", key="level", expected="market or store")
    annual = "year" in budget.columns and ("month" not in budget.columns or budget["month"].isna().all())
    if annual:
        if index is None:
            raise KpiError("an annual budget needs a seasonality index to split it into months", key="index",
                           fix="pass index=seasonality_index(history, year=...)")
        lines = annual_to_months(budget, index)
    else:
        lines = monthly_lines(budget)
    unknown = sorted(set(lines["measure"]) - set(measures))
    if unknown:
        raise KpiError(f"budget measure {unknown[0]!r} has no metric", column="measure", found=unknown[0],
                       expected=", ".join(measures), fix="pass measures={measure: metric_id} for it")
    if market_shares is not None:
        lines = split_markets(lines, market_shares)
    elif (_is_blank(lines["market"]) | (lines["market"].astype(str) == ALL_MARKETS)).any():
        raise KpiError("some budget lines have no market", column="market",
                       fix="pass market_shares (e.g. shares_from_history(sales, by=['market']))")
    if store_shares is not None:
        lines = split_stores(lines, store_shares)
    people = split_people(lines, shares)
    people["metric_id"] = people["measure"].map(dict(measures))
    people["store"] = people["store"].astype("object")
    line_keys = ["month", "market", "store", "measure"]
    people["_line_total"] = people.groupby(line_keys, dropna=False)["amount_minor"].transform("sum")
    if level == "store":
        out = people.assign(stores=people["store"], budget_amount=people["_line_total"] / 10.0 ** people[
            "currency"].map(minor_unit))
    else:
        pkey = ["person_id", "market", "metric_id", "month"]
        currencies = people.groupby(["market", "measure"])["currency"].nunique()
        if (currencies > 1).any():
            market, measure = currencies[currencies > 1].index[0]
            raise KpiError(f"the {measure} budget of market {market} mixes currencies", column="currency",
                           fix="give one currency per market, or level='store'")
        lines_total = (people.drop_duplicates(line_keys).groupby(["market", "metric_id", "month"], dropna=False)
                       .agg(_market_total=("_line_total", "sum"), _annual=("annual_amount", "sum")))
        g = people.groupby(pkey, dropna=False, sort=False)
        out = g.agg(amount_minor=("amount_minor", "sum"), currency=("currency", "first"),
                    measure=("measure", "first"), season_index=("season_index", "first"),
                    rounded=("rounded", "any"),
                    stores=("store", lambda s: ",".join(sorted({str(x) for x in s if x is not None and not pd.isna(x)}))))
        out = out.reset_index().join(lines_total, on=["market", "metric_id", "month"])
        scale = 10.0 ** out["currency"].map(minor_unit)
        out["budget_amount"] = out["_market_total"] / scale
        out["annual_amount"] = out["_annual"].where(out["_annual"] != 0)
        out["share"] = (out["amount_minor"] / out["_market_total"]).where(out["_market_total"] != 0)
    scale = 10.0 ** out["currency"].map(minor_unit)
    out = out.assign(target=out["amount_minor"] / scale, target_minor=out["amount_minor"].astype(np.int64),
                     method=np.where(out["person_id"].isna(), "budget (unassigned)", "budget"))
    out["person_id"] = out["person_id"].astype("object").where(out["person_id"].notna(), None)
    out["stores"] = out["stores"].fillna("")
    return out[BUDGET_COLUMNS].sort_values(["month", "market", "metric_id", "person_id"], na_position="last",
                                          ignore_index=True)


def _require(frame: pd.DataFrame, columns: Sequence[str], where: str, expected: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KpiError(f"{where} needs the column(s) {', '.join(missing)}", column=missing[0], expected=expected,
                       found=list(frame.columns))
