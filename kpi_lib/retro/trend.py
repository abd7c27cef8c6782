"""Trend of each metric over the last months.

Per key (person × metric, market × metric…): the values of the last ``months`` months up
to ``month``; ``slope`` = the least-squares line's change per month (metric unit per
month, months numbered 0, 1, 2 … so gaps are respected); ``change`` = last − first value
and ``pct_change`` = change ÷ |first|. The trend is ``flat`` when the fitted line moves
less than ``flat_share`` (default 2 %) of the mean absolute value over the window, else
``improving`` / ``worsening`` given the metric's direction (``rising`` / ``falling`` for
band metrics and unknown ids).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

TREND_COLUMNS = ["first_month", "last_month", "n_months", "first_value", "last_value", "change", "pct_change",
                 "slope", "trend"]


def _direction(metric_id: object) -> str | None:
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(str(metric_id)) if metric_id is not None else None
    return metric.direction if metric is not None else None


def metric_trend(panel: pd.DataFrame, month: str, *, keys: Iterable[str] = ("person_id", "metric_id"),
                 months: int = 6, min_months: int = 3, flat_share: float = 0.02) -> pd.DataFrame:
    """Keys + ``TREND_COLUMNS`` for every key with at least ``min_months`` values in the
    window of ``months`` months ending at ``month``. ``panel``: keys, month, value."""
    keys = list(keys)
    start = (pd.Period(month, "M") - (months - 1)).strftime("%Y-%m")
    data = panel.assign(month=panel["month"].astype(str).str.slice(0, 7),
                        value=pd.to_numeric(panel["value"], errors="coerce").astype(float))
    data = data[(data["month"] >= start) & (data["month"] <= month) & data["value"].notna()]
    records = []
    for key, g in data.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        series = g.groupby("month")["value"].sum().sort_index()
        if len(series) < min_months:
            continue
        x = np.array([(pd.Period(m, "M") - pd.Period(start, "M")).n for m in series.index], dtype=float)
        y = series.to_numpy()
        slope = float(np.polyfit(x, y, 1)[0])
        first, last = float(y[0]), float(y[-1])
        moved = abs(slope * (x[-1] - x[0]))
        scale = float(np.mean(np.abs(y)))
        direction = _direction(dict(zip(keys, key)).get("metric_id"))
        if moved <= flat_share * scale:
            trend = "flat"
        elif direction in ("higher", "lower"):
            trend = "improving" if (slope > 0) == (direction == "higher") else "worsening"
        else:
            trend = "rising" if slope > 0 else "falling"
        records.append({**dict(zip(keys, key)), "first_month": series.index[0], "last_month": series.index[-1],
                        "n_months": int(len(series)), "first_value": first, "last_value": last,
                        "change": last - first, "pct_change": (last - first) / abs(first) if first else np.nan,
                        "slope": slope, "trend": trend})
    return pd.DataFrame(records, columns=[*keys, *TREND_COLUMNS])
