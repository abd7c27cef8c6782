"""Days worked in a month, for prorating bonus (入职/离职当月奖金按在职天数折算).

Definition: ``prorate = days employed in the month ÷ calendar days of the month``, where a
person is employed from ``start_date`` to ``end_date``, both inclusive (an empty start
means "before the month", an empty end means "still employed"). Unit: a fraction 0–1.

Scores are **not** prorated: a joiner is judged on what they achieved against their
targets (targets for a part month are the target-setting stage's business). Only money
is prorated: the KPI bonus is multiplied by ``prorate``, and the profit pool is shared by
total score × ``prorate``. Unpaid leave is not deducted (the roster has no leave dates).
"""
from __future__ import annotations

import pandas as pd

from kpi_lib.config.models import PERIOD_RE
from kpi_lib.errors import KpiError

_NOTES = {
    "joined": {"zh": "{date} 入职", "en": "joined {date}"},
    "left": {"zh": "{date} 离职", "en": "left {date}"},
    "prorated": {"zh": "奖金按在职 {days}/{month_days} 天折算", "en": "bonus prorated {days}/{month_days} days"},
    "not_employed": {"zh": "本月不在职，不计奖金", "en": "not employed this month: no bonus"},
}


def _note(key: str, language: str, **values: object) -> str:
    return _NOTES[key].get(language, _NOTES[key]["en"]).format(**values)


def month_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last calendar day (midnight timestamps) of a ``YYYY-MM`` month."""
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise KpiError("the period is not a month", key="period", expected="YYYY-MM, e.g. 2026-10",
                       found=period, fix="pass the month as text like '2026-10'")
    p = pd.Period(period, freq="M")
    return p.start_time.normalize(), p.end_time.normalize()


def _dates(people: pd.DataFrame, column: str) -> pd.Series:
    if column not in people.columns:
        return pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
    values = pd.to_datetime(people[column], errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.dt.normalize()


def employment_window(people: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per person: the first and last day employed within the month (``NaT`` when not
    employed at all), as ``person_id, employed_from, employed_to``."""
    first, last = month_bounds(period)
    if "person_id" not in people.columns:
        raise KpiError("the people table has no person_id column", column="person_id",
                       fix="pass the canonical people table (kpi ingest builds it from the roster)")
    start, end = _dates(people, "start_date"), _dates(people, "end_date")
    bad = start.notna() & end.notna() & (end < start)
    if bad.any():
        i = bad[bad].index[0]
        raise KpiError(f"person {people.at[i, 'person_id']} leaves before joining", column="end_date",
                       expected="end_date on or after start_date",
                       found=f"{start[i]:%Y-%m-%d} → {end[i]:%Y-%m-%d}", fix="correct the dates in the roster")
    lo = start.where(start > first, first)
    hi = end.where(end.notna() & (end < last), last)
    employed = lo <= hi
    return pd.DataFrame({"person_id": people["person_id"].to_numpy(),
                         "employed_from": lo.where(employed).to_numpy(),
                         "employed_to": hi.where(employed).to_numpy()})


def days_worked(people: pd.DataFrame, period: str, *, language: str = "zh") -> pd.DataFrame:
    """Per person: ``person_id, month_days, days_worked, prorate, prorate_note``.

    ``days_worked`` counts calendar days employed in the month (start and end dates
    inclusive); ``prorate = days_worked ÷ month_days``. A person who joined on the 15th of a
    31-day month worked 17 days → 17/31 ≈ 0.548."""
    first, last = month_bounds(period)
    month_days = (last - first).days + 1
    window = employment_window(people, period)
    days = ((window["employed_to"] - window["employed_from"]).dt.days + 1).fillna(0).astype(int)
    start, end = _dates(people, "start_date").to_numpy(), _dates(people, "end_date").to_numpy()
    notes = []
    for i, d in enumerate(days):
        if d == 0:
            notes.append(_note("not_employed", language))
            continue
        parts = []
        if pd.notna(start[i]) and first < start[i] <= last:
            parts.append(_note("joined", language, date=f"{pd.Timestamp(start[i]):%Y-%m-%d}"))
        if pd.notna(end[i]) and first <= end[i] < last:
            parts.append(_note("left", language, date=f"{pd.Timestamp(end[i]):%Y-%m-%d}"))
        if d < month_days:
            parts.append(_note("prorated", language, days=d, month_days=month_days))
        notes.append("；".join(parts) if language == "zh" else "; ".join(parts))
    return pd.DataFrame({
        "person_id": window["person_id"].to_numpy(),
        "month_days": month_days,
        "days_worked": days.to_numpy(),
        "prorate": days.to_numpy() / month_days,
        "prorate_note": notes,
    })
