"""Frames as report tables: metric, role and level ids shown as names in the report
language, column labels translated, blanks as a dash, numbers rounded for reading."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kpi_lib.reports.labels import level_label, metric_label, role_label
from kpi_lib.texts import localized


# Units whose values are fractions shown as percentages (0.3 → 30.0%).
PERCENT_UNITS = frozenset({"ratio"})


def present(frame: pd.DataFrame, language: str = "zh", *, metric_name_language: str | None = None,
            percent: Iterable[str] = (), decimals: int = 1, unit_column: str | None = None,
            by_unit: Iterable[str] = ()) -> pd.DataFrame:
    """A display copy of ``frame`` (the input is not changed).

    ``by_unit`` columns hold each row's value in the unit named by ``unit_column`` (a
    target table mixes money, ratios and days): ratios are shown as percentages, the others
    as numbers. The unit column itself is not shown.
    """
    out = frame.copy()
    by_unit = [c for c in by_unit if c in out]
    if unit_column is not None and unit_column in out:
        units = out.pop(unit_column)
        for col in by_unit:
            out[col] = [_in_unit(v, u, decimals) for v, u in zip(out[col], units)]
    if "metric_id" in out:
        out["metric_id"] = out["metric_id"].map(lambda m: metric_label(m, language, metric_name_language))
        out = out.rename(columns={"metric_id": "metric"})
    if "role" in out:
        out["role"] = out["role"].map(lambda r: role_label(r, language))
    if "level" in out:
        out["level"] = out["level"].map(lambda v: level_label(v, language))
    for col in percent:
        if col in out:
            out[col] = out[col].map(lambda v: "—" if pd.isna(v) else f"{v:.{decimals}%}")
    for col in out.columns:
        if col in set(percent):
            continue
        if pd.api.types.is_float_dtype(out[col]):
            # Whole numbers (money in yen, counts) without decimals; others to `decimals`.
            whole = out[col].dropna().round(6).mod(1).eq(0).all()
            digits = 0 if whole else decimals
            out[col] = out[col].map(lambda v: "—" if pd.isna(v) else f"{v:,.{digits}f}")
        elif pd.api.types.is_integer_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: f"{v:,}")
    return localized(out, language)


def _in_unit(value: object, unit: object, decimals: int) -> str:
    """One value as its unit reads: 0.3 (ratio) → 30.0%, 248250.2 (currency) → 248,250."""
    if value is None or pd.isna(value):
        return "—"
    if unit in PERCENT_UNITS:
        return f"{value:.{decimals}%}"
    digits = 0 if unit == "currency" or float(value).is_integer() else decimals
    return f"{value:,.{digits}f}"
