"""The seasonality index (季节性指数): how a market's monthly sales compare with its
average month, estimated from history and blended with the event calendar.

Definitions (per market, per calendar month m = 1…12; dimensionless):

* **history ratio** r(y, m) = sales of month m of year y ÷ that year's *level*. For a
  complete year the level is the annual mean (Σ 12 months ÷ 12). For a year with months
  missing (the first year of data, say) the level is the mean of sales(m) ÷ calendar
  index(m) over the months present, so a history that starts in November is not taken
  for an unusually strong year;
* **history index** h(m) = the mean of r(y, m) over the years that have month m, with
  ``n_years`` the number of them;
* **calendar index** c(m) = the month's event factor (:mod:`kpi_lib.targets.calendar`)
  ÷ the mean factor of the 12 months of the target year;
* **index** = w(m) × h(m) + (1 − w(m)) × c(m), w(m) = n_years ÷ (n_years +
  ``prior_strength``), then divided by its 12-month mean, so the index **averages exactly
  1** over the year (up to float rounding, |mean − 1| < 1e-12). With ``prior_strength`` 1
  one year of history weighs as much as the calendar; a month without history is the
  calendar's.

The history frame holds sales per month (``month`` as YYYY-MM) and market, in any one
unit per market (summed over stores and SKUs here). Growth inside the history shows up
in the index (later months look stronger); use two or more full years to average it out.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError
from kpi_lib.targets.calendar import month_factors

INDEX_COLUMNS = ["market", "month", "index", "history_index", "n_years", "weight_history", "calendar_index",
                 "calendar_factor", "events"]


def _months(values: pd.Series) -> pd.PeriodIndex:
    try:
        return pd.PeriodIndex(pd.to_datetime(values.astype(str).str.slice(0, 7), format="%Y-%m"), freq="M")
    except (ValueError, TypeError):
        raise KpiError("the history's months must be YYYY-MM", column="month", found=values.head(3).tolist(),
                       fix="aggregate the history to one row per market and month, month as e.g. 2026-03") from None


def _calendar_index(market: str, year: int, events) -> pd.DataFrame:
    f = month_factors(market, year, events=events)
    return f.assign(calendar_index=f["factor"] / f["factor"].mean())


def seasonality_index(history: pd.DataFrame, *, year: int, markets: Iterable[str] | None = None,
                      value: str = "amount", events: str | Path | Mapping | None = None,
                      prior_strength: float = 1.0) -> pd.DataFrame:
    """The seasonality index of each market for the target ``year`` (12 rows per market,
    :data:`INDEX_COLUMNS`); see the module docstring for the definitions.

    ``history``: rows of ``month`` (YYYY-MM), ``market`` and ``value`` (e.g. monthly GMV);
    ``markets``: the markets wanted (default: those in the history; a market without
    history gets the calendar index alone); ``prior_strength`` ≥ 0: how many years of
    history the calendar is worth (0 = history only where it exists)."""
    if prior_strength < 0:
        raise KpiError("prior_strength is a number of years (≥ 0)", key="prior_strength", found=prior_strength)
    missing = [c for c in ("month", "market", value) if c not in history.columns]
    if missing:
        raise KpiError(f"the sales history needs the column(s) {', '.join(missing)}", column=missing[0],
                       expected=f"month (YYYY-MM), market, {value}", found=list(history.columns),
                       fix="aggregate orders (or the profit table) to sales per market and month")
    h = pd.DataFrame({"market": history["market"].astype(str).to_numpy(),
                      "period": _months(history["month"]),
                      "value": pd.to_numeric(history[value], errors="coerce").to_numpy(dtype=float)})
    h = h.dropna(subset=["value"]).groupby(["market", "period"], as_index=False)["value"].sum()
    wanted = list(dict.fromkeys(markets if markets is not None else h["market"]))
    out = []
    for market in wanted:
        target_cal = _calendar_index(market, year, events)
        ratios = []
        hm = h[h["market"] == market]
        for y, g in hm.groupby(hm["period"].dt.year):
            cal = _calendar_index(market, int(y), events).set_index("month")["calendar_index"]
            month = g["period"].dt.month.to_numpy()
            sales = g["value"].to_numpy(dtype=float)
            level = sales.mean() if len(g) == 12 else float(np.mean(sales / cal.loc[month].to_numpy()))
            if not level > 0:
                continue  # a year without positive sales says nothing about the shape
            ratios.append(pd.DataFrame({"month": month, "ratio": sales / level}))
        stats = (pd.concat(ratios).groupby("month")["ratio"].agg(["mean", "count"])
                 if ratios else pd.DataFrame(columns=["mean", "count"]))
        frame = target_cal.rename(columns={"factor": "calendar_factor"})
        frame["history_index"] = frame["month"].map(stats["mean"]).astype(float)
        frame["n_years"] = frame["month"].map(stats["count"]).fillna(0).astype(int)
        n = frame["n_years"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(n > 0, n / (n + prior_strength), 0.0)
        blended = w * np.nan_to_num(frame["history_index"].to_numpy(dtype=float)) + (1 - w) * frame["calendar_index"]
        frame["weight_history"] = w
        frame["index"] = blended / blended.mean()
        frame["market"] = market
        out.append(frame[INDEX_COLUMNS])
    if not out:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    return pd.concat(out, ignore_index=True)


def season_factor(index: pd.DataFrame, market: str, month: str, base_months: Sequence[str]) -> float:
    """How much stronger ``month`` (YYYY-MM) is than the average of ``base_months``
    (e.g. the baseline months): index(month) ÷ mean index(base months). 1.0 when the
    market has no index. Used to compare a seasonal target with a baseline taken in
    other months."""
    rows = index[index["market"] == market].set_index("month")["index"]
    if rows.empty:
        return 1.0
    target = rows.get(pd.Period(month, freq="M").month)
    base = [rows.get(pd.Period(m, freq="M").month) for m in base_months]
    base = [b for b in base if b is not None and np.isfinite(b)]
    if target is None or not base:
        return 1.0
    return float(target / np.mean(base))
