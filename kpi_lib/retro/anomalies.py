"""Anomalies: sudden month-over-month changes against the person's own history, and
manager ratings out of line with metric scores.

**Sudden changes.** For each person × metric (× market), the month-over-month change
(``value − previous month's value``, in the metric's unit) of ``month`` is compared with
the changes of the ``trailing`` months before it (default 6 changes, at least
``min_history`` = 3). Robust z-score::

    z = (change − median(history)) ÷ (1.4826 × MAD(history))

(MAD = median absolute deviation from the median; 1.4826 makes it a standard deviation
for normal data.) When MAD is 0 (a flat history), the scale is 1.2533 × the mean
absolute deviation; when that is 0 too, any change different from the median is
infinitely unusual (z = ±inf). ``|z| ≥ threshold`` (default 3.5) is flagged.

**Ratings out of line.** Within a month, people are ranked by the manager's rating and
by their total metric score; each rank is scaled to [0, 1] as ``(rank − 1) ÷ (n − 1)``
(ties share the average rank). A gap of at least ``gap`` (default 0.5, half the team)
between the two positions is flagged. Letter ratings map S=5, A=4, B=3, C=2, D=1.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kpi_lib.errors import KpiError

MAD_TO_SD = 1.4826
MEAN_AD_TO_SD = 1.2533
ANOMALY_COLUMNS = ["month", "value", "previous_value", "change", "median_change", "scale", "robust_z", "flagged",
                   "movement", "assessment"]
RATING_SCALE = {"S": 5.0, "A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}
RATING_COLUMNS = ["person_id", "month", "rating", "rating_value", "total_score", "rating_position",
                  "score_position", "gap", "flagged", "direction"]


def robust_z(current: float, history: np.ndarray) -> tuple[float, float, float]:
    """(z, median, scale) of ``current`` against ``history`` (see the module docstring)."""
    history = np.asarray(history, dtype=float)
    median = float(np.median(history))
    deviations = np.abs(history - median)
    scale = MAD_TO_SD * float(np.median(deviations))
    if scale == 0:
        scale = MEAN_AD_TO_SD * float(np.mean(deviations))
    if scale == 0:
        z = 0.0 if current == median else float(np.sign(current - median) * np.inf)
    else:
        z = (current - median) / scale
    return float(z), median, scale


def _direction(metric_id: str) -> str:
    from kpi_lib.metrics.registry import metrics

    metric = metrics().get(str(metric_id))
    return metric.direction if metric is not None else "higher"


def metric_anomalies(panel: pd.DataFrame, month: str, *, keys: Iterable[str] = ("person_id", "metric_id"),
                     trailing: int = 6, min_history: int = 3, threshold: float = 3.5) -> pd.DataFrame:
    """One row per key with enough history: keys + ``ANOMALY_COLUMNS``. ``panel``: keys,
    ``month`` (YYYY-MM), ``value`` (one row per key and month). ``movement`` is up / down;
    ``assessment`` better / worse given the metric's direction (``metric_id`` key), or
    ``—`` for band metrics. Only months that are calendar-consecutive count as changes."""
    keys = list(keys)
    missing = [c for c in [*keys, "month", "value"] if c not in panel.columns]
    if missing:
        raise KpiError(f"metric_anomalies needs the column(s) {', '.join(missing)}", column=missing[0])
    data = panel.assign(month=panel["month"].astype(str).str.slice(0, 7),
                        value=pd.to_numeric(panel["value"], errors="coerce").astype(float))
    data = data[data["month"] <= month]
    records = []
    for key, g in data.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        series = g.set_index("month")["value"].groupby(level=0).sum(min_count=1).sort_index()
        periods = pd.PeriodIndex(series.index, freq="M")
        if month not in series.index:
            continue
        changes = series.diff()
        consecutive = np.r_[False, (periods[1:] - periods[:-1]).map(lambda d: d.n) == 1]
        changes = changes[consecutive & changes.notna().to_numpy()]
        if month not in changes.index:
            continue
        history = changes[changes.index < month].tail(trailing)
        if len(history) < min_history:
            continue
        current = float(changes[month])
        z, median, scale = robust_z(current, history.to_numpy())
        metric_id = dict(zip(keys, key)).get("metric_id")
        direction = _direction(metric_id) if metric_id is not None else "higher"
        movement = "up" if current > median else "down" if current < median else "flat"
        if direction == "band" or movement == "flat":
            assess = "—"
        else:
            assess = "better" if (movement == "up") == (direction == "higher") else "worse"
        records.append({**dict(zip(keys, key)), "month": month, "value": float(series[month]),
                        "previous_value": float(series[month] - current), "change": current,
                        "median_change": median, "scale": scale, "robust_z": z,
                        "flagged": bool(abs(z) >= threshold), "movement": movement, "assessment": assess})
    out = pd.DataFrame(records, columns=[*keys, *ANOMALY_COLUMNS])
    out["flagged"] = out["flagged"].astype(bool)
    return out


def _positions(values: pd.Series) -> pd.Series:
    n = values.notna().sum()
    if n < 2:
        return pd.Series(np.nan, index=values.index)
    return (values.rank(method="average") - 1) / (n - 1)


def rating_mismatches(ratings: pd.DataFrame, scores: pd.DataFrame, *, gap: float = 0.5, min_people: int = 4,
                      scale: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Manager ratings against total metric scores (``RATING_COLUMNS``; positions in
    [0, 1], ``gap`` = rating position − score position). ``ratings``: person_id, rating
    (1–5 or S/A/B/C/D) and optionally month; ``scores``: person_id, total_score and the
    same month column. Months with fewer than ``min_people`` rated and scored people are
    not compared (positions among two or three people say little)."""
    scale = dict(scale or RATING_SCALE)
    on = ["person_id", "month"] if "month" in ratings.columns and "month" in scores.columns else ["person_id"]
    data = ratings.merge(scores[[*on, "total_score"]], on=on, how="inner")
    if "month" not in data.columns:
        data["month"] = None

    def value(r: object) -> float:
        if isinstance(r, str) and r.strip().upper() in scale:
            return scale[r.strip().upper()]
        try:
            return float(r)
        except (TypeError, ValueError):
            return np.nan
    data["rating_value"] = data["rating"].map(value).astype(float)
    data = data[data["rating_value"].notna() & data["total_score"].notna()]
    parts = []
    for _month, g in data.groupby(data["month"].astype(str), sort=True):
        if len(g) < min_people:
            continue
        g = g.assign(rating_position=_positions(g["rating_value"]), score_position=_positions(g["total_score"]))
        parts.append(g)
    if not parts:
        return pd.DataFrame(columns=RATING_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["gap"] = out["rating_position"] - out["score_position"]
    out["flagged"] = out["gap"].abs() >= gap - 1e-12
    out["direction"] = np.where(out["gap"] > 0, "rating_higher", np.where(out["gap"] < 0, "rating_lower", "—"))
    return out[RATING_COLUMNS].reset_index(drop=True)
