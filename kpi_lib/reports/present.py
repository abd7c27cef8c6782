"""Frames as report tables: metric, role and level ids shown as names in the report
language, column labels translated, blanks as a dash, numbers rounded for reading."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kpi_lib.reports.labels import level_label, metric_label, role_label
from kpi_lib.texts import localized


def present(frame: pd.DataFrame, language: str = "zh", *, metric_name_language: str | None = None,
            percent: Iterable[str] = (), decimals: int = 1) -> pd.DataFrame:
    """A display copy of ``frame`` (the input is not changed)."""
    out = frame.copy()
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
