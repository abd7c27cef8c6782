"""Data inventory: which sources exist per market and platform, months covered, gaps."""
from __future__ import annotations

import re

import pandas as pd

from kpi_lib.config.models import ClientConfig
from kpi_lib.ingest.pipeline import IngestResult

COLUMNS = ["source", "type", "market", "store", "files", "unreadable", "rows", "first_month", "last_month",
           "months", "missing_months"]


def file_month(period: str | None) -> str | None:
    """The month a file reports on: ``2026-10``, or the end month of a window such as
    ``2026-09-02..2026-10-31`` (account health's trailing 60 days)."""
    if not period:
        return None
    months = re.findall(r"\d{4}-\d{2}", str(period))
    return months[-1] if months else None


def data_inventory(config: ClientConfig, data: IngestResult) -> pd.DataFrame:
    """One row per configured source: files read, rows, first/last month and gaps.

    Months come from the period each file covers (its ``period`` or folder) where it says,
    else from the dates in the rows of the table the source feeds.
    """
    rows = []
    for index, source in enumerate(config.sources):
        records = [r for r in data.files if r.source_index == index]
        ok = [r for r in records if r.info is not None]
        periods = sorted({m for r in ok if (m := file_month(r.info.period))})
        first, last = (periods[0], periods[-1]) if periods else (None, None)
        missing = []
        if periods:
            span = pd.period_range(first, last, freq="M").strftime("%Y-%m").tolist()
            missing = [m for m in span if m not in set(periods)]
        rows.append({
            "source": index, "type": source.type, "market": source.market or "—", "store": source.store or "—",
            "files": len(records), "unreadable": len(records) - len(ok),
            "rows": int(sum(r.info.rows for r in ok)), "first_month": first, "last_month": last,
            "months": len(periods), "missing_months": ", ".join(missing),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def coverage_matrix(data: IngestResult) -> pd.DataFrame:
    """Rows per table × market (index) and month (columns), for a coverage heatmap."""
    from kpi_lib.ingest.quality import DATE_COLUMNS, months_of

    parts = []
    for table, column in DATE_COLUMNS.items():
        frame = data.tables.get(table)
        if frame is None or frame.empty or column not in frame:
            continue
        months = months_of(frame, column)
        counts = pd.crosstab([pd.Series(table, index=frame.index, name="table"), frame["market"].rename("market")],
                             months.rename("month"))
        parts.append(counts)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts).fillna(0).astype(int).sort_index(axis=1)
