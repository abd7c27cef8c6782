"""Monthly metric history: the scorecard rows of several months stacked into one panel.

Baselines, pilot evaluation, trends and anomalies all read the same person × month ×
metric values the monthly scorecard computes, so they are computed here the same way
(attribution, formulas, exemptions) rather than a second time by another route.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from kpi_lib.config.models import ClientConfig
from kpi_lib.engine.scorecard import build_scorecard
from kpi_lib.errors import KpiError

PANEL_COLUMNS = ["person_id", "name", "role", "level", "team", "market", "month", "metric_id", "value",
                 "numerator", "denominator", "target", "attainment", "score", "weight", "exempted"]


def trailing_months(period: str, count: int) -> list[str]:
    """The ``count`` months ending with ``period`` (YYYY-MM), oldest first."""
    end = pd.Period(period, freq="M")
    return [str(end - i) for i in range(count - 1, -1, -1)]


def months_between(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def metric_panel(config: ClientConfig, tables: Mapping[str, pd.DataFrame], months: Iterable[str], *,
                 language: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, summaries) for ``months``: the scorecard rows (``PANEL_COLUMNS``; ``value`` is
    the actual) and the per-person summaries, each with a ``month`` column. Months in which
    nobody was employed are skipped."""
    rows, summaries = [], []
    for month in months:
        try:
            result = build_scorecard(config, tables, month, language=language)
        except KpiError as exc:
            if "nobody in the roster" in exc.message:
                continue
            raise
        rows.append(result.rows.assign(month=month).rename(columns={"actual": "value"}))
        summaries.append(result.summary.assign(month=month))
    if not rows:
        return pd.DataFrame(columns=PANEL_COLUMNS), pd.DataFrame()
    panel = pd.concat(rows, ignore_index=True).reindex(columns=PANEL_COLUMNS)
    return panel, pd.concat(summaries, ignore_index=True)
